"""The ``iepkit`` command. It parses arguments, calls ``iepkit.api`` and prints.

Kept light at import time: WeasyPrint is loaded only when a PDF is written.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import click

from .errors import IepkitError
from .filepaths import KIT_FORMATS, choose_format, input_problems, output_problems, require_ending
from .render import FORMATS
from . import textout

STATE_HELP = ("State code or name as `iepkit states` lists it, in any case. "
              "May be left out when only one state is installed.")


def _api():
    from . import api
    return api


def _registry():
    from .registry import process_registry  # not through api: `iepkit states` needs no more
    reg = process_registry()
    for warning in reg.host.warnings():
        click.echo(f"warning: {warning}", err=True)
    # A state's content is read when first used: a plugin that fails then is told then.
    from .plugins import warning
    reg.host.on_broken = lambda info: click.echo(f"warning: {warning(info)}", err=True)
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
    click.echo("\n".join(textout.wrap(text, min(100, textout.width()), indent=prefix)))


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _stop_for(problems: Sequence[str]) -> None:
    """Stop before any work when a file given cannot be right, listing every such problem."""
    if len(problems) == 1:
        raise IepkitError(problems[0])
    if problems:
        raise IepkitError(f"{len(problems)} problems with the files given:\n"
                          + "\n".join(f"  - {p}" for p in problems))


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
            click.echo(f"error: {exc}{_cli_hints(exc)}", err=True)
            ctx.exit(exc.exit_code)


def _cli_hints(exc: IepkitError) -> str:
    """The flags and commands that help, added here: the library's own messages name none."""
    from .errors import InputError
    if not isinstance(exc, InputError):
        return f" {exc.cli_hint}" if exc.cli_hint else ""
    from .lettercheck import cli_hints
    return cli_hints(exc)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # Looked up only when asked for: finding the installed version is not free at start-up.
    if value and not ctx.resilient_parsing:
        from . import __version__
        click.echo(f"iepkit, version {__version__}")
        ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
