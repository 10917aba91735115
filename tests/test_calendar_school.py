"""School days come only from the school calendar in the case; without one the engine says so.

No Mississippi rule counts school days, so these tests register a synthetic
one through an in-process plugin, the way a partner or another state would.
"""
from __future__ import annotations

import json
import types

import pytest
from click.testing import CliRunner

from iepkit import api, hookimpl
from iepkit.calendars import SchoolCalendar, count_days, school_calendar_from_case
from iepkit.case import parse_case
from iepkit.cli import cli as iepkit_cli
from iepkit.errors import InputError

from deadline_support import D, ms_case, ms_registry, rule

SCHOOL_RULE = rule("school-day-test", count=15, unit="school-days", trigger="evaluation-requested",
                   label="Synthetic 15-school-day rule")
BACK_RULE = rule("school-day-back", count=5, unit="school-days", direction="before",
                 trigger="hearing-scheduled", label="Synthetic 5-school-days-before rule")

CALENDAR = {
    "first_day": "2026-08-06", "last_day": "2027-05-21",
    "breaks": [{"start": "2026-11-23", "end": "2026-11-27", "name": "Thanksgiving break"},
               {"start": "2026-12-21", "end": "2027-01-01", "name": "winter break"},
               {"start": "2027-03-15", "end": "2027-03-19", "name": "spring break"}],
    "closures": ["2026-09-07", "2027-01-18"],
}


PLUGIN = types.SimpleNamespace(register_deadline_rules=hookimpl(
    lambda register: [register(SCHOOL_RULE), register(BACK_RULE)]))


@pytest.fixture(autouse=True)
def _registry_with_school_rules():
    yield from ms_registry((("school-test", PLUGIN),), key="ms+school")


def school(**changes):
    data = dict(CALENDAR, **changes)
    return school_calendar_from_case(parse_case({"state": "MS", "school_calendar": data}).get("school_calendar"),
                                     "case.yaml")


def due(rule_id, event, when, cal=CALENDAR, today="2026-12-01"):
    extra = {"school_calendar": cal} if cal else {}
    return api.deadlines(ms_case((event, when), **extra), today=D(today)).get(rule_id)


def test_without_a_calendar_the_rule_says_so():
    found = due("school-day-test", "evaluation-requested", "2026-12-11", cal=None)
    assert (found.due, found.days_left, found.status) == (None, None, "needs-school-calendar")
    assert "school_calendar" in found.problem and "school_calendar" in found.trail[-1]


def test_counting_skips_breaks_weekends_and_closures():
    # After Fri Dec 11: Dec 14-18 (1-5), winter break to Jan 1, weekend, Jan 4-8 (6-10), Jan 11-15 (11-15).
    found = due("school-day-test", "evaluation-requested", "2026-12-11")
    assert found.due == D("2027-01-15")
    reasons = dict(found.skipped)
    assert reasons[D("2026-12-25")] == "winter break" and reasons[D("2027-01-02")] == "weekend"
    assert any("winter break" in s and "2026-12-21 to" in s for s in found.trail)


def test_a_closure_is_skipped():
    # 3 school days after Fri Sep 4: Labor Day Mon Sep 7 is a closure; Tue 8, Wed 9, Thu 10.
    cal = school()
    day, skipped = count_days(D("2026-09-04"), 3, "after", lambda d: cal.why_not_school_day(d, "after"))
    assert day == D("2026-09-10") and (D("2026-09-07"), "school closed") in skipped


def test_counting_from_summer_starts_on_the_first_day():
    # From Fri Jul 10: nothing counts before Thu Aug 6 (1); Fri 7 (2); Aug 10-14 (3-7); Aug 17-21 (8-12);
    # Aug 24, 25, 26 (13-15).
    assert due("school-day-test", "evaluation-requested", "2026-07-10").due == D("2026-08-26")


def test_running_past_the_last_day_asks_for_next_years_calendar():
    found = due("school-day-test", "evaluation-requested", "2027-05-14")
    assert found.status == "needs-school-calendar" and "2027-05-21" in found.problem


def test_counting_back():
    # 5 school days before Mon 2027-01-11: Jan 8, 7, 6, 5, 4 -> Mon Jan 4.
    assert due("school-day-back", "hearing-scheduled", "2027-01-11").due == D("2027-01-04")
    # From summer back: May 21 (1) ... May 17 (5).
    assert due("school-day-back", "hearing-scheduled", "2027-06-01").due == D("2027-05-17")
    # Back past the first day of school cannot be known.
    assert due("school-day-back", "hearing-scheduled", "2026-08-10").status == "needs-school-calendar"


def test_calendar_dates_are_checked():
    with pytest.raises(InputError, match="school_calendar.last_day: is before first_day"):
        school(last_day="2026-08-01")
    with pytest.raises(InputError, match=r"school_calendar.breaks\[0\].end: is before start"):
        school(breaks=[{"start": "2026-12-21", "end": "2026-12-01"}])
    with pytest.raises(InputError, match=r"school_calendar.first_day: is missing"):
        parse_case({"state": "MS", "school_calendar": {"last_day": "2027-05-21"}})
    with pytest.raises(InputError, match=r"school_calendar.closures\[0\]: is not a real date"):
        parse_case({"state": "MS", "school_calendar": dict(CALENDAR, closures=["2027-02-30"])})


def test_a_break_without_a_name_is_still_named():
    cal = school(breaks=[{"start": "2026-12-21", "end": "2027-01-01"}])
    assert isinstance(cal, SchoolCalendar) and cal.why_not_school_day(D("2026-12-22"), "after") == "school break"


def test_cli_shows_needs_a_school_calendar(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("state: MS\nevents:\n  - {type: evaluation-requested, date: 2026-11-02}\n", "utf-8")
    runner = CliRunner()
    # Wide enough for the table; a narrow terminal stacks each deadline instead.
    table = runner.invoke(iepkit_cli, ["deadlines", "--case", str(case), "--today", "2026-12-01"],
                          env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    line = next(x for x in table.output.splitlines() if x.startswith("school-day-test"))
    assert "needs a school calendar" in line
    narrow = runner.invoke(iepkit_cli, ["deadlines", "--case", str(case), "--today", "2026-12-01"],
                           env={"COLUMNS": "80"})
    assert "  Due: not worked out yet: needs a school calendar\n  Starts from: evaluation-requested" in narrow.output
    data = json.loads(runner.invoke(iepkit_cli, ["deadlines", "--case", str(case), "--today", "2026-12-01",
                                          "--json"]).output)
    got = next(d for d in data if d["rule"] == "school-day-test")
    assert got["due"] is None and got["status"] == "needs-school-calendar"
