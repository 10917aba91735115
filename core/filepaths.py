"""The file paths people type: what they point at, and which format a file name asks for.

One table maps file name endings to the formats iepkit writes, so every
command agrees on what ``-o letter.rtf`` means: an error that lists what iepkit
can write, given before any work is done and before anything is written. A
name with no ending is written in the format asked for (or PDF), with a note.

Paths typed the Windows way (``out\\letter.pdf``) are pointed out: on Linux and
macOS a backslash is an ordinary character, so such a path would quietly make
one file with backslashes in its name, or say only "file not found".
"""
from __future__ import annotations

import os
from pathlib import Path, PureWindowsPath
from typing import Sequence


def _quote(text: str) -> str:
    import shlex  # imported when a message needs it, not by every command
    return shlex.quote(text)


#: File name endings (lowercase, no dot) and the format each one means.
EXTENSIONS: dict[str, str] = {
    "pdf": "pdf", "html": "html", "htm": "html", "md": "md", "markdown": "md", "txt": "txt",
    "text": "txt", "docx": "docx", "csv": "csv",
    "ics": "ics", "yaml": "yaml", "yml": "yaml",
}

#: The ending a new file of each format gets in examples.
ENDING: dict[str, str] = {"pdf": ".pdf", "html": ".html", "md": ".md", "txt": ".txt", "docx": ".docx",
                          "csv": ".csv", "ics": ".ics", "yaml": ".yaml"}

#: The formats the Starter Kit can be written in (letters: ``iepkit.render.FORMATS``).
KIT_FORMATS: tuple[str, ...] = ("pdf", "html", "docx")  # docx: the kit's letters only


def _words(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def extension(path: str | Path) -> str:
    """The file name's ending, lowercase and without the dot ('' when it has none)."""
    name = Path(path).name
    return Path(name).suffix.lower().lstrip(".")


def windows_path_hint(path: str | Path) -> str | None:
    """A sentence pointing out backslashes used as folder separators, or None.

    On Windows itself a backslash is the separator, so nothing is said there.
    """
    text = str(path)
    if os.sep == "\\" or "\\" not in text:
        return None
    win = PureWindowsPath(text)
    # With a drive letter (C:\...) the whole path cannot exist here: show only its last parts.
    example = "/".join(win.parts[-2:]) if win.drive else text.replace("\\", "/")
    return ("this looks like a Windows path: on this computer folders are separated by /, "
            f"like {_quote(example)}")


def input_problems(path: str | Path | None) -> list[str]:
    """What is wrong with a file to read, when it is missing because of the way it was typed."""
    if path is None or Path(path).exists():
        return []  # other problems (not found, not YAML) are reported by the reader, with the file
    hint = windows_path_hint(path)
    return [f"{path}: file not found. {hint[0].upper()}{hint[1:]}"] if hint else []


def output_problems(path: str | Path | None) -> list[str]:
    """What is wrong with a file to write, whatever its format: backslashes, a missing folder."""
    if path is None:
        return []
    hint = windows_path_hint(path)
    if hint:
        return [f"{path}: {hint}"]
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        return [f"{path}: the folder {folder} does not exist"]
    return []


def choose_format(path: str | Path | None, fmt: str | None, formats: Sequence[str], *, what: str,
                  default: str = "pdf", option: str = "-o",
                  format_option: str = "--format") -> tuple[str, list[str], str | None]:
    """The format to write ``what`` in, from ``--format`` and the file name, which must agree.

    Returns (format, problems, note). ``problems`` are errors: a file name
    ending iepkit cannot write as ``what``, or a ``--format`` the ending
    contradicts. ``note`` is set when the name has no ending, saying which
    format was chosen. ``option`` and ``format_option`` name the options in
    messages (the library passes "" and "fmt").
    """
    lead = f"{option} " if option else ""
    if path is None:
        return fmt or default, [], None
    ext = extension(path)
    if not ext:
        chosen = fmt or default
        why = f"as {format_option} asked" if fmt else "the default"
        return chosen, [], (f"{path} has no ending, so it is written as {chosen} ({why}). Name it "
                            f"{Path(path).name.rstrip('.')}{ENDING[chosen]} so your computer knows how to open it.")

    def renamed(to: str) -> str:
        return str(Path(path).with_suffix(ENDING[to]))

    found = EXTENSIONS.get(ext)
    if found not in formats:
        return fmt or default, [
            f"{path}: iepkit cannot write {what} as a .{ext} file. It can write {_words(formats)}; "
            f"for example: {lead}{renamed(fmt or default)}"], None
    if fmt is not None and fmt != found:
        return fmt, [f"{format_option} {fmt} does not match {path}, which ends in .{ext}. "
                     f"Use {lead}{renamed(fmt)}, or leave out {format_option}"], None
    return found, [], None


def require_ending(path: str | Path | None, fmt: str, *, what: str) -> list[str]:
    """Problems with a file that has one possible format (a calendar, an answers file)."""
    if path is None:
        return []
    if EXTENSIONS.get(extension(path)) == fmt:
        return []
    endings = [f".{e}" for e, f in EXTENSIONS.items() if f == fmt]
    base = str(path).rstrip(".")
    better = Path(base).with_suffix(ENDING[fmt]) if Path(base).suffix else f"{base}{ENDING[fmt]}"
    return [f"{path}: {what} must end in {_words(endings)}, like {better}"]
