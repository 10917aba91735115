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

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import Problem

_MISSING = object()


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


@dataclass
class Date(Field):
    """A calendar date written YYYY-MM-DD."""

    def check(self, value, path, problems):
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
    """One value from a fixed list; the message lists them."""

    choices: tuple[str, ...] = ()

    def check(self, value, path, problems):
        if isinstance(value, str) and value.strip() in self.choices:
            return value.strip()
        self.fail(path, problems, "one of: " + ", ".join(self.choices))
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

    def check(self, value, path, problems):
        if not isinstance(value, dict):
            self.fail(path or "(top level)", problems, "a set of 'key: value' lines")
            return None
        out: dict[str, Any] = {}
        for key in value:
            if not isinstance(key, str) or (key not in self.fields and not self.allow_extra):
                where = f"{path}.{key}" if path else str(key)
                problems.append(Problem(where, "is not a known field; expected one of: " + ", ".join(self.fields)))
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
        return out


def check(spec: Field, value: Any) -> tuple[Any, list[Problem]]:
    """Validate ``value`` against ``spec``; return the normalised value and all problems."""
    problems: list[Problem] = []
    result = spec.check(value, "", problems)
    return result, problems


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
