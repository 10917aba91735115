"""Benchmark: the communication log under load.

Run it with `python benchmarks/commlog.py [WRITERS] [ENTRIES]` (default 2
writers of 500 entries each, the figures issue #10 asks for). Each writer is a
separate process adding to the same log at once; the script prints how long
they took, entries per second, and checks that every entry is there exactly
once. It is a script, not a timed test: each entry is one transaction synced
to disk (synchronous=FULL), so the figure depends mostly on the disk.
"""
from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

from iepkit import commlog
from iepkit.logexport import render_log


def writer(path: str, name: str, count: int, start) -> None:  # noqa: ANN001 - a multiprocessing Event
    with commlog.open_log(path) as book:
        start.wait()
        for i in range(count):
            book.add({"date": "2026-10-06", "kind": "note", "with": name, "summary": f"{name} {i}"})


def main(writers: int = 2, entries: int = 500) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.log.sqlite")
        commlog.open_log(path).close()
        start = multiprocessing.Event()
        procs = [multiprocessing.Process(target=writer, args=(path, f"w{n}", entries, start))
                 for n in range(writers)]
        for p in procs:
            p.start()
        time.sleep(0.5)  # every writer has opened the log
        began = time.perf_counter()
        start.set()
        for p in procs:
            p.join()
        took = time.perf_counter() - began
        with commlog.read_log(path) as book:
            found = book.entries()
            ok = book.integrity()
        total = writers * entries
        unique = len({e.summary for e in found})
        print(f"{writers} writers x {entries} entries: {took:.2f} s, {total / took:.0f} entries/s")
        print(f"stored {len(found)} entries, {unique} distinct (expected {total}); integrity_check: {ok}")
        for fmt in ("csv", "html", "pdf"):
            began = time.perf_counter()
            render_log(found, fmt)
            print(f"export {fmt} of {len(found)} entries: {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":
    main(*(int(x) for x in sys.argv[1:3]))
