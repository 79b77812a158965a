"""Write files so that a crash never leaves half a file under the real name, and
a run's outputs are replaced as one set.

A run stages its outputs (`staged_outputs`): each is written under a temporary name beside its
real one and all are renamed at the end. A journal in the output folder says which process
stages there and, once every output is written, which renames make the new set; a lock beside
it says whether that process still runs. A run killed outright (kill -9, a power cut) leaves
its journal behind, and the next run into the folder finishes it: the renames of a complete set
are done (the new set), temporary files of an unfinished one deleted (the old set stays).
Every temporary file is named `.dhtt-<process id>-…`, so they are found again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from ..errors import OutputError

JOURNAL = ".dhtt-journal.json"
LOCK = ".dhtt-lock"
# The start of every temporary file a run writes: its process's id follows.
TEMP_MARK = ".dhtt-"


@contextmanager
def written_atomically(path: Path, staging: Staging | None = None) -> Iterator[str]:
    """A temporary name beside `path` to write to. Without `staging` it is renamed onto `path`
    when the block ends without an error; with one it waits to be put in place with the run's
    other outputs (`Staging.publish`). Either way a crash never leaves half a file under the
    real name, and a failed block leaves no temporary file."""
    temp = staging.temporary(path) if staging is not None else _temporary(path)
    try:
        yield str(temp)
        if staging is not None:
            staging.replace(path, temp)
        else:
            os.replace(temp, path)
    finally:
        if staging is None or staging.pending.get(path) != temp:
            temp.unlink(missing_ok=True)


@contextmanager
def scratch_beside(path: Path) -> Iterator[str]:
    """A private folder beside `path`, removed when the block ends (and, if the process is
    killed, by the next run's `recover`): xlsxwriter's constant_memory opens a temporary
    file per sheet in it and removes only those of sheets with rows, which would otherwise
    pile up in the system's temporary folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_MARK}{os.getpid()}-scratch-",
                                     dir=path.parent, ignore_cleanup_errors=True) as folder:
        yield folder


def _temporary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f"{TEMP_MARK}{os.getpid()}-{path.stem[:40]}-",
                                         suffix=path.suffix, dir=path.parent)
    os.close(handle)
    # mkstemp makes the file private (0600); an output is an ordinary file that colleagues on
    # a shared folder open, so it gets the permissions the user's umask gives new files.
    os.chmod(temp_name, 0o666 & ~_UMASK)
    return Path(temp_name)


class Staging:
    """A run's outputs, written under temporary names and put in place together at the end,
    so that an interrupted or failed run replaces none of the previous results.
    Made by `staged_outputs`, and handed to every writer of the run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # where the journal is kept (the --out folder)
        self.pending: dict[Path, Path] = {}  # real name -> temporary file holding its content
        self.moved: dict[Path, Path] = {}  # real name -> where it went, when not there
        self.published: list[Path] = []  # outputs put in place, in order
        self.unfinished = False  # publishing stopped midway: the next run completes it
        self._folders: set[Path] = {folder}  # every folder a temporary file went to

    def temporary(self, path: Path) -> Path:
        """A new temporary file beside `path`, its folder recorded in the journal first (so a
        run killed now has it found and deleted by the next)."""
        if path.parent not in self._folders:
            self._folders.add(path.parent)
            self.record()
        return _temporary(path)

    def reserve(self, path: Path) -> Path:
        """A temporary file that will become `path`, for a writer that cannot enter
        `written_atomically` itself (one in another process)."""
        temp = self.temporary(path)
        self.replace(path, temp)
        return temp

    def replace(self, path: Path, temp: Path) -> None:
        """`temp` now holds what `path` will be; an earlier staged version is dropped."""
        earlier = self.pending.get(path)
        if earlier is not None and earlier != temp:
            earlier.unlink(missing_ok=True)
        self.pending[path] = temp

    def location(self, path: Path) -> Path:
        """Where `path`'s content is now: its temporary file until published (for e-mail
        attachments and PDFs made before the run's outputs are published)."""
        return self.pending.get(path, path)

    def publish(self) -> dict[Path, Path]:
        """Put every output in place, Ctrl-C held back until all are. The journal names the
        renames first, so a run killed midway is completed by the next. A file another
        program holds open (Excel on Windows refuses the rename) is left as it was and the new
        one goes under the first free name `tong-hop (2).xlsx`; the map gives those new names.
        An error or Ctrl-C that ends the publishing carries `written`, the outputs put in
        place by then."""
        try:
            with _interrupts_held():
                self.record(list(self.pending.items()))
                for path, temp in list(self.pending.items()):
                    target = _put_in_place(temp, path)
                    del self.pending[path]
                    if target != path:
                        self.moved[path] = target
                    self.published.append(target)
                (self.folder / JOURNAL).unlink(missing_ok=True)
        except BaseException as exc:
            exc.written = list(self.published)  # type: ignore[attr-defined]
            # Half a set is in place: the journal and the rest are kept for the next run.
            self.unfinished = bool(self.pending)
            raise
        return dict(self.moved)

    def discard(self) -> None:
        for temp in self.pending.values():
            temp.unlink(missing_ok=True)
        self.pending.clear()

    def record(self, renames: list[tuple[Path, Path]] | None = None) -> None:
        """Write the journal: this process, its folders, and (when publishing) the renames."""
        state: dict[str, Any] = {"pid": os.getpid(),
                                 "folders": sorted(str(f) for f in self._folders)}
        if renames is not None:
            state["renames"] = [[str(temp), str(path)] for path, temp in renames]
        _write_json(self.folder / JOURNAL, state)


