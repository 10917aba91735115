"""School-day counts that depend on the student's absences and on the school year.

Two general engine features, tested on a fictional state ("Zedland", ZZ) loaded
from YAML in a temporary folder, so the deadlines.yaml keys are tested the way
a state plugin writes them:

- ``extend_for_absences: {at_least: N}``: when the student was absent on N or
  more of the school days counted, the count is extended by one school day per
  absence, counted on from the original end;
- ``near_school_year_end``: a fixed month-day due date when the count starts
  at least A but fewer than B school days before the last day of school,
  unless the student was absent on enough school days before that last day.

Every date below is worked out by hand from CALENDAR, never copied from the engine.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from iepkit import api, hookimpl
from iepkit.case import parse_case
from iepkit.cli import cli as iepkit_cli
from iepkit.deadlines import format_explanation, format_rule, rule_as_dict, rule_problems
from iepkit.errors import InputError
from iepkit.model import AbsenceExtension, NearSchoolYearEnd
from iepkit.scenarios import check_scenario
from iepkit.statedata import StateFolder

from deadline_support import D, rule

# A fictional school year. School days are Monday to Friday from Mon 2026-08-17 to Fri 2027-05-28,
# except the breaks and the two closures. After spring break, Mon 2027-03-22 to Fri 2027-05-28 is
# ten full weeks: 50 school days with nothing skipped.
CALENDAR: dict[str, Any] = {
    "first_day": "2026-08-17", "last_day": "2027-05-28",
    "breaks": [{"start": "2026-11-23", "end": "2026-11-27", "name": "Thanksgiving break"},
               {"start": "2026-12-21", "end": "2027-01-01", "name": "winter break"},
               {"start": "2027-03-15", "end": "2027-03-19", "name": "spring break"}],
    "closures": ["2026-09-07", "2027-01-18"],
}

STATE_YAML = """\
code: ZZ
name: Zedland
last_reviewed: 2026-11-30
unverified_notice: Zedland is a fictional state for tests.
agency:
  name: Zedland Department of Education
  short_name: ZDE
  office: Office of Special Education
  office_short: OSE
  mailing_address: [1 Test Street, "Testville, ZZ 00000"]
  cite: ["Zedland Educ. Code 1 (fictional)"]
"""

RULE_TAIL = """\
  cite: ["Zedland Educ. Code 2 (fictional)"]
  last_reviewed: 2026-11-30
  note: A fictional rule for tests.
"""

DEADLINES_YAML = """\
- id: evaluation-report
  label: Evaluation report due
  trigger: evaluation-consent-signed
  count: 45
  unit: school-days
  extend_for_absences:
    at_least: 3
  near_school_year_end:
    at_least: 35
    fewer_than: 45
    due: "06-30"
    unless_absences:
      at_least: 3
""" + RULE_TAIL + """\
- id: team-meeting
  label: Team meets on the report
  trigger_rule: evaluation-report
  count: 30
  unit: calendar-days
