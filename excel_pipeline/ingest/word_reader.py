"""Read a Word document's tables as sheets, and its «Nhãn: giá trị» lines as the unit's form.

Many units type the delegate list in Word. Each table becomes one sheet («Bảng 1», …) for the
workbook's own recogniser; a cell merged across columns keeps its text in its first column only
(a section heading spanning the table stays one cell, as in a workbook), a cell merged down
gives its text to every row it covers. Lines such as «Mã đơn vị: C01» or «Tên đơn vị: CĐCS …»
in the text (or in a two-column table of labels) are the unit's information.

A `.doc` (Word 97–2003) is converted to .docx by LibreOffice when it is installed, in a
temporary folder of our own (never beside the unit's file); otherwise it is set aside with the
reason. A document with no table of ours (the campaign's guidance, a covering letter) is set
aside quietly: it is not an error of the unit's.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

from ..campaign import ReadLimits
from ..model import WorkbookContent
from .csv_reader import NotAList
from .read import UnreadableWorkbook, read_form, recognise
from .screen import Refused, check_archive

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Seconds LibreOffice is given to convert one .doc.
_CONVERT_SECONDS = 120


def read_word(data: bytes, name: str, limits: ReadLimits | None = None) -> WorkbookContent:
    """The content of a Word document, or `NotAList` (set aside) with the reason; a package
    past the campaign's limits (a decompression bomb) is `UnreadableWorkbook`, before
    python-docx inflates anything."""
    limits = limits or ReadLimits()
    headings = limits.headings
    if data.startswith(_OLE2):
        data = _doc_to_docx(data)
    if not data.startswith(_ZIP):
        raise NotAList("Tệp Word không đọc được (không đúng định dạng .docx), bỏ qua")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_archive(package.infolist(), limits)
    except Refused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAList("Tệp Word bị hỏng, không đọc được, bỏ qua") from None
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise NotAList(f"Tệp Word không đọc được ({type(exc).__name__}), bỏ qua") from None
    except Exception:  # a damaged package fails in many ways inside python-docx and lxml
        raise NotAList("Tệp Word bị hỏng, không đọc được, bỏ qua") from None
    sheets = [(f"Bảng {number}", _grid(table))
              for number, table in enumerate(document.tables, start=1)]
    lines = _label_lines(paragraph.text for paragraph in document.paragraphs)
    try:
        content = recognise(sheets, None, headings) if sheets else WorkbookContent([])
    except UnreadableWorkbook:
        content = WorkbookContent([name for name, _ in sheets])
    if content.form is None and lines:
        form = read_form(name, lines)
        if "unit_code" in form.fields or "unit_name" in form.fields:
            content.form = form
    # A guidance letter may show the list's blank header as an example: a table is a unit's
    # list only with rows under its header.
    content.tables = [table for table in content.tables if table.size]
    grids = dict(sheets)
    content.near_misses = [near for near in content.near_misses
                           if _rows_below(grids[near.sheet], near.header_row)]
    if not content.tables and not content.near_misses:
        raise NotAList("Tệp Word không có bảng danh sách theo mẫu (văn bản, hướng dẫn…), "
                       "không đọc")
    return content


def _rows_below(grid: list[list[Any]], header_row: int) -> bool:
    """Whether a table has a row of at least two filled cells under its header (1-based)."""
    return any(sum(1 for cell in row if cell) >= 2 for row in grid[header_row:])


def _grid(table: Any) -> list[list[Any]]:
    """A Word table as rows of cell texts: a merge across columns gives its text to its first
    column only, a merge down to every row (python-docx repeats the merged cell in both)."""
    grid: list[list[Any]] = []
    for row in table.rows:
        cells = list(row.cells)
        texts: list[Any] = []
        for position, cell in enumerate(cells):
            # The same <w:tc> element twice: python-docx offers no public name for it.
            repeated = position > 0 and cell._tc is cells[position - 1]._tc  # noqa: SLF001
            texts.append("" if repeated else _text(cell.text))
        grid.append(texts)
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def _text(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _label_lines(paragraphs: Any) -> list[list[Any]]:
    """«Nhãn: giá trị» lines as [label, value] rows for `read_form`."""
    rows: list[list[Any]] = []
    for paragraph in paragraphs:
        text = _text(paragraph)
        label, colon, value = text.partition(":")
        if colon and value.strip() and 0 < len(label) <= 40:
            rows.append([label.strip(), value.strip()])
    return rows


def _doc_to_docx(data: bytes) -> bytes:
    """A Word 97–2003 file converted by LibreOffice in a temporary folder of ours."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise NotAList("Tệp Word 97–2003 (.doc) chưa đọc được vì máy chưa cài LibreOffice: hãy "
                       "lưu lại dạng .docx hoặc chép bảng sang Excel")
    with tempfile.TemporaryDirectory(prefix="dhtt-doc-") as folder:
        source = Path(folder) / "tep.doc"
        source.write_bytes(data)
        try:
            subprocess.run([office, "--headless", "--norestore", "--convert-to", "docx",
                            "--outdir", folder, str(source)],
                           capture_output=True, timeout=_CONVERT_SECONDS, check=False,
                           env={**os.environ, "HOME": folder})  # a profile of its own
        except (OSError, subprocess.TimeoutExpired):
            raise NotAList("Tệp Word 97–2003 (.doc): LibreOffice không chuyển được, bỏ qua") \
                from None
        converted = Path(folder) / "tep.docx"
        if not converted.is_file():
            raise NotAList("Tệp Word 97–2003 (.doc) hỏng hoặc LibreOffice không chuyển được, "
                           "bỏ qua")
        return converted.read_bytes()
