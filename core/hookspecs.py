"""The plugin contract: every hook a state plugin (or any plugin) may implement.

Each hook receives a ``register`` callback and calls it once per item, so a
plugin can contribute none, one or many. Implementations are marked with
``iepkit.hookimpl``. Hooks take no default arguments (pluggy does not pass them).
Content registered for a state must name a state some plugin registered.

When they are called: ``register_commands`` and ``register_states`` at start-up,
for every plugin; the content hooks (processes, letters, deadline rules, guides,
recommender criteria) when a command first uses a state, for that state's own
plugin, the federal layer and plugins that register no state. So a plugin that
registers states adds content to its own states only, and importing a plugin or
registering its states should read as little as it can (``StateFolder`` reads
each file when first asked for it).

Layers: the built-in ``federal`` plugin registers processes, letters and
deadline rules with ``state=iepkit.model.FEDERAL``; every state inherits them.
Through the same three hooks a state may register, besides its own items, an
``iepkit.model.Amendment`` (change some fields of the federal item with that id)
or an ``iepkit.model.Withdrawal`` (the federal item does not apply, and why).
An item with a federal id overrides it. See ``iepkit.layers``.
"""
from __future__ import annotations

import pluggy

#: The ``state`` of content from the built-in federal layer (also ``iepkit.model.FEDERAL``).
FEDERAL = "federal"

hookspec = pluggy.HookspecMarker("iepkit")
hookimpl = pluggy.HookimplMarker("iepkit")


@hookspec
def register_states(register):
    """Register each ``iepkit.model.State`` (code, name, agency, contacts, local terms)."""


@hookspec
def register_processes(register):
    """Register each ``iepkit.model.Process`` a state offers (mediation, state-complaint...)."""


@hookspec
def register_letters(register):
    """Register each ``iepkit.model.LetterTemplate`` (metadata plus its Jinja2 template)."""


@hookspec
def register_deadline_rules(register):
    """Register each deadline rule a state applies (the engine that computes them is in core)."""


@hookspec
def register_guides(register):
    """Register each ``iepkit.model.Guide``: guides, checklists, worksheets and scripts for parents."""


@hookspec
def register_recommend_criteria(register):
    """Register a state's ``iepkit.model.RecommendCriteria``: what the process recommender weighs."""


@hookspec
def register_commands(cli):
    """Add extra click commands to the ``iepkit`` command group ``cli``."""
