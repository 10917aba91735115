"""Which process fits: the recommender, run as a parent would."""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from iepkit import api, hookspecs
from iepkit.recommend import matches

WILLING = {"school_willing_to_talk": True, "relationship": "working", "bad_faith_evidence": False,
           "want_formal_finding": False, "urgent": False}


def _answers_file(tmp_path, **answers):
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                    for k, v in answers.items()}), encoding="utf-8")
    return path


def _ranked(cli, path, *extra):
    result = cli("recommend", "--state", "MS", "--answers", str(path), "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_service_amount_with_a_willing_school_ranks_mediation_first(cli, tmp_path):
    ranked = _ranked(cli, _answers_file(tmp_path, issues=["service-amount"], **WILLING))
    assert ranked[0]["process"] == "mediation" and ranked[0]["rank"] == 1
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    first = ranked[0]
    assert first["available"] is True and first["reasons"]
    assert any("cannot order" in c["text"] for c in first["cannot_do"])
    assert any("only if both sides agree" in c["text"] for c in first["cannot_do"])
    for key in ("process", "rank", "reasons", "cautions", "available"):
        assert all(key in r for r in ranked)


def test_services_never_delivered_ranks_the_state_complaint_first(cli, tmp_path):
    ranked = _ranked(cli, _answers_file(tmp_path, issues=["services-not-delivered"], **WILLING))
    # A dispute about both the amount of therapy and therapy never given: the
    # negotiated fix and the investigation both fit, and can run together.
    assert {r["process"] for r in ranked[:2]} == {"mediation", "state-complaint"}
    assert any(c["processes"] == ["state-complaint", "mediation"] for c in ranked[0]["combinations"])
    assert any("investigate" in r for r in ranked[0]["reasons"])


def test_a_violation_14_months_old_makes_the_state_complaint_unavailable(cli, tmp_path):
    path = _answers_file(tmp_path, issues=["services-not-delivered"], violation_date="2025-10-01",
                         known_date="2025-10-01", **WILLING)
    ranked = _ranked(cli, path, "--today", "2026-12-01")
    sc = next(r for r in ranked if r["process"] == "state-complaint")
    assert sc["available"] is False
    assert sc["rank"] == len(ranked)  # time-barred options go last
    assert "34 CFR 300.153(c)" in sc["unavailable_reason"]
    assert "October 1, 2026" in sc["unavailable_reason"]  # 1 year after 2025-10-01, by hand
    assert sc["filing_deadline"]["rule"] == "state-complaint-limit"
    assert sc["filing_deadline"]["due"] == "2026-10-01"
    # Due process is still open: two years from 2025-10-01 is 2027-10-01.
    dp = next(r for r in ranked if r["process"] == "due-process")
    assert dp["available"] is True and dp["filing_deadline"]["due"] == "2027-10-01"
    # A combination with an unavailable process is not offered.
    assert all("state-complaint" not in c["processes"] for r in ranked for c in r["combinations"])


def test_one_day_inside_the_limit_is_still_available(cli, tmp_path):
    path = _answers_file(tmp_path, issues=["missed-timeline"], violation_date="2025-12-01", **WILLING)
    sc = next(r for r in _ranked(cli, path, "--today", "2026-12-01") if r["process"] == "state-complaint")
    assert sc["available"] is True and sc["filing_deadline"]["days_left"] == 0
    sc = next(r for r in _ranked(cli, path, "--today", "2026-12-02") if r["process"] == "state-complaint")
    assert sc["available"] is False


def test_due_process_past_two_years_is_marked_unverified(tmp_path):
    result = api.recommend(state="MS", today=__import__("datetime").date(2026, 12, 1),
                           answers={"issues": ["placement"], "known_date": "2024-06-01", **WILLING})
    dp = next(r for r in result.ranked if r.process == "due-process")
    assert dp.available is False
    assert "[Unverified]" in dp.unavailable_reason and "34 CFR 300.507(a)(2)" in dp.unavailable_reason


def test_unwilling_school_and_bad_faith_push_mediation_down(tmp_path):
    answers = {"issues": ["service-amount"], "school_willing_to_talk": False, "relationship": "broken",
               "bad_faith_evidence": True, "want_formal_finding": True}
    ranked = api.recommend(state="MS", answers=answers).ranked
    order = [r.process for r in ranked]
    assert order.index("mediation") > order.index("state-complaint")
    med = next(r for r in ranked if r.process == "mediation")
    assert any("school agrees" in c for c in med.cautions)


def test_answers_come_from_the_case_file(example_data, write_case, cli):
    data = dict(example_data, answers=dict(WILLING))
    result = cli("recommend", "--case", str(write_case(data)), "--json", "--today", "2026-12-01")
    assert result.returncode == 0, result.stderr
    ranked = json.loads(result.stdout)
    # The case's issue types (services-not-delivered, service-amount) and its violation date are used.
    sc = next(r for r in ranked if r["process"] == "state-complaint")
    assert sc["filing_deadline"]["due"] == "2027-09-08"
    # A dispute about both the amount of therapy and therapy never given: the
    # negotiated fix and the investigation both fit, and can run together.
    assert {r["process"] for r in ranked[:2]} == {"mediation", "state-complaint"}
    assert any(c["processes"] == ["state-complaint", "mediation"] for c in ranked[0]["combinations"])


@pytest.mark.parametrize("content, expected", [
    ("issues: [speech]\n", "issues[0]: expected one of: service-amount"),
    ("issues: [placement]\nmood: sad\n", "mood: is not a known field; expected one of: issues, school_willing_to_talk"),
    ("issues: [placement]\nrelationship: fine\n", "relationship: expected one of: working, strained, broken"),
    ("issues: [placement]\nurgent: maybe\n", "urgent: expected yes or no"),
])
def test_bad_answers_files(cli, tmp_path, content, expected):
    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    result = cli("recommend", "--state", "MS", "--answers", str(path))
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_never_prompts_without_a_terminal(cli, tmp_path):
    path = _answers_file(tmp_path, issues=["placement"])
    result = cli("recommend", "--state", "MS", "--answers", str(path))
    assert result.returncode == 2
    assert "there is no terminal to ask them in" in result.stderr
    assert "school_willing_to_talk" in result.stderr and "issues:" not in result.stderr
    assert result.stdout == ""


def test_asks_questions_one_at_a_time_in_a_terminal(monkeypatch):
    from iepkit import cli as cli_module

    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    # issues: 1 (service-amount); willing: y; relationship: bad value then working;
    # bad faith: n; formal finding: n; urgent: skipped; dates: a bad one, then skip both.
    typed = "1\ny\nfine\nworking\nn\nn\n\n2025-02-30\n\n\n"
    result = CliRunner().invoke(cli_module.cli, ["recommend", "--state", "MS", "--today", "2026-12-01"], input=typed)
    assert result.exit_code == 0, result.output
    assert "What is the disagreement about?" in result.output
    assert "Mediation only happens if the school agrees to it." in result.output  # help text
    assert "1. service-amount" in result.output
    assert "'fine' is not one of" in result.output                # validation, then asked again
    assert "is not a real date" in result.output
    assert "1. Mediation" in result.output


def test_matching_rules():
    answers = {"issues": ["placement", "discipline"], "relationship": "strained", "urgent": True}
    assert matches({"issues_any": ["discipline", "eligibility"]}, answers)
    assert not matches({"issues_any": ["eligibility"]}, answers)
    assert matches({"relationship": ["strained", "broken"], "urgent": True}, answers)
    assert not matches({"relationship": ["working"]}, answers)
    assert not matches({"school_willing_to_talk": True}, answers)  # unanswered never matches


def test_register_recommend_criteria_from_a_plugin_replaces_nothing_it_does_not_own():
    import iepkit_mississippi

    class Dup:
        @hookspecs.hookimpl
        def register_recommend_criteria(self, register):
            register(iepkit_mississippi.DATA.recommend_criteria)

    reg = api.load_registry(only=["mississippi"], extra_plugins=[("dup", Dup())])
    assert "registered twice" in reg.host.infos["dup"].error
    assert reg.criteria_for("MS") is iepkit_mississippi.DATA.recommend_criteria
