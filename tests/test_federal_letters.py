"""The elements federal rules require in a dispute letter, written once in the federal layer.

The regulations are restated here by hand (not read from core/federal/letters.yaml),
so a missing or miscited federal element fails. Checked on Mississippi, Texas and a
fictional state (Testland, ZZ) whose letter leaves a federal element out.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from iepkit import api
from iepkit.federal import DATA as FEDERAL_DATA
from iepkit.layers import LayerError, merge
from iepkit.model import FEDERAL, Amendment, Withdrawal
from iepkit.testing import StateConformance, normalise

from test_federal_layer import _folder, _plugin

# 34 CFR 300.153(a)-(d): what a state complaint must hold.
STATE_COMPLAINT = ["34 CFR 300.153(b)(1)", "34 CFR 300.153(b)(2)", "34 CFR 300.153(b)(3)",
                   "34 CFR 300.153(b)(4)(i)", "34 CFR 300.153(b)(4)(ii)", "34 CFR 300.153(b)(4)(iii)",
                   "34 CFR 300.153(b)(4)(iv)", "34 CFR 300.153(b)(4)(v)", "34 CFR 300.153(c)",
                   "34 CFR 300.153(d)"]
# 34 CFR 300.508(a)-(b): what a due process complaint must hold and where it goes.
DUE_PROCESS = ["34 CFR 300.508(a)", "34 CFR 300.508(b)(1)", "34 CFR 300.508(b)(2)", "34 CFR 300.508(b)(3)",
               "34 CFR 300.508(b)(4)", "34 CFR 300.508(b)(5)", "34 CFR 300.508(b)(6)"]


#: The letters the federal layer writes whole (#9), restated by hand.
WHOLE_FEDERAL_LETTERS = ("records-request", "evaluation-request", "iee-request", "iep-meeting-request",
                         "pwn-request", "meeting-follow-up", "private-placement-notice")


@pytest.fixture(autouse=True)
def _installed_states():
    api.set_registry(api.load_registry())
    yield
    api.set_registry(api.load_registry())


def _by_cite(letter) -> dict[str, list]:
    out: dict[str, list] = {}
    for e in letter.elements:
        for c in e.cite:
            out.setdefault(c.ref, []).append(e)
    return out


def test_the_federal_layer_holds_each_required_element_once_with_no_state_words():
    letters = {x.id: x for x in FEDERAL_DATA.letters if x.elements_only}  # full letters: their own tests
    assert set(letters) == {"state-complaint", "due-process-complaint"}  # mediation: no federal content
    for letter_id, cites in (("state-complaint", STATE_COMPLAINT), ("due-process-complaint", DUE_PROCESS)):
        letter = letters[letter_id]
        assert letter.elements_only and letter.state == FEDERAL
        found = _by_cite(letter)
        for ref in cites:
            assert len(found.get(ref, [])) == 1, f"{letter_id}: {ref} should be one federal element"
        for e in letter.elements:
            assert e.phrase is None, f"{letter_id}/{e.id}: wording is the state's to give"
            assert all(c.ref.startswith("34 CFR") for c in e.cite), e.id
    homeless = [e for e in letters["state-complaint"].elements if "34 CFR 300.153(b)(4)(iii)" in
                [c.ref for c in e.cite]]
    assert homeless[0].when == "student.homeless"


@pytest.mark.parametrize("code", ["MS", "TX"])
@pytest.mark.parametrize("letter_id, cites", [("state-complaint", STATE_COMPLAINT),
                                              ("due-process-complaint", DUE_PROCESS)])
def test_each_state_letter_holds_every_federal_element_inherited_or_amended(code, letter_id, cites):
    letter = api.registry().letter(code, letter_id)
    found = _by_cite(letter)
    for ref in cites:
        assert ref in found, f"{code} {letter_id} lacks the element for {ref}"
        for e in found[ref]:
            assert e.origin == FEDERAL or e.amended, f"{code} {letter_id}/{e.id} ({ref}) is not the federal element"
    ids = [e.id for e in letter.elements]
    assert len(ids) == len(set(ids)), f"{code} {letter_id} repeats an element"


def test_a_state_amends_an_element_in_its_own_words_keeping_the_federal_citation():
    tx = {e.id: e for e in api.registry().letter("TX", "state-complaint").elements}
    ms = {e.id: e for e in api.registry().letter("MS", "state-complaint").elements}
    for element in (tx["violation"], ms["violation"]):
        assert element.amended and element.origin in ("MS", "TX")
        assert element.phrase == "violated requirements of Part B of the Individuals with Disabilities Education Act"
        assert element.fields == ("district.name",)  # from the federal element
    assert [c.ref for c in tx["violation"].cite] == ["34 CFR 300.153(b)(1)", "19 Tex. Admin. Code § 89.1195(b)(3)"]
    assert ms["school"].origin == FEDERAL and not ms["school"].amended  # inherited as is


def test_no_state_gets_a_letter_from_the_federal_layer_alone(tmp_path):
    reg = api.load_registry(only=[], extra_plugins=[("testland", _testland(tmp_path))])
    assert not reg.host.warnings(), reg.host.warnings()
    # No due process letter (elements-only: none made); the seven letters before a dispute are whole
    # federal letters, inherited.
    assert {x.id for x in reg.letters_for("ZZ")} == {"state-complaint", *WHOLE_FEDERAL_LETTERS}
    federal = {x.id: x for x in FEDERAL_DATA.letters}
    for change in (Amendment("due-process-complaint", "ZZ", {"title": "x"}),
                   Withdrawal("due-process-complaint", "ZZ", "why")):
        with pytest.raises(LayerError, match="holds only the elements"):
            merge("letters", federal, {}, [change], "ZZ", "Testland")


# -- a fictional state whose letter leaves out the proposed resolution ----------------------

LETTERS = """
- id: state-complaint
  title: Testland complaint
  template: letters/state-complaint.html
  last_reviewed: 2026-11-30
  summary: A complaint to the Testland agency.
  elements:
    - id: one-year
      label: Says the violation happened within the past year
      phrase: within the past year
      cite: ["Testland Code 1-2-3"]
    - id: agency
      label: Is addressed to the Testland agency
      phrase: To the Testland agency
      cite: ["Testland Code 3-3-3"]
