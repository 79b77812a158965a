"""Generated templates: drop-downs, validation, protection, pre-filled unit copies, and a round
trip through the real command."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.campaign import Campaign, load_campaign, preset_ids
from excel_pipeline.cli import main
from excel_pipeline.write.templates import REGISTRY_TEMPLATE, closed_lists
from tests.conftest import REPO
from tests.test_end_to_end import run_cli

TEMPLATES = REPO / "input_templates"
COMMITTED = TEMPLATES / "mau-bau-bang-2025.xlsx"


def _style(cell: Any) -> tuple[object, ...]:
    """What a cell's look promises on screen and on paper."""
    return (cell.font.name, cell.font.sz, cell.font.b, cell.alignment.wrap_text,
            cell.alignment.horizontal, cell.alignment.vertical, cell.border.left.style,
            cell.border.bottom.style, cell.fill.fgColor.rgb, cell.number_format,
            cell.protection.locked)


def describe(path: Path) -> dict[str, object]:
    """Everything a template promises, cell by cell: values, looks, row heights and column
    widths, merged cells, validations, protection, sheet states and print settings."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book:
        setup = sheet.page_setup
        sheets[sheet.title] = {
            "cells": {cell.coordinate: (cell.value, _style(cell)) for row in sheet.iter_rows()
                      for cell in row if cell.has_style or cell.value is not None},
            "rows": {index: dim.height for index, dim in sheet.row_dimensions.items()
                     if dim.height is not None},
            "columns": {key: dim.width for key, dim in sheet.column_dimensions.items()},
            "merged": sorted(str(merged) for merged in sheet.merged_cells.ranges),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.promptTitle,
                                   v.prompt, v.errorTitle, v.error)
                                  for v in sheet.data_validations.dataValidation),
            "protected": sheet.protection.sheet,
            "state": sheet.sheet_state,
            "freeze": sheet.freeze_panes,
            "print": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                      sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.print_title_rows,
                      sheet.oddHeader.left.text, sheet.oddFooter.center.text,
                      sheet.page_margins.left, sheet.page_margins.top),
        }
    return {"sheets": book.sheetnames, "content": sheets}


@pytest.mark.slow
def test_committed_templates_match_a_fresh_generation(tmp_path):
    # Regenerated from the presets as they are now: a preset changed, added or removed without
    # running the command below leaves input_templates/ stale, and this fails.
    code, stdout, _ = run_cli("templates", "--all", "--out", str(tmp_path))
    assert code == 0, stdout
    fresh = sorted(path.name for path in tmp_path.glob("*.xlsx"))
    assert fresh == sorted(path.name for path in TEMPLATES.glob("*.xlsx")), (
        "input_templates/ is stale: run `dhtt-merge templates --all --out input_templates`")
    assert fresh == sorted([f"mau-{preset}.xlsx" for preset in preset_ids()]
                           + ["mau-danh-muc-don-vi.xlsx"])
    for name in fresh:
        assert describe(tmp_path / name) == describe(TEMPLATES / name), (
            f"input_templates/{name} is stale: run "
            "`dhtt-merge templates --all --out input_templates` and commit the result")


def test_templates_all_refuses_a_campaign_or_a_registry(tmp_path, make_registry):
    for extra in (["--campaign", "lai-chau-2015"], ["--units", str(make_registry(["C01"]))]):
        result = CliRunner().invoke(main, ["templates", "--all", *extra, "--out",
                                           str(tmp_path / "mau")])
        assert result.exit_code == 2 and "--all" in result.stderr, result.output
        assert not (tmp_path / "mau").exists()


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
    guide = " ".join(str(c.value) for row in book["Hướng dẫn"].iter_rows() for c in row
                     if c.value)
    assert "10/03/2025" in guide and "200 đại biểu" in guide and "70%" in guide
    assert delegates.page_setup.paperSize == 9


def test_code_lists_are_hidden_and_still_feed_every_dropdown():
    for path in sorted(TEMPLATES.glob("mau-*.xlsx")):
        if path.name == REGISTRY_TEMPLATE:
            continue
        book = openpyxl.load_workbook(path)
        lists = book["Danh mục"]
        assert lists.sheet_state == "hidden", path.name
        assert book.active.title == "Hướng dẫn"
        expected = closed_lists(load_campaign(path.stem.removeprefix("mau-")))
        checked = 0
        for sheet in book:
            for rule in sheet.data_validations.dataValidation:
                if rule.type != "list":
                    continue
                target, cells = rule.formula1.split("!")
                assert target == "'Danh mục'", (path.name, sheet.title, str(rule.sqref))
                block = lists[cells.replace("$", "")]
                header = lists.cell(1, block[0][0].column).value
                assert [row[0].value for row in block] == list(expected[header]), (
                    path.name, sheet.title, str(rule.sqref))
                checked += 1
        assert checked >= 8, path.name  # every closed column of every sheet


def _rule_rows(path: Path) -> list[str]:
    """The guide's rule rows (a title, then its sentence), as «title: sentence»."""
    sheet = openpyxl.load_workbook(path)["Hướng dẫn"]
    return [f"{row[0].value}: {row[1].value}" for row in sheet.iter_rows(max_col=2)
            if row[0].value and row[1].value]


