"""`iepkit deadlines` fits the terminal (issue #7 point 13) and lists a state's rules without a case (point 12)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from iepkit import api
from iepkit.cli import cli as iepkit_cli

from deadline_support import ms_registry

DUE_PROCESS = Path(__file__).parent / "data" / "ms-due-process-case.yaml"


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def run(columns: int, *args):
    return CliRunner().invoke(iepkit_cli, [str(a) for a in args], env={"COLUMNS": str(columns)})


def too_wide(text: str, columns: int) -> list[str]:
    return [line for line in text.splitlines() if len(line) > columns]


# -- point 13: the width of the terminal -------------------------------------------------

@pytest.mark.parametrize("columns", [80, 200])
@pytest.mark.parametrize("extra", [[], ["--explain", "hearing-decision"], ["--explain", "evidence-disclosure"]])
def test_no_line_is_wider_than_the_terminal(columns, extra):
    result = run(columns, "deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01", *extra)
    assert result.exit_code == 0, result.output
    assert too_wide(result.stdout, columns) == []


@pytest.mark.parametrize("columns", [80, 200])
def test_the_rules_list_fits_too(columns):
    result = run(columns, "deadlines", "--state", "MS")
    assert result.exit_code == 0, result.output
    assert too_wide(result.stdout, columns) == []


def test_narrow_terminal_stacks_each_deadline_and_keeps_the_rule_id():
    result = run(80, "deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01")
    text = result.stdout
    assert "RULE " not in text  # no table header: it would wrap
    # Hand-computed: received Wed 2026-11-11 + 10 days = Sat 2026-11-21, 10 days before 2026-12-01.
    block = text[text.index("District's written response to the complaint"):].split("\n\n")[0].splitlines()
    assert block == ["District's written response to the complaint",
                     "  Due: Sat 2026-11-21 (OVERDUE by 10 days)",
                     "  Starts from: due-process-complaint-received on Wed 2026-11-11",
                     "  Rule: district-response",
                     "  Sources: 34 CFR 300.508(e)(1); 34 CFR 300.508(f)"]
    for rule in ("district-response", "resolution-period-end", "hearing-decision", "evidence-disclosure",
                 "due-process-limit"):
        assert f"  Rule: {rule}" in text  # what --explain RULE takes
    assert "Last day to file for due process [Unverified]" in text
    # A terminal wide enough for the table keeps it.
    result = run(250, "deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01")
    lines = result.stdout.splitlines()
    assert lines[2].split() == ["RULE", "DEADLINE", "TRIGGER", "DUE", "DAYS", "LEFT", "CITATION"]
    row = next(x for x in lines if x.startswith("hearing-decision"))
    assert "Mon 2027-01-25" in row and "55 days left" in row


def test_explain_wraps_steps_under_their_numbers():
    result = run(60, "deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01", "--explain", "hearing-decision")
    lines = result.stdout.splitlines()
    assert too_wide(result.stdout, 60) == []
    steps = [i for i, line in enumerate(lines) if re.match(r"\d+\. ", line)]
    assert len(steps) >= 5
    # A step's second line starts under its text, not under its number.
    after = lines[steps[1] + 1]
    assert after.startswith("   ") and not re.match(r"\s*\d+\. ", after)
    flat = " ".join(" ".join(lines).split())
    assert "day 45 is Mon 2027-01-25" in flat


def test_the_width_follows_a_real_terminal_setting(cli):
    done = cli("deadlines", "--case", str(DUE_PROCESS), "--today", "2026-12-01", env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    assert too_wide(done.stdout, 80) == [] and "  Rule: hearing-decision" in done.stdout


# -- point 12: a state's rules without a case ------------------------------------------------

def _blocks(text: str) -> dict[str, list[str]]:
    """Each rule's block by its rule id."""
    out = {}
    for chunk in text.split("\n\n"):
        lines = chunk.splitlines()
        rule = next((x.split(": ", 1)[1] for x in lines if x.startswith("  Rule: ")), None)
        if rule:
            out[rule] = lines
    return out


