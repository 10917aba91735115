"""Loading a state plugin's YAML folder into model objects.

A state plugin is mostly data: ``state.yaml``, ``processes.yaml``,
``letters.yaml`` (with templates under ``letters/``) and ``checklists.yaml``.
Each file is validated when first used; a bad file raises InputError naming
the file and the key, which the plugin host reports as that plugin's failure.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import schema as s
from .errors import InputError, Problem
from .model import (COMPARISON_FIELDS, Agency, Checklist, Citation, Contact, LetterElement,
                    LetterTemplate, Process, State, Statement)
from .yamlio import load_yaml_file


@dataclass
class CiteField(s.Field):
    """A list of citations: each a string like "34 CFR 300.506(b)" or {ref, url}."""

    def check(self, value, path, problems):
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            where = f"{path}[{i}]"
            if isinstance(item, str) and item.strip():
                out.append(Citation(item.strip()))
            elif isinstance(item, dict) and isinstance(item.get("ref"), str) and set(item) <= {"ref", "url"}:
                out.append(Citation(item["ref"].strip(), item.get("url")))
            else:
                problems.append(Problem(where, "expected a citation like '34 CFR 300.506(b)' or {ref, url}"))
        if not out:
            problems.append(Problem(path, "needs at least one citation"))
        return tuple(out)


def _statement(required: bool = True) -> s.Record:
    return s.Record(required=required, label="a statement with text and cite", fields={
        "text": s.Text(label="the statement in plain words", required=True),
        "cite": CiteField(label="its citations", required=True),
        "verified": s.Bool(label="whether it was confirmed in a primary source"),
        "note": s.Text(label="a note"),
    })


def _to_statement(d: dict[str, Any]) -> Statement:
    return Statement(text=d["text"], cite=d["cite"], verified=d.get("verified", True), note=d.get("note"))


STATE_SCHEMA = s.Record(fields={
    "code": s.Pattern(label="the two-letter code", required=True, regex=r"[A-Z]{2}",
                      expected="a two-letter upper-case code like MS"),
    "name": s.Text(label="the state's name", required=True, multiline=False),
    "last_reviewed": s.Date(label="when this data was last reviewed", required=True),
    "rules_name": s.Text(label="the name of the state's special-education rules", multiline=False),
    "unverified_notice": s.Text(label="what to tell users about unverified details", required=True),
    "cite": CiteField(label="sources for the state's rules"),
    "agency": s.Record(required=True, fields={
        "name": s.Text(required=True, multiline=False),
        "short_name": s.Text(required=True, multiline=False),
        "office": s.Text(required=True, multiline=False),
        "office_short": s.Text(required=True, multiline=False),
        "mailing_address": s.ListOf(item=s.Text(multiline=False), min_items=2, required=True),
        "cite": CiteField(required=True),
        "verified": s.Bool(),
        "note": s.Text(),
    }),
    "terms": s.Record(allow_extra=True, fields={}),
    "contacts": s.ListOf(item=s.Record(fields={
        "id": s.Id(required=True),
        "name": s.Text(required=True, multiline=False),
        "purpose": s.Text(required=True),
        "address": s.ListOf(item=s.Text(multiline=False)),
        "phone": s.Phone(),
        "toll_free": s.Phone(),
        "fax": s.Phone(),
        "email": s.Email(),
        "website": s.Pattern(regex=r"https?://\S+|[a-z0-9.-]+\.[a-z]{2,}(/\S*)?", expected="a web address"),
        "cite": CiteField(required=True),
        "verified": s.Bool(),
        "as_of": s.Text(multiline=False),
        "last_checked": s.Date(),
        "note": s.Text(),
    })),
})

PROCESS_SCHEMA = s.ListOf(min_items=1, item=s.Record(fields={
    "id": s.Id(required=True),
    "name": s.Text(required=True, multiline=False),
    "summary": s.Text(required=True),
    "letter": s.Id(),
    "facts": s.Record(required=True, fields={k: _statement() for k in COMPARISON_FIELDS}),
    "steps": s.ListOf(item=_statement()),
}))

LETTER_SCHEMA = s.ListOf(min_items=1, item=s.Record(fields={
    "id": s.Id(required=True),
    "title": s.Text(required=True, multiline=False),
    "summary": s.Text(required=True),
    "process": s.Id(),
    "template": s.Pattern(required=True, regex=r"[\w./-]+\.html", expected="a template file name ending in .html"),
    "last_reviewed": s.Date(required=True),
    "elements": s.ListOf(min_items=1, required=True, item=s.Record(fields={
        "id": s.Id(required=True),
        "label": s.Text(required=True, multiline=False),
        "cite": CiteField(required=True),
        "fields": s.ListOf(item=s.Pattern(regex=r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*",
                                          expected="a case field path like student.name")),
        "phrase": s.Text(multiline=False),
        "when": s.Pattern(regex=r"[a-z_]+(\.[a-z_]+)*", expected="a case field path like student.homeless"),
        "verified": s.Bool(),
    })),
    "notes": s.ListOf(item=_statement()),
}))

CHECKLIST_SCHEMA = s.ListOf(item=s.Record(fields={
    "id": s.Id(required=True),
    "title": s.Text(required=True, multiline=False),
    "kind": s.Choice(choices=("checklist", "guide", "script")),
    "intro": s.Text(required=True),
    "items": s.ListOf(min_items=1, required=True, item=_statement()),
}))


class StateFolder:
    """The data folder of one state plugin, loaded lazily and validated."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _load(self, name: str, spec: s.Field, optional: bool = False) -> Any:
        path = self.folder / name
        if optional and not path.exists():
            return []
        value, problems = s.check(spec, load_yaml_file(path))
        if problems:
            raise InputError(str(path), problems)
        return value

    @cached_property
    def state(self) -> State:
        d = self._load("state.yaml", STATE_SCHEMA)
        a = d["agency"]
        agency = Agency(name=a["name"], short_name=a["short_name"], office=a["office"],
                        office_short=a["office_short"], mailing_address=tuple(a["mailing_address"]),
                        cite=a["cite"], verified=a.get("verified", True), note=a.get("note"))
        contacts = tuple(
            Contact(id=c["id"], name=c["name"], purpose=c["purpose"], address=tuple(c.get("address", ())),
                    phone=c.get("phone"), toll_free=c.get("toll_free"), fax=c.get("fax"),
                    email=c.get("email"), website=c.get("website"), cite=c["cite"],
                    verified=c.get("verified", True), as_of=c.get("as_of"),
                    last_checked=c.get("last_checked"), note=c.get("note"))
            for c in d.get("contacts", []))
        return State(code=d["code"], name=d["name"], agency=agency, contacts=contacts,
                     terms={k: str(v) for k, v in d.get("terms", {}).items()},
                     unverified_notice=d["unverified_notice"], rules_name=d.get("rules_name", ""),
                     last_reviewed=d["last_reviewed"], cite=d.get("cite", ()))

    @cached_property
    def processes(self) -> list[Process]:
        code = self.state.code
        return [Process(id=p["id"], state=code, name=p["name"], summary=p["summary"],
                        facts={k: _to_statement(v) for k, v in p["facts"].items()},
                        steps=tuple(_to_statement(x) for x in p.get("steps", [])),
                        letter=p.get("letter"))
                for p in self._load("processes.yaml", PROCESS_SCHEMA)]

    @cached_property
    def letters(self) -> list[LetterTemplate]:
        code = self.state.code
        path = self.folder / "letters.yaml"
        out, problems = [], []
        for i, d in enumerate(self._load("letters.yaml", LETTER_SCHEMA)):
            if not (self.folder / d["template"]).is_file():
                problems.append(Problem(f"[{i}].template", "names a file that does not exist in the plugin folder"))
                continue
            elements = tuple(LetterElement(id=e["id"], label=e["label"], cite=e["cite"],
                                           fields=tuple(e.get("fields", ())), phrase=e.get("phrase"),
                                           verified=e.get("verified", True), when=e.get("when"))
                             for e in d["elements"])
            out.append(LetterTemplate(id=d["id"], state=code, title=d["title"], summary=d["summary"],
                                      template=d["template"], template_dir=self.folder,
                                      process=d.get("process"), elements=elements,
                                      notes=tuple(_to_statement(n) for n in d.get("notes", [])),
                                      last_reviewed=d["last_reviewed"]))
        if problems:
            raise InputError(str(path), problems)
        return out

    @cached_property
    def checklists(self) -> list[Checklist]:
        code = self.state.code
        return [Checklist(id=c["id"], state=code, title=c["title"], intro=c["intro"],
                          items=tuple(_to_statement(x) for x in c["items"]), kind=c.get("kind", "checklist"))
                for c in self._load("checklists.yaml", CHECKLIST_SCHEMA, optional=True)]