def _expected_rules(campaign: Campaign) -> list[tuple[str, ...]]:
    """Every rule the campaign sets, as the words one line must carry: its level's name, the
    numbers and dates it sets, the forms it names (spelled as the campaign file spells them)."""
    def day(value: dt.date) -> str:
        return value.strftime("%d/%m/%Y")

    def pct(share: float) -> str:
        return f"{share * 100:.0f}%"

    expected: list[tuple[str, ...]] = []
    for level in campaign.levels:
        if level.delegate_cap is not None:
            expected.append((level.name, str(level.delegate_cap), "đại biểu"))
        for date in (level.conference_start, level.conference_end):
            if date:
                expected.append((level.name, "hội nghị", day(date)))
        if level.dossier_deadline:
            expected.append((level.name, "hồ sơ", day(level.dossier_deadline)))
        if level.presidium_min is not None or level.presidium_max is not None:
            expected.append((level.name, "Đoàn Chủ tịch", *(
                str(n) for n in (level.presidium_min, level.presidium_max) if n is not None)))
        if (level.presidium_emulation_min is not None
                or level.presidium_emulation_max is not None):
            expected.append((level.name, "Chiến sĩ thi đua", *(
                str(n) for n in (level.presidium_emulation_min, level.presidium_emulation_max)
                if n is not None)))
        if level.conference_seats is not None:
            expected.append((level.name, str(level.conference_seats), *(
                [str(level.conference_reserved)] if level.conference_reserved else [])))
    if campaign.plenary_threshold:
        expected.append(("toàn thể", str(campaign.plenary_threshold)))
    if campaign.exemplary_share:
        expected.append(("điển hình tiên tiến", pct(campaign.exemplary_share)))
    if campaign.leader_share:
        expected.append(("lãnh đạo", pct(campaign.leader_share)))
    if campaign.collective_share:
        expected.append(("tập thể", pct(campaign.collective_share)))
    for form, count in campaign.reports_required.items():
        expected.append(("báo cáo thành tích", f"«{form}»", str(count)))
    if campaign.late_nominations_not_considered:
        expected.append(("muộn", "Không xét khen thưởng"))
    if campaign.registration_deadline:
        expected.append(("Đăng ký", day(campaign.registration_deadline)))
    if campaign.plans_deadline:
        expected.append(("kế hoạch", day(campaign.plans_deadline)))
    for chain in campaign.chains:
        expected.append((f"«{chain.form}»", *(f"«{need}»" for need in chain.needs)))
    if campaign.allocation.seats is not None:
        reserved = campaign.allocation.reserved
        expected.append(("chỉ tiêu", str(campaign.allocation.seats),
                         *([str(reserved)] if reserved else [])))
    for form, quota in campaign.allocation.quotas.items():
        expected.append((f"«{form}»", str(quota), "chỉ tiêu"))
    return expected


def _carries(line: str, words: tuple[str, ...]) -> bool:
    """The line holds every word; a number as a number of its own (5 is not in 15/03/2025)."""
    lowered = line.lower()
    for word in words:
        if word.isdigit():
            if not re.search(rf"(?<![\d/,]){word}(?![\d/,])", line):
                return False
        elif word.lower() not in lowered:
            return False
    return True


