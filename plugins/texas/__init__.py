"""Texas: the second iepkit state plugin.

Everything Texas-specific is data in this folder (see the YAML files and
``letters/``); these hook implementations only hand it to the core. A new
state starts from ``plugins/_template``, which has the same shape.
"""
from __future__ import annotations

from pathlib import Path

from iepkit import hookimpl
from iepkit.statedata import StateFolder

DATA = StateFolder(Path(__file__).parent)


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
