"""Reading and checking a state plugin's YAML files into model objects.

The work behind ``iepkit.statedata.StateFolder``, which plugins use: that
module stays light to import (``iepkit --help`` imports every plugin) and
keeps what is read in the user's cache (``iepkit.statecache``); this one holds
the file formats (the *_SCHEMA tables docs/state-files.md is made from) and
the checks. Each file is validated when first used; a bad file raises
InputError naming the file and the key, which the plugin host reports as that
plugin's failure.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import schema as s
from .errors import InputError, Problem
from .events import EVENT_ALIASES, EVENT_TYPES
from .case import ISSUE_TYPES
from .model import (COMPARISON_FIELDS, DEADLINE_UNITS, GUIDE_KINDS, RELATIONSHIPS, AbsenceExtension,
                    NearSchoolYearEnd, Agency, Citation,
                    Combination, Contact, DeadlineRule, FilingLimit, FillIn, Guide, GuideSection,
                    HolidayChange, LetterElement, LetterTemplate, Option, Process, RecommendCriteria,
                    RuleVersion, State, StateCalendar, Statement, Weight)
from .model import FEDERAL, Amendment, Withdrawal
from .yamlio import load_yaml_file


@dataclass
class CiteField(s.Field):
    """A list of citations: each a string like "34 CFR 300.506(b)" or {ref, url}."""

    def check(self, value, path, problems):
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            where = f"{path}[{i}]"
            if isinstance(item, str) and item.strip():
                out.append(Citation(item.strip()))
            elif isinstance(item, dict) and isinstance(item.get("ref"), str) and set(item) <= {"ref", "url"}:
                out.append(Citation(item["ref"].strip(), item.get("url")))
            else:
                problems.append(Problem(where, "expected a citation like '34 CFR 300.506(b)' or {ref, url}"))
        if not out:
            problems.append(Problem(path, "needs at least one citation"))
        return tuple(out)


@dataclass
class Count(s.Field):
    """A whole number of at least 1, like the 60 in "60 days"."""

    def check(self, value, path, problems):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        self.fail(path, problems, "a whole number of 1 or more, like 60")
        return None


def _statement(required: bool = True) -> s.Record:
    return s.Record(required=required, label="a statement with text and cite", fields={
        "text": s.Text(label="the statement in plain words", required=True),
        "cite": CiteField(label="its citations", required=True),
        "verified": s.Bool(label="whether it was confirmed in a primary source"),
        "note": s.Text(label="a note"),
    })


def _to_statement(d: dict[str, Any]) -> Statement:
    return Statement(text=d["text"], cite=d["cite"], verified=d.get("verified", True), note=d.get("note"))


STATE_SCHEMA = s.Record(fields={
    "code": s.Pattern(label="the two-letter code", required=True, regex=r"[A-Z]{2}",
                      expected="a two-letter upper-case code like MS"),
    "name": s.Text(label="the state's name", required=True, multiline=False),
    "last_reviewed": s.Date(label="when this data was last reviewed", required=True),
    "rules_name": s.Text(label="the name of the state's special-education rules", multiline=False),
    "unverified_notice": s.Text(label="what to tell users about unverified details", required=True),
    "cite": CiteField(label="sources for the state's rules"),
    "agency": s.Record(required=True, fields={
        "name": s.Text(required=True, multiline=False),
        "short_name": s.Text(required=True, multiline=False),
        "office": s.Text(required=True, multiline=False),
        "office_short": s.Text(required=True, multiline=False),
        "mailing_address": s.ListOf(item=s.Text(multiline=False), min_items=2, required=True),
        "cite": CiteField(required=True),
        "verified": s.Bool(),
        "note": s.Text(),
    }),
    "terms": s.Record(allow_extra=True, fields={}),
    "contacts": s.ListOf(item=s.Record(fields={
        "id": s.Id(required=True),
        "name": s.Text(required=True, multiline=False),
        "purpose": s.Text(required=True),
        "address": s.ListOf(item=s.Text(multiline=False)),
        "phone": s.Phone(),
        "toll_free": s.Phone(),
        "fax": s.Phone(),
        "email": s.Email(),
        "website": s.Pattern(regex=r"https?://\S+|[a-z0-9.-]+\.[a-z]{2,}(/\S*)?", expected="a web address"),
        "cite": CiteField(required=True),
        "verified": s.Bool(),
        "as_of": s.Text(multiline=False),
        "last_checked": s.Date(),
        "note": s.Text(),
    })),
})

PROCESS_SCHEMA = s.ListOf(min_items=1, item=s.Record(fields={
    "id": s.Id(required=True),
    "name": s.Text(required=True, multiline=False),
    "summary": s.Text(required=True),
    "letter": s.Id(),
    "facts": s.Record(required=True, fields={k: _statement() for k in COMPARISON_FIELDS}),
    "steps": s.ListOf(item=_statement()),
    "deadline_rules": s.ListOf(item=s.Id()),
    "send_to": s.Id(label="the id of the contact that receives the request, for the kit's 'Where to send it'"),
}))

LETTER_SCHEMA = s.ListOf(min_items=1, item=s.Record(fields={
    "id": s.Id(required=True),
    "title": s.Text(required=True, multiline=False),
    "summary": s.Text(required=True),
    "process": s.Id(),
    "template": s.Pattern(required=True, regex=r"[\w./-]+\.html", expected="a template file name ending in .html"),
    "last_reviewed": s.Date(required=True),
    "elements": s.ListOf(min_items=1, required=True, item=s.Record(fields={
        "id": s.Id(required=True),
        "label": s.Text(required=True, multiline=False),
        "cite": CiteField(required=True),
        "fields": s.ListOf(item=s.Pattern(regex=r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*",
                                          expected="a case field path like student.name")),
        "phrase": s.Text(multiline=False),
        "when": s.Pattern(regex=r"[a-z_]+(\.[a-z_]+)*", expected="a case field path like student.homeless"),
        "verified": s.Bool(),
    })),
    "notes": s.ListOf(item=_statement()),
    "filing_limit_rule": s.Id(label="the deadline rule that limits when this letter may be filed"),
    "starts_event": s.Choice(choices=tuple(EVENT_TYPES), label="the event the letter starts, one of: "
                             + ", ".join(EVENT_TYPES)),
    "send_before_event": s.Choice(choices=tuple(EVENT_TYPES), label="the event the letter must arrive "
                                  "before (a deadline rule counts back from it), one of: "
                                  + ", ".join(EVENT_TYPES)),
}))

#: The federal layer's letters.yaml: elements-only letters (no template), each
#: merged into a state's own letter of its id, and full letters (with a template
#: in core/federal/letters/) every state inherits unless it writes its own
#: (iepkit.layers). Not a state file, so not named *_SCHEMA (docs/state-files.md
#: lists state files).
_FEDERAL_LETTERS = s.ListOf(min_items=1, item=s.Record(fields={
    k: (replace(f, required=False) if k in ("summary", "template") else f)
    for k, f in LETTER_SCHEMA.item.fields.items()}))

GUIDE_SCHEMA = s.ListOf(item=s.Record(fields={
    "id": s.Id(required=True),
    "title": s.Text(required=True, multiline=False),
    "kind": s.Choice(choices=GUIDE_KINDS, label="one of: " + ", ".join(GUIDE_KINDS)),
    "process": s.Id(),
    "intro": s.Text(required=True),
    "sections": s.ListOf(min_items=1, required=True, item=s.Record(fields={
        "heading": s.Text(multiline=False),
        "paragraphs": s.ListOf(item=s.Text()),
        "points": s.ListOf(item=_statement()),
        "fill_in": s.ListOf(item=s.Record(fields={
            "label": s.Text(required=True, multiline=False),
            "from": s.Pattern(regex=r"[a-z_]+(\[\d+\])?(\.[a-z_]+)*", expected="a case field path like dispute.requested"),
        })),
        "checkboxes": s.ListOf(item=s.Text(multiline=False)),
    })),
}))

_WHEN_KEYS = {
    "issues_any": s.ListOf(item=s.Choice(choices=tuple(ISSUE_TYPES)), min_items=1),
    "relationship": s.ListOf(item=s.Choice(choices=RELATIONSHIPS), min_items=1),
    "school_willing_to_talk": s.Bool(), "bad_faith_evidence": s.Bool(),
    "want_formal_finding": s.Bool(), "urgent": s.Bool(),
}

RECOMMEND_SCHEMA = s.Record(fields={
    "options": s.ListOf(min_items=1, required=True, item=s.Record(fields={
        "process": s.Id(required=True),
        "base": s.Pattern(regex=r"-?\d+", expected="a whole number", normalise=int),
        "cannot_do": s.ListOf(item=_statement()),
        "filing_limit": s.Record(fields={
            "rule": s.Id(required=True),
            "answer": s.Choice(required=True, choices=("violation_date", "known_date")),
        }),
        "weights": s.ListOf(item=s.Record(fields={
            "when": s.Record(required=True, fields=_WHEN_KEYS),
            "score": s.Pattern(required=True, regex=r"-?\d+", expected="a whole number", normalise=int),
            "reason": s.Text(),
            "caution": s.Text(),
            "cite": CiteField(),
        })),
    })),
    "combinations": s.ListOf(item=s.Record(fields={
        "processes": s.ListOf(item=s.Id(), min_items=2, required=True),
        "text": s.Text(required=True),
        "cite": CiteField(required=True),
        "verified": s.Bool(),
    })),
})


def _WHOLE(label: str, required: bool = False) -> s.Pattern:  # noqa: N802 - reads as a type
    """A whole number of 0 or more."""
    return s.Pattern(label=label, required=required, regex=r"\d+", expected="a whole number, 0 or more",
                     normalise=int)


_NEAR_SCHOOL_YEAR_END = s.Record(label="a fixed due date when the count starts near the last day of school", fields={
    "at_least": _WHOLE(label="the fewest school days before the last day of school, like 35", required=True),
    "fewer_than": Count(label="the number of school days before the last day it must be under, like 45",
                        required=True),
    "due": s.Pattern(label="the due date's month and day", required=True, regex=r"\d{2}-\d{2}",
                     expected='a month and day written MM-DD in quotes, like "06-30"'),
    "unless_absences": s.Record(label="not when the student misses this many school days before the last day",
                                fields={"at_least": Count(label="how many absences, like 3", required=True)}),
})


#: deadlines.yaml: one entry per rule version; a rule that changed has one entry per
#: version, with the same id and effective dates that do not overlap.
DEADLINE_SCHEMA = s.ListOf(min_items=1, item=s.Record(fields={
    "id": s.Id(label="the rule's id, like initial-evaluation", required=True),
    "label": s.Text(label="what is due, in a few words", required=True, multiline=False),
    "trigger": s.Choice(label="the event type that starts the count", choices=tuple(EVENT_TYPES),
                        aliases=EVENT_ALIASES),
    "trigger_rule": s.Id(label="the id of the rule whose due date starts the count"),
    "count": Count(label="how many units, like 60", required=True),
    "unit": s.Choice(label="the unit", required=True, choices=tuple(DEADLINE_UNITS)),
    "direction": s.Choice(label="after or before the trigger", choices=("after", "before")),
    "trigger_is_day_one": s.Bool(label="whether the trigger day itself is day 1"),
    "roll_forward": s.Bool(label="whether a due date on a weekend or holiday moves"),
    "holidays_count": s.Bool(label="whether holidays count as business days"),
    # School-day counts that depend on the student's absences and on the school year (deadlines.md).
    "extend_for_absences": s.Record(label="add one school day per absence in the count", fields={
        "at_least": Count(label="how many absences start the extension, like 3", required=True)}),
    "near_school_year_end": _NEAR_SCHOOL_YEAR_END,
    "effective_from": s.Date(label="the first day this version is in force"),
    "effective_until": s.Date(label="the last day this version is in force"),
    "cite": CiteField(label="its citations", required=True),
    "verified": s.Bool(label="whether it was confirmed in a primary source"),
    "last_reviewed": s.Date(label="when this rule was last checked", required=True),
    "note": s.Text(label="a plain-language note for parents", required=True),
}))

_HOLIDAY_CHANGE = s.Record(fields={
    "date": s.Date(label="the date", required=True),
    "name": s.Text(label="the holiday's name, or why it is removed", required=True, multiline=False),
    "cite": CiteField(label="its citations", required=True),
})

CALENDAR_SCHEMA = s.Record(fields={
    "subdivision": s.Pattern(label="the state's code in the holidays package", regex=r"[A-Z]{2}",
                             expected="a two-letter upper-case code like MS"),
    "additions": s.ListOf(label="holidays the holidays package misses", item=_HOLIDAY_CHANGE),
    "removals": s.ListOf(label="days the holidays package wrongly lists", item=_HOLIDAY_CHANGE),
    "cite": CiteField(label="sources for the state's holidays"),
    "note": s.Text(label="a note"),
})


def _version_problems(i: int, d: dict[str, Any]) -> list[Problem]:
    """Checks on one deadlines.yaml entry that need more than one field."""
    out = []
    if ("trigger" in d) == ("trigger_rule" in d):
        out.append(Problem(f"[{i}]", "needs either trigger (an event type) or trigger_rule "
                                     "(another rule's id), not both"))
    if d.get("trigger_is_day_one") and (d["unit"] != "calendar-days" or d.get("direction") == "before"):
        out.append(Problem(f"[{i}].trigger_is_day_one", "only works with unit calendar-days counted after"))
    if d.get("holidays_count") and d["unit"] != "business-days":
        out.append(Problem(f"[{i}].holidays_count", "only works with unit business-days"))
    for key in ("extend_for_absences", "near_school_year_end"):
        if key in d and (d["unit"] != "school-days" or d.get("direction") == "before"):
            out.append(Problem(f"[{i}].{key}", "only works with unit school-days counted after"))
    near = d.get("near_school_year_end")
    if near and {"at_least", "fewer_than", "due"} <= set(near):
        if near["fewer_than"] <= near["at_least"]:
            out.append(Problem(f"[{i}].near_school_year_end.fewer_than", "is not more than at_least; "
                                                                         "expected a larger number"))
        if _month_day(near["due"]) is None:
            out.append(Problem(f"[{i}].near_school_year_end.due", "is not a day every year has; expected a "
                                                                  "month and day like \"06-30\""))
    start, end = d.get("effective_from"), d.get("effective_until")
    if start and end and end < start:
        out.append(Problem(f"[{i}].effective_until", "is before effective_from; expected a later date"))
    return out


def _month_day(text: str) -> tuple[int, int] | None:
    """(month, day) from "MM-DD", or None if not every year has that day (February 29 has not)."""
    month, day = (int(x) for x in text.split("-"))
    try:
        _dt.date(2001, month, day)
    except ValueError:
        return None
    return month, day


def _school_year_options(d: dict[str, Any]) -> dict[str, Any]:
    """RuleVersion's extend_for_absences and near_school_year_end from a checked entry."""
    out: dict[str, Any] = {}
    if "extend_for_absences" in d:
        out["extend_for_absences"] = AbsenceExtension(at_least=d["extend_for_absences"]["at_least"])
    if "near_school_year_end" in d:
        near = d["near_school_year_end"]
        month, day = _month_day(near["due"]) or (0, 0)  # _version_problems has refused a bad day
        out["near_school_year_end"] = NearSchoolYearEnd(
            at_least=near["at_least"], fewer_than=near["fewer_than"], month=month, day=day,
            unless_absences=near.get("unless_absences", {}).get("at_least"))
    return out


