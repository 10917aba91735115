"""Start-up that does not grow with the number of states (#11): lazy content, the cache, the YAML parsers.

No timings here (benchmarks/startup.py measures them): these tests show what
is read, when, and that the fast paths give exactly what the slow ones give.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st

import iepkit_mississippi
import iepkit_texas
from iepkit import hookspecs, statecache, statefiles, yamlio
from iepkit.errors import IepkitError, InputError
from iepkit.plugins import PluginHost
from iepkit.registry import Registry
from iepkit.statedata import StateFolder

ROOT = Path(__file__).resolve().parent.parent
MS_FOLDER = Path(iepkit_mississippi.__file__).parent
# The state folders' names as installed: plugins/texas in a checkout, iepkit_texas from a wheel.
MS, TX = MS_FOLDER.name, Path(iepkit_texas.__file__).parent.name
PARTS = ("state", "processes", "letters", "deadline_rules", "guides", "recommend_criteria")

# Runs the command line in a new process and reports which parts of which state folders were read.
_SPY = """
import json, sys
from iepkit import statedata
seen = []
real = statedata.StateFolder._part
def spy(self, name):
    seen.append([self.folder.name, name])
    return real(self, name)
statedata.StateFolder._part = spy
from iepkit.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("READ " + json.dumps({"parts": seen, "statefiles": "iepkit.statefiles" in sys.modules,
                            "yaml": "yaml" in sys.modules}), file=sys.stderr)
