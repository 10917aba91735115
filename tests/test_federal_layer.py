"""The federal layer: a built-in plugin every state inherits, overrides, amends, adds to or withdraws from.

Tested on a fictional state (Testland, ZZ) registered in-process, and on
Mississippi, whose merged rules must equal what its own file said before the
federal layer existed (tests/data/ms-deadline-rules-before-federal-layer.json,
dumped from the code before the change).
"""
from __future__ import annotations

import json
from datetime import date
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import iepkit_mississippi
from iepkit import api, hookimpl
from iepkit.cli import cli as iepkit_cli
from iepkit.federal import DATA as FEDERAL_DATA
from iepkit.layers import LayerError, merge
from iepkit.model import FEDERAL, Citation, LetterElement, LetterTemplate
from iepkit.statedata import StateFolder

DATA = Path(__file__).parent / "data"
FEDERAL_RULES = {r.id: r for r in FEDERAL_DATA.deadline_rules}

DEADLINES = """
- id: state-complaint-limit          # override: Testland's own rule and citation
  label: Last day the Testland agency can receive your complaint
  trigger: violation-occurred
  count: 2
  unit: years
  cite: ["Testland Code 1-2-3"]
  last_reviewed: 2026-11-29
  note: Testland gives two years.
- id: due-process-limit              # amendment: the federal rule, unconfirmed for Testland
  amends: federal
  verified: false
  note: We could not confirm whether Testland has its own limit.
- id: records-access                 # amendment that changes the count: a shorter time
  amends: federal
  count: 30
  cite: ["34 CFR 300.613(a)", "Testland Code 5-5-5"]
- id: ocr-complaint-limit            # withdrawal, with the reason
  withdraw: Testland's families file discrimination complaints with the Testland rights office.
  cite: ["Testland Code 9-9-9"]
- id: local-review                   # addition, chained to a federal rule
  label: Testland review after the resolution period
  trigger_rule: resolution-period-end
  count: 10
  unit: calendar-days
  cite: ["Testland Code 4-5-6"]
  last_reviewed: 2026-11-29
  note: Testland adds a review.
"""


def _folder(tmp_path: Path, deadlines: str = DEADLINES, processes: str | None = None) -> Path:
    folder = tmp_path / "testland"
    folder.mkdir()
    state = yaml.safe_load((Path(iepkit_mississippi.__file__).parent / "state.yaml").read_text("utf-8"))
    state.update(code="ZZ", name="Testland")
    (folder / "state.yaml").write_text(yaml.safe_dump(state, sort_keys=False), "utf-8")
    (folder / "deadlines.yaml").write_text(deadlines, "utf-8")
    (folder / "calendar.yaml").write_text("subdivision: DC\n", "utf-8")  # holidays has no ZZ
    if processes is not None:
        (folder / "processes.yaml").write_text(processes, "utf-8")
    return folder


def _plugin(folder: Path, processes: bool = False, letters: bool = False) -> object:
    """Testland's folder as a plugin: its state and rules, and its processes or letters if asked."""
    data = StateFolder(folder)

    class Testland:
        @hookimpl
        def register_states(self, register):
            register(data.state)

        @hookimpl
        def register_deadline_rules(self, register):
            for rule in data.deadline_rules:
                register(rule)

        if processes:
            @hookimpl
            def register_processes(self, register):
                for process in data.processes:
                    register(process)

        if letters:
            @hookimpl
            def register_letters(self, register):
                for letter in data.letters:
                    register(letter)

    return Testland()


@pytest.fixture
def testland(tmp_path):
    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(_folder(tmp_path)))])
    assert "ZZ" in reg.states and not reg.host.warnings(), reg.host.warnings()
    api.set_registry(reg)
    return reg


def _rules(code: str = "ZZ") -> dict:
    return {r.id: r for r in api.deadline_rules(code)}


def _terms(rule) -> list:
    return [(v.count, v.unit, v.trigger, v.trigger_rule, v.direction, [c.ref for c in v.cite], v.verified)
            for v in rule.versions]


