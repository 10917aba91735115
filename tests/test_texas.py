"""Texas, the second state: the conformance suite, and what is Texas's own.

The dates here were worked out by hand from the rule texts (see each
scenario's `why`), never copied from the engine's output.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import iepkit_texas
from iepkit import api
from iepkit.calendars import HolidayCalendar
from iepkit.scenarios import check_scenario, scenario_files
from iepkit.testing import StateConformance, pdf_text

from conftest import ROOT

TX_EXAMPLE = ROOT / "examples" / "texas-case.yaml"
SNAPSHOT = json.loads((Path(__file__).parent / "snapshots" / "US_TX_2024_2028.json").read_text("utf-8"))
SCENARIOS = scenario_files([iepkit_texas])
D = dt.date.fromisoformat

_REG = {}


@pytest.fixture(autouse=True)
def _tx():
    """Both states installed, whatever IEPKIT_LOAD_PLUGINS says; built once."""
    if "reg" not in _REG:
        _REG["reg"] = api.load_registry(only=["mississippi", "texas"])
    reg = _REG["reg"]
    assert {"MS", "TX"} <= set(reg.states) and not reg.host.warnings(), reg.host.warnings()
    api.set_registry(reg)
    yield


class TestTexasConformance(StateConformance):
    state = "TX"
    sample_case = TX_EXAMPLE


# -- the due process limit: one rule, two dated versions ------------------------------

def _limit(known: str, today: str):
    case = api.parse_case({**_case_data(), "events": [{"type": "violation-known", "date": known}]},
                          "test case", today=D(today))
    return api.explain(case, "due-process-limit", today=D(today))


def _case_data() -> dict:
    import yaml
    data = yaml.safe_load(TX_EXAMPLE.read_text("utf-8"))
    data.pop("events", None)
    return data


def test_due_process_limit_has_a_one_year_and_a_two_year_version():
    rule = api.deadline_rule("TX", "due-process-limit")
    counts = sorted((v.count, v.unit, v.effective_from, v.effective_until) for v in rule.versions)
    assert counts == [(1, "years", None, D("2021-08-31")), (2, "years", D("2021-09-01"), None)]
    old, new = sorted(rule.versions, key=lambda v: v.count)
    assert any("89.1151(c)" in str(c) for c in new.cite) and any("29.0164" in str(c) for c in new.cite)
    assert new.verified and not old.verified  # the revival question for old claims is not settled


@pytest.mark.parametrize("known, due, years", [
    ("2021-03-15", "2022-03-15", 1),   # one year ends before Sept 1, 2022: the old rule
    ("2021-08-31", "2022-08-31", 1),   # the last day of the old version
    ("2021-09-01", "2023-09-01", 2),   # one year would reach Sept 1, 2022: the new rule
    ("2026-09-21", "2028-09-21", 2),
])
def test_due_process_limit_picks_the_version_by_when_the_parent_knew(known, due, years):
    d = _limit(known, "2026-12-01")
    assert d.due == D(due)
    assert d.count == years
    # The explanation says which version applied, and why, in the parent's words.
    if years == 2:
        assert "on or after September 1, 2021" in d.note and "September 1, 2022" in d.note
    else:
        assert "before September 1, 2021" in d.note and "not settled" in d.note


def test_explain_names_the_texas_rule_and_its_version(tmp_path):
    from click.testing import CliRunner

    from iepkit.cli import cli
    res = CliRunner().invoke(cli, ["deadlines", "--case", str(TX_EXAMPLE), "--today", "2026-12-01",
                                   "--explain", "due-process-limit"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "19 Tex. Admin. Code § 89.1151(c)" in out and "Tex. Educ. Code § 29.0164" in out
    assert "2 years after violation-known" in out
    assert "This version is the one for a start date on or after 2021-09-01." in out
    assert "learned of the problem on or after September 1, 2021" in out  # why, in the note
    assert "Thu 2028-09-21" in out


# -- the letters: Texas's offices and words ------------------------------------------

def _render_pdf(letter_id: str, case) -> bytes:
    return api.render_letter(letter_id, case=case, fmt="pdf", today=D("2026-12-01"), notes=False)


@pytest.mark.parametrize("letter_id, office, email", [
    ("mediation-request", "Office of General Counsel", "SE-Legal@tea.texas.gov"),
    ("due-process-complaint", "Office of General Counsel", "SE-Legal@tea.texas.gov"),
    ("state-complaint", "Office of Special Populations and Student Supports", "spedcomplaints@tea.texas.gov"),
])
def test_each_letter_goes_to_the_right_tea_office(letter_id, office, email):
    text = _render_pdf_text(letter_id)
    assert "Texas Education Agency" in text and office in text and email in text
    assert "1701 North Congress Avenue" in text
    for other in ("Mississippi", "MDE", "IEP Committee", "MET", "P.O. Box 771", "Jackson, MS"):
        assert other not in text, other


def _render_pdf_text(letter_id: str) -> str:
    return pdf_text(_render_pdf(letter_id, api.load_case(TX_EXAMPLE)))


def test_due_process_request_holds_every_element_of_89_1165_and_300_508():
    text = _render_pdf_text("due-process-complaint")
    case = api.load_case(TX_EXAMPLE)
    for value in ("Mateo Luis Garza", "48 Live Oak Drive", "Bluebonnet Trail Elementary School"):
        assert value in text  # (c)(1)-(3)
    assert "The problem, and the facts" in text and "dyslexia specialist" in text  # (c)(5)
    assert "How I would like it resolved" in text and "36 hours of makeup sessions" in text  # (c)(6)
    assert "request an impartial due process hearing" in text
    assert "at the same time, sending a copy of this request to Cedar Creek Independent School District" in text
    letter = next(x for x in api.letters("TX") if x.id == "due-process-complaint")
    cited = " ".join(str(c) for e in letter.elements for c in e.cite)
    for sub in range(1, 7):
        assert f"89.1165(c)({sub})" in cited and f"300.508(b)({sub})" in cited
    assert case.state == "TX"


def test_the_letters_use_the_same_ids_as_every_state():
    assert {x.id for x in api.letters("TX")} == {x.id for x in api.letters("MS")}


def test_texas_words_in_the_state_record():
    st = api.find_state("TX")
    assert st.agency.short_name == "TEA" and st.agency.name == "Texas Education Agency"
    assert st.term("iep_team", "IEP team") == "ARD committee"
    assert "FIIE" in st.term("initial_evaluation", "")


def test_same_rule_ids_as_mississippi_where_the_concept_is_the_same():
    tx = {r.id for r in api.deadline_rules("TX")}
    ms = {r.id for r in api.deadline_rules("MS")}
    shared = {"due-process-limit", "state-complaint-limit", "state-complaint-decision", "initial-evaluation",
              "initial-iep-meeting", "annual-iep-review", "reevaluation", "records-access",
              "resolution-meeting", "resolution-period-end", "hearing-decision", "evidence-disclosure",
              "civil-action-limit"}
    assert shared <= tx and shared <= ms
    assert "evaluation-response" in tx and "met-meeting" not in tx


# -- business days: Texas's holidays ----------------------------------------------------

def _tx_holidays() -> HolidayCalendar:
    return HolidayCalendar(api.find_state("TX").calendar)


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, 2028])
def test_texas_holidays_match_the_hand_made_list(year):
    expected = {D(d) for d in SNAPSHOT["holidays"][str(year)]}
    assert set(_tx_holidays().holidays_in(year)) == expected


def test_optional_holidays_are_business_days():
    cal = _tx_holidays()
    for day in ("2027-03-26", "2026-04-03", "2026-03-31", "2027-12-23"):  # Good Friday, Chavez, moved Eve
        assert cal.is_business_day(D(day)), day
    for day in ("2027-01-19", "2027-03-02", "2026-04-21", "2026-08-27", "2026-11-27", "2026-12-24"):
        assert not cal.is_business_day(D(day)), day


# -- scenario files ------------------------------------------------------------------------

def test_texas_ships_the_scenarios_the_issue_asks_for():
    names = {p.stem for p in SCENARIOS}
    assert {"due-process-limit-one-year", "due-process-limit-two-years", "records-access",
            "due-process-resolution-chain", "example-case", "evaluation-absences",
            "evaluation-june-30", "evaluation-june-30-absent", "complaint-reconsideration",
            "state-iep-facilitation"} <= names


def test_the_fiie_rule_uses_absences_and_the_june_30_date():
    v = api.deadline_rule("TX", "initial-evaluation").current
    assert (v.count, v.unit) == (45, "school-days")
    assert v.extend_for_absences.at_least == 3
    near = v.near_school_year_end
    assert (near.at_least, near.fewer_than, near.month, near.day) == (35, 45, 6, 30)
    assert near.unless_absences == 3
    assert any("29.004(a-1)" in str(c) for c in v.cite)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_texas_scenario(path):
    assert check_scenario(path) == []


def test_texas_writes_only_what_differs_from_the_federal_layer():
    rule = api.deadline_rule
    assert rule("TX", "due-process-limit").origin == "TX" and not rule("TX", "due-process-limit").amended
    assert rule("TX", "reevaluation").origin == "federal"
    civil = rule("TX", "civil-action-limit")
    assert civil.origin == "TX" and civil.amended and not civil.current.verified
    assert rule("TX", "evidence-disclosure").amended
    assert any("89.1180(a)" in str(c) for c in rule("TX", "evidence-disclosure").current.cite)


def test_texas_processes_amend_the_federal_ones_and_add_state_iep_facilitation():
    procs = {p.id: p for p in api.processes("TX")}
    for pid in ("mediation", "state-complaint", "due-process"):
        assert procs[pid].origin == "TX" and procs[pid].amended, pid
    assert procs["iep-facilitation"].origin == "TX" and not procs["iep-facilitation"].amended
    assert "89.1197(e)(3)" in " ".join(str(c) for c in procs["iep-facilitation"].facts["timeline"].cite)
    assert any("89.1195(f)" in str(c) for s in procs["state-complaint"].steps for c in s.cite)
    assert "89.1185(i)" in " ".join(str(c) for c in procs["due-process"].facts["confidentiality"].cite)


def test_each_process_is_sent_to_its_own_tea_office():
    procs = {p.id: p for p in api.processes("TX")}
    contacts = {c.id: c for c in api.find_state("TX").contacts}
    assert procs["mediation"].send_to == procs["due-process"].send_to == "tea-legal"
    assert procs["state-complaint"].send_to == "tea-complaints"
    assert contacts["tea-legal"].email == "SE-Legal@tea.texas.gov"
    assert contacts["tea-complaints"].email == "spedcomplaints@tea.texas.gov"


def test_texas_only_clocks_the_reconsideration_and_the_facilitation_request():
    recon = api.deadline_rule("TX", "complaint-reconsideration").current
    assert (recon.trigger, recon.count, recon.unit) == ("state-complaint-decision-issued", 15, "calendar-days")
    fiep = api.deadline_rule("TX", "state-iep-facilitation-request").current
    assert (fiep.trigger, fiep.count, fiep.unit) == ("iep-meeting-no-agreement", 10, "calendar-days")
    assert "complaint-reconsideration" in {p.id: p for p in api.processes("TX")}["state-complaint"].deadline_rules
