"""The library API for partners: plain functions over plain data.

Everything the CLI does is available here; the CLI only parses arguments,
calls these functions and prints. Example::

    from iepkit import api
    case = api.load_case("examples/mississippi-case.yaml")
    pdf = api.render_letter("mediation-request", case=case, fmt="pdf")
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path
from typing import Any, Iterable

from .case import Case, load_case, parse_case
from .errors import IepkitError, UnknownChoiceError
from .fileio import write_atomic
from .letters import RenderedLetter, render_letter as _render, to_format
from .model import Checklist, LetterTemplate, Process, State
from .plugins import PluginHost
from .registry import Registry
from .render import FORMATS

__all__ = ["Case", "load_case", "parse_case", "load_registry", "registry", "states", "find_state",
           "resolve_state", "processes", "letters", "checklists", "render_letter", "write_letter",
           "to_jsonable", "set_registry", "prepare_letter", "FORMATS"]

_default: Registry | None = None


def load_registry(only: Iterable[str] | None = None,
                  extra_plugins: Iterable[tuple[str, object]] = ()) -> Registry:
    """Load plugins from entry points (or only those named) plus in-process ones, and index them."""
    host = PluginHost()
    host.load_entry_points(only=only)
    for name, plugin in extra_plugins:
        host.add_plugin(plugin, name)
    return Registry.build(host)


def registry() -> Registry:
    """The registry for this process, loaded on first use."""
    global _default
    if _default is None:
        _default = load_registry()
    return _default


def set_registry(reg: Registry | None) -> None:
    """Use ``reg`` as this process's registry (tests and embedding partners)."""
    global _default
    _default = reg


def states() -> list[State]:
    return registry().sorted_states()


def find_state(query: str) -> State:
    """A state by code or name, in any case: "MS", "ms", "Mississippi"."""
    reg = registry()
    reg.require_state()
    return reg.find_state(query)


def resolve_state(state: str | None, case: Case | None) -> State:
    """The state to use: the case's own, else the one asked for. A conflict is an error."""
    if case is not None:
        found = find_state(case.state)
        if state and find_state(state).code != found.code:
            raise IepkitError(f"{case.source}: the case is for {found.name} ({found.code}), "
                              f"but the state asked for is {find_state(state).name}. "
                              "Leave out --state, or use a case for that state.")
        return found
    if not state:
        reg = registry()
        reg.require_state()
        if len(reg.states) == 1:
            return next(iter(reg.states.values()))
        raise UnknownChoiceError("state", "(none given)", [f"{s.code} ({s.name})" for s in reg.sorted_states()])
    return find_state(state)


def processes(state: str) -> list[Process]:
    return registry().processes_for(find_state(state).code)


def letters(state: str) -> list[LetterTemplate]:
    return registry().letters_for(find_state(state).code)


def checklists(state: str) -> list[Checklist]:
    return registry().checklists_for(find_state(state).code)


def prepare_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                   blanks: bool = False, today: _dt.date | None = None, notes: bool = True) -> RenderedLetter:
    """Render a letter to HTML, checking that the case has every field it needs."""
    st = resolve_state(state, case)
    template = registry().letter(st.code, letter_id)
    return _render(template, st, case, blanks=blanks, today=today, notes=notes)


def render_letter(letter_id: str, *, state: str | None = None, case: Case | None = None,
                  fmt: str = "pdf", blanks: bool = False, today: _dt.date | None = None,
                  notes: bool = True) -> bytes | str:
    """A letter as PDF bytes or as HTML, Markdown or plain text."""
    if fmt not in FORMATS:
        raise UnknownChoiceError("format", fmt, list(FORMATS))
    rendered = prepare_letter(letter_id, state=state, case=case, blanks=blanks, today=today, notes=notes)
    return to_format(rendered, fmt)


def write_letter(path: str | Path, letter_id: str, **kwargs: Any) -> Path:
    """Render a letter and write it atomically (mode 0600). Nothing is written on error."""
    return write_atomic(path, render_letter(letter_id, **kwargs))


def to_jsonable(obj: Any) -> Any:
    """Model objects as JSON-ready data (dates as ISO strings, citations as text)."""
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
# Imported here so the letter functions above stay readable on their own; none
# of these modules imports a heavy dependency at import time.
from . import deadlines as _deadlines  # noqa: E402
from .calendars import holiday_calendar, school_calendar_from_case  # noqa: E402
from .errors import GuardRailError  # noqa: E402
from .model import DeadlineRule, StateCalendar  # noqa: E402

