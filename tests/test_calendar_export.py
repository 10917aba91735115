"""Calendar export: reminders early enough to act, never in the past, and a case label (issue #7 point 15).

Every reminder date below is worked out by hand from the rule and the event date.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from iepkit import api
from iepkit.case import parse_case
from iepkit.cli import cli as iepkit_cli
from iepkit.errors import InputError

from deadline_support import ms_registry

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def report(today: str, **events: str):
    case = parse_case({"state": "MS", "events": [{"type": t.replace("_", "-"), "date": d}
                                                  for t, d in events.items()]}, "test")
    return api.deadlines(case, today=D(today))


def events_of(raw: bytes) -> dict[str, dict]:
    """Each event by rule (read from its description): its title and its reminder times."""
    out = {}
    for event in Calendar.from_ical(raw).walk("VEVENT"):
        rule = str(event["description"]).rsplit("--explain ", 1)[1].strip()
        start = dt.datetime.combine(event.decoded("dtstart"), dt.time())
        out[rule] = {"title": str(event["summary"]), "uid": str(event["uid"]),
                     "alarms": sorted(start + a.decoded("trigger") for a in event.walk("VALARM")),
                     "description": str(event["description"])}
    return out


def at9(day: str) -> dt.datetime:
    return dt.datetime.combine(D(day), dt.time(9, 0))


def test_a_one_year_limit_is_reminded_a_month_two_weeks_and_a_week_ahead():
    # violation 2026-09-08 + 1 year = Wed 2027-09-08; minus 30, 14 and 7 days.
    found = events_of(api.deadlines_ics(report("2026-12-01", violation_occurred="2026-09-08").deadlines))
    limit = found["state-complaint-limit"]
    assert limit["alarms"] == [at9("2027-08-09"), at9("2027-08-25"), at9("2027-09-01")]
    assert "Reminders: 30 days, 14 days and 7 days before, at 9:00." in limit["description"]
    assert "mail it at least a week early" in limit["description"]


def test_shorter_rules_are_reminded_days_ahead():
    found = events_of(api.deadlines_ics(report(
        "2026-12-01", records_requested="2026-11-20", evaluation_requested="2026-11-30").deadlines))
    # 45 days after Fri 2026-11-20 is Mon 2027-01-04: 14, 7 and 3 days before.
    assert found["records-access"]["alarms"] == [at9("2026-12-21"), at9("2026-12-28"), at9("2027-01-01")]
    # 14 days counting Mon 2026-11-30 as day 1 is Sun 2026-12-13: 5 and 2 days before.
    assert found["met-meeting"]["alarms"] == [at9("2026-12-08"), at9("2026-12-11")]


@pytest.mark.parametrize("today, expected", [
    ("2027-08-30", ["2027-09-01"]),   # 9 days left: the month and two-week reminders have passed
    ("2027-09-01", ["2027-09-07"]),   # 7 days left: the week reminder would be today; one the day before
    ("2027-09-06", ["2027-09-07"]),   # 2 days left: the day before
    ("2027-09-07", []),               # 1 day left: the day before is today
    ("2027-09-08", []),               # due today
])
def test_no_reminder_is_today_or_in_the_past(today, expected):
    found = events_of(api.deadlines_ics(report(today, violation_occurred="2026-09-08").deadlines))
    assert found["state-complaint-limit"]["alarms"] == [at9(d) for d in expected]
    assert not found["state-complaint-limit"]["title"].startswith("OVERDUE")


def test_every_reminder_is_after_today_whatever_today_is():
    start = D("2026-11-01")
    for offset in range(0, 420, 3):
        today = start + dt.timedelta(days=offset)
        rep = report(today.isoformat(), violation_occurred="2026-11-01", records_requested="2026-11-01",
                     due_process_complaint_received="2026-11-01")
        for item in events_of(api.deadlines_ics(rep.deadlines)).values():
            assert all(a.date() > today for a in item["alarms"]), (today, item)


def test_overdue_deadlines_say_so_and_have_no_reminder():
    # Received 2026-11-11 + 10 days = Sat 2026-11-21: overdue on 2026-12-01.
    found = events_of(api.deadlines_ics(report("2026-12-01", due_process_complaint_received="2026-11-11").deadlines))
    late = found["district-response"]
    assert late["title"] == "OVERDUE: District's written response to the complaint"
    assert late["alarms"] == []
    assert "OVERDUE: this date had passed when the calendar was made (Tue 2026-12-01)" in late["description"]
    # 30 days after = Fri 2026-12-11, still ahead: 14 days before is past, so 7 and 3 days before.
    assert found["resolution-period-end"]["alarms"] == [at9("2026-12-04"), at9("2026-12-08")]


def test_a_label_starts_every_title_and_keeps_families_apart():
    rep = report("2026-12-01", violation_occurred="2026-09-08", due_process_complaint_received="2026-11-11")
    plain = events_of(api.deadlines_ics(rep.deadlines))
    labelled = events_of(api.deadlines_ics(rep.deadlines, label=" JR "))
    assert labelled["state-complaint-limit"]["title"] == "JR: Last day MDE can receive your state complaint"
    assert labelled["district-response"]["title"] == "JR: OVERDUE: District's written response to the complaint"
    assert all(v["title"] == f"JR: {plain[k]['title']}" for k, v in labelled.items())
    # Two families with the same dates must not replace each other's events when imported.
    assert not {v["uid"] for v in plain.values()} & {v["uid"] for v in labelled.values()}
    cal = Calendar.from_ical(api.deadlines_ics(rep.deadlines, label="A;B,C"))
    assert str(cal["x-wr-calname"]) == "Special education deadlines (A;B,C)"
    assert all(str(e["summary"]).startswith("A;B,C: ") for e in cal.walk("VEVENT"))


@pytest.mark.parametrize("label, reason", [
    ("", "is empty"), ("   ", "is empty"), ("J\x00R", "control character"), ("J\nR", "control character"),
    ("J\tR", "control character"), ("J\u202eR", "control character"), ("A" * 21, "at most 20 characters"),
])
def test_bad_labels_are_refused(label, reason):
    with pytest.raises(InputError) as info:
        api.deadlines_ics([], label=label)
    assert "label" in str(info.value) and reason in str(info.value)


def run(*args):
    return CliRunner().invoke(iepkit_cli, [str(a) for a in args], env={"COLUMNS": "80"})


def write_case(tmp_path: Path) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text("state: MS\nevents:\n  - type: violation-occurred\n    date: 2026-09-08\n", "utf-8")
    return path


def test_label_from_the_command_line(tmp_path):
    out = tmp_path / "jr.ics"
    result = run("deadlines", "--case", write_case(tmp_path), "--today", "2026-12-01", "--ics", out,
                 "--label", "JR")
    assert result.exit_code == 0, result.output
    titles = [str(e["summary"]) for e in Calendar.from_ical(out.read_bytes()).walk("VEVENT")]
    assert titles == ["JR: Last day MDE can receive your state complaint"]


@pytest.mark.parametrize("label, fragment", [
    ("Jordan\x07", "--label holds a control character"),
    ("Jordan Avery Rivers-Smith", "--label is too long; use at most 20 characters"),
])
def test_a_bad_label_on_the_command_line_writes_nothing_and_is_not_repeated(tmp_path, label, fragment):
    out = tmp_path / "x.ics"
    result = run("deadlines", "--case", write_case(tmp_path), "--ics", out, "--label", label)
    assert result.exit_code == 2 and fragment in result.stderr
    assert "Jordan" not in result.output  # it may be the child's name: never echoed
    assert not out.exists()


def test_label_needs_ics(tmp_path):
    result = run("deadlines", "--case", write_case(tmp_path), "--label", "JR")
    assert result.exit_code == 2 and "--label only changes calendar titles: use it with --ics FILE" in result.stderr


def test_help_and_readme_explain_the_privacy_trade_off():
    help_text = " ".join(run("deadlines", "--help").stdout.split())
    assert "use initials or a nickname, not your child's name" in help_text
    assert "sync to online services" in help_text
    from iepkit.ics import MAX_LABEL
    assert f"Up to {MAX_LABEL} characters" in help_text
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8").split())
    assert "--label" in readme and "not your child's name" in readme


def test_descriptions_say_where_the_count_starts_in_words_not_event_ids():
    from iepkit.events import EVENT_TYPES

    found = events_of(api.deadlines_ics(report("2026-12-01", records_requested="2026-11-20",
                                               due_process_complaint_received="2026-11-25").deadlines))
    records = found["records-access"]["description"]
    assert "Counted from Fri 2026-11-20: I asked to see my child's education records." in records
    # hearing-decision counts from the end of the resolution period, another rule.
    assert "the end of an earlier deadline" in found["hearing-decision"]["description"]
    for event in found.values():
        body = event["description"].rsplit("See how it was worked out", 1)[0]
        assert not [e for e in EVENT_TYPES if e in body], body
