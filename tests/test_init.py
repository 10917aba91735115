"""`iepkit init`: a case file made from questions (issue #10 section 2).

Each answer is checked as it is typed with the case file's own validators,
the review screen changes any answer, the file written loads cleanly and
holds exactly what was typed, and an interrupted run loses nothing.
"""
from __future__ import annotations

import datetime as _dt
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from iepkit import api
from iepkit import cli as cli_module
from iepkit import initcase
from iepkit import schema as s
from iepkit.case import CASE_SCHEMA, ISSUE_TYPES
from iepkit.events import EVENT_TYPES

from test_parent_facing_text import hits

TODAY = _dt.date.today()
BIRTH = TODAY.replace(year=TODAY.year - 9, day=1).isoformat()
EVENT_DAY = (TODAY - _dt.timedelta(days=60)).isoformat()
VIOLATION = list(EVENT_TYPES).index("violation-occurred") + 1


#: What a parent types for every question, in the order asked.
DEFAULTS = {
    "state": "ms", "name": "Jordan Avery Rivers", "birth": BIRTH, "grade": "3",
    "school": "Magnolia Grove Elementary School", "student_id": "MG-204518", "homeless": "n",
    "street": "123 Cypress Lane", "unit": "", "city": "Jackson", "addr_state": "", "zip": "39206",
    "parent": "Dana Rivers", "relationship": "mother", "same": "y",
    "phone": "601-555-0142", "email": "dana.rivers@example.com",
    "district": "Pine Hollow School District", "director": "Dr. Morgan Hale",
    "d_street": "400 Example Avenue", "d_unit": "Suite 2", "d_city": "Jackson", "d_state": "ms",
    "d_zip": "39202",
    "summary": "Speech therapy stopped in September.", "issues": "6, 1",
    "requested": "Speech therapy as written in the IEP.", "response": "The school has no therapist.",
    "resolution": "60 minutes a week and makeup sessions.", "placement": "General education 3rd grade.",
    "add1": "y", "type1": str(VIOLATION), "date1": EVENT_DAY, "what1": "Speech therapy stopped.",
    "add2": "y", "type2": "", "date2": TODAY.isoformat(), "what2": "I wrote to the principal.",
    "add3": "n",
    "willing": "y", "rel": "strained", "bad_faith": "n", "finding": "n", "urgent": "y",
    "review": "",
}


def answers(**changed: str) -> list[str]:
    """Lines a parent types for every question, in order; keyword names override one answer."""
    assert set(changed) <= set(DEFAULTS), set(changed) - set(DEFAULTS)
    return list({**DEFAULTS, **changed}.values())


def at(key: str) -> int:
    """Where a question's answer is in answers()."""
    return list(DEFAULTS).index(key)


@pytest.fixture
def terminal(monkeypatch):
    """Pretend a person is at a terminal, as the recommender's tests do; returns a runner."""
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)

    def typed(*args: str, lines: list[str], columns: int = 80):
        return CliRunner().invoke(cli_module.cli, ["init", *args], input="".join(x + "\n" for x in lines),
                                  env={"COLUMNS": str(columns)})
    return typed


def scripted(lines: list[str]):
    """An ask function that types the given lines and records each prompt; and a say that records."""
    prompts: list[str] = []
    said: list[str] = []
    feed = iter(lines)

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None
    return ask, said.append, prompts, said


def run(out: Path, lines: list[str], **kwargs):
    ask, say, prompts, said = scripted(lines)
    code = initcase.run_init(out, state=kwargs.pop("state", None), force=kwargs.pop("force", False),
                             interactive=True, ask=ask, say=say, **kwargs)
    return code, prompts, "\n".join(said)


def flat(text: str) -> str:
    """Printed text as one line: messages are wrapped to the terminal's width."""
    return " ".join(text.split())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- a whole run ---------------------------------------------------------------------

