"""`iepkit log` at the command line, and the log's events reaching deadlines, letters and recommend (#10)."""
from __future__ import annotations

import datetime as _dt
from markupsafe import escape as html_escape
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from iepkit import api, commlog, logcli
from iepkit.cli import cli as iepkit_cli
from iepkit.events import EVENT_WORDS

from conftest import EXAMPLE, run_cli

ADD = ["--kind", "call", "--with", "Ms. Lee, speech therapist", "--summary", "She said therapy restarts in January."]


@pytest.fixture
def case(tmp_path) -> Path:
    path = tmp_path / "my-case.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def run(*args: str, columns: int = 80, input: str | None = None):
    return CliRunner().invoke(iepkit_cli, [str(a) for a in args], env={"COLUMNS": str(columns)}, input=input)


def add(case: Path, *args: str, date: str = "2026-10-06"):
    result = run("log", "add", "--case", case, "--date", date, *(args or ADD))
    assert result.exit_code == 0, result.output
    return result


def stored(case: Path) -> list[commlog.Entry]:
    with commlog.read_log(commlog.default_log_path(case)) as book:
        return book.entries()


def test_done_when_a_logged_records_request_shows_the_records_deadline(case, tmp_path):
    """The issue's check, run as a parent would: two commands, the case file never edited."""
    before = case.read_bytes()
    first = run_cli("deadlines", "--case", str(case), "--today", "2026-10-20", env={"COLUMNS": "80"})
    assert first.returncode == 0 and "School lets you see your child's records" not in first.stdout
    added = run_cli("log", "add", "--case", str(case), "--date", "2026-10-08", "--kind", "letter-sent",
                    "--event", "records-requested", "--with", "Dr. Morgan Hale, special education director",
                    "--summary", "Hand-delivered my request to see Jordan's records.")
    assert added.returncode == 0, added.stderr
    after = run_cli("deadlines", "--case", str(case), "--today", "2026-10-20", env={"COLUMNS": "80"})
    assert after.returncode == 0, after.stderr
    assert "School lets you see your child's records" in after.stdout
    assert "2026-11-22" in after.stdout  # 45 calendar days after 2026-10-08 (34 CFR 300.613(a))
    assert case.read_bytes() == before
    assert (tmp_path / "my-case.log.sqlite").is_file()


def test_a_log_event_the_case_already_has_is_not_counted_twice(case):
    add(case, "--event", "violation-occurred", *ADD, date="2026-09-08")  # the case lists this one
    add(case, "--event", "violation-occurred", *ADD, date="2026-09-08")  # and so does a second entry
    events = [e for e in api.load_case(case).events() if e.get("type") == "violation-occurred"]
    assert [e["date"] for e in events] == [_dt.date(2026, 9, 8)]


def test_the_letters_print_plain_words_for_a_log_event_never_the_summary(case):
    add(case, "--event", "iep-meeting-no-agreement", "--kind", "meeting", "--with", "Ms. Lee",
        "--summary", "Ms. Quillfeather said Mr. Zanzibar would not sign.", date="2026-10-13")
    loaded = api.load_case_for_letter(case, "state-complaint")
    assert (_dt.date(2026, 10, 13), EVENT_WORDS["iep-meeting-no-agreement"]) in loaded.timeline()
    html = api.prepare_letter("state-complaint", case=loaded, today=_dt.date(2026, 11, 1)).body
    assert str(html_escape(EVENT_WORDS["iep-meeting-no-agreement"])) in html
    assert "Quillfeather" not in html and "Zanzibar" not in html


def _case_without(path: Path, *types: str) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["events"] = [e for e in data["events"] if e.get("type") not in types]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_filing_limit_checks_and_the_recommender_see_log_events(tmp_path):
    case = _case_without(tmp_path / "my-case.yaml", "violation-occurred", "violation-known")
    today = _dt.date(2026, 11, 1)
    assert "add a 'violation-occurred' event" in api.check_filing_limit("state-complaint", api.load_case(case),
                                                                        today=today)
    assert "violation_date" not in api.gather_answers(api.load_case(case))
    add(case, "--event", "violation-occurred", *ADD, date="2026-09-08")
    loaded = api.load_case(case)
    assert "2027-09-08" in api.check_filing_limit("state-complaint", loaded, today=today)
    assert api.gather_answers(loaded)["violation_date"] == _dt.date(2026, 9, 8)


