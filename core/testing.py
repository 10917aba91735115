"""Conformance tests every state plugin inherits, like python-holidays' common tests.

In a state plugin's test file::

    from iepkit.testing import StateConformance

    class TestMississippi(StateConformance):
        state = "MS"
        sample_case = "examples/mississippi-case.yaml"

Each test checks something a parent relies on: every process is described
with citations, every letter prints as a blank form in every format, and a
filled letter contains every element its rules require (checked in the text
extracted from the PDF).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from . import api
from .letters import format_value
from .model import COMPARISON_FIELDS

#: The three formal processes IDEA gives every state (34 CFR 300.151-300.153, 300.506, 300.507).
FEDERAL_PROCESSES = ("mediation", "state-complaint", "due-process")


def normalise(text: str) -> str:
    """Collapse whitespace and undo line-break hyphenation, for searching extracted text."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(data: bytes) -> str:
    """The text of a PDF, for assertions (needs pypdf, a test dependency)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    # The running footer would otherwise split a paragraph that crosses a page.
    return normalise(re.sub(r"Page \d+ of \d+", " ", text))


def expected_text(value: object) -> list[str]:
    """How a case value appears in a letter's text: one string per printed line."""
    html = str(format_value(value))
    return [normalise(re.sub(r"<[^>]+>", "", part).replace("&amp;", "&").replace("&#39;", "'")
                      .replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">"))
            for part in html.split("<br>") if part.strip()]


class StateConformance:
    """Subclass with ``state`` (code) and ``sample_case`` (path to a complete case file)."""

    state: ClassVar[str] = ""
    sample_case: ClassVar[str | Path] = ""

    def _case(self):
        return api.load_case(self.sample_case)

    def test_state_is_registered(self):
        st = api.find_state(self.state)
        assert st.code == self.state
        assert api.find_state(st.name.lower()).code == self.state
        assert st.agency.mailing_address, "the agency needs a mailing address"

    def test_federal_processes_present(self):
        ids = {p.id for p in api.processes(self.state)}
        missing = set(FEDERAL_PROCESSES) - ids
        assert not missing, f"missing processes: {sorted(missing)}"

    def test_every_process_fact_is_cited(self):
        for p in api.processes(self.state):
            assert set(p.facts) == set(COMPARISON_FIELDS), p.id
            for key, fact in list(p.facts.items()) + [(f"step {i}", s) for i, s in enumerate(p.steps)]:
                assert fact.cite, f"{p.id}.{key} has no citation"
                assert fact.text.strip(), f"{p.id}.{key} is empty"

    def test_process_letters_exist(self):
        letters = {x.id for x in api.letters(self.state)}
        for p in api.processes(self.state):
            if p.letter:
                assert p.letter in letters, f"{p.id} names letter {p.letter}, which is not registered"

    def test_every_contact_is_sourced(self):
        for c in api.find_state(self.state).contacts:
            assert c.cite, c.id
            assert c.verified or c.note, f"unverified contact {c.id} needs a note saying what to check"

    def test_blank_forms_render_in_every_text_format(self):
        for letter in api.letters(self.state):
            for fmt in ("html", "md", "txt"):
                out = api.render_letter(letter.id, state=self.state, fmt=fmt)
                assert "____" in out, f"{letter.id} {fmt}: a blank form needs fill-in lines"
                for junk in ("None", "Undefined", "{{", "{%"):
                    assert junk not in out, f"{letter.id} {fmt}: template leaked {junk!r}"

    def test_filled_letters_contain_every_required_element(self):
        case = self._case()
        for letter in api.letters(self.state):
            text = pdf_text(api.render_letter(letter.id, case=case, fmt="pdf", notes=False))
            for element in letter.elements:
                if not element.applies(case):
                    continue
                if element.phrase:
                    assert normalise(element.phrase) in text, f"{letter.id}/{element.id}: phrase missing"
                for path in element.fields:
                    value = case.get(path)
                    assert value is not None, f"{letter.id}/{element.id}: sample case lacks {path}"
                    for piece in expected_text(value):
                        assert piece in text, f"{letter.id}/{element.id}: value of {path} missing"

    def test_every_guide_is_cited_and_complete(self):
        guides = api.guides(self.state)
        assert guides, "a state needs guides for the Starter Kit"
        for g in guides:
            assert g.sections, g.id
            for i, point in enumerate(g.statements):
                assert point.cite, f"guide {g.id}, point {i} has no citation"

    def test_recommend_criteria_refer_to_real_processes_and_rules(self):
        from .api import registry

        criteria = registry().criteria_for(self.state)
        if criteria is None:
            return  # the recommender is optional for a state
        processes = {p.id for p in api.processes(self.state)}
        rules = {r.id for r in api.deadline_rules(self.state)}
        for option in criteria.options:
            assert option.process in processes, f"criteria name unknown process {option.process}"
            if option.filing_limit:
                assert option.filing_limit.rule in rules, f"unknown filing-limit rule {option.filing_limit.rule}"
            for w in option.weights:
                assert w.reason or w.caution, f"{option.process}: a weight must explain itself"
        for combo in criteria.combinations:
            assert set(combo.processes) <= processes and combo.statement.cite

    def test_process_deadline_rules_exist(self):
        rules = {r.id for r in api.deadline_rules(self.state)}
        for p in api.processes(self.state):
            missing = set(p.deadline_rules) - rules
            assert not missing, f"{p.id} lists unknown deadline rules {sorted(missing)}"

    def test_blank_kit_renders(self):
        html = api.kit_html(state=self.state)
        assert "Starter Kit" in html and "None" not in parent_prose(html)

    def test_every_letter_element_is_cited(self):
        for letter in api.letters(self.state):
            assert letter.elements, letter.id
            for element in letter.elements:
                assert element.cite, f"{letter.id}/{element.id} has no citation"
                assert element.fields or element.phrase, f"{letter.id}/{element.id} checks nothing"


