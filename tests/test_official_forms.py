"""The forms offices really send, through the real command: the right people, years, sexes and
counts, and no finding that is not there."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from tests.official_forms import EXEMPLARY, GUESTS, official_delegate_list

AS_OF = "2025-03-31"
# Findings about the list itself (the rules on a lone unit, presidium and allocation, are real).
ABOUT_THE_LIST = {"SCHEMA", "TOTAL_MISMATCH", "UNREADABLE_FILE", "EXTRA_COLUMN", "MISSING_SHEET",
                  "LEGACY_ENCODING", "UNKNOWN_UNIT"}


def consolidate(inbox: Path, out: Path, *extra: str) -> tuple[int, dict, openpyxl.Workbook]:
    """The command on `inbox` (with `extra` options), its exit status, report and workbook."""
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", AS_OF, *extra])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    return result.exit_code, report, openpyxl.load_workbook(out / "tong-hop.xlsx")


def people(book: openpyxl.Workbook) -> list[tuple]:
    sheet = book["Đại biểu"]
    header = [cell.value for cell in sheet[1]]
    at = {title: header.index(title) for title in ("Họ và tên", "Năm sinh", "Giới tính",
                                                   "Dân tộc", "Loại đại biểu", "Đảng viên")}
    return [(row[at["Họ và tên"]], row[at["Năm sinh"]], row[at["Giới tính"]],
             row[at["Dân tộc"]], row[at["Loại đại biểu"]], row[at["Đảng viên"]])
            for row in sheet.iter_rows(min_row=2, values_only=True)]


def expected_people() -> list[tuple]:
    return [(name, year, sex, ethnicity, kind, "x" if party else None)
            for kind, group in (("Khách mời", GUESTS), ("Điển hình tiên tiến", EXEMPLARY))
            for name, year, sex, ethnicity, _, party in group]


def test_an_official_list_gives_its_people_and_nothing_else(tmp_path):
    official_delegate_list(tmp_path / "hộp thư" / "BB01 danh sách.xlsx")
    _, report, book = consolidate(tmp_path / "hộp thư", tmp_path / "out")
    assert people(book) == expected_people()
    assert report["rows"]["delegates"] == {"read": 7, "accepted": 7, "rejected": 0,
                                           "superseded": 0, "not_considered": 0}
    assert [f for f in report["findings"] if f["code"] in ABOUT_THE_LIST] == []
    [entry] = report["files"]
    assert entry["notes"] == [
        "Trang «Danh mục» không đọc: trang ẩn (danh mục, trang phụ của mẫu)",
        "Trang «DS đại biểu»: không tính là dữ liệu 1 dòng đánh số cột, 2 dòng tiêu đề mục, "
        "1 dòng tổng cộng, 6 dòng ký tên, ghi chú dưới bảng"]
    sources = book["Nguồn"]
    header = [cell.value for cell in sources[1]]
    noted = sources.cell(2, header.index("Không tính là dữ liệu") + 1).value
    assert "2 dòng tiêu đề mục" in noted and "«Danh mục» không đọc" in noted
    assert book["Lỗi dữ liệu"].max_row == 1


def test_a_total_line_that_disagrees_with_the_list_is_a_warning_at_that_line(tmp_path):
    official_delegate_list(tmp_path / "in" / "BB01.xlsx", stated_total=8)
    _, report, _ = consolidate(tmp_path / "in", tmp_path / "out")
    [mismatch] = [f for f in report["findings"] if f["code"] == "TOTAL_MISMATCH"]
    assert mismatch["severity"] == "warning" and mismatch["value"] == 8
    assert mismatch["row"] == 18 and mismatch["unit"] == "BB01"
    assert "ghi 8 nhưng danh sách có 7 dòng" in mismatch["message"]


@pytest.mark.parametrize("both", [True, False])
def test_a_birth_year_under_both_sexes_or_neither_is_one_finding_at_that_cell(tmp_path, both):
    path = official_delegate_list(tmp_path / "in" / "BB01.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["DS đại biểu"]
    row = next(r for r in range(1, 40) if sheet.cell(r, 2).value == "Đỗ Thị Lan")
    sheet.cell(row, 3).value = 1992 if both else None
    sheet.cell(row, 4).value = 1992 if both else None
    book.save(path)
    _, report, _ = consolidate(tmp_path / "in", tmp_path / "out")
    schema = [f for f in report["findings"] if f["code"] in ABOUT_THE_LIST]
    assert [(f["code"], f["row"], f["column"]) for f in schema] == [("SCHEMA", row, "Giới tính")]
    assert ("cả cột Nam và cột Nữ" if both else "chưa ghi năm sinh") in schema[0]["message"]
    assert report["rows"]["delegates"]["accepted"] == 6


def test_a_list_from_another_system_is_not_taken_for_a_sheet_of_ours(tmp_path):
    inbox = tmp_path / "in"
    official_delegate_list(inbox / "BB01.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số sổ BHXH",
                  "Địa chỉ thường trú", "Số điện thoại", "Ngân hàng", "Số tài khoản"])
    for number in range(1, 40):
        sheet.append([number, f"Người thứ {number}", "01/01/1990", "Nam", f"0790{number:08}",
                      f"79{number:08}", "Bàu Bàng", "0912345678", "Vietcombank", "0123"])
    book.save(inbox / "bang-luong.xlsx")
    _, report, written = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "bang-luong.xlsx")
    assert entry["status"] == "rejected"
    assert [f["code"] for f in report["findings"] if f["file"] == "bang-luong.xlsx"] == \
        ["UNREADABLE_FILE"]
    everything = " ".join(str(cell) for sheet in written for row in sheet.iter_rows(
        values_only=True) for cell in row)
    assert "07900000001" not in everything and "Người thứ 1" not in everything


@pytest.mark.slow  # LibreOffice saves the form
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("kind", ["xls", "ods", "xlsx"])
def test_the_same_form_saved_by_libreoffice_gives_the_same_people(tmp_path, kind):
    source = official_delegate_list(tmp_path / "src" / "BB01.xlsx")
    inbox = tmp_path / "in"
    inbox.mkdir()
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", kind, "--outdir", str(inbox), str(source)],
                   check=True, capture_output=True, timeout=180)
    _, report, book = consolidate(inbox, tmp_path / "out")
    assert people(book) == expected_people()
    assert [f for f in report["findings"] if f["code"] in ABOUT_THE_LIST] == []


def registry(path: Path, names: dict[str, str]) -> Path:
    from excel_pipeline.write.submission import write_registry

    units = [{"unit_code": "ROOT", "unit_name": "LĐLĐ huyện Bàu Bàng", "level": "LĐLĐ huyện"}]
    units += [{"unit_code": code, "unit_name": name, "level": "CĐCS", "parent_code": "ROOT",
               "members": 250} for code, name in names.items()]
    return write_registry(path, units)


@pytest.mark.parametrize("code", [None, "SAI-MA"])
def test_a_unit_that_does_not_know_its_code_is_found_by_its_name(tmp_path, code):
    inbox = tmp_path / "in"
    registry(inbox / "danh-muc.xlsx", {"BB01": "CĐCS Công ty TNHH May Bàu Bàng",
                                       "BB02": "CĐCS Công ty CP Gỗ Minh Phát"})
    path = official_delegate_list(inbox / "may.xlsx", name="Công đoàn cơ sở Công ty May Bàu Bàng",
                                  with_code=False)
    if code:
        book = openpyxl.load_workbook(path)
        book["Thông tin đơn vị"]["B1"] = code
        book.save(path)
    _, report, book = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "may.xlsx")
    assert entry["status"] == "accepted" and entry["unit"] == "BB01"
    [matched] = [f for f in report["findings"] if f["code"] == "UNIT_MATCHED_BY_NAME"]
    assert matched["severity"] == "warning" and matched["unit"] == "BB01"
    assert "BB01 – CĐCS Công ty TNHH May Bàu Bàng" in matched["message"]
    assert len(people(book)) == 7
    assert not [f for f in report["findings"] if f["code"] in ("UNKNOWN_UNIT", "SCHEMA")]


def test_a_name_that_fits_two_units_or_none_well_is_not_guessed(tmp_path):
    inbox = tmp_path / "in"
    registry(inbox / "danh-muc.xlsx", {"BB01": "CĐCS Công ty May Bàu Bàng 1",
                                       "BB02": "CĐCS Công ty May Bàu Bàng 2"})
    path = official_delegate_list(inbox / "may.xlsx", name="CĐCS Công ty May Bàu Bàng")
    book = openpyxl.load_workbook(path)
    book["Thông tin đơn vị"]["B1"] = "BB9"
    book.save(path)
    _, report, _ = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "may.xlsx")
    assert entry["status"] == "rejected"
    [unknown] = [f for f in report["findings"] if f["code"] == "UNKNOWN_UNIT"]
    assert "BB01 (CĐCS Công ty May Bàu Bàng 1)" in unknown["message"]
    assert "BB02 (CĐCS Công ty May Bàu Bàng 2)" in unknown["message"]
    assert not [f for f in report["findings"] if f["code"] == "UNIT_MATCHED_BY_NAME"]


@pytest.mark.parametrize("stated, mismatch", [(7, False), (8, True)])
def test_subtotals_do_not_end_the_list_and_the_grand_total_is_compared(tmp_path, stated,
                                                                       mismatch):
    official_delegate_list(tmp_path / "in" / "BB01.xlsx", subtotals=True, stated_total=stated)
    _, report, book = consolidate(tmp_path / "in", tmp_path / "out")
    assert people(book) == expected_people()  # the second part, after «Cộng mục I», is read
    codes = [f["code"] for f in report["findings"] if f["code"] in ABOUT_THE_LIST]
    assert codes == (["TOTAL_MISMATCH"] if mismatch else [])
    assert "3 dòng tổng cộng" in report["files"][0]["notes"][1]
