"""`iepkit init`: a case file made by answering questions, one at a time.

Writing YAML by hand stops most parents at the first step. Here each question
is a field of CASE_SCHEMA, asked with its label and one line of help, and each
answer is checked at once by the same validator that checks a case file, so a
mistake is told in the same words and asked again. Nothing is invented: an
answer left blank stays out of the file.

The questions are a plan worked out from the answers so far (a homeless
child's contact is asked only after "yes"), so the same plan drives asking,
resuming, the review screen and writing the file. Answers are saved after
each one in a private progress file beside the case, so Ctrl-C, a closed
window or a crash loses nothing; the next run offers to continue.

Reading and printing go through two functions (``ask`` and ``say``), so the
whole flow runs in tests without a terminal.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import click
import yaml

from . import schema as s
from . import textout
from .case import CASE_SCHEMA, ISSUE_TYPES, StateName, check_case
from .errors import IepkitError, Problem
from .events import EVENT_TYPES
from .fileio import write_atomic
from .model import RELATIONSHIPS
from .recommend import HELP as RECOMMEND_HELP
from .recommend import QUESTIONS as RECOMMEND_QUESTIONS

#: The example case files, beside the package in iepkit's source folder (absent from an
#: installed wheel: the message then names the folder only).
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example_pointer() -> str:
    """Where a parent without a terminal is sent: the example case files and the README's explanation."""
    names = sorted(p.name for p in EXAMPLES.glob("*-case.yaml")) if EXAMPLES.is_dir() else []
    files = (" (" + ", ".join(f"{EXAMPLES.name}/{n}" for n in names) + ")") if names else ""
    return (f"Copy an example case file from the examples folder of iepkit's source{files} and change it; "
            "the README's section 'Your case file' says what each line means.")


#: Exit code when the parent stops the questions (Ctrl-C), as shells report an interrupt.
STOPPED_EXIT = 130

#: The intro says Enter skips a question marked so.
SKIP = "(optional)"
#: A letter every family can send first, whatever the disagreement, when the
#: recommender has too few answers to name one.
FIRST_LETTER = "records-request"

Answers = dict[str, Any]
Ask = Callable[[str], str]
Say = Callable[[str], None]


@dataclass(frozen=True)
class Question:
    """One question: where its answer goes in the case, and how it is read.

    ``path`` is a case path (``parents[0].email``); a path with ``?`` is a step
    of the interview (add another date?) that is not written to the file.
    ``kind`` says how typed text is read: text, date, yesno, issues,
    event-type, state or relationship.
    """

    path: str
    kind: str
    heading: str
    help: str
    required: bool = False
    label: str = ""
    default: str | None = None
    #: Shown on the review screen (the "add another date?" steps are not).
    review: bool = True

    @property
    def spec(self) -> s.Field | None:
        return None if "?" in self.path else s.field_at(CASE_SCHEMA, self.path)

    @property
    def text(self) -> str:
        """The question's words: the case schema's label, unless it has its own."""
        return self.label or field_label(self.path)


def field_label(path: str) -> str:
    """A case field's label from CASE_SCHEMA, as a question or a heading starts."""
    spec = s.field_at(CASE_SCHEMA, path)
    text = spec.label if spec is not None and spec.label else path
    return text[0].upper() + text[1:]


def event_words(kind: str) -> str:
    """An event type in a few plain words, as the Starter Kit prints it."""
    text = EVENT_TYPES[kind].split(";")[0].split(" (")[0]
    return text[0].upper() + text[1:]


# -- the plan ------------------------------------------------------------------

_ADDRESS_HELP = {
    "student.address": "Where your child lives. A due process complaint must give it (34 CFR 300.508(b)(2)).",
    "parents[0].address": "Where letters to you should go.",
    "district.address": "Where the district office gets its mail; its website usually lists it.",
}