# -- plain language ---------------------------------------------------------------

_SKIP_CLASSES = {"kit-letter", "cite", "hint", "blank", "unverified"}
_SENTENCE_END = (".", "?", "!", ":", '"')


def parent_prose(html: str) -> str:
    """The parent-facing prose of a page: letters, citations and fill-in hints left out.

    Headings, the contents page and table headers are left out too: short
    labels would make the text look easier than it is. List items and table
    cells end a sentence, so they do not run together.
    """
    from html.parser import HTMLParser

    blocks = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "section", "nav"}

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[bool] = []   # per open element: does it start a skipped region?
            self.skipping = 0
            self.parts: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("br", "meta", "img", "hr", "input"):
                return
            classes = set((dict(attrs).get("class") or "").split())
            skip = tag in ("style", "head", "title", "h1", "h2", "h3", "h4", "nav", "th") \
                or bool(classes & _SKIP_CLASSES)
            self.stack.append(skip)
            self.skipping += skip
            if tag in blocks:
                self._end_sentence()

        def handle_endtag(self, tag):
            if tag in ("br", "meta", "img", "hr", "input") or not self.stack:
                return
            self.skipping -= self.stack.pop()
            if tag in blocks:
                self._end_sentence()

        def handle_data(self, data):
            if not self.skipping:
                self.parts.append(data)

        def _end_sentence(self):
            text = "".join(self.parts).rstrip()
            if text and not text.endswith(_SENTENCE_END):
                self.parts.append(". ")
            else:
                self.parts.append(" ")

    c = Collect()
    c.feed(html)
    c.close()
    text = re.sub(r"\(\s*\)", " ", "".join(c.parts))
    return normalise(re.sub(r"(\.\s*){2,}", ". ", text))


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level: 0.39 (words/sentences) + 11.8 (syllables/words) - 15.59.

    Syllables come from pyphen's en_US hyphenation dictionary (a test dependency).
    """
    import pyphen

    dic = pyphen.Pyphen(lang="en_US")
    sentences = max(1, len(re.findall(r"[.!?:]+(\s|$)", text)))
    words = re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text)
    if not words:
        return 0.0
    syllables = sum(max(1, len(dic.positions(w.lower())) + 1) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
