"""A .zip in the inbox is opened in memory: each workbook inside is a file of its own."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from excel_pipeline.cli import main
from tests.official_forms import official_delegate_list


def run(inbox: Path, out: Path) -> dict:
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", "2025-03-31"])
    assert result.exit_code in (0, 1), result.output
    return json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))


def test_two_units_in_one_attachment_are_both_read(tmp_path):
    first = official_delegate_list(tmp_path / "src" / "BB01.xlsx", code="BB01")
    second = official_delegate_list(tmp_path / "src" / "BB02.xlsx", code="BB02",
                                    name="CĐCS Công ty Gỗ")
    inbox = tmp_path / "hộp thư"
    inbox.mkdir()
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.write(second, "BB02.xlsx")
    with zipfile.ZipFile(inbox / "hồ sơ.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(first, "Đơn vị 1/BB01.xlsx")
        archive.writestr("thêm.zip", inner.getvalue())
        archive.writestr("ghi chú.txt", "xin gửi")
    (inbox / "cũ.rar").write_bytes(b"Rar!\x1a\x07\x00")
    report = run(inbox, tmp_path / "out")
    files = {entry["path"]: entry for entry in report["files"]}
    assert files["hồ sơ.zip › Đơn vị 1/BB01.xlsx"]["status"] == "accepted"
    assert files["hồ sơ.zip › Đơn vị 1/BB01.xlsx"]["unit"] == "BB01"
    assert files["hồ sơ.zip › thêm.zip › BB02.xlsx"]["unit"] == "BB02"
    assert files["hồ sơ.zip"]["status"] == "skipped"
    assert files["hồ sơ.zip › ghi chú.txt"]["status"] == "skipped"
    assert "RAR" in files["cũ.rar"]["reason"] and files["cũ.rar"]["status"] == "skipped"
    assert report["rows"]["delegates"]["accepted"] == 14
    assert not [f for f in report["findings"] if f["code"] == "MISSING_SUBMISSION"]


def test_an_archive_built_to_exhaust_memory_is_refused_unopened(tmp_path):
    inbox = tmp_path / "in"
    official_delegate_list(inbox / "BB01.xlsx")
    with zipfile.ZipFile(inbox / "bom.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("to.xlsx", b"\0" * (8 * 1024 * 1024))
    report = run(inbox, tmp_path / "out")
    [bomb] = [entry for entry in report["files"] if entry["path"] == "bom.zip"]
    assert bomb["status"] == "rejected" and "bom giải nén" in bomb["reason"]
    assert [entry["path"] for entry in report["files"]] == ["BB01.xlsx", "bom.zip"]
