"""How a letter falls on paper: its own page count, and a sign-off that stays whole.

A letter is followed by a notes page the parent removes before sending, so the
footer must count only the letter's pages ("Page 2 of 2", never "Page 2 of 3").
The signature block and the "copy to" line go together, with the letter's last
lines: a page holding only the copy line, a "Sincerely," whose signature is on
the next sheet, or a signature with no words of the letter above it looks like a
stray page to the person who receives it.
"""
from __future__ import annotations

import copy
import datetime
import html as _html
import io
import re
from pathlib import Path

import pytest
import yaml

from iepkit import api
from iepkit.testing import normalise


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "mississippi-case.yaml"
TODAY = datetime.date(2026, 12, 1)
NOTES_HEADING = "Notes for you (not part of the letter)"
FILLER = ("On each school day that week the therapist did not come, and no one told me why the session "
          "was cancelled. ")


def _example() -> dict:
    with EXAMPLE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _long(sentences: int, extra_words: int = 0) -> dict:
    """The example case with a long summary, so the letter breaks across more pages."""
    data = copy.deepcopy(_example())
    data["dispute"]["summary"] += " " + FILLER * sentences + "again " * extra_words
    return data


# Each long case moves the page break to a different place in the letters; on
# the old layout one of them left "cc:" or "Copy sent..." alone on a page, or
# split "Sincerely," from the signature line.
VARIANTS = {
    "example": _example,
    "blank form": lambda: None,
    "long summary": lambda: _long(10),
    "very long summary": lambda: _long(21, 36),
}
LETTERS = [letter.id for letter in api.letters("MS")]


def _pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [normalise(p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def _first_words(html: str, css_class: str, words: int) -> str:
    """The first words of an element, as they print (before any fill-in line)."""
    found = re.search(rf'<(p|div) class="{css_class}">(.*?)</\1>', html, re.S)
    assert found, f"the letter has no .{css_class} block"
    text = normalise(_html.unescape(re.sub(r"<[^>]+>", " ", found.group(2))))
    text = re.split(r"_{3,}|\(", text)[0]
    return " ".join(text.split()[:words])


@pytest.fixture(scope="module", params=[(lid, v) for lid in LETTERS for v in VARIANTS],
                ids=lambda p: f"{p[0]}-{p[1].replace(' ', '-')}")
def rendered(request):
    letter_id, variant = request.param
    data = VARIANTS[variant]()
    case = api.parse_case(data, "case.yaml") if data is not None else None
    kwargs = {"case": case} if case is not None else {"state": "MS"}
    html = api.render_letter(letter_id, fmt="html", today=TODAY, **kwargs)
    pdf = api.render_letter(letter_id, fmt="pdf", today=TODAY, **kwargs)
    return html, _pages(pdf)


def test_footer_counts_only_the_letters_own_pages(rendered):
    _, pages = rendered
    notes_at = next(i for i, text in enumerate(pages) if text.startswith(NOTES_HEADING))
    letter_pages = pages[:notes_at]
    total = len(letter_pages)
    assert total >= 1
    for number, text in enumerate(letter_pages, start=1):
        assert f"Page {number} of {total}" in text
    assert f"Page {total} of {total}" in letter_pages[-1]
    for text in pages[notes_at:]:
        # The notes page is not a page of the letter: no number, its own label.
        assert not re.search(r"Page \d+ of \d+", text)
        assert "Notes for you: not part of the letter" in text


def test_signature_and_copy_line_share_a_page(rendered):
    html, pages = rendered
    sign = _first_words(html, "signatures", 3)
    # A letter that goes to one reader only (the records request) has no copy line:
    # then its signature block is checked alone.
    copy_line = _first_words(html, "copies", 4) if 'class="copies"' in html else sign
    assert sign and copy_line
    letter_pages = [t for t in pages if not t.startswith(NOTES_HEADING)]
    on = [i for i, t in enumerate(letter_pages) if copy_line in t]
    assert on, f"the copy line {copy_line!r} is missing"
    page = letter_pages[on[-1]]
    assert sign in page, f"page {on[-1] + 1} holds the copy line without the signature block"
    assert "Signature:" in page
    # Some of the letter's own words come with it: a page holding only a
    # signature could be attached to any letter.
    assert not page.startswith(sign), f"page {on[-1] + 1} holds only the sign-off"
    # The signature block is whole: its first line and the signature line together.
    for text in letter_pages:
        assert (sign in text) == ("Signature:" in text)


def test_letter_without_notes_counts_all_its_pages():
    pdf = api.render_letter("state-complaint", case=api.parse_case(_long(10), "case.yaml"), today=TODAY,
                            notes=False)
    pages = _pages(pdf)
    assert not any(NOTES_HEADING in t for t in pages)
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
