"""Golden outputs of the bundled example inbox: what a fresh run must still produce.

A refactor must not change what an officer receives. This module runs the real command on the
example inbox (fixed `--as-of`, with `--feedback`) and reduces every output to plain values:
`tong-hop.json` without the fields that name this machine's folders, and every sheet of
`tong-hop.xlsx`, `gui-cap-tren.xlsx` and each feedback workbook read back cell by cell. The
committed snapshots live in `tests/golden/`; `test_golden.py` compares a fresh run with them.

Regenerate them, after a change that is meant to change the outputs, with:

    python -m tests.golden_outputs

and read the diff of `tests/golden/` before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from excel_pipeline.cli import main

GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2025-03-31"


def run_example(out: Path, feedback: Path) -> int:
    """Run the command as an officer would on the example inbox; its exit status."""
    result = CliRunner().invoke(main, ["--out", str(out), "--as-of", AS_OF,
                                       "--feedback", str(feedback), "--no-cache"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def snapshots(out: Path, feedback: Path) -> dict[str, Any]:
    """Golden file name -> its content, for the outputs of one run."""
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = {"golden-tong-hop.json": _stable(report, {str(out): "OUT",
                                                                      str(feedback): "FEEDBACK"})}
    found["golden-tong-hop.xlsx.json"] = workbook_values(out / "tong-hop.xlsx")
    found["golden-gui-cap-tren.xlsx.json"] = workbook_values(out / "gui-cap-tren.xlsx")
    for path in sorted(feedback.glob("*.xlsx")):
        found[f"golden-phan-hoi-{path.name}.json"] = workbook_values(path)
    return found


def workbook_values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cells as values, row by row (dates as ISO text)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {sheet.title: [[_plain(value) for value in row]
                              for row in sheet.iter_rows(values_only=True)]
                for sheet in book.worksheets}
    finally:
        book.close()


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _stable(value: Any, folders: dict[str, str]) -> Any:
    """The report with this run's folders named by role (OUT, FEEDBACK) instead of by path."""
    if isinstance(value, dict):
        return {key: _stable(item, folders) for key, item in value.items()}
    if isinstance(value, list):
        return [_stable(item, folders) for item in value]
    if isinstance(value, str):
        for folder, name in folders.items():
            if value.startswith(folder):
                return name + value[len(folder):].replace("\\", "/")
    return value


def dump(content: Any) -> str:
    return json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def regenerate(work: Path) -> list[Path]:
    """Run the example and write the golden files afresh (removing stale ones)."""
    run_example(work / "out", work / "feedback")
    GOLDEN.mkdir(exist_ok=True)
    for stale in GOLDEN.glob("golden-*"):
        stale.unlink()
    written = []
    for name, content in snapshots(work / "out", work / "feedback").items():
        (GOLDEN / name).write_text(dump(content), encoding="utf-8")
        written.append(GOLDEN / name)
    return written


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for path in regenerate(Path(folder)):
            print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    sys.exit(0)
