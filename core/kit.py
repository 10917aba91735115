"""The Dispute Letter Starter Kit: one printable document from a state's content.

The state supplies the words (guides, processes, letters, contacts); this
module gathers them, adds the family's details, recommendation and deadlines
when a case is given, and renders the shared ``kit.html`` layout. The same
HTML is the screen version (``--format html``) and the source of the PDF.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .case import Case
from .events import EVENT_TYPES
from .errors import IepkitError
from .letters import add_filters, blank, render_letter
from .model import COMPARISON_FIELDS, Guide, LetterTemplate, Process, State
from .recommend import Recommendation
from .render.html import page, shared_environment

#: The kit's parts, in order: (anchor id, title). The readability test and the
#: contents page both use this list.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("how-mediation-works", "How mediation works"),
    ("request-mediation", "How to ask for mediation"),
    ("which-tool", "Which tool fits your problem"),
    ("at-the-session", "What happens at the session"),
    ("preparation-worksheet", "Preparation worksheet"),
    ("action-plans", "Action plans"),
    ("scripts", "What to say"),
    ("letters", "Letters"),
    ("communication-log", "Communication log"),
    ("checklists", "Checklists"),
    ("get-help", "Where to get help"),
)

#: Guides the layout needs by id; a state plugin must register each.
REQUIRED_GUIDES = ("how-mediation-works", "which-tool", "at-the-session", "preparation-worksheet", "scripts")
#: The three formal processes compared side by side.
COMPARED = ("mediation", "state-complaint", "due-process")


@dataclass
class PlanDeadline:
    label: str
    rule_text: str
    citations: str
    verified: bool
    due: _dt.date | None = None
    days_left: int | None = None


@dataclass
class ActionPlan:
    process: Process
    deadlines: list[PlanDeadline] = field(default_factory=list)


@dataclass
class KitInputs:
    """Everything the kit shows, gathered by the API from the registry."""

    state: State
    guides: dict[str, Guide]
    processes: dict[str, Process]
    letters: list[LetterTemplate]
    rules: dict[str, Any]
    case: Case | None = None
    recommendation: Recommendation | None = None
    deadlines: dict[str, Any] = field(default_factory=dict)  # rule id -> Deadline, from the engine


def _rule_text(rule: Any, rules: dict[str, Any]) -> str:
    v = rule.current
    unit = {"calendar-days": "days", "business-days": "business days", "school-days": "school days",
            "months": "months", "years": "years"}[v.unit]
    if v.count == 1:
        unit = unit.rstrip("s")
    if v.trigger:
        # The event vocabulary is worded for filling in a case; keep its first clause.
        start = EVENT_TYPES.get(v.trigger, v.trigger.replace("-", " ")).split(";")[0].split(" (")[0]
        start = start.removeprefix("the day ")
        return f"{v.count} {unit} {v.direction} the day {start}"
    base = rules.get(v.trigger_rule)
    return f"{v.count} {unit} {v.direction} the date of \"{base.label if base else v.trigger_rule}\""


def action_plans(inputs: KitInputs) -> list[ActionPlan]:
    plans = []
    for pid in COMPARED:
        process = inputs.processes.get(pid)
        if process is None:
            continue
        plan = ActionPlan(process=process)
        for rid in process.deadline_rules:
            rule = inputs.rules.get(rid)
            if rule is None:
                continue
            found = inputs.deadlines.get(rid)
            plan.deadlines.append(PlanDeadline(
                label=rule.label, rule_text=_rule_text(rule, inputs.rules), citations=rule.current.citations,
                verified=rule.current.verified,
                due=found.due if found else None, days_left=found.days_left if found else None))
        plans.append(plan)
    return plans


def render_kit_html(inputs: KitInputs, *, today: _dt.date | None = None, log_pages: int = 2) -> str:
    """The whole kit as one self-contained HTML page."""
    missing = [g for g in REQUIRED_GUIDES if g not in inputs.guides]
    if missing:
        raise IepkitError(f"the {inputs.state.name} plugin has no guide(s) {', '.join(missing)}, "
                          "which the Starter Kit needs")
    for pid in COMPARED:
        if pid not in inputs.processes:
            raise IepkitError(f"the {inputs.state.name} plugin has no '{pid}' process, which the kit compares")
    today = today or _dt.date.today()
    case = inputs.case
    letters = []
    for letter in inputs.letters:
        # In the kit a letter is a form, or filled as far as the case goes: never an error.
        rendered = render_letter(letter, inputs.state, case, blanks=True, today=today, notes=False)
        letters.append({"letter": letter, "body": Markup(rendered.body)})
    env = add_filters(shared_environment().overlay())
    body = env.get_template("kit.html").render(
        state=inputs.state, agency=inputs.state.agency, filled=case is not None,
        student_name=(case.get("student.name") if case else None) or "your child",
        today=today, sections=SECTIONS, guides=inputs.guides, processes=inputs.processes,
        compared=COMPARED, comparison_fields=COMPARISON_FIELDS,
        recommendation=inputs.recommendation, recommend_missing=inputs.recommendation is None,
        action_plans=action_plans(inputs), letters=letters,
        checklists=[g for g in inputs.guides.values() if g.kind == "checklist"],
        contacts=inputs.state.contacts, log_pages=log_pages, log_rows=12,
        fill=case.get if case is not None else (lambda path: None), blank=blank,
    )
    return page(f"{inputs.state.name} Dispute Letter Starter Kit", body, stylesheets=("print.css", "kit.css"))