def test_a_full_run_writes_a_case_that_loads_cleanly_and_holds_every_answer(terminal, tmp_path):
    out = tmp_path / "my-case.yaml"
    result = terminal("-o", str(out), lines=answers())
    assert result.exit_code == 0, result.output
    case = api.load_case(out)  # no problems: it would raise
    assert case.state == "MS"
    assert case.get("student") == {
        "name": "Jordan Avery Rivers", "date_of_birth": _dt.date.fromisoformat(BIRTH), "grade": "3",
        "school": "Magnolia Grove Elementary School", "student_id": "MG-204518", "homeless": False,
        "address": {"street": "123 Cypress Lane", "city": "Jackson", "state": "MS", "zip": "39206"}}
    assert case.get("parents") == [{
        "name": "Dana Rivers", "relationship": "mother", "phone": "(601) 555-0142",
        "email": "dana.rivers@example.com",
        "address": {"street": "123 Cypress Lane", "city": "Jackson", "state": "MS", "zip": "39206"}}]
    assert case.get("district") == {
        "name": "Pine Hollow School District", "special_education_director": "Dr. Morgan Hale",
        "address": {"street": "400 Example Avenue", "unit": "Suite 2", "city": "Jackson", "state": "MS",
                    "zip": "39202"}}
    issues = list(ISSUE_TYPES)
    assert case.get("dispute") == {
        "summary": "Speech therapy stopped in September.", "issue_types": [issues[5], issues[0]],
        "requested": "Speech therapy as written in the IEP.", "school_response": "The school has no therapist.",
        "proposed_resolution": "60 minutes a week and makeup sessions.",
        "current_placement": "General education 3rd grade."}
    assert case.events() == [
        {"date": _dt.date.fromisoformat(EVENT_DAY), "type": "violation-occurred", "what": "Speech therapy stopped."},
        {"date": TODAY, "what": "I wrote to the principal."}]
    assert case.get("answers") == {"school_willing_to_talk": True, "relationship": "strained",
                                   "bad_faith_evidence": False, "want_formal_finding": False, "urgent": True}
    assert mode(out) == 0o600
    assert not initcase.progress_path(out).exists()


def test_the_file_starts_with_a_plain_header_and_reads_like_the_examples(tmp_path):
    out = tmp_path / "case.yaml"
    code, _, _ = run(out, answers())
    assert code == 0
    text = out.read_text("utf-8")
    assert text.startswith("# Your case file, made with iepkit init")
    assert "homeless: no\n" in text  # yes/no, as a parent would write it
    assert "\n  - date: " in text  # each event starts with its date, the list indented
    assert "&id" not in text and "*id" not in text  # the same address twice is written out, not aliased
    assert all(len(line) <= 80 for line in text.splitlines())  # readable in any editor


def test_state_given_on_the_command_line_is_not_asked(terminal, tmp_path):
    out = tmp_path / "case.yaml"
    result = terminal("--state", "Texas", "-o", str(out), lines=answers()[1:])
    assert result.exit_code == 0, result.output
    assert "Your state" not in result.output.split("CHECK YOUR ANSWERS")[0]
    assert api.load_case(out).state == "TX"


def test_an_unknown_state_on_the_command_line_stops_before_any_question(terminal, tmp_path):
    result = terminal("--state", "Atlantis", "-o", str(tmp_path / "c.yaml"), lines=answers())
    assert result.exit_code == 2
    assert "child" not in result.output.lower()
    assert not list(tmp_path.iterdir())


def test_skipped_questions_leave_their_fields_out(tmp_path):
    out = tmp_path / "case.yaml"
    # Everything optional skipped; without the child's street, the parent's own address is asked.
    lines = (["ms", "Jordan Avery Rivers"] + [""] * 6  # birth, grade, school, id, homeless, street
             + ["Dana Rivers"] + [""] * 7  # relationship, street, phone, email, district, director, street
             + ["", "6"] + [""] * 4  # summary, issues, requested, response, resolution, placement
             + ["n"] + [""] * 5 + [""])  # no dates, the recommender's questions, review
    code, prompts, said = run(out, lines)
    assert code == 0, said
    case = api.load_case(out)
    assert case.data == {"state": "MS", "student": {"name": "Jordan Avery Rivers"},
                         "parents": [{"name": "Dana Rivers"}], "dispute": {"issue_types": ["services-not-delivered"]}}
    assert not any("same as your child" in p for p in prompts)


# -- bad answers ------------------------------------------------------------------------

def _message(path: str, value: str) -> str:
    """The validator's own message for a value, as a case file with it gets."""
    _, problems = s.check(s.field_at(CASE_SCHEMA, path), value)
    assert problems, (path, value)
    return problems[0].message


