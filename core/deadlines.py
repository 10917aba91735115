"""The deadline engine: dated events in, cited due dates with a calculation trail out.

Rules are data in each state plugin (``deadlines.yaml``, see deadlines.md next
to this file). The engine knows only how to count. Every result keeps its
trail, step by step, so a parent, an advocate or a hearing officer can check
the arithmetic, and its citations and verified flag, so an unconfirmed rule is
never shown as settled law.

How days are counted is in COUNTING below; it is printed with every explanation.
"""
from __future__ import annotations

import datetime as _dt
import functools
import threading
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Callable, Iterable, Mapping

from .calendars import (CalendarTooShort, HolidayCalendar, SchoolCalendar, Skip, add_months,
                        count_days, group_skips)
from .errors import IepkitError, InputError, Problem, UnknownChoiceError
from .events import EVENT_TYPES, canonical_event
from .model import (DEADLINE_UNITS, AbsenceExtension, Citation, DeadlineRule, NearSchoolYearEnd,
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


class _Trail:
    """Deadline's ``trail`` field: the steps, or a function that writes them when they are first read.

    Writing the trail's sentences costs more than counting, and most uses of
    a deadline (a caseload's dates, a table, a calendar file) never read them.
    So the engine may give a function instead of the steps; the first read of
    ``trail`` calls it and keeps the tuple. Everything that reads a field
    (equality, hash, repr, as_dict, dataclasses.replace, pickling, see
    Deadline.__getstate__) gets the same tuple as if it had been given.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> tuple[str, ...]:
        if obj is None:
            raise AttributeError(self.name)  # no class-level default: the field stays required
        steps = obj.__dict__[self.name]
        if callable(steps):
            steps = obj.__dict__[self.name] = steps()
        return steps

    def __set__(self, obj: Any, steps: tuple[str, ...] | Callable[[], tuple[str, ...]]) -> None:
        obj.__dict__[self.name] = steps


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
    #: The calculation, step by step. The engine may give a function that writes
    #: it; it is written the first time it is read (see _Trail).
    trail: tuple[str, ...] = _Trail()
    skipped: tuple[Skip, ...] = ()
    problem: str | None = None
    chain: tuple[str, ...] = ()
    #: Where the rule comes from: "federal" or the state's code, and in words.
    origin: str = ""
    origin_label: str = ""

    def __getstate__(self) -> dict[str, Any]:
        self.trail  # written now: a pickle (to another process) carries the steps, not the function
        return self.__dict__

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


def _calendar_offset(v: RuleVersion) -> _dt.timedelta:
    """What a count in calendar days adds to its start: N days, or N - 1 when the start is day 1."""
    return _dt.timedelta(days=(1 if v.direction == "after" else -1)
                         * (v.count - 1 if v.trigger_is_day_one else v.count))


def _count_due(v: RuleVersion, start: _dt.date, holidays: HolidayCalendar) -> tuple[_dt.date, list[Skip]]:
    """Where a count in calendar days, months, years or business days ends, and the days it skipped.

    Only the dates: the words for the trail are ``_count_steps``, written when
    the trail is read. School days are ``_count_school_days``, which writes its
    steps as it goes (its words depend on what it finds on the way).
    """
    if v.unit == "calendar-days":
        return start + _calendar_offset(v), []
    if v.unit in ("months", "years"):
        months = v.count * (12 if v.unit == "years" else 1)
        return add_months(start, months if v.direction == "after" else -months), []
    if v.unit == "business-days":
        return holidays.count_business_days(start, v.count, v.direction, v.holidays_count)
    raise IepkitError(f"unknown unit '{v.unit}'")  # rule_problems rejects this at load


def _count_steps(v: RuleVersion, start: _dt.date, due: _dt.date, skipped: list[Skip]) -> list[str]:
    """The trail's words for a count ``_count_due`` made: how the count went from ``start`` to ``due``."""
    n, way = v.count, v.direction
    if v.unit == "calendar-days":
        if v.trigger_is_day_one:
            return [f"Count {_plural(n, 'calendar day')} with {fmt(start)} itself as day 1, "
                    f"as this rule says; day {n} is {fmt(due)}."]
        return [f"Count {_plural(n, 'calendar day')} {way} {fmt(start)}, which is day 0: "
                f"day {n} is {fmt(due)}. Every day counts, weekends and holidays too."]
    if v.unit in ("months", "years"):
        text = f"Go {_plural(n, v.unit[:-1])} {way} {fmt(start)} on the calendar: {fmt(due)}."
        if due.day != start.day:
            text += (f" That month has no day {start.day}, so its last day is used.")
        return [text]
    kind = ("Monday to Friday, holidays included, as this rule says" if v.holidays_count
            else "Monday to Friday except federal and state holidays (34 CFR 300.11(b))")
    return [f"Count {_plural(n, 'business day')} {way} {fmt(start)}, not counting "
            f"{fmt(start)} itself. Business days are {kind}.",
            _describe_skips(skipped), f"Business day {n} is {fmt(due)}."]


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


def _rolled(v: RuleVersion, due: _dt.date, holidays: HolidayCalendar) -> _dt.date:
    """The due date after the rule's weekend/holiday choice (a count in business or school days
    already lands on a counting day)."""
    if not v.roll_forward or v.unit in ("business-days", "school-days") or holidays.is_business_day(due):
        return due
    return holidays.count_business_days(due, 1, "after" if v.direction == "after" else "before")[0]


def _roll_step(v: RuleVersion, due: _dt.date, moved: _dt.date, holidays: HolidayCalendar) -> str | None:
    """The trail's words for ``_rolled``, if there is something worth saying."""
    if v.unit in ("business-days", "school-days"):
        return None
    off = _weekend_or_holiday(due, holidays)
    if off is None:
        return None
    if not v.roll_forward:
        return (f"{fmt(due)} is {off}. The date does not move: this rule has no roll-forward, "
                "and IDEA has no general rule that moves a deadline off a weekend or holiday. "
                "To be safe, act by the business day before.")
    return (f"{fmt(due)} is {off}. This rule moves such a date to the "
            f"{'next' if v.direction == 'after' else 'previous'} business day: {fmt(moved)}.")


# -- the engine --------------------------------------------------------------------------

class _Prepared:
    """A set of rules made ready to count with: checked once, with what each rule starts from.

    Checking rules (``rule_problems``) costs more than counting a case, and a
    caseload counts every case with the same rules, so ``_prepare`` keeps the
    last few sets it was given instead of checking them again for each case.
    """

    def __init__(self, rules: Mapping[str, DeadlineRule]):
        if any(not isinstance(r, DeadlineRule) for r in rules.values()):
            raise IepkitError("a plugin registered a deadline rule that is not an iepkit.model.DeadlineRule")
        problems = rule_problems(rules)
        if problems:
            raise InputError("deadline rules", problems)
        #: Held, not only their ids: the cache key is the rules' ids, which must not be reused.
        self.rules = dict(rules)
        self.plans = {rid: _Plan(rule) for rid, rule in self.rules.items()}
        self.triggers = {v.trigger for r in self.rules.values() for v in r.versions if v.trigger}


class _Version:
    """A rule version, with what every deadline it gives shares: worked out once per set of rules."""

    __slots__ = ("version", "fields", "offset")

    def __init__(self, rule: DeadlineRule, v: RuleVersion):
        self.version = v
        #: The deadline's fields that come from the rule and version alone.
        self.fields = dict(rule=rule.id, label=v.label, count=v.count, unit=v.unit, direction=v.direction,
                           cite=v.cite, verified=v.verified, note=v.note, last_reviewed=v.last_reviewed,
                           problem=None, origin=rule.origin, origin_label=rule.origin_label)
        #: What a count in calendar days adds to its start (most rules): no need to call _count_due.
        self.offset = _calendar_offset(v) if v.unit == "calendar-days" else None


class _Plan:
    """A rule, ready to count: what it starts from, and its versions."""

    __slots__ = ("rule", "current", "versions", "only")

    def __init__(self, rule: DeadlineRule):
        self.rule = rule
        #: A rule starts from its newest version's trigger (DeadlineRule.trigger): looked up once.
        self.current = rule.current
        self.versions = [_Version(rule, v) for v in rule.versions]
        #: The one version, when a rule has one in force on every date: no need to look for it.
        self.only = (self.versions[0] if len(rule.versions) == 1 and rule.versions[0].in_force(_dt.date.min)
                     and rule.versions[0].in_force(_dt.date.max) else None)

    def version_on(self, day: _dt.date) -> _Version | None:
        """As DeadlineRule.version_on: the first version in force on ``day``."""
        return next((v for v in self.versions if v.version.in_force(day)), None)


_PREPARED: dict[tuple[tuple[str, ...], tuple[int, ...]], _Prepared] = {}
_PREPARED_KEEP = 16  # a few states' rule sets; bounded so a long run that makes rules does not grow
_PREPARED_LOCK = threading.Lock()


def _prepare(rules: Mapping[str, DeadlineRule]) -> _Prepared:
    # Keyed by the rule objects themselves (they are frozen), by identity:
    # hashing a rule's every field for each case would cost what the cache saves.
    key = (tuple(rules), tuple(map(id, rules.values())))
    found = _PREPARED.get(key)
    if found is None:
        found = _Prepared(rules)  # raises on bad rules, which are never kept
        with _PREPARED_LOCK:
            while len(_PREPARED) >= _PREPARED_KEEP:
                del _PREPARED[next(iter(_PREPARED))]  # the oldest
            _PREPARED[key] = found
    return found


# The trail is written only when it is read (see Deadline's ``trail``): a
# caseload's dates, tables and calendar files never read it, and the words
# cost more than the counting. These functions write it. They are module
# functions, not methods, so a deadline keeps only what its words need, not
# the whole run (a run holds every deadline of the case).

def _start_steps(rule_id: str, parent: Deadline | None, trigger: str, day: _dt.date, times: int) -> list[str]:
    """The first steps: the event the count starts from, or the rule it is chained to."""
    if parent is not None:
        # A finished deadline's trail is its steps and then its result line; the chain leaves the result out.
        return list(parent.trail[:-1]) + [f"{parent.rule} ends on {fmt(parent.due)}; {rule_id} counts from that day."]
    if times > 1:
        return [f"The case lists '{trigger}' {times} times; the latest, {fmt(day)}, is used."]
    return [f"The case lists '{trigger}' on {fmt(day)}."]


def _counted_trail(rule: DeadlineRule, v: RuleVersion, parent: Deadline | None, trigger: str, start: _dt.date,
                   times: int, counted: _dt.date, skipped: tuple[Skip, ...], due: _dt.date, today: _dt.date,
                   holidays: HolidayCalendar) -> tuple[str, ...]:
    """The trail of a count in calendar days, months, years or business days (see _Run._compute)."""
    steps = (_start_steps(rule.id, parent, trigger, start, times) + [_rule_step(rule, v)]
             + _count_steps(v, start, counted, list(skipped)))
    roll = _roll_step(v, counted, due, holidays)
    return tuple(steps + ([roll] if roll else []) + [_result_line(due, today)])


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


def _result_line(due: _dt.date, today: _dt.date) -> str:
    days_left = (due - today).days
    if days_left > 0:
        left = f"{_plural(days_left, 'day')} left"
    elif days_left == 0:
        left = "due today"
    else:
        left = f"{_plural(-days_left, 'day')} overdue"
    return f"Result: due {fmt(due)}; {left} as of {fmt(today)}."


class _Run:
    """One case's deadlines: each rule computed once, chains after the rule they count from."""

    def __init__(self, prepared: _Prepared, events: dict[str, tuple[_dt.date, int]],
                 today: _dt.date, holidays: HolidayCalendar, school: SchoolCalendar | None, source: str):
        self.plans, self.events = prepared.plans, events
        self.today, self.holidays, self.school, self.source = today, holidays, school, source
        self.done: dict[str, Deadline | None] = {}
        self.waiting: dict[str, str] = {}

    def compute(self, rule_id: str) -> Deadline | None:
        """The rule's deadline (computed once), or None when its event is missing."""
        done = self.done
        if rule_id in done:
            return done[rule_id]
        done[rule_id] = None  # a loop ends here instead of recursing forever
        found = done[rule_id] = self._compute(self.plans[rule_id])
        return found

    def _compute(self, plan: _Plan) -> Deadline | None:
        # This runs for every rule of every case, so it is written out flat; the
        # words of the trail are left to _counted_trail, called when they are read.
        rule, current = plan.rule, plan.current
        if current.trigger_rule:
            parent = self.compute(current.trigger_rule)
            if parent is None:
                if current.trigger_rule in self.waiting:
                    self.waiting[rule.id] = self.waiting[current.trigger_rule]
                return None
            if parent.due is None:
                # The chain is blocked: say so for this rule too rather than drop it.
                text = f"{rule.id} counts from the end of {parent.rule}, which could not be computed."
                return self._unfinished(rule, current, parent.rule, "rule", parent.trigger_date,
                                        parent.chain + (parent.rule,), list(parent.trail) + [text],
                                        parent.status, f"{text} {parent.problem}")
            start, trigger, kind, times, chain = parent.due, parent.rule, "rule", 0, parent.chain + (parent.rule,)
        else:
            trigger = current.trigger or ""
            if trigger not in self.events:
                self.waiting[rule.id] = trigger
                return None
            (start, times), parent, kind, chain = self.events[trigger], None, "event", ()
        found = plan.only or plan.version_on(start)
        if found is None:
            text = (f"No version of {rule.id} was in force on {fmt(start)}; the rules this plugin "
                    "knows start later or ended earlier. Check the rules that applied then.")
            return self._unfinished(rule, current, trigger, kind, start, chain,
                                    _start_steps(rule.id, parent, trigger, start, times) + [text], "not-in-force", text)
        version = found.version
        if version.unit == "school-days":
            return self._school_days(rule, found, parent, trigger, kind, start, times, chain)
        skipped: tuple[Skip, ...] = ()
        try:
            if found.offset is not None:
                counted = start + found.offset
            else:
                counted, skips = _count_due(version, start, self.holidays)
                skipped = tuple(skips)
            due = _rolled(version, counted, self.holidays) if version.roll_forward else counted
        except (OverflowError, ValueError):
            raise self._too_far(rule) from None
        trail = functools.partial(_counted_trail, rule, version, parent, trigger, start, times, counted, skipped,
                                  due, self.today, self.holidays)
        return self._finished(found, trigger, kind, start, chain, due, trail, skipped)

    def _school_days(self, rule: DeadlineRule, found: _Version, parent: Deadline | None, trigger: str, kind: str,
                     start: _dt.date, times: int, chain: tuple[str, ...]) -> Deadline:
        # A school-day count writes its steps as it goes: what it says depends on
        # what it meets (the end of the year, absences), and few rules count school days.
        v = found.version
        steps = _start_steps(rule.id, parent, trigger, start, times) + [_rule_step(rule, v)]
        if self.school is None:
            text = ("This rule counts school days, and the case has no school_calendar. "
                    "Add your child's school calendar to the case to compute it.")
            return self._unfinished(rule, v, trigger, kind, start, chain, steps + [text], "needs-school-calendar",
                                    text)
        try:
            counted = _count_school_days(v, start, self.school)
        except (CalendarTooShort, _ShortCalendar) as exc:
            text = f"This rule counts school days, and {exc}. Add the next school year's calendar to the case."
            return self._unfinished(rule, v, trigger, kind, start, chain, steps + getattr(exc, "steps", []) + [text],
                                    "needs-school-calendar", text)
        except (OverflowError, ValueError):
            raise self._too_far(rule) from None
        trail = tuple(steps + counted.steps + [_result_line(counted.due, self.today)])
        return self._finished(found, trigger, kind, start, chain, counted.due, trail, tuple(counted.skipped))

    def _too_far(self, rule: DeadlineRule) -> InputError:
        # Only dates near year 1 or 9999 get here; name the field, not the date.
        return InputError(self.source, [Problem("events", f"a date for '{rule.id}' is too far from "
                                                "today to count from; check the year")])

    def _finished(self, found: _Version, trigger: str, kind: str, start: _dt.date,
                  chain: tuple[str, ...], due: _dt.date, trail: tuple[str, ...] | Callable[[], tuple[str, ...]],
                  skipped: tuple[Skip, ...]) -> Deadline:
        days_left = (due - self.today).days
        status = "overdue" if days_left < 0 else "due-today" if days_left == 0 else "upcoming"
        # Made without Deadline.__init__: a frozen dataclass's __init__ sets each
        # of its 21 fields through object.__setattr__, which was half the cost of
        # a deadline. Every field is set here, in the instance's own dict, as
        # __init__ would; tests/test_deadlines_reference.py compares every field
        # with the pre-#11 engine's deadlines, made by __init__.
        deadline = object.__new__(Deadline)
        fields = deadline.__dict__
        fields.update(found.fields)
        fields["trigger"], fields["trigger_kind"], fields["trigger_date"], fields["chain"] = trigger, kind, start, chain
        fields["due"], fields["days_left"], fields["status"] = due, days_left, status
        fields["trail"], fields["skipped"] = trail, skipped
        return deadline

    @staticmethod
    def _unfinished(rule: DeadlineRule, v: RuleVersion, trigger: str, kind: str, start: _dt.date,
                    chain: tuple[str, ...], steps: list[str], status: str, problem: str) -> Deadline:
        return Deadline(rule=rule.id, trigger=trigger, trigger_kind=kind, trigger_date=start, chain=chain,
                        label=v.label, due=None, days_left=None, status=status, count=v.count, unit=v.unit,
                        direction=v.direction, cite=v.cite, verified=v.verified, note=v.note,
                        last_reviewed=v.last_reviewed, trail=tuple(steps), problem=problem, origin=rule.origin,
                        origin_label=rule.origin_label)


def _soonest_first(found: list[Deadline]) -> list[Deadline]:
    """By due date then rule id, and those with no due date last, by rule id."""
    # Two sorts with C-level keys rather than one with a Python key function: it runs for every case.
    dated = sorted((d for d in found if d.due is not None), key=attrgetter("due", "rule"))
    return dated + sorted((d for d in found if d.due is None), key=attrgetter("rule"))


def compute_deadlines(rules: Mapping[str, DeadlineRule], events: Iterable[Mapping[str, Any]], *,
                      today: _dt.date, holidays: HolidayCalendar, school: SchoolCalendar | None = None,
                      source: str = "case") -> DeadlineReport:
    """Every deadline the rules give for these events, soonest first, with its trail.

    ``events`` are ``{type, date}`` mappings (a case's ``events``). Rules whose
    event the case does not list are reported in ``waiting``. Nothing is kept
    from one call to the next but the checked rules (a few sets) and the
    holiday years counted in, so a caseload of any size runs in flat memory.
    """
    prepared = _prepare(rules)
    listed = latest_events(events, source)
    run = _Run(prepared, listed, today, holidays, school, source)
    found = [d for d in map(run.compute, prepared.plans) if d is not None]
    return DeadlineReport(today=today, source=source, deadlines=_soonest_first(found),
                          waiting={k: run.waiting[k] for k in prepared.rules if k in run.waiting},
                          uncounted={e: day for e, (day, _) in listed.items() if e not in prepared.triggers})


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


# -- a state's rules, without a case ------------------------------------------------

def describe_terms(v: RuleVersion) -> str:
    """A rule's count in words: "14 calendar days after evaluation-requested, counting that day as day 1"."""
    start = f"{v.trigger_rule} ends" if v.trigger_rule else v.trigger
    text = f"{_amount(v.count, v.unit)} {v.direction} {start}"
    if v.trigger_is_day_one:
        text += ", counting that day as day 1"
    if v.unit == "business-days" and v.holidays_count:
        text += " (Monday to Friday, holidays included)"
    if v.roll_forward:
        text += (", moved to the " + ("next" if v.direction == "after" else "previous")
                 + " business day if it falls on a weekend or holiday")
    if v.extend_for_absences:
        text += (", plus one school day for each school day the student is absent in that time, when absent "
                 f"on {v.extend_for_absences.at_least} or more")
    near = v.near_school_year_end
    if near:
        text += (f"; when it starts at least {near.at_least} but fewer than {near.fewer_than} school days "
                 f"before the last day of school, due {_MONTHS[near.month - 1]} {near.day} of that year "
                 "instead")
        if near.unless_absences is not None:
            text += (f", unless the student is absent on {near.unless_absences} or more school days before "
                     "the last day")
    return text


def _near_dict(near: NearSchoolYearEnd | None) -> dict[str, Any] | None:
    if near is None:
        return None
    return {"at_least": near.at_least, "fewer_than": near.fewer_than, "due": f"{near.month:02d}-{near.day:02d}",
            "unless_absences": ({"at_least": near.unless_absences} if near.unless_absences is not None
                                else None)}


def _version_dict(v: RuleVersion) -> dict[str, Any]:
    return {
        "label": v.label, "terms": describe_terms(v), "count": v.count, "unit": v.unit,
        "direction": v.direction, "trigger": v.trigger, "trigger_rule": v.trigger_rule,
        "trigger_is_day_one": v.trigger_is_day_one, "roll_forward": v.roll_forward,
        "holidays_count": v.holidays_count,
        "extend_for_absences": ({"at_least": v.extend_for_absences.at_least}
                                if v.extend_for_absences else None),
        "near_school_year_end": _near_dict(v.near_school_year_end),
        "effective_from": v.effective_from.isoformat() if v.effective_from else None,
        "effective_until": v.effective_until.isoformat() if v.effective_until else None,
        "citations": [c.ref for c in v.cite], "verified": v.verified, "note": v.note,
        "last_reviewed": v.last_reviewed.isoformat(),
    }


def rule_as_dict(rule: DeadlineRule) -> dict[str, Any]:
    """JSON-ready data for a rule: its newest version's terms, and every version it has had."""
    return {"rule": rule.id, **_version_dict(rule.current), "origin": rule.origin,
            "origin_label": rule.origin_label, "versions": [_version_dict(v) for v in rule.versions]}


def format_rule(rule: DeadlineRule) -> str:
    """A rule in plain words with its sources and note, for when there is no case to count from."""
    v = rule.current
    mark = f" {UNVERIFIED}" if not v.verified else ""
    start = v.trigger_rule or v.trigger or ""
    what = (f"the day the rule {v.trigger_rule} ends" if v.trigger_rule
            else f"the event {start} ({EVENT_TYPES.get(start, '')})")
    lines = [f"{rule.id}: {v.label}{mark}"] + ([f"{rule.origin_label}."] if rule.origin_label else []) + [
        "", f"How long: {describe_terms(v)}.", f"Starts from: {what}."]
    for old in rule.versions:
        if len(rule.versions) > 1 and old is not v:
            since = old.effective_from.isoformat() if old.effective_from else "(no start date)"
            until = old.effective_until.isoformat() if old.effective_until else "now"
            lines.append(f"From {since} to {until} the rule was: {describe_terms(old)} ({old.citations}).")
    if v.effective_from or v.effective_until:
        since = v.effective_from.isoformat() if v.effective_from else "(no start date)"
        until = v.effective_until.isoformat() if v.effective_until else "now"
        lines.append(f"In force from {since} to {until}.")
    lines += ["", f"Sources: {v.citations}", f"Last reviewed: {v.last_reviewed.isoformat()}", "",
              f"Note: {v.note}", "", COUNTING]
    return "\n".join(lines)
