"""Wrap a rendered body in the shared printable page (templates/document.html)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import jinja2
from markupsafe import Markup


@lru_cache(maxsize=1)
def shared_environment() -> jinja2.Environment:
    """Jinja2 environment for the shared layouts in the ``templates/`` folder."""
    folder = str(resources.files("iepkit.templates"))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def shared_template_dir() -> str:
    return str(resources.files("iepkit.templates"))


@lru_cache(maxsize=4)
def stylesheet(name: str = "print.css") -> str:
    return resources.files("iepkit.templates").joinpath(name).read_text(encoding="utf-8")


def page(title: str, body: str, lang: str = "en", stylesheets: tuple[str, ...] = ("print.css",)) -> str:
    """A complete, self-contained HTML page: the CSS is inline and nothing is linked."""
    css = "\n".join(stylesheet(name) for name in stylesheets)
    return shared_environment().get_template("document.html").render(
        title=title, body=Markup(body), lang=lang, css=css)
