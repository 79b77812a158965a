import datetime as dt
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excel_pipeline.textnorm import (
    clean_text,
    fold,
    parse_date,
    parse_flag,
    parse_number,
    parse_year,
)


def test_fold_ignores_case_diacritics_spacing_and_tone_placement():
    assert fold("Hoà") == fold("Hòa") == "hoa"
    assert fold(unicodedata.normalize("NFD", "Nguyễn Thị Hoà")) == fold("NGUYỄN  THỊ HÒA")
    assert fold("Đảng viên") == "dang vien"


def test_clean_text_nfc_and_whitespace():
    nfd = unicodedata.normalize("NFD", "  Trần   Văn\u200b Tính ")
    assert clean_text(nfd) == unicodedata.normalize("NFC", "Trần Văn Tính")
    assert clean_text(1985.0) == "1985"
    assert clean_text("   ") is None


@pytest.mark.parametrize("value", ["x", "X", "✓", "có", "Có", "1", "yes", 1, True])
def test_flags_yes(value):
    assert parse_flag(value) is True


@pytest.mark.parametrize("value", [None, "", "  ", "không", 0, False])
def test_flags_no(value):
    assert parse_flag(value) is False


def test_flag_garbage_is_an_error():
    with pytest.raises(ValueError):
        parse_flag("có thể")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/2025", dt.date(2025, 3, 5)),
        ("5-3-2025", dt.date(2025, 3, 5)),
        ("ngày 05 tháng 3 năm 2025", dt.date(2025, 3, 5)),
        ("Ngày 5 tháng 03 năm 2025", dt.date(2025, 3, 5)),
        ("2025-03-05", dt.date(2025, 3, 5)),
        (45721, dt.date(2025, 3, 5)),
        (dt.datetime(2025, 3, 5, 0, 0), dt.date(2025, 3, 5)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "mai", "2025/13/01", 1.5])
def test_bad_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_numbers_vietnamese_separators():
    assert parse_number("1.200", integer=True) == 1200
    assert parse_number("2,5") == 2.5
    assert parse_number("1.234,5") == 1234.5
    with pytest.raises(ValueError):
        parse_number("2,5", integer=True)
    with pytest.raises(ValueError):
        parse_number("nhiều")


def test_years():
    assert parse_year("1985") == 1985
    assert parse_year(1985.0) == 1985
    assert parse_year(dt.date(1985, 1, 2)) == 1985
    assert parse_year("19885") == 19885  # left for the range check, never read as a serial date
    with pytest.raises(ValueError):
        parse_year("khoảng 1985")


@pytest.mark.slow  # a long property run
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.one_of(
    st.characters(max_codepoint=0x24F), st.characters(min_codepoint=0x1E00, max_codepoint=0x1EFF),
    st.characters(min_codepoint=0x2000, max_codepoint=0x206F), st.sampled_from("\u0301\u0323đĐ "),
    st.characters())))
def test_the_quick_fold_is_the_fold_by_definition(text):
    from excel_pipeline.textnorm import _fold_general, _fold_text

    assert _fold_text(text) == _fold_general(text)
    assert _fold_text(unicodedata.normalize("NFD", text)) == _fold_general(
        unicodedata.normalize("NFD", text))


def test_names_lose_the_punctuation_and_invisible_spaces_lists_leave():
    from excel_pipeline.textnorm import clean_name

    assert clean_name("Nguyễn\u00a0Văn An. ") == "Nguyễn Văn An"
    assert clean_name(" Lê  Thị\u200b Hoa,") == "Lê Thị Hoa"
    assert clean_name("Công ty TNHH A.B.C.") == "Công ty TNHH A.B.C"
    assert clean_name(" ., ") is None


# The fast paths of is_blank, clean_text and parse_number (printable text, float cells) against
# their definitions, on text mixing every kind of space, invisible and combining character.
_TRICKY = st.lists(st.sampled_from(
    [" ", "  ", "\t", "\n", "\u00a0", "\u2000", "\u3000", "\u200b", "\u00ad", "\ufeff", "\u2060",
     "a", "Đ", "ễ", "e\u0301", "A\u0300", "\u1ea0", "1", ".", ",", "\x1f", "\u0085"]),
    max_size=12).map("".join)


def _blank_by_definition(value):
    import math
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.translate(_INVISIBLE_CHARS).strip()


_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _clean_by_definition(text):
    import re
    if _blank_by_definition(text):
        return None
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE_CHARS)
    return re.sub(r"\s+", " ", text).strip() or None


@settings(max_examples=500, deadline=None)
@given(_TRICKY)
def test_printable_text_fast_paths_agree_with_the_definitions(text):
    from excel_pipeline.textnorm import is_blank

    assert is_blank(text) is _blank_by_definition(text)
    assert clean_text(text) == _clean_by_definition(text)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 1e15, -1e15, 1e15 + 2, 2.5, 1985.0, float("nan")]), st.booleans())
def test_float_cells_parse_as_numbers_by_the_definition(value, integer):
    import math

    def by_definition():
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError("Không phải số")
        if abs(value) > 1e15:
            raise ValueError("Số quá lớn")
        if integer and not value.is_integer():
            raise ValueError("Phải là số nguyên")
        return int(value) if value.is_integer() else value

    try:
        expected = by_definition()
    except ValueError as exc:
        with pytest.raises(ValueError, match=str(exc)):
            parse_number(value, integer=integer)
        return
    got = parse_number(value, integer=integer)
    assert got == expected and type(got) is type(expected)
