"""The printable Mississippi Dispute Letter Starter Kit."""
from __future__ import annotations

import io
import json
import re
import stat

import pytest

from iepkit import api
from iepkit.testing import fk_grade, normalise, parent_prose, pdf_text

ANSWERS = {"school_willing_to_talk": True, "relationship": "working", "bad_faith_evidence": False,
           "want_formal_finding": False}


@pytest.fixture(scope="module")
def blank_kit(tmp_path_factory):
    """The blank kit, written by README's first command."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("kit") / "kit.pdf"
    done = subprocess.run([sys.executable, "-m", "iepkit.cli", "kit", "--state", "MS", "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def filled_kit_text():
    import datetime

    case = api.load_case("examples/mississippi-case.yaml")
    return pdf_text(api.render_kit(case=case, answers=ANSWERS, today=datetime.date(2026, 12, 1)))


def test_blank_kit_has_every_section(blank_kit):
    assert stat.S_IMODE(blank_kit.stat().st_mode) == 0o600
    text = pdf_text(blank_kit.read_bytes())
    expected = [
        # cover, contents, page numbers
        "Mississippi Dispute Letter Starter Kit", "Contents",
        # how mediation works: what it is and is not, privacy, cost, enforceable agreement
        "What mediation is", "What mediation is not", "What you say stays private",
        "It costs you nothing", "A state court or a federal district court can enforce the signed agreement",
        # how to ask in Mississippi, with MDE's address
        "How to ask for mediation in Mississippi", "P.O. Box 771", "Jackson, MS 39205-0771",
        # which tool fits, and the comparison
        "Mediation tends to fit when", "A state complaint tends to fit when",
        "The three formal tools side by side", "Who can ask for it", "Who decides", "Is it private",
        # the session
        "What happens at the session", "joint session", "caucus", "If you do not reach an agreement",
        # the worksheet
        "Preparation worksheet", "My position", "The services I am asking for",
        "What the school offered or refused", "My evidence", "Documents to bring", "The current IEP",
        "Every prior written notice", "Your communication log", "Evaluations and their reports",
        "Progress reports and other data", "My bottom line", "Not negotiable for my child", "Where I can be flexible",
        # action plans with deadlines
        "Action plans", "Deadlines on this path", "Last day MDE can receive your state complaint",
        "Hearing officer's decision mailed",
        # scripts
        "Asking the district to try mediation", "Your opening statement at the table", "Answering an offer",
        "Asking for a caucus", "Closing with an agreement", "Closing without an agreement",
        # the three letters as forms
        "Request for Special Education Mediation", "Formal State Complaint",
        "Due Process Complaint and Request for a Hearing", "(the student's full name)",
        # log pages and checklists
        "Communication log", "What was said or asked", "Before you send any letter",
        # where to get help, with dates checked and unverified marks
        "Where to get help", "MDE Office of Special Education (OSE)",
        "Mississippi Parent Training and Information Center", "Disability Rights Mississippi",
        "We last reviewed these details against their source on November 29, 2026", "[Unverified]",
        "Unverified: call to confirm these details",
    ]
    missing = [e for e in expected if normalise(e) not in text]
    assert not missing


def test_contents_page_gives_page_numbers(blank_kit):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(blank_kit.read_bytes()))
    contents = normalise(reader.pages[1].extract_text())
    numbers = [int(n) for pair in re.findall(r"How mediation works[ .]*(\d+)|Where to get help[ .]*(\d+)",
                                             contents) for n in pair if n]
    assert len(numbers) == 2 and 2 < numbers[0] < numbers[1] <= len(reader.pages)
    # The number is right: that page really starts the section.
    page = normalise(reader.pages[numbers[0] - 1].extract_text())
    assert page.startswith("How mediation works")
    assert f"Page {numbers[0]} of {len(reader.pages)}" in page  # the running footer


def test_pdf_is_letter_size_titled_and_tagged(blank_kit):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(blank_kit.read_bytes()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 x 11 in
    assert reader.metadata.title == "Mississippi Dispute Letter Starter Kit"
    root = reader.trailer["/Root"]
    assert root.get("/Lang") == "en"
    assert "/StructTreeRoot" in root  # tagged PDF


def test_filled_kit_has_the_familys_details_recommendation_and_deadlines(filled_kit_text):
    text = filled_kit_text
    assert "Prepared for the family of Jordan Avery Rivers" in text
    assert "Your answers point to" in text
    # The example's violation (2026-09-08) puts the state complaint limit one year on, by hand:
    assert "Last day MDE can receive your state complaint: September 8, 2027 (281 days left)" in text
    # The case's details fill the worksheet and the letters.
    assert "720 minutes of compensatory therapy" in text
    assert "Dear Office of Special Education: I am the parent of Jordan Avery Rivers" in text
    assert "(the student's full name)" not in text


def test_kit_html_is_one_self_contained_page(cli, tmp_path):
    out = tmp_path / "kit.html"
    result = cli("kit", "--state", "MS", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "<title>Mississippi Dispute Letter Starter Kit</title>" in html
    assert not re.search(r"<(link|script|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", html)
    assert "<h2>How mediation works</h2>" in html and 'aria-label="Contents"' in html


def test_kit_is_plain_language():
    for html in (api.kit_html(state="MS"),
                 api.kit_html(case=api.load_case("examples/mississippi-case.yaml"), answers=ANSWERS)):
        prose = parent_prose(html)
        assert len(prose.split()) > 2000, "the measurement must see the kit's prose"
        grade = fk_grade(prose)
        assert grade <= 8.0, f"Flesch-Kincaid grade {grade:.1f} is above 8"


def test_readability_measure_can_fail():
    dense = ("Notwithstanding the foregoing, the local educational agency's determination regarding the "
             "appropriateness of the individualized educational programming, including supplementary "
             "aids and services, shall be subject to administrative adjudication pursuant to applicable "
             "procedural safeguards and implementing regulations.")
    assert fk_grade(dense) > 12
    assert fk_grade("We met today. The school said no. I asked why.") < 3


def test_letters_and_citations_are_left_out_of_the_prose_measure():
    html = ('<p>Short words here.</p><span class="cite">(34 CFR 300.153(b)(4)(iv))</span>'
            '<section class="kit-letter"><p>Notwithstanding the determination.</p></section>')
    assert parent_prose(html) == "Short words here."


def test_kit_unknown_state_lists_installed_ones(cli, example_data, write_case, tmp_path):
    out = tmp_path / "kit.pdf"
    data = dict(example_data, state="Mississippi")
    ok = cli("kit", "--case", str(write_case(data)), "--state", "ms", "-o", str(out), "--today", "2026-12-01")
    assert ok.returncode == 0, ok.stderr
    out.unlink()
    result = cli("kit", "--state", "Alabama", "-o", str(out))
    assert result.returncode == 2 and "Valid choices: MS (Mississippi)" in result.stderr
    assert not out.exists()


def test_kit_conflicting_states_are_an_error(example_data, tmp_path):
    from dataclasses import replace

    import iepkit_mississippi
    from iepkit import hookspecs
    from iepkit.errors import IepkitError

    other = replace(iepkit_mississippi.DATA.state, code="ZZ", name="Testland")

    class Second:
        @hookspecs.hookimpl
        def register_states(self, register):
            register(other)
    api.set_registry(api.load_registry(only=["mississippi"], extra_plugins=[("testland", Second())]))
    case = api.parse_case(example_data, "case.yaml")
    with pytest.raises(IepkitError) as info:
        api.kit_html(state="ZZ", case=case)
    assert "the case is for Mississippi (MS), but the state asked for is Testland" in str(info.value)


def test_kit_bad_answers_file_writes_nothing(cli, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("relationship: fine\n", encoding="utf-8")
    out = tmp_path / "kit.pdf"
    result = cli("kit", "--state", "MS", "--answers", str(answers), "-o", str(out))
    assert result.returncode == 2 and "relationship: expected one of: working, strained, broken" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [answers]


def test_compare_table(cli):
    data = json.loads(cli("compare", "--state", "MS", "--json").stdout)
    assert [p["id"] for p in data["processes"]][:3] == ["mediation", "state-complaint", "due-process"]
    labels = [r["label"] for r in data["rows"]]
    assert labels == ["Who can ask for it", "Cost", "Who decides", "What you get", "How long it takes",
                      "Is it private", "Best for", "Not the best fit for"]
    for row in data["rows"]:
        for cell in row["cells"].values():
            assert cell["cite"] and cell["text"]
    text = cli("compare", "--state", "ms").stdout
    assert "WHO CAN ASK FOR IT" in text
    assert "Due Process Hearing: Only a parent or the school district. (34 CFR 300.507(a)(1))" in text
