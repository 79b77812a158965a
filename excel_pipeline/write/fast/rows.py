"""Rows into a sheet, fast: plain rows streamed as the very XML xlsxwriter writes for them.

Every table sheet we write (the consolidated workbook, its helper process's share, submissions,
feedback) goes through `write_rows`. On a constant-memory sheet, rows whose cells are all plain
are rendered here as `<row>` XML and appended to the sheet's row data; any other row, and any
other sheet, goes cell by cell through xlsxwriter (`cells.write_cell` decides the cell types).
What this needs of xlsxwriter's internals it asks of `xlsxwriter_internals`, which also says
when the streaming may not be used (then every row goes cell by cell: the same cells).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any, cast, overload

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from ..cells import Link, write_cell
from .xlsxwriter_internals import (
    add_internal_link,
    append_rows_xml,
    cell_writers,
    date_numbers,
    flush_rows,
    record_written,
    room_for_links,
    streams_rows,
    style_attribute,
)

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

# The height a row of values needs (None: the default), e.g. `paper.RowHeights`.
Heights = Callable[[Sequence[Any]], "float | None"]


class TakenColumn(Sequence[Any]):
    """A frame's column of objects (its texts) as `ColumnRows` takes a column: the frame's own
    array, in the order of the positions `order` (as it stands when None), made into a list
    only for the slice asked. A province's sheet held as lists kept 12 MB of pointers per
    column (1.5 million rows) beside the frame holding the same; a block's slice is 512 of
    them. Pickled, it is the list of its values."""

    __slots__ = ("_order", "_values")

    def __init__(self, values: np.ndarray, order: np.ndarray | None = None) -> None:
        if values.dtype != object:
            raise TypeError("a column of objects: others are made into lists where they are")
        self._values, self._order = values, order

    def __len__(self) -> int:
        return len(self._values) if self._order is None else len(self._order)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        where = index if self._order is None else self._order[index]
        if isinstance(where, slice | np.ndarray):
            taken: list[Any] = self._values[where].tolist()
            return taken
        return self._values[where]

    def __reduce__(self) -> tuple[type[list[Any]], tuple[list[Any]]]:
        return list, (self[:],)


class ColumnRows(Sequence[tuple[Any, ...]]):
    """Rows held as equal-length columns (lists as they come out of a frame, or a frame's own
    texts: `TakenColumn`), made into tuples only where they are read. A large sheet's blocks
    are keyed column by column (`row_blocks.block_key`), so a re-run that reuses a block never
    builds its rows.

    A slice is a view of the same lists, so cutting a sheet into blocks copies nothing (copies
    of every block's columns, held until the blocks were written, took about 60 MB at 3,000
    units); a view sent to another process takes only its own rows along.

    `linked` are the positions of the columns that may hold links (`cells.Link`): only those
    are searched for links when the rows are written in blocks (`row_blocks`)."""

    def __init__(self, columns: Sequence[Sequence[Any]], start: int = 0,
                 stop: int | None = None, linked: frozenset[int] = frozenset()) -> None:
        if len({len(column) for column in columns}) > 1:
            raise ValueError("columns of different lengths")
        self._columns = list(columns)
        self._range = range(len(self._columns[0]) if self._columns else 0)[start:stop]
        self.linked = linked

    @property
    def columns(self) -> tuple[Sequence[Any], ...]:
        """The columns as held, whole (lists, `TakenColumn`s), whatever part this view is."""
        return tuple(self._columns)

    @property
    def width(self) -> int:
        """The number of cells in every row."""
        return len(self._columns)

    def column_slices(self) -> list[list[Any]]:
        """This view's part of each column (new lists: a list's slice, or `TakenColumn`'s)."""
        start, stop = self._range.start, self._range.stop
        return [cast(list[Any], column[start:stop]) for column in self._columns]

    def __len__(self) -> int:
        return len(self._range)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> ColumnRows: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | ColumnRows:
        if isinstance(index, slice):
            part = self._range[index]
            if part.step != 1:
                return ColumnRows([[column[row] for row in part] for column in self._columns],
                                  linked=self.linked)
            return ColumnRows(self._columns, part.start, part.stop, self.linked)
        row = self._range[index]  # IndexError past either end
        return tuple(column[row] for column in self._columns)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.column_slices(), strict=True) if self._columns else iter(())

    def __reduce__(self) -> tuple[type[ColumnRows], tuple[list[list[Any]], int, None,
                                                          frozenset[int]]]:
        return ColumnRows, (self.column_slices(), 0, None, self.linked)

    def column_slice(self, position: int) -> list[Any]:
        """This view's part of one column (a new list)."""
        return cast(list[Any], self._columns[position][self._range.start:self._range.stop])


