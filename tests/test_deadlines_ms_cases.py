"""Hand-computed Mississippi deadlines, checked against the engine.

Every expected date below was worked out on paper from a calendar, with the
reasoning in the row; none was copied from the engine's output. The cases
cross weekends, Thanksgiving, the Christmas-New Year break, Confederate
Memorial Day, Juneteenth and February 29, 2028.
"""
from __future__ import annotations

import pytest

from iepkit import api

from deadline_support import D, ms_case, ms_registry


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


# (rule, trigger event, trigger date, expected due date, how it was worked out)
CASES = [
    # -- calendar days: never moved off weekends or holidays
    ("met-meeting", "evaluation-requested", "2026-11-20", "2026-12-03",
     "request Fri Nov 20 is day 1; day 14 is Nov 20 + 13 = Thu Dec 3, across Thanksgiving"),
    ("met-meeting", "evaluation-requested", "2025-12-22", "2026-01-04",
     "Mon Dec 22 is day 1; + 13 = Sun Jan 4, a Sunday, not moved"),
    ("evaluation-pwn", "met-meeting-held", "2026-12-18", "2026-12-25",
     "Fri Dec 18 + 7 = Fri Dec 25, Christmas, not moved"),
    ("initial-evaluation", "evaluation-consent-signed", "2027-12-31", "2028-02-29",
     "Dec 31 + 31 = Jan 31; + 29 more = Feb 29, 2028 (leap year)"),
    ("initial-iep-meeting", "eligibility-determined", "2028-02-01", "2028-03-02",
     "Feb 1 + 28 = Feb 29; + 2 = Mar 2, counting Feb 29"),
    ("records-access", "records-requested", "2026-11-20", "2027-01-04",
     "Nov 20 + 10 = Nov 30; Dec 31 is + 41; Jan 4 is + 45"),
    ("state-complaint-decision", "state-complaint-filed", "2026-11-02", "2027-01-01",
     "Nov 2 + 28 = Nov 30; Dec 31 is + 59; + 60 = Fri Jan 1, New Year's Day, not moved"),
    ("sufficiency-challenge", "due-process-complaint-received", "2026-11-11", "2026-11-26",
     "Veterans Day Nov 11 + 15 = Thanksgiving Nov 26, not moved"),
    ("district-response", "due-process-complaint-received", "2026-10-30", "2026-11-09",
     "Fri Oct 30 + 10 = Mon Nov 9"),
    ("resolution-meeting", "due-process-complaint-received", "2026-10-30", "2026-11-14",
     "Fri Oct 30 + 15 = Sat Nov 14, not moved"),
    ("resolution-period-end", "due-process-complaint-received", "2026-10-30", "2026-11-29",
     "Oct 30 + 1 = Oct 31; + 30 = Sun Nov 29"),
    ("hearing-decision", "due-process-complaint-received", "2026-10-30", "2027-01-13",
     "resolution period ends Sun Nov 29; + 45: Nov 30 is + 1, Dec 31 + 32, Jan 13 + 45"),
    ("hearing-decision", "due-process-complaint-received", "2026-11-11", "2027-01-25",
     "period ends Fri Dec 11; Dec 31 is + 20, Jan 25 + 45, across Christmas and New Year"),
    ("civil-action-limit", "hearing-decision-issued", "2027-04-26", "2027-07-25",
     "issued on Confederate Memorial Day; Apr 30 + 4, May 31 + 35, Jun 30 + 65, Jul 25 + 90 (Sun)"),
    ("ocr-complaint-limit", "discrimination-occurred", "2026-06-19", "2026-12-16",
     "Juneteenth + 180: Jun 30 + 11, Jul 31 + 42, Aug 31 + 73, Sep 30 + 103, Oct 31 + 134, "
     "Nov 30 + 164, Dec 16 + 180"),
    # -- months and years: same day of the month, or the last day if it has none
    ("state-complaint-limit", "violation-occurred", "2026-09-08", "2027-09-08", "one year later"),
    ("state-complaint-limit", "violation-occurred", "2028-02-29", "2029-02-28",
     "2029 has no Feb 29: the month's last day"),
    ("due-process-limit", "violation-known", "2028-02-29", "2030-02-28", "two years; no Feb 29 in 2030"),
    ("due-process-limit", "violation-known", "2026-02-28", "2028-02-28", "Feb 28 stays Feb 28 in a leap year"),
    ("annual-iep-review", "iep-meeting-held", "2027-02-28", "2028-02-28", "not moved to Feb 29"),
    ("reevaluation", "evaluation-completed", "2025-02-28", "2028-02-28", "three years"),
    ("reevaluation", "evaluation-completed", "2024-02-29", "2027-02-28", "2027 has no Feb 29"),
    # -- business days: weekends and federal or Mississippi holidays skipped
    ("evidence-disclosure", "hearing-scheduled", "2026-12-01", "2026-11-23",
     "back from Tue Dec 1: Mon 30 (1), weekend, Fri 27 (2; not a holiday), Thanksgiving skipped, "
     "Wed 25 (3), Tue 24 (4), Mon 23 (5)"),
    ("evidence-disclosure", "hearing-scheduled", "2026-12-30", "2026-12-22",
     "back from Wed Dec 30: Tue 29 (1), Mon 28 (2), weekend, Christmas Fri 25 skipped, Thu 24 (3), "
     "Wed 23 (4), Tue 22 (5)"),
    ("evidence-disclosure", "hearing-scheduled", "2027-01-05", "2026-12-28",
     "back from Tue Jan 5: Mon 4 (1), weekend, New Year's Fri Jan 1 skipped, Thu Dec 31 (2), "
     "Wed 30 (3), Tue 29 (4), Mon 28 (5)"),
    ("evidence-disclosure", "hearing-scheduled", "2027-04-30", "2027-04-22",
     "back from Fri Apr 30: Thu 29, Wed 28, Tue 27 (3), Confederate Memorial Day Mon 26 skipped, "
     "weekend, Fri 23 (4), Thu 22 (5)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2026-06-18", "2026-06-24",
     "after Thu Jun 18: Juneteenth Fri 19 skipped, weekend, Mon 22, Tue 23, Wed 24 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2027-06-17", "2027-06-23",
     "after Thu Jun 17: Fri 18 skipped (Juneteenth observed; the 19th is a Saturday), weekend, "
     "Mon 21, Tue 22, Wed 23 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2027-12-22", "2027-12-28",
     "after Wed Dec 22: Thu 23 (1), Fri 24 skipped (Christmas observed), weekend, Mon 27 (2), Tue 28 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2026-11-25", "2026-12-01",
     "after Wed Nov 25: Thanksgiving skipped, Fri 27 (1), weekend, Mon 30 (2), Tue Dec 1 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2028-02-25", "2028-03-01",
     "after Fri Feb 25: weekend, Mon 28 (1), Tue Feb 29 (2), Wed Mar 1 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2026-10-09", "2026-10-15",
     "after Fri Oct 9: weekend, Columbus Day Mon 12 skipped (federal list), Tue 13, Wed 14, Thu 15 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2028-04-21", "2028-04-27",
     "after Fri Apr 21: weekend, Confederate Memorial Day Mon 24 skipped, Tue 25, Wed 26, Thu 27 (3)"),
    ("resolution-agreement-void", "resolution-agreement-signed", "2027-12-29", "2028-01-04",
     "after Wed Dec 29: Thu 30 (1), Fri 31 skipped (New Year's 2028 observed), weekend, "
     "Mon Jan 3 (2), Tue Jan 4 (3)"),
    # -- 34 CFR 300.148(d)(1)(ii): business days that count a holiday on a weekday (300.11(b))
    ("private-placement-notice", "leaving-public-school", "2027-01-22", "2027-01-08",
     "back from Fri Jan 22: Thu 21 (1), Wed 20, Tue 19, MLK Day Mon 18 counts (4), weekend, "
     "Fri 15 (5), Thu 14, Wed 13, Tue 12, Mon 11 (9), weekend, Fri 8 (10)"),
    ("private-placement-notice", "leaving-public-school", "2026-12-04", "2026-11-20",
     "back from Fri Dec 4: Thu 3, Wed 2, Tue 1, Mon Nov 30 (4), weekend, Fri 27 (5), "
     "Thanksgiving Thu 26 counts (6), Wed 25, Tue 24, Mon 23 (9), weekend, Fri 20 (10)"),
    ("private-placement-notice", "leaving-public-school", "2027-01-04", "2026-12-21",
     "back from Mon Jan 4: weekend, New Year's Fri Jan 1 counts (1), Thu Dec 31, Wed 30, Tue 29, "
     "Mon 28 (5), weekend, Christmas Fri 25 counts (6), Thu 24, Wed 23, Tue 22, Mon 21 (10)"),
]


