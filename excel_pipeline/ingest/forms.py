"""Read a list as a person reads an official form (issue «the forms offices really send»).

A unit's list is an administrative document first: a header of two or three rows with merged
cells and sub-headers («Năm sinh» over «Nam» | «Nữ»), a row of column numbers under it, section
headings between the people («I. ĐẠI BIỂU KHÁCH MỜI»), a total line, then the place and date, the
signers and notes. A person reading it knows which rows are people; this module gives the reader
(`ingest.read`) the same judgement, on plain grids of cell values:

- `fill_merged_down` gives a value merged down over several rows to each of them (a merge across
  one row is left as typed: a heading merged across the table stays one cell);
- `header_band` extends a header row found by the reader with the sub-header rows below it;
- `row_kind` tells a data row from a column-number row, a section heading, a total line and the
  start of what follows the table.

Nothing here drops a row silently: the reader counts what it sets aside per kind, and the Nguồn
sheet says so for each file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ..template import Column
from ..textnorm import clean_text, fold, is_blank

# A merged range as python-calamine gives it: ((first row, first column), (last row, last col)),
# 0-based, inclusive.
Merge = tuple[tuple[int, int], tuple[int, int]]

# What a row set aside is, as the Nguồn sheet names it (Vietnamese, counted per file).
NUMBERING, SECTION, TOTAL, AFTER = ("dòng đánh số cột", "dòng tiêu đề mục", "dòng tổng cộng",
                                    "dòng ký tên, ghi chú dưới bảng")
# Short rows under a total line (a signer's name without its title): not people.
BELOW_TOTAL = "dòng ngắn dưới dòng tổng cộng"

# Headers whose sub-columns «Nam» | «Nữ» hold the birth year and say the sex.
_BIRTH_HEADERS = frozenset({"nam sinh", "ngay thang nam sinh", "ngay sinh", "sinh nam",
                            "ngay thang nam sinh nam nu", "nam sinh nam nu"})
_SEXES = {"nam": "Nam", "nu": "Nữ"}


def fill_merged_down(grid: list[list[Any]], merges: Sequence[Merge]) -> None:
    """A value merged down over several rows belongs to each of them: copy it into the first
    column of every row of the range, in place. Merges inside one row are left alone."""
    for (first_row, first_col), (last_row, _) in merges:
        if last_row <= first_row or first_row >= len(grid):
            continue
        top = grid[first_row]
        value = top[first_col] if first_col < len(top) else None
        if is_blank(value):
            continue
        for index in range(first_row + 1, min(last_row, len(grid) - 1) + 1):
            row = grid[index]
            if first_col < len(row) and is_blank(row[first_col]):
                row[first_col] = value


@dataclass
class HeaderBand:
    """The header of a table, over one to three rows: which column each position holds, and
    the positions of a «Năm sinh» split into «Nam» | «Nữ» (position -> the sex it means)."""

    first_row: int  # 0-based index of the band's first row (the header found)
    last_row: int  # 0-based index of the band's last row; data start below it
    mapping: dict[int, Column]
    birth_split: dict[int, str] = field(default_factory=dict)


def header_band(grid: list[list[Any]], header_index: int, mapping: dict[int, Column],
                merges: Sequence[Merge], exact: dict[str, Column]) -> HeaderBand:
    """Extend the header found at `header_index` with the sub-header rows under it.

    A row below belongs to the header when every filled cell in it is a header's text: a
    sub-header naming a column of the sheet type, «Nam» / «Nữ» under a birth-year header, or the
    same text as the cell above (a header cell merged down). `exact` is the sheet type's folded
    header spellings."""
    band = HeaderBand(header_index, header_index, dict(mapping))
    top = _spread_across(grid[header_index], header_index, merges)
    for index in range(header_index + 1, min(header_index + 3, len(grid))):
        row = grid[index]
        filled = [(pos, cell) for pos, cell in enumerate(row) if not is_blank(cell)]
        if not filled or not all(isinstance(cell, str) for _, cell in filled):
            break
        found: dict[int, Column] = {}
        split: dict[int, str] = {}
        for pos, cell in filled:
            key = fold(cell)
            above = fold(top[pos]) if pos < len(top) else ""
            if not above and key in _SEXES and 0 < pos <= len(top):  # «Năm sinh» not merged
                above = fold(top[pos - 1])
            if key in _SEXES and above in _BIRTH_HEADERS:
                split[pos] = _SEXES[key]
            elif key in exact:
                found[pos] = exact[key]
            elif key != above:
                return band  # a cell that is no header: the data start here
        taken = {column.key for column in band.mapping.values()}
        for pos, column in found.items():
            if column.key not in taken or band.mapping.get(pos) is column:
                band.mapping[pos] = column
                taken.add(column.key)
        if split:
            band.birth_split = split
            for pos in split:  # «Năm sinh» spread over the pair is not a column of its own
                if band.mapping.get(pos) is not None and band.mapping[pos].key == "birth_year":
                    del band.mapping[pos]
        band.last_row = index
        top = [_first(cell, up) for cell, up in zip(row, top, strict=False)] + top[len(row):]
    return band


def _spread_across(row: list[Any], index: int, merges: Sequence[Merge]) -> list[Any]:
    """A header row with each value merged across columns repeated over them."""
    spread = list(row)
    for (first_row, first_col), (last_row, last_col) in merges:
        if first_row <= index <= last_row and first_col < len(spread):
            value = row[first_col] if first_row == index else spread[first_col]
            for pos in range(first_col, min(last_col, len(spread) - 1) + 1):
                if is_blank(spread[pos]):
                    spread[pos] = value
    return spread


def _first(cell: Any, fallback: Any) -> Any:
    return fallback if is_blank(cell) else cell


_NUMBER_CELL = re.compile(r"^\(?\s*(\d{1,2}|[A-Za-z])\s*\)?$")
_MARKER = re.compile(r"^\s*([IVXLC]{1,5}|[A-Za-zĐđ]|\d{1,2})\s*[.)/:-]\s+\S")
_ROMAN_OR_LETTER = re.compile(r"^\s*([IVXLC]{1,5}|[A-Za-zĐđ])\s*[.)]?\s*$")
# Words a section heading of a delegate or nomination list is made of (folded).
_SECTION_WORDS = ("khach moi", "dien hinh", "dai bieu", "ca nhan", "tap the", "danh sach",
                  "thanh phan")
# A total line: «Tổng cộng: 25 người», «Cộng», «Cộng mục I: 3» (a subtotal names its part).
_TOTAL = re.compile(r"^(tong cong|tong so|tong|cong)( (muc|phan|nhom|khoi) [a-z0-9]+)?( \d+)?"
                    r"( (nguoi|dai bieu|ca nhan|tap the|dong))?$")
_TOTAL_SENTENCE = re.compile(r"^(danh sach|tong so|tong cong)( nay)?( co| gom| la)? (\d+) "
                             r"(nguoi|dai bieu|ca nhan|tap the|dong)")
_AFTER_STARTS = ("nguoi lap", "tm ", "t m ", "kt ", "k t ", "ky ghi ro", "ky va ghi ro",
                 "ky ten", "ky dong dau", "ghi chu", "noi nhan", "xac nhan cua", "nguoi duyet")
# Signers' titles, recognised only as a whole cell («CHỦ TỊCH»): «Chủ tịch CĐCS» is a position.
_SIGNERS = frozenset({"nguoi lap bieu", "chu tich", "pho chu tich", "thu truong don vi",
                      "giam doc", "truong ban", "ban thuong vu", "ban chap hanh"})
_PLACE_DATE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")


@dataclass(frozen=True)
class RowKind:
    """What a row under the header is. `kind` is None for a data row; `value` is what a
    section heading implies (Loại đại biểu, Đối tượng), or what a total line states (its
    count, and whether it totals a part, the list, or cannot say)."""

    kind: str | None
    value: Any = None


DATA = RowKind(None)


def row_kind(row: list[Any], names: set[int], first_data_row: bool) -> RowKind:
    """Classify one row below the header; `names` are the positions of the sheet's name column
    (a row whose name cell holds a name is a person's, whatever else it says)."""
    # A person's row fills more than three cells and is none of these: said after a count of
    # the cells the reader left non-empty and a look at its first text cell (most rows), unless
    # that cell opens a total line with counts under the flag columns («Tổng cộng: 72 | 26 | 47»).
    if not first_data_row and len(row) - row.count("") - row.count(None) > 3 \
            and not _opens_total(row):
        return DATA
    filled = [(pos, cell) for pos, cell in enumerate(row) if not is_blank(cell)]
    if not filled:
        return DATA
    texts = [fold(cell) for _, cell in filled]
    if len(filled) > 3 and not first_data_row:
        return _counted_total(filled, texts)
    if first_data_row and len(filled) >= 3 and _numbering(filled):
        return RowKind(NUMBERING)
    if len(filled) <= 3:
        joined = " ".join(texts)
        line = _TOTAL.match(texts[0])
        if line is not None or _TOTAL_SENTENCE.match(joined):
            # (count stated, what it totals: a "part" «Cộng mục I», a "plain" «Cộng» that may
            # be either, the "list" «Tổng cộng», «Danh sách có 25 người»)
            scope = "list" if line is None or line.group(1) != "cong" else "plain"
            return RowKind(TOTAL, (_stated_count(filled, texts),
                               "part" if line is not None and line.group(2) else scope))
        after = [_after_table(text) for text in texts]
        if any(after) and all(flag or pos not in names
                              for (pos, _), flag in zip(filled, after, strict=True)):
            return RowKind(AFTER)
    if len(filled) <= 2:
        heading = _heading(filled)
        if heading is not None:
            return RowKind(SECTION, implied(heading))
    return DATA


# First letters of a total line's words, as typed: «Tổng cộng», «TỔNG SỐ», «Cộng», «Danh sách có».
_TOTAL_INITIALS = frozenset("tTcCdD")


def _opens_total(row: list[Any]) -> bool:
    """Whether the first text among a row's first three cells may open a total line: one
    character looked at, and only for a row starting with T, C or D is the text folded."""
    for cell in row[:3]:
        if isinstance(cell, str) and cell.strip():
            text = cell.lstrip()
            # A name starting with T, C or D (Trần, Cao, Dương) is folded by its first word
            # only, which the fold cache already holds for the next Trần.
            if text[0] not in _TOTAL_INITIALS or not fold(text[:9]).startswith(_TOTAL_WORDS):
                return False
            key = fold(text)
            return _TOTAL.match(key) is not None or _TOTAL_SENTENCE.match(key) is not None
    return False


_TOTAL_WORDS = ("tong", "cong", "danh sach")


def _counted_total(filled: list[tuple[int, Any]], texts: list[str]) -> RowKind:
    """A row of more than three cells is a total line when its first text says so and every
    other cell is a count (the flag columns' sums); anything else is a person's row."""
    label = next((index for index, (_, cell) in enumerate(filled) if isinstance(cell, str)
                  and cell.strip() and not _COUNT.match(cell.strip())), None)
    if label is None:
        return DATA
    line = _TOTAL.match(texts[label])
    if line is None and _TOTAL_SENTENCE.match(texts[label]) is None:
        return DATA
    rest = [cell for index, (_, cell) in enumerate(filled) if index != label]
    if not all(_is_count(cell) for cell in rest):
        return DATA
    found = re.search(r"\b(\d+)\b", texts[label])
    after = [cell for cell in rest[label:] if _is_count(cell)]
    stated = int(found.group(1)) if found is not None else (int(float(after[0])) if after
                                                             else None)
    scope = "list" if line is None or line.group(1) != "cong" else "plain"
    return RowKind(TOTAL, (stated, "part" if line is not None and line.group(2) else scope))


_COUNT = re.compile(r"^\d{1,6}([.,]0+)?$")


def _is_count(cell: Any) -> bool:
    """A whole number, typed or as text: a column's sum on a total line (an STT of the row
    itself is a number too, and harmless)."""
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return float(cell).is_integer() and cell >= 0
    return isinstance(cell, str) and _COUNT.match(cell.strip()) is not None


def _numbering(filled: list[tuple[int, Any]]) -> bool:
    """«(1) (2) (3)…», «1 2 3…» or «A B C…» under the header: numbers or letters that count up
    one by one across the filled cells."""
    numbers = []
    for _, cell in filled:
        text = clean_text(cell) or ""
        match = _NUMBER_CELL.match(text)
        if match is None:
            return False
        token = match.group(1)
        numbers.append(int(token) if token.isdigit() else ord(token.upper()) - 64)
    return all(b == a + 1 for a, b in pairwise(numbers))


def _stated_count(filled: list[tuple[int, Any]], texts: list[str]) -> int | None:
    """The number of people a total line states: in its own words («Tổng cộng: 25 người»,
    «Danh sách có 25 người»), else the one number beside it."""
    found = re.search(r"\b(\d+)\b", " ".join(texts))
    if found is not None:
        return int(found.group(1))
    numbers = [cell for _, cell in filled if isinstance(cell, int | float)
               and not isinstance(cell, bool) and float(cell).is_integer()]
    return int(numbers[0]) if len(numbers) == 1 else None


def _after_table(text: str) -> bool:
    return text.startswith(_AFTER_STARTS) or text in _SIGNERS \
        or (_PLACE_DATE.search(text) is not None and len(text) < 80)


def _heading(filled: list[tuple[int, Any]]) -> str | None:
    """The heading text of a section row, or None: a marked heading («I. ĐẠI BIỂU KHÁCH MỜI»,
    «A - Cá nhân») or one of a list's section words, alone on its row (after a numeral in the
    STT column, if any)."""
    cells = [clean_text(cell) or "" for _, cell in filled]
    if len(cells) == 2:
        if not _ROMAN_OR_LETTER.match(cells[0]):
            return None
        text = cells[1]
    else:
        text = cells[0]
    if not isinstance(text, str) or len(text.split()) < 2:
        return None
    key = fold(text)
    if _MARKER.match(text) or len(cells) == 2 or any(word in key + " "
                                                     for word in _SECTION_WORDS):
        return text
    return None


def implied(heading: str) -> dict[str, str]:
    """The column values a section heading gives the rows under it."""
    key = fold(heading)
    values = {}
    if "khach moi" in key:
        values["delegate_type"] = "Khách mời"
    elif "dien hinh" in key:
        values["delegate_type"] = "Điển hình tiên tiến"
    if "ca nhan" in key:
        values["subject"] = "Cá nhân"
    elif "tap the" in key:
        values["subject"] = "Tập thể"
    return values
