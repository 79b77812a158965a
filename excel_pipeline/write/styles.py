"""The looks every workbook we write shares: the font, column styles, and the table formats.

The consolidated workbook, feedback workbooks, submissions (gui-cap-tren.xlsx) and templates all
take their font and table looks from here, so a change of looks is made once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .fast.xlsxwriter_internals import fix_format_indices

if TYPE_CHECKING:
    from xlsxwriter import Workbook

FONT = "Times New Roman"


# Cell looks by column style, on top of the base font and border.
LOOKS: dict[str, dict[str, Any]] = {
    "text": {"text_wrap": True},
    "int": {"num_format": "#,##0"},
    "number": {"num_format": "#,##0.##"},
    "percent": {"num_format": "0.0%"},
    "date": {"num_format": "dd/mm/yyyy"},
    "flag": {"align": "center"},
    "year": {"num_format": "0"},  # a year or a code: never with a thousands separator
}


@dataclass(frozen=True)
class Col:
    """A written column: header, width, and how its values look."""

    header: str
    width: float = 14
    style: str = "text"  # text | int | number | percent | date | flag


class Styles:
    """The handful of cell formats the workbook uses, created once, with their indices fixed
    up front so a sheet's XML is the same whichever process writes it."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top", "border": 1}
        self.header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7",
                                       "text_wrap": True, "align": "center",
                                       "valign": "vcenter"})
        bold = {**base, "bold": True, "bg_color": "#F2F2F2"}
        self.cells = {style: book.add_format({**base, **extra}) for style, extra in LOOKS.items()}
        self.bold = {style: book.add_format({**bold, **extra}) for style, extra in LOOKS.items()}
        # A consolidated row that carries findings (a conditional format's fill).
        self.flagged = book.add_format({"bg_color": "#FCE4D6"})
        fix_format_indices(self.header, *self.cells.values(), *self.bold.values())
