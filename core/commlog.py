"""The communication log: every call, email, meeting and letter about a child's services, kept as evidence.

One SQLite database per case (the standard library's ``sqlite3``), beside the
case file by default (``my-case.yaml`` -> ``my-case.log.sqlite``), with copies
of attached files in a folder beside it (``my-case.log-files/``).

A log is evidence, so it is append-only: an entry is never changed or deleted.
An edit writes a new version of the entry (same id, version + 1) and keeps
every earlier one, each with the time it was recorded (UTC). Triggers in the
database refuse UPDATE and DELETE, so not even a bug here can rewrite history.

Reliability, because a log that loses an entry is worse than none:

- Every write is one ``BEGIN IMMEDIATE`` transaction with a busy timeout, so
  two processes adding at once wait for each other and never lose or
  duplicate an entry; WAL mode with ``synchronous=FULL`` means an entry
  reported as added survives a crash or a killed process.
- A file that is not our log (damaged, or another program's SQLite database)
  is checked read-only first and refused with a clear error: iepkit never
  writes a table into someone else's file.
- The file is created owner-only (0600) before SQLite opens it; the
  attachments folder is 0700 and each copy 0600.
- ``PRAGMA user_version`` is the schema version; ``MIGRATIONS`` take a log
  from each version to the next, inside the same kind of transaction.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import re
import sqlite3
import stat
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from . import schema as s
from .case import Case, _event_date
from .errors import IepkitError, InputError, Problem
from .events import EVENT_ALIASES, EVENT_TYPES
from .logkinds import KINDS  # noqa: F401 - the kinds of contact, in a light module for `iepkit --help`

#: Marks the file as an iepkit log ("IEPL"), so a foreign SQLite file is recognised as one.
APPLICATION_ID = int.from_bytes(b"IEPL", "big")
_SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a writer waits for another process's transaction before giving up (seconds).
BUSY_TIMEOUT = 30.0

_APPEND_ONLY = "".join(
    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the communication log is append-only'); END;\n"
    for table in ("entries", "versions", "attachments") for action in ("UPDATE", "DELETE"))

#: Schema migrations: MIGRATIONS[i] takes a log from user_version i to i + 1.
#: Append new steps; never change one that has shipped.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE versions (
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        version INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        day TEXT NOT NULL,
        time TEXT,
        kind TEXT NOT NULL,
        with_whom TEXT NOT NULL,
        summary TEXT NOT NULL,
        follow_up TEXT,
        follow_up_done INTEGER NOT NULL DEFAULT 0,
        event TEXT,
        PRIMARY KEY (entry_id, version)
    );
    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        version INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        original_name TEXT NOT NULL,
        original_path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        stored_name TEXT NOT NULL
    );
    """ + _APPEND_ONLY,
]
SCHEMA_VERSION = len(MIGRATIONS)

#: What an entry holds, checked like a case file: every problem at once, values never echoed.
#: Keys are the option names of ``iepkit log add`` without their dashes.
ENTRY_SCHEMA = s.Record(fields={
    "date": _event_date("the day it happened, written YYYY-MM-DD", required=True),
    "time": s.Pattern(label="the time, like 14:30", regex=r"([01]?\d|2[0-3]):[0-5]\d",
                      expected="a time written HH:MM on a 24-hour clock, like 14:30",
                      normalise=lambda t: t.zfill(5)),
    "kind": s.Choice(label="how you were in touch: " + ", ".join(KINDS), required=True,
                     choices=tuple(KINDS), what="kind of contact"),
    "with": s.Text(label="who it was with (name and role)", required=True, multiline=False, max_length=10000),
    "summary": s.Text(label="what was said, asked or agreed", required=True, max_length=20000),
    "follow-up": _event_date("the day to follow up by, written YYYY-MM-DD"),
    "event": s.Choice(label="the kind of event this date starts, like records-requested",
                      choices=tuple(EVENT_TYPES), what="event type", aliases=EVENT_ALIASES),
})
REQUIRED = tuple(k for k, f in ENTRY_SCHEMA.fields.items() if f.required)


