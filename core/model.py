"""The content a state plugin registers: plain, frozen, validated data.

These types are the public vocabulary between the core and every state: a
plugin builds them (usually from its YAML files through ``iepkit.statedata``)
and passes them to the ``register`` callback of a hook.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

# FEDERAL: the origin of an item that comes from the built-in federal layer (IDEA,
# 34 CFR Part 300) rather than from a state: see ``iepkit.layers``. Defined with the
# hooks, which every plugin imports, so the federal plugin need not import this module.
from .hookspecs import FEDERAL as FEDERAL  # noqa: F401 - part of this module's vocabulary


@dataclass(frozen=True)
class Citation:
    """Where a statement comes from: a reference like ``34 CFR 300.153(b)``, optionally a link."""

    ref: str
    url: str | None = None

    def __str__(self) -> str:
        return self.ref


@dataclass(frozen=True)
class Statement:
    """One legal or factual statement shown to people, with its sources.

    ``verified`` is False where the project could not confirm the statement from
    a primary source; every output shows such statements as unverified.
    """

    text: str
    cite: tuple[Citation, ...] = ()
    verified: bool = True
    note: str | None = None

    @property
    def citations(self) -> str:
        return "; ".join(c.ref for c in self.cite)


@dataclass(frozen=True)
class Contact:
    """An office or organisation a parent may contact. Only sourced details are listed."""

    id: str
    name: str
    purpose: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    toll_free: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    cite: tuple[Citation, ...] = ()
    verified: bool = True
    as_of: str | None = None
    last_checked: _dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Agency:
    """The state education agency office that receives complaints and mediation requests."""

    name: str
    short_name: str
    office: str
    office_short: str
    mailing_address: tuple[str, ...]
    cite: tuple[Citation, ...] = ()
    verified: bool = True
    note: str | None = None

    @property
    def office_full(self) -> str:
        return f"{self.short_name} {self.office}"


@dataclass(frozen=True)
class State:
    """A US state as a plugin describes it: agency, contacts and local words."""

    code: str
    name: str
    agency: Agency
    unverified_notice: str
    contacts: tuple[Contact, ...] = ()
    terms: dict[str, str] = field(default_factory=dict)
    rules_name: str = ""
    last_reviewed: _dt.date | None = None
    cite: tuple[Citation, ...] = ()
    #: Holiday data for business days; None means federal plus the state's own list.
    calendar: StateCalendar | None = None

    def term(self, key: str, default: str) -> str:
        """A local term (``iep_team`` -> "IEP Committee"), or the federal default."""
        return self.terms.get(key, default)


#: The fixed rows of the side-by-side comparison of processes.
COMPARISON_FIELDS: dict[str, str] = {
    "who_can_file": "Who can ask for it",
    "cost": "Cost",
    "who_decides": "Who decides",
    "result": "What you get",
    "timeline": "How long it takes",
    "confidentiality": "Is it private",
    "best_for": "Best for",
    "not_for": "Not the best fit for",
}


@dataclass(frozen=True)
class Process:
    """A formal way to resolve a dispute (mediation, state complaint, due process...)."""

    id: str
    state: str
    name: str
    summary: str
    facts: dict[str, Statement]
    steps: tuple[Statement, ...] = ()
    letter: str | None = None
    #: Deadline rule ids on this path, for its action plan (e.g. state-complaint-decision).
    deadline_rules: tuple[str, ...] = ()
    #: The id of the state's contact that receives this process's request or complaint:
    #: the kit's "Where to send it" prints its name and address. None: the agency's
    #: mailing address for mediation and state complaints, nothing for the others.
    send_to: str | None = None
    #: Which layer it comes from: FEDERAL, or the state's code (set by the registry).
    origin: str = ""
    #: True when the state changed only some fields of the federal item (an Amendment).
    amended: bool = False


@dataclass(frozen=True)
class LetterElement:
    """Something a letter must contain, with the rule that requires it.

    ``fields`` are case paths whose values must appear in the letter; ``phrase``
    is wording the letter must contain; ``when`` names a case field that must be
    true for the element to apply. Conformance tests check all of them in the
    text extracted from the PDF.
    """

    id: str
    label: str
    cite: tuple[Citation, ...]
    fields: tuple[str, ...] = ()
    phrase: str | None = None
    verified: bool = True
    when: str | None = None
    #: FEDERAL for an element the state's letter inherits from the federal letter of its id.
    origin: str = ""
    #: True for a state's element with the id of a federal one: the federal requirement, in the state's words.
    amended: bool = False

    def applies(self, case: object | None) -> bool:
        """Whether the element is required for this case (always, in a blank form)."""
        return self.when is None or case is None or bool(case.get(self.when))  # type: ignore[attr-defined]

    @property
    def law(self) -> str:
        """Whose law requires it, by what it cites: "federal", "state", "both", or "practice" for a
        federal letter's part that rests on good practice alone (for the notes page)."""
        federal = [bool(_FEDERAL_CITE.search(c.ref)) for c in self.cite]
        if self.origin == FEDERAL:
            # A federal letter's part with no federal rule behind it is good practice, not law.
            return "federal" if any(federal) else "practice"
        return "federal" if all(federal) else "both" if any(federal) else "state"


