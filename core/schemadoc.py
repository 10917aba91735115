"""docs/state-files.md, written from the schemas the loader checks, so the docs cannot drift.

    python -m iepkit.schemadoc                      # print the page
    python -m iepkit.schemadoc -o docs/state-files.md
    python -m iepkit.schemadoc --check docs/state-files.md   # exit 1 if it is out of date

Every key of every file a state can hold (and of the case file) is listed
with its type, whether it is required and what it means, walked from the same
``iepkit.schema`` objects ``iepkit.statefiles``, ``iepkit.scenarios`` and
``iepkit.case`` validate with. Each file's example is taken from the state
template (``iepkit new-state``), filled in for a made-up state, and checked
against the schema here, so an example that stops being valid fails the
generator rather than misleading a contributor.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from . import case as _case
from . import scenarios as _scenarios
from . import schema as s
from . import statefiles as _sd


@dataclass(frozen=True)
class FileDoc:
    """One documented file: its name, the schema objects behind it and an example from the template."""

    name: str
    schema_names: tuple[str, ...]   # "module.NAME"; the first is the file's own, others are alternative entries
    about: str
    example: str | None = None      # the template file (relative to the package folder) to take it from
    first_item_only: bool = True


#: The files, in the order a contributor fills them in. Alternative entry kinds
#: (an amendment or withdrawal of a federal item) are listed when the loader has them.
FILES: tuple[FileDoc, ...] = (
    FileDoc("state.yaml", ("statefiles.STATE_SCHEMA",),
            "Required. The state's code and name, its special-education rules, the state education agency "
            "with the mailing address letters print, contacts, and the local words (`terms`) letters and "
            "the kit use.", "state.yaml", first_item_only=False),
    FileDoc("calendar.yaml", ("statefiles.CALENDAR_SCHEMA",),
            "Optional. Holiday additions and removals for business days, on top of the `holidays` "
            "package's federal and state lists (34 CFR 300.11(b)). Without it the package's lists are used "
            "as they are.", "calendar.yaml", first_item_only=False),
    FileDoc("deadlines.yaml", ("statefiles.DEADLINE_SCHEMA", "statefiles.DEADLINE_AMEND_SCHEMA",
                               "statefiles.WITHDRAW_SCHEMA"),
            "A list of deadline rules, one entry per version of a rule (a rule that changed on a date has "
            "one entry per version, same `id`, effective dates that do not overlap). How days are counted: "
            "core/deadlines.md. Every federal rule is inherited without being written here; a state's "
            "file holds only its overrides (a whole rule with a federal id), amendments, additions and "
            "withdrawals.", "deadlines.yaml", first_item_only=False),
    FileDoc("processes.yaml", ("statefiles.PROCESS_SCHEMA", "statefiles.PROCESS_AMEND_SCHEMA",
                               "statefiles.WITHDRAW_SCHEMA"),
            "The dispute processes, each with the facts `iepkit compare` shows (one row per key of `facts`) "
            "and its steps. Mediation, state-complaint and due-process come from the federal layer; a "
            "state's file amends them (`facts` merge row by row), replaces them, adds its own processes or "
            "withdraws one.", "processes.yaml", first_item_only=False),
    FileDoc("letters.yaml", ("statefiles.LETTER_SCHEMA", "statefiles.LETTER_AMEND_SCHEMA"),
            "Required. Each letter's metadata, the Jinja2 template it uses (under `letters/`) and the "
            "elements it must contain, each with the rule behind it; the conformance tests find every "
            "element in the text of the PDF. A whole federal letter (the records request) is inherited "
            "without being written here; an entry with `amends: federal` extends it. Template helpers: "
            "CONTRIBUTING.md.", "letters.yaml"),
    FileDoc("guides.yaml", ("statefiles.GUIDE_SCHEMA",),
            "Optional. Guides, checklists, worksheets and scripts: the Starter Kit's pages. A guide with "
            "id `which-tool` is printed above the kit's comparison of the formal processes.", "guides.yaml"),
    FileDoc("recommend.yaml", ("statefiles.RECOMMEND_SCHEMA",),
            "Optional. What the process recommender weighs: a score per process, weights that apply when "
            "the parent's answers match, and filing limits taken from deadline rules.", "recommend.yaml",
            first_item_only=False),
    FileDoc("scenarios/*.yaml", ("scenarios.SCENARIO_SCHEMA",),
            "Events in, deadlines out, worked out by hand. The conformance tests run every file.",
            "scenarios/example-case.yaml", first_item_only=False),
    FileDoc("a case file (like the ones in examples/)", ("case.CASE_SCHEMA",),
            "Not part of a state: what a parent writes once and every command reads. A state's example "
            "case, and the `sample_case` of its conformance tests, follow this format.",
            "example-case.yaml", first_item_only=False),
    FileDoc("an answers file (`iepkit recommend --answers`)", ("case.ANSWERS_SCHEMA",),
            "Not part of a state: a parent's answers to the recommender's questions. The same keys go "
            "under `answers:` in a case file."),
)

#: Schema objects that are deliberately not a file of their own.
NOT_A_FILE: frozenset[str] = frozenset()

_MODULES = {"statefiles": _sd, "scenarios": _scenarios, "case": _case}

#: Meanings for keys whose schema field has no label of its own, by key path. A path
#: that no schema has any more fails tests/test_schemadoc.py, so this cannot drift either.
MEANINGS: dict[str, str] = {
    # state.yaml
    "agency": "the state education agency",
    "agency.name": "its full name, as letters print it",
    "agency.short_name": "its short name, like the initials people use",
    "agency.office": "the office that takes mediation requests and state complaints",
    "agency.office_short": "that office's short name",
    "agency.mailing_address": "the office's mailing address, one line per entry (letters print it)",
    "agency.cite": "where the agency's name and address come from",
    "agency.verified": "whether the address was confirmed in a current primary source",
    "agency.note": "what to check, when the address is not verified",
    "terms": "the state's own words for shared ideas, like `iep_team: IEP team`",
    "contacts": "offices and organizations that help parents",
    "contacts[].id": "an id for the contact",
    "contacts[].name": "its name",
    "contacts[].purpose": "what it does for parents, in plain words",
    "contacts[].address": "its mailing address, one line per entry",
    "contacts[].phone": "its phone number",
    "contacts[].toll_free": "its toll-free number",
    "contacts[].fax": "its fax number",
    "contacts[].email": "its email address",
    "contacts[].website": "its website",
    "contacts[].cite": "where these details come from",
    "contacts[].verified": "whether they were confirmed in a current primary source",
    "contacts[].as_of": "how current the source is, like a page's date",
    "contacts[].last_checked": "when someone last checked them",
    "contacts[].note": "what to check, when not verified",
    # processes.yaml
    "id": "the item's id (a public contract: other states use the same id for the same idea)",
    "name": "its name, as parents see it",
    "summary": "what it is, in two or three plain sentences",
    "letter": "the id of the letter that starts it",
    "facts": "one statement per row of `iepkit compare`",
    "steps": "the steps, in order",
    "deadline_rules": "the ids of the deadline rules that belong to it",
    # letters.yaml
    "title": "its title, printed as the subject line",
    "process": "the id of the process it belongs to",
    "template": "the Jinja2 template, like letters/mediation-request.html",
    "last_reviewed": "when it was last checked against its sources",
    "elements": "what the letter must contain, each with the rule behind it",
    "elements[].id": "an id for the element",
    "elements[].label": "what the letter does, in plain words (the notes page lists it)",
    "elements[].cite": "the rule that requires it",
    "elements[].fields": "case fields whose values must appear in the letter",
    "elements[].phrase": "words that must appear in the letter, exactly as the template writes them",
    "elements[].when": "a case field that must be true for the element to apply",
    "elements[].verified": "whether the requirement was confirmed in a primary source",
    "notes": "advice for the parent on the notes page after the letter",
    # guides.yaml
    "intro": "a sentence or two under the title",
    "sections": "the guide's sections",
    "sections[].heading": "the section's heading",
    "sections[].paragraphs": "plain advice, one paragraph per entry (nothing the law says)",
    "sections[].points": "what the law says, each with its citation",
    "sections[].fill_in": "lines to write on (worksheets)",
    "sections[].fill_in[].label": "what to write",
    "sections[].fill_in[].from": "a case field that fills the line in a filled kit",
    "sections[].checkboxes": "boxes to tick",
    # recommend.yaml
    "options": "one entry per process the recommender scores",
    "options[].process": "the process's id",
    "options[].base": "its starting score",
    "options[].cannot_do": "what this process cannot do, each with its citation",
    "options[].filing_limit": "the deadline rule that limits when it can be filed",
    "options[].filing_limit.rule": "the deadline rule's id",
    "options[].filing_limit.answer": "the answer date the limit counts from",
    "options[].weights": "what changes the score",
    "options[].weights[].when": "the answers this weight applies to (all must match)",
    "options[].weights[].when.issues_any": "any of these issues",
    "options[].weights[].when.relationship": "any of these relationships with the school",
    "options[].weights[].when.school_willing_to_talk": "the answer to this question",
    "options[].weights[].when.bad_faith_evidence": "the answer to this question",
    "options[].weights[].when.want_formal_finding": "the answer to this question",
    "options[].weights[].when.urgent": "the answer to this question",
    "options[].weights[].score": "what to add to the score (negative to subtract)",
    "options[].weights[].reason": "why it fits, in plain words (a weight needs a reason or a caution)",
    "options[].weights[].caution": "why it may not fit, in plain words",
    "options[].weights[].cite": "the rule, when the reason or caution says what the law says",
    "combinations": "processes that can be used together",
    "combinations[].processes": "the processes' ids",
    "combinations[].text": "how they work together, in plain words",
    "combinations[].cite": "its citations",
    "combinations[].verified": "whether it was confirmed in a primary source",
    # scenarios/*.yaml
    "events[].type": "the event type",
    "events[].date": "the date",
    "school_calendar": "the school calendar, as in a case file",
    "expect[].days_left": "days left from `today`",
    "expect[].status": "the deadline's status",
    "expect[].verified": "whether the rule is verified",
    # the case file
    "answers": "answers for the recommender, as in an answers file",
}
#: The made-up state the examples are filled in for.
_EXAMPLE_TOKENS = {"__STATE_CODE__": "XX", "__STATE_NAME__": "Your State", "__SLUG__": "your_state",
                   "__DIST_NAME__": "iepkit-your-state", "__CLASS_NAME__": "YourState",
                   "__TODAY__": "2026-01-01", "__IEPKIT_VERSION__": "0.1.0"}


def schema(name: str) -> Any:
    """The schema object named "module.NAME", or None if the loader has no such schema (yet)."""
    module, attr = name.split(".")
    return getattr(_MODULES[module], attr, None)


def all_schema_names() -> set[str]:
    """Every ``*_SCHEMA`` the loader modules define: each must be documented or listed in NOT_A_FILE."""
    return {f"{m}.{n}" for m, mod in _MODULES.items() for n in vars(mod)
            if n.endswith("_SCHEMA") and isinstance(getattr(mod, n), s.Field)}


# -- describing fields -------------------------------------------------------------

def is_statement(field: s.Field) -> bool:
    """A statement record: text, cite, and optionally verified and note."""
    return isinstance(field, s.Record) and set(field.fields) == {"text", "cite", "verified", "note"}


STATEMENT = "a statement: `text`, `cite`, and optionally `verified`, `note`"


def type_words(field: s.Field) -> str:
    """What a field holds, in the words a contributor needs."""
    if is_statement(field):
        return STATEMENT
    if isinstance(field, _sd.CiteField):
        return "citations: a list of strings like `34 CFR 300.506(b)`, or `{ref, url}`"
    if isinstance(field, _sd.Count):
        return "a whole number of 1 or more"
    if isinstance(field, s.Retired):
        return "no longer accepted"
    if isinstance(field, s.Choice):
        return "one of: " + ", ".join(f"`{c}`" for c in field.choices)
    if isinstance(field, s.Date):
        return "a date, YYYY-MM-DD"
    if isinstance(field, s.Bool):
        return "yes or no"
    if isinstance(field, s.Pattern):
        return field.expected
    if isinstance(field, s.Text):
        return "text" if field.multiline else "text, one line"
    if isinstance(field, s.ListOf):
        least = f" (at least {field.min_items})" if field.min_items > 1 else ""
        if is_statement(field.item):
            return f"a list{least} of statements (`text`, `cite`, optionally `verified`, `note`)"
        if isinstance(field.item, s.Record):
            return f"a list{least} of entries with the keys below"
        return f"a list{least} of {type_words(field.item)}"
    if isinstance(field, s.Record):
        if field.allow_extra and not field.fields:
            return "keys and values of your choosing"
        return "keys below"
    # A field type added later: its own first docstring line, so it is never silently blank.
    doc = (type(field).__doc__ or type(field).__name__).strip().splitlines()[0]
    return doc.rstrip(".")


def meaning(field: s.Field, path: str, meanings: dict[str, str]) -> str:
    """The field's own label, else the meaning written here for its key path."""
    if isinstance(field, s.Retired):
        return field.message[0].upper() + field.message[1:].removeprefix("is ")
    return field.label if field.label and not is_statement(field) else meanings.get(path, field.label or "")


