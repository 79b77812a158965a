"""Delivery through the real command: feedback workbooks, gui-cap-tren.xlsx, e-mail, charts.

E-mail is sent to a real SMTP server (aiosmtpd) on loopback; `--dry-run` writes .eml files.
"""

from __future__ import annotations

import email
import json
import socket
from email import policy
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from excel_pipeline.write.submission import write_registry
from tests.conftest import charts_on, delegate
from tests.test_end_to_end import run_cli as run_cli_as_is
from tests.test_end_to_end import sheet_rows

AS_OF = "2025-03-12"


CAMPAIGN = """id = "thu"
name = "Hội nghị điển hình tiên tiến thử"
document = "Kế hoạch thử"
[[levels]]
id = "huyen"
name = "LĐLĐ huyện"
submits = false
[[levels]]
id = "cdcs"
name = "CĐCS"
delegate_cap = 200
"""


def run_cli(*args: str) -> tuple[int, str, str]:
    """The command under a small campaign with no seat allocation, so that only the planted
    faults produce findings (unless a test names its own campaign)."""
    if "--campaign" not in args:
        toml = Path(args[0]).parent / "thu.toml"
        toml.write_text(CAMPAIGN, encoding="utf-8")
        args = (*args, "--campaign", str(toml))
    return run_cli_as_is(*args)


@pytest.fixture
def inbox(tmp_path, make_unit, make_registry):
    """C01 with one bad birth year (Đại biểu!C6), C02 clean, C03 missing."""
    make_registry(["C01", "C02", "C03"])
    make_unit("C01", [delegate("An"), delegate("Bình"), delegate("Chi", birth_year="19885")],
              email="c01@cdcs.vn")
    make_unit("C02", [delegate("Dung", to_upper=True)], email="c02@cdcs.vn")
    return tmp_path / "inbox"


def feedback_rows(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path)["Phản hồi"]
    values = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(values) if row[0] == "STT")
    return [dict(zip(values[header], row, strict=True)) for row in values[header + 1:]]


def test_feedback_only_for_units_with_findings(inbox, tmp_path):
    out, folder = tmp_path / "out", tmp_path / "phan-hoi"
    code, stdout, _ = run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF,
                              "--feedback", str(folder))
    assert code == 1
    # C01's own workbook comes back marked; C03 sent nothing, so it has none.
    assert sorted(p.name for p in folder.iterdir()) == ["C01 - C01 (đánh dấu).xlsx", "C01.xlsx",
                                                        "C03.xlsx"]
    [row] = feedback_rows(folder / "C01.xlsx")
    assert (row["Mức độ"], row["Trang"], row["Ô"], row["Cột"]) == ("Lỗi", "Đại biểu",
                                                                  "Đại biểu!C6", "Năm sinh")
    assert row["Giá trị hiện tại"] == "19885" and "Năm sinh" in row["Nội dung"]
    assert row["Cách sửa"] == "Ghi năm sinh đủ 4 chữ số, từ 1900 đến 2025."
    [missing] = feedback_rows(folder / "C03.xlsx")
    assert missing["Mã phát hiện"] == "MISSING_SUBMISSION"
    book = openpyxl.load_workbook(folder / "C01.xlsx")
    assert book.sheetnames == ["Phản hồi"]
    assert "C01" in book["Phản hồi"]["A1"].value
    assert not [c for r in book["Phản hồi"].iter_rows() for c in r if c.data_type == "f"]
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert [f["unit"] for f in report["delivery"]["feedback"]] == ["C01", "C03"]
    assert "Phản hồi: 2 tệp" in stdout


