"""Let the second core write: half of every large sheet, then the root's own submission.

Writing is the largest part of a run. For a sheet with many rows, the rows from the middle on
are handed to one helper process, which writes them with `cells.write_rows` into a throwaway
constant-memory worksheet with the very same formats and keeps only that worksheet's row data,
the `<row>` XML streamed to a temporary file. Meanwhile this process writes the first half.
Before the workbook is closed, each helper file is appended to the real sheet's row data, so
the sheet is byte for byte what one process would have written (a test compares the XML).
Once its rows are done, the helper runs the jobs queued with `WriteHelper.after_rows`
(gui-cap-tren.xlsx) while this process compresses the workbook.

This uses xlsxwriter's constant-memory internals (the row data file, the last-row flush, the
dimension and format-index fields). If a future xlsxwriter lacks them, nothing is split and
everything is written by this process.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .cells import ROWS_OPTIONS, write_rows

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

T = TypeVar("T")
# Below this many rows a sheet is written here: starting a process would cost more than it saves.
SPLIT_FROM = 20_000
# The share of a large sheet's rows the helper renders. Half: this process also writes the
# small sheets meanwhile, the helper also receives the rows; measured at 1,000 units, the two
# finish within about 0.3 s of each other.
HELPER_SHARE = 0.5
# Rows per job sent to the helper: it holds one job's rows at a time, not half the sheet.
TAIL_ROWS = 20_000
# The xlsxwriter internals a split relies on (`cells.write_rows` checks its own).
_WORKSHEET_FIELDS = ("_write_single_row", "row_data_fh", "row_data_filename", "previous_row",
                     "dim_rowmax")


@dataclass(frozen=True)
class TailJob:
    """Rows for the helper: where they start in the sheet, and how they look."""

    rows: Sequence[Sequence[Any]]
    first_row: int
    formats: tuple[Format, ...]
    bold_formats: tuple[Format, ...]
    bold_rows: frozenset[int]  # indices into `rows`
    tmpdir: str | None


@dataclass(frozen=True)
class RenderedTail:
    """The helper's row XML on disk, and the sheet rows it covers."""

    path: str
    first_row: int
    last_row: int


def render_tail(job: TailJob) -> RenderedTail:
    """In the helper: write the rows into a worksheet of a workbook that is never closed (so no
    xlsx is made) and hand back its row data file, last row included."""
    import xlsxwriter

    book = xlsxwriter.Workbook(os.devnull, {**ROWS_OPTIONS, "tmpdir": job.tmpdir})
    sheet = book.add_worksheet()
    try:
        write_rows(sheet, job.rows, job.formats, job.bold_formats, job.bold_rows, job.first_row)
        sheet._write_single_row()  # the last row is still in memory, as at close
    except BaseException:
        sheet.row_data_fh.close()
        Path(sheet.row_data_filename).unlink(missing_ok=True)
        raise
    sheet.row_data_fh.close()
    return RenderedTail(sheet.row_data_filename, job.first_row,
                        job.first_row + len(job.rows) - 1)


