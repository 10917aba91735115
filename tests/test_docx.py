"""Word output (issue #9 section 2): every dispute letter as a .docx read back with python-docx.

The checks come from each letter's required elements (letters.yaml), as the
conformance suite checks the PDF: every case value and phrase in the letter,
every citation on the notes page; then the page, the footer, the notes
section, the same words as the PDF, the file's mode and hostile text.
"""
from __future__ import annotations

import io
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from iepkit import api
from iepkit.testing import expected_text, normalise, pdf_text

from test_federal_letters import WHOLE_FEDERAL_LETTERS

docx = pytest.importorskip("docx")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {"MS": str(ROOT / "examples/mississippi-case.yaml"), "TX": str(ROOT / "examples/texas-case.yaml")}
DISPUTE_LETTERS = ("mediation-request", "state-complaint", "due-process-complaint")
#: Every letter in both states: the seven written once for every state, and the dispute letters.
ALL_LETTERS = (*WHOLE_FEDERAL_LETTERS, *DISPUTE_LETTERS)
NOTES_HEADING = "Notes for you (not part of the letter)"


def read(data: bytes):
    assert isinstance(data, bytes) and data[:2] == b"PK", "a .docx is a zip file"
    return docx.Document(io.BytesIO(data))


def parts(document) -> tuple[str, str]:
    """(the letter's text, the notes page's text), paragraphs in order."""
    texts = [p.text for p in document.paragraphs]
    cut = texts.index(NOTES_HEADING) if NOTES_HEADING in texts else len(texts)
    return normalise(" ".join(texts[:cut])), normalise(" ".join(texts[cut:]))


def footer_fields(section) -> list[str]:
    xml = section.footer._element.xml
    return [t.strip() for t in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]


@pytest.fixture(scope="module")
def cases():
    return {code: api.load_case(path) for code, path in EXAMPLES.items()}


@pytest.mark.parametrize("code", sorted(EXAMPLES))
@pytest.mark.parametrize("letter_id", ALL_LETTERS)
def test_filled_letter_holds_every_required_element_and_citation(cases, code, letter_id):
    case = cases[code]
    document = read(api.render_letter(letter_id, case=case, fmt="docx"))
    letter, notes = parts(document)
    assert notes.startswith(NOTES_HEADING)
    template = next(t for t in api.letters(code) if t.id == letter_id)
    for element in template.elements:
        for cite in element.cite:
            assert str(cite) in notes, f"{code} {letter_id}/{element.id}: {cite} is not on the notes page"
        if not element.applies(case):
            continue
        if element.phrase:
            assert normalise(element.phrase) in letter, f"{code} {letter_id}/{element.id}: phrase missing"
        for path in element.fields:
            for piece in expected_text(case.get(path)):
                assert piece in letter, f"{code} {letter_id}/{element.id}: the value of {path} is missing"
    # Signed by hand: the line to sign on stays a line in a filled letter too.
    assert re.search(r"Signature: _{20,} \([^)]*sign", letter)
    # Address lines start at the margin: no space left over from the HTML around a line break.
    assert not [p.text for p in document.paragraphs if "\n " in p.text or " \n" in p.text]


@pytest.mark.parametrize("code", sorted(EXAMPLES))
@pytest.mark.parametrize("letter_id", ALL_LETTERS)
def test_blank_form_has_fill_in_lines_and_every_phrase(code, letter_id):
    document = read(api.render_letter(letter_id, state=code, fmt="docx"))
    letter, notes = parts(document)
    assert re.search(r"Signature: _{20,} \([^)]*sign", letter), "a line to sign on"
    assert "(the parent's full name)" in letter
    template = next(t for t in api.letters(code) if t.id == letter_id)
    for element in template.elements:
        if element.phrase and element.when is None:
            assert normalise(element.phrase) in letter, f"{code} {letter_id}/{element.id}: phrase missing"
        for cite in element.cite:
            assert str(cite) in notes
    for junk in ("None", "Undefined", "{{", "{%", "<", "&amp;"):
        assert junk not in letter + notes, f"{code} {letter_id}: the template printed {junk!r}"


def test_letter_paper_footer_and_notes_in_their_own_section(cases):
    document = read(api.render_letter("state-complaint", case=cases["MS"], fmt="docx"))
    letter_section, notes_section = document.sections
    for section in document.sections:
        assert (section.page_width.inches, section.page_height.inches) == (8.5, 11.0)
        assert 0.5 <= section.left_margin.inches <= 1.25 and 0.5 <= section.right_margin.inches <= 1.25
    # The letter counts its own pages only, so the district never sees the notes counted: the
    # total is the page of the bookmark on the letter's last paragraph, just before the notes.
    assert footer_fields(letter_section) == ["PAGE", "PAGEREF letter_end \\h"]
    marked = [p.text for p in document.paragraphs if 'w:name="letter_end"' in p._p.xml]
    texts = [p.text for p in document.paragraphs]
    assert len(marked) == 1 and texts.index(marked[0]) < texts.index(NOTES_HEADING)
    assert letter_section.footer.paragraphs[0].text.startswith("Page ")
    assert not notes_section.footer.is_linked_to_previous
    assert "not part of the letter" in notes_section.footer.paragraphs[0].text
    assert footer_fields(notes_section) == []
    # The notes section starts where the notes heading is, and the letter ends before it.
    body = document.element.body
    texts = [p.text for p in document.paragraphs]
    assert texts.index(NOTES_HEADING) > texts.index("Sincerely,")
    assert len(body.findall(".//" + docx.oxml.ns.qn("w:sectPr"))) == 2
    assert document.styles["Normal"].font.name and document.styles["Normal"].font.size.pt >= 10
    assert document.core_properties.author == "" and document.core_properties.title == "Formal State Complaint"


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_no_notes_leaves_no_notes(cases, code):
    document = read(api.render_letter("due-process-complaint", case=cases[code], fmt="docx", notes=False))
    texts = " ".join(p.text for p in document.paragraphs)
    assert "Notes for you" not in texts and "not part of the letter" not in texts
    assert len(document.sections) == 1
    assert footer_fields(document.sections[0]) == ["PAGE", "NUMPAGES"]


