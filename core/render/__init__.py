"""Renderers: one letter or guide, as HTML, drives PDF, Markdown and plain text.

Templates produce a small, semantic subset of HTML (headings, paragraphs,
lists, a few classed spans and divs). ``html`` wraps it in a printable page,
``pdf`` prints that page with WeasyPrint, ``text`` converts the subset to
Markdown or plain text and ``docx`` to a Word document, so every format says
exactly the same thing.
"""
from __future__ import annotations

FORMATS = ("pdf", "html", "md", "txt", "docx")
