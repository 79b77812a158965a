"""Look at a file's bytes before any parser does: what it really is, and whether it is safe.

Units send `.xls` files that are really `.xlsx`, web pages saved as `.xls`, password-protected
workbooks, truncated attachments and, now and then, a file built to exhaust memory. Each is
recognised here from the content (never the extension) and refused with a reason a user can act
on, before python-calamine, openpyxl or xlrd is given it:

- a zip package is checked on its central directory: entry count, total unpacked size and
  compression ratio (a decompression bomb declares them there before anything is inflated);
- each worksheet's used range is checked against a cell limit, because the reader materialises
  the whole rectangle from A1 to the last cell: the range it declares (its `<dimension>`) and
  the range its cells really reach, which a hostile file makes far larger than it declares;
- an OLE2 container is asked by msoffcrypto-tool whether it is encrypted.

`.xls` (at most 65,536 x 256 cells), `.xlsb` and `.ods` (python-calamine refuses more than 100
million cells there) are not measured here: like any file, they are read in a worker process
under a memory limit (`inbox`), so one that needs more costs that file only.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import IO, Literal

from ..campaign import ReadLimits
from ..textnorm import count as _n

Kind = Literal["xlsx", "xlsb", "xls", "ods"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
# A cell's or a row's reference attribute (`<c r="B7">`, `<row r="7">`), as the reader takes it:
# either quote, column letters in either case. (Spaces around «=», which no spreadsheet program
# writes, escape these patterns; the read worker's memory limit still stops such a file.)
_COLUMN_REF = re.compile(rb'''r=["']([A-Za-z]{1,7})\d''')
_ROW_REF = re.compile(rb'''r=["'][A-Za-z]{0,7}(\d{1,10})["']''')
_MIB = 1024 * 1024
# The head of a worksheet part that holds its <dimension> element (after the XML declaration
# and sheet properties); a part that has not declared it by then is not limited by it.
_DIMENSION_SCAN_BYTES = 16 * 1024


class Refused(Exception):
    """The file will not be parsed; the message is the Vietnamese reason shown to the user."""


def screen(data: bytes, limits: ReadLimits | None = None) -> Kind:
    """The workbook format of `data`, or `Refused` with the reason it cannot be read."""
    limits = limits or ReadLimits()
    if not data:
        raise Refused("Tệp rỗng (0 byte)")
    if data.startswith(_OLE2):
        return _screen_ole2(data)
    if data.startswith(_ZIP):
        return _screen_zip(data, limits)
    if data.startswith(_ZIP_EMPTY):
        raise Refused("Tệp nén rỗng, không có nội dung bảng tính")
    raise Refused(_not_a_workbook(data))


def _screen_ole2(data: bytes) -> Kind:
    import msoffcrypto
    from msoffcrypto.exceptions import FileFormatError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except FileFormatError:  # not a BIFF8 workbook: an older one (BIFF5), or not Excel at all
        return _ole2_streams(data)
    except Exception as exc:  # a truncated compound file fails in many ways
        raise Refused(_truncated(exc)) from None
    if encrypted:  # an encrypted .xlsx is an OLE2 container too
        raise Refused(PASSWORD_REASON)
    if type(office).__name__ != "Xls97File":
        raise Refused("Tệp Word/PowerPoint, không phải bảng tính: hãy gửi tệp Excel theo mẫu")
    return "xls"


def _ole2_streams(data: bytes) -> Kind:
    """What an OLE2 container that is not a BIFF8 workbook holds, by its streams: «Book» is an
    Excel 5/95 workbook (python-calamine reads it), «WordDocument» a Word file."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as container:
            streams = {"/".join(path).lower() for path in container.listdir()}
    except Exception as exc:  # a truncated compound file fails in many ways
        raise Refused(_truncated(exc)) from None
    if streams & {"book", "workbook"}:
        return "xls"
    if "worddocument" in streams or "powerpoint document" in streams:
        raise Refused("Tệp Word/PowerPoint, không phải bảng tính: hãy gửi tệp Excel theo mẫu")
    raise Refused("Tệp Office không phải bảng tính (có thể là tệp Word/PowerPoint) hoặc tệp "
                  "bị hỏng")


# Main parts of a spreadsheet package as [Content_Types].xml names them.
_WORKBOOK_TYPES = (b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml",
                   b"spreadsheetml.template.main+xml", b"ms-excel.template.macroEnabled.main+xml")
_WORKSHEET_PART = re.compile(rb'PartName="/?([^"]+)"\s+ContentType="[^"]*spreadsheetml'
                             rb'\.worksheet\+xml"')


