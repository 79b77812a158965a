"""Write files so that a crash never leaves half a file under the real name (DOMAIN §8)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_atomically(path: Path) -> Iterator[str]:
    """A temporary name beside `path` to write to; renamed onto `path` only when the block ends
    without an error, so a crash never leaves half a file under the real name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}-", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    # mkstemp makes the file private (0600); an output is an ordinary file that colleagues on
    # a shared folder open, so it gets the permissions the user's umask gives new files.
    os.chmod(temp_name, 0o666 & ~_UMASK)
    try:
        yield temp_name
        os.replace(temp_name, path)
        _WRITTEN.append(path)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)


# The outputs put in place since `start_run`, named when a run is stopped or fails midway.
_WRITTEN: list[Path] = []


def start_run() -> None:
    """Forget the outputs of an earlier run in this process."""
    _WRITTEN.clear()


def written_this_run() -> list[Path]:
    """The outputs put in place since `start_run`, in order."""
    return list(_WRITTEN)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
# Characters of cell text kept in a file name: 80 Vietnamese letters are at most 240 bytes of
# UTF-8, within every file system's 255, with room for an ending.
NAME_LIMIT = 80


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def file_safe(name: str) -> str:
    """Cell text (a unit code or name) made usable as a file name on every system: no
    separators or reserved characters, and cut to `NAME_LIMIT` characters."""
    return _UNSAFE.sub("_", name)[:NAME_LIMIT].strip(". ") or "_"
