"""How our workbooks print: on A4, no text under 8 pt, no text over other text.

Offices print the consolidated lists for the conference and the dossier. Three things decide
whether a printed sheet can be read:

- its width: a sheet is printed fit to the page's width, so the sum of its column widths sets
  the scale. `fit_to_content` sizes a table's columns from what they hold so it takes the
  fewest lines at 8.5 pt or more (`fit_widths` narrows fixed columns the same way);
- its row heights: neither Excel nor LibreOffice grows a row for wrapped text when it opens a
  file, so a row whose text wraps over several lines must say its height, or the lines are
  printed over the next rows, and a row taller than its text wastes paper. `RowHeights`
  counts the lines each row needs from Times New Roman's letter widths (`lines_in`), as Excel
  draws them (LibreOffice gives a line a little more room);
- the page: landscape A4, the header row repeated, a title in the page header and «Trang x/y»
  in the footer (`print_setup`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .styles import FONT

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from .styles import Col

# One line of 11-pt Times New Roman as Excel and LibreOffice space it, in points. Heights in
# whole multiples of it are whole pixels, so xlsxwriter writes them exactly as given.
LINE_POINTS = 15.0
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

# A workbook whose default font is our Times New Roman 11 (`serif_book`) has its column widths
# measured in that font's digits, in Excel and LibreOffice alike (with Excel's default, Calibri,
# LibreOffice measures them in whatever font stands in for it, DejaVu Sans where Carlito is
# missing: a third wider). As LibreOffice prints such a book, a unit is 5.53 pt and each column
# 3.4 pt more (measured; Excel's are narrower): rounded up, below. Its scale comes out up to 1 %
# below the one so computed: `SERIF_SCALE_MARGIN` more is kept.
SERIF_UNIT_POINTS, SERIF_COLUMN_POINTS, SERIF_SCALE_MARGIN = 5.6, 3.6, 1.04
# Landscape A4's width inside the left and right margins of `print_setup` (0.4 in each).
ACROSS_POINTS = 842 - 0.8 * 72


def serif_book() -> dict[str, Any]:
    """The workbook options that make Times New Roman 11 its default font (a new dict each
    time: xlsxwriter adds to the one it is given)."""
    return {"default_format_properties": {"font_name": FONT, "font_size": 11}}


def serif_widest(count: int, points: float = TEXT_POINTS) -> float:
    """The widest `count` columns of a `serif_book` sheet may be, in units, and still print
    fit to the page's width with text of this size at `SMALLEST_POINTS` or more."""
    across = ACROSS_POINTS * points / (SMALLEST_POINTS * SERIF_SCALE_MARGIN)
    return (across - SERIF_COLUMN_POINTS * count) / SERIF_UNIT_POINTS


# Times New Roman's advance widths, in thousandths of its size (Liberation Serif, which
# LibreOffice prints in its place, has the same metrics by design): printable ASCII and the
# Vietnamese letters whose horn or bar makes them wider than their base letter. Any other
# accented letter is as wide as its base letter (the marks sit above or below it); anything
# else counts as a full em, the widest a letter gets.
_CHARS = (' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`'
          'abcdefghijklmnopqrstuvwxyz{|}~ĐđƠơƯư–…“”‘’')
_REGULAR = (
    "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 "
    "500 500 500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 "
    "389 722 611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 "
    "500 333 444 500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 "
    "278 500 500 722 500 500 444 480 200 480 541 722 500 722 529 776 542 500 1000 444 444 "
    "333 333")
_BOLD = (
    "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 "
    "500 500 500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 "
    "500 778 667 944 722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 "
    "500 333 500 556 444 556 444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 "
    "333 556 500 722 500 500 444 394 220 394 520 722 556 778 554 796 600 500 1000 500 500 "
    "333 333")
_EMS = {bold: {char: int(size) / 1000 for char, size in zip(_CHARS, sizes.split(), strict=True)}
        for bold, sizes in ((False, _REGULAR), (True, _BOLD))}
SPACE_EMS = 0.25
# Excel draws a unit of column width as 7 pixels (the digit of its default font, Calibri 11)
# plus 5 of padding, at 96 pixels an inch; the text gets the 7-pixel part. Letters are drawn
# at whole pixels, which widens a line of small text by a few per cent: counted in.
UNIT_PIXELS, PIXEL_POINTS, HINTING = 7, 0.75, 1.08


