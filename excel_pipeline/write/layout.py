"""The unit template's layout, in one place: where the title, the form's labels and the tables'
headers go, and how wide each column is.

Two writers lay out workbooks in the template's shape: `templates` (the blank or pre-filled
templates units fill) and `submission` (workbooks filled with data: gui-cap-tren.xlsx, the
example inbox, the tests' workbooks). Whatever one writes the other must read like it, and
the reader accepts both, so both take their positions and widths from here.
"""

from __future__ import annotations

from ..template import Column, SheetSpec

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


def table_title(spec: SheetSpec, name: str) -> str:
    """The title above a table: the sheet's title in capitals and whose it is."""
    return f"{spec.title.upper()} – {name}"
