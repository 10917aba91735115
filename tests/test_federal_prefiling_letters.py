"""Five more letters before a dispute, written once in the federal layer (#9).

The independent evaluation request, the IEP meeting request, the request for
prior written notice, the letter after a meeting and the notice before a
private placement. The regulations are restated here by hand (not read from
core/federal/letters.yaml), so a missing or miscited part fails. Each letter is
checked in Mississippi and Texas, blank and filled from the example case, in
the PDF a parent prints and in the Word file a parent edits (read back with
python-docx), and in a fictional state (Testland, ZZ) that overrides one letter
and extends another.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from iepkit import api
from iepkit.case import parse_case
from iepkit.cli import cli
from iepkit.model import FEDERAL
from iepkit.statedata import StateFolder
from iepkit.testing import docx_text, expected_text, foreign_words, normalise, pdf_text

from test_federal_layer import _folder, _plugin

ROOT = Path(__file__).resolve().parent.parent
CASES = {"MS": "examples/mississippi-case.yaml", "TX": "examples/texas-case.yaml"}

#: For each letter: the rules its parts rest on, and words the letter itself must say.
LETTERS: dict[str, dict[str, list[str]]] = {
    # 34 CFR 300.502(a)(2), (a)(3), (b)(1), (b)(2), (b)(4), (e)(2)
    "iee-request": {
        "cites": ["34 CFR 300.502(a)(2)", "34 CFR 300.502(a)(3)", "34 CFR 300.502(b)(1)",
                  "34 CFR 300.502(b)(2)", "34 CFR 300.502(b)(4)", "34 CFR 300.502(e)(2)"],
        "phrases": ["disagree with", "independent educational evaluation at public expense", "criteria",
                    "without unnecessary delay", "do not have to explain", "other conditions"],
    },
    # 34 CFR 300.324(b)(1), 300.322(a)(2), (b)(1), (c), 300.321(a)(6), 300.328
    "iep-meeting-request": {
        "cites": ["34 CFR 300.324(b)(1)", "34 CFR 300.324(b)(1)(ii)", "34 CFR 300.322(a)(2)",
                  "34 CFR 300.322(b)(1)(i)", "34 CFR 300.321(a)(6)", "34 CFR 300.322(c)", "34 CFR 300.328"],
        "phrases": ["review and revise", "time and place", "who will attend", "bring", "phone or video"],
    },
    # 34 CFR 300.503(a), each of the seven parts of 300.503(b), and 300.503(c)(1)
    "pwn-request": {
        "cites": ["34 CFR 300.503(a)", *(f"34 CFR 300.503(b)({n})" for n in range(1, 8)),
                  "34 CFR 300.503(c)(1)"],
        "phrases": ["prior written notice", "what the district proposes or refuses to do", "why the district",
                    "assessment, record or report", "procedural safeguards", "where I can get help",
                    "other options", "other factors", "language I understand"],
    },
    # Good practice, and 34 CFR 300.503(a)(2) for a refusal and 300.322(f) for the IEP's copy
    "meeting-follow-up": {
        "cites": ["34 CFR 300.503(a)(2)", "34 CFR 300.322(f)"],
        "phrases": ["prior written notice", "copy of the IEP", "corrections"],
    },
    # 34 CFR 300.148(d)(1)(i)-(ii), (d)(2), and 300.11(b) for the business days
    "private-placement-notice": {
        "cites": ["34 CFR 300.148(d)(1)(i)", "34 CFR 300.148(d)(1)(ii)", "34 CFR 300.148(d)(2)",
                  "34 CFR 300.11(b)"],
        "phrases": ["reject", "at public expense", "10 business days", "available"],
    },
}
#: Words only one state uses, and the other's that must not appear.
OWN_WORDS = {"MS": ("IEP Committee", "ARD"), "TX": ("ARD committee", "IEP Committee")}


@pytest.fixture(autouse=True)
def _installed_states():
    api.set_registry(api.load_registry())
    yield
    api.set_registry(api.load_registry())


@pytest.fixture(scope="module")
def cases():
    return {code: api.load_case(ROOT / path) for code, path in CASES.items()}


def _docx(letter_id: str, **kwargs) -> str:
    return docx_text(api.render_letter(letter_id, fmt="docx", **kwargs))


@pytest.mark.parametrize("code", ["MS", "TX"])
@pytest.mark.parametrize("letter_id", sorted(LETTERS))
def test_each_state_gets_the_federal_letter_with_every_cited_part(code, letter_id):
    letter = api.registry().letter(code, letter_id)
    assert letter.origin == FEDERAL or letter.amended, f"{code} {letter_id} is not the federal letter"
    assert letter.summary and letter.process is None  # it goes to the district, not a state process
    cites = {c.ref for e in letter.elements for c in e.cite}
    for ref in LETTERS[letter_id]["cites"]:
        assert ref in cites, f"{code} {letter_id}: no part cites {ref}"


@pytest.mark.parametrize("code", ["MS", "TX"])
@pytest.mark.parametrize("letter_id", sorted(LETTERS))
def test_blank_and_filled_letters_hold_every_part_in_pdf_and_word(cases, code, letter_id):
    case = cases[code]
    letter = api.registry().letter(code, letter_id)
    for label, kwargs in (("filled", {"case": case}), ("blank", {"state": code})):
        pdf = pdf_text(api.render_letter(letter_id, fmt="pdf", **kwargs))
        word = _docx(letter_id, **kwargs)
        for fmt, text in (("pdf", pdf), ("docx", word)):
            body, notes = text.split("Notes for you", 1)
            for phrase in LETTERS[letter_id]["phrases"]:
                assert normalise(phrase) in body, f"{code} {label} {fmt}: {phrase!r} missing from the letter"
            for ref in LETTERS[letter_id]["cites"]:
                # A long citation may wrap at a bracket in the PDF: "300.322(b)(1)" / "(i)".
                assert ref.replace(" ", "") in notes.replace(" ", ""), f"{code} {label} {fmt}: {ref} not in notes"
            if label == "filled":
                for element in (e for e in letter.elements if e.applies(case)):
                    for path in element.fields:
                        for piece in expected_text(case.get(path)):
                            assert piece in body, f"{code} {fmt}: {element.id}: the value of {path} is missing"
            else:
                assert "____" in body, f"{code} {fmt}: a blank form needs lines to write on"
    for fmt in ("html", "md", "txt"):
        for kwargs in ({"case": case}, {"state": code}):
            out = str(api.render_letter(letter_id, fmt=fmt, **kwargs))
            assert LETTERS[letter_id]["cites"][0] in out, fmt
            for junk in ("None", "Undefined", "{{", "{%"):
                assert junk not in out, f"{code} {letter_id} {fmt}: the template printed {junk!r}"


@pytest.mark.parametrize("code", ["MS", "TX"])
@pytest.mark.parametrize("letter_id", sorted(LETTERS))
def test_each_state_reads_its_own_words_and_no_other_states(cases, code, letter_id):
    text = pdf_text(api.render_letter(letter_id, case=cases[code], fmt="pdf"))
    own, other = OWN_WORDS[code]
    assert own in text, f"{code} {letter_id}: the state's name for the team is missing"
    assert other not in text
    st = api.find_state(code)
    assert not foreign_words(text, st, [s for s in api.states() if s.code != code])


def test_texas_extends_the_meeting_request_with_its_own_rule_and_title():
    tx, ms = api.registry().letter("TX", "iep-meeting-request"), api.registry().letter("MS", "iep-meeting-request")
    assert tx.amended and tx.title == "Request for an ARD Committee Meeting"
    assert ms.amended and ms.title == "Request for an IEP Committee Meeting"
    import iepkit_texas

    assert tx.template_dir == Path(iepkit_texas.__file__).parent and ms.template_dir.name == "federal"
    extra = next(e for e in tx.elements if e.id == "texas-answer")
    assert [c.ref for c in extra.cite] == ["19 Tex. Admin. Code § 89.1050(e)"]
    text = pdf_text(api.render_letter("iep-meeting-request", state="TX", fmt="pdf"))
    body, notes = text.split("Notes for you", 1)
    # Texas's sentence sits inside the federal letter's list, which is otherwise unchanged.
    assert "please tell me in writing why, within 5 school days" in body
    assert body.index("phone or video") < body.index("within 5 school days")
    assert "(Texas rule: 19 Tex. Admin. Code § 89.1050(e))" in notes
    assert "starts a deadline (“District's written reason, if it refuses the ARD committee meeting you " \
           "asked for”)" in notes
    assert "5 school days" not in pdf_text(api.render_letter("iep-meeting-request", state="MS", fmt="pdf"))


def test_the_texas_answer_to_a_meeting_request_counts_5_school_days():
    case = parse_case({"state": "TX", "events": [{"type": "iep-meeting-requested", "date": dt.date(2026, 12, 18)}],
                       "school_calendar": {"first_day": dt.date(2026, 8, 12), "last_day": dt.date(2027, 5, 27),
                                           "breaks": [{"start": dt.date(2026, 12, 21),
                                                       "end": dt.date(2027, 1, 1), "name": "winter break"}]}})
    found = api.deadlines(case, today=dt.date(2026, 12, 18)).get("ard-meeting-request-answer")
    # After Fri Dec 18: weekend, winter break Dec 21 - Jan 1, weekend; Mon Jan 4 (1) ... Fri Jan 8 (5).
    assert found.due == dt.date(2027, 1, 8)
    ms = parse_case({"state": "MS", "events": [{"type": "iep-meeting-requested", "date": dt.date(2026, 12, 18)}]})
    report = api.deadlines(ms, today=dt.date(2026, 12, 18))
    assert report.deadlines == [] and "iep-meeting-requested" in report.uncounted


def test_the_private_placement_notice_says_when_it_must_arrive_and_deadlines_show_it(tmp_path):
    notes = pdf_text(api.render_letter("private-placement-notice", state="MS", fmt="pdf")).split("Notes for you")[1]
    assert "When this letter must arrive" in notes and "The deadline this letter starts" not in notes
    assert "“Last day to tell the district in writing about a private school placement”" in notes
    assert "the day your child will leave public school for a private school" in notes
    assert "leaving-public-school" not in notes
    case = tmp_path / "case.yaml"
    case.write_text("state: MS\nevents:\n  - date: 2027-01-22\n    type: leaving-public-school\n", "utf-8")
    out = CliRunner().invoke(cli, ["deadlines", "--case", str(case), "--today", "2026-12-01"], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    # Back from Fri Jan 22, 10 weekdays with Martin Luther King Jr. Day (Mon Jan 18) counted: Fri Jan 8.
    assert "Last day to tell the district in writing about a private school placement" in out.output
    assert "Fri 2027-01-08" in out.output


def test_the_leaving_date_and_school_fill_the_notice_when_the_case_has_them(cases):
    data = dict(cases["MS"].data)
    data["dispute"] = {**data["dispute"], "private_school": "Cedar Learning Academy"}
    data["events"] = [*data["events"], {"date": dt.date(2027, 1, 22), "type": "leaving-public-school"}]
    body = pdf_text(api.render_letter("private-placement-notice", case=parse_case(data), fmt="pdf", notes=False))
    assert "enroll my child in Cedar Learning Academy" in body
    assert "last day at the public school will be January 22, 2027" in body
    assert "(the private school)" not in body


def test_the_iee_request_says_what_happens_next_without_inventing_a_count(tmp_path):
    notes = pdf_text(api.render_letter("iee-request", state="MS", fmt="pdf")).split("Notes for you")[1]
    assert "What happens after you send it" in notes and "The deadline this letter starts" not in notes
    assert "Federal law sets no fixed number of days" in notes and "34 CFR 300.502(b)(2)" in notes
    assert "you asked the district in writing for an independent educational evaluation" in notes
    case = tmp_path / "case.yaml"
    case.write_text("state: TX\nevents:\n  - date: 2026-11-02\n    type: iee-requested\n", "utf-8")
    out = CliRunner().invoke(cli, ["deadlines", "--case", str(case), "--today", "2026-11-30"], env={"COLUMNS": "80"})
    assert out.exit_code == 0, out.output
    assert "without unnecessary delay" in " ".join(out.output.split()).lower()
    assert "34 CFR 300.502(b)(2)" in " ".join(out.output.split())


def test_the_follow_up_asks_for_notice_only_of_a_refusal_and_marks_good_practice(cases):
    case = cases["MS"]
    with_refusal = pdf_text(api.render_letter("meeting-follow-up", case=case, fmt="pdf"))
    assert "Please send me prior written notice of each refusal" in with_refusal
    data = {**case.data, "meeting": {k: v for k, v in case.data["meeting"].items() if k != "refused"}}
    without = pdf_text(api.render_letter("meeting-follow-up", case=parse_case(data), fmt="pdf", notes=False))
    assert "prior written notice" not in without and "What the district refused" not in without
    notes = with_refusal.split("Notes for you")[1]
    # A part no law requires says so: "good practice", never "federal rule", beside its source.
    assert "(good practice: Center for Parent Information and Resources" in notes
    assert "federal rule: Center for Parent" not in notes
    assert "(federal rule: 34 CFR 300.322(f))" in notes


def test_the_follow_up_lists_everything_missing_at_once(cases):
    data = {k: v for k, v in cases["MS"].data.items() if k != "meeting"}
    from iepkit.errors import MissingFieldsError

    with pytest.raises(MissingFieldsError) as err:
        api.render_letter("meeting-follow-up", case=parse_case(data), fmt="txt")
    assert [p.path for p in err.value.problems] == ["meeting.date", "meeting.discussed"]


def test_the_prior_written_notice_parts_are_numbered_in_order_in_word(cases):
    document = docx.Document(io.BytesIO(api.render_letter("pwn-request", case=cases["TX"], fmt="docx",
                                                          notes=False)))
    numbered = [p.text for p in document.paragraphs if re.match(r"\d+\.\t", p.text)]
    assert [int(t.split(".")[0]) for t in numbered] == list(range(1, 8))
    assert numbered[0].endswith("A description of what the district proposes or refuses to do.")
    assert numbered[6].endswith("Any other factors that mattered to the decision.")


def test_the_new_case_fields_are_checked_like_the_rest():
    from iepkit.errors import InputError

    with pytest.raises(InputError) as err:
        parse_case({"state": "MS", "meeting": {"date": "2026-13-01", "corrections_by": "soon",
                                               "discussed": "x" * 6000}})
    text = str(err.value)
    assert "meeting.date" in text and "meeting.corrections_by" in text and "meeting.discussed" in text
    assert "x" * 50 not in text  # the value itself is never echoed


# -- a fictional state that overrides one letter and extends another ----------------------

LETTERS_YAML = """
- id: pwn-request
  title: Testland notice request
  template: letters/pwn-request.html
  last_reviewed: 2026-11-30
  summary: Testland's own request for prior written notice.
  elements:
    - id: testland-form
      label: Uses Testland Form N-2
      phrase: Testland Form N-2
      cite: ["Testland Code 7-7-7"]