@pytest.mark.parametrize("key,path,bad", [
    ("birth", "student.date_of_birth", "2017-02-30"),
    ("birth", "student.date_of_birth", "2099-01-01"),
    ("zip", "student.address.zip", "392O6"),
    ("email", "parents[0].email", "dana@example"),
    ("phone", "parents[0].phone", "601 55 0142"),
    ("date1", "events[0].date", "2026-13-01"),
])
def test_a_bad_answer_is_asked_again_with_the_validators_message(tmp_path, key, path, bad):
    lines = answers()
    i = at(key)
    lines[i:i + 1] = [bad, lines[i]]
    out = tmp_path / "case.yaml"
    code, prompts, said = run(out, lines)
    assert code == 0, said
    message = _message(path, bad)
    assert message.removeprefix("expected ") in flat(said)
    assert bad not in said.split("CHECK YOUR ANSWERS")[0]  # what was typed is never repeated
    assert prompts[i] == prompts[i + 1]  # the same question again
    assert api.load_case(out).get(path) is not None


def test_enter_on_a_needed_question_asks_again(tmp_path):
    lines = answers()
    lines.insert(1, "")  # the child's name, needed
    code, prompts, said = run(tmp_path / "c.yaml", lines)
    assert code == 0
    assert "This one is needed" in said
    assert prompts[1] == prompts[2]


def test_issue_numbers_out_of_range_are_asked_again(tmp_path):
    lines = answers()
    i = at("issues")
    lines[i:i + 1] = ["0, 99", "2"]
    code, _, said = run(tmp_path / "c.yaml", lines)
    assert code == 0
    assert f"from 1 to {len(ISSUE_TYPES)}" in said
    assert api.load_case(tmp_path / "c.yaml").get("dispute.issue_types") == [list(ISSUE_TYPES)[1]]


# -- the review screen ---------------------------------------------------------------------

def _review_number(said: str, label: str) -> str:
    screen = said.rsplit("CHECK YOUR ANSWERS", 1)[1]
    for line in screen.splitlines():
        if label in line:
            return line.split(".", 1)[0].strip()
    raise AssertionError(label)


def test_the_review_screen_changes_an_answer(tmp_path):
    first = tmp_path / "first.yaml"
    _, _, said = run(first, answers(review=""))
    number = _review_number(said, initcase.field_label("student.grade"))
    out = tmp_path / "case.yaml"
    code, _, said = run(out, answers(review=number) + ["4", ""])
    assert code == 0, said
    assert api.load_case(out).get("student.grade") == "4"
    assert "Now: 3" in said  # the answer being changed is shown
    assert said.count("CHECK YOUR ANSWERS") == 2  # shown again after the change


def test_the_review_screen_adds_and_removes_dates(tmp_path):
    first = tmp_path / "first.yaml"
    _, _, said = run(first, answers())
    date_1 = _review_number(said, f"{initcase.field_label('events[0].date')}: {EVENT_DAY}")
    out = tmp_path / "case.yaml"
    lines = answers(review="A") + ["", EVENT_DAY, "A meeting.", "n"] + [date_1, "", ""]
    code, _, said = run(out, lines)
    assert code == 0, said
    assert [e.get("what") for e in api.load_case(out).events()] == ["I wrote to the principal.", "A meeting."]


def test_a_change_that_opens_new_questions_asks_them(tmp_path):
    _, _, said = run(tmp_path / "first.yaml", answers())
    number = _review_number(said, "Is your child homeless?")
    out = tmp_path / "case.yaml"
    code, _, said = run(out, answers(review=number) + ["y", "Call my sister at 601-555-0199.", ""])
    assert code == 0, said
    case = api.load_case(out)
    assert case.get("student.homeless") is True
    assert case.get("student.homeless_contact") == "Call my sister at 601-555-0199."


# -- refusing -----------------------------------------------------------------------------

def test_it_refuses_to_overwrite_without_force_and_leaves_the_file_untouched(terminal, tmp_path):
    out = tmp_path / "my-case.yaml"
    out.write_text("state: MS\n", encoding="utf-8")
    before = out.stat()
    result = terminal("-o", str(out), lines=answers())
    assert result.exit_code == 2
    assert "already exists" in result.output and "--force" in result.output
    assert "child" not in result.output.lower()  # nothing was asked
    assert out.read_text("utf-8") == "state: MS\n"
    assert out.stat().st_mtime_ns == before.st_mtime_ns
    forced = terminal("-o", str(out), "--force", lines=answers())
    assert forced.exit_code == 0, forced.output
    assert api.load_case(out).get("student.name") == "Jordan Avery Rivers"