def _overlap(a: RuleVersion, b: RuleVersion) -> bool:
    lo = max(a.effective_from or _dt.date.min, b.effective_from or _dt.date.min)
    hi = min(a.effective_until or _dt.date.max, b.effective_until or _dt.date.max)
    return lo <= hi


class StateFiles:
    """Reads one part of a state plugin's folder (``state``, ``processes``, ...) at a time.

    ``owner`` is the plugin's StateFolder: the state's code comes from it, so a
    part read here never reads state.yaml again when the cache already had it.
    """

    def __init__(self, folder: str | Path, code: str | None = None, owner: Any = None):
        self.folder = Path(folder)
        #: Given for the federal layer (FEDERAL), which has no state.yaml.
        self._code = code
        self._owner = owner

    @property
    def code(self) -> str:
        """The state's code, or FEDERAL for the federal layer's folder."""
        if self._code:
            return self._code
        return (self._owner.state if self._owner is not None else self.state).code

    def _load_layered(self, name: str, spec: s.ListOf, amend: s.Record,
                      optional: bool = False) -> tuple[list[Any], list[Any]]:
        """A list file whose entries may also amend (``amends: federal``) or withdraw a federal item.

        Returns the checked entries (amendments and withdrawals as None, so an
        entry keeps its index in messages) and the Amendment/Withdrawal objects.
        """
        path = self.folder / name
        if optional and not path.exists():
            return [], []
        raw = load_yaml_file(path)
        spec = s.ListOf(min_items=spec.min_items, item=_LayeredEntry(full=spec.item, amend=amend))
        value, problems = s.check(spec, raw)
        if problems:
            raise InputError(str(path), problems)
        if self.code == FEDERAL and any(isinstance(d, tuple) for d in value):
            raise InputError(str(path), [Problem("amends", "the federal layer cannot amend or withdraw itself")])
        entries, changes = [], []
        for i, d in enumerate(value):
            if isinstance(d, tuple):
                entries.append(None)
                changes.append(_layer_change(d, self.code, f"{path} [{i}]"))
            else:
                entries.append(d)
        return entries, changes

    def _layer_problems(self, kind: str, own: dict[str, Any], changes: list[Any]) -> list[Problem]:
        """The state's items merged with the federal layer, as the registry will: what fails."""
        from .deadlines import rule_problems  # the engine's check of triggers, chains and loops

        if self.code == FEDERAL:
            return rule_problems(own) if kind == "deadline_rules" else []
        from .federal import DATA as FEDERAL_DATA
        from .layers import LayerError, merge

        federal = {x.id: x for x in getattr(FEDERAL_DATA, kind)}
        try:
            merged, _ = merge(kind, federal, own, changes, self.code)
        except LayerError as exc:
            text = str(exc)
            where, _, message = text.partition(": ") if exc.change and exc.change.source else ("", "", text)
            return [Problem(where.rsplit(" ", 1)[-1] if where else kind, message)]
        if kind == "deadline_rules":
            return rule_problems(merged)
        return []

    def _load(self, name: str, spec: s.Field, optional: bool = False) -> Any:
        path = self.folder / name
        if optional and not path.exists():
            return []
        value, problems = s.check(spec, load_yaml_file(path))
        if problems:
            raise InputError(str(path), problems)
        return value

    @cached_property
    def state(self) -> State:
        d = self._load("state.yaml", STATE_SCHEMA)
        a = d["agency"]
        agency = Agency(name=a["name"], short_name=a["short_name"], office=a["office"],
                        office_short=a["office_short"], mailing_address=tuple(a["mailing_address"]),
                        cite=a["cite"], verified=a.get("verified", True), note=a.get("note"))
        contacts = tuple(
            Contact(id=c["id"], name=c["name"], purpose=c["purpose"], address=tuple(c.get("address", ())),
                    phone=c.get("phone"), toll_free=c.get("toll_free"), fax=c.get("fax"),
                    email=c.get("email"), website=c.get("website"), cite=c["cite"],
                    verified=c.get("verified", True), as_of=c.get("as_of"),
                    last_checked=c.get("last_checked"), note=c.get("note"))
            for c in d.get("contacts", []))
        return State(code=d["code"], name=d["name"], agency=agency, contacts=contacts,
                     terms={k: str(v) for k, v in d.get("terms", {}).items()},
                     unverified_notice=d["unverified_notice"], rules_name=d.get("rules_name", ""),
                     last_reviewed=d["last_reviewed"], cite=d.get("cite", ()),
                     calendar=self._calendar(d["code"]))

    def _calendar(self, code: str) -> StateCalendar:
        """calendar.yaml, or the plain federal-plus-state holidays if the plugin has none."""
        if not (self.folder / "calendar.yaml").exists():
            return StateCalendar(subdivision=code)
        d = self._load("calendar.yaml", CALENDAR_SCHEMA)

        def changes(key: str) -> tuple[HolidayChange, ...]:
            return tuple(HolidayChange(c["date"], c["name"], c["cite"]) for c in d.get(key, []))

        return StateCalendar(subdivision=d.get("subdivision", code), additions=changes("additions"),
                             removals=changes("removals"), cite=d.get("cite", ()), note=d.get("note"))

    @cached_property
    def processes(self) -> list[Process | Amendment | Withdrawal]:
        """processes.yaml: the state's processes, then its amendments and withdrawals of federal ones."""
        code = self.code
        entries, changes = self._load_layered("processes.yaml", PROCESS_SCHEMA, PROCESS_AMEND_SCHEMA,
                                              optional=code == FEDERAL)
        own = [Process(id=p["id"], state=code, name=p["name"], summary=p["summary"],
                       facts={k: _to_statement(v) for k, v in p["facts"].items()},
                       steps=tuple(_to_statement(x) for x in p.get("steps", [])),
                       letter=p.get("letter"), deadline_rules=tuple(p.get("deadline_rules", ())),
                       send_to=p.get("send_to"))
               for p in entries if p is not None]
        problems = self._layer_problems("processes", {p.id: p for p in own}, changes)
        if problems:
            raise InputError(str(self.folder / "processes.yaml"), problems)
        return [*own, *changes]

    @cached_property
    def letters(self) -> list[LetterTemplate | Amendment | Withdrawal]:
        """letters.yaml: the letters, then amendments of full federal letters.

        The federal layer's letters hold only elements (no template) or are full
        letters with a template in its own folder (``letters/``).
        """
        code = self.code
        path = self.folder / "letters.yaml"
        federal = code == FEDERAL
        entries, changes = self._load_layered("letters.yaml", _FEDERAL_LETTERS if federal else LETTER_SCHEMA,
                                              LETTER_AMEND_SCHEMA, optional=federal)
        out, problems = [], []
        for i, d in enumerate(entries):
            if d is None:
                continue
            if (d.get("template") or not federal) and not (self.folder / d["template"]).is_file():
                problems.append(Problem(f"[{i}].template", "names a file that does not exist in the plugin folder"))
                continue
            out.append(LetterTemplate(id=d["id"], state=code, title=d["title"], summary=d.get("summary", ""),
                                      template=d.get("template", ""), template_dir=self.folder,
                                      process=d.get("process"), elements=_to_elements(d["elements"]),
                                      notes=tuple(_to_statement(n) for n in d.get("notes", [])),
                                      last_reviewed=d["last_reviewed"],
                                      filing_limit_rule=d.get("filing_limit_rule"),
                                      starts_event=d.get("starts_event"),
                                      send_before_event=d.get("send_before_event")))
        if problems:
            raise InputError(str(path), problems)
        for i, change in enumerate(changes):
            if isinstance(change, Amendment) and "template" in change.changes:
                # The state's template, from its own folder; it may extend the federal one
                # ({% extends "federal/letters/ID.html" %}) and refill its blocks.
                if not (self.folder / change.changes["template"]).is_file():
                    problems.append(Problem(f"{change.id}.template",
                                            "names a file that does not exist in the plugin folder"))
                change.changes["template_dir"] = self.folder
            if isinstance(change, Amendment) and "elements" in change.changes:
                change.changes["elements"] = _to_elements(change.changes["elements"])
            if isinstance(change, Amendment) and "notes" in change.changes:
                change.changes["notes"] = tuple(_to_statement(n) for n in change.changes["notes"])
        if problems:
            raise InputError(str(path), problems)
        problems = self._layer_problems("letters", {x.id: x for x in out}, changes)
        if problems:
            raise InputError(str(path), problems)
        return [*out, *changes]

    @cached_property
    def guides(self) -> list[Guide]:
        """guides.yaml (optional): the guides, checklists, worksheets and scripts."""
        code = self.code
        return [Guide(id=g["id"], state=code, title=g["title"], intro=g["intro"], kind=g.get("kind", "guide"),
                      process=g.get("process"),
                      sections=tuple(GuideSection(
                          heading=sec.get("heading"), paragraphs=tuple(sec.get("paragraphs", ())),
                          points=tuple(_to_statement(x) for x in sec.get("points", ())),
                          fill_in=tuple(FillIn(f["label"], f.get("from")) for f in sec.get("fill_in", ())),
                          checkboxes=tuple(sec.get("checkboxes", ())))
                          for sec in g["sections"]))
                for g in self._load("guides.yaml", GUIDE_SCHEMA, optional=True)]

    @cached_property
    def recommend_criteria(self) -> RecommendCriteria | None:
        """recommend.yaml (optional): what the recommender weighs for this state."""
        if not (self.folder / "recommend.yaml").exists():
            return None
        d = self._load("recommend.yaml", RECOMMEND_SCHEMA)
        options = tuple(
            Option(process=o["process"], base=o.get("base", 0),
                   cannot_do=tuple(_to_statement(x) for x in o.get("cannot_do", ())),
                   filing_limit=FilingLimit(**o["filing_limit"]) if "filing_limit" in o else None,
                   weights=tuple(Weight(when=w["when"], score=w["score"], reason=w.get("reason"),
                                        caution=w.get("caution"), cite=w.get("cite", ()))
                                 for w in o.get("weights", ())))
            for o in d["options"])
        combos = tuple(Combination(processes=tuple(c["processes"]),
                                   statement=Statement(c["text"], c["cite"], c.get("verified", True)))
                       for c in d.get("combinations", ()))
        return RecommendCriteria(state=self.code, options=options, combinations=combos)

    @cached_property
    def deadline_rules(self) -> list[DeadlineRule | Amendment | Withdrawal]:
        """deadlines.yaml (optional) as DeadlineRules, each with all its versions, then the
        state's amendments and withdrawals of federal rules."""
        code = self.code
        path = self.folder / "deadlines.yaml"
        entries, changes = self._load_layered("deadlines.yaml", DEADLINE_SCHEMA, DEADLINE_AMEND_SCHEMA,
                                              optional=True)
        problems: list[Problem] = []
        grouped: dict[str, list[tuple[int, RuleVersion]]] = {}
        for i, d in enumerate(entries):
            if d is None:  # an amendment or withdrawal of a federal rule
                continue
            found = _version_problems(i, d)
            problems += found
            if found:
                continue
            version = RuleVersion(
                label=d["label"], count=d["count"], unit=d["unit"], cite=d["cite"], note=d["note"],
                last_reviewed=d["last_reviewed"], trigger=d.get("trigger"), trigger_rule=d.get("trigger_rule"),
                direction=d.get("direction", "after"), trigger_is_day_one=d.get("trigger_is_day_one", False),
                roll_forward=d.get("roll_forward", False), holidays_count=d.get("holidays_count", False),
                effective_from=d.get("effective_from"), effective_until=d.get("effective_until"),
                verified=d.get("verified", True), **_school_year_options(d))
            grouped.setdefault(d["id"], []).append((i, version))
        for rid, versions in grouped.items():
            for n, (i, v) in enumerate(versions):
                first = versions[0][1]
                if (v.trigger, v.trigger_rule) != (first.trigger, first.trigger_rule):
                    problems.append(Problem(f"[{i}].trigger", f"differs from the first version of {rid}; "
                                            "every version of a rule starts from the same trigger"))
                for j, w in versions[:n]:
                    if _overlap(v, w):
                        problems.append(Problem(f"[{i}].effective_from", f"overlaps the version of {rid} "
                                                f"at [{j}]; expected effective dates that do not overlap"))
        rules = {rid: DeadlineRule(id=rid, state=code, versions=tuple(v for _, v in vs))
                 for rid, vs in grouped.items()}
        if not problems:  # chains and loops, checked on the rules merged with the federal layer
            problems = self._layer_problems("deadline_rules", rules, changes)
        if problems:
            raise InputError(str(path), problems)
        return [*rules.values(), *changes]