@pytest.mark.slow  # two levels' whole runs
def test_upward_submission_is_accepted_by_the_next_level(tmp_path, make_unit):
    district = tmp_path / "huyen"
    write_registry(district / "danh-muc.xlsx", [
        {"unit_code": "H1", "unit_name": "LĐLĐ huyện Một", "level": "LĐLĐ huyện",
         "parent_code": None, "members": 900},
        {"unit_code": "C01", "unit_name": "CĐCS 1", "level": "CĐCS", "parent_code": "H1",
         "members": 400},
        {"unit_code": "C02", "unit_name": "CĐCS 2", "level": "CĐCS", "parent_code": "H1",
         "members": 500}])
    awards = [{"subject": "Cá nhân", "name": "Lan", "award": "Bằng khen TLĐ", "reports": 3},
              {"subject": "Cá nhân", "name": "Mai", "award": "Giấy khen", "reports": 0},
              {"subject": "Tập thể", "name": "Tổ 1", "award": "Bằng khen LĐLĐ tỉnh",
               "reports": 1}]
    for code, sent, catalogue in (("C01", 2, 5), ("C02", 1, 7)):
        path = make_unit(code, [delegate(f"{code} người {i}", to_upper=i < sent,
                                         presidium=True) for i in range(4)],
                         parent_code="H1", rows={
                             "nominations": awards if code == "C01" else [],
                             "indicators": [{"code": "SK", "name": "Sáng kiến", "value": catalogue,
                                             "measure": "sáng kiến"}]})
        path.rename(district / path.name)
    out = tmp_path / "out-huyen"
    code, stdout, _ = run_cli(str(district), "--out", str(out), "--as-of", AS_OF)
    upward = out / "gui-cap-tren.xlsx"
    assert upward.is_file() and f"Hồ sơ gửi cấp trên: {upward}" in stdout
    # The units' flagged delegates are the district's own conference, not its delegation to
    # the province: before the district chose that, the upward file carries nobody and says so.
    assert sheet_rows_after_title(upward, "Đại biểu") == []
    assert "Đoàn đại biểu LĐLĐ huyện Một đi dự hội nghị cấp trên chưa được chọn" in stdout
    # After its conference, the district's own list (unit code H1) is its delegation.
    path = make_unit("H1", [delegate("C01 người 0", presidium=True), delegate("C02 người 0")],
                     level="LĐLĐ huyện", parent_code=None, members=900)
    path.rename(district / "H1-doan-dai-bieu.xlsx")
    code, stdout, _ = run_cli(str(district), "--out", str(out), "--as-of", AS_OF)
    delegates = sheet_rows_after_title(upward, "Đại biểu")
    assert [d["Họ và tên"] for d in delegates] == ["C01 người 0", "C02 người 0"]
    assert all(d["Dự hội nghị cấp trên"] == "x" and d["Đoàn Chủ tịch"] is None
               for d in delegates)
    assert "chưa được chọn" not in stdout
    district_report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    # its own list raises no conference finding (the units' people may well be on it)
    assert not [f for f in district_report["findings"] if f["unit"] == "H1"
                or f["code"] == "DUPLICATE_PERSON"]

    province = tmp_path / "tinh"
    province.mkdir()
    upward.rename(province / "H1-gui-cap-tren.xlsx")
    write_registry(province / "danh-muc.xlsx", [
        {"unit_code": "T", "unit_name": "LĐLĐ tỉnh", "level": "LĐLĐ tỉnh"},
        {"unit_code": "H1", "unit_name": "LĐLĐ huyện Một", "level": "LĐLĐ huyện",
         "parent_code": "T", "members": 900}])
    out = tmp_path / "out-tinh"
    run_cli(str(province), "--out", str(out), "--campaign", "dien-bien-2020", "--as-of",
            "2020-04-01")
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    [record] = [f for f in report["files"] if f["role"] == "submission"]
    assert (record["status"], record["unit"]) == ("accepted", "H1")
    assert report["units"]["H1"] == {"delegates": 2, "nominations": 2, "indicators": 1,
                                     "registrations": 0}
    assert not [f for f in report["findings"] if f["code"] in ("SCHEMA", "MISSING_SHEET",
                                                               "UNREADABLE_FILE")]
    awards_up = sheet_rows(out / "tong-hop.xlsx", "Đề nghị khen thưởng")
    assert sorted(a["Hình thức khen thưởng"] for a in awards_up) == ["Bằng khen LĐLĐ tỉnh",
                                                                    "Bằng khen TLĐ"]
    indicators = sheet_rows(out / "tong-hop.xlsx", "Kết quả thi đua")
    [h1] = [row for row in indicators if row["Mã đơn vị"] == "H1"]
    assert h1["SK – Sáng kiến (sáng kiến)"] == 5 + 7


def sheet_rows_after_title(path: Path, name: str) -> list[dict[str, object]]:
    """Rows of a template sheet whose header sits below a title row."""
    values = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(values) if row[0] == "STT")
    return [dict(zip(values[header], row, strict=True)) for row in values[header + 1:]]


