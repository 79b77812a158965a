"""A careless or hostile file costs that file only: it is rejected with its name and reason, and
every other unit is consolidated. Each case through the real command, on files built part by
part (`hostile_books`)."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.ingest import inbox as inbox_stage
from excel_pipeline.ingest import screen as screen_stage
from tests.conftest import delegate
from tests.hostile_books import SST_HEAD, delegate_rows, sheet_xml, write_book

AS_OF = "2025-03-31"
GOOD = {"C01": 2, "C02": 3, "C03": 1}


def good_units(make_unit, counts: dict[str, int]) -> None:
    for code, count in counts.items():
        make_unit(code, [delegate(f"Người {code} {n}") for n in range(count)])


def merged(inbox: Path, out: Path) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    return result.exit_code, report, result.output


def file_entry(report: dict, path: str) -> dict:
    [entry] = [item for item in report["files"] if item["path"] == path]
    return entry


def assert_good_units_merged(report: dict, counts: dict[str, int]) -> None:
    for code, count in counts.items():
        assert report["units"][code]["delegates"] == count, code
    assert report["rows"]["delegates"]["accepted"] == sum(counts.values())


def lying_dimension(path: Path) -> Path:
    """11 KB that declare one cell and hold one at XFD1048576: the reader would allocate the
    whole rectangle, 17 billion cells."""
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return write_book(path, sheet_xml(delegate_rows(["Nguyễn Văn An"]), extra=far),
                      dimension="A1")


def lying_shared_strings(path: Path) -> Path:
    """A shared-strings table that declares 4 billion strings and holds one: the reader
    reserves 96 GB for them before reading any."""
    sst = (SST_HEAD.format(count=1).replace('uniqueCount="1"', 'uniqueCount="4000000000"')
           + "<si><t>x</t></si></sst>").encode()
    return write_book(path, sheet_xml(delegate_rows(["Nguyễn Văn An"])), dimension="A1:E2",
                      shared_strings=sst)


def test_a_sheet_whose_cells_lie_about_its_size_is_rejected_by_name(tmp_path, make_unit):
    good_units(make_unit, GOOD)
    lying_dimension(tmp_path / "inbox" / "C09.xlsx")
    code, report, _ = merged(tmp_path / "inbox", tmp_path / "out")
    assert code == 1
    entry = file_entry(report, "C09.xlsx")
    assert entry["status"] == "rejected"
    assert "XFD1048576" in entry["reason"] and "quá lớn" in entry["reason"]
    assert_good_units_merged(report, GOOD)


def test_a_shared_strings_table_that_lies_about_its_size_is_rejected(tmp_path, make_unit):
    good_units(make_unit, GOOD)
    lying_shared_strings(tmp_path / "inbox" / "C09.xlsx")
    code, report, _ = merged(tmp_path / "inbox", tmp_path / "out")
    assert code == 1
    entry = file_entry(report, "C09.xlsx")
    assert entry["status"] == "rejected" and "4.000.000.000 chuỗi" in entry["reason"]
    assert_good_units_merged(report, GOOD)


@pytest.mark.skipif(not inbox_stage.ISOLATED or multiprocessing.get_start_method() != "fork",
                    reason="the patched screen reaches the workers only when they are forked")
def test_a_file_that_kills_its_reader_costs_that_file_only(tmp_path, make_unit, monkeypatch):
    """The screen let through (patched out), the hostile table reaches python-calamine in a
    worker, which aborts: among more files than the pool's threshold the run still writes
    everything, the killer rejected by name and every other unit consolidated."""
    monkeypatch.setattr(screen_stage, "_check_shared_strings", lambda *args: None)
    counts = {f"C{number:02d}": 1 + number % 3 for number in range(1, 18)}
    good_units(make_unit, counts)
    lying_shared_strings(tmp_path / "inbox" / "C50.xlsx")
    code, report, output = merged(tmp_path / "inbox", tmp_path / "out")
    assert code == 1
    entry = file_entry(report, "C50.xlsx")
    assert entry["status"] == "rejected" and "dừng đột ngột" in entry["reason"]
    assert entry["sha256"]
    assert_good_units_merged(report, counts)
    assert (tmp_path / "out" / "tong-hop.xlsx").is_file()


@pytest.mark.slow
def test_a_sheet_at_the_cell_limit_in_a_legacy_font_is_read_within_bounds(tmp_path, make_unit):
    """1,220 rows by 16,384 columns, just under the 20 million cells allowed, typed in .VnTime:
    the font pass streams the cells present instead of building all 20 million (6 GB)."""
    good_units(make_unit, GOOD)
    names = ["NguyÔn V¨n An", "TrÇn ThÞ B×nh"]
    far = '<row r="1220"><c r="XFD1220"><v>1</v></c></row>'
    write_book(tmp_path / "inbox" / "C09.xlsx", sheet_xml(delegate_rows(names), style=1,
                                                          extra=far),
               dimension="A1:XFD1220", font=".VnTime")
    _, report, _ = merged(tmp_path / "inbox", tmp_path / "out")
    entry = file_entry(report, "C09.xlsx")
    assert entry["status"] == "accepted", entry
    assert not any("phông chữ" in note for note in entry.get("notes", [])), entry
    assert_good_units_merged(report, GOOD)
    legacy = [f for f in report["findings"] if f["code"] == "LEGACY_ENCODING"]
    assert [f["file"] for f in legacy] == ["C09.xlsx"]


def test_links_out_of_the_inbox_are_listed_not_followed(tmp_path, make_unit):
    """A link in the inbox to a workbook elsewhere (another unit's, another year's) is not that
    unit's submission: listed as skipped with the reason, its data nowhere."""
    good_units(make_unit, GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "nested").mkdir()
    outside = make_unit("C77", [delegate("Người ngoài")], name="../elsewhere/C77.xlsx")
    make_unit("C78", [delegate("Người ngoài 2")], name="../elsewhere/nested/C78.xlsx")
    inbox = tmp_path / "inbox"
    try:
        (inbox / "C77.xlsx").symlink_to(outside)
        (inbox / "thu-muc").symlink_to(elsewhere / "nested", target_is_directory=True)
    except OSError:
        pytest.skip("this system does not allow symbolic links")
    code, report, _ = merged(inbox, tmp_path / "out")
    assert code in (0, 1)
    for path in ("C77.xlsx", "thu-muc"):
        entry = file_entry(report, path)
        assert entry["status"] == "skipped" and "ngoài thư mục hồ sơ" in entry["reason"], entry
    assert "C77" not in report["units"] and "C78" not in report["units"]
    assert_good_units_merged(report, GOOD)
