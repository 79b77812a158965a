"""Ordinary mistakes never lose, alter or invent data, and no crash passes for a result: each
behaviour through the real command."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from excel_pipeline import pipeline
from excel_pipeline.cli import main
from excel_pipeline.ingest.examples import example_inbox
from tests.conftest import REPO, delegate

AS_OF = "2025-03-31"


def run_cli(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    if cwd is None:
        result = CliRunner().invoke(main, list(args))
    else:
        previous = Path.cwd()
        os.chdir(cwd)
        try:
            result = CliRunner().invoke(main, list(args))
        finally:
            os.chdir(previous)
    return result.exit_code, result.stdout, result.stderr


def fingerprint(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "hộp thư"
    shutil.copytree(example_inbox(), folder)
    return folder


@pytest.mark.parametrize("option", ["--feedback", "--out"])
def test_an_output_folder_that_is_the_inbox_is_refused_before_anything_is_written(
        inbox, tmp_path, option):
    before = fingerprint(inbox)
    extra = [] if option == "--out" else ["--out", str(tmp_path / "out")]
    code, _, stderr = run_cli(str(inbox), option, str(inbox), "--as-of", AS_OF, *extra)
    assert code == 2
    assert "chính là thư mục hồ sơ" in stderr and option in stderr
    assert fingerprint(inbox) == before
    assert not (tmp_path / "out").exists()


def test_a_folder_holding_unit_files_is_refused_as_output(inbox, tmp_path):
    before = fingerprint(inbox)
    code, _, stderr = run_cli(str(inbox), "--feedback", str(inbox / "thang-3"), "--out",
                              str(tmp_path / "out"), "--as-of", AS_OF)
    assert code == 2 and "đang chứa tệp của đơn vị" in stderr
    assert fingerprint(inbox) == before


@pytest.mark.slow  # two whole runs
def test_an_output_folder_inside_the_inbox_is_never_read_as_input(inbox):
    reports = []
    for _ in range(3):
        code, stdout, _ = run_cli(".", "--as-of", AS_OF, "--feedback", "phan-hoi", cwd=inbox)
        assert code == 1, stdout
        report = json.loads((inbox / "output" / "tong-hop.json").read_text(encoding="utf-8"))
        reports.append((report["rows"], sorted(f["path"] for f in report["files"]),
                        sorted((f["code"], f["unit"]) for f in report["findings"])))
    assert reports[0] == reports[1] == reports[2]
    assert reports[0][0]["delegates"]["accepted"] == 306
    assert not any(path.startswith(("output/", "phan-hoi/")) for path in reports[0][1])


@pytest.mark.slow  # three whole runs
def test_our_own_outputs_found_in_an_inbox_are_skipped_but_an_upward_file_is_a_submission(
        inbox, tmp_path):
    first = tmp_path / "first"
    assert run_cli(str(inbox), "--out", str(first), "--feedback", str(first / "ph"),
                   "--as-of", AS_OF)[0] == 1
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(first / "tong-hop.xlsx", mixed / "tong-hop.xlsx")
    shutil.copy(first / "ph" / "BB02.xlsx", mixed / "BB02.xlsx")
    shutil.copy(first / "gui-cap-tren.xlsx", mixed / "huyen-bau-bang.xlsx")
    code, _, _ = run_cli(str(mixed), "--out", str(tmp_path / "out"), "--as-of", AS_OF)
    assert code in (0, 1)
    report = json.loads((tmp_path / "out" / "tong-hop.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in report["files"]}
    assert files["tong-hop.xlsx"]["status"] == "skipped"
    assert "Bảng tổng hợp do dhtt-merge ghi" in files["tong-hop.xlsx"]["reason"]
    assert files["BB02.xlsx"]["status"] == "skipped"
    assert "Tệp phản hồi do dhtt-merge ghi" in files["BB02.xlsx"]["reason"]
    assert files["huyen-bau-bang.xlsx"]["status"] == "accepted"
    # the district's own forwarded nominations (its delegation to the province is not chosen
    # yet in the example, so it carries no delegate)
    assert report["rows"]["nominations"]["accepted"] > 0
    assert report["registry"]["source"] is None  # an old workbook is never the registry


def test_a_folder_named_like_a_command_is_not_mistaken(inbox, tmp_path):
    folder = tmp_path / "tong-hop"
    shutil.copytree(inbox, folder)
    code, _, stderr = run_cli("tong-hop", "--out", "ra", cwd=tmp_path)
    assert code == 2 and "dhtt-merge ./tong-hop" in stderr
    assert not (tmp_path / "ra").exists()
    code, _, _ = run_cli("./tong-hop", "--out", "ra", "--as-of", AS_OF, cwd=tmp_path)
    assert code == 1
    report = json.loads((tmp_path / "ra" / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["rows"]["delegates"]["accepted"] == 306


@pytest.mark.parametrize(("given", "status"), [("31/03/2025", 1), ("2025-03-31", 1),
                                               ("1850-01-01", 2), ("31/02/2025", 2),
                                               ("hôm qua", 2)])
def test_as_of_takes_the_dates_officers_write(inbox, tmp_path, given, status):
    code, _, stderr = run_cli(str(inbox), "--out", str(tmp_path / "out"), "--as-of", given)
    assert code == status, stderr
    if status == 1:
        report = json.loads((tmp_path / "out" / "tong-hop.json").read_text(encoding="utf-8"))
        assert report["as_of"] == "2025-03-31"
    else:
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["a-file", "a-file/below"])
def test_an_output_folder_that_cannot_be_made_is_a_user_mistake(inbox, tmp_path, target):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    code, _, stderr = run_cli(str(inbox), "--out", str(tmp_path / target), "--as-of", AS_OF)
    assert code == 2 and "--out" in stderr and "Traceback" not in stderr


def test_an_internal_error_exits_3_with_a_crash_report_and_no_traceback(inbox, tmp_path,
                                                                        monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("cố ý gây lỗi")

    monkeypatch.setattr(pipeline, "judge", broken)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    code, stdout, stderr = run_cli(str(inbox), "--out", str(tmp_path / "out"), "--as-of", AS_OF)
    assert code == 3
    assert "Traceback" not in stdout + stderr
    assert "Lỗi của chương trình dhtt-merge" in stderr and "Chưa ghi tệp kết quả nào" in stderr
    [report] = tmp_path.glob("dhtt-merge-loi-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError: cố ý gây lỗi" in text and "Traceback" in text
    assert str(report) in stderr


def test_ctrl_c_exits_130_with_one_line(inbox, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "judge", interrupted)
    code, stdout, stderr = run_cli(str(inbox), "--out", str(tmp_path / "out"), "--as-of", AS_OF)
    assert code == 130
    assert stderr.strip().splitlines() == ["Đã dừng theo yêu cầu (Ctrl-C). Chưa ghi tệp kết quả "
                                           "nào."]
    assert "Aborted" not in stdout + stderr

@pytest.mark.slow

def test_outputs_have_ordinary_permissions(inbox, tmp_path):
    assert run_cli(str(inbox), "--out", str(tmp_path / "out"), "--feedback",
                   str(tmp_path / "ph"), "--as-of", AS_OF)[0] == 1
    mask = os.umask(0o022)
    os.umask(mask)
    written = [*(tmp_path / "out").glob("*.xlsx"), *(tmp_path / "out").glob("*.json"),
               *(tmp_path / "ph").glob("*.xlsx")]
    assert len(written) == 13  # with the four units' own workbooks, marked
    for path in written:
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


def test_a_very_long_unit_code_makes_a_short_safe_file_name(tmp_path, make_unit):
    code = "X/" * 200
    make_unit(code, [delegate(birth_year=1800)], name="dai.xlsx", parent_code=None)
    out = tmp_path / "out"
    status, _, stderr = run_cli(str(tmp_path / "inbox"), "--out", str(out), "--feedback",
                                str(tmp_path / "ph"), "--as-of", AS_OF)
    assert status == 1, stderr
    written = list((tmp_path / "ph").glob("*.xlsx"))  # the feedback, the unit's own marked
    assert len(written) == 2
    for feedback in written:
        assert len(feedback.name.encode()) <= 250 and "/" not in feedback.stem


@pytest.mark.slow  # a whole run in a subprocess per code page
@pytest.mark.parametrize("encoding", ["cp1258", "cp1252", "cp437"])
def test_any_windows_code_page_runs_and_keeps_vietnamese_when_redirected(tmp_path, encoding):
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    command = [sys.executable, "-m", "excel_pipeline"]
    for args in (["--help"], ["tong-hop", "--help"], ["campaigns", "bau-bang-2025"],
                 ["--out", str(tmp_path / "out"), "--as-of", AS_OF]):
        done = subprocess.run([*command, *args], env=env, capture_output=True, cwd=REPO,
                              check=False)
        assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in done.stderr
        text = done.stdout.decode("utf-8")  # redirected output is UTF-8 whatever the code page
        assert "đ" in text.lower() or "Đ" in text


def test_the_console_spells_what_its_code_page_lacks_as_near_as_it_can():
    from excel_pipeline.console import errors_for

    def shown(text: str, encoding: str) -> str:
        return text.encode(encoding, errors_for(encoding)).decode(encoding)

    assert shown("Nguyễn Thị Ánh", "cp1258") == "Nguyê\u0303n Thi\u0323 Ánh"
    assert shown("Đại biểu", "cp437") == "Dai biêu"
    assert shown("█ ✓", "cp1252") == "? ?"


def outputs_of(folder: Path) -> dict[str, str]:
    """The run's outputs (not the read cache) by name and content."""
    return {name: digest for name, digest in fingerprint(folder).items()
            if not name.startswith(".dhtt-cache")}


