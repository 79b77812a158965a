"""The helper process writes half of each large sheet; the workbook must not show it.

Each test writes the same thing twice, by one process and split between two, and compares what
comes back: values, looks (bold, border, number format) and each sheet's own XML part, which is
where a misplaced, missing or doubled row would show.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from excel_pipeline import parallel_rows
from excel_pipeline.campaign import load_campaign
from excel_pipeline.cells import ROWS_OPTIONS
from excel_pipeline.cli import main
from excel_pipeline.parallel_rows import WriteHelper
from excel_pipeline.pipeline import consolidate, example_inbox, read_inbox
from excel_pipeline.workbook import Col, Styles, write_table, write_workbook

COLUMNS = [Col("Tên"), Col("Số", style="int"), Col("Ngày", style="date"), Col("Có", style="flag")]


def mixed_rows(count: int) -> list[list[Any]]:
    """Every kind of value the writer meets, in every position of the sheet."""
    values: list[list[Any]] = []
    for i in range(count):
        values.append([["=SUM(A1)", "Nguyễn Thị Ánh", " lề ", None][i % 4],
                       [i, 2.5, float("nan"), pd.NA][i % 4],
                       [dt.date(2025, 3, i % 28 + 1), pd.Timestamp("2025-03-05"), pd.NaT,
                        None][i % 4],
                       [True, False, None, "x"][i % 4]])
    return values


def write_mixed(path: Path, workers: int) -> Path:
    book = xlsxwriter.Workbook(str(path), ROWS_OPTIONS)
    styles = Styles(book)
    with WriteHelper(workers) as helper:
        write_table(book, styles, "Bảng", COLUMNS, mixed_rows(41), bold_rows={0, 20, 21, 40},
                    helper=helper)
        write_table(book, styles, "Nhỏ", COLUMNS, mixed_rows(3), helper=helper)
        helper.splice()
        book.close()
    return path


def sheet_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet") or name == "xl/styles.xml"}


def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [(cell.coordinate, cell.value, cell.font.b, cell.border.left.style,
                           cell.number_format)
                          for row in sheet.iter_rows() for cell in row]
            for sheet in book.worksheets}


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split from 5 rows, and send the helper 7 rows per job (so "Bảng" takes three jobs)."""
    monkeypatch.setattr(parallel_rows, "SPLIT_FROM", 5)
    monkeypatch.setattr(parallel_rows, "TAIL_ROWS", 7)


def test_a_split_sheet_is_the_sheet_one_process_writes(tmp_path, split_small):
    alone = write_mixed(tmp_path / "alone.xlsx", workers=1)
    split = write_mixed(tmp_path / "split.xlsx", workers=2)
    assert sheet_parts(split) == sheet_parts(alone)
    written = cells(split)
    assert written == cells(alone)
    rows = openpyxl.load_workbook(split)["Bảng"]
    assert rows.max_row == 42 and rows.dimensions == "A1:D42"
    # Row 22 (index 21) was written by the helper: bold, bordered, text kept as text.
    assert [rows.cell(22, column).font.b for column in range(1, 5)] == [True] * 4
    assert rows.cell(42, 1).value == "=SUM(A1)" and rows.cell(42, 1).data_type == "s"
    assert rows.cell(41, 2).value is None and rows.cell(41, 1).border.left.style == "thin"
    assert rows.cell(4, 3).value is None and rows.cell(40, 3).value is None  # NaT: blank
    assert rows.cell(38, 3).value == dt.datetime(2025, 3, 9)  # index 36: day 36 % 28 + 1
    assert [rows.cell(r, 1).value for r in (2, 3, 4, 5)] == ["=SUM(A1)", "Nguyễn Thị Ánh",
                                                              " lề ", None]


def test_one_worker_or_a_small_sheet_starts_no_helper(tmp_path, monkeypatch):
    started: list[int] = []
    real_submit = parallel_rows.ProcessPoolExecutor.submit

    def counted(self, *args, **kwargs):
        started.append(1)
        return real_submit(self, *args, **kwargs)

    monkeypatch.setattr(parallel_rows.ProcessPoolExecutor, "submit", counted)
    write_mixed(tmp_path / "one.xlsx", workers=1)
    write_mixed(tmp_path / "small.xlsx", workers=2)  # 41 rows, below SPLIT_FROM
    assert started == []
    monkeypatch.setattr(parallel_rows, "SPLIT_FROM", 5)
    write_mixed(tmp_path / "split.xlsx", workers=2)
    assert started == [1]  # "Bảng" only, its 20-row tail in one job; "Nhỏ" has 3 rows
    monkeypatch.setattr(parallel_rows, "TAIL_ROWS", 7)
    write_mixed(tmp_path / "jobs.xlsx", workers=2)
    assert started == [1, 1, 1, 1]  # the same tail in jobs of 7, 7 and 6 rows


