"""How values become cells: one place that decides the cell type of every value we write.

Shared by the consolidated workbook, the helper process that renders part of its rows
(`parallel_rows`), submissions and feedback files, so a value looks the same wherever it lands.
Text is always written as text: nothing here, and no option we pass, lets a name typed as "=A1"
become a formula.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

# Options that keep every string a string: no formulas, URLs or numbers guessed from text.
TEXT_SAFE = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
# The consolidated workbook's options. constant_memory: each row goes to disk once the next
# starts, so a province's 150,000 delegates are never held in memory beside the frames they came
# from; it requires writing every sheet strictly row after row.
ROWS_OPTIONS = {**TEXT_SAFE, "constant_memory": True, "nan_inf_to_errors": True,
                "default_date_format": "dd/mm/yyyy"}


def write_rows(sheet: Worksheet, rows: Sequence[Sequence[Any]], formats: Sequence[Any],
               bold_formats: Sequence[Any], bold_rows: Collection[int],
               first_row: int = 1) -> None:
    """Write `rows` from sheet row `first_row` down; `bold_rows` are indices into `rows`.

    This loop runs once per cell of the workbook (millions in a province), so text, numbers and
    blanks, nearly every cell, go straight to xlsxwriter's undecorated writers (the public ones
    only add A1-notation parsing); the rest goes through `write_cell`."""
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_number = getattr(sheet, "_write_number", sheet.write_number)
    write_blank = getattr(sheet, "_write_blank", sheet.write_blank)
    for index, values in enumerate(rows):
        row_number = first_row + index
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


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any) -> None:
    """Write one value by its type; text is written as text, never parsed as a formula."""
    if (value is None or value is pd.NA or value is pd.NaT
            or (isinstance(value, float) and math.isnan(value))):
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):  # a tick box: ticked or left empty
        if value:
            sheet.write_string(row, col, "x", fmt)
        else:
            sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    elif isinstance(value, pd.Timestamp):
        sheet.write_datetime(row, col, value.to_pydatetime(), fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)
