"""A careless or hostile file cannot make one unit's outputs reach another (issue #31, outputs).

E-mail goes to the registry's address (or, without one, the accepted file's), feedback files are
one per unit whatever the codes hold, through the real command and a real SMTP server.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from excel_pipeline.textnorm import WINDOWS_RESERVED
from excel_pipeline.write.names import unit_stems
from tests.conftest import delegate
from tests.test_delivery import AS_OF, run_cli, smtp  # noqa: F401 (smtp is a fixture)
from tests.test_end_to_end import run_cli as run_cli_as_is


def test_feedback_mail_goes_only_to_the_registry_address(tmp_path, make_unit, smtp):  # noqa: F811
    recorder = smtp()
    from excel_pipeline.write.submission import write_registry
    write_registry(tmp_path / "inbox" / "danh-muc.xlsx", [
        {"unit_code": "ROOT", "unit_name": "LĐLĐ huyện thử", "level": "LĐLĐ huyện"},
        {"unit_code": "C01", "unit_name": "CĐCS C01", "level": "CĐCS", "parent_code": "ROOT",
         "email": "c01@danhmuc.vn"},
        {"unit_code": "C02", "unit_name": "CĐCS C02", "level": "CĐCS", "parent_code": "ROOT"}])
    # C01's accepted file names another address; an older file claiming C01 names the attacker.
    make_unit("C01", [delegate("An", birth_year="19885")], email="c01-moi@cdcs.vn")
    make_unit("C01", [delegate("Kẻ gian")], name="zz-C01-old.xlsx", email="attacker@evil.vn",
              submitted_on=dt.date(2025, 3, 1))
    # C02 has no registry address: its accepted file's is used, not the superseded one's.
    make_unit("C02", [delegate("Bình", birth_year="19886")], email="c02@cdcs.vn")
    make_unit("C02", [delegate("Chi")], name="zz-C02-old.xlsx", email="attacker2@evil.vn",
              submitted_on=dt.date(2025, 3, 1))
    out = tmp_path / "out"
    code, stdout, _ = run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF,
                              "--email-feedback")
    assert code == 1
    sent = {tuple(rcpts): message for rcpts, message in recorder.messages}
    assert set(sent) == {("c01@danhmuc.vn",), ("c02@cdcs.vn",)}
    assert "C01" in sent[("c01@danhmuc.vn",)]["Subject"]
    assert "C02" in sent[("c02@cdcs.vn",)]["Subject"]
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    [changed] = [f for f in report["findings"] if f["code"] == "EMAIL_CHANGED"]
    assert (changed["unit"], changed["value"], changed["severity"]) == \
        ("C01", "c01-moi@cdcs.vn", "warning")
    # The addresses used are shown to the officer: in the JSON and in the workbook.
    assert sorted(m["recipient"] for m in report["delivery"]["messages"]) == \
        ["c01@danhmuc.vn", "c02@cdcs.vn"]
    assert {f["unit"]: f["email"] for f in report["delivery"]["feedback"]} == \
        {"C01": "c01@danhmuc.vn", "C02": "c02@cdcs.vn"}
    assert "attacker" not in json.dumps(report["delivery"])
    assert "  C01 → c01@danhmuc.vn" in stdout.splitlines()


def test_a_file_matched_by_name_gives_no_address(tmp_path, make_unit, smtp):  # noqa: F811
    recorder = smtp()
    from excel_pipeline.write.submission import write_registry
    write_registry(tmp_path / "inbox" / "danh-muc.xlsx", [
        {"unit_code": "ROOT", "unit_name": "LĐLĐ huyện thử", "level": "LĐLĐ huyện"},
        {"unit_code": "C01", "unit_name": "Công đoàn Nhà máy Gạch", "level": "CĐCS",
         "parent_code": "ROOT"}])
    make_unit("SAI", [delegate("An", birth_year="19885")], unit_name="Công đoàn Nhà máy Gạch",
              email="ai-do@evil.vn")
    out = tmp_path / "out"
    run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF, "--email-feedback")
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert any(f["code"] == "UNIT_MATCHED_BY_NAME" for f in report["findings"])
    assert recorder.messages == []
    [item] = report["delivery"]["feedback"]
    assert (item["unit"], item["email"]) == ("C01", None)


ADVERSARIAL = ["C01", ".C01", "c01", "CON", "con.txt", "LPT9", "a/b", "a:b", "a_b", "x. ",
               "nul .xlsx", "C01-" + "0" * 8, "Đ" * 120]


def test_unit_stems_are_distinct_safe_and_plain_when_they_can_be():
    stems = unit_stems(ADVERSARIAL)
    assert stems["C01"] == "C01" and stems["a_b"] == "a_b"
    assert len({stem.casefold() for stem in stems.values()}) == len(ADVERSARIAL)
    for code, stem in stems.items():
        assert stem.split(".")[0].strip().upper() not in WINDOWS_RESERVED, code
        assert not stem.endswith((".", " ")) and " " not in stem, code
        assert not set(stem) & set('\\/:*?"<>|'), code
        assert len(stem.encode("utf-8")) <= 160, code
    assert stems[".C01"] != stems["C01"] and stems["a/b"] != stems["a:b"]


def test_feedback_files_are_one_per_unit_for_hostile_codes(tmp_path, make_unit):
    codes = ["C01", ".C01", "c01", "CON", "a/b", "a:b", "LPT1.x"]
    for number, code in enumerate(codes):
        make_unit(code, [delegate(f"Người {number}", birth_year="19885")],
                  name=f"don-vi-{number}.xlsx", email=f"u{number}@cdcs.vn")
    out, folder = tmp_path / "out", tmp_path / "phan-hoi"
    code, _, _ = run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF,
                         "--feedback", str(folder), "--email-feedback", "--dry-run")
    assert code == 1
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    feedback = report["delivery"]["feedback"]
    assert sorted(item["unit"] for item in feedback) == sorted(codes)
    paths = [Path(item["path"]) for item in feedback]
    marked = [Path(item["marked"]) for item in feedback if item["marked"]]
    assert len({p.name.casefold() for p in paths + marked}) == len(paths) + len(marked)
    assert all(p.parent == folder and p.is_file() for p in paths + marked)
    for item in feedback:  # each file speaks of its own unit only, and goes to its address
        rows = openpyxl.load_workbook(item["path"])["Phản hồi"]
        assert rows["A1"].value.startswith(f"PHẢN HỒI KẾT QUẢ KIỂM TRA HỒ SƠ – {item['unit']} ")
        assert item["email"] == f"u{codes.index(item['unit'])}@cdcs.vn"
    mails = {m["recipient"]: m["message"] for m in report["delivery"]["messages"]}
    assert mails == {f"u{n}@cdcs.vn": code for n, code in enumerate(codes)}
    assert sorted(f["unit"] for f in report["files"] if f["status"] == "accepted") == \
        sorted(codes)


@pytest.mark.parametrize("code", ["CON", "a/b"])
def test_marked_copy_name_starts_with_the_units_stem(tmp_path, make_unit, code):
    make_unit(code, [delegate("An", birth_year="19885")], name="tep.xlsx")
    folder = tmp_path / "phan-hoi"
    run_cli(str(tmp_path / "inbox"), "--out", str(tmp_path / "out"), "--as-of", AS_OF,
            "--feedback", str(folder))
    stem = unit_stems([code])[code]
    assert sorted(p.name for p in folder.iterdir()) == [f"{stem} - tep (đánh dấu).xlsx",
                                                        f"{stem}.xlsx"]


def _with_formulas(path: Path) -> tuple[str, str]:
    """Put a HYPERLINK (with the value Excel would have cached) and a DDE formula (none cached)
    into the unit's Đại biểu sheet; return their cells."""
    import re
    import zipfile

    book = openpyxl.load_workbook(path)
    sheet = book["Đại biểu"]
    header = next(row for row in sheet.iter_rows() if any(c.value == "Họ và tên" for c in row))
    column = next(c.column_letter for c in header if c.value == "Chức vụ, đơn vị công tác")
    first = header[0].row + 1
    link, dde = f"{column}{first}", f"{column}{first + 1}"
    sheet[link] = '=HYPERLINK("http://evil.example/x","Công nhân")'
    sheet[dde] = "=cmd|' /c calc'!A0"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, data in parts.items():
        if b"HYPERLINK" in data:
            parts[name] = re.sub(rb'(<c r="' + link.encode() + rb'"[^>]*)>(<f>[^<]*</f>)<v></v>',
                                 rb'\1 t="str">\2<v>C&#244;ng nh&#226;n</v>', data)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return link, dde


