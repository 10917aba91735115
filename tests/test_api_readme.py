"""Issue #12: the README's partner example, run as written, refuses a time-barred complaint
unless force=True and shows validate() returning each of three mistakes as a Problem."""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def partner_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## For partners: the library"):]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]


def test_the_partner_example_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    out = io.StringIO()
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace: dict = {"__name__": "partner_example"}
        with contextlib.redirect_stdout(out):
            exec(compile(partner_block(), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    finally:
        os.chdir(here)
    printed = out.getvalue()
    problems = namespace["problems"]
    assert [p.path for p in problems] == ["student.date_of_birth", "events[4].type", "district.name"]
    for p in problems:
        assert f"{p.path}: {p.message}" in printed
    assert "Refused: the last day was 2021-03-02 (34 CFR 300.153(c)" in printed
    assert namespace["pdf"].startswith(b"%PDF")
    assert "December 1, 2026" in namespace["letter"]
    assert (tmp_path / "log.pdf").is_file()
