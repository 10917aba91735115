"""Plugins: found by entry point, isolated when broken, and checked against the hook contract."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

import iepkit_mississippi
from iepkit import api, hookspecs
from iepkit.errors import IepkitError

ROOT = Path(__file__).resolve().parent.parent


def install_fake_plugin(site: Path, name: str, source: str) -> None:
    """Write a module plus a .dist-info folder, as pip would, so the entry point is found."""
    module = f"{name}_iepkit_plugin"
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist = site / f"{module}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-iepkit-plugin\nVersion: 0.1\n",
                                   encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[iepkit]\n{name} = {module}\n", encoding="utf-8")


BROKEN_IMPORT = """
    raise ImportError("this plugin needs a package that is not installed")
"""

MISSPELLED_HOOK = """
    from iepkit import hookimpl

    @hookimpl
    def register_state(register):
        pass
"""

RAISES_IN_HOOK = """
    from iepkit import hookimpl

    @hookimpl
    def register_states(register):
        raise RuntimeError("boom")
"""

ADDS_COMMAND = """
    import click
    from iepkit import hookimpl

    @hookimpl
    def register_commands(cli):
        @cli.command()
        def hello():
            "Say hello."
            click.echo("hello from a plugin")
"""


@pytest.fixture
def site(tmp_path):
    path = tmp_path / "site"
    path.mkdir()
    return path


def test_mississippi_is_loaded_from_its_entry_point(cli):
    result = cli("states", "--json")
    assert result.returncode == 0, result.stderr
    states = json.loads(result.stdout)
    assert {"code": "MS", "name": "Mississippi", "plugin": "mississippi",
            "package": "iepkit_mississippi"}.items() <= states[0].items()
    assert states[0]["version"]


def test_broken_plugin_beside_a_working_one(cli, site):
    install_fake_plugin(site, "broken", BROKEN_IMPORT)
    result = cli("states", "--json", env={"PYTHONPATH": str(site)})
    assert result.returncode == 0, result.stderr
    assert [s["code"] for s in json.loads(result.stdout)] == ["MS", "TX"]
    assert "plugin 'broken' could not be imported" in result.stderr
    assert "not installed" in result.stderr
    assert "Traceback" not in result.stderr
    # Letters still work with the broken plugin present.
    result = cli("letter", "mediation-request", "--state", "MS", "--format", "txt",
                 env={"PYTHONPATH": str(site)})
    assert result.returncode == 0 and "Please assign a mediator" in result.stdout


def test_plugins_command_lists_hooks_and_failures(cli, site):
    install_fake_plugin(site, "broken", BROKEN_IMPORT)
    install_fake_plugin(site, "typo", MISSPELLED_HOOK)
    result = cli("plugins", "--json", env={"PYTHONPATH": str(site)})
    # A failed plugin fails the command, so a plugin's CI catches it (exit 1; 2 is bad input).
    assert result.returncode == 1, result.stderr
    assert "error: 2 plugins failed to load: broken could not be imported" in result.stderr
    assert "typo was rejected" in result.stderr and "Traceback" not in result.stderr
    infos = {p["name"]: p for p in json.loads(result.stdout)}
    assert infos["mississippi"]["error"] is None
    assert infos["mississippi"]["hooks"] == ["register_deadline_rules", "register_guides", "register_letters",
                                             "register_processes", "register_recommend_criteria", "register_states"]
    assert "could not be imported" in infos["broken"]["error"]
    assert "was rejected" in infos["typo"]["error"] and "register_state" in infos["typo"]["error"]


def test_plugins_command_exits_1_for_a_broken_plugin_and_0_when_all_load(cli, site):
    install_fake_plugin(site, "broken", BROKEN_IMPORT)
    result = cli("plugins", env={"PYTHONPATH": str(site)})
    assert result.returncode == 1
    assert "broken (broken_iepkit_plugin 0.1)\n  FAILED: could not be imported" in result.stdout
    assert "not installed" in result.stderr.splitlines()[-1]
    good = cli("plugins")
    assert good.returncode == 0, good.stderr
    assert "mississippi (iepkit_mississippi" in good.stdout and good.stderr == ""


def test_plugins_command_fails_for_a_plugin_that_raises_in_a_hook():
    from click.testing import CliRunner

    from iepkit.cli import cli as iepkit_cli

    api.set_registry(api.load_registry(only=["mississippi"], extra_plugins=[("bad", _RaisesInHook())]))
    result = CliRunner().invoke(iepkit_cli, ["plugins"])
    assert result.exit_code == 1
    assert "bad (" in result.stdout and "FAILED: failed in register_states (RuntimeError: boom)" in result.stdout
    assert "error: 1 plugin failed to load: bad failed in register_states (RuntimeError: boom)" in result.stderr
    result = CliRunner().invoke(iepkit_cli, ["plugins", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)[0]["name"] == "bad"


def test_iepkit_load_plugins_selects_plugins(cli, site):
    install_fake_plugin(site, "broken", BROKEN_IMPORT)
    env = {"PYTHONPATH": str(site), "IEPKIT_LOAD_PLUGINS": "mississippi"}
    result = cli("states", "--json", env=env)
    assert result.returncode == 0 and "broken" not in result.stderr
    assert [s["code"] for s in json.loads(result.stdout)] == ["MS"]
    result = cli("letters", "--state", "MS", env={"IEPKIT_LOAD_PLUGINS": ""})
    assert result.returncode == 2
    assert "No state plugins are installed or loaded" in result.stderr


def test_register_commands_adds_a_command(cli, site):
    install_fake_plugin(site, "greeter", ADDS_COMMAND)
    result = cli("hello", env={"PYTHONPATH": str(site)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello from a plugin"
    assert "hello" in cli("--help", env={"PYTHONPATH": str(site)}).stdout


# -- in-process: content checks -------------------------------------------------

class _RaisesInHook:
    @hookspecs.hookimpl
    def register_states(self, register):
        raise RuntimeError("boom")


class _WrongType:
    @hookspecs.hookimpl
    def register_processes(self, register):
        register({"id": "mediation"})


class _UnknownState:
    @hookspecs.hookimpl
    def register_processes(self, register):
        ms = iepkit_mississippi.DATA.processes[0]
        from dataclasses import replace
        register(replace(ms, state="ZZ"))


class _Duplicate:
    @hookspecs.hookimpl
    def register_letters(self, register):
        register(iepkit_mississippi.DATA.letters[0])


@pytest.mark.parametrize("plugin, reason", [
    (_RaisesInHook(), "failed in register_states (RuntimeError: boom)"),
    (_WrongType(), "registered a dict where a Process was expected"),
    (_UnknownState(), "is for state 'ZZ', which no plugin registers"),
    (_Duplicate(), "letter 'mediation-request' for MS is registered twice"),
])
def test_invalid_plugin_is_dropped_and_others_keep_working(plugin, reason):
    reg = api.load_registry(only=["mississippi"], extra_plugins=[("bad", plugin)])
    bad = reg.host.infos["bad"]
    assert bad.error and reason in bad.error
    assert "MS" in reg.states
    assert {p.id for p in reg.processes_for("MS")} >= {"mediation", "state-complaint", "due-process"}
    assert len(reg.letters_for("MS")) == 10  # its three letters and the seven whole federal letters


def _copy_ms(tmp_path: Path, code: str = "ZZ", name: str = "Testland") -> Path:
    folder = tmp_path / "testland"
    shutil.copytree(Path(iepkit_mississippi.__file__).parent, folder,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    state = yaml.safe_load((folder / "state.yaml").read_text(encoding="utf-8"))
    state.update(code=code, name=name)
    (folder / "state.yaml").write_text(yaml.safe_dump(state, sort_keys=False), encoding="utf-8")
    return folder


def _folder_plugin(folder: Path):
    from iepkit.statedata import StateFolder

    data = StateFolder(folder)

    class Plugin:
        @hookspecs.hookimpl
        def register_states(self, register):
            register(data.state)

        @hookspecs.hookimpl
        def register_processes(self, register):
            for p in data.processes:
                register(p)

        @hookspecs.hookimpl
        def register_letters(self, register):
            for x in data.letters:
                register(x)
    return Plugin()


def test_register_states_processes_letters_for_a_second_state(tmp_path):
    reg = api.load_registry(only=["mississippi"], extra_plugins=[("testland", _folder_plugin(_copy_ms(tmp_path)))])
    api.set_registry(reg)
    assert [s.code for s in api.states()] == ["MS", "ZZ"]
    assert api.find_state("testland").code == "ZZ"
    text = api.render_letter("state-complaint", state="zz", fmt="txt")
    assert "Formal State Complaint" in text


def test_invalid_state_yaml_is_reported_with_path_and_key(tmp_path):
    folder = _copy_ms(tmp_path)
    processes = yaml.safe_load((folder / "processes.yaml").read_text(encoding="utf-8"))
    del processes[0]["facts"]["cost"]
    processes[1]["facts"]["timeline"]["cite"] = []
    (folder / "processes.yaml").write_text(yaml.safe_dump(processes, sort_keys=False), encoding="utf-8")
    reg = api.load_registry(only=["mississippi"], extra_plugins=[("testland", _folder_plugin(folder))])
    error = reg.host.infos["testland"].error
    assert str(folder / "processes.yaml") in error
    assert "[0].facts.cost: is missing" in error
    assert "[1].facts.timeline.cite: needs at least one citation" in error
    assert "ZZ" not in reg.states and "MS" in reg.states


def test_letter_template_file_must_exist(tmp_path):
    folder = _copy_ms(tmp_path)
    (folder / "letters" / "state-complaint.html").unlink()
    reg = api.load_registry(only=["mississippi"], extra_plugins=[("testland", _folder_plugin(folder))])
    assert "[1].template: names a file that does not exist" in reg.host.infos["testland"].error


# -- the contract itself ---------------------------------------------------------

HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("register_"))


def test_every_hook_is_documented_in_contributing():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for name in HOOKS:
        spec = getattr(hookspecs, name)
        args = ", ".join(spec.__code__.co_varnames[:spec.__code__.co_argcount])
        assert f"{name}({args})" in text, f"CONTRIBUTING.md does not document {name}({args})"


def test_every_hook_has_a_test():
    """Like datasette's meta-test: each hook is named by at least one test function."""
    import re

    names = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        names |= set(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    for hook in HOOKS:
        assert any(hook in name for name in names), f"no test function is named after {hook}"


def test_hook_implementations_take_no_defaults():
    import inspect

    for name in HOOKS:
        impl = getattr(iepkit_mississippi, name, None)
        if impl is None:
            continue
        params = inspect.signature(impl).parameters.values()
        assert all(p.default is inspect.Parameter.empty for p in params), name


def test_unknown_state_lists_installed_ones():
    with pytest.raises(IepkitError) as info:
        api.find_state("Atlantis")
    assert "Unknown state 'Atlantis'. Valid choices: MS (Mississippi)" in str(info.value)


def test_register_processes_from_a_second_plugin_adds_to_a_state():
    from dataclasses import replace

    class Extra:
        @hookspecs.hookimpl
        def register_processes(self, register):
            register(replace(iepkit_mississippi.DATA.processes[0], id="local-mediation", name="Local mediation"))

    api.set_registry(api.load_registry(only=["mississippi"], extra_plugins=[("local", Extra())]))
    assert "local-mediation" in [p.id for p in api.processes("MS")]


def test_register_letters_from_a_second_plugin_can_be_written():
    from dataclasses import replace

    class Extra:
        @hookspecs.hookimpl
        def register_letters(self, register):
            base = iepkit_mississippi.DATA.letters[1]
            register(replace(base, id="district-complaint-copy", title="Copy for the district"))

    api.set_registry(api.load_registry(only=["mississippi"], extra_plugins=[("partner", Extra())]))
    text = api.render_letter("district-complaint-copy", state="MS", fmt="txt")
    assert "Copy for the district" in text and "____" in text
