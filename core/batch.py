"""``iepkit batch``: letters, kits or deadlines for a whole caseload, in parallel.

Each case is worked on by itself, with the same checks as one case file
(``iepkit.lettercheck`` for letters): a bad case gets no output and a message
naming its row and field, and never stops the others. Work is spread over
worker processes (``concurrent.futures``), a few cases to a task so each
worker's PDF engine stays warm. Every output is written atomically.

A small manifest in the output folder (beside the output file, for
deadlines) records, for each finished output, a hash of its case's input and
of the settings that shape it. A rerun with ``resume`` skips an output whose
file exists and whose hash still matches, so an interrupted run picks up where
it stopped and a changed case is done again. The manifest is appended to as
cases finish (a torn last line is ignored) and rewritten compactly at the end.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import signal
import time
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import __version__
from .caseload import CaseInput, Caseload
from .errors import IepkitError, InputError, MissingFieldsError, Problem
from .fileio import PRIVATE_MODE, write_atomic
from .filepaths import ENDING
from .render.pool import RENDERS_PER_WORKER
from .workerpool import WorkerPool

#: The manifest's name in the output folder (hidden: it is not an output).
MANIFEST = ".iepkit-batch.jsonl"
#: The most cases one task carries: small, so Ctrl-C waits little and progress moves
#: smoothly, yet enough that a worker is not sent a task per quick case.
CHUNK_MAX = {"letter": 2, "kit": 1, "deadlines": 500}

MISSING_HINT = "Add the missing fields, or use --blanks to print fill-in lines for them."
FORCE_HINT = ("A filing limit has passed: check the dates in those cases. If an exception applies, --force "
              "writes the letters anyway.")


@dataclass(frozen=True)
class Task:
    """What to make from each case; picklable, so it travels to the workers."""

    kind: str  # "letter", "kit" or "deadlines"
    today: _dt.date
    letter_id: str = ""
    fmt: str = "pdf"
    blanks: bool = False
    force: bool = False
    notes: bool = True
    #: The output folder (letters, kits).
    outdir: str = ""

    def output_name(self, case: CaseInput) -> str:
        """The case's output file: its id, then what it is (never the child's name)."""
        what = self.letter_id if self.kind == "letter" else "starter-kit"
        return f"{case.key}-{what}{ENDING[self.fmt]}"

    def fingerprint(self, case: CaseInput) -> str:
        """A hash of everything the case's output depends on: its input, these settings, iepkit's version."""
        settings = {"kind": self.kind, "today": self.today.isoformat(), "version": __version__}
        if self.kind != "deadlines":
            settings["fmt"] = self.fmt
        if self.kind == "letter":
            settings.update(letter=self.letter_id, blanks=self.blanks, force=self.force, notes=self.notes)
        text = json.dumps(settings, sort_keys=True) + case.digest
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Outcome:
    """What happened to one case."""

    index: int
    ok: bool
    #: For a failed case: every problem, with its row or file and field paths (never a value).
    message: str = ""
    hints: tuple[str, ...] = ()
    #: For deadlines: one row per deadline.
    rows: list[dict[str, Any]] = field(default_factory=list)


# -- one case ----------------------------------------------------------------------------


def _case_data(case: CaseInput) -> Any:
    if case.case_file is not None:
        from .case import read_case_data
        return read_case_data(case.case_file)
    return case.data


def _load(case: CaseInput, data: Any) -> Any:
    """The validated case, with its log's events for a case file."""
    from . import api
    loaded = api.parse_case(data, case.where)
    if case.case_file is not None:
        from .commlog import default_log_path, with_log_events
        loaded = with_log_events(loaded, default_log_path(case.case_file))
    return loaded


def _deadline_rows(case: CaseInput, loaded: Any, today: _dt.date) -> list[dict[str, Any]]:
    from . import api
    report = api.deadlines(loaded, today=today)
    return [{"case": case.key, "rule": d.rule, "label": d.label,
             "due": d.due.isoformat() if d.due else "", "days_left": d.days_left, "status": d.status,
             "trigger": d.trigger, "trigger_date": d.trigger_date.isoformat(), "verified": d.verified,
             "citations": d.citations} for d in report.deadlines]


