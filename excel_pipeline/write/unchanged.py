"""When nothing changed, the outputs already on disk are the answer.

A run is a function of the inbox's bytes, the campaign, the options, the day it counts from and
the program. Their digest (the run key) is recorded in tong-hop.json with the digest of every
workbook the run wrote. The next run into the same folder computes the key first (it reads no
workbook to do so: it hashes the files' bytes); when the report holds the same key and every
recorded output still has its recorded digest, the run rewrites nothing and says so. Anything
else (a changed byte, an output edited or missing, another option, a new version) is a full run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..ingest.discover import discover
from ..ingest.examples import inbox_and_day

# The program is part of the key: its version, and the size and time of each of its source
# files, so a development build that did not change its version is not taken for the last one.
_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Previous:
    """A previous run whose outputs are verified to be what the same run would write now, and
    how many findings of each severity it had."""

    report: Path
    workbook: Path
    upward: Path | None
    counts: dict[str, int]

    @property
    def exit_code(self) -> int:
        return 1 if self.counts.get("error", 0) else 0


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def run_key(inbox: Path, outputs: tuple[Path, ...], facts: Mapping[str, Any]) -> str:
    """The digest of everything a run's result depends on: every file of the inbox (its path
    and bytes, skipped ones included, as the report lists them), the `facts` (campaign, day,
    options, the ledger's awards) and the program."""
    digest = hashlib.sha256()
    digest.update(json.dumps(facts, sort_keys=True, default=str, ensure_ascii=False).encode())
    digest.update(_program().encode())
    for item in discover(inbox, outputs):
        digest.update(item.relpath.encode() + b"\0")
        if item.path.is_file() and not item.path.is_symlink():
            digest.update(file_digest(item.path).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def run_facts(campaign: object, as_of: dt.date, example: bool, units_file: Path | None,
              awards: list[dict[str, Any]] | None) -> dict[str, Any]:
    """What of the options a result depends on, besides the inbox's bytes: the campaign (all
    its settings), the day, whether the bundled example was used, the --units file's bytes,
    the ledger's awards."""
    return {"campaign": repr(campaign), "as_of": as_of, "example": example,
            "units": file_digest(units_file) if units_file and units_file.is_file() else None,
            "awards": awards}


def quick_check(inbox: Path | None, campaign: Any, out_dir: Path,
                as_of: dt.date | None) -> tuple[str, Previous | None]:
    """The command's own check, before it loads the pipeline, for a run that only consolidates
    (no --units, ledger, delivery or documents, which the caller rules out): the run key, and
    the last run into `out_dir` when it was this very run. The key goes on to the pipeline
    (`RunOptions.key`), so the inbox is hashed once; `pipeline.prepare` makes the same check
    for library callers."""
    folder, day = inbox_and_day(inbox, campaign, as_of)
    key = run_key(folder, (out_dir,), run_facts(campaign, day, inbox is None, None, None))
    report = out_dir / "tong-hop.json"
    return key, verified_previous(report, key) if report.is_file() else None


def outputs_block(key: str, written: Iterable[tuple[str, Path]],
                  severities: Iterable[str] = ()) -> dict[str, Any]:
    """What tong-hop.json records of this run: its key, each output's digest by the name the
    output has in the folder (`written` gives the name and where its bytes are now), and how
    many findings of each severity it had (`severities`: one per finding), which is all the
    next run needs to say when nothing changed."""
    return {"key": key, "version": __version__,
            "outputs": {name: file_digest(path) for name, path in written},
            "findings": _counted(severities)}


def verified_previous(report: Path, key: str) -> Previous | None:
    """The previous run in `report`'s folder, when it was this very run and its outputs are
    intact; None otherwise (never an exception: anything doubtful means a full run).

    The run block is the report's first key (`write.report.write_report`) and is read from the
    report's first bytes: a report of tens of thousands of findings takes most of a second to
    parse, for nothing when the key differs, and for nothing when it is the same. A report
    without it there (an older one) is read whole."""
    try:
        block = _run_block(report)
        if block is not None and block.get("key") != key:
            return None
        if block is None or "findings" not in block:
            document = json.loads(report.read_text(encoding="utf-8"))
            block = document.get("run") or {}
            if block.get("key") != key:
                return None
            counts = _counted(f.get("severity", "info") for f in document.get("findings", []))
        else:
            counts = {str(name): int(count) for name, count in block["findings"].items()}
        recorded: dict[str, str] = block["outputs"]
        for name, digest in recorded.items():
            if file_digest(report.parent / name) != digest:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    names = set(recorded)
    workbook = report.parent / "tong-hop.xlsx"
    if workbook.name not in names:
        return None
    upward = report.parent / "gui-cap-tren.xlsx"
    return Previous(report, workbook, upward if upward.name in names else None, counts)


# The report's start when it begins with the run block (`write.report.write_report`).
_RUN_AT_START = re.compile(rb'\{\s*"run":\s*')
# The run block is a key, a version and two digests: well within the report's first bytes.
_HEAD = 4096


def _run_block(report: Path) -> dict[str, Any] | None:
    """The run block at the start of `report`, parsed from its first bytes alone; None when
    the report does not start with one (or it does not fit them): then it is read whole."""
    with report.open("rb") as stream:
        head = stream.read(_HEAD)
    found = _RUN_AT_START.match(head)
    if found is None:
        return None
    try:
        block, _ = json.JSONDecoder().raw_decode(head.decode("utf-8", "replace"), found.end())
    except ValueError:
        return None
    return block if isinstance(block, dict) else None


def _counted(severities: Iterable[str]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for severity in severities:
        counts[severity] = counts.get(severity, 0) + 1
    return counts


def previous_lines(previous: Previous) -> list[str]:
    """What the screen says of a run that found nothing to do."""
    counts = previous.counts
    return [
        "Không có gì thay đổi kể từ lần chạy trước vào thư mục này (cùng các tệp hồ sơ, đợt thi "
        "đua, tùy chọn, ngày tính và phiên bản chương trình): kết quả cũ đã được kiểm tra "
        "nguyên vẹn, không ghi lại.",
        f"Phát hiện (như lần trước): {counts.get('error', 0)} lỗi, "
        f"{counts.get('warning', 0)} cảnh báo, {counts.get('info', 0)} thông tin "
        "(xem trang «Phát hiện»).",
    ]


def _program() -> str:
    parts = [__version__]
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml", ".docx", ".mo") and "__pycache__" not in path.parts:
            stat = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE).as_posix()}:{stat.st_size}:"
                         f"{stat.st_mtime_ns}")
    return "\n".join(parts)
