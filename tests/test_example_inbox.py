"""The bundled example inbox: runs by default, shows its deliberate faults, and is reproducible."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.ingest.examples import example_inbox
from tests.conftest import REPO


def test_plain_command_uses_the_example_inbox(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--out", str(out), "--as-of", "2025-03-31"])
    assert result.exit_code == 1, result.output  # the example carries deliberate errors
    assert result.stdout.strip().splitlines()[-1] == str(out / "tong-hop.xlsx")
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    codes = {(f["code"], f["unit"]) for f in report["findings"]}
    assert {("UNKNOWN_UNIT", "BB99"), ("DUPLICATE_SUBMISSION", "BB07"),
            ("MISSING_SUBMISSION", "BB08"), ("SCHEMA", "BB09")} <= codes
    assert any(f["code"] == "UNREADABLE_FILE" for f in report["findings"])
    status = {f["path"]: f["status"] for f in report["files"]}
    assert status["~$BB01.xlsx"] == "skipped" and status["ghi-chu.txt"] == "skipped"
    assert status["BB07-ban-dau.xlsx"] == "superseded"
    # BB10 typed headers without diacritics and names in NFD: still read whole.
    assert report["units"]["BB10"]["delegates"] == 26
    for counts in report["rows"].values():
        assert counts["read"] == counts["accepted"] + counts["rejected"] + counts["superseded"]


def _cells(folder: Path) -> dict[str, object]:
    cells: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.suffix != ".xlsx" or path.name.startswith("~$") or "hong" in path.name:
            cells[relative] = path.read_bytes() if path.is_file() else None
            continue
        book = openpyxl.load_workbook(path)
        cells[relative] = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}
    return cells


def test_committed_example_matches_a_fresh_generation(tmp_path):
    spec = importlib.util.spec_from_file_location("make_example",
                                                  REPO / "scripts" / "make_example_inbox.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(tmp_path / "fresh")
    assert _cells(tmp_path / "fresh") == _cells(example_inbox())


@pytest.mark.slow  # a whole run in a subprocess
def test_the_installed_command_validates_as_the_library_does(tmp_path):
    """`python -m excel_pipeline` (as `dhtt-merge`) keeps pandera from importing hypothesis;
    its findings must be those of the library in this process, where hypothesis is loaded."""
    out = tmp_path / "command"
    code = ("import runpy, sys; sys.argv = ['dhtt-merge', '--out', sys.argv[1], '--as-of', "
            "'2025-03-31']; exit_code = 0\n"
            "try:\n    runpy.run_module('excel_pipeline', run_name='__main__')\n"
            "except SystemExit as done:\n    exit_code = done.code\n"
            "print(exit_code, sys.modules.get('hypothesis', 'absent'), "
            "'pandera' in sys.modules)")
    ran = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert ran.stdout.strip().splitlines()[-1] == "1 None True"
    here = tmp_path / "here"
    assert CliRunner().invoke(main, ["--out", str(here), "--as-of", "2025-03-31"]).exit_code == 1
    assert "hypothesis" in sys.modules  # this test process loaded it (other tests use it)

    def findings(folder: Path) -> list[dict[str, object]]:
        return json.loads((folder / "tong-hop.json").read_text(encoding="utf-8"))["findings"]

    assert findings(out) == findings(here) and findings(out)
