"""Write a unit submission workbook in the template layout (docs/domain.md, The template
contract).

Used for the example inbox, for tests that need real workbooks, and for a level's own submission
to the level above: whatever this writes, the reader accepts like any unit's file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..model import MARK, OutputKind
from ..template import INFO, ROW_SHEETS, SheetSpec
from .atomic import scratch_beside, written_atomically
from .cells import TEXT_SAFE, write_cell
from .fast.rows import write_rows
from .layout import (
    FORM_WIDTHS,
    LABEL_COLUMN,
    TABLE_POINTS,
    VALUE_COLUMN,
    first_row,
    table_title,
    table_widths,
    write_title,
)
from .paper import fit_to_content, header_height, print_setup, serif_book, wrapped
from .styles import FONT, Col

# A fixed creation time keeps regenerated workbooks byte-stable.
_FIXED_TIME = dt.datetime(2025, 1, 1)


def write_submission(path: Path, info: Mapping[str, Any],
                     rows: Mapping[str, Sequence[Mapping[str, Any]]],
                     title: str | None = None,
                     headers: Mapping[str, str] | None = None,
                     sheet_names: Mapping[str, str] | None = None, *,
                     streamed: bool = False, mark: OutputKind | None = None,
                     atomic: bool = True) -> Path:
    """One workbook: Thông tin đơn vị plus the row sheets given in `rows` (keyed by sheet key).

    `headers` renames columns (template header -> written header) and `sheet_names` renames
    sheets, so tests can imitate the variations units send. `streamed` writes each row to disk
    as it goes, with text inline (as tong-hop.xlsx is written) rather than in a shared-strings
    table as Excel saves: several times faster for a large submission such as a province's
    gui-cap-tren.xlsx. Generated unit files keep Excel's layout, so reading them costs what
    reading a unit's real file costs. `mark` says what dhtt-merge output this is (the upward
    file carries `OutputKind.UPWARD`); files standing in for a unit's own carry none. Without
    `atomic`, `path` is written directly: it is already a temporary name (a staged output
    written by another process).
    """
    if not atomic:
        _write_submission(path, info, rows, title, dict(headers or {}),
                          dict(sheet_names or {}), streamed, mark)
        return path
    with written_atomically(path) as temp_name:
        _write_submission(Path(temp_name), info, rows, title, dict(headers or {}),
                          dict(sheet_names or {}), streamed, mark)
    return path


def _write_submission(path: Path, info: Mapping[str, Any],
                      rows: Mapping[str, Sequence[Mapping[str, Any]]], title: str | None,
                      headers: dict[str, str], sheet_names: dict[str, str],
                      streamed: bool, mark: OutputKind | None) -> None:
    if not streamed:
        _write_book(path, info, rows, title, headers, sheet_names, streamed, mark, None)
        return
    with scratch_beside(path) as scratch:  # the streamed sheets' row files
        _write_book(path, info, rows, title, headers, sheet_names, streamed, mark, scratch)


def _write_book(path: Path, info: Mapping[str, Any],
                rows: Mapping[str, Sequence[Mapping[str, Any]]], title: str | None,
                headers: dict[str, str], sheet_names: dict[str, str], streamed: bool,
                mark: OutputKind | None, scratch: str | None) -> None:
    book, formats = _open(path, streamed, scratch)
    if mark is not None:
        book.set_custom_property(MARK, mark.value)
    fmt_title, _, fmt_cell, fmt_date = formats
    fmt_label = book.add_format({"font_name": FONT, "font_size": 12, "bold": True, "border": 1})

    sheet = book.add_worksheet(sheet_names.get("info", INFO.title))
    for position, width in enumerate(FORM_WIDTHS):
        sheet.set_column(position, position, width)
    if title:
        write_title(sheet, title, VALUE_COLUMN, sum(FORM_WIDTHS), fmt_title)
    print_setup(sheet, INFO.title, FONT, repeat=None, landscape=False)
    for row, column in enumerate(INFO.columns, start=first_row(bool(title))):
        sheet.write_string(row, LABEL_COLUMN, headers.get(column.header, column.header),
                           fmt_label)
        write_cell(sheet, row, VALUE_COLUMN, info.get(column.key),
                   fmt_date if column.kind == "date" else fmt_cell)

    for spec in ROW_SHEETS:
        if spec.key in rows:
            _table_sheet(book, spec, rows[spec.key], title, headers, sheet_names, formats)
    book.close()


def _table_sheet(book: Any, spec: SheetSpec, records: Sequence[Mapping[str, Any]],
                 title: str | None, headers: Mapping[str, str], sheet_names: Mapping[str, str],
                 formats: tuple[Any, Any, Any, Any]) -> None:
    fmt_title, fmt_head, fmt_cell, fmt_date = formats
    sheet = book.add_worksheet(sheet_names.get(spec.key, spec.title))
    start = first_row(bool(title))
    widths = table_widths(spec)
    # A tick box (True or False) is written as a unit fills it, "x" or empty, by `cells`.
    values = [[record.get(column.key) for column in spec.columns] for record in records]
    # As wide as the rows' text needs, so a list prints on as few pages as it can (`paper`).
    paper = fit_to_content([Col(headers.get(column.header, column.header), width,
                                "text" if column.kind in ("text", "choice") else "other")
                            for column, width in zip(spec.columns, widths, strict=True)],
                           values, TABLE_POINTS)
    if title:
        write_title(sheet, table_title(spec, title), len(spec.columns) - 1,
                    sum(column.width for column in paper), fmt_title)
    sheet.set_row(start, header_height(paper, TABLE_POINTS))
    for position, column in enumerate(paper):
        sheet.set_column(position, position, column.width)
        sheet.write_string(start, position, column.header, fmt_head)
    looks = [fmt_date if column.kind == "date" else fmt_cell for column in spec.columns]
    write_rows(sheet, values, looks, looks, (), start + 1, wrapped(paper, TABLE_POINTS))
    print_setup(sheet, table_title(spec, title) if title else spec.title, FONT,
                repeat=(start, start))


def write_registry(path: Path, units: Sequence[Mapping[str, Any]],
                   title: str | None = None) -> Path:
    """A Danh mục đơn vị workbook (one row per unit, columns of the REGISTRY spec)."""

    from ..template import REGISTRY

    book, formats = _open(path, streamed=False)
    _table_sheet(book, REGISTRY, units, title, {}, {}, formats)
    book.close()
    return path


def _open(path: Path, streamed: bool,
          scratch: str | None = None) -> tuple[Any, tuple[Any, Any, Any, Any]]:
    """A text-safe workbook with stable metadata, and its title, header, cell and date formats.
    A `streamed` one writes rows strictly in order (see `write.cells.ROWS_OPTIONS`)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    options = {**TEXT_SAFE, "constant_memory": True, "tmpdir": scratch} if streamed \
        else TEXT_SAFE
    options = {**options, **serif_book()}  # column widths in our font's units (`paper`)
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"author": "dhtt-merge", "created": _FIXED_TIME})
    base = {"font_name": FONT, "font_size": 12}
    return book, (
        book.add_format({**base, "bold": True, "align": "center", "font_size": 14,
                         "text_wrap": True, "valign": "vcenter"}),
        book.add_format({**base, "bold": True, "border": 1, "text_wrap": True, "align": "center",
                         "bg_color": "#DDEBF7"}),
        book.add_format({**base, "border": 1, "text_wrap": True, "valign": "top"}),
        book.add_format({**base, "border": 1, "num_format": "dd/mm/yyyy", "valign": "top"}),
    )
