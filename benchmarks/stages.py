"""Where a cold run's time goes: the stage table of benchmarks/RESULTS.md.

    python benchmarks/stages.py INBOX [--workers 2]

Two measurements, both in this process, both beside the read floor measured in the same run:

1. **Per file** (the work a read worker does): every input is read once more, serially, and
   the time of each step is summed over the files: hashing, screening the package,
   python-calamine's read, the legacy-font pass, recognising the sheets, parsing the rows.
   Divided by the workers (the command reads in `--workers` processes), these are the read
   stage's share of the wall time; beside them, python-calamine alone on the same files.
2. **The run** (the command's own process): `pipeline.run` cold, without the read cache, with
   each stage timed where it is called: discovering and reading the inbox (the pool's wall
   time), merging with validation, the rules one by one, allocation, each sheet's writing,
   the package, gui-cap-tren.xlsx, tong-hop.json, publishing.

Stages are found by their module and function names; one the code no longer has is left out
of the table rather than guessed at. Timing wrappers cost a few microseconds per call, nothing
against these stages. No assertion: this is a report (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# (label, module, attribute) of each step a read worker does per file.
PER_FILE = [
    ("screen the package", "excel_pipeline.ingest.read", "screen"),
    ("legacy fonts: find the marked cells", "excel_pipeline.ingest.read", "legacy_text_cells"),
    ("legacy fonts: convert", "excel_pipeline.ingest.read", "apply"),
    ("legacy fonts: unmarked text", "excel_pipeline.ingest.read", "apply_unmarked"),
    ("recognise sheets and rows", "excel_pipeline.ingest.read", "recognise"),
    ("parse the rows into typed columns", "excel_pipeline.ingest.inbox", "parse_tables"),
]

# (label, module, attribute) of each stage of the run in the command's own process. Nested
# stages are indented by their label's leading spaces.
RUN = [
    ("discover, hash, read, parse (pool wall time)", "excel_pipeline.pipeline", "read_inbox"),
    ("settle (merge, validate, set aside)", "excel_pipeline.pipeline", "settle"),
    ("  merge the files' lists", "excel_pipeline.check.settle", "merge_inbox"),
    ("    stack the parsed columns", "excel_pipeline.check.consolidate", "stack"),
    ("    validate (pandera)", "excel_pipeline.check.consolidate", "validate_frame"),
    ("allocate seats and quotas", "excel_pipeline.pipeline", "allocation_rows"),
    ("rules", "excel_pipeline.pipeline", "check_rules"),
    ("campaign fit", "excel_pipeline.pipeline", "campaign_findings"),
    ("write tong-hop.xlsx", "excel_pipeline.pipeline", "write_workbook"),
    ("  Tổng hợp (summary)", "excel_pipeline.write.workbook", "_summary_sheet"),
    ("  row sheets (delegates, nominations, registrations)", "excel_pipeline.write.workbook",
     "_rows_sheet"),
    ("  indicators", "excel_pipeline.write.workbook", "_indicator_sheet"),
    ("  allocation", "excel_pipeline.write.workbook", "_allocation_sheet"),
    ("  Phát hiện (findings)", "excel_pipeline.write.workbook", "_findings_sheet"),
    ("  rejected and superseded rows", "excel_pipeline.write.workbook", "_problem_rows_sheet"),
    ("  Nguồn (sources)", "excel_pipeline.write.workbook", "_sources_sheet"),
    ("  charts", "excel_pipeline.write.workbook", "_summary_charts"),
    ("  package (xlsxwriter close, zip with the row blocks)", "excel_pipeline.write.workbook",
     "package"),
    ("gui-cap-tren.xlsx: choose its rows", "excel_pipeline.pipeline", "upward_job"),
    ("tong-hop.json", "excel_pipeline.pipeline", "write_report"),
    ("publish (move the outputs into place)", "excel_pipeline.write.atomic", "Staging.publish"),
]


def _wrap(timings: dict[str, float], label: str, module: str, attribute: str) -> bool:
    """Replace `module.attribute` by a timed twin; False when the code has no such thing."""
    owner: Any = importlib.import_module(module)
    *parents, name = attribute.split(".")
    for parent in parents:
        owner = getattr(owner, parent, None)
    original = getattr(owner, name, None) if owner is not None else None
    if original is None:
        return False
    setattr(owner, name, _timed(timings, label, original))
    return True


def _timed(timings: dict[str, float], label: str,
           function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, its time added to `timings[label]` on every call."""
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[label] += time.perf_counter() - start

    return timed


