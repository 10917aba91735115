"""The deadline engine as it was before issue #11, frozen: kept only to compare against.

Do not use it. tests/test_deadlines_reference.py runs it and today's engine
(core/deadlines.py) on many random cases and requires every field of every
result, trail included, to be equal. Change it only in the same commit as a
change to the engine that is meant to change a result or a trail's words, and
the same way; a change meant only to be faster never touches it.

It is the pre-#11 engine copied verbatim, with three changes: imports name the
package (iepkit.*); it keeps its own copy of the day-by-day ``count_days``
loop, so that an edit to core/calendars.py's counting cannot change the
reference; and it leaves out what describes rules without a case. The holiday
tables and school calendars stay the package's own: they are the data, not
the arithmetic under test, and tests/test_calendar_*.py pin them by hand.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from iepkit.calendars import (ONE_DAY, CalendarTooShort, HolidayCalendar, SchoolCalendar, Skip, add_months,
                              group_skips)
from iepkit.errors import IepkitError, InputError, Problem, UnknownChoiceError
from iepkit.events import EVENT_TYPES, canonical_event
from iepkit.model import (DEADLINE_UNITS, AbsenceExtension, Citation, DeadlineRule, NearSchoolYearEnd,
                          RuleVersion)

COUNTING = (
    'How days are counted: "N days after X" is X + N, with X as day 0, unless the rule says the day '
    'of X is day 1. "N business days before X" is the N-th business day counting back from X, not '
    "counting X. A business day is Monday to Friday except federal and state holidays "
    "(34 CFR 300.11(b)); a day with no other word is a calendar day (34 CFR 300.11(a)). Months and "
    "years go to the same day of the month, or to the month's last day if it has no such day. "
    "A date that falls on a weekend or holiday is not moved unless the rule says so: IDEA has no "
    "general rule that moves it."
)


def count_days(start: _dt.date, n: int, direction: str,
               why_not: Callable[[_dt.date], str | None]) -> tuple[_dt.date, list[Skip]]:
    """The n-th counting day after (or before) ``start``, ``start`` itself excluded (pre-#11 copy)."""
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


UNVERIFIED = "[Unverified]"

#: Statuses, for partners who sort or filter.
STATUSES = ("overdue", "due-today", "upcoming", "needs-school-calendar", "not-in-force")


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Not calendar.month_name: that follows the locale.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def fmt(day: _dt.date) -> str:
    """A date with its weekday: "Fri 2026-10-30"."""
    # Not strftime("%a"): that follows the locale, and is slow in a loop of thousands.
    return f"{_WEEKDAYS[day.weekday()][:3]} {day.isoformat()}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _amount(n: int, unit: str) -> str:
    """ "1 year", "5 business days": a count in its unit, in words."""
    return _plural(n, DEADLINE_UNITS[unit].rstrip("s"))


@dataclass(frozen=True)
class Deadline:
    """One computed deadline. ``due`` is None when it cannot be computed (see ``problem``)."""

    rule: str
    label: str
    trigger: str
    trigger_kind: str  # "event" or "rule"
    trigger_date: _dt.date
    due: _dt.date | None
    days_left: int | None
    status: str
    count: int
    unit: str
    direction: str
    cite: tuple[Citation, ...]
    verified: bool
    note: str
    last_reviewed: _dt.date
    trail: tuple[str, ...]
    skipped: tuple[Skip, ...] = ()
    problem: str | None = None
    chain: tuple[str, ...] = ()
    #: Where the rule comes from: "federal" or the state's code, and in words.
    origin: str = ""
    origin_label: str = ""

    @property
    def citations(self) -> list[str]:
        return [c.ref for c in self.cite]

    @property
    def when(self) -> str:
        """Days left in plain words, for tables and calendars."""
        if self.status == "needs-school-calendar":
            return "needs a school calendar"
        if self.status == "not-in-force":
            return "no rule in force on that date"
        if self.days_left == 0:
            return "due today"
        if self.days_left is not None and self.days_left < 0:
            return f"OVERDUE by {_plural(-self.days_left, 'day')}"
        return f"{_plural(self.days_left or 0, 'day')} left"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: dates as YYYY-MM-DD."""
        return {
            "rule": self.rule, "label": self.label, "trigger": self.trigger,
            "trigger_kind": self.trigger_kind, "trigger_date": self.trigger_date.isoformat(),
            "due": self.due.isoformat() if self.due else None, "days_left": self.days_left,
            "status": self.status, "count": self.count, "unit": self.unit, "direction": self.direction,
            "citations": self.citations, "verified": self.verified, "note": self.note,
            "last_reviewed": self.last_reviewed.isoformat(), "chain": list(self.chain),
            "problem": self.problem, "trail": list(self.trail),
            "origin": self.origin, "origin_label": self.origin_label,
            "skipped": [{"date": d.isoformat(), "reason": r} for d, r in self.skipped],
        }


@dataclass
class DeadlineReport:
    """Everything the engine found for one case on one day."""

    today: _dt.date
    source: str
    deadlines: list[Deadline] = field(default_factory=list)
    #: Rules that did not start because the case lacks their event: rule id -> event type.
    waiting: dict[str, str] = field(default_factory=dict)
    #: Event types the case lists that no rule counts from (such as a reevaluation
    #: request, which federal law gives no fixed number of days): type -> latest date.
    #: Outputs say so, with events.EVENT_NOTES, rather than show nothing.
    uncounted: dict[str, _dt.date] = field(default_factory=dict)

    def get(self, rule_id: str) -> Deadline | None:
        return next((d for d in self.deadlines if d.rule == rule_id), None)


# -- checking inputs ---------------------------------------------------------

def rule_problems(rules: Mapping[str, DeadlineRule]) -> list[Problem]:
    """What is wrong across rules: unknown units or triggers, chains to missing rules, loops."""
    problems: list[Problem] = []
    for rid, rule in rules.items():
        for v in rule.versions:
            if v.unit not in DEADLINE_UNITS:
                problems.append(Problem(f"{rid}.unit", "expected one of: " + ", ".join(DEADLINE_UNITS)))
            if (v.trigger is None) == (v.trigger_rule is None):
                problems.append(Problem(rid, "needs either trigger (an event type) or trigger_rule "
                                             "(another rule's id), not both"))
            if v.trigger is not None and v.trigger not in EVENT_TYPES:
                problems.append(Problem(f"{rid}.trigger", "is not a known event type; expected one of: "
                                        + ", ".join(EVENT_TYPES)))
            if v.trigger_rule is not None and v.trigger_rule not in rules:
                problems.append(Problem(f"{rid}.trigger_rule", "names a rule that is not defined"))
            problems += [Problem(f"{rid}.{key}", text) for key, text in school_year_problems(v)]
    for rid in rules:
        seen, current = [rid], rules[rid].trigger_rule
        while current in rules:
            if current in seen:
                problems.append(Problem(f"{rid}.trigger_rule", "makes a loop: "
                                        + " -> ".join(seen + [current])))
                break
            seen.append(current)
            current = rules[current].trigger_rule
    return problems


def school_year_problems(v: RuleVersion) -> list[tuple[str, str]]:
    """(key, what is wrong) for a version's extend_for_absences and near_school_year_end.

    Both need the school calendar and count forward from the trigger, so they
    only make sense for school days counted after. statedata checks the same
    things in deadlines.yaml, naming the entry.
    """
    out = []
    for key, option in (("extend_for_absences", v.extend_for_absences),
                        ("near_school_year_end", v.near_school_year_end)):
        if option is not None and (v.unit != "school-days" or v.direction != "after"):
            out.append((key, "only works with unit school-days counted after"))
    near = v.near_school_year_end
    if near is not None:
        if not near.at_least < near.fewer_than:
            out.append(("near_school_year_end.fewer_than", "is not more than at_least; expected a larger number"))
        try:
            _dt.date(2001, near.month, near.day)  # not a leap year: February 29 has no date most years
        except ValueError:
            out.append(("near_school_year_end.due", "is not a day every year has; expected a month and day "
                                                    "like 06-30"))
    return out


def latest_events(events: Iterable[Mapping[str, Any]], source: str) -> dict[str, tuple[_dt.date, int]]:
    """For each event type, its latest date and how many times the case lists it.

    An unknown type is an error listing the valid ones. An event with no type
    (a dated line only for the letters' timeline) starts nothing. The latest
    date is used because a newer event restarts the clock: a newer IEP meeting
    starts a new year before the next annual review.
    """
    found: dict[str, tuple[_dt.date, int]] = {}
    problems = []
    for i, event in enumerate(events):
        kind = event.get("type")
        if kind is None:
            continue
        kind = canonical_event(kind)  # an old id (met-meeting-held) counts as its replacement
        if kind not in EVENT_TYPES:
            problems.append(Problem(f"events[{i}].type", "is not a known event type; expected one of: "
                                    + ", ".join(EVENT_TYPES)))
            continue
        day = event["date"]
        if kind in found:
            day = max(day, found[kind][0])
        found[kind] = (day, found.get(kind, (day, 0))[1] + 1)
    if problems:
        raise InputError(source, problems)
    return found


# -- counting --------------------------------------------------------------------

@dataclass
class _Count:
    due: _dt.date
    steps: list[str]
    skipped: list[Skip]


def _describe_skips(skips: list[Skip]) -> str:
    if not skips:
        return "No day was skipped."
    parts = []
    for first, last, reason in group_skips(skips):
        span = fmt(first) if first == last else f"{fmt(first)} to {fmt(last)}"
        parts.append(f"{span} ({reason})")
    return "Skipped, because they do not count: " + "; ".join(parts) + "."


def _count(v: RuleVersion, start: _dt.date, holidays: HolidayCalendar,
           school: SchoolCalendar | None) -> _Count:
    n, after = v.count, v.direction == "after"
    sign = 1 if after else -1
    way = "after" if after else "before"
    if v.unit == "calendar-days":
        if v.trigger_is_day_one:
            due = start + _dt.timedelta(days=sign * (n - 1))
            text = (f"Count {_plural(n, 'calendar day')} with {fmt(start)} itself as day 1, "
                    f"as this rule says; day {n} is {fmt(due)}.")
        else:
            due = start + _dt.timedelta(days=sign * n)
            text = (f"Count {_plural(n, 'calendar day')} {way} {fmt(start)}, which is day 0: "
                    f"day {n} is {fmt(due)}. Every day counts, weekends and holidays too.")
        return _Count(due, [text], [])
    if v.unit in ("months", "years"):
        months = n * (12 if v.unit == "years" else 1)
        due = add_months(start, sign * months)
        text = f"Go {_plural(n, v.unit[:-1])} {way} {fmt(start)} on the calendar: {fmt(due)}."
        if due.day != start.day:
            text += (f" That month has no day {start.day}, so its last day is used.")
        return _Count(due, [text], [])
    if v.unit == "business-days":
        kind = ("Monday to Friday, holidays included, as this rule says" if v.holidays_count
                else "Monday to Friday except federal and state holidays (34 CFR 300.11(b))")
        due, skipped = count_days(start, n, v.direction,
                                  lambda d: holidays.why_not_business_day(d, v.holidays_count))
        return _Count(due, [f"Count {_plural(n, 'business day')} {way} {fmt(start)}, not counting "
                            f"{fmt(start)} itself. Business days are {kind}.",
                            _describe_skips(skipped), f"Business day {n} is {fmt(due)}."], skipped)
    if v.unit == "school-days":
        assert school is not None
        return _count_school_days(v, start, school)
    raise IepkitError(f"unknown unit '{v.unit}'")  # rule_problems rejects this at load


class _ShortCalendar(Exception):
    """A school-day count ran past the case's calendar; ``steps`` are the ones worked out before it did."""

    def __init__(self, reason: str, steps: list[str]):
        super().__init__(reason)
        self.steps = steps


def _dates(days: list[_dt.date]) -> str:
    return ", ".join(fmt(d) for d in days)


def _count_school_days(v: RuleVersion, start: _dt.date, school: SchoolCalendar) -> _Count:
    """School days, with the rule's end-of-year date and absence extension when it has them."""
    n, way, steps = v.count, v.direction, []
    if v.near_school_year_end is not None:
        fixed = _near_school_year_end(v.near_school_year_end, start, school, steps)
        if fixed is not None:
            return _Count(fixed, steps, [])
    text = (f"Count {_plural(n, 'school day')} {way} {fmt(start)}, not counting "
            f"{fmt(start)} itself, using the school calendar in the case.")
    try:
        due, skipped = count_days(start, n, v.direction, lambda d: school.why_not_school_day(d, v.direction))
    except CalendarTooShort as exc:
        raise _ShortCalendar(str(exc), steps + [text]) from None
    steps += [text, _describe_skips(skipped), f"School day {n} is {fmt(due)}."]
    if v.extend_for_absences is not None:
        due, more = _extend_for_absences(v.extend_for_absences, start, due, school, steps)
        skipped += more
    return _Count(due, steps, skipped)


def _near_school_year_end(near: NearSchoolYearEnd, start: _dt.date, school: SchoolCalendar,
                          steps: list[str]) -> _dt.date | None:
    """The rule's fixed date when the start falls in its window before the last day of school, else None.

    "K school days before the last day" counts the school days after the start
    up to and including the last day, as "N school days before X" does.
    """
    last = school.last_day
    left = len(school.school_days(start, last))
    fixed = _dt.date(last.year, near.month, near.day)
    date_words = f"{_MONTHS[near.month - 1]} {near.day}"
    text = (f"From {fmt(start)} to the last day of school in the case, {fmt(last)}, there are "
            f"{_plural(left, 'school day')}, not counting {fmt(start)} itself. ")
    window = f"at least {near.at_least} but fewer than {near.fewer_than}"
    if not near.at_least <= left < near.fewer_than:
        text += (f"This rule's {date_words} date is only for a start {window} school days before the last "
                 f"day, so the school days are counted as usual.")
        if left < near.at_least:
            text += " With so few left, the count runs into the next school year."
        steps.append(text)
        return None
    absent = ""
    if near.unless_absences is not None:
        missed = school.absences_between(start, last)
        if len(missed) >= near.unless_absences:
            steps.append(text + (
                f"That is {window}, which would make it due {date_words}; but the student was absent "
                f"on {_plural(len(missed), 'school day')} in that time ({_dates(missed)}), "
                f"{near.unless_absences} or more, so that date does not apply and the school days are "
                "counted as usual."))
            return None
        absent = (f" The case records {_plural(len(missed), 'absence')} in that time"
                  + (f" ({_dates(missed)})" if missed else "")
                  + f"; this date would not apply with {near.unless_absences} or more.")
    steps.append(text + f"That is {window}, so this rule's date for a start near the end of the school year "
                        f"applies instead of the count: {date_words} in the year of the last day of school, "
                        f"{fmt(fixed)}." + absent)
    return fixed


def _extend_for_absences(ext: AbsenceExtension, start: _dt.date, due: _dt.date, school: SchoolCalendar,
                         steps: list[str]) -> tuple[_dt.date, list[Skip]]:
    """The due date moved on by one school day per absence in the count, when there are enough."""
    missed = school.absences_between(start, due)
    rule_words = (f"This rule adds one school day for each school day the student was absent in the count, "
                  f"when there are {ext.at_least} or more.")
    if not missed:
        steps.append(f"The case records no absences for the student from {fmt(start)} to {fmt(due)}. "
                     + rule_words + " The date stands; if your child missed school then, add those days "
                     "to the case.")
        return due, []
    listed = f"{_plural(len(missed), 'school day')} in the count ({_dates(missed)})"
    if len(missed) < ext.at_least:
        steps.append(f"The student was absent on {listed}. {rule_words} That is fewer, so the date stands.")
        return due, []
    text = (f"The student was absent on {listed}. {rule_words} So count "
            f"{_plural(len(missed), 'more school day')} after {fmt(due)}.")
    try:
        end, skipped = count_days(due, len(missed), "after", lambda d: school.why_not_school_day(d, "after"))
    except CalendarTooShort as exc:
        raise _ShortCalendar(str(exc), steps + [text]) from None
    steps += [text, _describe_skips(skipped), f"School day {len(missed)} after {fmt(due)} is {fmt(end)}."]
    later = school.absences_between(due, end)
    if later:
        steps.append(f"Absences after {fmt(due)} ({_dates(later)}) fall in the added days, not in the "
                     "count, so they do not extend it again.")
    return end, skipped


def _weekend_or_holiday(day: _dt.date, holidays: HolidayCalendar) -> str | None:
    if day.weekday() >= 5:
        return f"a {_WEEKDAYS[day.weekday()]}"
    name = holidays.holiday(day)
    return f"a holiday ({name})" if name else None


def _roll(v: RuleVersion, due: _dt.date, holidays: HolidayCalendar) -> tuple[_dt.date, str | None]:
    """Apply the rule's weekend/holiday choice; return the date and a step, if one is worth saying."""
    if v.unit in ("business-days", "school-days"):
        return due, None  # the count already lands on a counting day
    off = _weekend_or_holiday(due, holidays)
    if off is None:
        return due, None
    if not v.roll_forward:
        return due, (f"{fmt(due)} is {off}. The date does not move: this rule has no roll-forward, "
                     "and IDEA has no general rule that moves a deadline off a weekend or holiday. "
                     "To be safe, act by the business day before.")
    forward = v.direction == "after"
    moved, _ = count_days(due, 1, "after" if forward else "before", holidays.why_not_business_day)
    return moved, (f"{fmt(due)} is {off}. This rule moves such a date to the "
                   f"{'next' if forward else 'previous'} business day: {fmt(moved)}.")


# -- the engine --------------------------------------------------------------------------

class _Run:
    def __init__(self, rules: Mapping[str, DeadlineRule], events: dict[str, tuple[_dt.date, int]],
                 today: _dt.date, holidays: HolidayCalendar, school: SchoolCalendar | None, source: str):
        self.rules, self.events, self.today = rules, events, today
        self.holidays, self.school, self.source = holidays, school, source
        self.done: dict[str, Deadline | None] = {}
        self.steps: dict[str, list[str]] = {}
        self.waiting: dict[str, str] = {}

    def start(self, rule: DeadlineRule) -> tuple[_dt.date, str, str, list[str], tuple[str, ...]] | None:
        """Where a rule's count starts: date, trigger, kind, earlier steps, chain; None if it cannot."""
        if rule.trigger_rule:
            parent = self.compute(rule.trigger_rule)
            if parent is None or parent.due is None:
                if rule.trigger_rule in self.waiting:
                    self.waiting[rule.id] = self.waiting[rule.trigger_rule]
                return None
            steps = list(self.steps[parent.rule])
            steps.append(f"{parent.rule} ends on {fmt(parent.due)}; {rule.id} counts from that day.")
            return parent.due, parent.rule, "rule", steps, parent.chain + (parent.rule,)
        trigger = rule.trigger or ""
        if trigger not in self.events:
            self.waiting[rule.id] = trigger
            return None
        day, times = self.events[trigger]
        text = f"The case lists '{trigger}' on {fmt(day)}."
        if times > 1:
            text = f"The case lists '{trigger}' {times} times; the latest, {fmt(day)}, is used."
        return day, trigger, "event", [text], ()

    def compute(self, rule_id: str) -> Deadline | None:
        """The rule's deadline (computed once), or None when its event is missing."""
        if rule_id not in self.done:
            self.done[rule_id] = None  # a loop ends here instead of recursing forever
            rule = self.rules[rule_id]
            found = self._compute(rule)
            self.done[rule_id] = found and dataclasses.replace(found, origin=rule.origin,
                                                               origin_label=rule.origin_label)
        return self.done[rule_id]

    def _compute(self, rule: DeadlineRule) -> Deadline | None:
        parent = self.compute(rule.trigger_rule) if rule.trigger_rule else None
        if parent is not None and parent.due is None:
            # The chain is blocked: say so for this rule too rather than drop it.
            text = f"{rule.id} counts from the end of {parent.rule}, which could not be computed."
            base = dict(rule=rule.id, trigger=parent.rule, trigger_kind="rule", trigger_date=parent.trigger_date,
                        chain=parent.chain + (parent.rule,))
            return self._unfinished(rule.current, base, list(parent.trail) + [text], parent.status,
                                    f"{text} {parent.problem}")
        begun = self.start(rule)
        if begun is None:
            return None
        start, trigger, kind, steps, chain = begun
        base = dict(rule=rule.id, trigger=trigger, trigger_kind=kind, trigger_date=start, chain=chain)
        version = rule.version_on(start)
        if version is None:
            text = (f"No version of {rule.id} was in force on {fmt(start)}; the rules this plugin "
                    "knows start later or ended earlier. Check the rules that applied then.")
            return self._unfinished(rule.current, base, steps + [text], "not-in-force", text)
        steps = steps + [self._rule_step(rule, version)]
        if version.unit == "school-days" and self.school is None:
            text = ("This rule counts school days, and the case has no school_calendar. "
                    "Add your child's school calendar to the case to compute it.")
            return self._unfinished(version, base, steps + [text], "needs-school-calendar", text)
        try:
            counted = _count(version, start, self.holidays, self.school)
            due, roll_step = _roll(version, counted.due, self.holidays)
        except (CalendarTooShort, _ShortCalendar) as exc:
            text = f"This rule counts school days, and {exc}. Add the next school year's calendar to the case."
            return self._unfinished(version, base, steps + getattr(exc, "steps", []) + [text],
                                    "needs-school-calendar", text)
        except (OverflowError, ValueError):
            # Only dates near year 1 or 9999 get here; name the field, not the date.
            raise InputError(self.source, [Problem("events", f"a date for '{rule.id}' is too far from "
                                                   "today to count from; check the year")]) from None
        steps += counted.steps + ([roll_step] if roll_step else [])
        self.steps[rule.id] = steps
        days_left = (due - self.today).days
        status = "overdue" if days_left < 0 else "due-today" if days_left == 0 else "upcoming"
        return Deadline(**base, label=version.label, due=due, days_left=days_left, status=status,
                        count=version.count, unit=version.unit, direction=version.direction,
                        cite=version.cite, verified=version.verified, note=version.note,
                        last_reviewed=version.last_reviewed,
                        trail=tuple(steps + [self._result_line(due, days_left)]),
                        skipped=tuple(counted.skipped))

    def _unfinished(self, v: RuleVersion, base: dict[str, Any], steps: list[str], status: str,
                    problem: str) -> Deadline:
        return Deadline(**base, label=v.label, due=None, days_left=None, status=status, count=v.count,
                        unit=v.unit, direction=v.direction, cite=v.cite, verified=v.verified,
                        note=v.note, last_reviewed=v.last_reviewed, trail=tuple(steps), problem=problem)

    @staticmethod
    def _rule_step(rule: DeadlineRule, v: RuleVersion) -> str:
        what = v.trigger_rule or v.trigger
        text = (f"Rule {rule.id}: {v.label}: {_amount(v.count, v.unit)} {v.direction} "
                f"{what}. Sources: {v.citations}.")
        if len(rule.versions) > 1 or v.effective_from or v.effective_until:
            # The version is chosen by the date the count starts from, which is not
            # always the date a law keys on (a filing limit may change by filing
            # date); say exactly what was matched, and leave the why to the note.
            if v.effective_from and v.effective_until:
                span = f"from {v.effective_from.isoformat()} to {v.effective_until.isoformat()}"
            elif v.effective_from:
                span = f"on or after {v.effective_from.isoformat()}"
            elif v.effective_until:
                span = f"on or before {v.effective_until.isoformat()}"
            else:
                span = "on any date"
            text += f" This version is the one for a start date {span}."
        if not v.verified:
            text += f" {UNVERIFIED} This rule could not be confirmed in a primary source."
        return text

    def _result_line(self, due: _dt.date, days_left: int) -> str:
        if days_left > 0:
            left = f"{_plural(days_left, 'day')} left"
        elif days_left == 0:
            left = "due today"
        else:
            left = f"{_plural(-days_left, 'day')} overdue"
        return f"Result: due {fmt(due)}; {left} as of {fmt(self.today)}."


def _sort_key(d: Deadline) -> tuple:
    return (d.due is None, d.due or _dt.date.max, d.rule)


def compute_deadlines(rules: Mapping[str, DeadlineRule], events: Iterable[Mapping[str, Any]], *,
                      today: _dt.date, holidays: HolidayCalendar, school: SchoolCalendar | None = None,
                      source: str = "case") -> DeadlineReport:
    """Every deadline the rules give for these events, soonest first, with its trail.

    ``events`` are ``{type, date}`` mappings (a case's ``events``). Rules whose
    event the case does not list are reported in ``waiting``.
    """
    bad = [r for r in rules.values() if not isinstance(r, DeadlineRule)]
    if bad:
        raise IepkitError("a plugin registered a deadline rule that is not an iepkit.model.DeadlineRule")
    problems = rule_problems(rules)
    if problems:
        raise InputError("deadline rules", problems)
    listed = latest_events(events, source)
    run = _Run(rules, listed, today, holidays, school, source)
    found = [d for d in (run.compute(rid) for rid in rules) if d is not None]
    triggers = {v.trigger for r in rules.values() for v in r.versions if v.trigger}
    return DeadlineReport(today=today, source=source, deadlines=sorted(found, key=_sort_key),
                          waiting={k: run.waiting[k] for k in rules if k in run.waiting},
                          uncounted={e: day for e, (day, _) in listed.items() if e not in triggers})


def explain(report: DeadlineReport, rules: Mapping[str, DeadlineRule], rule_id: str) -> Deadline:
    """The deadline for one rule, or an error saying what is missing."""
    if rule_id not in rules:
        raise UnknownChoiceError("deadline rule", rule_id, sorted(rules))
    found = report.get(rule_id)
    if found is not None:
        return found
    needed = report.waiting.get(rule_id) or rules[rule_id].trigger or ""
    via = f" (through {rules[rule_id].trigger_rule})" if rules[rule_id].trigger_rule else ""
    raise IepkitError(f"{report.source}: {rule_id} starts from the event '{needed}'{via}, which the case "
                      f"does not list. Add it under events, for example: - {{type: {needed}, date: YYYY-MM-DD}}")


def format_explanation(d: Deadline) -> str:
    """The trail as numbered plain-language steps, with sources and the counting rules."""
    mark = f" {UNVERIFIED}" if not d.verified else ""
    lines = [f"{d.rule}: {d.label}{mark}"] + ([f"{d.origin_label}."] if d.origin_label else []) + [""]
    lines += [f"{i}. {step}" for i, step in enumerate(d.trail, 1)]
    lines += ["", f"Sources: {'; '.join(d.citations)}",
              f"Last reviewed: {d.last_reviewed.isoformat()}", "", f"Note: {d.note}", "", COUNTING]
    return "\n".join(lines)
