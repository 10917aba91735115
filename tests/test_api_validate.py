"""Issue #12 point 2: one way to validate. ``api.validate`` returns every problem a later call
would raise as Problem items; one exception family, exported, with ``.problems`` everywhere;
messages name no file or command (the CLI adds those)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from iepkit import api, errors


def test_three_mistakes_are_three_problems(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"          # not a real date
    data["events"].append({"type": "made-up-event", "date": "2026-01-05"})  # unknown event type
    del data["district"]["name"]                              # a field the letter needs
    problems = api.validate(data, letter="mediation-request")
    assert all(isinstance(p, api.Problem) for p in problems)
    paths = [p.path for p in problems]
    assert "student.date_of_birth" in paths
    assert any(p.startswith("events[") and p.endswith(".type") for p in paths)
    assert "district.name" in paths
    assert len(problems) == 3
    for p in problems:
        assert "--" not in p.message and "examples/" not in p.message and ".yaml" not in p.message


def test_a_good_case_has_no_problems(example_data):
    assert api.validate(example_data) == []
    assert api.validate(example_data, letter="mediation-request", today=dt.date(2026, 11, 30)) == []


def test_filing_limits_count(example_data):
    problems = api.validate(example_data, letter="state-complaint", today=dt.date(2040, 1, 1))
    assert [p.kind for p in problems] == ["filing-limit"]
    assert "state-complaint-limit" in problems[0].message


def test_every_problem_a_later_call_raises_validate_finds(example_data):
    """What parse_case or render_letter raise, validate returns: the same paths."""
    data = copy.deepcopy(example_data)
    data["events"].append({"type": "made-up-event", "date": "2026-01-05"})
    with pytest.raises(api.InputError) as info:
        api.parse_case(data)  # parse_case catches an unknown event type, not only deadlines()
    assert [p.path for p in info.value.problems] == [p.path for p in api.validate(data)]


def test_state_argument(example_data):
    data = {k: v for k, v in example_data.items() if k != "state"}
    assert api.validate(data, state="MS") == []
    assert [p.path for p in api.validate(example_data, state="TX")] == ["state"]
    with pytest.raises(api.UnknownChoiceError):
        api.validate(example_data, state="Atlantis")
    with pytest.raises(api.UnknownChoiceError):
        api.validate(example_data, letter="no-such-letter")


def test_not_a_mapping_is_a_problem_not_a_crash():
    problems = api.validate(["not", "a", "case"])
    assert problems and all(isinstance(p, api.Problem) for p in problems)


def test_one_exception_family_exported():
    for name in ("InputError", "MissingFieldsError", "GuardRailError", "Problem"):
        assert getattr(api, name) is getattr(errors, name)
        assert name in api.__all__
    assert issubclass(api.MissingFieldsError, api.InputError)
    assert issubclass(api.GuardRailError, api.InputError)
    assert issubclass(api.InputError, api.IepkitError)
    assert api.Problem("a", "b") == api.Problem("a", "b", "missing-field")  # kind is not compared


def test_api_messages_name_no_flag(example_data, tmp_path):
    """load_case_for_letter used to end with "or use --blanks": that hint is the CLI's now."""
    import yaml
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"
    del data["district"]["name"]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(api.InputError) as info:
        api.load_case_for_letter(path, "mediation-request")
    assert "--blanks" not in str(info.value)
    assert {p.kind for p in info.value.problems} == {"", "missing-field"}


def test_state_errors_name_no_flag_but_the_cli_adds_it(example_data, cli):
    case = api.parse_case(example_data, "case")
    with pytest.raises(api.IepkitError) as info:
        api.resolve_state("TX", case)
    assert "--state" not in str(info.value)
    assert info.value.cli_hint  # the CLI's words, kept apart
    res = cli("letter", "mediation-request", "--format", "txt")
    assert res.returncode == 2
    assert "Name one with --state" in res.stderr
