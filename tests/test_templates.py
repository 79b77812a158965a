"""Generated templates: drop-downs, validation, protection, pre-filled unit copies, and a round
trip through the real command."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import REPO
from tests.test_end_to_end import run_cli

COMMITTED = REPO / "input_templates" / "mau-bau-bang-2025.xlsx"


def describe(path: Path) -> dict[str, object]:
    """Everything a template promises, cell by cell: values, validations, protection."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book:
        sheets[sheet.title] = {
            "cells": {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row
                      if cell.value is not None},
            "unlocked": sorted(cell.coordinate for row in sheet.iter_rows() for cell in row
                               if not cell.protection.locked),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.promptTitle,
                                   v.prompt, v.errorTitle, v.error)
                                  for v in sheet.data_validations.dataValidation),
            "protected": sheet.protection.sheet,
        }
    return {"sheets": book.sheetnames, "content": sheets}


def test_committed_templates_match_a_fresh_generation(tmp_path):
    code, stdout, _ = run_cli("templates", "--out", str(tmp_path))
    assert code == 0, stdout
    fresh = tmp_path / COMMITTED.name
    assert describe(fresh) == describe(COMMITTED), (
        "input_templates/ is stale: run `dhtt-merge templates` and commit the result")


def test_template_shape():
    book = openpyxl.load_workbook(COMMITTED)
    assert book.sheetnames == ["Hướng dẫn", "Thông tin đơn vị", "Đại biểu",
                               "Đề nghị khen thưởng", "Kết quả thi đua", "Danh mục"]
    delegates = book["Đại biểu"]
    assert [delegates.cell(3, col).value for col in (1, 2, 3)] == ["STT", "Họ và tên", "Năm sinh"]
    assert [delegates.cell(row, 1).value for row in (4, 5, 303)] == [1, 2, 300]
    assert delegates["A3"].protection.locked and not delegates["B4"].protection.locked
    assert delegates.protection.sheet and delegates.freeze_panes == "A4"
    kinds = {str(v.sqref).split(":")[0]: (v.type, v.formula1)
             for v in delegates.data_validations.dataValidation}
    assert kinds["D4"] == ("list", "'Danh mục'!$D$2:$D$3")  # Giới tính
    assert kinds["C4"] == ("whole", "1900")
    guide = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "10/03/2025" in guide and "200 đại biểu" in guide and "70%" in guide
    assert delegates.page_setup.paperSize == 9


def test_summary_campaign_template_lists_its_indicator_catalogue(tmp_path):
    run_cli("templates", "--campaign", "dien-bien-tong-ket-2020", "--out", str(tmp_path))
    book = openpyxl.load_workbook(tmp_path / "mau-dien-bien-tong-ket-2020.xlsx")
    assert "Đại biểu" not in book.sheetnames and "Đăng ký thi đua" in book.sheetnames
    sheet = book["Kết quả thi đua"]
    assert [sheet.cell(row, 1).value for row in range(4, 7)] == ["SK", "GTLL", "CTGB"]
    assert sheet["A4"].protection.locked and not sheet["D4"].protection.locked


@pytest.fixture
def unit_template(tmp_path, make_registry):
    """C01's own template, generated from the registry, as it would be sent to the unit."""
    registry = make_registry(["C01", "C02"], folder="registry")
    out = tmp_path / "mau"
    code, stdout, _ = run_cli("templates", "--units", str(registry), "--out", str(out))
    assert code == 0, stdout
    assert sorted(p.name for p in out.iterdir()) == ["C01 - CĐCS C01.xlsx", "C02 - CĐCS C02.xlsx"]
    return out / "C01 - CĐCS C01.xlsx", registry


