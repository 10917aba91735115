"""The library API for partners: plain functions over plain data.

Everything the CLI does is available here; the CLI only parses arguments,
calls these functions and prints. Example::

    from iepkit import api
    case = api.load_case("examples/mississippi-case.yaml")
    problems = api.validate(case.data, letter="mediation-request")  # [] or Problem(path, message) items
    pdf = api.render_letter("mediation-request", case=case, fmt="pdf", date=datetime.date(2026, 12, 1))

Safe by default: every call that writes a letter makes the CLI's checks, and a
filing limit that has passed raises GuardRailError unless ``force=True``. Every
error about the input is an ``InputError`` (``MissingFieldsError`` and
``GuardRailError`` included) with ``.problems``; messages name no file the
caller did not give and no command-line flag.

Registries and threads: every function that looks states up takes
``registry=`` (a ``Registry`` from ``load_registry()``), used by that call only
(and everything it calls, in that thread); without it, the process's default
(``registry()``) is used. Safe to share between threads: a loaded Registry (a
state's content is read once, under a lock, when first used), and the State,
Process, LetterTemplate and DeadlineRule objects it returns (immutable). Not
safe: ``set_registry()`` replaces the process-wide default: call it at
start-up or in tests, never while other threads render. Do not mutate a
Case's ``data`` while another thread uses it.

Versioning: ``__all__`` here is the public API, under semantic versioning with
one minor release of DeprecationWarning before a removal (docs/versioning.md).
"""
from __future__ import annotations

import contextvars
import dataclasses
import datetime as _dt
import functools
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, ParamSpec, TypeVar, overload

from . import deadlines as _deadlines
from .calendars import HolidayCalendar, holiday_calendar, school_calendar_from_case
from . import case as _case
from .case import ANSWERS_SCHEMA, Case
from .errors import GuardRailError, IepkitError, InputError, MissingFieldsError, Problem, UnknownChoiceError
from .fileio import write_atomic
from .kit import KitInputs, render_kit_html
from .letters import RenderedLetter, render_letter as _render, to_format
from .model import COMPARISON_FIELDS, DeadlineRule, Guide, LetterTemplate, Process, State, StateCalendar, Withdrawal
from .plugins import PluginHost
from .recommend import OPTIONAL as OPTIONAL_ANSWERS
from .recommend import HELP as QUESTION_HELP
from .recommend import QUESTIONS, Recommendation, answers_from_case, missing_answers, parse_answers
from .recommend import recommend as _recommend
from .registry import Registry, process_registry, set_process_registry
from .filepaths import EXTENSIONS, KIT_FORMATS, choose_format
from .render import FORMATS
from .yamlio import load_yaml_file

