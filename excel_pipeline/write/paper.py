"""How our workbooks print: on A4, no text under 8 pt, no text over other text.

Offices print the consolidated lists for the conference and the dossier. Three things decide
whether a printed sheet can be read:

- its width: a sheet is printed fit to the page's width, so the sum of its column widths sets
  the scale. `fit_widths` narrows the text columns (which wrap) until the scale keeps 11-pt
  text at 8 pt or more;
- its row heights: neither Excel nor LibreOffice grows a row for wrapped text when it opens a
  file, so a row whose text wraps over several lines must say its height, or the lines are
  printed over the next rows. `RowHeights` estimates the lines each row needs, conservatively;
- the page: landscape A4, the header row repeated, a title in the page header and «Trang x/y»
  in the footer (`print_setup`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from .styles import Col

# One line of 11-pt Times New Roman as Excel and LibreOffice space it, in points. Heights in
# whole multiples of it are whole pixels, so xlsxwriter writes them exactly as given.
LINE_POINTS = 15.0
# Characters of Vietnamese text that fit in one unit of column width, on the safe side (Times
# New Roman's letters are narrower than the unit's digit, but words wrap whole).
CHARS_PER_UNIT = 1.05
# Column width units that fit across landscape A4 inside our margins at 100 %, as LibreOffice
# prints them (measured: a unit is 7.5 pt on its page; Excel's are narrower, so it fits more).
PAGE_UNITS = 104.0
# The smallest printed size allowed for our 11-pt text, hence the smallest scale.
SMALLEST_POINTS, TEXT_POINTS = 8.5, 11.0
# The widest a sheet may be and still print at that scale.
WIDEST = PAGE_UNITS * TEXT_POINTS / SMALLEST_POINTS
# The narrowest each kind of column is made: a tick, a year, a count, a date, a share, text.
NARROWEST = {"flag": 5.0, "year": 6.0, "int": 6.0, "number": 8.0, "percent": 7.0,
             "date": 11.0, "text": 9.0}


def line_points(points: float = TEXT_POINTS) -> float:
    """The height of one line of text of this size, rounded up to a whole pixel (0.75 pt) so
    that xlsxwriter writes it exactly as given."""
    return math.ceil(LINE_POINTS * points / TEXT_POINTS / 0.75) * 0.75


@lru_cache(maxsize=65536)  # unit names, positions and titles repeat down a province's lists
def lines_in(text: str, width: float, points: float = TEXT_POINTS) -> int:
    """The lines `text` of this size takes in a wrapped cell `width` units wide: words placed
    greedily, a word longer than a line broken, each of the text's own line breaks kept."""
    per_line = max(1, int((width - 1) * CHARS_PER_UNIT * TEXT_POINTS / points))
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                lines, used = lines + 1, 0
            if size > per_line:  # broken over lines of its own
                lines += (used + size - 1) // per_line
                used = (used + size) % per_line or per_line
            else:
                used += size + (1 if used else 0)
        total += lines
    return total


@dataclass(frozen=True)
class RowHeights:
    """The height a row of values needs, given the widths of the columns that wrap (None for
    a column that does not): None when one line is enough (the default height). Picklable, so
    a helper process rendering rows computes the same heights."""

    wraps: tuple[float | None, ...]
    points: float = TEXT_POINTS

    def __post_init__(self) -> None:
        # Asked once per row of every table (millions in a province): the wrapped columns
        # and the characters one line of each holds, worked out once.
        fits = CHARS_PER_UNIT * TEXT_POINTS / self.points
        object.__setattr__(self, "_checks", tuple(
            (position, width, int((width - 1) * fits))
            for position, width in enumerate(self.wraps) if width is not None))
        object.__setattr__(self, "_line", line_points(self.points))

    def __call__(self, values: Sequence[Any]) -> float | None:
        lines = 1
        count = len(values)
        for position, width, fits in self._checks:  # type: ignore[attr-defined]
            if position < count:
                value = values[position]
                if type(value) is str and (len(value) > fits or "\n" in value):
                    lines = max(lines, lines_in(value, width, self.points))
        return None if lines == 1 else lines * self._line  # type: ignore[attr-defined]


def wrapped(columns: Sequence[Col], points: float = TEXT_POINTS) -> RowHeights:
    """The row heights of a table whose text columns wrap (as `styles.LOOKS` says)."""
    return RowHeights(tuple(column.width if column.style == "text" else None
                            for column in columns), points)


def header_height(columns: Sequence[Col], points: float = TEXT_POINTS) -> float:
    """The header row's height: its titles wrap (bold, so a little wider than text)."""
    lines = max((lines_in(column.header, column.width * 0.9, points) for column in columns),
                default=1)
    return max(2, lines) * line_points(points)


# The same across portrait A4, inside the same side margins (0.4 inch each).
PORTRAIT_UNITS = PAGE_UNITS * (595 - 57.6) / (842 - 57.6)
# A blank form's rows as they print: room to write one line by hand (about 8.5 mm).
HAND_POINTS = 24.0


def hand_row_points(total_width: float, landscape: bool = True,
                    printed: float = HAND_POINTS) -> float:
    """The height to give a blank form's rows, `total_width` units wide in all, so that they
    print `printed` points tall once the page is scaled to the sheet's width; in whole pixels,
    so that xlsxwriter writes it as given."""
    scale = min(1.0, (PAGE_UNITS if landscape else PORTRAIT_UNITS) / total_width)
    return math.ceil(printed / scale / 0.75) * 0.75


def widest(points: float = TEXT_POINTS) -> float:
    """The widest a sheet of text this size may be and still print at `SMALLEST_POINTS`."""
    return PAGE_UNITS * points / SMALLEST_POINTS


def fit_widths(columns: Sequence[Col], widest: float = WIDEST) -> list[Col]:
    """The columns made narrow enough to print at `SMALLEST_POINTS` or more: each loses the
    same share of its width above its kind's `NARROWEST` (wide text columns, which wrap, give
    the most); a header wraps over more lines instead. Already narrow enough: unchanged."""
    total = sum(column.width for column in columns)
    if total <= widest:
        return list(columns)
    floors = [min(column.width, NARROWEST.get(column.style, 9.0)) for column in columns]
    spare = total - sum(floors)
    keep = max(0.0, (widest - sum(floors)) / spare) if spare else 0.0
    return [replace(column, width=math.floor(floor + (column.width - floor) * keep))
            for column, floor in zip(columns, floors, strict=True)]


def print_setup(sheet: Worksheet, title: str, font: str, *,
                repeat: tuple[int, int] | None = (0, 0), landscape: bool = True) -> None:
    """A4, fit to the page's width, the rows `repeat` (first, last) repeated on every page,
    the title in the page header and «Trang x/y» in the footer."""
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(9)
    if repeat is not None:
        sheet.repeat_rows(*repeat)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    # 12 pt: the page is scaled down with its sheet. Excel refuses a header over 255
    # characters, codes included.
    sheet.set_header(f"&L&\"{font},Bold\"&12{_escape(title[:180])}")
    sheet.set_footer(f"&C&\"{font}\"&12Trang &P/&N")


def _escape(text: str) -> str:
    return text.replace("&", "&&")
