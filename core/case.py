"""The case file: one shared vocabulary that every state and every letter uses.

A case is a YAML file a parent writes once (see the examples/ folder).
Loading it checks types, formats, event types, the state and that dates are
ones a family could mean, and reports every problem at once; which fields a
particular letter needs is checked when that letter is written, so a
half-finished case is still useful.

Every date is typed once: ``events`` is the case's one timeline. An event with
a ``type`` starts deadlines; its ``what`` (or plain words for its type) is a
line in the letters' list of what happened.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import schema as s
from .errors import InputError, Problem
from .events import EVENT_ALIASES, EVENT_TYPES, EVENT_WORDS
from .model import RELATIONSHIPS
from .yamlio import load_yaml_file

#: How far from today a date may be. A student's date of birth is in the past
#: and at most STUDENT_YEARS ago: IDEA serves children up to age 21, and a
#: family may still pursue a claim or records for a few years after that. An
#: event may be as old, or up to EVENT_YEARS_AHEAD ahead (a hearing already
#: scheduled). Anything else is a typing mistake, like 2099 for 2009.
STUDENT_YEARS = 30
EVENT_YEARS_AHEAD = 2
_EVENT_WINDOW = f"a date within the last {STUDENT_YEARS} years or the next {EVENT_YEARS_AHEAD} years"


def _event_date(label: str, required: bool = False) -> s.Date:
    return s.Date(label=label, required=required, years_back=STUDENT_YEARS, years_ahead=EVENT_YEARS_AHEAD,
                  window=_EVENT_WINDOW)

#: The kinds of disagreement a case can be about. A public contract: the
#: recommender and the letters use these ids, and partners may too.
ISSUE_TYPES: dict[str, str] = {
    "service-amount": "the amount or kind of services (for example, minutes of speech therapy)",
    "accommodations": "accommodations or supports in the IEP",
    "placement": "where my child is taught (placement)",
    "eligibility": "whether my child qualifies for special education",
    "evaluation": "an evaluation, or a request for one",
    "services-not-delivered": "services written in the IEP that are not being provided",
    "missed-timeline": "a legal timeline the school missed",
    "no-prior-written-notice": "no prior written notice of a decision",
    "records-access": "access to my child's education records",
    "discipline": "discipline, suspension or removal",
}


#: A parent's answers to the recommender's questions. A public contract: the same
#: keys and values in an answers file, in a case file's `answers` section and
#: for partners. ``issues`` defaults to the case's dispute.issue_types.
ANSWERS_SCHEMA = s.Record(fields={
    "issues": s.ListOf(label="one or more issue ids", min_items=1,
                       item=s.Choice(choices=tuple(ISSUE_TYPES))),
    "school_willing_to_talk": s.Bool(label="yes or no"),
    "relationship": s.Choice(label="working, strained or broken", choices=RELATIONSHIPS),
    "bad_faith_evidence": s.Bool(label="yes or no"),
    "want_formal_finding": s.Bool(label="yes or no"),
    "urgent": s.Bool(label="yes or no"),
    "violation_date": _event_date("a date"),
    "known_date": _event_date("a date"),
})


def _address(label: str) -> s.Record:
    return s.Record(label=label, fields={
        "street": s.Text(label="street address", required=True, multiline=False, max_length=200),
        "unit": s.Text(label="apartment or unit", multiline=False, max_length=50),
        "city": s.Text(label="city", required=True, multiline=False, max_length=100),
        "state": s.Pattern(label="two-letter state", required=True, regex=r"[A-Za-z]{2}",
                           expected="a two-letter state abbreviation like MS",
                           normalise=str.upper),
        "zip": s.Zip(label="ZIP code", required=True),
    })


def _line(label: str, required: bool = False) -> s.Text:
    return s.Text(label=label, required=required, multiline=False, max_length=300)


def _type_or_what(event: dict[Any, Any], path: str, problems: list[Problem]) -> None:
    # A date with neither says nothing: no deadline starts and no letter can print it.
    if all(event.get(key) in (None, "") for key in ("type", "what")):
        problems.append(Problem(path, "needs a type (when the date starts deadlines), a what (what "
                                      "happened, for letters), or both"))


PERSON_PARENT = s.Record(label="a parent or guardian", fields={
    "name": _line("the parent's full name", required=True),
    "relationship": _line("relationship to the student, like mother or guardian"),
    "address": _address("the parent's mailing address"),
    "phone": s.Phone("the parent's phone number"),
    "email": s.Email("the parent's email address"),
})

CASE_SCHEMA = s.Record(fields={
    "state": s.Text(label="the state's code or name, like MS", required=True, multiline=False, max_length=40),
    "student": s.Record(label="the student's details", fields={
        "name": _line("the student's full name"),
        "date_of_birth": s.Date(label="the student's date of birth", years_back=STUDENT_YEARS, years_ahead=0,
                                window=f"a date of birth in the past {STUDENT_YEARS} years"),
        "grade": _line("the student's grade"),
        "school": _line("the school the student attends"),
        "student_id": _line("the school's ID number for the student"),
        "address": _address("the student's home (residence) address"),
        "homeless": s.Bool(label="whether the student is homeless (yes or no)"),
        "homeless_contact": s.Text(label="how to reach a homeless student's family", max_length=1000),
    }),
    "parents": s.ListOf(label="the parents or guardians", item=PERSON_PARENT, min_items=1),
    "district": s.Record(label="the school district's details", fields={
        "name": _line("the school district's name"),
        "special_education_director": _line("the district's special education director"),
        "address": _address("the school district's mailing address"),
    }),
    "dispute": s.Record(label="what the disagreement is about", fields={
        "summary": s.Text(label="a short description of the problem", max_length=5000),
        "issue_types": s.ListOf(label="the kinds of problem",
                                item=s.Choice(choices=tuple(ISSUE_TYPES)), min_items=1),
        "requested": s.Text(label="what you asked the school for", max_length=5000),
        "school_response": s.Text(label="what the school offered or refused", max_length=5000),
        "proposed_resolution": s.Text(label="how you would like the problem solved", max_length=5000),
        "current_placement": s.Text(label="where your child is taught now", max_length=1000),
        # For the letter asking for an independent evaluation (34 CFR 300.502(b)).
        "evaluation_disagreed": _line("the school's evaluation you disagree with"),
        # For the notice before a private placement (34 CFR 300.148(d)(1)).
        "private_school": _line("the private school you plan to enroll your child in"),
        # Dates were once typed here and again in events, and nothing noticed when they
        # disagreed. A date is now entered once, in events.
        "key_dates": s.Retired(message=(
            "is no longer used: each date is now written once, in the events list. Move each date "
            "there as '- date: YYYY-MM-DD' with 'what:' saying what happened (add 'type:' when the "
            "date also starts a deadline), then remove key_dates")),
    }),
    # The most recent meeting with the school, for the follow-up letter that puts it in writing.
    "meeting": s.Record(label="the most recent meeting with the school", fields={
        "date": _event_date("the day of the meeting"),
        "attended": s.ListOf(label="who was at the meeting", item=_line("a person at the meeting")),
        "discussed": s.Text(label="what was discussed at the meeting", max_length=5000),
        "agreed": s.Text(label="what the school agreed to at the meeting", max_length=5000),
        "refused": s.Text(label="what the school refused at the meeting", max_length=5000),
        "corrections_by": _event_date("the day to send corrections by"),
    }),
    "answers": ANSWERS_SCHEMA,
    "events": s.ListOf(label="what happened, with dates", item=s.Record(validate=_type_or_what, fields={
        "date": _event_date("the date it happened", required=True),
        # Old ids (met-meeting-held) still load, as the id that replaced them.
        "type": s.Choice(label="the kind of event, like evaluation-requested", choices=tuple(EVENT_TYPES),
                         what="event type", aliases=EVENT_ALIASES),
        "what": s.Text(label="what happened, in your words, for letters", max_length=2000),
        "note": s.Text(label="a note for yourself", max_length=2000),
    })),
    # Only deadlines counted in school days need it; the deadline engine checks the dates.
    "school_calendar": s.Record(label="the school's calendar for this school year", fields={
        "first_day": _event_date("the first day of school", required=True),
        "last_day": _event_date("the last day of school", required=True),
        "breaks": s.ListOf(label="breaks with no school", item=s.Record(fields={
            "start": _event_date("the first day of the break", required=True),
            "end": _event_date("the last day of the break", required=True),
            "name": _line("the break's name, like winter break"),
        })),
        "closures": s.ListOf(label="other days with no school, like holidays or storm days",
                             item=_event_date("a day with no school")),
        # Some states lengthen a school-day count by the days the student missed.
        "absences": s.ListOf(label="school days the student missed",
                             item=_event_date("a school day the student missed")),
    }),
})


@dataclass(frozen=True)
class Case:
    """A validated case. ``data`` is plain nested dicts and lists; dates are ``datetime.date``."""

    data: dict[str, Any]
    source: str = "case"

    @property
    def state(self) -> str:
        """What the case says its state is (a code or a name, as written)."""
        return str(self.data["state"])

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path (``parents[0].name`` or ``parents.0.name``), or default."""
        node: Any = self.data
        for part in re.split(r"\.|\[|\]", path):
            if not part:
                continue
            if isinstance(node, list) and part.isdigit():
                idx = int(part)
                node = node[idx] if idx < len(node) else None
            elif isinstance(node, dict):
                node = node.get(part)
            else:
                node = None
            if node is None:
                return default
        return node

    def events(self) -> list[dict[str, Any]]:
        """Every event as written: ``date``, and ``type`` and/or ``what``."""
        return list(self.data.get("events", []))

    def timeline(self) -> list[tuple[_dt.date, str]]:
        """What happened, in date order, for letters: each event's ``what``, else plain words for its type.

        Events on the same day keep the order they are written in.
        """
        items = [(e["date"], e.get("what") or EVENT_WORDS.get(e.get("type", ""), "")) for e in self.events()]
        return sorted((item for item in items if item[1]), key=lambda item: item[0])


