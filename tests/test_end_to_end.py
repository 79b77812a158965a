"""The real command on real workbooks, checked by reading the outputs back."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from excel_pipeline.cli import main
from tests.conftest import charts_on, delegate

SHEETS = ["Tổng hợp", "Đại biểu", "Đề nghị khen thưởng", "Kết quả thi đua", "Đăng ký thi đua",
          "Phân bổ", "Phát hiện", "Lỗi dữ liệu", "Bị thay thế", "Nguồn", "Số liệu biểu đồ"]
CHART_PAGES = ["Biểu đồ đại biểu", "Biểu đồ tỷ lệ", "Biểu đồ phát hiện"]


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def sheet_rows(path: Path, name: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path)
    sheet = book[name]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_merge_writes_workbook_and_json(tmp_path, make_unit, make_registry):
    make_registry(["C01", "C02"])
    make_unit("C01", [delegate("An"), delegate("=Trần Văn Tính", gender="Nữ"),
                      delegate("Bình", birth_year="19885")])
    make_unit("C02", [delegate("Chi", gender="Nữ", delegate_type="Khách mời")], members=90)
    out = tmp_path / "out"
    code, stdout, _ = run_cli(str(tmp_path / "inbox"), "--out", str(out), "--as-of", "2025-03-12")
    assert code == 1  # the bad birth year is an error
    workbook = out / "tong-hop.xlsx"
    assert stdout.strip().splitlines()[-1] == str(workbook)

    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == [SHEETS[0], "Thay đổi", *CHART_PAGES, *SHEETS[1:6],
                               "Biểu đồ phân bổ", *SHEETS[6:]]
    # written row by row (constant_memory): the header styling set before the rows survives
    assert book["Đại biểu"].row_dimensions[1].height >= 32
    assert book["Đại biểu"].freeze_panes == "A2"
    formulas = [cell.coordinate for sheet in book for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []
    delegates = sheet_rows(workbook, "Đại biểu")
    assert [row["Họ và tên"] for row in delegates] == ["An", "=Trần Văn Tính", "Chi"]
    assert delegates[0]["Mã đơn vị"] == "C01" and delegates[0]["Dòng"] == 4
    # a ticked box reads back as "x", an unticked one as an empty cell (not an empty string)
    assert [row["Trực tiếp sản xuất"] for row in delegates] == ["x", "x", "x"]
    assert [row["Lãnh đạo, quản lý"] for row in delegates] == [None, None, None]
    blank = book["Đại biểu"]["A2"].offset(column=list(delegates[0]).index("Lãnh đạo, quản lý"))
    assert blank.value is None and blank.border.left.style == "thin"  # formatted like the table
    rejected = sheet_rows(workbook, "Lỗi dữ liệu")
    assert [(r["Mã đơn vị"], r["Dòng"]) for r in rejected] == [("C01", 6)]
    assert "19885" in rejected[0]["Lý do"]

    findings = sheet_rows(workbook, "Phát hiện")
    schema = [f for f in findings if f["Mã phát hiện"] == "SCHEMA"]
    assert len(schema) == 1
    assert schema[0]["Ô"] == "Đại biểu!C6" and schema[0]["Cột"] == "Năm sinh"

    summary = {row["Mã đơn vị"]: row for row in sheet_rows(workbook, "Tổng hợp")
               if row["Tên đơn vị"].strip().startswith("CĐCS")}
    assert summary["C01"]["Số đại biểu"] == 2 and summary["C02"]["Số đại biểu"] == 1
    total = sheet_rows(workbook, "Tổng hợp")[-1]
    assert total["Tên đơn vị"].startswith("TỔNG CỘNG") and total["Số đại biểu"] == 3
    assert total["Số đoàn viên"] == 120 + 90

    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert {"campaign", "as_of", "workbook", "files", "rows", "findings", "allocation",
            "units"} <= set(report)
    assert report["campaign"] == "bau-bang-2025" and report["as_of"] == "2025-03-12"
    assert report["rows"]["delegates"] == {"read": 4, "accepted": 3, "rejected": 1,
                                           "superseded": 0, "not_considered": 0}
    assert report["units"]["C01"]["delegates"] == 2
    [finding] = [f for f in report["findings"] if f["code"] == "SCHEMA"]
    assert finding == {"code": "SCHEMA", "severity": "error", "unit": "C01", "file": "C01.xlsx",
                       "sheet": "Đại biểu", "row": 6, "column": "Năm sinh", "value": 19885,
                       "message": finding["message"]}
    leftovers = [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".dhtt-cache"]
    leftovers += [p for p in (out / ".dhtt-cache").iterdir() if p.suffix != ".entry"]
    assert not leftovers  # no temporary file left


def test_clean_inbox_exits_zero(tmp_path, make_unit, make_registry):
    make_registry(["C01"])
    make_unit("C01", [delegate("An")])
    code, stdout, _ = run_cli(str(tmp_path / "inbox"), "--out", str(tmp_path / "o"),
                              "--as-of", "2025-03-12")
    assert code == 0, stdout


def test_input_files_are_never_modified(tmp_path, make_unit, make_registry):
    paths = [make_registry(["C01", "C02"]), make_unit("C01"), make_unit("C02")]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    run_cli(str(tmp_path / "inbox"), "--out", str(tmp_path / "o"))
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} == before
    report = json.loads((tmp_path / "o" / "tong-hop.json").read_text(encoding="utf-8"))
    assert {f["path"]: f["sha256"] for f in report["files"]} == \
        {p.name: h for p, h in before.items()}


def test_empty_inbox_exits_2_and_writes_nothing(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text("x", encoding="utf-8")
    (inbox / "~$lock.xlsx").write_bytes(b"x")
    code, _, stderr = run_cli(str(inbox), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "không có tệp bảng tính" in stderr
    assert not (tmp_path / "o").exists()


def test_bad_campaign_file_exits_2_naming_the_key(tmp_path, make_unit):
    make_unit("C01")
    toml = tmp_path / "dot.toml"
    toml.write_text('id = "a"\nname = "A"\ndocument = "B"\nsai_khoa = 1\n'
                    '[[levels]]\nid = "x"\nname = "X"\n', encoding="utf-8")
    code, _, stderr = run_cli(str(tmp_path / "inbox"), "--campaign", str(toml), "--out",
                              str(tmp_path / "o"))
    assert code == 2 and "sai_khoa" in stderr
    assert not (tmp_path / "o").exists()


def test_units_option_and_missing_unit(tmp_path, make_unit, make_registry):
    registry = make_registry(["C01", "C02"], folder="registry")
    make_unit("C01")
    out = tmp_path / "o"
    code, _, _ = run_cli(str(tmp_path / "inbox"), "--units", str(registry), "--out", str(out),
                         "--as-of", "2025-03-20")
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    missing = [f for f in report["findings"] if f["code"] == "MISSING_SUBMISSION"]
    assert [(f["unit"], f["severity"]) for f in missing] == [("C02", "error")]
    assert code == 1
    code, _, stderr = run_cli(str(tmp_path / "inbox"), "--units", str(tmp_path / "nope.xlsx"),
                              "--out", str(out))
    assert code == 2 and "danh mục" in stderr


def test_file_without_unit_sheet_is_rejected_with_its_rows(tmp_path, make_unit):
    import xlsxwriter

    make_unit("C01")
    path = tmp_path / "inbox" / "khong-thong-tin.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Đại biểu")
    sheet.write_row(0, 0, ["Họ và tên", "Giới tính", "Loại đại biểu"])
    sheet.write_row(1, 0, ["An", "Nam", "Khách mời"])
    book.close()
    out = tmp_path / "o"
    run_cli(str(tmp_path / "inbox"), "--out", str(out))
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    status = {f["path"]: f["status"] for f in report["files"]}
    assert status["khong-thong-tin.xlsx"] == "rejected"
    assert report["rows"]["delegates"]["rejected"] == 1
    assert any(f["code"] == "MISSING_SHEET" and f["file"] == "khong-thong-tin.xlsx"
               for f in report["findings"])


def test_help_is_light():
    code = ("import sys, excel_pipeline.cli; "
            "print(any(m in sys.modules for m in ('pandas', 'pandera', 'python_calamine')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
    help_run = subprocess.run([sys.executable, "-m", "excel_pipeline", "--help"],
                              capture_output=True, text=True, check=True)
    assert "dhtt-merge" in help_run.stdout


def test_allocation_sheet_and_findings_through_the_command(tmp_path, make_unit, make_registry):
    make_registry(["C01", "C02"])
    make_unit("C01", [delegate(f"A{i}", to_upper=True) for i in range(4)], rows={
        "nominations": [{"subject": "Cá nhân", "name": f"N{i}", "award": "Giấy khen",
                         "category": "Người trực tiếp lao động, công tác"} for i in range(3)]})
    make_unit("C02", [delegate("B0", to_upper=True)])
    toml = tmp_path / "dot.toml"
    toml.write_text(
        'id = "thu"\nname = "Thử"\ndocument = "KH thử"\n'
        '[[levels]]\nid = "huyen"\nname = "Huyện"\nsubmits = false\n'
        '[[levels]]\nid = "cdcs"\nname = "CĐCS"\n'
        '[allocation]\nseats = 6\nminimum = 1\n[allocation.quotas]\n"Giấy khen" = 2\n',
        encoding="utf-8")
    out = tmp_path / "o"
    code = CliRunner().invoke(main, [str(tmp_path / "inbox"), "--campaign", str(toml),
                                     "--out", str(out)]).exit_code
    assert code == 1
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    seats = {a["unit"]: a["seats"] for a in report["allocation"]
             if a["what"] == "Đại biểu dự hội nghị cấp trên"}
    assert seats == {"C01": 3, "C02": 3}  # quotas 2.985 and 3.015 of 6 seats
    found = {(f["code"], f["unit"]) for f in report["findings"]}
    assert ("ALLOCATION_EXCEEDED", "C01") in found  # 4 sent for 3 seats
    assert ("ALLOCATION_UNFILLED", "C02") in found  # 1 sent for 3 seats
    assert ("QUOTA_EXCEEDED", "C01") in found  # 3 Giấy khen for a quota of 1
    rows = sheet_rows(out / "tong-hop.xlsx", "Phân bổ")
    assert {(r["Mã đơn vị"], r["Số được phân bổ"], r["Đơn vị đã cử / đề nghị"]) for r in rows
            if r["Nội dung phân bổ"] == "Đại biểu dự hội nghị cấp trên"} == {("C01", 3, 4),
                                                                               ("C02", 3, 1)}
    assert charts_on(out / "tong-hop.xlsx", "Phân bổ") == 0
    assert charts_on(out / "tong-hop.xlsx", "Biểu đồ phân bổ") == 1


def test_each_level_shares_its_own_conference_seats(tmp_path, make_unit):
    from excel_pipeline.write.submission import write_registry

    write_registry(tmp_path / "inbox" / "danh-muc.xlsx", [
        {"unit_code": "T", "unit_name": "LĐLĐ tỉnh", "level": "Tỉnh"},
        {"unit_code": "H1", "unit_name": "LĐLĐ huyện 1", "level": "Huyện", "parent_code": "T",
         "members": 400},
        {"unit_code": "X1", "unit_name": "CĐCS 1", "level": "CĐCS", "parent_code": "H1",
         "members": 300},
        {"unit_code": "X2", "unit_name": "CĐCS 2", "level": "CĐCS", "parent_code": "H1",
         "members": 100}])
    make_unit("H1", [delegate("H")], level="Huyện", parent_code="T", members=400)
    make_unit("X1", [delegate(f"A{i}", to_upper=True) for i in range(8)], parent_code="H1",
              members=300)
    make_unit("X2", [delegate(f"B{i}", to_upper=True) for i in range(3)], parent_code="H1",
              members=100)
    toml = tmp_path / "ba-cap.toml"
    toml.write_text(
        'id = "ba-cap"\nname = "Ba cấp"\ndocument = "KH thử"\nplenary_threshold = 0\n'
        'exemplary_share = 0.0\n'
        '[[levels]]\nid = "tinh"\nname = "Tỉnh"\nsubmits = false\nconference = false\n'
        '[[levels]]\nid = "huyen"\nname = "Huyện"\nconference_seats = 12\n'
        'conference_reserved = 2\n'
        '[[levels]]\nid = "cdcs"\nname = "CĐCS"\n', encoding="utf-8")
    out = tmp_path / "o"
    code, _, _ = run_cli(str(tmp_path / "inbox"), "--campaign", str(toml), "--out", str(out))
    assert code == 1
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    # 10 seats after the 2 reserved: quotas 7.5 and 2.5, the tie goes to the larger weight.
    assert [(a["parent"], a["unit"], a["seats"], a["sent"]) for a in report["allocation"]] == \
        [("H1", "X1", 8, 8), ("H1", "X2", 2, 3)]
    found = [(f["code"], f["unit"], f["row"]) for f in report["findings"]
             if f["code"].startswith("ALLOCATION")]
    assert found == [("ALLOCATION_EXCEEDED", "X2", 6)]  # the third marked delegate, row 6
    rows = sheet_rows(out / "tong-hop.xlsx", "Phân bổ")
    assert {(r["Đơn vị phân bổ"], r["Mã đơn vị"]) for r in rows} == {("H1", "X1"), ("H1", "X2")}
    by_command = CliRunner().invoke(main, ["allocate", str(tmp_path / "inbox" / "danh-muc.xlsx"),
                                           "--seats", "10", "--parent", "H1", "--json"])
    assert {d["unit"]: d["seats"] for d in json.loads(by_command.stdout)} == {"X1": 8, "X2": 2}


def test_a_run_sets_what_it_read_aside_from_the_collector_and_back_after(tmp_path, make_unit,
                                                                        campaign, monkeypatch):
    """The collector is paused while the files are read; the rows read and the consolidation
    are frozen (`gc.freeze`) while the outputs are written, and set back under the collector
    when the run ends; a caller's own frozen objects, or a collector it turned off, are left
    as they were."""
    import datetime as dt
    import gc

    from excel_pipeline import pipeline

    make_unit("C01", [delegate("An"), delegate("Bình")])
    frozen_while_writing, collecting_while_reading = [], []
    real, real_read = pipeline.write_outputs, pipeline.read_inbox

    def writing(*args, **kwargs):
        frozen_while_writing.append((gc.get_freeze_count(), gc.isenabled()))
        return real(*args, **kwargs)

    def reading(*args, **kwargs):
        collecting_while_reading.append(gc.isenabled())
        return real_read(*args, **kwargs)

    monkeypatch.setattr(pipeline, "write_outputs", writing)
    monkeypatch.setattr(pipeline, "read_inbox", reading)
    options = pipeline.RunOptions(tmp_path / "inbox", campaign, tmp_path / "out",
                                  as_of=dt.date(2025, 3, 31), use_cache=False)
    assert gc.get_freeze_count() == 0
    pipeline.run(options)
    assert collecting_while_reading == [False]
    assert frozen_while_writing[0][0] > 0 and frozen_while_writing[0][1]
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # a caller that froze objects of its own
    try:
        theirs = gc.get_freeze_count()
        pipeline.run(replace(options, out_dir=tmp_path / "out2"))
        # Not one more frozen (some of theirs may have been freed since), none set back.
        assert collecting_while_reading[1]
        assert 0 < frozen_while_writing[1][0] <= theirs
        assert 0 < gc.get_freeze_count() <= theirs
    finally:
        gc.unfreeze()
    gc.disable()  # a caller that turned the collector off: it stays off, nothing frozen
    try:
        pipeline.run(replace(options, out_dir=tmp_path / "out3"))
        assert frozen_while_writing[2] == (0, False) and not gc.isenabled()
    finally:
        gc.enable()


def test_the_files_read_are_let_go_once_settled(tmp_path, make_unit, campaign, monkeypatch):
    """The command keeps no file's parsed rows past settling: the checks and the writing run
    with only the stacked sheets (the rows of 10,000 workbooks are hundreds of megabytes)."""
    import datetime as dt
    import weakref

    from excel_pipeline import pipeline

    make_unit("C01", [delegate("An"), delegate("Bình")])
    make_unit("C02", [delegate("Chi")])
    read, alive_when_judged = [], []
    real_read, real_judge = pipeline.read_inbox, pipeline.judge

    def reading(*args, **kwargs):
        files = real_read(*args, **kwargs)
        read.extend(weakref.ref(item) for item in files)
        read.extend(weakref.ref(table) for item in files for table in item.tables)
        return files

    def judging(*args, **kwargs):
        alive_when_judged.extend(ref for ref in read if ref() is not None)
        return real_judge(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_inbox", reading)
    monkeypatch.setattr(pipeline, "judge", judging)
    result = pipeline.run(pipeline.RunOptions(tmp_path / "inbox", campaign, tmp_path / "out",
                                              as_of=dt.date(2025, 3, 31), use_cache=False))
    assert len(read) >= 4 and alive_when_judged == []
    assert len(result.consolidation.accepted("delegates")) == 3
