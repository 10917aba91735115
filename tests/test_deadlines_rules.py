"""The Mississippi rules are a public contract: ids, triggers, units, citations, flags.

The expected values come from the issue's table and from the fact sheet
(shared/reference/domain-facts.md): `verified` is False exactly where the fact
sheet marks the Mississippi rule UNVERIFIED or secondary-only.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import iepkit_mississippi
from iepkit import api
from iepkit.errors import InputError
from iepkit.statedata import StateFolder

from deadline_support import ms_registry

MS_FOLDER = Path(iepkit_mississippi.__file__).parent

# rule id: (trigger or "rule:<id>", count, unit, direction, verified, a citation it must carry)
CONTRACT = {
    "met-meeting": ("evaluation-requested", 14, "calendar-days", "after", True,
                    "7 Miss. Admin. Code Pt. 34, R. 34-D-300.301(b)"),
    # The event was renamed from met-meeting-held (#8: event ids name no state's team).
    "evaluation-pwn": ("evaluation-meeting-held", 7, "calendar-days", "after", True,
                       "7 Miss. Admin. Code Pt. 34, R. 34-D-300.301(b)"),
    "initial-evaluation": ("evaluation-consent-signed", 60, "calendar-days", "after", False, "34 CFR 300.301(c)(1)"),
    "initial-iep-meeting": ("eligibility-determined", 30, "calendar-days", "after", True, "34 CFR 300.323(c)(1)"),
    "annual-iep-review": ("iep-meeting-held", 1, "years", "after", True, "34 CFR 300.324(b)(1)"),
    "reevaluation": ("evaluation-completed", 3, "years", "after", True, "34 CFR 300.303(b)"),
    # Verified: the federal rule binds Mississippi (domain-facts A6; issue #7 point 5).
    "records-access": ("records-requested", 45, "calendar-days", "after", True, "34 CFR 300.613(a)"),
    "state-complaint-limit": ("violation-occurred", 1, "years", "after", True, "34 CFR 300.153(c)"),
    "state-complaint-decision": ("state-complaint-filed", 60, "calendar-days", "after", True, "34 CFR 300.152(a)"),
    "due-process-limit": ("violation-known", 2, "years", "after", False, "34 CFR 300.507(a)(2)"),
    "sufficiency-challenge": ("due-process-complaint-received", 15, "calendar-days", "after", True,
                              "34 CFR 300.508(d)(1)"),
    "district-response": ("due-process-complaint-received", 10, "calendar-days", "after", True,
                          "34 CFR 300.508(e)(1)"),
    "resolution-meeting": ("due-process-complaint-received", 15, "calendar-days", "after", True,
                           "34 CFR 300.510(a)(1)"),
    "resolution-period-end": ("due-process-complaint-received", 30, "calendar-days", "after", True,
                              "34 CFR 300.510(b)(1)"),
    "hearing-decision": ("rule:resolution-period-end", 45, "calendar-days", "after", True, "34 CFR 300.515(a)"),
    "evidence-disclosure": ("hearing-scheduled", 5, "business-days", "before", True, "34 CFR 300.512(b)"),
    "resolution-agreement-void": ("resolution-agreement-signed", 3, "business-days", "after", True,
                                  "34 CFR 300.510(e)"),
    "civil-action-limit": ("hearing-decision-issued", 90, "calendar-days", "after", False, "34 CFR 300.516(b)"),
    "ocr-complaint-limit": ("discrimination-occurred", 180, "calendar-days", "after", False, "34 CFR 100.7(b)"),
    "private-placement-notice": ("leaving-public-school", 10, "business-days", "before", True,
                                 "34 CFR 300.148(d)(1)(ii)"),
}

CFR = r"34 CFR (300|100|104)\.\d+(\([a-z0-9]+\))*|28 CFR 35\.\d+(\([a-z0-9]+\))*"
MS_RULE = r"7 Miss\. Admin\. Code Pt\. 34, R\. 34-[A-Z]-300\.\d+(\([a-z0-9]+\))*"
OTHER = r"20 U\.S\.C\. \d+(\([a-zA-Z0-9]+\))*|Miss\. Code Ann\. § \d+-\d+-\d+"


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def _rules():
    return {r.id: r for r in api.deadline_rules("MS")}


def test_every_rule_in_the_table_is_present_with_its_terms():
    rules = _rules()
    assert set(rules) == set(CONTRACT)
    for rid, (trigger, count, unit, direction, verified, cite) in CONTRACT.items():
        v = rules[rid].current
        got_trigger = f"rule:{v.trigger_rule}" if v.trigger_rule else v.trigger
        assert (got_trigger, v.count, v.unit, v.direction, v.verified) == (trigger, count, unit, direction, verified), rid
        assert cite in [c.ref for c in v.cite], rid
        assert not v.roll_forward, f"{rid}: IDEA deadlines do not roll forward"


def test_met_meeting_counts_the_request_day_as_day_one():
    rules = _rules()
    assert rules["met-meeting"].current.trigger_is_day_one
    assert not any(r.current.trigger_is_day_one for rid, r in rules.items() if rid != "met-meeting")


def test_citations_are_written_in_the_house_style():
    for rule in _rules().values():
        for v in rule.versions:
            assert v.cite, rule.id
            for c in v.cite:
                assert re.fullmatch(f"{CFR}|{MS_RULE}|{OTHER}", c.ref), f"{rule.id}: {c.ref}"


def test_every_rule_has_a_note_and_a_review_date():
    for rule in _rules().values():
        v = rule.current
        assert len(v.note) > 60 and v.last_reviewed.year >= 2026, rule.id


def test_notes_say_what_the_issue_asks():
    rules = _rules()
    assert "receive" in rules["state-complaint-limit"].current.note
    assert "before any IEP meeting" in rules["records-access"].current.note
    assert "federal rule" in rules["due-process-limit"].current.note


def test_letters_name_existing_filing_limit_rules():
    rules = _rules()
    limits = {x.id: x.filing_limit_rule for x in api.letters("MS")}
    assert limits["state-complaint"] == "state-complaint-limit"
    assert limits["due-process-complaint"] == "due-process-limit"
    assert limits["mediation-request"] is None
    assert all(v in rules for v in limits.values() if v)


# -- bad deadlines.yaml and calendar.yaml: one clear message naming file and field --

GOOD = """
- id: a-rule
  label: A rule
  trigger: violation-occurred
  count: 10
  unit: calendar-days
  cite: ["34 CFR 300.153(c)"]
  last_reviewed: 2026-11-29
  note: A note.
