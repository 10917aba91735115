"""A small pool of worker processes, each replaced after a number of tasks.

Why not ``ProcessPoolExecutor(max_tasks_per_child=...)``: on Python 3.11 to
3.13 it can hang once a worker retires with tasks still queued (CPython issue
gh-115634), and it refuses the fork start method. Why not
``multiprocessing.Pool(maxtasksperchild=...)``: a task whose worker dies
(killed for memory, a crash in a C library) never finishes, so its caller
waits for ever.

Here each worker is a one-process ``ProcessPoolExecutor`` (a *slot*). A
caller's task is run on a free slot by one of the pool's dispatcher threads;
after ``tasks_per_worker`` tasks the slot's process is shut down and the next
task starts a fresh one, so memory a library never gives back (WeasyPrint
can keep up to about 0.25 MiB a PDF) is returned to the system. A worker that dies
fails only the task it was running, with ``WorkerCrashedError``; its slot
gets a new process and the pool keeps working.

``submit`` may be called from any number of threads at once.
"""
from __future__ import annotations

import multiprocessing
import queue
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class WorkerCrashedError(RuntimeError):
    """A worker process stopped while running a task (killed, out of memory, a crash).

    Not the caller's input at fault: the task may be tried again. The pool has
    already replaced the worker.
    """


def default_start_method() -> str:
    """``forkserver`` where it exists (Linux, BSD): new workers start from a clean, thread-free
    process, so the pool is safe in a threaded server; ``spawn`` elsewhere (macOS, Windows)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class _Slot:
    """One worker process (started on first use) and how many tasks it has run."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool
        self.executor: ProcessPoolExecutor | None = None
        self.done = 0

    def run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(max_workers=1, mp_context=self.pool.context,
                                                initializer=self.pool.initializer, initargs=self.pool.initargs)
            self.done = 0
        try:
            return self.executor.submit(fn, *args).result()
        except BrokenProcessPool:
            self.retire()
            raise WorkerCrashedError("a worker process stopped while working on this task") from None
        finally:
            self.done += 1
            limit = self.pool.tasks_per_worker
            if self.executor is not None and limit and self.done >= limit:
                self.retire()

    def retire(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)
            self.executor = None


class WorkerPool:
    """``workers`` processes, each replaced after ``tasks_per_worker`` tasks (None: never).

    ``start_method`` is a ``multiprocessing`` start method (default:
    ``default_start_method()``); ``initializer(*initargs)`` runs once in each
    new worker. Use it in ``with``, or call ``shutdown``.
    """

    def __init__(self, workers: int = 2, tasks_per_worker: int | None = 200, *,
                 start_method: str | None = None, initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = ()):
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if tasks_per_worker is not None and tasks_per_worker < 1:
            raise ValueError("tasks_per_worker must be at least 1, or None")
        self.workers, self.tasks_per_worker = workers, tasks_per_worker
        self.context = multiprocessing.get_context(start_method or default_start_method())
        self.initializer, self.initargs = initializer, initargs
        self._free: queue.SimpleQueue[_Slot] = queue.SimpleQueue()
        self._slots = [_Slot(self) for _ in range(workers)]
        for slot in self._slots:
            self._free.put(slot)
        # Exactly one dispatcher thread a slot: a dispatcher always finds a free slot, and
        # tasks beyond the pool's size wait in the thread pool's queue.
        self._dispatch = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="iepkit-pool")
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` in a worker; ``fn`` and its arguments must be picklable (module-level)."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            return self._dispatch.submit(self._run, fn, args)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``submit(fn, *args).result()``: run it in a worker and wait."""
        return self.submit(fn, *args).result()

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        slot = self._free.get()
        try:
            return slot.run(fn, args)
        finally:
            self._free.put(slot)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking tasks; with ``cancel_futures`` drop those not started. With ``wait``, wait for
        running tasks to finish and every worker to exit."""
        with self._lock:
            self._closed = True
        self._dispatch.shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            for slot in self._slots:
                slot.retire()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(wait=True)