def label_for(path: str) -> str:
    """Plain words for a case field path, for messages and fill-in lines."""
    spec = s.field_at(CASE_SCHEMA, path)
    return (spec.label if spec and spec.label else path.rsplit(".", 1)[-1].replace("_", " "))


#: A state as (code, name), for checking a case's ``state`` against the installed ones.
StateName = tuple[str, str]


def _check_state(value: Any, states: Iterable[StateName], problems: list[Problem]) -> None:
    states = list(states)
    if not states or not isinstance(value, str):
        return  # no state installed: the caller says so; a wrong type is already reported
    typed = value.strip().lower()
    if any(typed in (code.lower(), name.lower()) for code, name in states):
        return
    listed = ", ".join(f"{code} ({name})" for code, name in states)
    hint = s.did_you_mean(value, [x for pair in states for x in pair])
    problems.append(Problem("state", f"is not a state iepkit has installed; expected one of: {listed}.{hint}"))


def check_case(data: Any, source: str = "case", *, today: _dt.date | None = None,
               states: Iterable[StateName] = ()) -> tuple[Case | None, list[Problem]]:
    """Validate case data and return what is valid (fields with problems left out) and every problem.

    For callers that report more than the case's own problems in one message
    (a letter adds the fields it needs). ``today`` is the day dates are checked
    against (default: the real today); ``states`` are the installed states.
    """
    if data is None:
        return None, [Problem("", "the file is empty; expected a case: at least 'state:' with your "
                                  "state's code, then the student, parents and events (see 'Your case "
                                  "file' in README.md)")]
    value, problems = s.check(CASE_SCHEMA, data, today=today)
    if isinstance(value, dict):
        state_problems: list[Problem] = []
        _check_state(value.get("state"), states, state_problems)
        problems = state_problems + problems  # the file's first field first
    if not isinstance(value, dict) or "state" not in value:
        return None, problems
    if problems:
        # What is left must still be a usable case: drop events a problem left without a date
        # or without both type and what.
        value["events"] = [e for e in value.get("events", [])
                           if "date" in e and ("type" in e or "what" in e)]
    return Case(data=value, source=source), problems


def parse_case(data: Any, source: str = "case", *, today: _dt.date | None = None,
               states: Iterable[StateName] = ()) -> Case:
    """Validate case data (already parsed from YAML or JSON); raise InputError listing every problem."""
    case, problems = check_case(data, source, today=today, states=states)
    if problems or case is None:
        raise InputError(source, problems)
    return case


#: Every field name a case may use: a YAML syntax message may print one of these (never other text).
CASE_FIELD_NAMES = frozenset(s.field_names(CASE_SCHEMA))


def read_case_data(path: str | Path) -> Any:
    """A case file's data, parsed but not validated; a YAML mistake may name the case's fields."""
    return load_yaml_file(path, field_names=CASE_FIELD_NAMES)


def load_case(path: str | Path, *, today: _dt.date | None = None, states: Iterable[StateName] = ()) -> Case:
    """Read and validate a case file."""
    return parse_case(read_case_data(path), str(path), today=today, states=states)
