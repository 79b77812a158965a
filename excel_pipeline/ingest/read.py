"""Read one workbook into raw tables: which sheet is which, where its header is, which row is which.

Nothing is typed or judged here; the values are the cells as the reader gave them, each data row
with the row number Excel shows. Sheets are recognised by name or, failing that, by their header,
whatever the case, the diacritics, the column order, or the title rows and merged cells above.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from functools import cache
from operator import itemgetter
from typing import Any

from ..campaign import ReadLimits
from ..model import NearMiss, RawForm, RawTable, WorkbookContent
from ..template import INFO, REGISTRY, ROW_SHEETS, Column, SheetSpec
from ..textnorm import clean_text, fold, is_blank
from .forms import (
    AFTER,
    BELOW_TOTAL,
    SECTION,
    TOTAL,
    HeaderBand,
    Merge,
    fill_merged_down,
    header_band,
    row_kind,
)
from .headings import ExtraHeadings, extra_headings, folded, subject_of
from .legacy_fonts import apply, apply_unmarked, legacy_text_cells
from .screen import PASSWORD_REASON, Refused, damage, screen

HEADER_SCAN_ROWS = 40


class UnreadableWorkbook(Exception):
    """The file cannot be used at all; the message is the Vietnamese reason shown to the user."""


def read_workbook(data: bytes, limits: ReadLimits | None = None) -> WorkbookContent:
    """Read every sheet of a workbook's bytes with python-calamine, whatever its extension says;
    legacy-font text is converted to Unicode. Never runs macros, never writes."""
    import python_calamine as calamine

    with ExitStack() as keep:  # a temporary copy (see `_open`) lives until the sheets are read
        return _read(calamine, data, limits, keep)


def _read(calamine: Any, data: bytes, limits: ReadLimits | None,
          keep: ExitStack) -> WorkbookContent:
    try:
        kind = screen(data, limits)
        workbook = _open(calamine, data, kind, keep)
    except Refused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    except calamine.PasswordError:
        raise UnreadableWorkbook(PASSWORD_REASON) from None
    except MemoryError:  # the worker's memory limit (`cpus.limit_memory`), not a damaged file
        raise UnreadableWorkbook(TOO_MUCH_MEMORY) from None
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        if "cell limit" in str(exc).lower():
            raise UnreadableWorkbook(TOO_LARGE) from None
        raise UnreadableWorkbook("Tệp hỏng hoặc bị cắt cụt (có thể tải tệp đính kèm chưa xong): "
                                 f"đề nghị đơn vị gửi lại. Chi tiết: {damage(exc)}") from None
    sheets: list[tuple[str, list[list[Any]]]] = []
    merges: dict[str, tuple[Merge, ...]] = {}
    not_read: list[tuple[str, str]] = []
    try:
        for meta in workbook.sheets_metadata:
            reason = _not_data(meta)
            if reason is not None:
                not_read.append((meta.name, reason))
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
                sheets.append((meta.name, sheet.to_python(skip_empty_area=False)))
                merges[meta.name] = tuple(sheet.merged_cell_ranges or ())
            except MemoryError:
                raise UnreadableWorkbook(TOO_MUCH_MEMORY) from None
            except Exception as exc:  # one sheet the reader trips on; the others are read
                if "cell limit" in str(exc).lower():
                    raise UnreadableWorkbook(TOO_LARGE) from None
                not_read.append((meta.name, f"không đọc được ({damage(exc)})"))
    finally:
        workbook.close()
    if not sheets and not_read and any(r.startswith("không đọc được") for _, r in not_read):
        raise UnreadableWorkbook(f"Tệp hỏng, không đọc được nội dung ({not_read[0][1]})")
    try:
        conversions = apply(sheets, legacy_text_cells(data, kind))
    except Refused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    except MemoryError:
        raise UnreadableWorkbook(TOO_MUCH_MEMORY) from None
    except Exception:  # the font pass is a second parser; the cells are read already
        conversions = []
        not_read.append(("", "không đọc được tên phông chữ của các ô (chữ TCVN3/VNI, nếu có, "
                             "được nhận theo ký tự)"))
    conversions += apply_unmarked(sheets)
    content = recognise(sheets, merges, limits.headings if limits is not None else ())
    content.conversions = conversions
    content.not_read = not_read + content.not_read
    return content


def _open(calamine: Any, data: bytes, kind: str, keep: ExitStack) -> Any:
    """python-calamine's workbook of `data`. It guesses the format of bytes from their content,
    which some packages do not give away (an .ods LibreOffice cannot fault); the screen knows
    the format, so such bytes are opened again from a temporary file named for it, which
    `keep` deletes once the workbook is read (Windows cannot delete an open file)."""
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.CalamineError as exc:
        if "detect file format" not in str(exc):
            raise
    folder = keep.enter_context(tempfile.TemporaryDirectory(prefix="dhtt-"))
    path = os.path.join(folder, f"tep.{kind}")
    with open(path, "wb") as stream:
        stream.write(data)
    return calamine.CalamineWorkbook.from_path(path)


TOO_LARGE = ("Trang tính quá lớn (khai báo quá nhiều ô): xóa các ô thừa ở cuối trang rồi gửi lại")
TOO_MUCH_MEMORY = ("Tệp cần quá nhiều bộ nhớ để đọc (bảng quá lớn hoặc cấu trúc bên trong bất "
                   "thường), không đọc để bảo vệ máy: đề nghị đơn vị xóa các ô, trang thừa, lưu "
                   "lại bằng Excel rồi gửi lại")


def _not_data(meta: Any) -> str | None:
    """Why a sheet is not a unit's data, from what the workbook says of it (None: read it).
    Rows hidden by hand or by a filter are data; a sheet hidden whole is the form's machinery
    (code lists, a leftover from last year) and a chart sheet holds no cells."""
    kind = str(meta.typ).rsplit(".", 1)[-1]
    visible = str(meta.visible).rsplit(".", 1)[-1]
    if kind != "WorkSheet":
        return "trang biểu đồ hoặc macro, không có bảng dữ liệu"
    if visible != "Visible":
        return "trang ẩn (danh mục, trang phụ của mẫu)"
    return None


def recognise(sheets: list[tuple[str, list[list[Any]]]],
              merges: dict[str, tuple[Merge, ...]] | None = None,
              headings: ExtraHeadings = ()) -> WorkbookContent:
    """Sort a workbook's sheets (name, grid of cells) into the template's sheet types; `merges`
    gives each sheet's merged ranges (a value merged down belongs to every row it covers);
    `headings` are the campaign's own headings for the columns (`ingest.headings`)."""
    content = WorkbookContent(sheet_names=[name for name, _ in sheets])
    if not any(any(not is_blank(cell) for cell in row) for _, grid in sheets for row in grid):
        raise UnreadableWorkbook("Tệp trống, không có dữ liệu")
    for name, grid in sheets:
        name_key = fold(name)
        if name_key in _GUIDE_NAMES:
            content.not_read.append((name, "trang hướng dẫn của mẫu"))
            continue
        if content.form is None and (name_key in INFO.name_keys() or _looks_like_form(grid)):
            form = read_form(name, grid)
            if form.fields:
                content.form = form
                continue
        sheet_merges = (merges or {}).get(name, ())
        if sheet_merges:
            fill_merged_down(grid, sheet_merges)
        table = _read_table_sheet(name, grid, sheet_merges, headings)
        if table is not None:
            content.tables.append(table)
        elif any(any(not is_blank(cell) for cell in row) for row in grid):
            near = near_miss(name, grid, headings)
            if near is not None:  # one of our lists without its key columns: said, not dropped
                content.near_misses.append(near)
            content.unrecognised.append(name)
            content.not_read.append((name, "không nhận ra là trang nào của mẫu (thiếu các cột "
                                           "chính của một danh sách)"))
    return content