def fill(path: Path, target: Path, **overrides: object) -> Path:
    """Fill a template with openpyxl as a unit would; `overrides` maps "Sheet!A1" to a value
    written over the valid one (pasting bypasses drop-downs)."""
    book = openpyxl.load_workbook(path)
    info = book["Thông tin đơn vị"]
    values = {"Số đoàn viên": 120, "Hình thức hội nghị": "Hội nghị toàn thể",
              "Ngày tổ chức hội nghị": dt.datetime(2025, 3, 5), "Xếp loại":
              "Hoàn thành tốt nhiệm vụ", "Ngày gửi báo cáo": dt.datetime(2025, 3, 12),
              "Người lập biểu": "Trần Thị Hoa", "Email": "c01@cdcs.vn"}
    for row in range(1, info.max_row + 1):
        label = info.cell(row, 1).value
        if label in values:
            info.cell(row, 2).value = values[label]
    delegates = book["Đại biểu"]
    people = [("Nguyễn Văn An", 1980, "Nam", "x", "x"), ("Lò Thị Bình", 1990, "Nữ", None, None),
              ("Vàng A Chử", 1985, "Nam", None, "x")]
    header = {delegates.cell(3, col).value: col for col in range(1, delegates.max_column + 1)}
    for offset, (name, year, gender, presidium, soldier) in enumerate(people):
        row = 4 + offset
        for column, value in (("Họ và tên", name), ("Năm sinh", year), ("Giới tính", gender),
                              ("Dân tộc", "Kinh" if offset == 0 else "Thái"),
                              ("Loại đại biểu", "Điển hình tiên tiến"),
                              ("Đoàn Chủ tịch", "x"), ("Chiến sĩ thi đua", soldier),
                              ("Đảng viên", presidium)):
            delegates.cell(row, header[column]).value = value
    nominations = book["Đề nghị khen thưởng"]
    for col, value in enumerate(("Cá nhân", "Nguyễn Văn An", 1980, "Nam", "Tổ trưởng",
                                 "Người trực tiếp lao động, công tác", "Giấy khen", 1), start=2):
        nominations.cell(4, col).value = value
    for ref, value in overrides.items():
        sheet, cell = ref.split("!")
        book[sheet][cell].value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def test_unit_template_is_prefilled_and_locked(unit_template):
    path, _ = unit_template
    book = openpyxl.load_workbook(path)
    info = book["Thông tin đơn vị"]
    assert [info.cell(row, 2).value for row in (3, 4, 5, 6)] == [
        "C01", "CĐCS C01", "Công đoàn cơ sở", "ROOT"]
    assert info["B3"].protection.locked and not info["B7"].protection.locked
    guide = " ".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "C01 – CĐCS C01" in guide and "Đại biểu dự hội nghị cấp trên: 87" in guide


def test_filled_template_runs_without_errors(unit_template, tmp_path):
    path, registry = unit_template
    inbox = tmp_path / "inbox"
    fill(path, inbox / "C01.xlsx")
    out = tmp_path / "out"
    code, stdout, _ = run_cli(str(inbox), "--units", str(registry), "--out", str(out),
                              "--as-of", "2025-03-12")
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == [] and code == 0, stdout
    assert report["units"]["C01"]["delegates"] == 3 and report["units"]["C01"]["nominations"] == 1
    assert not [f for f in report["findings"] if f["code"] == "EXTRA_COLUMN"]


@pytest.mark.slow  # a template filled and read per case (12 cases)
@pytest.mark.parametrize(("cell", "value", "column"), [
    ("Đại biểu!D5", "Khác", "Giới tính"),
    ("Đại biểu!H4", "Đại biểu chính thức", "Loại đại biểu"),
    ("Đại biểu!G5", "có lẽ", "Đảng viên"),
    ("Đại biểu!C6", 1850, "Năm sinh"),
    ("Đề nghị khen thưởng!G4", "Cán bộ", "Phân loại đối tượng"),
    ("Đề nghị khen thưởng!H4", "Huân chương Lao động", "Hình thức khen thưởng"),
    ("Đề nghị khen thưởng!B4", "Hộ gia đình", "Đối tượng"),
    ("Thông tin đơn vị!B9", "Xuất sắc", "Xếp loại"),
    ("Thông tin đơn vị!B10", "Hội nghị trực tuyến", "Hình thức hội nghị"),
    ("Thông tin đơn vị!B11", "32/13/2025", "Ngày tổ chức hội nghị"),
    ("Thông tin đơn vị!B5", "Cấp xã", "Cấp đơn vị"),
])
def test_each_bypassed_dropdown_gives_its_schema_finding(unit_template, tmp_path, cell, value,
                                                         column):
    path, registry = unit_template
    inbox = tmp_path / "inbox"
    fill(path, inbox / "C01.xlsx", **{cell: value})
    out = tmp_path / "out"
    run_cli(str(inbox), "--units", str(registry), "--out", str(out), "--as-of", "2025-03-12")
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    schema = [f for f in report["findings"] if f["code"] == "SCHEMA"]
    sheet, ref = cell.split("!")
    assert [(f["sheet"], f["column"], f["row"]) for f in schema] == [
        (sheet, column, int(ref[1:]))]


@pytest.mark.slow  # LibreOffice opens the templates
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed on this machine")
def test_templates_open_in_libreoffice_without_repair(tmp_path):
    shutil.copy(COMMITTED, tmp_path / "mau.xlsx")
    result = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir",
                             str(tmp_path), str(tmp_path / "mau.xlsx")],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mau.pdf").stat().st_size > 0
