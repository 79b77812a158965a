"""Let the second core write: rows of the large sheets, then the root's own submission.

Writing is the largest part of a run. One helper process takes jobs while this process goes on:
first it renders and compresses blocks of rows of the large sheets (`row_blocks`), then it runs
the jobs queued with `WriteHelper.after_rows` (gui-cap-tren.xlsx) while this process writes the
other sheets and packages the workbook. If it cannot start or dies, its work is done here.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, TypeVar

from ...cpus import ignore_interrupts

T = TypeVar("T")


class WriteHelper:
    """One helper process for a run's writing. Jobs `submit`ted run in it in order; jobs queued
    with `after_rows` are submitted after them by `start_deferred`, so they overlap the rest of
    this process's writing.

    Use as a context manager around writing; leaving the block stops the helper. With one
    usable CPU it is not `enabled`: callers do their jobs themselves and deferred jobs run
    when their result is asked for. A caller whose future raises `BrokenProcessPool` (the
    helper could not start or died) does that job itself.

    The helper is spawned, so, as with any multiprocessing program, a script that calls
    `pipeline.run` must do so under `if __name__ == "__main__":` (the command does); otherwise
    the helper re-runs the script, fails, and the run falls back to one process.
    """

    def __init__(self, workers: int, start: bool = False) -> None:
        """With `start` (the caller knows the helper will be needed), the helper's interpreter
        is started at once, so it is ready when the first rows are handed to it."""
        self.enabled = workers > 1
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[Any]] = []
        self._deferred: list[Deferred[Any]] = []
        if self.enabled and start:
            self.submit(_ready)

    def __enter__(self) -> WriteHelper:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for future in self._futures:
            future.cancel()
        if self._pool is not None:
            # Not waiting for the helper's interpreter to end (0.2 s of a run): its jobs are
            # done or cancelled, and Python joins the process before this one exits.
            self._pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, job: Callable[..., T], *args: Any) -> Future[T]:
        """Run `job(*args)` (picklable) in the helper, after the jobs submitted before."""
        if not self.enabled:
            raise RuntimeError("the helper is not enabled")
        if self._pool is None:
            # Spawned, not forked: a forked helper shares this process's heap, and as this
            # process goes on writing, most of those pages get copied (measured: +310 MB of
            # PSS at 3,000 units). A spawned one holds only its imports and one job's rows.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start_helper)
        future = self._pool.submit(job, *args)
        self._futures.append(future)
        return future

    def after_rows(self, job: Callable[..., T], *args: Any) -> Deferred[T]:
        """Queue `job(*args)` (picklable) to run in the helper after the rows queued before
        `start_deferred`, so it overlaps this process's writing. If no sheet was large enough to
        start the helper, it runs here when its result is asked for: a small run never waits
        for a process start."""
        deferred: Deferred[T] = Deferred(job, args)
        self._deferred.append(deferred)
        return deferred

    def start_deferred(self) -> None:
        """Submit the jobs queued with `after_rows`, if the helper is running."""
        if self._pool is not None:
            for deferred in self._deferred:
                if deferred.future is None:
                    deferred.future = self.submit(deferred.job, *deferred.args)


@dataclass
class Deferred(Generic[T]):
    """A job queued with `WriteHelper.after_rows`; `result` waits for it (or runs it here)."""

    job: Callable[..., T]
    args: tuple[Any, ...]
    future: Future[T] | None = None

    def result(self) -> T:
        if self.future is not None:
            try:
                return self.future.result()
            except BrokenProcessPool:  # the helper could not start or died: run it here
                pass
        return self.job(*self.args)


def _start_helper() -> None:
    """The helper's initializer: Ctrl-C is the command's to answer (`ignore_interrupts`), and
    the helper ends with the command however the command ends. A command killed outright
    (kill -9, the task manager) closes no pool, and a helper left rendering rows would go on
    writing into an output folder the next run is cleaning."""
    ignore_interrupts()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with_parent, args=(parent.sentinel,), daemon=True).start()


def _end_with_parent(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])  # ready once the parent has ended
    os._exit(1)


def _ready() -> None:
    """The first job: starting the helper's interpreter is all it does."""

