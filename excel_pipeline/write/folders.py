"""Output folders checked before anything is written: inputs are never written over or beside.

An output folder (`--out`, `--feedback`) may not be the inbox, nor any folder that directly holds
a unit's files: feedback named `BB02.xlsx` written there would replace unit BB02's own file. A
folder inside the inbox that holds only what dhtt-merge wrote (`INBOX/output`) is fine, and
`ingest.discover` never enters it. A folder that cannot be created or written is said so, with
the reason, before any work.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError, os_reason
from ..ingest.discover import resolved, skip_reason
from ..ingest.marks import output_mark


def prepare(folders: dict[str, Path], inbox: Path) -> list[Path]:
    """Check every output folder (option -> folder) against the inbox (see the module) and for
    being writable, before any work; nothing is created here (`create` does, once the inbox is
    known to hold something to consolidate)."""
    for option, folder in folders.items():
        _refuse_clash(folder, inbox, option)
    for option, folder in folders.items():
        _refuse_unwritable(folder, option)
    return list(folders.values())


def create(folders: dict[str, Path]) -> None:
    """Create the output folders, probing that each can be written."""
    for option, folder in folders.items():
        _make_writable(folder, option)


def _refuse_unwritable(folder: Path, option: str) -> None:
    """A folder that exists must be a writable folder; one that does not must have a writable
    folder as its nearest existing ancestor."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"Không dùng được {option} «{folder}»: «{existing}» là một tệp, "
                          "không phải thư mục.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"Không ghi được vào thư mục {option} «{folder}»: không có quyền ghi "
                          f"vào «{existing}».")


def _refuse_clash(folder: Path, inbox: Path, option: str) -> None:
    target, source = resolved(folder), resolved(inbox)
    if target == source:
        raise OutputError(f"Thư mục {option} «{folder}» chính là thư mục hồ sơ: các tệp kết quả "
                          "sẽ nằm lẫn với (và có thể ghi đè) tệp của đơn vị. Chọn thư mục "
                          f"khác, ví dụ {option} «{inbox / 'output'}».")
    if target.is_relative_to(source) and target.is_dir():
        theirs = _unit_files_in(target)
        if theirs:
            raise OutputError(f"Thư mục {option} «{folder}» đang chứa tệp của đơn vị (ví dụ "
                              f"«{theirs[0]}»): các tệp kết quả có thể ghi đè tệp đó. Chọn một "
                              "thư mục chưa có tệp của đơn vị.")


def _make_writable(folder: Path, option: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".dhtt-thu-ghi-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except FileExistsError:
        raise OutputError(f"Không dùng được {option} «{folder}»: đã có một tệp trùng tên, "
                          "không phải thư mục.") from None
    except OSError as exc:
        raise OutputError(f"Không ghi được vào thư mục {option} «{folder}»: "
                          f"{_reason(exc)}.") from None


def _unit_files_in(folder: Path) -> list[str]:
    """Spreadsheets directly in `folder` that dhtt-merge did not write."""
    found = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or skip_reason(path) is not None:
            continue
        try:
            mark = output_mark(path.read_bytes())
        except OSError:
            mark = None
        if mark is None:
            found.append(path.name)
    return found


def _reason(exc: OSError) -> str:
    return os_reason(exc, "ghi")