class WriteHelper:
    """One helper process for a run's writing: it renders the tails of large sheets (in jobs of
    `TAIL_ROWS` rows), spliced back in order before the workbook is closed, and then runs the
    jobs queued with `after_rows` (the root's own submission) while this process closes the
    workbook.

    Use as a context manager around writing: `split` before writing a sheet's rows, `splice`
    before `Workbook.close`. Leaving the block stops the helper and removes any helper file not
    spliced (after an error). With one usable CPU, or an xlsxwriter without the internals, it
    does nothing and every job runs here; if the helper cannot start or dies, its rows and jobs
    are done here too.

    The helper is spawned, so, as with any multiprocessing program, a script that calls
    `pipeline.run` must do so under `if __name__ == "__main__":` (the command does); otherwise
    the helper re-runs the script, fails, and the run falls back to one process.
    """

    def __init__(self, workers: int, tmpdir: str | None = None,
                 expected_rows: int | None = None) -> None:
        """`expected_rows`, the largest sheet's rows if known: from SPLIT_FROM the helper is
        started at once, so it is ready when the first sheet is split."""
        self._enabled = workers > 1 and _xlsxwriter_supports_split()
        self._tmpdir = tmpdir
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[tuple[Worksheet, TailJob, Future[RenderedTail]]] = []
        self._deferred: list[Deferred[Any]] = []
        if self._enabled and expected_rows is not None and expected_rows >= SPLIT_FROM:
            self._submit(_ready)

    def __enter__(self) -> WriteHelper:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for future in [future for _, _, future in self._pending] + \
                [job.future for job in self._deferred if job.future is not None]:
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for _, _, future in self._pending:
            if future.done() and not future.cancelled() and future.exception() is None:
                Path(future.result().path).unlink(missing_ok=True)
        self._pending.clear()

    def split(self, sheet: Worksheet, rows: Sequence[Sequence[Any]], formats: Sequence[Format],
              bold_formats: Sequence[Format], bold_rows: Collection[int]) -> int:
        """How many of `rows` (from sheet row 1) the caller writes itself; the rest, if any,
        are queued for the helper and spliced in by `splice`."""
        if not self._enabled or len(rows) < SPLIT_FROM:
            return len(rows)
        keep = len(rows) - int(len(rows) * HELPER_SHARE)
        fix_format_indices(*formats, *bold_formats)
        for start in range(keep, len(rows), TAIL_ROWS):
            chunk = rows[start:start + TAIL_ROWS]
            job = TailJob(chunk, 1 + start, tuple(formats), tuple(bold_formats),
                          frozenset(index - start for index in bold_rows
                                    if start <= index < start + len(chunk)), self._tmpdir)
            self._pending.append((sheet, job, self._submit(render_tail, job)))
        return keep

    def after_rows(self, job: Callable[..., T], *args: Any) -> Deferred[T]:
        """Queue `job(*args)` (picklable) to run in the helper after the rows it renders, so it
        overlaps the workbook's close. If no sheet was large enough to start the helper, it
        runs here when its result is asked for: a small run never waits for a process start."""
        deferred: Deferred[T] = Deferred(job, args)
        self._deferred.append(deferred)
        return deferred

    def splice(self) -> None:
        """Start the queued jobs (if the helper is running), wait for the helper's rows and
        append each rendered tail to its sheet's row data."""
        if self._pool is not None:
            for deferred in self._deferred:
                deferred.future = self._submit(deferred.job, *deferred.args)
        while self._pending:
            sheet, job, future = self._pending[0]
            try:
                tail = future.result()
            except BrokenProcessPool:  # the helper could not start or died: write them here
                self._pending.pop(0)
                write_rows(sheet, job.rows, job.formats, job.bold_formats, job.bold_rows,
                           job.first_row)
                continue
            self._pending.pop(0)
            _append_tail(sheet, tail)

    def _submit(self, job: Callable[..., T], *args: Any) -> Future[T]:
        if self._pool is None:
            # Spawned, not forked: a forked helper shares this process's heap, and as this
            # process goes on writing, most of those pages get copied (measured: +310 MB of
            # PSS at 3,000 units). A spawned one holds only its imports and one job's rows.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return self._pool.submit(job, *args)


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


def _ready() -> None:
    """The first job: starting the helper's interpreter is all it does."""


def _append_tail(sheet: Worksheet, tail: RenderedTail) -> None:
    # Flush this process's last row of the sheet (moving the "current row" past it), then
    # append the helper's rows, which follow it in the sheet, and widen the sheet's dimension.
    # Both files are UTF-8 text, so the bytes are appended as they are, without decoding.
    sheet._write_single_row(tail.first_row)
    sheet.row_data_fh.flush()
    try:
        with open(tail.path, "rb") as source, open(sheet.row_data_filename, "ab") as target:
            shutil.copyfileobj(source, target, 1 << 20)
    finally:
        Path(tail.path).unlink(missing_ok=True)
    sheet.row_data_fh.seek(0, os.SEEK_END)
    sheet.dim_rowmax = max(sheet.dim_rowmax or 0, tail.last_row)
    sheet.previous_row = tail.last_row


def fix_format_indices(*formats: Format) -> None:
    """Give each format its index in its workbook now, in this order: before it is copied to
    the helper (a format first used there would get an index this workbook never records),
    and so that the indices do not depend on which sheet happens to use a format first."""
    for fmt in formats:
        fmt.xf_index = fmt._get_xf_index()


def _xlsxwriter_supports_split() -> bool:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    sheet, fmt = Worksheet(), Format()
    return (all(hasattr(sheet, name) for name in _WORKSHEET_FIELDS)
            and all(hasattr(fmt, name) for name in ("_get_xf_index", "xf_index")))
