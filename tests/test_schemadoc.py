"""docs/state-files.md is generated from the loader's schemas and must not drift from them."""
from __future__ import annotations

from pathlib import Path

import pytest

from iepkit import schema as s
from iepkit import schemadoc
from iepkit.statedata import STATE_SCHEMA

from test_docs import table_starts_without_header

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "state-files.md"


def test_the_committed_page_is_what_the_schemas_generate():
    assert PAGE.read_text(encoding="utf-8") == schemadoc.render(), \
        "docs/state-files.md is out of date: run python -m iepkit.schemadoc -o docs/state-files.md"


def test_check_option_reports_an_out_of_date_page(tmp_path, capsys):
    stale = tmp_path / "state-files.md"
    stale.write_text(schemadoc.render().replace("| `code` |", "| `kode` |"), encoding="utf-8")
    assert schemadoc.main(["--check", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    fresh = tmp_path / "fresh.md"
    assert schemadoc.main(["-o", str(fresh)]) == 0
    assert schemadoc.main(["--check", str(fresh)]) == 0


def test_every_schema_the_loader_defines_is_documented():
    documented = {name for doc in schemadoc.FILES for name in doc.schema_names} | schemadoc.NOT_A_FILE
    missing = schemadoc.all_schema_names() - documented
    assert not missing, f"add these schemas to iepkit.schemadoc.FILES: {sorted(missing)}"
    for doc in schemadoc.FILES:
        assert schemadoc.schema(doc.schema_names[0]) is not None, f"{doc.name}: its schema is gone"


def _all_paths() -> dict[str, list[s.Field]]:
    out: dict[str, list[s.Field]] = {}
    for name in schemadoc.all_schema_names():
        spec = schemadoc.schema(name)
        for path, _, _, _ in schemadoc.rows(spec, meanings={}):
            out.setdefault(path, []).append(s.field_at(spec.item if isinstance(spec, s.ListOf) else spec,
                                                       path.replace("[]", "")))
    return out


def test_every_written_meaning_names_a_key_that_exists_and_lacks_a_label():
    paths = _all_paths()
    stale = [p for p in schemadoc.MEANINGS if p not in paths]
    assert not stale, f"MEANINGS names keys no schema has: {stale}"
    for path in schemadoc.MEANINGS:
        assert any(f is not None and (not f.label or schemadoc.is_statement(f)) for f in paths[path]), \
            f"{path} has a label of its own in every schema; drop it from MEANINGS"


def test_every_key_has_a_type_and_a_meaning():
    for name in schemadoc.all_schema_names():
        for path, kind, _, meaning in schemadoc.rows(schemadoc.schema(name)):
            assert kind and meaning, f"{name}: {path} needs a label in its schema, or a line in MEANINGS"


def test_the_page_lists_every_key_of_a_schema_with_whether_it_is_required():
    page = schemadoc.render()
    for key, spec in STATE_SCHEMA.fields.items():
        assert f"| `{key}` | {schemadoc.type_words(spec)} | {'yes' if spec.required else 'no'} |" in page


def test_a_new_field_appears_with_its_type():
    spec = s.Record(fields={"a": s.Date(label="a day", required=True),
                            "b": s.ListOf(item=s.Record(fields={"c": s.Bool(label="flag")}))})
    assert list(schemadoc.rows(spec)) == [
        ("a", "a date, YYYY-MM-DD", True, "a day"),
        ("b", "a list of entries with the keys below", False, ""),
        ("b[].c", "yes or no", False, "flag")]


@pytest.mark.parametrize("doc", [d for d in schemadoc.FILES if d.example], ids=lambda d: d.name)
def test_every_example_is_valid_against_its_schema(doc):
    # example_text raises when the template's file fails the schema it illustrates.
    assert schemadoc.example_text(doc).strip()


def test_the_page_tables_have_headers():
    assert table_starts_without_header(schemadoc.render()) == []
