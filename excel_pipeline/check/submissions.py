"""Attach each submission to its unit: unknown units, duplicates, missing submissions.

Pure: it takes the file records, the validated Thông tin đơn vị frame and the registry, and
decides which file speaks for which unit. Row sheets follow their file's fate (see `row_status`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..campaign import Campaign
from ..findings import FINDING_TYPES, Finding
from ..model import ACCEPTED, REJECTED, SUPERSEDED, FileRecord, FileRole, Registry
from ..template import BY_KEY, CELLS, FILE_ID, REASON, STATUS, UNIT
from ..textnorm import format_date
from .unit_names import likeliest_text, match_unit

T = FINDING_TYPES


def attach_submissions(files: list[FileRecord], info: pd.DataFrame, registry: Registry | None,
                       campaign: Campaign,
                       lists: dict[int, frozenset[str]] | None = None) -> list[Finding]:
    """Settle each submission file's status and unit; return the findings this produces.

    `info` holds one validated row per file that has a usable unit code (columns of the info
    sheet plus `_file_id`, and `_by_name` for a file attached by its unit's name). The records
    given are the consolidation's own copies (`check.consolidate`): their fate is written on them.

    Of two files of one unit, a file carrying the unit's code always wins over one attached by
    name (the conflict is named for the officer); then the later «Ngày gửi báo cáo», then the
    later file time. A unit that sends its lists as files of their own (`lists`: the table
    types of each CSV or Word list) sends one submission in parts: a list whose types no file
    ranked before it carries completes the winner (`part_of`) instead of being superseded.
    """
    findings: list[Finding] = []
    severities = campaign.severities
    by_id = {record.file_id: record for record in files}
    candidates: dict[str, list[FileRecord]] = {}
    info_by_file = {int(row[FILE_ID]): row for row in info.to_dict("records")}
    for file_id, row in info_by_file.items():
        record = by_id[file_id]
        if record.status != ACCEPTED:
            continue
        code = str(row["unit_code"])
        record.unit = code
        submitted = row.get("submitted_on")
        record.submitted_on = None if pd.isna(submitted) else pd.Timestamp(submitted).date()
        if registry is not None and not registry.inferred and code not in registry.units:
            record.reject(f"Mã đơn vị «{code}» không có trong danh mục đơn vị")
            names = {unit.code: unit.name for unit in registry.units.values()}
            likely = likeliest_text(match_unit(row.get("unit_name"), names))
            findings.append(T["UNKNOWN_UNIT"].at(
                severities, {"unit": code, "file": record.relpath, "sheet": BY_KEY["info"].title,
                             "row": _cell_row(row, "unit_code"), "column": "Mã đơn vị",
                             "value": code},
                code=code, likely=likely))
            continue
        candidates.setdefault(code, []).append(record)

    for code, records in candidates.items():
        if len(records) < 2:
            continue
        by_name = {r.file_id for r in records if info_by_file[r.file_id].get("_by_name")}
        ranked = sorted(records, key=lambda r: (r.file_id not in by_name, *_recency(r)),
                        reverse=True)
        winner = ranked[0]
        covered = set((lists or {}).get(winner.file_id, ()))
        for part in ranked[1:]:
            types = (lists or {}).get(part.file_id)
            if types and winner.file_id in (lists or {}) and not types & covered:
                part.part_of = winner.relpath
                part.reason = f"Cùng hồ sơ của đơn vị với {winner.relpath}"
                covered |= types
        for loser in (r for r in ranked[1:] if r.part_of is None):
            named = loser.file_id in by_name and winner.file_id not in by_name
            loser.status = SUPERSEDED
            loser.reason = (f"Tệp nhận theo tên đơn vị; đơn vị có tệp ghi đúng mã: {winner.relpath}"
                            if named else f"Đã có tệp mới hơn của đơn vị: {winner.relpath}")
            findings.append(T["DUPLICATE_SUBMISSION"].at(
                severities, {"unit": code, "file": loser.relpath, "sheet": BY_KEY["info"].title,
                             "row": _cell_row(info_by_file[loser.file_id], "submitted_on"),
                             "column": "Ngày gửi báo cáo", "value": _date(loser.submitted_on)},
                variant="by_name" if named else "default", code=code, count=len(records),
                winner=winner.relpath, winner_date=_date(winner.submitted_on),
                loser=loser.relpath, loser_date=_date(loser.submitted_on)))
    return findings


def missing_submissions(files: list[FileRecord], registry: Registry, campaign: Campaign,
                        as_of: dt.date) -> list[Finding]:
    """MISSING_SUBMISSION for each registry unit expected to submit that sent nothing usable.

    A warning until the unit level's dossier deadline, an error once `as_of` is past it.
    """
    if registry.inferred:
        return []
    submitted = {r.unit for r in files if r.status == ACCEPTED and r.role == FileRole.SUBMISSION}
    findings: list[Finding] = []
    for code in registry.order:
        unit = registry.units[code]
        if unit.parent is None or not unit.level.submits or code in submitted:
            continue
        deadline = unit.level.dossier_deadline
        overdue = deadline is not None and as_of > deadline
        when = (f"đã quá hạn gửi hồ sơ ngày {_date(deadline)}" if overdue else
                f"hạn gửi hồ sơ ngày {_date(deadline)}" if deadline else "chưa có hạn gửi")
        findings.append(T["MISSING_SUBMISSION"].at(
            campaign.severities, {"unit": code}, severity="error" if overdue else None,
            code=code, name=unit.name, when=when, as_of=_date(as_of)))
    return findings


def row_status(frame: pd.DataFrame, files: list[FileRecord], failed: dict[int, set[str]],
               failure_messages: dict[int, list[str]]) -> pd.DataFrame:
    """Add `_status` and `_reason` to a row sheet's frame: every row ends in exactly one place.

    A row follows its file's fate, then its own cells': a province's 150,000 rows come from a
    thousand files, so each file's unit, status and reason are decided once and spread over its
    rows, and only the few rows whose cells failed are looked at one by one."""
    by_id = {record.file_id: record for record in files}
    file_ids, inverse = np.unique(frame[FILE_ID].to_numpy(dtype=np.int64), return_inverse=True)
    records = [by_id[int(file_id)] for file_id in file_ids]
    inverse = inverse.reshape(-1)
    units = _spread([record.unit for record in records], inverse)
    statuses = _spread([_file_status(record) for record in records], inverse)
    reasons = _spread([None if record.status == ACCEPTED else record.reason
                       for record in records], inverse)
    if failed:
        rows = [position for position in np.flatnonzero(frame.index.isin(list(failed)))
                if statuses[position] == ACCEPTED]
        if rows:
            statuses[rows] = REJECTED
            reasons[rows] = np.array([" ".join(failure_messages.get(frame.index[position], []))
                                      or "Dữ liệu không hợp lệ" for position in rows],
                                     dtype=object)
    return frame.assign(**{UNIT: units, STATUS: statuses, REASON: reasons})


def _file_status(record: FileRecord) -> str:
    """The status a file's rows start from (a row of an accepted file may still fail)."""
    if record.status == ACCEPTED:
        return ACCEPTED
    return REJECTED if record.status == REJECTED else SUPERSEDED


def _spread(per_file: list[str | None], inverse: np.ndarray) -> pd.arrays.StringArray:
    """One text per file, typed once, repeated on each row of that file."""
    return pd.array(per_file, dtype="string").take(inverse)


def _recency(record: FileRecord) -> tuple[dt.date, float, str]:
    return (record.submitted_on or dt.date.min, record.mtime, record.relpath)


def _cell_row(row: dict[str, object], key: str) -> int | None:
    cells = row.get(CELLS)
    return cells.get(key) if isinstance(cells, dict) else None


def _date(value: dt.date | None) -> str:
    return format_date(value) if value else "không rõ"