# -- layers: amending or withdrawing a federal item (see iepkit.layers) -----------

def _amend_schema(full: s.Record, keys: tuple[str, ...], **extra: s.Field) -> s.Record:
    """An entry that changes only some fields of the federal item with its id."""
    fields: dict[str, s.Field] = {"id": s.Id(label="the id of the federal item it changes", required=True),
                                  "amends": s.Choice(label="what it changes", required=True, choices=(FEDERAL,))}
    for key in keys:
        fields[key] = replace(full.fields[key], required=False)
    fields.update(extra)
    return s.Record(fields=fields)


#: `- {id: ..., amends: federal, verified: no, note: ...}` in deadlines.yaml: the fields
#: given replace the federal rule's in every version. To change its trigger or dates,
#: write the whole rule instead (an override).
DEADLINE_AMEND_SCHEMA = _amend_schema(
    DEADLINE_SCHEMA.item, ("label", "count", "unit", "direction", "trigger_is_day_one", "roll_forward",
                           "holidays_count", "cite", "verified", "last_reviewed", "note"))

#: In processes.yaml: the fields given replace the federal process's; `facts` are
#: merged row by row, so a state writes only the rows it words differently.
PROCESS_AMEND_SCHEMA = _amend_schema(
    PROCESS_SCHEMA.item, ("name", "summary", "letter", "steps", "deadline_rules", "send_to"),
    facts=s.Record(label="the rows it words differently", fields={k: _statement(False) for k in COMPARISON_FIELDS}))

