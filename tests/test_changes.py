"""What changed since the last run into the same output folder: on screen, in a «Thay đổi»
sheet and in the JSON's `changes`."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.ingest.examples import example_inbox


def run(inbox, out, *extra):
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", "2025-03-31",
                                       *extra])
    assert result.exit_code in (0, 1), result.output
    return result.stdout, json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))


@pytest.mark.slow  # whole runs
def test_the_first_run_says_so_and_the_next_says_what_changed(tmp_path):
    inbox, out = tmp_path / "hộp thư", tmp_path / "out"
    shutil.copytree(example_inbox(), inbox)
    stdout, report = run(inbox, out)
    assert report["changes"] == {"first_run": True, "reason": "chưa có kết quả lần chạy trước "
                                                              "trong thư mục này"}
    assert "Thay đổi: lần chạy đầu tiên" in stdout
    broken = report["findings"]
    (inbox / "thang-3" / "BB09.xlsx").unlink()  # a unit's file taken out
    (inbox / "BB04-dinh-kem-hong.xlsx").unlink()  # the corrupt attachment removed
    shutil.copy(inbox / "BB03.xlsx", inbox / "BB03-gui-lai.xlsx")  # a unit sends again

    stdout, report = run(inbox, out)
    changes = report["changes"]
    assert changes["first_run"] is False
    assert changes["files"] == {"new": ["BB03-gui-lai.xlsx"], "replaced": [],
                                "removed": ["BB04-dinh-kem-hong.xlsx", "thang-3/BB09.xlsx"]}
    assert {"unit": "BB09", "before": "đã gửi", "after": "chưa gửi"} in changes["units"]
    resolved = [f["code"] for lists in changes["findings"].values() for f in lists["resolved"]]
    new = [f["code"] for lists in changes["findings"].values() for f in lists["new"]]
    assert "UNREADABLE_FILE" in resolved and "DUPLICATE_SUBMISSION" in new
    assert len(resolved) == len([f for f in broken if f not in report["findings"]])
    assert "Thay đổi so với lần chạy trước: 1 tệp mới, 0 tệp được thay, 2 tệp không còn" \
        in stdout and "  BB09: đã gửi → chưa gửi" in stdout
    sheet = openpyxl.load_workbook(out / "tong-hop.xlsx")["Thay đổi"]
    rows = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ("Tệp mới", None, "BB03-gui-lai.xlsx", None) in rows
    assert ("Đơn vị đổi tình trạng", "BB09", "đã gửi → chưa gửi", None) in rows
    assert any(row[0] == "Phát hiện đã hết" and row[3] == "UNREADABLE_FILE" for row in rows)

    stdout, _ = run(inbox, out)  # nothing changed since: the outputs on disk are the answer
    assert "Không có gì thay đổi kể từ lần chạy trước" in stdout
    stdout, report = run(inbox, out, "--no-cache")  # asked to work again: it says so too
    assert report["changes"]["files"] == {"new": [], "replaced": [], "removed": []}
    assert report["changes"]["units"] == [] and report["changes"]["findings"] == {}
    rows = list(openpyxl.load_workbook(out / "tong-hop.xlsx")["Thay đổi"].iter_rows(
        min_row=2, values_only=True))
    assert rows == [("Không có thay đổi", None, "Kết quả giống lần chạy trước.", None)]