# Instruction sheets of our template and of the forms offices pass on.
_GUIDE_NAMES = frozenset({"huong dan", "huong dan dien", "huong dan ghi"})


def _read_table_sheet(name: str, grid: list[list[Any]], merges: tuple[Merge, ...] = (),
                      headings: ExtraHeadings = ()) -> RawTable | None:
    named = [spec for spec in (*ROW_SHEETS, REGISTRY) if fold(name) in spec.name_keys()]
    candidates = named or [*ROW_SHEETS, REGISTRY]
    best: tuple[int, SheetSpec, HeaderBand] | None = None
    for spec in candidates:
        found = find_header(grid, spec, headings)
        if found is None:
            continue
        row_index, mapping = found
        band = header_band(grid, row_index, mapping, merges, _header_index(spec, headings))
        if not _matches_well(grid[row_index], spec, band, bool(named)):
            continue
        score = len(band.mapping) + 2 * bool(band.birth_split) + (100 if named else 0)
        if best is None or score > best[0]:
            best = (score, spec, band)
    if best is None:
        return None
    _, spec, band = best
    return read_table(name, grid, spec, band)


def _matches_well(header: list[Any], spec: SheetSpec, band: HeaderBand, named: bool) -> bool:
    """Whether a header makes its sheet a list of this type, not one word of it: a sheet named
    for the type needs two of its columns, one required; any other sheet needs every required
    column, or its name column among at least four of the type's columns that outnumber twice
    the header's other titles (a list from another system, with ID and insurance numbers, is
    not a delegate list because it has «Họ và tên» and «Giới tính»)."""
    keys = {column.key for column in band.mapping.values()}
    if band.birth_split:
        keys |= {"birth_year", "gender"}
    required = {column.key for column in spec.columns if column.required}
    if named:
        return len(keys) >= 2 and bool(keys & required)
    if required <= keys:
        return True
    others = sum(1 for pos, cell in enumerate(header) if isinstance(cell, str) and fold(cell)
                 and pos not in band.mapping and pos not in band.birth_split)
    return bool(keys & required & _NAME_KEYS) and len(keys) >= 4 and len(keys) >= 2 * others


