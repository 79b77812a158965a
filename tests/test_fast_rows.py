"""The fast row writer (`fast.rows`) writes the very XML xlsxwriter's own writers write, for
the values it takes on (texts with white space at either end, line breaks, tabs, links,
numbers of every size, blanks, ticks) and for those it leaves to xlsxwriter; and the row heights
found a column at a time are the heights found row by row."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import xlsxwriter

from excel_pipeline.write.cells import ROWS_OPTIONS, Link
from excel_pipeline.write.fast import xlsxwriter_internals
from excel_pipeline.write.fast.rows import ColumnRows
from excel_pipeline.write.paper import RowHeights
from excel_pipeline.write.styles import Col, Styles
from excel_pipeline.write.workbook import write_table

COLUMNS = [Col("Tên", 12), Col("Số", style="int"), Col("Ghi chú", 9), Col("Ngày", style="date"),
           Col("Ô", 14)]
TEXTS = ["Nguyễn Thị Ánh", " lề ", "lề ", " lề", "\tđầu", "cuối\t", "hai\ndòng", "cuối\n",
         "a & b", "<b>", "_x0041_", "x", "Một câu dài hơn nhiều so với độ rộng của cột này",
         "\u00a0nbsp", "ký tự\x07", "", "=SUM(A1)"]
NUMBERS = [0, -3, 2.5, 1e20, 123456789012345678, float("inf"), float("-inf"), float("nan"),
           pd.NA, None, True, False, 1e-7]


def tricky_rows(count: int) -> list[list[Any]]:
    rows = []
    for i in range(count):
        text = TEXTS[i % len(TEXTS)]
        rows.append([text, NUMBERS[i % len(NUMBERS)], TEXTS[(i * 7) % len(TEXTS)],
                     [dt.date(2025, 3, 5), pd.NaT, None, pd.Timestamp("2025-03-05 10:30"),
                      dt.datetime(2025, 3, 5, 10, 30), pd.Timestamp("2024-02-29")][i % 6],
                     Link(text or "ô", f"'Bảng'!A{i + 2}") if i % 5 else text])
    return rows


def sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet")}


def write(path: Path, rows: Any) -> Path:
    book = xlsxwriter.Workbook(str(path), ROWS_OPTIONS)
    styles = Styles(book)
    write_table(book, styles, "Bảng", COLUMNS, rows, bold_rows={1, 4})
    book.close()
    return path


@pytest.mark.parametrize("as_columns", [False, True])
def test_streamed_rows_are_the_rows_xlsxwriter_writes(tmp_path, monkeypatch, as_columns):
    rows = tricky_rows(3 * len(TEXTS) * len(NUMBERS))
    given: Any = ColumnRows([list(column) for column in zip(*rows, strict=True)]) \
        if as_columns else rows
    fast = sheets(write(tmp_path / "fast.xlsx", given))
    monkeypatch.setenv(xlsxwriter_internals.SWITCH, "0")
    slow = sheets(write(tmp_path / "slow.xlsx", rows))
    assert fast == slow
    assert b'xml:space="preserve"' in fast["xl/worksheets/sheet1.xml"]


def test_heights_found_by_column_are_the_heights_found_by_row():
    heights = RowHeights((12.0, None, 9.0, None, 14.0))
    rows = tricky_rows(200)
    columns = [list(column) for column in zip(*rows, strict=True)]
    expected = [heights(row) for row in rows]
    assert RowHeights((12.0, None, 9.0, None, 14.0)).of_columns(columns, len(rows)) == expected
    assert any(height is not None for height in expected)
    assert heights.of_columns([], 3) == [None] * 3
