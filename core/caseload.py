"""A caseload: many families' cases read from one place, for ``iepkit batch``.

Three ways to hold one: a folder of case files (``*.yaml``), a JSON Lines file
(one case object a line) or a CSV file from a spreadsheet, one row a case,
whose columns are named by dotted field paths (``student.name``,
``parents.0.email``, ``events.violation-occurred``; README's "Batch" section).

Reading is cheap and done once, in the main process: each case becomes a
``CaseInput`` with a stable id for its output files (never the child's name),
where it came from for messages ("caseload.csv, row 4"), its data, and a hash
of its input so a rerun can tell a changed case from a finished one. The
cases are validated later, each by itself, with the same validator as a case
file, so one bad row never stops the others.

Whatever goes wrong is said with the row or line and the field path, never
the value: a caseload holds many children's disability information.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import schema as s
from .case import CASE_SCHEMA
from .errors import IepkitError, InputError, Problem
from .events import EVENT_TYPES, canonical_event

#: A case id a partner gives (the CSV ``id`` column, a JSON line's ``id``): it names
#: output files, so only letters, digits, dashes and underscores.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
ID_EXPECTED = "a short id of letters, digits, - and _ (at most 64), like JR-2026-01; not the child's name"
#: The column (or JSON key) holding a case's id; every other column is a case field.
ID_COLUMN = "id"
#: Cells holding a list (issue types, names, dates) separate its items with this.
LIST_SEPARATOR = ";"
#: Case file endings read from a folder.
CASE_FILE_ENDINGS = (".yaml", ".yml")


@dataclass(frozen=True)
class CaseInput:
    """One case of a caseload, before it is validated."""

    #: Position in the caseload, for output in input order.
    index: int
    #: Stable id for output names: the ``id`` given, else row-0004, line-0003 or the file's stem.
    key: str
    #: Where it came from, for messages: "caseload.csv, row 4".
    where: str
    #: The case data (CSV and JSON Lines); None for a case file, read where it is worked on.
    data: Any = None
    #: The case file (folder input): its log beside it counts too.
    case_file: str | None = None
    #: Problems found while reading (a line that is not JSON, a bad id): the case fails with them.
    problems: tuple[Problem, ...] = ()
    #: CSV only: a field path in the data (``parents[1]``) -> the column it came from (``parents.2``),
    #: so messages name the spreadsheet's columns. A value of (column, True) stands for the whole item.
    columns: dict[str, tuple[str, bool]] | None = None
    #: A hash of everything the case's outputs depend on in the input.
    digest: str = ""

    def column_path(self, path: str) -> str:
        """A field path as the input names it: a CSV column for CSV rows, else the path itself."""
        if self.columns is None:
            return path
        return csv_column_path(path, self.columns)


@dataclass
class Caseload:
    """Every case found, in input order, and what kind of input held them."""

    source: Path
    kind: str  # "folder", "jsonl" or "csv"
    cases: list[CaseInput]


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _data_digest(data: Any) -> str:
    return _digest(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))


def read_caseload(path: str | Path) -> Caseload:
    """Read a folder of case files, a ``.jsonl`` file or a ``.csv`` file.

    Raises IepkitError (exit code 2) when the caseload as a whole cannot be
    used: it does not exist, it is another kind of file, it is not UTF-8 text, or
    a CSV column names no case field. Problems with one case are kept with it.
    """
    path = Path(path)
    if not path.exists():
        raise IepkitError(f"{path}: not found. --cases takes a folder of case files (.yaml), a JSON Lines "
                          "file (.jsonl) or a CSV file (.csv)")
    if path.is_dir():
        cases = _read_folder(path)
        kind = "folder"
    else:
        ending = path.suffix.lower()
        if ending not in (".csv", ".jsonl"):
            raise IepkitError(f"{path}: --cases takes a folder of case files (.yaml), a JSON Lines file "
                              "(.jsonl) or a CSV file (.csv); this file ends in "
                              f"{ending or 'nothing'}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise IepkitError(f"{path}: is not UTF-8 text. Save it again as UTF-8 (in a spreadsheet: "
                              "\"CSV UTF-8\")") from None
        except OSError as exc:
            raise IepkitError(f"{path}: cannot be read ({exc.strerror})") from None
        kind = ending[1:]
        cases = _read_csv(path, text) if kind == "csv" else _read_jsonl(path, text)
    return Caseload(source=path, kind=kind, cases=_unique_keys(cases))


def _unique_keys(cases: list[CaseInput]) -> list[CaseInput]:
    """Two cases with one id would write over each other's files: every one after the first fails."""
    first: dict[str, str] = {}
    out = []
    for case in cases:
        if case.key in first:
            case = dataclasses.replace(case, problems=case.problems + (Problem(
                ID_COLUMN, f"is the same as the id of {first[case.key]}; each case needs its own id"),))
        else:
            first[case.key] = case.where
        out.append(case)
    return out


def _checked_id(value: Any, problems: list[Problem]) -> str | None:
    text = value.strip() if isinstance(value, str) else None
    if text is None or not ID_PATTERN.fullmatch(text):
        problems.append(Problem(ID_COLUMN, f"expected {ID_EXPECTED}"))
        return None
    return text


