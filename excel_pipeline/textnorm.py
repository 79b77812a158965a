"""Cell-level normalisation: text, folded keys, dates, years, numbers and flags.

Every parser returns either a clean value or raises `ValueError` with a Vietnamese reason, so the
caller can turn the failure into one SCHEMA finding for that cell instead of losing the column.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_LARGEST = 1e15  # beyond any count or amount a unit reports; keeps Int64 columns safe


def is_blank(value: Any) -> bool:
    """True for empty cells: None, NaN, empty or whitespace-only text."""
    if value is None:
        return True
    if value.__class__ is str and value.isprintable():  # no invisible character to remove
        return not value.strip()
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.translate(_INVISIBLE).strip()


def clean_text(value: Any) -> str | None:
    """NFC, invisible characters removed, trimmed, inner whitespace collapsed; None when blank.

    Numbers typed into text columns come back as text without a spurious ".0".
    """
    if value.__class__ is str and value.isprintable():
        return _clean_printable(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return format_date(value)
    text = unicodedata.normalize("NFC", str(value)).translate(_INVISIBLE)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def _clean_printable(value: str) -> str | None:
    """clean_text() of text without control, format or separator characters other than the
    space (`str.isprintable`), nearly every cell: it has no invisible character to remove and
    no whitespace but spaces, which NFC neither adds nor removes, so collapsing and trimming
    its spaces is all that is left after NFC (which returns NFC text itself, unchanged)."""
    text = unicodedata.normalize("NFC", value)
    text = " ".join(text.split()) if "  " in text else text.strip(" ")
    return text or None


_NAME_ENDS = " .,;:"


def clean_name(value: Any) -> str | None:
    """A person's or a unit's name as `clean_text` gives it, without the dots and commas that
    lists leave after it («Nguyễn Văn An.», «Lê Thị Hoa,»)."""
    text = clean_text(value)
    if text is None:
        return None
    return text.rstrip(_NAME_ENDS) or None


def percent(share: float, digits: int = 1) -> str:
    """A share as Vietnamese text writes it: 0.719 -> «71,9%» (a decimal comma)."""
    return f"{share:.{digits}%}".replace(".", ",")


def decimal(value: float, digits: int) -> str:
    """A number as Vietnamese text writes it: 12.3456 -> «12,3456»."""
    return f"{value:.{digits}f}".replace(".", ",")


# Device names Windows reserves whatever the extension («CON.xlsx» opens the console).
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                              *(f"LPT{n}" for n in range(1, 10))})


def reserved_on_windows(name: str) -> bool:
    """Whether Windows refuses `name` (or `name.anything`) as a file or folder name."""
    return name.split(".", 1)[0].strip(" ").upper() in WINDOWS_RESERVED


def count(number: int) -> str:
    """A count as Vietnamese offices write it: 17179869184 -> «17.179.869.184»."""
    return f"{number:,}".replace(",", ".")


def format_date(value: dt.date) -> str:
    """A date as Vietnamese offices write it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def fold(value: Any) -> str:
    """A comparison key: no diacritics, lower case, punctuation as spaces, single spaces.

    "Hoà" and "Hòa", "ĐẢNG VIÊN" and "dang vien" fold to the same key, whatever the tone-mark
    placement or the Unicode form they arrived in.
    """
    if isinstance(value, str):
        return _fold_text(value)
    text = clean_text(value)
    return "" if text is None else _fold_text(text)


def fold_distinct(values: Iterable[str]) -> list[str]:
    """fold() of each of many texts that are already distinct (a province's delegate names,
    each folded once for the duplicate check), past `fold`'s cache, which they would only
    churn."""
    return [_fold_str(value) for value in values]


def _fold_str(value: str) -> str:
    """fold() of text. Nearly all text is Vietnamese or other Latin script, which one
    `str.translate` folds character by character; anything else takes the general path."""
    quick = value.translate(_FOLD_TABLE)
    if quick.isascii():
        return " ".join(quick.split())
    return _fold_general(value)


# fold() of text, cached: headers, choices and names repeat across thousands of files.
_fold_text = lru_cache(maxsize=65536)(_fold_str)


def _fold_general(value: str) -> str:
    """fold() by its definition: Unicode decomposition, marks dropped, ASCII letters and digits."""
    text = clean_text(value)
    if text is None:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = _NOT_ALNUM.sub(" ", stripped.lower())
    return stripped.strip()


_NOT_ALNUM = re.compile(r"[^0-9a-zA-Z]+")


