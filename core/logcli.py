"""``iepkit log``: the communication log at the command line (storage in ``commlog``, printing in ``logexport``)."""
from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import click

from . import textout
from .errors import IepkitError, InputError, Problem
from .filepaths import choose_format, input_problems, output_problems
from .logkinds import KINDS

if TYPE_CHECKING:
    from .commlog import Entry


def _store() -> Any:
    """The log's storage, imported when a command runs: `iepkit --help` lists this group
    without loading SQLite, the case format and the models behind it."""
    from . import commlog
    return commlog


CASE_HELP = "Your case file. Its log is the file beside it: my-case.log.sqlite for my-case.yaml."
LOG_HELP = "The log file to use instead of the one beside the case file."
#: Plain words for each value, for the questions asked at a terminal and for messages.
ASK: dict[str, tuple[str, str]] = {
    "date": ("What day was it?", "Type the date as YYYY-MM-DD, like 2026-10-06."),
    "kind": ("How were you in touch?", ""),
    "with": ("Who was it with?", "Their name and role, like Ms. Lee, speech therapist."),
    "summary": ("What was said, asked or agreed?",
                "Write it the way you would tell a friend: who said what, and any promise or date given."),
}
_LETTER_NOTE = ("Deadlines count from the day the school got your letter. If it arrived after the date you "
                "logged, change the date with: iepkit log edit {id} --date YYYY-MM-DD {where}")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _where(case_file: Path | None, log_file: Path | None) -> str:
    """The options that name this log, for commands printed back to the parent."""
    return f"--log {log_file}" if log_file is not None else f"--case {case_file}"


def _log_path(case_file: Path | None, log_file: Path | None) -> Path:
    problems = input_problems(case_file) + input_problems(log_file)
    if case_file is not None and not problems and not case_file.is_file():
        problems.append(f"{case_file}: file not found")
    if problems:
        raise IepkitError("\n".join(problems))
    if log_file is not None:
        return log_file
    if case_file is not None:
        return _store().default_log_path(case_file)
    raise IepkitError("which log? Add --case my-case.yaml (its log is the file beside it), or --log FILE")


def _say(text: str, indent: str = "", hang: str | None = None) -> None:
    click.echo("\n".join(textout.wrap(text, textout.width(), indent=indent, hang=hang)))


def _option(key: str) -> str:
    return f"--{key}"


def _problems_as_options(problems: Sequence[Problem]) -> list[Problem]:
    return [Problem(_option(p.path) if p.path in _store().ENTRY_SCHEMA.fields else p.path, p.message) for p in problems]


def _check_given(values: dict[str, Any], missing: Sequence[str] = ()) -> None:
    """Refuse wrong values (and, without a terminal, missing ones) in one message listing them all."""
    problems = []
    for key, value in values.items():
        found: list[Problem] = []
        _store().ENTRY_SCHEMA.fields[key].check(value, key, found)
        problems += found
    problems += [Problem(key, f"is missing; expected {_store().ENTRY_SCHEMA.fields[key].label}") for key in missing]
    if problems:
        hint = ("There is no terminal to ask for the missing values in: give them as options "
                "(see iepkit log add --help)." if missing else "")
        raise InputError("the log entry", _problems_as_options(problems), hint=hint)


def _ask(key: str) -> Any:
    """Ask for one value until it is valid (the project's prompting style: a dim help line, then the question)."""
    from .prompts import _line
    question, help_text = ASK[key]
    if help_text:
        click.secho("\n".join(textout.wrap(help_text, textout.width())), dim=True)
    if key == "kind":
        _say(question)
        names = list(KINDS)
        for i, kind in enumerate(names, start=1):
            _say(f"{KINDS[kind]} ({kind})", indent=f"  {i}. ", hang="     ")
        question = "Type a number from the list or its word"
    while True:
        raw = _line(question)
        if key == "kind" and raw.isdigit() and 1 <= int(raw) <= len(KINDS):
            raw = list(KINDS)[int(raw) - 1]
        problems: list[Problem] = []
        value = _store().ENTRY_SCHEMA.fields[key].check(raw, key, problems) if raw else None
        if raw and not problems:
            return value
        click.echo("Please answer this one; it is needed." if not raw else f"That {problems[0].message}")


