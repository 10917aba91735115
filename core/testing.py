"""Conformance tests every state plugin inherits, like python-holidays' common tests.

In a state plugin's repository, one option runs them all, with no test code
(the ``pytest11`` entry point registers ``iepkit.pytest_plugin``)::

    python -m pytest --iepkit-state XX

or one short test file does, for example ``tests/test_conformance.py``::

    from iepkit.testing import StateConformance

    class TestYourState(StateConformance):
        state = "XX"

Each test checks something a parent relies on: every statement and rule is
cited; every reference between items resolves; every letter prints in every
format, blank and filled from a synthetic case built from the case schema,
with every required element in the text extracted from the PDF; every deadline
rule computes; the state's scenario files pass; the kit's prose is plain;
contacts are complete or marked unverified; and no other installed state's
words appear in this state's output. When a plugin fails to load, every test
fails with the loader's own reason.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import types
from pathlib import Path
from typing import Any, ClassVar, Iterable

import pytest

from . import api
from .letters import format_value
from .model import COMPARISON_FIELDS, State

#: The three formal processes IDEA gives every state (34 CFR 300.151-300.153, 300.506, 300.507).
FEDERAL_PROCESSES = ("mediation", "state-complaint", "due-process")
#: Every format a letter is written in.
LETTER_FORMATS = ("pdf", "docx", "html", "md", "txt")
#: The Flesch-Kincaid grade parent-facing prose must not exceed.
MAX_GRADE = 8.0
#: Names that belong to no one state: federal offices and IDEA's own words. Taken
#: out of a page before looking for another state's words, so a state whose
#: office is called "Office of Special Education" does not flag a mention of the
#: federal Office of Special Education Programs in another state's letter.
COMMON_NAMES = (
    "Office of Special Education and Rehabilitative Services", "Office of Special Education Programs",
    "Office for Civil Rights", "U.S. Department of Education", "Department of Education",
    "Department of Justice", "Office of Special Education", "Special Education", "IEP team",
    "evaluation team", "Individualized Education Program", "Parent Training and Information Center",
)
#: The day synthetic events happen, and the school year around it (for school-day rules).
SYNTHETIC_DAY = _dt.date(2026, 10, 1)
SYNTHETIC_TODAY = _dt.date(2026, 10, 15)
SYNTHETIC_SCHOOL_CALENDAR = {"first_day": _dt.date(2026, 8, 10), "last_day": _dt.date(2027, 5, 28),
                             "breaks": [{"start": _dt.date(2026, 12, 21), "end": _dt.date(2027, 1, 1),
                                         "name": "winter break"}],
                             "closures": [_dt.date(2026, 11, 26)]}


def normalise(text: str) -> str:
    """Collapse whitespace and undo line-break hyphenation, for searching extracted text."""
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=512)
def docx_text(data: bytes) -> str:
    """The text of a Word file, read back with python-docx: paragraphs, then table cells."""
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return normalise(" ".join(parts))


# Reading a PDF's text is slow, and many checks read the same letter: the same bytes
# give the same text, so each is read once (a few hundred pages of text at most).
@functools.lru_cache(maxsize=512)
def pdf_text(data: bytes) -> str:
    """The text of a PDF, for assertions (needs pypdf, a test dependency)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    # A line that breaks after a word's own hyphen ("speech-" / "language") is one word.
    text = re.sub(r"(?<=\w)-\n(?=\w)", "-", text)
    # The running footer would otherwise split a paragraph that crosses a page.
    return normalise(re.sub(r"Page \d+ of \d+", " ", text))


def expected_text(value: object) -> list[str]:
    """How a case value appears in a letter's text: one string per printed line."""
    html = str(format_value(value))
    return [normalise(re.sub(r"<[^>]+>", "", part).replace("&amp;", "&").replace("&#39;", "'")
                      .replace("&#34;", '"').replace("&lt;", "<").replace("&gt;", ">"))
            for part in html.split("<br>") if part.strip()]


# -- a synthetic case for any state ---------------------------------------------------