def test_the_federal_layer_has_only_federal_words():
    text = (Path(FEDERAL_DATA.folder) / "deadlines.yaml").read_text("utf-8")
    for word in ("Mississippi", "MDE", "Miss.", "IEP Committee", "MET", "Texas", "TEA", "ARD"):
        assert word not in text, word
    for rule in FEDERAL_RULES.values():
        assert rule.state == FEDERAL
        assert all(c.ref.startswith(("34 CFR", "20 U.S.C.", "28 CFR")) for v in rule.versions for c in v.cite)


def test_a_state_inherits_every_federal_rule_it_does_not_change(testland):
    rules = _rules()
    changed = {"state-complaint-limit", "due-process-limit", "ocr-complaint-limit", "records-access"}
    for rid, federal in FEDERAL_RULES.items():
        if rid in changed:
            continue
        assert rid in rules, rid
        assert _terms(rules[rid]) == _terms(federal), rid
        assert rules[rid].origin == FEDERAL and rules[rid].state == "ZZ" and not rules[rid].amended
        assert rules[rid].origin_label == "Federal rule, used in Testland"


def test_an_override_is_the_states_rule_with_its_own_citation(testland):
    rule = _rules()["state-complaint-limit"]
    assert (rule.current.count, rule.current.unit, rule.current.citations) == (2, "years", "Testland Code 1-2-3")
    assert rule.origin == "ZZ" and not rule.amended
    # It keeps the federal rule's place in the list.
    assert list(_rules()).index("state-complaint-limit") == list(FEDERAL_RULES).index("state-complaint-limit")
    out = CliRunner().invoke(iepkit_cli, ["deadlines", "--state", "ZZ", "--explain", "state-complaint-limit"],
                             env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[1] == "Testland rule."
    assert "34 CFR 300.153" not in out.stdout


def test_an_amendment_changes_only_the_fields_it_gives(testland):
    rule = _rules()["due-process-limit"]
    federal = FEDERAL_RULES["due-process-limit"]
    assert federal.current.verified and not rule.current.verified
    assert rule.current.note == "We could not confirm whether Testland has its own limit."
    assert (rule.current.count, rule.current.unit, rule.current.cite) == (2, "years", federal.current.cite)
    assert rule.origin == "ZZ" and rule.amended
    out = CliRunner().invoke(iepkit_cli, ["deadlines", "--state", "ZZ", "--explain", "due-process-limit"],
                             env={"COLUMNS": "100"})
    first, second = out.stdout.splitlines()[:2]
    assert first.endswith("[Unverified]") and second == "Federal rule, not confirmed for Testland."
    # The federal layer itself is untouched.
    assert FEDERAL_DATA.deadline_rules[[r.id for r in FEDERAL_DATA.deadline_rules].index("due-process-limit")
                                       ].current.verified


def test_an_amendment_that_changes_the_count_says_the_state_changed_it(testland):
    rule = _rules()["records-access"]
    assert (rule.current.count, rule.current.trigger) == (30, "records-requested")
    assert rule.current.note == FEDERAL_RULES["records-access"].current.note
    assert rule.origin_label == "Federal rule, changed by Testland"
    api.set_registry(None)  # Mississippi rewords this rule only: still the federal rule in force
    assert _rules("MS")["records-access"].origin_label == "Federal rule, used in Mississippi"


def test_an_addition_comes_after_the_federal_rules_and_may_chain_to_one(testland):
    rules = _rules()
    assert list(rules)[-1] == "local-review" and rules["local-review"].origin == "ZZ"
    case = api.parse_case({"state": "ZZ", "events": [{"type": "due-process-complaint-received",
                                                      "date": "2026-11-02"}]})
    found = {d.rule: d for d in api.deadlines(case, today=date(2026, 11, 3)).deadlines}
    # 30 days after Mon 2026-11-02 is Wed 12-02 (resolution period); + 10 = Sat 12-12.
    assert found["resolution-period-end"].due.isoformat() == "2026-12-02"
    assert found["local-review"].due.isoformat() == "2026-12-12"
    assert found["local-review"].origin == "ZZ" and found["resolution-period-end"].origin == FEDERAL


def test_a_withdrawal_removes_the_rule_and_keeps_the_reason(testland):
    assert "ocr-complaint-limit" not in _rules()
    withdrawn = testland.withdrawn_for("ZZ")
    assert withdrawn["ocr-complaint-limit"].reason.startswith("Testland's families file")
    assert [c.ref for c in withdrawn["ocr-complaint-limit"].cite] == ["Testland Code 9-9-9"]
    out = CliRunner().invoke(iepkit_cli, ["deadlines", "--state", "ZZ"], env={"COLUMNS": "100"})
    assert "ocr-complaint-limit" not in out.stdout.split("do not apply")[0]
    flat = " ".join(out.stdout.split())
    assert "Federal rules that do not apply in Testland" in flat
    assert "Testland's families file discrimination complaints" in flat
    bad = CliRunner().invoke(iepkit_cli, ["deadlines", "--state", "ZZ", "--explain", "ocr-complaint-limit"])
    assert bad.exit_code == 2 and "does not apply in Testland" in bad.stderr


def test_json_says_where_each_rule_comes_from(testland):
    out = CliRunner().invoke(iepkit_cli, ["deadlines", "--state", "ZZ", "--json"])
    data = {r["rule"]: r for r in json.loads(out.stdout)}
    assert data["reevaluation"]["origin"] == FEDERAL
    assert data["state-complaint-limit"]["origin"] == "ZZ"
    assert data["due-process-limit"]["origin_label"] == "Federal rule, not confirmed for Testland"


@pytest.mark.parametrize("entry, what", [
    ("- id: due-process-limt\n  amends: federal\n  verified: false\n", "amends the federal deadline rule"),
    ("- id: ocr-limit\n  withdraw: Not here.\n", "withdraws the federal deadline rule"),
])
def test_changing_a_federal_rule_that_does_not_exist_is_a_load_error(tmp_path, entry, what):
    folder = _folder(tmp_path, DEADLINES + entry)
    bad_id = entry.split("id: ")[1].split("\n")[0]
    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(folder))])
    error = reg.host.infos["testland"].error
    assert error and str(folder / "deadlines.yaml") in error and f"'{bad_id}'" in error and what in error
    assert "[5]" in error and "ZZ" not in reg.states


