"""Benchmark: stream synthetic Mississippi cases through the deadline engine in flat memory.

Run it with `python benchmarks/deadlines_stream.py [--cases N] [--million] [--trail] [--out PATH]`.
Cases are made one at a time, each report is written as soon as it is
computed (to PATH, by default the null device) and then dropped, as a batch
over a caseload would do. At 10,000 and 100,000 cases (and 1,000,000 with
--million) it prints the time so far and the process's peak memory (RSS):
flat memory means the peak does not grow with the number of cases, because
the engine keeps nothing from one case to the next but its bounded caches
(checked rule sets, holiday years).

Each case lists every event type that starts a Mississippi rule, on random
dates from 2024 to 2030, like benchmarks/deadlines.py. Only the first cases
go through the case checks (parse_case); the rest are built the same way
directly, so the figure measures the engine rather than the schema. Rows are
CSV (case, rule, due date, status, days left); --trail writes each report as
a JSON line with every field, the trail included, which is slower.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import time
from typing import Iterator

from iepkit import api
from iepkit.case import Case, parse_case

TODAY = dt.date(2026, 12, 1)
VALIDATED_ON = dt.date(2030, 12, 31)  # see benchmarks/deadlines.py
CHECKED = 100  # cases that also go through parse_case, which must give the same data


def synthetic_cases(n: int, seed: int = 2026) -> Iterator[Case]:
    """n cases, made one at a time (never a list of them all)."""
    rng = random.Random(seed)
    triggers = sorted({r.trigger for r in api.deadline_rules("MS") if r.trigger})
    start, span = dt.date(2024, 1, 1), (dt.date(2030, 12, 31) - dt.date(2024, 1, 1)).days
    for i in range(n):
        data = {"state": "MS", "events": [{"type": t, "date": start + dt.timedelta(days=rng.randrange(span))}
                                          for t in triggers]}
        case = Case(data, f"synthetic-{i}")
        if i < CHECKED:
            checked = parse_case(data, case.source, today=VALIDATED_ON)
            if checked.data != case.data:
                raise SystemExit(f"{case.source}: parse_case gives different data; fix the generator")
        yield case


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux gives KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="stream 1,000,000 cases (takes minutes)")
    parser.add_argument("--trail", action="store_true", help="write every field and the trail, as JSON lines")
    parser.add_argument("--out", default=os.devnull, help="where rows go (default: the null device)")
    args = parser.parse_args()
    total = 1_000_000 if args.million else args.cases
    checkpoints = {n for n in (10_000, 100_000, 1_000_000) if n <= total} | {total}
    api.set_registry(api.load_registry(only=["mississippi"]))
    print(f"streaming {total:,} synthetic Mississippi cases; peak memory before the first: {peak_rss_mb():.1f} MB")
    began, deadlines = time.perf_counter(), 0
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        for done, case in enumerate(synthetic_cases(total), 1):
            report = api.deadlines(case, today=TODAY)
            deadlines += len(report.deadlines)
            if args.trail:
                out.write(json.dumps({"case": case.source, "deadlines": [d.as_dict() for d in report.deadlines]})
                          + "\n")
            else:
                rows.writerows((case.source, d.rule, d.due.isoformat() if d.due else "", d.status, d.days_left)
                               for d in report.deadlines)
            if done in checkpoints:
                took = time.perf_counter() - began
                print(f"{done:>9,} cases, {deadlines:>10,} deadlines: {took:7.1f} s, {done / took:7,.0f} cases/s; "
                      f"peak memory {peak_rss_mb():.1f} MB")


if __name__ == "__main__":
    main()
