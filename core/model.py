"""The content a state plugin registers: plain, frozen, validated data.

These types are the public vocabulary between the core and every state: a
plugin builds them (usually from its YAML files through ``iepkit.statedata``)
and passes them to the ``register`` callback of a hook.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path


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

    def applies(self, case: object | None) -> bool:
        """Whether the element is required for this case (always, in a blank form)."""
        return self.when is None or case is None or bool(case.get(self.when))  # type: ignore[attr-defined]


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


@dataclass(frozen=True)
class Checklist:
    """A printable checklist or short guide for parents."""

    id: str
    state: str
    title: str
    intro: str
    items: tuple[Statement, ...]
    kind: str = "checklist"
