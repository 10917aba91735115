"""Benchmark: start-up time of `iepkit --help` and `iepkit states`, with 1 and with 50 states.

Run it with `python benchmarks/startup.py [--runs N]` from the environment
iepkit is installed in. It writes 49 fake state plugins from the state template
(core/newstate.py, one for each of 49 postal codes) into a temporary folder,
makes them importable with a folder of packages and .dist-info entry points on
PYTHONPATH (nothing is installed; the folder is deleted at the end), and times
each command as a new process, the median of N runs taken in turns with
`python -c "import click"` (so both meet the same load from other programs):

- 1 state: IEPKIT_LOAD_PLUGINS=mississippi (plus the federal layer, always loaded);
- 50 states: Mississippi and the 49 fake ones;
- cold: an empty cache of states' content (IEPKIT_CACHE_DIR, a temporary
  folder) before every run; warm: the cache the first run wrote.

It prints each time and its ratio to the click import. The issue's target:
`iepkit --help` within 1.5x of the click import with 1 state, within 2x with
50. It is a script, not a timed test: times depend on the machine and on what
else runs on it, so run it on a quiet machine and read the ratios, not the
milliseconds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from iepkit.newstate import write_new_state
from iepkit.statecodes import US_STATE_CODES

FAKE_STATES = 49
TAKEN = {"MS", "TX"}  # the states iepkit ships


def make_fake_states(base: Path, count: int) -> tuple[Path, list[str]]:
    """``count`` state plugins from the template, importable from ``base/site``; their plugin names."""
    site, src = base / "site", base / "src"
    site.mkdir()
    names = []
    codes = [c for c in sorted(US_STATE_CODES) if c not in TAKEN][:count]
    for code in codes:
        new = write_new_state(code, f"Fake {US_STATE_CODES[code]}", src / code, installed=[])
        shutil.copytree(new.folder / new.package, site / new.package)
        dist = site / f"{new.package}-0.1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {new.distribution}\nVersion: 0.1.0\n",
                                       encoding="utf-8")
        (dist / "entry_points.txt").write_text(f"[iepkit]\n{new.slug} = {new.package}\n", encoding="utf-8")
        names.append(new.slug)
    return site, names


def iepkit_command() -> list[str]:
    script = Path(sys.executable).with_name("iepkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "iepkit.cli"]


def _run(cmd: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return took * 1000


def medians(cmd: list[str], click: list[str], env: dict[str, str], runs: int,
            before: Callable[[], None] | None = None) -> tuple[float, float]:
    """The medians of ``cmd`` and of the click import, run in turns so both meet the same load."""
    mine, bare = [], []
    for _ in range(runs):
        bare.append(_run(click, env))
        if before:
            before()
        mine.append(_run(cmd, env))
    return statistics.median(mine), statistics.median(bare)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per figure (the median is shown)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="iepkit-startup-"))
    try:
        site, fake = make_fake_states(base, FAKE_STATES)
        cache = base / "cache"
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "IEPKIT_NO_CACHE", "IEPKIT_LOAD_PLUGINS")}
        # Compiled modules are written on the first run, as they are after any install.
        env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")])),
                   IEPKIT_CACHE_DIR=str(cache))
        iepkit = iepkit_command()
        click = [sys.executable, "-c", "import click"]
        setups = {"1 state": "mississippi", "50 states": ",".join(["mississippi", *fake])}

        def clear() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        for cmd in (click, [*iepkit, "--help"], [*iepkit, "states"]):
            subprocess.run(cmd, env={**env, "IEPKIT_LOAD_PLUGINS": setups["50 states"]},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"Each figure: the median of {args.runs} runs, taken in turns with `python -c 'import click'`; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"{'states':10} {'command':15} {'cache':6} {'median':>8} {'click':>8} {'ratio':>6}")
        for setup, plugins in setups.items():
            run_env = {**env, "IEPKIT_LOAD_PLUGINS": plugins}
            check = subprocess.run([*iepkit, "states", "--json"], env=run_env, capture_output=True, text=True)
            shown = check.stdout.count('"code"')
            if shown != (1 if setup == "1 state" else 1 + FAKE_STATES):
                raise SystemExit(f"{setup}: `iepkit states` lists {shown} states: {check.stderr[-500:]}")
            for name in ("--help", "states"):
                for temp in ("cold", "warm"):
                    ms, bare = medians([*iepkit, name], click, run_env, args.runs,
                                       before=clear if temp == "cold" else None)
                    print(f"{setup:10} iepkit {name:8} {temp:6} {ms:5.0f} ms {bare:5.0f} ms {ms / bare:5.2f}x")
        print(f"load average at the end: {os.getloadavg()[0]:.2f} (a busy machine blurs the figures)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