#: In letters.yaml, for a federal letter with a template: the state changes its
#: title, summary or review date; its `elements` are merged with the federal ones
#: by id (an extra element with its citation, or a federal one in the state's
#: words) and its `notes` follow the federal notes. A `template` of its own (in
#: its folder) may extend the federal one, `{% extends "federal/letters/ID.html" %}`,
#: and refill a block, to add a sentence its own rule needs. To replace the letter
#: and its notes, write the whole letter (an override).
LETTER_AMEND_SCHEMA = _amend_schema(LETTER_SCHEMA.item, ("title", "summary", "last_reviewed", "template",
                                                         "elements", "notes"))


def _to_elements(raw: list[dict[str, Any]]) -> tuple[LetterElement, ...]:
    return tuple(LetterElement(id=e["id"], label=e["label"], cite=e["cite"], fields=tuple(e.get("fields", ())),
                               phrase=e.get("phrase"), verified=e.get("verified", True), when=e.get("when"))
                 for e in raw)


#: `- {id: ..., withdraw: "why it does not apply", cite: [...]}`: the federal item is dropped.
WITHDRAW_SCHEMA = s.Record(fields={
    "id": s.Id(label="the id of the federal item that does not apply", required=True),
    "withdraw": s.Text(label="why it does not apply in this state", required=True),
    "cite": CiteField(label="the state's rule that replaces or excludes it"),
})


