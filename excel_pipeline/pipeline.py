"""The run, end to end: discover → read → normalise → validate → merge → check → write.

`run()` is the library's one entry point; the CLI only parses options and calls it. Everything
between reading and writing works on DataFrames (see `consolidate`), so tests need no files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal, overload

import pandas as pd

from .cache import ReadCache
from .campaign import Campaign
from .cpus import usable_cpus
from .deliver import Delivery, DeliveryOptions, deliver, smtp_settings
from .discover import discover
from .errors import InboxError, RegistryError
from .findings import Finding, make_finding, sort_key
from .legacy_fonts import SheetConversion
from .merge import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    FileRecord,
    attach_submissions,
    missing_submissions,
    row_status,
)
from .normalise import (
    SourceRow,
    TablePiece,
    build_frame,
    optional_text,
    parse_rows,
    stack,
)
from .read import RawForm, RawTable, UnreadableWorkbook, WorkbookContent, read_workbook
from .registry import Registry, build_registry
from .screen import ReadLimits
from .template import BY_KEY, INFO, REGISTRY, ROW_SHEETS
from .validate import validate_frame

Progress = Callable[[str, int, int], None]
ENCODING_FONTS = {"TCVN3": "bảng mã TCVN3 (phông .VnTime)", "VNI": "bảng mã VNI (phông VNI-*)"}


@dataclass
class ReadFile:
    """A file as read: its record plus its recognised content (None when unreadable/skipped)."""

    record: FileRecord
    form: RawForm | None = None
    tables: list[RawTable] = field(default_factory=list)
    conversions: list[SheetConversion] = field(default_factory=list)


@dataclass
class Consolidation:
    """Everything a run produced; writers and the JSON report are views of it."""

    campaign: Campaign
    as_of: dt.date
    files: list[FileRecord]
    registry: Registry
    info: pd.DataFrame
    sheets: dict[str, pd.DataFrame]
    findings: list[Finding]
    extra: dict[str, object] = field(default_factory=dict)

    def accepted(self, key: str) -> pd.DataFrame:
        frame = self.sheets[key]
        return frame[frame["_status"] == ACCEPTED]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


@dataclass
class RunResult:
    """What `run()` returns to its caller."""

    consolidation: Consolidation
    workbook: Path
    report: Path
    upward: Path | None = None
    delivery: Delivery = field(default_factory=Delivery)

    @property
    def exit_code(self) -> int:
        return 1 if self.consolidation.has_errors else 0


def example_inbox() -> Path:
    """The bundled example inbox (a small fictitious district), used when no inbox is given."""
    return Path(str(resources.files("excel_pipeline").joinpath("data", "example_inbox")))


def run(inbox: Path | None, campaign: Campaign, out_dir: Path, units_file: Path | None = None,
        as_of: dt.date | None = None, progress: Progress | None = None,
        delivery: DeliveryOptions | None = None, use_cache: bool = True) -> RunResult:
    """Consolidate an inbox and write into `out_dir`: `tong-hop.xlsx`, `tong-hop.json` and the
    root's own submission `gui-cap-tren.xlsx`; then deliver feedback and e-mail as asked.

    With `use_cache`, files whose bytes were read by an earlier run into the same `out_dir`
    (same program version and campaign) are not parsed again (see `cache`), and blocks of rows
    the last run wrote are not written again (see `row_blocks`). Large runs start
    worker processes (`parallel_rows`): call this from a script under
    `if __name__ == "__main__":`."""
    from .parallel_rows import WriteHelper
    from .report import write_report
    from .row_blocks import BLOCKS_FROM, BlockStore
    from .upward import upward_job, write_upward
    from .workbook import write_workbook

    options = delivery or DeliveryOptions()
    settings = smtp_settings(options)  # refused here, before anything is written
    inbox = inbox or example_inbox()
    as_of = as_of or dt.date.today()
    cache = ReadCache(out_dir, campaign) if use_cache else None
    read_files = read_inbox(inbox, progress, campaign.limits, cache)
    registry_file = read_registry_file(units_file, campaign.limits) if units_file else None
    consolidation = consolidate(read_files, campaign, as_of, registry_file)
    del read_files  # the parsed pieces are stacked now; free them before writing
    out_dir.mkdir(parents=True, exist_ok=True)
    # The helper renders half of the big sheets' rows, then writes gui-cap-tren.xlsx while this
    # process writes the other sheets; it is started at once if a sheet will be written in blocks.
    largest = max((len(frame) for frame in consolidation.sheets.values()), default=0)
    with WriteHelper(usable_cpus(), start=largest >= BLOCKS_FROM) as helper, \
            BlockStore(cache.folder if cache else None, out_dir) as blocks:
        upward_args = upward_job(consolidation, out_dir)
        upward_written = helper.after_rows(write_upward, *upward_args) if upward_args \
            else None
        workbook = write_workbook(consolidation, out_dir / "tong-hop.xlsx", helper, blocks)
        upward = upward_written.result() if upward_written else None
    delivered = deliver(consolidation, workbook, out_dir, options, settings)
    report = write_report(consolidation, out_dir / "tong-hop.json", workbook,
                          {"upward": upward.as_posix() if upward else None,
                           **delivered.to_dict()})
    if cache is not None:
        cache.prune()
    return RunResult(consolidation, workbook, report, upward, delivered)


def read_inbox(inbox: Path, progress: Progress | None = None,
               limits: ReadLimits | None = None, cache: ReadCache | None = None,
               workers: int | None = None) -> list[ReadFile]:
    """Discover and read every file; unreadable files become rejected records, never exceptions.

    Files read before (in `cache`) are loaded here: a worker would have to send them back,
    which costs more than loading them. The others are read in a process pool when there are
    enough of them to pay for it (`workers` defaults to the CPUs this process may use).
    Results come back in discovery order.
    """
    if not inbox.is_dir():
        raise InboxError(f"Không tìm thấy thư mục hồ sơ: {inbox}")
    found = discover(inbox)
    if not any(item.skip_reason is None for item in found):
        raise InboxError(f"Thư mục {inbox} không có tệp bảng tính nào (.xlsx, .xlsm, .xls, .ods): "
                         "không có gì để tổng hợp.")
    records = [FileRecord(file_id=file_id, relpath=item.relpath)
               for file_id, item in enumerate(found)]
    jobs = [(item.path, record, limits, cache) for item, record in zip(found, records, strict=True)
            if item.skip_reason is None]
    counted = _Counter(len(jobs), progress)
    by_id: dict[int, ReadFile] = {}
    if cache is not None and cache.folder.is_dir():  # a first run has nothing to look up
        for job in jobs:
            cached = read_one(*job, parse=False)
            if cached is not None:
                by_id[job[1].file_id] = counted(cached)
        jobs = [job for job in jobs if job[1].file_id not in by_id]
    workers = workers or usable_cpus()
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(workers, len(jobs))) as pool:
            done = [counted(item) for item in pool.map(_read_job, jobs, chunksize=8)]
        if cache is not None:  # the workers' bookkeeping stayed in the workers
            cache.used.update(cache.path_for(item.record.sha256).name for item in done
                              if item.record.sha256)
    else:
        done = [counted(_read_job(job)) for job in jobs]
    by_id.update((item.record.file_id, item) for item in done)
    result: list[ReadFile] = []
    for item, record in zip(found, records, strict=True):
        if item.skip_reason is not None:
            record.status, record.reason = SKIPPED, item.skip_reason
            result.append(ReadFile(record))
        else:
            result.append(by_id[record.file_id])
    return result


# Below this many files a process pool costs more to start than it saves.
PARALLEL_FROM = 16


def _read_job(job: tuple[Path, FileRecord, ReadLimits | None, ReadCache | None]) -> ReadFile:
    return read_one(*job)


class _Counter:
    """Reports each file read to `progress`, whichever way it was read."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress, self.number = total, progress, 0

    def __call__(self, item: ReadFile) -> ReadFile:
        self.number += 1
        if self.progress:
            self.progress("read", self.number, self.total)
        return item


