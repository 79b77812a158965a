"""Validate and merge per level: from the files read to one consolidated frame per sheet type.

Pure: `ReadFile`s in, a `Consolidation` out, the inputs left as they were (each file's record is
copied before its fate is decided, so consolidating the same files twice gives the same result).
Each sheet type is validated once over all files stacked, with provenance columns; each file is
attached to its unit (or rejected, or superseded), and every row follows its file's fate.
`check.settle` then decides what is considered; only then do the checks read rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from ..campaign import Campaign
from ..findings import FINDING_TYPES, Finding
from ..ingest.documents import other_format
from ..ingest.frames import SourceRow, TablePiece, build_frame, optional_text, stack
from ..ingest.inbox import parse_table
from ..model import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    Consolidation,
    FileRecord,
    FileRole,
    RawTable,
    ReadFile,
)
from ..template import BY_KEY, CELLS, FILE, FILE_ID, INFO, REGISTRY, ROW, ROW_SHEETS, SHEET
from ..textnorm import is_blank
from .contacts import unit_contacts
from .registry import build_registry, registry_rows
from .submissions import attach_submissions, missing_submissions, row_status
from .unit_names import match_unit
from .validate import validate_frame

ENCODING_FONTS = {"TCVN3": "bảng mã TCVN3 (phông .VnTime)", "VNI": "bảng mã VNI (phông VNI-*)"}
T = FINDING_TYPES


def merge_inbox(read_files: list[ReadFile], campaign: Campaign, as_of: dt.date,
                registry_file: ReadFile | None = None) -> Consolidation:
    """The files read, validated and merged: the unit tree, each file's fate, one frame per
    sheet type with every row's status, and the findings of all this. The rules and the
    allocation (`pipeline.consolidate`) are checked on what this returns."""
    severities = campaign.severities
    findings: list[Finding] = []
    read_files = [_own_copy(item) for item in read_files]
    registry_file = _own_copy(registry_file) if registry_file is not None else None
    files = [item.record for item in read_files]
    for item in read_files:
        if item.record.status == REJECTED:
            findings.append(T["UNREADABLE_FILE"].at(severities, {"file": item.record.relpath},
                                                    reason=item.record.reason))

    registry_sources = _registry_sources(read_files, registry_file)
    registry_frame, registry_findings = registry_rows(registry_sources, campaign, as_of)
    findings += registry_findings

    submissions = [item for item in read_files
                   if item.record.status == ACCEPTED and item.record.role == FileRole.SUBMISSION]
    findings += _classify_submissions(submissions, severities)
    names = dict(zip(registry_frame["unit_code"].astype(str), registry_frame["unit_name"],
                     strict=True)) if registry_sources and len(registry_frame) else None
    info, info_findings = _info_frame(submissions, campaign, as_of, names)

    if registry_sources:
        source = registry_sources[0].record.relpath
        registry = build_registry(registry_frame, campaign, inferred=False, source=source)
    else:
        registry = build_registry(info, campaign, inferred=True)
    findings += attach_submissions(files, info, registry, campaign, _lists(submissions))
    # A file set aside (superseded, or an unknown unit) is not judged cell by cell; the unit
    # code's own finding stays, as it is why the file was rejected.
    code_header = INFO.column("unit_code").header
    live = _live(files)  # no file's fate changes after this
    findings += [f for f in info_findings if f.file in live or f.column == code_header]
    findings += _missing_sheets(submissions, campaign)
    findings += _only(live, [*_table_findings(submissions, severities),
                             *(f for item in read_files
                               for f in _conversion_findings(item, severities))])

    sheets: dict[str, pd.DataFrame] = {}
    units_by_file = {r.file_id: r.unit for r in files}
    for spec in ROW_SHEETS:
        pieces = [_piece(item, parse_table(table), units_by_file.get(item.record.file_id))
                  for item in submissions for table in item.tables if table.spec is spec]
        frame, problems = stack(spec, pieces)
        validation = validate_frame(spec.key, frame, problems, severities,
                                    this_year=as_of.year)
        sheets[spec.key] = row_status(frame, files, validation.failed, validation.messages)
        findings += _only(live, _once_per_missing_column(validation.findings, submissions))
    findings += _only(live, _total_findings(submissions, units_by_file, severities))
    # What a list lacks is said for the files that stand, and for a file rejected for it.
    rejected = {r.relpath for r in files if r.status == REJECTED}
    findings += [f for f in _column_findings(submissions, units_by_file, severities)
                 if f.file in live or (f.code == "COLUMNS_NOT_FOUND" and f.file in rejected)]

    findings += missing_submissions(files, registry, campaign, as_of)
    matched = {f.file for f in info_findings if f.code == "UNIT_MATCHED_BY_NAME" and f.file}
    contacts, contact_findings = unit_contacts(info, files, registry, matched, severities)
    findings += contact_findings
    # One information row per unit: a list that completes another file brings its rows only.
    info = info[info[FILE_ID].isin([r.file_id for r in files
                                    if r.status == ACCEPTED and r.part_of is None])]
    return Consolidation(campaign, as_of, tuple(files), registry, info.reset_index(drop=True),
                         sheets, tuple(findings), cells=_cell_letters([*read_files, registry_file]),
                         contacts=contacts)


def _own_copy(item: ReadFile) -> ReadFile:
    """The file with a record of its own: its fate is decided on the copy, the caller's record is
    left as ingest made it."""
    record = replace(item.record, sheets=list(item.record.sheets),
                     extra_columns=list(item.record.extra_columns),
                     notes=list(item.record.notes))
    return replace(item, record=record)


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
        if conversion.by_characters:
            fonts = " và ".join(f"bảng mã {name}" for name in conversion.encodings) + \
                " (nhận ra từ ký tự; phông chữ của ô đã bị đổi)"
        findings.append(T["LEGACY_ENCODING"].at(
            severities, {"unit": item.record.unit, "file": item.record.relpath,
                         "sheet": conversion.sheet, "value": before},
            sheet=conversion.sheet, fonts=fonts, cells=conversion.cells, before=before,
            after=after))
    return findings


def _total_findings(submissions: list[ReadFile], units: dict[int, str | None],
                    severities: dict) -> list[Finding]:
    """A total line under a list («Tổng cộng: 25», «Danh sách có 25 người») that disagrees with
    the rows counted: often a row lost when the list was copied (TOTAL_MISMATCH)."""
    findings = []
    for item in submissions:
        for table in item.tables:
            if table.stated_total is None or table.spec.key == "indicators":
                continue
            row, stated = table.stated_total
            counted = len(table.excel_rows)
            if stated == counted:
                continue
            findings.append(T["TOTAL_MISMATCH"].at(
                severities, {"unit": units.get(item.record.file_id), "file": item.record.relpath,
                             "sheet": table.sheet, "row": row, "value": stated},
                stated=stated, counted=counted))
    return findings


def _registry_sources(read_files: list[ReadFile], registry_file: ReadFile | None) -> list[ReadFile]:
    """The registry workbook: the --units file, else the inbox workbooks holding one."""
    in_inbox = [item for item in read_files if item.record.status == ACCEPTED and item.form is None
                and any(table.spec is REGISTRY for table in item.tables)]
    for item in in_inbox:
        item.record.role = FileRole.REGISTRY
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


def _classify_submissions(submissions: list[ReadFile], severities: dict) -> list[Finding]:
    """Files without a unit form cannot be attached; files with nothing recognisable are unreadable.
    """
    findings: list[Finding] = []
    for item in submissions:
        record = item.record
        if item.form is None and not item.tables and item.near_misses:
            # Said by `_column_findings`: which columns are missing, what the header holds.
            record.reject("Danh sách thiếu cột bắt buộc: " + ", ".join(
                f"trang «{near.sheet}» thiếu {', '.join(near.missing)}"
                for near in item.near_misses))
        elif item.form is None and not item.tables:
            record.reject("Không nhận ra trang tính nào theo mẫu")
            findings.append(T["UNREADABLE_FILE"].at(severities, {"file": record.relpath},
                                                    variant="no_sheet",
                                                    sheets=", ".join(record.sheets)))
        elif item.form is None:
            record.reject("Thiếu trang Thông tin đơn vị: không xác định được đơn vị gửi")
            findings.append(T["MISSING_SHEET"].at(
                severities, {"file": record.relpath, "sheet": INFO.title}, variant="no_info"))
        for table in item.tables:
            record.extra_columns += [f"{table.sheet}: {name}" for name in table.extra_columns]
    return findings


def _table_findings(submissions: list[ReadFile], severities: dict) -> list[Finding]:
    """Columns outside the template (info), told once the file's unit is known, so each names
    the unit it concerns."""
    findings: list[Finding] = []
    for item in submissions:
        record = item.record
        for table in item.tables:
            if table.extra_columns:
                findings.append(T["EXTRA_COLUMN"].at(
                    severities, {"unit": record.unit, "file": record.relpath,
                                 "sheet": table.sheet, "row": table.header_row},
                    sheet=table.sheet, columns=", ".join(table.extra_columns)))
    return findings


def _once_per_missing_column(findings: list[Finding],
                             submissions: list[ReadFile]) -> list[Finding]:
    """A required column a list lacks is said once, at its header (`_column_findings`), not
    again as a blank cell on each of its rows."""
    missing = {(item.record.relpath, table.sheet, header) for item in submissions
               for table in item.tables for header in table.missing_columns}
    if not missing:
        return findings
    return [f for f in findings if f.code != "SCHEMA" or f.row is None
            or (f.file, f.sheet, f.column) not in missing]


def _column_findings(submissions: list[ReadFile], units: dict[int, str | None],
                     severities: dict) -> list[Finding]:
    """What a list lacks, once the file's unit is known: SCHEMA for each required column a
    recognised table misses, one COLUMNS_NOT_FOUND for a sheet that looks like one of our lists
    but lacks required columns (with the headings it has), one VALUE_INFERRED per sheet whose
    absent column the reader filled from the names."""
    findings: list[Finding] = []
    for item in submissions:
        record = item.record
        unit = units.get(record.file_id)
        for table in item.tables:
            for header in table.missing_columns:
                findings.append(T["SCHEMA"].at(
                    severities, {"unit": unit, "file": record.relpath, "sheet": table.sheet,
                                 "row": table.header_row, "column": header},
                    variant="missing_column", header=header, sheet=table.sheet))
            for header in table.inferred:
                findings.append(T["VALUE_INFERRED"].at(
                    severities, {"unit": unit, "file": record.relpath, "sheet": table.sheet,
                                 "row": table.header_row, "column": header},
                    sheet=table.sheet, header=header))
        for near in item.near_misses:
            findings.append(T["COLUMNS_NOT_FOUND"].at(
                severities, {"unit": unit, "file": record.relpath, "sheet": near.sheet,
                             "row": near.header_row, "value": ", ".join(near.missing)},
                sheet=near.sheet, kind=near.kind, missing=", ".join(near.missing),
                header_row=near.header_row, seen="; ".join(near.seen)))
    return findings


def _info_frame(submissions: list[ReadFile], campaign: Campaign, as_of: dt.date,
                names: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[Finding]]:
    """One validated row per submission with a unit form; an unusable unit code rejects the
    file. With the registry's `names` (code -> name), a blank or unknown code is taken from a
    Tên đơn vị that names exactly one registry unit (UNIT_MATCHED_BY_NAME)."""
    with_form = [item for item in submissions if item.form is not None
                 and item.record.status == ACCEPTED]
    rows = []
    matched: list[Finding] = []
    by_name: list[int] = []  # files attached by their unit's name, not by a code they carry
    for item in with_form:
        assert item.form is not None
        values = {key: value for key, (value, _) in item.form.fields.items()}
        code_row = item.form.fields.get("unit_code", (None, 1))[1]
        unit = values.get("unit_code")
        code = None if unit is None else str(unit).strip() or None
        if names and code not in names and not is_blank(values.get("unit_name")):
            found = match_unit(values["unit_name"], names).code
            if found is not None:
                values["unit_code"] = code = found
                said = f"ghi Mã đơn vị «{unit}» không có trong danh mục" if unit is not None \
                    and str(unit).strip() else "không ghi Mã đơn vị"
                matched.append(T["UNIT_MATCHED_BY_NAME"].at(
                    campaign.severities,
                    {"unit": found, "file": item.record.relpath, "sheet": item.form.sheet,
                     "row": code_row, "column": INFO.column("unit_code").header,
                     "value": None if unit is None else str(unit)},
                    said=said, name=values["unit_name"], code=found, registry_name=names[found]))
                by_name.append(item.record.file_id)
        rows.append(SourceRow(item.record.file_id, item.record.relpath, item.form.sheet, code_row,
                              values, code))
    frame, problems = build_frame(INFO, rows)
    cells = [{key: row for key, (_, row) in item.form.fields.items()}  # type: ignore[union-attr]
             for item in with_form]

    def row_of(index: int, key: str) -> int | None:
        return cells[index].get(key, int(frame.at[index, ROW]))

    validation = validate_frame("info", frame, problems, campaign.severities, row_of=row_of,
                                this_year=as_of.year)
    frame[CELLS] = pd.Series(cells, index=frame.index, dtype="object")
    frame["_by_name"] = frame[FILE_ID].isin(by_name).astype(bool)
    level_findings = _unknown_levels(frame, campaign, row_of)
    for index, columns in validation.failed.items():
        if "unit_code" in columns:
            with_form[index].record.reject("Mã đơn vị trống hoặc không hợp lệ ở trang Thông tin "
                                           "đơn vị")
        for column in columns - {"unit_code"}:
            frame.at[index, column] = pd.NA
    keep = [i for i in frame.index if "unit_code" not in validation.failed.get(i, set())]
    return frame.loc[keep], matched + validation.findings + level_findings


def _unknown_levels(frame: pd.DataFrame, campaign: Campaign,
                    row_of: Callable[[int, str], int | None]) -> list[Finding]:
    """SCHEMA for a Cấp đơn vị that names none of the campaign's levels (the template's
    drop-down lists them); the value is cleared, so the unit's level comes from the tree."""
    findings: list[Finding] = []
    names = ", ".join(level.name for level in campaign.levels)
    for index, label in frame["level"].items():
        if pd.isna(label) or any(level.matches(str(label)) for level in campaign.levels):
            continue
        findings.append(T["SCHEMA"].at(
            campaign.severities,
            {"unit": optional_text(frame.at[index, "unit_code"]),
             "file": str(frame.at[index, FILE]), "sheet": str(frame.at[index, SHEET]),
             "row": row_of(int(index), "level"), "column": INFO.column("level").header,
             "value": str(label)},
            variant="unknown_level", label=label, levels=names))
        frame.at[index, "level"] = pd.NA
    return findings