def test_a_hand_built_amendment_of_a_missing_rule_is_refused_by_the_registry(tmp_path):
    from iepkit.model import Amendment

    data = StateFolder(_folder(tmp_path))

    class Direct:
        @hookimpl
        def register_states(self, register):
            register(data.state)

        @hookimpl
        def register_deadline_rules(self, register):
            register(Amendment(id="no-such-rule", state="ZZ", changes={"verified": False}, source="direct.py"))

    reg = api.load_registry(only=[], extra_plugins=[("direct", Direct())])
    error = reg.host.infos["direct"].error
    assert "direct.py" in error and "'no-such-rule'" in error and "ZZ" not in reg.states


def test_a_state_may_not_change_a_federal_rule_twice(tmp_path):
    twice = DEADLINES + "- id: state-complaint-limit\n  withdraw: Not here.\n"
    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(_folder(tmp_path, twice)))])
    assert "more than once" in reg.host.infos["testland"].error


def test_withdrawing_a_rule_another_rule_counts_from_is_a_load_error(tmp_path):
    folder = _folder(tmp_path, DEADLINES + "- id: resolution-period-end\n  withdraw: Not here.\n")
    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(folder))])
    error = reg.host.infos["testland"].error
    assert "hearing-decision.trigger_rule" in error and str(folder / "deadlines.yaml") in error


def test_only_the_built_in_plugin_provides_federal_content():
    from dataclasses import replace

    class Sneaky:
        @hookimpl
        def register_deadline_rules(self, register):
            register(replace(FEDERAL_RULES["records-access"], id="records-fast"))

    reg = api.load_registry(only=["mississippi"], extra_plugins=[("sneaky", Sneaky())])
    assert "only the built-in 'federal' plugin" in reg.host.infos["sneaky"].error
    assert "MS" in reg.states


def test_the_federal_layer_is_not_a_state_and_is_always_loaded():
    reg = api.load_registry(only=["mississippi"])
    assert "federal" in reg.host.infos and not reg.host.infos["federal"].error
    assert [s.code for s in reg.sorted_states()] == ["MS"]
    api.set_registry(reg)
    out = CliRunner().invoke(iepkit_cli, ["states", "--json"])
    assert [s["code"] for s in json.loads(out.stdout)] == ["MS"]
    text = CliRunner().invoke(iepkit_cli, ["states"]).stdout
    assert "federal" not in text.lower()
    # Loaded even when IEPKIT_LOAD_PLUGINS names no plugin: a state without it is incomplete.
    assert "federal" in api.load_registry(only=[]).host.infos