def cli() -> None:
    """Letters, deadlines and guides for special-education disputes under IDEA.

    Works offline; nothing you type leaves your computer. Good places to start:

    \b
      iepkit init                                your case file, from questions
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


#: Exit code of `iepkit plugins` when a plugin failed to load (2 stays "your input is wrong").
PLUGIN_FAILED_EXIT = 1


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (each plugin's error is null when it loaded).")
def plugins(as_json: bool) -> None:
    """List the plugins found, the hooks each implements, and any that failed.

    It reads every state's files (other commands read a state's files only
    when they use it), so a state whose files are wrong is listed here.
    Exits with code 1 when any plugin failed to load, saying why, so a
    plugin's CI can catch it; 0 when every plugin loaded.
    """
    from .registry import process_registry
    process_registry().load_all()  # every plugin's content, so a state whose files are wrong is listed
    reg = _registry()
    infos = sorted(reg.host.infos.values(), key=lambda i: i.name)
    if as_json:
        _print_json([i.as_dict() for i in infos])
    elif not infos:
        from .plugins import LOAD_ENV
        click.echo(f"No plugins were loaded: {LOAD_ENV} names none that are installed." if LOAD_ENV in os.environ
                   else "No plugins are installed.")
    cols = textout.width()
    for info in infos if not as_json else ():
        head = f"{info.name} ({info.package}{' ' + info.version if info.version else ''})"
        click.echo(head)
        if info.error:
            click.echo("\n".join(textout.wrap(info.error, cols, indent="  FAILED: ", hang="    ")))
        else:
            click.echo("\n".join(textout.wrap(", ".join(info.hooks) or "(none)", cols, indent="  hooks: ",
                                              hang="    ")))
    failed = [i for i in infos if i.error]
    if failed:
        click.echo(f"error: {len(failed)} plugin{'s' if len(failed) != 1 else ''} failed to load: "
                   + "; ".join(f"{i.name} {i.error}" for i in failed), err=True)
        click.get_current_context().exit(PLUGIN_FAILED_EXIT)


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
    """List the letters a state plugin can write: what each is for, and the TYPE to write it."""
    got = _listing(state, lambda api, code: api.letters(code), as_json)
    if got is None:
        return
    st, items = got
    cols = min(100, textout.width())
    lines = textout.wrap(f"Letters for {st.name} ({len(items)})", cols)
    # A letter tied to a process starts a dispute; the others build the paper trail before one.
    groups = (("Before a dispute: ask in writing, and keep the paper trail",
               [x for x in items if not x.process]),
              ("To start a dispute process", [x for x in items if x.process]))
    for heading, group in groups:
        if not group:
            continue
        lines += ["", *textout.wrap(heading, cols), ""]
        for x in group:
            lines += textout.wrap(x.title, cols, indent="  ", hang="  ")
            lines += textout.wrap(x.purpose, cols, indent="    ", hang="    ")
            lines += textout.wrap(f"TYPE: {x.id}", cols, indent="    ", hang="    ")
    lines += ["", *textout.wrap(f"Write one: iepkit letter TYPE --case my-case.yaml. A blank form to fill in "
                                f"by hand: iepkit letter TYPE --state {st.code}.", cols)]
    click.echo("\n".join(lines))



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


@cli.command()
@click.option("--state", "state", help=STATE_HELP + " Not needed with --case.")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Your case file: its issue types, events and `answers` section are used.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A YAML file of answers (keys: " + ", ".join(
                  ["issues", "school_willing_to_talk", "relationship", "bad_faith_evidence",
                   "want_formal_finding", "urgent", "violation_date", "known_date"]) + ").")
@click.option("--save-answers", "save_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Save every answer (from the case, --answers and the questions) to this file, ending "
                   "in .yaml, so next time --answers FILE gives them without typing them again.")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Measure filing limits from this date.")
@click.option("--json", "as_json", is_flag=True, help="Print the ranked list as JSON.")
def recommend(state: str | None, case_file: Path | None, answers_file: Path | None, save_file: Path | None,
              today_text: str | None, as_json: bool) -> None:
    """Which process fits your situation, and why.

    In a terminal, asks each question it has no answer for; answers may be
    typed in any case, and only questions marked optional can be skipped with
    Enter. When input is not a terminal it never asks: it says which answers
    are missing.

    \b
    Examples:
      iepkit recommend --case my-case.yaml --save-answers answers.yaml
      iepkit recommend --case my-case.yaml --answers answers.yaml
    """
    today = _parse_day("--today", today_text)
    _stop_for(input_problems(case_file) + input_problems(answers_file) + output_problems(save_file)
              + require_ending(save_file, "yaml", what="an answers file"))
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
        from .prompts import ask
        _say("", f"A few questions about your situation ({st.name}). Questions marked "
                 "(optional) can be skipped by pressing Enter.")
        click.echo("")
        for key in missing:
            value = ask(key)
            if value is not None:
                answers[key] = value
            click.echo("")
    if save_file is not None:
        api.write_answers(save_file, api.gather_answers(case, answers))
        click.echo(f"Wrote {save_file} (use it next time with --answers {save_file})", err=True)
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
@click.option("--format", "fmt", type=click.Choice(list(KIT_FORMATS)), default=None,
              help="pdf to print, html: one self-contained page for screen readers and phones, or "
                   "docx: the kit's letters as a Word file to edit. "
                   "Default: from -o's ending (.pdf, .html, .docx), else pdf. It must agree with -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, ending in .pdf, .html or .docx (any other ending is an error). "
                   "Default: starter-kit.pdf (or .html, .docx).")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Work out deadlines and limits from this date.")
def kit(state: str | None, case_file: Path | None, answers_file: Path | None, fmt: str | None,
        output: Path | None, today_text: str | None) -> None:
    """Write the printable Dispute Letter Starter Kit.

    Without --case it is blank, to fill in by hand. With --case it is filled
    in with your details and starts from your situation: your deadlines of
    every kind (overdue ones first), then the process your answers point to,
    with its action plan and worksheet, before the others.

    \b
    Examples:
      iepkit kit --state MS -o kit.pdf
      iepkit kit --case my-case.yaml -o my-kit.pdf
      iepkit kit --state MS --format html -o kit.html
    """
    today = _parse_day("--today", today_text)
    fmt, problems, note = choose_format(output, fmt, KIT_FORMATS, what="the kit")
    _stop_for(input_problems(case_file) + input_problems(answers_file) + output_problems(output) + problems)
    _registry()
    api = _api()
    case = api.load_case(case_file) if case_file else None
    answers = api.load_answers(answers_file) if answers_file else None
    st = api.resolve_state(state, case)
    output = output or Path(f"starter-kit.{fmt}")
    api.write_kit(output, fmt=fmt, state=st.code, case=case, answers=answers, today=today)
    click.echo(f"Wrote {output}", err=True)
    if note:
        click.echo(f"note: {note}", err=True)


@cli.command()
@click.argument("letter_type", metavar="TYPE")
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Your case file (YAML). Without it, the letter is a printable form with blank lines.")
@click.option("--state", "state", help=STATE_HELP + " Not needed with --case: the case's state is used.")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              help="Output format (docx: a Word file you can edit). Default: taken from -o's ending "
                   "(.pdf, .html, .md, .txt, .docx), else pdf. "
                   "It must agree with -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write, ending in .pdf, .html, .md, .txt or .docx (any other ending is an "
                   "error). Default: TYPE.pdf for PDF, TYPE.docx for Word; other formats print to the screen.")
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
    fmt, problems, format_note = choose_format(output, fmt, FORMATS, what="a letter")
    _stop_for(input_problems(case_file) + output_problems(output) + problems)
    _registry()
    api = _api()
    if case_file is not None:
        # Every problem at once: the case's own, the fields this letter needs, and a filing limit
        # that has passed (filing late can cost the family its remedy: stop unless --force).
        checked = api.check_letter(case_file, letter_type, blanks=blanks, force=force, today=letter_date,
                                   notes=not no_notes)
        api.resolve_state(state, checked.case)  # --state may repeat the case's state; a different one is an error
        if checked.note:
            from .lettercheck import FORCED
            click.echo(f"note: {checked.note.replace(FORCED, ' Writing the letter anyway because of --force.')}",
                       err=True)
        rendered = checked.rendered
    else:
        rendered = api.prepare_letter(letter_type, state=api.resolve_state(state, None).code, blanks=blanks,
                                      notes=not no_notes, today=letter_date)
    from .letters import to_format
    data = to_format(rendered, fmt)
    if output is None and fmt in ("pdf", "docx"):
        output = Path(f"{letter_type}.{fmt}")  # a file, not bytes on the screen
    if output is None:
        click.echo(data, nl=False)
    else:
        from .fileio import write_atomic
        write_atomic(output, data)
        click.echo(f"Wrote {output}", err=True)
        if format_note:
            click.echo(f"note: {format_note}", err=True)
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
@click.option("--case", "case_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Your case file (YAML), with an events list of {type, date}: shows your deadlines.")
@click.option("--state", "state",
              help="Instead of a case: list this state's deadline rules, how long each one is and its "
                   "sources. " + STATE_HELP)
@click.option("--today", "today_text", metavar="YYYY-MM-DD",
              help="Count days left (and set calendar reminders) from this date instead of today.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per deadline (or per rule).")
@click.option("--ics", "ics_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the deadlines to this calendar file, ending in .ics. Reminders (at 9:00) "
                   "come a month, two weeks and a week before a long limit, so there is time to mail a "
                   "letter, and days before a short one. None is set in the past; a deadline already "
                   "missed is titled OVERDUE.")
@click.option("--label", "label", metavar="TEXT",
              help="With --ics: start each calendar title with a short label for this case, like "
                   "\"JR: Yearly IEP review\", to tell families apart. Calendars often sync to online "
                   "services, so use initials or a nickname, not your child's name. Up to 20 characters.")
@click.option("--explain", "rule_id", metavar="RULE",
              help="Show how one deadline was worked out, step by step (with --state: the rule itself).")
def deadlines(case_file: Path | None, state: str | None, today_text: str | None, as_json: bool,
              ics_file: Path | None, label: str | None, rule_id: str | None) -> None:
    """Work out the deadlines that the events in your case start.

    Each deadline shows its rule and citation; rules that could not be
    confirmed are marked [Unverified]. Without a case (--state, or nothing
    when only one state is installed) it lists the state's rules instead.

    \b
    Examples:
      iepkit deadlines --case my-case.yaml
      iepkit deadlines --case my-case.yaml --ics deadlines.ics --label JR
      iepkit deadlines --case my-case.yaml --explain hearing-decision
      iepkit deadlines --state MS
    """
    today = _parse_day("--today", today_text)
    problems = input_problems(case_file) + output_problems(ics_file)
    problems += require_ending(ics_file, "ics", what="a calendar file")
    if case_file is None:
        given = [name for name, value in (("--ics", ics_file), ("--today", today_text)) if value is not None]
        if given:
            problems.append(f"{' and '.join(given)} need{'s' if len(given) == 1 else ''} your case's dates: "
                            "add --case my-case.yaml")
    if label is not None:
        if ics_file is None:
            problems.append("--label only changes calendar titles: use it with --ics FILE")
        reason = _api().calendar_label_problem(label)
        if reason:
            problems.append(f"--label {reason}")  # never the label itself: it may be a name
    _stop_for(problems)
    _registry()
    api = _api()
    if case_file is None:
        _deadline_rules(api, api.resolve_state(state, None), rule_id, as_json)
        return
    case = api.load_case(case_file)
    api.resolve_state(state, case)  # --state may repeat the case's state; a different one is an error
    report = api.deadlines(case, today=today)
    chosen = api.explain(case, rule_id, today=today) if rule_id else None
    if ics_file is not None:
        api.write_ics(ics_file, report.deadlines, label=label)
        click.echo(f"Wrote {ics_file}", err=True)
    cols = textout.width()
    if chosen is not None:
        if as_json:
            _print_json(chosen.as_dict())
        else:
            click.echo(textout.wrap_lines(api.explain_text(chosen), cols))
        return
    if as_json:
        _print_json([d.as_dict() for d in report.deadlines])
        return
    from .deadlines import UNVERIFIED, fmt
    lines = textout.wrap(f"Deadlines from {case.source}, as of {fmt(report.today)}", cols) + [""]
    if report.deadlines:
        lines += _deadline_lines(report.deadlines, cols)
    else:
        lines.append("No deadlines yet: the case lists no event that starts one.")
    lines.append("")
    if any(not d.verified for d in report.deadlines):
        st = api.resolve_state(None, case)
        lines += textout.wrap(f"{UNVERIFIED}: could not be confirmed in a primary source. "
                              f"{st.unverified_notice}", cols)
    # An event no rule counts from (a reevaluation request) must not vanish silently.
    from .events import EVENT_NOTES
    for event, day in report.uncounted.items():
        text, cites = EVENT_NOTES.get(event, ("", ()))
        lines += textout.wrap(f"No fixed deadline starts from {event} ({fmt(day)})."
                              + (f" {text} ({'; '.join(cites)})" if text else ""), cols)
    if report.waiting:
        needed: dict[str, list[str]] = {}
        for rule, event in report.waiting.items():
            needed.setdefault(event, []).append(rule)
        lines += textout.wrap("More deadlines start when the case lists these events: "
                              + "; ".join(f"{e} ({', '.join(r)})" for e, r in needed.items()) + ".", cols)
    lines += textout.wrap("Dates are not moved off weekends or holidays unless a rule says so. To see how a "
                          f"date was worked out, with every source: iepkit deadlines --case {case_file} "
                          "--explain RULE", cols)
    click.echo("\n".join(lines))


def _deadline_lines(items: Sequence[Any], cols: int) -> list[str]:
    """The deadlines as a table when it fits the terminal, else one block each (rule id kept for --explain)."""
    from .deadlines import UNVERIFIED, fmt

    def mark(d: Any) -> str:
        return f" {UNVERIFIED}" if not d.verified else ""

    rows = [[d.rule, d.label + mark(d), f"{d.trigger} {fmt(d.trigger_date)}", fmt(d.due) if d.due else "-",
             d.when, d.citations[0] + (f" (+{len(d.citations) - 1} more)" if len(d.citations) > 1 else "")]
            for d in items]
    wide = textout.table(rows, ["RULE", "DEADLINE", "TRIGGER", "DUE", "DAYS LEFT", "CITATION"])
    if textout.fits(wide, cols):
        return wide
    lines: list[str] = []
    for d in items:
        due = f"{fmt(d.due)} ({d.when})" if d.due else f"not worked out yet: {d.when}"
        lines += textout.block(d.label + mark(d), [
            ("Due", due), ("Starts from", f"{d.trigger} on {fmt(d.trigger_date)}"),
            ("Rule", d.rule), ("Sources", "; ".join(d.citations))], cols) + [""]
    return lines[:-1]


def _deadline_rules(api: Any, st: Any, rule_id: str | None, as_json: bool) -> None:
    """`iepkit deadlines --state XX`: the state's rules, how long each is, and their sources."""
    from .deadlines import UNVERIFIED

    cols = textout.width()
    if rule_id:
        rule = api.deadline_rule(st.code, rule_id)
        if as_json:
            _print_json(api.deadline_rule_dict(rule))
        else:
            click.echo(textout.wrap_lines(api.deadline_rule_text(rule), cols))
        return
    rules = api.deadline_rules(st.code)
    if as_json:
        _print_json([api.deadline_rule_dict(r) for r in rules])
        return
    lines = textout.wrap(f"Deadline rules for {st.name} ({len(rules)})", cols) + [""]
    for rule in rules:
        info = api.deadline_rule_dict(rule)
        mark = f" {UNVERIFIED}" if not info["verified"] else ""
        lines += textout.block(info["label"] + mark, [
            ("How long", info["terms"]), ("Rule", rule.id), ("Whose rule", info["origin_label"]),
            ("Sources", "; ".join(info["citations"]))], cols) + [""]
    withdrawn = api.withdrawn_rules(st.code)
    if withdrawn:  # federal rules the state says do not apply there, and why
        lines += textout.wrap(f"Federal rules that do not apply in {st.name}:", cols)
        for w in withdrawn:
            cites = f" ({'; '.join(c.ref for c in w.cite)})" if w.cite else ""
            lines += textout.wrap(f"{w.id}: {w.reason}{cites}", cols, indent="  ", hang="    ")
        lines += [""]
    if any(not r.current.verified for r in rules):
        lines += textout.wrap(f"{UNVERIFIED}: could not be confirmed in a primary source. "
                              f"{st.unverified_notice}", cols)
    lines += textout.wrap(f"A rule's note and how days are counted: iepkit deadlines --state {st.code} "
                          "--explain RULE. Your own dates: iepkit deadlines --case my-case.yaml", cols)
    click.echo("\n".join(lines))