def test_marked_copy_carries_values_not_formulas(tmp_path, make_unit):
    import zipfile

    path = make_unit("C01", [delegate("An", birth_year="19885"), delegate("Bình")])
    link, dde = _with_formulas(path)
    folder = tmp_path / "phan-hoi"
    run_cli(str(tmp_path / "inbox"), "--out", str(tmp_path / "out"), "--as-of", AS_OF,
            "--feedback", str(folder))
    copy = folder / "C01 - C01 (đánh dấu).xlsx"
    sheet = openpyxl.load_workbook(copy)["Đại biểu"]
    assert sheet[link].value == "Công nhân" and sheet[link].data_type == "s"
    assert sheet[dde].value == "=cmd|' /c calc'!A0" and sheet[dde].data_type == "s"
    with zipfile.ZipFile(copy) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist()
                       if name.endswith(".xml"))
    assert b"<f>" not in xml and b"<f " not in xml and b"HYPERLINK" not in xml
    assert openpyxl.load_workbook(path)["Đại biểu"][dde].data_type == "f"  # the input untouched


@pytest.mark.slow
def test_documents_print_a_huge_name_cut_and_say_so(tmp_path, make_unit):
    import re

    from docx import Document

    from excel_pipeline.write.documents.limits import LONG, SHORT

    huge, summary = "Nguyễn " + "X" * 100_000, "Thành tích " + "Y" * 50_000
    make_unit("C01", [delegate(huge, presidium=True), delegate("An", presidium=True)],
              rows={"nominations": [{"subject": "Cá nhân", "name": "Hà Văn Một",
                                     "award": "Giấy khen", "reports": 1, "birth_year": 1980,
                                     "gender": "Nam", "summary": summary}]})
    out = tmp_path / "out"
    # The preset campaign (a conference with a presidium), not test_delivery's small one.
    run_cli_as_is("documents", str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF)
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    paths = {entry["kind"]: Path(entry["path"]) for entry in report["documents"]}
    document = Document(str(paths["presidium"]))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    [name] = {text for text in cells if "XXX" in text}
    assert len(name) <= SHORT and name == ("Nguyễn " + "X" * 100_000)[:SHORT - 1] + "…"
    for path in paths.values():  # no text of any document runs past its limit
        xml = b"".join(part for part in _parts(path)).decode("utf-8")
        assert max(map(len, re.findall("X+", xml)), default=0) < SHORT
        assert max(map(len, re.findall("Y+", xml)), default=0) < LONG
    cut = [f for f in report["findings"] if f["code"] == "TEXT_TRUNCATED"
           and "văn bản Word" in f["message"]]
    # The shipped templates print no summary: its length is no finding of the documents.
    [finding] = cut
    assert (finding["unit"], finding["file"], finding["sheet"], finding["column"]) == \
        ("C01", "C01.xlsx", "Đại biểu", "Họ và tên") and finding["row"] >= 1