#: Federal rules added after the federal layer landed (checked by their own tests).
ADDED_SINCE = {"private-placement-notice"}


def test_mississippi_rules_are_what_they_were_before_the_federal_layer():
    before = json.loads((DATA / "ms-deadline-rules-before-federal-layer.json").read_text("utf-8"))
    # Federal rules written after the layer (#9) are additions, not changes to what Mississippi had.
    rules = [r for r in api.deadline_rules("MS") if r.id not in ADDED_SINCE]
    assert sorted(r.id for r in rules) == sorted(r["id"] for r in before)
    now = {r.id: r for r in rules}
    keys = ("label", "count", "unit", "trigger", "trigger_rule", "direction", "trigger_is_day_one",
            "roll_forward", "holidays_count", "citations", "verified")
    for old in before:
        rule = now[old["id"]]
        assert len(rule.versions) == len(old["versions"]), old["id"]
        for v, o in zip(rule.versions, old["versions"]):
            got = {"label": v.label, "count": v.count, "unit": v.unit, "trigger": v.trigger,
                   "trigger_rule": v.trigger_rule, "direction": v.direction,
                   "trigger_is_day_one": v.trigger_is_day_one, "roll_forward": v.roll_forward,
                   "holidays_count": v.holidays_count, "citations": [c.ref for c in v.cite],
                   "verified": v.verified}
            assert got == {k: o[k] for k in keys}, old["id"]
            assert (v.effective_from.isoformat() if v.effective_from else None) == o["effective_from"]


def test_mississippi_keeps_its_own_rules_and_inherits_the_rest():
    rules = _rules("MS")
    assert rules["met-meeting"].origin == "MS" and not rules["met-meeting"].amended
    assert rules["reevaluation"].origin == FEDERAL and rules["hearing-decision"].origin == FEDERAL
    # Domain facts G: the federal limits are kept but unconfirmed for Mississippi.
    for rid in ("due-process-limit", "civil-action-limit", "initial-evaluation"):
        assert rules[rid].amended and not rules[rid].current.verified, rid
        assert FEDERAL_RULES[rid].current.verified, rid


def test_mississippi_processes_are_what_they_were_before_the_federal_layer():
    before = json.loads((DATA / "ms-processes-before-federal-layer.json").read_text("utf-8"))

    def statement(s) -> dict:
        return {"text": s.text, "cite": [c.ref for c in s.cite], "verified": s.verified, "note": s.note}

    now = [{"id": p.id, "name": p.name, "summary": p.summary, "letter": p.letter,
            "deadline_rules": list(p.deadline_rules),
            "facts": {k: {**statement(s), "url": [c.url for c in s.cite]} for k, s in p.facts.items()},
            "steps": [statement(s) for s in p.steps]}
           for p in api.processes("MS")]
    assert now == before
    procs = {p.id: p for p in api.processes("MS")}
    assert procs["mediation"].amended and procs["iep-facilitation"].origin == "MS"
    assert not procs["iep-facilitation"].amended


PROCESSES = """
- id: mediation
  amends: federal
  facts:
    cost:
      text: Free for you. Testland pays for the mediator.
      cite: ["34 CFR 300.506(b)(4)", "Testland Code 2-2-2"]
- id: state-complaint
  withdraw: Testland hears complaints in another way.
- id: ombudsman
  name: Testland Ombudsman
  summary: A Testland office that helps families and schools talk.
  facts:
""" + "".join(f"""    {k}:
      text: Testland words.
      cite: ["Testland Code 3-3-3"]
""" for k in ("who_can_file", "cost", "who_decides", "result", "timeline", "confidentiality", "best_for",
               "not_for"))


