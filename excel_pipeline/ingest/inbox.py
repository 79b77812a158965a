"""Read a whole inbox: discover its files, read each once (in a process pool when there are
many, from the read cache when the bytes were read before) and parse its tables.

Every file comes back as a `ReadFile`: read, skipped or rejected with its reason, never an
exception. The registry workbook given by `--units` is read here too.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, overload

from ..campaign import ReadLimits
from ..cpus import ignore_interrupts, limit_memory, silence_errors, usable_cpus
from ..errors import InboxError, RegistryError, os_reason
from ..model import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    CellProblem,
    FileRecord,
    FileRole,
    FileStatus,
    OutputKind,
    Progress,
    RawTable,
    ReadFile,
    WorkbookContent,
)
from ..template import REGISTRY, ROW_SHEETS
from .archives import ArchiveError, member_bytes, members, shown
from .arrivals import key as arrival_key
from .arrivals import load_arrivals
from .cache import ReadCache
from .companions import attach_unit_information
from .discover import InboxFile, discover
from .documents import NotAList, SetAside, other_format, read_document
from .marks import SKIPPED_OUTPUTS, output_mark
from .normalise import parse_cells
from .read import TOO_MUCH_MEMORY, UnreadableWorkbook, read_workbook


def _nothing() -> None:
    pass


def read_inbox(inbox: Path, progress: Progress | None = None,
               limits: ReadLimits | None = None, cache: ReadCache | None = None,
               workers: int | None = None, outputs: tuple[Path, ...] = (),
               meanwhile: Callable[[], None] = _nothing) -> list[ReadFile]:
    """Discover and read every file; unreadable files become rejected records, never exceptions.

    Files read before (in `cache`) are loaded here: a worker would have to send them back,
    which costs more than loading them. The others are read in a process pool when there are
    enough of them to pay for it (`workers` defaults to the CPUs this process may use).
    Results come back in discovery order. The run's own output folders (`outputs`), when they
    lie inside the inbox, are not searched: what the run wrote is never read as a unit's data.
    `meanwhile` is called once the read pool has its files, while its workers read: this
    process has nothing else to do then, and its work runs on the cores beside them.
    """
    if not inbox.is_dir():
        raise InboxError(f"Không tìm thấy thư mục hồ sơ: {inbox}")
    found, archives = _with_members(discover(inbox, outputs), limits or ReadLimits())
    if not any(item.skip_reason is None for index, item in enumerate(found)
               if index not in archives):
        raise InboxError(f"Thư mục {inbox} không có tệp bảng tính nào (.xlsx, .xlsm, .xls, .ods): "
                         "không có gì để tổng hợp.")
    records = [FileRecord(file_id=file_id, relpath=item.relpath)
               for file_id, item in enumerate(found)]
    _note_arrivals(inbox, found, records)
    jobs = [(item.path, record, limits, cache, item.member)
            for index, (item, record) in enumerate(zip(found, records, strict=True))
            if item.skip_reason is None and index not in archives]
    counted = _Counter(len(jobs), progress)
    by_id: dict[int, ReadFile] = {}
    if cache is not None and cache.folder.is_dir():  # a first run has nothing to look up
        for job in jobs:
            cached = read_one(*job, parse=False)
            if cached is not None:
                by_id[job[1].file_id] = counted(cached)
        jobs = [job for job in jobs if job[1].file_id not in by_id]
    workers = workers or usable_cpus()
    if jobs and (ISOLATED or (workers > 1 and len(jobs) >= PARALLEL_FROM)):
        done = _read_in_workers(jobs, workers, counted, limits or ReadLimits(), meanwhile)
        if cache is not None:  # the workers' bookkeeping stayed in the workers
            cache.used.update(cache.path_for(item.record.sha256).name for item in done
                              if item.record.sha256)
    else:
        done = [counted(_read_job(job)) for job in jobs]
    by_id.update((item.record.file_id, item) for item in done)
    result: list[ReadFile] = []
    for index, (item, record) in enumerate(zip(found, records, strict=True)):
        if index in archives:
            record.status, record.reason = archives[index]
            result.append(ReadFile(record))
        elif item.skip_reason is not None:
            record.status, record.reason = SKIPPED, item.skip_reason
            result.append(ReadFile(record))
        else:
            result.append(by_id[record.file_id])
    attach_unit_information(result)
    return result


def _note_arrivals(inbox: Path, found: list[InboxFile], records: list[FileRecord]) -> None:
    """Give each file saved by `dhtt-merge receive` its arrival (a file inside a saved .zip
    arrived with the .zip)."""
    arrivals = load_arrivals(inbox)
    if not arrivals:
        return
    for item, record in zip(found, records, strict=True):
        try:
            arrival = arrivals.get(arrival_key(item.path.relative_to(inbox).as_posix()))
        except ValueError:
            continue
        if arrival is not None:
            record.received_at, record.sender = arrival.received_at, arrival.sender
            record.message_id, record.subject = arrival.message_id, arrival.subject


# Below this many files a process pool costs more to start than it saves, where reads are not
# isolated anyway (`ISOLATED`).
PARALLEL_FROM = 16
# Where a worker process is cheap to start (POSIX), every file is read in one, under a memory
# limit: a file that crashes the reader or exhausts memory costs that file only, not the run.
ISOLATED = os.name == "posix"


def _with_members(found: list[InboxFile], limits: ReadLimits) -> tuple[
        list[InboxFile], dict[int, tuple[FileStatus, str]]]:
    """The inbox's files with each .zip followed by the files inside it (`archives`), and what
    became of each archive itself (by position): skipped, its members standing for it, or
    rejected when it cannot be opened."""
    expanded: list[InboxFile] = []
    outcomes: dict[int, tuple[FileStatus, str]] = {}
    for item in found:
        expanded.append(item)
        if not item.is_archive:
            continue
        try:
            inner = members(item.path.read_bytes(), limits)
        except ArchiveError as exc:
            outcomes[len(expanded) - 1] = (REJECTED, str(exc))
            continue
        except OSError as exc:
            outcomes[len(expanded) - 1] = (REJECTED, f"Không mở được tệp ({os_reason(exc)})")
            continue
        readable = sum(1 for _, reason in inner if reason is None)
        outcomes[len(expanded) - 1] = (SKIPPED, f"Tệp nén: {readable} tệp bảng tính bên trong "
                                                "được đọc riêng (xem các dòng tiếp theo)")
        expanded += [InboxFile(item.path, shown(item.relpath, path), reason, member=path)
                     for path, reason in inner]
    return expanded, outcomes


Job = tuple[Path, FileRecord, ReadLimits | None, ReadCache | None, tuple[str, ...]]


def _read_job(job: Job) -> ReadFile:
    return read_one(*job)


# The state of each job of a pool, shared with its workers (`_read_tracked`): a worker that dies
# takes its job's result with it, and this says which jobs were being read at that moment.
_WAITING, _READING, _READ = 0, 1, 2
_states: Any = None


def _start_worker(states: Any, memory_mb: int) -> None:
    """A read worker's initializer: the shared job states, Ctrl-C left to the command, the
    memory limit, and its error stream silenced (a reader that aborts prints its own report).
    The cyclic collector is on: the command pauses its own while results arrive (forked, a
    worker would inherit the pause), and a worker's readers leave cycles behind."""
    global _states
    _states = states
    gc.enable()
    ignore_interrupts()
    import python_calamine  # noqa: F401  (loaded before the limit: it bounds reading, not loading)

    limit_memory(memory_mb)
    silence_errors()


