"""The whole ledger as a workbook (`dhtt-merge ledger export`), printable like our others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .atomic import written_atomically
from .cells import TEXT_SAFE, write_cell
from .paper import fit_widths, header_height, print_setup, wrapped
from .styles import FONT, Col, Styles

SHEET = "Sổ khen thưởng"
COLUMNS = [Col("Năm", 7, "year"), Col("Đối tượng", 10), Col("Họ tên / Tên tập thể", 26),
           Col("Năm sinh", 8, "year"), Col("Đơn vị", 12), Col("Số CCCD", 14),
           Col("Hình thức", 24), Col("Quyết định", 18), Col("Ngày quyết định", 12, "date"),
           Col("Nguồn", 20)]


def write_ledger(rows: list[dict[str, Any]], path: Path) -> Path:
    """Every award recorded, one row each, oldest year first."""
    import xlsxwriter

    columns = fit_widths(COLUMNS)
    heights = wrapped(columns)
    with written_atomically(path) as temp_name:
        book = xlsxwriter.Workbook(temp_name, TEXT_SAFE)
        styles = Styles(book)
        sheet = book.add_worksheet(SHEET)
        sheet.set_row(0, header_height(columns))
        for position, column in enumerate(columns):
            sheet.set_column(position, position, column.width)
            sheet.write_string(0, position, column.header, styles.header)
        for number, row in enumerate(rows, start=1):
            values = [row["year"], row["subject"], row["name"], row["birth_year"] or None,
                      row["unit"] or None, row["cccd"], row["form"], row["decision"],
                      row["decision_date"], row["source"] or None]
            height = heights(values)
            if height is not None:
                sheet.set_row(number, height)
            for position, (column, value) in enumerate(zip(columns, values, strict=True)):
                write_cell(sheet, number, position, value, styles.cells[column.style])
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        print_setup(sheet, SHEET, FONT)
        book.close()
    return path
