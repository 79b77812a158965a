"""Which reader a file's bytes go to: a workbook (`read`), a CSV or tab-separated text
(`csv_reader`), or a Word document (`word_reader`).

A file that is not one of our lists in a format units use for other things (a CSV export of
something else, the guidance letter in Word) is set aside with its reason, never reported as
an error: `SetAside` is that reason as the reader's outcome (it is cached like one).
"""

from __future__ import annotations

from pathlib import PurePath

from ..campaign import ReadLimits
from ..model import WorkbookContent
from .csv_reader import NotAList, read_csv
from .discover import TEXT_SUFFIXES, WORD_SUFFIXES
from .read import read_workbook


class SetAside(str):
    """The Vietnamese reason a file that is no list of ours is skipped (not rejected)."""

    __slots__ = ()


def other_format(name: str) -> bool:
    """Whether a file of this name is a text or Word file (`read_document`), not a workbook."""
    return PurePath(name).suffix.lower() in (*TEXT_SUFFIXES, *WORD_SUFFIXES)


def read_document(data: bytes, name: str, limits: ReadLimits | None = None) -> WorkbookContent:
    """The recognised content of a file named `name`, by its kind; `NotAList` when it is a text
    or Word file with no list of ours, `read.UnreadableWorkbook` when a workbook cannot be
    read."""
    suffix = PurePath(name).suffix.lower()
    limits = limits or ReadLimits()
    if suffix in TEXT_SUFFIXES and data.startswith(_WORKBOOK_MAGIC):
        return read_workbook(data, limits)  # a workbook saved under a .csv name
    if suffix in TEXT_SUFFIXES:
        return read_csv(data, PurePath(name).name, limits.headings, limits.max_sheet_cells)
    if suffix in WORD_SUFFIXES:
        from .word_reader import read_word  # python-docx loads only when a Word file comes

        return read_word(data, PurePath(name).name, limits)
    return read_workbook(data, limits)


# The first bytes of a zip package (.xlsx, .ods) and of an OLE2 compound file (.xls).
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


__all__ = ["NotAList", "SetAside", "other_format", "read_document"]