def test_letter_option_sets_the_event_the_letter_starts(case):
    result = add(case, "--letter", "records-request", "--with", "Dr. Hale", "--summary", "Mailed it.")
    (entry,) = stored(case)
    assert entry.kind == "letter-sent" and entry.event == "records-requested"
    assert "the day the school got your letter" in result.output
    assert api.registry().letter("MS", "records-request").starts_event == entry.event


def test_letter_option_refuses_what_does_not_fit(case, tmp_path):
    wrong_kind = run("log", "add", "--case", case, "--date", "2026-10-06", "--letter", "records-request", *ADD)
    assert wrong_kind.exit_code == 2 and "--kind letter-sent" in wrong_kind.output
    typo = run("log", "add", "--case", case, "--date", "2026-10-06", "--letter", "records-requst",
               "--with", "x", "--summary", "y")
    assert typo.exit_code == 2 and "Did you mean records-request?" in typo.output
    no_clock = add(case, "--letter", "mediation-request", "--with", "MDE", "--summary", "Sent.")
    assert "starts no deadline" in no_clock.output and stored(case)[0].event is None
    assert not (tmp_path / "elsewhere.log.sqlite").exists()


def test_without_a_terminal_every_missing_value_is_listed_and_nothing_is_written(case, tmp_path):
    result = run("log", "add", "--case", case, "--kind", "call")
    assert result.exit_code == 2
    for option in ("--date", "--with", "--summary"):
        assert f"{option}: is missing" in result.output
    assert "no terminal" in result.output and "Traceback" not in result.output
    assert not commlog.default_log_path(case).exists()


def test_wrong_values_are_all_reported_at_once_without_echoing_them(case):
    result = run("log", "add", "--case", case, "--date", "2026-02-30", "--time", "25:00", "--kind", "phone",
                 "--with", "Ms.\x1bLee", "--summary", "ok", "--follow-up", "2099-01-01", "--event", "record-requested")
    assert result.exit_code == 2
    out = result.output
    assert "has 6 problems" in out
    assert "--date: is not a real date" in out and "--time: expected a time" in out
    assert "--with: holds a tab or an invisible control character" in out
    assert "--follow-up: is more than 2 years ahead" in out
    assert "Did you mean records-requested?" in out.replace("did you mean", "Did you mean")
    assert "\x1b" not in out and "phone" not in out.split("--kind")[1].split("\n")[0].split("Expected")[0]
    assert not commlog.default_log_path(case).exists()


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(logcli, "_interactive", lambda: True)


def test_in_a_terminal_missing_values_are_asked_for_until_valid(case, terminal):
    typed = ["2026-13-01", "2026-10-06", "9", "1", "", "Ms. Lee, speech therapist", "She said January."]
    result = run("log", "add", "--case", case, input="".join(x + "\n" for x in typed))
    assert result.exit_code == 0, result.output
    assert "What day was it?" in result.output and "not a real date" in result.output
    assert "Please answer this one" in result.output
    (entry,) = stored(case)
    assert (entry.date, entry.kind, entry.with_whom, entry.summary) == (
        _dt.date(2026, 10, 6), "call", "Ms. Lee, speech therapist", "She said January.")


def test_in_a_terminal_a_letter_sent_is_offered_the_event_its_letter_starts(case, terminal):
    letters = [t for t in api.letters("MS") if t.starts_event]
    pick = next(i for i, t in enumerate(letters, start=1) if t.id == "records-request")
    result = run("log", "add", "--case", case, "--date", "2026-10-08", "--kind", "letter-sent",
                 "--with", "Dr. Hale", "--summary", "Hand-delivered.", input=f"{pick}\n")
    assert result.exit_code == 0, result.output
    assert "Which letter?" in result.output
    assert stored(case)[0].event == "records-requested"


def test_edit_writes_a_new_version_and_keeps_the_old_one(case):
    add(case)
    result = run("log", "edit", "1", "--case", case, "--summary", "She said therapy restarts on January 5.",
                 "--follow-up", "2027-01-06")
    assert result.exit_code == 0, result.output
    with commlog.read_log(commlog.default_log_path(case)) as book:
        first, second = book.history(1)
        rows = book.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    assert rows == 2
    assert first.summary == "She said therapy restarts in January." and first.follow_up is None
    assert second.summary.endswith("January 5.") and second.follow_up == _dt.date(2027, 1, 6)
    assert (first.id, first.version, second.version) == (1, 1, 2)
    assert first.recorded_at < second.recorded_at and second.created_at == first.created_at
    shown = run("log", "history", "1", "--case", case)
    assert "Version 1, written" in shown.output and "Version 2, written" in shown.output
    assert "restarts in January." in shown.output and "January 5." in shown.output
    nothing = run("log", "edit", "1", "--case", case, "--summary", "She said therapy restarts on January 5.")
    assert nothing.exit_code == 2 and "nothing to change" in nothing.output