def rows(field: s.Field, path: str = "", meanings: dict[str, str] | None = None
         ) -> Iterator[tuple[str, str, bool, str]]:
    """(key path, type, required, meaning) for every key under ``field``, depth first.

    A statement (text, cite, verified, note) is one row: its keys are the same everywhere.
    """
    meanings = MEANINGS if meanings is None else meanings
    if isinstance(field, s.ListOf) and not isinstance(field, _sd.CiteField):
        if isinstance(field.item, s.Record) and not is_statement(field.item):
            yield from rows(field.item, f"{path}[]" if path else "", meanings)
        return
    if not isinstance(field, s.Record) or is_statement(field):
        return
    for key, sub in field.fields.items():
        where = f"{path}.{key}" if path else key
        yield where, type_words(sub), sub.required, meaning(sub, where, meanings)
        if isinstance(sub, s.Record) or (isinstance(sub, s.ListOf) and isinstance(sub.item, s.Record)):
            yield from rows(sub, where, meanings)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(field: s.Field) -> list[str]:
    out = ["| Key | Type | Required | Meaning |", "|---|---|---|---|"]
    for key, kind, required, meaning in rows(field):
        out.append(f"| `{key}` | {_cell(kind)} | {'yes' if required else 'no'} | {_cell(meaning)} |")
    return out