def _put_in_place(temp: Path, path: Path) -> Path:
    """Rename `temp` onto `path`, or onto the first free `path (n)` while `path` is held."""
    target = path
    while True:
        try:
            os.replace(temp, target)
            return target
        except PermissionError:
            following = _free_name(path, target)
            if following is None:
                raise
            target = following


def _write_json(path: Path, state: dict[str, Any]) -> None:
    temp = path.with_name(f"{TEMP_MARK}{os.getpid()}-journal.tmp")
    with open(temp, "w", encoding="utf-8") as stream:
        json.dump(state, stream, ensure_ascii=False)
        stream.flush()
        os.fsync(stream.fileno())  # the renames it names must not outlive it
    os.replace(temp, path)


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


@contextmanager
def staged_outputs(folder: Path) -> Iterator[Staging]:
    """Stage everything written inside the block (see `Staging`), its journal and lock in
    `folder`; a killed run's leftovers there are dealt with first. On an error or Ctrl-C the
    staged files are deleted and the previous outputs stay as they were. Another run writing
    into `folder` at the same time is refused (OutputError), as the two would mix their sets."""
    folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(folder):
        recover(folder)
        staging = Staging(folder)
        staging.record()
        try:
            yield staging
        finally:
            if not staging.unfinished:
                staging.discard()
                (folder / JOURNAL).unlink(missing_ok=True)


def recover(folder: Path) -> None:
    """Finish what a killed run left in `folder` (its journal): a complete set of renames is
    done, and every temporary file of that run, in each folder it wrote to, is deleted. Also
    deletes temporary files of ours the journal does not name (a run that died before writing
    one). Called with the folder's lock held, so no live run is disturbed."""
    journal = folder / JOURNAL
    folders = {folder, *(p for p in folder.iterdir() if p.is_dir())} if folder.is_dir() else set()
    try:
        state = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if isinstance(state, dict):
        for temp, path in state.get("renames", []):
            if Path(temp).is_file():
                try:
                    _put_in_place(Path(temp), Path(path))
                except OSError:
                    Path(temp).unlink(missing_ok=True)
        folders |= {Path(name) for name in state.get("folders", [])}
    for place in folders:
        try:
            leftovers = [p for p in place.iterdir() if _ours(p.name)]
        except OSError:
            continue
        for leftover in leftovers:
            with suppress(OSError):  # held open: left for a later run
                if leftover.is_dir() and not leftover.is_symlink():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink(missing_ok=True)
    journal.unlink(missing_ok=True)


_OURS = re.compile(rf"^{re.escape(TEMP_MARK)}\d+-")


def _ours(name: str) -> bool:
    return bool(_OURS.match(name))


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Hold `folder`'s lock for the block: the operating system releases it when the process
    ends however it ends, so a lock that can be taken means no run is writing there."""
    path = folder / LOCK
    stream: IO[bytes] = open(path, "a+b")  # noqa: SIM115 (held for the whole block)
    locked = False
    try:
        locked = _try_lock(stream)
        if not locked:
            raise OutputError(f"Thư mục «{folder}» đang được một lần chạy khác của dhtt-merge "
                              "ghi kết quả. Chờ lần chạy đó xong, hoặc chọn thư mục --out khác.")
        yield
    finally:
        if locked and os.name != "nt":
            path.unlink(missing_ok=True)  # before unlocking: nobody locks a file gone
        stream.close()
        if locked and os.name == "nt":  # Windows deletes no open file
            with suppress(OSError):
                path.unlink(missing_ok=True)


def _try_lock(stream: IO[bytes]) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


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
