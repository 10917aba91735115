"""The core carries no state's words: shared ids, messages and templates take them from the state (#8 point 5)."""
from __future__ import annotations

import datetime as dt

import pytest

from iepkit import api
from iepkit.events import EVENT_ALIASES, EVENT_TYPES, EVENT_WORDS, canonical_event

from deadline_support import ms_registry

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def ms():
    yield from ms_registry()


def test_the_evaluation_meeting_event_has_a_neutral_id():
    assert "evaluation-meeting-held" in EVENT_TYPES and "evaluation-meeting-held" in EVENT_WORDS
    assert "met-meeting-held" not in EVENT_TYPES  # the old id is only an alias
    assert canonical_event("met-meeting-held") == "evaluation-meeting-held"
    # Every alias leads to a current id, so nothing loads as an unknown event.
    assert set(EVENT_ALIASES.values()) <= set(EVENT_TYPES)


@pytest.mark.parametrize("written", ["met-meeting-held", "MET-Meeting-Held", "evaluation-meeting-held"])
def test_an_old_case_file_with_the_old_event_id_still_works(ms, write_case, written):
    path = write_case({"state": "MS", "events": [{"type": written, "date": "2026-11-20"}]})
    case = api.load_case(path, today=TODAY)
    assert case.events()[0]["type"] == "evaluation-meeting-held"  # normalised when loading
    found = api.deadlines(case, today=TODAY).get("evaluation-pwn")
    assert found is not None and found.due == dt.date(2026, 11, 27)


def test_the_deadline_engine_takes_the_old_id_from_api_callers(ms):
    from iepkit.deadlines import latest_events

    assert set(latest_events([{"type": "met-meeting-held", "date": TODAY}], "x")) == {"evaluation-meeting-held"}


def test_the_mississippi_rule_counts_from_the_new_id(ms):
    assert api.deadline_rule("MS", "evaluation-pwn").trigger == "evaluation-meeting-held"


def test_plugin_yaml_with_the_old_trigger_id_still_loads(tmp_path):
    from iepkit import schema as s
    from iepkit.statedata import DEADLINE_SCHEMA

    value, problems = s.check(DEADLINE_SCHEMA, [{
        "id": "a-rule", "label": "A rule", "trigger": "met-meeting-held", "count": 7, "unit": "calendar-days",
        "cite": ["34 CFR 300.503"], "last_reviewed": "2026-11-29", "note": "A note long enough to read."}])
    assert not problems, problems
    assert value[0]["trigger"] == "evaluation-meeting-held"


def test_an_unknown_event_id_is_still_refused_without_listing_the_old_one(write_case, ms):
    from iepkit.errors import InputError

    path = write_case({"state": "MS", "events": [{"type": "met-meting-held", "date": "2026-11-20"}]})
    with pytest.raises(InputError) as err:
        api.load_case(path, today=TODAY)
    text = str(err.value)
    assert "events[0].type" in text and "evaluation-meeting-held" in text
    assert "met-meeting-held" not in text.replace("met-meting-held", "")
