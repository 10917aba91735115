"""Reading YAML safely, with errors that name the file and line but never echo data."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text.

    PyYAML turns 2024-02-30 into a crash and 2024-02-03 into a date object; we
    want one validator to parse every date and report every bad one by field.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicates(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' appears twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes an InputError naming source and line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        # exc.problem is the parser's description; str(exc) would quote the line's text.
        raise InputError(source, [Problem("", f"not valid YAML at {where}: {exc.problem}")]) from None
    except yaml.YAMLError:
        raise InputError(source, [Problem("", "not valid YAML")]) from None


def load_yaml_file(path: str | Path) -> Any:
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
    return parse_yaml(text, str(path))