def _address(prefix: str, answers: Answers, state_code: str | None) -> list[Question]:
    heading = field_label(prefix)
    out = [Question(f"{prefix}.street", "text", heading,
                    _ADDRESS_HELP[prefix] + " Press Enter to leave the whole address out.")]
    if answers.get(f"{prefix}.street"):
        out += [
            Question(f"{prefix}.unit", "text", heading, "An apartment, unit or suite number, if there is one."),
            Question(f"{prefix}.city", "text", heading, "The city or town.", required=True),
            Question(f"{prefix}.state", "text", heading, "Two letters, like MS. Press Enter for the one shown.",
                     required=True, default=state_code),
            Question(f"{prefix}.zip", "text", heading, "Five digits, like 39201.", required=True),
        ]
    return out


_CHILD = "About your child"
_YOU = "About you"
_DISTRICT = "Your school district"
_DISPUTE = "The disagreement"
_SUGGEST = "So iepkit can suggest which process fits"
_SUGGEST_KEYS = ("school_willing_to_talk", "relationship", "bad_faith_evidence", "want_formal_finding", "urgent")


def plan(answers: Answers, states: Iterable[StateName]) -> list[Question]:
    """Every question that applies, given the answers so far, in the order they are asked."""
    listed = ", ".join(f"{code} ({name})" for code, name in states)
    state_code = answers.get("state")
    qs = [Question("state", "state", "Your state",
                   f"Rules differ from state to state. iepkit has: {listed}. Type the code or the name.",
                   required=True, label="Your state")]
    qs += [
        Question("student.name", "text", _CHILD, "As it is on school records.", required=True),
        Question("student.date_of_birth", "date", _CHILD, "Year, month and day, like 2017-04-12."),
        Question("student.grade", "text", _CHILD, "Like 3, 10 or kindergarten."),
        Question("student.school", "text", _CHILD, "The school your child goes to now."),
        Question("student.student_id", "text", _CHILD,
                 "The number the school uses for your child, if you know it. It helps find the right records."),
    ]
    qs.append(Question("student.homeless", "yesno", _CHILD,
                       "Say yes if your child has no fixed, regular and adequate place to sleep at night "
                       "(42 U.S.C. 11434a(2)).", label="Is your child homeless?"))
    if answers.get("student.homeless") is True:
        qs.append(Question("student.homeless_contact", "text", _CHILD,
                           "A phone, email or place where the school can reach your family "
                           "(34 CFR 300.508(b)(4))."))
    qs += _address("student.address", answers, state_code)

    qs += [
        Question("parents[0].name", "text", _YOU, "Letters are signed with this name.", required=True),
        Question("parents[0].relationship", "text", _YOU, "Like mother, father, grandmother or guardian."),
    ]
    if answers.get("student.address.street"):
        qs.append(Question("parents[0]?same_address", "yesno", _YOU, "Letters to you are sent there.",
                           label="Is your mailing address the same as your child's?", required=True))
    if not answers.get("student.address.street") or answers.get("parents[0]?same_address") is False:
        qs += _address("parents[0].address", answers, state_code)
    qs += [
        Question("parents[0].phone", "text", _YOU, "So the school and the state can call you back."),
        Question("parents[0].email", "text", _YOU, "Like name@example.com."),
    ]

    qs += [
        Question("district.name", "text", _DISTRICT,
                 "The district, not the school: like Pine Hollow School District."),
        Question("district.special_education_director", "text", _DISTRICT,
                 "The person in charge of special education for the district; its office can tell you."),
    ]
    qs += _address("district.address", answers, state_code)

    qs += [
        Question("dispute.summary", "text", _DISPUTE,
                 "In a few sentences: what is wrong, since when, and how it affects your child."),
        Question("dispute.issue_types", "issues", _DISPUTE,
                 "Pick every kind that applies: type the numbers, like 2 or 1, 6."),
        Question("dispute.requested", "text", _DISPUTE, "What you asked the school to do, and when."),
        Question("dispute.school_response", "text", _DISPUTE,
                 "What the school offered, refused or said when you asked."),
        Question("dispute.proposed_resolution", "text", _DISPUTE,
                 "What would fix it for your child: what, how much, and by when."),
        Question("dispute.current_placement", "text", _DISPUTE,
                 "Your child's class or setting today, like a general education 3rd-grade class with "
                 "speech therapy."),
    ]

    qs += _events(answers)

    qs += [Question(f"answers.{key}", "relationship" if key == "relationship" else "yesno", _SUGGEST,
                    RECOMMEND_HELP[key] + (" You can skip these; iepkit recommend asks them later."
                                           if key == _SUGGEST_KEYS[0] else ""),
                    label=RECOMMEND_QUESTIONS[key])
           for key in _SUGGEST_KEYS]
    return qs


