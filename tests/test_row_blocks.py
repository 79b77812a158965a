"""Large sheets' rows go in as compressed blocks, some from the helper process, some from the
last run; the workbook must not show it.

Each test writes the same rows by blocks and by xlsxwriter in one process, and compares what
comes back: each sheet's own XML part (where a misplaced, missing or doubled row would show),
values and looks. Block sizes are made tiny so that a few dozen rows make many blocks.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from click.testing import CliRunner

from excel_pipeline.campaign import load_campaign
from excel_pipeline.cli import main
from excel_pipeline.ingest.cache import CACHE_FOLDER
from excel_pipeline.ingest.examples import example_inbox
from excel_pipeline.ingest.inbox import read_inbox
from excel_pipeline.pipeline import consolidate
from excel_pipeline.write.cells import ROWS_OPTIONS
from excel_pipeline.write.fast import parallel_rows, row_blocks, xlsxwriter_internals
from excel_pipeline.write.fast import rows as rows_module
from excel_pipeline.write.fast.parallel_rows import WriteHelper
from excel_pipeline.write.fast.row_blocks import BlockStore, BlockWriter, block_key
from excel_pipeline.write.fast.rows import ColumnRows, used_extent
from excel_pipeline.write.fast.xlsx_zip import package
from excel_pipeline.write.styles import Col, Styles
from excel_pipeline.write.workbook import write_table, write_workbook

COLUMNS = [Col("Tên"), Col("Số", style="int"), Col("Ngày", style="date"), Col("Có", style="flag")]
BOLD = {0, 20, 21, 40}


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


def write_plain(path: Path, rows: list[list[Any]]) -> Path:
    """The reference: every row through xlsxwriter's writers (`cells.write_rows`), one process."""
    book = xlsxwriter.Workbook(str(path), ROWS_OPTIONS)
    styles = Styles(book)
    write_table(book, styles, "Bảng", COLUMNS, rows, bold_rows=BOLD)
    write_table(book, styles, "Nhỏ", COLUMNS, mixed_rows(3))
    book.close()
    return path


def write_blocks(path: Path, rows: list[list[Any]], workers: int = 2,
                 folder: Path | None = None, kill_helper: bool = False) -> Path:
    """The same rows, large sheets by blocks, as `workbook.write_workbook` writes them."""
    parts = path.with_suffix(".parts")
    book = xlsxwriter.Workbook(str(parts), ROWS_OPTIONS)
    styles = Styles(book)
    with WriteHelper(workers) as helper, BlockStore(folder, path.parent) as store:
        if kill_helper:
            helper.submit(os._exit, 1)  # the helper process ends before it takes any rows
        blocks = BlockWriter(helper, store)
        write_table(book, styles, "Bảng", COLUMNS, rows, bold_rows=BOLD, blocks=blocks)
        write_table(book, styles, "Nhỏ", COLUMNS, mixed_rows(3), blocks=blocks)
        helper.start_deferred()
        blocks.finish()
        book.close()
        package(parts, path, blocks.placed(), store.read)
        store.commit()
    parts.unlink()
    return path


def sheet_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every part's CRC-32 and size agree with its data
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet") or name == "xl/styles.xml"}


def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [(cell.coordinate, cell.value, cell.font.b, cell.border.left.style,
                           cell.number_format)
                          for row in sheet.iter_rows() for cell in row]
            for sheet in book.worksheets}


