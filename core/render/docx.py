"""Convert the project's HTML subset to a Word document (.docx) with python-docx.

python-docx is imported here and only here, inside ``html_to_docx``, so
commands that make no Word file (and ``iepkit --help``) start without it.

The letter becomes one section on US Letter paper with "Page N of M" in the
footer; the parent's notes page (``section.notes``) becomes a second section
at the end, starting on a new page, whose footer says it is not part of the
letter. The letter's footer counts only the letter's own pages (a PAGEREF
field to a bookmark on its last paragraph), as the PDF does, so the district
never gets "Page 2 of 3".

Text typed by users arrives here escaped for HTML and is unescaped by the
parser; python-docx stores it as plain text runs, which Word never evaluates:
``=HYPERLINK(...)``, ``{ DDE }`` and ``{{ x }}`` stay characters on the page.
The only fields in the file are the page numbers this module adds itself. A
value starting with ``=``, ``+``, ``-`` or ``@`` is left exactly as typed
(nothing is prepended): formula injection is a spreadsheet problem, and a
changed character would change what the letter says. Control characters,
which XML cannot hold, are dropped.
"""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

# Fonts Word and LibreOffice both have (LibreOffice substitutes metric-compatible ones).
BODY_FONT = "Georgia"
NOTES_FONT = "Arial"
_HEADING_SIZES = {1: 15, 2: 12.5, 3: 11.5, 4: 11}
_BLOCKS = {"p", "div", "section", "h1", "h2", "h3", "h4", "li", "ul", "ol", "header", "footer",
           "address", "blockquote", "table", "tr", "article", "hr"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LETTER_FOOTER = "letter"
_NOTES_FOOTER = "Notes for you: not part of the letter"


#: The bookmark on the letter's last paragraph, when notes follow it.
LETTER_END = "letter_end"


def _bookmark(paragraph: Any, name: str) -> None:
    """Mark ``paragraph`` with a bookmark (for a PAGEREF field to find its page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), "0")
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _add_field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES, SECTIONPAGES) as begin/instruction/separate/result/end runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(char("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")  # shown until Word or LibreOffice updates the field
    paragraph.add_run()._r.append(char("end"))


class _Builder(HTMLParser):
    def __init__(self, doc: Any, *, total_field: str):
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.total_field = total_field
        self.runs: list[tuple[str, frozenset[str]]] = []   # inline pieces of the current block
        self.styles: list[set[str]] = []                     # open inline elements' styles
        self.lists: list[list[int | None]] = []
        self.heading = 0
        self.in_li = False
        self.classes: list[set[str]] = []                    # classes of every open element
        self.tags: list[str] = []
        self.skip = 0
        self.break_before = False
        self.notes = False

    # -- helpers ---------------------------------------------------------------
    def _inside(self, cls: str) -> bool:
        return any(cls in c for c in self.classes)

    def _flush(self) -> None:
        runs, self.runs = self.runs, []
        # Trim the block's leading and trailing spaces and line breaks.
        while runs and not runs[0][0].strip(" "):
            runs.pop(0)
        while runs and not runs[-1][0].strip(" "):
            runs.pop()
        if not runs:
            return
        runs[0] = (runs[0][0].lstrip(" "), runs[0][1])
        runs[-1] = (runs[-1][0].rstrip(" "), runs[-1][1])
        from docx.shared import Inches, Pt, RGBColor

        if self.heading:
            para = self.doc.add_paragraph(style=f"Heading {min(self.heading, 4)}")
        elif self.in_li and self.lists:
            level = len(self.lists)
            counter = self.lists[-1][0]
            if counter is None:
                para = self.doc.add_paragraph(style="List Bullet" if level == 1 else "List Bullet 2")
            else:
                # The number is written as text: Word's list numbering would run on
                # from one list to the next, and the text formats print it the same way.
                para = self.doc.add_paragraph()
                para.paragraph_format.left_indent = Inches(0.3 * level)
                para.paragraph_format.first_line_indent = Inches(-0.25)
                runs.insert(0, (f"{counter}.\t", frozenset()))
                self.lists[-1][0] = counter + 1
        else:
            para = self.doc.add_paragraph()
        fmt = para.paragraph_format
        if self.break_before:
            fmt.page_break_before = True
            self.break_before = False
        if self._inside("signature"):
            fmt.space_before = Pt(18)
        if self._inside("sign-off"):
            # Like the PDF: the sign-off stays whole, and the signature stays with the copy line.
            fmt.keep_together = True
            fmt.keep_with_next = self._inside("signatures")
        if self.in_li:
            fmt.space_after = Pt(2 if self.notes else 3)
        # Lines split at <br>; the spaces the HTML source had around each break go.
        flat: list[tuple[str | None, frozenset[str]]] = []
        for text, style in runs:
            for i, piece in enumerate(text.split("\n")):
                if i:
                    flat.append((None, style))
                flat.append((piece, style))
        for i, (piece, _) in enumerate(flat):
            if piece is not None:
                continue
            for step, strip in ((-1, str.rstrip), (1, str.lstrip)):
                j = i + step
                while 0 <= j < len(flat) and flat[j][0] is not None:
                    text = strip(flat[j][0], " ")
                    flat[j] = (text, flat[j][1])
                    if text:
                        break
                    j += step
        for piece, style in flat:
            if piece is None:
                para.add_run().add_break()
                continue
            if piece:
                run = para.add_run(piece)
                if "b" in style:
                    run.bold = True
                if "i" in style:
                    run.italic = True
                if "small" in style:
                    run.font.size = Pt(8)
                    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
                elif "cite" in style:
                    run.font.size = Pt(9.5)
                    run.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
        if self._inside("copies"):
            for run in para.runs:
                run.font.size = run.font.size or Pt(10.5)

    def _start_notes(self) -> None:
        """The notes page: its own section, on a new page, with its own footer."""
        from docx.enum.section import WD_SECTION

        self.notes = True
        if self.doc.paragraphs:
            _bookmark(self.doc.paragraphs[-1], LETTER_END)
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        footer = section.footer
        footer.is_linked_to_previous = False
        para = footer.paragraphs[0]
        para.text = ""
        _footer_text(para, _NOTES_FOOTER)
        self.break_before = False

    # -- parser callbacks ------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        cls = set((attrs.get("class") or "").split())
        if tag in ("head", "style", "title", "script"):
            self.skip += 1
            return
        if tag == "br":
            self.runs.append(("\n", self._style()))
            return
        if tag in _BLOCKS:
            self._flush()
        if tag not in ("br", "img", "hr", "meta", "link", "input"):
            self.tags.append(tag)
            self.classes.append(cls)
        if tag == "section" and "notes" in cls:
            self._start_notes()
        elif ("page-break" in cls or "kit-letter" in cls) and self.doc.paragraphs:
            self.break_before = True
        if tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else None])
        elif tag == "li":
            self.in_li = True
        elif tag in ("h1", "h2", "h3", "h4"):
            self.heading = int(tag[1])
        if "checkbox" in cls:
            self.runs.append(("\u2610 ", self._style()))

    def handle_endtag(self, tag):
        if tag in ("head", "style", "title", "script"):
            self.skip = max(0, self.skip - 1)
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in self.tags:
            # Close up to the matching tag (the subset is well formed; this tolerates slips).
            while self.tags:
                closed = self.tags.pop()
                self.classes.pop()
                if closed == tag:
                    break
        if tag in ("h1", "h2", "h3", "h4"):
            self.heading = 0
        elif tag == "li":
            self.in_li = False
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def _style(self) -> frozenset[str]:
        style: set[str] = set()
        for tag, cls in zip(self.tags, self.classes):
            if tag in ("strong", "b") or "unverified" in cls:
                style.add("b")
            if tag in ("em", "i"):
                style.add("i")
            if "hint" in cls:
                style.add("small")
            if "cite" in cls:
                style.add("cite")
        return frozenset(style)

    def handle_data(self, data):
        if self.skip:
            return
        data = _CONTROL.sub("", re.sub(r"\s+", " ", data))
        if data:
            self.runs.append((data, self._style()))

    def close(self):
        super().close()
        self._flush()


def _footer_text(paragraph: Any, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _page_numbers(paragraph: Any, total_field: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _add_field(paragraph, total_field)
    for run in paragraph.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _setup(doc: Any, title: str) -> None:
    from docx.shared import Inches, Pt, RGBColor

    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(0.9)
    section.top_margin, section.bottom_margin = Inches(0.9), Inches(0.8)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(11.5)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in _HEADING_SIZES.items():
        style = doc.styles[f"Heading {level}"]
        style.font.name = BODY_FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
        style.paragraph_format.space_before = Pt(12 if level <= 2 else 10)
        style.paragraph_format.space_after = Pt(4)
    for name in ("List Bullet", "List Bullet 2"):
        doc.styles[name].font.name = BODY_FONT
    # The file's properties: the title only. python-docx's template would
    # otherwise name "python-docx" as the author; nothing about the family goes here.
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = ""
    props.comments = props.keywords = props.subject = props.category = ""


def _notes_font(doc: Any) -> None:
    """The notes section reads like the PDF's: a sans-serif face, a size smaller."""
    from docx.shared import Pt

    after = False
    for para in doc.paragraphs:
        if not after and para.text.startswith("Notes for you"):
            after = True
        if after:
            for run in para.runs:
                run.font.name = NOTES_FONT
                if run.font.size is None:
                    run.font.size = Pt(9.5)


def kit_letters_part(html: str) -> str:
    """The Starter Kit page cut down to its Letters part: the list of letters and each letter.

    The Word kit is the part a parent edits; guides, worksheets and log pages
    are for printing (PDF) or reading (HTML). The part runs from the kit's
    ``id="letters"`` section to the next part of the kit.
    """
    start = html.index('<section class="flow letters-intro" id="letters">')
    end = html.find('<section class="part"', start)
    if end < 0:
        end = html.index("</body>", start)
    return html[start:end]


def html_to_docx(html: str, title: str = "") -> bytes:
    """A .docx file (bytes) holding the page ``html`` in the project's HTML subset."""
    try:
        import docx
    except ImportError as exc:
        from ..errors import IepkitError
        raise IepkitError(f"Word output needs python-docx ({exc}). Use --format pdf, html, md or txt, "
                          "or reinstall iepkit.") from None
    doc = docx.Document()
    _setup(doc, title)
    has_notes = 'class="notes' in html
    # With notes after it, the letter counts only its own pages, like the PDF: the total is
    # the page of a bookmark on the letter's last paragraph. (SECTIONPAGES did the same in
    # Word, but LibreOffice shows its stored value, so page 2 read "Page 2 of 1".)
    total = f"PAGEREF {LETTER_END} \\h" if has_notes else "NUMPAGES"
    _page_numbers(doc.sections[0].footer.paragraphs[0], total)
    builder = _Builder(doc, total_field=total)
    builder.feed(html)
    builder.close()
    if builder.notes:
        _notes_font(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
