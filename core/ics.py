"""Deadlines as an iCalendar (.ics) file that Google, Apple and Outlook calendars import.

One all-day event per computed deadline, with a reminder ahead of it. Titles
are the rule's generic label, never the child's name: a calendar is often
shared or synced to places the case file never goes.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
from typing import Iterable

from .deadlines import UNVERIFIED, Deadline, fmt

#: Days before the due date that calendars show a reminder.
REMIND_DAYS = 3


def _uid(d: Deadline) -> str:
    # Stable across runs, so importing an updated file replaces events instead
    # of adding copies; hashed, so the dates are not readable in the id.
    key = f"{d.rule}|{d.trigger_date.isoformat()}|{d.due}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:24]}@iepkit"


def _description(d: Deadline) -> str:
    lines = [f"Due {fmt(d.due)}." if d.due else "",
             f"Starts from: {d.trigger} on {fmt(d.trigger_date)}.",
             d.note,
             f"Sources: {'; '.join(d.citations)}."]
    if not d.verified:
        lines.insert(0, f"{UNVERIFIED} This rule could not be confirmed in a primary source; check it.")
    lines.append(f"See how it was worked out: iepkit deadlines --case YOUR-CASE --explain {d.rule}")
    return "\n\n".join(x for x in lines if x)


def to_ics(deadlines: Iterable[Deadline], *, remind_days: int = REMIND_DAYS,
           stamp: _dt.datetime | None = None) -> bytes:
    """The deadlines that have a due date, as .ics bytes (CRLF lines, as RFC 5545 asks)."""
    from icalendar import Alarm, Calendar, Event  # imported here: only this command needs it

    if remind_days < 0:
        raise ValueError("remind_days must be 0 or more")
    stamp = stamp or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//iepkit//special education deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Special education deadlines")
    for d in deadlines:
        if d.due is None:
            continue
        event = Event()
        event.add("uid", _uid(d))
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due)
        event.add("dtend", d.due + _dt.timedelta(days=1))
        event.add("summary", f"{UNVERIFIED} {d.label}" if not d.verified else d.label)
        event.add("description", _description(d))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", _dt.timedelta(days=-remind_days))
        alarm.add("description", f"Coming up: {d.label} ({fmt(d.due)})")
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
