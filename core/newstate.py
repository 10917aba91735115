"""A new state plugin from the template: ``iepkit new-state CODE --name NAME [-o DIR]``.

The template is the folder ``plugins/_template/`` of the iepkit source tree,
shipped inside the iepkit wheel as the resource package
``iepkit.state_template`` so this works from an installed wheel, not only a
checkout. Its files hold tokens that are replaced here, in file contents and in
paths:

    __STATE_CODE__     the postal code, like NM
    __STATE_NAME__     the name, like New Mexico
    __SLUG__           the name as a Python identifier, like new_mexico
                       (the import package is iepkit___SLUG__ -> iepkit_new_mexico)
    __DIST_NAME__      the distribution, like iepkit-new-mexico
    __CLASS_NAME__     the name for a test class, like NewMexico
    __TODAY__          the day the skeleton was made, for last_reviewed
    __IEPKIT_VERSION__ the iepkit version it was made with, the lowest it needs

The new package is built in a temporary folder next to the target and renamed
into place, so a failure leaves nothing half-written. Its files get ordinary
permissions (the user's umask, usually 0644), not iepkit's owner-only 0600:
they are source code a contributor edits, commits and shares, and hold no
family's data.
"""
from __future__ import annotations

import datetime as _dt
import importlib.util
import keyword
import os
import re
import shlex
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import IepkitError
from .statecodes import US_STATE_CODES

#: Files and folders of the template that are never copied.
_SKIP = {"__pycache__", ".pytest_cache", ".DS_Store"}
#: Characters a state's name may hold: letters, spaces and the punctuation real
#: names use ("U.S. Virgin Islands", "Hawaiʻi"). Quotes and backslashes are out,
#: so the name is safe inside the YAML, TOML and Python strings it is put into.
_NAME_PUNCT = set(" .-'’ʻ")


@dataclass(frozen=True)
class NewState:
    """What ``new-state`` writes: the names filled in and where."""

    code: str
    name: str
    slug: str
    folder: Path

    @property
    def package(self) -> str:
        """The import package, like iepkit_new_mexico."""
        return f"iepkit_{self.slug}"

    @property
    def distribution(self) -> str:
        """The distribution name, like iepkit-new-mexico."""
        return "iepkit-" + self.slug.replace("_", "-")

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.slug.split("_"))

    def tokens(self, today: _dt.date, version: str) -> dict[str, str]:
        return {"__STATE_CODE__": self.code, "__STATE_NAME__": self.name, "__SLUG__": self.slug,
                "__DIST_NAME__": self.distribution, "__CLASS_NAME__": self.class_name,
                "__TODAY__": today.isoformat(), "__IEPKIT_VERSION__": version}


def template_dir() -> Path:
    """The template folder: the installed ``iepkit.state_template``, else the source tree's."""
    try:
        spec = importlib.util.find_spec("iepkit.state_template")
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "pyproject.toml").is_file():
            return Path(location)
    source = Path(__file__).resolve().parent.parent / "plugins" / "_template"
    if (source / "pyproject.toml").is_file():
        return source
    raise IepkitError("The state template is missing from this iepkit installation. Reinstall iepkit.")