@overload
def read_one(path: Path, record: FileRecord, limits: ReadLimits | None = None,
             cache: ReadCache | None = None, *, parse: Literal[True] = True) -> ReadFile: ...


@overload
def read_one(path: Path, record: FileRecord, limits: ReadLimits | None = None,
             cache: ReadCache | None = None, *, parse: bool) -> ReadFile | None: ...


def read_one(path: Path, record: FileRecord, limits: ReadLimits | None = None,
             cache: ReadCache | None = None, *, parse: bool = True) -> ReadFile | None:
    """Hash and read one file's bytes, read once: the sha256 is of exactly what was parsed, and
    is known even when the file turns out to be corrupt. A cached read of the same bytes (same
    version and campaign) is used instead of parsing again; without `parse`, a file that is
    not in the cache gives None and its record is left as it was."""
    try:
        data = path.read_bytes()
        stat = path.stat()
    except OSError as exc:
        if not parse:
            return None
        record.reject(f"Không mở được tệp ({exc.strerror or exc})")
        return ReadFile(record)
    sha256 = hashlib.sha256(data).hexdigest()
    outcome = cache.load(sha256) if cache is not None else None
    if not isinstance(outcome, WorkbookContent | str):
        if not parse:
            return None
        try:
            outcome = parse_tables(read_workbook(data, limits))
        except UnreadableWorkbook as exc:
            outcome = str(exc)
        if cache is not None:
            cache.store(sha256, outcome)
    record.sha256, record.size, record.mtime = sha256, stat.st_size, stat.st_mtime
    if isinstance(outcome, str):
        record.reject(outcome)
        return ReadFile(record)
    record.sheets = outcome.sheet_names
    return ReadFile(record, outcome.form, outcome.tables, outcome.conversions)


