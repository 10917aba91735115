"""__STATE_NAME__: an iepkit state plugin.

Everything about __STATE_NAME__ is data in this folder (the YAML files and
``letters/``); these hook implementations only hand it to the core. The
folder is read and checked when a command first uses this state (and by
``iepkit plugins``, which reads every state): a file that fails its check
drops the whole plugin, with the file, the field and what was expected shown,
so a state is never half-registered.
"""
from __future__ import annotations

from pathlib import Path

from iepkit import hookimpl
from iepkit.statedata import StateFolder

DATA = StateFolder(Path(__file__).parent)

#: A fictional, complete case for this state: the conformance tests fill every
#: letter from it. Copy it to try the letters; never put a real family's data here.
EXAMPLE_CASE = Path(__file__).parent / "example-case.yaml"


@hookimpl
def register_states(register):
    register(DATA.state)


@hookimpl
def register_processes(register):
    for process in DATA.processes:
        register(process)


@hookimpl
def register_letters(register):
    for letter in DATA.letters:
        register(letter)


@hookimpl
def register_deadline_rules(register):
    for rule in DATA.deadline_rules:
        register(rule)


@hookimpl
def register_guides(register):
    for guide in DATA.guides:
        register(guide)


@hookimpl
def register_recommend_criteria(register):
    if DATA.recommend_criteria is not None:
        register(DATA.recommend_criteria)
