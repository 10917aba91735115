"""Writing files so that nothing is ever half-written and only the owner can read them."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import IepkitError

#: Case data is about a child's disability: files iepkit creates are private.
PRIVATE_MODE = 0o600


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600.

    The bytes go to a temporary file in the same folder, are flushed to disk,
    then renamed over the target: a crash leaves the old file or the new one,
    never a mix, and a failure before the rename leaves no file at all.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise IepkitError(f"{path}: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise IepkitError(f"{path}: cannot write here ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), PRIVATE_MODE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise IepkitError(f"{path}: cannot write the file ({exc.strerror})") from None
        raise
    return path
