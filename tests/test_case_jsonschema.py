"""The case file's JSON Schema (`iepkit schema case`) is made from the validator and agrees with it.

Checked with the jsonschema library: every example case file passes, and a file
with mistakes fails at the same field paths iepkit's own validator names.
"""
from __future__ import annotations

import json
import stat
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from iepkit import api
from iepkit import schema as s
from iepkit.case import CASE_SCHEMA
from iepkit.cli import cli
from iepkit.errors import InputError
from iepkit.schemajson import case_json_schema
from iepkit.yamlio import load_yaml_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*-case.yaml"))


def _errors(data) -> set[str]:
    """The paths the JSON Schema finds fault with, written as iepkit writes them (parents[0].name)."""
    validator = jsonschema.Draft202012Validator(case_json_schema())
    out = set()
    for error in validator.iter_errors(data):
        path = ""
        for part in error.absolute_path:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            path = ".".join(p for p in (path, extra[0]) if p)
        out.add(path)
    return out


def test_the_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(case_json_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_case_passes(path):
    assert EXAMPLES, "examples/ holds case files"
    assert _errors(load_yaml_file(path)) == set()


def test_mistakes_are_found_at_the_paths_iepkit_names():
    data = load_yaml_file(ROOT / "examples" / "mississippi-case.yaml")
    data["student"]["address"]["zip"] = "3920"                # too short
    data["events"].append({"type": "meeting-happened", "date": "2026-10-01"})  # not a known type
    data["student"]["nickname"] = "JJ"                        # not a field
    data["dispute"]["key_dates"] = ["2026-09-08"]             # retired
    found = _errors(data)
    with pytest.raises(InputError) as err:
        api.parse_case(data, "case.yaml")
    mine = {p.path for p in err.value.problems}
    for path in ("student.address.zip", "events[4].type", "student.nickname", "dispute.key_dates"):
        assert path in found, f"the JSON Schema misses {path}: {found}"
        assert path in mine, f"iepkit misses {path}: {mine}"


def test_every_field_of_the_validator_is_described():
    def walk(spec: s.Field, node: dict, path: str) -> None:
        if isinstance(spec, s.Record):
            assert set(node["properties"]) == set(spec.fields), path
            for name, child in spec.fields.items():
                walk(child, node["properties"][name], f"{path}.{name}".lstrip("."))
        elif isinstance(spec, s.ListOf):
            walk(spec.item, node["items"], f"{path}[]")
        if spec.label and not isinstance(spec, s.Retired):
            assert spec.label in node.get("description", ""), path
    walk(CASE_SCHEMA, case_json_schema(), "")


def test_the_command_prints_it_and_writes_it_privately(tmp_path):
    printed = CliRunner().invoke(cli, ["schema", "case"])
    assert printed.exit_code == 0 and json.loads(printed.stdout) == case_json_schema()
    out = tmp_path / "case.schema.json"
    written = CliRunner().invoke(cli, ["schema", "case", "-o", str(out)])
    assert written.exit_code == 0 and json.loads(out.read_text("utf-8")) == case_json_schema()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    wrong = CliRunner().invoke(cli, ["schema", "case", "-o", str(tmp_path / "case.txt")])
    assert wrong.exit_code == 2 and not (tmp_path / "case.txt").exists()