def parse_tables(content: WorkbookContent) -> WorkbookContent:
    """Parse each row sheet's cells into typed columns where the file is read: in the read pool,
    and kept in the read cache, so a re-run stacks parsed tables instead of parsing every cell.
    Registry tables keep their raw rows: their extra columns are allocation weights."""
    for table in content.tables:
        if table.spec in ROW_SHEETS:
            parse_table(table)
    return content


def parse_table(table: RawTable) -> RawTable:
    """Parse a table's raw rows once (a no-op when already parsed)."""
    if table.parsed is None:
        table.parsed = parse_rows(table.spec, [values for _, values in table.rows])
        table.excel_rows = [row for row, _ in table.rows]
        table.rows = []
    return table


def read_registry_file(path: Path, limits: ReadLimits | None = None) -> ReadFile:
    """The workbook given by --units; it must hold a Danh mục đơn vị table."""
    if not path.is_file():
        raise RegistryError(f"Không tìm thấy tệp danh mục đơn vị: {path}")
    read = read_one(path, FileRecord(file_id=-1, relpath=path.name, role="registry"), limits)
    if read.record.status != ACCEPTED:
        raise RegistryError(f"Không đọc được tệp danh mục đơn vị {path}: {read.record.reason}")
    if not any(table.spec is REGISTRY for table in read.tables):
        raise RegistryError(f"Tệp {path} không có trang Danh mục đơn vị (cần các cột Mã đơn vị, "
                            "Tên đơn vị, Mã đơn vị cấp trên).")
    return read


def load_registry(path: Path, campaign: Campaign) -> Registry:
    """The unit tree of a registry workbook alone (for `dhtt-merge allocate`)."""
    rows, findings = _registry_rows([read_registry_file(path)], campaign, dt.date.today())
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        first = errors[0]
        raise RegistryError(f"Danh mục {path} có {len(errors)} ô không hợp lệ, ví dụ dòng "
                            f"{first.row}: {first.message}")
    return build_registry(rows, campaign, inferred=False, source=str(path))


