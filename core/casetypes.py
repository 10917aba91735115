"""The case file's shape as ``TypedDict`` types, for partners who build cases in code.

    from iepkit import api
    from iepkit.casetypes import CaseData

    data: CaseData = {"state": "MS", "student": {"name": "Jordan Rivers"},
                      "events": [{"date": "2026-09-02", "type": "evaluation-requested"}]}
    case = api.parse_case(data)

They match the validator, ``iepkit.case.CASE_SCHEMA``, field for field
(tests/test_casetypes.py fails when one changes without the other). Each
field's comment is its label in the schema, which is also what error messages
and docs/state-files.md ("a case file") say about it. The validator stays the
judge: it also checks lengths, formats (ZIP codes, phone numbers) and date
ranges, which types cannot say.

Dates may be written as ``datetime.date`` or as text ``YYYY-MM-DD``; in a
parsed ``Case`` they are always ``datetime.date``. Keys outside the ``Required``
base classes may be left out.
"""
from __future__ import annotations

import datetime as _dt
from typing import List, Literal, TypedDict, Union

#: A date: ``datetime.date``, or text written YYYY-MM-DD.
DateValue = Union[_dt.date, str]

#: The kinds of disagreement (``iepkit.case.ISSUE_TYPES``).
IssueType = Literal["service-amount", "accommodations", "placement", "eligibility", "evaluation",
                    "services-not-delivered", "missed-timeline", "no-prior-written-notice", "records-access",
                    "discipline"]

#: The kinds of event that start deadlines (``iepkit.events.EVENT_TYPES``).
EventType = Literal["evaluation-requested", "reevaluation-requested", "evaluation-meeting-held",
                    "evaluation-consent-signed", "evaluation-completed", "eligibility-determined",
                    "iep-meeting-held", "records-requested", "iep-meeting-requested", "iee-requested",
                    "leaving-public-school", "violation-occurred", "violation-known", "state-complaint-filed",
                    "due-process-complaint-received", "hearing-scheduled", "resolution-agreement-signed",
                    "hearing-decision-issued", "state-complaint-decision-issued", "iep-meeting-no-agreement",
                    "discrimination-occurred"]

#: How well the family and the school work together (``iepkit.model.RELATIONSHIPS``).
Relationship = Literal["working", "strained", "broken"]


class _AddressRequired(TypedDict):
    #: street address
    street: str
    #: city
    city: str
    #: two-letter state
    state: str
    #: ZIP code
    zip: str


class Address(_AddressRequired, total=False):
    """A mailing or home address."""

    #: apartment or unit
    unit: str


class Student(TypedDict, total=False):
    """the student's details"""

    #: the student's full name
    name: str
    #: the student's date of birth
    date_of_birth: DateValue
    #: the student's grade
    grade: str
    #: the school the student attends
    school: str
    #: the school's ID number for the student
    student_id: str
    #: the student's home (residence) address
    address: Address
    #: whether the student is homeless (yes or no)
    homeless: bool
    #: how to reach a homeless student's family
    homeless_contact: str


class _ParentRequired(TypedDict):
    #: the parent's full name
    name: str


class Parent(_ParentRequired, total=False):
    """a parent or guardian"""

    #: relationship to the student, like mother or guardian
    relationship: str
    #: the parent's mailing address
    address: Address
    #: the parent's phone number
    phone: str
    #: the parent's email address
    email: str


class District(TypedDict, total=False):
    """the school district's details"""

    #: the school district's name
    name: str
    #: the district's special education director
    special_education_director: str
    #: the school district's mailing address
    address: Address


class Dispute(TypedDict, total=False):
    """what the disagreement is about"""

    #: a short description of the problem
    summary: str
    #: the kinds of problem
    issue_types: List[IssueType]
    #: what you asked the school for
    requested: str
    #: what the school offered or refused
    school_response: str
    #: how you would like the problem solved
    proposed_resolution: str
    #: where your child is taught now
    current_placement: str
    #: the school's evaluation you disagree with
    evaluation_disagreed: str
    #: the private school you plan to enroll your child in
    private_school: str


class Meeting(TypedDict, total=False):
    """the most recent meeting with the school"""

    #: the day of the meeting
    date: DateValue
    #: who was at the meeting
    attended: List[str]
    #: what was discussed at the meeting
    discussed: str
    #: what the school agreed to at the meeting
    agreed: str
    #: what the school refused at the meeting
    refused: str
    #: the day to send corrections by
    corrections_by: DateValue


class Answers(TypedDict, total=False):
    """A parent's answers to the recommender's questions (``iepkit.case.ANSWERS_SCHEMA``)."""

    #: one or more issue ids
    issues: List[IssueType]
    #: yes or no
    school_willing_to_talk: bool
    #: working, strained or broken
    relationship: Relationship
    #: yes or no
    bad_faith_evidence: bool
    #: yes or no
    want_formal_finding: bool
    #: yes or no
    urgent: bool
    #: a date
    violation_date: DateValue
    #: a date
    known_date: DateValue


class _EventRequired(TypedDict):
    #: the date it happened
    date: DateValue


class Event(_EventRequired, total=False):
    """One thing that happened, with its date: a ``type`` (it starts deadlines), a ``what`` (for letters), or both."""

    #: the kind of event, like evaluation-requested
    type: EventType
    #: what happened, in your words, for letters
    what: str
    #: a note for yourself
    note: str


class _BreakRequired(TypedDict):
    #: the first day of the break
    start: DateValue
    #: the last day of the break
    end: DateValue


class Break(_BreakRequired, total=False):
    """breaks with no school"""

    #: the break's name, like winter break
    name: str


class _SchoolCalendarRequired(TypedDict):
    #: the first day of school
    first_day: DateValue
    #: the last day of school
    last_day: DateValue


class SchoolCalendar(_SchoolCalendarRequired, total=False):
    """the school's calendar for this school year"""

    #: breaks with no school
    breaks: List[Break]
    #: other days with no school, like holidays or storm days
    closures: List[DateValue]
    #: school days the student missed
    absences: List[DateValue]


class _CaseRequired(TypedDict):
    #: the state's code or name, like MS
    state: str


class CaseData(_CaseRequired, total=False):
    """A whole case, as ``api.parse_case`` takes it (a case file's YAML has the same keys)."""

    #: the student's details
    student: Student
    #: the parents or guardians
    parents: List[Parent]
    #: the school district's details
    district: District
    #: what the disagreement is about
    dispute: Dispute
    #: the most recent meeting with the school
    meeting: Meeting
    #: the parent's answers to the recommender's questions
    answers: Answers
    #: what happened, with dates
    events: List[Event]
    #: the school's calendar for this school year
    school_calendar: SchoolCalendar


__all__ = ["CaseData", "Student", "Parent", "Address", "District", "Dispute", "Meeting", "Answers", "Event",
           "Break", "SchoolCalendar", "DateValue", "IssueType", "EventType", "Relationship"]