def _synthetic(spec: Any, path: str, state: str, counter: list[int]) -> Any:
    from . import schema as s

    counter[0] += 1
    n = counter[0]
    if isinstance(spec, s.Retired):
        return None
    if isinstance(spec, s.Record):
        out = {}
        for key, sub in spec.fields.items():
            value = _synthetic(sub, f"{path}.{key}" if path else key, state, counter)
            if value is not None:
                out[key] = value
        return out
    if isinstance(spec, s.ListOf):
        item = spec.item
        # A list whose items choose from a fixed list gets one item per choice, so every
        # kind (every event type, every issue) is exercised.
        choice = item if isinstance(item, s.Choice) else next(
            (f for f in getattr(item, "fields", {}).values() if isinstance(f, s.Choice)), None)
        if isinstance(item, s.Choice):
            return list(item.choices)
        if choice is not None:
            key = next(k for k, f in item.fields.items() if f is choice)
            items = []
            for i, c in enumerate(choice.choices):
                one = _synthetic(item, path, state, counter)
                one[key] = c
                if isinstance(one.get("date"), _dt.date):
                    one["date"] = SYNTHETIC_DAY - _dt.timedelta(days=len(choice.choices) - i)
                items.append(one)
            return items
        return [_synthetic(item, f"{path}[0]", state, counter)]
    if isinstance(spec, s.Choice):
        return spec.choices[0]
    if isinstance(spec, s.Bool):
        return True  # so elements that apply only "when" a flag is set are checked too
    if isinstance(spec, s.Date):
        return SYNTHETIC_DAY - _dt.timedelta(days=365 * 10 if (spec.years_ahead == 0) else n % 20 + 1)
    if isinstance(spec, s.Pattern):
        samples = {"a ZIP": "00501", "an email": "parent@example.com", "a 10-digit": "555-555-0100",
                   "an id": "sample-id", "a two-letter": state}
        for start, value in samples.items():
            if spec.expected.startswith(start):
                return value
        return state if "state" in (spec.label or "") else "sample"
    if isinstance(spec, s.Text):
        words = re.sub(r"[^A-Za-z ]", "", (spec.label or path.rsplit(".", 1)[-1]).replace("_", " "))
        return f"Sample {words.strip()} {n}"[: spec.max_length]
    return None


def synthetic_case_data(state: str) -> dict[str, Any]:
    """Fictional values for every field of the case schema, for ``state`` (a code).

    Built from the schema itself, so a field added to the case is filled too:
    text is "Sample <label> <n>", every event type happens once on a different
    day before ``SYNTHETIC_DAY``, flags are yes, and the school calendar covers
    the school year those days fall in.
    """
    from .case import CASE_SCHEMA

    data = _synthetic(CASE_SCHEMA, "", state, [0])
    data["state"] = state
    data["school_calendar"] = dict(SYNTHETIC_SCHOOL_CALENDAR)
    return data


def synthetic_case(state: str) -> Any:
    """A validated Case with fictional values in every field (see ``synthetic_case_data``)."""
    return api.parse_case(synthetic_case_data(state), f"synthetic case for {state}", today=SYNTHETIC_TODAY)


# -- another state's words ------------------------------------------------------------

def state_words(state: State) -> set[str]:
    """The words that name this state and nothing else: its name, its agency's names and
    office, and its local terms (a term's short form in brackets counts by itself)."""
    a = state.agency
    phrases = {state.name, a.name, a.short_name, a.office_full}
    if " " not in a.office_short.strip():
        phrases.add(a.office_short)  # an abbreviation (OSE); a short form in words is too plain to count
    for value in state.terms.values():
        phrases.add(value)
        phrases.update(re.findall(r"\(([^)]+)\)", value))
        phrases.add(re.sub(r"\s*\([^)]*\)", "", value))
    common = {c.lower() for c in COMMON_NAMES}
    return {p.strip() for p in phrases if p and len(p.strip()) > 1 and p.strip().lower() not in common}


