"""Legacy text that no font announces: TCVN3 or VNI typed in, then the font changed to Arial.
Recognised from its characters and converted; genuine Unicode, English and numbers never are."""

from __future__ import annotations

import json
import unicodedata

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from excel_pipeline.cli import main
from excel_pipeline.ingest.legacy_fonts import apply_unmarked
from excel_pipeline.ingest.legacy_text import TCVN3_TABLE, VNI_TABLE
from tests.official_forms import EXEMPLARY, GUESTS, official_delegate_list
from tests.test_official_forms import ABOUT_THE_LIST, people

_TO_TCVN3 = {letter: chr(code) for code, letter in TCVN3_TABLE.items()}
_TO_VNI = {letter: typed for typed, letter in sorted(VNI_TABLE.items(), key=lambda kv: -len(
    kv[0])) if typed == typed.lower() or letter != letter.lower()}


def typed_in(text: str, encoding: str) -> str:
    """Unicode text as a legacy font stores it (what Excel keeps when the font is changed)."""
    table = _TO_TCVN3 if encoding == "TCVN3" else _TO_VNI
    return "".join(table.get(char, char) for char in unicodedata.normalize("NFC", text))


def test_the_helper_types_what_the_converter_reads():
    assert typed_in("Nguyễn Văn An", "TCVN3") == "NguyÔn V¨n An"
    assert typed_in("Công nhân", "VNI") == "Coâng nhaân"


def test_an_officers_list_whose_font_was_changed_is_read_as_vietnamese(tmp_path):
    path = official_delegate_list(tmp_path / "in" / "BB01.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["DS đại biểu"]
    for row in sheet.iter_rows(min_row=10, max_row=17, min_col=2, max_col=6):
        for cell in row:  # names and positions typed in TCVN3, the font now Arial
            if isinstance(cell.value, str):
                cell.value = typed_in(cell.value, "TCVN3")
                cell.font = openpyxl.styles.Font(name="Arial")
    book.save(path)
    result = CliRunner().invoke(main, [str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                       "--as-of", "2025-03-31"])
    assert result.exit_code in (0, 1)
    report = json.loads((tmp_path / "out" / "tong-hop.json").read_text(encoding="utf-8"))
    written = openpyxl.load_workbook(tmp_path / "out" / "tong-hop.xlsx")
    assert [person[0] for person in people(written)] == [p[0] for p in (*GUESTS, *EXEMPLARY)]
    [legacy] = [f for f in report["findings"] if f["code"] == "LEGACY_ENCODING"]
    assert "TCVN3" in legacy["message"] and "nhận ra từ ký tự" in legacy["message"]
    assert [f for f in report["findings"] if f["code"] in ABOUT_THE_LIST - {"LEGACY_ENCODING"}] \
        == []


def test_a_vni_sheet_is_read_as_vni():
    words = ["Nguyễn Thị Hoa", "Lê Thị Hoa", "Đoàn Chủ tịch", "Tổ trưởng", "Kỹ sư"]
    grid = [[typed_in(text, "VNI")] for text in words]
    [summary] = apply_unmarked([("Trang", grid)])
    assert [row[0] for row in grid] == words
    assert summary.encodings == ("VNI",) and summary.by_characters


# Real Vietnamese words, many of them written with Latin-1 letters only («Thái», «Tâm»).
VIETNAMESE = ["Thái", "Tâm", "Hà", "Tày", "Lê", "Tú", "Hòa", "Bé", "Kinh", "Nữ", "Nam", "Mường",
              "Nguyễn", "Văn", "Công", "nhân", "Tổ", "trưởng", "Giám", "đốc", "Phó", "Chủ",
              "tịch", "Đảng", "viên", "Khách", "mời", "Điển", "hình", "tiên", "tiến", "Hội",
              "nghị", "Bàu", "Bàng", "Cà", "Mau", "Tân", "Châu", "Sóc", "Trăng", "Đà", "Lạt",
              "xã", "phường", "Hoàng", "Thị", "Quý", "Yến", "Ánh", "Bích", "Dũng", "Hùng", "Hải"]
OTHER = ["Café", "José", "Müller", "São", "Paulo", "Zoë", "naïve", "façade", "Ltd", "CEO",
         "1.250", "12,5%", "2025", "A1", "x", "—", "№", "°C", "€"]


@pytest.mark.slow  # a long property run
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VIETNAMESE + OTHER), min_size=1, max_size=5)
                .map(" ".join), min_size=1, max_size=12))
def test_genuine_unicode_english_and_numbers_are_never_converted(cells):
    grid = [[cell] for cell in cells]
    assert apply_unmarked([("Trang", grid)]) == []
    assert [row[0] for row in grid] == cells
