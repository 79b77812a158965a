"""132 spreadsheets written by many programs (../shared/corpus, calamine's test files): an inbox
holding all of them never crashes the command, and every file gets its true status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner

from excel_pipeline.cli import main
from tests.conftest import REPO

CORPUS = REPO.parent / "shared" / "corpus" / "calamine-tests"


def readable(path: Path) -> bool:
    """Whether python-calamine opens the file and reads every worksheet of it."""
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for sheet in book.sheets_metadata:
            if str(sheet.typ).endswith("WorkSheet"):
                book.get_sheet_by_name(sheet.name).to_python()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_every_file_of_the_corpus_gets_its_true_status(tmp_path):
    inbox = tmp_path / "hộp thư"
    shutil.copytree(CORPUS, inbox)
    result = CliRunner().invoke(main, [str(inbox), "--out", str(tmp_path / "out"),
                                       "--as-of", "2025-03-31"])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "out" / "tong-hop.json").read_text(encoding="utf-8"))
    files = {entry["path"]: entry for entry in report["files"]}
    assert sorted(files) == sorted(p.name for p in inbox.iterdir())
    assert len(report["files"]) == len(files)
    reason = {name: entry["reason"] or "" for name, entry in files.items()}
    for name in ("pass_protected.ods", "pass_protected.xlsx", "pass_protected.xlsb",
                 "issue_385.xls"):
        assert "mật khẩu" in reason[name], name
    for name in ("issue_174.xlsx", "issue_594_dos.ods"):
        assert "quá lớn" in reason[name], name
    wrongly_corrupt = [name for name in files
                       if "hỏng" in reason[name] and readable(inbox / name)]
    assert wrongly_corrupt == []
    for name in ("biff5_write.xls", "issue_530.xlsx", "minimal_package.xlsx", "any_sheets.xlsb",
                 "gh548_incorrect_sst_unique_count.xls"):  # read, and found to be no form of ours
        assert reason[name] == "Không nhận ra trang tính nào theo mẫu", name
    hidden = files["any_sheets.xlsx"]["notes"]
    assert "Trang «Hidden» không đọc: trang ẩn (danh mục, trang phụ của mẫu)" in hidden
