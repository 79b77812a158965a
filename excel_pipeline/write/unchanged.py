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
    """A previous run whose outputs are verified to be what the same run would write now."""

    report: Path
    workbook: Path
    upward: Path | None
    document: dict[str, Any]

    @property
    def exit_code(self) -> int:
        return 1 if any(f.get("severity") == "error"
                        for f in self.document.get("findings", [])) else 0


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


def outputs_block(key: str, written: Iterable[tuple[str, Path]]) -> dict[str, Any]:
    """What tong-hop.json records of this run: its key and each output's digest, by the name the
    output has in the folder (`written` gives the name and where its bytes are now)."""
    return {"key": key, "version": __version__,
            "outputs": {name: file_digest(path) for name, path in written}}


def verified_previous(report: Path, key: str) -> Previous | None:
    """The previous run in `report`'s folder, when it was this very run and its outputs are
    intact; None otherwise (never an exception: anything doubtful means a full run)."""
    try:
        if _key_at_start(report) not in (key, None):  # another run: the report is not parsed
            return None
        document = json.loads(report.read_text(encoding="utf-8"))
        block = document.get("run") or {}
        if block.get("key") != key:
            return None
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
    return Previous(report, workbook, upward if upward.name in names else None, document)


# The run block is the report's first key (`write.report.write_report`), its key first.
_KEY_AT_START = re.compile(rb'^\{\s*"run":\s*\{\s*"key":\s*"([0-9a-f]{64})"')


def _key_at_start(report: Path) -> str | None:
    """The run key at the start of `report`, read from its first bytes: a report of tens of
    thousands of findings takes a second to parse, and a changed inbox parses it once more
    for its «Thay đổi». None when the start is not a run block (an older report): then the
    whole report is read."""
    with report.open("rb") as stream:
        found = _KEY_AT_START.match(stream.read(256))
    return found.group(1).decode("ascii") if found else None


def previous_lines(previous: Previous) -> list[str]:
    """What the screen says of a run that found nothing to do."""
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in previous.document.get("findings", []):
        counts[finding.get("severity", "info")] = counts.get(finding.get("severity"), 0) + 1
    return [
        "Không có gì thay đổi kể từ lần chạy trước vào thư mục này (cùng các tệp hồ sơ, đợt thi "
        "đua, tùy chọn, ngày tính và phiên bản chương trình): kết quả cũ đã được kiểm tra "
        "nguyên vẹn, không ghi lại.",
        f"Phát hiện (như lần trước): {counts['error']} lỗi, {counts['warning']} cảnh báo, "
        f"{counts['info']} thông tin (xem trang «Phát hiện»).",
    ]


def _program() -> str:
    parts = [__version__]
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".toml", ".docx", ".mo") and "__pycache__" not in path.parts:
            stat = path.stat()
            parts.append(f"{path.relative_to(_PACKAGE).as_posix()}:{stat.st_size}:"
                         f"{stat.st_mtime_ns}")
    return "\n".join(parts)