def slug_for(name: str) -> str:
    """The name as a Python identifier: "New Mexico" -> new_mexico, "Hawaiʻi" -> hawaii."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"['’]", "", ascii_name)
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def default_folder(name: str) -> Path:
    """``./iepkit-<slug>``, with dashes, like ./iepkit-new-mexico."""
    return Path("iepkit-" + slug_for(name).replace("_", "-"))


def check_new_state(code: str, name: str, folder: str | Path | None = None, *,
                    installed: list[tuple[str, str]] | None = None) -> NewState:
    """Check everything before anything is written; raise IepkitError listing every problem.

    ``installed`` is the (code, name) of every state already installed; by
    default the loaded registry's.
    """
    problems: list[str] = []
    code = (code or "").strip().upper()
    name = " ".join((name or "").split())
    if code not in US_STATE_CODES:
        problems.append("CODE must be the two-letter postal code of a US state or territory, like AL, "
                        "DC or PR (USPS Publication 28)")
    slug = slug_for(name)
    if not name:
        problems.append("--name is empty; give the state's name as people write it")
    elif not name[0].isalpha() or any(not (c.isalnum() or c in _NAME_PUNCT) for c in name):
        problems.append("--name must start with a letter and hold only letters, spaces, periods, "
                        "hyphens and apostrophes")
    elif (not re.fullmatch(r"[a-z][a-z0-9_]*", slug) or keyword.iskeyword(slug)
          or keyword.issoftkeyword(slug)):
        problems.append("--name cannot make a Python package name (it needs letters from A to Z, "
                        "and must not be a Python keyword)")
    if installed is None:
        from . import api
        installed = [(s.code, s.name) for s in api.states()]
    for other_code, other_name in installed:
        if other_code == code:
            problems.append(f"{code} is already installed ({other_name}); "
                            "`iepkit states` lists the installed states")
        elif name and other_name.casefold() == name.casefold():
            problems.append(f"a state named {other_name} is already installed (as {other_code})")
    if slug and not problems and _importable(f"iepkit_{slug}"):
        problems.append(f"a Python package named iepkit_{slug} is already installed")
    target = Path(folder) if folder is not None else default_folder(name)
    if target.exists() and not target.is_dir():
        problems.append(f"{target} is a file; give a new folder with -o")
    elif target.is_dir() and any(target.iterdir()):
        problems.append(f"the folder {target} already exists and is not empty; give a new folder with -o")
    if problems:
        if len(problems) == 1:
            raise IepkitError(f"new-state: {problems[0]}. Nothing was written.")
        raise IepkitError("new-state: nothing was written, because:\n" + "\n".join(f"  - {p}" for p in problems))
    return NewState(code=code, name=name, slug=slug, folder=target)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _fill(text: str, tokens: dict[str, str]) -> str:
    for token, value in tokens.items():
        text = text.replace(token, value)
    return text


def write_new_state(code: str, name: str, folder: str | Path | None = None, *,
                    today: _dt.date | None = None, installed: list[tuple[str, str]] | None = None) -> NewState:
    """Write a new state plugin distribution from the template; return what was written.

    Refuses (IepkitError, nothing written) a code that is not a US state or
    territory, a code or name already installed, a name that cannot make a
    Python package name, and a target folder that exists and is not empty.
    """
    from . import __version__

    new = check_new_state(code, name, folder, installed=installed)
    version = __version__ if re.fullmatch(r"\d+(\.\d+)*", __version__) else "0.1.0"
    tokens = new.tokens(today or _dt.date.today(), version)
    source = template_dir()
    target = new.folder.absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise IepkitError(f"{new.folder}: cannot write here ({exc.strerror}). Nothing was written.") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        for path in sorted(source.rglob("*")):
            rel = path.relative_to(source)
            if any(part in _SKIP for part in rel.parts) or path.suffix == ".pyc":
                continue
            dest = work / _fill(str(rel), tokens)
            if path.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(_fill(path.read_text(encoding="utf-8"), tokens), encoding="utf-8")
        for path in [work, *work.rglob("*")]:
            path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)
        if target.is_dir():
            target.rmdir()  # empty (checked above): replaced by the finished folder
        os.rename(work, target)
    except BaseException as exc:
        shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, OSError):
            raise IepkitError(f"{new.folder}: cannot write the new plugin ({exc.strerror}). "
                              "Nothing was written.") from None
        raise
    return new


def next_steps(new: NewState) -> list[str]:
    """What to do after ``new-state``, as lines to print."""
    return [
        f"Wrote the {new.name} plugin ({new.distribution}, imported as {new.package}) to {new.folder}.",
        "Next steps:",
        f"  1. Install it:          python3 -m pip install -e {shlex.quote(str(new.folder) + '[test]')}",
        f"  2. See it load:         iepkit states   (and: iepkit letters --state {new.code})",
        f"  3. Run its tests:       cd {shlex.quote(str(new.folder))} && python3 -m pytest",
        f"  4. Fill in the facts, file by file, as {new.folder / 'README.md'} explains:",
        "     replace every TODO with your state's rule and its citation.",
    ]


__all__ = ["NewState", "check_new_state", "write_new_state", "next_steps", "template_dir", "slug_for",
           "default_folder", "US_STATE_CODES"]
