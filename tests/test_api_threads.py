"""Issue #12 point 3: no hidden global. A registry passed to a call is used by that call only,
so threads rendering from the default registry never see another thread's; a lazy registry
reads each state's content once, safely, when threads ask for it at the same moment."""
from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from iepkit import api
from iepkit.plugins import PluginHost
from iepkit.registry import Registry

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent

DAY = dt.date(2026, 11, 30)


def _ms_case(n: int):
    data = yaml.safe_load((ROOT / "examples" / "mississippi-case.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["student"]["name"] = f"Child Number{n} Rivers"
    return api.parse_case(data, f"case-{n}")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    import io
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_eight_threads_and_one_with_its_own_registry():
    texas_only = api.load_registry(only=["texas"])
    assert [s.code for s in api.states(registry=texas_only)] == ["TX"]
    tx_data = yaml.safe_load((ROOT / "examples" / "texas-case.yaml").read_text(encoding="utf-8"))
    stop = threading.Event()
    other_failures: list[BaseException] = []
    other_done = [0]

    def other_registry() -> None:
        # Keeps using its own registry while the others render; every call passes it explicitly.
        while not stop.is_set() or other_done[0] < 3:
            try:
                case = api.parse_case(tx_data, "tx", registry=texas_only)
                text = api.render_letter("mediation-request", case=case, fmt="txt", date=DAY,
                                         registry=texas_only)
                assert "Mateo Luis Garza" in text
                with pytest.raises(api.UnknownChoiceError):
                    api.find_state("MS", registry=texas_only)
                other_done[0] += 1
            except BaseException as exc:  # noqa: BLE001 - counted below
                other_failures.append(exc)
                return

    def render(n: int) -> tuple[int, str, str]:
        case = _ms_case(n)
        fmt = "pdf" if n % 8 == 0 else ("html" if n % 2 else "txt")
        out = api.render_letter("mediation-request", case=case, fmt=fmt, date=DAY)
        assert api.find_state("MS").code == "MS"  # the default registry still has Mississippi
        return n, fmt, _pdf_text(out) if fmt == "pdf" else out

    side = threading.Thread(target=other_registry)
    side.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(render, range(24)))
    finally:
        stop.set()
        side.join()
    assert other_failures == []
    assert other_done[0] >= 3
    assert len(results) == 24
    for n, fmt, text in results:
        assert f"Number{n} Rivers" in text.replace("\n", " "), (n, fmt)
        others = [m for m in range(24) if m != n and f"Number{m} Rivers" in text]
        assert others == []
    assert {fmt for _, fmt, _ in results} == {"pdf", "html", "txt"}


def test_a_registry_passed_to_a_call_does_not_leak():
    texas_only = api.load_registry(only=["texas"])
    assert api.find_state("TX", registry=texas_only).code == "TX"
    assert api.registry() is not texas_only
    assert "MS" in {s.code for s in api.states()}


def test_lazy_loading_is_safe_between_threads(monkeypatch):
    """A state's content read in one thread while another looks up a state already read: the
    reader waits rather than seeing the tables half rebuilt (reading a state rebuilds them all)."""
    import iepkit.registry as registry_module
    host = PluginHost()
    host.load_entry_points(only=["mississippi", "texas"])
    reg = Registry.build(host, lazy=True)
    ms_rules = set(reg.rules_for("MS"))
    assert ms_rules
    real_merge = registry_module.merge
    merging = threading.Event()

    def slow_merge(kind, federal, own, changes, code, name):
        if kind == "deadline_rules" and code == "MS" and not merging.is_set():
            merging.set()
            time.sleep(0.3)  # not a timing assertion: it holds the tables mid-rebuild for the reader
        return real_merge(kind, federal, own, changes, code, name)

    monkeypatch.setattr(registry_module, "merge", slow_merge)
    loader = threading.Thread(target=lambda: reg.letters_for("TX"))  # reads Texas: rebuilds every table
    loader.start()
    assert merging.wait(10)
    seen = set(reg.rules_for("MS"))
    loader.join()
    assert seen == ms_rules
    assert reg.letters_for("TX")


def test_many_threads_first_use_of_a_lazy_registry():
    host = PluginHost()
    host.load_entry_points(only=["mississippi", "texas"])
    reg = Registry.build(host, lazy=True)
    barrier = threading.Barrier(8)

    def first_use(i: int) -> tuple[str, ...]:
        barrier.wait()
        code = "MS" if i % 2 else "TX"
        return code, tuple(sorted(l.id for l in reg.letters_for(code))), tuple(sorted(reg.rules_for(code)))

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(first_use, range(8)))
    for code in ("MS", "TX"):
        answers = {g[1:] for g in got if g[0] == code}
        assert len(answers) == 1
        assert answers == {(tuple(sorted(l.id for l in reg.letters_for(code))), tuple(sorted(reg.rules_for(code))))}
