"""The records request: a whole letter written once in the federal layer (#9).

Every state without its own letter of the id gets it, in its own words (the
template takes local names from the state's terms). The regulations are
restated here by hand (not read from core/federal/letters.yaml), so a missing
or miscited part fails. Checked on Mississippi, Texas and a fictional state
(Testland, ZZ) that overrides it with its own template or extends it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from iepkit import api, hookimpl
from iepkit.errors import InputError
from iepkit.model import FEDERAL
from iepkit.statedata import StateFolder
from iepkit.testing import expected_text, normalise, pdf_text

from test_federal_layer import _folder, _plugin
from test_federal_letters import WHOLE_FEDERAL_LETTERS

ROOT = Path(__file__).resolve().parent.parent
# 34 CFR 300.613(a)-(b), 300.501(a), 300.617 and FERPA 34 CFR 99.10: what the request asks for.
CITES = ["34 CFR 300.613(a)", "34 CFR 300.613(b)(1)", "34 CFR 300.613(b)(2)", "34 CFR 300.613(b)(3)",
         "34 CFR 300.501(a)", "34 CFR 300.617", "34 CFR 99.10"]
# What the letter must say, in any state.
PHRASES = ["inspect and review", "identification, evaluation and educational placement", "45 days",
           "explain", "copies", "fee", "representative"]
CASES = {"MS": "examples/mississippi-case.yaml", "TX": "examples/texas-case.yaml"}
OWN_WORDS = {"MS": ("IEP Committee", "ARD"), "TX": ("ARD committee", "IEP Committee")}


@pytest.fixture(autouse=True)
def _installed_states():
    api.set_registry(api.load_registry())
    yield
    api.set_registry(api.load_registry())


def _text(state: str, case=None, notes: bool = True) -> str:
    kwargs = {"case": case} if case is not None else {"state": state}
    return pdf_text(api.render_letter("records-request", fmt="pdf", notes=notes, **kwargs))


@pytest.mark.parametrize("code", ["MS", "TX"])
def test_both_states_get_the_federal_letter_from_the_federal_folder(code):
    letter = api.registry().letter(code, "records-request")
    assert letter.origin == FEDERAL and letter.state == code
    assert letter.template_dir.name == "federal" and (letter.template_dir / letter.template).is_file()
    assert letter.summary and letter.process is None  # goes to the district, not a state process
    cites = {c.ref for e in letter.elements for c in e.cite}
    for ref in CITES:
        assert any(c == ref or c.startswith(ref + "(") for c in cites), f"{code}: no element cites {ref}"


@pytest.mark.parametrize("code", ["MS", "TX"])
def test_filled_and_blank_letters_hold_every_part_and_its_citation(code):
    case = api.load_case(ROOT / CASES[code])
    letter = api.registry().letter(code, "records-request")
    for label, kwargs in (("filled", {"case": case}), ("blank", {})):
        text = _text(code, **kwargs)
        body = text.split("Notes for you")[0]
        for phrase in PHRASES:
            assert normalise(phrase) in body, f"{code} {label}: {phrase!r} missing from the letter"
        for ref in CITES:
            assert ref in text, f"{code} {label}: {ref} missing from the notes page"
        if label == "filled":
            for element in letter.elements:
                for path in element.fields:
                    for piece in expected_text(case.get(path)):
                        assert piece in body, f"{code}: {element.id}: the value of {path} is missing"
            assert "Special Education Director" in body
    for fmt in ("html", "md", "txt"):
        for kwargs in ({"case": case}, {"state": code}):
            out = str(api.render_letter("records-request", fmt=fmt, **kwargs))
            assert "45 days" in out and "34 CFR 300.613(a)" in out, fmt
            for junk in ("None", "Undefined", "{{", "{%"):
                assert junk not in out, f"{code} {fmt}: the template printed {junk!r}"


@pytest.mark.parametrize("code", ["MS", "TX"])
def test_each_state_reads_its_own_words(code):
    own, other = OWN_WORDS[code]
    text = _text(code, api.load_case(ROOT / CASES[code]), notes=False)
    assert own in text and other not in text
    assert api.find_state("TX" if code == "MS" else "MS").name not in text


@pytest.mark.parametrize("code", ["MS", "TX"])
def test_the_notes_page_names_the_deadline_it_starts_in_plain_words(code):
    notes = _text(code).split("Notes for you")[1]
    assert "The deadline this letter starts" in notes
    assert "School lets you see your child's records" in notes  # the deadline's own label
    assert "you asked to see your child's education records" in notes  # the event, as the case lists it
    for internal in ("records-requested", "records-access", "starts_event"):
        assert internal not in notes
    # The letter goes to the district: the state agency's address plays no part in it.
    assert "mailing address of the" not in notes


def test_the_deadline_it_starts_is_45_days_in_both_states():
    for code in ("MS", "TX"):
        rules = [r for r in api.deadline_rules(code) if r.current.trigger == "records-requested"]
        assert [(r.current.count, r.current.unit) for r in rules] == [(45, "calendar-days")], code


def test_letters_without_a_starting_event_have_no_deadline_section():
    notes = _text("MS", notes=True).split("Notes for you")[1]
    assert "The deadline this letter starts" in notes
    other = pdf_text(api.render_letter("mediation-request", state="MS", fmt="pdf"))
    assert "The deadline this letter starts" not in other


# -- a fictional state that overrides the letter or extends it --------------------------

OVERRIDE = """
- id: records-request
  title: Testland records request
  template: letters/records-request.html
  last_reviewed: 2026-11-30
  summary: Testland's own records request.
  elements:
    - id: testland-form
      label: Uses the Testland records form
      phrase: Testland Form R-1
      cite: ["Testland Code 9-9-9"]