__all__ = ["Case", "load_case", "parse_case", "load_case_for_letter", "load_registry", "registry", "states",
           "find_state", "resolve_state", "processes", "letters", "render_letter", "write_letter",
           "to_jsonable", "set_registry", "prepare_letter", "FORMATS", "KIT_FORMATS", "EXTENSIONS",
           "choose_format", "output_format", "validate", "Problem", "IepkitError", "InputError",
           "MissingFieldsError", "GuardRailError", "UnknownChoiceError", "Registry"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

# The registry a call was given (``registry=``), seen by everything that call does in this
# thread; None: the process's default. A context variable, not a global, so a registry passed
# to one call never leaks into another thread's.
_CURRENT: contextvars.ContextVar[Registry | None] = contextvars.ContextVar("iepkit_registry", default=None)


def _reg() -> Registry:
    """The registry in use: the one passed to the current call, else the process's default."""
    reg = _CURRENT.get()
    return reg if reg is not None else process_registry()


def _uses_registry(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Let ``fn``'s ``registry=`` argument stand for the registry everywhere the call reaches."""
    @functools.wraps(fn)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        reg = kwargs.get("registry")
        if reg is None or reg is _CURRENT.get():
            return fn(*args, **kwargs)
        token = _CURRENT.set(reg)  # type: ignore[arg-type]
        try:
            return fn(*args, **kwargs)
        finally:
            _CURRENT.reset(token)
    return call



def load_registry(only: Iterable[str] | None = None,
                  extra_plugins: Iterable[tuple[str, object]] = ()) -> Registry:
    """Load plugins from entry points (or only those named) plus in-process ones, and index them.

    The result is independent of the process's default registry: pass it as
    ``registry=`` to any call. It may be shared between threads."""
    host = PluginHost()
    host.load_entry_points(only=only)
    for name, plugin in extra_plugins:
        host.add_plugin(plugin, name)
    return Registry.build(host)


def registry() -> Registry:
    """The registry for this process, loaded on first use. It reads a state's content
    (letters, rules, guides) only when that state is first used."""
    return process_registry()


def set_registry(reg: Registry | None) -> None:
    """Use ``reg`` as this process's default registry (None: load it again on next use).

    Not thread-safe: it changes what every thread without ``registry=`` uses.
    Call it at start-up or in tests; to use another registry for one call, pass
    ``registry=`` instead."""
    set_process_registry(reg)


@_uses_registry
def states(*, registry: Registry | None = None) -> list[State]:
    """Every installed state (``State``: code, name, agency, ...), sorted by code."""
    return _reg().sorted_states()


@_uses_registry
def find_state(query: str, *, registry: Registry | None = None) -> State:
    """A state by code or name, in any case: "MS", "ms", "Mississippi"."""
    reg = _reg()
    reg.require_state()
    return reg.find_state(query)


@_uses_registry
def resolve_state(state: str | None, case: Case | None, *, registry: Registry | None = None) -> State:
    """The state to use: the case's own, else the one asked for. A conflict is an error."""
    if case is not None:
        found = find_state(case.state)
        if state and find_state(state).code != found.code:
            err = IepkitError(f"{case.source}: the case is for {found.name} ({found.code}), "
                              f"but the state asked for is {find_state(state).name}.")
            err.cli_hint = "Leave out --state, or use a case for that state."
            raise err
        return found
    if not state:
        reg = _reg()
        reg.require_state()
        if len(reg.states) == 1:
            return reg.find_state(next(iter(reg.states)))  # which reads its content, or says why it cannot
        # Never a default: a letter or deadline for the wrong state is worse than a question.
        listed = ", ".join(f"{s.code} ({s.name})" for s in reg.sorted_states())
        err = IepkitError(f"No state was given, and more than one is installed: {listed}.")
        err.cli_hint = "Name one with --state, or use a case file (it names its state)."
        raise err
    return find_state(state)


def _state_names() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in _reg().sorted_states()]


@_uses_registry
def parse_case(data: Any, source: str = "case", *, today: _dt.date | None = None,
               registry: Registry | None = None) -> Case:
    """Validate case data (parsed from YAML or JSON) against the installed states; raise InputError
    listing every problem. ``today`` is the day dates are checked against (default: today)."""
    return _case.parse_case(data, source, today=today, states=_state_names())


@_uses_registry
def load_case(path: str | Path, *, today: _dt.date | None = None, log: str | Path | None = None,
              registry: Registry | None = None) -> Case:
    """Read and validate a case file: every problem at once, the same for every command.

    Checks types and formats, event types, the state (one installed), and
    that dates are ones a family could mean. Events recorded in the case's
    communication log (``log``, else the one beside the file, if any) are added.
    """
    case = _case.parse_case(_case.read_case_data(path), str(path), today=today, states=_state_names())
    return _with_log(case, log)


def _with_log(case: Case, log: str | Path | None = None) -> Case:
    """The case with its communication log's events (``log``, else the log beside the case file),
    so deadlines, letters and the recommender see them without the parent typing them twice."""
    from .commlog import with_log_events
    return with_log_events(case, log)


@_uses_registry
def load_case_for_letter(path: str | Path, letter_id: str, *, blanks: bool = False,
                         today: _dt.date | None = None, registry: Registry | None = None) -> Case:
    """Read a case file for a letter. When the case has problems, the one error also lists
    every field the letter needs that the case lacks, so nothing is left for a second try.

    With ``blanks`` missing fields become fill-in lines, so only the case's problems count.
    """
    data = _case.read_case_data(path)
    case, problems = _case.check_case(data, str(path), today=today, states=_state_names())
    if not problems and case is not None:
        return _with_log(case)
    missing: list[tuple[str, str]] = []
    if case is not None and not blanks:
        names = _state_names()
        if any(p.path == "state" for p in problems) and len(names) == 1:
            # A misspelled state still means the only one installed: its letter says what is missing.
            case = Case(data={**case.data, "state": names[0][0]}, source=case.source)
        try:
            missing = prepare_letter(letter_id, case=case, blanks=True, today=today, force=True).missing
        except Exception:  # noqa: BLE001 - only adds to an error raised anyway
            # An unknown letter or state, or a value the letter cannot use yet: reported by
            # itself once the case's own problems are fixed.
            missing = []
    reported = [p.path for p in problems]
    extra = [Problem(path, f"is missing; the {letter_id} letter needs {label}", "missing-field")
             for path, label in missing
             if not any(r == path or r.startswith((path + ".", path + "[")) for r in reported)]
    raise InputError(str(path), problems + extra)


@_uses_registry
def processes(state: str, *, registry: Registry | None = None) -> list[Process]:
    """A state's dispute-resolution processes (``Process``: id, name, cited ``facts``), in the plugin's order."""
    return _reg().processes_for(find_state(state).code)


@_uses_registry
def letters(state: str, *, registry: Registry | None = None) -> list[LetterTemplate]:
    """The letters a state offers (``LetterTemplate``: id, title, required fields), federal ones included."""
    return _reg().letters_for(find_state(state).code)


@_uses_registry
def prepare_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                   blanks: bool = False, today: _dt.date | None = None, notes: bool = True,
                   force: bool = False, date: _dt.date | None = None,
                   registry: Registry | None = None) -> RenderedLetter:
    """Render a letter to HTML (``iepkit.letters.RenderedLetter``) with the same checks as the CLI.

    ``date`` (or its older name ``today``) is the date printed on the letter and
    the day filing limits are counted to; default: today's date on this machine.
    With a case, a letter whose filing limit has passed (a state complaint filed
    too late) raises GuardRailError unless ``force=True``; a field the letter
    needs that the case lacks raises MissingFieldsError unless ``blanks=True``
    (then it is a fill-in line). Without a case the letter is a blank form.
    """
    day = _letter_date(date, today)
    st = resolve_state(state, case)
    template = _reg().letter(st.code, letter_id)
    if case is not None and not force:
        check_filing_limit(letter_id, case, today=day)
    return _render(template, st, case, blanks=blanks, today=day, notes=notes)


