"""Which days count: holidays for business days, a school's calendar for school days.

A business day is Monday to Friday except Federal and State holidays
(34 CFR 300.11(b)). The holidays are the union of the ``holidays`` package's
US federal list and its list for the state, then the state plugin's own
additions and removals. The package is pinned in pyproject.toml and the
Mississippi dates are snapshot-tested, because it has been wrong before.

A school day is a day children attend school (34 CFR 300.11(c)). No library
knows a school's breaks, so school days come only from a calendar the user
writes in the case; without one, the engine says so instead of guessing.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as _dt
import functools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from .errors import IepkitError, InputError, Problem
from .model import StateCalendar

ONE_DAY = _dt.timedelta(days=1)
WEEKEND = "weekend"

#: A day the count passed over, and why it did not count.
Skip = tuple[_dt.date, str]


class CalendarTooShort(Exception):
    """A school-day count ran past the dates the user's school calendar covers."""


@lru_cache(maxsize=None)
def _library_holidays(subdivision: str, year: int) -> dict[_dt.date, str]:
    # Cached per (state, year): a count over many years builds each year once,
    # so the cost of a count does not grow with how far it reaches.
    import holidays  # imported here: it is slow to import and most commands never count

    try:
        state = holidays.US(subdiv=subdivision, years=year)
    except NotImplementedError:
        raise IepkitError(f"the holidays package does not know the US subdivision "
                          f"'{subdivision}'; check the state plugin's calendar.yaml") from None
    federal = holidays.US(years=year)
    table = dict(state)
    table.update(federal)  # federal names where both lists have the day: they are the better known
    return table


class HolidayCalendar:
    """The holidays of one state, built once per year and then looked up in a dict."""

    def __init__(self, spec: StateCalendar):
        self.spec = spec
        self._years: dict[int, dict[_dt.date, str]] = {}
        # One index for counts that skip holidays and one for counts that do not.
        self._indexes: dict[bool, _BusinessDays] = {}

    def holidays_in(self, year: int) -> dict[_dt.date, str]:
        """Every holiday dated in ``year`` (weekend ones too), with its name."""
        table = self._years.get(year)
        if table is None:
            table = dict(_library_holidays(self.spec.subdivision, year))
            for change in self.spec.removals:
                if change.date.year == year:
                    table.pop(change.date, None)
            for change in self.spec.additions:
                if change.date.year == year:
                    table[change.date] = change.name
            self._years[year] = table
        return table

    def holiday(self, day: _dt.date) -> str | None:
        return self.holidays_in(day.year).get(day)

    def why_not_business_day(self, day: _dt.date, holidays_count: bool = False) -> str | None:
        """None for a business day; otherwise the reason it is not one.

        ``holidays_count`` treats holidays that fall Monday to Friday as business
        days, as 34 CFR 300.148(d)(1)(ii) does.
        """
        if day.weekday() >= 5:
            return WEEKEND
        if holidays_count:
            return None
        name = self.holiday(day)
        return f"holiday: {name}" if name else None

    def is_business_day(self, day: _dt.date, holidays_count: bool = False) -> bool:
        return self.why_not_business_day(day, holidays_count) is None

    def count_business_days(self, start: _dt.date, n: int, direction: str,
                            holidays_count: bool = False) -> tuple[_dt.date, list[Skip]]:
        """The n-th business day after (or before) ``start``, and the days passed over.

        The same result as ``count_days`` with ``why_not_business_day``, found
        by bisection in each year's precomputed business days instead of a walk
        day by day: a caseload counts the same years over and over.
        """
        index = self._indexes.get(holidays_count)
        if index is None:
            # A partial, not a lambda, so a calendar can still be pickled (to another process).
            index = self._indexes[holidays_count] = _BusinessDays(
                functools.partial(self.why_not_business_day, holidays_count=holidays_count))
        return index.count(start, n, direction)


