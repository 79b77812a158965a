"""A content-addressed cache of read workbooks, so a re-run re-reads only what changed.

The officer re-runs the merge each time a corrected file arrives. Reading, recognising and parsing
every workbook again would cost much of the run, so what was read and parsed for a file is kept
under the output folder, keyed by the sha256 of the file's bytes and by a fingerprint of the
program version and the campaign. A changed file has a new hash; a new version or campaign has
a new fingerprint; either way the old entry is simply not found. Entries not used by a run are
removed at its end, so the cache holds one inbox's worth at most.

Entries are pickles written by this program into the officer's own output folder; a corrupt or
foreign entry is ignored and rewritten, never trusted to be right.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path

from .. import __version__
from ..campaign import Campaign

CACHE_FOLDER = ".dhtt-cache"
_FORMAT = 5  # bump when the shape of a cached entry changes


class ReadCache:
    """Read results by content hash, for one program version and campaign."""

    def __init__(self, out_dir: Path, campaign: Campaign) -> None:
        self.folder = out_dir / CACHE_FOLDER
        self.fingerprint = fingerprint(campaign)
        self.used: set[str] = set()

    def path_for(self, sha256: str) -> Path:
        return self.folder / f"{self.fingerprint}-{sha256}.pickle"

    def load(self, sha256: str) -> object | None:
        """The cached read result for this content, or None."""
        path = self.path_for(sha256)
        self.used.add(path.name)
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # a truncated or foreign entry: read the file again
            return None

    def store(self, sha256: str, result: object) -> None:
        """Keep a read result; a failure to write only costs the next run some time."""
        path = self.path_for(sha256)
        self.used.add(path.name)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            with temp.open("wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except OSError:
            pass

    def prune(self) -> None:
        """Remove entries this run did not use (old contents, versions, campaigns) and files
        left by an interrupted run; what else is in the folder (`row_blocks`) is not ours."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.suffix in (".pickle", ".tmp") and entry.name not in self.used:
                with contextlib.suppress(OSError):
                    entry.unlink()


def fingerprint(campaign: Campaign) -> str:
    """What a read result depends on besides the file: program version and campaign."""
    text = f"{_FORMAT}|{__version__}|{campaign!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
