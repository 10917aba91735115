"""A date is typed once: the case's events are the letters' timeline and the deadlines' start (#7 point 10)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from iepkit import api
from iepkit.errors import InputError
from iepkit.events import EVENT_TYPES
from iepkit.testing import normalise


def _one_event_case(example_data: dict, day: str) -> dict:
    data = copy.deepcopy(example_data)
    data["events"] = [{"date": day, "type": "violation-occurred",
                       "what": "Speech therapy stopped and has not started again."}]
    return data


@pytest.mark.parametrize("day, letter_day, due", [
    # One year after the violation (34 CFR 300.153(c)), counted by hand.
    ("2026-09-08", "September 8, 2026", dt.date(2027, 9, 8)),
    ("2026-10-01", "October 1, 2026", dt.date(2027, 10, 1)),
])
def test_one_event_gives_the_letter_line_and_the_deadline(example_data, day, letter_day, due):
    case = api.parse_case(_one_event_case(example_data, day), "case.yaml")
    letter = normalise(api.render_letter("state-complaint", case=case, fmt="txt", today=dt.date(2026, 11, 29)))
    assert f"What happened, in order: - {letter_day}: Speech therapy stopped and has not started again." in letter
    found = api.deadlines(case, today=dt.date(2026, 11, 29)).get("state-complaint-limit")
    assert found is not None and found.trigger_date == dt.date.fromisoformat(day)
    assert found.due == due
    # The letter's one-year statement uses the same date.
    assert f"happened within the past year, on or about {letter_day}" in letter


def test_changing_the_one_date_changes_the_letter_and_the_deadline_together(example_data, write_case, cli):
    outputs = []
    for day in ("2026-01-10", "2026-10-01"):
        path = write_case(_one_event_case(example_data, day), name=f"case-{day}.yaml")
        letter = cli("letter", "state-complaint", "--case", str(path), "--format", "txt", "--date", "2026-11-29",
                     "--force")
        deadlines = cli("deadlines", "--case", str(path), "--today", "2026-11-29", "--json")
        assert letter.returncode == 0 and deadlines.returncode == 0, letter.stderr + deadlines.stderr
        import json
        limit = next(d for d in json.loads(deadlines.stdout) if d["rule"] == "state-complaint-limit")
        outputs.append((normalise(letter.stdout), limit["trigger_date"], limit["due"]))
    (first, t1, due1), (second, t2, due2) = outputs
    assert "January 10, 2026: Speech therapy stopped" in first and (t1, due1) == ("2026-01-10", "2027-01-10")
    assert "October 1, 2026: Speech therapy stopped" in second and (t2, due2) == ("2026-10-01", "2027-10-01")
    assert "October 1, 2026: Speech therapy" not in first and "January 10, 2026: Speech therapy" not in second


def test_letters_list_every_event_in_date_order_with_plain_words_for_a_type(example_data):
    data = copy.deepcopy(example_data)
    data["events"] = [
        {"date": "2026-10-06", "what": "The school offered 30 minutes a week."},   # no type: letters only
        {"date": "2026-08-20", "type": "iep-meeting-held"},                        # no what: plain words
        {"date": "2026-09-15", "type": "records-requested", "what": "I asked for Jordan's records."},
    ]
    case = api.parse_case(data, "case.yaml")
    letter = normalise(api.render_letter("due-process-complaint", case=case, fmt="txt", today=dt.date(2026, 11, 29)))
    expected = ("What happened, in order: - August 20, 2026: An IEP meeting was held. "
                "- September 15, 2026: I asked for Jordan's records. "
                "- October 6, 2026: The school offered 30 minutes a week.")
    assert expected in letter
    assert "iep-meeting-held" not in letter
    # The untyped entry starts no deadline and is not an error for the engine.
    report = api.deadlines(case, today=dt.date(2026, 11, 29))
    assert {d.trigger_date for d in report.deadlines if d.trigger_kind == "event"} <= {
        dt.date(2026, 8, 20), dt.date(2026, 9, 15)}


def test_every_event_type_has_plain_words_for_letters():
    from iepkit.events import EVENT_WORDS

    assert set(EVENT_TYPES) <= set(EVENT_WORDS)
    for words in EVENT_WORDS.values():
        assert words[0].isupper() and words.endswith(".") and "-" not in words


def test_key_dates_is_refused_with_what_to_do_instead(example_data):
    data = copy.deepcopy(example_data)
    data["dispute"]["key_dates"] = [{"date": "2026-01-10", "what": "I asked for Jordan's records."}]
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    message = str(info.value)
    assert "dispute.key_dates: is no longer used: each date is now written once, in the events list" in message
    assert "'what:'" in message and "'type:'" in message
    assert "Jordan" not in message and "2026-01-10" not in message


def test_an_event_needs_a_type_or_a_what(example_data):
    data = copy.deepcopy(example_data)
    data["events"].append({"date": "2026-10-20"})
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    assert f"events[{len(data['events']) - 1}]: needs a type" in str(info.value)


def test_the_examples_have_one_timeline(example_path):
    import yaml

    for path in (example_path, example_path.with_name("mississippi-due-process-case.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "key_dates" not in raw["dispute"]
        assert all("what" in e for e in raw["events"]), path


def test_the_deadline_engine_skips_entries_without_a_type():
    from iepkit.deadlines import latest_events

    events = [{"date": dt.date(2026, 10, 6), "what": "A meeting."},
              {"date": dt.date(2026, 9, 8), "type": "violation-occurred", "what": "Therapy stopped."}]
    assert latest_events(events, "case.yaml") == {"violation-occurred": (dt.date(2026, 9, 8), 1)}
