"""Reading YAML safely, with errors that name the file and line but never echo data.

A YAML syntax error is told in plain words with the line (and, where it helps,
the column) and what to do, for the mistakes people make by hand: a tab, a
line indented differently from its neighbours, no space after a colon, a
quote never closed, a colon inside a value. The line itself is never printed:
it holds a child's data, and error text ends up in terminals and logs. Only a
field name on that line is named, and only when the caller says it is one (a
case file's field names), so a typed word is never mistaken for a field.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Collection

import yaml

from .errors import InputError, Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and refuses a key written twice (the pure-Python parser).

    PyYAML turns 2024-02-30 into a crash and 2024-02-03 into a date object; we
    want one validator to parse every date and report every bad one by field.
    """


#: libyaml's parser with the same rules, when PyYAML was built with it: about ten
#: times faster on the plugins' YAML. Only its successes are used; any error is
#: parsed again by _Loader, whose messages describe() knows (libyaml words them
#: differently and its marks hold no text).
_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader with _Loader's rules: dates as text, no duplicate keys."""


def _without_timestamps(resolvers: dict) -> dict:
    return {first: [(tag, rx) for tag, rx in rs if tag != "tag:yaml.org,2002:timestamp"]
            for first, rs in resolvers.items()}


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key written twice in one mapping (PyYAML would silently keep the last)."""

    def __init__(self, key: Any, mark: yaml.Mark):
        super().__init__(None, None, "duplicate key", mark)
        self.key = key


def _no_duplicates(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


for _cls in (_Loader, _CLoader):
    if _cls is not None:
        _cls.yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)
        _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)

#: Characters PyYAML's reader refuses (a NUL byte, other control characters). Text that
#: holds one goes straight to _Loader, so the refusal and its message never depend on libyaml.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE

_KEY = re.compile(r"\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")
_INDENT_HINT = ("Check the indentation: the fields of one thing start in the same column, "
                "and each level goes 2 spaces further in")
_INDENT = f"the spaces at the start of this line do not line up with the lines around it. {_INDENT_HINT}."


class _Lines:
    """The text's lines, to describe a syntax error by line and field name without printing data."""

    def __init__(self, text: str, field_names: Collection[str] | None):
        self.lines = text.splitlines() or [""]
        self.names = field_names

    def get(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def key(self, line: int) -> str | None:
        """The field name a line starts with, if it is one the caller allows to be named."""
        found = _KEY.match(self.get(line))
        if not found or (self.names is not None and found.group(1) not in self.names):
            return None
        return found.group(1)

    def at(self, line: int, column: int | None = None) -> str:
        """ "line 8" or "line 8, column 3", with the field's name when it may be named."""
        where = f"line {line + 1}" + (f", column {column + 1}" if column is not None else "")
        key = self.key(line)
        return f"{where} (the '{key}' field)" if key else where

    def previous(self, line: int) -> int:
        """The nearest line before ``line`` that holds something other than a comment."""
        for i in range(line - 1, -1, -1):
            stripped = self.get(i).strip()
            if stripped and not stripped.startswith("#"):
                return i
        return line


def _no_space_after_colon(text: str) -> bool:
    """A 'key:value' line: a field name and a colon, then text with no space between."""
    return bool(re.match(r"\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_ ]*:[^\s:/]", text))


def describe(exc: yaml.MarkedYAMLError, lines: _Lines) -> tuple[str, str]:
    """Where a YAML syntax error is ("line 8 (the 'grade' field)") and what to do, in plain words."""
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    text = lines.get(line)
    opened = exc.context_mark.line if exc.context_mark is not None else line

    if isinstance(exc, _DuplicateKey):
        field = "this field" if lines.key(line) is None else "the field"
        return lines.at(line), f"{field} is written twice in the same place; keep one of them."
    if "found character '\\t'" in problem:
        if not text[:column].strip():
            return f"line {line + 1}", ("this line starts with a tab; YAML allows only spaces: "
                                        "replace the tab with spaces.")
        return lines.at(line, column), "there is a tab; YAML allows only spaces: replace the tab with a space."
    if "cannot start any token" in problem:
        char = re.search(r"found character '(.)'", problem)
        shown = f"the character {char.group(1)}" if char and char.group(1).isprintable() else "that character"
        return lines.at(line, column), (f"a value cannot start with {shown}. "
                                         'Put the whole value in double quotes ("...").')
    if "quoted scalar" in context:
        return lines.at(opened), ("a value starts with a quote mark that is never closed. Add the same "
                                  "quote mark at the end of the value, or remove the one at its start.")
    if problem == "mapping values are not allowed here":
        before = lines.previous(line)
        if before != line and _no_space_after_colon(lines.get(before)):
            return lines.at(before), "put a space after the colon, like 'name: value'."
        first = text.find(": ")
        if 0 <= first < column:
            return lines.at(line), ("the value holds a colon followed by a space, which YAML reads as the "
                                    'start of another field. Put the whole value in double quotes ("..."), '
                                    "or write >- after the field's colon and the text on the next line, "
                                    "2 spaces further in.")
        return lines.at(line), _INDENT
    if "could not find expected ':'" in problem:
        if _no_space_after_colon(lines.get(opened)):
            return lines.at(opened), "put a space after the colon, like 'name: value'."
        return lines.at(opened), ("expected a field written 'name: value' (a name, a colon and a space). "
                                  + _INDENT_HINT + ".")
    if "but found '<scalar>'" in problem and re.search(r"[\"']", text[:column]):
        return lines.at(line), ("more text follows a closing quote mark. Put the whole value in double "
                                'quotes (write \\" for a quote mark inside it), or leave the quote marks out. '
                                "Inside single quotes, write an apostrophe twice ('').")
    if problem.startswith("expected <block end>"):
        return lines.at(line), _INDENT
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        bracket = "[" if "]" in problem else "{"
        close = "]" if bracket == "[" else "}"
        return lines.at(opened), (f"a list that opens with {bracket} is never closed. Add {close} at its "
                                  "end, or write one item per line starting with '- '.")
    # Anything rarer: where, in plain words, and the reader's own words for an advocate or a
    # developer (they describe YAML and never quote the file).
    return lines.at(line, column), ("this is not valid YAML. Check this line and the one above it: each "
                                    "field is written 'name: value', with spaces (never tabs) at the start "
                                    f"of the line. (The YAML reader says: {problem or context}.)")


def parse_yaml(text: str, source: str, field_names: Collection[str] | None = None) -> Any:
    """Parse YAML text; a syntax error becomes an InputError naming source and line, in plain words.

    ``field_names`` are the names a message may print when a line starts with
    one (None: any name, for files that hold no private data).
    """
    if _CLoader is not None and not _NON_PRINTABLE.search(text):
        try:
            return yaml.load(text, Loader=_CLoader)  # noqa: S506 - _CLoader is a CSafeLoader
        except yaml.YAMLError:
            pass  # parsed again below, for the same message the pure-Python parser gives
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        where, message = describe(exc, _Lines(text, field_names))
        raise InputError(source, [Problem("", message)], at=where) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise InputError(source, [Problem("", (
            "this line holds an invisible control character (such as a NUL byte), which a YAML file "
            "cannot hold. Delete it, or copy the text into a new plain-text file."))],
            at=f"line {line}") from None
    except yaml.YAMLError:
        raise InputError(source, [Problem("", "not valid YAML")]) from None


def load_yaml_file(path: str | Path, field_names: Collection[str] | None = None) -> Any:
    """Read and parse a YAML file; unreadable files are reported, not raised raw."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), [Problem("", "file not found")]) from None
    except IsADirectoryError:
        raise InputError(str(path), [Problem("", "is a folder; expected a YAML file")]) from None
    except UnicodeDecodeError:
        raise InputError(str(path), [Problem("", "is not UTF-8 text; save it as UTF-8")]) from None
    except OSError as exc:
        raise InputError(str(path), [Problem("", f"cannot be read ({exc.strerror})")]) from None
    return parse_yaml(text, str(path), field_names)
