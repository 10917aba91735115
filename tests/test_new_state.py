"""`iepkit new-state`: the refusals, the tree it writes, and a generated state that works end to end."""
from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from iepkit import api
from iepkit.cli import cli
from iepkit.newstate import check_new_state, default_folder, slug_for, template_dir, write_new_state
from iepkit.statecodes import US_STATE_CODES
from iepkit.statedata import StateFolder

from test_federal_letters import WHOLE_FEDERAL_LETTERS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "plugins" / "_template"
TOKENS = ("__STATE_CODE__", "__STATE_NAME__", "__SLUG__", "__DIST_NAME__", "__CLASS_NAME__", "__TODAY__",
          "__IEPKIT_VERSION__")
#: What the refusal tests pretend is installed, so they do not depend on the machine.
INSTALLED = [("MS", "Mississippi")]


def _free_state() -> tuple[str, str]:
    """A real code and name that no installed plugin uses (the end-to-end test installs it)."""
    taken = {s.code for s in api.states()} | {s.name.lower() for s in api.states()}
    return next((c, n) for c, n in sorted(US_STATE_CODES.items()) if c not in taken and n.lower() not in taken)


# -- refusals: exit 2, one clear message, nothing written ------------------------------------

@pytest.mark.parametrize("code", ["XX", "A", "ALA", "AA", "FM", "", "1"])
def test_refuses_a_code_that_is_not_a_state_or_territory(tmp_path, code):
    with pytest.raises(Exception) as err:
        write_new_state(code, "Somewhere", tmp_path / "out", installed=INSTALLED)
    assert err.value.exit_code == 2
    assert "postal code of a US state or territory" in str(err.value)
    assert not (tmp_path / "out").exists()
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_code_or_name_already_installed(tmp_path):
    for code, name, expected in [("ms", "Somewhere", "MS is already installed"),
                                 ("AL", "MISSISSIPPI", "a state named Mississippi is already installed")]:
        with pytest.raises(Exception) as err:
            write_new_state(code, name, tmp_path / "out", installed=INSTALLED)
        assert expected in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["123 Land", "Or", "日本", 'Bad"Name', "A\\B", "-", "Nul\x00Name"])
