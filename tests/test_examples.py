"""The example case files work with every command, with dates worked out by hand."""
from __future__ import annotations

import json

import pytest

from iepkit import api

EXAMPLES = ["examples/mississippi-case.yaml", "examples/mississippi-due-process-case.yaml"]


@pytest.mark.parametrize("path", EXAMPLES)
def test_every_letter_can_be_written_from_each_example(path):
    case = api.load_case(path)
    for letter in api.letters("MS"):
        assert "Jordan Avery Rivers" in api.render_letter(letter.id, case=case, fmt="txt")


def test_due_process_example_deadlines_by_hand(cli):
    result = cli("deadlines", "--case", EXAMPLES[1], "--today", "2026-12-01", "--json")
    assert result.returncode == 0, result.stderr
    due = {d["rule"]: d["due"] for d in json.loads(result.stdout)}
    # Complaint received Mon 2026-11-16:
    assert due["district-response"] == "2026-11-26"       # + 10 days (Thanksgiving; not moved)
    assert due["resolution-meeting"] == "2026-12-01"      # + 15 days
    assert due["resolution-period-end"] == "2026-12-16"   # + 30 days
    assert due["hearing-decision"] == "2027-01-30"        # 2026-12-16 + 45 days, a Saturday, not moved
    # Hearing Tue 2027-01-19; counting back 5 business days skips MLK Day (Mon 01-18) and the weekend:
    # Fri 01-15 (1), Thu 01-14 (2), Wed 01-13 (3), Tue 01-12 (4), Mon 01-11 (5).
    assert due["evidence-disclosure"] == "2027-01-11"


def test_explain_hearing_decision_shows_the_chain(cli):
    result = cli("deadlines", "--case", EXAMPLES[1], "--explain", "hearing-decision", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # the steps wrap to the terminal's width
    steps = ["The case lists 'due-process-complaint-received' on Mon 2026-11-16",
             "Rule resolution-period-end", "day 30 is Wed 2026-12-16",
             "Rule hearing-decision", "34 CFR 300.515(a)", "day 45 is Sat 2027-01-30", "How days are counted"]
    positions = [out.index(s) for s in steps]
    assert positions == sorted(positions)
