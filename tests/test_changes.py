"""What changed since the last run into the same output folder: on screen, in a «Thay đổi»
sheet and in the JSON's `changes`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from types import SimpleNamespace

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.findings import Finding, sort_key
from excel_pipeline.ingest.examples import example_inbox
from excel_pipeline.pipeline import _previous_run
from excel_pipeline.write.changes import changes_since
from excel_pipeline.write.report import plain


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


def _findings_run(findings):
    """What `changes_since` reads of a consolidation: the campaign, files, units, findings."""
    return SimpleNamespace(campaign=SimpleNamespace(id="dhtt"), as_of=dt.date(2025, 3, 31),
                           files=(),
                           registry=SimpleNamespace(order=["A", "B"]),
                           findings=tuple(sorted(findings, key=sort_key)))


def _finding(row, value="x", unit="A", code="MISSING_VALUE"):
    return Finding(code, "error", f"dòng {row}", unit, "a.xlsx", "Đại biểu", row, "Họ và tên",
                   value)


def test_findings_are_compared_as_the_report_gives_them_back():
    """A finding whose value the report writes as text (a date, a numpy number) is the same
    finding when the next run finds it again; the new and resolved ones are listed in the
    runs' own order, the new ones as the report writes them."""
    kept = [_finding(2, dt.date(1980, 5, 1)), _finding(3, np.int64(7)), _finding(4, None)]
    gone = [_finding(row, unit="B") for row in range(100, 130)]
    added = [_finding(row) for row in range(200, 230)]
    before = plain([f.to_dict() for f in _findings_run([*kept, *gone]).findings])
    previous = {"campaign": "dhtt", "as_of": "2025-03-31", "files": [], "units": ["A", "B"],
                "findings": before}

    changes = changes_since(previous, _findings_run([*kept, *added]))

    assert set(changes["findings"]) == {"A", "B"}
    assert changes["findings"]["A"]["resolved"] == []
    assert changes["findings"]["A"]["new"] == [plain(f.to_dict()) for f in added]
    assert [f["row"] for f in changes["findings"]["B"]["resolved"]] == list(range(100, 130))
    assert changes["findings"]["B"]["new"] == []


def test_a_report_missing_a_key_is_still_compared():
    """A report of another version: a key it lacks counts as None."""
    old = plain(_finding(5).to_dict())
    del old["value"]
    previous = {"campaign": "dhtt", "files": [], "units": ["A"], "findings": [old]}
    changes = changes_since(previous, _findings_run([_finding(5, None)]))
    assert changes["findings"] == {}


def test_the_last_report_is_read_even_where_only_json_reads_it(tmp_path):
    """json writes a NaN it is given, and orjson does not read it: the last run's report is
    then read by json, not taken for unreadable."""
    path = tmp_path / "tong-hop.json"
    path.write_text('{"campaign": "dhtt", "as_of": "2025-03-31", "files": [], "units": {}, '
                    '"findings": [{"code": "X", "value": NaN}]}', encoding="utf-8")
    facts, why = _previous_run(path)
    assert why is None and facts is not None and facts["findings"][0]["code"] == "X"
    path.write_text("{", encoding="utf-8")
    assert _previous_run(path) == (None, "không đọc được tong-hop.json của lần chạy trước")