@pytest.fixture
def tiny_blocks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Blocks from 5 rows, of 4 rows each, the helper taking half from 5 rows to render, two
    blocks per job. Returns a list that gets a 1 for each block rendered in this process."""
    monkeypatch.setattr(row_blocks, "BLOCKS_FROM", 5)
    monkeypatch.setattr(row_blocks, "BLOCK_ROWS", 4)
    monkeypatch.setattr(row_blocks, "SPLIT_FROM", 5)
    monkeypatch.setattr(row_blocks, "JOB_ROWS", 8)
    rendered: list[int] = []
    real = row_blocks.deflate

    def counted(data: bytes, final: bool = False) -> Any:
        rendered.append(1)
        return real(data, final)

    monkeypatch.setattr(row_blocks, "deflate", counted)  # this process's only, not the helper's
    return rendered


@pytest.mark.parametrize("workers", [1, 2])
def test_a_sheet_written_in_blocks_is_the_sheet_one_process_writes(tmp_path, tiny_blocks,
                                                                    workers):
    rows = mixed_rows(41)
    plain = write_plain(tmp_path / "plain.xlsx", rows)
    blocked = write_blocks(tmp_path / "blocks.xlsx", rows, workers)
    assert sheet_parts(blocked) == sheet_parts(plain)
    assert cells(blocked) == cells(plain)
    # 11 blocks; with the helper, this process rendered the first 6 and the helper the rest
    assert len(tiny_blocks) == (11 if workers == 1 else 6)
    sheet = openpyxl.load_workbook(blocked)["Bảng"]
    assert sheet.max_row == 42 and sheet.dimensions == "A1:D42"
    assert [sheet.cell(22, column).font.b for column in range(1, 5)] == [True] * 4
    assert sheet.cell(42, 1).value == "=SUM(A1)" and sheet.cell(42, 1).data_type == "s"
    assert sheet.cell(4, 3).value is None and sheet.cell(40, 3).value is None  # NaT: blank
    assert sheet.cell(38, 3).value == dt.datetime(2025, 3, 9)
    assert not list(tmp_path.glob(".dhtt-*"))  # no pack left without a cache folder


def test_a_rerun_renders_only_the_blocks_whose_rows_changed(tmp_path, tiny_blocks):
    folder = tmp_path / "cache"
    rows = mixed_rows(41)
    write_blocks(tmp_path / "first.xlsx", rows, workers=1, folder=folder)
    assert len(tiny_blocks) == 11 and {p.name for p in folder.iterdir()} == {"rows.pack",
                                                                              "rows.index"}
    tiny_blocks.clear()
    rows[9][0] = "Trần Văn Sửa"  # row 9 is in the third block
    again = write_blocks(tmp_path / "again.xlsx", rows, workers=1, folder=folder)
    assert len(tiny_blocks) == 1
    assert sheet_parts(again) == sheet_parts(write_plain(tmp_path / "plain.xlsx", rows))
    assert openpyxl.load_workbook(again)["Bảng"].cell(11, 1).value == "Trần Văn Sửa"
    tiny_blocks.clear()
    write_blocks(tmp_path / "same.xlsx", rows, workers=1, folder=folder)
    assert tiny_blocks == []  # nothing changed: every block is the last run's


def as_columns(rows: list[list[Any]]) -> ColumnRows:
    """The rows as a frame gives them, column lists, with every text rebuilt as a new object
    (a re-run's values come from the read cache, not the objects the last run parsed)."""
    def fresh(value: Any) -> Any:
        return "".join(list(value)) if isinstance(value, str) else value
    return ColumnRows([[fresh(value) for value in column] for column in zip(*rows, strict=True)])


def test_rows_given_as_columns_make_the_same_sheet_and_reuse_the_same_blocks(tmp_path,
                                                                              tiny_blocks):
    folder = tmp_path / "cache"
    rows = mixed_rows(41)
    plain = sheet_parts(write_plain(tmp_path / "plain.xlsx", rows))
    first = write_blocks(tmp_path / "first.xlsx", as_columns(rows), workers=2, folder=folder)
    assert sheet_parts(first) == plain
    assert cells(first) == cells(tmp_path / "plain.xlsx")
    tiny_blocks.clear()
    again = write_blocks(tmp_path / "again.xlsx", as_columns(rows), workers=1, folder=folder)
    assert tiny_blocks == []  # equal values, other objects: every block is the last run's
    assert sheet_parts(again) == plain
    rows[30][1] = 8
    changed = write_blocks(tmp_path / "changed.xlsx", as_columns(rows), workers=1,
                           folder=folder)
    assert len(tiny_blocks) == 1
    assert sheet_parts(changed) == sheet_parts(write_plain(tmp_path / "plain2.xlsx", rows))


def test_column_rows_read_as_the_rows_they_hold():
    rows = ColumnRows([["a", "b", "c"], [1, 2, 3]])
    assert (len(rows), rows.width, rows[1], rows[-1]) == (3, 2, ("b", 2), ("c", 3))
    assert list(rows[1:]) == [("b", 2), ("c", 3)]
    assert list(rows) == [("a", 1), ("b", 2), ("c", 3)]
    assert used_extent(rows) == (0, 2, 2) and used_extent(ColumnRows([])) is None
    assert used_extent([[], ["x"], [1, 2, 3], []]) == (1, 2, 3)
    with pytest.raises(IndexError):
        rows[3]
    with pytest.raises(ValueError):
        ColumnRows([["a"], [1, 2]])
    many = ColumnRows([list(range(100)), [str(i) for i in range(100)]])
    view = many[10:60][5:8]  # a view of a view: rows 15 to 17
    assert list(view) == [(15, "15"), (16, "16"), (17, "17")] and view[-1] == (17, "17")
    assert list(many[::-1][:2]) == [(99, "99"), (98, "98")] and len(many[200:]) == 0
    sent = pickle.loads(pickle.dumps(view))  # as a job to the helper: its own rows only
    assert sent.column_slices() == [[15, 16, 17], ["15", "16", "17"]] and list(sent) == list(view)


def test_an_inserted_row_renders_the_blocks_from_it_on(tmp_path, tiny_blocks):
    folder = tmp_path / "cache"
    rows = mixed_rows(41)
    write_blocks(tmp_path / "first.xlsx", rows, workers=1, folder=folder)
    tiny_blocks.clear()
    rows.insert(30, ["Người mới", 7, dt.date(2025, 1, 2), True])  # into the eighth block
    again = write_blocks(tmp_path / "again.xlsx", rows, workers=1, folder=folder)
    assert len(tiny_blocks) == 4  # blocks 8 to 11 start on other rows now; 1 to 7 are reused
    assert sheet_parts(again) == sheet_parts(write_plain(tmp_path / "plain.xlsx", rows))


def test_a_damaged_or_foreign_pack_is_not_trusted(tmp_path, tiny_blocks):
    folder = tmp_path / "cache"
    rows = mixed_rows(41)
    write_blocks(tmp_path / "first.xlsx", rows, workers=1, folder=folder)
    pack = folder / "rows.pack"
    data = bytearray(pack.read_bytes())
    data[40] ^= 0xFF  # a byte of the first block
    pack.write_bytes(bytes(data))
    tiny_blocks.clear()
    again = write_blocks(tmp_path / "again.xlsx", rows, workers=1, folder=folder)
    assert len(tiny_blocks) == 1  # only the damaged block is rendered again
    plain = sheet_parts(write_plain(tmp_path / "plain.xlsx", rows))
    assert sheet_parts(again) == plain
    (folder / "rows.index").write_bytes(b"not a pickle")
    tiny_blocks.clear()
    assert sheet_parts(write_blocks(tmp_path / "third.xlsx", rows, workers=1,
                                    folder=folder)) == plain
    assert len(tiny_blocks) == 11


def test_block_keys_tell_values_of_other_types_apart():
    keys = {block_key(b"", 1, [[value]], frozenset())
            for value in (1, 1.0, "1", True, None, pd.NA, dt.date(2025, 1, 1))}
    assert len(keys) == 7
    # Rows as columns: hashed in another way, telling the same types apart, except a missing
    # value and None (both a blank cell).
    values = (1, 1.0, -0.0, "1", True, None, pd.NA, dt.date(2025, 1, 1), 2**70)
    columns = [block_key(b"", 1, ColumnRows([["a", value]]), frozenset()) for value in values]
    assert len(set(columns)) == 8 and columns[5] == columns[6]  # None and pd.NA
    assert block_key(b"", 1, ColumnRows([["a", "b"]]), frozenset()) != block_key(
        b"", 1, ColumnRows([["a"], ["b"]]), frozenset())  # where a column ends counts
    assert block_key(b"", 1, [["a"]], frozenset()) != block_key(b"", 2, [["a"]], frozenset())
    assert block_key(b"", 1, [["a"]], frozenset()) != block_key(b"", 1, [["a"]], frozenset({0}))
    assert block_key(b"", 1, [["a"]], frozenset()) != block_key(b"x", 1, [["a"]], frozenset())


def test_one_worker_or_small_sheets_start_no_helper(tmp_path, monkeypatch, tiny_blocks):
    started: list[int] = []
    real_submit = parallel_rows.ProcessPoolExecutor.submit

    def counted(self, *args, **kwargs):
        started.append(1)
        return real_submit(self, *args, **kwargs)

    monkeypatch.setattr(parallel_rows.ProcessPoolExecutor, "submit", counted)
    write_blocks(tmp_path / "one.xlsx", mixed_rows(41), workers=1)
    monkeypatch.setattr(row_blocks, "BLOCKS_FROM", 100)
    write_blocks(tmp_path / "small.xlsx", mixed_rows(41), workers=2)  # 41 rows: no blocks
    assert started == []
    monkeypatch.setattr(row_blocks, "BLOCKS_FROM", 5)
    write_blocks(tmp_path / "split.xlsx", mixed_rows(41), workers=2)
    assert started == [1, 1, 1]  # the helper's 5 of 11 blocks, in jobs of 2, 2 and 1


class Unprintable:
    """A value that cannot be written (its text fails), to make rendering fail."""

    def __str__(self) -> str:
        raise ValueError("không in được")


@pytest.mark.slow  # starts the helper process
def test_a_failing_helper_fails_the_write_and_leaves_no_files(tmp_path, tiny_blocks):
    rows = mixed_rows(41)
    rows[-1][0] = Unprintable()  # in the last block, which the helper renders
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="không in được"):
        write_blocks(out / "x.xlsx", rows, workers=2, folder=out / "cache")
    assert sorted(path.name for path in out.rglob("*")) == ["cache"]