def _events(answers: Answers) -> list[Question]:
    out: list[Question] = []
    i = 0
    while True:
        head = f"Date {i + 1}"
        first = i == 0
        out.append(Question(
            f"events[{i}]?add", "yesno", "Dates that matter",
            ("Some dates start legal deadlines, and letters list what happened, in order. Add each date "
             "once: the day you asked for something, a meeting, the day the problem started."
             if first else "Another date, like a meeting or a letter sent or received."),
            label="Do you have a date to add?" if first else "Add another date?", required=True, review=False))
        if answers.get(f"events[{i}]?add") is not True:
            return out
        kind = answers.get(f"events[{i}].type")
        day_help = (f"Which day: {EVENT_TYPES[kind]}." if kind in EVENT_TYPES
                    else "The day it happened, like 2026-09-08.")
        out += [
            Question(f"events[{i}].type", "event-type", head,
                     "Pick the one that fits, or press Enter if none does: you describe it next.",
                     label="What kind of date is this?"),
            Question(f"events[{i}].date", "date", head, day_help, required=True),
            Question(f"events[{i}].what", "text", head,
                     "One line for the letters' list of what happened, like: Speech therapy stopped.",
                     required=kind is None),
        ]
        i += 1


# -- reading one answer ----------------------------------------------------------

def _said(problem: Problem) -> str:
    """A validator's message told to the parent about what they just typed (never repeating it)."""
    message = problem.message
    if message.startswith("expected "):
        return f"Expected {message[len('expected '):]}."
    return f"That {message}{'' if message.endswith('.') else '.'}"


def _yes_no(raw: str) -> tuple[bool | None, str | None]:
    word = raw.strip().lower()
    if word in ("y", "yes", "n", "no"):
        return word.startswith("y"), None
    return None, "Please type y (yes) or n (no)."


def _numbers(raw: str, ids: list[str], many: bool) -> tuple[list[str] | None, str | None]:
    """Choices picked by number (or by id); the message never repeats what was typed."""
    picked: list[str] = []
    parts = [p.strip() for p in re.split(r"[,\s]+", raw) if p.strip()]
    for part in parts:
        if part.isdigit() and 1 <= int(part) <= len(ids):
            choice = ids[int(part) - 1]
        elif part.lower() in ids:
            choice = part.lower()
        else:
            what = "numbers" if many else "a number"
            return None, f"Please type {what} from the list, from 1 to {len(ids)}."
        if choice not in picked:
            picked.append(choice)
    if not many and len(picked) > 1:
        return None, "Please pick only one number."
    return picked, None


def read_answer(q: Question, raw: str, states: list[StateName]) -> tuple[Any, str | None]:
    """What typed text means for a question: (value, None), or (None, what to tell the parent).

    The value is stored as JSON-ready data (a date as YYYY-MM-DD text). The
    case schema's own validator has the last word, so a message is the same
    one a case file with that mistake gets.
    """
    raw = raw.strip()
    value: Any = raw
    if q.kind == "yesno":
        value, problem = _yes_no(raw)
        if problem:
            return None, problem
    elif q.kind == "issues":
        picked, problem = _numbers(raw, list(ISSUE_TYPES), many=True)
        if problem:
            return None, problem
        value = picked
    elif q.kind == "event-type":
        picked, problem = _numbers(raw, list(EVENT_TYPES), many=False)
        if problem:
            return None, problem
        value = picked[0]
    elif q.kind == "relationship":
        found = [r for r in RELATIONSHIPS if r.startswith(raw.lower())]
        if len(found) != 1:
            return None, "Please type " + ", ".join(RELATIONSHIPS[:-1]) + " or " + RELATIONSHIPS[-1] + "."
        value = found[0]
    elif q.kind == "state":
        for code, name in states:
            if raw.lower() in (code.lower(), name.lower()):
                return code, None
        listed = ", ".join(f"{code} ({name})" for code, name in states)
        hint = s.did_you_mean(raw, [x for pair in states for x in pair])
        return None, f"That is not a state iepkit has installed; type one of: {listed}.{hint}"
    return stored_value(q, value)


