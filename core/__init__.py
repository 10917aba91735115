"""iepkit: offline tools for parents resolving special-education disputes under IDEA.

The public API for partners lives in ``iepkit.api``; plugins import
``hookimpl`` from here and model types from ``iepkit.model``. This module
stays light so ``iepkit --help`` starts fast.
"""
from __future__ import annotations

from .hookspecs import hookimpl

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("iepkit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["hookimpl", "__version__"]
