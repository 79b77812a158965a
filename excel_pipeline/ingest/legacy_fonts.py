"""Find the cells typed in a legacy Vietnamese font, and convert their text to Unicode.

python-calamine gives values without fonts, so a workbook whose styles name a `.Vn*` (TCVN3) or
`VNI-*` font is opened a second time, only for fonts: with openpyxl for `.xlsx`/`.xlsm` (rich
text runs included), streaming its cells in read-only mode, and with xlrd's formatting
information for `.xls`. Workbooks without such a
font, nearly all of them, pay only for a scan of two XML parts. openpyxl parses through
defusedxml (a declared dependency), so a hostile styles part cannot expand entities.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ..model import SheetConversion
from .legacy_text import Encoding, convert, doubtful_texts, read_as
from .openpyxl_cells import stream_cells
from .screen import Refused

# Cell position (0-based row, 0-based column) -> the cell's text as Unicode, and its encoding.
Converted = dict[tuple[int, int], tuple[str, Encoding]]

# Matched against ASCII-lower-cased bytes, which is what IGNORECASE would match, but searched
# three times faster (a case-insensitive pattern has no literal to scan for).
_FONT_IN_XML = re.compile(rb'(?:name|rfont) val="(?:\.vn|vni[- ])')
_FONT_PARTS = ("xl/styles.xml", "xl/sharedStrings.xml")
# The encodings a sheet's text is tried in when no font names one.
_BY_CHARACTERS: tuple[Encoding, ...] = ("TCVN3", "VNI")


def font_encoding(font_name: str | None) -> tuple[Encoding, bool] | None:
    """The legacy encoding a font implies, and whether it draws capitals (.VnTimeH, .VnArialH)."""
    name = (font_name or "").strip()
    if name.lower().startswith(".vn"):
        return "TCVN3", name.endswith("H")
    if name.lower().startswith(("vni-", "vni ")):
        return "VNI", False
    return None


def legacy_text_cells(data: bytes, kind: str) -> dict[str, Converted]:
    """Sheet name -> converted cells, for cells whose font is a legacy one and whose text
    changes. `kind` is the format found by `screen` ("xlsx" or "xls"); other kinds have none."""
    if kind == "xlsx" and _mentions_legacy_font(data):
        return _xlsx_cells(data)
    if kind == "xls":
        return _xls_cells(data)
    return {}


def apply(grids: list[tuple[str, list[list[Any]]]],
          cells: dict[str, Converted]) -> list[SheetConversion]:
    """Put the converted text into the calamine grids; one summary per sheet that changed."""
    summaries: list[SheetConversion] = []
    for name, grid in grids:
        changed: list[tuple[str, str, Encoding]] = []
        for (row, col), (text, encoding) in cells.get(name, {}).items():
            if row < len(grid) and col < len(grid[row]) and isinstance(grid[row][col], str) \
                    and grid[row][col] != text:
                changed.append((grid[row][col], text, encoding))
                grid[row][col] = text
        if changed:
            summaries.append(SheetConversion(name, tuple(sorted({c[2] for c in changed})),
                                             len(changed), (changed[0][0], changed[0][1])))
    return summaries


def apply_unmarked(grids: list[tuple[str, list[list[Any]]]]) -> list[SheetConversion]:
    """Convert TCVN3 or VNI text that no font announces (the officer changed the font; the
    text still reads «NguyÔn V¨n An»). A sheet is typed in one encoding: the one under which
    more of its doubtful cells read as Vietnamese is chosen, and only the cells it makes read
    as Vietnamese are converted (`legacy_text.read_as`); a tie is not guessed."""
    summaries: list[SheetConversion] = []
    for name, grid in grids:
        texts = doubtful_texts(_distinct_texts(grid))
        if not texts:
            continue
        readings: dict[Encoding, dict[str, str]] = {}
        for candidate in _BY_CHARACTERS:
            converted = {text: read_as(text, candidate) for text in texts}
            readings[candidate] = {text: new for text, new in converted.items() if new}
        if not any(readings.values()):  # Vietnamese with Latin-1 letters only («Công nhân»)
            continue
        strings = [cell for cells in grid for cell in cells if type(cell) is str]
        tcvn3, vni = (sum(strings.count(text) for text in readings[encoding])
                      for encoding in ("TCVN3", "VNI"))
        if tcvn3 == vni:
            continue
        encoding: Encoding = "TCVN3" if tcvn3 > vni else "VNI"
        changes = readings[encoding]
        example: tuple[str, str] | None = None
        count = 0
        for cells in grid:
            for col, cell in enumerate(cells):
                if type(cell) is str and cell in changes:
                    example = example or (cell, changes[cell])
                    cells[col] = changes[cell]
                    count += 1
        assert example is not None
        summaries.append(SheetConversion(name, (encoding,), count, example,
                                         by_characters=True))
    return summaries


def _distinct_texts(grid: list[list[Any]]) -> list[str]:
    """The distinct texts of a grid, gathered by one C-level set union of its rows (nearly
    every sheet has no doubtful text, and is not walked cell by cell in Python)."""
    try:
        cells = set().union(*grid)
    except TypeError:  # a cell that cannot be hashed (no reader gives one)
        return list({cell for row in grid for cell in row if type(cell) is str})
    return [cell for cell in cells if type(cell) is str]


def _mentions_legacy_font(data: bytes) -> bool:
    """Whether the styles or the shared strings name a legacy font, read in chunks: a shared-
    strings table may be hundreds of megabytes, and is never held whole here."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for part in _FONT_PARTS:
            if part not in names:
                continue
            with archive.open(part) as stream:
                carry, chunk = b"", stream.read(_CHUNK)
                while chunk:
                    if _FONT_IN_XML.search((carry + chunk).lower()):
                        return True
                    carry, chunk = chunk[-64:], stream.read(_CHUNK)
    return False


