"""Open the .zip attachments units send (several units' workbooks in one archive).

An archive is opened in memory, never unpacked to disk, under the same limits as a workbook's
own package (entry count, unpacked size, compression ratio: `screen.check_archive`). Each member
is then a file of its own, shown as `archive.zip › member.xlsx`; an archive inside it is opened
too, one level deep. The archive itself stays listed (skipped: its members stand for it), so
every file of the inbox still ends in exactly one place.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from ..campaign import ReadLimits
from .discover import ARCHIVE_SUFFIXES, OTHER_ARCHIVES, SPREADSHEET_SUFFIXES
from .screen import Refused, check_archive, damage

SEPARATOR = " › "
# Archives inside an archive are opened this many levels deep.
NESTING = 1


class ArchiveError(Exception):
    """The archive cannot be opened; the message is the Vietnamese reason."""


def members(data: bytes, limits: ReadLimits, depth: int = 0) -> list[tuple[tuple[str, ...],
                                                                            str | None]]:
    """Every file inside an archive, as (names from the outer archive in, why it is not read
    or None), archives within opened `NESTING` levels deep."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        check_archive(entries, limits)
    except Refused as exc:
        raise ArchiveError(str(exc)) from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"Tệp nén hỏng ({damage(exc)}): đề nghị gửi lại") from None
    found: list[tuple[tuple[str, ...], str | None]] = []
    with archive:
        for entry in entries:
            if entry.is_dir():
                continue
            name = entry.filename
            suffix = PurePosixPath(name).suffix.lower()
            if entry.flag_bits & 0x1:
                found.append(((name,), "Tệp trong tệp nén có mật khẩu: giải nén rồi gửi lại"))
            elif suffix in ARCHIVE_SUFFIXES and depth < NESTING:
                try:
                    inner = members(archive.read(entry), limits, depth + 1)
                except ArchiveError as exc:
                    found.append(((name,), str(exc)))
                    continue
                found.append(((name,), "Tệp nén: các tệp bên trong được đọc riêng"))
                found += [((name, *path), reason) for path, reason in inner]
            elif suffix in ARCHIVE_SUFFIXES or suffix in OTHER_ARCHIVES:
                found.append(((name,), "Tệp nén lồng nhiều cấp: giải nén rồi chép các tệp Excel "
                                       "vào thư mục hồ sơ"))
            else:
                found.append(((name,), member_skip_reason(name)))
    return found


def member_bytes(data: bytes, path: tuple[str, ...]) -> bytes:
    """The bytes of the member at `path` (names from the outer archive in)."""
    try:
        for name in path:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = archive.read(name)
    except (zipfile.BadZipFile, ValueError, EOFError, zlib.error, KeyError) as exc:
        raise ArchiveError(f"Không lấy được tệp ra khỏi tệp nén ({damage(exc)})") from None
    return data


def member_skip_reason(name: str) -> str | None:
    """Why a member is not read (as `discover.skip_reason` says of a file), or None."""
    base = PurePosixPath(name).name
    if base.startswith("~$"):
        return "Tệp khóa tạm của Excel (~$), bỏ qua"
    if base.startswith(".") or name.startswith("__MACOSX/"):
        return "Tệp ẩn, bỏ qua"
    if PurePosixPath(name).suffix.lower() not in (*SPREADSHEET_SUFFIXES, ".csv", ".tsv"):
        return "Không phải bảng tính Excel/ODS, bỏ qua"
    return None


def shown(relpath: str, path: tuple[str, ...]) -> str:
    """How a member is named in Nguồn: `archive.zip › member.xlsx`."""
    return SEPARATOR.join([relpath, *path])
