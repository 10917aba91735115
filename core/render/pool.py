"""Many PDFs in one long-lived process, with memory that stays bounded.

WeasyPrint can keep memory after each PDF and never give it back (up to about
0.25 MiB a PDF has been measured; it depends on the letters and the machine),
below iepkit. A partner's service, or ``iepkit
serve``, that prints letters all day would grow without end. ``RenderPool``
prints PDFs in a few worker processes instead, each replaced after
``renders_per_worker`` PDFs, so the memory used stays about the same however
many are printed (figures: ``benchmarks/render_memory.py``).

The letter's checks and its HTML are done in the calling thread, exactly as
``api.render_letter`` does them (the same errors, the same arguments); only
the printing to PDF happens in a worker. The calling process never imports
WeasyPrint.

    from iepkit import api
    with api.RenderPool(workers=2, renders_per_worker=200) as pool:
        pdf = pool.render_letter("mediation-request", case=case)

A ``RenderPool`` may be shared by every thread of a server: calls from many
threads at once are queued and run ``workers`` at a time.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ..workerpool import WorkerCrashedError, WorkerPool

if TYPE_CHECKING:
    from ..case import Case

__all__ = ["RenderPool", "WorkerCrashedError", "RENDERS_PER_WORKER"]

#: PDFs a worker prints before it is replaced: about 50 MiB of growth, then a fresh start
#: (about a second of a core), so memory stays bounded at little cost.
RENDERS_PER_WORKER = 200


def _pdf(html: str) -> bytes:
    from .pdf import html_to_pdf
    return html_to_pdf(html)


def _warm_up() -> None:
    # Import WeasyPrint when a worker starts, not inside its first caller's time.
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pass  # the first PDF then says what is missing (render.pdf)


class RenderPool:
    """PDF printing in ``workers`` processes, each replaced after ``renders_per_worker`` PDFs.

    A worker that stops (killed, out of memory) fails only the PDF it was
    printing, with ``WorkerCrashedError``; it is replaced and the pool keeps
    working. Close it with ``close()`` or use it in ``with``.
    """

    def __init__(self, workers: int = 2, renders_per_worker: int = RENDERS_PER_WORKER, *, start_method: str | None = None):
        self._pool = WorkerPool(workers, renders_per_worker, start_method=start_method, initializer=_warm_up)

    def html_to_pdf(self, html: str) -> bytes:
        """PDF bytes for a self-contained page (``api.render_letter(..., fmt="html")``), printed in a worker."""
        return self._pool.call(_pdf, html)

    def render_letter(self, letter_id: str, *, state: str | None = None, case: Case | None = None,
                      blanks: bool = False, today: _dt.date | None = None, notes: bool = True,
                      **options: Any) -> bytes:
        """The letter as PDF bytes: ``api.render_letter(letter_id, fmt="pdf", ...)``, printed in a worker.

        Every check and error is the same as ``api.render_letter``'s; other keyword
        ``options`` are passed to it as they are.
        """
        from .. import api
        html = api.render_letter(letter_id, state=state, case=case, fmt="html", blanks=blanks, today=today,
                                 notes=notes, **options)
        return self.html_to_pdf(html)

    def render_kit(self, **options: Any) -> bytes:
        """The Starter Kit as PDF bytes: ``api.render_kit(fmt="pdf", **options)``, printed in a worker."""
        from .. import api
        return self.html_to_pdf(api.render_kit(fmt="html", **options))

    def close(self) -> None:
        """Wait for PDFs being printed, then stop every worker. Further calls raise RuntimeError."""
        self._pool.shutdown(wait=True)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