def _letter_date(date: _dt.date | None, today: _dt.date | None) -> _dt.date | None:
    """``date``, else ``today`` (the same argument under its older name); both must agree."""
    if date is not None and today is not None and date != today:
        raise IepkitError("Two different dates were given for the letter (date and today); give one.")
    return date if date is not None else today


#: The formats each render function returns as bytes; the others are text (str).
BinaryFormat = Literal["pdf", "docx"]
TextFormat = Literal["html", "md", "txt"]


@overload
def render_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                  fmt: BinaryFormat = "pdf", blanks: bool = False, today: _dt.date | None = None,
                  notes: bool = True, force: bool = False, date: _dt.date | None = None,
                  registry: Registry | None = None) -> bytes: ...
@overload
def render_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                  fmt: TextFormat, blanks: bool = False, today: _dt.date | None = None,
                  notes: bool = True, force: bool = False, date: _dt.date | None = None,
                  registry: Registry | None = None) -> str: ...
@overload
def render_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                  fmt: str, blanks: bool = False, today: _dt.date | None = None,
                  notes: bool = True, force: bool = False, date: _dt.date | None = None,
                  registry: Registry | None = None) -> bytes | str: ...
@_uses_registry
def render_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                  fmt: str = "pdf", blanks: bool = False, today: _dt.date | None = None,
                  notes: bool = True, force: bool = False, date: _dt.date | None = None,
                  registry: Registry | None = None) -> bytes | str:
    """A letter as PDF or DOCX bytes, or as HTML, Markdown or plain text (``fmt``).

    Safe by default, as the CLI is: a passed filing limit raises GuardRailError
    (``.rule_id``, ``.label``, ``.last_day``, ``.citations``) unless
    ``force=True``; missing fields raise MissingFieldsError unless
    ``blanks=True``. ``date`` (or ``today``) is the letter's date, default today.
    Use ``validate(data, letter=...)`` first to get every problem at once.
    """
    if fmt not in FORMATS:
        raise UnknownChoiceError("format", fmt, list(FORMATS))
    rendered = prepare_letter(letter_id, state=state, case=case, blanks=blanks, today=today, notes=notes,
                              force=force, date=date)
    return to_format(rendered, fmt)


