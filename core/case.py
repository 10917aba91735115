"""The case file: one shared vocabulary that every state and every letter uses.

A case is a YAML file a parent writes once (see examples/mississippi-case.yaml).
Loading it checks types and formats and reports every problem at once; which
fields a particular letter needs is checked when that letter is written, so a
half-finished case is still useful.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import schema as s
from .errors import InputError, Problem
from .model import RELATIONSHIPS
from .yamlio import load_yaml_file

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
    "issues": s.ListOf(label="one or more issue ids", min_items=1, item=s.Choice(choices=tuple(ISSUE_TYPES))),
    "school_willing_to_talk": s.Bool(label="yes or no"),
    "relationship": s.Choice(label="working, strained or broken", choices=RELATIONSHIPS),
    "bad_faith_evidence": s.Bool(label="yes or no"),
    "want_formal_finding": s.Bool(label="yes or no"),
    "urgent": s.Bool(label="yes or no"),
    "violation_date": s.Date(label="a date"),
    "known_date": s.Date(label="a date"),
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
        "date_of_birth": s.Date(label="the student's date of birth"),
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
        "key_dates": s.ListOf(label="the important dates, in order", item=s.Record(fields={
            "date": s.Date(label="the date", required=True),
            "what": s.Text(label="what happened that day", required=True, max_length=2000),
        })),
    }),
    "answers": ANSWERS_SCHEMA,
    "events": s.ListOf(label="dated events for deadlines", item=s.Record(fields={
        "type": s.Id(label="the kind of event, like evaluation-requested", required=True),
        "date": s.Date(label="the date it happened", required=True),
        "note": s.Text(label="a note for yourself", max_length=2000),
    })),
    # Only deadlines counted in school days need it; the deadline engine checks the dates.
    "school_calendar": s.Record(label="the school's calendar for this school year", fields={
        "first_day": s.Date(label="the first day of school", required=True),
        "last_day": s.Date(label="the last day of school", required=True),
        "breaks": s.ListOf(label="breaks with no school", item=s.Record(fields={
            "start": s.Date(label="the first day of the break", required=True),
            "end": s.Date(label="the last day of the break", required=True),
            "name": _line("the break's name, like winter break"),
        })),
        "closures": s.ListOf(label="other days with no school, like holidays or storm days", item=s.Date()),
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
        return self.data["state"]

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
        return list(self.data.get("events", []))


def label_for(path: str) -> str:
    """Plain words for a case field path, for messages and fill-in lines."""
    spec = s.field_at(CASE_SCHEMA, path)
    return (spec.label if spec and spec.label else path.rsplit(".", 1)[-1].replace("_", " "))


def parse_case(data: Any, source: str = "case") -> Case:
    """Validate case data (already parsed from YAML or JSON); raise InputError listing every problem."""
    if data is None:
        raise InputError(source, [Problem("", "the file is empty; expected a case (see examples/mississippi-case.yaml)")])
    value, problems = s.check(CASE_SCHEMA, data)
    if problems:
        raise InputError(source, problems)
    return Case(data=value, source=source)


def load_case(path: str | Path) -> Case:
    """Read and validate a case file."""
    return parse_case(load_yaml_file(path), str(path))

