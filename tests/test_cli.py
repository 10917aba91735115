"""The iepkit command, run as a user runs it."""
from __future__ import annotations

import copy
import json
import stat
import subprocess
import sys

import pytest

from iepkit import __version__, api, hookspecs
from iepkit.model import Citation, Guide, GuideSection, Statement


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_help_does_not_import_weasyprint():
    code = ("import sys\nfrom iepkit.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('LOADED' if 'weasyprint' in sys.modules else 'NOT LOADED')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "Commands:" in out and out.strip().endswith("NOT LOADED")


@pytest.mark.parametrize("command", ["states", "plugins", "processes", "letters", "letter", "guides", "compare",
                                     "deadlines", "recommend", "kit"])
def test_every_command_has_help(cli, command):
    result = cli(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


@pytest.mark.parametrize("given", ["MS", "ms", "mississippi", "Mississippi"])
def test_state_by_code_or_name(cli, given):
    result = cli("letters", "--state", given, "--json")
    assert result.returncode == 0, result.stderr
    # The federal letters first (federal items come first), then the state's own letters.
    assert [x["id"] for x in json.loads(result.stdout)] == [
        "records-request", "evaluation-request", "iee-request", "iep-meeting-request", "pwn-request",
        "meeting-follow-up", "private-placement-notice", "mediation-request", "state-complaint",
        "due-process-complaint"]


def test_unknown_state_and_letter_list_valid_ones(cli):
    result = cli("processes", "--state", "Atlantis")
    assert result.returncode == 2
    assert "Unknown state 'Atlantis'. Valid choices: MS (Mississippi)" in result.stderr
    result = cli("letter", "complaint-letter", "--state", "MS", "--format", "txt")
    assert result.returncode == 2
    assert ("Valid choices: due-process-complaint, evaluation-request, iee-request, iep-meeting-request, "
            "mediation-request, meeting-follow-up, private-placement-notice, pwn-request, records-request, "
            "state-complaint."
            in result.stderr)
    assert "Traceback" not in result.stderr


def test_processes_json_carries_citations_and_unverified_flags(cli):
    result = cli("processes", "--state", "MS", "--json")
    data = {p["id"]: p for p in json.loads(result.stdout)}
    assert set(data) == {"mediation", "state-complaint", "due-process", "iep-facilitation"}
    cost = data["mediation"]["facts"]["cost"]
    assert cost["verified"] is True and "34 CFR 300.506(b)(4)" in [c["ref"] for c in cost["cite"]]
    assert data["due-process"]["facts"]["not_for"]["verified"] is False


def test_checklists_are_listed_with_citations(cli):
    result = cli("guides", "--state", "MS", "--kind", "checklist")
    assert result.returncode == 0
    assert "Before you send any letter" in result.stdout
    assert "[ ] Sign the letter. A state complaint must be signed and in writing. (34 CFR 300.153(a))" in result.stdout
    data = json.loads(cli("guides", "--state", "MS", "--kind", "checklist", "--json").stdout)
    assert {c["id"] for c in data} == {"before-you-send", "documents-to-gather"}
    kinds = {g["kind"] for g in json.loads(cli("guides", "--state", "MS", "--json").stdout)}
    assert kinds == {"guide", "checklist", "worksheet", "script"}


def test_register_guides_from_a_partner_plugin():
    class Extra:
        @hookspecs.hookimpl
        def register_guides(self, register):
            register(Guide(id="partner-list", state="MS", title="From a parent center", intro="Hi.", kind="checklist",
                           sections=(GuideSection(points=(Statement("Call us.", (Citation("Partner page"),)),)),)))
    api.set_registry(api.load_registry(only=["mississippi"], extra_plugins=[("partner", Extra())]))
    assert "partner-list" in {g.id for g in api.guides("MS", "checklist")}


def test_case_state_is_used_and_a_conflict_is_an_error(cli, example_data, write_case):
    path = write_case(example_data)
    result = cli("letter", "mediation-request", "--case", str(path), "--format", "txt")
    assert result.returncode == 0 and "Jordan Avery Rivers" in result.stdout
    data = copy.deepcopy(example_data)
    data["state"] = "Mississippi"
    result = cli("letter", "mediation-request", "--case", str(write_case(data)), "--state", "ms", "--format", "txt")
    assert result.returncode == 0
    data["state"] = "Alabama"
    result = cli("letter", "mediation-request", "--case", str(write_case(data)), "--format", "txt")
    # The case's state is checked when the case loads, naming the field (#7 point 6).
    assert result.returncode == 2
    assert "case.yaml: state: is not a state iepkit has installed; expected one of: MS (Mississippi)" in result.stderr


def test_pdf_written_privately_and_atomically(cli, example_path, tmp_path):
    out = tmp_path / "request.pdf"
    result = cli("letter", "mediation-request", "--case", str(example_path), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["request.pdf"]


def test_format_follows_output_extension(cli, example_path, tmp_path):
    for ext, start in ((".html", "<!DOCTYPE html>"), (".md", "Dana Rivers"), (".txt", "Dana Rivers")):
        out = tmp_path / f"letter{ext}"
        assert cli("letter", "state-complaint", "--case", str(example_path), "-o", str(out), "--date", "2026-11-29").returncode == 0
        assert out.read_text(encoding="utf-8").startswith(start)


def test_failed_write_leaves_old_file_untouched(cli, example_data, write_case, tmp_path):
    out = tmp_path / "letter.txt"
    out.write_text("previous version", encoding="utf-8")
    data = copy.deepcopy(example_data)
    del data["student"]["school"]
    result = cli("letter", "state-complaint", "--case", str(write_case(data)), "-o", str(out), "--date", "2026-11-29")
    assert result.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous version"
    result = cli("letter", "state-complaint", "--state", "MS", "-o", str(tmp_path / "no" / "such" / "x.pdf"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_blank_form_without_a_case(cli, tmp_path):
    out = tmp_path / "form.pdf"
    result = cli("letter", "due-process-complaint", "--state", "MS", "-o", str(out))
    assert result.returncode == 0, result.stderr
    from iepkit.testing import pdf_text
    text = pdf_text(out.read_bytes())
    assert "(the student's full name)" in text and "current educational placement" in text