def _parts(path: Path) -> list[bytes]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return [archive.read(name) for name in archive.namelist() if name.endswith(".xml")]


def test_a_mistyped_registry_email_costs_the_address_not_the_unit(tmp_path, make_unit):
    from excel_pipeline.write.submission import write_registry

    write_registry(tmp_path / "inbox" / "danh-muc.xlsx", [
        {"unit_code": "ROOT", "unit_name": "LĐLĐ huyện thử", "level": "LĐLĐ huyện"},
        {"unit_code": "C01", "unit_name": "CĐCS C01", "level": "CĐCS", "parent_code": "ROOT",
         "email": "không phải địa chỉ"}])
    make_unit("C01", [delegate("An", birth_year="19885")], email="c01@cdcs.vn")
    out = tmp_path / "out"
    run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", AS_OF, "--feedback",
            str(tmp_path / "ph"))
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert [(f["status"], f["unit"]) for f in report["files"] if f["role"] == "submission"] == \
        [("accepted", "C01")]
    assert any(f["code"] == "SCHEMA" and f["column"] == "Email" and f["file"] == "danh-muc.xlsx"
               for f in report["findings"])
    # Without a registry address, the accepted file's is used.
    assert {f["unit"]: f["email"] for f in report["delivery"]["feedback"]} == \
        {"C01": "c01@cdcs.vn"}