@dataclass
class _LayeredEntry(s.Field):
    """One entry of a layered list: a full item, an amendment (``amends``) or a withdrawal (``withdraw``)."""

    full: s.Field = field(default_factory=s.Field)
    amend: s.Field = field(default_factory=s.Field)

    def check(self, value, path, problems):
        if isinstance(value, dict) and "withdraw" in value:
            checked = WITHDRAW_SCHEMA.check(value, path, problems)
            return ("withdraw", checked) if checked else None
        if isinstance(value, dict) and "amends" in value:
            checked = self.amend.check(value, path, problems)
            return ("amend", checked) if checked else None
        return self.full.check(value, path, problems)


def _layer_change(entry: tuple[str, dict[str, Any]], code: str, source: str) -> Amendment | Withdrawal:
    how, d = entry
    if how == "withdraw":
        return Withdrawal(id=d["id"], state=code, reason=d["withdraw"], cite=d.get("cite", ()), source=source)
    changes = {k: v for k, v in d.items() if k not in ("id", "amends")}
    if "facts" in changes:
        changes["facts"] = {k: _to_statement(v) for k, v in changes["facts"].items()}
    if "steps" in changes:
        changes["steps"] = tuple(_to_statement(x) for x in changes["steps"])
    if "deadline_rules" in changes:
        changes["deadline_rules"] = tuple(changes["deadline_rules"])
    return Amendment(id=d["id"], state=code, changes=changes, source=source)
