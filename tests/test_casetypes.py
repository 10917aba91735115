"""iepkit.casetypes matches the validator (CASE_SCHEMA) field for field: names, required keys,
types, choices and each field's documented label. A field added to one and not the other fails."""
from __future__ import annotations

import copy
import inspect
import re
import typing

import pytest

from iepkit import casetypes as ct
from iepkit import schema as s
from iepkit.case import ANSWERS_SCHEMA, CASE_SCHEMA


def _comments(td: type) -> dict[str, str]:
    """Each field's ``#:`` comment in the TypedDict's source and its required keys' base class
    (``_StudentRequired``: a TypedDict does not keep its bases, so they are found by name)."""
    found: dict[str, str] = {}
    for name in (f"_{td.__name__.removesuffix('Data')}Required", td.__name__):
        cls = getattr(ct, name, None)
        if cls is None:
            continue
        lines = inspect.getsource(cls).splitlines()
        for above, line in zip(lines, lines[1:]):
            m, f = re.match(r"\s*#: (.+)$", above), re.match(r"\s*(\w+): ", line)
            if m and f:
                found[f[1]] = m[1]
    return found


def _check(spec: s.Field, hint: typing.Any, path: str, problems: list[str]) -> None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(spec, s.Record):
        if not (isinstance(hint, type) and typing.is_typeddict(hint)):
            problems.append(f"{path}: the schema has a record; the type is {hint}")
            return
        _check_record(spec, hint, path, problems)
    elif isinstance(spec, s.ListOf):
        if origin is not list:
            problems.append(f"{path}: the schema has a list; the type is {hint}")
            return
        _check(spec.item, args[0], path + "[]", problems)
    elif isinstance(spec, s.Choice):
        if origin is not typing.Literal or set(args) != set(spec.choices):
            problems.append(f"{path}: the type's values differ from the schema's choices")
    elif isinstance(spec, s.Date):
        if hint != ct.DateValue:
            problems.append(f"{path}: a date in the schema, {hint} in the type")
    elif isinstance(spec, s.Bool):
        if hint is not bool:
            problems.append(f"{path}: yes or no in the schema, {hint} in the type")
    elif isinstance(spec, s.Text):  # Pattern (phone, email, ZIP) included
        if hint is not str:
            problems.append(f"{path}: text in the schema, {hint} in the type")
    else:
        problems.append(f"{path}: a kind of field this test does not know ({type(spec).__name__})")


def _check_record(spec: s.Record, td: type, path: str, problems: list[str]) -> None:
    hints = typing.get_type_hints(td)
    live = {k: f for k, f in spec.fields.items() if not isinstance(f, s.Retired)}
    where = path or "(the case)"
    for name in sorted(set(live) - set(hints)):
        problems.append(f"{where}: '{name}' is in the schema but not in {td.__name__}")
    for name in sorted(set(hints) - set(live)):
        problems.append(f"{where}: '{name}' is in {td.__name__} but not in the schema")
    required = {k for k, f in live.items() if f.required}
    if set(td.__required_keys__) != required:  # type: ignore[attr-defined]
        problems.append(f"{where}: {td.__name__} requires {sorted(td.__required_keys__)}, "  # type: ignore[attr-defined]
                        f"the schema {sorted(required)}")
    comments = _comments(td)
    for name, field in live.items():
        if name not in hints:
            continue
        label = field.label or (field.item.label if isinstance(field, s.ListOf) else "")
        if field.label and comments.get(name) != field.label:
            problems.append(f"{where}.{name}: documented as {comments.get(name)!r}, labelled {field.label!r}")
        elif not label and name not in comments:
            problems.append(f"{where}.{name}: not documented")
        _check(field, hints[name], f"{path}.{name}" if path else name, problems)


def test_the_case_types_match_the_case_schema_field_for_field():
    problems: list[str] = []
    _check_record(CASE_SCHEMA, ct.CaseData, "", problems)
    _check_record(ANSWERS_SCHEMA, ct.Answers, "answers", problems)
    assert problems == []


def test_the_walk_notices_a_field_added_to_the_schema_only():
    schema = copy.deepcopy(CASE_SCHEMA)  # a copy: other tests need the schema's own order
    student = schema.fields["student"]
    assert isinstance(student, s.Record)
    student.fields["nickname"] = s.Text(label="what the student likes to be called")
    problems: list[str] = []
    _check_record(schema, ct.CaseData, "", problems)
    assert problems == ["student: 'nickname' is in the schema but not in Student"]


@pytest.mark.parametrize("name", ["state", "student", "events"])
def test_the_walk_notices_a_field_missing_from_the_schema(name):
    schema = copy.deepcopy(CASE_SCHEMA)
    del schema.fields[name]
    problems: list[str] = []
    _check_record(schema, ct.CaseData, "", problems)
    assert any(f"'{name}' is in CaseData but not in the schema" in p for p in problems)


def test_the_example_case_is_a_valid_case_data(example_data):
    """The TypedDicts describe real case files: every key of the example is one they know."""
    def keys(value: typing.Any, td: typing.Any, path: str) -> list[str]:
        if typing.get_origin(td) is list:
            return [k for item in value for k in keys(item, typing.get_args(td)[0], path + "[]")]
        if not (isinstance(td, type) and typing.is_typeddict(td)):
            return []
        hints = typing.get_type_hints(td)
        return [f"{path}.{k}" for k in value if k not in hints] + \
            [k for k, v in value.items() if k in hints for k in keys(v, hints[k], f"{path}.{k}")]
    assert keys(example_data, ct.CaseData, "") == []


def test_the_typed_partner_example_runs():
    """examples/partner_typed.py (CI also type-checks it with mypy --strict) works as written."""
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, str(root / "examples" / "partner_typed.py")], capture_output=True,
                          text=True, timeout=300, cwd=root)
    assert done.returncode == 0, done.stderr
    assert "2 letters printed by the pool" in done.stdout
    assert "problem at events[0].date" in done.stdout
    assert "Jordan" not in done.stdout + done.stderr
