"""Errors iepkit reports to people.

Every error here is shown as one readable message and exit code 2 by the CLI.
Messages name files and fields, never the child's data: a case file holds a
child's disability information, and error text ends up in terminals, logs and
bug reports.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field


class IepkitError(Exception):
    """Base class for errors that are the user's to fix (exit code 2)."""

    exit_code = 2
    #: What to do, in the command line's words (a flag to add); the CLI prints it after the message.
    cli_hint: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a field path) and what is expected."""

    path: str
    message: str
    #: What kind of problem, for callers that react to it: "missing-field" (a field a letter
    #: needs), "filing-limit" (a limit that has passed) or "" (anything else). Not compared.
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(IepkitError):
    """One or more problems in a file or a set of answers, all reported at once.

    ``at`` says where in the file, for a problem with no field path (a YAML
    syntax error: "line 8"); ``hint`` is a last line saying what to do.
    """

    def __init__(self, source: str, problems: list[Problem], *, at: str = "", hint: str = ""):
        self.source = source
        self.problems = list(problems)
        self.at = at
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{self.source}, {self.at}" if self.at else self.source
        if len(self.problems) == 1:
            lines = [f"{where}: {self.problems[0]}"]
        else:
            lines = [f"{where} has {len(self.problems)} problems:"]
            lines += [f"  - {p}" for p in self.problems]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


class UnknownChoiceError(IepkitError):
    """A name that is not one of the valid choices; the message lists them."""

    def __init__(self, what: str, given: str, choices: list[str]):
        self.what, self.given, self.choices = what, given, list(choices)
        listed = ", ".join(choices) if choices else "(none installed)"
        found = nearest(given, self.choices)
        hint = f" Did you mean {found}?" if found else ""
        super().__init__(f"Unknown {what} '{given}'. Valid choices: {listed}.{hint}")


def nearest(given: str, choices: list[str]) -> str | None:
    """The choice nearest to what was typed, or None. A choice written "MS (Mississippi)" matches
    "MS" or "Mississippi" and is suggested by its first word."""
    names: dict[str, str] = {}
    for choice in choices:
        first = choice.split(" ", 1)[0]
        for alias in [choice, *re.findall(r"[\w-]+(?: [\w-]+)*", choice)]:
            names.setdefault(alias.lower(), first)
    typed = given.strip().lower()
    if typed in names:
        return names[typed]
    import difflib  # only when a choice is wrong: every command imports this module
    found = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.6)
    return names[found[0]] if found else None


MISSING_FIELD = "missing-field"
FILING_LIMIT = "filing-limit"


class MissingFieldsError(InputError):
    """A letter needs case fields that the case does not have.

    ``problems`` holds one Problem per field (its path, and what the letter
    needs it for). ``missing`` (path, label) pairs are kept for older callers:
    deprecated, use ``problems``.
    """

    def __init__(self, source: str, letter_id: str, missing: list[tuple[str, str]]):
        self.letter_id = letter_id
        self._missing = list(missing)
        super().__init__(source, [Problem(path, f"is missing; the {letter_id} letter needs {label}", MISSING_FIELD)
                                  for path, label in missing])

    @property
    def missing(self) -> list[tuple[str, str]]:
        """Deprecated: use ``problems``. The (path, label) of each field the letter needs."""
        import warnings
        warnings.warn("MissingFieldsError.missing is deprecated; use .problems", DeprecationWarning, stacklevel=2)
        return list(self._missing)

    def render(self) -> str:
        n = len(self._missing)
        lines = [f"{self.source}: the {self.letter_id} letter needs {n} "
                 f"field{'s' if n != 1 else ''} that the case does not have:"]
        lines += [f"  - {path} ({label})" for path, label in self._missing]
        return "\n".join(lines)


class GuardRailError(InputError):
    """An action that would likely hurt the user (filing past a limit) was stopped.

    Structured for any caller: ``letter_id``, ``rule_id`` (the deadline rule,
    such as state-complaint-limit), ``label`` (the rule in words), ``last_day``
    (a date), ``days_ago`` and ``citations`` (a tuple of legal references).
    Pass ``force=True`` to the call to go ahead anyway.
    """

    def __init__(self, source: str, message: str, *, letter_id: str = "", rule_id: str = "", label: str = "",
                 last_day: _dt.date | None = None, days_ago: int | None = None,
                 citations: tuple[str, ...] = ()):
        self.letter_id, self.rule_id, self.label = letter_id, rule_id, label
        self.last_day, self.days_ago, self.citations = last_day, days_ago, tuple(citations)
        super().__init__(source, [Problem("", message, FILING_LIMIT)])
