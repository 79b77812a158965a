"""Write files so that a crash never leaves half a file under the real name (docs/domain.md,
Nothing lost)."""

from __future__ import annotations

import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def written_atomically(path: Path) -> Iterator[str]:
    """A temporary name beside `path` to write to. Outside a run's staging it is renamed onto
    `path` when the block ends without an error; inside one (`staged_outputs`) it waits to be
    put in place with the run's other outputs. Either way a crash never leaves half a file
    under the real name, and a failed block leaves no temporary file."""
    staging = _STAGING[-1] if _STAGING else None
    temp = _temporary(path)
    try:
        yield str(temp)
        if staging is not None:
            staging.replace(path, temp)
        else:
            os.replace(temp, path)
            _WRITTEN.append(path)
    finally:
        if staging is None or staging.pending.get(path) != temp:
            temp.unlink(missing_ok=True)


def _temporary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}-", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    # mkstemp makes the file private (0600); an output is an ordinary file that colleagues on
    # a shared folder open, so it gets the permissions the user's umask gives new files.
    os.chmod(temp_name, 0o666 & ~_UMASK)
    return Path(temp_name)


class Staging:
    """A run's outputs, written under temporary names and put in place together at the end,
    so that an interrupted or failed run replaces none of the previous results
    (docs/domain.md, Nothing lost)."""

    def __init__(self) -> None:
        self.pending: dict[Path, Path] = {}  # real name -> temporary file holding its content
        self.moved: dict[Path, Path] = {}  # real name -> where it went, when not there

    def reserve(self, path: Path) -> Path:
        """A temporary file that will become `path`, for a writer that cannot enter
        `written_atomically` itself (one in another process)."""
        temp = _temporary(path)
        self.replace(path, temp)
        return temp

    def replace(self, path: Path, temp: Path) -> None:
        """`temp` now holds what `path` will be; an earlier staged version is dropped."""
        earlier = self.pending.get(path)
        if earlier is not None and earlier != temp:
            earlier.unlink(missing_ok=True)
        self.pending[path] = temp

    def location(self, path: Path) -> Path:
        """Where `path`'s content is now: its temporary file until published."""
        return self.pending.get(path, path)

    def publish(self) -> dict[Path, Path]:
        """Put every output in place, Ctrl-C held back until all are. A file another program
        holds open (Excel on Windows refuses the rename) is left as it was and the new one
        goes under the first free name `tong-hop (2).xlsx`; the map gives those new names."""
        with _interrupts_held():
            for path, temp in list(self.pending.items()):
                target = path
                while True:
                    try:
                        os.replace(temp, target)
                        break
                    except PermissionError:
                        free = _free_name(path, target)
                        if free is None:
                            raise
                        target = free
                del self.pending[path]
                if target != path:
                    self.moved[path] = target
                _WRITTEN.append(target)
        return dict(self.moved)

    def discard(self) -> None:
        for temp in self.pending.values():
            temp.unlink(missing_ok=True)
        self.pending.clear()


# Copies tried beside a file another program holds open: tong-hop (2).xlsx … (20).
_COPIES = 20


def _free_name(path: Path, tried: Path) -> Path | None:
    """The next `name (n).ext` after `tried` that does not exist yet, or None."""
    first = 2 if tried == path else int(tried.stem.rsplit("(", 1)[1].rstrip(")")) + 1
    for number in range(first, _COPIES + 1):
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        if not candidate.exists():
            return candidate
    return None


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C during the block is delivered when it ends (main thread only: signals are)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


# The stack of stagings open in this process; the last one takes what is written.
_STAGING: list[Staging] = []


@contextmanager
def staged_outputs() -> Iterator[Staging]:
    """Stage everything written inside the block (see `Staging`); on an error or Ctrl-C the
    staged files are deleted and the previous outputs stay as they were."""
    staging = Staging()
    _STAGING.append(staging)
    try:
        yield staging
    finally:
        _STAGING.remove(staging)
        staging.discard()


def current_location(path: Path) -> Path:
    """Where an output's content can be read now: staged or in place (for e-mail attachments
    composed before the run's outputs are published)."""
    return _STAGING[-1].location(path) if _STAGING else path


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
