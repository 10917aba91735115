from __future__ import annotations

import atexit
import copy
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# Property tests must not pass or fail by luck: every run (CI's and yours) tries
# the same examples, and nothing is saved between runs. To explore new examples
# while developing, run with HYPOTHESIS_PROFILE=explore.
settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# The cache of states' content goes to a folder of this run's own, never the user's (and the
# iepkit processes tests start inherit it).
_CACHE = tempfile.mkdtemp(prefix="iepkit-test-cache-")
os.environ["IEPKIT_CACHE_DIR"] = _CACHE
os.environ.pop("IEPKIT_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "mississippi-case.yaml"


@pytest.fixture(autouse=True)
def _fresh_registry(monkeypatch):
    """Each test sees only installed plugins, unless it sets its own registry."""
    from iepkit import api

    monkeypatch.delenv("IEPKIT_LOAD_PLUGINS", raising=False)
    api.set_registry(None)
    yield
    api.set_registry(None)


@pytest.fixture
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def example_data() -> dict:
    with EXAMPLE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture
def write_case(tmp_path):
    """Write case data (a dict) to a YAML file and return its path."""
    def write(data: dict, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(copy.deepcopy(data), sort_keys=False), encoding="utf-8")
        return path
    return write


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``iepkit`` command in a fresh process, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if k != "IEPKIT_LOAD_PLUGINS"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "iepkit.cli", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd or ROOT, timeout=120)


@pytest.fixture
def cli():
    return run_cli