def room(width: float, points: float = TEXT_POINTS) -> float:
    """The ems of text of this size one line of a column `width` units wide holds, as Excel
    draws it (LibreOffice, on the page, gives a unit more room: a row sized for Excel is never
    too short there)."""
    return int(width * UNIT_PIXELS + 0.5) * PIXEL_POINTS / (points * HINTING)


def units_for(ems: float, points: float = TEXT_POINTS) -> float:
    """The narrowest whole column width whose line holds `ems` of text of this size."""
    return float(math.ceil((ems * points * HINTING / PIXEL_POINTS + 0.5) / UNIT_PIXELS))


def _char_ems(char: str, bold: bool) -> float:
    table = _EMS[bold]
    if char in table:
        return table[char]
    base = unicodedata.normalize("NFD", char)[:1]
    return table.get(base, 1.0)


# The distinct texts (words; a column's texts in `RowHeights`) measurements are kept for.
_MEASURED = 200_000
# Each word's width, measured once: Vietnamese words are syllables, a few thousand of which
# cover a province's lists (bounded all the same, at `_MEASURED` words).
_WORDS: dict[bool, dict[str, float]] = {False: {}, True: {}}


def word_ems(word: str, bold: bool = False) -> float:
    """The width of `word` in ems of its font (Times New Roman, `bold` or regular)."""
    words = _WORDS[bold]
    size = words.get(word)
    if size is None:
        if len(words) >= _MEASURED:
            words.clear()
        table = _EMS[bold]
        size = words[word] = sum(table[char] if char in table else _char_ems(char, bold)
                                 for char in word)
    return size


def line_points(points: float = TEXT_POINTS) -> float:
    """The height of one line of text of this size, rounded up to a whole pixel (0.75 pt) so
    that xlsxwriter writes it exactly as given."""
    return math.ceil(LINE_POINTS * points / TEXT_POINTS / 0.75) * 0.75


@lru_cache(maxsize=1 << 17)  # unit names, positions and titles repeat down a province's lists
def lines_in(text: str, width: float, points: float = TEXT_POINTS, bold: bool = False) -> int:
    """The lines `text` of this size takes in a wrapped cell `width` units wide (`placed_lines`
    in a line of that width)."""
    return placed_lines(text, room(width, points), bold)


def placed_lines(text: str, holds: float, bold: bool = False) -> int:
    """The lines `text` takes in lines that hold `holds` ems: words placed greedily by their
    real widths (`word_ems`), a word longer than a line broken, each of the text's own line
    breaks kept. Not cached: `RowHeights` measures each distinct text of a column once, and
    most (names, achievements) are met once in a province (a cache's upkeep on such texts
    cost three times the measuring)."""
    words = _WORDS[bold]
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split():
            size = words.get(word)
            if size is None:
                size = word_ems(word, bold)
            if used and used + SPACE_EMS + size > holds:
                lines, used = lines + 1, 0.0
            if size > holds:  # broken over lines of its own
                if used:
                    lines, used = lines + 1, 0.0
                extra = math.ceil(size / holds) - 1
                lines += extra
                used = size - extra * holds
            else:
                used += size + (SPACE_EMS if used else 0.0)
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
        # Asked once per row of every table (millions in a province): the wrapped columns,
        # the ems one line of each holds, the characters it holds for sure (text no longer
        # takes one line whatever its letters, none being wider than an em: only longer text
        # is measured), and each column's lines per distinct text, measured once (names,
        # positions and units repeat down a list).
        object.__setattr__(self, "_checks", tuple(
            (position, holds, int(holds), {}) for position, holds in (
                (position, room(width, self.points)) for position, width in enumerate(self.wraps)
                if width is not None)))
        object.__setattr__(self, "_line", line_points(self.points))

    def __reduce__(self) -> tuple[type[RowHeights], tuple[tuple[float | None, ...], float]]:
        # Sent to the helper process without the measured texts.
        return RowHeights, (self.wraps, self.points)

    def __call__(self, values: Sequence[Any]) -> float | None:
        count = len(values)
        lines = max((self._lines(values[position], holds, fits, measured)
                     for position, holds, fits, measured in self._checks  # type: ignore[attr-defined]
                     if position < count), default=1)
        return None if lines == 1 else lines * self._line  # type: ignore[attr-defined]

    def of_columns(self, columns: Sequence[Sequence[Any]], count: int) -> list[float | None]:
        """The height each of `count` rows needs, the rows given as columns (`ColumnRows`):
        what calling this for each row gives, found a column at a time, each distinct value
        of a column looked at once (a province's lists repeat their names and units)."""
        lines: list[int] | None = None
        for position, holds, fits, measured in self._checks:  # type: ignore[attr-defined]
            if position >= len(columns):
                continue
            column = columns[position]
            try:
                distinct = set(column)
            except TypeError:  # a value that cannot be hashed: row by row
                return [self(row) for row in zip(*columns, strict=True)]
            found = {value: self._lines(value, holds, fits, measured) for value in distinct}
            if all(value == 1 for value in found.values()):
                continue
            these = list(map(found.__getitem__, column))
            lines = these if lines is None else list(map(max, lines, these))
        if lines is None:
            return [None] * count
        line = self._line  # type: ignore[attr-defined]
        return [None if number == 1 else number * line for number in lines]

    def _lines(self, value: Any, holds: float, fits: int, measured: dict[str, int]) -> int:
        """The lines one cell's value takes in a wrapped column whose line holds `holds` ems
        (1 for anything but text)."""
        if type(value) is not str and value is not None:
            value = getattr(value, "text", None)  # a link (`cells.Link`): its text
        if type(value) is not str or (len(value) <= fits and "\n" not in value):
            return 1
        found = measured.get(value)
        if found is None:
            if len(measured) >= _MEASURED:
                measured.clear()
            found = measured[value] = placed_lines(value, holds)
        return found


