"""The federal layer: what IDEA (34 CFR Part 300) and other federal law say in every state.

A built-in plugin, registered through the ``iepkit`` entry-point group like any
state (the way llm registers its own default models as a plugin), and always
loaded, whatever IEPKIT_LOAD_PLUGINS says: a state without it is incomplete.
It registers no state, so ``iepkit states`` never lists it. Its items carry
``state=FEDERAL``; the registry gives each state the merged view, where the
state overrides, amends, adds to or withdraws items by id (``iepkit.layers``).

Everything here is data in this folder, in the same format as a state's files
(letters.yaml holds only the elements federal rules require; see iepkit.layers),
with federal citations only and no state's words.
"""
from __future__ import annotations

from pathlib import Path

from ..hookspecs import FEDERAL, hookimpl
from ..statedata import StateFolder

DATA = StateFolder(Path(__file__).parent, code=FEDERAL)


@hookimpl
def register_processes(register):
    for process in DATA.processes:
        register(process)


@hookimpl
def register_deadline_rules(register):
    for rule in DATA.deadline_rules:
        register(rule)


@hookimpl
def register_letters(register):
    # Elements-only letters merge into a state's own letter of the same id; full letters are inherited.
    for letter in DATA.letters:
        register(letter)
