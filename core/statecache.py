"""The user's cache of each state's checked content, so a command does not parse YAML again.

One file per part of a state's folder (its state, processes, letters, ...),
holding the model objects iepkit built from the files, checked. Each file
starts with a key made from the content hashes of the files that part is read
from (and, for what a state changes in the federal layer, the federal layer's
files), iepkit's version and its code: edit a YAML file, or upgrade iepkit,
and the part is read from the files again. The cache holds only what plugins
ship (no case data); deleting it is always safe.

Where: the user's cache folder (``platformdirs``), or ``IEPKIT_CACHE_DIR``;
``IEPKIT_NO_CACHE=1`` turns it off. Its folder is owner-only (0700) and its
files 0600, written atomically. A file that cannot be read is ignored with a
warning naming it, and written again.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

#: A folder to keep the cache in, instead of the user's cache folder.
DIR_ENV = "IEPKIT_CACHE_DIR"
#: Set to 1 to read every state's files each time and write no cache.
OFF_ENV = "IEPKIT_NO_CACHE"
#: The cache files' folder inside the cache folder: the only one iepkit creates and locks down.
SUBFOLDER = "states"
#: First bytes of every cache file; a new layout gets a new number.
MAGIC = b"iepkit-state-cache 1\n"

_HERE = Path(__file__).resolve().parent
_FEDERAL_FOLDER = _HERE / "federal"

#: The files each part is read from, besides state.yaml (a state's code is in it).
_FILES: dict[str, tuple[str, ...]] = {
    "state": ("state.yaml", "calendar.yaml"),
    "processes": ("processes.yaml",),
    "letters": ("letters.yaml", "letters/"),
    "deadline_rules": ("deadlines.yaml",),
    "guides": ("guides.yaml",),
    "recommend_criteria": ("recommend.yaml",),
}
#: Parts checked merged with the federal layer's same part: its files are part of the key.
_LAYERED = ("processes", "letters", "deadline_rules")

_code_key: str | None = None
_refused: set[Path] = set()
_checked: dict[Path, bool] = {}


def cache_folder() -> Path | None:
    """Where cache files go, or None when the cache is turned off."""
    if os.environ.get(OFF_ENV, "").strip() not in ("", "0"):
        return None
    root = os.environ.get(DIR_ENV, "").strip()
    if not root:
        import platformdirs
        root = platformdirs.user_cache_dir("iepkit", appauthor=False)
    return Path(root) / SUBFOLDER


def cached_part(folder: Any, part: str, build: Callable[[], Any]) -> Any:
    """``folder``'s ``part`` (a StateFolder's ``state``, ``letters``, ...): from the cache when
    its key matches, else built by ``build`` and written to the cache. Errors from ``build``
    (a bad YAML file) pass through and nothing is cached."""
    where = cache_folder()
    if where is None:
        return build()
    key = _key(folder, part)
    path = cache_file(where, folder, part)
    found = _read(path, key)
    if found is not _MISSING:
        return found
    value = build()
    _write(where, path, key, value)
    return value


_MISSING = object()


def cache_file(where: Path, folder: Any, part: str) -> Path:
    """The file that holds ``folder``'s ``part``: one per folder and part, overwritten when
    stale, so the cache does not grow as files change."""
    name = hashlib.sha256(f"{folder.folder.resolve()}|{folder._code}".encode()).hexdigest()[:24]
    return where / f"{name}-{part}.pickle"


def _warn(text: str) -> None:
    sys.stderr.write(f"warning: {text}\n")


def _read(path: Path, key: bytes) -> Any:
    if not _trusted(path.parent):
        return _MISSING
    try:
        raw = path.read_bytes()
    except OSError:  # not there yet, or unreadable: read the files instead
        return _MISSING
    head, sep, rest = raw.partition(b"\n")
    if not sep or head + b"\n" != MAGIC or not rest.startswith(key + b"\n"):
        if sep and head + b"\n" == MAGIC:
            return _MISSING  # stale: a file changed, or iepkit did
        _warn(f"the cache file {path} is damaged, so it was ignored and will be written again "
              "(deleting it is safe)")
        return _MISSING
    try:
        return pickle.loads(rest[len(key) + 1:])  # noqa: S301 - our own file, in an owner-only folder
    except Exception:  # noqa: BLE001 - a damaged cache must never stop a command
        _warn(f"the cache file {path} is damaged, so it was ignored and will be written again "
              "(deleting it is safe)")
        return _MISSING


def _trusted(where: Path) -> bool:
    """Only a folder of this user's that no one else can write to is read: a cache file is
    unpickled, and a file someone else wrote could run their code."""
    if where not in _checked:
        try:
            info = where.stat()
        except OSError:
            return False  # not there yet: nothing to read, and not remembered, so it is looked at again
        _checked[where] = (not hasattr(os, "getuid") or info.st_uid == os.getuid()) and not info.st_mode & 0o022
    return _checked[where]


def _write(where: Path, path: Path, key: bytes, value: Any) -> None:
    if not _private_folder(where):
        return
    from .errors import IepkitError
    from .fileio import write_atomic
    try:
        data = MAGIC + key + b"\n" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(path, data)
    except (IepkitError, OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a cache that cannot be written (a read-only home, say) only costs time


def _private_folder(where: Path) -> bool:
    """Create the cache's folder owner-only; refuse (once, with a warning) one another user can write to."""
    try:
        where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        where.mkdir(exist_ok=True, mode=0o700)
        info = where.stat()
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise PermissionError("it belongs to another user")
        if info.st_mode & 0o077:
            os.chmod(where, 0o700)
            _checked.pop(where, None)
    except OSError as exc:
        if where not in _refused:
            _refused.add(where)
            _warn(f"the cache folder {where} cannot be used ({exc.strerror or exc}); "
                  "states are read from their files instead")
        return False
    return True


def _key(folder: Any, part: str) -> bytes:
    digest = hashlib.sha256(_code_fingerprint().encode())
    code = folder._code
    digest.update(f"|{folder.folder.resolve()}|{code}|{part}|".encode())
    names = _FILES[part] if code else ("state.yaml", *_FILES[part])
    _hash_files(digest, folder.folder, names)
    if part in _LAYERED and folder.folder.resolve() != _FEDERAL_FOLDER:
        _hash_files(digest, _FEDERAL_FOLDER, _FILES[part])
    return digest.hexdigest().encode()


def _hash_files(digest: Any, base: Path, names: tuple[str, ...]) -> None:
    for name in names:
        if name.endswith("/"):  # a folder: every file in it, by name and content
            try:
                inside = sorted(p.name for p in (base / name).iterdir() if p.is_file())
            except OSError:
                inside = []
            _hash_files(digest, base, tuple(f"{name}{n}" for n in inside))
            continue
        try:
            content = hashlib.sha256((base / name).read_bytes()).hexdigest()
        except OSError:
            content = "absent"
        digest.update(f"{name}={content};".encode())


def _code_fingerprint() -> str:
    """iepkit's version and the size and time of each of its modules: what reads the files."""
    global _code_key
    if _code_key is None:
        from . import __version__
        parts = [__version__, sys.version.split()[0]]
        for entry in sorted(os.scandir(_HERE), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        _code_key = "|".join(parts)
    return _code_key
