"""The printed communication log, to bring to mediation, a meeting or a hearing.

Laid out like the Starter Kit's log pages (the same five columns and CSS,
``templates/log.html``), filled in from the log: the latest version of each
entry in date order, edited entries marked, open follow-ups flagged. PDF and
HTML come from one page (WeasyPrint prints it), Word from the same rows with
python-docx, CSV with the csv module for a spreadsheet.

What the parent typed is data, never markup: HTML escapes it (Jinja2
autoescape), Word stores it as plain runs, and a CSV cell that a spreadsheet
would run as a formula is neutralised with a leading quote mark.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from typing import Any, Sequence

from markupsafe import Markup, escape

from .commlog import KINDS, Entry, shown_time, sort_key
from .letters import add_filters, format_date
from .render.html import page, shared_environment

#: The formats a log can be written in.
LOG_FORMATS: tuple[str, ...] = ("pdf", "html", "csv", "docx")
TITLE = "Communication log"
_COLUMNS = ("Date", "Who (name and role)", "How (call, email, meeting, letter)", "What was said or asked",
            "Follow-up and by when")
#: A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: In print, a word longer than this may break at every this many characters.
WORD_BREAK = 8


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: a formula-like start gets a leading quote mark (OWASP)."""
    if cell.startswith(_FORMULA_START) or cell.lstrip().startswith(_FORMULA_START[:4]):
        return "'" + cell
    return cell


def _follow_up(e: Entry, today: _dt.date) -> str:
    if e.follow_up is None:
        return ""
    if e.follow_up_open:
        return f"OPEN: by {format_date(e.follow_up)}" + (" (past due)" if e.follow_up < today else "")
    return f"Done (was due {format_date(e.follow_up)})"


_LONG_WORD = re.compile(r"(\S{%d,})" % (WORD_BREAK * 2))


def breakable(value: Any) -> Markup:
    """Text as escaped HTML with its line breaks, where a very long word (a pasted link, a run of
    characters) may break every WORD_BREAK characters (``<wbr>``, which adds no character).

    Without it the printer tries every position of such a word for a break: a
    10,000-character one takes it most of a minute.
    """
    lines = []
    for line in str(value).split("\n"):
        pieces = _LONG_WORD.split(line)  # odd positions hold the long words
        lines.append(Markup("").join(
            Markup("<wbr>").join(escape(p[i:i + WORD_BREAK]) for i in range(0, len(p), WORD_BREAK))
            if n % 2 else escape(p) for n, p in enumerate(pieces)))
    return Markup("<br>").join(lines)


def log_html(entries: Sequence[Entry], *, today: _dt.date, student_name: str | None = None) -> str:
    """The log as one self-contained, printable HTML page."""
    ordered = sorted(entries, key=sort_key)
    env = add_filters(shared_environment().overlay())
    env.filters["breakable"] = breakable
    env.filters["logged"] = shown_time
    body = env.get_template("log.html").render(
        entries=ordered, kinds=KINDS, today=today, student_name=student_name,
        open_count=sum(e.follow_up_open for e in ordered), edited_count=sum(e.edited for e in ordered))
    title = f"{TITLE}: {student_name}" if student_name else TITLE
    return page(title, body, stylesheets=("print.css", "kit.css", "log.css"))


def log_csv(entries: Sequence[Entry], *, today: _dt.date) -> str:
    """The log as CSV, one row per entry (latest version), with a header row.

    It starts with a byte order mark so Excel reads it as UTF-8 (accents, curly quotes).
    """
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["Entry", "Version", "Date", "Time", "How", "Who", "What was said or asked",
                     "Follow-up by", "Follow-up", "Edited", "Added (UTC)", "This version written (UTC)",
                     "Attached files (name and SHA-256)"])
    for e in sorted(entries, key=sort_key):
        attached = "; ".join(f"{a.original_name} {a.sha256}" for a in e.attachments)
        row = [str(e.id), str(e.version), e.date.isoformat(), e.time or "", KINDS[e.kind], e.with_whom,
               e.summary, e.follow_up.isoformat() if e.follow_up else "",
               ("open" if e.follow_up_open else "done") if e.follow_up else "", "yes" if e.edited else "no",
               e.created_at, e.recorded_at, attached]
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def log_docx(entries: Sequence[Entry], *, today: _dt.date, student_name: str | None = None) -> bytes:
    """The log as a Word file: the same table as the PDF, on US Letter with page numbers."""
    try:
        import docx
        from docx.shared import Inches, Pt
    except ImportError as exc:
        from .errors import IepkitError
        raise IepkitError(f"Word output needs python-docx ({exc}). Use a .pdf, .html or .csv file.") from None
    from .render.docx import _page_numbers, _setup

    ordered = sorted(entries, key=sort_key)
    title = f"{TITLE}: {student_name}" if student_name else TITLE
    doc = docx.Document()
    _setup(doc, title)
    _page_numbers(doc.sections[0].footer.paragraphs[0], "NUMPAGES")
    doc.add_paragraph(title, style="Heading 1")
    open_count = sum(e.follow_up_open for e in ordered)
    meta = (f"{len(ordered)} entr{'y' if len(ordered) == 1 else 'ies'}, in date order. "
            f"Printed {format_date(today)}.")
    para = doc.add_paragraph(meta)
    if open_count:
        para.add_run(f" {open_count} follow-up{'' if open_count == 1 else 's'} still open, marked OPEN.").bold = True
    table = doc.add_table(rows=1, cols=len(_COLUMNS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, _COLUMNS):
        cell.paragraphs[0].add_run(heading).bold = True
    for e in ordered:
        day = (format_date(e.date) + (f"\n{e.time}" if e.time else "")
               + f"\nNo. {e.id}\nLogged {shown_time(e.created_at)}"
               + (f"\nEdited* {shown_time(e.recorded_at)}" if e.edited else ""))
        what = e.summary + "".join(f"\nCopy kept: {a.original_name} (SHA-256 {a.sha256})" for a in e.attachments)
        cells = table.add_row().cells
        for cell, text in zip(cells, (day, e.with_whom, KINDS[e.kind], what, _follow_up(e, today))):
            run = cell.paragraphs[0].add_run(text)  # a plain run: Word never evaluates it
            run.font.size = Pt(9.5)
            if text.startswith("OPEN"):
                run.bold = True
    for row in table.rows:
        for cell, width in zip(row.cells, (1.15, 1.2, 1.0, 2.55, 1.2)):
            cell.width = Inches(width)
    if any(e.edited for e in ordered):
        doc.add_paragraph("* Edited: this is the latest version of the entry. Every earlier version is kept "
                          "in the log, with the time it was written.")
    doc.add_paragraph("Under each date is when the entry was written in the log, in UTC (Coordinated Universal "
                      "Time). A copy of each attached file is kept with the log; its SHA-256 fingerprint shows "
                      "whether a copy shown later is the same file.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_log(entries: Sequence[Entry], fmt: str, *, today: _dt.date | None = None,
               student_name: str | None = None) -> bytes | str:
    """The log in ``fmt`` (one of LOG_FORMATS): PDF or DOCX bytes, HTML or CSV text."""
    today = today or _dt.date.today()
    if fmt == "csv":
        return log_csv(entries, today=today)
    if fmt == "docx":
        return log_docx(entries, today=today, student_name=student_name)
    html = log_html(entries, today=today, student_name=student_name)
    if fmt == "html":
        return html
    from .render.pdf import html_to_pdf
    return html_to_pdf(html)