def test_refuses_a_name_that_cannot_make_a_python_package(tmp_path, name):
    with pytest.raises(Exception) as err:
        write_new_state("AL", name, tmp_path / "out", installed=INSTALLED)
    assert "--name" in str(err.value) and "Nothing was written" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_refuses_a_folder_that_is_not_empty_and_leaves_it_alone(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep me")
    with pytest.raises(Exception) as err:
        write_new_state("AL", "Alabama", tmp_path / "out", installed=INSTALLED)
    assert "already exists and is not empty" in str(err.value)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["mine.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left behind


def test_every_problem_is_reported_at_once(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("")
    with pytest.raises(Exception) as err:
        check_new_state("XX", "123", tmp_path / "out", installed=INSTALLED)
    text = str(err.value)
    assert "postal code" in text and "--name" in text and "not empty" in text


def test_cli_refuses_with_exit_2_and_writes_nothing(tmp_path, monkeypatch):
    installed = api.states()[0]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["new-state", installed.code, "--name", "Somewhere Else"])
    assert result.exit_code == 2, result.output
    assert f"{installed.code} is already installed" in result.output
    assert "Traceback" not in result.output
    assert os.listdir(tmp_path) == []


def test_an_empty_folder_is_filled(tmp_path):
    (tmp_path / "out").mkdir()
    new = write_new_state("AL", "Alabama", tmp_path / "out", installed=INSTALLED)
    assert (new.folder / "pyproject.toml").is_file()


def test_default_folder_and_names():
    assert str(default_folder("New Mexico")) == "iepkit-new-mexico"
    assert slug_for("Hawaiʻi") == "hawaii"
    assert slug_for("U.S. Virgin Islands") == "u_s_virgin_islands"
    new = check_new_state("nm", "New  Mexico", installed=INSTALLED)
    assert (new.code, new.name, new.package, new.distribution, new.class_name) == \
        ("NM", "New Mexico", "iepkit_new_mexico", "iepkit-new-mexico", "NewMexico")


# -- the tree it writes ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gen") / "iepkit-new-mexico"
    old = os.umask(0o022)
    try:
        write_new_state("NM", "New Mexico", folder, installed=INSTALLED)
    finally:
        os.umask(old)
    return folder


def test_every_template_file_is_written_with_its_tokens_filled(generated):
    want = sorted(str(p.relative_to(TEMPLATE)).replace("__SLUG__", "new_mexico")
                  for p in TEMPLATE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    got = sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file())
    assert got == want
    for path in generated.rglob("*"):
        assert not any(t in str(path.relative_to(generated)) for t in TOKENS), path
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            left = [t for t in TOKENS if t in text]
            assert not left, f"{path.name} still holds {left}"


def test_the_generated_files_are_ordinary_readable_source_files(generated):
    # Source a contributor edits and shares, not a family's data: the umask decides, not 0600.
    for path in generated.rglob("*"):
        mode = path.stat().st_mode & 0o777
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path.name}: {oct(mode)}"


def test_the_generated_pyproject_is_a_separate_plugin_distribution(generated):
    meta = tomllib.loads((generated / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "iepkit-new-mexico"
    assert any(d.startswith("iepkit>=") for d in meta["project"]["dependencies"])
    assert meta["project"]["entry-points"]["iepkit"] == {"new_mexico": "iepkit_new_mexico"}
    assert meta["tool"]["setuptools"]["packages"] == ["iepkit_new_mexico"]
    assert (generated / "iepkit_new_mexico" / "__init__.py").is_file()
    test_file = (generated / "tests" / "test_conformance.py").read_text()
    assert 'state = "NM"' in test_file and "class TestNewMexico(StateConformance)" in test_file


def _load_generated(folder: Path, package: str):
    """The generated plugin loaded in-process, next to the installed ones, as its entry point would."""
    import importlib

    sys.path.insert(0, str(folder))
    try:
        module = importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))
    reg = api.load_registry(extra_plugins=[(package, module)])
    assert not reg.host.broken, [(i.name, i.error) for i in reg.host.broken]
    return reg


def test_the_generated_state_loads_on_the_federal_layer_and_is_placeholder(generated):
    data = StateFolder(generated / "iepkit_new_mexico")
    assert (data.state.code, data.state.name) == ("NM", "New Mexico")
    assert not data.state.agency.verified and "TODO" in data.state.agency.name
    api.set_registry(_load_generated(generated, "iepkit_new_mexico"))
    assert {p.id for p in api.processes("NM")} >= {"mediation", "state-complaint", "due-process"}
    # The letters before a dispute are whole federal letters: the new state gets them without a line.
    assert {x.id for x in api.letters("NM")} == {"mediation-request", "state-complaint", "due-process-complaint",
                                                *WHOLE_FEDERAL_LETTERS}
    # Every process and every letter holds a TODO marked unverified.
    for process in api.processes("NM"):
        todo = [s for s in [*process.facts.values(), *process.steps] if "TODO" in s.text]
        assert todo and all(not s.verified for s in todo), process.id
    for letter in api.letters("NM"):
        if letter.id in WHOLE_FEDERAL_LETTERS:  # federal letters, verified there
            assert letter.origin == "federal" and all(n.verified for n in letter.notes)
            continue
        assert any(not n.verified and "TODO" in n.text for n in letter.notes), letter.id
    # Federal rules are inherited as they are; the ones a state may set are unverified until filled in.
    rules = {r.id: r for r in api.deadline_rules("NM")}
    assert rules["state-complaint-limit"].current.verified and not rules["state-complaint-limit"].amended
    for rid in ("initial-evaluation", "due-process-limit", "civil-action-limit"):
        assert not rules[rid].current.verified and "TODO" in rules[rid].current.note, rid


def test_the_template_is_never_loaded_by_an_ordinary_install():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    targets = meta["project"]["entry-points"]["iepkit"].values()
    assert not any("template" in t or "SLUG" in t for t in targets)
    assert all("_" not in s.code and "TODO" not in s.name for s in api.states())
    assert not any("template" in (i.package or "") for i in api.registry().host.infos.values())


def test_the_template_ships_in_the_wheel():
    # Every template file matches a package-data pattern of iepkit.state_template, so
    # `iepkit new-state` works from an installed wheel, not only from this checkout.
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setup = meta["tool"]["setuptools"]
    assert setup["package-dir"]["iepkit.state_template"] == "plugins/_template"
    assert "iepkit.state_template" in setup["packages"]
    patterns = setup["package-data"]["iepkit.state_template"]
    for path in TEMPLATE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = str(path.relative_to(TEMPLATE))
            assert any(fnmatch.fnmatch(rel, p) and rel.count("/") == p.count("/") for p in patterns), rel
    # The template iepkit uses (the installed wheel's copy under tox) is this one, file for file.
    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    assert files(template_dir()) == files(TEMPLATE)


# -- end to end: generate, install, use, test ----------------------------------------------------

def _fake_install(site: Path, dist: str, slug: str) -> None:
    """What `pip install -e DIR` leaves behind that matters here: the package importable and its
    entry point registered (a .dist-info with entry_points.txt). A real install takes longer
    than the rest of this test, so it is done by hand (CONTRIBUTING.md, "Adding a state")."""
    info = site / f"{dist.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(f"[iepkit]\n{slug} = iepkit_{slug}\n")


def test_a_generated_state_installs_renders_and_passes_its_own_conformance_tests(tmp_path):
    """One generated state, end to end. It takes 15 to 30 seconds (more on a busy machine), most
    of it the generated package's own conformance suite: every letter in every format, blank and
    filled. It is the proof that a new state works the moment it is made, so it runs every time."""
    code, name = _free_state()
    new = write_new_state(code, name, tmp_path / "plugin")
    site = tmp_path / "site"
    _fake_install(site, new.distribution, new.slug)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(new.folder.absolute())]),
           "COLUMNS": "80"}
    env.pop("IEPKIT_LOAD_PLUGINS", None)
    iepkit = [sys.executable, "-c", "from iepkit.cli import main; main()"]

    def run(*args: str, cwd: Path = tmp_path) -> str:
        done = subprocess.run([*iepkit, *args], cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert code in run("states")
    assert "mediation-request" in run("letters", "--state", code)
    run("letter", "mediation-request", "--state", code, "-o", "x.pdf")
    from iepkit.testing import pdf_text
    text = pdf_text((tmp_path / "x.pdf").read_bytes())
    assert "[Unverified" in text and "TODO" in text
    assert "Notes for you" in text
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
                           cwd=new.folder, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout
