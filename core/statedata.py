"""A state plugin's YAML folder as model objects, read part by part when first used.

A state plugin is mostly data: ``state.yaml``, ``processes.yaml``,
``letters.yaml`` (with templates under ``letters/``), ``guides.yaml``
(guides, checklists, worksheets and scripts), ``recommend.yaml`` (what the
recommender weighs), ``deadlines.yaml`` and ``calendar.yaml`` (holiday
changes for business days).

Plugins create a ``StateFolder`` when they are imported, and every command,
``iepkit --help`` included, imports every plugin: so this module imports
nothing heavy, and creating a StateFolder reads no file. Each part is read
when first asked for, from the user's cache when its files have not changed
(``iepkit.statecache``), else from the files, checked by ``iepkit.statefiles``.
A bad file raises InputError naming the file and the key, which the plugin
host reports as that plugin's failure.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = ["StateFolder"]


class StateFolder:
    """The data folder of one state plugin, loaded lazily and validated."""

    def __init__(self, folder: str | Path, code: str | None = None):
        self.folder = Path(folder)
        #: Given for the federal layer (FEDERAL), which has no state.yaml.
        self._code = code

    @property
    def code(self) -> str:
        """The state's code, or FEDERAL for the federal layer's folder."""
        return self._code or self.state.code

    @cached_property
    def _files(self) -> Any:
        from .statefiles import StateFiles
        return StateFiles(self.folder, self._code, owner=self)

    def _part(self, name: str) -> Any:
        from .statecache import cached_part
        return cached_part(self, name, lambda: getattr(self._files, name))

    @cached_property
    def state(self) -> Any:
        """state.yaml (and calendar.yaml): the state's ``iepkit.model.State``."""
        return self._part("state")

    @cached_property
    def processes(self) -> list[Any]:
        """processes.yaml: the state's processes, then its amendments and withdrawals of federal ones."""
        return self._part("processes")

    @cached_property
    def letters(self) -> list[Any]:
        """letters.yaml: the letters, then amendments of full federal letters."""
        return self._part("letters")

    @cached_property
    def guides(self) -> list[Any]:
        """guides.yaml (optional): the guides, checklists, worksheets and scripts."""
        return self._part("guides")

    @cached_property
    def recommend_criteria(self) -> Any:
        """recommend.yaml (optional): what the recommender weighs for this state, or None."""
        return self._part("recommend_criteria")

    @cached_property
    def deadline_rules(self) -> list[Any]:
        """deadlines.yaml (optional) as DeadlineRules, then amendments and withdrawals of federal rules."""
        return self._part("deadline_rules")


def __getattr__(name: str) -> Any:
    # The file formats (STATE_SCHEMA, ...) moved to iepkit.statefiles, which is
    # imported only when a file is read; old imports from here keep working.
    if name.startswith("__"):  # the import system asks for __path__ and such: not a file format
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import statefiles
    try:
        return getattr(statefiles, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
