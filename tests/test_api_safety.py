"""Issue #12 point 1: the library is as safe as the CLI. A letter whose filing limit has passed
is refused unless ``force=True``, and the error carries the rule, its last day and citations in
fields, in words that name no flag or file; the CLI adds its own hints on top."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from iepkit import api
from iepkit.errors import GuardRailError, InputError, MissingFieldsError

LATE = dt.date(2040, 1, 1)  # long after the example's violation: the complaint is time-barred


@pytest.fixture
def case(example_data):
    return api.parse_case(example_data, "case")


def test_render_letter_refuses_a_time_barred_complaint(case):
    with pytest.raises(GuardRailError) as info:
        api.render_letter("state-complaint", case=case, fmt="txt", date=LATE)
    err = info.value
    assert isinstance(err, InputError)
    assert err.letter_id == "state-complaint"
    assert err.rule_id == "state-complaint-limit"
    assert isinstance(err.last_day, dt.date) and err.last_day < LATE
    assert err.days_ago == (LATE - err.last_day).days
    assert err.citations and all("CFR" in c or "Code" in c or "§" in c for c in err.citations)
    assert err.label
    assert [p.kind for p in err.problems] == ["filing-limit"]
    text = str(err)
    assert "--force" not in text and "iepkit" not in text and "--" not in text
    assert err.last_day.isoformat() in text


@pytest.mark.parametrize("call", ["render_letter", "prepare_letter", "write_letter"])
def test_every_letter_call_is_guarded(case, call, tmp_path):
    args = {"render_letter": (("state-complaint",), {"fmt": "txt"}),
            "prepare_letter": (("state-complaint",), {}),
            "write_letter": ((tmp_path / "c.txt", "state-complaint"), {})}[call]
    with pytest.raises(GuardRailError):
        getattr(api, call)(*args[0], case=case, today=LATE, **args[1])
    assert not (tmp_path / "c.txt").exists()
    getattr(api, call)(*args[0], case=case, today=LATE, force=True, **args[1])


def test_force_writes_it_and_the_date_is_the_letters(case):
    text = api.render_letter("state-complaint", case=case, fmt="txt", date=LATE, force=True)
    assert "January 1, 2040" in text
    # today= is the same argument under its older name; two different dates are refused
    assert "January 1, 2040" in api.render_letter("state-complaint", case=case, fmt="txt", today=LATE, force=True)
    with pytest.raises(api.IepkitError):
        api.render_letter("state-complaint", case=case, fmt="txt", date=LATE, today=LATE.replace(day=2))


def test_a_letter_in_time_is_written_without_force(case):
    early = dt.date(2026, 11, 30)
    assert "Jordan" in api.render_letter("state-complaint", case=case, fmt="txt", date=early)


def test_missing_fields_are_an_input_error_with_problems(example_data):
    data = copy.deepcopy(example_data)
    del data["district"]["name"]
    with pytest.raises(InputError) as info:
        api.render_letter("mediation-request", case=api.parse_case(data), fmt="txt")
    err = info.value
    assert isinstance(err, MissingFieldsError)
    assert [(p.path, p.kind) for p in err.problems] == [("district.name", "missing-field")]
    assert "--blanks" not in str(err) and "case file" not in str(err)
    with pytest.warns(DeprecationWarning):
        assert [p for p, _ in err.missing] == ["district.name"]


def test_the_cli_adds_its_hints(example_data, write_case, cli):
    path = write_case(example_data)
    res = cli("letter", "state-complaint", "--case", str(path), "--format", "txt", "--date", LATE.isoformat())
    assert res.returncode == 2
    assert f"--explain state-complaint-limit" in res.stderr
    assert "add --force to write the letter anyway" in res.stderr
    res = cli("letter", "state-complaint", "--case", str(path), "--format", "txt", "--date", LATE.isoformat(),
              "--force")
    assert res.returncode == 0, res.stderr
    assert "because of --force" in res.stderr
    data = copy.deepcopy(example_data)
    del data["district"]["name"]
    res = cli("letter", "mediation-request", "--case", str(write_case(data, "m.yaml")), "--format", "txt")
    assert res.returncode == 2
    assert "or use --blanks" in res.stderr
