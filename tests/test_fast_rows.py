"""The fast row writer (`fast.rows`) writes the very XML xlsxwriter's own writers write, for
the values it takes on (texts with white space at either end, line breaks, tabs, links,
numbers of every size, blanks, ticks) and for those it leaves to xlsxwriter; and the row heights
found a column at a time are the heights found row by row."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from excel_pipeline.write.cells import ROWS_OPTIONS, Link
from excel_pipeline.write.fast import xlsxwriter_internals
from excel_pipeline.write.fast.rows import ColumnRows, TakenColumn
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


# Plain values only (no markup to escape, no link), with the pairs that are equal in Python
# yet written apart: 1 and True, 0 and False, 0.0 and -0.0, a Timestamp and its datetime.
PLAIN_TEXTS = ["Nguyễn Thị Ánh", " lề ", "hai\ndòng", "Một câu dài hơn nhiều so với độ rộng "
               "của cột này", "x", "Hà Nội", ""]
MIXED = [1, True, 0, False, None, pd.NA, 7, 1.0, -0.0, 0.0, 2.5, float("nan"), -3]
MOMENTS = [pd.Timestamp("2025-03-05 10:30"), dt.datetime(2025, 3, 5, 10, 30), dt.date(2025, 3, 5),
           pd.NaT, None, pd.Timestamp("2025-03-05")]


def plain_columns(count: int, with_floats: bool) -> list[list[Any]]:
    mixed = MIXED if with_floats else [value for value in MIXED if type(value) is not float]
    return [[PLAIN_TEXTS[i % len(PLAIN_TEXTS)] for i in range(count)],
            [mixed[i % len(mixed)] for i in range(count)],
            [PLAIN_TEXTS[(i * 7) % len(PLAIN_TEXTS)] if i % 3 else pd.NA for i in range(count)],
            [MOMENTS[i % len(MOMENTS)] for i in range(count)],
            [[True, False, None][i % 3] for i in range(count)]]


@pytest.mark.parametrize("with_floats", [False, True])
@pytest.mark.parametrize("odd_one", [None, "a & b"])
def test_rows_rendered_a_column_at_a_time_are_the_rows_xlsxwriter_writes(
        tmp_path, monkeypatch, with_floats, odd_one):
    """Rows given as columns, none bold, are rendered a column at a time (`RowXml.rows`): the
    same sheet as xlsxwriter's own writers, with values that are equal yet written apart in one
    column, wrapped rows of several heights; and one text that needs escaping sends them row
    by row, the same sheet again."""
    from excel_pipeline.write.fast.rows import RowXml

    columns = plain_columns(3 * len(MIXED) * len(MOMENTS), with_floats)
    if odd_one:
        columns[2][40] = odd_one
    rendered: list[bool] = []
    keep = RowXml.rows

    def counted(self: RowXml, *args: Any) -> list[str] | None:
        every = keep(self, *args)
        rendered.append(every is not None)
        return every

    monkeypatch.setattr(RowXml, "rows", counted)

    def write_plain(path: Path, rows: Any) -> Path:
        book = xlsxwriter.Workbook(str(path), ROWS_OPTIONS)
        write_table(book, Styles(book), "Bảng", COLUMNS, rows)
        book.close()
        return path

    fast = sheets(write_plain(tmp_path / "fast.xlsx", ColumnRows(columns)))
    assert rendered == [odd_one is None]
    monkeypatch.setenv(xlsxwriter_internals.SWITCH, "0")
    slow = sheets(write_plain(tmp_path / "slow.xlsx", list(zip(*columns, strict=True))))
    assert fast == slow
    assert b'customHeight="1"' in fast["xl/worksheets/sheet1.xml"]


def test_a_taken_column_is_the_list_of_its_values_in_order():
    """`TakenColumn` gives, slice by slice and cell by cell, what the column's list in that
    order gives; rows over it slice, step and pickle as rows over lists do (a view pickles
    as its own rows only)."""
    values = pd.array(["An", None, "Bình", "Chi", None, "Dũng", "Đào"], dtype="string")
    array = pd.Series(values).to_numpy()
    assert array.dtype == object
    for order in (None, np.array([6, 0, 3, 1, 5, 2, 4])):
        expected = pd.Series(values).take(order if order is not None else range(7)).tolist()
        taken = TakenColumn(array, order)
        assert len(taken) == 7 and taken[:] == expected and taken[2:5] == expected[2:5]
        assert [taken[i] for i in range(7)] == expected and taken[-1] is expected[-1]
        rows = ColumnRows([taken, list(range(7))])
        assert list(rows) == list(zip(expected, range(7), strict=True))
        assert list(rows[::2]) == list(zip(expected, range(7), strict=True))[::2]
        view = rows[3:6]
        again = pickle.loads(pickle.dumps(view))
        assert again.column_slices() == [expected[3:6], [3, 4, 5]]
        assert all(type(column) is list for column in again.columns)
    with pytest.raises(TypeError):
        TakenColumn(np.arange(3))


def test_the_row_sheets_hold_their_texts_in_the_frame_not_in_lists(monkeypatch):
    """The consolidated delegate sheet gives the writer its text columns as `TakenColumn`s
    over the frame's own arrays (a province's would be 12 MB of pointers per column as
    lists), and its numbers, flags and where each row came from as lists; written, they are
    the same rows (the golden outputs)."""
    import datetime as dt_

    from excel_pipeline.campaign import load_campaign
    from excel_pipeline.ingest.examples import inbox_and_day
    from excel_pipeline.ingest.inbox import read_inbox
    from excel_pipeline.pipeline import consolidate
    from excel_pipeline.write import workbook
    from excel_pipeline.write.workbook import _rows_sheet

    campaign = load_campaign(None)
    inbox, _ = inbox_and_day(None, campaign, None)
    c = consolidate(read_inbox(inbox, limits=campaign.limits, workers=1), campaign,
                    dt_.date(2025, 3, 31))
    given: dict[str, ColumnRows] = {}

    def capture(book, styles, name, columns, rows, *args, **kwargs):
        given[name] = rows

    monkeypatch.setattr(workbook, "write_table", capture)
    book = xlsxwriter.Workbook(io.BytesIO(), ROWS_OPTIONS)
    spec = workbook.BY_KEY["delegates"]
    _rows_sheet(book, Styles(book), c, spec, None, {}, {})
    kinds = [type(column).__name__ for column in given[spec.title].columns]
    keys = ["_unit", "_name", *spec.keys, "_found", "_file", "_row"]
    by_key = dict(zip(keys, kinds, strict=True))
    assert by_key["full_name"] == "TakenColumn" and by_key["position"] == "TakenColumn"
    assert by_key["birth_year"] == "list" and by_key["_row"] == "list"
    frame = c.accepted("delegates")
    order = workbook.tree_positions(c, frame)
    names = frame["full_name"] if order is None else frame["full_name"].take(order)
    assert given[spec.title].column_slice(keys.index("full_name")) == names.tolist()