def _case_state(case_file: Path | None) -> Any:
    from . import api
    if case_file is None:
        raise IepkitError("--letter needs your case file, to find your state's letters: add --case my-case.yaml")
    return api.resolve_state(None, api.load_case(case_file))


def _letters_that_start(state_code: str) -> list[Any]:
    from . import api
    return [t for t in api.letters(state_code) if t.starts_event]


def _from_letter(letter_id: str, case_file: Path | None, values: dict[str, Any]) -> str | None:
    """Fill kind and event from the letter the parent sent; return a note for them, or None."""
    from . import api
    st = _case_state(case_file)
    letter = api.registry().letter(st.code, letter_id)
    values.setdefault("kind", "letter-sent")
    if str(values["kind"]).strip().lower() != "letter-sent":
        raise IepkitError("--letter is for a letter you sent: use it with --kind letter-sent")
    if not letter.starts_event:
        return f"The {letter.title} starts no deadline, so no date for your deadlines was recorded."
    given = values.get("event")
    if given is not None and str(given).strip().lower() != letter.starts_event:
        raise IepkitError(f"--event does not match --letter: the {letter.title} starts {letter.starts_event}. "
                          "Leave out --event, or give the one the letter starts.")
    values["event"] = letter.starts_event
    return None


def _offer_letter(case_file: Path | None, values: dict[str, Any]) -> None:
    """At a terminal, for a letter the parent sent: which one, so a letter that starts a clock records it."""
    from . import api
    from .prompts import _line
    try:
        st = _case_state(case_file)
    except IepkitError:
        return  # no case, or a case with problems: the letter cannot be looked up, and nothing is lost
    letters = _letters_that_start(st.code)
    if not letters:
        return
    click.secho("\n".join(textout.wrap(
        "Some letters start a deadline on the day the school gets them. If you sent one of these, pick it: "
        "your deadlines will then count from the date of this entry.", textout.width())), dim=True)
    for i, letter in enumerate(letters, start=1):
        _say(letter.title, indent=f"  {i}. ", hang="     ")
    while True:
        raw = _line("Which letter? (optional: press Enter to skip)")
        if not raw:
            return
        if raw.isdigit() and 1 <= int(raw) <= len(letters):
            values["event"] = letters[int(raw) - 1].starts_event
            return
        ids = {t.id: t for t in letters}
        if raw.lower() in ids:
            values["event"] = ids[raw.lower()].starts_event
            return
        click.echo(f"Type a number from 1 to {len(letters)}, or press Enter to skip.")


def _day(option: str, text: str | None) -> _dt.date | None:
    if text is None:
        return None
    problems: list[Problem] = []
    from .schema import Date
    day = Date().check(text, option, problems)
    if problems:
        raise IepkitError(str(problems[0]))
    return day


def _entry_lines(e: Entry, cols: int, *, full: bool, today: _dt.date) -> list[str]:
    from .deadlines import fmt
    when = fmt(e.date) + (f" {e.time}" if e.time else "")
    head = f"No. {e.id}  {when}  {KINDS[e.kind]}" + ("  (edited)" if e.edited else "")
    lines = textout.wrap(head, cols)
    lines += textout.wrap(e.with_whom, cols, indent="  With: ", hang="    ")
    summary = e.summary
    if not full and len(summary) > 300:
        summary = summary[:300].rstrip() + f"... (iepkit log show {e.id} shows all of it)"
    for i, para in enumerate(summary.split("\n")):
        lines += textout.wrap(para, cols, indent="  What: " if i == 0 else "    ", hang="    ")
    if e.follow_up is not None:
        if e.follow_up_open:
            late = " (past due)" if e.follow_up < today else ""
            lines += textout.wrap(f"OPEN, by {fmt(e.follow_up)}{late}", cols, indent="  Follow up: ", hang="    ")
        else:
            lines += textout.wrap(f"done (was due {fmt(e.follow_up)})", cols, indent="  Follow up: ", hang="    ")
    if e.event:
        lines += textout.wrap(f"{e.event} (iepkit deadlines counts from this day)", cols,
                              indent="  Starts deadlines as: ", hang="    ")
    if e.attachments and not full:
        lines += textout.wrap(", ".join(a.original_name for a in e.attachments), cols,
                              indent="  Attached: ", hang="    ")
    return lines