def test_a_helper_that_dies_leaves_its_blocks_and_jobs_to_this_process(tmp_path, tiny_blocks):
    rows = mixed_rows(41)
    died = write_blocks(tmp_path / "died.xlsx", rows, workers=2, kill_helper=True)
    assert len(tiny_blocks) == 11
    assert sheet_parts(died) == sheet_parts(write_plain(tmp_path / "plain.xlsx", rows))


def _pid_after(path: Path) -> int:
    """A job for the helper: which process ran it."""
    return os.getpid()


@pytest.mark.slow  # starts the helper process
def test_jobs_after_rows_run_in_the_helper_only_when_it_is_running(tmp_path):
    with WriteHelper(2, start=True) as helper:
        later = helper.after_rows(_pid_after, tmp_path)
        helper.start_deferred()
        assert later.result() != os.getpid()
    with WriteHelper(2) as helper:
        later = helper.after_rows(_pid_after, tmp_path)
        helper.start_deferred()
        assert later.result() == os.getpid()  # not started: nothing was large enough
    with WriteHelper(1, start=True) as helper:
        later = helper.after_rows(_pid_after, tmp_path)
        helper.start_deferred()
        assert later.result() == os.getpid()


@pytest.mark.slow  # the workbook written twice
def test_example_inbox_workbook_is_the_same_in_blocks_or_not(tmp_path, monkeypatch):
    campaign = load_campaign(None)
    c = consolidate(read_inbox(example_inbox()), campaign, dt.date(2025, 3, 31))
    with WriteHelper(2) as helper:
        plain = write_workbook(c, tmp_path / "plain.xlsx", helper)
        monkeypatch.setattr(row_blocks, "BLOCKS_FROM", 5)
        monkeypatch.setattr(row_blocks, "BLOCK_ROWS", 3)
        monkeypatch.setattr(row_blocks, "SPLIT_FROM", 5)
        blocked = write_workbook(c, tmp_path / "blocks.xlsx", helper)
    assert sheet_parts(blocked) == sheet_parts(plain)
    assert cells(blocked) == cells(plain)
    delegates = openpyxl.load_workbook(blocked)["Đại biểu"]
    assert delegates.max_row - 1 == int((c.sheets["delegates"]["_status"] == "accepted").sum())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["blocks.xlsx", "plain.xlsx"]


