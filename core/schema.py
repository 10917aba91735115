"""A small declarative validator for YAML data.

Why not jsonschema or pydantic: their messages are written for programmers
("'x' is not of type 'string'") and echo the offending value, which for a case
file is a child's private data. Here every message says, in plain words, what
the field expects, and the value never appears in it.

Each field checks a value and returns the normalised value (dates become
``datetime.date``), appending a Problem for each thing wrong. A Record reports
every problem in one pass, so a user fixes a file in one go.
"""
from __future__ import annotations

import contextvars
import datetime as _dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .errors import Problem

_MISSING = object()

# The day date windows are measured from. check() sets it, so a scenario or a
# test can validate as of its own day; otherwise it is the real today.
_TODAY: contextvars.ContextVar[_dt.date | None] = contextvars.ContextVar("iepkit_schema_today", default=None)


def _today() -> _dt.date:
    return _TODAY.get() or _dt.date.today()


def has_control(text: str, multiline: bool = True) -> bool:
    """Whether text holds a control character (Unicode Cc): a NUL byte, an escape, a carriage return...

    Multi-line text may hold newlines and tabs; single-line text neither. No
    family means the others, and some (an escape) can take over the terminal
    that shows the text.
    """
    allowed = "\n\t" if multiline else ""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def without_controls(text: str) -> str:
    """Text safe to print in a message: control characters written as escapes (a NUL as \\x00)."""
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c
                   for c in text)


def _control_problem(path: str, problems: list[Problem], multiline: bool) -> None:
    what = "an invisible control character" if multiline else "a tab or an invisible control character"
    problems.append(Problem(path, f"holds {what} (such as a NUL byte); type the text again without it"))


def _suggestion(given: str, choices: Iterable[str]) -> str | None:
    """The valid choice nearest to what was typed, for "did you mean ...?" (None if nothing is close)."""
    def norm(text: str) -> str:  # letter case, spaces, dashes and underscores do not count
        return re.sub(r"[\s_-]+", "-", text.strip().lower())
    by_norm = {norm(c): c for c in choices}
    typed = norm(given)
    if typed in by_norm:
        return by_norm[typed]
    found = difflib.get_close_matches(typed, list(by_norm), n=1, cutoff=0.6)
    return by_norm[found[0]] if found else None


def did_you_mean(given: Any, choices: Iterable[str]) -> str:
    """" Did you mean X?" naming the nearest VALID choice, or "".

    Only the valid choice is printed, never what was typed: messages name
    fields and expected values, not a user's data.
    """
    if not isinstance(given, str):
        return ""
    found = _suggestion(given, choices)
    return f" Did you mean {found}?" if found else ""


@dataclass
class Field:
    """Base field: ``label`` is plain words for people, ``required`` is checked by Record."""

    label: str = ""
    required: bool = False
    help: str = ""

    def check(self, value: Any, path: str, problems: list[Problem]) -> Any:
        return value

    def fail(self, path: str, problems: list[Problem], expected: str) -> None:
        problems.append(Problem(path, f"expected {expected}"))


@dataclass
class Text(Field):
    """A string. Numbers are accepted and turned into text (a grade of 3 is "3")."""

    max_length: int = 20000
    multiline: bool = True

    def check(self, value, path, problems):
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            self.fail(path, problems, "text" + ("; put it in quotes" if isinstance(value, bool) else ""))
            return None
        text = str(value).strip()
        if not text:
            problems.append(Problem(path, "is empty; fill it in or remove the line"))
            return None
        if len(text) > self.max_length:
            self.fail(path, problems, f"at most {self.max_length} characters")
            return None
        if not self.multiline and "\n" in text:
            self.fail(path, problems, "a single line of text")
            return None
        if has_control(text, self.multiline):
            _control_problem(path, problems, self.multiline)
            return None
        return text


@dataclass
class Pattern(Text):
    """Text matching a regular expression; ``expected`` says what it should look like."""

    regex: str = ".*"
    expected: str = "text"
    multiline: bool = False
    normalise: Callable[[str], str] | None = None

    def check(self, value, path, problems):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.fail(path, problems, self.expected)
            return None
        text = value.strip()
        if has_control(text, multiline=False):
            _control_problem(path, problems, multiline=False)
            return None
        if not re.fullmatch(self.regex, text):
            self.fail(path, problems, self.expected)
            return None
        return self.normalise(text) if self.normalise else text