@click.group("log")
def log() -> None:
    """Keep a log of every call, email, meeting and letter about your child's services.

    The log is kept beside your case file (my-case.log.sqlite for
    my-case.yaml), readable only by you. Nothing in it is ever deleted: an
    edit keeps the earlier version too. Entries with --event count as events
    of your case: iepkit deadlines, letters and recommend use them.

    \b
    Examples:
      iepkit log add --case my-case.yaml --date 2026-10-06 --kind call \\
          --with "Ms. Lee, speech therapist" \\
          --summary "She said therapy restarts in January."
      iepkit log list --case my-case.yaml
      iepkit log export --case my-case.yaml -o log.pdf
    """


_KIND_HELP = "How you were in touch: " + ", ".join(KINDS) + "."


@log.command("add")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help=CASE_HELP)
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), help=LOG_HELP)
@click.option("--date", "date", metavar="YYYY-MM-DD", help="The day it happened.")
@click.option("--time", "time", metavar="HH:MM", help="The time, on a 24-hour clock (optional).")
@click.option("--kind", "kind", metavar="KIND", help=_KIND_HELP)
@click.option("--with", "with_", metavar="WHO", help="Who it was with: name and role.")
@click.option("--summary", "summary", metavar="TEXT", help="What was said, asked or agreed, in your words.")
@click.option("--follow-up", "follow_up", metavar="YYYY-MM-DD",
              help="The day to follow up by; shown as OPEN until you mark it done (log edit ID --done).")
@click.option("--event", "event", metavar="EVENT_TYPE",
              help="The kind of event this day starts deadlines for, as in a case file's events, like "
                   "records-requested. Your deadlines then count from it.")
@click.option("--letter", "letter_id", metavar="LETTER",
              help="For a letter you sent, its type from iepkit letters (like records-request): a letter "
                   "that starts a deadline sets --event for you. Needs --case.")
@click.option("--attach", "attach", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A file to keep a copy of with the entry (a letter, an email saved as a file). "
                   "Repeat for more than one.")
def add(case_file: Path | None, log_file: Path | None, date: str | None, time: str | None, kind: str | None,
        with_: str | None, summary: str | None, follow_up: str | None, event: str | None,
        letter_id: str | None, attach: tuple[Path, ...]) -> None:
    """Add one call, email, meeting, letter or visit to the log.

    In a terminal, asks for any of --date, --kind, --with and --summary not
    given; otherwise every missing one is listed and nothing is added.
    """
    path = _log_path(case_file, log_file)
    values = {k: v for k, v in (("date", date), ("time", time), ("kind", kind), ("with", with_),
                                ("summary", summary), ("follow-up", follow_up), ("event", event)) if v is not None}
    note = _from_letter(letter_id, case_file, values) if letter_id else None
    missing = [k for k in _store().REQUIRED if k not in values]
    asking = bool(missing) and _interactive()
    _check_given(values, [] if asking else missing)
    if asking:
        for key in missing:
            values[key] = _ask(key)
            click.echo("")
    kind_given = str(values.get("kind", "")).strip().lower()
    if kind_given == "letter-sent" and "event" not in values and letter_id is None and _interactive():
        _offer_letter(case_file, values)
    with _store().open_log(path) as book:
        entry = book.add(values, attach=list(attach))
    where = _where(case_file, log_file)
    click.echo(f"Added entry {entry.id} to {path}.")
    for a in entry.attachments:
        click.echo(f"Kept a copy of {a.original_name} (SHA-256 {a.sha256[:16]}...).")
    if entry.event:
        _say(f"It counts as {entry.event} on {entry.date.isoformat()}: iepkit deadlines {where} shows the "
             "deadlines it starts.")
        if entry.kind == "letter-sent":
            _say(_LETTER_NOTE.format(id=entry.id, where=where))
    if note:
        _say(note)


