"""How values become cells: one place that decides the cell type of every value we write.

Shared by the consolidated workbook, its fast row path (`fast.rows`), submissions and feedback
files, so a value looks the same wherever it lands. Text is always written as text: nothing
here, and no option we pass, lets a name typed as "=A1" become a formula.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Link:
    """A cell that shows `text` and leads to a place in the workbook (`target`, such as
    "'Đại biểu'!A5")."""

    text: str
    target: str


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any) -> None:
    """Write one value by its type; text is written as text, never parsed as a formula."""
    if isinstance(value, Link):
        sheet.write_url(row, col, f"internal:{value.target}", fmt, string=value.text)
    elif (value is None or value is pd.NA or value is pd.NaT
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

