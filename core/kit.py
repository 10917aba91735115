"""The Dispute Letter Starter Kit: one printable document from a state's content.

The state supplies the words (guides, processes, letters, contacts); this
module gathers them, adds the family's details, recommendation and deadlines
when a case is given, and renders the shared ``kit.html`` layout. The same
HTML is the screen version (``--format html``) and the source of the PDF.

A filled kit starts from the family's situation: their deadlines of every kind
(overdue first), then the recommended process with its action plan and
worksheet, then the other processes. Which guide belongs to which process is
data (a guide's ``process``), so the order follows the recommendation in any
state.
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
from .model import COMPARISON_FIELDS, Contact, Guide, LetterTemplate, Process, State
from .recommend import Recommendation
from .render.html import page, shared_environment

#: The guide the "Which tool fits your problem" part prints, if the state has one
#: (otherwise the part is the comparison table with a few words from the core).
#: Guides that name a ``process`` go in that process's part, checklists in the
#: Checklists part, and any other guide right after "Which tool fits".
WHICH_TOOL_GUIDE = "which-tool"
#: The formal processes compared side by side, in this order, when the state has
#: them (the federal layer gives every state all three).
COMPARED = ("mediation", "state-complaint", "due-process")
#: The core default for a process without ``send_to``: these go to the state
#: agency's mailing address (34 CFR 300.151(a)(1) for a state complaint; the
#: state's mediation request). A state whose offices differ names a contact per
#: process (``send_to`` in processes.yaml).
SENT_TO_AGENCY = ("mediation", "state-complaint")
#: Rows of the communication log: on the page with its heading, and on each
#: page after. Rows are tall enough to write in; the counts fill a US Letter page.
LOG_FIRST_ROWS = 12
LOG_ROWS = 14


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
class ProcessPart:
    """One process's part of the kit: what it is, its action plan, worksheets and scripts."""

    process: Process
    plan: ActionPlan
    guides: list[Guide] = field(default_factory=list)
    worksheets: list[Guide] = field(default_factory=list)
    scripts: list[Guide] = field(default_factory=list)
    letters: list[LetterTemplate] = field(default_factory=list)
    recommended: bool = False
    send_to_agency: bool = False
    #: The contact that receives this process's request (the process's ``send_to``).
    send_to: Contact | None = None

    @property
    def anchor(self) -> str:
        return f"path-{self.process.id}"

    @property
    def contents(self) -> list[tuple[str, str]]:
        """The part's entries for the contents page: (anchor, title)."""
        items = [(g.id, g.title) for g in self.guides]
        items.append((f"plan-{self.process.id}", f"Action plan: {self.process.name}"))
        items += [(g.id, g.title) for g in self.worksheets + self.scripts]
        return items


@dataclass
class SituationItem:
    """One of the family's deadlines, in plain words for the kit's first part."""

    label: str
    rule_text: str
    citations: str
    verified: bool
    due: _dt.date | None
    days_left: int | None
    started: _dt.date
    #: Why there is no date, in plain words (the engine's own text names rule ids).
    no_date: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


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
        start = start.split(". ")[0].removeprefix("the day ")
        return f"{v.count} {unit} {v.direction} the day {start}"
    base = rules.get(v.trigger_rule)
    return f"{v.count} {unit} {v.direction} the date of \"{base.label if base else v.trigger_rule}\""


_NO_DATE = {
    "needs-school-calendar": "This deadline counts school days. Add your child's school calendar to your "
                             "case file to see its date.",
    "not-in-force": "The rule we know did not apply yet on the day this started. Ask the school in writing "
                    "which rule it used then.",
    "other": "Its date could not be worked out from your case file.",
}


def situation(inputs: KitInputs) -> list[SituationItem]:
    """Every deadline the case's events start, of every kind: overdue first (oldest first),
    then the coming ones by date, then any the engine could not date."""
    items = []
    for d in inputs.deadlines.values():
        rule = inputs.rules.get(d.rule)
        items.append(SituationItem(
            label=d.label, rule_text=_rule_text(rule, inputs.rules) if rule is not None else "",
            citations="; ".join(d.citations), verified=d.verified, due=d.due, days_left=d.days_left,
            started=d.trigger_date, no_date=_NO_DATE.get(d.status, _NO_DATE["other"]) if d.due is None else ""))

    def order(item: SituationItem) -> tuple[int, _dt.date]:
        if item.due is None:
            return (2, item.started)
        return (0 if item.overdue else 1, item.due)
    return sorted(items, key=order)


def action_plan(process: Process, inputs: KitInputs) -> ActionPlan:
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
    return plan


def action_plans(inputs: KitInputs) -> list[ActionPlan]:
    """An action plan for each process, in the kit's order."""
    return [part.plan for part in process_parts(inputs)]


