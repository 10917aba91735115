"""The letter engine: one Jinja2 template per letter, filled from a case or left as a form.

A letter template calls ``v("student.name")`` for each case value it prints.
With a case, ``v`` prints the value (escaped: typed text is data, never markup)
and remembers every required field the case lacks; the engine then refuses to
write the letter and lists them all, unless blanks were asked for. Without a
case every ``v`` prints a fill-in line labelled with what belongs there.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .case import ISSUE_TYPES, Case, label_for
from .errors import MissingFieldsError
from .model import LetterTemplate, State, Statement
from .render.html import page, shared_template_dir


def format_date(value: _dt.date) -> str:
    """Dates as people write them in letters: March 2, 2015."""
    return f"{value:%B} {value.day}, {value.year}"


def format_value(value: Any) -> Markup:
    """A case value as escaped HTML: dates written out, addresses on two lines, lists joined."""
    if isinstance(value, _dt.date):
        return Markup(escape(format_date(value)))
    if isinstance(value, dict) and {"street", "city"} <= set(value):
        street = value["street"] + (f", {value['unit']}" if value.get("unit") else "")
        return Markup("<br>").join([escape(street), escape(f"{value['city']}, {value['state']} {value['zip']}")])
    if isinstance(value, list):
        return Markup(", ").join(escape(str(v)) for v in value)
    text = str(value)
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def blank(label: str, size: str = "") -> Markup:
    """A printable fill-in line with a small label saying what goes there."""
    return Markup('<span class="blank{cls}">{line}</span> <span class="hint">({label})</span>').format(
        cls=f" {size}" if size else "", line="_" * (40 if size == "long" else 24), label=label)


@dataclass
class _Filler:
    """The functions a letter template calls; collects the fields a case lacks."""

    case: Case | None
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def form(self) -> bool:
        return self.case is None

    def raw(self, path: str) -> Any:
        return None if self.case is None else self.case.get(path)

    def event(self, event_type: str) -> _dt.date | None:
        """The latest date of an event of this type in the case, if any."""
        dates = [e["date"] for e in (self.case.events() if self.case else []) if e.get("type") == event_type]
        return max(dates) if dates else None

    def timeline(self) -> list[tuple[_dt.date, str]]:
        """What happened, in date order: (date, words) from the case's events (empty for a form)."""
        return self.case.timeline() if self.case else []

    def has(self, path: str) -> bool:
        return self.raw(path) not in (None, "", [])

    def v(self, path: str, required: bool = True, size: str = "") -> Markup:
        value = self.raw(path)
        if value in (None, "", []):
            if required and self.case is not None and (path, label_for(path)) not in self.missing:
                self.missing.append((path, label_for(path)))
            return blank(label_for(path), size)
        return format_value(value)


@dataclass
class RenderedLetter:
    """A letter as one HTML page, ready for any format."""

    letter: LetterTemplate
    state: State
    html: str
    body: str
    missing: list[tuple[str, str]]
    unverified: list[Statement]


_FEDERAL_DIR = Path(__file__).parent / "federal"


def _environment(letter: LetterTemplate) -> jinja2.Environment:
    # The plugin's own folder first, so a state can override a shared layout.
    # "federal/..." names the federal layer's templates, so a state's template can extend one.
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(letter.template_dir)),
                                  jinja2.FileSystemLoader(shared_template_dir()),
                                  jinja2.PrefixLoader({"federal": jinja2.FileSystemLoader(str(_FEDERAL_DIR))})])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    return add_filters(env)


def add_filters(env: jinja2.Environment) -> jinja2.Environment:
    """The filters every letter and kit template uses: ``date`` and ``lines``."""
    env.filters["date"] = lambda d: format_date(d) if isinstance(d, _dt.date) else d
    env.filters["lines"] = format_value
    return env


def unverified_statements(letter: LetterTemplate, state: State) -> list[Statement]:
    """Everything in or behind this letter that is not confirmed, for the notes page."""
    out = [n for n in letter.notes if not n.verified]
    out += [Statement(text=f"Letter element: {e.label}", cite=e.cite, verified=False)
            for e in letter.elements if not e.verified]
    # Only a letter for one of the state's processes goes to (or past) the state agency.
    if not state.agency.verified and letter.process:
        out.append(Statement(text=f"The mailing address of the {state.agency.office_full}",
                             cite=state.agency.cite, verified=False, note=state.agency.note))
    return out


def starts_deadline(letter: LetterTemplate, state: State) -> dict[str, Any] | None:
    """The deadline behind the letter, in plain words, for its notes page, or None.

    ``event``: the event's plain words; ``deadlines``: the labels of the state's
    rules that count from it; ``before``: True when the letter must arrive before
    a deadline counted back from the event (``send_before_event``) rather than
    starting one (``starts_event``); ``note`` and ``note_cite``: what federal law
    says when no rule counts from the event (events.EVENT_NOTES).
    """
    kind = letter.starts_event or letter.send_before_event
    if not kind:
        return None
    from .api import deadline_rules  # lazily: the api imports this module
    from .events import EVENT_NOTES, EVENT_TYPES
    labels = [r.label for r in deadline_rules(state.code) if r.current.trigger == kind]
    # The event's description up to its first aside: the rest explains edge cases the case file needs.
    event = re.split(r"[,;(]", EVENT_TYPES[kind])[0].strip()
    note, cites = EVENT_NOTES.get(kind, ("", ())) if not labels else ("", ())
    return {"event": event, "deadlines": labels, "before": not letter.starts_event,
            "note": note, "note_cite": "; ".join(cites)}


def render_letter(letter: LetterTemplate, state: State, case: Case | None = None, *,
                  blanks: bool = False, today: _dt.date | None = None,
                  notes: bool = True) -> RenderedLetter:
    """Render a letter to HTML. Raises MissingFieldsError if the case lacks required fields.

    ``blanks`` prints fill-in lines for missing fields instead of failing.
    ``notes`` adds the page of notes for the parent (citations, what is
    unverified, how to send it) after the letter.
    """
    filler = _Filler(case)
    env = _environment(letter)
    template = env.get_template(letter.template)
    unverified = unverified_statements(letter, state)
    starts = starts_deadline(letter, state)
    body = template.render(
        v=filler.v, raw=filler.raw, has=filler.has, event=filler.event, timeline=filler.timeline,
        blank=blank, form=filler.form,
        state=state, agency=state.agency, letter=letter, issue_label=ISSUE_TYPES.get,
        today=(today or _dt.date.today()), notes=notes, unverified=unverified,
        term=state.term, starts=starts,
    )
    if filler.missing and not blanks:
        raise MissingFieldsError(case.source if case else "case", letter.id, filler.missing)
    return RenderedLetter(letter=letter, state=state, html=page(letter.title, body), body=body,
                          missing=filler.missing, unverified=unverified)


def to_format(rendered: RenderedLetter, fmt: str) -> bytes | str:
    """The rendered letter as ``pdf`` or ``docx`` (bytes), ``html``, ``md`` or ``txt`` (str)."""
    if fmt == "html":
        return rendered.html
    if fmt == "pdf":
        from .render.pdf import html_to_pdf
        return html_to_pdf(rendered.html)
    if fmt == "docx":
        from .render.docx import html_to_docx
        return html_to_docx(rendered.html, rendered.letter.title)
    from .render.text import html_to_markdown, html_to_text
    if fmt == "md":
        return html_to_markdown(rendered.html)
    if fmt == "txt":
        return html_to_text(rendered.html)
    raise ValueError(f"unknown format {fmt!r}")
