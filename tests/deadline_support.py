"""Shared helpers for the deadline and calendar tests (not a test module itself)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

from iepkit import api
from iepkit.calendars import HolidayCalendar
from iepkit.case import Case, parse_case
from iepkit.model import Citation, DeadlineRule, RuleVersion, StateCalendar

D = dt.date.fromisoformat


_REGISTRIES: dict[str, Any] = {}


def ms_registry(extra_plugins: tuple[tuple[str, object], ...] = (), key: str = "ms") -> Iterator[Any]:
    """Use a registry with the Mississippi plugin (and any extra), whatever IEPKIT_LOAD_PLUGINS says.

    For a function-scoped fixture: conftest resets the registry before each
    test, so it is set again every time; it is built once and reused.
    """
    reg = _REGISTRIES.get(key)
    if reg is None:
        reg = _REGISTRIES[key] = api.load_registry(only=["mississippi"], extra_plugins=extra_plugins)
    assert "MS" in reg.states and not reg.host.warnings(), reg.host.warnings()
    api.set_registry(reg)
    yield reg
    api.set_registry(None)


def ms_holidays() -> HolidayCalendar:
    return HolidayCalendar(StateCalendar(subdivision="MS"))


def version(**kw: Any) -> RuleVersion:
    base: dict[str, Any] = dict(label="Test rule", count=1, unit="calendar-days",
                                cite=(Citation("34 CFR 300.11"),), note="A test rule.",
                                last_reviewed=dt.date(2026, 11, 29), trigger="violation-occurred")
    base.update(kw)
    return RuleVersion(**base)


def rule(rule_id: str = "test-rule", *versions: RuleVersion, **kw: Any) -> DeadlineRule:
    """A synthetic rule: one version built from ``kw``, or the versions given."""
    return DeadlineRule(id=rule_id, state="MS", versions=versions or (version(**kw),))


def ms_case(*events: tuple[str, str], **extra: Any) -> Case:
    data: dict[str, Any] = {"state": "MS", "events": [{"type": t, "date": d} for t, d in events]}
    data.update(extra)
    return parse_case(data, "test-case.yaml")
