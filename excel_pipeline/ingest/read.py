"""Read one workbook into raw tables: which sheet is which, where its header is, which row is which.

Nothing is typed or judged here; the values are the cells as the reader gave them, each data row
with the row number Excel shows. Sheets are recognised by name or, failing that, by their header,
whatever the case, the diacritics, the column order, or the title rows and merged cells above.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from ..campaign import ReadLimits
from ..model import RawForm, RawTable, WorkbookContent
from ..template import INFO, REGISTRY, ROW_SHEETS, Column, SheetSpec
from ..textnorm import clean_text, fold, is_blank
from .legacy_fonts import apply, legacy_text_cells
from .screen import Refused, damage, screen

HEADER_SCAN_ROWS = 40


class UnreadableWorkbook(Exception):
    """The file cannot be used at all; the message is the Vietnamese reason shown to the user."""


def read_workbook(data: bytes, limits: ReadLimits | None = None) -> WorkbookContent:
    """Read every sheet of a workbook's bytes with python-calamine, whatever its extension says;
    legacy-font text is converted to Unicode. Never runs macros, never writes."""
    import python_calamine as calamine

    try:
        kind = screen(data, limits)
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Refused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    except calamine.PasswordError:
        raise UnreadableWorkbook("Tệp có mật khẩu: hãy gỡ mật khẩu rồi gửi lại") from None
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise UnreadableWorkbook("Tệp hỏng hoặc bị cắt cụt (có thể tải tệp đính kèm chưa xong): "
                                 f"đề nghị đơn vị gửi lại. Chi tiết: {damage(exc)}") from None
    try:
        sheets: list[tuple[str, list[list[Any]]]] = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            sheets.append((name, sheet.to_python(skip_empty_area=False)))
    except Exception as exc:
        raise UnreadableWorkbook(f"Tệp hỏng, không đọc được nội dung ({damage(exc)})") from None
    finally:
        workbook.close()
    try:
        conversions = apply(sheets, legacy_text_cells(data, kind))
    except Refused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    except Exception as exc:  # the font pass is a second parser: a file it trips on is corrupt
        raise UnreadableWorkbook(f"Tệp hỏng, không đọc được phông chữ ({damage(exc)})") from None
    content = recognise(sheets)
    content.conversions = conversions
    return content


def recognise(sheets: list[tuple[str, list[list[Any]]]]) -> WorkbookContent:
    """Sort a workbook's sheets (name, grid of cells) into the template's sheet types."""
    content = WorkbookContent(sheet_names=[name for name, _ in sheets])
    if not any(any(not is_blank(cell) for cell in row) for _, grid in sheets for row in grid):
        raise UnreadableWorkbook("Tệp trống, không có dữ liệu")
    for name, grid in sheets:
        name_key = fold(name)
        if content.form is None and (name_key in INFO.name_keys() or _looks_like_form(grid)):
            form = read_form(name, grid)
            if form.fields:
                content.form = form
                continue
        table = _read_table_sheet(name, grid)
        if table is not None:
            content.tables.append(table)
        elif any(any(not is_blank(cell) for cell in row) for row in grid):
            content.unrecognised.append(name)
    return content


def _read_table_sheet(name: str, grid: list[list[Any]]) -> RawTable | None:
    named = [spec for spec in (*ROW_SHEETS, REGISTRY) if fold(name) in spec.name_keys()]
    candidates = named or [*ROW_SHEETS, REGISTRY]
    best: tuple[int, SheetSpec, int, dict[int, Column]] | None = None
    for spec in candidates:
        found = find_header(grid, spec)
        if found is None:
            continue
        row_index, mapping = found
        score = len(mapping) + (100 if named else 0)
        if best is None or score > best[0]:
            best = (score, spec, row_index, mapping)
    if best is None:
        return None
    _, spec, row_index, mapping = best
    return read_table(name, grid, spec, row_index, mapping)


def find_header(grid: list[list[Any]], spec: SheetSpec) -> tuple[int, dict[int, Column]] | None:
    """The row (0-based) within the first rows that names most of the spec's columns.

    A header must name at least two columns, one of them required, so a title row that happens
    to contain "Đại biểu" is never taken for a header.
    """
    best: tuple[int, dict[int, Column]] | None = None
    exact = _header_index(spec)
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        mapping = match_header(row, exact)
        if len(mapping) < 2 or not any(col.required for col in mapping.values()):
            continue
        if best is None or len(mapping) > len(best[1]):
            best = (index, mapping)
    return best


def match_header(row: list[Any], exact: dict[str, Column]) -> dict[int, Column]:
    """Column position -> template column, for the header cells that name one (`exact`: the
    sheet type's folded spellings, `_header_index`)."""
    mapping: dict[int, Column] = {}
    taken: set[str] = set()
    for position, cell in enumerate(row):
        if not isinstance(cell, str) or not cell:  # headers are text; skip numbers and blanks
            continue
        key = fold(cell)
        if not key:
            continue
        column = exact.get(key) or _prefix_match(key, exact)
        if column is not None and column.key not in taken:
            mapping[position] = column
            taken.add(column.key)
    return mapping


@cache
def _header_index(spec: SheetSpec) -> dict[str, Column]:
    """Folded header spelling -> column, built once per sheet type."""
    exact: dict[str, Column] = {}
    for col in spec.columns:
        for key in sorted(col.header_keys()):
            exact.setdefault(key, col)
    return exact


def _prefix_match(key: str, exact: dict[str, Column]) -> Column | None:
    """A header with a trailing remark ("Năm sinh (yyyy)") still names its column: the longest
    known header (over two characters) that `key` starts with, followed by a space.

    Folded keys have single spaces, so only the words' ends need looking up: a few dictionary
    probes per cell instead of comparing every known spelling with every text cell of the rows
    scanned for a header (names, positions, notes)."""
    found = None
    end = key.find(" ")
    while end != -1:
        if end > 2:
            found = exact.get(key[:end], found)
        end = key.find(" ", end + 1)
    return found


def read_table(name: str, grid: list[list[Any]], spec: SheetSpec, header_index: int,
               mapping: dict[int, Column]) -> RawTable:
    """Data rows below the header; blank rows, and rows holding only what the template pre-fills
    (STT, the indicator catalogue), are skipped."""
    header = grid[header_index]
    extra = {pos: clean_text(cell) for pos, cell in enumerate(header)
             if pos not in mapping and not is_blank(cell)}
    table = RawTable(
        spec=spec,
        sheet=name,
        header_row=header_index + 1,
        missing_columns=[col.header for col in spec.columns
                         if col.required and col not in mapping.values()],
        extra_columns=[text for text in extra.values() if text],
        letters={col.key: column_letter(pos) for pos, col in mapping.items()},
    )
    content_positions = [pos for pos, col in mapping.items() if col.key not in spec.prefilled] \
        or [pos for pos, col in mapping.items() if col.key != "stt"]
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        if all(is_blank(row[pos]) if pos < len(row) else True for pos in content_positions):
            continue
        record = {col.key: (row[pos] if pos < len(row) else None) for pos, col in mapping.items()}
        for pos, text in extra.items():
            if pos < len(row) and not is_blank(row[pos]):
                record.setdefault("_extra", {})[text] = row[pos]
        table.rows.append((index + 1, record))
    return table


def _looks_like_form(grid: list[list[Any]]) -> bool:
    labels = _header_index(INFO)
    rows_with_label = sum(
        1 for row in grid[:HEADER_SCAN_ROWS]
        if fold(next((cell for cell in row[:3] if not is_blank(cell)), None)) in labels
    )
    return rows_with_label >= 3


def read_form(name: str, grid: list[list[Any]]) -> RawForm:
    """Label in a cell of the first columns, value in the next filled cell to its right.

    A label spelled exactly wins over one with a trailing remark, and a label with a value over
    one without, so a title such as "Đơn vị C11" above the form never hides "Tên đơn vị".
    """
    labels = _header_index(INFO)
    best: dict[str, tuple[tuple[bool, bool], Any, int, int]] = {}
    for index, row in enumerate(grid):
        for position, cell in enumerate(row[:3]):
            key = fold(cell)
            exact = labels.get(key)
            column = exact or (_prefix_match(key, labels) if key else None)
            if column is None:
                continue
            offset = next((i for i, v in enumerate(row[position + 1:position + 4], position + 1)
                           if not is_blank(v)), position + 1)
            value = row[offset] if offset < len(row) else None
            rank = (exact is not None, not is_blank(value))
            if column.key not in best or rank > best[column.key][0]:
                best[column.key] = (rank, value, index + 1, offset)
            break
    form = RawForm(sheet=name)
    for key, (_, value, row_number, offset) in sorted(best.items(), key=lambda kv: kv[1][2]):
        form.fields[key] = (value, row_number)
        form.letters[key] = column_letter(offset)
    return form


def column_letter(position: int) -> str:
    """Excel's column letters for a 0-based position: 0 -> A, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

