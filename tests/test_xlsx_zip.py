"""The package is written by our own zip writer around pieces compressed apart: every reader
must see one ordinary zip whose parts decompress to what xlsxwriter wrote."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from excel_pipeline.write.fast.xlsx_zip import crc32_combine, deflate, package
from excel_pipeline.write.fast.xlsxwriter_internals import (
    append_rows_xml,
    flush_rows,
    record_written,
)


@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_crc32_combine_is_zlibs_crc_of_both(first: bytes, second: bytes):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == \
        zlib.crc32(first + second)


@given(st.lists(st.binary(max_size=2000), max_size=6))
def test_pieces_compressed_apart_make_one_stream(chunks: list[bytes]):
    pieces = [deflate(chunk) for chunk in chunks] + [deflate(b"</sheetData>", final=True)]
    stream = zlib.decompressobj(-zlib.MAX_WBITS)
    assert stream.decompress(b"".join(piece.data for piece in pieces)) == \
        b"".join(chunks) + b"</sheetData>"
    assert stream.eof


def book_with_placeholder(path: Path, placeholder: str) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Trang tính")
    sheet.write_string(0, 0, "Tiêu đề")
    flush_rows(sheet, 1)
    append_rows_xml(sheet, placeholder)
    record_written(sheet, 1, 2, (0, 1, 1))
    book.close()
    return path


ROWS = ['<row r="2"><c r="A2" t="inlineStr"><is><t>Hàng hai</t></is></c></row>',
        '<row r="3"><c r="A3"><v>3</v></c></row>']


@pytest.mark.parametrize("zip64_from", [0, 1 << 31])
def test_a_packaged_workbook_reads_back_everywhere(tmp_path, zip64_from):
    source = book_with_placeholder(tmp_path / "parts.xlsx", '<dhtt-rows id="t"/>')
    pieces = [deflate(row.encode("utf-8")) for row in ROWS]
    by_piece = {id(piece): piece.data for piece in pieces}
    target = tmp_path / "book.xlsx"
    package(source, target, {b'<dhtt-rows id="t"/>': pieces}, lambda p: by_piece[id(p)],
            zip64_from=zip64_from)
    with zipfile.ZipFile(target) as archive, zipfile.ZipFile(source) as original:
        assert archive.testzip() is None
        assert archive.namelist() == original.namelist()
        sheet = archive.read("xl/worksheets/sheet1.xml")
        assert sheet == original.read("xl/worksheets/sheet1.xml").replace(
            b'<dhtt-rows id="t"/>', "".join(ROWS).encode("utf-8"))
        for name in original.namelist():
            if name != "xl/worksheets/sheet1.xml":
                assert archive.read(name) == original.read(name)
    values = [row[0] for row in openpyxl.load_workbook(target).active.iter_rows(values_only=True)]
    assert values == ["Tiêu đề", "Hàng hai", 3]
    calamine = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Trang tính")
    assert [row[0] for row in calamine.to_python()] == ["Tiêu đề", "Hàng hai", 3.0]


def test_a_placeholder_not_found_is_an_error(tmp_path):
    source = book_with_placeholder(tmp_path / "parts.xlsx", "")
    with pytest.raises(RuntimeError, match="without a place"):
        package(source, tmp_path / "book.xlsx", {b"<dhtt-rows id='x'/>": []}, bytes)