"""


def _read_by(*args: str, env: dict | None = None) -> dict:
    full = {k: v for k, v in os.environ.items() if k != "IEPKIT_LOAD_PLUGINS"}
    full.update(env or {})
    done = subprocess.run([sys.executable, "-c", _SPY, *args], capture_output=True, text=True, env=full,
                          cwd=ROOT, timeout=120)
    line = [x for x in done.stderr.splitlines() if x.startswith("READ ")]
    assert line, done.stderr
    return json.loads(line[-1][5:])


# -- lazy loading --------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["--version"], ["log", "--help"], ["letters", "--help"]])
def test_help_and_version_read_no_state_file(args):
    read = _read_by(*args)
    assert read["parts"] == []
    assert not read["statefiles"] and not read["yaml"]  # not even the YAML parser is imported


def test_states_reads_only_each_states_own_entry():
    read = _read_by("states")
    assert {name for _, name in read["parts"]} == {"state"}
    assert {folder for folder, _ in read["parts"]} >= {MS, TX}


def test_a_command_reads_only_the_state_it_uses():
    read = _read_by("letters", "--state", "TX")
    texas = {name for folder, name in read["parts"] if folder == TX}
    mississippi = {name for folder, name in read["parts"] if folder == MS}
    assert {"state", "processes", "letters"} <= texas
    assert mississippi == {"state"}


def _broken_testland(tmp_path: Path) -> Path:
    folder = tmp_path / "testland"
    shutil.copytree(MS_FOLDER, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    state = yaml.safe_load((folder / "state.yaml").read_text(encoding="utf-8"))
    state.update(code="ZZ", name="Testland")
    (folder / "state.yaml").write_text(yaml.safe_dump(state, sort_keys=False), encoding="utf-8")
    processes = yaml.safe_load((folder / "processes.yaml").read_text(encoding="utf-8"))
    del processes[0]["facts"]["cost"]
    (folder / "processes.yaml").write_text(yaml.safe_dump(processes, sort_keys=False), encoding="utf-8")
    return folder


class _FolderPlugin:
    def __init__(self, folder: Path):
        self.data = StateFolder(folder)

    @hookspecs.hookimpl
    def register_states(self, register):
        register(self.data.state)

    @hookspecs.hookimpl
    def register_processes(self, register):
        for p in self.data.processes:
            register(p)


def _lazy(*extra: tuple[str, object]) -> Registry:
    host = PluginHost()
    host.load_entry_points(only=["mississippi", "texas"])
    for name, plugin in extra:
        host.add_plugin(plugin, name)
    return Registry.build(host, lazy=True)


def test_a_broken_state_is_listed_and_its_error_reaches_the_user_when_it_is_used(tmp_path):
    folder = _broken_testland(tmp_path)
    reg = _lazy(("testland", _FolderPlugin(folder)))
    told = []
    reg.host.on_broken = told.append
    assert "ZZ" in reg.states and reg.host.infos["testland"].error is None  # its content not read yet
    assert reg.find_state("MS").code == "MS" and not told
    with pytest.raises(IepkitError) as info:
        reg.find_state("testland")
    message = str(info.value)
    assert message.startswith("Testland (ZZ) cannot be used: its plugin 'testland' failed in register_processes")
    assert str(folder / "processes.yaml") in message and "[0].facts.cost: is missing" in message
    assert told == []  # told once, by the error, not also by a warning
    assert "ZZ" not in reg.states and "MS" in reg.states


def test_load_all_reports_a_broken_state_like_the_eager_registry(tmp_path):
    folder = _broken_testland(tmp_path)
    reg = _lazy(("testland", _FolderPlugin(folder)))
    reg.load_all()
    assert "[0].facts.cost: is missing" in reg.host.infos["testland"].error
    assert "ZZ" not in reg.states and {"MS", "TX"} <= set(reg.states)


def test_lazy_and_eager_registries_hold_the_same_content():
    from iepkit import api

    eager = api.load_registry(only=["mississippi", "texas"])
    lazy = _lazy()
    assert not lazy.letters  # nothing read yet
    for code in ("TX", "MS"):  # in the other order than the eager build
        lazy.load_state(code)
    for kind in ("processes", "letters", "deadline_rules", "guides", "recommend_criteria", "withdrawn", "federal"):
        assert getattr(lazy, kind) == getattr(eager, kind), kind
    assert lazy.states == eager.states and not lazy.host.broken


def test_a_state_plugin_adds_content_to_its_own_states_only():
    class Meddler:
        @hookspecs.hookimpl
        def register_states(self, register):
            register(replace(iepkit_mississippi.DATA.state, code="ZZ", name="Zedland"))

        @hookspecs.hookimpl
        def register_processes(self, register):
            register(replace(iepkit_mississippi.DATA.processes[0], id="meddling"))  # for MS

    reg = _lazy(("meddler", Meddler()))
    reg.load_all()
    assert "for state 'MS', which plugin 'mississippi' provides" in reg.host.infos["meddler"].error
    assert "meddling" not in {p.id for p in reg.processes_for("MS")}


# -- the cache -----------------------------------------------------------------------

@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(statecache.DIR_ENV, str(where))
    monkeypatch.delenv(statecache.OFF_ENV, raising=False)
    return where / statecache.SUBFOLDER


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The YAML files read from disk (not from the cache), by name."""
    seen: list[str] = []
    real = statefiles.load_yaml_file

    def spy(path, *args, **kwargs):
        path = Path(path)  # the federal layer's files apart, as "federal/processes.yaml"
        seen.append(f"federal/{path.name}" if path.parent.name == "federal" else path.name)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(statefiles, "load_yaml_file", spy)
    return seen


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "state"
    shutil.copytree(MS_FOLDER, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return folder


def test_the_tests_never_use_the_users_cache():
    assert str(statecache.cache_folder()).startswith(os.environ[statecache.DIR_ENV])
    assert "iepkit-test-cache-" in os.environ[statecache.DIR_ENV]


def test_a_second_read_comes_from_the_cache(tmp_path, cache, parses):
    folder = _copy(tmp_path)
    first = {part: getattr(StateFolder(folder), part) for part in PARTS}
    assert "processes.yaml" in parses and "letters.yaml" in parses
    parses.clear()
    again = {part: getattr(StateFolder(folder), part) for part in PARTS}
    assert parses == [] and again == first
    # One file per part of this state (the federal layer's parts may be cached beside them,
    # when no earlier test in this process has read them).
    mine = {statecache.cache_file(cache, StateFolder(folder), part) for part in PARTS}
    assert {p for p in cache.glob("*.pickle") if p in mine} == mine


def test_editing_a_file_makes_its_part_stale(tmp_path, cache, parses):
    folder = _copy(tmp_path)
    old = StateFolder(folder).processes[0].name
    text = (folder / "processes.yaml").read_text(encoding="utf-8")
    assert f"name: {old}\n" in text
    (folder / "processes.yaml").write_text(text.replace(f"name: {old}\n", "name: Talking it through\n", 1),
                                           encoding="utf-8")
    parses.clear()
    fresh = StateFolder(folder)
    assert fresh.processes[0].name == "Talking it through" and "processes.yaml" in parses
    parses.clear()
    assert StateFolder(folder).processes == fresh.processes
    assert "processes.yaml" not in parses  # the new content was cached in turn


def test_a_change_to_the_federal_layer_makes_a_states_layered_parts_stale(tmp_path, cache, monkeypatch):
    federal = tmp_path / "federal"
    shutil.copytree(statecache._FEDERAL_FOLDER, federal, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    monkeypatch.setattr(statecache, "_FEDERAL_FOLDER", federal)
    folder = StateFolder(MS_FOLDER)
    before = {part: statecache._key(folder, part) for part in PARTS}
    (federal / "deadlines.yaml").write_text((federal / "deadlines.yaml").read_text(encoding="utf-8") + "\n",
                                            encoding="utf-8")
    after = {part: statecache._key(folder, part) for part in PARTS}
    assert [p for p in PARTS if before[p] != after[p]] == ["deadline_rules"]


def test_a_new_iepkit_version_makes_every_part_stale(tmp_path, cache, monkeypatch):
    folder = StateFolder(_copy(tmp_path))
    before = statecache._key(folder, "letters")
    monkeypatch.setattr(statecache, "_code_key", "some other version")
    assert statecache._key(folder, "letters") != before


@pytest.mark.parametrize("damage", ["garbage", "pickle"])
def test_a_damaged_cache_file_is_ignored_with_a_warning_and_written_again(tmp_path, cache, parses, capsys,
                                                                           damage):
    folder = _copy(tmp_path)
    good = StateFolder(folder).letters
    path = statecache.cache_file(cache, StateFolder(folder), "letters")
    assert path.is_file()
    if damage == "garbage":
        path.write_bytes(b"\x00\x01 not a cache file")
    else:  # the right key, but the pickle after it is cut short
        path.write_bytes(path.read_bytes()[:-40])
    parses.clear()
    assert StateFolder(folder).letters == good
    err = capsys.readouterr().err
    assert f"warning: the cache file {path}" in err and "deleting it is safe" in err
    assert "letters.yaml" in parses
    parses.clear()
    assert StateFolder(folder).letters == good and parses == []  # written again, and good
    assert "warning" not in capsys.readouterr().err


def test_no_cache_when_turned_off(tmp_path, cache, parses, monkeypatch):
    monkeypatch.setenv(statecache.OFF_ENV, "1")
    folder = _copy(tmp_path)
    StateFolder(folder).processes  # noqa: B018
    StateFolder(folder).processes  # noqa: B018
    assert parses.count("processes.yaml") == 2 and not cache.exists()


def test_the_cache_is_owner_only(tmp_path, cache):
    StateFolder(_copy(tmp_path)).state  # noqa: B018
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    files = list(cache.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    cache.chmod(0o755)  # loosened by hand: locked down again on the next write
    StateFolder(_copy(tmp_path / "again")).state  # noqa: B018
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_a_cache_folder_others_can_write_to_is_not_read(tmp_path, cache, parses, monkeypatch):
    folder = _copy(tmp_path)
    StateFolder(folder).processes  # noqa: B018
    cache.chmod(0o777)  # anyone could have put a file here: it is not unpickled
    monkeypatch.setattr(statecache, "_checked", {})
    parses.clear()
    StateFolder(folder).processes  # noqa: B018
    assert "processes.yaml" in parses
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700  # locked down again when written


def test_a_bad_file_is_not_cached(tmp_path, cache, parses):
    folder = _broken_testland(tmp_path)
    for _ in range(2):
        with pytest.raises(InputError, match=r"\[0\]\.facts\.cost: is missing"):
            StateFolder(folder).processes  # noqa: B018
    assert parses.count("processes.yaml") == 2
    assert not statecache.cache_file(cache, StateFolder(folder), "processes").exists()


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(statecache.DIR_ENV, str(blocker))
    monkeypatch.setattr(statecache, "_refused", set())
    assert StateFolder(_copy(tmp_path)).processes
    assert StateFolder(_copy(tmp_path / "two")).processes
    err = capsys.readouterr().err
    assert err.count("cannot be used") == 1 and "states are read from their files instead" in err


# -- the YAML parsers ----------------------------------------------------------------

needs_libyaml = pytest.mark.skipif(yamlio._CLoader is None, reason="PyYAML was built without libyaml")

REPO_YAML = sorted(p for pattern in ("plugins/**/*.yaml", "core/**/*.yaml", "examples/**/*.yaml", "tests/**/*.yaml")
                   for p in ROOT.glob(pattern) if "__pycache__" not in p.parts)

TRICKY = [
    "a: yes\nb: no\nc: on\nd: off\ne: ~\nf: null\ng: 0x1F\nh: 0o17\ni: 1_000\nj: .inf\nk: -.INF\n",
    "when: 2024-02-03\nat: 2024-02-03 10:30:00\nbad: 2024-02-30\nweird: 2024-2-3\n",
    "base: &b {x: 1, y: [1, 2]}\nchild: *b\nlist: &l [1, 2]\nagain: *l\n",
    "text: |\n  two\n  lines\nfolded: >-\n  one\n  line\nquoted: 'it''s'\nesc: \"tab\\there\"\n",
    "unicode: café ✓ 日本\nempty:\nlist: []\nmap: {}\n",
    "- 1\n- [2, 3]\n- {a: b}\n- - nested\n  - list\n",
    "1: int key\n2.5: float key\nname: text key\n",
]

BAD = [
    "a: 1\na: 2\n",
    "a:\n\t- tab\n",
    "name: 'never closed\nnext: 1\n",
    "a: 1\n b: 2\n",
    "a: [1, 2\n",
    "key:value\nother: 1\n",
    "a: b: c\n",
    "a: 1\x00\n",
    "x: @home\n",
    "1: one\ntrue: the same key to Python\n",  # 1 == True: a duplicate key
    "base: &b {x: 1}\nchild:\n  <<: *b\n",  # merge keys are not supported, by either parser
]


@needs_libyaml
def test_the_c_loader_keeps_dates_as_text_and_refuses_duplicate_keys():
    assert yaml.load("d: 2024-02-03\nt: 2024-02-03 10:00:00\n", Loader=yamlio._CLoader) == \
        {"d": "2024-02-03", "t": "2024-02-03 10:00:00"}
    with pytest.raises(yamlio._DuplicateKey):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=yamlio._CLoader)
    with pytest.raises(yaml.constructor.ConstructorError):  # still safe: no Python objects
        yaml.load("x: !!python/object/apply:os.system ['true']\n", Loader=yamlio._CLoader)


@needs_libyaml
def test_parse_yaml_uses_the_c_loader(monkeypatch):
    class Refuses(yamlio._Loader):
        def __init__(self, *args):
            raise AssertionError("the pure-Python parser was used")
    monkeypatch.setattr(yamlio, "_Loader", Refuses)
    assert yamlio.parse_yaml("a: [1, 2024-01-01]\n", "x") == {"a": [1, "2024-01-01"]}


def _both(text: str) -> tuple[object, object]:
    def run(loader):
        try:
            return ("ok", yaml.load(text, Loader=loader))
        except yaml.YAMLError as exc:
            return ("error", type(exc).__name__)
    return run(yamlio._CLoader), run(yamlio._Loader)


@needs_libyaml
@pytest.mark.parametrize("path", REPO_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_c_and_pure_loaders_read_every_yaml_file_here_the_same(path):
    text = path.read_text(encoding="utf-8")
    fast, pure = _both(text)
    assert fast == pure and fast[0] == "ok"


@needs_libyaml
@pytest.mark.parametrize("text", TRICKY)
def test_c_and_pure_loaders_agree_on_tricky_values(text):
    fast, pure = _both(text)
    assert fast == pure and fast[0] == "ok"


@pytest.mark.parametrize("text", TRICKY + BAD)
def test_parse_yaml_gives_the_same_result_and_message_without_libyaml(text, monkeypatch):
    def outcome():
        try:
            return ("ok", yamlio.parse_yaml(text, "f.yaml", field_names={"name", "key", "a"}))
        except InputError as exc:
            return ("error", str(exc))
    with_c = outcome()
    monkeypatch.setattr(yamlio, "_CLoader", None)
    assert outcome() == with_c
    assert (with_c[0] == "error") == (text in BAD)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                     st.floats(allow_nan=False), st.dates().map(str))


def _nested(inner):
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4))


