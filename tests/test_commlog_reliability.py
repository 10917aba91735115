"""The communication log never loses an entry (issue #10, "Reliability").

Two processes adding at once, a writer killed mid-add, and files that are not
a log. These run real processes against a real file: the guarantees come from
SQLite's locking and journal, which only a second process can exercise.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from click.testing import CliRunner

from iepkit import commlog
from iepkit.cli import cli as iepkit_cli

from conftest import run_cli

#: A writer: opens the log, waits for the start signal (so both writers overlap), then adds
#: COUNT entries, printing each id once its transaction has committed.
WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from iepkit import commlog
    log_path, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    book = commlog.open_log(log_path)
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    i = 0
    while count < 0 or i < count:
        entry = book.add({"date": "2026-10-06", "kind": "note", "with": name, "summary": f"{name} {i}"})
        print(f"added {entry.id} {name} {i}", flush=True)
        i += 1
""")


def _writer(log: Path, name: str, count: int, go: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(log), name, str(count), str(go)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_two_processes_adding_500_each_at_once_keep_exactly_1000_entries(tmp_path):
    log, go = tmp_path / "case.log.sqlite", tmp_path / "go"
    writers = [_writer(log, name, 500, go) for name in ("first", "second")]
    go.touch()
    reported = []
    for proc in writers:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        reported += [line.split() for line in out.splitlines()]
    with commlog.read_log(log) as book:
        entries = book.entries()
        assert book.integrity() == "ok"
    summaries = [e.summary for e in entries]
    expected = {f"{name} {i}" for name in ("first", "second") for i in range(500)}
    assert len(entries) == 1000
    assert set(summaries) == expected and len(set(summaries)) == 1000  # none lost, none twice
    assert sorted(e.id for e in entries) == list(range(1, 1001))
    # Each writer was told the id its entry got, and that is the entry stored under it.
    by_id = {e.id: e.summary for e in entries}
    assert all(by_id[int(r[1])] == f"{r[2]} {r[3]}" for r in reported)
    # Whether the ids interleave is up to SQLite's lock (it is not fair: one writer may finish
    # first while the other waits), so it is not asserted; both were adding from the same moment.


def test_a_writer_killed_mid_add_loses_nothing_it_reported(tmp_path):
    log, go = tmp_path / "case.log.sqlite", tmp_path / "go"
    go.touch()
    proc = _writer(log, "killed", -1, go)
    reported = []
    try:
        while len(reported) < 40:
            line = proc.stdout.readline()
            assert line, "the writer stopped before it was killed"
            reported.append(int(line.split()[1]))
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # mid-add: it is adding in a tight loop
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    with commlog.open_log(log) as book:  # opening for writing recovers from the journal
        assert book.integrity() == "ok"
        stored = {e.id for e in book.entries()}
        assert set(reported) <= stored
        # And it still takes new entries after the crash, numbered after the last one.
        new = book.add({"date": "2026-10-07", "kind": "call", "with": "after", "summary": "after the crash"})
        assert new.id == max(stored) + 1


def _foreign(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.execute("INSERT INTO recipes VALUES ('bread')")
    db.commit()
    db.close()
    return path


def _damaged(path: Path) -> Path:
    with commlog.open_log(path) as book:
        book.add({"date": "2026-10-06", "kind": "note", "with": "me", "summary": "first"})
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page, after the file header
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("make, words", [
    (_foreign, "made by another program"),
    (_damaged, "damaged"),
    (lambda p: (p.write_bytes(b"state: MS\nstudent:\n  name: x\n" * 50), p)[1], "damaged, or is another kind"),
], ids=["foreign-sqlite", "damaged-log", "not-sqlite"])
@pytest.mark.parametrize("command", [
    ["log", "add", "--date", "2026-10-06", "--kind", "call", "--with", "x", "--summary", "y"],
    ["log", "list"], ["log", "show", "1"], ["log", "history", "1"], ["log", "edit", "1", "--summary", "z"],
    ["log", "export", "-o", "{out}"],
])
def test_a_file_that_is_not_a_log_is_refused_and_left_untouched(tmp_path, make, words, command):
    target = make(tmp_path / "given.sqlite")
    before, beside = target.read_bytes(), sorted(tmp_path.iterdir())
    args = [a.replace("{out}", str(tmp_path / "log.csv")) for a in command]
    result = CliRunner().invoke(iepkit_cli, [*args, "--log", str(target)])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "has not changed it" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_bytes() == before
    assert not (tmp_path / "log.csv").exists()
    if make is not _damaged:  # nothing is left beside someone else's file, not even a journal
        assert sorted(tmp_path.iterdir()) == beside


def test_a_log_made_by_a_newer_iepkit_is_refused_and_untouched(tmp_path):
    path = tmp_path / "case.log.sqlite"
    with commlog.open_log(path):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {commlog.SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    result = run_cli("log", "list", "--log", str(path))  # as a user runs it: a real process
    assert result.returncode == 2 and "newer version of iepkit" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_the_database_itself_refuses_to_change_or_delete_an_entry(tmp_path):
    with commlog.open_log(tmp_path / "case.log.sqlite") as book:
        book.add({"date": "2026-10-06", "kind": "note", "with": "me", "summary": "kept"})
        for statement in ("UPDATE versions SET summary = 'changed'", "DELETE FROM versions",
                          "DELETE FROM entries", "UPDATE entries SET created_at = ''"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                book.db.execute(statement)
        assert book.get(1).summary == "kept"


def test_the_log_is_owner_only_with_wal_and_full_sync(tmp_path):
    source = tmp_path / "letter.txt"
    source.write_text("Dear Dr. Hale", encoding="utf-8")
    os.chmod(source, 0o644)
    path = tmp_path / "case.log.sqlite"
    with commlog.open_log(path) as book:
        entry = book.add({"date": "2026-10-06", "kind": "letter-sent", "with": "Dr. Hale", "summary": "sent"},
                         attach=[source])
        assert book.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert book.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert book.db.execute("PRAGMA application_id").fetchone()[0] == commlog.APPLICATION_ID
        assert book.db.execute("PRAGMA user_version").fetchone()[0] == commlog.SCHEMA_VERSION
        folder = book.files
    mode = lambda p: os.stat(p).st_mode & 0o777  # noqa: E731
    assert mode(path) == 0o600
    assert mode(folder) == 0o700
    assert mode(folder / entry.attachments[0].stored_name) == 0o600
    assert all(mode(p) == 0o600 for p in tmp_path.glob("case.log.sqlite-*"))


def test_a_damaged_log_beside_the_case_stops_deadlines_instead_of_dropping_its_events(tmp_path):
    import shutil

    from conftest import EXAMPLE

    case = tmp_path / "my-case.yaml"
    shutil.copy(EXAMPLE, case)
    log = _damaged(tmp_path / "my-case.log.sqlite")
    before = log.read_bytes()
    result = CliRunner().invoke(iepkit_cli, ["deadlines", "--case", str(case)])
    assert result.exit_code == 2
    assert "the communication log beside it cannot be read" in result.output
    assert log.read_bytes() == before
