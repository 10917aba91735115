"""The engine's counting choices, with synthetic rules so each choice is tested alone."""
from __future__ import annotations

import pytest

from iepkit.calendars import SchoolCalendar
from iepkit.deadlines import compute_deadlines, explain, format_explanation, rule_problems
from iepkit.errors import IepkitError, InputError, UnknownChoiceError

from deadline_support import D, ms_holidays, rule, version

HOLIDAYS = ms_holidays()


def run(*rules, events, today="2026-12-01", school=None):
    return compute_deadlines({r.id: r for r in rules}, [{"type": t, "date": D(d)} for t, d in events],
                             today=D(today), holidays=HOLIDAYS, school=school, source="case.yaml")


def due(r, trigger_date, **kw):
    return run(r, events=[(r.trigger, trigger_date)], **kw).get(r.id)


def test_day_zero_is_the_trigger_by_default():
    assert due(rule(count=10), "2026-11-01").due == D("2026-11-11")


def test_trigger_day_as_day_one():
    assert due(rule(count=10, trigger_is_day_one=True), "2026-11-01").due == D("2026-11-10")
    assert due(rule(count=1, trigger_is_day_one=True), "2026-11-01").due == D("2026-11-01")


def test_calendar_days_before():
    assert due(rule(count=10, direction="before"), "2026-11-11").due == D("2026-11-01")


def test_months_clamp_to_the_end_of_the_month():
    assert due(rule(count=1, unit="months"), "2026-01-31").due == D("2026-02-28")
    assert due(rule(count=1, unit="months"), "2028-01-31").due == D("2028-02-29")
    assert due(rule(count=13, unit="months"), "2027-01-29").due == D("2028-02-29")
    assert due(rule(count=1, unit="months", direction="before"), "2026-03-31").due == D("2026-02-28")
    assert due(rule(count=1, unit="years", direction="before"), "2029-02-28").due == D("2028-02-28")


def test_no_roll_forward_by_default_but_a_rule_may_ask_for_it():
    # Nov 16 + 10 = Thanksgiving, Thu Nov 26 2026.
    assert due(rule(count=10), "2026-11-16").due == D("2026-11-26")
    assert due(rule(count=10, roll_forward=True), "2026-11-16").due == D("2026-11-27")
    # Dec 15 + 10 = Christmas, Fri Dec 25: the next business day is Mon Dec 28.
    rolled = due(rule(count=10, roll_forward=True), "2026-12-15")
    assert rolled.due == D("2026-12-28")
    assert any("next business day" in s for s in rolled.trail)
    # A "before" rule moves earlier: Dec 25 -> Thu Dec 24.
    assert due(rule(count=10, direction="before", roll_forward=True), "2027-01-04").due == D("2026-12-24")


def test_business_days_with_holidays_counted():
    # 34 CFR 300.148(d)(1)(ii): Mon-Fri count even when they are holidays.
    plain = rule(count=3, unit="business-days", trigger="resolution-agreement-signed")
    with_holidays = rule(count=3, unit="business-days", holidays_count=True, trigger="resolution-agreement-signed")
    assert due(plain, "2026-11-25").due == D("2026-12-01")  # Thanksgiving skipped
    assert due(with_holidays, "2026-11-25").due == D("2026-11-30")  # Thu 26, Fri 27, Mon 30


def test_business_days_before_skip_holidays_and_weekends():
    r = rule(count=10, unit="business-days", direction="before", trigger="hearing-scheduled")
    # Back from Mon 2027-01-04: Jan 1 (New Year) and Dec 25 (Christmas) skipped, weekends too.
    # Dec 31 (1), 30, 29, 28 (4), 24 (5), 23, 22, 21 (8), 18 (9), 17 (10).
    assert due(r, "2027-01-04").due == D("2026-12-17")


def test_days_left_and_status():
    r = rule(count=10)
    assert due(r, "2026-11-21", today="2026-12-01").status == "due-today"
    late = due(r, "2026-11-11", today="2026-12-01")
    assert (late.days_left, late.status, late.when) == (-10, "overdue", "OVERDUE by 10 days")
    soon = due(r, "2026-11-22", today="2026-12-01")
    assert (soon.days_left, soon.status, soon.when) == (1, "upcoming", "1 day left")


def test_latest_event_of_a_type_is_used():
    report = run(rule(count=1, unit="years", trigger="iep-meeting-held"),
                 events=[("iep-meeting-held", "2026-08-20"), ("iep-meeting-held", "2025-08-21")])
    found = report.get("test-rule")
    assert found.due == D("2027-08-20")
    assert "2 times" in found.trail[0]


def test_chained_rules():
    first = rule("first", count=30, trigger="due-process-complaint-received")
    second = rule("second", count=45, trigger=None, trigger_rule="first")
    third = rule("third", count=1, trigger=None, trigger_rule="second")
    report = run(first, second, third, events=[("due-process-complaint-received", "2026-10-30")])
    assert report.get("first").due == D("2026-11-29")
    assert report.get("second").due == D("2027-01-13")
    assert report.get("third").due == D("2027-01-14")
    assert report.get("third").chain == ("first", "second")
    assert report.get("third").trigger == "second"


def test_chained_rule_waits_for_its_roots_event():
    first = rule("first", count=30, trigger="due-process-complaint-received")
    second = rule("second", count=45, trigger=None, trigger_rule="first")
    report = run(first, second, events=[("violation-occurred", "2026-10-30")])
    assert report.deadlines == []
    assert report.waiting == {"first": "due-process-complaint-received", "second": "due-process-complaint-received"}
    with pytest.raises(IepkitError, match="due-process-complaint-received.*through first"):
        explain(report, {"first": first, "second": second}, "second")