def test_a_state_amends_a_federal_process_row_by_row(tmp_path):
    folder = _folder(tmp_path, processes=PROCESSES)
    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(folder, processes=True))])
    assert not reg.host.warnings(), reg.host.warnings()
    procs = {p.id: p for p in reg.processes_for("ZZ")}
    assert list(procs) == ["mediation", "due-process", "ombudsman"]
    federal = {p.id: p for p in FEDERAL_DATA.processes}["mediation"]
    med = procs["mediation"]
    assert med.facts["cost"].text == "Free for you. Testland pays for the mediator."
    assert med.facts["timeline"] == federal.facts["timeline"] and med.steps == federal.steps
    assert list(med.facts) == list(federal.facts)
    assert med.amended and med.origin == "ZZ" and procs["due-process"].origin == FEDERAL
    assert reg.withdrawn_for("ZZ", "processes")["state-complaint"].reason.startswith("Testland hears")


def test_a_bad_process_amendment_names_the_file_entry_and_field(tmp_path):
    bad = PROCESSES.replace("      cite: [\"34 CFR 300.506(b)(4)\", \"Testland Code 2-2-2\"]\n", "")
    folder = _folder(tmp_path, processes=bad)
    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(folder, processes=True))])
    error = reg.host.infos["testland"].error
    assert str(folder / "processes.yaml") in error and "[0].facts.cost.cite: is missing" in error


def test_letter_elements_are_inherited_from_the_federal_letter_by_id(tmp_path):
    def element(eid: str, cite: str) -> LetterElement:
        return LetterElement(id=eid, label=eid, cite=(Citation(cite),))

    federal = LetterTemplate(id="due-process-complaint", state=FEDERAL, title="Due process complaint",
                             summary="s", template="x.html", template_dir=tmp_path,
                             elements=(element("child-name", "34 CFR 300.508(b)(1)"),
                                       element("school", "34 CFR 300.508(b)(3)")))
    own = LetterTemplate(id="due-process-complaint", state="ZZ", title="Testland due process request",
                         summary="s", template="zz.html", template_dir=tmp_path,
                         elements=(element("school", "34 CFR 300.508(b)(3)"), element("copy", "Testland Code 7")))
    merged, _ = merge("letters", {federal.id: federal}, {own.id: own}, [], "ZZ", "Testland")
    letter = merged["due-process-complaint"]
    assert letter.title == "Testland due process request" and letter.origin == "ZZ"
    assert [(e.id, e.origin) for e in letter.elements] == [("child-name", FEDERAL), ("school", "ZZ"),
                                                         ("copy", "ZZ")]
    with pytest.raises(LayerError, match="'no-letter'"):
        from iepkit.model import Withdrawal
        merge("letters", {federal.id: federal}, {}, [Withdrawal("no-letter", "ZZ", "why")], "ZZ")


def test_the_notes_page_says_whose_rule_each_part_is_once_a_letter_inherits_parts():
    from dataclasses import replace

    # The mediation letter has no federal parts (federal law sets no content): no layers named.
    plain = api.render_letter("mediation-request", state="MS", fmt="txt")
    assert "federal rule:" not in plain and "Mississippi rule:" not in plain
    reg = api.load_registry()
    letter = reg.letters["MS"]["state-complaint"]
    first, second, *rest = letter.elements
    own = replace(second, origin="MS", amended=False, cite=(Citation("Miss. Code Ann. § 37-23-1"),))
    reg.letters["MS"]["state-complaint"] = replace(letter, elements=(replace(first, origin=FEDERAL), own, *rest))
    api.set_registry(reg)
    text = " ".join(api.render_letter("state-complaint", state="MS", fmt="txt").split())
    assert f"{first.label} (federal rule: {first.cite[0].ref})" in text
    assert f"{own.label} (Mississippi rule: Miss. Code Ann. § 37-23-1)" in text


def test_a_broken_federal_layer_drops_every_state_and_says_why(tmp_path, monkeypatch):
    import iepkit.federal

    (tmp_path / "deadlines.yaml").write_text(
        (Path(FEDERAL_DATA.folder) / "deadlines.yaml").read_text("utf-8").replace("count: 45", "count: soon", 1),
        "utf-8")
    monkeypatch.setattr(iepkit.federal, "DATA", StateFolder(tmp_path, code=FEDERAL))
    reg = api.load_registry(only=["mississippi"])
    error = reg.host.infos["federal"].error
    assert str(tmp_path / "deadlines.yaml") in error and ".count: expected a whole number" in error
    assert reg.states == {} and not reg.deadline_rules
