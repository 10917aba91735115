"""Text for the terminal that fits its width: a table when it fits, stacked blocks when not.

A line wider than the terminal wraps in the middle of words and columns
("TR/IGGER"), which makes a list of legal deadlines hard to read. Everything
here is wrapped to ``width()``, which follows the terminal and the COLUMNS
variable; when output goes to a file or a pipe it is 80 columns.
"""
from __future__ import annotations

import re
import textwrap
from typing import Sequence

#: Narrower than this and wrapping makes things worse, not better.
MIN_WIDTH = 30
_STEP = re.compile(r"^(\s*(?:\d+\.|-|\*|\+|!)?\s*)")


def width() -> int:
    """The terminal's width in columns (COLUMNS wins; 80 when not a terminal)."""
    import shutil  # here, not at the top: it loads the compression modules, and --help needs none
    return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)


def wrap(text: str, cols: int, indent: str = "", hang: str | None = None) -> list[str]:
    """One paragraph as lines of at most ``cols`` characters.

    ``hang`` indents the lines after the first (default: under the text, past ``indent``).
    Hyphenated ids such as rule names are not split at their hyphens.
    """
    hang = " " * len(indent) if hang is None else hang
    return textwrap.wrap(text, cols, initial_indent=indent, subsequent_indent=hang,
                         break_on_hyphens=False) or [indent.rstrip()]


def wrap_lines(text: str, cols: int) -> str:
    """Text of several lines, each wrapped; list items and numbered steps keep a hanging indent."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        lead = _STEP.match(line).group(1)
        out += wrap(line[len(lead):], cols, indent=lead)
    return "\n".join(out)


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> list[str]:
    """Rows in aligned columns, as lines (trailing spaces removed)."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    return lines


def fits(lines: Sequence[str], cols: int) -> bool:
    return all(len(line) <= cols for line in lines)


def block(title: str, fields: Sequence[tuple[str, str]], cols: int) -> list[str]:
    """One item stacked: its title, then "Name: value" lines indented under it, all wrapped."""
    lines = wrap(title, cols)
    for name, value in fields:
        lines += wrap(value, cols, indent=f"  {name}: ", hang="    ")
    return lines