def consolidate(read_files: list[ReadFile], campaign: Campaign, as_of: dt.date,
                registry_file: ReadFile | None = None) -> Consolidation:
    """The pure middle of the pipeline: read content in, consolidated frames and findings out."""
    severities = campaign.severities
    findings: list[Finding] = []
    files = [item.record for item in read_files]
    for item in read_files:
        if item.record.status == REJECTED:
            findings.append(make_finding("UNREADABLE_FILE", f"{item.record.reason}.", severities,
                                         file=item.record.relpath))
        findings += _conversion_findings(item, severities)

    registry_sources = _registry_sources(read_files, registry_file)
    registry_rows, registry_findings = _registry_rows(registry_sources, campaign, as_of)
    findings += registry_findings

    submissions = [item for item in read_files
                   if item.record.status == ACCEPTED and item.record.role == "submission"]
    findings += _classify_submissions(submissions, severities)
    info, info_findings = _info_frame(submissions, campaign, as_of)
    findings += info_findings

    if registry_sources:
        source = registry_sources[0].record.relpath
        registry = build_registry(registry_rows, campaign, inferred=False, source=source)
    else:
        registry = build_registry(info, campaign, inferred=True)
    findings += attach_submissions(files, info, registry, campaign)
    findings += _missing_sheets(submissions, campaign)

    sheets: dict[str, pd.DataFrame] = {}
    units_by_file = {r.file_id: r.unit for r in files}
    for spec in ROW_SHEETS:
        pieces = [_piece(item, parse_table(table), units_by_file.get(item.record.file_id))
                  for item in submissions for table in item.tables if table.spec is spec]
        frame, problems = stack(spec, pieces)
        validation = validate_frame(spec.key, frame, problems, severities,
                                    this_year=as_of.year)
        sheets[spec.key] = row_status(frame, files, validation.failed, validation.messages)
        findings += _only_live(validation.findings, files)

    findings += missing_submissions(files, registry, campaign, as_of)
    contacts = {str(row["unit_code"]): str(row["email"]) for row in info.to_dict("records")
                if isinstance(row.get("email"), str)}
    info = info[info["_file_id"].isin([r.file_id for r in files if r.status == ACCEPTED])]
    consolidation = Consolidation(campaign, as_of, files, registry, info.reset_index(drop=True),
                                  sheets, findings,
                                  extra={"cells": _cell_letters([*read_files, registry_file]),
                                         "contacts": contacts})
    from .quotas import allocation_rows
    from .rules import check_rules

    rows, allocation_findings = allocation_rows(consolidation)
    consolidation.extra["allocation"] = rows
    consolidation.findings = sorted(findings + check_rules(consolidation) + allocation_findings,
                                    key=sort_key)
    return consolidation


def _piece(item: ReadFile, table: RawTable, unit: str | None) -> TablePiece:
    assert table.parsed is not None
    return TablePiece(table.parsed, item.record.file_id, item.record.relpath, table.sheet,
                      table.excel_rows, unit)


def _conversion_findings(item: ReadFile, severities: dict) -> list[Finding]:
    """One info finding per sheet whose legacy-font text was converted to Unicode."""
    findings = []
    for conversion in item.conversions:
        before, after = conversion.example
        fonts = " và ".join(ENCODING_FONTS[name] for name in conversion.encodings)
        findings.append(make_finding(
            "LEGACY_ENCODING",
            f"Trang «{conversion.sheet}» gõ bằng {fonts}: đã chuyển {conversion.cells} ô sang "
            f"Unicode, ví dụ «{before}» thành «{after}». Kiểm tra lại các ô này.",
            severities, file=item.record.relpath, sheet=conversion.sheet, value=before))
    return findings