def _make(task: Task, case: CaseInput) -> list[dict[str, Any]]:
    """Do the task for one case (writing its file), or raise the case's problems."""
    data = _case_data(case)
    if case.problems and data is None:
        raise InputError(case.where, list(case.problems))
    if task.kind == "letter":
        from .lettercheck import check_letter
        from .letters import to_format
        checked = check_letter(data, case.where, task.letter_id, blanks=task.blanks, force=task.force,
                               today=task.today, notes=task.notes, case_file=case.case_file, dates=False)
        if case.problems:
            raise InputError(case.where, list(case.problems))
        write_atomic(Path(task.outdir) / task.output_name(case), to_format(checked.rendered, task.fmt))
        return []
    loaded = _load(case, data)
    if case.problems:
        raise InputError(case.where, list(case.problems))
    if task.kind == "kit":
        from . import api
        write_atomic(Path(task.outdir) / task.output_name(case),
                     api.render_kit(fmt=task.fmt, case=loaded, today=task.today))
        return []
    return _deadline_rows(case, loaded, task.today)


def _problems(exc: IepkitError, case: CaseInput) -> tuple[list[Problem], tuple[str, ...]] | None:
    """A case's problems from the error it raised, with hints, or None for another kind of error."""
    if isinstance(exc, MissingFieldsError):
        return list(exc.problems), (MISSING_HINT,)
    if isinstance(exc, InputError) and not exc.at:
        hints = tuple(h for h, seen in ((MISSING_HINT, "is missing; the "), (FORCE_HINT, "filing limit"))
                      if any(seen in p.message for p in exc.problems))
        return exc.problems, hints
    return None


def work(task: Task, case: CaseInput) -> Outcome:
    """Do the task for one case; any problem becomes a failed Outcome, never an exception."""
    try:
        return Outcome(case.index, True, rows=_make(task, case))
    except IepkitError as exc:
        found = _problems(exc, case)
        if found is None:
            text = str(exc)
            return Outcome(case.index, False, text if text.startswith(case.where) else f"{case.where}: {text}")
        problems, hints = found
        # Earlier problems (a bad id) first; each field named as the input names it (a CSV column).
        merged = list(case.problems) + [p for p in problems if p not in case.problems]
        shown = [Problem(case.column_path(p.path), p.message) for p in merged]
        return Outcome(case.index, False, InputError(case.where, shown).render(), hints)
    except Exception as exc:  # noqa: BLE001 - one case's bug must not stop the others
        # The type only: an exception's text may quote the case's data.
        return Outcome(case.index, False, f"{case.where}: could not be done because of an error inside "
                                          f"iepkit ({type(exc).__name__}); please report it")


def _work_chunk(task: Task, cases: list[CaseInput]) -> list[Outcome]:
    return [work(task, case) for case in cases]


def _init_worker(fmt: str) -> None:
    # Ctrl-C reaches every process in the terminal's group: the main process stops handing
    # out work and waits for each worker to finish its current case, so no file is half-made.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import api
    api.registry()  # loaded once a worker, not inside its first case's time
    if fmt == "pdf":
        _import_pdf_engine()


def _import_pdf_engine() -> None:
    """Import WeasyPrint now, once a process, instead of inside the first case's time."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pass  # each case then says PDF output needs it (render.pdf), with what to do instead


# -- the manifest ------------------------------------------------------------------------


class Manifest:
    """Finished work, one JSON object a line: appended as cases finish, compacted at the end."""

    def __init__(self, path: Path, key: str):
        self.path, self.key = path, key
        self._fh: Any = None

    def load(self) -> dict[str, dict[str, Any]]:
        """The latest record for each output (or case); a line that cannot be read is ignored."""
        found: dict[str, dict[str, Any]] = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return found
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the last line of an interrupted run, or damage: that work is redone
            if isinstance(record, dict) and isinstance(record.get(self.key), str):
                found[record[self.key]] = record
        return found

    def start(self, *, fresh: bool) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if fresh else 0)
        self._fh = os.fdopen(os.open(self.path, flags, PRIVATE_MODE), "a", encoding="utf-8")

    def add(self, record: dict[str, Any]) -> None:
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self, keep: Iterable[dict[str, Any]] | None = None) -> None:
        """Close; with ``keep``, rewrite it atomically with only those records."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if keep is not None:
            write_atomic(self.path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep))


