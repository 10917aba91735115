"""Peak memory while printing many letters: in one process, and through api.RenderPool.

Run: python benchmarks/render_memory.py [--renders 1000] [--workers 2] [--per-worker 200]
Linux only (reads /proc). Each letter is for a different (made-up) family. Each way runs in a process of its own, so one cannot
inflate the other's figures. Prints, every tenth of the run, the resident memory
(RSS) of the process that asks for the letters and of the pool's workers, then
each way's peaks. It asserts nothing (figures go here, not in tests).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "mississippi-case.yaml"


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in KiB; empty once it has gone."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (a forkserver's workers are its grandchildren)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        kids = [c for c, p in parents.items() if p == pid]
        found += kids
        todo += kids
    return found


class Sampler:
    """Samples, every 50 ms, this process's RSS and its descendants' (their sum and the largest)."""

    def __init__(self) -> None:
        self.parent_peak = self.workers_sum_peak = self.worker_peak = 0
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.05)

    def sample(self) -> tuple[int, int]:
        me = _status(os.getpid())
        self.parent_peak = max(self.parent_peak, me.get("VmHWM", 0))
        total = 0
        for pid in _descendants(os.getpid()):
            st = _status(pid)
            if "VmHWM" in st:
                self.pids.add(pid)
                total += st["VmRSS"]
                self.worker_peak = max(self.worker_peak, st["VmHWM"])
        self.workers_sum_peak = max(self.workers_sum_peak, total)
        return me.get("VmRSS", 0), total

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _mib(kib: int) -> str:
    return f"{kib / 1024:7.1f} MiB"


def run_one(mode: str, renders: int, workers: int, per_worker: int) -> None:
    import yaml

    from iepkit import api
    with CASE.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    started = time.monotonic()
    with Sampler() as sampler:
        pool = api.RenderPool(workers=workers, renders_per_worker=per_worker) if mode == "pool" else None
        try:
            step = max(1, renders // 10)
            for n in range(1, renders + 1):
                # A different family each time, as a service sees: text the PDF engine has not laid out yet.
                data["student"]["name"] = f"Student{n} Family{n * 7919 % 1000}"
                data["dispute"]["summary"] = f"Case {n}: " + " ".join(f"word{n * i}" for i in range(40))
                case = api.parse_case(data, "benchmark case")
                if pool is None:
                    pdf = api.render_letter("mediation-request", case=case, fmt="pdf")
                else:
                    pdf = pool.render_letter("mediation-request", case=case)
                assert pdf.startswith(b"%PDF-")
                if n % step == 0:
                    me, kids = sampler.sample()
                    print(f"  {mode:10} {n:5} letters: this process {_mib(me)}, workers {_mib(kids)}", flush=True)
        finally:
            if pool is not None:
                pool.close()
    print("RESULT " + json.dumps({"mode": mode, "renders": renders, "seconds": round(time.monotonic() - started, 1),
                                  "parent_peak_kib": sampler.parent_peak, "worker_peak_kib": sampler.worker_peak,
                                  "workers_sum_peak_kib": sampler.workers_sum_peak,
                                  "worker_processes": len(sampler.pids)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-worker", type=int, default=200, help="PDFs a worker prints before it is replaced")
    parser.add_argument("--only", choices=("in-process", "pool"))
    parser.add_argument("--mode", choices=("in-process", "pool"), help=argparse.SUPPRESS)  # the child run
    args = parser.parse_args()
    if args.mode:
        run_one(args.mode, args.renders, args.workers, args.per_worker)
        return
    results = []
    for mode in ([args.only] if args.only else ["in-process", "pool"]):
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--renders", str(args.renders),
                              "--workers", str(args.workers), "--per-worker", str(args.per_worker)],
                             stdout=subprocess.PIPE, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("RESULT "):
                results.append(json.loads(line[7:]))
            else:
                print(line)
    print(f"\n{args.renders} letters (mediation-request, PDF); pool: {args.workers} workers, "
          f"each replaced after {args.per_worker} PDFs")
    for r in results:
        print(f"  {r['mode']:10}  {r['seconds']:6.1f} s   peak of this process {_mib(r['parent_peak_kib'])}"
              + (f"\n{'':20}largest worker peak {_mib(r['worker_peak_kib'])}   the pool's processes at once "
                 f"(workers, forkserver) {_mib(r['workers_sum_peak_kib'])}"
                 if r["mode"] == "pool" else ""))


if __name__ == "__main__":
    main()
