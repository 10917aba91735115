"""Print an HTML page to PDF with WeasyPrint, fetching nothing.

WeasyPrint is imported here and only here, so commands that make no PDF (and
``iepkit --help``) start without loading it.
"""
from __future__ import annotations

import logging

from ..errors import IepkitError


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for a self-contained page. Every URL fetch is refused.

    Pages are self-contained (inline CSS, no images), so a fetch could only come
    from text a user typed; refusing all of them keeps the network and the
    user's other files out of reach.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango or its libraries are missing
        raise IepkitError(f"PDF output needs WeasyPrint and the Pango library ({exc}). "
                          "Use --format html, md or txt, or see README.md.") from None

    def refuse(url, *args, **kwargs):  # noqa: ANN001 - WeasyPrint's fetcher signature
        raise ValueError("iepkit does not fetch resources")

    fetcher = refuse
    if hasattr(weasyprint, "URLFetcher"):
        class _Refuse(weasyprint.URLFetcher):
            def fetch(self, url, headers=None):  # noqa: ANN001
                raise ValueError("iepkit does not fetch resources")
        fetcher = _Refuse()
    # WeasyPrint logs each refused fetch and unsupported CSS at WARNING; those
    # are ours to fix in tests, not the user's to read.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return doc.write_pdf(pdf_tags=True)