class _BusinessDays:
    """Each year's business days as sorted day numbers, so counting N of them is a bisection.

    Per year: ``days``, the ordinals of the business days; ``off``, the
    ordinals of the other days; and ``skips``, the same other days as
    (date, reason) pairs, which a count returns as the days it passed over.
    A year is built the first time a count reaches it (each reason from
    ``why_not``, so it is the same as a day-by-day walk) and kept: memory is
    bounded by the years counted in, about 365 entries each.
    """

    def __init__(self, why_not: Callable[[_dt.date], str | None]):
        self.why_not = why_not
        self.years: dict[int, tuple[list[int], list[int], list[Skip]]] = {}

    def year(self, year: int) -> tuple[list[int], list[int], list[Skip]]:
        built = self.years.get(year)
        if built is None:
            if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
                # What the day-by-day walk raises when it steps off the calendar.
                raise OverflowError("date value out of range")
            days, off, skips = [], [], []
            day, end = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
            while True:
                reason = self.why_not(day)
                if reason is None:
                    days.append(day.toordinal())
                else:
                    off.append(day.toordinal())
                    skips.append((day, reason))
                if day == end:
                    break
                day += ONE_DAY
            built = self.years[year] = (days, off, skips)
        return built

    def count(self, start: _dt.date, n: int, direction: str) -> tuple[_dt.date, list[Skip]]:
        """As ``count_days``: the n-th business day from ``start`` (excluded), and the skips in the order met."""
        at, year, skipped = start.toordinal(), start.year, []
        if n < 1:
            return start, skipped  # as the walk: no day to count, so the start itself
        if direction == "after":
            while True:
                days, off, skips = self.year(year)
                first = bisect_right(days, at)  # the first business day after the start
                if n <= len(days) - first:
                    due = days[first + n - 1]
                    skipped += skips[bisect_right(off, at):bisect_left(off, due)]
                    return _dt.date.fromordinal(due), skipped
                n -= len(days) - first
                skipped += skips[bisect_right(off, at):]
                year += 1
        while True:
            days, off, skips = self.year(year)
            before = bisect_left(days, at)  # how many business days come before the start
            if n <= before:
                due = days[before - n]
                skipped += reversed(skips[bisect_right(off, due):bisect_left(off, at)])
                return _dt.date.fromordinal(due), skipped
            n -= before
            skipped += reversed(skips[:bisect_left(off, at)])
            year -= 1


@lru_cache(maxsize=64)
def holiday_calendar(spec: StateCalendar) -> HolidayCalendar:
    """One HolidayCalendar per state's holiday data, shared by every case."""
    return HolidayCalendar(spec)


