"""Numbers as people write them: years and codes without thousands separators, counts as
integers, Vietnamese decimals in text, dates dd/mm/yyyy."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main


@pytest.mark.slow  # a whole run over many values
def test_years_counts_shares_and_dates_look_as_offices_write_them(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--out", str(out), "--as-of", "31/03/2025",
                                       "--feedback", str(tmp_path / "ph")])
    assert result.exit_code == 1
    book = openpyxl.load_workbook(out / "tong-hop.xlsx")
    delegates = book["Đại biểu"]
    header = [cell.value for cell in delegates[1]]
    year = delegates.cell(2, header.index("Năm sinh") + 1)
    assert isinstance(year.value, int) and year.number_format == "0"  # 1968, never 1,968
    summary = book["Tổng hợp"]
    members = summary.cell(2, [c.value for c in summary[1]].index("Số đoàn viên") + 1)
    assert members.number_format == "#,##0"
    shares = next(line for line in result.stdout.splitlines() if line.startswith("Tỷ lệ"))
    assert re.search(r"điển hình tiên tiến \d+,\d%", shares) and "." not in shares
    upward = openpyxl.load_workbook(out / "gui-cap-tren.xlsx")["Đại biểu"]
    assert all(cell.number_format in ("General", "dd/mm/yyyy") for row in upward.iter_rows()
               for cell in row)
    assert "Tính đến ngày: 31/03/2025" in result.stdout


def test_findings_say_what_to_do_and_lead_to_their_rows(tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["--out", str(out), "--as-of", "31/03/2025"]).exit_code == 1
    book = openpyxl.load_workbook(out / "tong-hop.xlsx")
    findings = book["Phát hiện"]
    header = [cell.value for cell in findings[1]]
    at = {title: header.index(title) for title in ("Mã phát hiện", "Ô", "Cách sửa", "Dòng")}
    rows = list(findings.iter_rows(min_row=2))
    year = next(row for row in rows if "19885" in str(row[header.index("Giá trị")].value))
    assert year[at["Cách sửa"]].value == "Ghi năm sinh đủ 4 chữ số, từ 1900 đến 2025."
    link = year[at["Ô"]].hyperlink  # the rejected row, on Lỗi dữ liệu
    sheet, cell = link.location.split("!")
    target = book[sheet.strip("'")][cell.replace("A", "E")]  # column E: the source row
    assert sheet.strip("'") == "Lỗi dữ liệu" and target.value == year[at["Dòng"]].value
    over = next(row for row in rows if row[at["Mã phát hiện"]].value == "ALLOCATION_EXCEEDED")
    sheet, cell = over[at["Ô"]].hyperlink.location.split("!")
    assert sheet.strip("'") == "Đại biểu"
    delegates = book["Đại biểu"]
    titles = [c.value for c in delegates[1]]
    marked = delegates.cell(int(cell[1:]), titles.index("Phát hiện") + 1)
    assert marked.value >= 1  # the row the finding points at carries its count, and is filled
    [rule] = delegates.conditional_formatting
    assert "Phát hiện" not in str(rule.sqref) and rule.rules[0].formula
    assert all(row[at["Cách sửa"]].value for row in rows)
