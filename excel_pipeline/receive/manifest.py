"""The record of what `receive` saved, kept beside the files (`.dhtt-thu-den.json`).

Messages are known by their Message-ID (fetching the same message again saves nothing new),
files by their content's sha256 (a reply carrying the same file again saves nothing new). Each
file's entry carries the evidence of its arrival, which the run reads (`ingest.arrivals`). The
file is replaced whole after each message that saved a file, and at the end (also when the run
is stopped), so a run stopped midway leaves it naming exactly what was saved before the stop.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import os_reason
from ..ingest.arrivals import MANIFEST_NAME, MANIFEST_VERSION
from .settings import ReceiveError


@dataclass
class Manifest:
    """Messages received (by key) and files saved (in order), as stored."""

    path: Path
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    _by_sha256: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, inbox: Path) -> Manifest:
        path = inbox / MANIFEST_NAME
        if not path.exists():
            return cls(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            messages, files = document["messages"], document["files"]
            if not isinstance(messages, dict) or not isinstance(files, list):
                raise TypeError
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Starting afresh would save every attachment a second time under new names.
            raise ReceiveError(
                f"Không đọc được sổ thư đến {path} ({type(exc).__name__}). Nếu tệp bị hỏng, "
                "đổi tên nó rồi chạy lại: các thư sẽ được nhận lại từ đầu.") from None
        return cls(path, messages, files)

    def known(self, key: str) -> bool:
        return key in self.messages

    def same_content(self, sha256: str) -> str | None:
        """The file already saved with these bytes, if any (in any unit's folder: a second
        copy would only be a duplicate submission of the same unit)."""
        if len(self._by_sha256) != len(self.files):  # files are only ever appended
            self._by_sha256 = {}
            for entry in self.files:
                self._by_sha256.setdefault(entry.get("sha256", ""), entry["path"])
        return self._by_sha256.get(sha256)

    def paths(self) -> set[str]:
        return {entry["path"] for entry in self.files}

    def save(self) -> None:
        """Replace the manifest whole (a temporary file renamed over it)."""
        document = {"version": MANIFEST_VERSION, "messages": self.messages, "files": self.files}
        try:
            handle, temp = tempfile.mkstemp(prefix=".dhtt-", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            raise self._unwritable(exc) from None
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(document, stream, ensure_ascii=False, indent=1)
                stream.write("\n")
            os.replace(temp, self.path)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise self._unwritable(exc) from None
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def _unwritable(self, exc: OSError) -> ReceiveError:
        return ReceiveError(f"Không ghi được sổ thư đến {self.path} ({os_reason(exc, 'ghi')}); "
                            "các tệp đã lưu được giữ nguyên.")