#: A citation of federal law: the Code of Federal Regulations or the United States Code.
_FEDERAL_CITE = re.compile(r"\b(CFR|C\.F\.R\.|U\.S\.C\.)")


@dataclass(frozen=True)
class LetterTemplate:
    """A letter type: its metadata and the Jinja2 template that drives every format."""

    id: str
    state: str
    title: str
    summary: str
    template: str
    template_dir: Path
    process: str | None = None
    elements: tuple[LetterElement, ...] = ()
    notes: tuple[Statement, ...] = ()
    last_reviewed: _dt.date | None = None
    #: The deadline rule that limits when this letter may be filed (a guard rail).
    filing_limit_rule: str | None = None
    #: The event type sending this letter starts (its date starts a deadline), if any.
    starts_event: str | None = None
    #: The event a deadline counts back from: the letter must reach the district before it
    #: (a private placement notice, 10 business days before the child leaves).
    send_before_event: str | None = None
    origin: str = ""
    amended: bool = False

    @property
    def purpose(self) -> str:
        """What the letter is for, in one sentence: the summary's first."""
        head, dot, _ = self.summary.strip().partition(". ")
        return head + "." if dot else self.summary.strip()

    @property
    def elements_only(self) -> bool:
        """A federal letter with no template: only its elements, merged into a state's letter of its id."""
        return not self.template


#: The kinds of guide a state can register.
GUIDE_KINDS = ("guide", "checklist", "worksheet", "script")


@dataclass(frozen=True)
class FillIn:
    """A worksheet line. ``from_field`` names a case field that fills it in a filled kit."""

    label: str
    from_field: str | None = None


@dataclass(frozen=True)
class GuideSection:
    """Part of a guide: plain advice (``paragraphs``), cited rules (``points``), fill-in lines, checkboxes."""

    heading: str | None = None
    paragraphs: tuple[str, ...] = ()
    points: tuple[Statement, ...] = ()
    fill_in: tuple[FillIn, ...] = ()
    checkboxes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    """A printable guide, checklist, worksheet or script for parents (the Starter Kit's pages)."""

    id: str
    state: str
    title: str
    intro: str
    sections: tuple[GuideSection, ...]
    kind: str = "guide"
    #: The process this guide is about (e.g. a worksheet for a state complaint). The
    #: Starter Kit prints it in that process's part, so a family's recommended
    #: process comes with its own worksheet. None: a guide for every process.
    process: str | None = None

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(p for sec in self.sections for p in sec.points)


#: How a deadline rule counts. Public contract: plugins write these in deadlines.yaml.
DEADLINE_UNITS: dict[str, str] = {
    "calendar-days": "calendar days",
    "business-days": "business days",
    "school-days": "school days",
    "months": "months",
    "years": "years",
}


@dataclass(frozen=True)
class AbsenceExtension:
    """A school-day count that grows with the student's recorded absences.

    When the student was absent on at least ``at_least`` of the school days
    counted, the count is extended by one school day per such absence, counted
    on from the original end. Absences in the extension do not extend it again.
    """

    at_least: int


@dataclass(frozen=True)
class NearSchoolYearEnd:
    """A fixed due date for a count that starts close to the last day of school.

    When the trigger is at least ``at_least`` but fewer than ``fewer_than``
    school days before the last day of school in the case's calendar, the due
    date is ``month``/``day`` of the year that last day falls in, instead of
    the count. ``unless_absences``: not when the student was absent on at
    least that many school days from the trigger to the last day of school.
    """

    at_least: int
    fewer_than: int
    month: int
    day: int
    unless_absences: int | None = None


