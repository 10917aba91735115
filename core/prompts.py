"""The recommender's questions at the terminal, one at a time.

Nothing is answered for the parent: pressing Enter on a question that needs
an answer asks it again, and only questions marked optional can be skipped.
Answers are read in any case ("Strained", "YES", "y"), and each question
lists its choices once.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

import click

from . import textout
from .case import ISSUE_TYPES
from .errors import InputError
from .model import RELATIONSHIPS
from .recommend import HELP, OPTIONAL, QUESTIONS, parse_answers

SKIP_HINT = "(optional: press Enter to skip)"
_YES, _NO = ("y", "yes"), ("n", "no")


def _say(text: str, indent: str = "", hang: str | None = None, dim: bool = False) -> None:
    text = "\n".join(textout.wrap(text, textout.width(), indent=indent, hang=hang))
    click.secho(text, dim=True) if dim else click.echo(text)


def _line(text: str) -> str:
    """One typed line; Enter gives ''. A long question wraps, and the answer goes after its last line."""
    # "Is it urgent? [y/n]: " reads badly; a question or a hint in brackets ends with a space.
    suffix = " " if text.endswith(("?", ")", "]")) else ": "
    lines = textout.wrap(text, textout.width() - 12)  # room to type a short answer on the last line
    for line in lines[:-1]:
        click.echo(line)
    return click.prompt(lines[-1], default="", show_default=False, prompt_suffix=suffix).strip()


#: A check turns a typed line into (answer, None), or (None, what to tell the parent).
Check = Callable[[str], tuple[Any, "str | None"]]


def _issues(raw: str) -> tuple[list[str] | None, str | None]:
    """The issue ids picked by number or by id (any case)."""
    ids = list(ISSUE_TYPES)
    picked: list[str] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        if part.isdigit() and 1 <= int(part) <= len(ids):
            choice = ids[int(part) - 1]
        elif part.lower() in ISSUE_TYPES:
            choice = part.lower()
        else:
            return None, f"'{part}' is not on the list. Type numbers from 1 to {len(ids)}, or the words shown."
        if choice not in picked:
            picked.append(choice)
    if not picked:
        return None, "Please pick at least one: type a number from the list, like 1, or 1, 3 for two."
    return picked, None


def _yes_no(raw: str) -> tuple[bool | None, str | None]:
    word = raw.lower()
    if word in _YES or word in _NO:
        return word in _YES, None
    return None, "Please type y (yes) or n (no)."


def _relationship(raw: str) -> tuple[str | None, str | None]:
    word = raw.lower()
    # The first letter is enough: working, strained and broken all start differently.
    found = [r for r in RELATIONSHIPS if word and r.startswith(word)]
    if len(found) == 1:
        return found[0], None
    shown = f"'{raw}' is not one of the answers: type " if raw else "Please type "
    return None, shown + ", ".join(RELATIONSHIPS[:-1]) + " or " + RELATIONSHIPS[-1] + "."


def _date(key: str) -> Check:
    def parse(raw: str) -> tuple[_dt.date | None, str | None]:
        try:
            return parse_answers({key: raw}, "your answer")[key], None
        except InputError as exc:
            return None, f"That {exc.problems[0].message}"
    return parse


def ask(key: str) -> Any:
    """Ask one question until it has a valid answer; None when an optional one is skipped."""
    optional = key in OPTIONAL
    _say(HELP[key], dim=True)
    question = QUESTIONS[key]
    check: Check
    if key == "issues":
        _say(question)
        for i, (issue, label) in enumerate(ISSUE_TYPES.items(), start=1):
            _say(f"{issue}: {label}", indent=f"  {i:2}. ", hang=" " * 8)
        question, check = "Numbers or words from the list, separated by commas", _issues
    elif key == "relationship":
        check = _relationship  # the question itself names the choices, so click does not list them again
    elif key in ("violation_date", "known_date"):
        check = _date(key)
    else:
        question, check = f"{question} [y/n]", _yes_no
    if optional:
        question = f"{question} {SKIP_HINT}"
    while True:
        raw = _line(question)
        if not raw and optional:
            return None
        answer, problem = check(raw)
        if problem is None:
            return answer
        click.echo(problem)
