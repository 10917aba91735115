"""The conformance suite as a pytest plugin: one option or a short test file runs it, and a
broken state fails with the right message (#8 point 3). pytest runs in a subprocess, as in a
state's own repository."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from iepkit.testing import StateConformance

TESTS = Path(__file__).resolve().parent


def run_pytest(where: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("IEPKIT_LOAD_PLUGINS", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(TESTS)  # for fictional_state
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "--rootdir", str(where), *args], cwd=where, capture_output=True, text=True,
                          env=env, timeout=300)


def results(xml: Path) -> dict[str, str]:
    """Each test (Class.name) -> "" when it passed, else its failure message."""
    out = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}.{case.get('name')}"
        bad = case.find("failure") if case.find("failure") is not None else case.find("error")
        out[name] = "" if bad is None else (bad.get("message", "") + "\n" + (bad.text or ""))
    return out


CHECKS = [name for name in dir(StateConformance) if name.startswith("test_")]


def test_the_option_collects_every_check_for_a_state(tmp_path):
    done = run_pytest(tmp_path, "--iepkit-state", "ms", "--co", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    collected = {line.split("::")[-1] for line in done.stdout.splitlines() if "::TestMS::" in line}
    assert collected == set(CHECKS)


def test_the_option_runs_the_checks_and_they_pass_for_mississippi(tmp_path):
    done = run_pytest(tmp_path, "--iepkit-state", "MS", "-q", "-k", "cited or real or contacts or chained")
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_a_state_that_is_not_installed_says_so_not_unknown_state(tmp_path):
    done = run_pytest(tmp_path, "--iepkit-state", "QQ", "-q", "-k", "registered")
    assert done.returncode == 1
    assert "state QQ is not registered by any installed plugin" in done.stdout
    assert "Unknown state" not in done.stdout


def test_without_the_option_the_plugin_adds_nothing_and_imports_nothing_heavy(tmp_path):
    done = run_pytest(tmp_path, "--co", "-q")
    assert done.returncode == 5 and "no tests collected" in done.stdout  # pytest's "nothing to run"
    probe = subprocess.run([sys.executable, "-c", (
        "import sys, iepkit.pytest_plugin; "
        "heavy = [m for m in ('weasyprint', 'iepkit.api', 'yaml', 'jinja2') if m in sys.modules]; "
        "print(heavy)")], capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr


BROKEN = '''
from pathlib import Path
from iepkit.testing import StateConformance
from fictional_state import ZedlandPlugin

HERE = Path(__file__).parent

BAD_STATE_YAML = """code: ZZ
name: Zedland
last_reviewed: 2026-11-29
unverified_notice: Check it.
agency:
  name: Zedland Board of Schooling
  short_name: ZBS
  office: Bureau of Fair Hearings
  office_short: BFH
  cite: ["34 CFR 300.506(b)"]
"""


def plugin(name, **kw):
    return ((name, ZedlandPlugin(HERE / name, **kw)),)


class TestHealthy(StateConformance):
    state = "ZZ"
    extra_plugins = plugin("healthy")


class TestMisspelledProcess(StateConformance):
    state = "ZZ"
    extra_plugins = plugin("misspelled", letter_process="mediaton")


class TestUncited(StateConformance):
    state = "ZZ"
    extra_plugins = plugin("uncited", uncited_fact=True)


class TestForeignWords(StateConformance):
    state = "ZZ"
    extra_plugins = plugin("foreign", letter_words="Please ask the IEP Committee to meet.")


class TestLoadFailure(StateConformance):
    state = "ZZ"
    extra_plugins = plugin("zedland", state_yaml=BAD_STATE_YAML)
'''

SELECTED = ("test_every_letter_names_a_real_process_and_rule", "test_every_process_fact_is_cited",
            "test_no_other_states_words_in_letters_or_kit", "test_state_is_registered")


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory):
    where = tmp_path_factory.mktemp("state-repo")
    (where / "test_zedland.py").write_text(textwrap.dedent(BROKEN), encoding="utf-8")
    done = run_pytest(where, "-q", "--junitxml", str(where / "out.xml"), "-k", " or ".join(SELECTED))
    return done, results(where / "out.xml")


def test_a_healthy_fictional_state_passes_the_selected_checks(broken_run):
    done, got = broken_run
    healthy = {k: v for k, v in got.items() if k.startswith("TestHealthy.")}
    assert set(healthy) == {f"TestHealthy.{name}" for name in SELECTED}, done.stdout
    assert all(v == "" for v in healthy.values()), healthy


def test_a_letter_pointing_at_a_misspelled_process_fails(broken_run):
    _, got = broken_run
    message = got["TestMisspelledProcess.test_every_letter_names_a_real_process_and_rule"]
    assert "letter mediation-request: process 'mediaton' is not one of the state's processes" in message
    assert got["TestMisspelledProcess.test_every_process_fact_is_cited"] == ""


def test_an_uncited_statement_fails(broken_run):
    _, got = broken_run
    assert "mediation.cost has no citation" in got["TestUncited.test_every_process_fact_is_cited"]


def test_another_states_words_in_a_letter_fail(broken_run):
    _, got = broken_run
    message = got["TestForeignWords.test_no_other_states_words_in_letters_or_kit"]
    assert "letter mediation-request for ZZ holds another state's words: IEP Committee (MS)" in message
    assert got["TestHealthy.test_no_other_states_words_in_letters_or_kit"] == ""


def test_a_plugin_that_fails_to_load_fails_every_check_with_the_loaders_reason(broken_run):
    _, got = broken_run
    failures = {k: v for k, v in got.items() if k.startswith("TestLoadFailure.")}
    assert len(failures) == len(SELECTED)
    for message in failures.values():
        assert "state ZZ is not loaded because a plugin failed to load" in message
        assert "plugin 'zedland'" in message and "state.yaml" in message
        assert "agency.mailing_address: is missing" in message
        assert "Unknown state" not in message


def test_a_states_words_are_its_own_names_and_terms_but_not_federal_or_shared_words():
    from iepkit import api
    from iepkit.testing import foreign_words, state_words

    from fictional_state import ZedlandPlugin

    ms = api.load_registry(only=["mississippi"]).states["MS"]
    words = state_words(ms)
    assert {"Mississippi", "MDE", "OSE", "IEP Committee", "MET", "Mississippi Department of Education"} <= words
    assert not {"Office of Special Education", "evaluation team", "IEP team"} & words
    zz = ZedlandPlugin.__new__(ZedlandPlugin)
    zz.state_yaml = None
    zedland = zz.state()
    text = ("Ask the Office of Special Education Programs (OSEP) and the U.S. Department of Education. "
            "Your IEP team and evaluation team meet. The MET. Mississippi's ZBS.")
    assert foreign_words(text, zedland, [ms]) == ["MET (MS)", "Mississippi (MS)"]
    # A word both states use is not another state's word.
    assert foreign_words("The ZBS met.", zedland, [zedland]) == []
