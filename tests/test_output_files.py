"""Files a command writes or reads: endings iepkit cannot write, --format that disagrees, Windows paths.

Issue #7 points 1 and 9: `-o sc.docx` used to write a PDF named .docx and say
"Wrote sc.docx"; `-o 'out\\letter.pdf'` made one file with a backslash in its name.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from iepkit.cli import cli as iepkit_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mississippi-case.yaml"


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Run in an empty folder, so anything written by mistake shows up."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(iepkit_cli, list(args), env={"COLUMNS": "80"})


def one_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
    return result.stderr


# -- point 1: endings iepkit cannot write ------------------------------------------

# .docx is written since issue #9; the endings of other word processors are still refused.
@pytest.mark.parametrize("name", ["sc.doc", "sc.rtf", "sc.odt", "SC.RTF", "sc.pages"])
def test_a_letter_refuses_an_ending_it_cannot_write(here, name):
    err = one_error(run("letter", "state-complaint", "--case", str(EXAMPLE), "-o", name))
    assert f"{name}: iepkit cannot write a letter as a .{Path(name).suffix.lower()[1:]} file" in err
    assert "It can write pdf, html, md, txt or docx" in err and f"-o {Path(name).stem}.pdf" in err
    assert list(here.iterdir()) == []


def test_the_kit_refuses_an_ending_it_cannot_write(here):
    for name in ("kit.odt", "kit.md", "kit.txt"):
        err = one_error(run("kit", "--state", "MS", "-o", name))
        assert "iepkit cannot write the kit as a ." in err and "It can write pdf, html or docx" in err
    assert list(here.iterdir()) == []


@pytest.mark.parametrize("args, fragment", [
    (["letter", "state-complaint", "--state", "MS", "--format", "pdf", "-o", "x.html"],
     "--format pdf does not match x.html, which ends in .html. Use -o x.pdf, or leave out --format"),
    (["letter", "state-complaint", "--state", "MS", "--format", "txt", "-o", "x.md"],
     "--format txt does not match x.md"),
    (["kit", "--state", "MS", "--format", "html", "-o", "kit.pdf"],
     "--format html does not match kit.pdf, which ends in .pdf. Use -o kit.html"),
])
def test_format_that_contradicts_the_ending_is_an_error(here, args, fragment):
    assert fragment in one_error(run(*args))
    assert list(here.iterdir()) == []


def test_a_name_without_an_ending_is_written_in_the_format_asked_and_says_so(here):
    result = run("letter", "mediation-request", "--state", "MS", "--format", "txt", "-o", "request")
    assert result.exit_code == 0, result.output
    assert "request has no ending, so it is written as txt (as --format asked)" in result.stderr
    assert "Name it request.txt" in result.stderr
    text = (here / "request").read_text("utf-8")
    assert "Please assign a mediator" in text and not text.startswith("%PDF")
    # Endings in any case, and their other spellings, still choose the format.
    for name, fmt in (("A.HTML", "html"), ("b.htm", "html"), ("c.Markdown", "md"), ("d.TXT", "txt")):
        result = run("letter", "mediation-request", "--state", "MS", "-o", name)
        assert result.exit_code == 0, result.output
        text = (here / name).read_text("utf-8")
        assert text.startswith("<!DOCTYPE html>") == (fmt == "html")
        assert ("\\\n" in text) == (fmt == "md")  # Markdown's hard line breaks
        assert f"Wrote {name}" in result.stderr



def test_calendar_and_answers_files_need_their_endings(here):
    err = one_error(run("deadlines", "--case", str(EXAMPLE), "--ics", "dates.txt"))
    assert "dates.txt: a calendar file must end in .ics, like dates.ics" in err
    err = one_error(run("deadlines", "--case", str(EXAMPLE), "--ics", "dates"))
    assert "like dates.ics" in err
    err = one_error(run("recommend", "--state", "MS", "--save-answers", "answers.txt"))
    assert "answers.txt: an answers file must end in .yaml or .yml, like answers.yaml" in err
    assert list(here.iterdir()) == []


def test_problems_with_several_files_come_in_one_message(here):
    err = one_error(run("letter", "state-complaint", "--case", "cases\\jr.yaml", "-o", "out\\sc.rtf"))
    assert err.startswith("error: 3 problems with the files given:")
    assert "cases\\jr.yaml: file not found" in err and "out\\sc.rtf: iepkit cannot write" in err
    # A missing folder is found before any work too, with the other problems.
    err = one_error(run("kit", "--state", "MS", "-o", "no/such/kit.doc"))
    assert "no/such/kit.doc: the folder no/such does not exist" in err and "as a .doc file" in err


# -- point 9: Windows-style paths ----------------------------------------------------

WINDOWS_HINT = "this looks like a Windows path: on this computer folders are separated by /"


@pytest.mark.parametrize("args, shown", [
    (["letter", "mediation-request", "--state", "MS", "-o", "out\\letter.pdf"], "like out/letter.pdf"),
    (["kit", "--state", "MS", "--output", "out\\kit.html"], "like out/kit.html"),
    (["deadlines", "--case", str(EXAMPLE), "--ics", "out\\dates.ics"], "like out/dates.ics"),
    (["recommend", "--state", "MS", "--save-answers", "out\\answers.yaml"], "like out/answers.yaml"),
])
def test_a_windows_output_path_is_pointed_out_and_nothing_is_written(here, args, shown):
    (here / "out").mkdir()
    err = one_error(run(*args))
    assert WINDOWS_HINT in err and shown in err
    assert [p.name for p in here.iterdir()] == ["out"] and list((here / "out").iterdir()) == []


@pytest.mark.parametrize("args", [
    ["letter", "mediation-request", "--case", "dir\\case.yaml"],
    ["deadlines", "--case", "dir\\case.yaml"],
    ["recommend", "--case", "dir\\case.yaml"],
    ["kit", "--case", "dir\\case.yaml"],
    ["recommend", "--state", "MS", "--answers", "dir\\case.yaml"],
    ["kit", "--state", "MS", "--answers", "dir\\case.yaml"],
])
def test_a_windows_input_path_says_why_it_is_not_found(here, args):
    err = one_error(run(*args))
    assert "dir\\case.yaml: file not found. This looks like a Windows path" in err
    assert "like dir/case.yaml" in err


def test_a_drive_letter_path_shows_only_its_last_parts(here):
    err = one_error(run("deadlines", "--case", "C:\\Users\\dana\\case.yaml"))
    assert "like dana/case.yaml" in err
    # A file that really has a backslash in its name is still read.
    odd = here / "odd\\case.yaml"
    odd.write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    result = run("deadlines", "--case", "odd\\case.yaml", "--json")
    assert result.exit_code == 0, result.output


def test_the_library_follows_the_same_endings(here):
    from iepkit import api
    from iepkit.errors import IepkitError

    with pytest.raises(IepkitError, match=r"x.odt: iepkit cannot write a letter as a .odt file. It can "
                                          r"write pdf, html, md, txt or docx; for example: \S*x.pdf$"):
        api.write_letter(here / "x.odt", "mediation-request", state="MS")
    with pytest.raises(IepkitError, match=r"fmt pdf does not match .*x.html, which ends in .html"):
        api.write_letter(here / "x.html", "mediation-request", state="MS", fmt="pdf")
    with pytest.raises(IepkitError, match="iepkit cannot write the kit as a .md file. It can write pdf, html or docx"):
        api.write_kit(here / "kit.md", state="MS")
    assert list(here.iterdir()) == []
    api.write_letter(here / "x.html", "mediation-request", state="MS")  # the ending picks the format
    assert (here / "x.html").read_text("utf-8").startswith("<!DOCTYPE html>")