def unchanged_parts(path: Path) -> dict[str, bytes]:
    """The workbook's parts but the Thay đổi sheet, which says a first run from a second."""
    return {name: data for name, data in sheet_parts(path).items()
            if "Thay đổi so với lần chạy trước".encode() not in data}


@pytest.mark.slow  # large sheets written twice
def test_the_command_reuses_the_last_runs_blocks(tmp_path, tiny_blocks):
    out = tmp_path / "out"
    args = ["--out", str(out), "--as-of", "2025-03-31"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # the example inbox has deliberate errors
    first = unchanged_parts(out / "tong-hop.xlsx")
    assert "Thông tin đơn vị" in openpyxl.load_workbook(out / "gui-cap-tren.xlsx").sheetnames
    assert (out / CACHE_FOLDER / "rows.pack").is_file()
    rendered = len(tiny_blocks)
    tiny_blocks.clear()
    assert CliRunner().invoke(main, args).exit_code == 1
    assert unchanged_parts(out / "tong-hop.xlsx") == first
    assert rendered > 0 and len(tiny_blocks) == 0
    assert CliRunner().invoke(main, [*args, "--no-cache"]).exit_code == 1
    assert unchanged_parts(out / "tong-hop.xlsx") == first
    assert not list(out.glob(".*.tmp")) and not list(out.glob("*.parts"))


@pytest.mark.slow  # large sheets written twice
def test_the_fast_path_switched_off_writes_the_same_workbooks(tmp_path, tiny_blocks,
                                                              monkeypatch):
    """DHTT_FAST_XLSX=0: nothing is streamed past xlsxwriter's public writers, no block is
    made, and every output holds the same parts, byte for byte (formats are numbered the same
    way both ways)."""
    streamed: list[str] = []

    def appended(sheet: Any, xml: str) -> None:
        streamed.append(xml)
        real_append(sheet, xml)

    real_append = xlsxwriter_internals.append_rows_xml
    monkeypatch.setattr(rows_module, "append_rows_xml", appended)
    monkeypatch.setattr(row_blocks, "append_rows_xml", appended)
    outputs = {}
    for switch in ("1", "0"):
        monkeypatch.setenv(xlsxwriter_internals.SWITCH, switch)
        streamed.clear()
        tiny_blocks.clear()
        out = tmp_path / f"out-{switch}"
        result = CliRunner().invoke(main, ["--out", str(out), "--as-of", "2025-03-31",
                                           "--feedback", str(out / "phan-hoi"), "--no-cache"])
        assert result.exit_code == 1, result.output
        assert bool(streamed) == (switch == "1") and bool(tiny_blocks) == (switch == "1")
        outputs[switch] = {path.relative_to(out).as_posix(): sheet_parts(path)
                           for path in sorted(out.rglob("*.xlsx"))}
    # tong-hop, gui-cap-tren, six feedback workbooks and four units' own, marked
    assert len(outputs["1"]) == 12
    assert outputs["0"] == outputs["1"]


class _Planted:
    """Unpickling this creates the folder named: what a crafted index would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return os.mkdir, (str(self.marker),)


def test_an_index_not_signed_by_this_user_is_never_used_nor_run(tmp_path, tiny_blocks):
    """The index is signed plain data: a pickle put in its place is not run, and an index
    edited to point a key at another block (its offsets swapped) is not used."""
    import json

    folder = tmp_path / "cache"
    rows = mixed_rows(41)
    write_blocks(tmp_path / "first.xlsx", rows, workers=1, folder=folder)
    plain = sheet_parts(write_plain(tmp_path / "plain.xlsx", rows))
    signed = (folder / "rows.index").read_bytes()
    index = json.loads(signed[32:])
    keys = list(index["blocks"])
    index["blocks"][keys[0]], index["blocks"][keys[1]] = (index["blocks"][keys[1]],
                                                          index["blocks"][keys[0]])
    (folder / "rows.index").write_bytes(signed[:32] + json.dumps(index).encode())
    tiny_blocks.clear()
    assert sheet_parts(write_blocks(tmp_path / "swapped.xlsx", rows, workers=1,
                                    folder=folder)) == plain
    assert len(tiny_blocks) == 11  # nothing reused
    marker = tmp_path / "ran"
    (folder / "rows.index").write_bytes(pickle.dumps(_Planted(marker)))
    assert sheet_parts(write_blocks(tmp_path / "third.xlsx", rows, workers=1,
                                    folder=folder)) == plain
    assert not marker.exists()


@pytest.mark.parametrize("as_columns", [False, True])
def test_links_in_blocks_are_the_links_one_process_writes(tmp_path, tiny_blocks, as_columns):
    """A link's text goes into its block, the link into the sheet's own table of links, which
    the blocks rendered by the helper would leave behind (the Phát hiện sheet)."""
    from excel_pipeline.write.cells import Link

    rows: list[list[Any]] = [[Link(f"Đại biểu!C{i}" + (" & x" if i % 7 == 0 else ""),
                                   f"'Bảng'!A{i + 2}") if i % 3 else f"ô {i}", i, None, None]
                             for i in range(41)]
    given: Any = ColumnRows([list(column) for column in zip(*rows, strict=True)],
                            linked=frozenset({0})) if as_columns else rows

    def write(path: Path, blocks: bool) -> Path:
        parts = path.with_suffix(".parts")
        book = xlsxwriter.Workbook(str(parts), ROWS_OPTIONS)
        styles = Styles(book)
        with WriteHelper(2) as helper, BlockStore(None, path.parent) as store:
            writer = BlockWriter(helper, store)
            write_table(book, styles, "Bảng", COLUMNS, given, blocks=writer if blocks else None)
            writer.finish()
            book.close()
            package(parts, path, writer.placed(), store.read)
        return path

    blocked, plain = write(tmp_path / "blocks.xlsx", True), write(tmp_path / "plain.xlsx", False)
    assert tiny_blocks  # written in blocks
    assert sheet_parts(blocked) == sheet_parts(plain)
    sheet = openpyxl.load_workbook(blocked)["Bảng"]
    assert sheet.cell(3, 1).hyperlink.location == "'Bảng'!A3"
    assert sheet.cell(9, 1).value == "Đại biểu!C7 & x" and sheet.cell(9, 1).hyperlink is not None
    if as_columns:  # links in a column not said to hold them: refused, not lost
        given = ColumnRows([list(column) for column in zip(*rows, strict=True)])
        with pytest.raises(RuntimeError, match="link"):
            write(tmp_path / "unsaid.xlsx", True)
