"""Which process fits: rank a state's processes from a parent's answers.

The criteria are data in each state plugin (``recommend.yaml``); this module
only adds up the weights that match, applies filing limits from the deadline
engine, and explains every step in plain words. It never invents a limit: an
option is marked unavailable only when a registered deadline rule says the
time to file has passed.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable

from . import schema as s
from .case import ANSWERS_SCHEMA, Case
from .errors import InputError
from .model import Combination, Process, RecommendCriteria, Statement

#: The questions, in the order they are asked, with plain help text.
QUESTIONS: dict[str, str] = {
    "issues": "What is the disagreement about? (one or more)",
    "school_willing_to_talk": "Is the school still willing to talk with you about it?",
    "relationship": "How is your relationship with the school: working, strained or broken?",
    "bad_faith_evidence": "Do you have evidence the school is ignoring the rules on purpose, or a pattern of bad faith?",
    "want_formal_finding": "Do you want a written decision on the record about who is right?",
    "urgent": "Is this urgent for your child?",
    "violation_date": "When did the problem happen? (YYYY-MM-DD, the most recent date)",
    "known_date": "When did you first know, or should have known, about it? (YYYY-MM-DD)",
}

#: Why each question matters, shown before it is asked at the terminal.
HELP: dict[str, str] = {
    "issues": "Pick every kind of problem that applies. Different problems fit different tools.",
    "school_willing_to_talk": "Mediation only happens if the school agrees to it.",
    "relationship": "Working: you can still talk. Strained: talks are tense. Broken: you no longer trust each other.",
    "bad_faith_evidence": "For example, emails or records showing the school knew the rule and chose not to follow it.",
    "want_formal_finding": "A state complaint or a hearing gives a written decision. Mediation does not.",
    "urgent": "For example, your child is missing services or school right now.",
    "violation_date": "Used to check the one-year limit for a state complaint.",
    "known_date": "Used to check the time limit for a due process hearing.",
}

#: The dates filing limits count from, in plain words.
ANSWER_WORDS = {"violation_date": "the date the problem happened",
                "known_date": "the date you knew, or should have known, about the problem"}

#: Answers that may be left out: without them no filing limit is checked, and the result says so.
OPTIONAL = ("urgent", "violation_date", "known_date")



def parse_answers(data: Any, source: str = "answers") -> dict[str, Any]:
    """Validate answers; unknown keys or values are errors that list the valid ones."""
    if data is None:
        data = {}
    value, problems = s.check(ANSWERS_SCHEMA, data)
    if problems:
        raise InputError(source, problems)
    return value


def answers_from_case(case: Case) -> dict[str, Any]:
    """The answers a case file already gives: its issue types, its `answers` section and its dates."""
    out: dict[str, Any] = dict(case.get("answers") or {})
    if "issues" not in out and case.get("dispute.issue_types"):
        out["issues"] = list(case.get("dispute.issue_types"))
    for key, event in (("violation_date", "violation-occurred"), ("known_date", "violation-known")):
        dates = [e["date"] for e in case.events() if e.get("type") == event]
        if key not in out and dates:
            out[key] = max(dates)
    return out


def missing_answers(answers: dict[str, Any]) -> list[str]:
    return [k for k in QUESTIONS if k not in answers and k not in OPTIONAL]


def matches(when: dict[str, Any], answers: dict[str, Any]) -> bool:
    """Whether every condition in ``when`` holds for these answers."""
    for key, expected in when.items():
        if key == "issues_any":
            if not set(expected) & set(answers.get("issues", ())):
                return False
        elif key == "relationship":
            if answers.get("relationship") not in expected:
                return False
        elif answers.get(key) != expected:
            return False
    return True


#: (state code, rule id, trigger date) -> (last day to file, the rule's citations, its label)
LimitLookup = Callable[[str, str, _dt.date], tuple[_dt.date, str, str]]


@dataclass
class Ranked:
    """One option in the result, best first."""

    process: str
    name: str
    rank: int
    score: int
    available: bool
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    cannot_do: list[Statement] = field(default_factory=list)
    unavailable_reason: str | None = None
    filing_deadline: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "process": self.process, "name": self.name, "rank": self.rank, "score": self.score,
            "available": self.available, "unavailable_reason": self.unavailable_reason,
            "reasons": self.reasons, "cautions": self.cautions,
            "cannot_do": [{"text": c.text, "citations": [x.ref for x in c.cite], "verified": c.verified}
                          for c in self.cannot_do],
            "filing_deadline": self.filing_deadline,
        }


@dataclass
class Recommendation:
    ranked: list[Ranked]
    combinations: list[Combination]
    today: _dt.date
    answers: dict[str, Any]

    def as_list(self) -> list[dict[str, Any]]:
        """The ranked list, best first; each option lists the combinations it is part of."""
        out = []
        for r in self.ranked:
            item = r.as_dict()
            item["combinations"] = [
                {"processes": list(c.processes), "text": c.statement.text,
                 "citations": [x.ref for x in c.statement.cite], "verified": c.statement.verified}
                for c in self.combinations if r.process in c.processes]
            out.append(item)
        return out


def _fmt(d: _dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def recommend(criteria: RecommendCriteria, processes: list[Process], answers: dict[str, Any],
              today: _dt.date, limit: LimitLookup | None) -> Recommendation:
    """Rank the options. Time-barred ones go last, marked unavailable with the rule and its citation."""
    names = {p.id: p.name for p in processes}
    scored: list[tuple[int, Ranked]] = []
    for order, option in enumerate(criteria.options):
        if option.process not in names:
            continue
        r = Ranked(process=option.process, name=names[option.process], rank=0, score=option.base,
                   available=True, cannot_do=list(option.cannot_do))
        for w in option.weights:
            if matches(w.when, answers):
                r.score += w.score
                cited = f" ({'; '.join(c.ref for c in w.cite)})" if w.cite else ""
                if w.reason:
                    r.reasons.append(w.reason + cited)
                if w.caution:
                    r.cautions.append(w.caution + cited)
        fl = option.filing_limit
        if fl is not None and limit is not None:
            trigger = answers.get(fl.answer)
            if trigger is None:
                # Plain words only: parents read this in the kit, where a field name or a
                # rule id would mean nothing (issue #7 point 4).
                r.cautions.append(f"Check the time limit: it counts from {ANSWER_WORDS[fl.answer]}. "
                                  "Give that date to see whether this is still open to you.")
            else:
                due, cites, label = limit(criteria.state, fl.rule, trigger)
                r.filing_deadline = {"rule": fl.rule, "label": label, "due": due.isoformat(),
                                     "citations": cites, "days_left": (due - today).days}
                if today > due:
                    r.available = False
                    r.unavailable_reason = (f"Too late. {label}: it was {_fmt(due)} ({cites}).")
                else:
                    r.cautions.append(f"Time limit: {label} ({cites}). The last day is {_fmt(due)}.")
        scored.append((order, r))
    # Available first, then the highest score; ties keep the state's own order.
    scored.sort(key=lambda pair: (not pair[1].available, -pair[1].score, pair[0]))
    ranked = [r for _, r in scored]
    for i, r in enumerate(ranked, start=1):
        r.rank = i
    available = {r.process for r in ranked if r.available}
    combos = [c for c in criteria.combinations if set(c.processes) <= available]
    return Recommendation(ranked=ranked, combinations=combos, today=today, answers=answers)
