"""iepkit's conformance suite as a pytest plugin (entry point group ``pytest11``).

Installed with iepkit, so any state repository runs every conformance check
for its state with one option and no test code::

    python -m pytest --iepkit-state TX

(repeat the option for more states, or write ``all`` for every installed
state), or with a one-line test file::

    from iepkit.testing import StateConformance
    class TestTexas(StateConformance): state = "TX"

This module is loaded by every pytest run on a machine with iepkit, so it
imports nothing of iepkit (no YAML, no WeasyPrint) until the option is used.
"""
from __future__ import annotations

import types
from typing import Any

import pytest

OPTION = "--iepkit-state"


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("iepkit", "iepkit state conformance")
    group.addoption(OPTION, action="append", default=[], metavar="CODE", dest="iepkit_state",
                    help="run iepkit's conformance checks for this state (a code like MS, or 'all' for "
                         "every installed state); may be repeated")


def pytest_report_header(config: Any) -> list[str] | None:
    codes = config.getoption("iepkit_state", default=None)
    if not codes:
        return None
    return [f"iepkit conformance for: {', '.join(codes)}"]


class _Suite(pytest.Module):
    """A module that exists only in memory: the generated conformance classes."""

    suite: types.ModuleType

    def _getobj(self) -> types.ModuleType:
        return self.suite


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: Any, config: Any, items: list[Any]) -> None:
    # First, so -k, -m and deselection see these items like any others.
    codes = config.getoption("iepkit_state", default=None)
    if not codes:
        return
    from .testing import conformance_module

    suite = conformance_module(codes)
    node = _Suite.from_parent(session, path=config.rootpath / "iepkit-conformance.py",
                              nodeid="iepkit-conformance")
    node.suite = suite
    items.extend(session.genitems(node))
