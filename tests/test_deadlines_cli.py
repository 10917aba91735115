"""`iepkit deadlines` and the letter guard rail, as a user runs them."""
from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from icalendar import Calendar

from iepkit.cli import cli as iepkit_cli

from deadline_support import ms_registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mississippi-case.yaml"
DUE_PROCESS = Path(__file__).parent / "data" / "ms-due-process-case.yaml"


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def run(*args, columns: int = 250):
    """Run in-process, as in a terminal this many columns wide (wide enough for the table)."""
    return CliRunner().invoke(iepkit_cli, [str(a) for a in args], env={"COLUMNS": str(columns)})


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def write_case(tmp_path, events, name="case.yaml", base=EXAMPLE):
    data = yaml.safe_load(base.read_text("utf-8"))
    data["events"] = [{"type": t, "date": d} for t, d in events]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


# -- the table, JSON and calendar file ---------------------------------------------

def test_table_for_the_example_case():
    result = run("deadlines", "--case", EXAMPLE, "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Deadlines from " + str(EXAMPLE) + ", as of Tue 2026-12-01"
    assert lines[2].split() == ["RULE", "DEADLINE", "TRIGGER", "DUE", "DAYS", "LEFT", "CITATION"]
    rows = {line.split()[0]: line for line in lines[4:7]}
    # Hand-computed: see plugins/mississippi/scenarios/example-case.yaml.
    assert "Fri 2027-08-20" in rows["annual-iep-review"] and "262 days left" in rows["annual-iep-review"]
    assert "Wed 2027-09-08" in rows["state-complaint-limit"] and "281 days left" in rows["state-complaint-limit"]
    assert "Fri 2028-09-15" in rows["due-process-limit"] and "654 days left" in rows["due-process-limit"]
    assert "[Unverified]" in rows["due-process-limit"]
    assert "[Unverified]" not in rows["state-complaint-limit"]
    assert "34 CFR 300.153(c)" in rows["state-complaint-limit"]
    assert "Confirm it with the MDE Office of Special Education" in result.stdout
    assert "evaluation-requested (met-meeting)" in result.stdout


def test_overdue_rows_are_marked():
    result = run("deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01")
    row = next(x for x in result.stdout.splitlines() if x.startswith("district-response"))
    assert "Sat 2026-11-21" in row and "OVERDUE by 10 days" in row


def test_json_output():
    result = run("deadlines", "--case", EXAMPLE, "--today", "2026-12-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 3
    for item in data:
        assert {"rule", "label", "trigger", "trigger_date", "due", "days_left", "citations", "verified"} <= set(item)
    by_rule = {d["rule"]: d for d in data}
    assert by_rule["state-complaint-limit"]["due"] == "2027-09-08"
    assert by_rule["state-complaint-limit"]["trigger"] == "violation-occurred"
    assert by_rule["state-complaint-limit"]["trigger_date"] == "2026-09-08"
    assert by_rule["state-complaint-limit"]["days_left"] == 281
    assert by_rule["due-process-limit"]["verified"] is False
    assert "34 CFR 300.507(a)(2)" in by_rule["due-process-limit"]["citations"]


def test_ics_file(tmp_path):
    out = tmp_path / "deadlines.ics"
    result = run("deadlines", "--case", EXAMPLE, "--today", "2026-12-01", "--ics", out)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    raw = out.read_bytes()
    assert b"\r\n" in raw
    cal = Calendar.from_ical(raw)
    assert str(cal["version"]) == "2.0" and cal.get("prodid")
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Yearly IEP review", "Last day MDE can receive your state complaint",
                           "[Unverified] Last day to file for due process"}
    limit = events["Last day MDE can receive your state complaint"]
    assert limit.decoded("dtstart") == dt.date(2027, 9, 8)
    assert limit.decoded("dtend") == dt.date(2027, 9, 9)
    assert b"DTSTART;VALUE=DATE:20270908" in raw
    # A one-year limit: reminders a month, two weeks and a week ahead, at 9:00, so there is
    # time to mail a complaint that must be received by Wed 2027-09-08 (dates worked out by hand).
    alarms = limit.walk("VALARM")
    assert all(str(a["action"]) == "DISPLAY" for a in alarms)
    start = dt.datetime(2027, 9, 8)
    assert sorted(start + a.decoded("trigger") for a in alarms) == [
        dt.datetime(2027, 8, 9, 9, 0), dt.datetime(2027, 8, 25, 9, 0), dt.datetime(2027, 9, 1, 9, 0)]
    assert "34 CFR 300.153(c)" in str(limit["description"])
    # The phone number in full: "555" alone also turns up in timestamps and hashed ids.
    for private in (b"Jordan", b"Rivers", b"Magnolia", b"Pine Hollow", b"555-0142", b"5550142"):
        assert private not in raw
    # Stable ids: importing a newer file updates the events instead of copying them.
    again = tmp_path / "again.ics"
    run("deadlines", "--case", EXAMPLE, "--today", "2026-12-02", "--ics", again)
    ids = lambda p: sorted(str(e["uid"]) for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT"))  # noqa: E731
    assert ids(out) == ids(again)


def test_explain_hearing_decision_shows_the_chain():
    result = run("deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01", "--explain", "hearing-decision")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("hearing-decision: Hearing officer's decision mailed\n")
    order = ["due-process-complaint-received' on Wed 2026-11-11", "Rule resolution-period-end",
             "day 30 is Fri 2026-12-11", "Rule hearing-decision", "day 45 is Mon 2027-01-25",
             "Result: due Mon 2027-01-25; 55 days left as of Tue 2026-12-01"]
    positions = [text.index(x) for x in order]
    assert positions == sorted(positions)
    assert "34 CFR 300.515(a)" in text and "34 CFR 300.510(b)(1)" in text
    assert '"N days after X" is X + N' in text


def test_explain_shows_skipped_holidays_and_unverified():
    result = run("deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01", "--explain", "evidence-disclosure")
    assert "Fri 2026-12-25 (holiday: Christmas Day)" in result.stdout
    result = run("deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01", "--explain", "due-process-limit")
    assert result.stdout.splitlines()[0].endswith("[Unverified]")


def test_explain_json():
    result = run("deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01", "--explain", "hearing-decision",
                 "--json")
    data = json.loads(result.stdout)
    assert data["rule"] == "hearing-decision" and data["chain"] == ["resolution-period-end"]
    assert data["trigger"] == "resolution-period-end" and data["trigger_kind"] == "rule"


def test_today_defaults_to_the_real_date():
    result = run("deadlines", "--case", EXAMPLE, "--json")
    data = {d["rule"]: d for d in json.loads(result.stdout)}
    expected = (dt.date(2027, 9, 8) - dt.date.today()).days
    assert data["state-complaint-limit"]["days_left"] == expected


# -- bad input: one line, exit 2, nothing written ------------------------------------

def test_unknown_event_type(tmp_path):
    case = write_case(tmp_path, [("evaluation-requestd", "2026-11-02")])
    out = tmp_path / "x.ics"
    result = run("deadlines", "--case", case, "--ics", out)
    assert_one_line_error(result, "events[0].type", "is not a known event type", "evaluation-requested",
                          str(case))
    assert "evaluation-requestd" not in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [case]


def test_impossible_event_date(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("state: MS\nevents:\n  - type: evaluation-requested\n    date: 2026-02-30\n", "utf-8")
    assert_one_line_error(run("deadlines", "--case", case), "events[0].date", "not a real date")


@pytest.mark.parametrize("today", ["2026-13-01", "2026-02-29", "tomorrow", "12/01/2026"])
def test_bad_today(today):
    assert_one_line_error(run("deadlines", "--case", EXAMPLE, "--today", today), "--today",
                          "YYYY-MM-DD")


def test_unknown_rule_for_explain():
    assert_one_line_error(run("deadlines", "--case", EXAMPLE, "--explain", "hearing-decisions"),
                          "Unknown deadline rule", "hearing-decision,")


def test_explain_a_rule_whose_event_is_missing():
    assert_one_line_error(run("deadlines", "--case", EXAMPLE, "--explain", "hearing-decision"),
                          "due-process-complaint-received", "(through resolution-period-end)",
                          "does not list")


def test_missing_case_file(tmp_path):
    assert_one_line_error(run("deadlines", "--case", tmp_path / "nope.yaml"), "file not found")


def test_ics_into_a_missing_folder(tmp_path):
    assert_one_line_error(run("deadlines", "--case", EXAMPLE, "--ics", tmp_path / "no" / "x.ics"),
                          "does not exist")


def test_as_a_user_in_a_fresh_process(cli, tmp_path):
    out = tmp_path / "x.ics"
    done = cli("deadlines", "--case", str(EXAMPLE), "--today", "2026-12-01", "--ics", str(out))
    assert done.returncode == 0, done.stderr
    assert "state-complaint-limit" in done.stdout and out.exists()
    bad = cli("deadlines", "--case", str(EXAMPLE), "--explain", "nope")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


# -- guard rails in the letters --------------------------------------------------------

def test_state_complaint_past_the_one_year_limit_stops(tmp_path):
    case = write_case(tmp_path, [("violation-occurred", "2020-03-02")])
    out = tmp_path / "complaint.txt"
    result = run("letter", "state-complaint", "--case", case, "--format", "txt", "-o", out)
    assert_one_line_error(result, "state-complaint-limit", "34 CFR 300.153(c)", "Tue 2021-03-02", "--force")
    assert not out.exists()


def test_force_writes_it_anyway_with_a_note(tmp_path):
    case = write_case(tmp_path, [("violation-occurred", "2020-03-02")])
    out = tmp_path / "complaint.txt"
    result = run("letter", "state-complaint", "--case", case, "--format", "txt", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert out.exists() and "has passed" in result.stderr and "--force" in result.stderr


def test_due_process_past_the_two_year_limit_stops(tmp_path):
    case = write_case(tmp_path, [("violation-known", "2020-03-02")])
    result = run("letter", "due-process-complaint", "--case", case, "--format", "txt", "-o", tmp_path / "dp.txt")
    assert_one_line_error(result, "due-process-limit", "[Unverified]", "34 CFR 300.507(a)(2)", "Wed 2022-03-02",
                          "--force")


def test_within_the_limit_the_letter_is_written_with_the_last_day(tmp_path):
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    case = write_case(tmp_path, [("violation-occurred", recent)])
    out = tmp_path / "complaint.txt"
    result = run("letter", "state-complaint", "--case", case, "--format", "txt", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.exists() and "Last day MDE can receive your state complaint" in result.stderr


def test_without_the_event_the_letter_says_what_to_add(tmp_path):
    case = write_case(tmp_path, [])
    result = run("letter", "state-complaint", "--case", case, "--format", "txt", "-o", tmp_path / "c.txt")
    assert result.exit_code == 0, result.output
    assert "add a 'violation-occurred' event" in result.stderr


def test_letters_without_a_limit_are_not_checked(tmp_path):
    case = write_case(tmp_path, [("violation-occurred", "2020-03-02")])
    result = run("letter", "mediation-request", "--case", case, "--format", "txt", "-o", tmp_path / "m.txt")
    assert result.exit_code == 0, result.output
    assert "filing limit" not in result.stderr and "MDE can receive" not in result.stderr


def test_the_guard_rail_is_in_the_api(tmp_path):
    from iepkit import api
    from iepkit.errors import GuardRailError

    case = api.load_case(write_case(tmp_path, [("violation-occurred", "2026-09-08")]))
    assert "2027-09-08" in api.check_filing_limit("state-complaint", case, today=dt.date(2027, 9, 8))
    with pytest.raises(GuardRailError, match="1 day ago"):
        api.check_filing_limit("state-complaint", case, today=dt.date(2027, 9, 9))
    assert "anyway" in api.check_filing_limit("state-complaint", case, today=dt.date(2027, 9, 9), force=True)
    assert api.check_filing_limit("mediation-request", case) is None
