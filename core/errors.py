"""Errors iepkit reports to people.

Every error here is shown as one readable message and exit code 2 by the CLI.
Messages name files and fields, never the child's data: a case file holds a
child's disability information, and error text ends up in terminals, logs and
bug reports.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


class IepkitError(Exception):
    """Base class for errors that are the user's to fix (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a field path) and what is expected."""

    path: str
    message: str

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


class MissingFieldsError(IepkitError):
    """A letter needs case fields that the case file does not have."""

    def __init__(self, source: str, letter_id: str, missing: list[tuple[str, str]]):
        self.source, self.letter_id, self.missing = source, letter_id, list(missing)
        lines = [
            f"{source}: the {letter_id} letter needs {len(missing)} "
            f"field{'s' if len(missing) != 1 else ''} that the case file does not have:"
        ]
        lines += [f"  - {path} ({label})" for path, label in missing]
        lines.append("Add them to the case file, or use --blanks to print fill-in lines instead.")
        super().__init__("\n".join(lines))


class GuardRailError(IepkitError):
    """An action that would likely hurt the user (e.g. filing past a limit) was stopped."""