_NAME_KEYS = frozenset({"full_name", "name", "unit_code", "code"})


def near_miss(name: str, grid: list[list[Any]], headings: ExtraHeadings = ()) -> NearMiss | None:
    """A sheet no list type took that still looks like one of ours missing some required
    columns: named for a type, or its name column among at least three of the type's columns
    that are at least half its titles (a payroll with «Họ và tên» and «Giới tính» among its
    bank and insurance columns is not). What it is (sheet, type, columns missing, headings
    seen), or None."""
    named = [spec for spec in ROW_SHEETS if fold(name) in spec.name_keys()]
    best: NearMiss | None = None
    best_size = 0
    for spec in named or ROW_SHEETS:
        found = find_header(grid, spec, headings)
        if found is None:
            continue
        row_index, mapping = found
        keys = {column.key for column in mapping.values()}
        missing = [col.header for col in spec.columns if col.required and col.key not in keys]
        seen = [str(clean_text(cell)) for cell in grid[row_index] if not is_blank(cell)]
        others = len(seen) - len(mapping)
        if not missing or not (named or (keys & _NAME_KEYS and len(keys) >= 3
                                         and len(keys) >= others)):
            continue
        if len(keys) > best_size:
            best, best_size = NearMiss(name, spec.title, row_index + 1, missing, seen), len(keys)
    return best


def find_header(grid: list[list[Any]], spec: SheetSpec,
                headings: ExtraHeadings = ()) -> tuple[int, dict[int, Column]] | None:
    """The row (0-based) within the first rows that names most of the spec's columns.

    A header must name at least two columns, one of them required, so a title row that happens
    to contain "Đại biểu" is never taken for a header.
    """
    best: tuple[int, dict[int, Column]] | None = None
    exact = _header_index(spec, headings)
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        # A row names a column only with a text cell: one with no more text cells than the
        # best row has columns cannot take its place (the rows under a header, names and
        # positions, are settled without folding a cell).
        if best is not None and sum(1 for cell in row
                                    if isinstance(cell, str) and cell) <= len(best[1]):
            continue
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
def _header_index(spec: SheetSpec, headings: ExtraHeadings = ()) -> dict[str, Column]:
    """Folded header spelling -> column, built once per sheet type: the template's titles and
    aliases first, then the headings people write (`ingest.headings`, and the campaign's)."""
    exact: dict[str, Column] = {}
    for col in spec.columns:
        for key in sorted(col.header_keys()):
            exact.setdefault(key, col)
    for col in spec.columns:
        for key in folded(extra_headings(spec.key, col.key, headings)):
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
    if end == -1 or key[:end] not in _first_words(exact):  # a name, a position: no header's
        return None
    while end != -1:
        if end > 2:
            found = exact.get(key[:end], found)
        end = key.find(" ", end + 1)
    return found


# id of a header index -> (that index, its size, the first words of its spellings).
_FIRST_WORDS: dict[int, tuple[dict[str, Column], int, frozenset[str]]] = {}


