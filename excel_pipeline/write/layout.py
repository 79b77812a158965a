"""The unit template's layout, in one place: where the title, the form's labels and the tables'
headers go, and how wide each column is.

Two writers lay out workbooks in the template's shape: `templates` (the blank or pre-filled
templates units fill) and `submission` (workbooks filled with data: gui-cap-tren.xlsx, the
example inbox, the tests' workbooks). Whatever one writes the other must read like it, and
the reader accepts both, so both take their positions and widths from here.
"""

from __future__ import annotations

from typing import Any

from ..template import Column, SheetSpec
from .paper import fit_widths, line_points, lines_in, widest
from .styles import Col

# The title row; the form's labels and the tables' header row start two rows below it.
TITLE_ROW = 0
BELOW_TITLE = 2
# Thông tin đơn vị: labels in column A, values in column B, at these widths.
LABEL_COLUMN, VALUE_COLUMN = 0, 1
FORM_WIDTHS = (30, 48)
# Table column widths by kind of column (STT is narrow).
_WIDTHS = {"text": 26, "choice": 22, "flag": 9, "date": 13}
_OTHER_WIDTH = 11
_STT_WIDTH = 8


def first_row(titled: bool) -> int:
    """The form's first label row, or a table's header row: below the title when there is one."""
    return BELOW_TITLE if titled else TITLE_ROW


def column_width(column: Column) -> float:
    """A table column's width on screen and on paper."""
    return _STT_WIDTH if column.key == "stt" else _WIDTHS.get(column.kind, _OTHER_WIDTH)


# The look of a template column on paper, by its kind (text and choices wrap).
_PAPER_STYLES = {"flag": "flag", "date": "date", "year": "year", "int": "int", "number": "int"}
# The template's and submissions' text size.
TABLE_POINTS = 12.0


def table_widths(spec: SheetSpec) -> list[float]:
    """The table's column widths, narrowed where needed so it prints fit to a landscape A4
    page's width with its 12-pt text at 8.5 pt or more (`paper.fit_widths`)."""
    columns = [Col(column.header, column_width(column), _PAPER_STYLES.get(column.kind, "text"))
               for column in spec.columns]
    return [column.width for column in fit_widths(columns, widest(TABLE_POINTS))]


def write_title(sheet: Any, text: str, last_column: int, width: float, look: Any) -> None:
    """The title in the title row, across the columns up to `last_column` (`width` units in
    all), wrapped over as many lines as it needs at 14 pt."""
    sheet.set_row(TITLE_ROW, lines_in(text, width * 0.9, 14) * line_points(14))
    if last_column:
        sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, last_column, text, look)
    else:
        sheet.write_string(TITLE_ROW, 0, text, look)


def table_title(spec: SheetSpec, name: str) -> str:
    """The title above a table: the sheet's title in capitals and whose it is."""
    return f"{spec.title.upper()} – {name}"