def _read_tracked(index: int, job: Job) -> ReadFile:
    _states[index] = _READING
    try:
        return read_one(*job)
    finally:
        _states[index] = _READ


def _read_in_workers(jobs: list[Job], workers: int, counted: _Counter, limits: ReadLimits,
                     meanwhile: Callable[[], None] = _nothing) -> list[ReadFile]:
    """Read the jobs in a process pool whose workers may die: when one does (a reader aborting
    on a hostile file, the memory limit hit outside Python), the jobs being read at that
    moment are read again one at a time, each in a pool of its own, so the file that kills
    its worker is known and rejected with its name; the other jobs go on in a new pool."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    import python_calamine  # noqa: F401  (loaded once here, not by each forked worker)

    done: dict[int, ReadFile] = {}  # by file id
    pending = list(jobs)
    while pending:
        states = multiprocessing.Array("b", len(pending), lock=False)
        broken = False
        with ProcessPoolExecutor(min(workers, len(pending)), initializer=_start_worker,
                                 initargs=(states, limits.max_read_memory_mb)) as pool:
            futures: dict[Future[ReadFile], Job] = {}
            try:
                for index, job in enumerate(pending):  # a worker may die while they are sent
                    futures[pool.submit(_read_tracked, index, job)] = job
            except BrokenProcessPool:
                broken = True
            try:
                meanwhile()
                meanwhile = _nothing  # once, in the first pool
                for future in as_completed(futures):
                    try:
                        done[futures[future][1].file_id] = counted(future.result())
                    except BrokenProcessPool:
                        broken = True
            except BaseException:  # Ctrl-C, or a reader's bug: the files not begun are not read
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        if not broken:
            break
        left = [(index, job) for index, job in enumerate(pending)
                if job[1].file_id not in done]
        suspects = [job for index, job in left if states[index] != _WAITING]
        if not suspects:  # the workers died before reading anything: no pool can read these
            suspects = [job for _, job in left]
        for job in suspects:
            done[job[1].file_id] = counted(_read_alone(job, limits))
        pending = [job for _, job in left if job[1].file_id not in done]
    return [done[job[1].file_id] for job in jobs]


def _read_alone(job: Job, limits: ReadLimits) -> ReadFile:
    """One job in a worker of its own; a worker that dies on it rejects its file."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    states = multiprocessing.Array("b", 1, lock=False)
    try:
        with ProcessPoolExecutor(1, initializer=_start_worker,
                                 initargs=(states, limits.max_read_memory_mb)) as pool:
            return pool.submit(_read_tracked, 0, job).result()
    except BrokenProcessPool:
        pass
    path, record, _, _, member = job
    try:
        data = path.read_bytes()
        stat = path.stat()
        data = member_bytes(data, member) if member else data
        record.sha256, record.size, record.mtime = (hashlib.sha256(data).hexdigest(), len(data),
                                                    stat.st_mtime)
    except (OSError, ArchiveError):
        pass
    # Not cached: a worker may also die of the machine's memory running short (other programs),
    # and the next run is owed another try.
    record.reject(KILLED_READER)
    return ReadFile(record)


