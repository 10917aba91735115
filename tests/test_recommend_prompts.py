"""The recommender's questions at a terminal (issue #7 point 14).

Enter never answers for the parent, answers are read in any case, each
question lists its choices once, and --save-answers keeps the answers for --answers.
"""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from iepkit import api
from iepkit import cli as cli_module


@pytest.fixture
def terminal(monkeypatch):
    """Pretend a person is at a terminal; returns a function that types the given lines."""
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)

    def typed(*args: str, lines: list[str], columns: int = 200):
        return CliRunner().invoke(cli_module.cli, ["recommend", "--today", "2026-12-01", *args],
                                  input="".join(x + "\n" for x in lines), env={"COLUMNS": str(columns)})
    return typed


# Answers for every question, in order: issues, willing, relationship, bad faith, formal
# finding, urgent (optional), violation date (optional), known date (optional).
ALL = ["1", "y", "working", "n", "n", "", "", ""]


def saved(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def test_enter_on_the_first_question_does_not_pick_an_answer(terminal, tmp_path):
    out = tmp_path / "answers.yaml"
    result = terminal("--state", "MS", "--save-answers", str(out), lines=["", "5"] + ALL[1:])
    assert result.exit_code == 0, result.output
    assert "Please pick at least one" in result.output
    assert saved(out)["issues"] == ["evaluation"]  # not service-amount, the old default


def test_enter_on_a_yes_no_question_asks_again(terminal, tmp_path):
    out = tmp_path / "answers.yaml"
    result = terminal("--state", "MS", "--save-answers", str(out),
                      lines=["1", "", "maybe", "n", "working", "n", "n", "", "", ""])
    assert result.exit_code == 0, result.output
    assert result.output.count("Please type y (yes) or n (no).") == 2
    assert api.load_answers(out)["school_willing_to_talk"] is False


def test_answers_in_any_case(terminal, tmp_path):
    out = tmp_path / "answers.yaml"
    result = terminal("--state", "MS", "--save-answers", str(out),
                      lines=["3, Evaluation", "YES", "Strained", "No", "Y", "n", "", ""])
    assert result.exit_code == 0, result.output
    assert "is not one of" not in result.output
    got = api.load_answers(out)
    assert got == {"issues": ["placement", "evaluation"], "school_willing_to_talk": True,
                   "relationship": "strained", "bad_faith_evidence": False, "want_formal_finding": True,
                   "urgent": False}


def test_each_choice_is_shown_once(terminal):
    result = terminal("--state", "MS", lines=["1", "y", "fine", "", "broken", "n", "n", "", "", ""])
    assert result.exit_code == 0, result.output
    out = result.output
    # The question names the choices; click must not list them again in brackets.
    question = "How is your relationship with the school: working, strained or broken?"
    assert out.count(question) == 3  # asked three times: "fine" and Enter are not answers
    assert "[working, strained, broken]" not in out and "(working, strained, broken)" not in out
    assert "'fine' is not one of the answers: type working, strained or broken." in out
    assert "Please type working, strained or broken." in out
    assert "default" not in out.lower() and "[y/N]" not in out and "[Y/n]" not in out
    assert out.count("  5. evaluation:") == 1


def test_questions_fit_a_narrow_terminal(terminal):
    result = terminal("--state", "MS", lines=ALL, columns=80)
    assert result.exit_code == 0, result.output
    long = [line for line in result.output.splitlines() if len(line) > 80]
    assert long == []
    assert "How is your relationship with the school: working, strained or\nbroken? working" in result.output


def test_optional_questions_say_they_can_be_skipped(terminal, tmp_path):
    out = tmp_path / "answers.yaml"
    result = terminal("--state", "MS", "--save-answers", str(out), lines=ALL)
    assert result.exit_code == 0, result.output
    assert "Questions marked (optional) can be skipped by pressing Enter." in " ".join(result.output.split())
    assert "Is this urgent for your child? [y/n] (optional: press Enter to skip)" in result.output
    assert "Is the school still willing to talk with you about it? [y/n] " in result.output
    assert "Is the school still willing to talk with you about it? [y/n] (optional" not in result.output
    assert set(saved(out)) == {"issues", "school_willing_to_talk", "relationship", "bad_faith_evidence",
                               "want_formal_finding"}


def test_saved_answers_merge_the_case_the_file_and_the_questions(terminal, tmp_path, cli):
    case = tmp_path / "case.yaml"
    case.write_text("state: MS\ndispute:\n  issue_types: [placement]\nanswers:\n  relationship: broken\n"
                    "events:\n  - type: violation-occurred\n    date: 2026-09-08\n", "utf-8")
    given = tmp_path / "given.yaml"
    given.write_text("school_willing_to_talk: no\n", "utf-8")
    out = tmp_path / "all.yml"
    # Asked: bad faith, formal finding, urgent (skipped), known date (a bad one, then a real one).
    result = terminal("--case", str(case), "--answers", str(given), "--save-answers", str(out),
                      lines=["y", "Yes", "", "2026-02-30", "2026-09-15"])
    assert result.exit_code == 0, result.output
    assert "What is the disagreement about?" not in result.output  # the case answered it
    assert f"Wrote {out}" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.yml", "case.yaml", "given.yaml"]
    import datetime as dt
    assert api.load_answers(out) == {
        "issues": ["placement"], "relationship": "broken", "violation_date": dt.date(2026, 9, 8),
        "school_willing_to_talk": False, "bad_faith_evidence": True, "want_formal_finding": True,
        "known_date": dt.date(2026, 9, 15)}
    text = out.read_text("utf-8")
    assert "# Is the school still willing to talk with you about it?\nschool_willing_to_talk: no\n" in text
    # Read back with no terminal: nothing needs typing again.
    again = cli("recommend", "--state", "MS", "--answers", str(out), "--today", "2026-12-01", "--json")
    assert again.returncode == 0, again.stderr


def test_a_bad_save_path_stops_before_any_question(terminal, tmp_path):
    result = terminal("--state", "MS", "--save-answers", str(tmp_path / "no" / "a.yaml"), lines=ALL)
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert "What is the disagreement about?" not in result.output


def test_save_answers_without_a_terminal(cli, tmp_path):
    given = tmp_path / "given.yaml"
    given.write_text("issues: [discipline]\nschool_willing_to_talk: yes\nrelationship: working\n"
                     "bad_faith_evidence: no\nwant_formal_finding: no\n", "utf-8")
    out = tmp_path / "copy.yaml"
    done = cli("recommend", "--state", "MS", "--answers", str(given), "--save-answers", str(out))
    assert done.returncode == 0, done.stderr
    assert api.load_answers(out)["issues"] == ["discipline"]
