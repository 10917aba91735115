"""The printed log: hostile text prints literally in every format, CSV formulas are neutralised (#10)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

import pytest

from iepkit import commlog
from iepkit.errors import InputError
from iepkit.logexport import LOG_FORMATS, neutralise, render_log
from iepkit.testing import pdf_text

TODAY = _dt.date(2026, 11, 1)
#: 10,000 characters with no space (a pasted link, a stuck key): letters no other text on the page uses.
LONG, LONGER = "Q" * 10_000, "Z" * 10_000
#: Text a parent might paste, or an attacker might plant, in any text field.
HOSTILE = [
    "<script>alert('x')</script><b>bold</b>",
    "{{ 7 * 7 }} {% if true %}yes{% endif %} {# note #}",
    "=HYPERLINK(\"http://example.com\",\"click\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    " =1+1",
    "Ms. O'Brien & \"Dr.\" Lee",
]


def _book(tmp_path: Path) -> commlog.CommLog:
    return commlog.open_log(tmp_path / "case.log.sqlite")


@pytest.fixture
def hostile_entries(tmp_path) -> list[commlog.Entry]:
    attached = tmp_path / "=HYPERLINK(1)<i>x.txt"
    attached.write_text("a letter", encoding="utf-8")
    with _book(tmp_path) as book:
        for i, text in enumerate(HOSTILE):
            book.add({"date": f"2026-10-{10 + i:02d}", "kind": "note", "with": text, "summary": text,
                      "follow-up": "2026-12-01"}, today=TODAY)
        book.add({"date": "2026-10-01", "kind": "email", "with": LONG, "summary": LONGER + "\nsecond line"}, today=TODAY,
                 attach=[attached])
        return book.entries()


def test_hostile_text_in_html_is_escaped_and_printed_literally(hostile_entries):
    html = render_log(hostile_entries, "html", today=TODAY)
    assert "<script>" not in html and "<b>bold</b>" not in html and "<i>x" not in html
    visible = html.replace("<wbr>", "")  # break chances in long words add no character
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in visible
    assert "{{ 7 * 7 }} {% if true %}yes{% endif %} {# note #}" in visible
    assert "=HYPERLINK(&#34;http://example.com&#34;,&#34;click&#34;)" in visible
    assert LONG in visible and LONGER + "<br>second line" in visible and "&lt;i&gt;x.txt" in visible


def test_hostile_text_in_pdf_prints_literally(hostile_entries):
    # The 10,000 characters of the Who column take the printer as long as the rest of the
    # suite's logs together; the summary's 10,000 go through the same page-splitting row.
    entries = [e if e.with_whom != LONG else dataclasses.replace(e, with_whom="Q") for e in hostile_entries]
    text = pdf_text(render_log(entries, "pdf", today=TODAY))
    flat = re.sub(r"\s+", "", text)
    for hostile in HOSTILE:
        assert re.sub(r"\s+", "", hostile) in flat, hostile
    # Every character of both, none cut off (the PDF's text breaks them into lines, so count them).
    assert flat.count("Z") == 10_000 and "secondline" in flat


def test_hostile_text_in_docx_is_plain_text_and_adds_no_field(hostile_entries):
    import docx

    data = render_log(hostile_entries, "docx", today=TODAY)
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for hostile in HOSTILE:
        assert any(hostile.strip() in cell for cell in cells), hostile
    assert LONG in cells and any(cell.startswith(LONGER + "\nsecond line") for cell in cells)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:instrText" not in xml and "<w:hyperlink" not in xml and "fldSimple" not in xml


def test_csv_neutralises_every_cell_a_spreadsheet_would_run(hostile_entries):
    rows = list(csv.reader(io.StringIO(render_log(hostile_entries, "csv", today=TODAY))))
    header, body = rows[0], rows[1:]
    who, what = header.index("Who"), header.index("What was said or asked")
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
    by_text = {row[who].removeprefix("'"): row for row in body}
    for hostile in HOSTILE:
        row = by_text[hostile.strip()]
        formula = hostile.lstrip().startswith(("=", "+", "-", "@"))
        assert row[who] == row[what] == ("'" + hostile.strip() if formula else hostile.strip())
    (attached,) = [row[-1] for row in body if row[-1]]
    assert attached.startswith("'=HYPERLINK(1)<i>x.txt ")
    assert any(row[who] == LONG and row[what] == LONGER + "\nsecond line" for row in body)


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("  =1", "'  =1"), ("2026-10-06", "2026-10-06"), ("Ms. Lee", "Ms. Lee"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_control_characters_are_refused_at_input(tmp_path):
    with _book(tmp_path) as book:
        for field, text in (("with", "Ms.\x1b[31mLee"), ("summary", "ok\x00"), ("with", "tab\there"),
                            ("summary", "bell\x07")):
            values = {"date": "2026-10-06", "kind": "call", "with": "Ms. Lee", "summary": "ok", field: text}
            with pytest.raises(InputError) as caught:
                book.add(values, today=TODAY)
            assert caught.value.problems[0].path == field and "control character" in str(caught.value)
            assert "\x1b" not in str(caught.value) and "\x00" not in str(caught.value)
        book.add({"date": "2026-10-06", "kind": "call", "with": "Ms. Lee", "summary": "line one\n\tline two"},
                 today=TODAY)  # line breaks and tabs belong in a longer text
        assert book.count() == 1


def test_printed_log_is_in_date_order_with_open_follow_ups_and_edits_marked(tmp_path):
    with _book(tmp_path) as book:
        book.add({"date": "2026-10-20", "kind": "call", "with": "Third", "summary": "c"}, today=TODAY)
        book.add({"date": "2026-10-01", "kind": "email", "with": "First", "summary": "a",
                  "follow-up": "2026-10-15"}, today=TODAY)
        book.add({"date": "2026-10-05", "kind": "meeting", "with": "Second", "summary": "b",
                  "follow-up": "2026-11-20"}, today=TODAY)
        book.edit(3, {"summary": "b, corrected"}, done=True, today=TODAY)
        entries = book.entries()
    for fmt in ("html", "pdf"):
        out = render_log(entries, fmt, today=TODAY)
        text = pdf_text(out) if fmt == "pdf" else re.sub(r"<[^>]+>", "", out.split("</style>")[1])
        assert text.index("First") < text.index("Second") < text.index("Third")
        assert "OPEN: by October 15, 2026 (past due)" in re.sub(r"\s+", " ", text)
        assert "Done (was due November 20, 2026)" in re.sub(r"\s+", " ", text)
        assert "b, corrected" in text and "Edited" in text and "1 follow-up still open" in re.sub(r"\s+", " ", text)
    rows = list(csv.DictReader(io.StringIO(render_log(entries, "csv", today=TODAY))))
    assert [r["Who"] for r in rows] == ["First", "Second", "Third"]
    assert [r["Follow-up"] for r in rows] == ["open", "done", ""] and [r["Edited"] for r in rows] == ["no", "yes", "no"]


def test_every_format_is_written_owner_only_by_the_command(tmp_path):
    from click.testing import CliRunner

    from iepkit.cli import cli

    log = tmp_path / "case.log.sqlite"
    with commlog.open_log(log) as book:
        book.add({"date": "2026-10-06", "kind": "call", "with": "Ms. Lee", "summary": "ok"})
    for fmt in LOG_FORMATS:
        out = tmp_path / f"log.{fmt}"
        result = CliRunner().invoke(cli, ["log", "export", "--log", str(log), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_mode & 0o777 == 0o600 and out.stat().st_size > 0
    bad = CliRunner().invoke(cli, ["log", "export", "--log", str(log), "-o", str(tmp_path / "log.odt")])
    assert bad.exit_code == 2 and "pdf, html, csv or docx" in bad.output
    assert not (tmp_path / "log.odt").exists()


def test_the_printed_log_names_no_event_id_or_field_name(tmp_path):
    from iepkit.events import EVENT_TYPES

    with _book(tmp_path) as book:
        book.add({"date": "2026-10-08", "kind": "letter-sent", "with": "Dr. Hale", "summary": "Sent my request.",
                  "event": "records-requested", "follow-up": "2026-11-22"}, today=TODAY)
        book.edit(1, {"time": "09:30"}, today=TODAY)
        entries = book.entries()
    html = render_log(entries, "html", today=TODAY).split("</style>")[1]
    text = re.sub(r"<[^>]+>", " ", html) + pdf_text(render_log(entries, "pdf", today=TODAY))
    for word in [*EVENT_TYPES, "follow_up", "with_whom", "recorded_at", "letter-sent"]:
        assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), word
