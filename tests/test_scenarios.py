"""Every state plugin's scenario files (events in, deadlines out) pass, and bad ones are reported clearly."""
from __future__ import annotations

import pytest

import iepkit_mississippi
from iepkit.errors import InputError
from iepkit.scenarios import check_scenario, load_scenario, scenario_files

from deadline_support import ms_registry

FILES = scenario_files([iepkit_mississippi])


@pytest.fixture(autouse=True)
def _ms():
    yield from ms_registry()


def test_mississippi_ships_scenarios():
    names = {p.stem for p in FILES}
    assert {"example-case", "due-process-thanksgiving", "leap-year-2028", "confederate-memorial-day",
            "juneteenth", "christmas-new-year", "evaluation-request", "reevaluation-request"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path):
    assert check_scenario(path) == []


GOOD = """name: A scenario
why: Oct 30 + 10 = Nov 9.
state: MS
today: 2026-11-01
events:
  - {type: due-process-complaint-received, date: 2026-10-30}
expect:
  - {rule: district-response, due: 2026-11-09, days_left: 8}
not_started: [met-meeting]
"""


def test_a_wrong_expectation_is_reported(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("2026-11-09", "2026-11-10").replace("days_left: 8", "days_left: 9")
                    .replace("[met-meeting]", "[district-response]"), "utf-8")
    assert check_scenario(path) == [
        "expect[0] district-response: due is 2026-11-09, expected 2026-11-10",
        "expect[0] district-response: days_left is 8, expected 9",
        "not_started: district-response has a deadline",
    ]
    path.write_text(GOOD, "utf-8")
    assert check_scenario(path) == []


def test_a_malformed_scenario_names_the_file_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("due: 2026-11-09", "due: 2026-11-31").replace("why: Oct 30 + 10 = Nov 9.\n", ""),
                    "utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    text = str(err.value)
    assert str(path) in text and "why: is missing" in text and "expect[0].due: is not a real date" in text