def foreign_words(text: str, own: State, others: Iterable[State]) -> list[str]:
    """Other states' words found in ``text`` (whole words, case as written; federal names ignored)."""
    for name in sorted(COMMON_NAMES, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    mine = {w.lower() for w in state_words(own)}
    found = []
    for other in others:
        for word in sorted(state_words(other)):
            if word.lower() in mine:
                continue  # both states use it: a shared word, not another state's
            if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
                found.append(f"{word} ({other.code})")
    return found


# -- the suite ------------------------------------------------------------------------

def load_problem(code: str) -> str | None:
    """Why ``code`` is not usable: the loader's own reasons when a plugin failed, else None."""
    reg = api.registry()
    reg.load_state(code)  # a state's content is read when first used: a failure there is a reason too
    if any(s.code == code for s in reg.states.values()):
        return None
    broken = [f"plugin '{i.name}' ({i.package}) {i.error}" for i in reg.host.broken]
    installed = ", ".join(s.code for s in reg.sorted_states()) or "none"
    if broken:
        return (f"state {code} is not loaded because a plugin failed to load:\n  " + "\n  ".join(broken)
                + f"\n(states loaded: {installed})")
    return (f"state {code} is not registered by any installed plugin (states loaded: {installed}). "
            "Install the state's package (pip install -e DIR) and check its 'iepkit' entry point.")


class StateConformance:
    """Subclass with ``state`` (a code). ``sample_case`` (a complete case file) is optional:
    a synthetic case built from the case schema is always checked too. ``extra_plugins``
    adds in-process plugins, as ``(name, module or object)`` pairs, to the installed ones."""

    state: ClassVar[str] = ""
    sample_case: ClassVar[str | Path] = ""
    extra_plugins: ClassVar[tuple[tuple[str, object], ...]] = ()
    _registries: ClassVar[dict[type, Any]] = {}

    @pytest.fixture(autouse=True)
    def _iepkit_state_loaded(self):
        """Use the registry for this class; fail every test with the loader's reason if the
        state did not load."""
        # Loaded once per class: every check reads the same plugins, and loading is slow.
        cls = type(self)
        if cls not in StateConformance._registries:
            StateConformance._registries[cls] = (api.load_registry(extra_plugins=self.extra_plugins)
                                                 if self.extra_plugins else api.load_registry())
        api.set_registry(StateConformance._registries[cls])
        problem = load_problem(self.state)
        if problem:
            pytest.fail(problem, pytrace=False)
        yield

    def _case(self):
        return api.load_case(self.sample_case) if self.sample_case else synthetic_case(self.state)

    _pdfs: ClassVar[dict[tuple[Any, ...], str]] = {}

    def _pdf_text(self, letter_id: str, case: Any) -> str:
        """The text of a letter's PDF (without the notes page), blank when ``case`` is None.
        Kept per class: PDFs are slow to make and several checks read the same one."""
        key = (type(self), letter_id, case.source if case is not None else "")
        if key not in StateConformance._pdfs:
            kwargs = {"case": case} if case is not None else {"state": self.state}
            StateConformance._pdfs[key] = pdf_text(api.render_letter(letter_id, fmt="pdf", notes=False, **kwargs))
        return StateConformance._pdfs[key]

    def _docx_text(self, letter_id: str, case: Any) -> str:
        """The text of a letter's Word file (without the notes), read back as a word processor would."""
        key = (type(self), letter_id, case.source if case is not None else "", "docx")
        if key not in StateConformance._pdfs:
            kwargs = {"case": case} if case is not None else {"state": self.state}
            data = api.render_letter(letter_id, fmt="docx", notes=False, **kwargs)
            StateConformance._pdfs[key] = docx_text(data)  # type: ignore[arg-type]
        return StateConformance._pdfs[key]

    def _cases(self) -> list[Any]:
        cases = [synthetic_case(self.state)]
        if self.sample_case:
            cases.append(api.load_case(self.sample_case))
        return cases

    def _other_states(self) -> list[State]:
        return [s for s in api.states() if s.code != self.state]

    def test_state_is_registered(self):
        st = api.find_state(self.state)
        assert st.code == self.state
        assert api.find_state(st.name.lower()).code == self.state
        assert st.agency.mailing_address, "the agency needs a mailing address"

    def test_federal_processes_present(self):
        ids = {p.id for p in api.processes(self.state)}
        missing = set(FEDERAL_PROCESSES) - ids
        assert not missing, f"missing processes: {sorted(missing)}"

    def test_every_process_fact_is_cited(self):
        for p in api.processes(self.state):
            assert set(p.facts) == set(COMPARISON_FIELDS), p.id
            for key, fact in list(p.facts.items()) + [(f"step {i}", s) for i, s in enumerate(p.steps)]:
                assert fact.cite, f"{p.id}.{key} has no citation"
                assert fact.text.strip(), f"{p.id}.{key} is empty"

    def test_process_letters_exist(self):
        letters = {x.id for x in api.letters(self.state)}
        for p in api.processes(self.state):
            if p.letter:
                assert p.letter in letters, f"{p.id} names letter {p.letter}, which is not registered"

    def test_every_contact_is_sourced(self):
        for c in api.find_state(self.state).contacts:
            assert c.cite, c.id
            assert c.verified or c.note, f"unverified contact {c.id} needs a note saying what to check"

    def test_blank_forms_render_in_every_text_format(self):
        for letter in api.letters(self.state):
            for fmt in ("html", "md", "txt"):
                out = api.render_letter(letter.id, state=self.state, fmt=fmt)
                assert "____" in out, f"{letter.id} {fmt}: a blank form needs fill-in lines"
                for junk in ("None", "Undefined", "{{", "{%"):
                    assert junk not in out, f"{letter.id} {fmt}: template leaked {junk!r}"

    def test_filled_letters_contain_every_required_element(self):
        for case, fmt, letter in ((c, f, x) for c in self._cases() for f in ("pdf", "docx")
                                  for x in api.letters(self.state)):
            # The PDF a parent prints and the Word file a parent edits: both complete.
            text = (self._pdf_text if fmt == "pdf" else self._docx_text)(letter.id, case)
            where = f"{letter.id} ({fmt}) filled from {case.source}"
            for element in letter.elements:
                if not element.applies(case):
                    continue
                if element.phrase:
                    assert normalise(element.phrase) in text, f"{where}: {element.id}: phrase missing"
                for path in element.fields:
                    value = case.get(path)
                    assert value is not None, f"{where}: {element.id}: the case lacks {path}"
                    for piece in expected_text(value):
                        assert piece in text, f"{where}: {element.id}: the value of {path} is missing"

    def test_every_letter_renders_in_every_format_blank_and_filled(self):
        case = synthetic_case(self.state)
        for letter in api.letters(self.state):
            for fmt in LETTER_FORMATS:
                for label, kwargs in (("blank form", {"state": self.state}), ("synthetic case", {"case": case})):
                    if fmt == "pdf":
                        text = self._pdf_text(letter.id, kwargs.get("case"))
                    elif fmt == "docx":
                        text = self._docx_text(letter.id, kwargs.get("case"))
                    else:
                        text = str(api.render_letter(letter.id, fmt=fmt, **kwargs))
                    assert text.strip(), f"{letter.id} as {fmt} ({label}) is empty"
                    for junk in ("None", "Undefined", "{{", "{%"):
                        assert junk not in text, f"{letter.id} as {fmt} ({label}): the template printed {junk!r}"

    def test_blank_pdf_forms_hold_every_required_phrase(self):
        for letter, fmt in ((x, f) for x in api.letters(self.state) for f in ("pdf", "docx")):
            text = (self._pdf_text if fmt == "pdf" else self._docx_text)(letter.id, None)
            assert "____" in text, f"{letter.id} ({fmt}): a blank form needs fill-in lines"
            for element in letter.elements:
                if element.phrase and element.when is None:
                    assert normalise(element.phrase) in text, \
                        f"{letter.id}/{element.id}: the phrase is missing from the blank {fmt} form"

    def test_every_guide_is_cited_and_complete(self):
        guides = api.guides(self.state)
        assert guides, "a state needs guides for the Starter Kit"
        for g in guides:
            assert g.sections, g.id
            for i, point in enumerate(g.statements):
                assert point.cite, f"guide {g.id}, point {i} has no citation"

    def test_recommend_criteria_refer_to_real_processes_and_rules(self):
        from .api import registry

        criteria = registry().criteria_for(self.state)
        if criteria is None:
            return  # the recommender is optional for a state
        processes = {p.id for p in api.processes(self.state)}
        rules = {r.id for r in api.deadline_rules(self.state)}
        for option in criteria.options:
            assert option.process in processes, f"criteria name unknown process {option.process}"
            if option.filing_limit:
                assert option.filing_limit.rule in rules, f"unknown filing-limit rule {option.filing_limit.rule}"
            for w in option.weights:
                assert w.reason or w.caution, f"{option.process}: a weight must explain itself"
        for combo in criteria.combinations:
            assert set(combo.processes) <= processes and combo.statement.cite

    def test_process_deadline_rules_exist(self):
        rules = {r.id for r in api.deadline_rules(self.state)}
        for p in api.processes(self.state):
            missing = set(p.deadline_rules) - rules
            assert not missing, f"{p.id} lists unknown deadline rules {sorted(missing)}"

    def test_blank_kit_renders(self):
        html = api.kit_html(state=self.state)
        assert "Starter Kit" in html and "None" not in parent_prose(html)

    def test_every_letter_element_is_cited(self):
        for letter in api.letters(self.state):
            assert letter.elements, letter.id
            for element in letter.elements:
                assert element.cite, f"{letter.id}/{element.id} has no citation"
                assert element.fields or element.phrase, f"{letter.id}/{element.id} checks nothing"


    # -- every statement and rule cited ----------------------------------------------
    def test_every_statement_and_rule_is_cited(self):
        from .api import registry

        st = api.find_state(self.state)
        assert st.agency.cite, "state.yaml agency: needs cite"
        for letter in api.letters(self.state):
            for i, note in enumerate(letter.notes):
                assert note.cite, f"letter {letter.id}, notes[{i}] has no citation"
        for rule in api.deadline_rules(self.state):
            for i, v in enumerate(rule.versions):
                assert v.cite, f"deadline rule {rule.id}, version {i + 1} has no citation"
        criteria = registry().criteria_for(self.state)
        for option in criteria.options if criteria else ():
            for i, st_ in enumerate(option.cannot_do):
                assert st_.cite, f"recommend.yaml {option.process}.cannot_do[{i}] has no citation"
        for i, combo in enumerate(criteria.combinations if criteria else ()):
            assert combo.statement.cite, f"recommend.yaml combinations[{i}] has no citation"

    # -- every reference resolves -----------------------------------------------------
    def test_every_letter_names_a_real_process_and_rule(self):
        processes = {p.id for p in api.processes(self.state)}
        rules = {r.id for r in api.deadline_rules(self.state)}
        for letter in api.letters(self.state):
            if letter.process:
                assert letter.process in processes, (
                    f"letter {letter.id}: process '{letter.process}' is not one of the state's processes "
                    f"({', '.join(sorted(processes))})")
            if letter.filing_limit_rule:
                assert letter.filing_limit_rule in rules, (
                    f"letter {letter.id}: filing_limit_rule '{letter.filing_limit_rule}' is not one of the "
                    "state's deadline rules")

    def test_every_process_sends_to_a_real_contact_with_an_address(self):
        contacts = {c.id: c for c in api.find_state(self.state).contacts}
        for p in api.processes(self.state):
            if p.send_to:
                assert p.send_to in contacts, (f"process {p.id}: send_to '{p.send_to}' is not one of the "
                                               f"state's contacts ({', '.join(sorted(contacts))})")
                assert contacts[p.send_to].address, f"process {p.id}: contact {p.send_to} has no address"

    def test_every_guide_names_a_real_process(self):
        processes = {p.id for p in api.processes(self.state)}
        for g in api.guides(self.state):
            if g.process:
                assert g.process in processes, (f"guide {g.id}: process '{g.process}' is not one of the "
                                                f"state's processes ({', '.join(sorted(processes))})")

    def test_every_chained_rule_names_a_real_rule(self):
        rules = {r.id for r in api.deadline_rules(self.state)}
        for rule in api.deadline_rules(self.state):
            for v in rule.versions:
                if v.trigger_rule:
                    assert v.trigger_rule in rules, f"deadline rule {rule.id}: trigger_rule '{v.trigger_rule}' is unknown"

    # -- deadlines and scenarios ------------------------------------------------------
    def test_every_deadline_rule_computes_from_a_synthetic_event(self):
        from .events import EVENT_TYPES

        for rule in api.deadline_rules(self.state):
            for n, version in enumerate(rule.versions):
                day = SYNTHETIC_DAY
                if not version.in_force(day):
                    day = version.effective_from or (version.effective_until - _dt.timedelta(days=30))
                events = [{"type": t, "date": day} for t in EVENT_TYPES]
                data = {"state": self.state, "events": events, "school_calendar": _school_year_around(day)}
                case = api.parse_case(data, f"synthetic events for {rule.id}", today=day)
                found = api.deadlines(case, today=day).get(rule.id)
                where = f"deadline rule {rule.id}, version {n + 1} (events on {day.isoformat()})"
                assert found is not None, f"{where}: no deadline was worked out"
                assert found.due is not None, f"{where}: no date ({found.status})"

    def test_scenario_files_pass(self):
        from .scenarios import check_scenario, load_scenario

        rules = {r.id for r in api.deadline_rules(self.state)}
        for path in state_scenario_files(self.state):
            sc = load_scenario(path)
            if api.find_state(sc["state"]).code != self.state:
                continue
            named = [e["rule"] for e in sc["expect"]] + list(sc.get("not_started", []))
            unknown = sorted(set(named) - rules)
            assert not unknown, f"{path.name}: names rules the state does not have: {', '.join(unknown)}"
            failures = check_scenario(path)
            assert not failures, f"{path.name}: " + "; ".join(failures)

    # -- parent-facing words ----------------------------------------------------------
    def test_kit_prose_is_at_or_below_grade_8(self):
        prose = parent_prose(api.kit_html(state=self.state))
        assert len(prose.split()) > 200, "the kit has too little prose to measure"
        grade = fk_grade(prose)
        assert grade <= MAX_GRADE, f"the {self.state} Starter Kit reads at Flesch-Kincaid grade {grade:.1f}, above {MAX_GRADE:.0f}"

    def test_contacts_are_complete_or_marked_unverified(self):
        st = api.find_state(self.state)
        assert st.agency.mailing_address, "state.yaml agency.mailing_address: is missing"
        for c in st.contacts:
            reachable = bool(c.address or c.phone or c.toll_free or c.website or c.email)
            if c.verified:
                assert reachable, f"contact {c.id}: needs an address, phone or website, or verified: false"
                assert c.cite, f"contact {c.id}: needs cite"
            else:
                assert c.note, f"contact {c.id}: is unverified and needs a note saying what to check"

    def test_no_other_states_words_in_letters_or_kit(self):
        others = self._other_states()
        if not others:
            return  # nothing to compare with: only this state is installed
        own = api.find_state(self.state)
        pages = [(f"letter {lt.id}", str(api.render_letter(lt.id, state=self.state, fmt="txt")))
                 for lt in api.letters(self.state)]
        pages.append(("Starter Kit", parent_prose(api.kit_html(state=self.state))))
        for what, text in pages:
            found = foreign_words(text, own, others)
            assert not found, f"{what} for {self.state} holds another state's words: {', '.join(found)}"


def _school_year_around(day: _dt.date) -> dict[str, Any]:
    """A school calendar (August to May) for the school year ``day`` falls in."""
    start = day.year if day.month >= 7 else day.year - 1
    return {"first_day": _dt.date(start, 8, 10), "last_day": _dt.date(start + 1, 5, 28)}


def state_scenario_files(code: str) -> list[Path]:
    """The scenario files shipped with the plugin that registers ``code``."""
    from .scenarios import scenario_files

    reg = api.registry()
    name = reg.state_plugin.get(code)
    plugin = reg.host.pm.get_plugin(name) if name else None
    return scenario_files([plugin]) if plugin is not None else []


def conformance_module(codes: Iterable[str]) -> types.ModuleType:
    """A module holding one StateConformance class per state (``all``: every installed one)."""
    module = types.ModuleType("iepkit_conformance")
    try:
        installed = [s.code for s in api.states()]
    except Exception as exc:  # noqa: BLE001 - reported as a failing test, not a crash of pytest
        reason = f"iepkit could not load its plugins: {type(exc).__name__}: {exc}"

        def test_iepkit_loads() -> None:
            pytest.fail(reason, pytrace=False)
        module.test_iepkit_loads = test_iepkit_loads  # type: ignore[attr-defined]
        return module
    wanted: list[str] = []
    for code in codes:
        if code.strip().lower() == "all":
            wanted += installed
        else:
            try:
                wanted.append(api.find_state(code).code)
            except Exception:  # noqa: BLE001 - not loaded: its tests fail with the loader's reason
                wanted.append(code.strip().upper())
    for code in dict.fromkeys(wanted):
        name = "Test" + re.sub(r"\W", "", code)
        setattr(module, name, type(name, (StateConformance,), {"state": code, "__module__": module.__name__}))
    return module


# -- plain language ---------------------------------------------------------------

_SKIP_CLASSES = {"kit-letter", "cite", "hint", "blank", "unverified"}
_SENTENCE_END = (".", "?", "!", ":", '"')


def parent_prose(html: str) -> str:
    """The parent-facing prose of a page: letters, citations and fill-in hints left out.

    Headings, the contents page and table headers are left out too: short
    labels would make the text look easier than it is. List items and table
    cells end a sentence, so they do not run together.
    """
    from html.parser import HTMLParser

    blocks = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "section", "nav"}

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[bool] = []   # per open element: does it start a skipped region?
            self.skipping = 0
            self.parts: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("br", "meta", "img", "hr", "input"):
                return
            classes = set((dict(attrs).get("class") or "").split())
            skip = tag in ("style", "head", "title", "h1", "h2", "h3", "h4", "nav", "th") \
                or bool(classes & _SKIP_CLASSES)
            self.stack.append(skip)
            self.skipping += skip
            if tag in blocks:
                self._end_sentence()

        def handle_endtag(self, tag):
            if tag in ("br", "meta", "img", "hr", "input") or not self.stack:
                return
            self.skipping -= self.stack.pop()
            if tag in blocks:
                self._end_sentence()

        def handle_data(self, data):
            if not self.skipping:
                self.parts.append(data)

        def _end_sentence(self):
            text = "".join(self.parts).rstrip()
            if text and not text.endswith(_SENTENCE_END):
                self.parts.append(". ")
            else:
                self.parts.append(" ")

    c = Collect()
    c.feed(html)
    c.close()
    text = re.sub(r"\(\s*\)", " ", "".join(c.parts))
    return normalise(re.sub(r"(\.\s*){2,}", ". ", text))


def fk_grade(text: str) -> float:
    """Flesch-Kincaid grade level: 0.39 (words/sentences) + 11.8 (syllables/words) - 15.59.

    Syllables come from pyphen's en_US hyphenation dictionary (a test dependency).
    """
    import pyphen

    dic = pyphen.Pyphen(lang="en_US")
    sentences = max(1, len(re.findall(r"[.!?:]+(\s|$)", text)))
    words = re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text)
    if not words:
        return 0.0
    syllables = sum(max(1, len(dic.positions(w.lower())) + 1) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