@pytest.mark.parametrize("rule, event, when, due, why", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_hand_computed_deadline(rule, event, when, due, why):
    report = api.deadlines(ms_case((event, when)), today=D("2026-12-01"))
    found = report.get(rule)
    assert found is not None, f"{rule} was not computed from {event}"
    assert found.due == D(due), why
    assert found.days_left == (D(due) - D("2026-12-01")).days


def test_cases_cover_every_rule_in_the_issue_table():
    ids = {rule.id for rule in api.deadline_rules("MS")}
    assert {c[0] for c in CASES} == ids


def test_skipped_days_are_listed_with_reasons():
    found = api.deadlines(ms_case(("hearing-scheduled", "2027-04-30")), today=D("2027-04-01")).get(
        "evidence-disclosure")
    reasons = dict(found.skipped)
    assert reasons[D("2027-04-26")] == "holiday: Confederate Memorial Day"
    assert reasons[D("2027-04-25")] == "weekend" and reasons[D("2027-04-24")] == "weekend"
    assert D("2027-04-30") not in reasons  # the hearing day itself is not counted or skipped
    assert any("Confederate Memorial Day" in step for step in found.trail)


def test_day_after_thanksgiving_is_a_business_day():
    # Not a federal or Mississippi legal holiday, though many offices close.
    found = api.deadlines(ms_case(("resolution-agreement-signed", "2026-11-26")),
                          today=D("2026-11-26")).get("resolution-agreement-void")
    assert found.due == D("2026-12-01")  # Fri 27 (1), Mon 30 (2), Tue Dec 1 (3)


def test_hearing_decision_chain_and_trail():
    found = api.explain(ms_case(("due-process-complaint-received", "2026-11-11")), "hearing-decision",
                        today=D("2026-12-01"))
    assert found.trigger == "resolution-period-end" and found.trigger_kind == "rule"
    assert found.trigger_date == D("2026-12-11")
    assert found.chain == ("resolution-period-end",)
    text = "\n".join(found.trail)
    assert text.index("due-process-complaint-received") < text.index("2026-12-11") < text.index("2027-01-25")
    assert "34 CFR 300.510(b)(1)" in text and "34 CFR 300.515(a)" in text


def test_calendar_day_deadline_on_a_holiday_says_it_does_not_move():
    found = api.deadlines(ms_case(("due-process-complaint-received", "2026-11-11")),
                          today=D("2026-12-01")).get("resolution-meeting")
    assert found.due == D("2026-11-26")
    assert any("Thanksgiving" in s and "does not move" in s for s in found.trail)