def _words(text: str) -> list[str]:
    # Fill-in lines are underscores in Word and a drawn line in the PDF; bullets
    # are list formatting in Word and characters pypdf scatters in the PDF, and so
    # are a numbered list's numbers ("1."), checked in order by their own test.
    return [w for w in re.sub(r"_+|•", " ", text).split() if not re.fullmatch(r"\d+\.", w)]


@pytest.mark.parametrize("code", sorted(EXAMPLES))
@pytest.mark.parametrize("letter_id", ALL_LETTERS)
def test_same_words_as_the_pdf(cases, code, letter_id):
    for kwargs in ({"case": cases[code]}, {"state": code}):
        document = read(api.render_letter(letter_id, fmt="docx", notes=False, **kwargs))
        word_text = normalise(" ".join(p.text for p in document.paragraphs))
        pdf = pdf_text(api.render_letter(letter_id, fmt="pdf", notes=False, **kwargs))
        assert _words(word_text) == _words(pdf), f"{code} {letter_id} {list(kwargs)}"


HOSTILE = ["=HYPERLINK(\"http://example.invalid\",\"click\")", "{ DDE \"cmd\" }", "<b>x</b>", "{{ x }}",
           "+1 555 0100 =A1", "-2+3", "@SUM(A1)"]


@pytest.fixture()
def hostile_case():
    import yaml

    with open(EXAMPLES["MS"], encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["student"]["name"] = HOSTILE[0]
    data["student"]["school"] = HOSTILE[1]
    data["district"]["name"] = HOSTILE[2]
    data["dispute"]["summary"] = HOSTILE[3]
    data["dispute"]["proposed_resolution"] = HOSTILE[4]
    data["student"]["grade"] = HOSTILE[5]
    data["parents"][0]["name"] = HOSTILE[6]
    return api.parse_case(data, "hostile.yaml")


def test_hostile_text_stays_literal(hostile_case):
    data = api.render_letter("state-complaint", case=hostile_case, fmt="docx")
    letter, _ = parts(read(data))
    for value in HOSTILE:
        assert value in letter, value  # exactly as typed: nothing escaped, prepended or evaluated
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        footers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer")]
    # No field of any kind in the letter's body: the only fields are our page numbers.
    for field in ("w:fldSimple", "w:fldChar", "w:instrText", "w:hyperlink", "w:object"):
        assert field not in body, field
    assert "<b>" not in body and "&lt;b&gt;x&lt;/b&gt;" in body
    instructions = {t.strip() for f in footers for t in re.findall(r"<w:instrText[^>]*>([^<]*)<", f)}
    assert instructions == {"PAGE", "PAGEREF letter_end \\h"}


def test_cli_picks_docx_by_ending_and_writes_mode_0600(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from iepkit.cli import cli

    out = tmp_path / "complaint.docx"
    result = CliRunner().invoke(cli, ["letter", "state-complaint", "--case", EXAMPLES["MS"], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Jordan Avery Rivers" in parts(read(out.read_bytes()))[0]
    # --format docx without -o writes TYPE.docx, never zip bytes on the screen.
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    result = CliRunner().invoke(cli, ["letter", "mediation-request", "--state", "TX", "--format", "docx",
                                      "--no-notes"])
    assert result.exit_code == 0, result.output
    assert "PK" not in result.stdout
    written = tmp_path / "cwd" / "mediation-request.docx"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "Notes for you" not in parts(read(written.read_bytes()))[0]


def test_help_does_not_import_python_docx():
    code = ("import sys; from iepkit.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('LOADED' if 'docx' in sys.modules else 'NOT LOADED')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("NOT LOADED")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_it(tmp_path, cases):
    src = tmp_path / "sc.docx"
    src.write_bytes(api.render_letter("state-complaint", case=cases["MS"], fmt="docx"))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    text = pdf_text((tmp_path / "sc.pdf").read_bytes())
    assert "Jordan Avery Rivers" in text and "not part of the letter" in text
    # LibreOffice works the letter's page count out itself: "Page 2 of 2", never "Page 2 of 1".
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(tmp_path / "sc.pdf").pages]
    letter_pages = [t for t in pages if "not part of the letter" not in t]
    n = len(letter_pages)
    for i, page in enumerate(letter_pages, start=1):
        assert f"Page {i} of {n}" in page, (i, n)


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_kit_as_word_holds_its_letters_section(cases, code, tmp_path):
    from click.testing import CliRunner

    from iepkit.cli import cli

    out = tmp_path / "kit.docx"
    result = CliRunner().invoke(cli, ["kit", "--case", EXAMPLES[code], "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    document = read(out.read_bytes())
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Letters", "the Word kit is the kit's Letters part"
    assert "Communication log" not in texts
    letters = api.letters(code)
    case = cases[code]
    whole = normalise(" ".join(texts))
    for template in letters:
        assert template.title in texts, template.title
    # Each letter starts on a new page, as in the printed kit.
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaks) == len(letters)
    assert all(piece in whole for piece in expected_text(case.get("student.name")))
    assert (document.sections[0].page_width.inches, document.sections[0].page_height.inches) == (8.5, 11.0)
