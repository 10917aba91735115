"""The core carries no state's words: shared ids, messages and templates take them from the state (#8 point 5)."""
from __future__ import annotations

import datetime as dt

import pytest

from iepkit import api
from iepkit.events import EVENT_ALIASES, EVENT_TYPES, EVENT_WORDS, canonical_event

from deadline_support import ms_registry

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def ms():
    yield from ms_registry()


def test_the_evaluation_meeting_event_has_a_neutral_id():
    assert "evaluation-meeting-held" in EVENT_TYPES and "evaluation-meeting-held" in EVENT_WORDS
    assert "met-meeting-held" not in EVENT_TYPES  # the old id is only an alias
    assert canonical_event("met-meeting-held") == "evaluation-meeting-held"
    # Every alias leads to a current id, so nothing loads as an unknown event.
    assert set(EVENT_ALIASES.values()) <= set(EVENT_TYPES)


@pytest.mark.parametrize("written", ["met-meeting-held", "MET-Meeting-Held", "evaluation-meeting-held"])
def test_an_old_case_file_with_the_old_event_id_still_works(ms, write_case, written):
    path = write_case({"state": "MS", "events": [{"type": written, "date": "2026-11-20"}]})
    case = api.load_case(path, today=TODAY)
    assert case.events()[0]["type"] == "evaluation-meeting-held"  # normalised when loading
    found = api.deadlines(case, today=TODAY).get("evaluation-pwn")
    assert found is not None and found.due == dt.date(2026, 11, 27)


def test_the_deadline_engine_takes_the_old_id_from_api_callers(ms):
    from iepkit.deadlines import latest_events

    assert set(latest_events([{"type": "met-meeting-held", "date": TODAY}], "x")) == {"evaluation-meeting-held"}


def test_the_mississippi_rule_counts_from_the_new_id(ms):
    assert api.deadline_rule("MS", "evaluation-pwn").trigger == "evaluation-meeting-held"


def test_plugin_yaml_with_the_old_trigger_id_still_loads(tmp_path):
    from iepkit import schema as s
    from iepkit.statedata import DEADLINE_SCHEMA

    value, problems = s.check(DEADLINE_SCHEMA, [{
        "id": "a-rule", "label": "A rule", "trigger": "met-meeting-held", "count": 7, "unit": "calendar-days",
        "cite": ["34 CFR 300.503"], "last_reviewed": "2026-11-29", "note": "A note long enough to read."}])
    assert not problems, problems
    assert value[0]["trigger"] == "evaluation-meeting-held"


def test_an_unknown_event_id_is_still_refused_without_listing_the_old_one(write_case, ms):
    from iepkit.errors import InputError

    path = write_case({"state": "MS", "events": [{"type": "met-meting-held", "date": "2026-11-20"}]})
    with pytest.raises(InputError) as err:
        api.load_case(path, today=TODAY)
    text = str(err.value)
    assert "events[0].type" in text and "evaluation-meeting-held" in text
    assert "met-meeting-held" not in text.replace("met-meting-held", "")


# -- no state's words in core/ or templates/ ------------------------------------------------

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Words of the states iepkit knows today; every installed state's own words are added below.
KNOWN_STATE_WORDS = ("Mississippi", "MDE", "OSE", "BPES", "IEP Committee", "MET", "Texas", "TEA", "ARD",
                     "FIIE", "Texas Education Agency")
#: A table of every US state and territory is about no one state.
EXEMPT = {"core/statecodes.py"}


