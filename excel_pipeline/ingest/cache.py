"""A content-addressed cache of read workbooks, so a re-run re-reads only what changed.

The officer re-runs the merge each time a corrected file arrives. Reading, recognising and parsing
every workbook again would cost much of the run, so what was read and parsed for a file is kept
under the output folder, keyed by the sha256 of the file's bytes and by a fingerprint of the
program version and the campaign. A changed file has a new hash; a new version or campaign has
a new fingerprint; either way the old entry is simply not found. Entries not used by a run are
removed at its end, so the cache holds one inbox's worth at most.

The folder is data anyone who can write to the output folder may have put there, so an entry is
plain data (`plain`: JSON, compressed, never code such as a pickle), bound to the sha256 of the
file it was read from and to the fingerprint, and signed with the user's key (`signing`). An
entry that does not verify (edited, even at the same length; another file's, renamed; written
by someone else; truncated) is ignored and the file read again: never trusted, never a crash.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zlib
from pathlib import Path

from .. import __version__
from ..campaign import Campaign
from . import plain
from .signing import SIGNATURE_BYTES, sign, verified

CACHE_FOLDER = ".dhtt-cache"
_FORMAT = 8  # bump when the shape of a cached entry changes
_SUFFIX = ".entry"
# What earlier versions left (pickles) is removed by `prune`, never read.
_OURS = (_SUFFIX, ".pickle", ".tmp")
# An entry larger than this was not written by a run (it would be read whole to be verified).
_LARGEST_ENTRY = 512 * 1024 * 1024


class ReadCache:
    """Read results by content hash, for one program version and campaign."""

    def __init__(self, out_dir: Path, campaign: Campaign) -> None:
        self.folder = out_dir / CACHE_FOLDER
        self.fingerprint = fingerprint(campaign)
        self.used: set[str] = set()
        sign(b"")  # the key, found or made once here: forked read workers sign with it too

    def path_for(self, sha256: str) -> Path:
        return self.folder / f"{self.fingerprint}-{sha256}{_SUFFIX}"

    def load(self, sha256: str) -> object | None:
        """The cached read result for this content, or None when there is none that verifies."""
        path = self.path_for(sha256)
        self.used.add(path.name)
        try:
            if path.stat().st_size > _LARGEST_ENTRY:  # no read of the inputs makes one this big
                return None
            data = path.read_bytes()
        except OSError:
            return None
        signature, body = data[:SIGNATURE_BYTES], data[SIGNATURE_BYTES:]
        if not verified(signature, body):
            return None
        try:
            text = zlib.decompress(body)
            bound, _, payload = text.partition(b"\n")
            if bound != self._binding(sha256):  # another file's entry, or another campaign's
                return None
            return plain.loads(payload)
        except (ValueError, zlib.error, MemoryError):
            return None

    def store(self, sha256: str, result: object) -> None:
        """Keep a read result; a failure to write only costs the next run some time."""
        path = self.path_for(sha256)
        self.used.add(path.name)
        try:
            body = zlib.compress(self._binding(sha256) + b"\n" + plain.dumps(result), 1)
        except plain.NotPlain:  # a value the format does not know: read it again next time
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_bytes(sign(body) + body)
            os.replace(temp, path)
        except OSError:
            pass

    def _binding(self, sha256: str) -> bytes:
        """What an entry must say it is: the content it was read from, for this fingerprint."""
        return f"{_FORMAT}|{self.fingerprint}|{sha256}".encode("ascii")

    def prune(self) -> None:
        """Remove entries this run did not use (old contents, versions, campaigns) and files
        left by an interrupted run; what else is in the folder (`row_blocks`) is not ours."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.suffix in _OURS and entry.name not in self.used:
                with contextlib.suppress(OSError):
                    entry.unlink()


def fingerprint(campaign: Campaign) -> str:
    """What a read result depends on besides the file: program version and campaign."""
    text = f"{_FORMAT}|{__version__}|{campaign!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