def used_extent(rows: Sequence[Sequence[Any]]) -> tuple[int, int, int] | None:
    """(index of the first row with cells, of the last, the widest row's width), or None when
    no row has cells. Of `ColumnRows` without building them."""
    if isinstance(rows, ColumnRows):
        return (0, len(rows) - 1, rows.width) if len(rows) and rows.width else None
    used = [index for index, values in enumerate(rows) if values]
    return (used[0], used[-1], max(len(values) for values in rows)) if used else None


def write_rows(sheet: Worksheet, rows: Sequence[Sequence[Any]], formats: Sequence[Any],
               bold_formats: Sequence[Any], bold_rows: Collection[int],
               first_row: int = 1, heights: Heights | None = None) -> None:
    """Write `rows` from sheet row `first_row` down; `bold_rows` are indices into `rows`;
    `heights` gives the height a row needs when its wrapped text takes several lines
    (`paper.RowHeights`; None: the default height).

    This runs once per cell of the workbook (millions in a province). On a constant-memory
    sheet, rows whose cells are all plain (text without markup, control characters or
    escapes; finite numbers; blanks; every cell formatted) are turned into the very `<row>`
    XML xlsxwriter would write for them (tests compare the two) and streamed into the sheet's
    row data, a batch at a time. Any other row, and any other sheet, goes through xlsxwriter's
    own cell writers."""
    if not streams_rows(sheet, first_row, first_row + len(rows)):
        _write_cells(sheet, rows, formats, bold_formats, bold_rows, first_row, heights)
        return
    extent = used_extent(rows)
    width = extent[2] if extent else 0
    letters = [xl_col_to_name(col) for col in range(width)]
    dates = date_numbers(sheet)
    plain = RowXml(letters, [style_attribute(fmt) for fmt in formats], dates)
    bold_plain = RowXml(letters, [style_attribute(fmt) for fmt in bold_formats], dates) \
        if bold_rows else plain
    columns = rows.column_slices() if isinstance(rows, ColumnRows) else None
    row_heights = _heights_of(columns, len(rows), heights)
    flush_rows(sheet, first_row)  # xlsxwriter's last row (the header) goes out first
    if columns is not None and (heights is None or row_heights is not None) \
            and not any(0 <= index < len(rows) for index in bold_rows):
        every = plain.rows(columns, first_row, row_heights)
        if every is not None:
            for start in range(0, len(every), _BATCH_ROWS):
                append_rows_xml(sheet, "".join(every[start:start + _BATCH_ROWS]))
            record_written(sheet, first_row, len(rows), extent)
            return
    batch: list[str] = []
    for index, values in enumerate(rows):
        if not values:
            continue
        row_number = first_row + index
        bold = index in bold_rows
        links: list[tuple[int, Link]] = []
        xml = (bold_plain if bold else plain).row(
            row_number, values, row_heights[index] if row_heights is not None
            else heights(values) if heights is not None else None, links)
        if xml is not None and (not links or room_for_links(sheet, len(links))):
            for position, link in links:
                add_internal_link(sheet, row_number, position, link.target, link.text)
            batch.append(xml)
            if len(batch) == _BATCH_ROWS:
                append_rows_xml(sheet, "".join(batch))
                batch.clear()
            continue
        append_rows_xml(sheet, "".join(batch))
        batch.clear()
        _write_cells(sheet, [values], formats, bold_formats, {0} if bold else (), row_number,
                     heights)
        flush_rows(sheet, row_number + 1)  # out now, before the next streamed row
    append_rows_xml(sheet, "".join(batch))
    record_written(sheet, first_row, len(rows), extent)


def _heights_of(columns: list[list[Any]] | None, count: int,
                heights: Heights | None) -> list[Any] | None:
    """Every one of `count` rows' height at once, column by column, where the rows are
    `columns` (of `ColumnRows`) and `heights` can (`RowHeights`); else None, and each row's is
    asked for as it is written."""
    by_columns = getattr(heights, "of_columns", None)
    if by_columns is None or columns is None:
        return None
    found: list[Any] = by_columns(columns, count)
    return found


# Rows joined into one write to the row data file.
_BATCH_ROWS = 1_000
# Text that needs xlsxwriter's own escaping: markup characters, control characters, text that
# looks like an "_xHHHH_" escape, and the two non-characters. Such a row takes the slow path.
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x")
# Longer text is measured by xlsxwriter in UTF-16 units (and cut at Excel's limit).
_PLAIN_TEXT_LIMIT = 16_383
# The kinds of date `RowXml` writes as numbers (NaT, a Timestamp too, is a blank).
_DATES = frozenset({dt.date, dt.datetime, pd.Timestamp})
# Distinct texts whose markup a `RowXml` keeps (a province's names, positions, units…).
_KEPT_TEXTS = 200_000


