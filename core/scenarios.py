"""Scenario files: events in, deadlines out, checked against the engine.

A state plugin keeps hand-computed examples in ``scenarios/*.yaml`` (see
core/deadlines.md for the format). Every plugin's scenarios run in the test
suite through ``check_scenario``, so a change to a rule, to the engine or to
the holiday tables that moves a date is caught. A malformed scenario is
reported like any input file: its name, the field and what is expected.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Iterable

from . import schema as s
from .errors import InputError
from .yamlio import load_yaml_file

SCENARIO_SCHEMA = s.Record(fields={
    "name": s.Text(label="what the scenario shows", required=True, multiline=False),
    "why": s.Text(label="how the expected dates were worked out by hand", required=True),
    "state": s.Text(label="the state's code, like MS", required=True, multiline=False),
    "today": s.Date(label="the day to count days left from", required=True),
    "events": s.ListOf(label="the case's events", min_items=1, required=True, item=s.Record(fields={
        "type": s.Id(required=True), "date": s.Date(required=True)})),
    "school_calendar": s.Record(allow_extra=True, fields={}),
    "expect": s.ListOf(label="the deadlines expected", min_items=1, required=True, item=s.Record(fields={
        "rule": s.Id(label="a rule id", required=True),
        "due": s.Date(label="the due date worked out by hand"),
        "days_left": s.Pattern(regex=r"-?\d+", expected="a whole number, negative when overdue"),
        "status": s.Choice(choices=("overdue", "due-today", "upcoming", "needs-school-calendar",
                                    "not-in-force")),
        "verified": s.Bool(),
    })),
    "not_started": s.ListOf(label="rules that must have no deadline", item=s.Id()),
})


def load_scenario(path: str | Path) -> dict[str, Any]:
    value, problems = s.check(SCENARIO_SCHEMA, load_yaml_file(path))
    if problems:
        raise InputError(str(path), problems)
    return value


def check_scenario(path: str | Path) -> list[str]:
    """Run one scenario through the API; return what differs (empty when it passes)."""
    from . import api
    from .case import parse_case

    sc = load_scenario(path)
    data: dict[str, Any] = {"state": sc["state"], "events": sc["events"]}
    if "school_calendar" in sc:
        data["school_calendar"] = sc["school_calendar"]
    # Dates are checked against the scenario's own day, so a scenario stays valid as years pass.
    report = api.deadlines(parse_case(data, str(path), today=sc["today"]), today=sc["today"])
    failures = []
    for i, want in enumerate(sc["expect"]):
        got = report.get(want["rule"])
        if got is None:
            failures.append(f"expect[{i}]: no deadline for {want['rule']}")
            continue
        checks: list[tuple[str, Any, Any]] = [
            ("due", want.get("due"), got.due),
            ("days_left", int(want["days_left"]) if "days_left" in want else None, got.days_left),
            ("status", want.get("status"), got.status),
            ("verified", want.get("verified"), got.verified),
        ]
        for key, expected, actual in checks:
            if expected is not None and expected != actual:
                shown = actual.isoformat() if isinstance(actual, _dt.date) else actual
                failures.append(f"expect[{i}] {want['rule']}: {key} is {shown}, expected "
                                f"{expected.isoformat() if isinstance(expected, _dt.date) else expected}")
    for rule in sc.get("not_started", []):
        if report.get(rule) is not None:
            failures.append(f"not_started: {rule} has a deadline")
    return failures


def scenario_files(plugins: Iterable[object]) -> list[Path]:
    """The scenario files shipped next to each plugin module (``scenarios/*.yaml``)."""
    out: list[Path] = []
    for plugin in plugins:
        where = getattr(plugin, "__file__", None)
        if where:
            out += sorted((Path(where).parent / "scenarios").glob("*.yaml"))
    return out


__all__ = ["SCENARIO_SCHEMA", "load_scenario", "check_scenario", "scenario_files"]