class Unprintable:
    """A value the helper cannot write (its text fails), to make the helper fail."""

    def __str__(self) -> str:
        raise ValueError("không in được")


def test_a_failing_helper_fails_the_write_and_leaves_no_files(tmp_path, split_small):
    temp = tmp_path / "temp"
    temp.mkdir()
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {**ROWS_OPTIONS, "tmpdir": str(temp)})
    styles = Styles(book)
    rows = mixed_rows(10)
    rows[-1][0] = Unprintable()
    with pytest.raises(ValueError, match="không in được"), \
            WriteHelper(2, str(temp)) as helper:
        write_table(book, styles, "Bảng", COLUMNS, rows, helper=helper)
        helper.splice()
    book.close()
    assert sorted(temp.iterdir()) == []


def test_example_inbox_workbook_is_the_same_split_or_not(tmp_path, split_small):
    campaign = load_campaign(None)
    c = consolidate(read_inbox(example_inbox()), campaign, dt.date(2025, 3, 31))
    with WriteHelper(1) as one, WriteHelper(2) as two:
        alone = write_workbook(c, tmp_path / "alone.xlsx", one)
        split = write_workbook(c, tmp_path / "split.xlsx", two)
    assert sheet_parts(split) == sheet_parts(alone)
    assert cells(split) == cells(alone)
    delegates = openpyxl.load_workbook(split)["Đại biểu"]
    assert delegates.max_row - 1 == int((c.sheets["delegates"]["_status"] == "accepted").sum())


def _pid_after(path: Path) -> int:
    """A job for the helper: which process ran it."""
    return os.getpid()


def test_jobs_after_rows_run_in_the_helper_only_when_it_is_running(tmp_path, split_small):
    book = xlsxwriter.Workbook(str(tmp_path / "big.xlsx"), ROWS_OPTIONS)
    with WriteHelper(2) as helper:
        later = helper.after_rows(_pid_after, tmp_path / "big.xlsx")
        write_table(book, Styles(book), "Bảng", COLUMNS, mixed_rows(10), helper=helper)
        helper.splice()
        book.close()
        assert later.result() != os.getpid()
    small = xlsxwriter.Workbook(str(tmp_path / "small.xlsx"), ROWS_OPTIONS)
    with WriteHelper(2) as helper:
        later = helper.after_rows(_pid_after, tmp_path / "small.xlsx")
        write_table(small, Styles(small), "Nhỏ", COLUMNS, mixed_rows(3), helper=helper)
        helper.splice()
        assert later.result() == os.getpid()  # no helper was started for three rows
        small.close()


def test_the_command_writes_both_workbooks_with_the_helper(tmp_path, split_small):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--out", str(out), "--as-of", "2025-03-31"])
    assert result.exit_code == 1, result.output  # the example inbox has deliberate errors
    upward = openpyxl.load_workbook(out / "gui-cap-tren.xlsx")
    assert "Thông tin đơn vị" in upward.sheetnames
    merged = openpyxl.load_workbook(out / "tong-hop.xlsx")
    assert merged["Đại biểu"].max_row > 5  # split at SPLIT_FROM = 5


def test_a_helper_that_dies_leaves_its_rows_and_jobs_to_this_process(tmp_path, split_small):
    alone = write_mixed(tmp_path / "alone.xlsx", workers=1)
    path = tmp_path / "died.xlsx"
    book = xlsxwriter.Workbook(str(path), ROWS_OPTIONS)
    styles = Styles(book)
    with WriteHelper(2) as helper:
        helper._submit(os._exit, 1)  # the helper process ends before it takes the rows
        later = helper.after_rows(_pid_after, path)
        write_table(book, styles, "Bảng", COLUMNS, mixed_rows(41), bold_rows={0, 20, 21, 40},
                    helper=helper)
        write_table(book, styles, "Nhỏ", COLUMNS, mixed_rows(3), helper=helper)
        helper.splice()
        book.close()
        assert later.result() == os.getpid()
    assert sheet_parts(path) == sheet_parts(alone)