__all__ += ["deadline_rules", "deadlines", "explain", "explain_text", "deadlines_ics", "write_ics",
            "check_filing_limit"]


def _rules(code: str) -> dict[str, DeadlineRule]:
    return dict(registry().deadline_rules.get(code, {}))


def deadline_rules(state: str) -> list[DeadlineRule]:
    """The deadline rules a state registered, in the plugin's order."""
    return list(_rules(find_state(state).code).values())


def deadlines(case: Case, *, today: _dt.date | None = None) -> _deadlines.DeadlineReport:
    """Every deadline the case's events start, soonest first, as of ``today`` (default: today).

    The report's ``deadlines`` hold each due date, days left (negative when
    overdue), citations, verified flag and trail; ``waiting`` names the rules
    that need an event the case does not list.
    """
    st = resolve_state(None, case)
    school = school_calendar_from_case(case.get("school_calendar"), case.source)
    return _deadlines.compute_deadlines(
        _rules(st.code), case.events(), today=today or _dt.date.today(),
        holidays=holiday_calendar(st.calendar or StateCalendar(subdivision=st.code)),
        school=school, source=case.source)


def explain(case: Case, rule_id: str, *, today: _dt.date | None = None) -> _deadlines.Deadline:
    """One rule's deadline with its trail; an error says which event it needs if the case lacks it."""
    st = resolve_state(None, case)
    return _deadlines.explain(deadlines(case, today=today), _rules(st.code), rule_id)


def explain_text(deadline: _deadlines.Deadline) -> str:
    """A deadline's trail as numbered steps, with sources and how days are counted."""
    return _deadlines.format_explanation(deadline)


def deadlines_ics(items: Iterable[_deadlines.Deadline], *, remind_days: int = 3) -> bytes:
    """Deadlines as an iCalendar file: one all-day event each, with a reminder ahead."""
    from .ics import to_ics
    return to_ics(items, remind_days=remind_days)


def write_ics(path: str | Path, items: Iterable[_deadlines.Deadline], *, remind_days: int = 3) -> Path:
    """Write deadlines to an .ics file atomically (mode 0600). Nothing is written on error."""
    return write_atomic(path, deadlines_ics(items, remind_days=remind_days))


def check_filing_limit(letter_id: str, case: Case, *, today: _dt.date | None = None,
                       force: bool = False) -> str | None:
    """Stop a letter whose filing limit has passed, unless ``force``.

    The letter's ``filing_limit_rule`` (plugin data) names the rule, such as
    state-complaint-limit. Raises GuardRailError when the limit has passed;
    otherwise returns a note for the user (the last day, or the event to add
    to check it), or None for a letter with no filing limit.
    """
    st = resolve_state(None, case)
    rule_id = registry().letter(st.code, letter_id).filing_limit_rule
    if not rule_id:
        return None
    rules = _rules(st.code)
    if rule_id not in rules:
        raise IepkitError(f"the {st.name} plugin's {letter_id} letter names filing_limit_rule "
                          f"'{rule_id}', which is not one of its deadline rules")
    found = deadlines(case, today=today).get(rule_id)
    rule = rules[rule_id]
    cites = rule.current.citations
    if found is None or found.due is None or found.days_left is None:
        return (f"add a '{rule.trigger}' event to your case to check the filing limit "
                f"({rule_id}, {cites}).")
    mark = f" {_deadlines.UNVERIFIED}" if not found.verified else ""
    cites = "; ".join(found.citations)
    if found.days_left >= 0:
        return f"{found.label}{mark}: {_deadlines.fmt(found.due)}, {found.when} ({rule_id}; {cites})."
    ago = -found.days_left
    passed = (f"the filing limit for the {letter_id} letter has passed. {found.label}{mark} was "
              f"{_deadlines.fmt(found.due)}, {ago} day{'s' if ago != 1 else ''} ago ({rule_id}; {cites}).")
    if force:
        return f"{passed} Writing the letter anyway because of --force."
    raise GuardRailError(f"{case.source}: {passed} See how the date was worked out: iepkit deadlines "
                         f"--case {case.source} --explain {rule_id}. If an exception applies or a date in "
                         "the case is wrong, add --force to write the letter anyway.")