def _first_words(exact: dict[str, Column]) -> frozenset[str]:
    """The first words of `exact`'s spellings: every prefix `_prefix_match` looks up starts
    with the key's first word, so a key whose first word starts no spelling (the names and
    positions of the rows scanned for a header) is settled by one set look-up. Kept by the
    index's identity (held, so never reused) and size; the index is `_header_index`'s own."""
    entry = _FIRST_WORDS.get(id(exact))
    if entry is None or entry[0] is not exact or entry[1] != len(exact):
        if len(_FIRST_WORDS) > 64:  # indexes made by callers, not `_header_index`
            _FIRST_WORDS.clear()
        words = frozenset(spelling.partition(" ")[0] for spelling in exact)
        entry = _FIRST_WORDS[id(exact)] = (exact, len(exact), words)
    return entry[2]


def read_table(name: str, grid: list[list[Any]], spec: SheetSpec,
               band: HeaderBand) -> RawTable:
    """The people (or units, or indicators) of a list, read as a person reads the form: below
    its header band, without the column-number row, the section headings (whose implied values,
    Loại đại biểu or Đối tượng, go to the rows under them that leave that column blank),
    the total line and everything after the table, each counted in `set_aside`. Blank rows, and
    rows holding only what the template pre-fills (STT, the indicator catalogue), are skipped."""
    mapping, split = band.mapping, band.birth_split
    extra = {pos: clean_text(cell) or "" for pos, cell in enumerate(grid[band.first_row])
             if pos not in mapping and pos not in split and not is_blank(cell)}
    keys = {col.key for col in mapping.values()}
    letters = {col.key: column_letter(pos) for pos, col in mapping.items()}
    if split:
        first = column_letter(min(split))
        letters.setdefault("birth_year", first)
        letters.setdefault("gender", first)
    # A nomination list without Đối tượng says it in its names («Tổ may 1», «Nguyễn Văn A»).
    infer_subject = "subject" in spec.keys and "subject" not in keys and "name" in keys
    table = RawTable(
        spec=spec,
        sheet=name,
        header_row=band.first_row + 1,
        missing_columns=[col.header for col in spec.columns
                         if col.required and col.key not in keys
                         and not (split and col.key in ("birth_year", "gender"))
                         and not (infer_subject and col.key == "subject")],
        extra_columns=[text for text in extra.values() if text],
        letters=letters,
    )
    content_positions = [pos for pos, col in mapping.items() if col.key not in spec.prefilled] \
        or [pos for pos, col in mapping.items() if col.key != "stt"]
    content_positions += list(split)
    names = {pos for pos, col in mapping.items() if col.key in _NAME_KEYS}
    sections: list[tuple[int, dict[str, str]]] = []  # (first data row under it, its implied)
    totals: list[tuple[int, int | None, str]] = []  # (Excel row, count stated, what it totals)
    # A row's cells are taken in one call (every row as long as the header's widest mapped
    # column, nearly all), and the rows turned into columns at the end.
    positions = [*mapping, *split]
    take = _taker(positions)
    widest = max(positions, default=-1)
    taken: list[Sequence[Any]] = []
    seen = False
    for index in range(band.last_row + 1, len(grid)):
        row = grid[index]
        kind = row_kind(row, names, first_data_row=not seen)
        if kind.kind is not None:
            _set_aside(table, kind.kind)
            if kind.kind == SECTION:
                sections.append((len(taken), {key: value for key, value in kind.value.items()
                                              if key in spec.keys}))
            elif kind.kind == TOTAL:  # a subtotal may be followed by the next part's people
                totals.append((index + 1, *kind.value))
            elif kind.kind == AFTER:
                for later in grid[index + 1:]:
                    if any(not is_blank(cell) for cell in later):
                        _set_aside(table, AFTER)
                break
            seen = True
            continue
        if _all_blank(row, content_positions):
            continue
        if totals and len(row) - row.count("") - row.count(None) < 3:
            _set_aside(table, BELOW_TOTAL)  # below a total, a person's row is a full one
            continue
        seen = True
        if extra:
            extras = {text: row[pos] for pos, text in extra.items()
                      if pos < len(row) and not is_blank(row[pos])}
            if extras:
                table.extras[len(taken)] = extras
        taken.append(take(row) if len(row) > widest
                     else [row[pos] if pos < len(row) else None for pos in positions])
        table.excel_rows.append(index + 1)
    by_position = dict(zip(positions, map(list, zip(*taken, strict=True)), strict=True)) \
        if taken else {pos: [] for pos in positions}
    # Two headers read as one column: the later one's cells, as a row's dictionary kept them.
    table.cells = {col.key: by_position[pos] for pos, col in mapping.items()}
    _fill_implied(table, sections)
    if infer_subject and _infer_subject(table):
        table.inferred.append(spec.column("subject").header)
    if split:
        _birth_and_sex(table, {pos: by_position[pos] for pos in split}, split)
    table.stated_total = _list_total(totals)
    return table