@cli.command()
@click.option("--state", "state", help="Your state, so it is not asked. " + STATE_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("my-case.yaml"),
              show_default=True, help="The case file to write, ending in .yaml.")
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
def init(state: str | None, output: Path, force: bool) -> None:
    """Make your case file by answering questions, one at a time.

    Asks about your child, you, the school district, the disagreement and
    the dates that matter, checking each answer as you type it. At the end
    you can check and change every answer before the file is written (only
    you can read it). Press Ctrl-C to stop: your answers are kept in a hidden
    file beside the case file (.my-case.yaml.init-progress), and the next run
    offers to continue. It needs a terminal; without one, copy an example
    case file instead (the README's "Your case file" says how).

    \b
    Example:
      iepkit init --state MS -o my-case.yaml
    """
    _stop_for(output_problems(output) + require_ending(output, "yaml", what="a case file"))
    _registry()
    from .initcase import run_init
    code = run_init(output, state=state, force=force, interactive=_interactive())
    if code:
        click.get_current_context().exit(code)


@cli.command("schema")
@click.argument("which", type=click.Choice(["case"]), metavar="case")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this file (a .json file); default: print it.")
def schema_command(which: str, output: Path | None) -> None:
    """Print the case file's JSON Schema, for editors that check YAML as you type.

    It is made from the same rules iepkit checks a case file with, field by
    field, with each field's description in plain words.
    """
    from .schemajson import case_json_schema

    text = json.dumps(case_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    if output.suffix.lower() != ".json":
        click.echo(f"error: {output}: a JSON Schema is written to a .json file", err=True)
        sys.exit(2)
    from .fileio import write_atomic

    write_atomic(output, text)
    click.echo(f"Wrote {output}", err=True)


@cli.command("new-state")
@click.argument("code")
@click.option("--name", "name", required=True, metavar="NAME",
              help="The state's name as people write it; quote a name with spaces.")
@click.option("-o", "--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="The folder to create (default: ./iepkit-<name>, in lower case with dashes). "
                   "It must not exist, or be empty.")
def new_state(code: str, name: str, folder: Path | None) -> None:
    """Start a new state plugin package from the state template.

    CODE is the state's two-letter postal code, like AL. The package works at
    once, with every fact a placeholder marked unverified; its README says how
    to fill them in, file by file. Nothing is written if anything is wrong.
    """
    from .newstate import next_steps, write_new_state

    reg = _registry()
    new = write_new_state(code, name, folder, installed=[(s.code, s.name) for s in reg.sorted_states()])
    click.echo("\n".join(next_steps(new)))


from .logcli import log as _log_group  # noqa: E402 - `iepkit log`, the communication log

cli.add_command(_log_group)

from .batchcli import batch as _batch_group  # noqa: E402 - `iepkit batch`, a whole caseload

cli.add_command(_batch_group)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: load plugin commands, then run."""
    try:
        # Only the plugins are imported here, not their states' content: --help and --version
        # stay as fast with fifty states as with one.
        from .plugins import process_host
        process_host().call_each("register_commands", lambda name: (lambda *a: None), cli=cli)
    except IepkitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    cli.main(args=list(argv) if argv is not None else None, prog_name="iepkit")


if __name__ == "__main__":  # pragma: no cover
    main()