def _lists(submissions: list[ReadFile]) -> dict[int, frozenset[str]]:
    """The table types of each submission sent as a list of its own (CSV, text, Word)."""
    return {item.record.file_id: frozenset(table.spec.key for table in item.tables)
            for item in submissions
            if other_format(item.record.relpath) and item.tables}


def _missing_sheets(submissions: list[ReadFile], campaign: Campaign) -> list[Finding]:
    """MISSING_SHEET for a required sheet that none of a unit's accepted files holds (a unit
    sending its lists in parts holds what its parts hold), said on the unit's main file."""
    findings: list[Finding] = []
    held: dict[str | None, set[str]] = {}
    for item in submissions:
        if item.record.status == ACCEPTED:
            held.setdefault(item.record.unit, set()).update(
                table.spec.key for table in item.tables)
    for item in submissions:
        if item.record.status != ACCEPTED or item.record.part_of is not None:
            continue
        present = held.get(item.record.unit, set()) | {"info"}
        for key in campaign.required_sheets:
            if key not in present:
                title = BY_KEY[key].title
                findings.append(T["MISSING_SHEET"].at(
                    campaign.severities,
                    {"unit": item.record.unit, "file": item.record.relpath, "sheet": title},
                    title=title, document=campaign.document))
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


def _live(files: list[FileRecord]) -> set[str]:
    """The files that stand (accepted), by path."""
    return {r.relpath for r in files if r.status == ACCEPTED}


def _only(live: set[str], findings: list[Finding]) -> list[Finding]:
    """Cell findings of files that were rejected or superseded as a whole are not repeated."""
    return [f for f in findings if f.file in live]