def _screen_zip(data: bytes, limits: ReadLimits) -> Kind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refused(_truncated(exc)) from None
    with archive:
        check_archive(entries, limits)
        # Some writers store «xl\\workbook.xml», or parts at the package's root: the names are
        # compared with forward slashes and the package's own list of its parts is asked.
        names = {entry.filename.replace("\\", "/").lstrip("/"): entry.filename
                 for entry in entries}
        types = _read_part(archive, names, "[Content_Types].xml")
        if "xl/workbook.xml" in names or any(kind in types for kind in _WORKBOOK_TYPES):
            sheets = [names[part] for part in _worksheet_parts(names, types)]
            _check_dimensions(archive, sheets, limits)
            _check_shared_strings(archive, entries)
            return "xlsx"
        if "xl/workbook.bin" in names or b"sheet.binary.macroEnabled.main" in types:
            return "xlsb"
        if "content.xml" in names and "mimetype" in names:
            manifest = _read_part(archive, names, "META-INF/manifest.xml")
            if b"encryption-data" in manifest:
                raise Refused(PASSWORD_REASON)
            return "ods"
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise Refused("Tệp Word/PowerPoint, không phải bảng tính: hãy gửi tệp Excel theo mẫu")
    raise Refused("Tệp nén (zip) không chứa bảng tính Excel hoặc ODS")


PASSWORD_REASON = ("Tệp có mật khẩu (được mã hóa): hãy mở tệp, gỡ mật khẩu (Excel: Tệp › Thông "
                   "tin › Bảo vệ sổ làm việc; LibreOffice: Tệp › Thuộc tính › Bảo mật) rồi gửi "
                   "lại")


def _read_part(archive: zipfile.ZipFile, names: dict[str, str], part: str) -> bytes:
    """A small part of the package (at most 1 MiB read), or b"" when it is absent."""
    if part not in names:
        return b""
    try:
        with archive.open(names[part]) as stream:
            return stream.read(_MIB)
    except (zipfile.BadZipFile, OSError, ValueError, zlib.error, EOFError) as exc:
        raise Refused(_truncated(exc)) from None


def _worksheet_parts(names: dict[str, str], types: bytes) -> list[str]:
    """The worksheet parts: those [Content_Types].xml declares, else xl/worksheets/*.xml."""
    declared = [match.decode() for match in _WORKSHEET_PART.findall(types)]
    found = [part for part in declared if part in names]
    return found or sorted(part for part in names
                           if part.startswith("xl/worksheets/") and part.endswith(".xml"))