def _code_text(path: Path) -> str:
    """A Python file without its comments and docstrings (string statements)."""
    source = path.read_text(encoding="utf-8")
    docstrings = {(n.value.lineno, n.value.col_offset) for n in ast.walk(ast.parse(source))
                  if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
    kept = [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type != tokenize.COMMENT and not (tok.type == tokenize.STRING and tok.start in docstrings)]
    return " ".join(kept)


def _template_text(path: Path) -> str:
    """A template without Jinja, HTML and CSS comments."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"\{#.*?#\}|<!--.*?-->|/\*.*?\*/", " ", text, flags=re.S)


def _shipped_files() -> list[Path]:
    files = sorted((ROOT / "core").rglob("*.py")) + sorted((ROOT / "templates").glob("*.html")) \
        + sorted((ROOT / "templates").glob("*.css"))
    return [p for p in files if str(p.relative_to(ROOT)) not in EXEMPT]


def _state_words() -> set[str]:
    from iepkit.testing import state_words

    words = set(KNOWN_STATE_WORDS)
    try:
        for st in api.states():
            words |= state_words(st)
    except Exception:  # noqa: BLE001 - the fixed list still applies if plugins cannot load
        pass
    return words


def state_word_hits(files: list[Path], words: set[str]) -> list[str]:
    hits = []
    for path in files:
        text = _code_text(path) if path.suffix == ".py" else _template_text(path)
        for word in sorted(words):
            # A name in any case (a file called mississippi-case.yaml counts); an acronym only in capitals.
            flags = 0 if word.isupper() else re.IGNORECASE
            if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, flags):
                hits.append(f"{path.relative_to(ROOT)}: {word}")
    return hits


def test_no_state_words_in_core_or_shared_templates():
    hits = state_word_hits(_shipped_files(), _state_words())
    assert not hits, "state words outside comments in core/ or templates/ (take them from the state):\n" \
        + "\n".join(hits)


def test_the_state_word_scan_finds_a_word_in_code_but_not_in_comments(tmp_path):
    code = tmp_path / "x.py"
    code.write_text('"""About Mississippi."""\n# Texas here\nLABEL = "the IEP Committee"\n'
                    'EXAMPLE = "see examples/texas-case.yaml"\nWORD = "tea or met"\n', encoding="utf-8")
    tpl = tmp_path / "x.html"
    tpl.write_text("{# Texas #}<!-- MDE --><p>Write to the TEA.</p>", encoding="utf-8")
    global ROOT
    old, ROOT = ROOT, tmp_path
    try:
        assert state_word_hits([code, tpl], set(KNOWN_STATE_WORDS)) == ["x.py: IEP Committee", "x.py: Texas",
                                                                        "x.html: TEA"]
    finally:
        ROOT = old


# -- two states installed: no silent default -------------------------------------------------

NEEDS_A_STATE = [
    ["letters"], ["processes"], ["compare"], ["guides"], ["deadlines"],
    ["letter", "mediation-request", "-o", "{out}/x.pdf"], ["kit", "-o", "{out}/kit.pdf"],
    ["recommend", "--answers", "{out}/answers.yaml"],
]


@pytest.fixture
def two_states(tmp_path):
    from fictional_state import ZedlandPlugin

    reg = api.load_registry(only=["mississippi"], extra_plugins=[("zedland", ZedlandPlugin(tmp_path / "zz"))])
    assert {"MS", "ZZ"} <= set(reg.states) and not reg.host.broken, reg.host.warnings()
    api.set_registry(reg)
    yield reg
    api.set_registry(None)


@pytest.mark.parametrize("args", NEEDS_A_STATE, ids=lambda a: a[0] if a[0] != "letter" else "letter-x")
def test_with_two_states_a_command_without_state_or_case_names_both_and_exits_2(two_states, tmp_path, args):
    from click.testing import CliRunner

    from iepkit.cli import cli as main

    (tmp_path / "answers.yaml").write_text("school_willing_to_talk: yes\nrelationship: working\n"
                                           "bad_faith_evidence: no\nwant_formal_finding: no\nissues: [placement]\n",
                                           encoding="utf-8")
    result = CliRunner().invoke(main, [a.format(out=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "MS (Mississippi)" in result.output and "ZZ (Zedland)" in result.output
    assert "--state" in result.output
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "kit.pdf").exists()


def test_with_two_states_naming_one_works(two_states):
    from click.testing import CliRunner

    from iepkit.cli import cli as main

    result = CliRunner().invoke(main, ["letters", "--state", "zz"])
    assert result.exit_code == 0, result.output
    assert "mediation-request" in result.output


# -- the kit's sections come from the state, with core defaults ------------------------------

def _zz_kit(tmp_path, **kw) -> str:
    from fictional_state import ZedlandPlugin

    reg = api.load_registry(only=[], extra_plugins=[("zedland", ZedlandPlugin(tmp_path / "zz", **kw))])
    assert not reg.host.broken, reg.host.warnings()
    api.set_registry(reg)
    return api.kit_html(state="ZZ", today=TODAY)


def test_a_kit_without_a_which_tool_guide_uses_the_core_default(tmp_path):
    from iepkit.testing import parent_prose

    html = _zz_kit(tmp_path, which_tool=False)
    prose = parent_prose(html)
    assert "The table below shows the formal tools side by side." in prose
    assert "Talk first." not in prose
    assert "The three formal tools side by side" in html
    assert "Talk first. Then ask for help." in parent_prose(_zz_kit(tmp_path / "2"))


def test_a_process_sends_to_its_own_contact(tmp_path):
    from iepkit.testing import parent_prose

    html = _zz_kit(tmp_path, send_to={"due-process": "hearings"})
    part = html.split('id="path-due-process"')[1].split('id="path-')[0]
    assert ("<strong>Where to send it:</strong><br>\nZBS Bureau of Fair Hearings<br>2 Hearing Lane<br>"
            "Zed City, ZZ 00502<br>Email: hearings@example.org") in part
    # The core default still sends mediation to the agency's mailing address.
    mediation = html.split('id="path-mediation"')[1].split('id="path-')[0]
    assert "1 Example Way" in mediation and "Fair Hearings" not in parent_prose(mediation)


def test_a_process_sending_to_an_unknown_contact_is_an_error_naming_it(tmp_path):
    from iepkit.errors import IepkitError

    with pytest.raises(IepkitError) as err:
        _zz_kit(tmp_path, send_to={"mediation": "hearing"})
    assert "process 'mediation' has send_to 'hearing', which is not one of its contacts (hearings, zbs)" \
        in str(err.value)


def test_a_kit_without_checklists_has_no_empty_checklists_part(tmp_path):
    assert 'id="checklists"' not in _zz_kit(tmp_path)
    api.set_registry(api.load_registry(only=["mississippi"]))
    html = api.kit_html(state="MS", today=TODAY)
    assert 'id="checklists"' in html and 'href="#checklists"' in html