_CHUNK = 1024 * 1024


def _xlsx_cells(data: bytes) -> dict[str, Converted]:
    import openpyxl
    import openpyxl.xml
    from openpyxl.cell.rich_text import CellRichText

    if not openpyxl.xml.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False in the environment
        raise Refused("Không đọc phông chữ của tệp: openpyxl đang không dùng defusedxml "
                      "(bỏ biến môi trường OPENPYXL_DEFUSEDXML)")
    # Read-only, and through openpyxl's own sheet parser: the cells present stream past, none
    # is kept. The whole-workbook mode builds every cell of the declared range, gigabytes for
    # a sheet at the cell limit, and the read-only rows are padded to it; the parser also keeps
    # the runs of inline rich text, which the read-only rows flatten.
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, rich_text=True,
                                  keep_vba=False, data_only=True, keep_links=False)
    result: dict[str, Converted] = {}
    try:
        for sheet in book.worksheets:
            cells: Converted = {}
            fonts: dict[int, tuple[Encoding, bool] | None] = {}  # by style, named once
            for cell in stream_cells(book, sheet):
                value = cell.value
                if not isinstance(value, str | CellRichText):
                    continue
                style = cell.style_array.fontId
                if style not in fonts:
                    fonts[style] = font_encoding(cell.font.name if cell.font else None)
                base = fonts[style]
                if isinstance(value, CellRichText):
                    runs = list(_rich_runs(value, base))
                    text = "".join(run for run, _ in runs)
                    encoding = next((enc for run, enc in runs if enc), None)
                    if encoding and text != str(value):
                        cells[(cell.row - 1, cell.column - 1)] = (text, encoding)
                elif isinstance(value, str) and base is not None:
                    text = convert(value, *base)
                    if text != value:
                        cells[(cell.row - 1, cell.column - 1)] = (text, base[0])
            if cells:
                result[sheet.title] = cells
    finally:
        book.close()
    return result


def _rich_runs(value: Any, base: tuple[Encoding, bool] | None
               ) -> Iterator[tuple[str, Encoding | None]]:
    """Each run of a rich-text cell converted by its own font, falling back to the cell's."""
    for block in value:
        text = block if isinstance(block, str) else block.text
        own = None if isinstance(block, str) or block.font is None \
            else font_encoding(block.font.rFont)
        encoding = own or base
        yield (convert(text, *encoding), encoding[0]) if encoding else (text, None)


def _xls_cells(data: bytes) -> dict[str, Converted]:
    import xlrd

    # Ragged rows: each row as long as its own last cell, not padded to the sheet's widest row
    # (a sheet with one far cell would otherwise be walked as a full rectangle).
    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                              ragged_rows=True)
    result: dict[str, Converted] = {}
    try:
        legacy_fonts = {index: font_encoding(font.name) for index, font in
                        enumerate(book.font_list) if font_encoding(font.name)}
        if not legacy_fonts:
            return result
        legacy_xf = {index: legacy_fonts[xf.font_index] for index, xf in enumerate(book.xf_list)
                     if xf.font_index in legacy_fonts}
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            cells: Converted = {}
            for row in range(sheet.nrows):
                for col in range(sheet.row_len(row)):
                    if sheet.cell_type(row, col) != xlrd.XL_CELL_TEXT:
                        continue
                    encoding = legacy_xf.get(sheet.cell_xf_index(row, col))
                    value = sheet.cell_value(row, col)
                    if encoding is not None and (text := convert(value, *encoding)) != value:
                        cells[(row, col)] = (text, encoding[0])
            if cells:
                result[sheet.name] = cells
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return result
