"""Recognise the workbooks dhtt-merge wrote itself, by the mark they carry (`model.MARK`).

Read from the package's custom properties part without opening the workbook: a unit's file
rarely has that part, and the test for it is a search of the zip directory.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..model import MARK, OutputKind

_PART = "docProps/custom.xml"
# xlsxwriter writes <vt:lpwstr>; openpyxl (the marked copies) declares the namespace on it.
_VALUE = re.compile(rb'<property [^>]*name="' + re.escape(MARK.encode()) +
                    rb'"[^>]*>\s*<vt:lpwstr[^>]*>([^<]*)</vt:lpwstr>')


def output_mark(data: bytes) -> OutputKind | None:
    """The kind of dhtt-merge output these bytes are, or None for any other file."""
    if not data.startswith(b"PK") or data.rfind(_PART.encode()) < 0:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            custom = archive.read(_PART)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return None
    found = _VALUE.search(custom)
    if found is None:
        return None
    try:
        return OutputKind(found.group(1).decode("utf-8", "replace"))
    except ValueError:
        return None


SKIPPED_OUTPUTS = {
    OutputKind.CONSOLIDATED: "Bảng tổng hợp do dhtt-merge ghi (không phải hồ sơ của đơn vị)",
    OutputKind.FEEDBACK: "Tệp phản hồi do dhtt-merge ghi (không phải hồ sơ của đơn vị)",
}
