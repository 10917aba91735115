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


# -- CONTRIBUTING.md lists every name, filter and block a letter template can use -----------

def _contributing_table(heading: str) -> dict[str, str]:
    """The first column's code name -> its example, from the table after ``heading``."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index(heading):]
    out = {}
    for line in section.splitlines()[1:]:
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            out[cells[0].strip("`").split("(")[0]] = cells[-1]
        elif out and not line.startswith("|"):
            break
    return out


def test_contributing_lists_every_name_a_letter_template_gets(monkeypatch):
    import jinja2

    from iepkit import api

    seen: dict[str, object] = {}
    original = jinja2.Template.render

    def spy(self, *args, **kwargs):
        if "v" in kwargs:  # the letter's own render, not the page around it
            seen.update(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", spy)
    state = api.states()[0]
    api.render_letter(api.letters(state.code)[0].id, state=state.code, fmt="html")
    listed = _contributing_table("Every name a template can use:")
    assert set(seen) == set(listed), f"CONTRIBUTING.md, Letter templates: add {set(seen) - set(listed)}, " \
                                     f"drop {set(listed) - set(seen)}"
    assert all("{{" in ex or "{%" in ex for ex in listed.values()), "each name needs an example"


def test_contributing_lists_every_filter_and_block():
    import re

    import jinja2

    from iepkit.letters import add_filters
    from iepkit.render.html import shared_template_dir

    ours = set(add_filters(jinja2.Environment()).filters) - set(jinja2.Environment().filters)
    assert ours == set(_contributing_table("Filters:"))
    base = (Path(shared_template_dir()) / "letter_base.html").read_text(encoding="utf-8")
    blocks = set(re.findall(r"\{%\s*block\s+(\w+)", base))
    assert blocks == set(_contributing_table("Blocks of `letter_base.html`"))