@pytest.mark.slow  # two whole runs per stage
@pytest.mark.parametrize(("where", "stage"), [("excel_pipeline.write.report", "write_report"),
                                             ("excel_pipeline.deliver.delivery", "deliver")])
def test_a_run_stopped_before_the_end_replaces_none_of_the_previous_outputs(
        inbox, tmp_path, monkeypatch, where, stage):
    import importlib

    module = importlib.import_module(where)  # the pipeline imports it where it calls it
    out, feedback = tmp_path / "out", tmp_path / "ph"
    args = (str(inbox), "--out", str(out), "--feedback", str(feedback))
    assert run_cli(*args, "--as-of", AS_OF)[0] == 1
    before = outputs_of(out), outputs_of(feedback)
    real = getattr(module, stage)

    def stopped(*call_args, **kwargs):  # the workbooks (and feedback) are written by now
        real(*call_args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(module, stage, stopped)
    code, _, stderr = run_cli(*args, "--as-of", "2025-04-30")  # a run with other results
    assert code == 130 and "Chưa ghi tệp kết quả nào" in stderr
    assert (outputs_of(out), outputs_of(feedback)) == before  # no temporary file left either

@pytest.mark.slow

def test_an_output_held_open_by_excel_keeps_the_old_file_and_names_the_new_one(
        inbox, tmp_path, monkeypatch):
    from excel_pipeline.write import atomic

    out = tmp_path / "out"
    assert run_cli(str(inbox), "--out", str(out), "--as-of", AS_OF)[0] == 1
    old = (out / "tong-hop.xlsx").read_bytes()
    real_replace = os.replace

    def excel_holds_it(source, target):  # what Windows does while Excel has the file open
        if Path(target).name == "tong-hop.xlsx":
            raise PermissionError(13, "The process cannot access the file")
        real_replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", excel_holds_it)
    code, stdout, stderr = run_cli(str(inbox), "--out", str(out), "--as-of", "2025-04-30")
    assert code == 1
    new = out / "tong-hop (2).xlsx"
    assert stdout.strip().splitlines()[-1] == str(new)
    assert "tong-hop.xlsx đang được chương trình khác mở" in stderr and str(new) in stderr
    assert (out / "tong-hop.xlsx").read_bytes() == old
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["workbook"] == new.as_posix() and report["as_of"] == "2025-04-30"
    assert not list(out.glob(".tong-hop-*"))


@pytest.mark.slow  # whole runs
def test_the_example_inbox_is_used_only_without_an_argument_and_says_so(inbox, tmp_path):
    code, stdout, _ = run_cli("--out", str(tmp_path / "mau"), "--as-of", AS_OF)
    assert code == 1 and stdout.startswith("Lưu ý: DỮ LIỆU MẪU")
    report = json.loads((tmp_path / "mau" / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["example"] is True
    import openpyxl
    book = openpyxl.load_workbook(tmp_path / "mau" / "tong-hop.xlsx", read_only=True)
    assert "DỮ LIỆU MẪU" in book.properties.title
    code, stdout, _ = run_cli(str(inbox), "--out", str(tmp_path / "that"), "--as-of", AS_OF)
    assert "DỮ LIỆU MẪU" not in stdout
    report = json.loads((tmp_path / "that" / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["example"] is False


@pytest.mark.slow  # a whole run in a subprocess
def test_a_reader_that_stops_reading_does_not_turn_a_result_into_a_crash(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "excel_pipeline", "--out",
                                str(tmp_path / "out"), "--as-of", AS_OF], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # as `dhtt-merge … | head -1` does once it has its line
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr.decode("utf-8", "replace")
    assert b"Traceback" not in stderr and "Lỗi của chương trình".encode() not in stderr
    assert (tmp_path / "out" / "tong-hop.xlsx").exists()
