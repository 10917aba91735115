"""Every problem a letter would raise, found in one pass and reported in one message.

A parent who fixes a case file one error at a time meets the next problem only
on the next try: first an impossible date, then the fields the letter needs,
then a filing limit that has passed. ``check_letter`` gathers all three (the
case's own problems, the letter's missing fields and the filing-limit guard
rail) before anything is written. ``iepkit letter`` and ``iepkit batch letter``
both use it, so one case gets the same answer either way.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import api
from . import case as _case
from .case import Case
from .errors import (FILING_LIMIT, MISSING_FIELD, GuardRailError, IepkitError, InputError, MissingFieldsError,
                     Problem, UnknownChoiceError)
from .letters import RenderedLetter

# The command line's own words, added by the CLI (``cli_hints``): the library's errors name no flag or file.
MISSING_HINT = "Add the missing fields, or use --blanks to print fill-in lines for them."
MISSING_FIELDS_HINT = "Add them to the case file, or use --blanks to print fill-in lines instead."
FORCED = " Writing the letter anyway, as asked."
FORCE_HINT = "If an exception applies or a date in the case is wrong, add --force to write the letter anyway."


@dataclass(frozen=True)
class FilingLimit:
    """Where a letter stands against its filing limit (plugin data: the letter's ``filing_limit_rule``)."""

    letter_id: str
    rule_id: str
    #: The event type the limit counts from, like violation-occurred.
    trigger: str
    citations: str
    #: For the user when the limit has not passed: the last day, or the event to add to check it.
    note: str
    #: Why the limit has passed, with its date and rule; empty when it has not.
    passed: str = ""
    #: The rule in words, its last day, how many days ago that was (when passed) and its citations.
    label: str = ""
    due: _dt.date | None = None
    days_ago: int | None = None
    cites: tuple[str, ...] = ()


def filing_limit(letter_id: str, case: Case, *, today: _dt.date | None = None) -> FilingLimit | None:
    """The letter's filing limit for this case, or None for a letter that has none."""
    from . import deadlines as _deadlines

    st = api.resolve_state(None, case)
    rule_id = api.registry().letter(st.code, letter_id).filing_limit_rule
    if not rule_id:
        return None
    rules = api.deadline_rules(st.code)
    rule = next((r for r in rules if r.id == rule_id), None)
    if rule is None:
        raise IepkitError(f"the {st.name} plugin's {letter_id} letter names filing_limit_rule "
                          f"'{rule_id}', which is not one of its deadline rules")
    base: dict[str, Any] = dict(letter_id=letter_id, rule_id=rule_id, trigger=rule.trigger or "",
                                citations=rule.current.citations)
    found = api.deadlines(case, today=today).get(rule_id)
    if found is None or found.due is None or found.days_left is None:
        return FilingLimit(**base, note=f"add a '{rule.trigger}' event to your case to check the filing limit "
                                        f"({rule_id}, {rule.current.citations}).")
    mark = f" {_deadlines.UNVERIFIED}" if not found.verified else ""
    cites = "; ".join(found.citations)
    if found.days_left >= 0:
        return FilingLimit(**base, label=found.label, due=found.due, cites=tuple(found.citations),
                           note=f"{found.label}{mark}: {_deadlines.fmt(found.due)}, {found.when} "
                                f"({rule_id}; {cites}).")
    ago = -found.days_left
    return FilingLimit(**base, note="", label=found.label, due=found.due, days_ago=ago,
                       cites=tuple(found.citations), passed=(
        f"the filing limit for the {letter_id} letter has passed. {found.label}{mark} was "
        f"{_deadlines.fmt(found.due)}, {ago} day{'s' if ago != 1 else ''} ago ({rule_id}; {cites})."))


def guard_rail(limit: FilingLimit, source: str) -> GuardRailError:
    """The error that stops a letter whose filing limit has passed, with the rule, its last day and
    citations as fields (the CLI adds how to check the date and --force)."""
    return GuardRailError(source, limit.passed, letter_id=limit.letter_id, rule_id=limit.rule_id,
                          label=limit.label, last_day=limit.due, days_ago=limit.days_ago, citations=limit.cites)


def cli_hints(exc: IepkitError) -> str:
    """The command line's last lines for an error from the library: which flag or command helps.
    Empty for an error that needs none."""
    if isinstance(exc, GuardRailError) and exc.rule_id and exc.source:
        return (f" See how the date was worked out: iepkit deadlines --case {exc.source} "
                f"--explain {exc.rule_id}. {FORCE_HINT}")
    if isinstance(exc, MissingFieldsError):
        return "\n" + MISSING_FIELDS_HINT
    if isinstance(exc, InputError):
        kinds = {p.kind for p in exc.problems}
        hints = ([MISSING_HINT] if MISSING_FIELD in kinds else []) + ([FORCE_HINT] if FILING_LIMIT in kinds else [])
        return "".join("\n" + h for h in hints)
    return ""


def limit_problem(limit: FilingLimit, *, dates: bool = True) -> Problem:
    """A passed filing limit as one problem among others. Without ``dates`` it names the event
    the limit counts from, never a date (for batch reports, which may be shared)."""
    if dates:
        return Problem("", limit.passed, FILING_LIMIT)
    return Problem(f"events.{limit.trigger}", f"the filing limit for the {limit.letter_id} letter has passed "
                                              f"({limit.rule_id}; {limit.citations})", FILING_LIMIT)


@dataclass(frozen=True)
class LetterCheck:
    """A case that passed every check, the letter rendered from it, and a note about its filing limit."""

    case: Case
    rendered: RenderedLetter
    note: str | None = None


def check_letter(data: Any, source: str, letter_id: str, *, blanks: bool = False, force: bool = False,
                 today: _dt.date | None = None, notes: bool = True, case_file: str | Path | None = None,
                 dates: bool = True) -> LetterCheck:
    """Validate case data for a letter and render it, or raise one error listing every problem.

    The problems are the case's own (types, dates, event types), each field the
    letter needs that the case lacks (unless ``blanks``) and a filing limit that
    has passed (unless ``force``). ``today`` is the letter's date, which limits
    are counted to. ``case_file`` adds the events of the communication log beside
    it. ``dates`` puts the limit's date in the message (a batch report leaves it
    out). A problem alone keeps its own error: MissingFieldsError, GuardRailError.
    An unknown letter type raises UnknownChoiceError: the command is wrong, not the case.
    """
    names = api._state_names()
    case, problems = _case.check_case(data, source, states=names)
    if case is None:
        raise InputError(source, problems)
    if any(p.path == "state" for p in problems):
        if len(names) != 1:
            raise InputError(source, problems)  # no state, no letter to check against
        # A misspelled state still means the only one installed: its letter says what is missing.
        case = Case(data={**case.data, "state": names[0][0]}, source=case.source)
    if case_file is not None:
        from .commlog import default_log_path, with_log_events
        case = with_log_events(case, default_log_path(case_file))
    st = api.resolve_state(None, case)
    api.registry().letter(st.code, letter_id)  # an unknown TYPE is the command's problem: UnknownChoiceError

    def tolerated(run: Any) -> Any:
        # With the case's own problems reported anyway, a check that cannot run on what is left
        # (a value the letter cannot use yet) is reported once those are fixed.
        try:
            return run()
        except UnknownChoiceError:
            raise
        except Exception:  # noqa: BLE001
            if problems:
                return None
            raise

    limit = tolerated(lambda: filing_limit(letter_id, case, today=today))
    rendered = tolerated(lambda: api.prepare_letter(letter_id, state=st.code, case=case, blanks=True,
                                                    today=today, notes=notes, force=True))
    missing = rendered.missing if rendered is not None and not blanks else []
    passed = limit is not None and bool(limit.passed) and not force
    if not problems and not passed and missing:
        raise MissingFieldsError(source, letter_id, missing)
    if not problems and not missing and passed and dates:
        raise guard_rail(limit, source)
    if problems or missing or passed:
        reported = [p.path for p in problems]
        extra = [Problem(path, f"is missing; the {letter_id} letter needs {label}", MISSING_FIELD)
                 for path, label in missing
                 if not any(r == path or r.startswith((path + ".", path + "[")) for r in reported)]
        raise InputError(source, problems + extra + ([limit_problem(limit, dates=dates)] if passed else []))
    note = None
    if limit is not None:
        note = limit.passed + FORCED if limit.passed else limit.note
    return LetterCheck(case=case, rendered=rendered, note=note)


def check_letter_file(path: str | Path, letter_id: str, **kwargs: Any) -> LetterCheck:
    """``check_letter`` for a case file, with the events of the log beside it."""
    return check_letter(_case.read_case_data(path), str(path), letter_id, case_file=path, **kwargs)