"""

OVERRIDE_TEMPLATE = """{% extends "letter_base.html" %}
{% block body %}
<p>Under Testland Form R-1, I ask to inspect and review the records of {{ v("student.name") }}.</p>
{% endblock %}
"""

EXTEND = """
- id: records-request
  amends: federal
  title: Records request (Testland)
  elements:
    - id: ten-days
      label: Asks for the records within 10 school days, as Testland requires
      phrase: 45 days
      cite: ["Testland Code 4-5-6"]
  notes:
    - text: Testland districts must answer within 10 school days.
      cite: ["Testland Code 4-5-6"]
"""


def _testland(tmp_path: Path, letters: str, template: str | None = None) -> object:
    folder = _folder(tmp_path)
    if template is not None:
        (folder / "letters").mkdir()
        (folder / "letters" / "records-request.html").write_text(template, "utf-8")
    (folder / "letters.yaml").write_text(letters, "utf-8")
    return _plugin(folder, letters=True)


def _use(plugin: object) -> None:
    reg = api.load_registry(only=[], extra_plugins=[("testland", plugin)])
    assert "ZZ" in reg.states and not reg.host.warnings(), reg.host.warnings()
    api.set_registry(reg)


def test_a_state_without_a_letters_file_gets_the_federal_letter(tmp_path):
    folder = _folder(tmp_path)
    data = StateFolder(folder)

    class Bare:
        @hookimpl
        def register_states(self, register):
            register(data.state)

    _use(Bare())
    assert [x.id for x in api.letters("ZZ")] == list(WHOLE_FEDERAL_LETTERS)
    assert "inspect and review" in _text("ZZ", notes=False)


def test_a_state_can_override_it_with_its_own_template(tmp_path):
    _use(_testland(tmp_path, OVERRIDE, OVERRIDE_TEMPLATE))
    letter = api.registry().letter("ZZ", "records-request")
    assert letter.origin == "ZZ" and letter.template_dir == tmp_path / "testland"
    text = _text("ZZ")
    assert "Under Testland Form R-1" in text and "Testland records request" in text
    assert "Testland Code 9-9-9" in text
    # The federal parts stay required of the state's letter (here unmet: conformance would fail it).
    ids = {e.id for e in letter.elements}
    assert {"inspect-records", "fees", "testland-form"} <= ids
    assert "A fee may not keep me" not in text


def test_a_state_can_extend_it_with_an_element_and_a_note(tmp_path):
    _use(_testland(tmp_path, EXTEND))
    letter = api.registry().letter("ZZ", "records-request")
    assert letter.amended and letter.title == "Records request (Testland)"
    assert letter.template_dir.name == "federal"  # still the federal template
    extra = next(e for e in letter.elements if e.id == "ten-days")
    assert extra.origin == "ZZ" and [c.ref for c in extra.cite] == ["Testland Code 4-5-6"]
    text = _text("ZZ")
    assert "A fee may not keep me" in text  # the federal letter's words
    assert "as Testland requires (Testland rule: Testland Code 4-5-6)" in normalise(text)
    assert "(federal rule: 34 CFR 300.613(b)(1))" in text
    notes = text.split("Notes for you")[1]
    assert notes.index("45 days after it gets your request") < notes.index("within 10 school days")


def test_an_amendment_naming_a_letter_the_federal_layer_lacks_is_refused(tmp_path):
    folder = _folder(tmp_path)
    (folder / "letters.yaml").write_text(EXTEND.replace("id: records-request", "id: no-such-letter"), "utf-8")
    with pytest.raises(InputError, match="no letter with that id"):
        StateFolder(folder).letters  # noqa: B018 - loading checks it


# -- the evaluation request: the second whole federal letter ------------------------------

# 34 CFR 300.301(a)-(b), 300.300(a)(1), 300.503(a), 300.504(a)(1): what the request asks for.
EVAL_CITES = ["34 CFR 300.301(b)", "34 CFR 300.300(a)(1)", "34 CFR 300.503(a)", "34 CFR 300.504(a)(1)",
              "34 CFR 300.301(c)(1)"]
EVAL_PHRASES = ["initial evaluation", "consent form", "written notice", "procedural safeguards"]
# Each state's own rule that starts when the district gets the request (hand-copied labels).
EVAL_STARTS = {"MS": "Evaluation team (MET) meets about your request",
               "TX": "School's answer to your written request for an evaluation (FIIE)"}
EVAL_WORDS = {"MS": ("Multidisciplinary Evaluation Team (MET)", "FIIE"),
              "TX": ("full individual and initial evaluation (FIIE)", "MET")}


@pytest.mark.parametrize("code", ["MS", "TX"])
def test_the_evaluation_request_holds_every_part_in_each_states_words(code):
    case = api.load_case(ROOT / CASES[code])
    letter = api.registry().letter(code, "evaluation-request")
    assert letter.origin == FEDERAL and letter.template_dir.name == "federal"
    for kwargs in ({"case": case}, {"state": code}):
        text = pdf_text(api.render_letter("evaluation-request", fmt="pdf", **kwargs))
        body, notes = text.split("Notes for you")[0], text.split("Notes for you")[1]
        for phrase in EVAL_PHRASES:
            assert phrase in body, f"{code}: {phrase!r} missing"
        for ref in EVAL_CITES:
            assert ref in notes, f"{code}: {ref} missing from the notes page"
        own, other = EVAL_WORDS[code]
        assert own in body and other not in body
        assert f"starts a deadline (“{EVAL_STARTS[code]}”)" in notes
        assert "you or the school asked for an initial evaluation" in notes
        assert "evaluation-requested" not in notes
    body = pdf_text(api.render_letter("evaluation-request", fmt="pdf", case=case, notes=False))
    for path in ("student.name", "student.school", "district.special_education_director", "district.name"):
        for piece in expected_text(case.get(path)):
            assert piece in body, f"{code}: {path} missing"
    for fmt in ("html", "md", "txt"):
        out = str(api.render_letter("evaluation-request", fmt=fmt, case=case))
        for junk in ("None", "Undefined", "{{", "{%"):
            assert junk not in out, f"{code} {fmt}: the template printed {junk!r}"