# -- a folder of case files -------------------------------------------------------------


def _read_folder(folder: Path) -> list[CaseInput]:
    from .commlog import default_log_path

    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in CASE_FILE_ENDINGS and not p.name.startswith(".") and p.is_file())
    if not files:
        raise IepkitError(f"{folder}: holds no case files (ending in .yaml)")
    cases = []
    for i, file in enumerate(files):
        try:
            parts = [file.read_bytes()]
            log = default_log_path(file)
            if log.exists():  # its events count for deadlines and limits, so a new entry means redo
                parts.append(log.read_bytes())
        except OSError as exc:
            raise IepkitError(f"{file}: cannot be read ({exc.strerror})") from None
        cases.append(CaseInput(index=i, key=file.stem, where=str(file), case_file=str(file),
                               digest=_digest(*parts)))
    return cases


# -- JSON Lines ---------------------------------------------------------------------------


def _read_jsonl(path: Path, text: str) -> list[CaseInput]:
    cases = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        problems: list[Problem] = []
        key = f"line-{number:04d}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            # The decoder's message names the place (column), never the text.
            data = None
            problems.append(Problem("", f"is not valid JSON ({exc.msg} at column {exc.colno}); expected one "
                                        "case as a JSON object on each line"))
        if data is not None and not isinstance(data, dict):
            problems.append(Problem("", "expected one case as a JSON object ({...}) on the line"))
            data = None
        if isinstance(data, dict) and ID_COLUMN in data:
            data = dict(data)
            given = _checked_id(data.pop(ID_COLUMN), problems)
            key = given or key
        cases.append(CaseInput(index=len(cases), key=key, where=where, data=data, problems=tuple(problems),
                               digest=_data_digest(data)))
    if not cases:
        raise IepkitError(f"{path}: holds no cases (expected one JSON object a line)")
    return cases


# -- CSV ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # "id", "event", "list" or "value"
    parts: tuple[str, ...] = ()


def _leaf_paths(spec: s.Field, prefix: str = "") -> list[str]:
    """Every column name a CSV may use, with 0 for list positions (for "did you mean")."""
    if isinstance(spec, s.Record):
        out: list[str] = []
        for key, sub in spec.fields.items():
            if not isinstance(sub, s.Retired):
                out += _leaf_paths(sub, f"{prefix}{key}.")
        return out
    if isinstance(spec, s.ListOf) and isinstance(spec.item, s.Record):
        return _leaf_paths(spec.item, f"{prefix}0.")
    return [prefix.rstrip(".")]


def csv_columns() -> list[str]:
    """The column names a caseload CSV may use (lists of people or events need a number: 0 for the first)."""
    events = [f"events.{t}" for t in EVENT_TYPES]
    return [ID_COLUMN] + [p for p in _leaf_paths(CASE_SCHEMA) if not p.startswith("events.")] + events + [
        "events.0.date", "events.0.type", "events.0.what", "events.0.note"]


def _column(name: str, problems: list[Problem]) -> _Column | None:
    """What a column holds, or None with a problem naming the column."""
    def bad(message: str) -> None:
        problems.append(Problem(f"column {name}" if name else "a column", message))

    if name == ID_COLUMN:
        return _Column(name, "id")
    if not name:
        bad("has no name in the first row; name it with a case field, like student.name, or delete it")
        return None
    parts = tuple(name.split("."))
    if parts[0] == "events" and len(parts) == 2 and not parts[1].isdigit():
        kind = canonical_event(parts[1])
        if kind not in EVENT_TYPES:
            hint = s.did_you_mean(parts[1], EVENT_TYPES)
            bad("is not a known event type; expected events. followed by one of: "
                + ", ".join(EVENT_TYPES) + "." + hint)
            return None
        return _Column(name, "event", ("events", kind))
    node: s.Field = CASE_SCHEMA
    for i, part in enumerate(parts):
        so_far = ".".join(parts[:i])
        if isinstance(node, s.ListOf) and isinstance(node.item, s.Record):
            if not (part.isdigit() and len(part) <= 3):
                bad(f"needs a number after {so_far}, like {so_far}.0.{part} for the first")
                return None
            node = node.item
        elif isinstance(node, s.Record) and part in node.fields:
            node = node.fields[part]
        elif isinstance(node, s.Record):
            bad("is not a case field." + s.did_you_mean(name, csv_columns())
                + " The README's \"Batch\" section lists the columns")
            return None
        else:
            bad(f"goes past {so_far}, which is one value"
                + ("; a list goes in one cell, its items separated by ;" if isinstance(node, s.ListOf) else ""))
            return None
    if isinstance(node, s.Retired):
        bad(node.message)
        return None
    if isinstance(node, s.Record):
        fields = ", ".join(f"{name}.{key}" for key in node.fields)
        bad(f"is a group of fields: use one column for each of {fields}")
        return None
    if isinstance(node, s.ListOf) and isinstance(node.item, s.Record):
        example = _leaf_paths(node.item, f"{name}.0.")[0]
        bad(f"is a list: use numbered columns, like {example}")
        return None
    return _Column(name, "list" if isinstance(node, s.ListOf) else "value", parts)