def test_explain_unknown_rule_lists_the_valid_ones():
    r = rule(count=1)
    with pytest.raises(UnknownChoiceError, match="test-rule"):
        explain(run(r, events=[]), {r.id: r}, "nope")


def test_rule_in_force_on_the_trigger_date_is_used():
    # Like Louisiana's state complaint limit: 1 year until 2024-07-31, 2 years from 2024-08-01.
    r = rule("limit", version(count=1, unit="years", effective_until=D("2024-07-31")),
             version(count=2, unit="years", effective_from=D("2024-08-01")))
    assert due(r, "2024-07-31").due == D("2025-07-31")
    assert due(r, "2024-08-01").due == D("2026-08-01")
    later = rule("later", version(count=1, unit="years", effective_from=D("2013-09-15")))
    old = due(later, "2012-05-01")
    assert (old.due, old.status) == (None, "not-in-force")
    assert old.days_left is None and "No version" in old.problem


def test_school_days_without_a_calendar_say_so():
    r = rule(count=15, unit="school-days", trigger="evaluation-requested")
    found = due(r, "2026-11-02")
    assert (found.due, found.days_left, found.status) == (None, None, "needs-school-calendar")
    assert "school_calendar" in found.problem
    assert found.when == "needs a school calendar"


def test_school_days_with_a_calendar():
    cal = SchoolCalendar(first_day=D("2026-08-06"), last_day=D("2027-05-21"),
                         closures=frozenset({D("2026-11-23"), D("2026-11-24")}))
    r = rule(count=5, unit="school-days", trigger="evaluation-requested")
    # After Fri Nov 20: Mon 23, Tue 24 closed; Wed 25 (1); Thanksgiving Thu 26 is NOT closed here,
    # because the user did not list it: (2); Fri 27 (3); Mon 30 (4); Tue Dec 1 (5).
    assert due(r, "2026-11-20", school=cal).due == D("2026-12-01")


def test_unknown_event_type_names_the_field_and_lists_valid_types():
    with pytest.raises(InputError) as err:
        run(rule(count=1), events=[("violation-occurred", "2026-01-01"), ("evaluation-requestd", "2026-01-02")])
    text = str(err.value)
    assert text.startswith("case.yaml: events[1].type: is not a known event type")
    assert "evaluation-requested" in text and "evaluation-requestd" not in text


def test_a_date_too_far_out_is_an_input_error_not_a_crash():
    with pytest.raises(InputError, match="too far"):
        run(rule(count=1, unit="years"), events=[("violation-occurred", "9999-06-01")])
    with pytest.raises(InputError, match="too far"):
        run(rule(count=10, direction="before"), events=[("violation-occurred", "0001-01-05")])


def test_rule_problems_find_loops_missing_rules_and_bad_triggers():
    a = rule("a", count=1, trigger=None, trigger_rule="b")
    b = rule("b", count=1, trigger=None, trigger_rule="a")
    c = rule("c", count=1, trigger=None, trigger_rule="missing")
    d = rule("d", count=1, trigger="not-an-event")
    e = rule("e", count=1, trigger="violation-occurred", trigger_rule="d")
    problems = {str(p) for p in rule_problems({r.id: r for r in (a, b, c, d, e)})}
    assert any(p.startswith("a.trigger_rule: makes a loop: a -> b -> a") for p in problems)
    assert "c.trigger_rule: names a rule that is not defined" in problems
    assert any(p.startswith("d.trigger: is not a known event type") for p in problems)
    assert any(p.startswith("e: needs either trigger") for p in problems)
    with pytest.raises(InputError):
        run(a, b, events=[])


def test_explanation_states_the_counting_convention_and_marks_unverified():
    r = rule(count=5, verified=False)
    text = format_explanation(due(r, "2026-11-01"))
    assert text.splitlines()[0] == "test-rule: Test rule [Unverified]"
    assert '"N days after X" is X + N, with X as day 0' in text
    assert '"N business days before X" is the N-th business day counting back from X, not counting X' in text
    assert "Sources: 34 CFR 300.11" in text


def test_results_are_sorted_soonest_first_with_uncomputable_last():
    a = rule("a", count=20)
    b = rule("b", count=5)
    c = rule("c", count=5, unit="school-days")
    report = run(a, b, c, events=[("violation-occurred", "2026-11-01")])
    assert [d.rule for d in report.deadlines] == ["b", "a", "c"]


def test_as_dict_is_json_ready():
    import json
    found = due(rule(count=3, unit="business-days", trigger="resolution-agreement-signed"), "2026-11-25")
    data = json.loads(json.dumps(found.as_dict()))
    assert data["due"] == "2026-12-01" and data["trigger_date"] == "2026-11-25"
    assert data["skipped"][0] == {"date": "2026-11-26", "reason": "holiday: Thanksgiving Day"}
    assert data["citations"] == ["34 CFR 300.11"] and data["verified"] is True


def test_today_changes_days_left_only():
    # days_left depends on today; the due date must not.
    r = rule(count=10)
    assert due(r, "2026-11-01", today="2020-01-01").due == due(r, "2026-11-01", today="2030-01-01").due
    assert due(r, "2026-11-01", today="2026-11-01").days_left == 10


def test_a_chain_blocked_by_a_missing_school_calendar_says_so():
    first = rule("first", count=10, unit="school-days", trigger="evaluation-requested")
    second = rule("second", count=30, trigger=None, trigger_rule="first")
    report = run(first, second, events=[("evaluation-requested", "2026-11-02")])
    blocked = report.get("second")
    assert (blocked.due, blocked.status, blocked.trigger) == (None, "needs-school-calendar", "first")
    assert "could not be computed" in blocked.problem and "school_calendar" in blocked.problem