"""

TEMPLATE = """{% extends "letter_base.html" %}
{% block body %}
<p>To the Testland agency:</p>
<p>I believe that {{ v("district.name") }} broke a special education rule.</p>
<p>Home address: {{ v("student.address") }}</p>
{% if raw("student.homeless") %}<p>How to reach my child: {{ v("student.homeless_contact") }}</p>{% endif %}
<p>{{ v("dispute.summary", size="long") }}</p>
<p>The violation happened within the past year.</p>
{% endblock %}
"""


def _testland(tmp_path: Path) -> object:
    folder = _folder(tmp_path)
    (folder / "letters").mkdir()
    (folder / "letters" / "state-complaint.html").write_text(TEMPLATE, "utf-8")
    (folder / "letters.yaml").write_text(LETTERS, "utf-8")
    return _plugin(folder, letters=True)


@pytest.fixture
def testland(tmp_path):
    reg = api.load_registry(only=[], extra_plugins=[("testland", _testland(tmp_path))])
    assert "ZZ" in reg.states and not reg.host.warnings(), reg.host.warnings()
    api.set_registry(reg)
    return reg


def test_a_letter_that_leaves_out_a_federal_element_still_lists_it_and_fails_conformance(testland):
    letter = api.registry().letter("ZZ", "state-complaint")
    resolution = next(e for e in letter.elements if "34 CFR 300.153(b)(4)(v)" in [c.ref for c in e.cite])
    assert resolution.origin == FEDERAL and resolution.fields == ("dispute.proposed_resolution",)
    notes = " ".join(api.render_letter("state-complaint", state="ZZ", fmt="txt").split())
    assert "Proposes a resolution, as far as the parent knows one (federal rule: 34 CFR 300.153(b)(4)(v))" in notes
    assert "Is addressed to the Testland agency (Testland rule: Testland Code 3-3-3)" in notes
    assert ("Says the violation happened within the past year "
            "(federal and Testland rule: 34 CFR 300.153(c); Testland Code 1-2-3)") in notes

    check = type("TestlandConformance", (StateConformance,), {"state": "ZZ"})()
    with pytest.raises(AssertionError) as failed:
        check.test_filled_letters_contain_every_required_element()
    assert "resolution: the value of dispute.proposed_resolution is missing" in str(failed.value)


def test_the_letter_passes_once_it_prints_the_federal_element(testland, tmp_path):
    folder = tmp_path / "testland"
    template = folder / "letters" / "state-complaint.html"
    template.write_text(TEMPLATE.replace("<p>The violation",
                                         '<p>{{ v("dispute.proposed_resolution", size="long") }}</p>\n'
                                         "<p>The violation"), "utf-8")
    check = type("TestlandConformance", (StateConformance,), {"state": "ZZ"})()
    check.test_filled_letters_contain_every_required_element()


# -- the notes page says whose rule each part is, in plain words ------------------------------

def test_the_notes_pages_say_federal_rule_or_the_states_rule_per_part():
    ms = normalise(api.render_letter("state-complaint", state="MS", fmt="txt"))
    assert "Gives the facts the complaint is based on (federal rule: 34 CFR 300.153(b)(2))" in ms
    assert ("States that the district violated a requirement of Part B of IDEA "
            "(federal rule: 34 CFR 300.153(b)(1))") in ms
    ms_dp = normalise(api.render_letter("due-process-complaint", state="MS", fmt="txt"))
    assert "Asks for an impartial due process hearing (federal and Mississippi rule: 34 CFR 300.507(a); Miss." in ms_dp
    tx = normalise(api.render_letter("state-complaint", state="TX", fmt="txt"))
    assert ("Is addressed to TEA's Office of Special Populations and Student Supports "
            "(Texas rule: 19 Tex. Admin. Code § 89.1195(c)") in tx
    assert ("Gives the facts the complaint is based on (federal and Texas rule: 34 CFR 300.153(b)(2); "
            "19 Tex. Admin. Code § 89.1195(b)(4))") in tx
    # A letter with no federal part (mediation: federal law sets no content) names no layers.
    for code in ("MS", "TX"):
        assert " rule: " not in normalise(api.render_letter("mediation-request", state=code, fmt="txt"))