class RowXml:
    """The `<row>` XML xlsxwriter writes for rows of plain values, in columns of given styles.

    Rendering runs once per cell of the workbook, so what does not change from row to row is
    made once: each column's cell reference and style markup, and each distinct text's
    markup (checked once for what would need xlsxwriter's escaping: names, units and
    positions repeat down a list). A cell is then one string formatting."""

    def __init__(self, letters: list[str], styles: list[str | None],
                 dates: Callable[[dt.datetime], float] | None = None) -> None:
        """`dates` turns a date into the number xlsxwriter writes for it (`write_datetime`);
        without it a date is not plain."""
        # Cells from the first column without a style are not plain.
        self._width = next((position for position, style in enumerate(styles) if style is None),
                           len(styles))
        self._heads = [f'<c r="{letter}' for letter in letters[:self._width]]
        self._texts = [f'"{style} t="inlineStr"><is>' for style in styles[:self._width]]
        self._numbers = [f'"{style}><v>' for style in styles[:self._width]]
        self._blanks = [f'"{style}/>' for style in styles[:self._width]]
        self._kept: dict[str, str] = {}
        self._dates = dates
        self._date_numbers: dict[tuple[type, Any], str] = {}

    def text(self, value: str) -> str:
        """The markup after a text cell's `<is>`, or "" if the text is not plain. Leading or
        trailing white space is kept as xlsxwriter keeps it (`xml:space`)."""
        kept = self._kept.get(value)
        if kept is None:
            if len(self._kept) >= _KEPT_TEXTS:
                self._kept.clear()
            if len(value) > _PLAIN_TEXT_LIMIT or _NEEDS_ESCAPING.search(value):
                kept = ""
            elif not value:  # as a constant-memory sheet writes it: an empty inline string
                kept = "<t></t></is></c>"
            elif value[0].isspace() or value[-1].isspace():
                kept = f'<t xml:space="preserve">{value}</t></is></c>'
            else:
                kept = f"<t>{value}</t></is></c>"
            self._kept[value] = kept
        return kept

    def date(self, value: dt.date) -> str:
        """A date's number as its cell holds it, as `cells.write_cell` writes a date: a
        Timestamp as its datetime, any other date (a datetime's too) as its day."""
        assert self._dates is not None
        if len(self._date_numbers) >= _KEPT_TEXTS:
            self._date_numbers.clear()
        moment = value.to_pydatetime() if isinstance(value, pd.Timestamp) \
            else dt.datetime.combine(value, dt.time())
        # Keyed with the kind: a Timestamp equals the datetime of the same moment, whose
        # time of day is not written.
        number = self._date_numbers[type(value), value] = f"{self._dates(moment):.16G}"
        return number

    def row(self, row_number: int, values: Sequence[Any], height: float | None = None,
            links: list[tuple[int, Link]] | None = None) -> str | None:
        """The `<row>` element xlsxwriter writes for these values (at `height` points, as
        `set_row` gives it), or None if any cell is not plain. A link to a place in the
        workbook is its text in the row, and goes into `links` (position, link) for the caller
        to record (`write_url` writes the text as a string and keeps the link aside the same
        way)."""
        if len(values) > self._width:
            return None
        excel_row = str(row_number + 1)
        cells = [f'<row r="{excel_row}{_row_start(height)}']
        append = cells.append
        heads, texts, kept = self._heads, self._texts, self._kept
        for position, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                markup = kept.get(value) or self.text(value)
                if not markup:
                    return None
                append(f"{heads[position]}{excel_row}{texts[position]}{markup}")
                continue
            if kind is Link and links is not None:
                markup = self.text(value.text)
                if not markup:
                    return None
                links.append((position, value))
                append(f"{heads[position]}{excel_row}{texts[position]}{markup}")
                continue
            tail = self._tail(position, value)
            if tail is None:
                return None
            append(f"{heads[position]}{excel_row}{tail}")
        append("</row>")
        return "".join(cells)

    def rows(self, columns: Sequence[list[Any]], first_row: int,
             heights: Sequence[float | None] | None) -> list[str] | None:
        """The `<row>` elements of rows given as equal columns, from sheet row `first_row`
        (each what `row` gives for it, without links), or None if any cell is not plain.

        Each column's distinct values are rendered once, with the next column's cell
        reference: a row is then its number joined between its columns' pieces, one
        `str.join` (150,000 delegates of 20 columns were 3 million formattings)."""
        width = len(columns)
        heads = self._heads
        if not width or width > len(heads):  # no rows, or cells without a style
            return None
        glued = []
        for position, column in enumerate(columns):
            pieces = self._glued(position, column,
                                 heads[position + 1] if position + 1 < width else "</row>")
            if pieces is None:
                return None
            glued.append(pieces)
        count = len(columns[0])
        starts: Iterable[str]
        if heights is None:
            starts = repeat(f"{_row_start(None)}{heads[0]}", count)
        else:
            start_of: dict[float | None, str] = {}
            starts = [start_of.get(height) or start_of.setdefault(
                height, f"{_row_start(height)}{heads[0]}") for height in heights]
        numbers = map(str, range(first_row + 1, first_row + 1 + count))
        return [number.join(parts) for number, parts in zip(
            numbers, zip(repeat('<row r="', count), starts, *glued, strict=True), strict=True)]

    def _glued(self, position: int, column: list[Any], after: str) -> list[str] | None:
        """Each value's cell markup after its reference (`_tail`), followed by `after`; None if
        one is not plain. Distinct values are rendered once, found by value where no two
        values of the column's kinds are equal yet written apart (1 and True, a Timestamp and
        its datetime; else by kind and value), and a column with a float cell by cell (0.0
        and -0.0 are equal and written apart)."""
        kinds = set(map(type, column))
        if float in kinds:
            pieces = []
            for value in column:
                tail = self._tail(position, value)
                if tail is None:
                    return None
                pieces.append(tail + after)
            return pieces
        keys: list[Any] = column if any(kinds <= alike for alike in _ALIKE_KINDS) \
            else list(zip(map(type, column), column, strict=True))
        try:
            distinct = dict(zip(keys, column, strict=True))
        except TypeError:  # pd.NA compared with a value of the same hash: not worth guessing
            return None
        table: dict[Any, str] = {}
        for key, value in distinct.items():
            tail = self._tail(position, value)
            if tail is None:
                return None
            table[key] = tail + after
        return list(map(table.__getitem__, keys))

    def _tail(self, position: int, value: Any) -> str | None:
        """The markup of a cell after its reference (`<c r="A2`) for a value that is not a
        link, as `row` writes it; None if the value is not plain."""
        kind = value.__class__
        if kind is str:
            markup = self._kept.get(value) or self.text(value)
            return f"{self._texts[position]}{markup}" if markup else None
        if kind is int or (kind is float and value - value == 0):  # finite
            return f"{self._numbers[position]}{value:.16G}</v></c>"
        if value is None or value is pd.NA or value is False or value is pd.NaT or (
                kind is float and value != value):
            return self._blanks[position]
        if value is True:  # a ticked box, written as "x" (see `write_cell`)
            return f"{self._texts[position]}<t>x</t></is></c>"
        if kind in _DATES and self._dates is not None:
            number = self._date_numbers.get((kind, value)) or self.date(value)
            return f"{self._numbers[position]}{number}</v></c>"
        return None


