"""`iepkit batch`: a whole caseload from a folder, a JSON Lines file or a CSV file.

Most tests write text or HTML letters (fast); one writes PDFs. Expected outputs
are made the other way round, one case at a time through the API, so a batch
that mixed up cases or fields could not pass.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from iepkit import api
from iepkit.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CASELOAD = ROOT / "examples" / "caseload.csv"
JSONL = ROOT / "examples" / "caseload.jsonl"
DAY = "2026-11-30"


def batch(*args, columns: int = 1000) -> "CliRunner.invoke":
    """Run `iepkit batch`; messages are wrapped to ``columns`` (wide by default, so long temp paths stay whole)."""
    return CliRunner().invoke(cli, ["batch", *[str(a) for a in args]], env={"COLUMNS": str(columns)})


def read_rows(path: Path = CASELOAD) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def cell(header: list[str], row: list[str], column: str) -> str:
    return row[header.index(column)]


def set_cell(header: list[str], row: list[str], column: str, value: str) -> None:
    row[header.index(column)] = value


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


# -- the example caseload, end to end ---------------------------------------------------


def test_example_csv_writes_one_private_letter_per_family(tmp_path):
    out = tmp_path / "letters"
    res = batch("letter", "mediation-request", "--cases", CASELOAD, "-o", out, "--format", "txt", "--date", DAY,
                "--jobs", "1")
    assert res.exit_code == 0, res.output
    header, rows = read_rows()
    names = {f"{cell(header, r, 'id')}-mediation-request.txt" for r in rows}
    assert set(outputs(out)) == names
    for row in rows:
        text = (out / f"{cell(header, row, 'id')}-mediation-request.txt").read_text(encoding="utf-8")
        # Each letter holds its own row's family, and no other row's.
        assert cell(header, row, "student.name") in text
        assert cell(header, row, "district.name") in text
        assert all(cell(header, other, "student.name") not in text for other in rows if other is not row)
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert f"{len(rows)} written" in res.stderr and "0 failed" in res.stderr


def test_example_csv_letters_match_one_case_at_a_time(tmp_path):
    """A CSV row means what the same case file means: the letter is identical."""
    header, rows = read_rows()
    row = rows[0]
    res = batch("letter", "records-request", "--cases", CASELOAD, "-o", tmp_path, "--format", "html",
                "--date", DAY, "--jobs", "1")
    assert res.exit_code == 0, res.output
    from iepkit.caseload import read_caseload
    data = read_caseload(CASELOAD).cases[0].data
    assert data["parents"][0]["email"] == cell(header, row, "parents.0.email")
    assert data["dispute"]["issue_types"] == [x.strip() for x in cell(header, row, "dispute.issue_types").split(";")]
    assert {"type": "violation-occurred", "date": cell(header, row, "events.violation-occurred")} in data["events"]
    case = api.parse_case(data, "case.yaml")
    expected = api.render_letter("records-request", case=case, fmt="html", today=dt.date.fromisoformat(DAY))
    got = (tmp_path / f"{cell(header, row, 'id')}-records-request.html").read_text(encoding="utf-8")
    assert got == expected


def test_deadlines_match_iepkit_deadlines_for_each_case(tmp_path):
    """JSON Lines made from the example case files: the same deadlines as `iepkit deadlines --case`."""
    out = tmp_path / "deadlines.json"
    res = batch("deadlines", "--cases", JSONL, "-o", out, "--today", DAY, "--jobs", "1")
    assert res.exit_code == 0, res.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    ids = [json.loads(line)["id"] for line in JSONL.read_text(encoding="utf-8").splitlines()]
    files = [ROOT / "examples" / "mississippi-case.yaml", ROOT / "examples" / "texas-case.yaml"]
    expected = []
    for case_id, file in zip(ids, files):
        report = api.deadlines(api.load_case(file), today=dt.date.fromisoformat(DAY))
        expected += [(case_id, d.rule, d.due.isoformat() if d.due else "", d.status, d.citations)
                     for d in report.deadlines]
    assert [(r["case"], r["rule"], r["due"], r["status"], r["citations"]) for r in rows] == expected
    assert len(expected) > 4
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_deadlines_csv_has_a_row_per_case_and_deadline(tmp_path):
    out = tmp_path / "deadlines.csv"
    res = batch("deadlines", "--cases", CASELOAD, "-o", out, "--today", DAY, "--jobs", "1")
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    header, rows = read_rows()
    assert {r["case"] for r in table} == {cell(header, row, "id") for row in rows}
    limit = next(r for r in table if r["case"] == "MS-001" and r["rule"] == "state-complaint-limit")
    # One year from the violation date in the CSV (34 CFR 300.153(c)).
    violation = dt.date.fromisoformat(cell(header, rows[0], "events.violation-occurred"))
    assert limit["due"] == violation.replace(year=violation.year + 1).isoformat()
    assert "34 CFR 300.153(c)" in limit["citations"]
    assert f"Wrote {out}" in res.stderr


# -- folders and JSON Lines ------------------------------------------------------------------


def test_a_folder_of_case_files(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    for name in ("mississippi-case.yaml", "texas-case.yaml"):
        shutil.copy(ROOT / "examples" / name, cases / name)
    (cases / "notes.txt").write_text("not a case", encoding="utf-8")
    out = tmp_path / "out"
    res = batch("letter", "iep-meeting-request", "--cases", cases, "-o", out, "--format", "md", "--date", DAY,
                "--jobs", "1")
    assert res.exit_code == 0, res.output
    assert set(outputs(out)) == {"mississippi-case-iep-meeting-request.md", "texas-case-iep-meeting-request.md"}
    for name in ("mississippi-case", "texas-case"):
        expected = api.render_letter("iep-meeting-request", case=api.load_case(cases / f"{name}.yaml"), fmt="md",
                                     today=dt.date.fromisoformat(DAY))
        assert (out / f"{name}-iep-meeting-request.md").read_text(encoding="utf-8") == expected


def test_jsonl_kits(tmp_path):
    res = batch("kit", "--cases", JSONL, "-o", tmp_path / "kits", "--format", "html", "--today", DAY, "--jobs", "1")
    assert res.exit_code == 0, res.output
    found = outputs(tmp_path / "kits")
    assert set(found) == {"MS-101-starter-kit.html", "TX-101-starter-kit.html"}
    assert b"Mississippi" in found["MS-101-starter-kit.html"] and b"Texas" in found["TX-101-starter-kit.html"]
    assert b"Jordan Avery Rivers" in found["MS-101-starter-kit.html"]


def test_pdf_letters_in_parallel(tmp_path):
    res = batch("letter", "mediation-request", "--cases", JSONL, "-o", tmp_path, "--date", DAY, "--jobs", "2")
    assert res.exit_code == 0, res.output
    from iepkit.testing import pdf_text
    text = pdf_text((tmp_path / "TX-101-mediation-request.pdf").read_bytes())
    assert "Mateo Luis Garza" in text and "Texas Education Agency" in text


# -- parallel, resume, interrupt -----------------------------------------------------------


@pytest.fixture
def twelve(tmp_path) -> Path:
    """Twelve cases from the example rows, one with a problem."""
    header, rows = read_rows()
    body = []
    for i in range(12):
        row = list(rows[i % len(rows)])
        set_cell(header, row, "id", f"C-{i:02d}")
        body.append(row)
    set_cell(header, body[5], "student.name", "")
    return write_rows(tmp_path / "twelve.csv", header, body)


def test_parallel_gives_the_same_outputs_and_messages_as_one_job(tmp_path, twelve):
    one = batch("letter", "mediation-request", "--cases", twelve, "-o", tmp_path / "one", "--format", "txt",
                "--date", DAY, "--jobs", "1")
    two = batch("letter", "mediation-request", "--cases", twelve, "-o", tmp_path / "two", "--format", "txt",
                "--date", DAY, "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert len(outputs(tmp_path / "one")) == 11
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    failed = [line for line in one.stderr.splitlines() if line.startswith("failed:")]
    assert failed == [line for line in two.stderr.splitlines() if line.startswith("failed:")]
    assert failed == [f"failed: {twelve}, row 7: student.name: is missing; the mediation-request letter needs "
                      "the student's full name"]


def test_resume_skips_finished_cases_and_redoes_changed_ones(tmp_path, twelve):
    out = tmp_path / "out"
    args = ("letter", "mediation-request", "--cases", twelve, "-o", out, "--format", "txt", "--date", DAY,
            "--jobs", "1")
    first = batch(*args)
    assert "11 written" in first.stderr
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith(".")}
    again = batch(*args, "--resume")
    assert "0 written, 11 already done (skipped), 1 failed" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if not p.name.startswith(".")} == stamps
    # Fix the bad row and change another: only those two are done again.
    header, rows = read_rows(twelve)
    set_cell(header, rows[5], "student.name", "Casey Morgan Lee")
    set_cell(header, rows[0], "district.name", "Oak Bend School District")
    write_rows(twelve, header, rows)
    third = batch(*args, "--resume")
    assert third.exit_code == 0, third.output
    assert "2 written, 10 already done (skipped), 0 failed" in third.stderr
    assert "Oak Bend School District" in (out / "C-00-mediation-request.txt").read_text(encoding="utf-8")
    assert "Casey Morgan Lee" in (out / "C-05-mediation-request.txt").read_text(encoding="utf-8")
    # Without --resume every case is done again.
    assert "12 written" in batch(*args).stderr


def test_a_changed_setting_is_not_taken_for_done(tmp_path):
    out = tmp_path / "out"
    batch("letter", "mediation-request", "--cases", JSONL, "-o", out, "--format", "txt", "--date", DAY, "--jobs", "1")
    res = batch("letter", "mediation-request", "--cases", JSONL, "-o", out, "--format", "txt", "--date", "2026-12-01",
                "--resume", "--jobs", "1")
    assert "2 written, 0 already done" in res.stderr
    assert "December 1, 2026" in (out / "MS-101-mediation-request.txt").read_text(encoding="utf-8")


def test_a_case_that_goes_bad_loses_its_old_letter(tmp_path, twelve):
    out = tmp_path / "out"
    args = ("letter", "mediation-request", "--cases", twelve, "-o", out, "--format", "txt", "--date", DAY, "--jobs", "1")
    batch(*args)
    header, rows = read_rows(twelve)
    set_cell(header, rows[2], "district.name", "")
    write_rows(twelve, header, rows)
    res = batch(*args, "--resume")
    assert res.exit_code == 1
    assert not (out / "C-02-mediation-request.txt").exists()
    assert "row 4: district.name: is missing" in res.stderr


def test_ctrl_c_keeps_finished_files_and_resume_does_the_rest(tmp_path, twelve, monkeypatch):
    from iepkit import batch as batch_module

    real = batch_module.work
    calls = []

    def interrupted(task, case):
        calls.append(case.key)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(task, case)

    monkeypatch.setattr(batch_module, "work", interrupted)
    out = tmp_path / "out"
    args = ("letter", "mediation-request", "--cases", twelve, "-o", out, "--format", "txt", "--date", DAY, "--jobs", "1")
    res = batch(*args)
    assert res.exit_code == 130
    assert "Stopped (Ctrl-C)" in res.stderr and "3 written" in res.stderr and "9 not started" in res.stderr
    assert sorted(outputs(out)) == ["C-00-mediation-request.txt", "C-01-mediation-request.txt",
                                    "C-02-mediation-request.txt"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(batch_module, "work", real)
    again = batch(*args, "--resume")
    assert "8 written, 3 already done (skipped), 1 failed" in again.stderr


def test_deadlines_resume_and_interrupt_leave_no_half_file(tmp_path, twelve, monkeypatch):
    from iepkit import batch as batch_module

    real = batch_module.work
    count = {"n": 0}

    def interrupted(task, case):
        count["n"] += 1
        if count["n"] == 6:
            raise KeyboardInterrupt
        return real(task, case)

    out = tmp_path / "d.csv"
    monkeypatch.setattr(batch_module, "work", interrupted)
    res = batch("deadlines", "--cases", twelve, "-o", out, "--today", DAY, "--jobs", "1")
    assert res.exit_code == 130 and not out.exists()
    monkeypatch.setattr(batch_module, "work", real)
    res = batch("deadlines", "--cases", twelve, "-o", out, "--today", DAY, "--jobs", "1", "--resume")
    assert res.exit_code == 0, res.output
    assert "7 cases worked out, 5 already done (skipped)" in res.stderr
    whole = tmp_path / "whole.csv"
    batch("deadlines", "--cases", twelve, "-o", whole, "--today", DAY, "--jobs", "2")
    assert out.read_text(encoding="utf-8") == whole.read_text(encoding="utf-8")


# -- bad cases ---------------------------------------------------------------------------


def test_bad_rows_are_reported_with_row_and_column_and_the_rest_succeed(tmp_path):
    header, rows = read_rows()
    header = header + ["events.0.type", "events.0.date"]
    rows = [r + ["", ""] for r in rows]
    set_cell(header, rows[0], "events.violation-occurred", "2026-02-30")
    set_cell(header, rows[1], "events.0.type", "violation-ocurred")
    set_cell(header, rows[1], "events.0.date", "2026-09-01")
    set_cell(header, rows[2], "student.name", "")
    set_cell(header, rows[2], "district.name", "")
    path = write_rows(tmp_path / "bad.csv", header, rows)
    out = tmp_path / "out"
    res = batch("letter", "mediation-request", "--cases", path, "-o", out, "--format", "txt", "--date", DAY, "--jobs", "1")
    assert res.exit_code == 1
    err = res.stderr
    assert f"{path}, row 2: events.violation-occurred: is not a real date" in err
    assert f"{path}, row 3: events.0.type: is not a known event type; did you mean violation-occurred?" in err
    assert f"{path}, row 4 has 2 problems:" in err
    assert "  - student.name: is missing; the mediation-request letter needs the student's full name" in err
    assert "  - district.name: is missing; the mediation-request letter needs the school district's name" in err
    assert "Add the missing fields, or use --blanks" in err
    assert set(outputs(out)) == {f"{cell(header, rows[3], 'id')}-mediation-request.txt"}
    assert "1 written, 0 already done (skipped), 3 failed" in err
    # Never the data: no value of a failed row appears in the messages.
    for row in rows[:3]:
        for column in ("student.name", "parents.0.email", "parents.0.phone", "student.address.street",
                       "dispute.summary", "events.violation-known"):
            if cell(header, row, column):
                assert cell(header, row, column) not in err


def test_a_passed_filing_limit_fails_the_case_unless_force(tmp_path):
    args = ("letter", "state-complaint", "--cases", CASELOAD, "--format", "txt", "--date", "2027-10-01", "--jobs", "1")
    res = batch(*args, "-o", tmp_path / "a")
    assert res.exit_code == 1
    header, rows = read_rows()
    late = [r for r in rows if cell(header, r, "events.violation-occurred")]
    for number, row in enumerate(rows, start=2):
        name = f"{cell(header, row, 'id')}-state-complaint.txt"
        assert (tmp_path / "a" / name).exists() == (row not in late)
        if row in late:
            assert (f"row {number}: events.violation-occurred: the filing limit for the state-complaint letter "
                    "has passed") in res.stderr
            assert cell(header, row, "events.violation-occurred") not in res.stderr
    assert "--force" in res.stderr
    forced = batch(*args, "-o", tmp_path / "b", "--force")
    assert forced.exit_code == 0, forced.output
    assert len(outputs(tmp_path / "b")) == len(rows)


def test_hostile_text_in_cells_prints_literally(tmp_path):
    header, rows = read_rows()
    row = rows[0]
    hostile = "<script>alert(1)</script> {{ 7*7 }} =SUM(A1:A9)"
    set_cell(header, row, "dispute.summary", hostile)
    set_cell(header, row, "district.name", "=HYPERLINK(\"http://127.0.0.1/\")")
    path = write_rows(tmp_path / "h.csv", header, [row])
    for fmt in ("txt", "html"):
        res = batch("letter", "state-complaint", "--cases", path, "-o", tmp_path / fmt, "--format", fmt,
                    "--date", DAY, "--jobs", "1")
        assert res.exit_code == 0, res.output
        text = (tmp_path / fmt / f"{cell(header, row, 'id')}-state-complaint.{fmt}").read_text(encoding="utf-8")
        if fmt == "txt":
            assert hostile in text and "=HYPERLINK(\"http://127.0.0.1/\")" in text
        else:
            assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in text


def test_a_case_file_named_like_a_formula_is_text_in_the_deadlines_csv(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(ROOT / "examples" / "mississippi-case.yaml", cases / "=1+1.yaml")
    out = tmp_path / "d.csv"
    res = batch("deadlines", "--cases", cases, "-o", out, "--today", DAY, "--jobs", "1")
    assert res.exit_code == 0, res.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table and all(r["case"] == "'=1+1" for r in table)


def test_messages_fit_80_columns(tmp_path, monkeypatch):
    header, rows = read_rows()
    set_cell(header, rows[0], "student.name", "")
    set_cell(header, rows[0], "dispute.issue_types", "evaluation; missed-timelin")
    monkeypatch.chdir(tmp_path)
    write_rows(tmp_path / "c.csv", header, rows)
    res = batch("letter", "mediation-request", "--cases", "c.csv", "-o", "out", "--format", "txt", "--jobs", "1",
                columns=80)
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    assert lines[0] == "failed: c.csv, row 2 has 2 problems:"
    assert any(line.startswith("    ") for line in lines)  # a wrapped list item stays under its text
    assert all(len(line) <= 80 for line in lines)


def test_numbered_columns_are_named_in_messages(tmp_path):
    header, rows = read_rows()
    header = header + ["parents.2.name", "parents.2.email"]
    row = rows[0] + ["Sam Rivers", "not-an-email"]
    path = write_rows(tmp_path / "p.csv", header, [row])
    res = batch("deadlines", "--cases", path, "-o", tmp_path / "d.csv", "--today", DAY, "--jobs", "1")
    assert res.exit_code == 1
    assert f"{path}, row 2: parents.2.email: expected an email address" in res.stderr
    assert "not-an-email" not in res.stderr


def test_bad_and_duplicate_ids_fail_their_cases(tmp_path):
    header, rows = read_rows()
    set_cell(header, rows[1], "id", cell(header, rows[0], "id"))
    set_cell(header, rows[2], "id", "../escape")
    path = write_rows(tmp_path / "ids.csv", header, rows)
    out = tmp_path / "out"
    res = batch("letter", "mediation-request", "--cases", path, "-o", out, "--format", "txt", "--date", DAY, "--jobs", "1")
    assert res.exit_code == 1
    assert "row 3: id: is the same as the id of" in res.stderr
    assert "row 4: id: expected a short id" in res.stderr
    assert len(outputs(out)) == 2 and not (tmp_path / "escape-mediation-request.txt").exists()


def test_jsonl_problems_name_the_line(tmp_path):
    lines = JSONL.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1])
    broken["student"]["date_of_birth"] = "2016-13-01"
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join([lines[0], "{not json", "", json.dumps(broken), "[1, 2]"]) + "\n", encoding="utf-8")
    res = batch("deadlines", "--cases", path, "-o", tmp_path / "d.json", "--today", DAY, "--jobs", "1")
    assert res.exit_code == 1
    assert f"{path}, line 2: is not valid JSON" in res.stderr
    assert f"{path}, line 4: student.date_of_birth: is not a real date" in res.stderr
    assert f"{path}, line 5: expected one case as a JSON object" in res.stderr
    assert {r["case"] for r in json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))} == {"MS-101"}


def test_a_broken_case_file_in_a_folder_is_named(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(ROOT / "examples" / "texas-case.yaml", cases / "a.yaml")
    (cases / "b.yaml").write_text("state: MS\nstudent: [unclosed\n", encoding="utf-8")
    res = batch("deadlines", "--cases", cases, "-o", tmp_path / "d.csv", "--today", DAY, "--jobs", "1")
    assert res.exit_code == 1
    assert f"failed: {cases / 'b.yaml'}" in res.stderr
    assert "1 cases worked out" in res.stderr


# -- the command line and the caseload as a whole: exit code 2, nothing written ------------------


@pytest.mark.parametrize("args, expected", [
    (("letter", "mediation-request", "--cases", "missing.csv", "-o", "out"), "missing.csv: not found"),
    (("letter", "no-such-letter", "--cases", CASELOAD, "-o", "out"), "Unknown letter type 'no-such-letter'"),
    (("deadlines", "--cases", CASELOAD, "-o", "d.xlsx"), "must end in .csv or .json"),
    (("letter", "mediation-request", "--cases", ROOT / "README.md", "-o", "out"), "this file ends in .md"),
    (("letter", "mediation-request", "--cases", CASELOAD, "-o", "out", "--jobs", "0"), "--jobs"),
])
def test_bad_command_lines_exit_2(tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    res = batch(*args)
    assert res.exit_code == 2
    assert expected in res.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "d.xlsx").exists()


def test_a_csv_separated_by_semicolons_is_pointed_out(tmp_path):
    header, rows = read_rows()
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *rows])
    res = batch("deadlines", "--cases", path, "-o", tmp_path / "d.csv")
    assert res.exit_code == 2
    assert "separated by ; instead of commas" in res.output


def test_unknown_columns_stop_before_any_work(tmp_path):
    header, rows = read_rows()
    header = [h if h != "student.name" else "student.nmae" for h in header] + ["parents.email", "student.address"]
    path = write_rows(tmp_path / "c.csv", header, [r + ["", ""] for r in rows])
    res = batch("letter", "mediation-request", "--cases", path, "-o", tmp_path / "out", "--format", "txt")
    assert res.exit_code == 2
    assert "column student.nmae: is not a case field. Did you mean student.name?" in res.output
    assert "column parents.email: needs a number after parents, like parents.0.email" in res.output
    assert "column student.address: is a group of fields" in res.output
    assert not (tmp_path / "out").exists()


def test_the_readme_documents_every_kind_of_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Batch: a whole caseload", 1)[1].split("\n## ", 1)[0]
    for needle in ("student.name", "parents.0.email", "events.violation-occurred", "dispute.issue_types",
                   "answers.", "--resume", "--jobs", "examples/caseload.csv", "id"):
        assert needle in section
    header, _ = read_rows()
    from iepkit.caseload import csv_columns
    assert set(header) <= set(csv_columns())


def test_the_example_caseload_is_fictional():
    """Made-up families only: phone numbers reserved for fiction (555-01xx) and example.com addresses."""
    import re

    header, rows = read_rows()
    assert 3 <= len(rows) <= 5
    for row in rows:
        assert re.fullmatch(r"\d{3}-555-01\d\d", cell(header, row, "parents.0.phone"))
        assert cell(header, row, "parents.0.email").endswith("@example.com")
        assert cell(header, row, "state") in ("MS", "TX")
    for line in JSONL.read_text(encoding="utf-8").splitlines():
        parent = json.loads(line)["parents"][0]
        assert re.fullmatch(r"\d{3}-555-01\d\d", parent["phone"]) and parent["email"].endswith("@example.com")


def test_workers_are_replaced_after_a_number_of_files_and_every_file_is_still_made(tmp_path, twelve, monkeypatch):
    """Bounded memory: with RENDERS_PER_WORKER at 2, a new worker process takes over after each
    chunk, and the run still makes every file the one-process run makes."""
    from iepkit import batch as batch_module
    from iepkit import workerpool

    started: list[int] = []

    class Counting(workerpool.ProcessPoolExecutor):  # type: ignore[misc]
        def __init__(self, *args, **kwargs):
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(workerpool, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(batch_module, "RENDERS_PER_WORKER", 2)
    two = batch("letter", "mediation-request", "--cases", twelve, "-o", tmp_path / "two", "--format", "docx",
                "--date", DAY, "--jobs", "2")
    one = batch("letter", "mediation-request", "--cases", twelve, "-o", tmp_path / "one", "--format", "docx",
                "--date", DAY, "--jobs", "1")
    assert one.exit_code == two.exit_code == 1
    assert sorted(outputs(tmp_path / "two")) == sorted(outputs(tmp_path / "one"))
    assert len(outputs(tmp_path / "two")) == 11
    assert len(started) > 2  # more worker processes than --jobs: they were replaced
