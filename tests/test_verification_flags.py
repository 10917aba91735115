"""Mississippi's verified and unverified flags follow the fact sheet's newest check.

The expected flags come from /work/shared/reference/domain-facts.md, section G
(the third verification pass, which wins over older sections) and the federal
facts marked [V] in sections A and F. [V] is settled and shown without a flag;
[P] (partial) and [NF] (not found) ship marked unverified, or not at all. Each
test names the row it restates, so a change to the data must answer to it.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from iepkit import api
from iepkit.case import parse_case

from deadline_support import ms_registry
from test_federal_letters import WHOLE_FEDERAL_LETTERS

TODAY = dt.date(2026, 12, 1)
#: MDE Office of Special Education numbers found only on 2012-2015 pages. G: "[NF]
#: only 2013 values found: do not ship them". Matched on their digits, in any format.
OLD_OSE_NUMBERS = ("6013593498", "8775440408", "6013591829")
BPES = "Bureau of Parent Engagement and Support"


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def _rules():
    return {r.id: r for r in api.deadline_rules("MS")}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _state():
    return api.find_state("MS")


# -- deadline rules ---------------------------------------------------------------------


def test_federal_45_day_records_rule_reads_as_verified():
    """A6 [V]: 300.613(a) binds every state; no shorter Mississippi rule was found."""
    rule = _rules()["records-access"]
    assert rule.current.verified is True
    assert "34 CFR 300.613(a)" in rule.current.citations
    assert "no shorter Mississippi rule was found" in " ".join(rule.current.note.split())


def test_records_rule_calendar_title_has_no_unverified_mark():
    case = parse_case({"state": "MS", "events": [{"type": "records-requested", "date": dt.date(2026, 11, 20)},
                                                 {"type": "violation-known", "date": dt.date(2026, 9, 15)}]})
    report = api.deadlines(case, today=TODAY)
    cal = Calendar.from_ical(api.deadlines_ics(report.deadlines))
    titles = {str(e.get("summary")) for e in cal.walk("VEVENT")}
    records = [t for t in titles if "records" in t]
    assert records and all("[Unverified]" not in t for t in records), titles
    # The state's own due process limit is still not confirmed, and says so.
    assert any("[Unverified]" in t and "due process" in t for t in titles), titles


@pytest.mark.parametrize("rule_id, verified", [
    ("met-meeting", True),            # G [V]: 34-D-300.301(b), 14 days
    ("evaluation-pwn", True),         # G [V]: 34-D-300.301(b), 7 days after the MET meeting
    ("initial-evaluation", False),    # G [NF]: 34-D-300.301(c) 60 days and any break rule
    ("records-access", True),         # A6 [V]
    ("state-complaint-limit", True),  # A1 [V]: 300.153(c)
    ("due-process-limit", False),     # G [NF]: no Mississippi limit found; federal default 2 years
    ("civil-action-limit", False),    # G [NF]: federal default 90 days
    ("ocr-complaint-limit", False),   # A10 [S] only
])
def test_rule_flags_follow_section_g(rule_id, verified):
    assert _rules()[rule_id].current.verified is verified


def test_no_break_rule_and_no_weekend_roll_forward():
    """G: encode no school-break rule for 34-D-300.301(c); § 1-3-67 is a caution, not applied."""
    rules = _rules()
    assert rules["initial-evaluation"].current.unit == "calendar-days"
    assert not any(v.roll_forward for r in rules.values() for v in r.versions)
    for rid in ("due-process-limit", "civil-action-limit"):
        assert "Miss. Code Ann. § 1-3-67" in " ".join(rules[rid].current.note.split()), rid


# -- contacts and the agency -------------------------------------------------------------


def test_old_ose_phone_and_fax_numbers_are_not_shipped():
    st = _state()
    for c in st.contacts:
        for value in (c.phone, c.toll_free, c.fax):
            assert not value or _digits(value) not in OLD_OSE_NUMBERS, c.id
    ose = next(c for c in st.contacts if c.id == "mde-ose")
    assert not (ose.phone or ose.toll_free or ose.fax or ose.email)
    # It says where to find current numbers instead.
    assert "mdek12.org/directory" in ose.note and not ose.verified


def test_no_output_shows_an_old_ose_number():
    case = api.load_case("examples/mississippi-case.yaml")
    outputs = {"kit (blank)": api.render_kit(state="MS", fmt="html", today=TODAY),
               "kit (filled)": api.render_kit(case=case, fmt="html", today=TODAY)}
    for letter in api.letters("MS"):
        outputs[letter.id] = api.render_letter(letter.id, state="MS", fmt="txt", today=TODAY)
    outputs["processes"] = str(api.to_jsonable(api.processes("MS")))
    outputs["states"] = str(api.to_jsonable(api.states()))
    for name, text in outputs.items():
        digits = _digits(text)
        for number in OLD_OSE_NUMBERS:
            assert number not in digits, f"{name} shows {number}"


@pytest.mark.parametrize("contact_id", ["mde", "mde-ose", "mspti", "drms"])
def test_partial_contacts_are_marked_unverified(contact_id):
    """G [P]: MDE's address and general line (a 2025 page footer), MSPTI's website, DRMS."""
    contact = next(c for c in _state().contacts if c.id == contact_id)
    assert contact.verified is False and contact.note


def test_agency_mailing_address_is_unverified_on_the_notes_page():
    """G [P]: the mailing address; the notes page of every letter for one of the state's processes says so
    (the records request goes to the district alone, so the agency's address plays no part in it)."""
    assert _state().agency.verified is False
    assert [x.id for x in api.letters("MS") if not x.process] == list(WHOLE_FEDERAL_LETTERS)
    for letter in (x for x in api.letters("MS") if x.process):
        text = " ".join(api.render_letter(letter.id, state="MS", fmt="txt", today=TODAY).split())
        assert "The mailing address of the MDE Office of Special Education" in text, letter.id


# -- BPES, mediation and complaints -----------------------------------------------------------


def test_bpes_is_named_where_mediation_requests_and_complaints_are_described():
    """G [V]: BPES supplies the model form and assigns mediators; BPES investigators
    investigate state complaints."""
    procs = {p.id: p for p in api.processes("MS")}
    mediation = " ".join(s.text for s in procs["mediation"].steps)
    assert BPES in mediation and "both" in mediation and "signed" in mediation
    assert BPES in procs["state-complaint"].facts["who_decides"].text
    ose = next(c for c in _state().contacts if c.id == "mde-ose")
    assert BPES in ose.purpose
    for letter_id in ("mediation-request", "state-complaint"):
        text = " ".join(api.render_letter(letter_id, state="MS", fmt="txt", today=TODAY).split())
        assert BPES in text, letter_id


def test_mediation_request_needs_both_signatures():
    """G [V]: the request must carry both parties' signatures before a mediator is assigned."""
    letter = next(x for x in api.letters("MS") if x.id == "mediation-request")
    both = next(e for e in letter.elements if e.id == "both-agree")
    assert both.verified and both.phrase == "For the school district"
    assert any("signed by both sides" in n.text and n.verified for n in letter.notes)


def test_iep_facilitation_offered_is_verified_but_its_details_are_not():
    """G: MDE offers IEP facilitation [V]; free, Bureau of Special Projects, written
    consent and 10 days ahead are only [P]."""
    fac = {p.id: p for p in api.processes("MS")}["iep-facilitation"]
    assert fac.facts["who_can_file"].verified and "both agree" in fac.facts["who_can_file"].text
    assert not fac.facts["cost"].verified and not fac.facts["timeline"].verified
    details = [s for s in fac.steps if "Bureau of Special Projects" in s.text]
    assert details and all(not s.verified for s in details)
    assert "10 days" in details[0].text and "writing" in details[0].text


def test_mediation_and_hearings_cite_the_right_mississippi_statutes():
    """G: § 37-23-137 is not about mediation or hearings; cite § 37-23-141 and § 37-23-143."""
    cites = []
    for p in api.processes("MS"):
        for st in list(p.facts.values()) + list(p.steps):
            cites += [c.ref for c in st.cite]
    for letter in api.letters("MS"):
        for part in list(letter.elements) + list(letter.notes):
            cites += [c.ref for c in part.cite]
    joined = " | ".join(cites)
    assert "37-23-137" not in joined
    assert "Miss. Code Ann. § 37-23-141" in joined and "Miss. Code Ann. § 37-23-143" in joined
