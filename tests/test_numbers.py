"""Numbers as people write them: years and codes without thousands separators, counts as
integers, Vietnamese decimals in text, dates dd/mm/yyyy."""

from __future__ import annotations

import re

import openpyxl
from click.testing import CliRunner

from excel_pipeline.cli import main


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