# -- the run ------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a run did, for the closing lines."""

    total: int
    done: int = 0
    skipped: int = 0
    failed: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    #: Deadlines: the file written and its number of rows (None when it was not written).
    rows_written: int | None = None

    @property
    def hints(self) -> list[str]:
        return list(dict.fromkeys(h for o in self.failed for h in o.hints))


def _chunks(cases: list[CaseInput], task: Task, jobs: int) -> list[list[CaseInput]]:
    size = max(1, min(CHUNK_MAX[task.kind], -(-len(cases) // (jobs * 8))))
    return [cases[i:i + size] for i in range(0, len(cases), size)]


def _execute(task: Task, cases: list[CaseInput], jobs: int,
             handle: Callable[[CaseInput, Outcome], None]) -> bool:
    """Work through ``cases``, calling ``handle`` as each finishes; True when Ctrl-C stopped it."""
    if jobs == 1 or len(cases) <= 1:
        try:
            for case in cases:
                handle(case, work(task, case))
        except KeyboardInterrupt:
            return True
        return False
    # Worker processes are replaced after a number of PDFs (iepkit.workerpool), so a long run's
    # memory stays bounded; each new worker loads the plugins and the PDF engine once.
    fmt = task.fmt if task.kind != "deadlines" else ""
    chunks = _chunks(cases, task, jobs)
    per_worker = max(1, RENDERS_PER_WORKER // CHUNK_MAX[task.kind]) if fmt in ("pdf", "docx") else None
    pool = WorkerPool(min(jobs, len(chunks)), per_worker, initializer=_init_worker, initargs=(fmt,))
    futures = {pool.submit(_work_chunk, task, chunk): chunk for chunk in chunks}
    handled: set[Any] = set()

    def collect(future: Any) -> None:
        handled.add(future)
        chunk = futures[future]
        try:
            outcomes = future.result()
        except Exception as exc:  # noqa: BLE001 - a worker that died (out of memory...) fails its cases
            outcomes = [Outcome(c.index, False, f"{c.where}: could not be done: a worker process stopped "
                                                f"({type(exc).__name__})") for c in chunk]
        for case, outcome in zip(chunk, outcomes):
            handle(case, outcome)

    interrupted = False
    try:
        for future in as_completed(futures):
            collect(future)
    except KeyboardInterrupt:
        interrupted = True
        pool.shutdown(wait=True, cancel_futures=True)  # each worker finishes its current case
        for future in futures:
            if future not in handled and future.done() and not future.cancelled():
                collect(future)
    finally:
        pool.shutdown(wait=True)
    return interrupted


@contextlib.contextmanager
def _nothing(_: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


def run(task: Task, caseload: Caseload, *, jobs: int, resume: bool, output: Path | None = None,
        progress: Callable[[int], Any] = _nothing) -> Summary:
    """Run ``task`` over the caseload. ``output`` is the deadlines file; letters and kits go in
    ``task.outdir``. ``progress(total)`` is a context manager giving a function to advance by n."""
    started = time.monotonic()
    if task.kind == "deadlines":
        assert output is not None
        summary = _run_deadlines(task, caseload, jobs=jobs, resume=resume, output=output, progress=progress)
    else:
        summary = _run_files(task, caseload, jobs=jobs, resume=resume, progress=progress)
    summary.failed.sort(key=lambda o: o.index)
    summary.seconds = time.monotonic() - started
    return summary


def _remove_stale_temp(folder: Path, name: str) -> None:
    # A worker stopped mid-write (killed, power cut) leaves write_atomic's temporary file.
    for tmp in folder.glob(f".{name}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _run_files(task: Task, caseload: Caseload, *, jobs: int, resume: bool,
               progress: Callable[[int], Any]) -> Summary:
    outdir = Path(task.outdir)
    manifest = Manifest(outdir / MANIFEST, "output")
    previous = manifest.load()
    summary = Summary(total=len(caseload.cases))
    todo = []
    for case in caseload.cases:
        name = task.output_name(case)
        _remove_stale_temp(outdir, name)
        record = previous.get(name)
        if resume and record and record.get("hash") == task.fingerprint(case) and (outdir / name).exists():
            summary.skipped += 1
        else:
            todo.append(case)
    manifest.start(fresh=False)
    with progress(len(todo)) as advance:
        def handle(case: CaseInput, outcome: Outcome) -> None:
            name = task.output_name(case)
            if outcome.ok:
                summary.done += 1
                manifest.add({"output": name, "hash": task.fingerprint(case)})
            else:
                summary.failed.append(outcome)
                if name in previous:
                    # A letter made from an earlier version of this case no longer matches it.
                    with contextlib.suppress(OSError):
                        (outdir / name).unlink()
                    manifest.add({"output": name, "hash": None})
            advance(1)
        try:
            summary.interrupted = _execute(task, todo, jobs, handle)
        finally:
            latest = manifest.load()
            manifest.close(keep=[r for r in latest.values() if r.get("hash") and (outdir / r["output"]).exists()])
    return summary


#: The deadlines file's columns, in order.
DEADLINE_COLUMNS = ("case", "rule", "label", "due", "days_left", "status", "trigger", "trigger_date", "verified",
                    "citations")


def deadlines_progress_path(output: Path) -> Path:
    """Where a deadlines run keeps finished cases' rows, beside its output (hidden)."""
    return output.with_name(f".{output.name}{MANIFEST}")


def _run_deadlines(task: Task, caseload: Caseload, *, jobs: int, resume: bool, output: Path,
                   progress: Callable[[int], Any]) -> Summary:
    manifest = Manifest(deadlines_progress_path(output), "case")
    previous = manifest.load() if resume else {}
    summary = Summary(total=len(caseload.cases))
    rows: dict[int, list[dict[str, Any]]] = {}
    todo = []
    for case in caseload.cases:
        record = previous.get(case.key)
        if record and record.get("hash") == task.fingerprint(case) and isinstance(record.get("rows"), list):
            rows[case.index] = record["rows"]
            summary.skipped += 1
        else:
            todo.append(case)
    manifest.start(fresh=not resume)
    with progress(len(todo)) as advance:
        def handle(case: CaseInput, outcome: Outcome) -> None:
            if outcome.ok:
                summary.done += 1
                rows[case.index] = outcome.rows
                manifest.add({"case": case.key, "hash": task.fingerprint(case), "rows": outcome.rows})
            else:
                summary.failed.append(outcome)
            advance(1)
        keep = None
        try:
            summary.interrupted = _execute(task, todo, jobs, handle)
            if not summary.interrupted:
                ordered = [r for i in sorted(rows) for r in rows[i]]
                write_atomic(output, deadlines_text(ordered, output.suffix.lower().lstrip(".")))
                summary.rows_written = len(ordered)
                by_key = {c.index: c for c in caseload.cases}
                keep = [{"case": by_key[i].key, "hash": task.fingerprint(by_key[i]), "rows": rows[i]}
                        for i in sorted(rows)]
        finally:
            manifest.close(keep=keep)
    return summary


def deadlines_text(rows: list[dict[str, Any]], fmt: str) -> str:
    """The deadlines file: CSV (citations joined with "; ") or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    import csv
    import io

    from .logexport import neutralise
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(DEADLINE_COLUMNS)
    for row in rows:
        cells = {**row, "citations": "; ".join(row["citations"]),
                 "days_left": "" if row["days_left"] is None else row["days_left"],
                 "verified": "yes" if row["verified"] else "no"}
        # A case id from a file name may start like a formula: a spreadsheet must show it as text.
        writer.writerow([neutralise(str(cells[c])) if c in ("case", "label") else cells[c] for c in DEADLINE_COLUMNS])
    return out.getvalue()