def test_state_rules_are_listed_with_counts_citations_and_flags():
    result = run(100, "deadlines", "--state", "ms")
    assert result.exit_code == 0, result.output
    rules = api.deadline_rules("MS")
    assert result.stdout.startswith(f"Deadline rules for Mississippi ({len(rules)})\n")
    blocks = _blocks(result.stdout)
    assert list(blocks) == [r.id for r in rules]
    for rule in rules:
        title = blocks[rule.id][0]
        assert title.startswith(rule.current.label)
        assert title.endswith("[Unverified]") == (not rule.current.verified), rule.id
        joined = " ".join(" ".join(blocks[rule.id]).split())
        for cite in rule.current.cite:
            assert cite.ref in joined, (rule.id, cite.ref)
    flat = {k: " ".join(" ".join(v).split()) for k, v in blocks.items()}
    # Counts in words, read against deadlines.yaml by hand.
    assert "How long: 1 year after violation-occurred" in flat["state-complaint-limit"]
    assert "34 CFR 300.153(c)" in flat["state-complaint-limit"]
    assert "How long: 14 calendar days after evaluation-requested, counting that day as day 1" in flat["met-meeting"]
    assert "How long: 45 calendar days after resolution-period-end ends" in flat["hearing-decision"]
    assert "How long: 5 business days before hearing-scheduled" in flat["evidence-disclosure"]
    assert "How long: 45 calendar days after records-requested" in flat["records-access"]
    assert "Confirm it with the MDE" in result.stdout


def test_the_only_installed_state_is_used_when_none_is_given():
    result = run(100, "deadlines")
    assert result.exit_code == 0, result.output
    assert result.stdout == run(100, "deadlines", "--state", "MS").stdout


def test_state_rules_as_json():
    result = run(100, "deadlines", "--state", "MS", "--json")
    data = {r["rule"]: r for r in json.loads(result.stdout)}
    assert list(data) == [r.id for r in api.deadline_rules("MS")]
    limit = data["state-complaint-limit"]
    assert limit["count"] == 1 and limit["unit"] == "years" and limit["trigger"] == "violation-occurred"
    assert limit["terms"] == "1 year after violation-occurred"
    assert "34 CFR 300.153(c)" in limit["citations"] and limit["verified"] is True
    assert data["hearing-decision"]["trigger_rule"] == "resolution-period-end"
    for rule in api.deadline_rules("MS"):
        assert data[rule.id]["verified"] == rule.current.verified
        assert len(data[rule.id]["versions"]) == len(rule.versions)


def test_explain_a_rule_without_a_case():
    result = run(80, "deadlines", "--state", "MS", "--explain", "records-access")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert flat.startswith("records-access: School lets you see your child's records")
    assert "How long: 45 calendar days after records-requested." in flat
    assert "Sources: 34 CFR 300.613(a)" in flat and '"N days after X" is X + N' in flat
    bad = run(80, "deadlines", "--state", "MS", "--explain", "records-acces")
    assert bad.exit_code == 2 and "Unknown deadline rule 'records-acces'" in bad.stderr


@pytest.mark.parametrize("args, fragment", [
    (["--case", DUE_PROCESS, "--state", "Atlantis"], "Unknown state 'Atlantis'"),
    (["--state", "MS", "--ics", "x.ics"], "--ics needs your case's dates: add --case"),
    (["--state", "MS", "--today", "2026-12-01"], "--today needs your case's dates"),
    (["--state", "Atlantis"], "Unknown state 'Atlantis'"),
])
def test_state_and_case_options_that_do_not_go_together(args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(80, "deadlines", *args)
    assert result.exit_code == 2 and fragment in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_state_may_repeat_the_case_state():
    # As in every other command, --state that names the case's own state is fine.
    with_state = run(200, "deadlines", "--case", DUE_PROCESS, "--state", "ms", "--today", "2026-12-01")
    without = run(200, "deadlines", "--case", DUE_PROCESS, "--today", "2026-12-01")
    assert with_state.exit_code == 0, with_state.output
    assert with_state.stdout == without.stdout