def output_format(path: str | Path, fmt: str | None, formats: Iterable[str], *, what: str) -> str:
    """The format to write ``path`` in: ``fmt``, else the file's ending, else PDF.

    An ending iepkit cannot write (``letter.rtf``) or one that ``fmt``
    contradicts raises IepkitError listing what it can write, so no file is
    ever named for one format and filled with another.
    """
    chosen, problems, _ = choose_format(path, fmt, tuple(formats), what=what, option="", format_option="fmt")
    if problems:
        raise IepkitError(problems[0])
    return chosen


@_uses_registry
def write_letter(path: str | Path, letter_id: str, **kwargs: Any) -> Path:
    """Render a letter and write it atomically (mode 0600). Nothing is written on error.

    The format is ``fmt`` if given, else the file's ending (see ``output_format``).
    Every other keyword is ``render_letter``'s (``case``, ``state``, ``blanks``,
    ``force``, ``date``, ``notes``, ``registry``), with the same checks.
    """
    fmt = output_format(path, kwargs.pop("fmt", None), FORMATS, what="a letter")
    return write_atomic(path, render_letter(letter_id, fmt=fmt, **kwargs))


def to_jsonable(obj: Any) -> Any:
    """Any object this API returns as data ``json.dumps`` accepts, for a web service or a file.

    Shape: a dataclass (State, Process, LetterTemplate, DeadlineRule, Deadline,
    DeadlineReport, Problem, ...) becomes a dict of its fields by name (a
    template's folder left out); dicts stay dicts, lists and tuples become
    lists (a citation list is a list of its fields' dicts), dates and paths
    become strings (dates as ISO ``YYYY-MM-DD``); str, int, float, bool and None
    are unchanged. Field names follow the dataclasses, so a renamed field is a
    breaking change (see docs/versioning.md).
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if f.name != "template_dir"}
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (_dt.date, Path)):
        return str(obj)
    return obj


# -- deadlines ------------------------------------------------------------------

__all__ += ["deadline_rules", "deadline_rule", "deadline_rule_dict", "deadline_rule_text", "deadlines",
            "explain", "explain_text", "calendar_label_problem", "deadlines_ics", "write_ics",
            "check_filing_limit", "check_letter", "answers_text", "write_answers", "withdrawn_rules"]


def _holidays(st: State) -> HolidayCalendar:
    """The state's business-day calendar: federal plus state holidays, with its changes."""
    return holiday_calendar(st.calendar or StateCalendar(subdivision=st.code))


def _rules(code: str) -> dict[str, DeadlineRule]:
    return _reg().rules_for(code)


@_uses_registry
def deadline_rules(state: str, *, registry: Registry | None = None) -> list[DeadlineRule]:
    """The deadline rules a state registered, in the plugin's order."""
    return list(_rules(find_state(state).code).values())


@_uses_registry
def deadlines(case: Case, *, today: _dt.date | None = None,
              registry: Registry | None = None) -> _deadlines.DeadlineReport:
    """Every deadline the case's events start, soonest first, as of ``today`` (default: today).

    The report's ``deadlines`` hold each due date, days left (negative when
    overdue), citations, verified flag and trail; ``waiting`` names the rules
    that need an event the case does not list.
    """
    st = resolve_state(None, case)
    school = school_calendar_from_case(case.get("school_calendar"), case.source)
    return _deadlines.compute_deadlines(
        _rules(st.code), case.events(), today=today or _dt.date.today(),
        holidays=_holidays(st), school=school, source=case.source)


