"""Deadlines as an iCalendar (.ics) file that Google, Apple and Outlook calendars import.

One all-day event per computed deadline, with reminders early enough to act
on it: weeks ahead for a filing limit of months or years (a complaint must be
written, mailed and *received* by the date), days ahead for a short rule.
Reminders are at 9:00 and never in the past; an overdue deadline gets none and
its title says OVERDUE.

Titles are the rule's generic label, never the child's name: a calendar is
often shared or synced to places the case file never goes. A short label the
user chooses (initials) may start each title, to tell several families apart.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import unicodedata
from typing import Iterable, Sequence

from .deadlines import UNVERIFIED, Deadline, fmt
from .events import EVENT_WORDS

#: Days before the due date that reminders go off, by how many days the rule runs
#: (trigger to due date): the first line whose minimum the rule reaches is used.
#: Long limits get a month, two weeks and a week, so there is time to mail.
REMINDER_PLAN: tuple[tuple[int, tuple[int, ...]], ...] = (
    (90, (30, 14, 7)),
    (30, (14, 7, 3)),
    (10, (5, 2)),
    (0, (2, 1)),
)

#: Reminders go off at this hour (local time) of their day: a reminder at midnight is missed.
REMIND_HOUR = 9

#: The longest label (--label) a calendar title may start with.
MAX_LABEL = 20

#: Characters a label may not hold: control and format characters, line and paragraph breaks.
_BAD_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def label_problem(label: str) -> str | None:
    """What is wrong with a case label for calendar titles, or None. Never repeats the label."""
    text = label.strip()
    if not text:
        return "is empty; give a short label such as initials, like JR"
    if any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in text):
        return "holds a control character (such as a tab or a line break); type plain text, like JR"
    if len(text) > MAX_LABEL:
        return f"is too long; use at most {MAX_LABEL} characters, such as initials (JR) or a nickname"
    return None


def reminder_days(d: Deadline, plan: Sequence[int] | None = None) -> list[int]:
    """Days before ``d.due`` to remind, leaving out any that would go off on or before today.

    Today is the day the deadline was worked out for (its report's today). When
    every planned reminder has passed but the date has not, one goes off the
    day before, if that is still after today.
    """
    if d.due is None or d.days_left is None:
        return []
    if plan is None:
        span = abs((d.due - d.trigger_date).days)
        plan = next(days for least, days in REMINDER_PLAN if span >= least)
    # A reminder set for today at 9:00 may already have passed; only later days are safe.
    kept = sorted({n for n in plan if n < d.days_left}, reverse=True)
    if not kept and d.days_left > 1:
        kept = [1]
    return kept


def _uid(d: Deadline, label: str | None) -> str:
    # Stable across runs, so importing an updated file replaces events instead
    # of adding copies; hashed, so the dates are not readable in the id. The
    # label keeps two families with the same dates from replacing each other's events.
    key = f"{d.rule}|{d.trigger_date.isoformat()}|{d.due}" + (f"|{label}" if label else "")
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@iepkit"


def _title(d: Deadline, label: str | None) -> str:
    title = f"{UNVERIFIED} {d.label}" if not d.verified else d.label
    if d.days_left is not None and d.days_left < 0:
        title = f"OVERDUE: {title}"
    return f"{label}: {title}" if label else title


def _days(days: Sequence[int]) -> str:
    words = [f"{n} day{'s' if n != 1 else ''}" for n in days]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _start(d: Deadline) -> str:
    """Where the count starts, in words: a calendar is read by people, not by the CLI."""
    if d.trigger_kind == "event" and d.trigger in EVENT_WORDS:
        return f"Counted from {fmt(d.trigger_date)}: {EVENT_WORDS[d.trigger]}"
    return f"Counted from {fmt(d.trigger_date)}, the end of an earlier deadline."


def _description(d: Deadline, days: Sequence[int]) -> str:
    assert d.due is not None and d.days_left is not None
    today = d.due - _dt.timedelta(days=d.days_left)
    if d.days_left < 0:
        when = (f"OVERDUE: this date had passed when the calendar was made ({fmt(today)}), "
                "so there is no reminder.")
    elif days:
        when = f"Reminders: {_days(days)} before, at {REMIND_HOUR}:00."
    else:
        when = "Too close to the date for a reminder when the calendar was made."
    mail = ("If you must send something by this date, mail it at least a week early, "
            "or hand it in and keep a dated copy." if d.days_left >= 0 else "")
    lines = [f"Due {fmt(d.due)}. {when}", mail,
             _start(d),
             d.note,
             f"Sources: {'; '.join(d.citations)}."]
    if not d.verified:
        lines.insert(0, f"{UNVERIFIED} This rule could not be confirmed in a primary source; check it.")
    lines.append(f"See how it was worked out: iepkit deadlines --case YOUR-CASE --explain {d.rule}")
    return "\n\n".join(x for x in lines if x)


def to_ics(deadlines: Iterable[Deadline], *, label: str | None = None,
           remind_days: int | Sequence[int] | None = None, stamp: _dt.datetime | None = None) -> bytes:
    """The deadlines that have a due date, as .ics bytes (CRLF lines, as RFC 5545 asks).

    ``label`` starts every title ("JR: Yearly IEP review"). ``remind_days``
    replaces the reminder plan (REMINDER_PLAN) with fixed days before; either
    way no reminder goes off on or before the day the deadlines were worked out for.
    """
    from icalendar import Alarm, Calendar, Event  # imported here: only this command needs it

    if label is not None:
        problem = label_problem(label)
        if problem:
            raise ValueError(f"label {problem}")
        label = label.strip()
    plan = [remind_days] if isinstance(remind_days, int) else remind_days
    if plan is not None and any(n < 0 for n in plan):
        raise ValueError("remind_days must be 0 or more")
    stamp = stamp or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//iepkit//special education deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Special education deadlines" + (f" ({label})" if label else ""))
    for d in deadlines:
        if d.due is None:
            continue
        days = reminder_days(d, plan)
        event = Event()
        event.add("uid", _uid(d, label))
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due)
        event.add("dtend", d.due + _dt.timedelta(days=1))
        event.add("summary", _title(d, label))
        event.add("description", _description(d, days))
        event.add("transp", "TRANSPARENT")
        for n in days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            # Relative to the all-day event's start (midnight): n days before, at REMIND_HOUR.
            alarm.add("trigger", _dt.timedelta(days=-n, hours=REMIND_HOUR))
            alarm.add("description", f"In {_days([n])}: {_title(d, label)} ({fmt(d.due)})")
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
