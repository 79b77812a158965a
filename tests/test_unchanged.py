"""A run whose inputs, campaign, options, day and program are those of the last run into the
same folder, and whose outputs are intact, rewrites nothing and says so; anything else is a
full run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.ingest.examples import example_inbox
from excel_pipeline.write.unchanged import _run_block, verified_previous

# Whole runs of the command, several per test: left out of the quick set.
pytestmark = pytest.mark.slow

UNCHANGED = "Không có gì thay đổi kể từ lần chạy trước"


def merge(inbox: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", "31/03/2025",
                                       *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def stamps(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}


def test_the_same_run_again_rewrites_nothing_and_exits_as_before(tmp_path):
    inbox = tmp_path / "hồ sơ"
    shutil.copytree(example_inbox(), inbox)
    out = tmp_path / "kết quả"
    first, said = merge(inbox, out)
    assert UNCHANGED not in said
    before = stamps(out)
    again, said = merge(inbox, out)
    assert again == first == 1  # the example carries errors: the same status as the full run
    assert UNCHANGED in said and said.strip().splitlines()[-1] == str(out / "tong-hop.xlsx")
    assert stamps(out) == before  # nothing rewritten
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert set(report["run"]["outputs"]) == {"tong-hop.xlsx", "gui-cap-tren.xlsx"}
    # The run block, the findings counted, is read from the report's first bytes: the report
    # is not parsed to find another run's key, nor to say what this one found.
    assert _run_block(out / "tong-hop.json") == report["run"]
    severities = [finding["severity"] for finding in report["findings"]]
    assert report["run"]["findings"] == {name: severities.count(name)
                                         for name in ("error", "warning", "info")}
    assert verified_previous(out / "tong-hop.json", "0" * 64) is None


def test_a_changed_byte_an_edited_output_or_another_option_is_a_full_run(tmp_path):
    inbox = tmp_path / "in"
    shutil.copytree(example_inbox(), inbox)
    out = tmp_path / "out"
    merge(inbox, out)
    # An output edited (or damaged) since: the run does its work again and restores it.
    workbook = out / "tong-hop.xlsx"
    workbook.write_bytes(workbook.read_bytes() + b"x")
    _, said = merge(inbox, out)
    assert UNCHANGED not in said
    assert UNCHANGED in merge(inbox, out)[1]
    # One input's bytes changed (a file saved again by its unit).
    victim = sorted(inbox.rglob("*.xlsx"))[0]
    victim.write_bytes(victim.read_bytes() + b"\0")
    assert UNCHANGED not in merge(inbox, out)[1]
    assert UNCHANGED in merge(inbox, out)[1]
    # Another day, another campaign option, or --no-cache: a full run each time.
    assert UNCHANGED not in merge(inbox, out, "--as-of", "01/04/2025")[1]
    assert UNCHANGED not in merge(inbox, out, "--no-cache")[1]
    # A new file in the inbox.
    shutil.copy(victim, inbox / "bản sao.xlsx")
    assert UNCHANGED not in merge(inbox, out)[1]


def test_a_run_that_delivers_is_never_skipped(tmp_path):
    inbox = tmp_path / "in"
    shutil.copytree(example_inbox(), inbox)
    out = tmp_path / "out"
    merge(inbox, out)
    _, said = merge(inbox, out, "--feedback", str(tmp_path / "phản hồi"))
    assert UNCHANGED not in said and any((tmp_path / "phản hồi").iterdir())


def test_a_report_of_an_older_layout_is_read_whole_and_counted_the_same(tmp_path):
    """The run block at the end, without its counts (as the previous version wrote it): the
    report is parsed whole and its findings counted; at the start with its counts, the counts
    are taken as they are. Either way another key is no previous run."""
    from excel_pipeline.write.unchanged import file_digest, outputs_block

    workbook = tmp_path / "tong-hop.xlsx"
    workbook.write_bytes(b"workbook bytes")
    findings = [{"severity": "error"}, {"severity": "warning"}, {"severity": "warning"}]
    block = outputs_block("a" * 64, [("tong-hop.xlsx", workbook)],
                          [f["severity"] for f in findings])
    assert block["findings"] == {"error": 1, "warning": 2, "info": 0}
    report = tmp_path / "tong-hop.json"
    older = {"findings": findings, "run": {key: value for key, value in block.items()
                                           if key != "findings"}}
    newer = {"run": block, "findings": findings}
    for document in (older, newer):
        report.write_text(json.dumps(document, indent=2), encoding="utf-8")
        previous = verified_previous(report, "a" * 64)
        assert previous is not None and previous.counts == block["findings"]
        assert previous.exit_code == 1 and previous.upward is None
        assert verified_previous(report, "b" * 64) is None
    assert block["outputs"] == {"tong-hop.xlsx": file_digest(workbook)}
    workbook.write_bytes(b"edited")  # an output changed since: no previous run
    assert verified_previous(report, "a" * 64) is None