@_uses_registry
def explain(case: Case, rule_id: str, *, today: _dt.date | None = None,
            registry: Registry | None = None) -> _deadlines.Deadline:
    """One rule's deadline with its trail; an error says which event it needs if the case lacks it."""
    st = resolve_state(None, case)
    if rule_id not in _rules(st.code):
        _refuse_withdrawn(st, rule_id)
    return _deadlines.explain(deadlines(case, today=today), _rules(st.code), rule_id)


def explain_text(deadline: _deadlines.Deadline) -> str:
    """A deadline's trail as numbered steps, with sources and how days are counted."""
    return _deadlines.format_explanation(deadline)


def deadline_rule_dict(rule: DeadlineRule) -> dict[str, Any]:
    """A rule as JSON-ready data: its terms in words, citations, verified flag, note and versions."""
    return _deadlines.rule_as_dict(rule)


def deadline_rule_text(rule: DeadlineRule) -> str:
    """A rule in plain words with its sources, note and how days are counted (no case needed)."""
    return _deadlines.format_rule(rule)


@_uses_registry
def deadline_rule(state: str, rule_id: str, *, registry: Registry | None = None) -> DeadlineRule:
    """One of a state's deadline rules by id; an unknown id lists the valid ones."""
    st = find_state(state)
    rules = _rules(st.code)
    if rule_id not in rules:
        _refuse_withdrawn(st, rule_id)
        raise UnknownChoiceError("deadline rule", rule_id, sorted(rules))
    return rules[rule_id]


@_uses_registry
def withdrawn_rules(state: str, *, registry: Registry | None = None) -> list[Withdrawal]:
    """The federal deadline rules a state says do not apply there, each with its reason and citations."""
    return list(_reg().withdrawn_for(find_state(state).code, "deadline_rules").values())


def _refuse_withdrawn(st: State, rule_id: str) -> None:
    """A clear error for a federal rule the state withdrew: it is not a typo, it does not apply."""
    w = _reg().withdrawn_for(st.code, "deadline_rules").get(rule_id)
    if w is not None:
        cites = f" ({'; '.join(c.ref for c in w.cite)})" if w.cite else ""
        raise IepkitError(f"The federal rule '{rule_id}' does not apply in {st.name}: {w.reason}{cites}")


def calendar_label_problem(label: str) -> str | None:
    """What is wrong with a label for calendar titles (empty, control characters, too long), or None."""
    from .ics import label_problem
    return label_problem(label)


def deadlines_ics(items: Iterable[_deadlines.Deadline], *, label: str | None = None,
                  remind_days: int | Iterable[int] | None = None) -> bytes:
    """Deadlines as an iCalendar file: one all-day event each, with reminders early enough to act.

    Reminders scale with the rule's length (see ``iepkit.ics.REMINDER_PLAN``)
    unless ``remind_days`` fixes them; none goes off on or before the day the
    deadlines were worked out for, and overdue ones are titled OVERDUE.
    ``label`` (initials, never a name: calendars sync to other services)
    starts every title. A bad label raises InputError naming ``label``.
    """
    from .ics import to_ics
    problem = calendar_label_problem(label) if label is not None else None
    if problem:
        raise InputError("calendar", [Problem("label", problem)])
    days = list(remind_days) if remind_days is not None and not isinstance(remind_days, int) else remind_days
    return to_ics(items, label=label, remind_days=days)


def write_ics(path: str | Path, items: Iterable[_deadlines.Deadline], *, label: str | None = None,
              remind_days: int | Iterable[int] | None = None) -> Path:
    """Write deadlines to an .ics file atomically (mode 0600). Nothing is written on error."""
    return write_atomic(path, deadlines_ics(items, label=label, remind_days=remind_days))


