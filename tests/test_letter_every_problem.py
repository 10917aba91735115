"""`iepkit letter` reports every problem the letter would raise in one message.

An impossible date, the fields the letter needs and a filing limit that has
passed are all listed at once, so a parent fixes the case file in one go.
"""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from iepkit import api
from iepkit.errors import GuardRailError, InputError, MissingFieldsError

LATE = "2028-01-01"  # more than a year after the example's violation (34 CFR 300.153(c))


@pytest.fixture
def broken(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"
    del data["student"]["name"]
    del data["district"]["name"]
    return data


def _items(stderr: str) -> list[str]:
    return [line[4:] for line in stderr.splitlines() if line.startswith("  - ")]


def test_a_date_and_missing_fields_in_one_message(broken, write_case, cli):
    res = cli("letter", "mediation-request", "--case", str(write_case(broken)), "--format", "txt")
    assert res.returncode == 2
    assert "has 3 problems" in res.stderr
    items = _items(res.stderr)
    assert items[0].startswith("student.date_of_birth: is not a real date")
    assert "student.name: is missing; the mediation-request letter needs the student's full name" in items
    assert "district.name: is missing; the mediation-request letter needs the school district's name" in items
    assert res.stdout == ""


def test_a_passed_filing_limit_joins_the_other_problems(broken, write_case, cli):
    path = write_case(broken)
    res = cli("letter", "state-complaint", "--case", str(path), "--format", "txt", "--date", LATE)
    assert res.returncode == 2
    items = _items(res.stderr)
    assert len(items) == 4
    assert items[-1].startswith("the filing limit for the state-complaint letter has passed.")
    assert "(state-complaint-limit; 34 CFR 300.153(c)" in items[-1]
    assert "add --force to write the letter anyway" in res.stderr
    assert "use --blanks" in res.stderr
    # --force takes the limit out; the case's own problems stay.
    forced = cli("letter", "state-complaint", "--case", str(path), "--format", "txt", "--date", LATE, "--force")
    assert forced.returncode == 2
    assert len(_items(forced.stderr)) == 3 and "filing limit" not in forced.stderr


def test_missing_fields_and_a_passed_limit_without_other_problems(example_data, write_case, cli):
    data = copy.deepcopy(example_data)
    del data["district"]["name"]
    res = cli("letter", "state-complaint", "--case", str(write_case(data)), "--format", "txt", "--date", LATE)
    assert res.returncode == 2
    items = _items(res.stderr)
    assert items[0] == "district.name: is missing; the state-complaint letter needs the school district's name"
    assert items[1].startswith("the filing limit for the state-complaint letter has passed.")


def test_one_problem_alone_keeps_its_own_message(example_data, write_case):
    path = write_case(example_data)
    with pytest.raises(GuardRailError) as info:
        api.check_letter(path, "state-complaint", today=dt.date.fromisoformat(LATE))
    assert info.value.rule_id == "state-complaint-limit"  # the CLI adds "--explain state-complaint-limit"
    data = copy.deepcopy(example_data)
    del data["district"]["name"]
    with pytest.raises(MissingFieldsError):
        api.check_letter(write_case(data, "m.yaml"), "mediation-request")


def test_the_api_lists_every_problem(broken, write_case):
    with pytest.raises(InputError) as info:
        api.check_letter(write_case(broken), "state-complaint", today=dt.date.fromisoformat(LATE))
    paths = [p.path for p in info.value.problems]
    assert paths == ["student.date_of_birth", "student.name", "district.name", ""]
    with pytest.raises(InputError) as info:
        api.check_letter(write_case(broken), "state-complaint", today=dt.date.fromisoformat(LATE),
                         blanks=True, force=True)
    assert [p.path for p in info.value.problems] == ["student.date_of_birth"]


def test_blanks_leaves_only_the_case_s_own_problems(broken, write_case, cli):
    res = cli("letter", "mediation-request", "--case", str(write_case(broken)), "--format", "txt", "--blanks")
    assert res.returncode == 2
    assert res.stderr.startswith("error: ") and "student.date_of_birth: is not a real date" in res.stderr
    assert "is missing" not in res.stderr


def test_messages_name_fields_never_values(example_data, write_case, cli):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"
    data["parents"][0]["email"] = "dana.rivers-at-example"
    res = cli("letter", "state-complaint", "--case", str(write_case(data)), "--format", "txt", "--date", LATE)
    assert res.returncode == 2
    for value in ("2017-02-30", "dana.rivers-at-example", "Jordan", "Pine Hollow", "Cypress"):
        assert value not in res.stderr


def test_a_good_case_still_writes_its_letter_with_the_limit_note(example_data, write_case, cli):
    res = cli("letter", "state-complaint", "--case", str(write_case(example_data)), "--format", "txt",
              "--date", "2027-01-01")
    assert res.returncode == 0, res.stderr
    assert "Jordan Avery Rivers" in res.stdout
    assert "note: Last day MDE can receive your state complaint" in res.stderr