# -- examples from the template ------------------------------------------------------

def example_text(doc: FileDoc) -> str | None:
    """The example for a file: the template's file filled in for a made-up state, checked against the schema."""
    if doc.example is None:
        return None
    from .newstate import template_dir

    text = (template_dir() / "iepkit___SLUG__" / doc.example).read_text(encoding="utf-8")
    for token, value in _EXAMPLE_TOKENS.items():
        text = text.replace(token, value)
    data = yaml.safe_load(text)
    spec = schema(doc.schema_names[0])
    if doc.first_item_only and isinstance(data, list):
        data = data[:1]
    if isinstance(spec, s.ListOf) and isinstance(data, list):
        # Each entry is a whole item, or one of the file's other entry kinds (an amendment...).
        kinds = [spec.item] + [schema(n) for n in doc.schema_names[1:] if schema(n) is not None]
        for i, item in enumerate(data):
            found = [s.check(kind, item)[1] for kind in kinds]
            if all(found):
                raise ValueError(f"the template's {doc.example}, entry {i}, fails its schema: {found[0][0]}")
    else:
        _, problems = s.check(spec, data)
        if problems:
            raise ValueError(f"the template's {doc.example} fails its own schema: {problems[0]}")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    return body.rstrip("\n")


# -- the page ------------------------------------------------------------------------

