"""Sheet and header recognition on cell grids (no files needed), plus a few real workbooks."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from excel_pipeline.ingest.read import (
    HEADER_SCAN_ROWS,
    UnreadableWorkbook,
    _header_index,
    _prefix_match,
    find_header,
    match_header,
    read_workbook,
    recognise,
)
from excel_pipeline.template import DELEGATES, NOMINATIONS, REGISTRY
from excel_pipeline.textnorm import fold


def test_header_found_below_title_rows_in_any_order_case_and_diacritics():
    grid = [
        ["", "DANH SÁCH TRÍCH NGANG ĐẠI BIỂU", "", ""],
        ["", "", "", ""],
        ["nam sinh", "HO VA TEN", "Loại đại biểu", "GIỚI TÍNH", "Cột riêng"],
        [1985.0, "Nguyễn Văn An", "Điển hình tiên tiến", "Nam", "ghi chú riêng"],
        ["", "", "", "", ""],
        [1990.0, "Lê Thị Hoa", "Khách mời", "Nữ", ""],
    ]
    content = recognise([("Sheet1", grid)])
    [table] = content.tables
    assert table.spec is DELEGATES
    assert table.header_row == 3
    assert table.excel_rows == [4, 6]
    assert table.cells["full_name"] == ["Nguyễn Văn An", "Lê Thị Hoa"]
    assert table.extras == {0: {"Cột riêng": "ghi chú riêng"}}
    assert table.records()[0][1]["_extra"] == {"Cột riêng": "ghi chú riêng"}
    assert table.extra_columns == ["Cột riêng"]
    assert table.letters["full_name"] == "B"


def test_prenumbered_stt_rows_are_blank():
    grid = [["STT", "Họ và tên", "Giới tính", "Loại đại biểu"],
            [1, "An", "Nam", "Khách mời"], [2, "", "", ""], [3, None, None, None]]
    [table] = recognise([("Đại biểu", grid)]).tables
    assert table.size == 1


def test_title_row_containing_a_header_word_is_not_taken_for_header():
    grid = [["Đại biểu"], ["Họ và tên", "Giới tính", "Loại đại biểu"], ["An", "Nam", "Khách mời"]]
    [table] = recognise([("DS", grid)]).tables
    assert table.header_row == 2


def test_sheet_named_wrongly_is_recognised_by_its_header():
    grid = [["Đối tượng", "Họ tên / Tên tập thể", "Hình thức khen thưởng"],
            ["Cá nhân", "An", "Giấy khen"]]
    [table] = recognise([("Trang 3", grid)]).tables
    assert table.spec is NOMINATIONS


def test_info_form_labels_and_values():
    grid = [["THÔNG TIN ĐƠN VỊ", ""], ["", ""], ["Mã đơn vị:", "C01"], ["Tên đơn vị", "CĐCS A"],
            ["Số đoàn viên", 320.0], ["Ngày tổ chức hội nghị", dt.date(2025, 3, 1)]]
    content = recognise([("Thông tin đơn vị", grid)])
    assert content.form is not None
    assert content.form.fields["unit_code"] == ("C01", 3)
    assert content.form.fields["members"] == (320.0, 5)
    assert content.form.letters["unit_code"] == "B"


def test_registry_header_is_not_mistaken_for_info_form():
    grid = [["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Khối thi đua"],
            ["C01", "A", "CĐCS", "R", "Khối 1"]]
    content = recognise([("Danh mục đơn vị", grid)])
    assert content.form is None
    assert content.tables[0].spec is REGISTRY


def test_empty_workbook_is_unreadable():
    with pytest.raises(UnreadableWorkbook, match="trống"):
        recognise([("Sheet1", [["", ""]])])


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "rỗng"), (b"hello world, not a zip", "không đúng định dạng"),
     (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cắt cụt"),
     (b"PK\x03\x04" + b"\x00" * 50, "cắt cụt")],
)
def test_unreadable_files_have_actionable_reasons(tmp_path, content, reason):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbook, match=reason):
        read_workbook(path.read_bytes())


def test_real_workbook_round_trip(make_unit):
    from tests.conftest import delegate

    path = make_unit("C01", [delegate("An"), delegate("Bình", gender="Nữ")])
    content = read_workbook(path.read_bytes())
    assert content.form.fields["unit_code"][0] == "C01"
    [table] = content.tables
    assert table.cells["full_name"] == ["An", "Bình"]
    assert table.excel_rows == [4, 5]  # title, blank, header, then data


def _prefix_match_by_definition(key, exact):
    """The definition `_prefix_match` must keep: the longest known header over two characters
    that the text starts with, followed by a space."""
    matches = [(len(k), col) for k, col in exact.items() if key.startswith(k + " ") and len(k) > 2]
    return max(matches, key=lambda item: item[0])[1] if matches else None


_HEADER_WORDS = sorted({word for spec in (DELEGATES, NOMINATIONS, REGISTRY)
                        for col in spec.columns for key in col.header_keys()
                        for word in key.split()} | {"x", "(yyyy)", "ghi", "  ", "\t", "\u00a0"})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_HEADER_WORDS), min_size=1, max_size=7), st.text(max_size=6))
def test_prefix_match_is_the_longest_header_followed_by_a_space(words, tail):
    key = fold(" ".join(words) + tail)
    for spec in (DELEGATES, NOMINATIONS, REGISTRY):
        exact = _header_index(spec)
        assert _prefix_match(key, exact) is _prefix_match_by_definition(key, exact)


def test_header_with_a_trailing_remark_names_the_longest_column():
    exact = _header_index(DELEGATES)
    assert _prefix_match(fold("Năm sinh (yyyy)"), exact).key == "birth_year"
    assert _prefix_match(fold("Họ và tên đại biểu"), exact).key == "full_name"
    # "Mã đơn vị" is a header too, but the longer one named wins.
    assert _prefix_match(fold("Mã đơn vị cấp trên (nếu có)"),
                         _header_index(REGISTRY)).key == "parent_code"
    assert _prefix_match(fold("Ho"), exact) is None


def _best_header_row(grid, spec):
    """`find_header` by its definition: every row of the first `HEADER_SCAN_ROWS` matched,
    the first with the most columns kept (two at least, one required)."""
    best = None
    exact = _header_index(spec)
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        mapping = match_header(row, exact)
        if len(mapping) < 2 or not any(col.required for col in mapping.values()):
            continue
        if best is None or len(mapping) > len(best[1]):
            best = (index, mapping)
    return best


HEADER_CELLS = st.one_of(
    st.sampled_from([column.header for column in DELEGATES.columns]),
    st.sampled_from(["Nguyễn Văn An", "Nam", "Kinh", "Tổ trưởng", "x", "", "Ghi chú khác",
                     "Họ và tên (ghi rõ)", "STT"]),
    st.integers(min_value=1, max_value=2000), st.none())


@settings(max_examples=300, deadline=None)
@given(grid=st.lists(st.lists(HEADER_CELLS, max_size=12), max_size=12))
def test_the_header_row_found_is_the_one_with_most_columns_named(grid):
    assert find_header(grid, DELEGATES) == _best_header_row(grid, DELEGATES)


def test_rows_become_columns_with_each_section_implying_only_its_own_rows():
    """The reader turns rows into columns at once: each heading's implied value goes to the
    rows under it up to the next heading (a heading with no rows under it gives none), a cell
    the row fills keeps its own value, a row shorter than the header reads blank beyond its
    end, and the cells of columns the template does not know stay with their row's index."""
    grid = [
        ["STT", "Họ và tên", "Giới tính", "Loại đại biểu", "Cột riêng"],
        ["I", "ĐẠI BIỂU KHÁCH MỜI"],
        [1, "An", "Nam", "", "x"],
        [2, "Bình", "Nữ", "Điển hình tiên tiến", ""],
        ["II", "ĐẠI BIỂU KHÁCH MỜI"],
        ["III", "ĐẠI BIỂU ĐIỂN HÌNH TIÊN TIẾN"],
        [3, "Cúc", "Nữ"],  # shorter than the header
        [4, "Dũng", "Nam", None, "y"],
    ]
    [table] = recognise([("Đại biểu", grid)]).tables
    assert table.excel_rows == [3, 4, 7, 8]
    assert table.cells["full_name"] == ["An", "Bình", "Cúc", "Dũng"]
    assert table.cells["delegate_type"] == ["Khách mời", "Điển hình tiên tiến",
                                            "Điển hình tiên tiến", "Điển hình tiên tiến"]
    assert table.extras == {0: {"Cột riêng": "x"}, 3: {"Cột riêng": "y"}}
    assert table.set_aside == {"dòng tiêu đề mục": 3}
    records = table.records()
    assert [row for row, _ in records] == [3, 4, 7, 8]
    assert records[2][1] == {"stt": 3, "full_name": "Cúc", "gender": "Nữ",
                             "delegate_type": "Điển hình tiên tiến"}
    assert records[3][1]["_extra"] == {"Cột riêng": "y"}
    from excel_pipeline.ingest.inbox import parse_table

    parsed = parse_table(table).parsed
    assert parsed.columns["delegate_type"][2] == "Điển hình tiên tiến"
    assert table.cells == {} and table.extras == {} and table.records() == []