@dataclass(frozen=True)
class SchoolBreak:
    start: _dt.date
    end: _dt.date
    name: str

    def covers(self, day: _dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolCalendar:
    """A school year as the user wrote it: first and last day, breaks and closures.

    School days are Monday to Friday from the first day to the last, except
    breaks and closures. Holidays are not removed on their own: schools open
    on some of them, so the user lists the days with no school.
    """

    first_day: _dt.date
    last_day: _dt.date
    breaks: tuple[SchoolBreak, ...] = ()
    closures: frozenset[_dt.date] = frozenset()
    #: School days the student missed, as the case records them. Only rules that
    #: say so (``extend_for_absences``, ``near_school_year_end``) look at them.
    absences: frozenset[_dt.date] = frozenset()

    def why_not_school_day(self, day: _dt.date, direction: str) -> str | None:
        """None for a school day; otherwise the reason. Raises past the calendar's ends.

        Counting forward from a summer day is fine (the days before the first
        day are skipped); counting past the last day, or back before the first,
        would need the next or previous school year, which the case does not give.
        """
        if day > self.last_day:
            if direction == "after":
                raise CalendarTooShort(f"the count runs past the last day of school "
                                       f"in the case ({self.last_day.isoformat()})")
            return "after the last day of school"
        if day < self.first_day:
            if direction == "before":
                raise CalendarTooShort(f"the count runs back before the first day of school "
                                       f"in the case ({self.first_day.isoformat()})")
            return "before the first day of school"
        for brk in self.breaks:
            if brk.covers(day):
                return brk.name
        if day in self.closures:
            return "school closed"
        if day.weekday() >= 5:
            return WEEKEND
        return None

    def school_days(self, after: _dt.date, through: _dt.date) -> list[_dt.date]:
        """The school days after ``after`` up to and including ``through``, within this calendar."""
        day, out = max(after, self.first_day - ONE_DAY), []
        while day < min(through, self.last_day):
            day += ONE_DAY
            if self.why_not_school_day(day, "after") is None:
                out.append(day)
        return out

    def absences_between(self, after: _dt.date, through: _dt.date) -> list[_dt.date]:
        """The recorded absences after ``after`` up to and including ``through``, in date order."""
        return sorted(d for d in self.absences if after < d <= through)


def school_calendar_from_case(data: dict[str, Any] | None, source: str) -> SchoolCalendar | None:
    """The case's ``school_calendar`` as a SchoolCalendar, checking that its dates make sense."""
    if not data:
        return None
    problems: list[Problem] = []
    first, last = data["first_day"], data["last_day"]
    if last < first:
        problems.append(Problem("school_calendar.last_day", "is before first_day; expected a later date"))
    breaks = []
    for i, brk in enumerate(data.get("breaks", [])):
        if brk["end"] < brk["start"]:
            problems.append(Problem(f"school_calendar.breaks[{i}].end", "is before start; expected a later date"))
            continue
        breaks.append(SchoolBreak(brk["start"], brk["end"], brk.get("name") or "school break"))
    if problems:
        raise InputError(source, problems)
    calendar = SchoolCalendar(first_day=first, last_day=last, breaks=tuple(breaks),
                              closures=frozenset(data.get("closures", [])))
    absences = _absences(calendar, data.get("absences", []), problems)
    if problems:
        raise InputError(source, problems)
    return SchoolCalendar(first_day=first, last_day=last, breaks=calendar.breaks, closures=calendar.closures,
                          absences=absences)


def _absences(calendar: SchoolCalendar, days: list[_dt.date], problems: list[Problem]) -> frozenset[_dt.date]:
    """The student's absences, each a school day of this calendar and listed once.

    A day outside the school year or with no school cannot be an absence, and a
    day listed twice would be counted once: both are typing mistakes a count
    that extends a legal deadline must not pass over. Messages name the entry,
    never the date.
    """
    seen: dict[_dt.date, int] = {}
    for i, day in enumerate(days):
        where = f"school_calendar.absences[{i}]"
        if day < calendar.first_day or day > calendar.last_day:
            problems.append(Problem(where, "is outside the school year (first_day to last_day); "
                                           "expected a school day the student missed"))
        elif calendar.why_not_school_day(day, "after") is not None:
            problems.append(Problem(where, "is not a school day in this calendar (a weekend, a break or a "
                                           "closure); expected a school day the student missed"))
        elif day in seen:
            problems.append(Problem(where, f"is the same day as absences[{seen[day]}]; list each day once"))
        else:
            seen[day] = i
    return frozenset(seen)


def count_days(start: _dt.date, n: int, direction: str,
               why_not: Callable[[_dt.date], str | None]) -> tuple[_dt.date, list[Skip]]:
    """The n-th counting day after (or before) ``start``, ``start`` itself excluded.

    ``why_not`` says why a day does not count (None if it counts). Returns the
    date and the days passed over, in the order they were met.
    """
    step = ONE_DAY if direction == "after" else -ONE_DAY
    day, counted, skipped = start, 0, []
    while counted < n:
        day += step
        reason = why_not(day)
        if reason is None:
            counted += 1
        else:
            skipped.append((day, reason))
    return day, skipped


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Calendar-month arithmetic: the same day of the month, or the month's last day if it has none.

    So one month after January 31 is February 28 (29 in a leap year), and one
    year after February 29, 2028 is February 28, 2029.
    """
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    # Not calendar.monthrange: it also works out the month's first weekday, which is not needed.
    last = 29 if month == 2 and _calendar.isleap(year) else _MONTH_DAYS[month0]
    return _dt.date(year, month, min(day.day, last))


def group_skips(skips: list[Skip]) -> list[tuple[_dt.date, _dt.date, str]]:
    """Runs of consecutive skipped days with the same reason, as (first, last, reason)."""
    runs: list[tuple[_dt.date, _dt.date, str]] = []
    for day, reason in sorted(skips):
        if runs and runs[-1][2] == reason and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day, reason)
        else:
            runs.append((day, day, reason))
    return runs