def wrapped(columns: Sequence[Col], points: float = TEXT_POINTS) -> RowHeights:
    """The row heights of a table whose text columns wrap (as `styles.LOOKS` says)."""
    return RowHeights(tuple(column.width if column.style == "text" else None
                            for column in columns), points)


def header_height(columns: Sequence[Col], points: float = TEXT_POINTS) -> float:
    """The header row's height: its titles wrap (bold, so wider than text)."""
    lines = max((lines_in(column.header, column.width, points, True) for column in columns),
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


# Rows a table's widths are chosen on, evenly spread over it (a province's list has millions).
SAMPLE_ROWS = 200
# Widths a text column's words set its narrowest to, at most (a longer word is broken), and
# the widest it is made (a longer text wraps).
LONGEST_WORD, WIDEST_TEXT = 12.0, 100.0
# More rows than a page holds at the least (the widths left over are then used to print the
# table smaller, on fewer pages).
PAGE_ROWS = 25
# The widths one step of `fit_to_content` looks ahead: widening a column by a unit may save
# no line until a few more are added.
LOOK_AHEAD = 10


def shown(value: Any, style: str) -> str:
    """The text a value of this column style shows (as `styles.LOOKS` formats it), to be
    measured: thousands separators, shares in %, dates in full, a tick as «x»."""
    if value is None or value is False or (isinstance(value, float) and value != value):
        return ""
    if value is True:
        return "x"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if style == "percent":
            return f"{value * 100:.1f}%"
        if style in ("int", "number"):
            return f"{value:,.2f}" if style == "number" and value != int(value) else f"{value:,.0f}"
        return f"{value:g}"
    if hasattr(value, "strftime"):
        return "00/00/0000"
    link = getattr(value, "text", None)  # a link (`cells.Link`) shows its text
    if isinstance(link, str):
        return link
    text = str(value)
    return "" if text in ("<NA>", "NaT") else text


def fit_to_content(columns: Sequence[Col], rows: Sequence[Sequence[Any]],
                   points: float = TEXT_POINTS) -> list[Col]:
    """The columns' widths chosen from what they hold, so the table prints on as few pages as
    its text allows, at `SMALLEST_POINTS` or more (`serif_widest`: for a `serif_book`):

    - a column that does not wrap (numbers, dates, ticks) as wide as its widest value and its
      header's longest word (bold), so nothing is cut or shown as «###»;
    - a text column at least as wide as its longest word (up to `LONGEST_WORD`) and its
      header's, at most as wide as its longest text on one line (up to `WIDEST_TEXT`);
    - the width left is handed out a few units at a time to the text column that saves the
      most lines over the rows (a row is as tall as its tallest cell), measured on up to
      `SAMPLE_ROWS` rows spread over the table, each distinct text measured once a width.

    A table whose narrowest widths are already too wide is narrowed as `fit_widths` does."""
    widest = serif_widest(len(columns), points)
    step = max(1, math.ceil(len(rows) / SAMPLE_ROWS))
    sample = [rows[index] for index in range(0, len(rows), step)]
    lows: list[float] = []
    highs: list[float] = []
    texts: dict[int, tuple[list[str], np.ndarray]] = {}
    for position, column in enumerate(columns):
        heading = max((word_ems(word, True) for word in column.header.split()), default=0.0)
        low = units_for(heading, points)
        values = [shown(row[position] if position < len(row) else None, column.style)
                  for row in sample]
        if column.style != "text":
            widest_value = max((word_ems(value) for value in values), default=0.0)
            low = max(low, units_for(widest_value, points), 3.0)
            lows.append(low)
            highs.append(low)
            continue
        distinct = sorted(set(values))
        longest_word = max((word_ems(word) for text in distinct for word in text.split()),
                           default=0.0)
        low = max(3.0, min(max(low, units_for(longest_word, points)), LONGEST_WORD))
        # A link's text is not wrapped by LibreOffice: the column holds it on one line.
        links = [getattr(row[position], "text", None) for row in sample if position < len(row)]
        longest_link = max((word_ems(text) + SPACE_EMS * text.count(" ") for text in links
                            if isinstance(text, str)), default=0.0)
        low = max(low, units_for(longest_link, points))
        longest_line = max((word_ems(line) + SPACE_EMS * line.count(" ")
                            for text in distinct for line in text.split("\n")), default=0.0)
        high = max(low, min(units_for(longest_line, points), WIDEST_TEXT))
        lows.append(low)
        highs.append(high)
        if high > low:
            index = {text: number for number, text in enumerate(distinct)}
            texts[position] = (distinct, np.array([index[value] for value in values],
                                                  dtype=np.int64))
    if sum(lows) > widest:
        return fit_widths([replace(column, width=low) for column, low in zip(columns, lows,
                                                                           strict=True)], widest)
    widths = list(lows)
    if sum(highs) <= widest:
        widths = list(highs)
    elif texts and sample:
        widths = _best_widths(lows, highs, texts, widest, points)
    if len(rows) > PAGE_ROWS and texts:
        # Longer than a page: the width left goes to the text columns (no line longer, the
        # sheet printed smaller, down to `SMALLEST_POINTS`: more rows a page).
        spare = widest - sum(widths)
        # First the narrow columns' headers, repeated on every page, down to as many lines as
        # the text columns' headers take.
        lines = max(2, *(lines_in(columns[position].header, widths[position], points, True)
                         for position in texts))
        for position, column in enumerate(columns):
            width = widths[position]
            while (position not in texts and width + 1 - widths[position] <= spare
                   and lines_in(column.header, width, points, True) > lines):
                width += 1
            spare -= width - widths[position]
            widths[position] = width
        grown = sum(widths[position] for position in texts)
        for position in texts:
            widths[position] = math.floor(widths[position] * (1 + spare / grown) * 2) / 2
    return [replace(column, width=width) for column, width in zip(columns, widths, strict=True)]


def lines_at_widths(texts: Sequence[str], widths: Sequence[float],
                    points: float = TEXT_POINTS) -> np.ndarray:
    """`lines_in(text, width, points)` of each of `texts` (a row each) at each of `widths` (a
    column each), placed for all of them at once: the same greedy placing as `placed_lines`,
    word after word, each step done over every text and width in one array operation, in the
    same floating-point order (so the same counts). Choosing a table's widths tries each text
    at every width between its column's narrowest and widest: text by text and width by
    width, that was a Python loop over the words per pair."""
    holds = np.array([room(width, points) for width in widths], dtype=np.float64)
    count = len(texts)
    if not count or not len(holds):
        return np.ones((count, len(holds)), dtype=np.int64)
    # Each text as its words' widths in ems, a line break of its own as -1 (a word is never
    # narrower than nothing); the texts ordered longest first, so that at each step the
    # texts still placing words are the first `active` rows.
    tokens = []
    for text in texts:
        sizes: list[float] = []
        for number, paragraph in enumerate(text.split("\n")):
            if number:
                sizes.append(-1.0)
            sizes.extend(word_ems(word) for word in paragraph.split())
        tokens.append(sizes)
    order = sorted(range(count), key=lambda index: -len(tokens[index]))
    longest = len(tokens[order[0]])
    table = np.zeros((count, longest), dtype=np.float64)
    for row, index in enumerate(order):
        table[row, :len(tokens[index])] = tokens[index]
    remaining = np.array([len(tokens[index]) for index in order])
    placed = np.ones((count, len(holds)), dtype=np.int64)
    used = np.zeros((count, len(holds)), dtype=np.float64)
    for step in range(longest):
        active = int(np.count_nonzero(remaining > step))
        size = table[:active, step, None]
        these, room_used = placed[:active], used[:active]
        ends = size < 0  # the text's own line break: a new line, empty
        words = ~ends
        # A word that does not fit after the line's words starts a new line.
        full = words & (room_used != 0) & (room_used + SPACE_EMS + size > holds)
        these += full
        room_used = np.where(full, 0.0, room_used)
        # A word longer than a line (on a line of its own already: it did not fit after the
        # line's words) is broken over as many as it needs.
        broken = words & (size > holds)
        if broken.any():
            extra = np.ceil(size / holds) - 1
            these += np.where(broken, extra, 0.0).astype(np.int64)
            room_used = np.where(broken, size - extra * holds, room_used)
        kept = words & ~broken
        room_used = np.where(kept, room_used + (size + np.where(room_used != 0, SPACE_EMS, 0.0)),
                             room_used)
        these += ends
        used[:active] = np.where(ends, 0.0, room_used)
    lines = np.empty_like(placed)
    lines[order] = placed  # back in the texts' order
    return lines


class _Layout:
    """The lines each sampled row takes at given widths of the text columns (`fit_to_content`):
    each text column's distinct texts measured at every whole width from its narrowest to its
    widest at once (`lines_at_widths`), then looked up."""

    def __init__(self, lows: list[float], highs: list[float],
                 texts: dict[int, tuple[list[str], np.ndarray]], points: float) -> None:
        self.lows, self.highs, self.texts, self.points = lows, highs, texts, points
        self.positions = sorted(texts)
        # Per text column: its distinct texts' lines at each width from its narrowest (a row
        # a text), and each sampled row's lines at each width (a row a width).
        self._distinct: dict[int, np.ndarray] = {}
        self._rows: dict[int, np.ndarray] = {}
        for position in self.positions:
            distinct, codes = texts[position]
            low, high = int(lows[position]), int(highs[position])
            table = lines_at_widths(distinct, [float(width) for width in range(low, high + 1)],
                                    points)
            self._distinct[position] = table
            self._rows[position] = np.ascontiguousarray(table[codes].T)

    def lines(self, position: int, width: float) -> np.ndarray:
        """The lines each sampled row's text in this column takes at this width."""
        index = int(width) - int(self.lows[position])
        rows = self._rows[position]
        if width != int(width) or not 0 <= index < len(rows):  # a width not measured above
            distinct, codes = self.texts[position]
            return lines_at_widths(distinct, [width], self.points)[:, 0][codes]
        return rows[index]

    def _from(self, position: int, width: float, most: int) -> np.ndarray:
        """The lines each sampled row takes at each of the `most` widths after `width` (a row
        a width)."""
        start = int(width) - int(self.lows[position]) + 1
        return self._rows[position][start:start + most]

    def _to(self, position: int, width: float, most: int) -> np.ndarray:
        """The lines each sampled row takes at each of the `most` widths before `width`,
        nearest first (a row a width)."""
        stop = int(width) - int(self.lows[position])
        return self._rows[position][stop - most:stop][::-1]

    def total(self, widths: list[float]) -> int:
        """The lines of all sampled rows (a row is as tall as its tallest cell)."""
        return int(np.max(np.stack([self.lines(position, widths[position])
                                    for position in self.positions]), axis=0).sum())

    def for_lines(self, most: int, shares: Sequence[float]) -> list[list[float]]:
        """For each of `shares`, the widths at which that share of each text column's sampled
        texts take at most `most` lines (within the column's narrowest and widest)."""
        chosen = [list(self.lows) for _ in shares]
        for position in self.positions:
            low, high = int(self.lows[position]), int(self.highs[position])
            distinct, codes = self.texts[position]
            weights = np.bincount(codes, minlength=len(distinct))
            table = self._distinct[position]
            # The narrowest width for `most` lines, by bisection, every text at once.
            narrow = np.full(len(distinct), low)
            wide = np.full(len(distinct), high)
            texts = np.arange(len(distinct))
            while (open_ := narrow < wide).any():
                middle = (narrow + wide) // 2
                fits = table[texts, middle - low] <= most
                wide = np.where(open_ & fits, middle, wide)
                narrow = np.where(open_ & ~fits, middle + 1, narrow)
            needed = narrow.tolist()
            order = np.argsort(needed, kind="stable")
            reached = np.cumsum(weights[order])
            for widths, share in zip(chosen, shares, strict=True):
                first = int(np.argmax(reached >= share * weights.sum()))
                widths[position] = float(needed[int(order[first])])
        return chosen

    def hand_out(self, widths: list[float], spare: float) -> list[float]:
        """`widths` widened by up to `spare` units, a few at a time, each time where the most
        lines are saved per unit."""
        widths = list(widths)
        while spare >= 1:
            current = {position: self.lines(position, widths[position])
                       for position in self.positions}
            tallest = np.max(np.stack(list(current.values())), axis=0)
            total = int(tallest.sum())
            best: tuple[float, int, int] | None = None  # (lines saved a unit, column, units)
            for position in self.positions:
                others = [current[other] for other in self.positions if other != position]
                rest = np.max(np.stack(others), axis=0) if others else np.ones_like(tallest)
                most = int(min(LOOK_AHEAD, self.highs[position] - widths[position], spare))
                if most < 1:
                    continue
                after = np.maximum(self._from(position, widths[position], most), rest)
                for units, lines in enumerate(after.sum(axis=1).tolist(), start=1):
                    saved = total - lines
                    if saved > 0 and (best is None or saved / units > best[0]):
                        best = (saved / units, position, units)
            if best is None:
                break
            _, position, units = best
            widths[position] += units
            spare -= units
        return widths

    def take_back(self, widths: list[float], excess: float) -> list[float]:
        """`widths` narrowed by `excess` units or more, a few at a time, each time where the
        fewest lines are added per unit."""
        widths = list(widths)
        while excess > 0:
            current = {position: self.lines(position, widths[position])
                       for position in self.positions}
            total = int(np.max(np.stack(list(current.values())), axis=0).sum())
            best: tuple[float, int, int] | None = None  # (lines added a unit, column, units)
            for position in self.positions:
                others = [current[other] for other in self.positions if other != position]
                most = int(min(LOOK_AHEAD, widths[position] - self.lows[position]))
                if most < 1:
                    continue
                narrower = self._to(position, widths[position], most)
                if others:
                    narrower = np.maximum(narrower, np.max(np.stack(others), axis=0))
                for units, lines in enumerate(narrower.sum(axis=1).tolist(), start=1):
                    added = lines - total
                    if best is None or added / units < best[0]:
                        best = (added / units, position, units)
            if best is None:
                break
            _, position, units = best
            widths[position] -= units
            excess -= units
        return widths


def _best_widths(lows: list[float], highs: list[float],
                 texts: dict[int, tuple[list[str], np.ndarray]], widest: float,
                 points: float) -> list[float]:
    """The text columns' widths that take the fewest lines within `widest` units: widened
    step by step from their narrowest, or first set so that most rows take at most 1, 2, …
    lines and then widened step by step, or set for one line and narrowed step by step until
    they fit (one column at a time cannot see that a row gets shorter only when all its tall
    cells do)."""
    layout = _Layout(lows, highs, texts, points)
    starts = [list(lows)]
    one_line = layout.for_lines(1, (1.0,))[0]
    for most in range(1, 7):
        starts += [widths for widths in layout.for_lines(most, (1.0, 0.9, 0.75))
                   if sum(widths) <= widest]
    candidates = [layout.hand_out(widths, widest - sum(widths)) for widths in starts]
    # Or narrowed from one line each until they fit: most rows on one line, the longest on two.
    narrowed = layout.take_back(one_line, sum(one_line) - widest)
    if sum(narrowed) <= widest:
        candidates.append(layout.hand_out(narrowed, widest - sum(narrowed)))
    return min(candidates, key=lambda widths: (layout.total(widths), sum(widths)))


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