def _registry_sources(read_files: list[ReadFile], registry_file: ReadFile | None) -> list[ReadFile]:
    """The registry workbook: the --units file, else the inbox workbooks holding one."""
    in_inbox = [item for item in read_files if item.record.status == ACCEPTED and item.form is None
                and any(table.spec is REGISTRY for table in item.tables)]
    for item in in_inbox:
        item.record.role = "registry"
        if registry_file is not None:
            item.record.status = SKIPPED
            item.record.reason = "Danh mục đơn vị trong thư mục không dùng (đã chỉ định --units)"
        else:
            item.record.reason = "Danh mục đơn vị"
    if registry_file is not None:
        return [registry_file]
    for extra in in_inbox[1:]:
        used = in_inbox[0].record.relpath
        extra.record.reject(f"Thư mục có nhiều danh mục đơn vị; dùng «{used}»")
    return in_inbox[:1]


def _registry_rows(sources: list[ReadFile], campaign: Campaign,
                   as_of: dt.date) -> tuple[pd.DataFrame, list[Finding]]:
    rows = [
        SourceRow(item.record.file_id, item.record.relpath, table.sheet, excel_row, values)
        for item in sources for table in item.tables if table.spec is REGISTRY
        for excel_row, values in table.rows
    ]
    frame, problems = build_frame(REGISTRY, rows)
    validation = validate_frame("registry", frame, problems, campaign.severities,
                                this_year=as_of.year)
    frame["_extra"] = pd.Series([row.values.get("_extra") for row in rows], index=frame.index,
                                dtype="object")
    valid = frame.drop(index=list(validation.rejected))
    return valid, validation.findings


def _classify_submissions(submissions: list[ReadFile], severities: dict) -> list[Finding]:
    """Files without a unit form cannot be attached; files with nothing recognisable are unreadable.
    """
    findings: list[Finding] = []
    for item in submissions:
        record = item.record
        if item.form is None and not item.tables:
            record.reject("Không nhận ra trang tính nào theo mẫu")
            findings.append(make_finding(
                "UNREADABLE_FILE",
                "Không nhận ra trang tính nào theo mẫu (Thông tin đơn vị, Đại biểu, Đề nghị khen "
                f"thưởng, Kết quả thi đua). Các trang có trong tệp: {', '.join(record.sheets)}.",
                severities, file=record.relpath))
        elif item.form is None:
            record.reject("Thiếu trang Thông tin đơn vị: không xác định được đơn vị gửi")
            findings.append(make_finding(
                "MISSING_SHEET",
                "Thiếu trang «Thông tin đơn vị» (có Mã đơn vị): không xác định được đơn vị gửi, "
                "toàn bộ tệp không được tổng hợp.",
                severities, file=record.relpath, sheet=INFO.title))
        for table in item.tables:
            record.extra_columns += [f"{table.sheet}: {name}" for name in table.extra_columns]
            if table.extra_columns:
                findings.append(make_finding(
                    "EXTRA_COLUMN",
                    f"Trang «{table.sheet}» có cột ngoài mẫu: {', '.join(table.extra_columns)}. "
                    "Các cột này không được tổng hợp.",
                    severities, file=record.relpath, sheet=table.sheet, row=table.header_row))
            for header in table.missing_columns:
                findings.append(make_finding(
                    "SCHEMA",
                    f"Không tìm thấy cột bắt buộc «{header}» ở dòng tiêu đề của trang "
                    f"«{table.sheet}».",
                    severities, file=record.relpath, sheet=table.sheet, row=table.header_row,
                    column=header))
    return findings


