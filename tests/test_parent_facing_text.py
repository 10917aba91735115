"""Nothing a parent or a school reads shows the project's internals.

Letters, their notes pages, the Starter Kit and the recommender's words are
read by parents (and letters by schools and MDE). They must not show case field
names (``known_date``), deadline rule ids (``due-process-limit``), event or
issue-type ids, or talk about where the project came from. This test renders
every one of those outputs for Mississippi and scans the text a reader sees,
collecting every hit so one run lists them all.

Terminal instructions are a different thing: ``iepkit deadlines --explain RULE``
is how a parent asks for the arithmetic, so the deadlines table is not scanned.
"""
from __future__ import annotations

import datetime as _dt
import html as _html
import json
import re
from functools import lru_cache

import pytest
import yaml

from iepkit import api
from iepkit import schema as s
from iepkit.case import ANSWERS_SCHEMA, CASE_SCHEMA, ISSUE_TYPES
from iepkit.events import EVENT_TYPES
from iepkit.testing import pdf_text

from conftest import ROOT, run_cli

CASES = {"filled": ROOT / "examples" / "mississippi-case.yaml",
         "due-process": ROOT / "examples" / "mississippi-due-process-case.yaml"}
TODAY = _dt.date(2026, 12, 1)
#: Late enough that every filing limit in the examples has passed, so the
#: recommender's "too late" words are rendered too.
LATE = "2029-06-01"


def _field_names(spec: s.Field, out: set[str]) -> set[str]:
    if isinstance(spec, s.Record):
        for key, sub in spec.fields.items():
            out.add(key)
            _field_names(sub, out)
    elif isinstance(spec, s.ListOf):
        _field_names(spec.item, out)
    return out


def _token(word: str) -> str:
    """A whole identifier: not part of a longer word or a longer dashed id."""
    return rf"(?<![\w-]){re.escape(word)}(?![\w-])"


@lru_cache(maxsize=None)
def forbidden() -> list[tuple[str, re.Pattern[str]]]:
    """(what it is, pattern) for every internal word a reader must not see."""
    found: list[tuple[str, re.Pattern[str]]] = []
    fields = _field_names(CASE_SCHEMA, set()) | _field_names(ANSWERS_SCHEMA, set())
    # Field names with an underscore cannot be ordinary English words.
    found += [(f"field {f}", re.compile(_token(f))) for f in sorted(fields) if "_" in f]
    rules = sorted(r.id for r in api.deadline_rules("MS"))
    # A dashed id never occurs in plain prose; an undashed one ("reevaluation")
    # is an ordinary word, so it counts only where it is presented as a rule id.
    found += [(f"rule id {r}", re.compile(_token(r))) for r in rules if "-" in r]
    found += [(f"rule id {r}", re.compile(rf"\b(?:rule|RULE|--explain)\s+'?{re.escape(r)}\b"))
              for r in rules if "-" not in r]
    found += [(f"event type {e}", re.compile(_token(e))) for e in EVENT_TYPES if "-" in e]
    found += [(f"issue type {i}", re.compile(_token(i))) for i in ISSUE_TYPES if "-" in i]
    found += [("the project's origin", re.compile(p, re.IGNORECASE))
              for p in (r"\bthis project\b", r"\bgrew from\b", r"\bseed\b", r"\barticles?\b")]
    return found


IEPKIT = ("the program's name", re.compile(r"\biepkit\b", re.IGNORECASE))


def visible_text(html: str) -> str:
    """The words a reader sees in an HTML page: no tags, styles or attribute values."""
    html = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return _html.unescape(re.sub(r"(?s)<[^>]+>", " ", html))


def hits(name: str, text: str, *, printed: bool) -> list[str]:
    """Every forbidden word in ``text``, each with a little context. ``printed``
    adds the program's name: a letter, notes page or kit should not send a
    parent to a command."""
    out = []
    patterns = forbidden() + ([IEPKIT] if printed else [])
    for what, pattern in patterns:
        for m in pattern.finditer(text):
            around = " ".join(text[max(0, m.start() - 50):m.end() + 50].split())
            out.append(f"{name}: {what}: ...{around}...")
    return out


# -- the outputs ---------------------------------------------------------------------


@lru_cache(maxsize=None)
def _case(key: str):
    return api.load_case(CASES[key])


