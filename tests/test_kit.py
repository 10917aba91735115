"""The printable Mississippi Dispute Letter Starter Kit."""
from __future__ import annotations

import datetime
import io
import os
from dataclasses import dataclass
import json
import re
import stat

import pytest
import yaml

from iepkit import api
from iepkit.testing import fk_grade, normalise, parent_prose, pdf_text

ANSWERS = {"school_willing_to_talk": True, "relationship": "working", "bad_faith_evidence": False,
           "want_formal_finding": False}
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(scope="module")
def blank_kit(tmp_path_factory):
    """The blank kit, written by README's first command."""
    import subprocess
    import sys

    from filelock import FileLock

    # Made once per test run: the test workers share it through their common folder.
    shared = os.environ.get("PYTEST_XDIST_WORKER")
    folder = tmp_path_factory.getbasetemp().parent if shared else tmp_path_factory.mktemp("kit")
    out = folder / "blank-kit.pdf"
    with FileLock(str(out) + ".lock"):
        if not out.is_file():
            done = subprocess.run([sys.executable, "-m", "iepkit.cli", "kit", "--state", "MS", "-o", str(out)],
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def filled_kit():
    case = api.load_case("examples/mississippi-case.yaml")
    return api.render_kit(case=case, answers=ANSWERS, today=TODAY)


@pytest.fixture(scope="module")
def filled_kit_text(filled_kit):
    return pdf_text(filled_kit)


def family_case_data() -> dict:
    """The family from issue #7: OT services not delivered since August, a records request
    unanswered and an evaluation meeting never held; their answers rank the state complaint first."""
    with open("examples/mississippi-case.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["dispute"].update(
        summary="Riley's IEP calls for 30 minutes of occupational therapy each week. Since August 18, 2026, "
                "Riley has had none. I asked for Riley's records on September 15, 2026, and for an assistive "
                "technology evaluation on October 1, 2026. I have had no answer to either.",
        issue_types=["services-not-delivered", "records-access", "missed-timeline"],
        proposed_resolution="Provide the occupational therapy in the IEP, and makeup sessions for every "
                            "week missed since August 18, 2026.")
    data["answers"] = {"school_willing_to_talk": False, "relationship": "strained", "bad_faith_evidence": False,
                       "want_formal_finding": True, "urgent": True}
    data["events"] = [
        {"date": "2026-05-12", "type": "iep-meeting-held"},
        {"date": "2026-08-18", "type": "violation-occurred"},
        {"date": "2026-08-25", "type": "violation-known"},
        {"date": "2026-09-15", "type": "records-requested"},
        {"date": "2026-10-01", "type": "evaluation-requested"},
    ]
    return data


@pytest.fixture(scope="module")
def family_kit():
    """(case, kit HTML, text of the kit's PDF) for the issue's family, on December 1, 2026."""
    case = api.parse_case(family_case_data(), "family.yaml", today=TODAY)
    html = api.kit_html(case=case, today=TODAY)
    return case, html, api.render_kit(case=case, today=TODAY)


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
        "Action plan: Mediation", "Where to send it", "P.O. Box 771", "Jackson, MS 39205-0771",
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
        # action plans with deadlines, and a worksheet for each formal process
        "Action plan: Formal State Complaint", "Action plan: Due Process Hearing", "Deadlines on this path",
        "Last day MDE can receive your state complaint", "Hearing officer's decision mailed",
        "State complaint worksheet", "It says that the school district broke a special education rule",
        "Due process complaint worksheet", "My child's current placement",
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
    numbers = [int(n) for pair in re.findall(r"Which tool fits your problem[ .]*(\d+)|Where to get help[ .]*(\d+)",
                                             contents) for n in pair if n]
    assert len(numbers) == 2 and 2 < numbers[0] < numbers[1] <= len(reader.pages)
    # The number is right: that page really starts the section.
    page = normalise(reader.pages[numbers[0] - 1].extract_text())
    assert page.startswith("Which tool fits your problem")
    assert f"Page {numbers[0]} of {len(reader.pages)}" in page  # the running footer
    # Entries inside a part (a worksheet) point to their page too.
    worksheet = int(re.search(r"State complaint worksheet[ .]*(\d+)", contents).group(1))
    assert "State complaint worksheet" in normalise(reader.pages[worksheet - 1].extract_text())


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
    assert "<h2>Which tool fits your problem</h2>" in html and 'aria-label="Contents"' in html


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
    out = tmp_path / "kit.html"  # the state check comes before printing: HTML shows it as well
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


# -- a filled kit starts from the family's situation (#7 point 3) ---------------------------

def _positions(text: str, *needles: str) -> list[int]:
    found = [text.find(normalise(n)) for n in needles]
    assert all(i >= 0 for i in found), [n for n, i in zip(needles, found) if i < 0]
    return found


def test_family_answers_rank_the_state_complaint_first(family_kit):
    case, _, _ = family_kit
    ranked = [r.process for r in api.recommend(case=case, today=TODAY).ranked]
    assert ranked[0] == "state-complaint" and "mediation" in ranked


def test_filled_kit_opens_with_every_kind_of_deadline_overdue_first(family_kit):
    case, _, pdf = family_kit
    text = pdf_text(pdf)
    # By hand: the MET must meet within 14 days, the request day being day 1 (Oct 1 -> Oct 14,
    # 48 days before Dec 1); records within 45 days of the request (Sep 15 -> Oct 30, 32 days).
    met = "Evaluation team (MET) meets about your request"
    records = "School lets you see your child's records"
    assert f"{met}" in text and "Due October 14, 2026: 48 days overdue" in text
    assert "Due October 30, 2026: 32 days overdue" in text
    # Every deadline the engine finds, of every kind, with its date, citation and flag.
    report = api.deadlines(case, today=TODAY)
    start = text.find("Your deadlines These dates")
    section = text[start:text.find("The best fit for your answers", start)]
    assert start > 0 and section, "the kit has no deadlines part before the ranking"
    for d in report.deadlines:
        label = normalise(d.label) + (" [Unverified]" if not d.verified else "")
        assert label in section, d.rule
        assert normalise(f"({'; '.join(d.citations)})") in section, d.rule
    # Overdue first, then coming ones by date; all before any mediation guide.
    overdue = sorted((d for d in report.deadlines if d.days_left < 0), key=lambda d: d.due)
    coming = sorted((d for d in report.deadlines if d.days_left >= 0), key=lambda d: d.due)
    assert [d.rule for d in overdue] == ["met-meeting", "records-access"]
    order = _positions(section, *(d.label for d in overdue + coming))
    assert order == sorted(order)
    body = text[start:]  # after the contents page, which names every part
    first_mediation = min(_positions(body, "How mediation works", "give and take", "Where I can be flexible"))
    assert max(_positions(body, met, records)) < first_mediation
    # The contents page lists the deadlines first.
    contents = text[text.find("Contents"):]
    assert contents.find("Your deadlines") < contents.find("Formal State Complaint") < contents.find("Mediation")


def test_filled_kit_puts_the_recommended_process_and_its_worksheet_first(family_kit):
    _, html, pdf = family_kit
    text = pdf_text(pdf)
    body = text[text.find("Your deadlines These dates"):]
    plan, worksheet, mediation_worksheet, mediation = _positions(
        body, "Action plan: Formal State Complaint", "State complaint worksheet", "Preparation worksheet",
        "How mediation works")
    assert plan < worksheet < mediation < mediation_worksheet
    assert "Your answers point to this first" in body[:plan]
    # The worksheet is filled from the case, and the letters follow the same order.
    assert "Riley's IEP calls for 30 minutes of occupational therapy" in body[worksheet:mediation]
    letters = body[body.find("Letters These letters"):]
    assert letters.find("Formal State Complaint") < letters.find("Request for Special Education Mediation")
    # In the HTML too: the state complaint's part comes before mediation's.
    assert html.find('id="path-state-complaint"') < html.find('id="path-mediation"') > 0


def test_blank_kit_starts_with_which_tool_then_each_process_with_its_own_worksheet(blank_kit):
    text = pdf_text(blank_kit.read_bytes())
    start = text.find("Which tool fits your problem", text.find("Where to get help"))  # after the contents
    body = text[start:]
    assert start > 0 and body.startswith("Which tool fits your problem"), "the blank kit opens with which tool fits"
    positions = _positions(body, "How mediation works", "Preparation worksheet", "Action plan: Formal State Complaint",
                           "State complaint worksheet", "Action plan: Due Process Hearing",
                           "Due process complaint worksheet")
    assert positions == sorted(positions)
    assert "Your deadlines" not in text  # nothing to count from without a case


def test_guides_choose_their_part_by_the_process_they_name():
    from dataclasses import replace

    from iepkit.errors import IepkitError
    from iepkit.kit import KitInputs, process_parts

    st = api.find_state("MS")
    reg = api.registry()
    guides = {g.id: g for g in reg.guides_for("MS")}
    inputs = KitInputs(state=st, guides=guides, processes={p.id: p for p in reg.processes_for("MS")},
                       letters=reg.letters_for("MS"), rules={r.id: r for r in api.deadline_rules("MS")})
    parts = {part.process.id: part for part in process_parts(inputs)}
    assert [g.id for g in parts["state-complaint"].worksheets] == ["state-complaint-worksheet"]
    # Data decides: a worksheet that names due process moves to that part.
    guides["preparation-worksheet"] = replace(guides["preparation-worksheet"], process="due-process")
    parts = {part.process.id: part for part in process_parts(inputs)}
    assert "preparation-worksheet" in [g.id for g in parts["due-process"].worksheets]
    assert not parts["mediation"].worksheets
    guides["preparation-worksheet"] = replace(guides["preparation-worksheet"], process="arbitration")
    with pytest.raises(IepkitError, match="names process 'arbitration'"):
        process_parts(inputs)


def test_every_ms_guide_names_a_registered_process():
    processes = {p.id for p in api.processes("MS")}
    named = {g.id: g.process for g in api.guides("MS") if g.process}
    assert named and set(named.values()) <= processes
    assert {"mediation", "state-complaint", "due-process"} <= {
        g.process for g in api.guides("MS") if g.kind == "worksheet"}


# -- layout: no nearly empty pages, a log to write in (#7 point 16) ---------------------------

#: US Letter in points, and print.css's page margins (0.9in top, 0.8in bottom).
PAGE_TOP, PAGE_BOTTOM = 792 - 0.9 * 72, 0.8 * 72
DATE_GUIDE = re.compile("/[\u2002\u2003]+/")  # the faint slashes in each log row's date cell


@dataclass
class _Page:
    """One printed page, read once: its text, how far down it is used, where headings start."""

    text: str
    fill: float
    lefts: dict[str, float]


def _read_page(page) -> _Page:
    """How far down the page body its lowest line of text reaches (0 = top, 1 = bottom), and
    the left edge of the log's "Date" and "Who" headings, in one pass over the page.

    The running footer sits in the bottom margin and is left out. Log rows count
    as text: each date cell prints faint slashes at its foot.
    """
    lows, lefts = [], {}

    def visit(text, cm, tm, font, size):  # noqa: ANN001 - pypdf's visitor signature
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and y > PAGE_BOTTOM:
            lows.append(y)
        for head in ("Date", "Who (name"):
            if text.strip().startswith(head):
                lefts.setdefault(head, tm[4] * cm[0] + tm[5] * cm[2] + cm[4])
    text = page.extract_text(visitor_text=visit) or ""
    fill = (PAGE_TOP - min(lows)) / (PAGE_TOP - PAGE_BOTTOM) if lows else 0.0
    return _Page(text=text, fill=fill, lefts=lefts)


#: How far down a letter's last page must reach: its closing words, the signature and the name.
LAST_LETTER_PAGE = 0.12


def _ends_a_letter(page: _Page) -> bool:
    """Whether the page holds a letter's sign-off, with words of the letter above it."""
    before = page.text.split("Sincerely,")[0]
    return "Sincerely," in page.text and "Signature:" in page.text and len(before.split()) >= 5


@pytest.fixture(scope="module")
def kit_pages(blank_kit, filled_kit, family_kit) -> dict[str, list[_Page]]:
    """Each kit's pages, read once for the layout checks below (reading a PDF is slow)."""
    from pypdf import PdfReader

    kits = {"blank": blank_kit.read_bytes(), "filled": filled_kit, "family": family_kit[2]}
    return {name: [_read_page(p) for p in PdfReader(io.BytesIO(pdf)).pages] for name, pdf in kits.items()}


def test_no_nearly_empty_pages(kit_pages):
    for name, pages in kit_pages.items():
        # The cover stands alone; every other page is used at least a quarter of the way down,
        # except a letter's last page, as in any letter: the sign-off takes the closing lines
        # with it, so that page holds words, the signature and the parent's name.
        sparse = [(i + 1, round(page.fill, 2)) for i, page in enumerate(pages[1:], start=1)
                  if page.fill < (LAST_LETTER_PAGE if _ends_a_letter(page) else 0.25)]
        assert not sparse, f"{name} kit: nearly empty pages (page, share used): {sparse}"


def test_log_pages_are_full_and_the_date_column_fits_a_written_date(kit_pages):
    for name, pages in kit_pages.items():
        log_pages = [p for p in pages if "Follow-up and" in p.text]
        assert len(log_pages) >= 2, name
        for page in log_pages:
            rows = len(DATE_GUIDE.findall(page.text))
            assert rows >= 10, f"{name} kit: a log page with only {rows} rows"
            # The date column runs from the "Date" heading to the "Who" heading.
            width = (page.lefts["Who (name"] - page.lefts["Date"]) / 72
            assert width >= 1.0, f"{name} kit: the log's date column is {width:.2f} in wide; MM/DD/YYYY needs 1 in"


#: A full line, then a line holding one word, then more of the same sentence: the
#: printer broke a line after its first word although the rest would have fit.
#: (WeasyPrint 70.0 does this when a line ends in an inline element, such as a citation.)
LONE_WORD = re.compile(r"(?m)^.{60,}\n(?:• )?[A-Za-z'’]+\n[a-z(].*$")


def test_no_line_holds_a_lone_word_mid_sentence(kit_pages):
    for name, pages in kit_pages.items():
        text = "\n".join(p.text for p in pages)
        assert not LONE_WORD.findall(text), f"{name} kit: {LONE_WORD.findall(text)}"
