"""The ``iepkit`` command. It parses arguments, calls ``iepkit.api`` and prints.

Kept light at import time: WeasyPrint is loaded only when a PDF is written.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Sequence

import click

from . import __version__
from .errors import IepkitError

STATE_HELP = ("State code or name, any case: MS, ms or Mississippi. "
              "May be left out when only one state is installed.")


def _api():
    from . import api
    return api


def _registry():
    reg = _api().registry()
    for warning in reg.host.warnings():
        click.echo(f"warning: {warning}", err=True)
    return reg


def _listing(state: str | None, fetch: Any, as_json: bool) -> tuple[Any, list] | None:
    """Find the state and fetch its items; with --json print them and return None."""
    _registry()
    api = _api()
    st = api.resolve_state(state, None)
    items = fetch(api, st.code)
    if as_json:
        _print_json([api.to_jsonable(x) for x in items])
        return None
    return st, items


def _say(prefix: str, text: str) -> None:
    """Print text wrapped to the terminal, continuation lines under the first."""
    import shutil
    import textwrap

    width = max(40, min(100, shutil.get_terminal_size((100, 24)).columns))
    click.echo(textwrap.fill(text, width, initial_indent=prefix, subsequent_indent=" " * len(prefix)))


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    click.echo(line.rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip())


class _Group(click.Group):
    """Turns IepkitError into one message on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IepkitError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iepkit")
def cli() -> None:
    """Letters, deadlines and guides for special-education disputes under IDEA.

    Works offline; nothing you type leaves your computer. Good places to start:

    \b
      iepkit kit --state MS -o kit.pdf           the printable Starter Kit
      iepkit recommend --state MS                which process fits, and why
      iepkit letter mediation-request --case my-case.yaml -o request.pdf
      iepkit deadlines --case my-case.yaml       every deadline, with its rule
    """


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def states(as_json: bool) -> None:
    """List the installed state plugins."""
    reg = _registry()
    rows = []
    for st in reg.sorted_states():
        info = reg.host.infos.get(reg.state_plugin[st.code])
        rows.append({"code": st.code, "name": st.name, "plugin": info.name if info else None,
                     "package": info.package if info else None, "version": info.version if info else None})
    if as_json:
        _print_json(rows)
        return
    if not rows:
        click.echo("No state plugins are loaded.")
        return
    _table([[r["code"], r["name"], r["package"] or "", r["version"] or ""] for r in rows],
           ["CODE", "NAME", "PACKAGE", "VERSION"])


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def plugins(as_json: bool) -> None:
    """List the plugins found, the hooks each implements, and any that failed."""
    reg = _registry()
    infos = sorted(reg.host.infos.values(), key=lambda i: i.name)
    if as_json:
        _print_json([i.as_dict() for i in infos])
        return
    for info in infos:
        head = f"{info.name} ({info.package}{' ' + info.version if info.version else ''})"
        click.echo(head)
        if info.error:
            click.echo(f"  FAILED: {info.error}")
        else:
            click.echo("  hooks: " + (", ".join(info.hooks) or "(none)"))