def _set(tree: dict[Any, Any], parts: tuple[str, ...], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        node = node.setdefault(int(part) if part.isdigit() else part, {})
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value


def _listify(node: Any, path: str, column: str, columns: dict[str, tuple[str, bool]]) -> Any:
    """Numbered columns (parents.0, parents.2) become lists, in number order and without gaps;
    ``columns`` remembers which column each item came from."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        out = []
        for i, k in enumerate(sorted(node)):
            item_path, item_column = f"{path}[{i}]", f"{column}.{k}"
            columns[item_path] = (item_column, False)
            out.append(_listify(node[k], item_path, item_column, columns))
        return out
    return {k: _listify(v, f"{path}.{k}" if path else k, f"{column}.{k}" if column else k, columns)
            for k, v in node.items()}


def _row_data(columns: list[_Column], cells: list[str]) -> tuple[dict[str, Any], dict[str, tuple[str, bool]], str]:
    """One row as case data, the field path -> column map, and its id ('' when none)."""
    tree: dict[Any, Any] = {}
    events: list[tuple[str, dict[str, str]]] = []
    key = ""
    for col, cell in zip(columns, cells):
        if not cell.strip() or col.kind == "skip":
            continue
        if col.kind == "id":
            key = cell
        elif col.kind == "event":
            for day in cell.split(LIST_SEPARATOR):
                if day.strip():
                    events.append((col.name, {"date": day.strip(), "type": col.parts[1]}))
        elif col.kind == "list":
            _set(tree, col.parts, [x.strip() for x in cell.split(LIST_SEPARATOR) if x.strip()])
        else:
            _set(tree, col.parts, cell)
    where: dict[str, tuple[str, bool]] = {}
    data = _listify(tree, "", "", where)
    if events:
        listed = data.get("events") if isinstance(data.get("events"), list) else []
        for name, event in events:
            where[f"events[{len(listed)}]"] = (name, True)
            listed.append(event)
        data["events"] = listed
    return data, where, key


def csv_column_path(path: str, columns: dict[str, tuple[str, bool]]) -> str:
    """A field path in a row's data (``parents[1].email``) as the CSV's column (``parents.2.email``)."""
    best = max((p for p in columns if path == p or path.startswith((p + ".", p + "["))), key=len, default=None)
    if best is not None:
        column, whole = columns[best]
        path = column if whole else column + path[len(best):]
    # A list of people or events the row has no column for yet: the number as a column names it.
    def item(m: re.Match[str]) -> str:
        spec = s.field_at(CASE_SCHEMA, path[:m.start()])
        if isinstance(spec, s.ListOf) and not isinstance(spec.item, s.Record):
            return f" (item {int(m[1]) + 1})"
        return f".{m[1]}"
    return re.sub(r"\[(\d+)\]", item, path)


def _read_csv(path: Path, text: str) -> list[CaseInput]:
    rows = list(csv.reader(text.splitlines(keepends=True)))
    # A spreadsheet's row numbers: the header is row 1, so the first case is row 2. A cell
    # holding a line break still counts as one row, as the spreadsheet shows it.
    numbered = [(number, row) for number, row in enumerate(rows, start=1)]
    if not numbered:
        raise IepkitError(f"{path}: is empty; expected a first row of column names, like state,student.name")
    header = [h.strip() for h in numbered[0][1]]
    if len(header) == 1 and ";" in header[0]:
        raise IepkitError(f"{path}: its columns are separated by ; instead of commas. Save it again as "
                          "\"CSV UTF-8 (comma delimited)\"")
    body = [(n, row) for n, row in numbered[1:] if any(cell.strip() for cell in row)]
    problems: list[Problem] = []
    columns = []
    for i, name in enumerate(header):
        if not name and all(i >= len(row) or not row[i].strip() for _, row in body):
            columns.append(_Column("", "skip"))  # an empty column a spreadsheet added at the end
            continue
        if name in header[:i]:
            problems.append(Problem(f"column {name}", "appears twice in the first row; keep one"))
            continue
        found = _column(name, problems)
        columns.append(found or _Column(name, "skip"))
    if "state" not in header:
        problems.append(Problem("", "has no state column; every case needs its state, like MS"))
    if problems:
        raise InputError(f"{path}, first row (column names)", problems,
                         hint="Nothing was written. The README's \"Batch\" section lists the columns.")
    if not body:
        raise IepkitError(f"{path}: has column names but no cases (one row a case)")
    cases = []
    for number, cells in body:
        where = f"{path}, row {number}"
        row_problems: list[Problem] = []
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
            row_problems.append(Problem("", f"has more cells than the first row has column names "
                                            f"({len(columns)}); a value may be in the wrong column"))
        data, where_from, given = _row_data(columns, cells)
        key = f"row-{number:04d}"
        if given:
            key = _checked_id(given, row_problems) or key
        cases.append(CaseInput(index=len(cases), key=key, where=where, data=data, problems=tuple(row_problems),
                               columns=where_from, digest=_data_digest(data)))
    return cases
