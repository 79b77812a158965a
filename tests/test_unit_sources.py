"""What units send besides the template, through the real command: the consolidated values
(names, years, sexes, flags, units) in tong-hop.xlsx and tong-hop.json, not only the absence of
findings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from tests.test_official_forms import consolidate
from tests.unit_sources import (
    NOMINEES,
    PEOPLE,
    YEARS,
    cp1258_bytes,
    csv_rows,
    delegate_csv_text,
    delegate_workbook,
    list_with_counted_total,
    nomination_list,
    tcvn3_bytes,
    word_delegate_list,
    word_guidance,
)

AS_OF = "2025-03-31"


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
    [missing] = [f for f in report["findings"] if f["code"] == "SCHEMA"]  # not one per row
    assert "Không tìm thấy cột bắt buộc «Hình thức khen thưởng»" in missing["message"]
    assert missing["unit"] == "BB01" and missing["sheet"] == "Sheet1"
    assert report["rows"]["nominations"]["rejected"] == len(NOMINEES)


def registry(path: Path, names: dict[str, str]) -> Path:
    from excel_pipeline.write.submission import write_registry

    units = [{"unit_code": "ROOT", "unit_name": "LĐLĐ huyện Bàu Bàng", "level": "LĐLĐ huyện"}]
    units += [{"unit_code": code, "unit_name": name, "level": "CĐCS", "parent_code": "ROOT",
               "members": 250} for code, name in names.items()]
    return write_registry(path, units)


UNITS = {"BB01": "CĐCS Công ty May Bàu Bàng", "BB02": "CĐCS Công ty CP Gỗ Minh Phát"}
INFO_LINES = [["Mã đơn vị", "BB01"], ["Tên đơn vị", "CĐCS Công ty May Bàu Bàng"], []]


def _write(inbox: Path, program: str) -> None:
    """The same four delegates as `program` writes them, under the name it gives the file."""
    inbox.mkdir(parents=True, exist_ok=True)
    if program == "excel-csv-utf8":  # «CSV UTF-8»: a byte-order mark, commas
        (inbox / "BB01 đại biểu.csv").write_bytes(b"\xef\xbb\xbf" + delegate_csv_text()
                                                  .encode("utf-8"))
    elif program == "google-sheets":  # no mark; the unit is the file's name
        (inbox / "CĐCS Công ty May Bàu Bàng.csv").write_bytes(delegate_csv_text()
                                                              .encode("utf-8"))
    elif program == "excel-unicode-text":  # «Unicode text»: UTF-16 with a mark, tabs, .txt
        (inbox / "BB01.txt").write_bytes(delegate_csv_text("\t").encode("utf-16"))
    elif program == "excel-csv-vietnamese-windows":  # cp1258, combining tones, semicolons
        (inbox / "danh sach.csv").write_bytes(cp1258_bytes(delegate_csv_text(";", INFO_LINES)))
    elif program == "tcvn3-with-companion":  # old-font text; the unit in a file beside it
        folder = inbox / "gui ngay 10-3"
        folder.mkdir()
        (folder / "dai bieu.csv").write_bytes(tcvn3_bytes(delegate_csv_text()))
        (folder / "thong tin don vi.csv").write_bytes(
            csv_rows(INFO_LINES[:2]).encode("utf-8-sig"))


@pytest.mark.parametrize("program", ["excel-csv-utf8", "google-sheets", "excel-unicode-text",
                                     "excel-csv-vietnamese-windows", "tcvn3-with-companion"])
def test_a_csv_list_gives_its_people_to_its_unit(tmp_path, program):
    inbox = tmp_path / "in"
    _write(inbox, program)
    registry(tmp_path / "danh-muc.xlsx", UNITS)
    _, report, book = consolidate(inbox, tmp_path / "out", "--units",
                                  str(tmp_path / "danh-muc.xlsx"))
    people = delegates(book)
    assert [(p["Họ và tên"], p["Năm sinh"], p["Giới tính"], p["Dân tộc"], p["Đảng viên"],
             p["Trực tiếp sản xuất"], p["Loại đại biểu"]) for p in people] == [
        (name, year, sex, ethnicity, party or None, worker or None, "Điển hình tiên tiến")
        for (name, _, sex, ethnicity, _, party, _, worker), year
        in zip(PEOPLE, YEARS, strict=True)]
    assert {p["Mã đơn vị"] for p in people} == {"BB01"}
    lists = [f for f in report["files"] if f["status"] == "accepted" and f["role"] ==
             "submission"]
    assert [f["unit"] for f in lists] == ["BB01"]
    assert not {"SCHEMA", "UNREADABLE_FILE", "MISSING_SHEET", "UNKNOWN_UNIT"} & set(codes(report))
    if program == "tcvn3-with-companion":
        companion = next(f for f in report["files"] if f["path"].endswith("thong tin don vi.csv"))
        assert companion["status"] == "skipped" and "dai bieu.csv" in companion["reason"]
        assert "LEGACY_ENCODING" in codes(report)
    if program == "google-sheets":
        assert "UNIT_MATCHED_BY_NAME" in codes(report)


def test_a_csv_that_is_no_list_of_ours_is_set_aside_with_its_reason(tmp_path):
    inbox = tmp_path / "in"
    list_with_counted_total(inbox / "BB01.xlsx")
    (inbox / "bang-luong.csv").write_bytes(csv_rows([
        ["Mã NV", "Số tài khoản", "Ngân hàng", "Lương"],
        ["NV01", "0123", "Vietcombank", "8.000.000"]]).encode("utf-8"))
    _, report, book = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "bang-luong.csv")
    assert entry["status"] == "skipped" and "không phải danh sách" in entry["reason"]
    assert not [f for f in report["findings"] if f["file"] == "bang-luong.csv"]
    everything = " ".join(str(cell) for sheet in book for row in sheet.iter_rows(
        values_only=True) for cell in row)
    assert "Vietcombank" not in everything


def _people_as_written(book: openpyxl.Workbook) -> list[tuple]:
    return [(p["Họ và tên"], p["Năm sinh"], p["Giới tính"], p["Dân tộc"], p["Đảng viên"],
             p["Loại đại biểu"], p["Mã đơn vị"]) for p in delegates(book)]


EXPECTED_FROM_WORD = [(name, year, sex, ethnicity, party or None, "Điển hình tiên tiến", "BB01")
                      for (name, _, sex, ethnicity, _, party, _, _), year
                      in zip(PEOPLE, YEARS, strict=True)]


def test_a_word_table_gives_its_people_and_the_guidance_letter_stays_quiet(tmp_path):
    inbox = tmp_path / "in"
    word_delegate_list(inbox / "danh sach dai bieu.docx")
    word_guidance(inbox / "huong-dan.docx")
    (inbox / "hong.docx").write_bytes(b"PK")
    _, report, book = consolidate(inbox, tmp_path / "out")
    assert _people_as_written(book) == EXPECTED_FROM_WORD
    files = {f["path"]: f for f in report["files"]}
    assert files["danh sach dai bieu.docx"]["status"] == "accepted"
    assert files["danh sach dai bieu.docx"]["unit"] == "BB01"
    for quiet in ("huong-dan.docx", "hong.docx"):
        assert files[quiet]["status"] == "skipped" and files[quiet]["reason"]
        assert not [f for f in report["findings"] if f["file"] == quiet]
    assert not {"SCHEMA", "TOTAL_MISMATCH", "UNREADABLE_FILE"} & set(codes(report))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_a_word_97_file_is_converted_outside_the_inbox(tmp_path):
    made = word_delegate_list(tmp_path / "made" / "BB01.docx")
    # Word 97 bytes as LibreOffice writes them (by way of .odt: its direct .docx -> .doc export
    # drops python-docx's tables).
    for target, source, folder in (("odt", made, made.parent),
                                   ("doc:MS Word 97", made.with_suffix(".odt"), tmp_path / "in")):
        subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(folder),
                        str(source)], check=True, capture_output=True, timeout=180,
                       env={**os.environ, "HOME": str(tmp_path)})
    before = sorted(p.name for p in (tmp_path / "in").iterdir())
    _, _, book = consolidate(tmp_path / "in", tmp_path / "out")
    assert _people_as_written(book) == EXPECTED_FROM_WORD
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == before


def test_the_same_person_in_two_lists_is_told_and_namesakes_are_not(tmp_path):
    inbox = tmp_path / "in"
    delegate_workbook(inbox / "C01.xlsx", "C01", [
        ("Nguyễn Văn An", 1980, "Nam", "Kinh", "Tổ trưởng tổ may"),
        ("Trần Thị Bình", 1985, "Nữ", "Kinh", "Kế toán"),
        ("Lò Văn Cường", 1979, "Nam", "Thái", "Công nhân"),
        ("Phạm Thị Dung", 1990, "Nữ", None, "Công nhân")])
    delegate_workbook(inbox / "C02.xlsx", "C02", [
        ("NGUYỄN VĂN AN", 1980, "Nam", "kinh", "Phó Chủ tịch CĐCS"),  # the same person
        ("Trần Thị Bình", 1985, "Nam", "Kinh", "Thủ kho"),  # a namesake: the sex differs
        ("Lò Văn Cường", 1979, "Nam", "Mường", "Bảo vệ"),  # a namesake: the ethnicity differs
        ("Phạm Thị Dung", 1990, "Nữ", "Kinh", "Tổ phó")])  # nothing says otherwise
    _, report, _ = consolidate(inbox, tmp_path / "out")
    found = sorted((f["unit"], f["value"]) for f in report["findings"]
                   if f["code"] == "DUPLICATE_PERSON")
    assert found == [("C01", "Nguyễn Văn An"), ("C01", "Phạm Thị Dung"),
                     ("C02", "NGUYỄN VĂN AN"), ("C02", "Phạm Thị Dung")]
    message = next(f["message"] for f in report["findings"] if f["code"] == "DUPLICATE_PERSON"
                   and f["unit"] == "C01" and f["value"] == "Nguyễn Văn An")
    assert "C02 (Phó Chủ tịch CĐCS)" in message and "1980" in message and "Nam" in message


def _campaign_with(tmp_path: Path, extra: str) -> Path:
    from tests.conftest import REPO

    preset = REPO / "excel_pipeline" / "presets" / "bau-bang-2025.toml"
    config = tmp_path / "dot.toml"
    config.write_text(preset.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return config


def test_a_campaign_adds_its_own_headings(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    rows = [["Mã đơn vị", "BB01"], [],
            ["Số", "Tên người dự", "Sinh năm", "Phái", "Diện mời"],
            ["1", "Trần Văn Bình", "1968", "Nam", "Khách mời"],
            ["2", "Lê Thị Cúc", "1975", "Nữ", "Điển hình tiên tiến"]]
    (inbox / "ds.csv").write_bytes(csv_rows(rows).encode("utf-8"))
    without = CliRunner().invoke(main, [str(inbox), "--out", str(tmp_path / "a"),
                                        "--as-of", AS_OF])
    assert without.exit_code in (0, 1)
    report = json.loads((tmp_path / "a" / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["files"][0]["status"] == "skipped"  # «Tên người dự» names no column of ours
    config = _campaign_with(tmp_path, '[headings]\nfull_name = ["Tên người dự"]\n'
                                      'delegate_type = ["Diện mời"]\n')
    _, report, book = consolidate(inbox, tmp_path / "b", "--campaign", str(config))
    assert [(p["Họ và tên"], p["Năm sinh"], p["Giới tính"], p["Loại đại biểu"], p["Mã đơn vị"])
            for p in delegates(book)] == [
        ("Trần Văn Bình", 1968, "Nam", "Khách mời", "BB01"),
        ("Lê Thị Cúc", 1975, "Nữ", "Điển hình tiên tiến", "BB01")]


def test_a_heading_for_no_column_of_ours_is_refused_in_vietnamese(tmp_path):
    config = _campaign_with(tmp_path, '[headings]\nho_ten = ["Tên người dự"]\n')
    list_with_counted_total(tmp_path / "in" / "BB01.xlsx")
    result = CliRunner().invoke(main, [str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                       "--campaign", str(config)])
    assert result.exit_code == 2 and "headings.ho_ten" in result.output
    assert not (tmp_path / "out").exists()


def test_every_heading_of_the_table_is_documented():
    from excel_pipeline.ingest.headings import SYNONYMS
    from tests.conftest import REPO

    documented = (REPO / "docs" / "headings.md").read_text(encoding="utf-8")
    missing = [heading for columns in SYNONYMS.values() for headings in columns.values()
               for heading in headings if heading not in documented]
    assert missing == []


def test_a_guidance_letter_showing_the_blank_list_is_not_a_submission(tmp_path):
    import docx

    inbox = tmp_path / "in"
    list_with_counted_total(inbox / "BB01.xlsx")
    document = docx.Document()
    document.add_paragraph("Các đơn vị lập danh sách theo mẫu sau:")
    table = document.add_table(rows=1, cols=5)
    for cell, title in zip(table.rows[0].cells, ["STT", "Họ và tên", "Năm sinh", "Giới tính",
                                                 "Loại đại biểu"], strict=True):
        cell.text = title
    document.save(str(inbox / "huong-dan.docx"))
    _, report, _ = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "huong-dan.docx")
    assert entry["status"] == "skipped"
    assert not [f for f in report["findings"] if f["file"] == "huong-dan.docx"]


def test_a_word_97_file_without_libreoffice_is_listed_with_the_reason(tmp_path, monkeypatch):
    import excel_pipeline.ingest.word_reader as word_reader

    monkeypatch.setattr(word_reader.shutil, "which", lambda name: None)
    inbox = tmp_path / "in"
    list_with_counted_total(inbox / "BB01.xlsx")
    (inbox / "BB02.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _, report, _ = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "BB02.doc")
    assert entry["status"] == "skipped" and "LibreOffice" in entry["reason"]
    assert sorted(p.name for p in inbox.iterdir()) == ["BB01.xlsx", "BB02.doc"]


def test_unit_labels_typed_in_one_cell_above_a_csv_list(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    text = csv_rows([["Mã đơn vị: BB02"], ["Tên đơn vị: CĐCS Công ty CP Gỗ Minh Phát"]]) + \
        delegate_csv_text()
    (inbox / "danh sach.csv").write_bytes(text.encode("utf-8"))
    _, report, book = consolidate(inbox, tmp_path / "out")
    assert {p["Mã đơn vị"] for p in delegates(book)} == {"BB02"}
    assert [p["Họ và tên"] for p in delegates(book)] == [person[0] for person in PEOPLE]
    assert report["files"][0]["unit"] == "BB02"


def test_a_workbook_or_binary_under_a_text_name_never_stops_the_run(tmp_path):
    inbox = tmp_path / "in"
    list_with_counted_total(inbox / "BB01.xlsx")
    (inbox / "BB01.xlsx").rename(inbox / "BB01.csv")  # Excel's bytes under a .csv name
    (inbox / "anh.tsv").write_bytes(bytes(range(256)) * 8)
    _, report, book = consolidate(inbox, tmp_path / "out")
    files = {f["path"]: f for f in report["files"]}
    assert files["BB01.csv"]["status"] == "accepted" and files["BB01.csv"]["unit"] == "BB01"
    assert [p["Họ và tên"] for p in delegates(book)] == [person[0] for person in PEOPLE]
    assert files["anh.tsv"]["status"] in ("skipped", "rejected") and files["anh.tsv"]["reason"]


def test_a_word_file_built_to_exhaust_memory_is_refused_before_it_is_inflated(tmp_path):
    import zipfile

    inbox = tmp_path / "in"
    list_with_counted_total(inbox / "BB01.xlsx")
    with zipfile.ZipFile(inbox / "bom.docx", "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\x00" * (40 * 1024 * 1024))
    _, report, _ = consolidate(inbox, tmp_path / "out")
    entry = next(f for f in report["files"] if f["path"] == "bom.docx")
    assert entry["status"] == "rejected" and "bom giải nén" in entry["reason"]


def test_a_unit_sending_its_lists_as_two_csv_files_sends_one_submission(tmp_path):
    """Its delegates in one CSV, its nominations in another, the unit's lines above each:
    both lists are the unit's (neither supersedes the other), its information counted once,
    and no sheet said missing that one of the two holds."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "BB01 đại biểu.csv").write_bytes(
        b"\xef\xbb\xbf" + delegate_csv_text(info=INFO_LINES).encode("utf-8"))
    nominations = [INFO_LINES[0], INFO_LINES[1], [],
                   ["TT", "Tên tập thể/cá nhân", "Chức vụ - Đơn vị công tác",
                    "Danh hiệu thi đua/Hình thức khen thưởng", "Thành tích"],
                   *([str(n), name, "Công ty May", form, "Hoàn thành xuất sắc nhiệm vụ"]
                     for n, (name, form) in enumerate(NOMINEES, start=1))]
    (inbox / "BB01 đề nghị khen thưởng.csv").write_bytes(
        b"\xef\xbb\xbf" + csv_rows(nominations).encode("utf-8"))
    registry(tmp_path / "danh-muc.xlsx", UNITS)
    _, report, _ = consolidate(inbox, tmp_path / "out", "--units",
                               str(tmp_path / "danh-muc.xlsx"))
    status = {f["path"]: (f["status"], f["unit"]) for f in report["files"]}
    assert status["BB01 đại biểu.csv"] == ("accepted", "BB01")
    assert status["BB01 đề nghị khen thưởng.csv"] == ("accepted", "BB01")
    assert report["units"]["BB01"]["delegates"] == len(PEOPLE)
    assert report["units"]["BB01"]["nominations"] == len(NOMINEES)
    assert not {"DUPLICATE_SUBMISSION", "MISSING_SHEET"} & set(codes(report))
    book = openpyxl.load_workbook(tmp_path / "out" / "tong-hop.xlsx")
    summary = [row for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0] == "BB01"]
    assert len(summary) == 1  # the unit once, not once per file