def test_each_summary_chart_has_a_page_of_its_own_and_the_terminal_a_table(inbox, tmp_path):
    out = tmp_path / "out"
    _, stdout, _ = run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF)
    assert charts_on(out / "tong-hop.xlsx", "Tổng hợp") == 0  # the table prints alone
    for page in ("Biểu đồ đại biểu", "Biểu đồ tỷ lệ", "Biểu đồ phát hiện"):
        assert charts_on(out / "tong-hop.xlsx", page) == 1, page
    book = openpyxl.load_workbook(out / "tong-hop.xlsx")
    assert book.sheetnames[:5] == ["Tổng hợp", "Thay đổi", "Biểu đồ đại biểu",
                                   "Biểu đồ tỷ lệ", "Biểu đồ phát hiện"]
    data = [row for row in book["Số liệu biểu đồ"].iter_rows(values_only=True)]
    # A plenary conference has no cap, and says so; the bad row is not counted.
    assert ("C01 (HN toàn thể: không giới hạn)", 2, None) in data
    # Findings by their Vietnamese titles, not their codes.
    assert ("Ô dữ liệu không hợp lệ", 1, None) in data
    assert not [row for row in data if row[0] in ("SCHEMA", "MISSING_SUBMISSION")]
    assert "  SCHEMA                     1  Ô dữ liệu không hợp lệ" in stdout.splitlines()