def Email(label: str = "", required: bool = False) -> Pattern:  # noqa: N802 - reads as a type
    return Pattern(label=label, required=required, regex=r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
                   expected="an email address like name@example.com")


def _phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11:
        digits = digits[1:]
    return f"({digits[0:3]}) {digits[3:6]}-{digits[6:]}"


def Phone(label: str = "", required: bool = False) -> Pattern:  # noqa: N802
    return Pattern(label=label, required=required,
                   regex=r"\+?1?[\s.\-]*\(?\d{3}\)?[\s.\-]*\d{3}[\s.\-]*\d{4}",
                   expected="a 10-digit US phone number like 601-555-0123",
                   normalise=_phone)


def Zip(label: str = "", required: bool = False) -> Pattern:  # noqa: N802
    return Pattern(label=label, required=required, regex=r"\d{5}(-\d{4})?",
                   expected="a ZIP code like 39201 or 39201-1234")


def Id(label: str = "", required: bool = False) -> Pattern:  # noqa: N802
    return Pattern(label=label, required=required, regex=r"[a-z0-9]+(-[a-z0-9]+)*",
                   expected="an id in lower case with dashes, like state-complaint")


def years_before(day: _dt.date, years: int) -> _dt.date:
    """The same day ``years`` earlier (Feb 29 becomes Feb 28)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _years(n: int | None) -> str:
    return "1 year" if n == 1 else f"{n} years"


@dataclass
class Date(Field):
    """A calendar date written YYYY-MM-DD.

    ``years_back`` and ``years_ahead`` bound it around today (see check()):
    a date no family could mean, like a birth in 2099, is an error that names
    the field instead of a deadline decades away.
    """

    years_back: int | None = None
    years_ahead: int | None = None
    #: What the window means, in plain words, for the message.
    window: str = ""

    def check(self, value, path, problems):
        day = self._parse(value, path, problems)
        if day is None:
            return None
        today = _today()
        earliest = years_before(today, self.years_back) if self.years_back is not None else None
        latest = years_before(today, -self.years_ahead) if self.years_ahead is not None else None
        if latest is not None and day > latest:
            when = "is in the future" if self.years_ahead == 0 else f"is more than {_years(self.years_ahead)} ahead"
        elif earliest is not None and day < earliest:
            when = f"is more than {_years(self.years_back)} ago"
        else:
            return day
        problems.append(Problem(path, f"{when}; expected {self.window or 'a date closer to today'}. Check the year."))
        return None

    def _parse(self, value, path, problems) -> _dt.date | None:
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return _dt.date.fromisoformat(value.strip())
            except ValueError:
                problems.append(Problem(path, "is not a real date (check the month and day); expected YYYY-MM-DD"))
                return None
        self.fail(path, problems, "a date written YYYY-MM-DD, like 2025-09-30")
        return None


@dataclass
class Bool(Field):
    def check(self, value, path, problems):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"yes", "no", "true", "false"}:
            return value.strip().lower() in {"yes", "true"}
        self.fail(path, problems, "yes or no")
        return None


@dataclass
class Choice(Field):
    """One value from a fixed list, in any letter case; the message lists them and suggests the nearest.

    ``what`` names the kind of value ("event type") for a clearer message.
    """

    choices: tuple[str, ...] = ()
    what: str = ""
    #: Old values still accepted, each mapped to the choice that replaced it (not listed in messages).
    aliases: dict[str, str] = field(default_factory=dict)

    def check(self, value, path, problems):
        if isinstance(value, str):
            typed = value.strip().lower()
            for old, new in self.aliases.items():
                if old.lower() == typed:
                    return new
            for choice in self.choices:
                if choice.lower() == typed:
                    return choice
        head = f"is not a known {self.what}; " if self.what else ""
        hint = did_you_mean(value, self.choices).strip()
        listed = "expected one of: " + ", ".join(self.choices)
        problems.append(Problem(path, head + (f"{hint[0].lower()}{hint[1:]} {listed[0].upper()}{listed[1:]}"
                                              if hint else listed)))
        return None


@dataclass
class Retired(Field):
    """A field that is no longer accepted; ``message`` says what to do instead."""

    message: str = "is no longer used; remove it"

    def check(self, value, path, problems):
        problems.append(Problem(path, self.message))
        return None


@dataclass
class ListOf(Field):
    item: Field = field(default_factory=Field)
    min_items: int = 0

    def check(self, value, path, problems):
        if not isinstance(value, list):
            if self.min_items <= 1 and value is not None and not isinstance(value, dict):
                value = [value]  # one item written without a list is still clear
            else:
                self.fail(path, problems, "a list (one item per line starting with '- ')")
                return None
        if len(value) < self.min_items:
            problems.append(Problem(path, f"needs at least {self.min_items} item{'s' if self.min_items > 1 else ''}"))
        out = []
        for i, item in enumerate(value):
            checked = self.item.check(item, f"{path}[{i}]", problems)
            if checked is not None:
                out.append(checked)
        return out


@dataclass
class Record(Field):
    """A mapping with known keys. Unknown keys are errors: a typo must not lose data silently."""

    fields: dict[str, Field] = field(default_factory=dict)
    allow_extra: bool = False
    #: A check across fields, run after each field's own: (the mapping as typed, path, problems).
    validate: Callable[[dict[Any, Any], str, list[Problem]], None] | None = None

    def check(self, value, path, problems):
        if not isinstance(value, dict):
            self.fail(path or "(top level)", problems, "a set of 'key: value' lines (a space after each colon)")
            return None
        out: dict[str, Any] = {}
        for key in value:
            if not isinstance(key, str) or (key not in self.fields and not self.allow_extra):
                # The key is what the user typed: printed so they can find it, but never raw
                # control characters.
                shown = without_controls(str(key))
                where = f"{path}.{shown}" if path else shown
                hint = did_you_mean(shown, self.fields)
                problems.append(Problem(where, "is not a known field; expected one of: " + ", ".join(self.fields)
                                        + ("." + hint if hint else "")))
        for key, spec in self.fields.items():
            where = f"{path}.{key}" if path else key
            raw = value.get(key, _MISSING)
            if raw is _MISSING or raw is None or raw == "":
                if spec.required:
                    problems.append(Problem(where, "is missing; expected " + (spec.label or "a value")))
                continue
            checked = spec.check(raw, where, problems)
            if checked is not None:
                out[key] = checked
        if self.allow_extra:
            out.update({k: v for k, v in value.items() if k not in self.fields})
        if self.validate is not None:
            self.validate(value, path, problems)
        return out


def check(spec: Field, value: Any, today: _dt.date | None = None) -> tuple[Any, list[Problem]]:
    """Validate ``value`` against ``spec``; return the normalised value and all problems.

    ``today`` is the day date windows (``Date.years_back``/``years_ahead``) are
    measured from; the real today if not given.
    """
    problems: list[Problem] = []
    token = _TODAY.set(today)
    try:
        result = spec.check(value, "", problems)
    finally:
        _TODAY.reset(token)
    return result, problems


def field_names(spec: Field) -> set[str]:
    """Every field name a spec knows, at any depth (for messages that may name a key on a line)."""
    names: set[str] = set()
    if isinstance(spec, ListOf):
        names |= field_names(spec.item)
    elif isinstance(spec, Record):
        for key, sub in spec.fields.items():
            names.add(key)
            names |= field_names(sub)
    return names


def field_at(spec: Field, path: str) -> Field | None:
    """The field a dotted path names (``parents[0].name`` or ``parents.0.name``)."""
    node: Field | None = spec
    for part in re.split(r"\.|\[|\]", path):
        if not part:
            continue
        if isinstance(node, ListOf):
            node = node.item
            if part.isdigit():
                continue
        if isinstance(node, Record):
            node = node.fields.get(part)
        elif part.isdigit():
            continue
        else:
            return None
    return node