def _fold_table() -> dict[int, str | None]:
    """Each ASCII, Latin (Vietnamese included) and general-punctuation character folded alone:
    to its unmarked lower-case letter or digit, or to a space for anything else. Joining these
    and collapsing spaces is what `_fold_general` does to a whole NFC string of them; characters
    outside the table (combining marks, other scripts) send the text to `_fold_general`."""
    table: dict[int, str | None] = dict.fromkeys(_INVISIBLE, None)
    ranges = (range(0x00, 0x250), range(0x1E00, 0x1F00), range(0x2000, 0x2070))
    for code in (code for span in ranges for code in span):
        char = chr(code)
        if code in table or unicodedata.category(char) == "Mn" \
                or unicodedata.normalize("NFC", char) != char:
            continue
        base = "d" if char in "đĐ" else "".join(
            ch for ch in unicodedata.normalize("NFD", char) if unicodedata.category(ch) != "Mn")
        folded = _NOT_ALNUM.sub(" ", base.lower())
        if folded.isascii() and (folded == " " or folded.isalnum()):
            table[code] = folded
    return table


_FOLD_TABLE = _fold_table()


_TRUE_FLAGS = {"x", "v", "✓", "✔", "☑", "co", "1", "yes", "y", "true", "dung", "dat"}
_FALSE_FLAGS = {"khong", "0", "no", "n", "false", "-"}


def parse_flag(value: Any) -> bool:
    """Tick-box cells: x, X, ✓, có, 1, yes mean yes; blank (and không, 0, no) mean no."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError("Ô đánh dấu chỉ nhận x (có) hoặc để trống (không)")
    raw = clean_text(value) or ""
    if raw in {"✓", "✔", "☑"}:
        return True
    key = fold(raw)
    if key in _TRUE_FLAGS:
        return True
    if key in _FALSE_FLAGS:
        return False
    raise ValueError("Ô đánh dấu chỉ nhận x (có) hoặc để trống (không)")


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})$")
_YMD = re.compile(r"^(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{2,4})")


def parse_date(value: Any) -> dt.date | None:
    """Dates as Excel serials, date cells, dd/mm/yyyy text or "ngày 05 tháng 3 năm 2025".

    Text is always read day first, as Vietnamese offices write it. Returns None for blank cells.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("Không phải ngày tháng")
    if isinstance(value, int | float):
        if 1 <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError("Không phải ngày tháng (nhập theo dạng ngày/tháng/năm)")
    text = clean_text(value) or ""
    key = fold(text)
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd"), (_WORDS, "dmy")):
        match = pattern.search(text if pattern is not _WORDS else key)
        if match:
            a, b, c = (int(group) for group in match.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            if year < 100:
                year += 2000
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"Ngày không tồn tại: {text}") from None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return parse_date(float(text))
    raise ValueError("Không phải ngày tháng (nhập theo dạng ngày/tháng/năm)")


def parse_number(value: Any, integer: bool = False) -> float | int | None:
    """Numbers from number cells or text; Vietnamese separators understood ("1.200", "2,5").

    With `integer`, a fractional value is refused rather than rounded.
    """
    if value.__class__ is float and -_LARGEST <= value <= _LARGEST:  # a number cell (not NaN)
        if value.is_integer():
            return int(value)
        if integer:
            raise ValueError("Phải là số nguyên")
        return value
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError("Không phải số")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = (clean_text(value) or "").replace(" ", "")
        number = _parse_number_text(text)
    if math.isnan(number) or math.isinf(number):
        raise ValueError("Không phải số")
    if abs(number) > _LARGEST:
        raise ValueError("Số quá lớn")
    if integer:
        if not number.is_integer():
            raise ValueError("Phải là số nguyên")
        return int(number)
    return int(number) if number.is_integer() else number


def _parse_number_text(text: str) -> float:
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        return float(text.replace(".", ""))
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text) and "." in text:
        return float(text.replace(",", ""))
    if re.fullmatch(r"[+-]?\d+(\.\d{3})*,\d+", text):
        return float(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        return float(text)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
        return float(text.replace(",", ""))
    raise ValueError("Không phải số")


def parse_year(value: Any) -> int | None:
    """A birth year: 1985, "1985", 1985.0, or a full date whose year is taken."""
    if is_blank(value):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.year
    if isinstance(value, str):
        text = clean_text(value) or ""
        if re.fullmatch(r"\d{1,9}", text):
            return int(text)  # any length: the range check reports "19885", not a date guess
        if not re.fullmatch(r"\d{4}(\.0+)?", text):
            try:
                return parse_date(text).year  # type: ignore[union-attr]
            except ValueError:
                raise ValueError("Năm sinh phải là số có 4 chữ số") from None
    number = parse_number(value, integer=True)
    return int(number) if number is not None else None
