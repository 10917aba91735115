"""RenderPool and WorkerPool: PDFs printed in worker processes that are replaced after N tasks.

The workers are real processes (forkserver or spawn), so WeasyPrint really prints
here: the test suite's shared-page shortcut (conftest) lives in this process only.
"""
from __future__ import annotations

import copy
import io
import os
import threading
import time

import pytest
from pypdf import PdfReader

from iepkit import api
from iepkit.errors import UnknownChoiceError
from iepkit.workerpool import WorkerCrashedError, WorkerPool


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def gone(pid: int, wait: float = 5.0) -> bool:
    """Whether the process has exited (its /proc entry is removed once its parent reaps it)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                if fh.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def pool():
    with api.RenderPool(workers=2, renders_per_worker=3) as p:
        yield p


def test_the_pool_prints_the_letter_of_the_case_it_is_given(pool, example_path):
    case = api.load_case(example_path)
    pdf = pool.render_letter("mediation-request", case=case)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Jordan Avery Rivers" in text
    assert "mediation" in text.lower()


def test_many_threads_share_one_pool_and_each_gets_its_own_child(pool, example_data):
    names = [f"Child Number{n} Testcase" for n in range(6)]
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    cases = {}
    for name in names:
        data = copy.deepcopy(example_data)
        data["student"]["name"] = name
        cases[name] = api.parse_case(data)

    def one(name: str) -> None:
        try:
            results[name] = pdf_text(pool.render_letter("mediation-request", case=cases[name]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(name,)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for name in names:
        assert name in results[name]
        assert not any(other in results[name] for other in names if other != name)


def test_the_letter_s_errors_come_from_the_calling_thread_as_api_raises_them(pool):
    with pytest.raises(UnknownChoiceError):
        pool.render_letter("no-such-letter", state="MS")


def test_a_blank_form_and_plain_html_print_too(pool):
    assert pdf_text(pool.render_letter("mediation-request", state="MS", blanks=True)).strip()
    assert "Hello pool" in pdf_text(pool.html_to_pdf("<html><body><p>Hello pool</p></body></html>"))


def test_workers_are_replaced_after_n_tasks():
    with WorkerPool(1, 2) as wp:
        pids = [wp.call(os.getpid) for _ in range(5)]
    assert pids[0] == pids[1] and pids[2] == pids[3]
    assert len({pids[0], pids[2], pids[4]}) == 3
    assert os.getpid() not in pids


def test_render_pool_workers_are_replaced_after_n_pdfs():
    html = "<p>x</p>"
    with api.RenderPool(workers=1, renders_per_worker=2) as rp:
        first = rp._pool.call(os.getpid)
        rp.html_to_pdf(html)  # the second task of the first worker
        second = rp._pool.call(os.getpid)
        assert second != first
        assert gone(first)


def test_a_worker_that_dies_fails_only_its_call_and_the_pool_keeps_working():
    with api.RenderPool(workers=1, renders_per_worker=50) as rp:
        before = rp._pool.call(os.getpid)
        with pytest.raises(WorkerCrashedError):
            rp._pool.call(os._exit, 3)
        assert gone(before)
        assert "After the crash" in pdf_text(rp.html_to_pdf("<p>After the crash</p>"))
        assert rp._pool.call(os.getpid) != before


def test_close_stops_every_worker_and_refuses_more_work():
    rp = api.RenderPool(workers=2, renders_per_worker=10)
    pids = {rp._pool.call(os.getpid) for _ in range(2)}
    rp.close()
    assert all(gone(pid) for pid in pids)
    with pytest.raises(RuntimeError):
        rp.html_to_pdf("<p>late</p>")