def test_without_a_terminal_it_asks_nothing_and_points_to_the_example(tmp_path, monkeypatch, example_path):
    monkeypatch.setattr(initcase, "EXAMPLES", example_path.parent)  # as in iepkit's source folder
    out = tmp_path / "my-case.yaml"
    result = CliRunner().invoke(cli_module.cli, ["init", "-o", str(out)], input="ms\n")
    assert result.exit_code == 2
    assert f"examples/{example_path.name}" in result.output
    assert "Your case file" in result.output
    assert "state" not in result.output.split("error:", 1)[0].lower()  # no question before the error
    assert not list(tmp_path.iterdir())


def test_an_installed_copy_without_the_examples_still_points_to_them(tmp_path, monkeypatch):
    monkeypatch.setattr(initcase, "EXAMPLES", tmp_path / "nowhere")
    result = CliRunner().invoke(cli_module.cli, ["init", "-o", str(tmp_path / "c.yaml")])
    assert result.exit_code == 2
    assert "examples folder" in result.output and "Your case file" in result.output


def test_the_output_must_be_a_yaml_file(terminal, tmp_path):
    result = terminal("-o", str(tmp_path / "case.txt"), lines=answers())
    assert result.exit_code == 2
    assert ".yaml" in result.output
    assert not list(tmp_path.iterdir())


# -- stopping and resuming -------------------------------------------------------------------

def test_an_interrupted_run_keeps_its_answers_privately_and_the_next_run_resumes(terminal, tmp_path):
    out = tmp_path / "my-case.yaml"
    lines = answers()
    result = terminal("-o", str(out), lines=lines[:10])  # then the input ends, as with Ctrl-D
    assert result.exit_code == initcase.STOPPED_EXIT
    progress = initcase.progress_path(out)
    assert progress.exists() and mode(progress) == 0o600
    assert str(progress) in " ".join(result.output.split())
    assert not out.exists()
    again = terminal("-o", str(out), lines=["y"] + lines[10:])
    assert again.exit_code == 0, again.output
    assert "Continue where you left off?" in flat(again.output)
    asked = again.output.split("CHECK YOUR ANSWERS")[0]
    assert initcase.field_label("student.name") not in asked  # not asked again
    case = api.load_case(out)
    assert case.get("student.name") == "Jordan Avery Rivers" and case.get("parents[0].name") == "Dana Rivers"
    assert not progress.exists()


def test_ctrl_c_keeps_the_answers_too(tmp_path):
    out = tmp_path / "case.yaml"
    given = iter(answers()[:3])

    def ask(prompt: str) -> str:
        for line in given:
            return line
        raise KeyboardInterrupt
    said: list[str] = []
    code = initcase.run_init(out, state=None, force=False, interactive=True, ask=ask, say=said.append)
    assert code == initcase.STOPPED_EXIT
    saved = json.loads(initcase.progress_path(out).read_text("utf-8"))["answers"]
    assert saved["student.name"] == "Jordan Avery Rivers" and saved["student.date_of_birth"] == BIRTH
    assert "Run the same command again" in flat(" ".join(said))


def test_declining_to_resume_starts_again(tmp_path):
    out = tmp_path / "case.yaml"
    run(out, answers()[:5])
    code, prompts, _ = run(out, ["n"] + answers(name="Sam Rivers"))
    assert code == 0
    assert api.load_case(out).get("student.name") == "Sam Rivers"


def test_a_saved_answer_no_longer_valid_is_asked_again(tmp_path):
    out = tmp_path / "case.yaml"
    run(out, answers()[:5])
    progress = initcase.progress_path(out)
    data = json.loads(progress.read_text("utf-8"))
    data["answers"]["student.date_of_birth"] = "2017-02-30"
    progress.write_text(json.dumps(data), encoding="utf-8")
    lines = answers()
    code, prompts, said = run(out, ["y", lines[2]] + lines[5:])
    assert code == 0, said
    assert prompts[1].startswith(initcase.field_label("student.date_of_birth"))


def test_an_unreadable_progress_file_starts_again(tmp_path):
    out = tmp_path / "case.yaml"
    initcase.progress_path(out).write_text("{not json", encoding="utf-8")
    code, _, said = run(out, answers())
    assert code == 0
    assert "could not be read" in said