def _info_frame(submissions: list[ReadFile], campaign: Campaign,
                as_of: dt.date) -> tuple[pd.DataFrame, list[Finding]]:
    """One validated row per submission with a unit form; an unusable unit code rejects the file."""
    with_form = [item for item in submissions if item.form is not None
                 and item.record.status == ACCEPTED]
    rows = []
    for item in with_form:
        assert item.form is not None
        values = {key: value for key, (value, _) in item.form.fields.items()}
        code_row = item.form.fields.get("unit_code", (None, 1))[1]
        unit = values.get("unit_code")
        rows.append(SourceRow(item.record.file_id, item.record.relpath, item.form.sheet, code_row,
                              values, None if unit is None else str(unit).strip() or None))
    frame, problems = build_frame(INFO, rows)
    cells = [{key: row for key, (_, row) in item.form.fields.items()}  # type: ignore[union-attr]
             for item in with_form]

    def row_of(index: int, key: str) -> int | None:
        return cells[index].get(key, int(frame.at[index, "_row"]))

    validation = validate_frame("info", frame, problems, campaign.severities, row_of=row_of,
                                this_year=as_of.year)
    frame["_cells"] = pd.Series(cells, index=frame.index, dtype="object")
    level_findings = _unknown_levels(frame, campaign, row_of)
    for index, columns in validation.failed.items():
        if "unit_code" in columns:
            with_form[index].record.reject("Mã đơn vị trống hoặc không hợp lệ ở trang Thông tin "
                                           "đơn vị")
        for column in columns - {"unit_code"}:
            frame.at[index, column] = pd.NA
    keep = [i for i in frame.index if "unit_code" not in validation.failed.get(i, set())]
    return frame.loc[keep], validation.findings + level_findings


def _unknown_levels(frame: pd.DataFrame, campaign: Campaign,
                    row_of: Callable[[int, str], int | None]) -> list[Finding]:
    """SCHEMA for a Cấp đơn vị that names none of the campaign's levels (the template's
    drop-down lists them); the value is cleared, so the unit's level comes from the tree."""
    findings: list[Finding] = []
    names = ", ".join(level.name for level in campaign.levels)
    for index, label in frame["level"].items():
        if pd.isna(label) or any(level.matches(str(label)) for level in campaign.levels):
            continue
        findings.append(make_finding(
            "SCHEMA", f"Cấp đơn vị «{label}» không thuộc các cấp của đợt thi đua: {names}.",
            campaign.severities, unit=optional_text(frame.at[index, "unit_code"]),
            file=str(frame.at[index, "_file"]), sheet=str(frame.at[index, "_sheet"]),
            row=row_of(int(index), "level"), column=INFO.column("level").header,
            value=str(label)))
        frame.at[index, "level"] = pd.NA
    return findings


def _missing_sheets(submissions: list[ReadFile], campaign: Campaign) -> list[Finding]:
    findings: list[Finding] = []
    for item in submissions:
        if item.record.status != ACCEPTED:
            continue
        present = {table.spec.key for table in item.tables} | {"info"}
        for key in campaign.required_sheets:
            if key not in present:
                title = BY_KEY[key].title
                findings.append(make_finding(
                    "MISSING_SHEET",
                    f"Thiếu trang bắt buộc «{title}» (theo {campaign.document}). Các trang khác "
                    "của tệp vẫn được tổng hợp.",
                    campaign.severities, unit=item.record.unit, file=item.record.relpath,
                    sheet=title))
    return findings


def _cell_letters(read_files: list[ReadFile | None]) -> dict[tuple[str, str, str], str]:
    """(file, sheet, column header) -> the column letter in the source, to point at cells."""
    letters: dict[tuple[str, str, str], str] = {}
    for item in read_files:
        if item is None:
            continue
        parts: list[tuple[str, dict[str, str], object]] = [
            (table.sheet, table.letters, table.spec) for table in item.tables]
        if item.form is not None:
            parts.append((item.form.sheet, item.form.letters, INFO))
        for sheet, by_key, spec in parts:
            for key, letter in by_key.items():
                letters[(item.record.relpath, sheet, spec.column(key).header)] = letter  # type: ignore[attr-defined]
    return letters


def _only_live(findings: list[Finding], files: list[FileRecord]) -> list[Finding]:
    """Cell findings of files that were rejected or superseded as a whole are not repeated."""
    live = {r.relpath for r in files if r.status == ACCEPTED}
    return [f for f in findings if f.file in live]
