"""iepkit: offline tools for parents resolving special-education disputes under IDEA.

The public API for partners lives in ``iepkit.api``; plugins import
``hookimpl`` from here and model types from ``iepkit.model``. This module
stays light so ``iepkit --help`` starts fast.
"""
from __future__ import annotations

from .hookspecs import hookimpl



def __getattr__(name: str) -> str:
    # The version is looked up on first use, not at import: every command imports this
    # package, and only --version and the cache of states' content need it.
    if name == "__version__":
        from .distinfo import version
        found = version("iepkit") or "0+unknown"  # 0+unknown: a source tree never installed
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["hookimpl", "__version__"]