_data = st.recursive(_scalars, _nested, max_leaves=20)


@needs_libyaml
@given(data=_data, flow=st.sampled_from([None, True, False]))
def test_c_and_pure_loaders_agree_on_any_data(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    fast, pure = _both(text)
    assert fast == pure


# -- the version and entry points, read without importlib.metadata --------------------

def test_entry_points_and_versions_match_importlib_metadata():
    from importlib import metadata

    from iepkit import distinfo

    mine = sorted((e.name, e.value, e.version) for e in distinfo.entry_points("iepkit"))
    theirs = sorted((e.name, e.value, e.dist.version) for e in metadata.entry_points(group="iepkit"))
    assert mine == theirs and ("mississippi", "iepkit_mississippi", metadata.version("iepkit")) in mine
    assert distinfo.version("iepkit") == metadata.version("iepkit")
    assert distinfo.version("no-such-distribution-here") is None


def test_a_zip_on_sys_path_goes_to_importlib_metadata(tmp_path, monkeypatch):
    from iepkit import distinfo

    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip file
    monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    monkeypatch.setattr(distinfo, "_scanned", None)
    assert distinfo._distributions() is None
    assert "mississippi" in {e.name for e in distinfo.entry_points("iepkit")}


def test_version_option_prints_the_installed_version():
    from importlib import metadata

    from click.testing import CliRunner

    from iepkit.cli import cli

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output == f"iepkit, version {metadata.version('iepkit')}\n"