@log.command("list")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help=CASE_HELP)
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), help=LOG_HELP)
@click.option("--kind", "kind", metavar="KIND", help="Only entries of this kind: " + ", ".join(KINDS) + ".")
@click.option("--since", "since", metavar="YYYY-MM-DD", help="Only entries on or after this day.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the latest version of each entry.")
def list_(case_file: Path | None, log_file: Path | None, kind: str | None, since: str | None,
          as_json: bool) -> None:
    """List the log's entries in date order; open follow-ups are marked OPEN."""
    path = _log_path(case_file, log_file)
    if kind is not None:
        problems: list[Problem] = []
        kind = _store().ENTRY_SCHEMA.fields["kind"].check(kind, "--kind", problems)
        if problems:
            raise IepkitError(str(problems[0]))
    start = _day("--since", since)
    book = _store().read_log(path)
    entries = []
    if book is not None:
        with book:
            entries = book.entries()
    entries = [e for e in entries if (kind is None or e.kind == kind) and (start is None or e.date >= start)]
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False))
        return
    where = _where(case_file, log_file)
    if book is None:
        _say(f"No log yet at {path}. Add the first entry with: iepkit log add {where}")
        return
    cols, today = textout.width(), _dt.date.today()
    shown = "" if kind is None and start is None else " shown"
    lines = textout.wrap(f"Communication log {path}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
                         f"{shown}", cols) + [""]
    for e in entries:
        lines += _entry_lines(e, cols, full=False, today=today) + [""]
    open_count = sum(e.follow_up_open for e in entries)
    if open_count:
        lines += textout.wrap(f"{open_count} follow-up{'s are' if open_count != 1 else ' is'} still open. "
                              f"When one is done: iepkit log edit ID --done {where}", cols)
    click.echo("\n".join(lines).rstrip("\n"))


def _one(path: Path) -> Any:
    book = _store().read_log(path)
    if book is None:
        raise IepkitError(f"{path}: there is no log here yet (iepkit log add starts one)")
    return book


@log.command("show")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help=CASE_HELP)
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), help=LOG_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(entry_id: int, case_file: Path | None, log_file: Path | None, as_json: bool) -> None:
    """Show one entry in full, with its attached files and whether the originals have changed."""
    path = _log_path(case_file, log_file)
    with _one(path) as book:
        versions = book.history(entry_id)
        folder = book.files
    e = versions[-1]
    if as_json:
        data = e.as_dict()
        for item, a in zip(data["attachments"], e.attachments):
            item.update(copy=a.copy_status(folder), original=a.original_status())
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    cols = textout.width()
    lines = _entry_lines(e, cols, full=True, today=_dt.date.today())
    lines += textout.wrap(_store().shown_time(e.created_at), cols, indent="  Added: ", hang="    ")
    if e.edited:
        lines += textout.wrap(f"{_store().shown_time(e.recorded_at)} (version {e.version}; earlier versions: iepkit log "
                              f"history {e.id} {_where(case_file, log_file)})", cols,
                              indent="  Last edited: ", hang="    ")
    for a in e.attachments:
        lines += textout.wrap(a.original_name, cols, indent="  Attached: ", hang="    ")
        lines += textout.wrap(f"{a.sha256}, {a.size} bytes", cols, indent="    SHA-256: ", hang="      ")
        # The copy is named by its SHA-256 (shown above), so the folder is enough to find it.
        lines += textout.wrap(f"{a.copy_status(folder)}, in {folder}{os.sep}", cols, indent="    Copy: ",
                              hang="      ")
        lines += textout.wrap(a.original_status(), cols, indent="    Original: ", hang="      ")
    click.echo("\n".join(lines))


@log.command("history")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help=CASE_HELP)
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), help=LOG_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: every version, oldest first.")
def history(entry_id: int, case_file: Path | None, log_file: Path | None, as_json: bool) -> None:
    """Show every version of one entry, oldest first, each with the time it was written."""
    path = _log_path(case_file, log_file)
    with _one(path) as book:
        versions = book.history(entry_id)
    if as_json:
        click.echo(json.dumps([v.as_dict() for v in versions], indent=2, ensure_ascii=False))
        return
    cols, today = textout.width(), _dt.date.today()
    lines: list[str] = []
    for v in versions:
        lines += textout.wrap(f"Version {v.version}, written {_store().shown_time(v.recorded_at)}"
                              + (" (the first)" if v.version == 1 else "")
                              + (" (the latest)" if v is versions[-1] and v.version > 1 else ""), cols)
        lines += [f"  {line}" if line else line for line in _entry_lines(v, cols - 2, full=True, today=today)]
        lines.append("")
    click.echo("\n".join(lines).rstrip("\n"))