def answers_text(answers: dict[str, Any], *, today: _dt.date | None = None) -> str:
    """Answers as YAML that ``load_answers`` reads back, each under its question."""
    from .answersfile import answers_yaml
    return answers_yaml(parse_answers(answers, "answers"), today or _dt.date.today())


def write_answers(path: str | Path, answers: dict[str, Any], *, today: _dt.date | None = None) -> Path:
    """Save answers for the recommender to a YAML file atomically (mode 0600)."""
    return write_atomic(path, answers_text(answers, today=today))


@_uses_registry
def check_filing_limit(letter_id: str, case: Case, *, today: _dt.date | None = None,
                       force: bool = False, registry: Registry | None = None) -> str | None:
    """Stop a letter whose filing limit has passed, unless ``force``.

    The letter's ``filing_limit_rule`` (plugin data) names the rule, such as
    state-complaint-limit. Raises GuardRailError when the limit has passed;
    otherwise returns a note for the user (the last day, or the event to add
    to check it), or None for a letter with no filing limit.
    """
    from .lettercheck import filing_limit, guard_rail
    limit = filing_limit(letter_id, case, today=today)
    if limit is None or not limit.passed:
        return limit.note if limit is not None else None
    if force:
        from .lettercheck import FORCED
        return limit.passed + FORCED
    raise guard_rail(limit, case.source)


@_uses_registry
def check_letter(case_file: str | Path, letter_id: str, *, blanks: bool = False, force: bool = False,
                 today: _dt.date | None = None, notes: bool = True, registry: Registry | None = None) -> Any:
    """Check a case file for a letter and render it (``iepkit.lettercheck.LetterCheck``: ``case``,
    ``rendered``, ``note``), or raise one error listing every problem the letter would raise: the
    case's own, the fields the letter needs, and a filing limit that has passed (unless ``force``)."""
    from .lettercheck import check_letter_file
    return check_letter_file(case_file, letter_id, blanks=blanks, force=force, today=today, notes=notes)


@_uses_registry
def validate(data: Any, *, state: str | None = None, letter: str | None = None, today: _dt.date | None = None,
             registry: Registry | None = None) -> list[Problem]:
    """Every problem a later call would raise for this case data, as ``Problem(path, message)``
    items (empty: none). Never raises for the data's sake.

    Checked: the case's shape, types and dates (against ``today``, default
    today), event types, the state (installed; ``state``, when given, fills in a
    case without one and must agree with a case that names one), the school
    calendar deadlines use, and with ``letter`` (a letter id) the fields that
    letter needs and a filing limit that has passed (counted to ``today``).
    A problem's ``kind`` is "missing-field", "filing-limit" or "". An unknown
    ``letter`` or ``state`` argument raises UnknownChoiceError: the call is
    wrong, not the data.
    """
    if state is not None:
        asked = find_state(state)
        if isinstance(data, dict):
            given = data.get("state")
            if given is None:
                data = {**data, "state": asked.code}
            elif isinstance(given, str) and given.strip().lower() in (asked.code.lower(), asked.name.lower()):
                pass
            else:
                return [Problem("state", f"does not match the state asked for, {asked.name} ({asked.code})")]
    source = "case"
    if letter is not None:
        from .lettercheck import check_letter as _check
        try:
            _check(data, source, letter, today=today, notes=False)
        except InputError as exc:
            return list(exc.problems)
        return []
    case, problems = _case.check_case(data, source, today=today, states=_state_names())
    if case is None or problems:
        return problems
    try:
        deadlines(case, today=today)
    except InputError as exc:
        return list(exc.problems)
    return []


# -- guides, comparison, recommender and the Starter Kit ------------------------------

__all__ += ["guides", "compare", "load_answers", "gather_answers", "recommend", "kit_html", "render_kit",
            "write_kit", "QUESTIONS", "QUESTION_HELP", "OPTIONAL_ANSWERS"]


@_uses_registry
def guides(state: str, kind: str | None = None, *, registry: Registry | None = None) -> list[Guide]:
    """A state's guides, checklists, worksheets and scripts (optionally only one kind)."""
    items = _reg().guides_for(find_state(state).code)
    return [g for g in items if kind is None or g.kind == kind]