def check_entry(values: Mapping[str, Any], *, today: _dt.date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Validate an entry's values (keys as in ENTRY_SCHEMA); return them normalised and every problem."""
    checked, problems = s.check(ENTRY_SCHEMA, dict(values), today=today)
    return checked or {}, problems


def default_log_path(case_file: str | Path) -> Path:
    """The log beside a case file: ``my-case.yaml`` -> ``my-case.log.sqlite``."""
    case_file = Path(case_file)
    return case_file.with_name(f"{case_file.stem}.log.sqlite")


def files_folder(log_path: str | Path) -> Path:
    """The folder holding copies of attached files: ``my-case.log.sqlite`` -> ``my-case.log-files``."""
    log_path = Path(log_path)
    return log_path.with_name(log_path.name.removesuffix(".sqlite") + "-files")


def utc_now() -> str:
    """The time now in UTC, as recorded in the log (ISO 8601, to the microsecond so versions sort)."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def shown_time(recorded_at: str) -> str:
    """A recorded time for people: ``2026-11-30 03:40 UTC``."""
    when = _dt.datetime.fromisoformat(recorded_at)
    return when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Attachment:
    """A copy of a file kept with an entry; the copy is the evidence, the original may change."""

    original_name: str
    original_path: str
    sha256: str
    size: int
    stored_name: str
    recorded_at: str
    version: int

    def original_status(self) -> str:
        """Whether the original file still matches the copy: unchanged, changed, or gone."""
        path = Path(self.original_path)
        try:
            if path.is_file() and _sha256_file(path)[0] == self.sha256:
                return "unchanged"
        except OSError:
            return "cannot be read"
        return "changed since it was attached" if path.is_file() else "no longer at the place it was attached from"

    def copy_status(self, folder: Path) -> str:
        """Whether the kept copy is still there and still the same bytes."""
        path = folder / self.stored_name
        try:
            return "kept" if _sha256_file(path)[0] == self.sha256 else "CHANGED: the kept copy no longer matches"
        except OSError:
            return "MISSING: the kept copy is not in the log's folder"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.original_name, "original_path": self.original_path, "sha256": self.sha256,
                "size": self.size, "stored_as": self.stored_name, "recorded_at": self.recorded_at,
                "version": self.version}


@dataclass(frozen=True)
class Entry:
    """One version of one log entry. ``version`` 1 is what was first written."""

    id: int
    version: int
    created_at: str
    recorded_at: str
    date: _dt.date
    time: str | None
    kind: str
    with_whom: str
    summary: str
    follow_up: _dt.date | None
    follow_up_done: bool
    event: str | None
    attachments: tuple[Attachment, ...] = field(default=())

    @property
    def edited(self) -> bool:
        return self.version > 1

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up is not None and not self.follow_up_done

    def values(self) -> dict[str, Any]:
        """The entry's values keyed as in ENTRY_SCHEMA (what an edit starts from)."""
        out = {"date": self.date, "time": self.time, "kind": self.kind, "with": self.with_whom,
               "summary": self.summary, "follow-up": self.follow_up, "event": self.event}
        return {k: v for k, v in out.items() if v is not None}

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "edited": self.edited, "created_at": self.created_at,
                "recorded_at": self.recorded_at, "date": self.date.isoformat(), "time": self.time,
                "kind": self.kind, "with": self.with_whom, "summary": self.summary,
                "follow_up": self.follow_up.isoformat() if self.follow_up else None,
                "follow_up_done": self.follow_up_done, "follow_up_open": self.follow_up_open,
                "event": self.event, "attachments": [a.as_dict() for a in self.attachments]}


def sort_key(entry: Entry) -> tuple[_dt.date, str, int]:
    """Date order, then time (entries without one first), then the order they were added."""
    return (entry.date, entry.time or "", entry.id)


class LogError(IepkitError):
    """A log file that cannot be used (damaged, foreign, newer); nothing was written to it."""


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _not_ours(path: Path, why: str) -> LogError:
    return LogError(f"{path}: {why}. iepkit has not changed it. Move it away (or name another file "
                    "with iepkit log --log FILE) to start a new log.")