# -- what is written ---------------------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "{{ 7 * 7 }} {% if x %}", "yes", "null", "No", "~", "a: b",
           "# not a comment", "- a dash", "'single", '"double', "=SUM(A1:A9)", "@home", "&anchor *alias",
           "!tag", "%percent", "0123", "1e3", "2026-01-01", "[a, b]", "{a: b}", "  spaced  ".strip(),
           "trailing colon:", "ünïcödé — “quotes”", "a " * 60 + "end",
           "A long line: with a colon, # a hash, {{ braces }} and <b>tags</b>, " * 3 + "end.",
           "Two  spaces  between  words, " * 5 + "  and at the end", "x" * 300,
           "- starts with a dash and goes on for long enough to be folded into more lines ok"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_typed_round_trips_exactly(tmp_path, text):
    out = tmp_path / "case.yaml"
    code, _, said = run(out, answers(school=text, summary=text, what1=text))
    assert code == 0, said
    case = api.load_case(out)
    assert case.get("student.school") == text
    assert case.get("dispute.summary") == text
    assert case.events()[0]["what"] == text


MULTILINE = ["First line.\nSecond: with a colon\n- a dash line\n# a hash line",
             "yes\nno\nnull", "<b>bold</b>\n{{ x }}", "indented\n    more\nback", "ends with colon:\nok",
             "a line with trailing spaces   \nnext", ("long line " * 20 + "\n") * 3 + "end",
             "a tab\tinside\nand more"]


@pytest.mark.parametrize("text", MULTILINE)
def test_multi_line_text_round_trips_exactly(tmp_path, text):
    out = tmp_path / "case.yaml"
    states = [(st.code, st.name) for st in api.states()]
    interview = initcase.Interview(out, states, ask=lambda p: "", say=lambda t: None)
    interview.answers = {"state": "MS", "dispute.summary": text, "dispute.requested": text,
                         "events[0]?add": True, "events[0].date": EVENT_DAY, "events[0].what": "x",
                         "events[1]?add": False}
    initcase.write_case(out, interview.case_data(), states)
    case = api.load_case(out)
    assert case.get("dispute.summary") == text and case.get("dispute.requested") == text
    assert mode(out) == 0o600


def test_control_characters_are_refused_with_the_validators_message(tmp_path):
    lines = answers()
    i = at("school")
    lines[i:i + 1] = ["Magnolia\x1b[31m", "Magnolia"]
    code, _, said = run(tmp_path / "c.yaml", lines)
    assert code == 0
    assert _message("student.school", "Magnolia\x1b[31m") in flat(said)


# -- the end -------------------------------------------------------------------------------------

def test_it_ends_with_the_three_commands_and_the_letter_the_recommender_picks(terminal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = Path("my-case.yaml")
    result = terminal("-o", str(out), lines=answers())
    assert result.exit_code == 0, result.output
    case = api.load_case(out)
    top = next(r for r in api.recommend(case=case).ranked
               if r.available and {p.id: p for p in api.processes("MS")}[r.process].letter)
    letter = {p.id: p for p in api.processes("MS")}[top.process].letter
    tail = result.output.split("What to do next:", 1)[1]
    assert f"iepkit recommend --case {out}" in tail
    assert f"iepkit deadlines --case {out}" in tail
    assert f"iepkit letter {letter} --case {out}" in tail
    assert all(len(line) <= 80 for line in ("What to do next:" + tail).splitlines())


def test_without_the_recommenders_answers_the_first_letter_is_the_records_request(tmp_path):
    out = tmp_path / "case.yaml"
    code, _, said = run(out, answers(willing="", rel="", bad_faith="", finding="", urgent=""))
    assert code == 0
    assert f"iepkit letter {initcase.FIRST_LETTER} --case" in said.split("What to do next:")[1]


def test_every_line_fits_80_columns(terminal, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = terminal("-o", "c.yaml", lines=answers(), columns=80)
    # Lines a person typed are echoed after the prompt; everything iepkit prints fits.
    printed = [line for line in result.output.splitlines() if not any(a and line.endswith(a) for a in answers())]
    assert [line for line in printed if len(line) > 80] == []


def test_questions_and_help_use_plain_words(tmp_path):
    code, prompts, said = run(tmp_path / "c.yaml", answers())
    asked = said.split("CHECK YOUR ANSWERS")[0] + "\n".join(prompts)
    assert hits("init questions", asked, printed=False) == []
