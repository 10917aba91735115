"""Installed packages' entry points and versions, read the way importlib.metadata reads them.

Every command, ``iepkit --help`` included, looks up the ``iepkit`` entry points
to find the plugins. Importing ``importlib.metadata`` costs more than the rest
of that look-up (it brings in the email package to read metadata files), so
in the usual set-up (folders on ``sys.path``, Python's own finders) this
module reads the ``*.dist-info`` and ``*.egg-info`` folders itself, in the same
order and with the same rule (the first distribution of a name on sys.path
wins). Anything else (a zip file on sys.path, an .egg, an import hook that
provides distributions) goes to importlib.metadata.
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from functools import reduce
from typing import Any


class EntryPoint:
    """One entry point: its name, its value (``module:attr``) and its distribution's version."""

    def __init__(self, name: str, value: str, version: str | None):
        self.name, self.value, self.version = name, value, version

    def __repr__(self) -> str:
        return f"EntryPoint({self.name!r}, {self.value!r}, {self.version!r})"

    @property
    def module(self) -> str:
        return self.value.split("[", 1)[0].partition(":")[0].strip()

    def load(self) -> Any:
        """The object it names: a module, or ``module:attr.attr``."""
        attrs = self.value.split("[", 1)[0].partition(":")[2].strip()
        return reduce(getattr, filter(None, attrs.split(".")), importlib.import_module(self.module))


class _Dist:
    def __init__(self, folder: str, name: str):
        self.folder, self.name = folder, name

    def read(self, name: str) -> str | None:
        try:
            with open(os.path.join(self.folder, name), encoding="utf-8") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError):
            return None

    @property
    def version(self) -> str | None:
        text = self.read("METADATA") or self.read("PKG-INFO") or ""
        for line in text.splitlines():
            if not line.strip():
                break  # the headers end at the first empty line
            key, _, value = line.partition(":")
            if key.strip().lower() == "version":
                return value.strip()
        return None


_scanned: list[_Dist] | None = None


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _distributions() -> list[_Dist] | None:
    """Each distribution on sys.path, first of its name only; None when importlib.metadata must look."""
    global _scanned
    if _scanned is not None:
        return _scanned
    from importlib.machinery import PathFinder
    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return None
    found: dict[str, _Dist] = {}
    for entry in sys.path:
        root = entry or "."
        if os.path.isfile(root):
            return None  # a zip file: importlib.metadata reads those
        try:
            children = os.listdir(root)
        except OSError:
            continue
        for child in children:
            low = child.lower()
            if low.endswith(".egg"):
                return None
            if low.endswith((".dist-info", ".egg-info")):
                name = _normalize(low.rpartition(".")[0].partition("-")[0])
                if name not in found:
                    found[name] = _Dist(os.path.join(root, child), name)
    _scanned = list(found.values())
    return _scanned


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of ``group`` every installed distribution declares."""
    dists = _distributions()
    if dists is None:
        from importlib import metadata
        return [EntryPoint(ep.name, ep.value, ep.dist.version if getattr(ep, "dist", None) else None)
                for ep in metadata.entry_points(group=group)]
    out = []
    for dist in dists:
        text = dist.read("entry_points.txt")
        if text is None or f"[{group}]" not in text:
            continue
        section = None
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
            elif section == group and "=" in line:
                name, _, value = line.partition("=")
                out.append(EntryPoint(name.strip(), value.strip(), dist.version))
    return out


def version(distribution: str) -> str | None:
    """The installed version of ``distribution``, or None when it is not installed."""
    dists = _distributions()
    if dists is None:
        from importlib import metadata
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            return None
    wanted = _normalize(distribution)
    return next((d.version for d in dists if d.name == wanted), None)