def _process_order(inputs: KitInputs) -> list[str]:
    """The recommendation's ranking when there is one; otherwise the three formal
    processes, then the state's others in the order it registered them."""
    ids = list(inputs.processes)
    order = [p for p in COMPARED if p in ids] + [p for p in ids if p not in COMPARED]
    if inputs.recommendation is not None:
        ranked = [r.process for r in inputs.recommendation.ranked if r.process in inputs.processes]
        order = ranked + [p for p in order if p not in ranked]
    return order


def process_parts(inputs: KitInputs) -> list[ProcessPart]:
    """One part per process, the recommended one first, each with the guides that name it."""
    unknown = [g for g in inputs.guides.values() if g.process and g.process not in inputs.processes]
    if unknown:
        g = unknown[0]
        raise IepkitError(f"the {inputs.state.name} plugin's guide '{g.id}' names process '{g.process}', "
                          f"which it does not register")
    contacts = {c.id: c for c in inputs.state.contacts}
    for p in inputs.processes.values():
        if p.send_to and p.send_to not in contacts:
            raise IepkitError(f"the {inputs.state.name} plugin's process '{p.id}' has send_to '{p.send_to}', "
                              f"which is not one of its contacts ({', '.join(sorted(contacts))})")
    top = None
    if inputs.recommendation is not None:
        top = next((r.process for r in inputs.recommendation.ranked if r.available), None)
    parts = []
    for pid in _process_order(inputs):
        process = inputs.processes[pid]
        mine = [g for g in inputs.guides.values() if g.process == pid and g.kind != "checklist"]
        parts.append(ProcessPart(
            process=process, plan=action_plan(process, inputs),
            guides=[g for g in mine if g.kind == "guide"],
            worksheets=[g for g in mine if g.kind == "worksheet"],
            scripts=[g for g in mine if g.kind == "script"],
            letters=[lt for lt in inputs.letters if lt.process == pid],
            recommended=pid == top, send_to=contacts.get(process.send_to or ""),
            send_to_agency=not process.send_to and pid in SENT_TO_AGENCY))
    return parts


def render_kit_html(inputs: KitInputs, *, today: _dt.date | None = None, log_pages: int = 2) -> str:
    """The whole kit as one self-contained HTML page."""
    today = today or _dt.date.today()
    case = inputs.case
    parts = process_parts(inputs)
    # Letters follow the parts' order, so the recommended process's letter comes first.
    rank = {part.process.id: i for i, part in enumerate(parts)}
    ordered = sorted(inputs.letters, key=lambda lt: rank.get(lt.process or "", len(rank)))
    letters = []
    for letter in ordered:
        # In the kit a letter is a form, or filled as far as the case goes: never an error.
        rendered = render_letter(letter, inputs.state, case, blanks=True, today=today, notes=False)
        letters.append({"letter": letter, "body": Markup(rendered.body)})
    general = [g for g in inputs.guides.values()
               if g.process is None and g.kind != "checklist" and g.id != WHICH_TOOL_GUIDE]
    checklists = [g for g in inputs.guides.values() if g.kind == "checklist"]

    # A filled kit starts from the family's situation: their deadlines, the
    # ranking, then each process's part in ranked order. Without a ranking the
    # parent first reads which tool fits; with one, that comparison follows the parts.
    which_tool = [("which-tool", "Which tool fits your problem", [(g.id, g.title) for g in general])]
    recommendation = inputs.recommendation
    contents: list[tuple[str, str, list[tuple[str, str]]]] = []
    if case is not None:
        contents.append(("your-deadlines", "Your deadlines", []))
    if recommendation is not None:
        contents.append(("your-recommendation", "The best fit for your answers", []))
    else:
        contents += which_tool
    contents += [(part.anchor, part.process.name, part.contents) for part in parts]
    if recommendation is not None:
        contents += which_tool
    if checklists:  # a part only when the state has checklists
        contents.append(("checklists", "Checklists", [(g.id, g.title) for g in checklists]))
    contents += [("letters", "Letters", []), ("communication-log", "Communication log", []),
                 ("get-help", "Where to get help", [])]

    env = add_filters(shared_environment().overlay())
    body = env.get_template("kit.html").render(
        state=inputs.state, agency=inputs.state.agency, filled=case is not None,
        student_name=(case.get("student.name") if case else None) or "your child",
        today=today, contents=contents, guides=inputs.guides, processes=inputs.processes,
        which_tool=inputs.guides.get(WHICH_TOOL_GUIDE), general_guides=general,
        compared=[pid for pid in COMPARED if pid in inputs.processes], comparison_fields=COMPARISON_FIELDS,
        recommendation=inputs.recommendation, recommend_missing=inputs.recommendation is None,
        situation=situation(inputs) if case is not None else [], parts=parts, letters=letters,
        checklists=checklists, contacts=inputs.state.contacts,
        log_pages=log_pages, log_first_rows=LOG_FIRST_ROWS, log_rows=LOG_ROWS,
        fill=case.get if case is not None else (lambda path: None), blank=blank,
    )
    return page(f"{inputs.state.name} Dispute Letter Starter Kit", body, stylesheets=("print.css", "kit.css"))
