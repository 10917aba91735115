"""Mississippi's holidays for business days, checked against a list worked out by hand.

tests/snapshots/US_MS_2024_2028.json was written from 5 U.S.C. 6103 and
Miss. Code Ann. § 3-3-7 (see its "about"), not dumped from the holidays
package: if the pinned package ever disagrees with the law, this test fails.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from iepkit import calendars
from iepkit.calendars import HolidayCalendar, add_months, count_days, group_skips
from iepkit.errors import IepkitError
from iepkit.model import HolidayChange, StateCalendar

from deadline_support import D, ms_holidays, ms_registry

SNAPSHOT = json.loads((Path(__file__).parent / "snapshots" / "US_MS_2024_2028.json").read_text("utf-8"))


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, 2028])
def test_mississippi_holidays_match_the_hand_made_list(year):
    expected = {D(d) for d in SNAPSHOT["holidays"][str(year)]}
    assert set(ms_holidays().holidays_in(year)) == expected


def test_the_snapshot_itself_follows_the_statutes():
    # Independent of the package: each rule recomputed from weekday arithmetic.
    def nth(year, month, weekday, n):  # n-th weekday of a month; n = -1 for the last
        days = [dt.date(year, month, d) for d in range(1, 32) if _valid(year, month, d)]
        hits = [x for x in days if x.weekday() == weekday]
        return hits[n if n < 0 else n - 1]

    for year in range(2024, 2029):
        listed = {D(d) for d in SNAPSHOT["holidays"][str(year)]}
        for day in (nth(year, 1, 0, 3), nth(year, 2, 0, 3), nth(year, 4, 0, -1), nth(year, 5, 0, -1),
                    nth(year, 9, 0, 1), nth(year, 10, 0, 2), nth(year, 11, 3, 4)):
            assert day in listed, day
        for month, day in ((1, 1), (6, 19), (7, 4), (11, 11), (12, 25)):
            fixed = dt.date(year, month, day)
            assert fixed in listed
            if fixed.weekday() == 5:
                friday = fixed - dt.timedelta(days=1)
                assert friday in listed or friday.year != year
            if fixed.weekday() == 6:
                assert fixed + dt.timedelta(days=1) in listed


def _valid(year, month, day):
    try:
        dt.date(year, month, day)
        return True
    except ValueError:
        return False


def test_named_mississippi_days():
    cal = ms_holidays()
    assert cal.holiday(D("2026-04-27")) == "Confederate Memorial Day"
    assert cal.holiday(D("2026-10-12")) == "Columbus Day"  # from the federal list only
    assert "Juneteenth" in cal.holiday(D("2026-06-19"))
    assert cal.holiday(D("2027-02-09")) is None  # Mardi Gras: a local option, not a state holiday
    assert cal.holiday(D("2026-08-16")) is None  # Elvis Presley Day is an observance only
    assert cal.holiday(D("2026-11-27")) is None  # the day after Thanksgiving
    assert not cal.is_business_day(D("2026-07-03"))  # July 4 observed on Friday
    assert cal.is_business_day(D("2026-07-03"), holidays_count=True)
    assert not cal.is_business_day(D("2026-07-04"), holidays_count=True)  # still a Saturday


def test_the_plugin_registers_its_calendar():
    for reg in ms_registry():
        spec = reg.states["MS"].calendar
        assert spec.subdivision == "MS" and spec.additions == () and spec.removals == ()
        assert "Miss. Code Ann. § 3-3-7" in [c.ref for c in spec.cite]


def test_plugin_additions_and_removals():
    spec = StateCalendar(subdivision="MS",
                         additions=(HolidayChange(D("2027-02-09"), "Mardi Gras"),),
                         removals=(HolidayChange(D("2027-04-26"), "not a holiday in this test"),))
    cal = HolidayCalendar(spec)
    assert cal.holiday(D("2027-02-09")) == "Mardi Gras"
    assert cal.holiday(D("2027-04-26")) is None
    assert cal.holiday(D("2026-04-27")) == "Confederate Memorial Day"  # other years untouched
    due, skipped = count_days(D("2027-02-08"), 1, "after", cal.why_not_business_day)
    assert due == D("2027-02-10") and skipped == [(D("2027-02-09"), "holiday: Mardi Gras")]


def test_unknown_subdivision_is_a_clear_error():
    with pytest.raises(IepkitError, match="subdivision 'XX'"):
        HolidayCalendar(StateCalendar(subdivision="XX")).holiday(D("2026-01-01"))


def test_holiday_lookups_are_cached_per_year():
    calendars._library_holidays.cache_clear()
    cal = HolidayCalendar(StateCalendar(subdivision="MS"))
    # About 250 business days a year: 1,000 from early 2024 reach into 2028, five years, each built once.
    due, _ = count_days(D("2024-01-02"), 1000, "after", cal.why_not_business_day)
    assert due.year == 2028
    assert calendars._library_holidays.cache_info().misses == 5
    before = calendars._library_holidays.cache_info()
    HolidayCalendar(StateCalendar(subdivision="MS")).holiday(D("2025-05-26"))
    after = calendars._library_holidays.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1


def test_add_months():
    assert add_months(D("2026-01-31"), 1) == D("2026-02-28")
    assert add_months(D("2028-02-29"), 12) == D("2029-02-28")
    assert add_months(D("2028-02-29"), 48) == D("2032-02-29")
    assert add_months(D("2026-12-15"), 1) == D("2027-01-15")
    assert add_months(D("2027-01-15"), -1) == D("2026-12-15")
    assert add_months(D("2026-03-31"), -1) == D("2026-02-28")


def test_group_skips_joins_runs_with_the_same_reason():
    skips = [(D("2026-12-26"), "weekend"), (D("2026-12-25"), "holiday: Christmas Day"),
             (D("2026-12-27"), "weekend"), (D("2027-01-02"), "weekend")]
    assert group_skips(skips) == [(D("2026-12-25"), D("2026-12-25"), "holiday: Christmas Day"),
                                  (D("2026-12-26"), D("2026-12-27"), "weekend"),
                                  (D("2027-01-02"), D("2027-01-02"), "weekend")]
