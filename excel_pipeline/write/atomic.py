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
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    try:
        yield temp_name
        os.replace(temp_name, path)
    finally:
        if os.path.exists(temp_name):
            os.unlink(temp_name)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def file_safe(name: str) -> str:
    """A unit code or name usable as a file name on every system."""
    return _UNSAFE.sub("_", name).strip(". ") or "_"
