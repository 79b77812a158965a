"""Find the files of an inbox: spreadsheets to read, and everything else listed as skipped.

Owner/lock files left by an open Excel (`~$…`), hidden files and non-spreadsheets are never read,
but they are listed (docs/domain.md, The command and its outputs) so the officer sees that
nothing was silently ignored.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .arrivals import MANIFEST_NAME

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
# Lists units send besides workbooks: CSV and tab-separated text (Excel saves «Unicode text» as
# .txt), Word tables. A .txt is read only when it looks like a table (`_tabular_text`).
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORD_SUFFIXES = (".docx", ".docm", ".doc")
# Archives opened in memory (`archives`), and those listed as not read.
ARCHIVE_SUFFIXES = (".zip",)
OTHER_ARCHIVES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zipx")


@dataclass(frozen=True)
class InboxFile:
    """A file met in the inbox; `skip_reason` is None for a spreadsheet to read."""

    path: Path
    relpath: str
    skip_reason: str | None = None
    # For a file inside an archive at `path`: the names from the outer archive in.
    member: tuple[str, ...] = ()

    @property
    def is_archive(self) -> bool:
        return self.skip_reason is None and not self.member \
            and self.path.suffix.lower() in ARCHIVE_SUFFIXES


def discover(inbox: Path, outputs: tuple[Path, ...] = ()) -> list[InboxFile]:
    """Every file below `inbox`, recursively, in a stable order; links to folders are not
    followed, links to files outside the inbox are not read (a unit's data is what lies in
    the inbox, not what a link there points to), and the run's own output folders
    (`outputs`) are not entered."""
    found: list[InboxFile] = []
    excluded = {resolved(folder) for folder in outputs}
    root = resolved(inbox)
    unreadable: list[str] = []

    def on_error(error: OSError) -> None:
        unreadable.append(str(error.filename))

    for folder, subfolders, files in os.walk(inbox, onerror=on_error, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                               and resolved(Path(folder) / d) not in excluded)
        for name in subfolders:
            path = Path(folder) / name
            if path.is_symlink():  # os.walk lists it but does not enter it: say so
                reason: str | None = OUTSIDE_LINK if not _within(path, root) else \
                    "Liên kết đến thư mục, không đi theo (tránh vòng lặp)"
                found.append(InboxFile(path, _shown(path.relative_to(inbox).as_posix()), reason))
        for name in sorted(files):
            path = Path(folder) / name
            reason = skip_reason(path)
            if reason is None and path.is_symlink() and not _within(path, root):
                reason = OUTSIDE_LINK
            found.append(InboxFile(path, _shown(path.relative_to(inbox).as_posix()), reason))
    for name in unreadable:
        if Path(name) != inbox:
            relpath = Path(name).relative_to(inbox).as_posix() if name.startswith(str(inbox)) \
                else name
            found.append(InboxFile(Path(name), _shown(relpath),
                                   "Không mở được thư mục (không có quyền)"))
    return found


OUTSIDE_LINK = ("Liên kết (lối tắt) trỏ ra ngoài thư mục hồ sơ, không đọc: hãy chép chính tệp "
                "của đơn vị vào thư mục hồ sơ")


def _within(link: Path, root: Path) -> bool:
    """Whether a link, followed to its end (through any further links), stays in `root`."""
    return resolved(link).is_relative_to(root)


def resolved(path: Path) -> Path:
    """The absolute, link-free path (as far as the system can tell) to compare folders by."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _shown(relpath: str) -> str:
    """The name shown and compared: NFC, so a Mac's decomposed "Đại biểu" matches Windows'."""
    return unicodedata.normalize("NFC", relpath)


def skip_reason(path: Path) -> str | None:
    """Why this file is not read, in Vietnamese; None when it is a spreadsheet to read."""
    name = path.name
    if name.startswith("~$"):
        return "Tệp khóa tạm của Excel (~$), bỏ qua"
    if name == MANIFEST_NAME:
        return "Sổ thư đến của lệnh dhtt-merge receive (không phải hồ sơ), bỏ qua"
    if name.startswith("."):
        return "Tệp ẩn, bỏ qua"
    if path.is_symlink() and not path.exists():
        return "Liên kết hỏng, bỏ qua"
    if not path.is_file():  # a named pipe or device would block or never end when read
        return "Không phải tệp thông thường (ống, thiết bị…), bỏ qua"
    if path.suffix.lower() in OTHER_ARCHIVES:
        return (f"Tệp nén dạng {path.suffix.lstrip('.').upper()} chưa đọc được: giải nén rồi chép "
                "các tệp Excel vào thư mục hồ sơ (tệp .zip thì được đọc)")
    suffix = path.suffix.lower()
    if suffix == ".txt" and _tabular_text(path):
        return None
    if suffix not in (*SPREADSHEET_SUFFIXES, *ARCHIVE_SUFFIXES, *TEXT_SUFFIXES, *WORD_SUFFIXES) \
            or suffix == ".txt":
        return "Không phải bảng tính Excel/ODS, bỏ qua"
    return None


def _tabular_text(path: Path) -> bool:
    """Whether a .txt file is a table Excel saved («Unicode text»: UTF-16 with a mark) or a
    tab-separated export (tabs on its first line); a note typed in Notepad is not."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    first = head.split(b"\n", 1)[0]
    return first.count(b"\t") >= 2