def _column(table: RawTable, key: str) -> list[Any]:
    """The raw cells of column `key`, made blank for every row when the sheet lacks it."""
    column = table.cells.get(key)
    if column is None:
        column = table.cells[key] = [None] * table.size
    return column


def _fill_implied(table: RawTable, sections: list[tuple[int, dict[str, str]]]) -> None:
    """What each section heading implies («I. ĐẠI BIỂU KHÁCH MỜI»: Loại đại biểu), given to
    the rows under it, up to the next heading, that leave that column blank."""
    for number, (start, implied_values) in enumerate(sections):
        end = sections[number + 1][0] if number + 1 < len(sections) else table.size
        for key, value in implied_values.items() if start < end else ():
            column = _column(table, key)
            for index in range(start, end):
                if is_blank(column[index]):
                    column[index] = value


def _infer_subject(table: RawTable) -> bool:
    """Đối tượng told from the names («Tổ may 1», «Nguyễn Văn A») where the sheet leaves it
    unsaid; whether any row needed it."""
    subjects, names = _column(table, "subject"), table.cells["name"]
    inferred = False
    for index, subject in enumerate(subjects):
        if is_blank(subject):
            subjects[index] = subject_of(names[index])
            inferred = True
    return inferred


def _taker(positions: list[int]) -> Callable[[list[Any]], Sequence[Any]]:
    """The cells at `positions` of a row long enough to hold them all, as one sequence."""
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return itemgetter(*positions)


def _all_blank(row: list[Any], positions: list[int]) -> bool:
    """Whether every cell of `row` at `positions` is blank (or beyond the row's end); the
    usual blanks, None and "", are told apart without a call to `is_blank`."""
    size = len(row)
    for pos in positions:
        if pos < size:
            cell = row[pos]
            if cell is not None and cell != "" and not is_blank(cell):
                return False
    return True


def _list_total(totals: list[tuple[int, int | None, str]]) -> tuple[int, int] | None:
    """The total the list states for all its rows: its one total line (unless it names a
    part), or, among several, the last that says it totals the list («Tổng cộng»; a bare
    «Cộng» among subtotals may be one of them); None when it states none."""
    if len(totals) == 1:
        whole = [t for t in totals if t[2] != "part"]
    else:
        whole = [t for t in totals if t[2] == "list"]
    if not whole or whole[-1][1] is None:
        return None
    return whole[-1][0], whole[-1][1]


def _set_aside(table: RawTable, kind: str) -> None:
    table.set_aside[kind] = table.set_aside.get(kind, 0) + 1


def _birth_and_sex(table: RawTable, cells: dict[int, list[Any]], split: dict[int, str]) -> None:
    """«Năm sinh» split into «Nam» | «Nữ» (`cells`: each sub-column's cells): the filled
    sub-column gives the birth year and the sex. Both filled, or neither (when no Giới tính
    column says it), is the unit's to fix."""
    births, genders = _column(table, "birth_year"), _column(table, "gender")
    for index, excel_row in enumerate(table.excel_rows):
        given = [(pos, sex) for pos, sex in split.items() if not is_blank(cells[pos][index])]
        if len(given) == 1:
            pos, sex = given[0]
            births[index] = cells[pos][index]
            if is_blank(genders[index]):
                genders[index] = sex
        elif len(given) == 2:
            births[index] = None
            shown = " | ".join(str(clean_text(cells[pos][index])) for pos, _ in given)
            # One finding: at Giới tính when nothing else says the sex, else at Năm sinh.
            key = "gender" if is_blank(genders[index]) else "birth_year"
            table.problems.append((excel_row, key, shown,
                                   "ghi ở cả cột Nam và cột Nữ; chỉ ghi năm sinh ở cột đúng giới "
                                   "tính của người này"))
        elif is_blank(genders[index]):
            table.problems.append((excel_row, "gender", None,
                                   "chưa ghi năm sinh ở cột Nam hoặc cột Nữ, nên chưa biết giới "
                                   "tính; ghi năm sinh vào cột đúng giới tính"))


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

