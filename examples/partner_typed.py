"""A partner's program using iepkit with types: ``mypy --strict examples/partner_typed.py`` passes.

Run it from the repository's folder: ``python examples/partner_typed.py``. It
builds a case in code (a ``CaseData``), prints a letter as PDF bytes and as
text, lists the deadlines, and prints more PDFs through a ``RenderPool`` (the
way a long-running service keeps its memory bounded). It writes into a new
temporary folder only.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from iepkit import api
from iepkit.casetypes import CaseData, Event
from iepkit.errors import InputError

TODAY = dt.date(2026, 10, 1)


def build_case() -> CaseData:
    events: list[Event] = [
        {"date": "2026-09-02", "type": "evaluation-requested", "what": "I asked in writing for an evaluation."},
        {"date": dt.date(2026, 9, 15), "what": "The school said it would not evaluate.", "type": "iep-meeting-held"},
    ]
    return {
        "state": "MS",
        "student": {"name": "Jordan Avery Rivers", "date_of_birth": "2015-03-14", "grade": "5",
                    "school": "Pine Hollow Elementary"},
        "parents": [{"name": "Dana Rivers", "relationship": "mother",
                     "address": {"street": "12 Oak Street", "city": "Jackson", "state": "MS", "zip": "39201"},
                     "phone": "601-555-0123", "email": "dana@example.com"}],
        "district": {"name": "Pine Hollow School District", "special_education_director": "Dr. Pat Lee",
                     "address": {"street": "1 School Road", "city": "Jackson", "state": "MS", "zip": "39202"}},
        "dispute": {"summary": "The school has not evaluated my child.", "issue_types": ["evaluation"],
                    "requested": "A full evaluation.", "proposed_resolution": "Evaluate within the timeline."},
        "events": events,
    }


def main() -> None:
    case = api.parse_case(build_case(), "partner case", today=TODAY)

    pdf: bytes = api.render_letter("mediation-request", case=case, fmt="pdf", today=TODAY)
    text: str = api.render_letter("mediation-request", case=case, fmt="txt", today=TODAY)
    html: str = api.render_kit(state="MS", fmt="html", today=TODAY)
    print(f"PDF: {len(pdf)} bytes; text: {len(text.splitlines())} lines; kit page: {len(html)} characters")

    report = api.deadlines(case, today=TODAY)
    for deadline in report.deadlines:
        due = deadline.due.isoformat() if deadline.due else "not yet known"
        print(f"{deadline.label}: {due} ({'; '.join(deadline.citations)})")

    try:
        api.parse_case({"state": "MS", "events": [{"date": "someday"}]}, "bad case")
    except InputError as exc:
        for problem in exc.problems:
            print(f"problem at {problem.path}: {problem.message}")

    with tempfile.TemporaryDirectory() as folder, api.RenderPool(workers=1, renders_per_worker=50) as pool:
        for n in range(2):
            letter: bytes = pool.render_letter("mediation-request", case=case, today=TODAY)
            (Path(folder) / f"letter-{n}.pdf").write_bytes(letter)
        print(f"{len(list(Path(folder).glob('*.pdf')))} letters printed by the pool")


if __name__ == "__main__":
    main()
