"""Real inboxes: legacy formats and encodings, unreadable and hostile files, nothing lost.

Everything goes through the real command; outputs are read back, never compared by bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from excel_pipeline.campaign import ReadLimits
from excel_pipeline.ingest.legacy_fonts import font_encoding
from excel_pipeline.ingest.legacy_text import convert
from excel_pipeline.ingest.screen import Refused, screen
from excel_pipeline.write import workbook as workbook_module
from tests.conftest import delegate
from tests.legacy_books import (
    FIXTURES,
    TCVN3_GENDERS,
    TCVN3_NAMES,
    TCVN3_TITLE,
    TCVN3_UNIT_NAME,
    VNI_POSITIONS,
    legacy_font_workbook,
    libreoffice_files,
)
from tests.test_end_to_end import run_cli, sheet_rows

HAS_SOFFICE = shutil.which("soffice") is not None


def merged(inbox: Path, out: Path, *args: str) -> tuple[int, dict]:
    code, _, stderr = run_cli(str(inbox), "--out", str(out), "--as-of", "2025-03-31", *args)
    assert code in (0, 1), stderr
    return code, json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))


def by_path(report: dict) -> dict[str, dict]:
    return {item["path"]: item for item in report["files"]}


def findings_of(report: dict, code: str) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == code]


# --- Legacy encodings -----------------------------------------------------------------------

@pytest.mark.parametrize(("legacy", "encoding", "upper", "unicode"), [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "TCVN3", False, "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "TCVN3", False, "Độc lập - Tự do - Hạnh phúc"),
    ("céng hoµ x· héi chñ nghÜa viÖt nam", "TCVN3", True, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI", False,
     "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "VNI", False, "Độc lập - Tự do - Hạnh phúc"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "VNI", False,
     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Tæng Liªn ®oµn Lao ®éng ViÖt Nam", "TCVN3", False, "Tổng Liên đoàn Lao động Việt Nam"),
    ("Chieán só thi ñua cô sôû", "VNI", False, "Chiến sĩ thi đua cơ sở"),
])
def test_known_phrases_convert_to_nfc(legacy, encoding, upper, unicode):
    result = convert(legacy, encoding, upper)
    assert result == unicode
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize("text", ["Nguyễn Văn An", "Trần Thị Bình", "Kinh", "x", "1985"])
def test_text_already_in_unicode_is_left_alone(text):
    assert convert(text, "TCVN3") == text
    assert convert(text, "VNI") == text


@pytest.mark.parametrize(("font", "expected"), [
    (".VnTime", ("TCVN3", False)), (".VnTimeH", ("TCVN3", True)), (".VnArialH", ("TCVN3", True)),
    ("VNI-Times", ("VNI", False)), ("vni-helve", ("VNI", False)), ("Times New Roman", None),
    ("Calibri", None), (None, None),
])
def test_encoding_is_read_from_the_font_name(font, expected):
    assert font_encoding(font) == expected


def test_legacy_font_cells_are_converted_and_reported(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    legacy_font_workbook(inbox / "C13.xlsx")
    _, report = merged(inbox, tmp_path / "out")
    assert report["rows"]["delegates"]["accepted"] == 3
    rows = sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Đại biểu")
    assert [r["Họ và tên"] for r in rows] == [name for _, name in TCVN3_NAMES]
    assert [r["Giới tính"] for r in rows] == [g for _, g in TCVN3_GENDERS]
    assert [r["Chức vụ, đơn vị công tác"] for r in rows] == [p for _, p in VNI_POSITIONS]
    assert {r["Tên đơn vị"] for r in rows} == {TCVN3_UNIT_NAME[1]}
    notes = {f["sheet"]: f for f in findings_of(report, "LEGACY_ENCODING")}
    assert set(notes) == {"Thông tin đơn vị", "Đại biểu"}
    assert all(f["severity"] == "info" and f["file"] == "C13.xlsx" for f in notes.values())
    # the title row (.VnTimeH), 3 names and 1 "N÷" in TCVN3, 3 positions in VNI
    assert "8 ô" in notes["Đại biểu"]["message"] and "VNI" in notes["Đại biểu"]["message"]
    assert TCVN3_TITLE[1] in notes["Đại biểu"]["message"]


def test_rich_text_runs_convert_by_their_own_font(tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    (tmp_path / "inbox").mkdir()
    path = legacy_font_workbook(tmp_path / "inbox" / "C13.xlsx")
    book = openpyxl.load_workbook(path, rich_text=True)
    book["Đại biểu"]["B4"] = CellRichText([TextBlock(InlineFont(rFont=".VnTime"), "NguyÔn"),
                                           " Văn An"])
    book.save(path)
    merged(tmp_path / "inbox", tmp_path / "out")
    names = [r["Họ và tên"] for r in sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Đại biểu")]
    assert names[0] == "Nguyễn Văn An"


def test_decomposed_file_names_and_text_are_normalised(tmp_path, make_unit):
    nfd_name = unicodedata.normalize("NFD", "Đại biểu C01.xlsx")
    make_unit("C01", [delegate(unicodedata.normalize("NFD", "Nguyễn Thị Hoà"),
                               gender=unicodedata.normalize("NFD", "Nữ"))], name=nfd_name)
    _, report = merged(tmp_path / "inbox", tmp_path / "out")
    assert [f["path"] for f in report["files"]] == ["Đại biểu C01.xlsx"]
    assert report["rows"]["delegates"]["accepted"] == 1
    [row] = sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Đại biểu")
    assert row["Họ và tên"] == "Nguyễn Thị Hoà" and row["Giới tính"] == "Nữ"
    assert unicodedata.is_normalized("NFC", row["Tệp nguồn"])


# --- Formats: .xls and .ods written by LibreOffice -------------------------------------------

def _check_libreoffice_inbox(files: list[Path], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in files:
        shutil.copy(path, inbox / path.name)
    _, report = merged(inbox, tmp_path / "out")
    assert {p: f["status"] for p, f in by_path(report).items()} == {
        "C11.xls": "accepted", "C12.ods": "accepted", "C13.xls": "accepted"}
    assert report["units"]["C11"]["delegates"] == 2
    assert report["units"]["C12"]["delegates"] == 3
    assert report["units"]["C13"]["delegates"] == 3
    rows = sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Đại biểu")
    c13 = [r for r in rows if r["Mã đơn vị"] == "C13"]
    assert [r["Họ và tên"] for r in c13] == [name for _, name in TCVN3_NAMES]
    assert [r["Chức vụ, đơn vị công tác"] for r in c13] == [p for _, p in VNI_POSITIONS]
    assert {f["file"] for f in findings_of(report, "LEGACY_ENCODING")} == {"C13.xls"}
    assert not findings_of(report, "SCHEMA") and not findings_of(report, "UNREADABLE_FILE")


def test_committed_libreoffice_files_are_read(tmp_path):
    _check_libreoffice_inbox(sorted(FIXTURES.iterdir()), tmp_path)


@pytest.mark.slow  # LibreOffice saves the files
@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_files_freshly_written_by_libreoffice_are_read(tmp_path):
    _check_libreoffice_inbox(libreoffice_files(tmp_path / "lo"), tmp_path)


# --- Unreadable, hostile and skipped files ----------------------------------------------------

def _encrypted(source: Path) -> bytes:
    out = io.BytesIO()
    with source.open("rb") as handle:
        OOXMLFile(handle).encrypt("mat-khau", out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _far_cell_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "Họ và tên"
    book.active["XFD1048576"] = "x"
    book.save(path)


def test_each_unreadable_file_gets_one_actionable_finding(tmp_path, make_unit):
    good = make_unit("C01")
    inbox = good.parent
    (inbox / "mat-khau.xlsx").write_bytes(_encrypted(good))
    (inbox / "cat-cut.xlsx").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (inbox / "rong.xlsx").write_bytes(b"")
    (inbox / "trang-web.xls").write_bytes(b"<html><body><table><tr><td>1</td></tr></table>")
    (inbox / "van-ban.xlsx").write_bytes(_zip({"word/document.xml": b"<w:document/>",
                                               "[Content_Types].xml": b"<Types/>"}))
    (inbox / "bom.xlsx").write_bytes(_zip({"xl/workbook.xml": b"<workbook/>",
                                           "xl/worksheets/sheet1.xml": b"<" * 8_000_000}))
    _far_cell_workbook(inbox / "qua-lon.xlsx")
    book = openpyxl.Workbook()
    book.active["A1"] = "Bảng lương tháng 3"
    book.save(inbox / "khac-mau.xlsx")
    _, report = merged(inbox, tmp_path / "out")
    unreadable = {f["file"]: f["message"] for f in findings_of(report, "UNREADABLE_FILE")}
    assert sorted(unreadable) == ["bom.xlsx", "cat-cut.xlsx", "khac-mau.xlsx", "mat-khau.xlsx",
                                  "qua-lon.xlsx", "rong.xlsx", "trang-web.xls", "van-ban.xlsx"]
    assert len(findings_of(report, "UNREADABLE_FILE")) == 8
    assert "mật khẩu" in unreadable["mat-khau.xlsx"]
    assert "cắt cụt" in unreadable["cat-cut.xlsx"]
    assert "rỗng" in unreadable["rong.xlsx"]
    assert "trang web" in unreadable["trang-web.xls"]
    assert "Word" in unreadable["van-ban.xlsx"]
    assert "bom giải nén" in unreadable["bom.xlsx"]
    assert "XFD1048576" in unreadable["qua-lon.xlsx"]
    assert "Không nhận ra trang tính" in unreadable["khac-mau.xlsx"]
    files = by_path(report)
    assert files["C01.xlsx"]["status"] == "accepted"
    assert all(files[name]["status"] == "rejected" and files[name]["reason"]
               for name in unreadable)


def test_owner_hidden_and_other_files_are_listed_not_reported(tmp_path, make_unit):
    good = make_unit("C01")
    inbox = good.parent
    (inbox / "~$C01.xlsx").write_bytes(b"owner")
    (inbox / ".DS_Store").write_bytes(b"\x00")
    (inbox / "cong-van.pdf").write_bytes(b"%PDF-1.4")
    (inbox / "ghi-chu.docx").write_bytes(b"PK")
    os.mkfifo(inbox / "ong.xlsx")  # a named pipe would block a reader forever
    (inbox / "vong").symlink_to(inbox, target_is_directory=True)
    (inbox / "hong.xlsx").symlink_to(inbox / "khong-co.xlsx")
    _, report = merged(inbox, tmp_path / "out")
    statuses = {p: f["status"] for p, f in by_path(report).items()}
    assert statuses == {"C01.xlsx": "accepted", "~$C01.xlsx": "skipped", ".DS_Store": "skipped",
                        "cong-van.pdf": "skipped", "ghi-chu.docx": "skipped",
                        "ong.xlsx": "skipped", "vong": "skipped", "hong.xlsx": "skipped"}
    assert not findings_of(report, "UNREADABLE_FILE")
    sources = {r["Tệp"]: r for r in sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Nguồn")}
    assert set(sources) == set(statuses)
    assert all(sources[p]["Lý do / ghi chú"] for p, s in statuses.items() if s == "skipped")


def test_read_limits_are_configurable_in_the_campaign_file(tmp_path, make_unit):
    make_unit("C01")
    config = tmp_path / "dot.toml"
    preset = (Path(__file__).parent.parent / "excel_pipeline" / "presets" / "bau-bang-2025.toml")
    config.write_text(preset.read_text(encoding="utf-8") + "\n[limits]\nmax_entries = 3\n",
                      encoding="utf-8")
    _, report = merged(tmp_path / "inbox", tmp_path / "out", "--campaign", str(config))
    [finding] = findings_of(report, "UNREADABLE_FILE")
    assert "thành phần nén" in finding["message"] and "giới hạn 3" in finding["message"]


def test_zip_directory_is_checked_before_anything_is_inflated():
    declared_huge = _zip({"xl/workbook.xml": b"<workbook/>",
                          "xl/worksheets/sheet1.xml": b"0" * 3_000_000})
    with pytest.raises(Refused, match="giải nén ra"):
        screen(declared_huge, ReadLimits(max_unpacked_mb=2))
    with pytest.raises(Refused, match="bom giải nén"):
        screen(declared_huge, ReadLimits(max_ratio=100))
    assert screen(declared_huge, ReadLimits(max_ratio=10_000)) == "xlsx"


def test_formula_looking_text_is_written_as_text(tmp_path, make_unit):
    texts = ["=1+1", "+84 912 345 678", "-Nguyễn", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]
    make_unit("C01", [delegate(text) for text in texts])
    merged(tmp_path / "inbox", tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "tong-hop.xlsx")
    assert not [cell.coordinate for sheet in book for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    names = [r["Họ và tên"] for r in sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Đại biểu")]
    assert sorted(names) == sorted(texts)


# --- Output limits ------------------------------------------------------------------------

def test_rows_beyond_one_sheet_continue_on_numbered_sheets(tmp_path, make_unit, monkeypatch):
    monkeypatch.setattr(workbook_module, "SHEET_ROWS", 4)  # 3 data rows per sheet
    make_unit("C01", [delegate(f"Người {i}") for i in range(8)])
    merged(tmp_path / "inbox", tmp_path / "out")
    path = tmp_path / "out" / "tong-hop.xlsx"
    names = openpyxl.load_workbook(path).sheetnames
    assert names[names.index("Đại biểu"):names.index("Đại biểu") + 3] == [
        "Đại biểu", "Đại biểu (2)", "Đại biểu (3)"]
    parts = [sheet_rows(path, name) for name in ("Đại biểu", "Đại biểu (2)", "Đại biểu (3)")]
    assert [len(part) for part in parts] == [3, 3, 2]
    assert [r["Họ và tên"] for part in parts for r in part] == [f"Người {i}" for i in range(8)]


def _replace_shared_string(path: Path, old: str, new: str) -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        f">{old}<".encode(), f">{new}<".encode())
    path.write_bytes(_zip(parts))


def test_text_longer_than_a_cell_is_cut_with_a_finding(tmp_path, make_unit):
    long_text = "Thành tích " + "x" * 40_000  # Excel and openpyxl cut; a hand-made file need not
    path = make_unit("C01", [delegate("An", achievements="ngắn")])
    _replace_shared_string(path, "ngắn", long_text)
    _, report = merged(tmp_path / "inbox", tmp_path / "out")
    [finding] = findings_of(report, "TEXT_TRUNCATED")
    assert finding["row"] == 4 and finding["column"] == "Thành tích tiêu biểu"
    assert report["rows"]["delegates"]["accepted"] == 1
    [row] = sheet_rows(tmp_path / "out" / "tong-hop.xlsx", "Đại biểu")
    assert row["Thành tích tiêu biểu"] == long_text[:32_767]


# --- Nothing lost ------------------------------------------------------------------------

def _sha256s(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.mark.slow  # a whole run on a large mixed inbox
def test_mixed_inbox_accounts_for_every_row_and_changes_no_file(tmp_path, make_unit,
                                                               make_registry):
    make_registry(["C01", "C02", "C03", "C11", "C12", "C13"])
    make_unit("C01", [delegate("An"), delegate("Bình", birth_year=1885), delegate("Chi")])
    make_unit("C02", [delegate("Dũng")], name="C02-cu.xlsx",
              submitted_on=dt.date(2025, 3, 1))
    make_unit("C02", [delegate("Dũng"), delegate("Giang")], name="C02-moi.xlsx")
    make_unit("C09", [delegate("Hà"), delegate("Khánh")])  # not in the registry
    inbox = tmp_path / "inbox"
    for path in sorted(FIXTURES.iterdir()):
        shutil.copy(path, inbox / path.name)
    (inbox / "mat-khau.xlsx").write_bytes(_encrypted(inbox / "C01.xlsx"))
    (inbox / "~$C01.xlsx").write_bytes(b"owner")
    (inbox / "cong-van.pdf").write_bytes(b"%PDF-1.4")
    before = _sha256s(inbox)

    _, report = merged(inbox, tmp_path / "out")

    assert _sha256s(inbox) == before
    files = by_path(report)
    assert set(files) == set(before)
    for path, item in files.items():
        if item["status"] != "skipped":
            assert item["sha256"] == before[path]
        if item["status"] in ("rejected", "skipped", "superseded"):
            assert item["reason"]
    delegates = report["rows"]["delegates"]
    # written: C01 3 + C02 1 + 2 + C09 2 + C11 2 + C12 3 + C13 3 = 16 rows
    assert delegates["read"] == 16
    assert delegates == {"read": 16, "accepted": 2 + 2 + 2 + 3 + 3, "rejected": 1 + 2,
                         "superseded": 1, "not_considered": 0}
    out = tmp_path / "out" / "tong-hop.xlsx"
    assert len(sheet_rows(out, "Đại biểu")) == delegates["accepted"]
    rejected = [r for r in sheet_rows(out, "Lỗi dữ liệu") if r["Loại dữ liệu"] == "Đại biểu"]
    assert len(rejected) == delegates["rejected"] and all(r["Lý do"] for r in rejected)
    superseded = [r for r in sheet_rows(out, "Bị thay thế") if r["Loại dữ liệu"] == "Đại biểu"]
    assert [(r["Tệp"], r["Dòng"]) for r in superseded] == [("C02-cu.xlsx", 4)]


def test_a_sheet_without_dimension_is_measured_from_its_cells(tmp_path):
    path = tmp_path / "far.xlsx"
    _far_cell_workbook(path)
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(rb"<dimension[^>]*/>", b"", parts[sheet])
    assert b"<dimension" not in parts[sheet]
    with pytest.raises(Refused, match="XFD1048576"):
        screen(_zip(parts))
