"""``iepkit batch``: the commands. They check the command line, run ``iepkit.batch`` and report."""
from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from .errors import IepkitError, UnknownChoiceError
from .filepaths import KIT_FORMATS, extension, windows_path_hint
from .render import FORMATS

#: Exit code when any case failed (2 stays "the command line or the caseload as a whole is wrong").
CASE_FAILED_EXIT = 1
#: Exit code after Ctrl-C, as shells report it.
INTERRUPTED_EXIT = 130

CASES_HELP = ("The caseload: a folder of case files (.yaml), a JSON Lines file (.jsonl, one case a line), or "
              "a CSV file (.csv, one row a case, columns named by field paths like student.name; see the "
              "README's \"Batch\" section and examples/caseload.csv).")
JOBS_HELP = "How many cases to work on at once. Default: the number of cores. 1 runs them one after another."
RESUME_HELP = ("Skip cases already done by an earlier run of the same command whose case has not changed "
               "since (after Ctrl-C, or to redo only the cases that failed).")


def _common(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--resume", is_flag=True, help=RESUME_HELP)(func)
    func = click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N", help=JOBS_HELP)(func)
    func = click.option("--cases", "cases", required=True, metavar="PATH",
                        type=click.Path(path_type=Path), help=CASES_HELP)(func)
    return func


@click.group()
def batch() -> None:
    """Letters, kits or deadlines for a whole caseload at once.

    Each case is checked as a case file is. A case with a problem gets no
    output and one message naming its row (or line, or file) and the field,
    never what it holds; the other cases go on. Cases run in parallel; a
    progress bar shows on a terminal. Ctrl-C stops cleanly, keeping every
    finished file; run the same command with --resume to do the rest.
    Exit code: 0 when every case was done, 1 when any failed, 2 when the
    command or the caseload as a whole is wrong.

    \b
    Examples:
      iepkit batch letter mediation-request --cases examples/caseload.csv -o letters/
      iepkit batch deadlines --cases examples/caseload.csv -o deadlines.csv
      iepkit batch kit --cases cases/ -o kits/ --format html
    """


def _parse_day(option: str, text: str | None) -> _dt.date:
    from .cli import _parse_day as parse
    return parse(option, text) or _dt.date.today()


def _outdir(path: Path) -> Path:
    """The output folder, made (owner-only) if missing; its parent must exist."""
    hint = windows_path_hint(path)
    if hint:
        raise IepkitError(f"{path}: {hint}")
    if path.exists() and not path.is_dir():
        raise IepkitError(f"{path}: is a file; -o takes a folder for the outputs, one file a case")
    if not path.exists():
        if not path.parent.is_dir():
            raise IepkitError(f"{path}: the folder {path.parent} does not exist")
        path.mkdir(mode=0o700)
    return path


def _load(cases: Path) -> Any:
    from .cli import _registry
    _registry()
    from .caseload import read_caseload
    hint = windows_path_hint(cases)
    if hint and not cases.exists():
        raise IepkitError(f"{cases}: not found. {hint[0].upper()}{hint[1:]}")
    return read_caseload(cases)


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int], Any]]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    @contextlib.contextmanager
    def bar(total: int) -> Iterator[Callable[[int], None]]:
        if not sys.stderr.isatty() or total == 0:
            yield lambda n: None
            return
        with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True) as b:
            yield b.update
    yield bar


def _say(text: str) -> None:
    """Lines on stderr wrapped to the terminal; a list item's lines stay under its text."""
    from . import textout

    cols = textout.width()
    out: list[str] = []
    for line in text.splitlines():
        lead = line[:len(line) - len(line.lstrip(" -"))] if line.startswith("  - ") else ""
        out += textout.wrap(line[len(lead):], cols, indent=lead, hang=" " * (len(lead) or 2))
    click.echo("\n".join(out), err=True)


def _finish(summary: Any, what: str, where: str) -> None:
    """Print each failed case's problems, then the summary; exit 1 if any failed, 130 if stopped."""
    for outcome in summary.failed:
        _say(f"failed: {outcome.message}")
    for hint in summary.hints:
        _say(hint)
    parts = [f"{summary.done} {what}", f"{summary.skipped} already done (skipped)", f"{len(summary.failed)} failed"]
    if summary.interrupted:
        left = summary.total - summary.done - summary.skipped - len(summary.failed)
        parts.append(f"{left} not started")
    head = "Stopped (Ctrl-C)" if summary.interrupted else "Done"
    _say(f"{head} in {summary.seconds:.1f} s: {', '.join(parts)}. {where}")
    ctx = click.get_current_context()
    if summary.interrupted:
        _say("Run the same command with --resume to do the rest.")
        ctx.exit(INTERRUPTED_EXIT)
    if summary.failed:
        _say("Failed cases have no output. Fix them and run the same command with --resume: finished "
             "cases are not done again.")
        ctx.exit(CASE_FAILED_EXIT)


