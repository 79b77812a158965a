"""The one door to xlsxwriter's internals: everything the fast write path needs that xlsxwriter
does not offer publicly, and the probes that decide whether it may be used.

The fast path (`rows.write_rows` streaming plain rows as XML, `row_blocks` rendering large
sheets' rows in compressed blocks) writes exactly the bytes xlsxwriter's own writers would, but
to do so it must reach past xlsxwriter's public API: a constant-memory sheet's row file and its
last-row bookkeeping, the sheet's used range, a format's style index, and the cell writers
without their A1-notation decorator. Those attributes are private and may change in any
release, so they are touched here and nowhere else (ruff's SLF001 is on for the rest of the
package), and only when:

- the installed xlsxwriter is in `CHECKED_VERSIONS`, the range this module was checked against
  (the tests compare the fast path's sheets with xlsxwriter's own, cell by cell);
- every attribute used is present (`_SHEET_FIELDS`, `_FORMAT_FIELDS`);
- the switch is not off: `DHTT_FAST_XLSX=0` in the environment turns the fast path off, and
  every sheet is written by xlsxwriter's public writers alone (slower, the same cells).

When a probe fails the callers fall back to the public writers; nothing else changes.
"""

from __future__ import annotations

import functools
import io
import os
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

# The xlsxwriter releases this module was checked against: [first, end).
CHECKED_VERSIONS = ((3, 3), (4, 0))
# The environment variable that turns the fast path off ("0", "no", "off", "false").
SWITCH = "DHTT_FAST_XLSX"

# The worksheet internals the fast path relies on.
_SHEET_FIELDS = ("_write_single_row", "_write_string", "_write_number", "_write_blank", "fh",
                 "previous_row", "row_info", "comments", "dim_rowmin", "dim_rowmax",
                 "dim_colmin", "dim_colmax", "constant_memory", "excel_version",
                 "default_row_height", "original_row_height", "xls_rowmax", "row_data_fh",
                 "row_data_filename", "hyperlinks", "hlink_count", "_convert_date_time",
                 "_write_hyperlinks", "_escape_attributes")
# The format internals: its style index, fixed before the format is copied to another process.
_FORMAT_FIELDS = ("_get_xf_index", "xf_index")


def switched_on() -> bool:
    """Whether the environment leaves the fast path on (it is, unless `SWITCH` says 0/no/off)."""
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "no", "off", "false")


def available() -> bool:
    """Whether the fast path may be used at all: switched on, and an xlsxwriter of the checked
    range with every internal it needs."""
    return switched_on() and _compatible()


@functools.cache
def _compatible() -> bool:
    import xlsxwriter
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    try:
        version = tuple(int(part) for part in xlsxwriter.__version__.split(".")[:2])
    except ValueError:
        return False
    first, end = CHECKED_VERSIONS
    sheet, fmt = Worksheet(), Format()
    return (first <= version < end and all(hasattr(sheet, name) for name in _SHEET_FIELDS)
            and all(hasattr(fmt, name) for name in _FORMAT_FIELDS))


def streams_rows(sheet: Worksheet, first_row: int, end_row: int) -> bool:
    """Whether rows `first_row`..`end_row` may be streamed into this sheet as XML: the fast
    path is available, the sheet is a constant-memory sheet of the shape checked here, no row
    of ours has its own looks (`set_row`) or comments, and every row fits in the sheet."""
    return bool(available()
                and sheet.constant_memory
                and sheet.excel_version == 2007
                and sheet.default_row_height is not None
                and sheet.default_row_height == sheet.original_row_height
                and end_row <= sheet.xls_rowmax
                and not any(row >= first_row for row in (*sheet.row_info, *sheet.comments))
                and sheet.previous_row <= first_row)


def style_attribute(fmt: Format | None) -> str | None:
    """The ` s="N"` attribute a cell of this format carries, or None for no format."""
    return None if fmt is None else f' s="{fmt._get_xf_index()}"'


def style_index(fmt: Format | None) -> int | None:
    """A format's fixed style index (see `fix_format_indices`)."""
    return None if fmt is None else fmt.xf_index


def fix_format_indices(*formats: Format) -> None:
    """Give each format its index in its workbook now, in this order: before it is copied to
    another process (a format first used there would get an index this workbook never records),
    and so that the indices do not depend on which sheet happens to use a format first. Done
    whether or not the fast path is switched on, so both ways give the same bytes; skipped only
    where this xlsxwriter lacks the internals (it then numbers formats itself)."""
    if _compatible():
        for fmt in formats:
            fmt.xf_index = fmt._get_xf_index()


def cell_writers(sheet: Worksheet) -> tuple[Callable[..., Any], Callable[..., Any],
                                            Callable[..., Any]]:
    """The sheet's string, number and blank writers: xlsxwriter's undecorated ones (the public
    ones only add A1-notation parsing) on the fast path, else the public ones."""
    if available():
        return sheet._write_string, sheet._write_number, sheet._write_blank
    return sheet.write_string, sheet.write_number, sheet.write_blank


def date_numbers(sheet: Worksheet) -> Callable[[Any], float] | None:
    """The sheet's conversion of a datetime to the number its cell holds (as `write_datetime`
    converts it, with the workbook's epoch) on the fast path; else None."""
    return sheet._convert_date_time if available() else None


