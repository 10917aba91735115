"""The deadline engine gives exactly what the pre-#11 engine gave, trail included (issue #11).

Issue #11 made the engine faster (precomputed business days, rules checked
once, trails written only when read). Speed must not change one result, so
these tests run tests/reference_engine.py (the engine as it was, frozen) and
today's engine on many random cases, and require every field of every
deadline, the trail and the days skipped included, to be equal, along with
the rules waiting for an event and the events no rule counts from.

Cases use both states' real rules and random synthetic rules that use every
option (units, directions, day one, roll-forward, holidays counting, dated
versions, chains, absences and the end of the school year), with random
school calendars. Event dates stay inside the hand-checked holiday years
(2024-2028) with a margin, as in test_deadlines_properties.py.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import reference_engine as ref
from iepkit import api
from iepkit import deadlines as engine
from iepkit.calendars import SchoolBreak, SchoolCalendar, holiday_calendar
from iepkit.errors import InputError
from iepkit.events import EVENT_ALIASES, EVENT_TYPES
from iepkit.model import Citation, DeadlineRule, NearSchoolYearEnd, AbsenceExtension, RuleVersion, StateCalendar

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2028, 12, 31)
MARGIN = dt.timedelta(days=120)
event_dates = st.dates(min_value=FIRST + MARGIN, max_value=LAST - MARGIN)
MANY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_REG: dict[str, object] = {}


def _registry():
    if "reg" not in _REG:
        _REG["reg"] = api.load_registry(only=["mississippi", "texas"])
    return _REG["reg"]


def _state(code: str):
    reg = _registry()
    st_ = reg.states[code]
    return dict(reg.deadline_rules[code]), holiday_calendar(st_.calendar or StateCalendar(subdivision=code))


# -- comparing ----------------------------------------------------------------------------

def assert_same(old: ref.DeadlineReport, new: engine.DeadlineReport) -> None:
    assert [d.rule for d in new.deadlines] == [d.rule for d in old.deadlines]
    for was, now in zip(old.deadlines, new.deadlines):
        for f in dataclasses.fields(was):
            assert getattr(now, f.name) == getattr(was, f.name), (was.rule, f.name)
        assert now.as_dict() == was.as_dict()
        assert engine.format_explanation(now) == ref.format_explanation(was)
    assert list(new.waiting.items()) == list(old.waiting.items())
    assert new.uncounted == old.uncounted
    assert (new.today, new.source) == (old.today, old.source)


def run_both(rules, events, today, holidays, school):
    """Both engines on the same input: equal reports, or the same error."""
    try:
        old = ref.compute_deadlines(rules, events, today=today, holidays=holidays, school=school, source="c")
    except InputError as exc:
        with pytest.raises(InputError) as caught:
            engine.compute_deadlines(rules, events, today=today, holidays=holidays, school=school, source="c")
        assert str(caught.value) == str(exc)
        return
    new = engine.compute_deadlines(rules, events, today=today, holidays=holidays, school=school, source="c")
    assert_same(old, new)
    # The same input again (caches warm) gives the same again.
    assert_same(old, engine.compute_deadlines(rules, events, today=today, holidays=holidays, school=school,
                                              source="c"))


# -- random inputs ------------------------------------------------------------------------

@st.composite
def school_calendars(draw, always=False):
    """A school year with breaks, closures and absences, or (unless ``always``) None."""
    if not always and draw(st.integers(0, 4)) == 0:
        return None
    first = draw(st.dates(min_value=dt.date(2024, 7, 1), max_value=dt.date(2027, 9, 30)))
    last = first + dt.timedelta(days=draw(st.integers(20, 320)))
    breaks = []
    for _ in range(draw(st.integers(0, 3))):
        start = first + dt.timedelta(days=draw(st.integers(0, (last - first).days)))
        end = min(last, start + dt.timedelta(days=draw(st.integers(0, 14))))
        breaks.append(SchoolBreak(start, end, draw(st.sampled_from(["winter break", "spring break", "school break"]))))
    span = st.integers(0, (last - first).days).map(lambda k: first + dt.timedelta(days=k))
    closures = frozenset(draw(st.lists(span, max_size=6)))
    plain = SchoolCalendar(first, last, tuple(breaks), closures)
    # Absences must be school days of the calendar, as the case's checks require.
    absences = frozenset(d for d in draw(st.lists(span, max_size=25)) if plain.why_not_school_day(d, "after") is None)
    return dataclasses.replace(plain, absences=absences)


def event_lists(types, school=None):
    """Events on random dates; with a school calendar, mostly in its school year, where school days count."""
    dates = event_dates
    if school is not None:
        in_year = st.dates(min_value=school.first_day - dt.timedelta(days=30), max_value=school.last_day)
        near_end = st.dates(min_value=max(school.first_day, school.last_day - dt.timedelta(days=80)),
                            max_value=school.last_day)
        dates = st.one_of(event_dates, in_year, in_year, near_end, near_end)
    one = st.fixed_dictionaries({"type": st.sampled_from(types), "date": dates})
    alias = st.fixed_dictionaries({"type": st.sampled_from(sorted(EVENT_ALIASES)), "date": dates})
    letters_only = st.fixed_dictionaries({"date": dates, "what": st.just("A meeting.")})
    return st.lists(st.one_of(one, one, one, alias, letters_only), min_size=3, max_size=30)


@st.composite
def versions(draw, trigger=None, trigger_rule=None):
    unit = draw(st.sampled_from(["calendar-days", "business-days", "school-days", "months", "years"]))
    direction = draw(st.sampled_from(["after", "before"]))
    count = draw(st.integers(1, {"months": 36, "years": 3}.get(unit, 60)))
    kw = {}
    if unit == "calendar-days" and direction == "after":
        kw["trigger_is_day_one"] = draw(st.booleans())
    if unit == "business-days":
        kw["holidays_count"] = draw(st.booleans())
    if unit in ("calendar-days", "months", "years"):
        kw["roll_forward"] = draw(st.booleans())
    if unit == "school-days" and direction == "after":
        if draw(st.booleans()):
            kw["extend_for_absences"] = AbsenceExtension(draw(st.integers(1, 4)))
        if draw(st.booleans()):
            at_least = draw(st.integers(0, 40))
            kw["near_school_year_end"] = NearSchoolYearEnd(
                at_least, at_least + draw(st.integers(1, 30)), draw(st.integers(1, 12)), draw(st.integers(1, 28)),
                draw(st.one_of(st.none(), st.integers(1, 4))))
    return RuleVersion(label=draw(st.sampled_from(["Letter due", "Meeting due"])), count=count, unit=unit,
                       cite=(Citation("34 CFR 300.11"),), note="A test rule.",
                       last_reviewed=dt.date(2026, 11, 29), trigger=trigger, trigger_rule=trigger_rule,
                       direction=direction, verified=draw(st.booleans()), **kw)


TYPES = sorted(EVENT_TYPES)


@st.composite
def rule_sets(draw):
    """Random rules using every option: dated versions, and chains to earlier rules."""
    rules: dict[str, DeadlineRule] = {}
    for i in range(draw(st.integers(1, 8))):
        rid = f"rule-{i}"
        chained = rules and draw(st.integers(0, 3)) == 0
        start = dict(trigger_rule=draw(st.sampled_from(sorted(rules)))) if chained else dict(
            trigger=draw(st.sampled_from(TYPES)))
        found = (draw(versions(**start)),)
        if draw(st.integers(0, 2)) == 0:  # two dated versions, switching on a random day
            switch = draw(event_dates)
            found = (dataclasses.replace(found[0], effective_until=switch - dt.timedelta(days=1)),
                     dataclasses.replace(draw(versions(**start)), effective_from=switch))
            if draw(st.booleans()):  # and sometimes a gap before the first one starts
                found = (dataclasses.replace(found[0], effective_from=switch - dt.timedelta(days=400)), found[1])
        rules[rid] = DeadlineRule(id=rid, state="MS", versions=found, origin="MS", origin_label="Test rule")
    return rules


# -- the tests ----------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["MS", "TX"])
@MANY
@given(data=st.data())
def test_state_rules_match_the_pre_11_engine(code, data):
    rules, holidays = _state(code)
    triggers = sorted({v.trigger for r in rules.values() for v in r.versions if v.trigger})
    school = data.draw(school_calendars())
    events = data.draw(event_lists(triggers + ["reevaluation-requested"], school))
    today = data.draw(st.dates(min_value=FIRST, max_value=LAST))
    run_both(rules, events, today, holidays, school)


@MANY
@given(data=st.data())
def test_school_day_counts_match_the_pre_11_engine(data):
    # Texas counts evaluations in school days, with absences and a June 30 date near
    # the end of the year: here every case has a school calendar and those events.
    rules, holidays = _state("TX")
    school = data.draw(school_calendars(always=True))
    triggers = sorted({v.trigger for r in rules.values() for v in r.versions if v.unit == "school-days"})
    in_year = st.dates(min_value=school.first_day, max_value=school.last_day)
    events = data.draw(st.lists(st.fixed_dictionaries({"type": st.sampled_from(triggers), "date": in_year}),
                                min_size=1, max_size=6))
    run_both(rules, events, data.draw(st.dates(min_value=FIRST, max_value=LAST)), holidays, school)


@MANY
@given(rules=rule_sets(), data=st.data())
def test_synthetic_rules_match_the_pre_11_engine(rules, data):
    _, holidays = _state(data.draw(st.sampled_from(["MS", "TX"])))
    school = data.draw(school_calendars())
    triggers = sorted({v.trigger for r in rules.values() for v in r.versions if v.trigger})
    events = data.draw(event_lists(triggers + TYPES[:3], school))
    today = data.draw(st.dates(min_value=FIRST, max_value=LAST))
    run_both(rules, events, today, holidays, school)


@pytest.mark.parametrize("day, unit, direction", [
    ("9999-12-20", "business-days", "after"), ("0001-01-05", "business-days", "before"),
    ("9999-12-30", "calendar-days", "after"), ("9999-06-30", "years", "after"),
    ("9999-12-29", "calendar-days", "after"),
])
def test_dates_at_the_ends_of_the_calendar_fail_the_same_way(day, unit, direction):
    # Both engines refuse a count that leaves the calendar with the same message, naming the field.
    rules = {"edge": DeadlineRule(id="edge", state="MS", versions=(RuleVersion(
        label="Edge", count=10, unit=unit, cite=(Citation("34 CFR 300.11"),), note="n",
        last_reviewed=dt.date(2026, 11, 29), trigger="violation-occurred", direction=direction, roll_forward=True),))}
    _, holidays = _state("MS")
    run_both(rules, [{"type": "violation-occurred", "date": dt.date.fromisoformat(day)}], dt.date(2026, 12, 1),
             holidays, None)


# -- the pieces that make it fast ---------------------------------------------------------

@MANY
@given(day=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2028, 12, 31)), n=st.integers(1, 700),
       direction=st.sampled_from(["after", "before"]), holidays_count=st.booleans())
def test_business_days_by_bisection_are_the_day_by_day_walk(day, n, direction, holidays_count):
    # Up to 700 business days: counts that cross into other years, forward and back.
    # The holiday years outside 2024-2028 are the package's; both sides use the same ones.
    _, holidays = _state("MS")
    walked = ref.count_days(day, n, direction, lambda d: holidays.why_not_business_day(d, holidays_count))
    assert holidays.count_business_days(day, n, direction, holidays_count) == walked


def _one_report():
    rules, holidays = _state("MS")
    events = [{"type": t, "date": dt.date(2026, 11, 11)} for t in
              sorted({r.trigger for r in rules.values() if r.trigger})]
    return engine.compute_deadlines(rules, events, today=dt.date(2026, 12, 1), holidays=holidays)


def test_a_deadline_is_the_same_whether_its_trail_is_read_first_or_last():
    import copy
    import pickle

    for unread, read in zip(_one_report().deadlines, _one_report().deadlines):
        assert callable(vars(unread)["trail"])  # not written yet: what this test is about
        read.trail  # written now
        # Made by Deadline(...) from the same fields: equal, hash included.
        rebuilt = engine.Deadline(**{f.name: getattr(read, f.name) for f in dataclasses.fields(read)})
        assert rebuilt == read and hash(rebuilt) == hash(read)
        assert pickle.loads(pickle.dumps(unread)) == read  # a pickle carries the steps, not a function
        assert copy.deepcopy(unread) == read
        assert dataclasses.replace(unread, note="x").trail == read.trail
        assert repr(unread) == repr(read) and unread.as_dict() == read.as_dict()
        assert isinstance(unread.trail, tuple) and all(isinstance(s, str) for s in unread.trail)


def test_the_checked_rules_kept_are_bounded():
    # A long run that makes new rule sets (a partner's tests, a plugin reloaded) must not grow.
    _, holidays = _state("MS")
    for i in range(engine._PREPARED_KEEP * 3):
        rules = {"r": DeadlineRule(id="r", state="MS", versions=(RuleVersion(
            label="R", count=i + 1, unit="calendar-days", cite=(Citation("34 CFR 300.11"),), note="n",
            last_reviewed=dt.date(2026, 11, 29), trigger="violation-occurred"),))}
        found = engine.compute_deadlines(rules, [{"type": "violation-occurred", "date": dt.date(2026, 1, 1)}],
                                         today=dt.date(2026, 12, 1), holidays=holidays)
        assert found.deadlines[0].due == dt.date(2026, 1, 1) + dt.timedelta(days=i + 1)
    assert len(engine._PREPARED) <= engine._PREPARED_KEEP


def test_bad_rules_fail_on_every_call_not_only_the_first():
    _, holidays = _state("MS")
    bad = {"r": DeadlineRule(id="r", state="MS", versions=(RuleVersion(
        label="R", count=1, unit="fortnights", cite=(Citation("34 CFR 300.11"),), note="n",
        last_reviewed=dt.date(2026, 11, 29), trigger="violation-occurred"),))}
    for _ in range(2):
        with pytest.raises(InputError, match="r.unit"):
            engine.compute_deadlines(bad, [], today=dt.date(2026, 12, 1), holidays=holidays)