@dataclass(frozen=True)
class RuleVersion:
    """One version of a deadline rule: the terms in force between two dates.

    ``trigger`` is an event type; ``trigger_rule`` instead names another rule
    whose due date starts this one (a chain). ``trigger_is_day_one`` counts the
    trigger day itself as day 1 (calendar days only). ``roll_forward`` moves a
    due date that falls on a weekend or holiday (the IDEA default is no).
    ``holidays_count`` makes a business-day count skip weekends only, as in
    34 CFR 300.148(d)(1)(ii). The effective dates are inclusive; either may be open.
    ``extend_for_absences`` and ``near_school_year_end`` (school days counted
    after only) use the case's school calendar and the student's absences.
    """

    label: str
    count: int
    unit: str
    cite: tuple[Citation, ...]
    note: str
    last_reviewed: _dt.date
    trigger: str | None = None
    trigger_rule: str | None = None
    direction: str = "after"
    trigger_is_day_one: bool = False
    roll_forward: bool = False
    holidays_count: bool = False
    effective_from: _dt.date | None = None
    effective_until: _dt.date | None = None
    verified: bool = True
    extend_for_absences: AbsenceExtension | None = None
    near_school_year_end: NearSchoolYearEnd | None = None

    def in_force(self, on: _dt.date) -> bool:
        return ((self.effective_from is None or self.effective_from <= on)
                and (self.effective_until is None or on <= self.effective_until))

    @property
    def citations(self) -> str:
        return "; ".join(c.ref for c in self.cite)


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline rule a state applies, with every version it has had.

    Rules change (a state lengthens a filing limit); the engine uses the version
    in force on the trigger date, so a case keeps the rule that applied to it.
    """

    id: str
    state: str
    versions: tuple[RuleVersion, ...]
    #: FEDERAL (inherited as is) or the state's code (its own rule, or a federal
    #: rule it amended: then ``amended`` is True). Set by the registry.
    origin: str = ""
    amended: bool = False
    #: The origin in words for people ("Federal rule (IDEA), used in Mississippi").
    origin_label: str = ""

    @property
    def current(self) -> RuleVersion:
        """The newest version: the one with the latest start date."""
        return max(self.versions, key=lambda v: v.effective_from or _dt.date.min)

    @property
    def label(self) -> str:
        return self.current.label

    @property
    def trigger(self) -> str | None:
        return self.current.trigger

    @property
    def trigger_rule(self) -> str | None:
        return self.current.trigger_rule

    def version_on(self, day: _dt.date) -> RuleVersion | None:
        """The version in force on ``day``, or None if no version was."""
        for version in self.versions:
            if version.in_force(day):
                return version
        return None


@dataclass(frozen=True)
class HolidayChange:
    """A dated change a state makes to the holiday tables: a day added or removed."""

    date: _dt.date
    name: str
    cite: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class StateCalendar:
    """Which days are holidays in a state, for business-day counts (34 CFR 300.11(b)).

    The holidays are the ``holidays`` package's US federal list plus its list
    for ``subdivision``, then ``additions`` and ``removals`` from plugin data.
    """

    subdivision: str
    additions: tuple[HolidayChange, ...] = ()
    removals: tuple[HolidayChange, ...] = ()
    cite: tuple[Citation, ...] = ()
    note: str | None = None


#: The parent's answers the recommender takes. A public contract: the keys and
#: values here are what `--answers` files, case files and partners use.
RELATIONSHIPS = ("working", "strained", "broken")


@dataclass(frozen=True)
class Weight:
    """One thing the recommender weighs: if ``when`` matches the answers, add ``score``."""

    when: dict[str, Any]
    score: int
    reason: str | None = None
    caution: str | None = None
    #: Citations, required when the reason or caution states what the law says.
    cite: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class FilingLimit:
    """The deadline rule that can time-bar a process, and the answer that triggers it."""

    rule: str
    answer: str


@dataclass(frozen=True)
class Option:
    """How a state weighs one process for the recommender."""

    process: str
    base: int = 0
    weights: tuple[Weight, ...] = ()
    cannot_do: tuple[Statement, ...] = ()
    filing_limit: FilingLimit | None = None


@dataclass(frozen=True)
class Combination:
    """Processes that can be used together, in this order, with the rule that allows it."""

    processes: tuple[str, ...]
    statement: Statement


@dataclass(frozen=True)
class RecommendCriteria:
    """A state's recommender criteria: one per state (``id`` is always "criteria")."""

    state: str
    options: tuple[Option, ...]
    combinations: tuple[Combination, ...] = ()
    id: str = "criteria"


@dataclass(frozen=True)
class Amendment:
    """A state's partial change to an inherited federal item, by id (OpenFisca-reform style).

    Registered through the same hook as the item it changes. ``changes`` maps
    field names to new values: for a deadline rule, RuleVersion fields applied
    to every federal version (``{"verified": False, "note": ...}``); for a
    process, Process fields, with ``facts`` merged key by key. ``source`` says
    where it was written ("…/deadlines.yaml [3]"), for error messages.
    """

    id: str
    state: str
    changes: Mapping[str, Any]
    source: str = ""


@dataclass(frozen=True)
class Withdrawal:
    """A state's statement that an inherited federal item does not apply there, and why."""

    id: str
    state: str
    reason: str
    cite: tuple[Citation, ...] = ()
    source: str = ""