KILLED_READER = ("Tệp làm trình đọc dừng đột ngột (cần quá nhiều bộ nhớ hoặc cấu trúc bên trong "
                 "bất thường), không đọc để bảo vệ máy: đề nghị đơn vị mở tệp bằng Excel, lưu lại "
                 "(Tệp › Lưu như, dạng .xlsx) rồi gửi lại")


class _Counter:
    """Reports each file read to `progress`, whichever way it was read."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress, self.number = total, progress, 0

    def __call__(self, item: ReadFile) -> ReadFile:
        self.number += 1
        if self.progress:
            self.progress("read", self.number, self.total)
        return item


# Parsing always gives a read; only a cache look-up (`parse=False`) may give None.
@overload
def read_one(path: Path, record: FileRecord, limits: ReadLimits | None = ...,
             cache: ReadCache | None = ..., member: tuple[str, ...] = ..., *,
             parse: Literal[True] = ...) -> ReadFile: ...
@overload
def read_one(path: Path, record: FileRecord, limits: ReadLimits | None = ...,
             cache: ReadCache | None = ..., member: tuple[str, ...] = ..., *,
             parse: bool) -> ReadFile | None: ...
def read_one(path: Path, record: FileRecord, limits: ReadLimits | None = None,
             cache: ReadCache | None = None, member: tuple[str, ...] = (), *,
             parse: bool = True) -> ReadFile | None:
    """Hash and read one file's bytes, read once: the sha256 is of exactly what was parsed, and
    is known even when the file turns out to be corrupt. A cached read of the same bytes (same
    version and campaign) is used instead of parsing again; without `parse`, a file that is
    not in the cache gives None and its record is left as it was."""
    try:
        data = path.read_bytes()
        stat = path.stat()
        if member:  # a file inside an archive (`archives`): its own bytes, read in memory
            data = member_bytes(data, member)
    except ArchiveError as exc:
        if not parse:
            return None
        record.reject(str(exc))
        return ReadFile(record)
    except OSError as exc:
        if not parse:
            return None
        record.reject(f"Không mở được tệp ({os_reason(exc)})")
        return ReadFile(record)
    sha256 = hashlib.sha256(data).hexdigest()
    outcome = cache.load(sha256) if cache is not None else None
    if not isinstance(outcome, WorkbookContent | str):
        if not parse:
            return None
        # A workbook dhtt-merge wrote is known by its bytes, like a parse: cached the same way.
        mark = output_mark(data)
        if mark in SKIPPED_OUTPUTS:
            outcome = mark
        else:
            try:
                name = member[-1] if member else path.name
                outcome = parse_tables(read_document(data, name, limits) if other_format(name)
                                       else read_workbook(data, limits))
            except UnreadableWorkbook as exc:
                outcome = str(exc)
            except NotAList as exc:  # a CSV or Word file of something else: set aside
                outcome = SetAside(exc)
            except MemoryError:  # the worker's memory limit, met while parsing the rows
                outcome = TOO_MUCH_MEMORY
        if cache is not None and outcome != TOO_MUCH_MEMORY:  # memory may be freer next time
            cache.store(sha256, outcome)
    record.sha256, record.size, record.mtime = sha256, len(data), stat.st_mtime
    if isinstance(outcome, OutputKind):  # before `str`: a StrEnum is one
        record.status, record.reason = SKIPPED, SKIPPED_OUTPUTS[outcome]
        return ReadFile(record)
    if isinstance(outcome, SetAside):
        record.status, record.reason = SKIPPED, str(outcome)
        return ReadFile(record)
    if isinstance(outcome, str):
        record.reject(outcome)
        return ReadFile(record)
    record.sheets = outcome.sheet_names
    record.notes = reading_notes(outcome)
    return ReadFile(record, outcome.form, outcome.tables, outcome.conversions,
                    outcome.near_misses)


def reading_notes(content: WorkbookContent) -> list[str]:
    """What the reader left out of a workbook, and why, as the Nguồn sheet says it."""
    notes = [f"Trang «{sheet}» không đọc: {reason}" if sheet else reason[:1].upper() + reason[1:]
             for sheet, reason in content.not_read]
    for table in content.tables:
        if table.set_aside:
            parts = ", ".join(f"{count} {kind}" for kind, count in table.set_aside.items())
            notes.append(f"Trang «{table.sheet}»: không tính là dữ liệu {parts}")
    return notes


def parse_tables(content: WorkbookContent) -> WorkbookContent:
    """Parse each row sheet's cells into typed columns where the file is read: in the read pool,
    and kept in the read cache, so a re-run stacks parsed tables instead of parsing every cell.
    Registry tables keep their raw rows: their extra columns are allocation weights."""
    for table in content.tables:
        if table.spec in ROW_SHEETS:
            parse_table(table)
    return content


def parse_table(table: RawTable) -> RawTable:
    """Parse a table's raw cells once (a no-op when already parsed)."""
    if table.parsed is None:
        table.parsed = parse_cells(table.spec, table.cells, table.size)
        if table.problems:  # what the reader found wrong comes first: it says why
            index_of = {row: index for index, row in enumerate(table.excel_rows)}
            table.parsed.problems[:0] = [CellProblem(index_of[row], key, value, reason)
                                         for row, key, value, reason in table.problems
                                         if row in index_of]
        table.cells, table.extras = {}, {}
    return table


def read_registry_file(path: Path, limits: ReadLimits | None = None) -> ReadFile:
    """The workbook given by --units; it must hold a Danh mục đơn vị table."""
    if not path.is_file():
        raise RegistryError(f"Không tìm thấy tệp danh mục đơn vị: {path}")
    read = read_one(path, FileRecord(file_id=-1, relpath=path.name, role=FileRole.REGISTRY), limits)
    if read.record.status != ACCEPTED:
        raise RegistryError(f"Không đọc được tệp danh mục đơn vị {path}: {read.record.reason}")
    if not any(table.spec is REGISTRY for table in read.tables):
        raise RegistryError(f"Tệp {path} không có trang Danh mục đơn vị (cần các cột Mã đơn vị, "
                            "Tên đơn vị, Mã đơn vị cấp trên).")
    return read

