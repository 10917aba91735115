"""The docs a user reads first must render as written (issue #7 point 19)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "core" / "deadlines.md"]


def table_starts_without_header(text: str) -> list[int]:
    """Line numbers of table rows that begin a table but are not a header.

    In Markdown a table starts with a header row and a |---| row; a blank line
    inside a table ends it, and the rows after it print as plain text.
    """
    lines = text.splitlines()
    bad = []
    in_code = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("|"):
            continue
        starts = i == 0 or not lines[i - 1].startswith("|")
        separator = i + 1 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip())
        if starts and not separator:
            bad.append(i + 1)
    return bad


def test_the_check_finds_a_table_broken_by_a_blank_line():
    broken = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n"
    assert table_starts_without_header(broken) == [5]
    assert table_starts_without_header(broken.replace("\n\n", "\n")) == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_table_has_its_header(doc):
    assert table_starts_without_header(doc.read_text(encoding="utf-8")) == []
