"""What units send besides the template, through the real command: the consolidated values
(names, years, sexes, flags, units) in tong-hop.xlsx and tong-hop.json, not only the absence of
findings."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from excel_pipeline.cli import main
from tests.unit_sources import PEOPLE, YEARS, list_with_counted_total, nomination_list

AS_OF = "2025-03-31"


def consolidate(inbox: Path, out: Path, *extra: str) -> tuple[int, dict, openpyxl.Workbook]:
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", AS_OF, *extra])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    return result.exit_code, report, openpyxl.load_workbook(out / "tong-hop.xlsx")


def delegates(book: openpyxl.Workbook) -> list[dict]:
    sheet = book["Đại biểu"]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]


def codes(report: dict) -> list[str]:
    return [finding["code"] for finding in report["findings"]]


def test_a_total_line_counting_the_flag_columns_is_a_total_not_a_person(tmp_path):
    list_with_counted_total(tmp_path / "hộp thư" / "BB01.xlsx")
    _, report, book = consolidate(tmp_path / "hộp thư", tmp_path / "out")
    people = delegates(book)
    assert [(p["Họ và tên"], p["Năm sinh"], p["Giới tính"]) for p in people] == [
        (name, year, sex) for (name, _, sex, *_), year in zip(PEOPLE, YEARS, strict=True)]
    assert [p["Lãnh đạo, quản lý"] for p in people] == ["x", None, "x", None]
    assert "SCHEMA" not in codes(report) and "TOTAL_MISMATCH" not in codes(report)
    [entry] = report["files"]
    assert any("1 dòng tổng cộng" in note for note in entry["notes"])


def nominations(book: openpyxl.Workbook) -> list[dict]:
    sheet = book["Đề nghị khen thưởng"]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_headings_a_person_reads_and_the_subject_inferred_from_the_name(tmp_path):
    nomination_list(tmp_path / "in" / "BB01.xlsx")
    _, report, book = consolidate(tmp_path / "in", tmp_path / "out")
    rows = nominations(book)
    assert [(r["Họ tên / Tên tập thể"], r["Đối tượng"], r["Hình thức khen thưởng"])
            for r in rows] == [
        ("Tổ may 1", "Tập thể", "Bằng khen LĐLĐ tỉnh"), ("Tô Văn Hùng", "Cá nhân", "Giấy khen"),
        ("Trương Thị Mai", "Cá nhân", "Giấy khen"), ("Phòng Kế toán", "Tập thể", "Giấy khen"),
        ("Công đoàn Công ty May", "Tập thể", "Cờ thi đua LĐLĐ tỉnh")]
    assert {r["Mã đơn vị"] if "Mã đơn vị" in r else r.get("Đơn vị") for r in rows} == {"BB01"}
    inferred = [f for f in report["findings"] if f["code"] == "VALUE_INFERRED"]
    assert len(inferred) == 1 and inferred[0]["unit"] == "BB01"
    assert inferred[0]["severity"] == "info" and inferred[0]["sheet"] == "Sheet1"
    assert "SCHEMA" not in codes(report)


def test_a_list_missing_a_required_column_is_one_finding_naming_what_it_has(tmp_path):
    nomination_list(tmp_path / "in" / "BB01.xlsx", award_heading=None, info=False,
                    others=("Số quyết định", "Ngày quyết định", "Cơ quan ban hành"))
    _, report, book = consolidate(tmp_path / "in", tmp_path / "out")
    [finding] = [f for f in report["findings"] if f["file"] == "BB01.xlsx"]
    assert finding["code"] == "COLUMNS_NOT_FOUND" and finding["sheet"] == "Sheet1"
    assert "Hình thức khen thưởng" in finding["message"]
    assert "Tên tập thể/cá nhân" in finding["message"] and "Thành tích" in finding["message"]
    text = " ".join(str(cell.value) for row in book["Phát hiện"].iter_rows() for cell in row)
    assert "Bổ sung các cột còn thiếu" in text and "mật khẩu" not in text
    assert report["files"][0]["status"] == "rejected"


def test_a_missing_column_finding_carries_the_unit(tmp_path):
    nomination_list(tmp_path / "in" / "BB01.xlsx", award_heading="Ghi chú")
    _, report, _ = consolidate(tmp_path / "in", tmp_path / "out")
    missing = [f for f in report["findings"] if f["code"] == "SCHEMA"
               and "Không tìm thấy cột" in f["message"]]
    assert missing and {f["unit"] for f in missing} == {"BB01"}
