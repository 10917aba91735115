"""A request to reevaluate a child who already has an IEP (issue #7 point 11).

Federal law sets no number of days for a parent-requested reevaluation
(34 CFR 300.303; domain-facts A8), and no Mississippi rule was found, so the
request must not start Mississippi's 14-day MET rule for an initial evaluation
(34-D-300.301(b)). The deadlines output says instead what does apply.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from iepkit import api
from iepkit.case import parse_case
from iepkit.events import EVENT_NOTES, EVENT_TYPES

from conftest import ROOT, run_cli
from deadline_support import ms_registry

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def test_the_vocabulary_tells_initial_evaluation_from_reevaluation():
    assert "initial evaluation" in EVENT_TYPES["evaluation-requested"]
    assert "reevaluation" in EVENT_TYPES["evaluation-requested"]  # points a parent to the other one
    words = EVENT_TYPES["reevaluation-requested"]
    assert "already has an IEP" in words and "use the day the school got the request" in words


def test_a_reevaluation_request_starts_no_initial_evaluation_rule():
    case = parse_case({"state": "MS", "events": [
        {"type": "reevaluation-requested", "date": dt.date(2026, 10, 13)}]})
    report = api.deadlines(case, today=TODAY)
    assert report.deadlines == []
    assert report.uncounted == {"reevaluation-requested": dt.date(2026, 10, 13)}
    # Every other event type the case could list has a Mississippi rule, except those only some
    # states count from (Texas: a complaint reconsideration, state IEP facilitation, an answer to
    # a request for a meeting) and an independent evaluation request (no fixed days anywhere).
    rules = api.deadline_rules("MS")
    assert {e for e in EVENT_TYPES if not any(r.trigger == e for r in rules)} == {
        "reevaluation-requested", "state-complaint-decision-issued", "iep-meeting-no-agreement",
        "iep-meeting-requested", "iee-requested"}


def test_the_note_cites_what_applies_and_invents_no_day_count():
    text, cites = EVENT_NOTES["reevaluation-requested"]
    assert not re.search(r"\d+\s+(calendar |business |school )?days?\b", text)
    assert "no fixed number of days" in text
    for cite in ("34 CFR 300.303(a)(2)", "34 CFR 300.303(b)(1)", "34 CFR 300.300(c)", "34 CFR 300.503(a)(2)"):
        assert cite in cites
    assert set(EVENT_NOTES) <= set(EVENT_TYPES)


def test_deadlines_command_says_no_fixed_deadline_starts(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump({"state": "MS", "events": [
        {"type": "evaluation-completed", "date": "2024-03-11"},
        {"type": "reevaluation-requested", "date": "2026-10-13"}]}), "utf-8")
    done = run_cli("deadlines", "--case", str(case), "--today", TODAY.isoformat(), env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "No fixed deadline starts from reevaluation-requested (Tue 2026-10-13)." in out
    assert "prior written notice" in out and "34 CFR 300.303(b)(1)" in out
    # The 3-year reevaluation still counts from the last evaluation (2024-03-11 + 3 years).
    assert "2027-03-11" in out
    assert "met-meeting" not in out.split("More deadlines start")[0]


def test_readme_says_which_dates_to_write():
    readme = " ".join((ROOT / "README.md").read_text("utf-8").split())
    assert "`reevaluation-requested`" in readme
    continuing = readme[readme.index("- `violation-occurred`:"):]
    assert "most recent day it happened" in continuing[:400] and "34 CFR 300.153(c)" in continuing[:600]
    known = readme[readme.index("- `violation-known`:"):]
    assert "knew, or should have known" in known[:200] and "34 CFR 300.507(a)(2)" in known[:300]
