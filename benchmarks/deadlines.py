"""Benchmark: every Mississippi deadline for 10,000 synthetic cases.

Run it with `python benchmarks/deadlines.py [CASES]`. Each synthetic case
lists every event type that starts a Mississippi rule, on random dates from
2024 to 2030, so every rule (the chained hearing decision and the business-day
counts included) is computed for every case. It is a script, not a timed test:
timing depends on the machine. Holiday tables are built once per year and
cached, so the figure does not grow with the span of years.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
import time

from iepkit import api
from iepkit.calendars import _library_holidays
from iepkit.case import parse_case


VALIDATED_ON = dt.date(2030, 12, 31)


def synthetic_cases(n: int, seed: int = 2026) -> list:
    rng = random.Random(seed)
    triggers = sorted({r.trigger for r in api.deadline_rules("MS") if r.trigger})
    start, span = dt.date(2024, 1, 1), (dt.date(2030, 12, 31) - dt.date(2024, 1, 1)).days
    cases = []
    for i in range(n):
        events = [{"type": t, "date": start + dt.timedelta(days=rng.randrange(span))} for t in triggers]
        # Validated as of the span's end: a case refuses dates more than 2 years
        # ahead of its today, and these reach 2030 whatever the clock says.
        cases.append(parse_case({"state": "MS", "events": events}, f"synthetic-{i}", today=VALIDATED_ON))
    return cases


def main(n: int = 10_000) -> None:
    api.set_registry(api.load_registry(only=["mississippi"]))
    rules = len(api.deadline_rules("MS"))
    cases = synthetic_cases(n)
    today = dt.date(2026, 12, 1)
    began = time.perf_counter()
    computed = 0
    for case in cases:
        computed += len(api.deadlines(case, today=today).deadlines)
    took = time.perf_counter() - began
    info = _library_holidays.cache_info()
    print(f"{n} synthetic Mississippi cases, {rules} rules each: {computed} deadlines computed")
    print(f"total {took:.2f} s; {n / took:,.0f} cases/s; {computed / took:,.0f} deadlines/s")
    print(f"holiday tables built: {info.misses} (one per state and year reached, then reused)")
    if computed != n * rules:
        sys.exit(f"expected {n * rules} deadlines, got {computed}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
