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
    ("state: MS\nstudent: [unclosed\n", "bad.yaml, line 2 (the 'student' field): a list that opens with [ is never closed"),
    ("", "the file is empty"),
    ("- just\n- a list\n", "expected a set of 'key: value' lines"),
    ("state: MS\nstate: AL\n", "bad.yaml, line 2 (the 'state' field): the field is written twice"),
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
    paths = [p.path for p in info.value.problems]
    assert sorted(paths) == ["district.address", "district.name", "district.special_education_director"]


# -- YAML mistakes people make by hand, in plain words (#7 point 8) ---------------------------

CASE_TOP = "state: MS\nstudent:\n  name: Jordan Rivers\n"
YAML_MISTAKES = [
    # (what the parent typed, where the message points, what it says)
    (CASE_TOP + "\tgrade: 3\n", "line 4:", "this line starts with a tab; YAML allows only spaces: replace the tab"),
    (CASE_TOP + "    grade: 3\n", "line 4 (the 'grade' field):",
     "the spaces at the start of this line do not line up with the lines around it. Check the indentation"),
    (CASE_TOP + " grade: 3\n", "line 4 (the 'grade' field):",
     "the spaces at the start of this line do not line up"),
    ("state: MS\nstudent:\n  name:Jordan Rivers\n  grade: 3\n", "line 3 (the 'name' field):",
     "put a space after the colon"),
    ("state: MS\ndispute:\n  summary: \"Jordan has had no therapy\n  requested: therapy\n",
     "line 3 (the 'summary' field):", "a value starts with a quote mark that is never closed"),
    ("state: MS\ndispute:\n  summary: Note: Jordan has had no therapy\n", "line 3 (the 'summary' field):",
     "the value holds a colon followed by a space"),
    ("state: MS\ndispute:\n  summary: 'Jordan's therapy stopped'\n", "line 3 (the 'summary' field):",
     "more text follows a closing quote mark"),
    ("state: MS\nstudent:\n  name: Jordan Rivers\n  name: Jordan Rivers\n", "line 4 (the 'name' field):",
     "the field is written twice in the same place"),
    ("state: MS\nstudent:\n  name: Jordan\x00 Rivers\n", "line 3:", "this line holds an invisible control character"),
]


@pytest.mark.parametrize("text, where, says", YAML_MISTAKES)
def test_yaml_mistakes_are_told_in_plain_words(tmp_path, cli, text, where, says):
    path = tmp_path / "my-case.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("deadlines", "--case", str(path))
    assert result.returncode == 2, result.stderr
    assert f"my-case.yaml, {where} {says}" in result.stderr
    assert "Traceback" not in result.stderr
    # No parser jargon, and never the child's data: the line itself is not printed.
    for jargon in ("<block", "token", "scalar", "mapping"):
        assert jargon not in result.stderr
    assert "Jordan" not in result.stderr and "therapy" not in result.stderr


def test_a_misspelled_key_is_not_named_as_a_field_on_a_yaml_error(tmp_path, cli):
    # Only field names a case uses may appear in a message: other text before a colon may be data.
    path = tmp_path / "case.yaml"
    path.write_text("state: MS\nstudent:\n  name: A\n    Jordan: 3\n", encoding="utf-8")
    result = cli("deadlines", "--case", str(path))
    assert result.returncode == 2
    assert "case.yaml, line 4: the spaces at the start of this line" in result.stderr
    assert "Jordan" not in result.stderr


# -- every problem in one message, and suggestions (#7 points 6 and 7) ------------------------

def test_every_problem_a_letter_would_meet_comes_in_one_message(example_data, write_case, cli, tmp_path):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"                    # impossible date
    data["events"][1]["type"] = "violation-occured"                    # misspelled event type
    del data["student"]["school"]                                      # the letter needs these
    del data["dispute"]["proposed_resolution"]
    path = write_case(data)
    out = tmp_path / "complaint.pdf"
    result = cli("letter", "state-complaint", "--case", str(path), "-o", str(out), "--date", "2026-11-29")
    assert result.returncode == 2, result.stderr
    err = result.stderr
    assert "has 4 problems" in err
    assert "student.date_of_birth: is not a real date" in err
    assert "events[1].type: is not a known event type; did you mean violation-occurred?" in err
    assert "student.school: is missing; the state-complaint letter needs the school the student attends" in err
    assert "dispute.proposed_resolution: is missing" in err
    assert "--blanks" in err
    assert "violation-occured" not in err          # what was typed is not echoed, only the valid id
    assert not out.exists()


def test_a_misspelled_state_and_the_letters_missing_fields_come_together(example_data, write_case, cli):
    data = copy.deepcopy(example_data)
    data["state"] = "Missisippi"
    del data["student"]["school"]
    # With one state installed the letter is known even though the state is misspelled.
    result = cli("letter", "state-complaint", "--case", str(write_case(data)), "--format", "txt",
                 env={"IEPKIT_LOAD_PLUGINS": "mississippi"})
    assert result.returncode == 2
    assert "has 2 problems" in result.stderr
    assert "state: is not a state iepkit has installed; expected one of: MS (Mississippi). " \
           "Did you mean Mississippi?" in result.stderr
    assert "student.school: is missing; the state-complaint letter needs" in result.stderr
    assert "Missisippi" not in result.stderr and result.stdout == ""


def test_with_blanks_only_the_case_problems_stop_the_letter(example_data, write_case, cli):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = "2017-02-30"
    del data["student"]["school"]
    result = cli("letter", "state-complaint", "--case", str(write_case(data)), "--blanks", "--format", "txt")
    assert result.returncode == 2
    assert "student.date_of_birth: is not a real date" in result.stderr
    assert "student.school" not in result.stderr


