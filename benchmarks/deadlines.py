"""Benchmark: every Mississippi deadline for 10,000 synthetic cases, before and after issue #11.

Run it with `python benchmarks/deadlines.py [CASES] [--no-reference] [--profile]`.
Each synthetic case lists every event type that starts a Mississippi rule, on
random dates from 2024 to 2030, so every rule (the chained hearing decision
and the business-day counts included) is computed for every case.

It times today's engine (`api.deadlines`, as a partner calls it) and, on the
same cases, the engine as it was before issue #11, kept frozen in
tests/reference_engine.py, and prints both and their ratio. The two runs
alternate in slices, so a machine shared with other work slows both alike;
CPU time is printed beside the wall clock for the same reason. It then checks
that both engines give equal reports (every field, trails included) for the
first cases. It is a script, not a timed test: timing depends on the machine.
For memory with a million cases, see deadlines_stream.py.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import sys
import time
from pathlib import Path

from iepkit import api
from iepkit.calendars import holiday_calendar
from iepkit.case import parse_case

TESTS = Path(__file__).resolve().parent.parent / "tests"
TODAY = dt.date(2026, 12, 1)
# A case refuses dates more than 2 years ahead of the day it is checked on;
# the synthetic dates reach 2030 whatever the clock says, so they are checked as of then.
VALIDATED_ON = dt.date(2030, 12, 31)
SLICES = 10
CHECKED = 200  # cases whose reports are compared field by field after timing


def synthetic_cases(n: int, seed: int = 2026) -> list:
    rng = random.Random(seed)
    triggers = sorted({r.trigger for r in api.deadline_rules("MS") if r.trigger})
    start, span = dt.date(2024, 1, 1), (dt.date(2030, 12, 31) - dt.date(2024, 1, 1)).days
    cases = []
    for i in range(n):
        events = [{"type": t, "date": start + dt.timedelta(days=rng.randrange(span))} for t in triggers]
        cases.append(parse_case({"state": "MS", "events": events}, f"synthetic-{i}", today=VALIDATED_ON))
    return cases


def reference_engine():
    """The pre-#11 engine and what it needs, called as api.deadlines called it then."""
    sys.path.insert(0, str(TESTS))
    import reference_engine as ref

    state = api.find_state("MS")
    holidays = holiday_calendar(state.calendar)

    def deadlines(case):
        rules = dict(api.registry().deadline_rules[state.code])
        return ref.compute_deadlines(rules, case.events(), today=TODAY, holidays=holidays, source=case.source)
    return deadlines


def now_engine(case):
    return api.deadlines(case, today=TODAY)


def timed(engines: dict, cases: list) -> dict[str, list[float]]:
    """Wall and CPU seconds per engine, each running every case, in alternating slices."""
    took = {name: [0.0, 0.0, 0] for name in engines}
    size = -(-len(cases) // SLICES)
    for first in range(0, len(cases), size):
        part = cases[first:first + size]
        for name, engine in engines.items():
            wall, cpu = time.perf_counter(), time.process_time()
            computed = 0
            for case in part:
                computed += len(engine(case).deadlines)
            took[name][0] += time.perf_counter() - wall
            took[name][1] += time.process_time() - cpu
            took[name][2] += computed
    return took


def same(old, new) -> bool:
    """Equal reports: every field of every deadline (trail included), the waiting rules, the uncounted events."""
    if [d.rule for d in old.deadlines] != [d.rule for d in new.deadlines]:
        return False
    fields = old.deadlines[0].__dataclass_fields__ if old.deadlines else {}
    return (all(getattr(a, f) == getattr(b, f) for a, b in zip(old.deadlines, new.deadlines) for f in fields)
            and list(old.waiting.items()) == list(new.waiting.items()) and old.uncounted == new.uncounted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", type=int, default=10_000)
    parser.add_argument("--no-reference", action="store_true", help="time today's engine only")
    parser.add_argument("--profile", action="store_true", help="print today's engine's top 15 functions")
    args = parser.parse_args()
    api.set_registry(api.load_registry(only=["mississippi"]))
    rules = len(api.deadline_rules("MS"))
    cases = synthetic_cases(args.cases)
    engines = {"today": now_engine}
    if not args.no_reference:
        engines = {"before #11": reference_engine(), **engines}
    for engine in engines.values():  # build the holiday years and check the rules once, untimed
        engine(cases[0])
    took = timed(engines, cases)
    print(f"{args.cases} synthetic Mississippi cases, {rules} rules each:")
    for name, (wall, cpu, computed) in took.items():
        print(f"  {name:>10}: {wall:6.2f} s ({cpu:6.2f} s CPU); {args.cases / wall:8,.0f} cases/s; "
              f"{computed / wall:9,.0f} deadlines/s")
        if computed != args.cases * rules:
            sys.exit(f"expected {args.cases * rules} deadlines, got {computed}")
    if "before #11" in took:
        print(f"  today's engine takes {took['today'][0] / took['before #11'][0]:.0%} of the time it took "
              f"before #11 ({took['before #11'][1] / took['today'][1]:.1f} times faster in CPU time)")
        old = engines["before #11"]
        differ = [c.source for c in cases[:CHECKED] if not same(old(c), now_engine(c))]
        if differ:
            sys.exit(f"the engines disagree on {len(differ)} cases, first {differ[0]}")
        print(f"  reports equal, every field and trail, for the first {min(CHECKED, len(cases))} cases")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(lambda: [now_engine(c) for c in cases])
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
