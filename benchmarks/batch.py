"""How much faster `iepkit batch letter` is than one `iepkit letter` process per case.

Run: python benchmarks/batch.py [--cases 50] [--format pdf] [--jobs 2] [--runs 2]
Builds a caseload of N cases from examples/caseload.csv in a temporary folder,
then times, as a user would run them:
  1. N separate `iepkit letter mediation-request --case FILE -o FILE` processes,
     one after another (what a partner with a spreadsheet does today);
  2. `iepkit batch letter mediation-request --jobs J` over the same cases;
  3. the same with --jobs 1.
Each batch run is repeated --runs times and the fastest counts (a shared
machine only ever slows a run down). Prints the figures and the ratios; it asserts nothing (speed is measured here,
not in tests). The target in issue #11: batch --jobs 2 at least 3 times faster
than N separate processes on 2 cores. Run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATE = "2026-11-30"


def _caseload(folder: Path, n: int) -> tuple[Path, Path]:
    """N cases as one CSV and as a folder of YAML case files (the same cases)."""
    import yaml

    from iepkit.caseload import read_caseload

    rows = list(csv.reader((ROOT / "examples" / "caseload.csv").open(encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    cases = []
    for i in range(n):
        row = list(body[i % len(body)])
        row[header.index("id")] = f"C-{i:03d}"
        cases.append(row)
    path = folder / "caseload.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *cases])
    files = folder / "cases"
    files.mkdir()
    for case in read_caseload(path).cases:
        (files / f"{case.key}.yaml").write_text(yaml.safe_dump(case.data, sort_keys=False), encoding="utf-8")
    return path, files


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--format", default="pdf")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2, help="Times each batch run is repeated; the fastest counts.")
    args = parser.parse_args()
    iepkit = [sys.executable, "-m", "iepkit.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, files = _caseload(folder, args.cases)
        print(f"{args.cases} mediation requests as {args.format} ({os.cpu_count()} CPUs, "
              f"Python {sys.version.split()[0]})")
        singles = folder / "singles"
        singles.mkdir()
        t0 = time.perf_counter()
        for file in sorted(files.iterdir()):
            subprocess.run([*iepkit, "letter", "mediation-request", "--case", str(file), "--date", DATE,
                            "-o", str(singles / f"{file.stem}.{args.format}")], check=True, capture_output=True)
        separate = time.perf_counter() - t0
        print(f"  {args.cases} separate `iepkit letter` processes: {separate:6.1f} s "
              f"({separate / args.cases:.2f} s a letter)")
        batch = [*iepkit, "batch", "letter", "mediation-request", "--cases", str(csv_path), "--date", DATE,
                 "--format", args.format]
        times = {}
        for jobs in (args.jobs, 1):
            runs = [_time([*batch, "-o", str(folder / f"jobs{jobs}-{i}"), "--jobs", str(jobs)])
                    for i in range(args.runs)]
            times[jobs] = min(runs)
            print(f"  batch letter --jobs {jobs}:              {times[jobs]:6.1f} s "
                  f"(fastest of {', '.join(f'{r:.1f}' for r in runs)})")
        parallel, serial = times[args.jobs], times[1]
        print(f"  batch --jobs {args.jobs} is {separate / parallel:.1f}x faster than separate processes "
              f"(target: at least 3x), {serial / parallel:.1f}x faster than --jobs 1")


if __name__ == "__main__":
    main()