def letter_outputs() -> list[tuple[str, str]]:
    out = []
    for letter in api.letters("MS"):
        for source in ("blank", *CASES):
            kwargs = ({"state": "MS"} if source == "blank"
                      else {"case": _case(source), "blanks": True})
            for fmt in ("html", "txt", "md"):
                text = api.render_letter(letter.id, fmt=fmt, today=TODAY, notes=True, **kwargs)
                out.append((f"letter {letter.id} ({source}, {fmt})",
                            visible_text(text) if fmt == "html" else text))
    return out


def kit_outputs() -> list[tuple[str, str]]:
    out = [("kit (blank, html)", visible_text(api.render_kit(state="MS", fmt="html", today=TODAY)))]
    for source in CASES:
        html = api.render_kit(case=_case(source), fmt="html", today=TODAY)
        out.append((f"kit ({source}, html)", visible_text(html)))
    # Answers with no dates, so the kit shows what the recommender says about
    # time limits it cannot check yet.
    answers = {"issues": ["services-not-delivered"], "school_willing_to_talk": True,
               "relationship": "strained", "bad_faith_evidence": False, "want_formal_finding": True}
    out.append(("kit (answers without dates, html)",
                visible_text(api.render_kit(state="MS", answers=answers, fmt="html", today=TODAY))))
    return out


def recommender_outputs(tmp_path) -> list[tuple[str, str]]:
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({
        "issues": ["records-access", "eligibility", "service-amount"], "school_willing_to_talk": False,
        "relationship": "broken", "bad_faith_evidence": True, "want_formal_finding": True, "urgent": True}))
    runs = {
        "recommend (case)": ["--case", str(CASES["filled"]), "--today", TODAY.isoformat()],
        "recommend (case, limits passed)": ["--case", str(CASES["filled"]), "--today", LATE],
        "recommend (answers without dates)": ["--state", "MS", "--answers", str(answers)],
    }
    out = []
    for name, args in runs.items():
        done = run_cli("recommend", *args)
        assert done.returncode == 0, done.stderr
        out.append((name, done.stdout))
        done = run_cli("recommend", *args, "--json")
        assert done.returncode == 0, done.stderr
        words = []
        for option in json.loads(done.stdout):
            words += [option["unavailable_reason"] or "", *option["reasons"], *option["cautions"]]
            words += [c["text"] for c in option["cannot_do"] + option["combinations"]]
            if option["filing_deadline"]:
                words.append(option["filing_deadline"]["label"])
        out.append((f"{name} --json", "\n".join(words)))
    return out


def listing_outputs() -> list[tuple[str, str]]:
    out = []
    for args in (["compare", "--state", "MS"], ["processes", "--state", "MS"], ["guides", "--state", "MS"]):
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
        out.append(("iepkit " + " ".join(args), done.stdout))
    return out


# -- the tests -------------------------------------------------------------------------


def test_the_scan_finds_what_it_looks_for():
    """The patterns catch the words issue #7 found, and not ordinary prose."""
    found = hits("sample", "add the date (known_date) to check it (rule due-process-limit); "
                 "the article this project grew from", printed=True)
    assert any("field known_date" in h for h in found)
    assert any("rule id due-process-limit" in h for h in found)
    assert any("origin" in h for h in found)
    assert not hits("prose", "A reevaluation is due at least every 3 years. Your child's records, "
                    "a state complaint, a due process hearing.", printed=True)
    assert hits("cmd", "run iepkit deadlines --explain reevaluation", printed=True)


def test_letters_and_notes_pages_show_no_internals():
    found = [h for name, text in letter_outputs() for h in hits(name, text, printed=True)]
    assert not found, "\n".join(found)


def test_starter_kit_shows_no_internals():
    found = [h for name, text in kit_outputs() for h in hits(name, text, printed=True)]
    assert not found, "\n".join(found)


def test_printed_kit_pdf_shows_no_internals():
    text = pdf_text(api.render_kit(case=_case("filled"), fmt="pdf", today=TODAY))
    found = hits("kit (filled, pdf)", text, printed=True)
    assert not found, "\n".join(found)


def test_recommender_words_show_no_internals(tmp_path):
    found = [h for name, text in recommender_outputs(tmp_path) for h in hits(name, text, printed=False)]
    assert not found, "\n".join(found)


def test_listings_show_no_internals():
    found = [h for name, text in listing_outputs() for h in hits(name, text, printed=False)]
    assert not found, "\n".join(found)
