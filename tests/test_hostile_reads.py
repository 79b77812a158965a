"""A careless or hostile file costs that file only: it is rejected with its name and reason, and
every other unit is consolidated. Each case through the real command, on files built part by
part (`hostile_books`)."""

from __future__ import annotations

import json
import multiprocessing
import sys
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


def assert_rejected(report: dict, path: str, *words: str) -> dict:
    """The file is rejected, its reason says `words`, and an UNREADABLE_FILE finding names it."""
    entry = file_entry(report, path)
    assert entry["status"] == "rejected", entry
    assert all(word in entry["reason"] for word in words), entry["reason"]
    assert [f["file"] for f in report["findings"] if f["code"] == "UNREADABLE_FILE"] == [path]
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
    assert_rejected(report, "C09.xlsx", "XFD1048576", "quá lớn")
    assert_good_units_merged(report, GOOD)


def test_a_shared_strings_table_that_lies_about_its_size_is_rejected(tmp_path, make_unit):
    good_units(make_unit, GOOD)
    lying_shared_strings(tmp_path / "inbox" / "C09.xlsx")
    code, report, _ = merged(tmp_path / "inbox", tmp_path / "out")
    assert code == 1
    assert_rejected(report, "C09.xlsx", "4.000.000.000 chuỗi")
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
    assert "memory allocation" not in output  # the reader's own report stays in the worker
    assert code == 1
    entry = assert_rejected(report, "C50.xlsx", "dừng đột ngột")
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


# --- The read cache and the row blocks are data, verified -------------------------------------

class _Planted:
    """Unpickling this creates the folder named: what a crafted cache entry would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return os.mkdir, (str(self.marker),)


def essentials(report: dict) -> tuple:
    return (report["rows"], report["units"],
            sorted((f["code"], f.get("unit"), f.get("file"), f.get("row"), f["message"])
                   for f in report["findings"]),
            sorted((f["path"], f["status"], f.get("reason"), f.get("sha256"))
                   for f in report["files"]))


def test_a_crafted_pickle_in_the_cache_is_never_run(tmp_path, make_unit):
    import pickle

    good_units(make_unit, GOOD)
    out = tmp_path / "out"
    _, first, _ = merged(tmp_path / "inbox", out)
    cache = out / ".dhtt-cache"
    entries = sorted(cache.glob("*.entry"))
    assert len(entries) == len(GOOD)
    marker = tmp_path / "ran"
    crafted = pickle.dumps(_Planted(marker))
    for entry in entries:  # where this version looks, and where earlier ones looked
        entry.write_bytes(crafted)
        entry.with_suffix(".pickle").write_bytes(crafted)
    (cache / "rows.index").write_bytes(crafted)
    # The last report gone, the run cannot answer «nothing changed» and reads with the cache.
    (out / "tong-hop.json").unlink()
    _, again, _ = merged(tmp_path / "inbox", out)
    assert not marker.exists()
    assert essentials(again) == essentials(first)
    assert not list(cache.glob("*.pickle"))  # removed, never read

@pytest.mark.slow

def test_a_swapped_or_edited_cache_entry_is_read_again(tmp_path, make_unit):
    """BB01's entry under BB02's name, or an entry edited at the same length, is not used: the
    run equals one without the cache."""
    import hashlib

    good_units(make_unit, GOOD)
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    merged(inbox, out)
    cache = out / ".dhtt-cache"

    def entry_of(code: str) -> Path:
        sha = hashlib.sha256((inbox / f"{code}.xlsx").read_bytes()).hexdigest()
        [entry] = cache.glob(f"*-{sha}.entry")
        return entry

    first, second = entry_of("C01"), entry_of("C02")
    one, two = first.read_bytes(), second.read_bytes()
    first.write_bytes(two)
    second.write_bytes(one)
    edited = bytearray(entry_of("C03").read_bytes())
    edited[-5] ^= 0x01
    entry_of("C03").write_bytes(bytes(edited))
    (out / "tong-hop.json").unlink()  # a full run, which reads the cache
    _, cached, _ = merged(inbox, out)
    fresh = CliRunner().invoke(main, [str(inbox), "--out", str(tmp_path / "fresh"), "--as-of",
                                      AS_OF, "--no-cache"])
    assert fresh.exit_code in (0, 1)
    report = json.loads((tmp_path / "fresh" / "tong-hop.json").read_text(encoding="utf-8"))
    assert essentials(cached) == essentials(report)
    assert_good_units_merged(cached, GOOD)
    assert entry_of("C01").read_bytes() != two  # rewritten from C01's own bytes


@pytest.mark.skipif(not inbox_stage.ISOLATED or not sys.platform.startswith("linux"),
                    reason="no memory limit for readers here")
def test_a_file_needing_more_memory_than_allowed_is_rejected(tmp_path, make_unit):
    """16 million cells (within the cell limit) need far more than the 64 MB a reader is given
    by this campaign: that file is rejected, the small ones are read under the same limit."""
    good_units(make_unit, GOOD)
    far = '<row r="1000"><c r="XFD1000"><v>1</v></c></row>'
    write_book(tmp_path / "inbox" / "C09.xlsx", sheet_xml(delegate_rows(["Nguyễn Văn An"]),
                                                          extra=far),
               dimension="A1:XFD1000")
    config = tmp_path / "dot.toml"
    preset = Path(__file__).parent.parent / "excel_pipeline" / "presets" / "bau-bang-2025.toml"
    config.write_text(preset.read_text(encoding="utf-8") + "\n[limits]\nmax_read_memory_mb = 64\n",
                      encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "inbox"), "--out", str(tmp_path / "out"),
                                       "--as-of", AS_OF, "--campaign", str(config)])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "out" / "tong-hop.json").read_text(encoding="utf-8"))
    entry = file_entry(report, "C09.xlsx")
    assert entry["status"] == "rejected"
    assert "bộ nhớ" in entry["reason"], entry["reason"]
    assert_good_units_merged(report, GOOD)


@pytest.mark.parametrize("far", [
    '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',  # letters the reader also takes
    "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",  # the other quote
    '<row\tr="1048576"><c\tr="XFD1048576"><v>1</v></c></row>',  # a tab before the attribute
    '<row r="1048576"><c><v>1</v></c></row><row r="2"><c r="XFD2"><v>1</v></c></row>',
])
@pytest.mark.parametrize("dimension", ["A1", "A1:E2", "A1:H20001"])
def test_every_spelling_of_a_far_cell_is_measured(tmp_path, far, dimension):
    """The farthest row and the widest column may come from different cells: the rectangle the
    reader builds spans both."""
    path = write_book(tmp_path / "C09.xlsx", sheet_xml(delegate_rows(["An"]), extra=far),
                      dimension=dimension)
    with pytest.raises(screen_stage.Refused, match="XFD1048576"):
        screen_stage.screen(path.read_bytes())


def test_cells_a_little_beyond_a_stale_declared_range_are_read(tmp_path):
    far = '<row r="30"><c r="AB30"><v>1</v></c></row>'
    path = write_book(tmp_path / "C09.xlsx", sheet_xml(delegate_rows(["An"]), extra=far),
                      dimension="A1:E2")
    assert screen_stage.screen(path.read_bytes()) == "xlsx"
