"""Whose list a CSV or Word file is: a list exported from another program carries no Thông tin
đơn vị sheet. The unit is taken, in this order, from

1. the list's own lines above its header («Mã đơn vị,C01»; read by `csv_reader`/`word_reader`);
2. a companion file in the same folder holding only the unit's information (a CSV of
   «Mã đơn vị,C01» / «Tên đơn vị,…» lines, or a workbook with only a Thông tin đơn vị sheet):
   it is then listed as used for those files, not as a submission of its own;
3. the file name, or its folder's: a code-like word («BB01 dai bieu.csv») as Mã đơn vị; a
   name without one («CĐCS Công ty May.csv») as Tên đơn vị, which the registry's name matching
   attaches (UNIT_MATCHED_BY_NAME) when it names exactly one unit.

This runs on every run after the reads (never cached): the same bytes under two names are two
units' files, and a companion is a neighbour, not part of the file's bytes.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..model import ACCEPTED, SKIPPED, RawForm, ReadFile
from .discover import TEXT_SUFFIXES
from .documents import other_format

# A unit code as offices write it in a file name: letters then digits («BB01», «C12», «CD05A»).
_CODE = re.compile(r"^[A-Za-zĐđ]{1,6}\d{1,6}[A-Za-z]?$")


def attach_unit_information(files: list[ReadFile]) -> None:
    """Give each CSV or Word list without unit information the unit of its companion file or
    of its name (see the module's docstring), in place."""
    lists = [item for item in files if _other_format(item) and item.tables
             and item.record.status == ACCEPTED]
    for item in lists:  # a cached read may carry another file name's stem as its sheet
        if PurePosixPath(item.record.relpath).suffix.lower() in TEXT_SUFFIXES:
            for table in item.tables:
                table.sheet = _stem(item.record.relpath)
    companions: dict[str, list[ReadFile]] = {}
    for item in files:
        if item.record.status == ACCEPTED and item.form is not None and not item.tables:
            companions.setdefault(_folder(item.record.relpath), []).append(item)
    used: dict[int, list[str]] = {}
    for item in lists:
        if item.form is not None:
            continue
        near = companions.get(_folder(item.record.relpath), [])
        if len(near) == 1:
            companion = near[0]
            assert companion.form is not None
            item.form = RawForm(sheet=PurePosixPath(companion.record.relpath).name,
                                fields=dict(companion.form.fields),
                                letters=dict(companion.form.letters))
            item.record.notes.append(f"Thông tin đơn vị lấy từ tệp «{companion.record.relpath}» "
                                     "cùng thư mục")
            used.setdefault(companion.record.file_id, []).append(item.record.relpath)
        else:
            item.form = _from_name(item.record.relpath)
            item.record.notes.append("Tệp không ghi thông tin đơn vị: đơn vị xác định theo tên "
                                     "tệp (hoặc tên thư mục)")
    for item in files:
        if item.record.file_id in used:
            item.record.status = SKIPPED
            item.record.reason = ("Thông tin đơn vị của " + ", ".join(
                f"«{path}»" for path in used[item.record.file_id]) + " (cùng thư mục)")


def _other_format(item: ReadFile) -> bool:
    return other_format(item.record.relpath.split(" › ")[-1])


def _folder(relpath: str) -> str:
    return str(PurePosixPath(relpath).parent)


def _stem(relpath: str) -> str:
    return PurePosixPath(relpath.split(" › ")[-1]).stem


def _from_name(relpath: str) -> RawForm:
    """Mã đơn vị and Tên đơn vị as the file name, else its folder's name, says them."""
    path = PurePosixPath(relpath.split(" › ")[-1])
    form = RawForm(sheet=path.name)
    for name in (path.stem, path.parent.name):
        words = re.split(r"[\s_\-.]+", name.strip())
        code = next((word for word in words if _CODE.match(word)), None)
        if code is not None:
            form.fields["unit_code"] = (code.upper(), 1)  # the rest is seldom the unit's name
            return form
    form.fields["unit_name"] = (" ".join(re.split(r"[_\-]+", path.stem)).strip(), 1)
    return form