def stored_value(q: Question, value: Any) -> tuple[Any, str | None]:
    """Check a value with the case schema's validator: (JSON-ready value, None) or (None, message)."""
    if q.spec is None:
        return (value, None) if isinstance(value, bool) else (None, "Please type y (yes) or n (no).")
    checked, problems = s.check(q.spec, value)
    if problems:
        return None, _said(problems[0])
    if isinstance(checked, _dt.date):
        return checked.isoformat(), None
    return checked, None


def shown(q: Question, value: Any) -> str:
    """An answer as the review screen shows it."""
    if value is None:
        return "(left blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if q.kind == "issues":
        return "; ".join(ISSUE_TYPES[v] for v in value)
    if q.kind == "event-type":
        return event_words(value)
    return str(value)


# -- the interview ---------------------------------------------------------------

def progress_path(output: Path) -> Path:
    """Where unfinished answers are kept: a hidden file beside the case file."""
    return output.parent / f".{output.name}.init-progress"


class Stopped(Exception):
    """The parent stopped the questions (Ctrl-C or end of input)."""


class Interview:
    """The answers so far, the questions that remain, and the progress file that keeps them."""

    def __init__(self, output: Path, states: list[StateName], ask: Ask, say: Say, *,
                 now: Callable[[], _dt.datetime] = _dt.datetime.now):
        self.output = output
        self.progress = progress_path(output)
        self.states = states
        self.ask_line = ask
        self.say = say
        self.now = now
        self.answers: Answers = {}
        self.started = now()
        self._heading = ""

    # progress --------------------------------------------------------------
    def save(self) -> None:
        data = {"started": self.started.isoformat(timespec="minutes"), "answers": self.answers}
        write_atomic(self.progress, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def saved(self) -> tuple[_dt.datetime, Answers] | None:
        """The answers kept by an earlier run, each checked again; None when there are none."""
        try:
            data = json.loads(self.progress.read_text(encoding="utf-8"))
            started = _dt.datetime.fromisoformat(data["started"])
            stored = dict(data["answers"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            self.say(f"The answers saved in {self.progress} could not be read, so the questions start "
                     "again from the beginning.")
            return None
        return started, self._still_valid(stored)

    def _still_valid(self, stored: Answers) -> Answers:
        # A date can leave its window, or the file be edited: anything not valid now is asked again.
        kept: Answers = {}
        while True:
            added = False
            for q in plan(kept, self.states):
                if q.path in kept or q.path not in stored:
                    continue
                value = stored[q.path]
                if value is not None:
                    if q.kind == "state":
                        problem = None if value in {code for code, _ in self.states} else "not installed"
                    else:
                        value, problem = stored_value(q, value)
                    if problem:
                        continue
                elif q.required:
                    continue
                kept[q.path] = value
                added = True
            if not added:
                return kept

    def forget(self) -> None:
        try:
            self.progress.unlink()
        except FileNotFoundError:
            pass

    # asking ----------------------------------------------------------------
    def _ask(self, prompt: str) -> str:
        try:
            return self.ask_line(prompt)
        except (click.Abort, KeyboardInterrupt, EOFError):
            raise Stopped() from None

    def pending(self) -> list[Question]:
        return [q for q in plan(self.answers, self.states)
                if q.path not in self.answers or (self.answers[q.path] is None and q.required)]

    def fill(self) -> None:
        """Ask every question that applies and has no answer yet."""
        while True:
            todo = self.pending()
            if not todo:
                return
            self.ask(todo[0])

    def ask(self, q: Question, changing: bool = False) -> None:
        """Ask one question until it has a valid answer (or is skipped), then save."""
        if q.heading != self._heading:
            self.say("")
            self.say(q.heading.upper())
            self._heading = q.heading
        self.say(q.help)
        if changing:
            self.say(f"Now: {shown(q, self.answers.get(q.path))}")
        if changing and re.fullmatch(r"events\[\d+\]\.date", q.path):
            self.say("To take this date off the list, press Enter without typing a date.")
        for number, words in self._choices(q):
            self.say(f"  {number:2}. {words}")
        prompt = q.text + (" (YYYY-MM-DD)" if q.kind == "date" else "")
        if q.kind == "yesno":
            prompt += " [y/n]" if q.required else " [y/n] (optional)"
        elif q.default:
            prompt += f" [{q.default}]"
        elif not q.required:
            prompt += f" {SKIP}"
        while True:
            raw = self._ask(prompt).strip()
            if not raw:
                if changing and re.fullmatch(r"events\[\d+\]\.date", q.path):
                    self.remove_event(int(re.search(r"\d+", q.path).group()))
                    self.save()
                    return
                if q.default:
                    raw = q.default
                elif q.required:
                    self.say("Please type y (yes) or n (no)." if q.kind == "yesno"
                             else "This one is needed: please type an answer.")
                    continue
                else:
                    self.answers[q.path] = None
                    break
            value, problem = read_answer(q, raw, self.states)
            if problem is None:
                self.answers[q.path] = value
                break
            self.say(problem)
        self.save()

    def _choices(self, q: Question) -> list[tuple[int, str]]:
        if q.kind == "issues":
            return [(i, label[0].upper() + label[1:]) for i, label in enumerate(ISSUE_TYPES.values(), start=1)]
        if q.kind == "event-type":
            return [(i, event_words(k)) for i, k in enumerate(EVENT_TYPES, start=1)]
        return []

    def remove_event(self, index: int) -> None:
        """Take one date off the list; the dates after it move up."""
        pattern = re.compile(r"events\[(\d+)\](.*)")
        moved: Answers = {}
        for path, value in self.answers.items():
            found = pattern.fullmatch(path)
            if not found:
                moved[path] = value
                continue
            i = int(found.group(1))
            if i != index:
                moved[f"events[{i - 1 if i > index else i}]{found.group(2)}"] = value
        self.answers = moved

    def add_event(self) -> None:
        """Open a new date at the end of the list (the review screen's A)."""
        for q in plan(self.answers, self.states):
            if q.path.endswith("?add") and self.answers.get(q.path) is not True:
                self.answers[q.path] = True
                return

    # the review screen -------------------------------------------------------
    def review(self) -> None:
        """Show every answer with a number; change any until the parent confirms."""
        while True:
            items = [q for q in plan(self.answers, self.states) if q.review]
            self.say("")
            self.say("CHECK YOUR ANSWERS")
            heading = ""
            for number, q in enumerate(items, start=1):
                if q.heading != heading:
                    self.say(q.heading)
                    heading = q.heading
                self._show(number, q)
            self.say("")
            raw = self._ask("Type a number to change that answer, A to add a date, or press Enter "
                            "to save the file").strip()
            if not raw:
                return
            if raw.lower() == "a":
                self.add_event()
            elif raw.isdigit() and 1 <= int(raw) <= len(items):
                self._heading = ""
                self.ask(items[int(raw) - 1], changing=True)
            else:
                self.say(f"Please type a number from 1 to {len(items)}, A, or press Enter.")
                continue
            self.fill()

    def _show(self, number: int, q: Question) -> None:
        value = shown(q, self.answers.get(q.path))
        cols = _columns()
        # The label and the first line of the answer wrap as one text, so a long label
        # never squeezes the answer into a few columns.
        first, *rest = value.splitlines() or [""]
        text = f"{q.text}{'' if q.text.endswith('?') else ':'} {first}"
        out = textout.wrap(text, cols, indent=f"  {number:2}. ", hang=" " * 6)
        for line in rest:
            out += textout.wrap(line, cols, indent=" " * 6)
        self.say("\n".join(out))

    # the case ------------------------------------------------------------------
    def case_data(self) -> dict[str, Any]:
        """The answers as case data, in the order they were asked; blank answers left out."""
        answers = dict(self.answers)
        if answers.get("parents[0]?same_address") is True:
            for key, value in list(answers.items()):
                if key.startswith("student.address."):
                    answers["parents[0].address." + key.split(".", 2)[2]] = value
        data: dict[str, Any] = {}
        paths = [q.path for q in plan(answers, self.states)]
        if answers.get("parents[0]?same_address") is True:
            at = paths.index("parents[0]?same_address")
            paths[at:at] = [p for p in answers if p.startswith("parents[0].address.")]
        for path in paths:
            value = answers.get(path)
            if value is None or "?" in path:
                continue
            q_kind = "date" if path.endswith(("date_of_birth", ".date")) else ""
            _put(data, path, _dt.date.fromisoformat(value) if q_kind else value)
        # Each event reads date first, as in the README and the examples.
        order = {"date": 0, "type": 1, "what": 2}
        if "events" in data:
            data["events"] = [dict(sorted(e.items(), key=lambda kv: order.get(kv[0], 3))) for e in data["events"]]
        return data


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a value at a case path like ``parents[0].address.zip``, making what is missing."""
    parts = [int(p) if p.isdigit() else p for p in re.split(r"\.|\[|\]", path) if p]
    node: Any = data
    for part, nxt in zip(parts, parts[1:]):
        empty: Any = [] if isinstance(nxt, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append(empty)
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    node[parts[-1]] = value


# -- the file ----------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Safe YAML that a person can edit: longer text as a block, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their field, as in the example case files.
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # Several lines are kept as written (|); a long line is folded (>), as in the example
    # files, so it needs no quotes or escapes. PyYAML falls back to quotes by itself when a
    # block cannot hold the text exactly.
    style = "|" if "\n" in text else ">" if len(text) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(bool, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:bool", "yes" if value else "no"))


def case_yaml(data: dict[str, Any], today: _dt.date) -> str:
    """Case data as YAML: a short header in plain words, then one block per part of the case."""
    head = [f"# Your case file, made with iepkit init on {today.isoformat()}.",
            "# It holds private details about your child: keep it safe, and do not share it.",
            "# You can change it in any plain-text editor; iepkit's README explains each line",
            "# (the section 'Your case file'). Each date is written once, under events."]
    blocks = [yaml.dump({key: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                        default_flow_style=False, width=76) for key, value in data.items()]
    return "\n".join(head) + "\n" + "\n".join(blocks)


def write_case(output: Path, data: dict[str, Any], states: list[StateName],
               today: _dt.date | None = None) -> Path:
    """Check the case data as a case file would be checked, then write it atomically (0600)."""
    from .yamlio import parse_yaml

    today = today or _dt.date.today()
    text = case_yaml(data, today)
    # The same check `iepkit` runs on every case file, on the text that will be written.
    _, problems = check_case(parse_yaml(text, str(output)), str(output), states=states)
    if problems:
        raise IepkitError(f"{output}: the answers did not make a valid case file, so nothing was written: "
                          + "; ".join(str(p) for p in problems))
    return write_atomic(output, text)


# -- next steps --------------------------------------------------------------------

def next_steps(output: Path, cols: int) -> list[str]:
    """The three commands a parent runs next: recommend, deadlines and the letter that fits."""
    from . import api

    case_arg = shlex.quote(str(output))
    letter, why = _fitting_letter(api.load_case(output))
    lines = ["What to do next:"]
    for number, (text, command) in enumerate([
            ("See which process fits your situation, and why:", f"iepkit recommend --case {case_arg}"),
            ("See every deadline your dates start, with its rule:", f"iepkit deadlines --case {case_arg}"),
            (why, f"iepkit letter {letter} --case {case_arg}")], start=1):
        lines += textout.wrap(text, cols, indent=f"  {number}. ")
        lines.append(f"       {command}")
    return lines


def _fitting_letter(case: Any) -> tuple[str, str]:
    """The letter of the best-fitting process the recommender finds (its first one that has a letter).

    With too few answers for the recommender, a records request: every family
    can ask for it first, whatever the disagreement, and it helps with the rest.
    """
    from . import api

    st = api.resolve_state(None, case)
    letters = {lt.id: lt for lt in api.letters(st.code)}
    try:
        result = api.recommend(case=case)
    except IepkitError:
        result = None
    if result is not None:
        processes = {p.id: p for p in api.processes(st.code)}
        for ranked in result.ranked:
            process = processes.get(ranked.process)
            if ranked.available and process is not None and process.letter in letters:
                best = "which fits your answers best" if ranked.rank == 1 else "the best fit that has a letter"
                return process.letter, f"Write the letter for {ranked.name}, {best}:"
    if FIRST_LETTER in letters:
        return FIRST_LETTER, "Ask to see your child's school records, a good first step in any disagreement:"
    letter = next(iter(letters))
    return letter, f"Write a first letter ({letters[letter].title}):"


# -- the command ---------------------------------------------------------------------

def _default_ask(prompt: str) -> str:
    from .prompts import _line
    return _line(prompt)


def _columns() -> int:
    return min(100, textout.width())


_LEAD = re.compile(r"^(\s*(?:\d+\.)?\s*)")


def _wrap(text: str, cols: int) -> str:
    """Text wrapped to the terminal, numbered items with a hanging indent.

    A word longer than a line (a file's path) is never split: it could not be copied whole.
    """
    out: list[str] = []
    for line in text.splitlines():
        lead = _LEAD.match(line).group(1)
        out += textwrap.wrap(line[len(lead):], cols, initial_indent=lead, subsequent_indent=" " * len(lead),
                             break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]
    return "\n".join(out)


def run_init(output: Path, *, state: str | None, force: bool, interactive: bool,
             ask: Ask | None = None, say: Say | None = None,
             now: Callable[[], _dt.datetime] = _dt.datetime.now) -> int:
    """`iepkit init`: ask, review, write the case file and say what to do next. Returns the exit code.

    Refuses before asking anything when ``output`` exists (unless ``force``)
    or when no one is at a terminal (``interactive`` False).
    """
    from . import api

    ask = ask or _default_ask
    echo: Say = say or click.echo

    def say(text: str) -> None:
        echo(_wrap(text, _columns()) if text else "")
    if output.is_dir():
        raise IepkitError(f"{output} is a folder; give a file name ending in .yaml, like {output / 'my-case.yaml'}")
    if output.exists() and not force:
        raise IepkitError(f"{output} already exists, and iepkit will not replace it. Choose another name "
                          "with -o, or add --force to replace it.")
    if not interactive:
        raise IepkitError("iepkit init asks its questions in a terminal, and there is none here. "
                          + example_pointer())
    states = [(st.code, st.name) for st in api.states()]
    chosen = api.find_state(state).code if state else None
    interview = Interview(output, states, ask, say, now=now)
    try:
        earlier = interview.saved()
        if earlier is not None:
            started, answers = earlier
            when = f"{started.day} {started:%B %Y} at {started:%H:%M}"
            reply = interview._ask(f"You started this on {when}. Continue where you left off? [Y/n]").strip()
            if reply.lower() not in ("n", "no"):
                interview.answers, interview.started = answers, started
        if not earlier or not interview.answers:
            say("Answer a few questions to make your case file. Press Enter to skip a question marked "
                "optional; you can check and change every answer at the end. Press Ctrl-C to stop: "
                "your answers are kept for next time.")
        if chosen:
            interview.answers["state"] = chosen
        elif len(states) == 1:
            interview.answers.setdefault("state", states[0][0])
        interview.fill()
        interview.review()
    except (Stopped, KeyboardInterrupt):
        say("")
        if interview.progress.exists():
            say(f"Stopped. Your answers so far are kept in {interview.progress} (only you can read it). "
                "Run the same command again to continue where you left off.")
        else:
            say("Stopped. Nothing was saved.")
        return STOPPED_EXIT
    write_case(output, interview.case_data(), states)
    interview.forget()
    say("")
    say(f"Wrote {output}. Only you can read it on this computer.")
    say("")
    for line in next_steps(output, _columns()):
        echo(line)  # already wrapped; a command stays on one line to copy
    return 0