# A campaign file setting what no preset sets today: award quotas, a chain over consecutive
# years, a level's own conference seats, a deadline for plans.
_EXTRA_RULES = """
id = "quy-dinh-them"
name = "Đợt thử mọi quy định"
document = "Kế hoạch thử"
plans_deadline = 2024-11-30
leader_share = 0.15
[[levels]]
id = "tinh"
name = "Liên đoàn Lao động tỉnh"
submits = false
conference_seats = 140
conference_reserved = 35
[[levels]]
id = "cdcs"
name = "Công đoàn cơ sở"
delegate_cap = 120
conference_start = 2025-01-02
presidium_min = 3
[[chains]]
form = "Bằng khen TLĐ"
needs = ["Chiến sĩ thi đua cơ sở", "Tập thể lao động xuất sắc"]
years = "consecutive"
count = 2
source = "Thử"
[allocation]
seats = 60
reserved = 4
quotas = {"Giấy khen" = 12, "Bằng khen LĐLĐ tỉnh" = 7}
"""


@pytest.mark.parametrize("spec", [*preset_ids(), "extra"])
def test_every_rule_of_a_campaign_is_in_its_guide_and_in_the_campaigns_command(spec, tmp_path):
    if spec == "extra":
        spec = str(tmp_path / "quy-dinh-them.toml")
        Path(spec).write_text(_EXTRA_RULES, encoding="utf-8")
    campaign = load_campaign(spec)
    expected = _expected_rules(campaign)
    assert expected, spec
    code, stdout, _ = run_cli("templates", "--campaign", spec, "--out", str(tmp_path / "mau"))
    assert code == 0, stdout
    guide = _rule_rows(tmp_path / "mau" / f"mau-{campaign.id}.xlsx")
    shown = CliRunner().invoke(main, ["campaigns", spec])
    assert shown.exit_code == 0, shown.output
    listed = [line.removeprefix("• ") for line in shown.stdout.splitlines()
              if line.startswith("• ")]
    # One catalogue: the guide says exactly what the command says, in the same order.
    assert guide == listed
    for words in expected:
        assert any(_carries(line, words) for line in guide), (spec, words, guide)


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


@pytest.mark.slow
def test_filled_registry_template_gives_each_unit_its_template(tmp_path):
    """The blank registry, filled as an office fills it (the Cấp of one unit left blank), is
    read by --units: each unit below the root gets its own pre-filled template."""
    book = openpyxl.load_workbook(TEMPLATES / REGISTRY_TEMPLATE)
    assert book.sheetnames == ["Hướng dẫn", "Danh mục đơn vị"]
    sheet = book["Danh mục đơn vị"]
    header = {sheet.cell(3, col).value: col for col in range(1, sheet.max_column + 1)}
    units = [("ROOT", "LĐLĐ huyện thử", "Liên đoàn Lao động huyện", None, None),
             ("C01", "CĐCS Công ty A", "Công đoàn cơ sở", "ROOT", 320),
             ("C02", "CĐCS Trường B", None, "ROOT", 45)]
    for row, values in enumerate(units, start=4):
        for column, value in zip(("Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên",
                                  "Số đoàn viên"), values, strict=True):
            sheet.cell(row, header[column]).value = value
    registry = tmp_path / "danh-muc.xlsx"
    book.save(registry)
    code, stdout, _ = run_cli("templates", "--units", str(registry), "--out", str(tmp_path / "m"))
    assert code == 0, stdout
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "C01 - CĐCS Công ty A.xlsx", "C02 - CĐCS Trường B.xlsx"]
    info = openpyxl.load_workbook(tmp_path / "m" / "C02 - CĐCS Trường B.xlsx")["Thông tin đơn vị"]
    assert [info.cell(row, 2).value for row in (3, 4, 5, 6)] == [
        "C02", "CĐCS Trường B", "Công đoàn cơ sở", "ROOT"]


@pytest.mark.slow
def test_a_registry_filled_in_place_is_never_overwritten(tmp_path):
    out = tmp_path / "mau"
    assert run_cli("templates", "--out", str(out))[0] == 0
    book = openpyxl.load_workbook(out / REGISTRY_TEMPLATE)
    book["Danh mục đơn vị"]["A4"] = "C01"
    book.save(out / REGISTRY_TEMPLATE)
    for args in (["templates", "--out", str(out)], ["templates", "--all", "--out", str(out)]):
        code, stdout, _ = run_cli(*args)
        assert code == 0 and "Giữ nguyên" in stdout, stdout
        assert openpyxl.load_workbook(out / REGISTRY_TEMPLATE)["Danh mục đơn vị"]["A4"].value \
            == "C01"
    assert (out / "mau-lai-chau-2015.xlsx").is_file()
