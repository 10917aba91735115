"""A case file with problems: every problem reported at once, by field path, exit 2, no file."""
from __future__ import annotations

import copy

import pytest

from iepkit import api
from iepkit.errors import InputError, MissingFieldsError


def test_example_case_loads(example_path):
    case = api.load_case(example_path)
    assert case.get("student.name") == "Jordan Avery Rivers"
    assert case.get("parents[0].phone") == "(601) 555-0142"   # normalised
    assert str(case.get("student.date_of_birth")) == "2017-04-12"


def _three_errors(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"             # impossible date
    data["parents"][0]["email"] = "dana at example dot com"     # not an email
    data["dispute"]["issue_types"] = ["speech"]                 # unknown issue type
    return data


def test_three_errors_reported_together_with_paths(example_data, write_case, cli, tmp_path):
    path = write_case(_three_errors(example_data))
    out = tmp_path / "letter.pdf"
    result = cli("letter", "mediation-request", "--case", str(path), "-o", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "has 3 problems" in result.stderr
    assert "student.date_of_birth: is not a real date" in result.stderr
    assert "parents[0].email: expected an email address" in result.stderr
    assert "dispute.issue_types[0]: expected one of: service-amount" in result.stderr
    assert str(path) in result.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".letter.pdf.*")) == []


def test_errors_do_not_echo_the_childs_data(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "April 12th 2017"
    data["parents"][0]["phone"] = "call me maybe 12"
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    message = str(info.value)
    assert "April 12th" not in message and "call me maybe" not in message
    assert "student.date_of_birth" in message and "parents[0].phone" in message


def test_unknown_field_is_an_error_not_silently_dropped(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["birthday"] = "2017-04-12"
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    assert "student.birthday: is not a known field; expected one of: name, date_of_birth" in str(info.value)


@pytest.mark.parametrize("text, expected", [
    ("state: MS\nstudent: [unclosed\n", "not valid YAML at line 3"),
    ("", "the file is empty"),
    ("- just\n- a list\n", "expected a set of 'key: value' lines"),
    ("state: MS\nstate: AL\n", "the key 'state' appears twice"),
])
def test_malformed_files(tmp_path, cli, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("letter", "mediation-request", "--case", str(path), "--format", "txt")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file_and_missing_state(tmp_path, cli):
    result = cli("letter", "mediation-request", "--case", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "file not found" in result.stderr
    path = tmp_path / "nostate.yaml"
    path.write_text("student:\n  name: A B\n", encoding="utf-8")
    result = cli("letter", "mediation-request", "--case", str(path), "--format", "txt")
    assert result.returncode == 2 and "state: is missing" in result.stderr


def test_missing_required_fields_listed_all_at_once(example_data, write_case, cli, tmp_path):
    data = copy.deepcopy(example_data)
    del data["student"]["school"]
    del data["parents"][0]["phone"]
    del data["dispute"]["proposed_resolution"]
    path = write_case(data)
    out = tmp_path / "complaint.pdf"
    result = cli("letter", "state-complaint", "--case", str(path), "-o", str(out), "--date", "2026-11-29")
    assert result.returncode == 2
    for field in ("student.school", "parents[0].phone", "dispute.proposed_resolution"):
        assert field in result.stderr
    assert "--blanks" in result.stderr
    assert not out.exists()


def test_blanks_leaves_fill_in_lines(example_data, write_case, cli):
    data = copy.deepcopy(example_data)
    del data["student"]["school"]
    result = cli("letter", "state-complaint", "--case", str(write_case(data)), "--format", "txt", "--blanks",
                 "--date", "2026-11-29")
    assert result.returncode == 0, result.stderr
    assert "School: ________________________ (the school the student attends)" in result.stdout
    assert "left as blank lines" in result.stderr


def test_missing_fields_error_type(example_data):
    data = copy.deepcopy(example_data)
    del data["district"]
    case = api.parse_case(data, "case.yaml")
    with pytest.raises(MissingFieldsError) as info:
        api.render_letter("due-process-complaint", case=case, fmt="txt")
    paths = [p for p, _ in info.value.missing]
    assert sorted(paths) == ["district.address", "district.name", "district.special_education_director"]
