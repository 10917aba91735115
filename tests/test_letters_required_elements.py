"""Each Mississippi letter, checked against the rules written out here by hand.

These lists are independent of the plugin's letters.yaml, so a mistake in the
YAML cannot hide a missing element: they restate 34 CFR 300.153(b)-(d),
300.508(a)-(b), 300.518(a) and Mississippi's mediation request rules.
"""
from __future__ import annotations

import pytest

from iepkit import api
from iepkit.testing import normalise, pdf_text

# What the example case says, as it must appear in the letters.
STUDENT = "Jordan Avery Rivers"
ADDRESS = ["123 Cypress Lane", "Jackson, MS 39206"]
SCHOOL = "Magnolia Grove Elementary School"
DISTRICT = "Pine Hollow School District"
FACTS = "Since September 8, 2026, Jordan has received no speech therapy"
RESOLUTION = "720 minutes of compensatory therapy for the 12 weeks missed"
PARENT = "Dana Rivers"
PHONE = "(601) 555-0142"


@pytest.fixture(scope="module")
def letters_text():
    case = api.load_case("examples/mississippi-case.yaml")
    out = {}
    for kind in ("mediation-request", "state-complaint", "due-process-complaint"):
        out[kind] = {
            "pdf": pdf_text(api.render_letter(kind, case=case, fmt="pdf", notes=False)),
            "txt": normalise(api.render_letter(kind, case=case, fmt="txt", notes=False)),
        }
    return out


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_state_complaint_has_every_300_153_element(letters_text, fmt):
    text = letters_text["state-complaint"][fmt]
    # (b)(1) a statement that a public agency violated a requirement of Part B
    assert f"{DISTRICT} violated requirements of Part B of the Individuals with Disabilities Education Act" in text
    # (b)(2) the facts
    assert FACTS in text
    # (b)(3) signature and contact information
    assert "Signature:" in text and PARENT in text and PHONE in text and ADDRESS[0] in text
    # (b)(4)(i) child's name and residence address; (ii) school
    assert f"Name: {STUDENT}" in text
    assert f"Home address: {ADDRESS[0]} {ADDRESS[1]}" in text
    assert f"School: {SCHOOL}" in text
    # (b)(4)(iv) description of the problem including facts; (v) proposed resolution
    assert "The problem, and the facts" in text
    assert "How I would like it resolved" in text and RESOLUTION in text
    # 300.153(c): within one year; the example's violation date is printed
    assert "happened within the past year, on or about September 8, 2026" in text
    # 300.153(d): copy to the district at the same time
    assert f"Copy sent at the same time to: Dr. Morgan Hale, Special Education Director, {DISTRICT}" in text
    # Addressed to the MDE Office of Special Education
    assert "Attention: Office of Special Education" in text


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_due_process_complaint_has_every_300_508_element(letters_text, fmt):
    text = letters_text["due-process-complaint"][fmt]
    assert f"Name: {STUDENT}" in text                                   # (b)(1)
    assert f"Home address: {ADDRESS[0]} {ADDRESS[1]}" in text           # (b)(2)
    assert f"School: {SCHOOL}" in text                                  # (b)(3)
    assert "The problem, and the facts" in text and FACTS in text       # (b)(5)
    assert RESOLUTION in text                                           # (b)(6)
    assert "I request an impartial due process hearing" in text         # 300.507(a)
    # 300.508(a): to the other party, with a copy to the SEA
    assert "Dr. Morgan Hale, Special Education Director" in text
    assert "a copy to the Mississippi Department of Education, Office of Special Education" in text
    assert "Copy to: Mississippi Department of Education" in text
    # 300.518(a): stay put
    assert "must stay in the current educational placement" in text
    # 300.507(b): free or low-cost legal services
    assert "free or low-cost legal" in text


@pytest.mark.parametrize("fmt", ["pdf", "txt"])
def test_mediation_request_has_mississippi_elements(letters_text, fmt):
    text = letters_text["mediation-request"][fmt]
    assert STUDENT in text and SCHOOL in text and DISTRICT in text
    assert "Office of Special Education" in text
    assert "Please assign a mediator" in text
    assert "free for our family" in text                                 # 300.506(b)(4)
    assert "does not delay or replace my right to ask for a due process hearing" in text  # 300.506(b)(1)(ii)
    # Mississippi: both parties sign the request (mdek12.org/node/2110)
    assert "we both agree to take part in mediation" in text
    assert "Parent: Dana Rivers" in text
    assert f"For the school district: {DISTRICT}" in text
    assert text.count("Signature:") >= 2


def test_homeless_child_contact_is_included_when_homeless(example_data):
    data = dict(example_data)
    data["student"] = dict(data["student"], homeless=True, homeless_contact="Call the shelter office at 601-555-0199")
    case = api.parse_case(data, "case.yaml")
    for kind in ("state-complaint", "due-process-complaint"):
        text = normalise(api.render_letter(kind, case=case, fmt="txt"))
        assert "My child is homeless. How to reach my child: Call the shelter office at 601-555-0199" in text


def test_homeless_contact_is_required_only_for_a_homeless_child(example_data):
    data = dict(example_data)
    data["student"] = dict(data["student"], homeless=True)
    case = api.parse_case(data, "case.yaml")
    with pytest.raises(Exception) as info:
        api.render_letter("state-complaint", case=case, fmt="txt")
    assert "student.homeless_contact" in str(info.value)
    # Not homeless: no such field is needed.
    api.render_letter("state-complaint", case=api.load_case("examples/mississippi-case.yaml"), fmt="txt")


def test_notes_page_flags_unverified_details_and_cites_each_element():
    text = normalise(api.render_letter("mediation-request", state="MS", fmt="txt"))
    assert "Notes for you (not part of the letter)" in text
    assert "[Unverified. Confirm it with the MDE Office of Special Education" in text
    assert "Says mediation is free for the family (34 CFR 300.506(b)(4)" in text


@pytest.mark.parametrize("kind", ["mediation-request", "state-complaint", "due-process-complaint"])
def test_no_line_breaks_after_a_lone_first_word(kind):
    """WeasyPrint 70 can wrap a list item right after its first word at some font sizes.

    The notes' font size was chosen to avoid it; this catches it coming back.
    """
    import io
    import re

    from pypdf import PdfReader

    case = api.load_case("examples/mississippi-case.yaml")
    for pdf in (api.render_letter(kind, case=case, fmt="pdf"), api.render_letter(kind, state="MS", fmt="pdf")):
        for page in PdfReader(io.BytesIO(pdf)).pages:
            text = page.extract_text()
            assert not re.search(r"(?m)^(?:• )?[A-Z][a-z]+\n[a-z]+ [a-z]+", text), text
