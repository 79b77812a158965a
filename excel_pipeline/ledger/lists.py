"""Awards from a list in the template's «Đề nghị khen thưởng» layout: a decision's annex, or
the considered nominations of a run, recorded as granted by `dhtt-merge ledger import`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..ingest.inbox import parse_table
from ..ingest.read import UnreadableWorkbook, read_workbook
from ..template import NOMINATIONS
from ..textnorm import clean_text, fold
from .store import Award, LedgerError, too_long

# What each limited column of the ledger is called in the list the officer gave.
_COLUMN_NAMES = {"cccd": "Số CCCD", "subject": NOMINATIONS.column("subject").header}
# Headers of an extra column that holds a person's citizen identity number.
_CCCD_HEADERS = {"so cccd", "cccd", "so can cuoc", "so can cuoc cong dan", "so cmnd cccd",
                 "so dinh danh ca nhan", "so dinh danh"}


def awards_from_list(path: Path, year: int, decision: str,
                     decision_date: dt.date | None = None) -> tuple[list[Award], list[str]]:
    """Every named row of the file's Đề nghị khen thưởng table, as granted by `decision`, and
    a message for each row left out because a value is longer than the ledger holds."""
    try:
        content = read_workbook(path.read_bytes())
    except (OSError, UnreadableWorkbook) as exc:
        raise LedgerError(f"Không đọc được {path}: {exc}") from None
    tables = [table for table in content.tables if table.spec is NOMINATIONS]
    if not tables:
        raise LedgerError(f"Tệp {path} không có bảng «{NOMINATIONS.title}» (cần các cột Đối "
                          "tượng, Họ tên / Tên tập thể, Hình thức khen thưởng).")
    unit = ""
    if content.form is not None and "unit_code" in content.form.fields:
        unit = clean_text(content.form.fields["unit_code"][0]) or ""
    granted: list[Award] = []
    problems: list[str] = []
    for table in tables:
        extras = table.extras  # by row index; parsing lets the table's own go
        parsed = parse_table(table).parsed
        assert parsed is not None
        columns = parsed.columns
        for index in range(len(parsed)):
            name, form = columns["name"][index], columns["award"][index]
            if not name or not form:
                continue
            row_extras = extras.get(index, {})
            cccd = next((clean_text(value) for header, value in row_extras.items()
                         if fold(header) in _CCCD_HEADERS), None)
            # A consolidated list (tong-hop.xlsx) names each row's unit in a column of its own.
            row_unit = next((clean_text(value) for header, value in row_extras.items()
                             if fold(header) == "ma don vi"), None)
            birth = columns["birth_year"][index]
            award = Award(columns["subject"][index] or "Cá nhân", name,
                          int(birth) if birth else None, row_unit or unit, form, year, decision,
                          decision_date, cccd, path.name)
            long = too_long(award)
            if long:
                row = table.excel_rows[index] if index < len(table.excel_rows) else index + 1
                problems += [f"Trang «{table.sheet}» dòng {row} ({name}): "
                             f"«{_COLUMN_NAMES.get(column, column)}» dài {length} ký tự, sổ chỉ "
                             f"giữ {limit}; dòng này không được ghi vào sổ."
                             for column, length, limit in long]
                continue
            granted.append(award)
    return granted, problems
