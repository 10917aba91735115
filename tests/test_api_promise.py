"""Issue #12 point 6: a promise partners can plan on. A changelog naming the current version, a
versioning and deprecation policy linked from the README, a docstring on every public function,
``registry=`` on every function that looks states up, and ``to_jsonable``'s shape documented."""
from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import tomllib
from pathlib import Path

import pytest

from iepkit import api

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = [getattr(api, n) for n in api.__all__ if inspect.isfunction(getattr(api, n))]


def test_changelog_has_unreleased_and_the_current_version():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in text
    assert "## [Unreleased]" in text
    assert version in text
    for issue in (2, 3, 4, 7, 8, 9, 10, 11, 12):
        assert f"(#{issue})" in text, issue


def test_the_policy_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/versioning.md" in readme and "CHANGELOG.md" in readme
    policy = (ROOT / "docs" / "versioning.md").read_text(encoding="utf-8").lower()
    assert "semantic versioning" in policy and "deprecationwarning" in policy and "one minor release" in policy
    assert "case-file format" in policy and "breaking" in policy


@pytest.mark.parametrize("fn", PUBLIC, ids=lambda f: f.__name__)
def test_every_public_function_has_a_docstring(fn):
    assert len((fn.__doc__ or "").strip()) > 20


def _looks_up_states(fn) -> bool:
    src = inspect.getsource(inspect.unwrap(fn))
    body = src[src.index('"""', src.index("def ")):]
    return bool(re.search(r"_reg\(\)|find_state\(|resolve_state\(|_state_names\(|_rules\(|_case\.|"
                          r"prepare_letter\(|render_letter\(|kit_html\(|deadlines\(", body))


@pytest.mark.parametrize("fn", [f for f in PUBLIC if _looks_up_states(f)], ids=lambda f: f.__name__)
def test_every_function_that_looks_states_up_takes_a_registry(fn):
    params = inspect.signature(fn).parameters
    if "registry" not in params:  # passed on through **kwargs to a function that takes it
        assert any(p.kind is p.VAR_KEYWORD for p in params.values()), fn.__name__
        return
    assert params["registry"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["registry"].default is None


def test_to_jsonable_is_documented_and_gives_json(example_data):
    doc = api.to_jsonable.__doc__
    assert "dict" in doc and "ISO" in doc and "list" in doc
    report = api.deadlines(api.parse_case(example_data), today=dt.date(2026, 11, 30))
    data = api.to_jsonable(report)
    json.dumps(data)
    first = data["deadlines"][0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["due"])


def test_a_letters_date_is_an_explicit_argument():
    for fn in (api.render_letter, api.prepare_letter):
        params = inspect.signature(fn).parameters
        assert params["date"].default is None and "date" in fn.__doc__
