"""Properties of counting that must hold for any date, checked with hypothesis."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given, settings, strategies as st

from iepkit.calendars import add_months, count_days

from deadline_support import D, ms_holidays

HOLIDAYS = ms_holidays()
SNAPSHOT = json.loads((Path(__file__).parent / "snapshots" / "US_MS_2024_2028.json").read_text("utf-8"))
HAND_HOLIDAYS = {D(d) for year in SNAPSHOT["holidays"].values() for d in year}

# The hand-checked holiday years. Every date a test counts to must stay inside
# them, or a wrong holiday table outside them would pass or fail by luck.
CHECKED_FIRST = dt.date(int(min(SNAPSHOT["holidays"])), 1, 1)
CHECKED_LAST = dt.date(int(max(SNAPSHOT["holidays"])), 12, 31)
MAX_COUNT = 60
# 60 business days span at most 92 calendar days (12 weekends and up to 8
# holidays in any such stretch), so a 100-day margin on each side keeps every
# result inside the checked years; test_generated_dates_stay_in_checked_years
# proves it for the extremes.
MARGIN = dt.timedelta(days=100)
dates = st.dates(min_value=CHECKED_FIRST + MARGIN, max_value=CHECKED_LAST - MARGIN)
counts = st.integers(min_value=1, max_value=MAX_COUNT)
directions = st.sampled_from(["after", "before"])
FAST = settings(max_examples=300, deadline=None)


def test_generated_dates_stay_in_checked_years():
    # The farthest any property test counts: the most business days from either
    # end of the generated range, plus the one-day step to a business day.
    lo, hi = CHECKED_FIRST + MARGIN, CHECKED_LAST - MARGIN
    for start in (lo, lo + dt.timedelta(days=1), hi, hi - dt.timedelta(days=1)):
        for direction in ("after", "before"):
            due, _ = business(start, MAX_COUNT, direction)
            assert CHECKED_FIRST <= due <= CHECKED_LAST, (start, direction, due)


def business(day, n, direction, holidays_count=False):
    return count_days(day, n, direction, lambda d: HOLIDAYS.why_not_business_day(d, holidays_count))


def is_business_day(day):
    return day.weekday() < 5 and day not in HAND_HOLIDAYS


@FAST
@given(dates, counts, directions)
def test_business_day_results_never_land_on_a_weekend_or_holiday(day, n, direction):
    due, _ = business(day, n, direction)
    assert is_business_day(due)


@FAST
@given(dates, counts, directions)
def test_business_day_counts_are_exact(day, n, direction):
    # Count by brute force, with the hand-checked holiday list: exactly n business days lie
    # between the start (excluded) and the result (included).
    due, skipped = business(day, n, direction)
    if direction == "after":  # (day, due]
        span = [day + dt.timedelta(days=i) for i in range(1, (due - day).days + 1)]
    else:  # [due, day)
        span = [due + dt.timedelta(days=i) for i in range((day - due).days)]
    assert sum(is_business_day(x) for x in span) == n
    assert all(not is_business_day(x) for x, _ in skipped)


@FAST
@given(dates, counts)
def test_holidays_count_skips_weekends_only(day, n):
    due, skipped = business(day, n, "after", holidays_count=True)
    assert due.weekday() < 5
    assert all(x.weekday() >= 5 for x, _ in skipped)
    assert due - day <= dt.timedelta(days=n + 2 * (n // 5 + 1))


@FAST
@given(dates, st.integers(min_value=1, max_value=400), directions)
def test_calendar_day_results_are_exact(day, n, direction):
    due, skipped = count_days(day, n, direction, lambda d: None)
    assert abs((due - day).days) == n and skipped == []
    assert (due > day) == (direction == "after")


@FAST
@given(dates, counts)
def test_before_and_after_are_inverse_for_calendar_days(day, n):
    after, _ = count_days(day, n, "after", lambda d: None)
    back, _ = count_days(after, n, "before", lambda d: None)
    assert back == day


@FAST
@given(dates, counts)
def test_before_and_after_are_inverse_from_a_business_day(day, n):
    # From a business day X, going n business days back and then n forward returns to X.
    # (From a weekend or holiday it cannot: the result is always a business day.)
    if not is_business_day(day):
        day, _ = business(day, 1, "after")
    back, _ = business(day, n, "before")
    assert business(back, n, "after")[0] == day
    forward, _ = business(day, n, "after")
    assert business(forward, n, "before")[0] == day


@FAST
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(-120, 120))
def test_months_keep_the_day_or_clamp_to_the_months_end(day, months):
    got = add_months(day, months)
    assert (got.year * 12 + got.month) - (day.year * 12 + day.month) == months
    assert got.day == day.day or (got.day < day.day and (got + dt.timedelta(days=1)).day == 1)
    if day.day <= 28:
        assert add_months(got, -months) == day
