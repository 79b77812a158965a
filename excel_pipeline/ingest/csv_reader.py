"""Read a CSV or tab-separated text file as one sheet, in whatever bytes the program wrote it.

Units export lists from Excel, Google Sheets and their own systems:

- Excel «CSV UTF-8» (UTF-8 with a byte-order mark) and Google Sheets (UTF-8 without one);
- Excel «Unicode text» (UTF-16 little-endian with a mark, tab-separated, saved as .txt);
- Excel «CSV (Comma delimited)» on a Vietnamese Windows: code page 1258, where a tone is a
  combining mark after its letter («Nguyê\u0303n»), often with semicolons and dd/mm/yyyy dates;
- text typed with the old TCVN3 or VNI fonts, whose bytes read as Latin-1 letters
  («NguyÔn V¨n An»): a text file has one encoding, so the whole file is converted when it
  reads as Vietnamese clearly better so (reported like a workbook's converted cells); cells of
  an otherwise Unicode file still go through `legacy_fonts.apply_unmarked`.

The separator (comma, semicolon or tab) is the one that splits the first lines into the same
number of fields. Text is made NFC, so «Nguyễn» typed in any of these compares equal. The grid
then goes through the workbook's own recogniser: the same headings, rows and findings.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

from ..model import SheetConversion, WorkbookContent
from ..template import ROW_SHEETS
from .headings import ExtraHeadings
from .legacy_fonts import apply_unmarked
from .legacy_text import Encoding, convert, vietnamese_share
from .read import (
    UnreadableWorkbook,
    _read_table_sheet,
    find_header,
    near_miss,
    read_form,
    recognise,
)

_UTF8_BOM = b"\xef\xbb\xbf"
_SEPARATORS = (",", ";", "\t")
# Lines looked at to tell the separator and the encoding.
_SAMPLE_LINES = 30
LEGACY: tuple[Encoding, ...] = ("TCVN3", "VNI")


class NotAList(Exception):
    """The file is not one of our lists: set aside (skipped) with this Vietnamese reason."""


def decode(data: bytes) -> str:
    """The text of `data`, NFC, from the encodings units' programs write (module docstring)."""
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, Encoding | None]:
    """The text, and the legacy font encoding it was converted from (None: it was not)."""
    if data.startswith(_UTF8_BOM):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif _looks_utf16(data):
        text = data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be",
                           errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return _eight_bit(data)
    return unicodedata.normalize("NFC", text), None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a mark: every other byte of the head is zero (Latin text, digits)."""
    head = data[:400]
    return len(head) >= 8 and head.count(b"\x00") >= len(head) // 3


def _eight_bit(data: bytes) -> tuple[str, Encoding | None]:
    """Code page 1258 (Vietnamese Windows), unless the bytes read clearly better as TCVN3 or
    VNI text."""
    vietnamese = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    latin = data.decode("latin-1")
    sample = "\n".join(latin.splitlines()[:_SAMPLE_LINES])
    best, chosen = vietnamese_share("\n".join(vietnamese.splitlines()[:_SAMPLE_LINES])), None
    for encoding in LEGACY:
        share = vietnamese_share(convert(sample, encoding))
        if share > best + 0.1:
            best, chosen = share, encoding
    if chosen is None:
        return vietnamese, None
    return convert(latin, chosen), chosen


def separator(text: str) -> str:
    """The field separator: of comma, semicolon and tab, the one that splits the first lines
    into the most fields, the same number on most of them (a Vietnamese name never holds a
    tab or a semicolon, but a position may hold a comma: quoted, which the count skips)."""
    lines = [line for line in text.splitlines()[:_SAMPLE_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for candidate in _SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate)]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv(data: bytes, name: str, headings: ExtraHeadings = (),
             max_cells: int = 20_000_000) -> WorkbookContent:
    """The content of a CSV or tab-separated file named `name` (its stem names the sheet),
    or `NotAList` when it holds no list of ours and no unit information; a file of more than
    `max_cells` cells (the campaign's sheet limit) is `UnreadableWorkbook`."""
    text, legacy = _decode(data)
    if not text.strip():
        raise NotAList("Tệp văn bản rỗng, không có danh sách")
    sep = separator(text)
    try:  # NUL bytes and the like: a binary file under a text name
        rows = list(csv.reader(io.StringIO(text.replace("\x00", ""), newline=""),
                               delimiter=sep))
    except csv.Error:
        raise NotAList("Tệp không phải văn bản CSV (nội dung nhị phân), bỏ qua") from None
    width = max((len(row) for row in rows), default=0)
    if len(rows) * width > max_cells:
        raise UnreadableWorkbook(f"Tệp CSV quá lớn ({len(rows)} dòng × {width} cột, giới hạn "
                                 f"{max_cells} ô): tách thành tệp nhỏ hơn rồi gửi lại")
    grid: list[list[Any]] = [[cell.strip() for cell in row] + [""] * (width - len(row))
                             for row in rows]
    sheet = name.rsplit(".", 1)[0] or name
    conversions = apply_unmarked([(sheet, grid)]) if legacy is None \
        else [_converted(sheet, grid, legacy, data.decode("latin-1"), text, sep)]
    try:
        content = recognise([(sheet, grid)], None, headings)
    except UnreadableWorkbook as exc:
        raise NotAList(str(exc)) from None
    content.conversions = conversions
    if content.form is not None and not content.tables:  # the unit's labels above the list
        table = _read_table_sheet(sheet, grid, (), headings)
        if table is not None:
            content.tables.append(table)
            content.not_read = []
        else:
            near = near_miss(sheet, grid, headings)
            if near is not None:
                content.near_misses.append(near)
    if content.tables and content.form is None:
        _form_above(content, sheet, grid, headings)
    elif not content.tables and content.form is None:
        form = read_form(sheet, _labels(grid[:40]))  # a companion «Thông tin đơn vị»
        if "unit_code" in form.fields or "unit_name" in form.fields:
            content.form = form
            content.not_read = []
    if not content.tables and not content.near_misses and content.form is not None \
            and sum(1 for row in grid if any(row)) > len(content.form.fields) + 1:
        content.form = None  # labels and other rows: a list we cannot read, not a companion
    if not content.tables and content.form is None:
        if content.near_misses:
            return content  # one of ours lacking columns: the finding says which
        raise NotAList("Tệp CSV/văn bản không phải danh sách theo mẫu (không có dòng tiêu đề "
                       "của danh sách đại biểu, khen thưởng…), không đọc")
    return content


def _labels(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows for `read_form`: «Mã đơn vị: C01» typed in one cell is split into label and
    value, as the form's two cells would hold them."""
    split: list[list[Any]] = []
    for row in rows:
        filled = [cell for cell in row if cell]
        label, colon, value = filled[0].partition(":") if len(filled) == 1 else ("", "", "")
        split.append([label.strip(), value.strip()] if colon and value.strip() else row)
    return split


def _converted(sheet: str, grid: list[list[Any]], encoding: Encoding, typed: str,
               text: str, sep: str) -> SheetConversion:
    """What the LEGACY_ENCODING finding says of a file converted whole: its cells with
    Vietnamese letters, and the first of them as it was typed and as it reads now (the
    separators are ASCII, which the conversion keeps, so the fields line up)."""
    cells = sum(1 for row in grid for cell in row if not cell.isascii())
    example = ("", "")
    for before, after in zip(typed.splitlines(), text.splitlines(), strict=False):
        pairs = [(b, a) for b, a in zip(before.split(sep), after.split(sep), strict=False)
                 if not a.isascii()]
        if pairs:
            example = (pairs[0][0].strip('" '), pairs[0][1].strip('" '))
            break
    return SheetConversion(sheet, (encoding,), cells, example, by_characters=True)


def _form_above(content: WorkbookContent, sheet: str, grid: list[list[Any]],
                headings: ExtraHeadings) -> None:
    """Unit information typed above the list («Mã đơn vị,C01» then the header), read as the
    form of a workbook's Thông tin đơn vị sheet."""
    table = content.tables[0]
    spec = next(spec for spec in ROW_SHEETS if spec is table.spec)
    found = find_header(grid, spec, headings)
    above = grid[:found[0]] if found is not None else []
    form = read_form(sheet, _labels(above))
    if "unit_code" in form.fields or "unit_name" in form.fields:
        content.form = form