def test_done_closes_a_follow_up_and_no_event_takes_an_event_back(case):
    add(case, "--follow-up", "2026-10-20", "--event", "records-requested", *ADD)
    listed = run("log", "list", "--case", case)
    assert "OPEN, by Tue 2026-10-20" in listed.output and "1 follow-up is still open" in listed.output
    assert run("log", "edit", "1", "--case", case, "--done", "--no-event").exit_code == 0
    listed = run("log", "list", "--case", case)
    assert "OPEN" not in listed.output and "done (was due" in listed.output
    assert not any(e.get("type") == "records-requested" for e in api.load_case(case).events())


def test_list_filters_and_json(case):
    add(case, date="2026-09-01")
    add(case, "--kind", "email", "--with", "Dr. Hale", "--summary", "Asked for the records.", date="2026-10-01")
    data = json.loads(run("log", "list", "--case", case, "--json").output)
    assert [d["date"] for d in data] == ["2026-09-01", "2026-10-01"]
    assert [d["kind"] for d in json.loads(run("log", "list", "--case", case, "--kind", "email", "--json").output)] \
        == ["email"]
    assert [d["date"] for d in json.loads(run("log", "list", "--case", case, "--since", "2026-09-15",
                                              "--json").output)] == ["2026-10-01"]
    bad = run("log", "list", "--case", case, "--kind", "emial")
    assert bad.exit_code == 2 and "did you mean email?" in bad.output


def test_list_fits_80_columns(case):
    add(case, "--with", "Ms. Lee, speech-language pathologist at Magnolia Grove Elementary School",
        "--summary", "word " * 120, "--follow-up", "2026-10-20", "--kind", "meeting")
    for command in (["list"], ["show", "1"], ["history", "1"]):
        result = run("log", *command, "--case", case, columns=80)
        assert result.exit_code == 0, result.output
        assert max(len(line) for line in result.output.splitlines()) <= 80


def test_show_says_whether_an_attached_original_changed(case, tmp_path):
    original = tmp_path / "letter from school.txt"
    original.write_text("We will restart therapy in January.", encoding="utf-8")
    add(case, "--kind", "letter-received", "--with", "Mr. Cole", "--summary", "The school's letter.",
        "--attach", str(original))
    (entry,) = stored(case)
    (kept,) = entry.attachments
    copy_path = commlog.files_folder(commlog.default_log_path(case)) / kept.stored_name
    assert copy_path.read_text("utf-8") == "We will restart therapy in January."
    assert kept.original_name == "letter from school.txt"
    assert "Original: unchanged" in run("log", "show", "1", "--case", case).output
    original.write_text("We never said January.", encoding="utf-8")
    assert "Original: changed since it was attached" in run("log", "show", "1", "--case", case).output
    original.unlink()
    assert "Original: no longer at the place" in run("log", "show", "1", "--case", case, columns=200).output
    assert copy_path.read_text("utf-8") == "We will restart therapy in January."  # the copy is the evidence
    copy_path.chmod(0o600)
    copy_path.write_text("tampered", encoding="utf-8")
    assert "Copy: CHANGED" in run("log", "show", "1", "--case", case, columns=200).output
    copy_path.unlink()
    assert "Copy: MISSING" in run("log", "show", "1", "--case", case, columns=200).output


def test_a_missing_attachment_adds_nothing(case, tmp_path):
    result = run("log", "add", "--case", case, "--date", "2026-10-06", *ADD, "--attach", str(tmp_path / "nope.pdf"))
    assert result.exit_code == 2 and "file not found" in result.output
    assert not commlog.default_log_path(case).exists() or stored(case) == []


def test_show_edit_and_history_need_the_log_and_a_real_entry(case):
    assert "which log?" in run("log", "show", "1").output
    assert "no log here yet" in run("log", "show", "1", "--case", case).output
    add(case)
    missing = run("log", "history", "7", "--case", case)
    assert missing.exit_code == 2 and "there is no entry 7" in missing.output


def test_log_option_chooses_the_file(tmp_path):
    chosen = tmp_path / "kept" / "family.sqlite"
    chosen.parent.mkdir()
    result = run("log", "add", "--log", chosen, "--date", "2026-10-06", *ADD)
    assert result.exit_code == 0, result.output
    assert chosen.is_file() and (tmp_path / "kept" / "family-files").exists() is False
    assert len(json.loads(run("log", "list", "--log", chosen, "--json").output)) == 1
