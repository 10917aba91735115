"""A fictional state ("Zedland", ZZ) registered in-process, for tests of state-free behaviour.

Not a test module. ``ZedlandPlugin(folder, ...)`` writes its one letter
template into ``folder`` and registers a small but complete state; keyword
arguments break it in one way each, so a test can show the conformance suite
catching exactly that.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from iepkit import hookimpl
from iepkit.model import (COMPARISON_FIELDS, Agency, Citation, Contact, DeadlineRule, Guide, GuideSection,
                          LetterElement, LetterTemplate, Process, RuleVersion, State, Statement)

CODE = "ZZ"
CITE = (Citation("34 CFR 300.506(b)"),)
REVIEWED = dt.date(2026, 11, 29)

LETTER = """{% extends "letter_base.html" %}
{% block recipient %}<p>{{ agency.name }}</p>{% endblock %}
{% block body %}
<p>I am the parent of {{ v("student.name") }}. I am asking the {{ agency.short_name }} to assign a mediator.
{{ extra }}</p>
{% endblock %}
"""


class ZedlandPlugin:
    """Registers state ZZ. ``letter_process``: the letter's process id; ``uncited_fact``: one
    process fact without a citation; ``letter_words``: words the letter prints; ``state_yaml``:
    load the state from this state.yaml text through the YAML loader instead; ``which_tool``:
    register the "which-tool" guide; ``send_to``: process id -> the contact that receives it."""

    def __init__(self, folder: Path, *, letter_process: str = "mediation", uncited_fact: bool = False,
                 letter_words: str = "", state_yaml: str | None = None, which_tool: bool = True,
                 send_to: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        (self.folder / "letters").mkdir(parents=True, exist_ok=True)
        (self.folder / "letters" / "mediation-request.html").write_text(
            LETTER.replace("{{ extra }}", letter_words), encoding="utf-8")
        self.letter_process = letter_process
        self.uncited_fact = uncited_fact
        self.state_yaml = state_yaml
        self.which_tool = which_tool
        self.send_to = send_to or {}

    def state(self) -> State:
        if self.state_yaml is not None:
            from iepkit.statedata import StateFolder

            (self.folder / "state.yaml").write_text(self.state_yaml, encoding="utf-8")
            return StateFolder(self.folder).state
        agency = Agency(name="Zedland Board of Schooling", short_name="ZBS", office="Bureau of Fair Hearings",
                        office_short="BFH", mailing_address=("Zedland Board of Schooling", "1 Example Way",
                                                             "Zed City, ZZ 00501"), cite=CITE)
        return State(code=CODE, name="Zedland", agency=agency, unverified_notice="Check it with the ZBS.",
                     contacts=(Contact(id="zbs", name="Zedland Board of Schooling", purpose="Questions.",
                                       website="https://example.org", cite=CITE),
                               Contact(id="hearings", name="ZBS Bureau of Fair Hearings", purpose="Hearings.",
                                       address=("2 Hearing Lane", "Zed City, ZZ 00502"),
                                       email="hearings@example.org", cite=CITE)),
                     terms={"iep_team": "Plan Circle"}, cite=CITE)

    @hookimpl
    def register_states(self, register):
        register(self.state())

    @hookimpl
    def register_processes(self, register):
        for pid, name in (("mediation", "Mediation"), ("state-complaint", "State complaint"),
                          ("due-process", "Due process")):
            facts = {key: Statement(f"{label} for {name}.", CITE) for key, label in COMPARISON_FIELDS.items()}
            if self.uncited_fact and pid == "mediation":
                facts["cost"] = Statement("It is free.", ())
            register(Process(id=pid, state=CODE, name=name, summary=f"{name} in Zedland.", facts=facts,
                             letter="mediation-request" if pid == "mediation" else None,
                             send_to=self.send_to.get(pid)))

    @hookimpl
    def register_letters(self, register):
        register(LetterTemplate(
            id="mediation-request", state=CODE, title="Request for mediation", summary="Ask for a mediator.",
            template="letters/mediation-request.html", template_dir=self.folder, process=self.letter_process,
            elements=(LetterElement(id="student", label="The student's name", cite=CITE,
                                    fields=("student.name",)),),
            last_reviewed=REVIEWED))

    @hookimpl
    def register_deadline_rules(self, register):
        register(DeadlineRule(id="records-access", state=CODE, versions=(RuleVersion(
            label="Records shown to you", count=45, unit="calendar-days", cite=(Citation("34 CFR 300.613(a)"),),
            note="The school shows you the records within 45 days.", last_reviewed=REVIEWED,
            trigger="records-requested"),)))

    @hookimpl
    def register_guides(self, register):
        if self.which_tool:
                register(Guide(id="which-tool", state=CODE, title="Which tool fits", intro="Pick one.",
                           sections=(GuideSection(paragraphs=("Talk first. Then ask for help.",)),)))
