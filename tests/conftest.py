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


@pytest.fixture(autouse=True, scope="session")
def _each_page_printed_once(tmp_path_factory):
    """Many checks read the same page's PDF (the conformance suite, the Word comparisons, the
    parent-facing scans, the kit's layout checks): WeasyPrint gives the same PDF for the same
    page, so a test run prints each page once, shared by the test workers through files in
    their common temporary folder, and later checks read that PDF. Every page is still printed
    by WeasyPrint; tests of the printing itself (hostile input) call it directly."""
    import hashlib

    from filelock import FileLock

    from iepkit.render import pdf

    real = pdf.html_to_pdf
    # Under pytest-xdist each worker's temporary folder sits in one shared folder.
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None
    printed: dict[str, bytes] = {}

    def print_once(html: str) -> bytes:
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()
        if key not in printed:
            if shared is None:
                printed[key] = real(html)
            else:
                path = shared / f"printed-{key}.pdf"
                with FileLock(str(path) + ".lock"):
                    if not path.is_file():
                        path.write_bytes(real(html))
                    printed[key] = path.read_bytes()
        return printed[key]

    pdf.html_to_pdf = print_once
    yield
    pdf.html_to_pdf = real


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