"""


def _folder(tmp_path, deadlines=None, calendar=None) -> StateFolder:
    shutil.copy(MS_FOLDER / "state.yaml", tmp_path / "state.yaml")
    if deadlines is not None:
        (tmp_path / "deadlines.yaml").write_text(deadlines, encoding="utf-8")
    if calendar is not None:
        (tmp_path / "calendar.yaml").write_text(calendar, encoding="utf-8")
    return StateFolder(tmp_path)


def test_a_good_file_loads(tmp_path):
    [r] = _folder(tmp_path, GOOD).deadline_rules
    assert (r.id, r.state, r.current.count, r.current.direction) == ("a-rule", "MS", 10, "after")


def test_no_deadlines_file_means_no_rules(tmp_path):
    assert _folder(tmp_path).deadline_rules == []


@pytest.mark.parametrize("change, where, expected", [
    (("unit: calendar-days", "unit: fortnights"), "[0].unit", "one of: calendar-days, business-days"),
    (("trigger: violation-occurred", "trigger: violation-happened"), "[0].trigger", "one of: evaluation-requested"),
    (("count: 10", "count: 0"), "[0].count", "a whole number of 1 or more"),
    (("count: 10", "count: ten"), "[0].count", "a whole number"),
    (("cite: [\"34 CFR 300.153(c)\"]", "cite: []"), "[0].cite", "needs at least one citation"),
    (("last_reviewed: 2026-11-29", "last_reviewed: 2026-02-30"), "[0].last_reviewed", "not a real date"),
    (("note: A note.", "note: A note.\n  colour: red"), "[0].colour", "not a known field"),
    (("trigger: violation-occurred", "trigger: violation-occurred\n  trigger_rule: other"), "[0]",
     "needs either trigger"),
    (("unit: calendar-days", "unit: business-days\n  trigger_is_day_one: yes"), "[0].trigger_is_day_one",
     "only works with unit calendar-days"),
    (("unit: calendar-days", "unit: calendar-days\n  holidays_count: yes"), "[0].holidays_count",
     "only works with unit business-days"),
    (("unit: calendar-days", "unit: calendar-days\n  effective_from: 2025-01-01\n  effective_until: 2024-01-01"),
     "[0].effective_until", "is before effective_from"),
    (("trigger: violation-occurred", "trigger_rule: a-rule"), "a-rule.trigger_rule", "makes a loop"),
    (("trigger: violation-occurred", "trigger_rule: no-such-rule"), "a-rule.trigger_rule", "not defined"),
])
def test_bad_deadlines_file(tmp_path, change, where, expected):
    folder = _folder(tmp_path, GOOD.replace(*change))
    with pytest.raises(InputError) as err:
        folder.deadline_rules
    text = str(err.value)
    assert text.startswith(str(tmp_path / "deadlines.yaml"))
    assert f"{where}: " in text and expected in text


def test_versions_of_a_rule_must_not_overlap(tmp_path):
    two = GOOD.replace("  note: A note.", "  note: A note.\n  effective_until: 2024-07-31") + GOOD.replace(
        "  note: A note.", "  note: A note.\n  effective_from: 2024-07-31")
    with pytest.raises(InputError, match=r"\[1\]\.effective_from: overlaps the version of a-rule at \[0\]"):
        _folder(tmp_path, two).deadline_rules
    ok = two.replace("effective_from: 2024-07-31", "effective_from: 2024-08-01")
    [r] = _folder(tmp_path, ok).deadline_rules
    assert len(r.versions) == 2


def test_versions_of_a_rule_share_a_trigger(tmp_path):
    two = GOOD.replace("  note: A note.", "  note: A note.\n  effective_until: 2024-07-31") + GOOD.replace(
        "  note: A note.", "  note: A note.\n  effective_from: 2024-08-01").replace(
        "violation-occurred", "violation-known")
    with pytest.raises(InputError, match=r"\[1\]\.trigger: differs"):
        _folder(tmp_path, two).deadline_rules


def test_bad_calendar_file(tmp_path):
    folder = _folder(tmp_path, calendar="subdivision: ms\nadditions:\n  - date: 2026-02-17\n    name: Mardi Gras\n")
    with pytest.raises(InputError) as err:
        folder.state
    text = str(err.value)
    assert "calendar.yaml" in text and "subdivision: expected a two-letter" in text
    assert "additions[0].cite: is missing" in text


def test_register_deadline_rules_broken_file_marks_only_that_plugin(tmp_path):
    import types
    from iepkit import hookimpl

    folder = _folder(tmp_path, GOOD.replace("count: 10", "count: 0"))
    plugin = types.SimpleNamespace(register_deadline_rules=hookimpl(lambda register: [
        register(r) for r in folder.deadline_rules]))
    reg = api.load_registry(only=["mississippi"], extra_plugins=[("broken-rules", plugin)])
    assert any("broken-rules" in w and "deadlines.yaml" in w for w in reg.host.warnings())
    assert "MS" in reg.states and len(reg.deadline_rules["MS"]) == len(CONTRACT)