@log.command("edit")
@click.argument("entry_id", metavar="ID", type=int)
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help=CASE_HELP)
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), help=LOG_HELP)
@click.option("--date", "date", metavar="YYYY-MM-DD", help="A new day.")
@click.option("--time", "time", metavar="HH:MM", help="A new time.")
@click.option("--kind", "kind", metavar="KIND", help=_KIND_HELP)
@click.option("--with", "with_", metavar="WHO", help="Who it was with.")
@click.option("--summary", "summary", metavar="TEXT", help="What was said, asked or agreed.")
@click.option("--follow-up", "follow_up", metavar="YYYY-MM-DD", help="A new follow-up day (shown as OPEN).")
@click.option("--done", is_flag=True, help="The follow-up is done: it is no longer shown as OPEN.")
@click.option("--event", "event", metavar="EVENT_TYPE", help="The kind of event this day starts deadlines for.")
@click.option("--no-event", is_flag=True, help="This entry starts no deadline after all.")
@click.option("--attach", "attach", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Another file to keep a copy of with the entry.")
def edit(entry_id: int, case_file: Path | None, log_file: Path | None, date: str | None, time: str | None,
         kind: str | None, with_: str | None, summary: str | None, follow_up: str | None, done: bool,
         event: str | None, no_event: bool, attach: tuple[Path, ...]) -> None:
    """Correct or complete an entry. The earlier version is kept, with the time each was written.

    Give only what changes. Nothing in the log is ever deleted: iepkit log
    history ID shows every version.
    """
    path = _log_path(case_file, log_file)
    changes = {k: v for k, v in (("date", date), ("time", time), ("kind", kind), ("with", with_),
                                 ("summary", summary), ("follow-up", follow_up), ("event", event)) if v is not None}
    if event is not None and no_event:
        raise IepkitError("--event and --no-event say opposite things: give one of them")
    if not changes and not done and not no_event and not attach:
        raise IepkitError("nothing to change: give at least one of --date, --time, --kind, --with, --summary, "
                          "--follow-up, --done, --event, --no-event or --attach")
    _check_given(changes)
    with _one(path) as book:
        pass  # checked read-only first: a foreign or damaged file is refused before any write
    with _store().open_log(path) as book:
        entry = book.edit(entry_id, changes, clear=("event",) if no_event else (),
                          done=True if done else None, attach=list(attach))
    _say(f"Saved version {entry.version} of entry {entry.id}; the earlier version"
         f"{'s are' if entry.version > 2 else ' is'} kept (iepkit log history {entry.id} "
         f"{_where(case_file, log_file)}).")


@log.command("export")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path), help=CASE_HELP)
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), help=LOG_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write, ending in .pdf or .docx (to print), .html, or .csv (for a spreadsheet).")
def export(case_file: Path | None, log_file: Path | None, output: Path) -> None:
    """Write the log to print and bring to mediation, a meeting or a hearing.

    Laid out like the Starter Kit's log pages: every entry in date order, its
    latest version (edited ones are marked), open follow-ups marked OPEN.
    """
    from . import api
    from .logexport import LOG_FORMATS

    fmt, problems, note = choose_format(output, None, LOG_FORMATS, what="a log")
    problems = output_problems(output) + problems
    if problems:
        raise IepkitError("\n".join(problems))
    path = _log_path(case_file, log_file)
    student = api.load_case(case_file).get("student.name") if case_file is not None else None
    entries = api.log_entries(path)
    api.write_log(output, entries, fmt=fmt, student_name=student)
    click.echo(f"Wrote {output} ({len(entries)} entr{'y' if len(entries) == 1 else 'ies'})", err=True)
    if note:
        click.echo(f"note: {note}", err=True)