def flush_rows(sheet: Worksheet, next_row: int = 0) -> None:
    """Write out the row xlsxwriter still holds in memory (a constant-memory sheet keeps one),
    before XML of ours follows it; `next_row` is the row xlsxwriter is to expect next."""
    sheet._write_single_row(next_row)


# Excel's limit of links a sheet holds (xlsxwriter ignores those past it, with a warning).
MAX_SHEET_LINKS = 65_530


def room_for_links(sheet: Worksheet, count: int) -> bool:
    """Whether the sheet can take `count` more links."""
    return sheet.hlink_count + count <= MAX_SHEET_LINKS


def links_recorded(sheet: Worksheet) -> int:
    """How many links the sheet holds."""
    return int(sheet.hlink_count)


class _InternalLink:
    """A link to a place in the workbook, as xlsxwriter keeps one (`xlsxwriter.url.Url` of an
    «internal:» address, the fields its `_write_hyperlinks` reads), without parsing an address
    whose kind is known: 45,000 findings' links cost 0.5 s as `Url`s."""

    __slots__ = ("_is_object_link", "_link", "_text")
    _link_type: Any = None  # UrlTypes.INTERNAL, set when xlsxwriter is first needed
    _tip = ""

    def __init__(self, target: str, text: str) -> None:
        self._link = target
        self._text = text
        self._is_object_link = False


def add_internal_link(sheet: Worksheet, row: int, col: int, target: str, text: str) -> None:
    """Record a link to a place in the workbook for a cell whose text a streamed row already
    holds, as `write_url` records it (xlsxwriter writes the sheet's links when it closes)."""
    add_internal_links(sheet, [(row, col, target, text)])


def add_internal_links(sheet: Worksheet,
                       links: Iterable[tuple[int, int, str, str]]) -> None:
    """`add_internal_link` for each (row, col, target, text); the sheet then writes its links
    with `_write_links` (the same bytes as xlsxwriter's writer, a string join instead of a
    call per attribute)."""
    if _InternalLink._link_type is None:
        from xlsxwriter.url import UrlTypes

        _InternalLink._link_type = UrlTypes.INTERNAL
    hyperlinks = sheet.hyperlinks
    count = 0
    for row, col, target, text in links:
        hyperlinks[row][col] = _InternalLink(target, text)
        count += 1
    sheet.hlink_count += count
    if count and "_write_hyperlinks" not in vars(sheet):
        sheet._write_hyperlinks = types.MethodType(_write_links, sheet)


def _write_links(sheet: Worksheet) -> None:
    """The sheet's `<hyperlinks>` element, in row and column order as xlsxwriter writes it;
    xlsxwriter's own writer when a link of another kind (`write_url`) is among them."""
    hyperlinks = sheet.hyperlinks
    if not all(type(link) is _InternalLink
               for columns in hyperlinks.values() for link in columns.values()):
        type(sheet)._write_hyperlinks(sheet)
        return
    from xlsxwriter.utility import xl_col_to_name

    escape = sheet._escape_attributes  # xlsxwriter's own escaping of an attribute
    letters: dict[int, str] = {}
    parts = ["<hyperlinks>"]
    for row in sorted(hyperlinks):
        columns = hyperlinks[row]
        for col in sorted(columns):
            link = columns[col]
            letter = letters.get(col) or letters.setdefault(col, xl_col_to_name(col))
            parts.append(f'<hyperlink ref="{letter}{row + 1}" location="{escape(link._link)}" '
                         f'display="{escape(link._text)}"/>')
    parts.append("</hyperlinks>")
    sheet.fh.write("".join(parts))


def append_rows_xml(sheet: Worksheet, xml: str) -> None:
    """Append rendered `<row>` XML to the sheet's row data, after what `flush_rows` wrote."""
    sheet.fh.write(xml)


def record_written(sheet: Worksheet, first_row: int, count: int,
                   extent: tuple[int, int, int] | None) -> None:
    """Record `count` rows from `first_row`, streamed past xlsxwriter's cell writers, as
    written: the used rows and columns (`extent`, from `rows.used_extent`), from which
    xlsxwriter writes the sheet's dimension, and the last row, before which it takes no more
    cells."""
    if extent:
        low, high, right = first_row + extent[0], first_row + extent[1], extent[2] - 1
        sheet.dim_rowmin = low if sheet.dim_rowmin is None else min(sheet.dim_rowmin, low)
        sheet.dim_rowmax = high if sheet.dim_rowmax is None else max(sheet.dim_rowmax, high)
        sheet.dim_colmin = 0 if sheet.dim_colmin is None else min(sheet.dim_colmin, 0)
        sheet.dim_colmax = right if sheet.dim_colmax is None else max(sheet.dim_colmax, right)
    sheet.previous_row = max(sheet.previous_row, first_row + count - 1)


def rows_to_memory(sheet: Worksheet) -> None:
    """Send a sheet's row data to memory instead of its temporary file (for a workbook that
    only renders rows and is never closed); read it with `take_rows`."""
    sheet.row_data_fh.close()
    Path(sheet.row_data_filename).unlink(missing_ok=True)
    sheet.fh = io.StringIO()


def take_rows(sheet: Worksheet) -> str:
    """The row XML written since `rows_to_memory` or the last call, the last row included (as
    at close); the sheet starts again from row 0, empty."""
    flush_rows(sheet)
    xml = sheet.fh.getvalue()
    sheet.fh = io.StringIO()
    return xml
