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