@_uses_registry
def compare(state: str, *, registry: Registry | None = None) -> dict[str, Any]:
    """The side-by-side comparison of a state's processes: rows of cited facts."""
    procs = processes(state)
    return {
        "processes": [{"id": p.id, "name": p.name} for p in procs],
        "rows": [{"key": key, "label": label,
                  "cells": {p.id: to_jsonable(p.facts[key]) for p in procs}}
                 for key, label in COMPARISON_FIELDS.items()],
    }


ANSWERS_FIELD_NAMES = frozenset(ANSWERS_SCHEMA.fields)


def load_answers(path: str | Path) -> dict[str, Any]:
    """Read and validate an answers file (YAML); unknown keys or values list the valid ones."""
    return parse_answers(load_yaml_file(path, field_names=ANSWERS_FIELD_NAMES), str(path))


def gather_answers(case: Case | None = None, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """The case's answers (issue types, event dates, its `answers` section) overlaid by ``answers``."""
    merged: dict[str, Any] = answers_from_case(case) if case is not None else {}
    merged.update(answers or {})
    return parse_answers(merged, case.source if case is not None else "answers")


def _limit_lookup(today: _dt.date) -> Callable[[str, str, _dt.date], tuple[_dt.date, str, str]]:
    def lookup(code: str, rule_id: str, trigger_date: _dt.date) -> tuple[_dt.date, str, str]:
        rules = _rules(code)
        if rule_id not in rules:
            raise IepkitError(f"the recommender criteria for {code} name the deadline rule '{rule_id}', "
                              "which is not registered")
        rule = rules[rule_id]
        st = find_state(code)
        report = _deadlines.compute_deadlines(
            rules, [{"type": rule.trigger, "date": trigger_date}], today=today,
            holidays=_holidays(st),
            school=None, source="answers")
        found = report.get(rule_id)
        if found is None or found.due is None:
            raise IepkitError(f"the deadline rule '{rule_id}' could not be worked out for that date")
        mark = f" {_deadlines.UNVERIFIED}" if not found.verified else ""
        return found.due, "; ".join(found.citations) + mark, found.label
    return lookup


@_uses_registry
def recommend(*, state: str | None = None, case: Case | None = None, answers: dict[str, Any] | None = None,
              today: _dt.date | None = None, registry: Registry | None = None) -> Recommendation:
    """Rank the state's processes for these answers (merged with what the case says)."""
    st = resolve_state(state, case)
    merged = gather_answers(case, answers)
    missing = missing_answers(merged)
    if missing:
        raise InputError(case.source if case is not None else "answers",
                         [Problem(k, f"is missing: {QUESTIONS[k]}") for k in missing])
    criteria = _reg().criteria_for(st.code)
    if criteria is None:
        raise IepkitError(f"the {st.name} plugin has no recommender criteria (recommend.yaml)")
    today = today or _dt.date.today()
    return _recommend(criteria, _reg().processes_for(st.code), merged, today, _limit_lookup(today))


@_uses_registry
def kit_html(*, state: str | None = None, case: Case | None = None, answers: dict[str, Any] | None = None,
             today: _dt.date | None = None, registry: Registry | None = None) -> str:
    """The Starter Kit as one self-contained HTML page: blank without a case, filled with one."""
    st = resolve_state(state, case)
    reg = _reg()
    today = today or _dt.date.today()
    recommendation = None
    found: dict[str, Any] = {}
    if case is not None:
        found = {d.rule: d for d in deadlines(case, today=today).deadlines}
        merged = gather_answers(case, answers)
        if not missing_answers(merged) and reg.criteria_for(st.code) is not None:
            recommendation = recommend(case=case, answers=answers, today=today)
    elif answers:
        recommendation = recommend(state=st.code, answers=answers, today=today)
    inputs = KitInputs(state=st, guides={g.id: g for g in reg.guides_for(st.code)},
                       processes={p.id: p for p in reg.processes_for(st.code)},
                       letters=reg.letters_for(st.code), rules=_rules(st.code), case=case,
                       recommendation=recommendation, deadlines=found)
    return render_kit_html(inputs, today=today)


@overload
def render_kit(*, fmt: BinaryFormat = "pdf", **kwargs: Any) -> bytes: ...
@overload
def render_kit(*, fmt: Literal["html"], **kwargs: Any) -> str: ...
@overload
def render_kit(*, fmt: str, **kwargs: Any) -> bytes | str: ...
def render_kit(*, fmt: str = "pdf", **kwargs: Any) -> bytes | str:
    """The Starter Kit as PDF bytes or an HTML string, or its Letters part as DOCX bytes."""
    if fmt not in KIT_FORMATS:
        raise UnknownChoiceError("format for the kit", fmt, list(KIT_FORMATS))
    html = kit_html(**kwargs)
    if fmt == "html":
        return html
    if fmt == "docx":
        import html as _html
        import re

        from .render.docx import html_to_docx, kit_letters_part
        title = re.search(r"<title>([^<]*)</title>", html)
        return html_to_docx(kit_letters_part(html), _html.unescape(title[1]) if title else "")
    from .render.pdf import html_to_pdf
    return html_to_pdf(html)


def write_kit(path: str | Path, **kwargs: Any) -> Path:
    """Render the kit and write it atomically (mode 0600). Nothing is written on error.

    The format is ``fmt`` if given, else the file's ending (see ``output_format``).
    """
    fmt = output_format(path, kwargs.pop("fmt", None), KIT_FORMATS, what="the kit")
    return write_atomic(path, render_kit(fmt=fmt, **kwargs))


# -- the communication log (iepkit log) ------------------------------------------------

__all__ += ["open_log", "log_entries", "render_log", "write_log"]


def open_log(path: str | Path, *, create: bool = True) -> Any:
    """Open a case's communication log for writing (``iepkit.commlog.CommLog``; use it in ``with``).

    ``add`` and ``edit`` check every value as the CLI does; nothing is ever
    updated or deleted. A file that is not a log raises IepkitError, untouched.
    """
    from .commlog import open_log as _open
    return _open(path, create=create)


def log_entries(path: str | Path) -> list[Any]:
    """The latest version of every entry in a log, in date order (empty when there is no log yet)."""
    from .commlog import read_log
    book = read_log(path)
    if book is None:
        return []
    with book:
        return book.entries()


@overload
def render_log(entries: Iterable[Any], fmt: BinaryFormat = "pdf", *, today: _dt.date | None = None,
               student_name: str | None = None) -> bytes: ...
@overload
def render_log(entries: Iterable[Any], fmt: Literal["html", "csv"], *, today: _dt.date | None = None,
               student_name: str | None = None) -> str: ...
@overload
def render_log(entries: Iterable[Any], fmt: str, *, today: _dt.date | None = None,
               student_name: str | None = None) -> bytes | str: ...
def render_log(entries: Iterable[Any], fmt: str = "pdf", *, today: _dt.date | None = None,
               student_name: str | None = None) -> bytes | str:
    """The printed log: PDF or DOCX bytes, HTML or CSV text."""
    from .logexport import LOG_FORMATS, render_log as _render_log
    if fmt not in LOG_FORMATS:
        raise UnknownChoiceError("format for the log", fmt, list(LOG_FORMATS))
    return _render_log(list(entries), fmt, today=today, student_name=student_name)


def write_log(path: str | Path, entries: Iterable[Any], **kwargs: Any) -> Path:
    """Write the printed log atomically (mode 0600), in the format its ending names."""
    from .logexport import LOG_FORMATS
    fmt = output_format(path, kwargs.pop("fmt", None), LOG_FORMATS, what="a log")
    return write_atomic(path, render_log(entries, fmt, **kwargs))


# -- many PDFs in one long-lived process ----------------------------------------------

__all__ += ["RenderPool", "WorkerCrashedError"]

from .render.pool import RenderPool, WorkerCrashedError  # noqa: E402 - its own section; imports little