- id: iee-request
  amends: federal
  title: Independent evaluation request (Testland)
  template: letters/iee-request.html
  elements:
    - id: testland-list
      label: Asks for the Testland list of approved examiners
      phrase: Testland list of approved examiners
      cite: ["Testland Code 3-2-1"]
  notes:
    - text: Testland districts must send their examiner list within 5 days.
      cite: ["Testland Code 3-2-1"]
"""
OVERRIDE_TEMPLATE = """{% extends "letter_base.html" %}
{% block body %}
<p>On Testland Form N-2, I ask for prior written notice about {{ v("student.name") }}.</p>
{% endblock %}
"""
EXTEND_TEMPLATE = """{% extends "federal/letters/iee-request.html" %}
{% block body %}{{ super() }}<p>Please also send the Testland list of approved examiners.</p>{% endblock %}
"""


def _testland(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "letters").mkdir()
    (folder / "letters" / "pwn-request.html").write_text(OVERRIDE_TEMPLATE, "utf-8")
    (folder / "letters" / "iee-request.html").write_text(EXTEND_TEMPLATE, "utf-8")
    (folder / "letters.yaml").write_text(LETTERS_YAML, "utf-8")

    reg = api.load_registry(only=[], extra_plugins=[("testland", _plugin(folder, letters=True))])
    assert "ZZ" in reg.states and not reg.host.warnings(), reg.host.warnings()
    api.set_registry(reg)


def test_a_state_overrides_a_letter_and_keeps_every_federal_part_required(tmp_path):
    _testland(tmp_path)
    letter = api.registry().letter("ZZ", "pwn-request")
    assert letter.origin == "ZZ" and not letter.amended
    ids = {e.id for e in letter.elements}
    assert {"action", "why", "evidence", "options", "testland-form"} <= ids
    text = pdf_text(api.render_letter("pwn-request", state="ZZ", fmt="pdf"))
    assert "On Testland Form N-2" in text and "Testland Code 7-7-7" in text
    # Its template leaves the federal parts out: they are still listed as required, so the
    # conformance suite fails the state until its letter holds them.
    assert "other options" not in text.split("Notes for you")[0]
    assert "34 CFR 300.503(b)(6)" in text.split("Notes for you")[1]


def test_a_state_extends_a_letter_with_its_template_element_and_note(tmp_path):
    _testland(tmp_path)
    letter = api.registry().letter("ZZ", "iee-request")
    assert letter.amended and letter.title == "Independent evaluation request (Testland)"
    assert letter.template_dir == tmp_path / "testland"
    for fmt, text in (("pdf", pdf_text(api.render_letter("iee-request", state="ZZ", fmt="pdf"))),
                      ("docx", _docx("iee-request", state="ZZ"))):
        body, notes = text.split("Notes for you", 1)
        for phrase in LETTERS["iee-request"]["phrases"]:  # the federal letter, whole
            assert normalise(phrase) in body, f"{fmt}: {phrase!r}"
        assert "Please also send the Testland list of approved examiners." in body, fmt
        assert body.index("do not have to explain") < body.index("Testland list")
        assert "(Testland rule: Testland Code 3-2-1)" in notes, fmt
        assert notes.index("one independent evaluation at public expense") < notes.index("within 5 days"), fmt


def test_an_extension_naming_a_missing_template_is_refused(tmp_path):
    from iepkit.errors import InputError

    folder = _folder(tmp_path)
    (folder / "letters.yaml").write_text("- id: iee-request\n  amends: federal\n  template: letters/none.html\n",
                                         "utf-8")
    with pytest.raises(InputError, match=r"iee-request\.template: names a file that does not exist"):
        StateFolder(folder).letters  # noqa: B018 - loading checks it