HEADER = """\
# The files a state holds

<!-- Written by `python -m iepkit.schemadoc -o docs/state-files.md` from the schemas
     the loader checks. Do not edit by hand: change the schema, then run it again.
     tests/test_schemadoc.py fails when this file is out of date. -->

A state plugin is a folder of YAML files and letter templates
(`iepkit new-state` writes a complete one; CONTRIBUTING.md, "Adding a state",
walks through it). This page lists every key of every file: its type, whether
it is required, and what it means. Keys not listed are refused, with the file,
the key and the nearest known key in the message, so a typo never loses data.

Common types:

- **citations** (`cite`): a list, each a string like `34 CFR 300.153(b)` or a
  mapping `{ref: "...", url: "https://..."}`. An empty list is refused.
- **a statement**: `text` (plain words), `cite`, and optionally
  `verified: no` with a `note` saying what to check. Users see an unverified
  statement marked [Unverified].
- **yes or no**: `yes`, `no`, `true` or `false`.
- `[]` in a key path means "each entry of the list", as in `contacts[].name`.
"""


def render() -> str:
    parts = [HEADER]
    for doc in FILES:
        spec = schema(doc.schema_names[0])
        if spec is None:
            continue
        parts.append(f"## {doc.name}\n\n{doc.about}\n")
        top = ("The file is a list; each entry has these keys." if isinstance(spec, s.ListOf)
               else "The file is a set of `key: value` lines.")
        parts.append(top + "\n")
        parts.append("\n".join(table(spec)) + "\n")
        for alt in doc.schema_names[1:]:
            other = schema(alt)
            if other is None:
                continue
            if alt.endswith("WITHDRAW_SCHEMA"):
                what = ("An entry may instead **withdraw** a federal item that does not apply in the "
                        "state, saying why:")
            else:
                what = ("An entry may instead **amend** the federal item with the same `id`, changing "
                        "only the keys it gives:")
            parts.append(what + "\n")
            parts.append("\n".join(table(other)) + "\n")
        example = example_text(doc)
        if example:
            which = "its first entry" if doc.first_item_only else "the whole file"
            parts.append(f"Example ({which}, from the state template, comments left out):\n")
            parts.append("```yaml\n" + example + "\n```\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iepkit.schemadoc", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, help="write the page here")
    parser.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE differs from the page")
    args = parser.parse_args(argv)
    page = render()
    if args.check is not None:
        current = args.check.read_text(encoding="utf-8") if args.check.exists() else ""
        if current != page:
            print(f"{args.check} is out of date: run python -m iepkit.schemadoc -o {args.check}",
                  file=sys.stderr)
            return 1
        return 0
    if args.output is not None:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
