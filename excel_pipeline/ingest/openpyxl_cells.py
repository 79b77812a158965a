"""The one door to openpyxl's private parts: its sheet parser, run on a read-only sheet.

The legacy-font pass (`legacy_fonts`) needs each cell's font without building the sheet: the
whole-workbook mode keeps every cell of the declared range (gigabytes for a sheet at the cell
limit), the read-only rows pad every row to the declared width and flatten inline rich text.
openpyxl's read-only worksheet runs this same parser; here it is run directly, with rich text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def stream_cells(book: Any, sheet: Any) -> Iterator[Any]:
    """The cells a read-only sheet holds, as openpyxl's read-only cells (which know their
    font), parsed one row at a time; none is kept."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                 epoch=book.epoch, date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats, rich_text=True)
        for _, row in parser.parse():
            for cell in row:
                yield ReadOnlyCell(sheet, **cell)
