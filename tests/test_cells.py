"""Rows streamed as XML must be exactly what xlsxwriter's own cell writers make of them.

Each test writes the same rows twice, once with `write_rows` (streamed where it can) and once
cell by cell through xlsxwriter, and compares the sheets' XML parts and what openpyxl reads back.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from math import inf
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from excel_pipeline.write.cells import ROWS_OPTIONS, Link
from excel_pipeline.write.fast.rows import _write_cells, write_rows
from excel_pipeline.write.styles import Styles

TRICKY = [
    "Nguyễn Thị Ánh", "x", "", " lề trái", "lề phải ", "a\u00a0", "\u2003b", "dòng\nmới",
    "cuối dòng\n", "tab\tgiữa", "A & B", "<r>rich</r>", "1 < 2 > 0", '"ngoặc"', "=SUM(A1)",
    "_x0041_", "_x", "_xZZZZ_", "điều\x01khiển", "\x00", "\ufffe", "\uffff", "😀 biểu tượng",
    "ư" * 16_383, "ư" * 16_384, "😀" * 16_384, "a" * 40_000,
    0, 1, -7, 2 ** 53 + 1, 10 ** 20, 0.1, 1e20, 1e-7, -0.0, 1 / 3, float("nan"), float("inf"),
    float("-inf"), None, pd.NA, True, False, dt.date(2025, 3, 5), pd.Timestamp("2025-03-05"),
    pd.NaT, dt.datetime(2025, 3, 5, 7, 30),
]


def write_both(folder: Path, rows: list[list[Any]], bold_rows: set[int]) -> tuple[Path, Path]:
    paths = []
    for name, writer in (("streamed", write_rows), ("by-cell", _write_cells)):
        path = folder / f"{name}.xlsx"
        book = xlsxwriter.Workbook(str(path), ROWS_OPTIONS)
        styles = Styles(book)
        sheet = book.add_worksheet("Bảng")
        sheet.set_row(0, 32)
        width = max([1, *(len(row) for row in rows)])
        for col in range(width):
            sheet.write_string(0, col, f"Cột {col}", styles.header)
        looks = list(styles.cells.values())
        formats = [looks[col % len(looks)] for col in range(width)]
        bold = [styles.bold["text"]] * width
        writer(sheet, rows, formats, bold, bold_rows, 1)
        sheet.autofilter(0, 0, max(len(rows), 1), width - 1)
        book.close()
        paths.append(path)
    return paths[0], paths[1]


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def read_back(path: Path) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path)["Bảng"]
    return [(cell.coordinate, cell.value, cell.data_type, cell.font.b, cell.number_format)
            for row in sheet.iter_rows() for cell in row]


def test_every_kind_of_value_is_written_as_xlsxwriter_writes_it(tmp_path):
    rows = [[value, "bên cạnh", 5] for value in TRICKY]
    rows += [TRICKY[i:i + 7] for i in range(0, len(TRICKY), 7)]
    rows.append([])
    rows.append(["chỉ một ô"])
    streamed, by_cell = write_both(tmp_path, rows, bold_rows={0, 3, 20, len(rows) - 1})
    assert sheet_xml(streamed) == sheet_xml(by_cell)
    assert read_back(streamed) == read_back(by_cell)


def test_plain_rows_are_streamed_and_still_read_back(tmp_path):
    rows = [[f"Người {i}", 1980 + i % 20, i % 3 == 0, None, 0.5 * i] for i in range(2_500)]
    streamed, by_cell = write_both(tmp_path, rows, bold_rows={7, 1_999})
    assert sheet_xml(streamed) == sheet_xml(by_cell)
    sheet = openpyxl.load_workbook(streamed)["Bảng"]
    assert sheet.max_row == 2_501 and sheet.dimensions == "A1:E2501"
    assert [c.value for c in sheet[2]][:4] == ["Người 0", 1980, "x", None]
    assert sheet["E4"].number_format == "dd/mm/yyyy"  # the fifth column has the date look
    assert sheet["A9"].font.b and not sheet["A10"].font.b
    assert sheet["D2"].border.left.style == "thin"  # a blank cell keeps its look


values = st.one_of(
    st.text(max_size=12), st.sampled_from(TRICKY[:23]), st.integers(-10 ** 6, 10 ** 16),
    st.floats(allow_nan=True, allow_infinity=True), st.none(), st.booleans(),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.builds(Link, st.text(max_size=8), st.sampled_from(["'Đại biểu'!A5", "'Lỗi dữ liệu'!A2"])))


@pytest.mark.slow  # a long property run
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(values, max_size=5), max_size=12),
       bold=st.sets(st.integers(0, 11), max_size=4))
def test_any_rows_are_written_as_xlsxwriter_writes_them(tmp_path, rows, bold):
    streamed, by_cell = write_both(tmp_path, rows, bold)
    assert sheet_xml(streamed) == sheet_xml(by_cell)


def test_rows_with_links_are_streamed_as_xlsxwriter_writes_them(tmp_path, monkeypatch):
    """The findings sheet's rows lead to the rows they speak of: a link is its text in the
    streamed row and a link kept aside, as `write_url` keeps it; the sheet is the same."""
    rows = [["Lỗi", "SCHEMA", Link("Đại biểu!C17", "'Đại biểu'!A5"), 17, "Năm sinh sai."],
            ["Cảnh báo", "DUPLICATE_PERSON", Link("Đại biểu!B9", "'Đại biểu'!A9"), 9, None],
            ["Thông tin", "EXTRA_COLUMN", "Đề nghị khen thưởng!D3", 3, "Cột ngoài mẫu."]]
    from excel_pipeline.write.fast import rows as fast_rows

    kept: list[tuple[int, int]] = []
    keep = fast_rows.add_internal_link

    def counted(sheet: Any, row: int, col: int, target: str, text: str) -> None:
        kept.append((row, col))
        keep(sheet, row, col, target, text)

    monkeypatch.setattr(fast_rows, "add_internal_link", counted)
    streamed, by_cell = write_both(tmp_path, rows, set())
    assert kept == [(1, 2), (2, 2)]  # the rows with links took the streamed path
    assert sheet_xml(streamed) == sheet_xml(by_cell)
    assert b"<hyperlinks>" in sheet_xml(streamed)
    assert sheet_xml(streamed).count(b"<hyperlink ") == 2


def test_a_streamed_submission_holds_the_cells_of_one_in_excel_layout(tmp_path):
    from excel_pipeline.template import DELEGATES
    from excel_pipeline.write.submission import write_submission

    keys = DELEGATES.keys
    finite = [value for value in TRICKY if not (isinstance(value, float) and abs(value) == inf)]
    delegates = [{key: finite[(row * 5 + col) % len(finite)] for col, key in enumerate(keys)}
                 for row in range(3 * len(finite))]
    delegates.append({"full_name": "Chỉ có tên", "to_upper": True, "presidium": False})
    info = {"unit_code": "C01", "unit_name": "A & B <tổ>", "submitted_on": dt.date(2025, 3, 5)}
    paths = {}
    for streamed in (True, False):
        paths[streamed] = write_submission(tmp_path / f"{streamed}.xlsx", info,
                                           {"delegates": delegates, "nominations": []},
                                           title="Tiêu đề", streamed=streamed)

    def values(path: Path) -> dict[str, list[list[Any]]]:
        # Read as the next level reads it. (openpyxl does not undo the "_x005F_" escape in
        # inline text, which Excel and calamine do.)
        book = CalamineWorkbook.from_path(str(path))
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}

    def looks(path: Path) -> dict[str, Any]:
        book = openpyxl.load_workbook(path)
        return {sheet.title: ([(c.coordinate, c.data_type, c.font.b, c.number_format,
                                c.border.left.style) for row in sheet.iter_rows() for c in row],
                              sorted(map(str, sheet.merged_cells.ranges)),
                              {k: d.width for k, d in sheet.column_dimensions.items()})
                for sheet in book}

    assert values(paths[True]) == values(paths[False])
    last = values(paths[True])["Đại biểu"][-1]
    assert (last[1], last[keys.index("to_upper")], last[keys.index("presidium")]) == (
        "Chỉ có tên", "x", "")
    assert looks(paths[True]) == looks(paths[False])
    with zipfile.ZipFile(paths[True]) as streamed, zipfile.ZipFile(paths[False]) as excel:
        assert "xl/sharedStrings.xml" not in streamed.namelist()  # text went inline, row by row
        assert "xl/sharedStrings.xml" in excel.namelist()


_LINK_TEXT = st.text(alphabet=st.sampled_from(list("Đạibểu '!&\"<>\n\t0129AZ")), min_size=1,
                     max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(links=st.dictionaries(st.tuples(st.integers(1, 40), st.integers(0, 30)),
                             st.tuples(_LINK_TEXT, _LINK_TEXT), min_size=1, max_size=20),
       external=st.booleans())
def test_links_kept_aside_are_written_as_write_url_writes_them(tmp_path, links, external):
    """The links recorded beside streamed rows (`add_internal_links`) are written as the
    sheet's `<hyperlinks>` element byte for byte as xlsxwriter's `write_url` leaves them, in
    any order of recording, escapes included; with a link of another kind among them too."""
    from excel_pipeline.write.fast.xlsxwriter_internals import add_internal_links

    def written(name: str, kept_aside: bool) -> bytes:
        path = tmp_path / f"{name}.xlsx"
        book = xlsxwriter.Workbook(str(path), {"strings_to_urls": False})
        sheet = book.add_worksheet("Bảng")
        look = book.add_format({"underline": 1})  # write_url's own look, were none given
        if external:
            sheet.write_url(0, 0, "https://congdoan.vn/?a=1&b=2", string="Trang")
        for (row, col), (text, target) in links.items():
            sheet.write_string(row, col, text, look)
            if not kept_aside:
                sheet.write_url(row, col, f"internal:{target}", look, string=text)
        if kept_aside:
            add_internal_links(sheet, [(row, col, target, text)
                                       for (row, col), (text, target) in reversed(links.items())])
        book.close()
        return sheet_xml(path)

    by_write_url = written("write-url", False)
    assert written("kept-aside", True) == by_write_url
    assert by_write_url.count(b"<hyperlink ") == len(links) + external