def _inspect(path: Path) -> bool:
    """Check, without writing, that ``path`` is an iepkit log; False when it is new (empty).

    Raises LogError for anything else: a folder, a damaged file, another
    program's database, a log from a newer iepkit.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise LogError(f"{path}: cannot read the log ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise LogError(f"{path}: is a folder or a device, not a log file")
    if info.st_size == 0:
        return False  # made by a log add that stopped before writing anything
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise LogError(f"{path}: cannot read the log ({exc.strerror})") from None
    if not head.startswith(_SQLITE_HEADER) or len(head) < 100:
        raise _not_ours(path, "is not a communication log: it is damaged, or is another kind of file")
    if int.from_bytes(head[68:72], "big") != APPLICATION_ID and not Path(f"{path}-wal").exists():
        # The file's own header says whose it is. Only a log still in its first minutes keeps
        # that in the write-ahead file instead, so another program's database is refused
        # without SQLite opening it (a read-only open of a WAL database leaves files beside it).
        raise _not_ours(path, "is a database made by another program, not an iepkit communication log")
    try:
        db = sqlite3.connect(f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro", uri=True,
                             timeout=BUSY_TIMEOUT)
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if app_id == APPLICATION_ID:
                ok = db.execute("PRAGMA quick_check").fetchone()[0]
                if ok != "ok":
                    raise _not_ours(path, "is a communication log, but it is damaged")
        finally:
            db.close()
    except sqlite3.DatabaseError:
        raise _not_ours(path, "is not a communication log: it is damaged, or is another kind of file") from None
    if app_id != APPLICATION_ID:
        raise _not_ours(path, "is a database made by another program, not an iepkit communication log")
    if version > SCHEMA_VERSION:
        raise LogError(f"{path}: this log was written by a newer version of iepkit. Update iepkit to read "
                       "it; it has not been changed.")
    return True


class CommLog:
    """An open communication log. Use ``open_log``; close it (or use ``with``) when done."""

    def __init__(self, path: Path, db: sqlite3.Connection, *, writable: bool):
        self.path = path
        self.db = db
        self.writable = writable

    def __enter__(self) -> CommLog:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def files(self) -> Path:
        return files_folder(self.path)

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock first, so no other
        process can slip in between reading the next id and inserting it."""
        if not self.writable:
            raise LogError(f"{self.path}: was opened only for reading")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- reading -----------------------------------------------------------------
    def _attachments(self, entry_id: int, up_to: int) -> tuple[Attachment, ...]:
        rows = self.db.execute(
            "SELECT original_name, original_path, sha256, size, stored_name, recorded_at, version "
            "FROM attachments WHERE entry_id = ? AND version <= ? ORDER BY id", (entry_id, up_to)).fetchall()
        return tuple(Attachment(*row) for row in rows)

    def _entry(self, row: tuple) -> Entry:
        (eid, version, created, recorded, day, time, kind, with_whom, summary, follow_up, done, event) = row
        return Entry(id=eid, version=version, created_at=created, recorded_at=recorded,
                     date=_dt.date.fromisoformat(day), time=time, kind=kind, with_whom=with_whom,
                     summary=summary, follow_up=_dt.date.fromisoformat(follow_up) if follow_up else None,
                     follow_up_done=bool(done), event=event, attachments=self._attachments(eid, version))

    _COLUMNS = ("v.entry_id, v.version, e.created_at, v.recorded_at, v.day, v.time, v.kind, v.with_whom, "
                "v.summary, v.follow_up, v.follow_up_done, v.event")

    def entries(self) -> list[Entry]:
        """The latest version of every entry, in date order."""
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM versions v JOIN entries e ON e.id = v.entry_id "
            "WHERE v.version = (SELECT MAX(version) FROM versions WHERE entry_id = v.entry_id)").fetchall()
        return sorted((self._entry(r) for r in rows), key=sort_key)

    def history(self, entry_id: int) -> list[Entry]:
        """Every version of one entry, oldest first; an unknown id is an error."""
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM versions v JOIN entries e ON e.id = v.entry_id "
            "WHERE v.entry_id = ? ORDER BY v.version", (entry_id,)).fetchall()
        if not rows:
            count = self.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            raise IepkitError(f"{self.path}: there is no entry {entry_id}; "
                              + (f"entries are numbered 1 to {count}" if count else "the log is empty")
                              + " (see iepkit log list)")
        return [self._entry(r) for r in rows]

    def get(self, entry_id: int) -> Entry:
        """The latest version of one entry."""
        return self.history(entry_id)[-1]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    # -- writing -----------------------------------------------------------------
    def _keep_copy(self, source: Path) -> tuple[str, str, int]:
        """Copy a file into the attachments folder atomically; return (stored name, sha256, size).

        The copy is named by its SHA-256, so adding the same bytes twice keeps
        one copy, and no typed name ever becomes a file name here. It is
        renamed into place before the entry that names it is committed: a
        crash in between leaves an unused copy, never an entry without its file.
        """
        folder = self.files
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
            os.chmod(folder, 0o700)
            fd, tmp = tempfile.mkstemp(prefix=".copy-", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise IepkitError(f"{folder}: cannot keep attached files here ({exc.strerror})") from None
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                os.fchmod(out.fileno(), 0o600)
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            ending = re.sub(r"[^A-Za-z0-9]", "", source.suffix)[:10].lower()
            stored = digest.hexdigest() + (f".{ending}" if ending else "")
            os.replace(tmp, folder / stored)
            _fsync_folder(folder)
        except BaseException as exc:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise IepkitError(f"{source}: cannot copy the file into the log ({exc.strerror})") from None
            raise
        return stored, digest.hexdigest(), size

    def _attach(self, db: sqlite3.Connection, entry_id: int, version: int, now: str,
                copies: list[tuple[Path, tuple[str, str, int]]]) -> None:
        for source, (stored, digest, size) in copies:
            db.execute("INSERT INTO attachments (entry_id, version, recorded_at, original_name, original_path, "
                       "sha256, size, stored_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (entry_id, version, now, source.name, str(source.resolve()), digest, size, stored))

    def _copies(self, attach: list[Path] | tuple[Path, ...]) -> list[tuple[Path, tuple[str, str, int]]]:
        problems = [Problem("attach", f"{p}: file not found") for p in map(Path, attach) if not Path(p).is_file()]
        if problems:
            raise InputError("the log entry", problems)
        return [(Path(p), self._keep_copy(Path(p))) for p in attach]

    def add(self, values: Mapping[str, Any], *, attach: list[Path] | tuple[Path, ...] = (),
            today: _dt.date | None = None) -> Entry:
        """Add an entry (keys as in ENTRY_SCHEMA); every problem is reported at once and nothing is added."""
        checked, problems = check_entry(values, today=today)
        if problems:
            raise InputError("the log entry", problems)
        copies = self._copies(attach)
        with self._write() as db:
            now = utc_now()
            entry_id = db.execute("INSERT INTO entries (created_at) VALUES (?)", (now,)).lastrowid
            self._insert_version(db, entry_id, 1, now, checked, done=False)
            self._attach(db, entry_id, 1, now, copies)
        return self.get(entry_id)

    def edit(self, entry_id: int, changes: Mapping[str, Any], *, clear: tuple[str, ...] = (),
             done: bool | None = None, attach: list[Path] | tuple[Path, ...] = (),
             today: _dt.date | None = None) -> Entry:
        """Write a new version of an entry with ``changes`` (and ``clear``: keys to empty);
        the earlier versions stay as they were."""
        self.get(entry_id)  # an unknown id is reported before any file is copied
        copies = self._copies(attach)
        with self._write() as db:
            current = self.get(entry_id)  # read under the write lock: two edits never lose each other
            values = {**current.values(), **{k: v for k, v in changes.items() if v is not None}}
            for key in clear:
                values.pop(key, None)
            checked, problems = check_entry(values, today=today)
            if problems:
                raise InputError(f"entry {entry_id}", problems)
            if done and "follow-up" not in checked:
                raise InputError(f"entry {entry_id}", [Problem("done", "this entry has no follow-up day to "
                                                                       "mark done")])
            new_done = current.follow_up_done if done is None else done
            if "follow-up" in changes and changes["follow-up"] is not None and done is None:
                new_done = False  # a new follow-up date is a new thing to do
            same = (checked == {k: v for k, v in current.values().items()} and new_done == current.follow_up_done
                    and not copies)
            if same:
                raise IepkitError(f"entry {entry_id}: nothing to change; the new values are the same as the old")
            now = utc_now()
            self._insert_version(db, entry_id, current.version + 1, now, checked, done=new_done)
            self._attach(db, entry_id, current.version + 1, now, copies)
        return self.get(entry_id)

    @staticmethod
    def _insert_version(db: sqlite3.Connection, entry_id: int, version: int, now: str,
                        v: Mapping[str, Any], *, done: bool) -> None:
        db.execute("INSERT INTO versions (entry_id, version, recorded_at, day, time, kind, with_whom, summary, "
                   "follow_up, follow_up_done, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (entry_id, version, now, v["date"].isoformat(), v.get("time"), v["kind"], v["with"],
                    v["summary"], v["follow-up"].isoformat() if v.get("follow-up") else None, int(done),
                    v.get("event")))

    def integrity(self) -> str:
        """SQLite's own check of the whole file: "ok" when nothing is damaged."""
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` survive a power cut (where the system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun and ended here, explicitly.
    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    return db


def _migrate(path: Path, db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("BEGIN IMMEDIATE")
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            # Only a file that is still empty becomes a log; another process may have just made it one.
            if db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
                raise _not_ours(path, "is a database made by another program, not an iepkit communication log")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {step + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """A migration's statements, one at a time (executescript would commit our transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [x for x in out if x]


def open_log(path: str | Path, *, create: bool = True) -> CommLog | None:
    """Open the log at ``path`` for writing, making it (0600) if it does not exist and ``create``.

    Returns None when there is no log and ``create`` is false. A file that is
    not an iepkit log raises LogError and is left exactly as it was.
    """
    path = Path(path)
    if not path.exists():
        if not create:
            return None
        if not path.parent.is_dir():
            raise LogError(f"{path}: the folder {path.parent} does not exist")
        try:
            # Owner-only from the first byte: SQLite would create it with the umask's mode.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process made it a moment ago; it is checked like any other
        except OSError as exc:
            raise LogError(f"{path}: cannot create the log here ({exc.strerror})") from None
    _inspect(path)
    db = _connect(path)
    try:
        _migrate(path, db)
    except sqlite3.DatabaseError:
        db.close()
        raise _not_ours(path, "could not be opened as a communication log") from None
    except BaseException:
        db.close()
        raise
    return CommLog(path, db, writable=True)


def read_log(path: str | Path) -> CommLog | None:
    """Open an existing log for reading only, or None when there is none (or it is still empty)."""
    path = Path(path)
    if not path.exists() or not _inspect(path):
        return None
    try:
        # Not SQLite's read-only mode: a read-only connection cannot fold the write-ahead file
        # back into the log when it closes, so entries could sit in my-case.log.sqlite-wal, where
        # a parent copying the log for safekeeping would miss them. query_only refuses writes.
        db = _connect(path)
        db.execute("PRAGMA query_only = ON")
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            db.close()  # an older log: opening it for writing brings it up to date
            log = open_log(path)
            return log
    except sqlite3.DatabaseError:
        raise _not_ours(path, "could not be opened as a communication log") from None
    return CommLog(path, db, writable=False)


# -- the log's events, seen by deadlines, letters and the recommender ----------------------

def log_events(path: str | Path) -> list[dict[str, Any]]:
    """The events the log's entries record (latest versions), as case events: ``date`` and ``type``.

    No ``what``: a letter prints plain words for the type (``EVENT_WORDS``),
    never the entry's summary, which is the parent's private note and may name people.
    """
    log = read_log(path)
    if log is None:
        return []
    with log:
        return [{"date": e.date, "type": e.event} for e in log.entries() if e.event]


def with_log_events(case: Case, log_path: str | Path | None = None) -> Case:
    """The case with the events its log records added, so no date is typed twice.

    The log is ``log_path``, else the one beside the case file (if any). An
    event with the same type and date as one already in the case is not added again.
    """
    path = Path(log_path) if log_path is not None else default_log_path(case.source)
    if not path.exists():
        return case
    have = {(e.get("type"), e["date"]) for e in case.events()}
    extra: list[dict[str, Any]] = []
    try:
        found = log_events(path)
    except LogError as exc:
        # Deadlines without the log's events could miss one: stop, and say how to go on.
        raise LogError(f"{case.source}: the communication log beside it cannot be read, so its events "
                       f"cannot be counted. {exc}") from None
    for event in found:
        key = (event["type"], event["date"])
        if key not in have:
            have.add(key)
            extra.append(event)
    if not extra:
        return case
    return Case(data={**case.data, "events": case.events() + extra}, source=case.source)