def _wrap_rules(timings: dict[str, float]) -> list[str]:
    """Each rule of `check.rules.RULES` timed under its own name."""
    rules = importlib.import_module("excel_pipeline.check.rules")
    labels = [f"  rule {rule.__name__}" for rule in rules.RULES]
    rules.RULES = tuple(_timed(timings, label, rule)
                        for label, rule in zip(labels, rules.RULES, strict=True))
    return labels


@contextmanager
def _timed_stages(stages: list[tuple[str, str, str]],
                  with_rules: bool = False) -> Iterator[tuple[dict[str, float], list[str]]]:
    timings: dict[str, float] = defaultdict(float)
    labels = [label for label, module, attribute in stages
              if _wrap(timings, label, module, attribute)]
    if with_rules:
        at = labels.index("rules") + 1 if "rules" in labels else len(labels)
        labels[at:at] = _wrap_rules(timings)
    yield timings, labels


def read_floor(inbox: Path, workers: int) -> float:
    """read_floor.py's seconds (its own process, as the benchmark runner measures it)."""
    out = subprocess.run([sys.executable, str(HERE / "read_floor.py"), str(inbox), str(workers)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def per_file(inbox: Path) -> tuple[list[tuple[str, float]], float, float, int]:
    """Each step's seconds summed over the inbox's workbooks, read serially; the whole
    `read_one`; python-calamine alone on the same files; how many files."""
    import python_calamine

    from excel_pipeline.ingest.inbox import read_one
    from excel_pipeline.model import FileRecord

    paths = sorted(path for path in inbox.rglob("*") if path.suffix in (".xlsx", ".xlsm"))
    calamine = 0.0
    for path in paths:
        start = time.perf_counter()
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()
        calamine += time.perf_counter() - start
    hashing = 0.0
    for path in paths:
        start = time.perf_counter()
        hashlib.sha256(path.read_bytes()).hexdigest()
        hashing += time.perf_counter() - start
    with _timed_stages(PER_FILE) as (timings, labels):
        whole = 0.0
        for number, path in enumerate(paths):
            start = time.perf_counter()
            read_one(path, FileRecord(file_id=number, relpath=path.name))
            whole += time.perf_counter() - start
    steps = [("hash (sha256 of the bytes)", hashing)]
    steps += [(label, timings[label]) for label in labels]
    return steps, whole, calamine, len(paths)


def whole_run(inbox: Path) -> tuple[list[tuple[str, float]], float]:
    """Each stage's seconds in one cold run of the command's pipeline (no read cache)."""
    from excel_pipeline.campaign import load_campaign
    from excel_pipeline.pipeline import RunOptions, run

    with _timed_stages(RUN, with_rules=True) as (timings, labels), \
            tempfile.TemporaryDirectory(prefix="dhtt-stages-") as out:
        start = time.perf_counter()
        run(RunOptions(inbox, load_campaign(None), Path(out), use_cache=False))
        total = time.perf_counter() - start
    return [(label, timings[label]) for label in labels], total


def table(steps: list[tuple[str, float]], whole: float, calamine: float, files: int,
          run: list[tuple[str, float]], total: float, floor: float, workers: int) -> str:
    lines = [f"Read floor (read_floor.py, {workers} processes): {floor:.2f} s. "
             f"Cold run in this process (imports excluded): {total:.2f} s = "
             f"{total / floor:.1f} × the floor.", "",
             f"**Per file**, {files} workbooks read serially, seconds summed over the files "
             f"(÷ {workers}: the share of the wall time with {workers} read processes):", "",
             "| step | s (serial) | s ÷ workers | × read floor |", "|---|---|---|---|"]
    for label, seconds in [("python-calamine alone (the floor's work)", calamine), *steps,
                           ("whole read_one", whole)]:
        lines.append(f"| {label} | {seconds:.2f} | {seconds / workers:.2f} | "
                     f"{seconds / workers / floor:.2f} |")
    lines += ["", "**The run**, the command's own process (wall seconds; nested stages are "
              "indented and included in the stage above them):", "",
              "| stage | s | × read floor |", "|---|---|---|"]
    for label, seconds in run:
        depth = (len(label) - len(label.lstrip(" "))) // 2
        lines.append(f"| {'· ' * depth}{label.strip()} | {seconds:.2f} | {seconds / floor:.2f} |")
    lines.append(f"| whole run | {total:.2f} | {total / floor:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    floor = read_floor(args.inbox, args.workers)
    steps, whole, calamine, files = per_file(args.inbox)
    run, total = whole_run(args.inbox)
    print(table(steps, whole, calamine, files, run, total, floor, args.workers))


if __name__ == "__main__":
    main()