""" + RULE_TAIL

TODAY = "2026-12-01"


def _folder(root: Path, deadlines: str = DEADLINES_YAML) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "state.yaml").write_text(STATE_YAML, "utf-8")
    (root / "deadlines.yaml").write_text(deadlines, "utf-8")
    # Business-day holidays come from the holidays package, which knows no fictional state: borrow a
    # real subdivision's list (only the calendar-day chain looks at it, for its weekend note).
    (root / "calendar.yaml").write_text("subdivision: DC\n", "utf-8")
    return root


def _plugin(folder: Path) -> object:
    data = StateFolder(folder)

    class Zedland:
        @hookimpl
        def register_states(self, register):
            register(data.state)

        @hookimpl
        def register_deadline_rules(self, register):
            for r in data.deadline_rules:
                register(r)

    return Zedland()


_REGISTRY: list[Any] = []


@pytest.fixture(autouse=True)
def _zedland(tmp_path_factory):
    # conftest resets the registry before each test; build it once and set it every time.
    if not _REGISTRY:
        folder = _folder(tmp_path_factory.mktemp("zedland"))
        reg = api.load_registry(only=[], extra_plugins=[("zedland", _plugin(folder))])
        assert "ZZ" in reg.states and not reg.host.warnings(), reg.host.warnings()
        _REGISTRY.append(reg)
    api.set_registry(_REGISTRY[0])
    yield
    api.set_registry(None)


def case(consent: str, absences: list[str] | None = None, **calendar: Any):
    cal = dict(CALENDAR, **calendar)
    if absences is not None:
        cal["absences"] = absences
    return parse_case({"state": "ZZ", "events": [{"type": "evaluation-consent-signed", "date": consent}],
                       "school_calendar": cal}, "case.yaml", today=D(TODAY))


def report(consent: str, absences: list[str] | None = None, rule_id: str = "evaluation-report"):
    return api.deadlines(case(consent, absences), today=D(TODAY)).get(rule_id)


# -- absences extend the count ------------------------------------------------------------

# From Thu 2026-10-01 (day 0), 45 school days: Fri Oct 2 (1); Oct 5-9 (2-6); Oct 12-16 (7-11);
# Oct 19-23 (12-16); Oct 26-30 (17-21); Nov 2-6 (22-26); Nov 9-13 (27-31); Nov 16-20 (32-36);
# Thanksgiving break Nov 23-27 skipped; Nov 30-Dec 4 (37-41); Dec 7, 8, 9 (42-44); Thu Dec 10 (45).
PLAIN_DUE = "2026-12-10"


def test_without_absences_the_count_stands_and_says_so():
    found = report("2026-10-01")
    assert found.due == D(PLAIN_DUE)
    assert any("records no absences" in step for step in found.trail)


def test_absences_below_the_threshold_do_not_extend():
    found = report("2026-10-01", ["2026-10-14", "2026-11-04"])
    assert found.due == D(PLAIN_DUE)
    step = next(s for s in found.trail if "absent on 2 school days" in s)
    assert "Wed 2026-10-14, Wed 2026-11-04" in step and "fewer, so the date stands" in step


def test_three_absences_extend_by_three_school_days():
    # Oct 14, Nov 4 and Thu Dec 10 (the 45th day itself is in the count): 3 absences.
    # Three more school days after Thu Dec 10: Fri Dec 11 (1), weekend, Mon Dec 14 (2), Tue Dec 15 (3).
    found = report("2026-10-01", ["2026-10-14", "2026-11-04", "2026-12-10"])
    assert found.due == D("2026-12-15")
    assert found.count == 45 and found.status == "upcoming"
    text = format_explanation(found)
    assert "absent on 3 school days in the count (Wed 2026-10-14, Wed 2026-11-04, Thu 2026-12-10)" in text
    assert "count 3 more school days after Thu 2026-12-10" in text
    assert "School day 3 after Thu 2026-12-10 is Tue 2026-12-15." in text
    assert "Result: due Tue 2026-12-15" in text


def test_absences_outside_the_counted_days_do_not_count():
    # Wed Sep 30 is before the consent, Thu Oct 1 is day 0 (not counted), Fri Dec 11 is after the
    # 45th school day: only Oct 14 and Nov 4 are in the count, 2 < 3, so no extension.
    found = report("2026-10-01", ["2026-09-30", "2026-10-01", "2026-10-14", "2026-11-04", "2026-12-11"])
    assert found.due == D(PLAIN_DUE)
    assert any("absent on 2 school days in the count" in s for s in found.trail)


def test_absences_in_the_added_days_do_not_extend_it_again():
    # Oct 14, Nov 4, Nov 5 extend by 3: Dec 11, 14, 15. Mon Dec 14 is in the added days: not counted.
    found = report("2026-10-01", ["2026-10-14", "2026-11-04", "2026-11-05", "2026-12-14"])
    assert found.due == D("2026-12-15")
    assert any("Mon 2026-12-14" in s and "do not extend it again" in s for s in found.trail)


def test_the_extension_skips_breaks():
    # From Fri 2026-10-09: Oct 12-16 (1-5), 19-23 (6-10), 26-30 (11-15), Nov 2-6 (16-20), 9-13 (21-25),
    # 16-20 (26-30), Thanksgiving skipped, Nov 30-Dec 4 (31-35), Dec 7-11 (36-40), Dec 14-18 (41-45):
    # Fri Dec 18. Four absences add four school days after it: winter break Dec 21-Jan 1 and the
    # weekend skipped; Mon Jan 4, Tue 5, Wed 6, Thu 2027-01-07.
    found = report("2026-10-09", ["2026-10-14", "2026-10-15", "2026-10-16", "2026-11-09"])
    assert found.due == D("2027-01-07")
    assert dict(found.skipped)[D("2026-12-25")] == "winter break"
    # The chained 30 calendar days start from the extended date: Jan 7 + 30 = Sat 2027-02-06.
    meeting = report("2026-10-09", ["2026-10-14", "2026-10-15", "2026-10-16", "2026-11-09"], "team-meeting")
    assert meeting.due == D("2027-02-06")


# -- near the end of the school year ------------------------------------------------------

# School days after a start, up to and including Fri 2027-05-28 (the last day):
#   from Fri Apr 9: Apr 12 - May 28, 7 weeks = 35      from Mon Apr 12: Apr 13-16 (4) + 30 = 34
#   from Mon Mar 29: Mar 30 - Apr 2 (4) + 40 = 44      from Fri Mar 26: Mar 29 - May 28, 9 weeks = 45


def test_35_school_days_before_the_last_day_gives_the_fixed_date():
    found = report("2027-04-09")
    assert found.due == D("2027-06-30")
    text = format_explanation(found)
    assert "there are 35 school days" in text and "Fri 2027-05-28" in text
    assert "at least 35 but fewer than 45" in text
    assert "June 30 in the year of the last day of school, Wed 2027-06-30" in text
    assert "The case records 0 absences in that time; this date would not apply with 3 or more." in text
    # The team meeting chains from June 30: + 30 calendar days = Fri 2027-07-30.
    assert report("2027-04-09", rule_id="team-meeting").due == D("2027-07-30")


def test_44_school_days_before_the_last_day_gives_the_fixed_date():
    assert report("2027-03-29").due == D("2027-06-30")


def test_two_absences_do_not_take_the_fixed_date_away():
    found = report("2027-04-09", ["2027-04-20", "2027-05-03"])
    assert found.due == D("2027-06-30")
    assert any("records 2 absences in that time (Tue 2027-04-20, Mon 2027-05-03)" in s for s in found.trail)


def test_45_school_days_before_the_last_day_counts_as_usual():
    # 45 school days after Fri Mar 26 end exactly on the last day, Fri 2027-05-28.
    found = report("2027-03-26")
    assert found.due == D("2027-05-28")
    assert any("there are 45 school days" in s and "counted as usual" in s for s in found.trail)


def test_34_school_days_before_the_last_day_needs_next_years_calendar():
    # Only 34 school days are left: the 45 run into the next school year, which the case does not give.
    found = report("2027-04-12")
    assert (found.due, found.status) == (None, "needs-school-calendar")
    assert "2027-05-28" in found.problem
    assert any("there are 34 school days" in s and "next school year" in s for s in found.trail)


def test_three_absences_before_the_last_day_take_the_fixed_date_away():
    # In the window, but absent Apr 20, Apr 21 and May 3 (3 or more): the usual count applies, and
    # it runs past the last day.
    found = report("2027-04-09", ["2027-04-20", "2027-04-21", "2027-05-03"])
    assert (found.due, found.status) == (None, "needs-school-calendar")
    step = next(s for s in found.trail if "does not apply" in s)
    assert "absent on 3 school days" in step and "Tue 2027-04-20, Wed 2027-04-21, Mon 2027-05-03" in step


def test_a_start_after_the_last_day_is_not_in_the_window():
    # 0 school days left: the count needs the next year's calendar.
    found = report("2027-06-04")
    assert found.status == "needs-school-calendar"
    assert any("there are 0 school days" in s for s in found.trail)


# -- the case's absences are checked -------------------------------------------------------

@pytest.mark.parametrize(("absences", "message"), [
    (["2026-10-03"], r"school_calendar.absences\[0\]: is not a school day"),          # a Saturday
    (["2026-12-22"], r"school_calendar.absences\[0\]: is not a school day"),          # winter break
    (["2026-09-07"], r"school_calendar.absences\[0\]: is not a school day"),          # a closure
    (["2026-08-14"], r"school_calendar.absences\[0\]: is outside the school year"),   # before the first day
    (["2026-10-14", "2026-10-14"], r"school_calendar.absences\[1\]: is the same day as absences\[0\]"),
])
def test_an_absence_that_cannot_be_one_names_the_entry(absences, message):
    with pytest.raises(InputError, match=message) as err:
        report("2026-10-01", absences)
    assert absences[0] not in str(err.value)  # the message names the entry, never the child's dates


def test_an_absence_that_is_not_a_date_is_a_case_error():
    with pytest.raises(InputError, match=r"school_calendar.absences\[0\]: is not a real date"):
        case("2026-10-01", ["2026-02-30"])


# -- the rule format --------------------------------------------------------------------------

def _load_problems(tmp_path: Path, entry: str) -> str:
    folder = _folder(tmp_path / "bad", "- id: x\n  label: X\n  trigger: evaluation-consent-signed\n"
                     + entry + RULE_TAIL)
    with pytest.raises(InputError) as err:
        StateFolder(folder).deadline_rules
    text = str(err.value)
    assert text.startswith(str(folder / "deadlines.yaml"))
    return text


def test_the_options_only_work_with_school_days_counted_after(tmp_path):
    text = _load_problems(tmp_path, "  count: 45\n  unit: calendar-days\n  extend_for_absences: {at_least: 3}\n"
                          "  near_school_year_end: {at_least: 35, fewer_than: 45, due: '06-30'}\n")
    assert "[0].extend_for_absences: only works with unit school-days counted after" in text
    assert "[0].near_school_year_end: only works with unit school-days counted after" in text
    text = _load_problems(tmp_path, "  count: 5\n  unit: school-days\n  direction: before\n"
                          "  extend_for_absences: {at_least: 3}\n")
    assert "[0].extend_for_absences: only works with unit school-days counted after" in text


def test_the_window_and_the_date_are_checked(tmp_path):
    text = _load_problems(tmp_path, "  count: 45\n  unit: school-days\n"
                          "  near_school_year_end: {at_least: 45, fewer_than: 35, due: '02-29'}\n")
    assert "[0].near_school_year_end.fewer_than: is not more than at_least" in text
    assert "[0].near_school_year_end.due: is not a day every year has" in text
    text = _load_problems(tmp_path, "  count: 45\n  unit: school-days\n"
                          "  near_school_year_end: {at_least: 35, fewer_than: 45, due: 2027-06-30}\n"
                          "  extend_for_absences: {at_least: 0}\n")
    assert "[0].near_school_year_end.due: expected a month and day written MM-DD" in text
    assert "[0].extend_for_absences.at_least: expected a whole number of 1 or more" in text
    text = _load_problems(tmp_path, "  count: 45\n  unit: school-days\n  extend_for_absences: {}\n")
    assert "[0].extend_for_absences.at_least: is missing" in text


def test_rules_built_in_python_are_checked_too():
    bad = rule("bad", count=5, unit="business-days", trigger="evaluation-requested",
               extend_for_absences=AbsenceExtension(3),
               near_school_year_end=NearSchoolYearEnd(at_least=10, fewer_than=10, month=2, day=30))
    problems = {str(p) for p in rule_problems({"bad": bad})}
    assert "bad.extend_for_absences: only works with unit school-days counted after" in problems
    assert "bad.near_school_year_end.fewer_than: is not more than at_least; expected a larger number" in problems
    assert any(p.startswith("bad.near_school_year_end.due: is not a day every year has") for p in problems)


def test_the_rule_in_words_and_as_data():
    report_rule = next(r for r in api.deadline_rules("ZZ") if r.id == "evaluation-report")
    text = format_rule(report_rule)
    assert ("plus one school day for each school day the student is absent in that time, when absent on 3 "
            "or more") in text
    assert ("when it starts at least 35 but fewer than 45 school days before the last day of school, due "
            "June 30 of that year instead, unless the student is absent on 3 or more school days") in text
    data = json.loads(json.dumps(rule_as_dict(report_rule)))
    assert data["extend_for_absences"] == {"at_least": 3}
    assert data["near_school_year_end"] == {"at_least": 35, "fewer_than": 45, "due": "06-30",
                                            "unless_absences": {"at_least": 3}}


# -- through the command line and scenario files --------------------------------------------------

def test_cli_explains_the_extension(tmp_path):
    path = tmp_path / "case.yaml"
    cal = dict(CALENDAR, absences=["2026-10-14", "2026-11-04", "2026-12-10"])
    path.write_text(yaml.safe_dump({"state": "ZZ", "school_calendar": cal,
                                    "events": [{"type": "evaluation-consent-signed", "date": "2026-10-01"}]}),
                    "utf-8")
    result = CliRunner().invoke(iepkit_cli, ["deadlines", "--case", str(path), "--today", TODAY,
                                             "--explain", "evaluation-report"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    joined = " ".join(result.output.split())
    assert "Tue 2026-12-15" in joined and "absent on 3 school days in the count" in joined


def test_a_scenario_file_may_record_absences(tmp_path):
    scenario = {
        "name": "Three absences extend the evaluation report",
        "why": "Consent Thu 2026-10-01; 45 school days end Thu Dec 10; absent Oct 14, Nov 4, Dec 10 (3), "
               "so 3 more school days: Fri Dec 11, Mon Dec 14, Tue Dec 15.",
        "state": "ZZ", "today": TODAY,
        "events": [{"type": "evaluation-consent-signed", "date": "2026-10-01"}],
        "school_calendar": dict(CALENDAR, absences=["2026-10-14", "2026-11-04", "2026-12-10"]),
        "expect": [{"rule": "evaluation-report", "due": "2026-12-15", "days_left": 14}],
    }
    path = tmp_path / "absences.yaml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), "utf-8")
    assert check_scenario(path) == []
    scenario["expect"][0]["due"] = "2026-12-10"  # the date without the absences must now fail
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), "utf-8")
    assert check_scenario(path) == ["expect[0] evaluation-report: due is 2026-12-15, expected 2026-12-10"]


def test_dates_stay_put_whatever_today_is():
    early = api.deadlines(case("2027-04-09"), today=dt.date(2026, 1, 1)).get("evaluation-report")
    assert early.due == D("2027-06-30")
