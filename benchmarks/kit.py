"""How long the Starter Kit takes to render, and how many pages it has.

Run: python benchmarks/kit.py [--runs N]
Prints the figures; it asserts nothing (speed is measured here, not in tests).
The brief's target: the blank kit in under 3 seconds on a 2-core machine.
"""
from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from iepkit import api

    case = api.load_case(ROOT / "examples" / "mississippi-case.yaml")
    answers = {"school_willing_to_talk": True, "relationship": "working", "bad_faith_evidence": False,
               "want_formal_finding": False}
    today = datetime.date(2026, 12, 1)
    api.kit_html(state="MS")  # load plugins and templates once, as a long-running partner would

    print(f"Starter Kit render times ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"{args.runs} runs each, after one warm-up)")
    for label, kwargs in (("blank", {"state": "MS"}),
                          ("filled", {"case": case, "answers": answers, "today": today})):
        html_times, pdf_times, pages = [], [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            html = api.kit_html(**kwargs)
            t1 = time.perf_counter()
            from iepkit.render.pdf import html_to_pdf
            pdf = html_to_pdf(html)
            t2 = time.perf_counter()
            html_times.append(t1 - t0)
            pdf_times.append(t2 - t1)
            pages = _pages(pdf)
        total = [h + p for h, p in zip(html_times, pdf_times)]
        print(f"  {label:6} kit: {statistics.median(total):.2f} s median "
              f"(HTML {statistics.median(html_times):.2f} s + PDF {statistics.median(pdf_times):.2f} s), "
              f"{pages} pages, {len(pdf) / 1024:.0f} KiB")

    t0 = time.perf_counter()
    import subprocess
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "iepkit-bench-kit.pdf"
    subprocess.run([sys.executable, "-m", "iepkit.cli", "kit", "--state", "MS", "-o", str(out)], check=True,
                   capture_output=True)
    print(f"  `iepkit kit --state MS -o kit.pdf` end to end (new process): {time.perf_counter() - t0:.2f} s")
    out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