@cli.command()
@click.option("--state", "state", help=STATE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with every fact and its citations.")
def processes(state: str, as_json: bool) -> None:
    """List a state's dispute-resolution processes."""
    got = _listing(state, lambda api, code: api.processes(code), as_json)
    if got is None:
        return
    st, items = got
    for p in items:
        click.echo(f"{p.id}: {p.name}")
        click.echo(f"  {p.summary}")
        if p.letter:
            click.echo(f"  Letter: iepkit letter {p.letter} --state {st.code}")
        click.echo("")


@cli.command()
@click.option("--state", "state", help=STATE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with each letter's required elements.")
def letters(state: str, as_json: bool) -> None:
    """List the letters a state plugin can write."""
    got = _listing(state, lambda api, code: api.letters(code), as_json)
    if got is None:
        return
    _table([[x.id, x.title] for x in got[1]], ["TYPE", "TITLE"])


@cli.command()
@click.option("--state", "state", help=STATE_HELP)
@click.option("--kind", type=click.Choice(["guide", "checklist", "worksheet", "script"]),
              help="Only this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def guides(state: str, kind: str | None, as_json: bool) -> None:
    """Print a state's guides, checklists, worksheets and scripts for parents."""
    got = _listing(state, lambda api, code: api.guides(code, kind), as_json)
    if got is None:
        return
    st, items = got
    for g in items:
        click.echo(f"{g.title} ({g.kind})")
        click.echo(g.intro)
        for sec in g.sections:
            if sec.heading:
                click.echo(f"\n  {sec.heading}")
            for para in sec.paragraphs:
                click.echo(f"  {para}")
            for item in sec.points:
                mark = f" [Unverified. {st.unverified_notice}]" if not item.verified else ""
                box = "[ ] " if g.kind == "checklist" else "- "
                click.echo(f"  {box}{item.text} ({item.citations}){mark}")
            for f in sec.fill_in:
                click.echo(f"  {f.label}: ____________________")
            for c in sec.checkboxes:
                click.echo(f"  [ ] {c}")
        click.echo("")


@cli.command()
@click.option("--state", "state", help=STATE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with every citation.")
def compare(state: str, as_json: bool) -> None:
    """Compare a state's processes side by side: who files, cost, who decides, timelines..."""
    _registry()
    api = _api()
    st = api.resolve_state(state, None)
    table = api.compare(st.code)
    if as_json:
        _print_json(table)
        return
    names = {p["id"]: p["name"] for p in table["processes"]}
    for row in table["rows"]:
        click.echo(row["label"].upper())
        for pid, cell in row["cells"].items():
            cites = "; ".join(c["ref"] for c in cell["cite"])
            mark = " [Unverified]" if not cell["verified"] else ""
            click.echo(f"  {names[pid]}: {cell['text']} ({cites}){mark}")
        click.echo("")
    click.echo(f"[Unverified]: {st.unverified_notice}")


def _interactive() -> bool:
    """Whether a person is at a terminal to answer questions."""
    return sys.stdin.isatty()


def _ask(key: str, api) -> object:
    """Ask one recommender question at the terminal, with a default and validation."""
    from .case import ISSUE_TYPES
    from .errors import InputError

    question = api.QUESTIONS[key]
    click.secho(api.QUESTION_HELP[key], dim=True)
    if key == "issues":
        click.echo(question)
        ids = list(ISSUE_TYPES)
        for i, (issue, label) in enumerate(ISSUE_TYPES.items(), start=1):
            click.echo(f"  {i:2}. {issue}: {label}")
        while True:
            raw = click.prompt("Numbers or ids, separated by commas", default="1")
            picked = []
            for part in (p.strip() for p in raw.split(",") if p.strip()):
                if part.isdigit() and 1 <= int(part) <= len(ids):
                    picked.append(ids[int(part) - 1])
                elif part in ISSUE_TYPES:
                    picked.append(part)
                else:
                    picked = []
                    break
            if picked:
                return picked
            click.echo("Please give numbers from the list, or issue ids.")
    if key == "relationship":
        return click.prompt(question, type=click.Choice(["working", "strained", "broken"]), default="strained")
    if key in ("violation_date", "known_date"):
        while True:
            raw = click.prompt(question + " Leave empty to skip", default="", show_default=False)
            if not raw.strip():
                return None
            try:
                return api.parse_answers({key: raw.strip()}, "your answer")[key]
            except InputError as exc:
                click.echo(str(exc.problems[0]))
    default = {"school_willing_to_talk": True, "urgent": False}.get(key, False)
    return click.confirm(question, default=default)


@cli.command()
@click.option("--state", "state", help=STATE_HELP + " Not needed with --case.")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Your case file: its issue types, events and `answers` section are used.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A YAML file of answers (keys: " + ", ".join(
                  ["issues", "school_willing_to_talk", "relationship", "bad_faith_evidence",
                   "want_formal_finding", "urgent", "violation_date", "known_date"]) + ").")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Measure filing limits from this date.")
@click.option("--json", "as_json", is_flag=True, help="Print the ranked list as JSON.")
def recommend(state: str | None, case_file: Path | None, answers_file: Path | None, today_text: str | None,
              as_json: bool) -> None:
    """Which process fits your situation, and why.

    In a terminal, asks each question it has no answer for. When input is not
    a terminal it never asks: it says which answers are missing.
    """
    today = _parse_day("--today", today_text)
    _registry()
    api = _api()
    case = api.load_case(case_file) if case_file else None
    answers = api.load_answers(answers_file) if answers_file else {}
    st = api.resolve_state(state, case)
    merged = api.gather_answers(case, answers)
    missing = [k for k in api.QUESTIONS if k not in merged]
    required = [k for k in missing if k not in api.OPTIONAL_ANSWERS]
    if required and not _interactive():
        raise IepkitError("these answers are missing, and there is no terminal to ask them in:\n"
                          + "\n".join(f"  - {k}: {api.QUESTIONS[k]}" for k in required)
                          + "\nPut them in a YAML file and pass --answers FILE (see `iepkit recommend --help`).")
    if missing and _interactive() and not as_json:
        click.echo(f"A few questions about your situation ({st.name}). Press Enter for the default.\n")
        for key in missing:
            value = _ask(key, api)
            if value is not None:
                answers[key] = value
    result = api.recommend(state=st.code, case=case, answers=answers, today=today)
    if as_json:
        _print_json(result.as_list())
        return
    click.echo(f"\nWhich process fits ({st.name}), as of {result.today.isoformat()}:\n")
    for r in result.ranked:
        click.echo(f"{r.rank}. {r.name}" + ("" if r.available else "  (NOT AVAILABLE)"))
        if r.unavailable_reason:
            _say("   ", r.unavailable_reason)
        for reason in r.reasons:
            _say("   + ", reason)
        for caution in r.cautions:
            _say("   ! ", caution)
        for c in r.cannot_do:
            _say("   - Keep in mind: ", f"{c.text} ({c.citations})")
        click.echo("")
    if result.combinations:
        click.echo("Tools you can combine:")
        for c in result.combinations:
            _say("   * ", f"{c.statement.text} ({c.statement.citations})")


@cli.command()
@click.option("--state", "state", help=STATE_HELP + " Not needed with --case.")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Fill the kit with your family's details, recommendation and deadlines.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Answers for the recommendation (see `iepkit recommend --help`).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default=None,
              help="pdf to print, or html: one self-contained page for screen readers and phones. "
                   "Default: from -o's extension, else pdf.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write. Default: starter-kit.pdf (or .html).")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Work out deadlines and limits from this date.")
def kit(state: str | None, case_file: Path | None, answers_file: Path | None, fmt: str | None,
        output: Path | None, today_text: str | None) -> None:
    """Write the printable Dispute Letter Starter Kit.

    Without --case it is blank, to fill in by hand. With --case it is filled
    in with your details, your recommendation and your deadlines.

    \b
    Examples:
      iepkit kit --state MS -o kit.pdf
      iepkit kit --case my-case.yaml -o my-kit.pdf
      iepkit kit --state MS --format html -o kit.html
    """
    today = _parse_day("--today", today_text)
    _registry()
    api = _api()
    if fmt is None:
        fmt = "html" if output is not None and output.suffix.lower() in (".html", ".htm") else "pdf"
    case = api.load_case(case_file) if case_file else None
    answers = api.load_answers(answers_file) if answers_file else None
    st = api.resolve_state(state, case)
    output = output or Path(f"starter-kit.{fmt}")
    api.write_kit(output, fmt=fmt, state=st.code, case=case, answers=answers, today=today)
    click.echo(f"Wrote {output}", err=True)


@cli.command()
@click.argument("letter_type", metavar="TYPE")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Your case file (YAML). Without it, the letter is a printable form with blank lines.")
@click.option("--state", "state", help=STATE_HELP + " Not needed with --case: the case's state is used.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "md", "txt"]), default=None,
              help="Output format. Default: taken from -o's extension, else pdf.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write. Default: TYPE.pdf for PDF; other formats print to the screen.")
@click.option("--blanks", is_flag=True, help="Print fill-in lines for fields the case file lacks, instead of stopping.")
@click.option("--no-notes", is_flag=True, help="Leave out the page of notes for you after the letter.")
@click.option("--force", is_flag=True,
              help="Write a complaint even though its filing limit seems to have passed.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD",
              help="The date to print on the letter and to check filing limits against. Default: today.")
def letter(letter_type: str, case_file: Path | None, state: str | None, fmt: str | None,
           output: Path | None, blanks: bool, no_notes: bool, force: bool, date_text: str | None) -> None:
    """Write a letter of type TYPE (see `iepkit letters --state MS`).

    \b
    Examples:
      iepkit letter mediation-request --case my-case.yaml -o request.pdf
      iepkit letter state-complaint --state MS --format txt
    """
    letter_date = _parse_day("--date", date_text)
    _registry()
    api = _api()
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = {"htm": "html", "markdown": "md", "text": "txt"}.get(suffix, suffix)
        if fmt not in api.FORMATS:
            fmt = "pdf"
    # A case with problems is reported with every field this letter needs, in one message.
    case = api.load_case_for_letter(case_file, letter_type, blanks=blanks) if case_file else None
    state_obj = api.resolve_state(state, case)
    if case is not None:
        # Filing after the limit can cost the family its remedy: stop unless --force.
        limit_note = api.check_filing_limit(letter_type, case, today=letter_date, force=force)
        if limit_note:
            click.echo(f"note: {limit_note}", err=True)
    rendered = api.prepare_letter(letter_type, state=state_obj.code, case=case, blanks=blanks,
                                  notes=not no_notes, today=letter_date)
    from .letters import to_format
    data = to_format(rendered, fmt)
    if output is None and fmt == "pdf":
        output = Path(f"{letter_type}.pdf")
    if output is None:
        click.echo(data, nl=False)
    else:
        from .fileio import write_atomic
        write_atomic(output, data)
        click.echo(f"Wrote {output}", err=True)
    if rendered.missing:
        click.echo(f"note: {len(rendered.missing)} field(s) were left as blank lines to fill in by hand.", err=True)
    if rendered.unverified:
        where = "run without --no-notes to list them" if no_notes else "see the notes page"
        click.echo(f"note: {len(rendered.unverified)} detail(s) behind this letter are unverified; {where}.",
                   err=True)


def _parse_day(option: str, text: str | None) -> Any:
    import datetime as _dt
    import re
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return _dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    raise IepkitError(f"{option}: expected a real date written YYYY-MM-DD, like 2026-12-01")


@cli.command()
@click.option("--case", "case_file", required=True, type=click.Path(path_type=Path),
              help="Your case file (YAML), with an events list of {type, date}.")
@click.option("--today", "today_text", metavar="YYYY-MM-DD",
              help="Count days left from this date instead of today.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per deadline.")
@click.option("--ics", "ics_file", type=click.Path(path_type=Path),
              help="Also write the deadlines to this calendar file (.ics), with reminders.")
@click.option("--explain", "rule_id", metavar="RULE", help="Show how one deadline was worked out, step by step.")
def deadlines(case_file: Path, today_text: str | None, as_json: bool, ics_file: Path | None,
              rule_id: str | None) -> None:
    """Work out the deadlines that the events in your case start.

    Each deadline shows its rule and citation; rules that could not be
    confirmed are marked [Unverified].

    \b
    Examples:
      iepkit deadlines --case my-case.yaml
      iepkit deadlines --case my-case.yaml --ics deadlines.ics
      iepkit deadlines --case my-case.yaml --explain hearing-decision
    """
    today = _parse_day("--today", today_text)
    _registry()
    api = _api()
    case = api.load_case(case_file)
    report = api.deadlines(case, today=today)
    chosen = api.explain(case, rule_id, today=today) if rule_id else None
    if ics_file is not None:
        api.write_ics(ics_file, report.deadlines)
        click.echo(f"Wrote {ics_file}", err=True)
    if chosen is not None:
        if as_json:
            _print_json(chosen.as_dict())
        else:
            click.echo(api.explain_text(chosen))
        return
    if as_json:
        _print_json([d.as_dict() for d in report.deadlines])
        return
    from .deadlines import UNVERIFIED, fmt
    click.echo(f"Deadlines from {case.source}, as of {fmt(report.today)}")
    click.echo("")
    if report.deadlines:
        rows = [[d.rule, d.label + (f" {UNVERIFIED}" if not d.verified else ""),
                 f"{d.trigger} {fmt(d.trigger_date)}", fmt(d.due) if d.due else "-", d.when,
                 d.citations[0] + (f" (+{len(d.citations) - 1} more)" if len(d.citations) > 1 else "")]
                for d in report.deadlines]
        _table(rows, ["RULE", "DEADLINE", "TRIGGER", "DUE", "DAYS LEFT", "CITATION"])
    else:
        click.echo("No deadlines yet: the case lists no event that starts one.")
    click.echo("")
    if any(not d.verified for d in report.deadlines):
        st = api.resolve_state(None, case)
        click.echo(f"{UNVERIFIED}: could not be confirmed in a primary source. {st.unverified_notice}")
    # An event no rule counts from (a reevaluation request) must not vanish silently.
    from .events import EVENT_NOTES
    for event, day in report.uncounted.items():
        text, cites = EVENT_NOTES.get(event, ("", ()))
        _say("", f"No fixed deadline starts from {event} ({fmt(day)})."
                 + (f" {text} ({'; '.join(cites)})" if text else ""))
    if report.waiting:
        needed: dict[str, list[str]] = {}
        for rule, event in report.waiting.items():
            needed.setdefault(event, []).append(rule)
        click.echo("More deadlines start when the case lists these events: "
                   + "; ".join(f"{e} ({', '.join(r)})" for e, r in needed.items()) + ".")
    click.echo("Dates are not moved off weekends or holidays unless a rule says so. To see how a date "
               f"was worked out, with every source: iepkit deadlines --case {case_file} --explain RULE")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: load plugin commands, then run."""
    try:
        from . import api
        reg = api.registry()
        reg.host.call_each("register_commands", lambda name: (lambda *a: None), cli=cli)
    except IepkitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    cli.main(args=list(argv) if argv is not None else None, prog_name="iepkit")


if __name__ == "__main__":  # pragma: no cover
    main()