def _row_start(height: float | None) -> str:
    """What follows a `<row>`'s number: its height, when it has one, as `set_row` writes it."""
    return '">' if height is None else f'" ht="{height:.16g}" customHeight="1">'


# Kinds of a column among which no two values are equal yet written apart: its distinct
# values can be found by value alone.
_ALIKE_KINDS = (frozenset({str, type(None), type(pd.NA)}), frozenset({int, type(None)}),
                frozenset({bool, type(None)}))


def _write_cells(sheet: Worksheet, rows: Sequence[Sequence[Any]], formats: Sequence[Any],
                 bold_formats: Sequence[Any], bold_rows: Collection[int], first_row: int,
                 heights: Heights | None = None) -> None:
    """Cell by cell through xlsxwriter: text and numbers straight to its plainest writers
    (`xlsxwriter_internals.cell_writers`), the rest through `write_cell`."""
    write_string, write_number, write_blank = cell_writers(sheet)
    for index, values in enumerate(rows):
        row_number = first_row + index
        height = heights(values) if heights is not None else None
        if height is not None:  # before the row's cells: a constant-memory row is final
            sheet.set_row(row_number, height)
        looks = bold_formats if index in bold_rows else formats
        for position, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                write_string(row_number, position, value, looks[position])
            elif (kind is float or kind is int) and value == value:  # NaN != NaN
                write_number(row_number, position, value, looks[position])
            elif value is None or value is pd.NA or value is False:
                write_blank(row_number, position, None, looks[position])
            else:
                write_cell(sheet, row_number, position, value, looks[position])


