"""Convert the project's HTML subset to plain text or Markdown.

Text typed by users arrives here already escaped for HTML and is unescaped by
the parser, so it comes out exactly as typed; in Markdown it is escaped again
so that a Markdown viewer shows it literally too.
"""
from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "section", "h1", "h2", "h3", "h4", "li", "ul", "ol", "hr", "header", "footer",
           "address", "blockquote", "table", "tr"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


class _Converter(HTMLParser):
    def __init__(self, markdown: bool, width: int):
        super().__init__(convert_charrefs=True)
        self.md = markdown
        self.width = width
        self.out: list[str] = []          # finished blocks
        self.buf: list[str] = []          # inline pieces of the current block
        self.lists: list[list[int | None]] = []  # stack of [counter or None]
        self.heading: int = 0
        self.prefix: str = ""             # list marker for the current block
        self.skip = 0                     # inside <head>, <style>, <title>
        self.raw_blank = 0                # inside span.blank: keep underscores as they are

    # -- helpers -------------------------------------------------------------
    def _flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if not lines:
            return
        indent = "  " * max(len(self.lists) - 1, 0)
        if self.heading:
            line = " ".join(lines)
            if self.md:
                self.out.append("#" * self.heading + " " + line)
            else:
                self.out.append(line.upper() if self.heading == 1 else line)
                self.out.append(("=" if self.heading == 1 else "-") * min(len(line), self.width))
            self.out.append("")
            return
        first = indent + self.prefix
        rest = indent + " " * len(self.prefix)
        rendered: list[str] = []
        for i, ln in enumerate(lines):
            lead = first if i == 0 else rest
            if self.md:
                ln = _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", ln)
                rendered.append(lead + ln + ("\\" if i < len(lines) - 1 else ""))
            else:
                rendered.extend(textwrap.wrap(ln, self.width, initial_indent=lead, subsequent_indent=rest,
                                              break_long_words=False, break_on_hyphens=False) or [lead])
        self.out.extend(rendered)
        if not self.prefix:
            self.out.append("")
        self.prefix = ""

    # -- parser callbacks ------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        cls = attrs.get("class", "") or ""
        if tag in ("head", "style", "title", "script"):
            self.skip += 1
            return
        if tag == "br":
            self.buf.append("\n")
            return
        if tag == "span" and "blank" in cls.split():
            self.raw_blank += 1
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol"):
            if self.out and self.out[-1] != "" and not self.lists:
                self.out.append("")
            self.lists.append([1 if tag == "ol" else None])
        elif tag == "li" and self.lists:
            counter = self.lists[-1][0]
            if counter is None:
                self.prefix = "- "
            else:
                self.prefix = f"{counter}. "
                self.lists[-1][0] = counter + 1
        elif tag in ("h1", "h2", "h3", "h4"):
            self.heading = int(tag[1])
        elif tag == "hr":
            self.out.extend(["---" if self.md else "-" * min(40, self.width), ""])
        elif tag in ("strong", "b") and self.md:
            self.buf.append("**")
        elif tag in ("em", "i") and self.md:
            self.buf.append("_")
        elif "checkbox" in cls.split():
            self.buf.append("[ ] " if not self.md else "\\[ \\] ")
        if "page-break" in cls.split():
            self.out.extend(["", "=" * min(60, self.width) if not self.md else "---", ""])

    def handle_endtag(self, tag):
        if tag in ("head", "style", "title", "script"):
            self.skip = max(0, self.skip - 1)
            return
        if tag == "span" and self.raw_blank:
            self.raw_blank -= 1
            return
        if tag in ("strong", "b") and self.md:
            self.buf.append("**")
        elif tag in ("em", "i") and self.md:
            self.buf.append("_")
        if tag in _BLOCKS:
            self._flush()
        if tag in ("h1", "h2", "h3", "h4"):
            self.heading = 0
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self.out.append("")

    def handle_data(self, data):
        if self.skip:
            return
        data = re.sub(r"\s+", " ", data)
        if self.md and not self.raw_blank:
            data = _md_escape(data)
        self.buf.append(data)

    def result(self) -> str:
        self._flush()
        text = "\n".join(self.out)
        text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
        if self.md:
            text = re.sub(r"\*\*\s*\*\*", "", text)
        return text


def html_to_text(html: str, width: int = 78) -> str:
    """Plain text, wrapped at ``width`` columns."""
    conv = _Converter(markdown=False, width=width)
    conv.feed(html)
    conv.close()
    return conv.result()


def html_to_markdown(html: str) -> str:
    """CommonMark; characters that Markdown would interpret are backslash-escaped."""
    conv = _Converter(markdown=True, width=10**6)
    conv.feed(html)
    conv.close()
    return conv.result()