def _jobs(jobs: int | None) -> int:
    return jobs or os.cpu_count() or 1


@batch.command("letter")
@click.argument("letter_type", metavar="TYPE")
@_common
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), metavar="OUTDIR",
              help="The folder for the letters (made if missing): one file a case, named by the case's id "
                   "and TYPE, like row-0003-mediation-request.pdf.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="pdf", show_default=True,
              help="The letters' format (docx: Word files you can edit).")
@click.option("--blanks", is_flag=True, help="Print fill-in lines for fields a case lacks, instead of failing it.")
@click.option("--no-notes", is_flag=True, help="Leave out the page of notes for the parent after each letter.")
@click.option("--force", is_flag=True,
              help="Write complaints even when their filing limit seems to have passed (else those cases fail).")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="The date printed on the letters and filing limits are checked against. Default: today.")
def batch_letter(letter_type: str, cases: Path, jobs: int | None, resume: bool, outdir: Path, fmt: str,
                 blanks: bool, no_notes: bool, force: bool, date_text: str | None) -> None:
    """Write letter TYPE for every case (see `iepkit letters`).

    Each case gets the checks of `iepkit letter`: every field the letter
    needs, and the filing limit of a complaint (a case past it fails unless
    --force).

    \b
    Example:
      iepkit batch letter mediation-request --cases examples/caseload.csv -o letters/ --format txt
    """
    from . import api
    from .batch import Task, run

    today = _parse_day("--date", date_text)
    caseload = _load(cases)
    known = sorted({lt.id for st in api.states() for lt in api.letters(st.code)})
    if letter_type not in known:
        raise UnknownChoiceError("letter type", letter_type, known)
    task = Task(kind="letter", today=today, letter_id=letter_type, fmt=fmt, blanks=blanks, force=force,
                notes=not no_notes, outdir=str(_outdir(outdir)))
    with _progress("Writing letters") as bar:
        summary = run(task, caseload, jobs=_jobs(jobs), resume=resume, progress=bar)
    _finish(summary, "written", f"Letters are in {outdir}.")


@batch.command("kit")
@_common
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), metavar="OUTDIR",
              help="The folder for the kits (made if missing): one file a case, like row-0003-starter-kit.pdf.")
@click.option("--format", "fmt", type=click.Choice(list(KIT_FORMATS)), default="pdf", show_default=True,
              help="pdf to print, html for screens, docx: the kit's letters as a Word file.")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Work out deadlines and limits from this date.")
def batch_kit(cases: Path, jobs: int | None, resume: bool, outdir: Path, fmt: str, today_text: str | None) -> None:
    """Write a filled Starter Kit for every case, as `iepkit kit --case` does."""
    from .batch import Task, run

    today = _parse_day("--today", today_text)
    caseload = _load(cases)
    task = Task(kind="kit", today=today, fmt=fmt, outdir=str(_outdir(outdir)))
    with _progress("Writing kits") as bar:
        summary = run(task, caseload, jobs=_jobs(jobs), resume=resume, progress=bar)
    _finish(summary, "written", f"Kits are in {outdir}.")


@batch.command("deadlines")
@_common
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="The file to write, ending in .csv (a spreadsheet) or .json: one row per case "
                                   "and deadline (case id, rule, label, due date, days left, status, "
                                   "what started it, citations).")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Count days left from this date instead of today.")
def batch_deadlines(cases: Path, jobs: int | None, resume: bool, output: Path, today_text: str | None) -> None:
    """Work out every case's deadlines into one file.

    The file is written once every case is done; until then finished cases
    are kept in a hidden file beside it, for --resume.
    """
    from .batch import Task, run
    from .filepaths import output_problems

    today = _parse_day("--today", today_text)
    problems = output_problems(output)
    if extension(output) not in ("csv", "json"):
        problems.append(f"{output}: the deadlines file must end in .csv or .json, like deadlines.csv")
    if problems:
        from .cli import _stop_for
        _stop_for(problems)
    caseload = _load(cases)
    task = Task(kind="deadlines", today=today)
    with _progress("Working out deadlines") as bar:
        summary = run(task, caseload, jobs=_jobs(jobs), resume=resume, output=output, progress=bar)
    where = (f"Wrote {output} ({summary.rows_written} deadlines)." if summary.rows_written is not None
             else f"{output} was not written.")
    _finish(summary, "cases worked out", where)