def _bad_event_type_case(example_data, write_case):
    data = copy.deepcopy(example_data)
    data["events"][0]["type"] = "iep-meting-held"
    return write_case(data)


def test_every_command_rejects_an_unknown_event_type_the_same_way(example_data, write_case, cli, tmp_path):
    path = _bad_event_type_case(example_data, write_case)
    expected = (f"error: {path}: events[0].type: is not a known event type; did you mean iep-meeting-held? "
                "Expected one of: evaluation-requested")
    messages = []
    for args in (["letter", "mediation-request", "--format", "txt"], ["deadlines"], ["recommend"],
                 ["kit", "-o", str(tmp_path / "kit.pdf")]):
        result = cli(*args, "--case", str(path))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith(expected), (args, result.stderr)
        assert result.stdout == ""
        messages.append(result.stderr)
    assert len(set(messages)) == 1, messages
    assert not (tmp_path / "kit.pdf").exists()


@pytest.mark.parametrize("state, suggestion", [("Missisippi", "Did you mean Mississippi?"),
                                                ("ms ", None), ("Alabama", "")])
def test_the_state_is_checked_when_the_case_loads(example_data, state, suggestion):
    data = copy.deepcopy(example_data)
    data["state"] = state
    if suggestion is None:
        assert api.parse_case(data, "case.yaml").state.strip().upper() == "MS"
        return
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    message = str(info.value)
    installed = ", ".join(f"{st.code} ({st.name})" for st in api.states())
    assert f"case.yaml: state: is not a state iepkit has installed; expected one of: {installed}." in message
    assert suggestion in message
    assert state not in message


@pytest.mark.parametrize("where, typed, suggestion", [
    (("dispute", "issue_types"), ["servics-not-delivered"], "did you mean services-not-delivered?"),
    (("answers", "relationship"), "strainde", "did you mean strained?"),
    (("student", "date_of_brith"), "2017-04-12", "Did you mean date_of_birth?"),
])
def test_a_misspelled_choice_gets_the_nearest_valid_one(example_data, where, typed, suggestion):
    data = copy.deepcopy(example_data)
    data[where[0]][where[1]] = typed
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    assert suggestion in str(info.value)


def test_choices_accept_any_letter_case(example_data):
    data = copy.deepcopy(example_data)
    data["answers"]["relationship"] = "Strained"
    data["events"][0]["type"] = "IEP-Meeting-Held"
    case = api.parse_case(data, "case.yaml")
    assert case.get("answers.relationship") == "strained"
    assert case.events()[0]["type"] == "iep-meeting-held"


# -- values no family could mean (#7 point 9) --------------------------------------------------

def _years_from_today(years: int, days: int = 0) -> str:
    """A date relative to the real today (what the checks measure from), as YYYY-MM-DD."""
    import datetime as dt
    today = dt.date.today()
    try:
        day = today.replace(year=today.year + years)
    except ValueError:  # Feb 29
        day = today.replace(year=today.year + years, day=28)
    return (day + dt.timedelta(days=days)).isoformat()


@pytest.mark.parametrize("birth, problem", [
    ("2099-04-12", "student.date_of_birth: is in the future; expected a date of birth in the past 30 years"),
    (_years_from_today(0, days=1), "student.date_of_birth: is in the future"),
    ("1950-04-12", "student.date_of_birth: is more than 30 years ago"),
])
def test_an_impossible_date_of_birth_is_refused(example_data, write_case, cli, birth, problem):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = birth
    result = cli("letter", "state-complaint", "--case", str(write_case(data)), "--format", "txt")
    assert result.returncode == 2
    assert problem in result.stderr
    assert birth not in result.stderr
    assert result.stdout == ""


def test_a_plausible_date_of_birth_is_accepted(example_data):
    data = copy.deepcopy(example_data)
    data["student"]["date_of_birth"] = _years_from_today(-29)
    assert api.parse_case(data, "case.yaml").get("student.date_of_birth").isoformat() == _years_from_today(-29)


@pytest.mark.parametrize("day, ok", [
    ("2099-01-19", False), ("1900-01-19", False), (_years_from_today(-31), False), (_years_from_today(3), False),
    (_years_from_today(1), True), (_years_from_today(-29), True),
])
def test_event_dates_must_be_near_today(example_data, day, ok):
    data = copy.deepcopy(example_data)
    data["events"].append({"type": "hearing-scheduled", "date": day})
    if ok:
        assert api.parse_case(data, "case.yaml").events()[-1]["date"].isoformat() == day
        return
    with pytest.raises(InputError) as info:
        api.parse_case(data, "case.yaml")
    message = str(info.value)
    assert f"events[{len(data['events']) - 1}].date: is more than" in message
    assert "expected a date within the last 30 years or the next 2 years. Check the year." in message
    assert day not in message


def test_dates_in_an_answers_file_are_checked_too(tmp_path, cli):
    path = tmp_path / "answers.yaml"
    path.write_text("issues: [placement]\nschool_willing_to_talk: yes\nrelationship: working\n"
                    "bad_faith_evidence: no\nwant_formal_finding: no\nviolation_date: 2099-09-08\n", encoding="utf-8")
    result = cli("recommend", "--state", "MS", "--answers", str(path))
    assert result.returncode == 2
    assert "violation_date: is more than 2 years ahead" in result.stderr


@pytest.mark.parametrize("args, suggestion", [
    (["letter", "state-complant", "--state", "MS", "--format", "txt"], "Did you mean state-complaint?"),
    (["letters", "--state", "Missisippi"], "Did you mean MS?"),
])
def test_a_misspelled_name_on_the_command_line_gets_the_nearest_valid_one(cli, args, suggestion):
    result = cli(*args)
    assert result.returncode == 2
    assert suggestion in result.stderr