class Recorder:
    """An SMTP handler that keeps what it receives and refuses chosen recipients."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse = refuse or set()
        self.attempts: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts[address] = self.attempts.get(address, 0) + 1
        if address in self.refuse:
            return "550 hộp thư không tồn tại"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    def start(refuse: set[str] | None = None) -> Recorder:
        recorder = Recorder(refuse)
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        monkeypatch.setenv("DHTT_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("DHTT_SMTP_PORT", str(port))
        monkeypatch.setenv("DHTT_SMTP_FROM", "tonghop@ldld.vn")
        return recorder

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


def test_email_to_officers_and_feedback_to_units(inbox, tmp_path, smtp):
    recorder = smtp()
    out = tmp_path / "out"
    code, stdout, _ = run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF,
                              "--email-to", "a@ldld.vn, b@ldld.vn", "--email-feedback")
    assert code == 1
    by_recipient = {tuple(rcpts): message for rcpts, message in recorder.messages}
    assert set(by_recipient) == {("a@ldld.vn",), ("b@ldld.vn",), ("c01@cdcs.vn",)}
    upward = by_recipient[("a@ldld.vn",)]
    assert upward["Subject"].startswith("Tổng hợp Hội nghị điển hình tiên tiến")
    body = upward.get_body(("plain",)).get_content()
    assert "Phát hiện: 1 lỗi, 1 cảnh báo" in body and "Đơn vị chưa gửi báo cáo" in body
    # The upper level consolidates gui-cap-tren.xlsx and reads the consolidated workbook.
    upward_file, attachment = list(upward.iter_attachments())
    assert upward_file.get_filename() == "gui-cap-tren.xlsx"
    assert upward_file.get_content() == (out / "gui-cap-tren.xlsx").read_bytes()
    assert "gui-cap-tren.xlsx: hồ sơ của đơn vị theo đúng mẫu" in body
    assert attachment.get_filename() == "Tổng hợp thu 12-03-2025.xlsx"
    assert attachment.get_content() == (out / "tong-hop.xlsx").read_bytes()
    unit_file, marked = list(by_recipient[("c01@cdcs.vn",)].iter_attachments())
    assert unit_file.get_filename() == "Phản hồi C01.xlsx"
    assert marked.get_filename() == "C01 - C01 (đánh dấu).xlsx"
    assert "Thư đã gửi: 3/4" in stdout  # C03 sent nothing, so it has no address
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert sum(m["ok"] for m in report["delivery"]["messages"]) == 3


def test_refused_recipient_is_retried_once_and_reported(inbox, tmp_path, smtp):
    recorder = smtp(refuse={"b@ldld.vn"})
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF,
                                   "--email-to", "a@ldld.vn,b@ldld.vn")
    assert code == 1  # the findings decide the exit status, not the mail
    assert recorder.attempts == {"a@ldld.vn": 1, "b@ldld.vn": 2}
    assert [rcpts for rcpts, _ in recorder.messages] == [["a@ldld.vn"]]
    assert "không gửi được thư tới b@ldld.vn" in stderr
    assert "Không gửi được thư tới b@ldld.vn" in stdout
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    failed = [m for m in report["delivery"]["messages"] if not m["ok"]]
    assert [(m["recipient"], m["attempts"]) for m in failed] == [("b@ldld.vn", 2)]
    assert "550" in failed[0]["error"]
    assert openpyxl.load_workbook(out / "tong-hop.xlsx").sheetnames[0] == "Tổng hợp"
    assert stdout.strip().splitlines()[-1] == str(out / "tong-hop.xlsx")


def test_unreachable_server_is_reported_not_fatal(inbox, tmp_path, monkeypatch):
    monkeypatch.setenv("DHTT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DHTT_SMTP_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("DHTT_SMTP_FROM", "tonghop@ldld.vn")
    out = tmp_path / "out"
    code, _, stderr = run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF,
                              "--email-to", "a@ldld.vn")
    assert code == 1 and "không kết nối được máy chủ thư" in stderr
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert [(m["recipient"], m["ok"], m["attempts"]) for m in report["delivery"]["messages"]] \
        == [("a@ldld.vn", False, 2)]
    assert sheet_rows(out / "tong-hop.xlsx", "Đại biểu")  # the workbook is whole


def test_missing_smtp_settings_stop_before_anything_is_written(inbox, tmp_path, monkeypatch):
    for name in ("DHTT_SMTP_HOST", "DHTT_SMTP_FROM"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "out"
    code, _, stderr = run_cli(str(inbox), "--out", str(out), "--email-to", "a@ldld.vn")
    assert code == 2 and "DHTT_SMTP_HOST" in stderr
    assert not out.exists()


def test_bad_address_is_refused(inbox, tmp_path):
    code, _, stderr = run_cli(str(inbox), "--out", str(tmp_path / "o"), "--email-to",
                              "không-phải-địa-chỉ", "--dry-run")
    assert code == 2 and "không hợp lệ" in stderr


def test_dry_run_writes_eml_files(inbox, tmp_path, monkeypatch):
    monkeypatch.delenv("DHTT_SMTP_HOST", raising=False)
    out = tmp_path / "out"
    code, stdout, _ = run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF,
                              "--email-to", "a@ldld.vn", "--email-feedback", "--dry-run")
    assert code == 1
    files = sorted((out / "thu-gui").iterdir())
    assert [f.name for f in files] == ["001-tong-hop.eml", "002-C01.eml"]
    message = email.message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert message["To"] == "c01@cdcs.vn" and message["From"] == "dhtt-merge@localhost"
    assert (out / "phan-hoi" / "C01.xlsx").is_file()
    assert "Thư chưa gửi (--dry-run): 2 thư" in stdout


@pytest.mark.slow  # whole runs
def test_the_units_own_workbook_comes_back_marked_and_the_original_untouched(tmp_path):
    import hashlib
    import shutil

    from excel_pipeline.ingest.examples import example_inbox

    inbox, out, folder = tmp_path / "hộp thư", tmp_path / "out", tmp_path / "phản hồi"
    shutil.copytree(example_inbox(), inbox)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*.xlsx")}
    code, _, _ = run_cli(str(inbox), "--out", str(out), "--feedback", str(folder), "--as-of",
                         AS_OF)
    assert code == 1
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*.xlsx")} \
        == before
    copy = folder / "BB09 - BB09 (đánh dấu).xlsx"
    cell = openpyxl.load_workbook(copy)["Đại biểu"]["C7"]
    assert cell.value == 19885 and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert "Năm sinh «19885»" in cell.comment.text
    assert "Cách sửa: Ghi năm sinh đủ 4 chữ số, từ 1900 đến 2025." in cell.comment.text
    feedback = [r[0] for r in openpyxl.load_workbook(folder / "BB09.xlsx")["Phản hồi"]
                .iter_rows(values_only=True) if r[0]]
    assert any(str(line).startswith("Kèm theo: «BB09 - BB09 (đánh dấu).xlsx»")
               for line in feedback)
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    [entry] = [f for f in report["delivery"]["feedback"] if f["unit"] == "BB09"]
    assert entry["marked"] == copy.as_posix()
    # A re-run may write into the same folder, and the unit may send the copy back.
    assert run_cli(str(inbox), "--out", str(out), "--feedback", str(folder), "--as-of",
                   AS_OF)[0] == 1
    returned = tmp_path / "gửi lại"
    returned.mkdir()
    shutil.copy(copy, returned / copy.name)
    code, _, _ = run_cli(str(returned), "--out", str(tmp_path / "o2"), "--as-of", AS_OF)
    again = json.loads((tmp_path / "o2" / "tong-hop.json").read_text(encoding="utf-8"))
    assert [(f["status"], f["unit"]) for f in again["files"]] == [("accepted", "BB09")]