def check_archive(entries: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Refuse on the central directory's declared sizes, before anything is inflated."""
    if len(entries) > limits.max_entries:
        raise Refused(f"Tệp bất thường: có {_n(len(entries))} thành phần nén (giới hạn "
                      f"{_n(limits.max_entries)}); không đọc để bảo vệ máy")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_unpacked_mb * _MIB:
        raise Refused(f"Tệp bất thường: giải nén ra {_n(total // _MIB)} MB (giới hạn "
                      f"{_n(limits.max_unpacked_mb)} MB); không đọc để bảo vệ máy")
    for entry in entries:
        if entry.file_size > _MIB and entry.file_size > limits.max_ratio * max(
                entry.compress_size, 1):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise Refused(f"Tệp bất thường (nghi «bom giải nén»): thành phần {entry.filename} "
                          f"nén {_n(int(ratio))} lần (giới hạn {limits.max_ratio}); không đọc để "
                          "bảo vệ máy")


def _check_dimensions(archive: zipfile.ZipFile, sheets: list[str], limits: ReadLimits) -> None:
    for name in sheets:
        with archive.open(name) as part:
            head = part.read(_DIMENSION_SCAN_BYTES)
            match = _DIMENSION.search(head)
            if match is not None and match.group(3) is not None:
                last, rows = match.group(3).decode(), int(match.group(4))
            else:  # a one-cell sheet ("A1"), or none declared: the cells say how far it goes
                last, rows = "A", 1
            cells = rows * _column_number(last)
            if cells > limits.max_sheet_cells:
                raise Refused(f"Trang tính quá lớn: vùng dữ liệu khai báo đến ô {last}{rows} "
                              f"({_n(cells)} ô, giới hạn {_n(limits.max_sheet_cells)}). Xóa các "
                              "ô thừa ở cuối trang rồi gửi lại")
            try:
                far = _beyond(archive, name, head, part, rows, last, limits.max_sheet_cells)
            except (zipfile.BadZipFile, OSError, ValueError, zlib.error, EOFError) as exc:
                raise Refused(_truncated(exc)) from None
        if far is None:
            continue
        last, rows = far
        cells = rows * _column_number(last)
        if cells > limits.max_sheet_cells:
            raise Refused(f"Trang tính quá lớn: có ô ở tận {last}{rows} (vùng dữ liệu "
                          f"{_n(cells)} ô, giới hạn {_n(limits.max_sheet_cells)}). Xóa các ô thừa "
                          "ở cuối trang rồi gửi lại")


_UNIQUE_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\suniqueCount="(\d+)"')


def _check_shared_strings(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a shared-strings table that declares more strings than its size can hold: the
    reader reserves room for the declared number before reading one (4 billion strings of 24
    bytes each from an 11 KB file), and no string takes fewer than 4 bytes of XML."""
    for entry in entries:
        if not entry.filename.lower().endswith("sharedstrings.xml"):
            continue
        try:
            with archive.open(entry) as part:
                match = _UNIQUE_COUNT.search(part.read(_DIMENSION_SCAN_BYTES))
        except (zipfile.BadZipFile, OSError, ValueError, zlib.error, EOFError) as exc:
            raise Refused(_truncated(exc)) from None
        if match is not None and int(match.group(1)) > entry.file_size // 4 + 16:
            raise Refused(f"Tệp bất thường: bảng chuỗi ký tự khai báo {_n(int(match.group(1)))} "
                          f"chuỗi nhưng chỉ dài {_n(entry.file_size)} byte; không đọc để bảo vệ "
                          "máy. Đề nghị đơn vị mở tệp bằng Excel, lưu lại rồi gửi lại")


def _beyond(archive: zipfile.ZipFile, name: str, head: bytes, part: IO[bytes],
            rows: int, last: str, limit: int) -> tuple[str, int] | None:
    """The farthest cell of a sheet when some cell lies outside the bounds its declared range
    implies, else None.

    The bounds are counted in characters so that one regular-expression search per chunk
    decides, without looking at each cell: no reference with more row digits than the
    declared last row, nor more column letters than its last column, keeps the sheet within
    `limit` when those digits and letters do (a declared «H20001» allows I..Z and 99,999 rows:
    2.6 million cells). Only a sheet whose cells break those bounds, or whose declared range is
    already near the limit, is measured cell by cell (`_farthest_cell`), from its start again:
    the cells before the one that broke the bounds count too."""
    digits, letters = len(str(rows)), len(last)
    if (10 ** digits - 1) * _column_number("Z" * letters) > limit:
        digits, letters = _bounds_within(limit)
    far = re.compile(rb'''r=["'](?:[A-Za-z]{%d,}\d|[A-Za-z]{0,%d}\d{%d,})''' % (
        letters + 1, letters, digits + 1))
    chunk, carry = head, b""
    while chunk:
        if far.search(carry + chunk):
            with archive.open(name) as again:
                return _farthest_cell(again)
        carry = chunk[-16:]
        chunk = part.read(_MIB)
    return None


def _bounds_within(limit: int) -> tuple[int, int]:
    """Row digits and column letters (the most digits, then the most letters) whose largest
    rectangle stays within `limit` cells: (5, 1) for 20 million."""
    for digits in range(7, 0, -1):
        for letters in range(3, 0, -1):
            if (10 ** digits - 1) * _column_number("Z" * letters) <= limit:
                return digits, letters
    return 0, 0


def _farthest_cell(part: IO[bytes]) -> tuple[str, int]:
    """The letters of the widest column and the largest row any cell or row reference names,
    read in chunks (a reference cut by a chunk's end is read whole from the next)."""
    widest, rows, chunk, carry = "A", 0, part.read(_MIB), b""
    while chunk:
        text = carry + chunk
        columns = set(_COLUMN_REF.findall(text))
        if columns:
            wide = max(columns, key=lambda letters: (len(letters), letters.upper()))
            wide = wide.decode().upper()
            if _column_number(wide) > _column_number(widest):
                widest = wide
        rows = max(rows, max(map(int, _ROW_REF.findall(text)), default=0))
        carry = text[-32:]
        chunk = part.read(_MIB)
    return widest, rows


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _not_a_workbook(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) \
            or (head.startswith(b"<?xml") and b"<html" in data[:4096].lower()):
        return ("Tệp là trang web (HTML) đặt tên đuôi Excel, không phải bảng tính: hãy mở bằng "
                "Excel và lưu lại dạng .xlsx (Tệp › Lưu như) rồi gửi lại")
    if head.startswith(b"%pdf"):
        return "Tệp PDF đặt tên đuôi Excel, không phải bảng tính: hãy gửi tệp Excel theo mẫu"
    return ("Tệp không phải bảng tính Excel/ODS (nội dung không đúng định dạng, có thể bị hỏng "
            "khi tải về): đề nghị đơn vị gửi lại")


def _truncated(exc: Exception) -> str:
    return ("Tệp hỏng hoặc bị cắt cụt (có thể tải tệp đính kèm chưa xong): đề nghị đơn vị gửi "
            f"lại. Chi tiết: {damage(exc)}")


def damage(exc: BaseException) -> str:
    """What a parser found wrong inside a file, in the officer's words. The parser's own text
    («File is not a zip file», «unexpected end of data») is English and names its internals;
    the Nguồn sheet and the unit's feedback say what kind of damage it is instead."""
    name = type(exc).__name__
    text = str(exc).lower()
    if isinstance(exc, EOFError) or any(word in text for word in ("eof", "end of", "truncat",
                                                                  "too short", "unexpected end")):
        return "tệp bị cắt cụt, thiếu phần cuối"
    if isinstance(exc, zipfile.BadZipFile | zlib.error) or name == "ZipError" or "zip" in text:
        return "phần nén bên trong tệp bị hỏng"
    if name in ("XmlError", "ParseError", "ExpatError") or "xml" in text:
        return "nội dung bên trong tệp (XML) bị hỏng"
    if "password" in text or "encrypt" in text:
        return "tệp được bảo vệ bằng mật khẩu"
    return "cấu trúc tệp không đúng định dạng bảng tính"
