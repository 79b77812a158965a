"""The unit's own workbook back, marked: each faulty cell filled, with a comment saying what is
wrong and how to fix it, so the unit corrects its own file and sends it back.

Only a copy is written, into the feedback folder; the unit's file is read, never written. The
copy is marked `OutputKind.MARKED`, which the reader takes for a submission (the unit sends it
back) and the output-folder check for ours (a re-run may write into the same folder).
openpyxl opens and saves the workbook (an .xlsm keeps its macros, never run); pictures and
charts it cannot carry are left out of the copy. Only .xlsx and .xlsm files are copied so; for
others the feedback workbook says why not.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath
from typing import Any

from ..findings import Finding
from ..ingest.archives import SEPARATOR, member_bytes
from ..model import MARK, OutputKind
from .advice import how_to_fix
from .atomic import Staging, file_safe, written_atomically

# The fill of a cell to fix, and the comment's size (Excel's default box is too small).
FILL = "FFC7CE"
COMMENT_SIZE = (360, 160)
COPYABLE = (".xlsx", ".xlsm")


def marked_copy(inbox: Path, relpath: str, findings: list[Finding],
                letters: dict[tuple[str, str, str], str], folder: Path, unit: str,
                this_year: int, staging: Staging | None = None) -> tuple[Path | None, str | None]:
    """Write a marked copy of the unit's file `relpath` into `folder`: (its path, None), or
    (None, why no copy was made). `unit` is the unit's file stem (`names.unit_stems`)."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import PatternFill

    suffix = PurePosixPath(relpath.split(SEPARATOR)[-1]).suffix.lower()
    if suffix not in COPYABLE:
        return None, (f"tệp {suffix or 'này'} không sao chép kèm đánh dấu được (chỉ .xlsx, "
                      ".xlsm); xem danh sách ô cần sửa ở trang Phản hồi")
    cells: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        letter = letters.get((relpath, finding.sheet or "", finding.column or ""))
        if finding.file == relpath and finding.sheet and finding.row and letter:
            cells.setdefault((finding.sheet, f"{letter}{finding.row}"), []).append(finding)
    if not cells:
        return None, None  # nothing to point at in the file (file-level findings only)
    try:
        data = _file_bytes(inbox, relpath)
        # No external links: a link (or a DDE `cmd|…` one) would be followed when opened.
        book = openpyxl.load_workbook(io.BytesIO(data), keep_vba=suffix == ".xlsm",
                                      keep_links=False)
        cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception:  # openpyxl cannot carry this workbook: the feedback list still can
        return None, "không mở được tệp để đánh dấu; xem danh sách ô cần sửa ở trang Phản hồi"
    _values_only(book, cached)
    fill = PatternFill("solid", fgColor=FILL)
    for (sheet_name, ref), found in cells.items():
        if sheet_name not in book.sheetnames:
            continue
        cell = book[sheet_name][ref]
        cell.fill = fill
        text = "\n".join(f"• {f.message}\n  Cách sửa: {how_to_fix(f, this_year)}"
                         for f in found)
        comment = Comment(text, "dhtt-merge")
        comment.width, comment.height = COMMENT_SIZE
        cell.comment = comment
    book.custom_doc_props.append(StringProperty(name=MARK, value=OutputKind.MARKED.value))
    stem = PurePosixPath(relpath.split(SEPARATOR)[-1]).stem
    # The unit's stem whole (it tells units apart), the file's name cut so that «(đánh dấu)»
    # and the ending fit 255 bytes too.
    rest = file_safe(stem)[:max(70 - len(unit), 8)].rstrip(". ")
    path = folder / f"{unit} - {rest} (đánh dấu){suffix}"
    with written_atomically(path, staging) as temp_name:
        book.save(temp_name)
    return path, None


def _values_only(book: Any, cached: Any) -> None:
    """Replace every formula of `book` by the value Excel last computed for it (`cached`, the
    same workbook read for values), or by its text when none was kept: the copy we send back
    must not run a unit's `=HYPERLINK(…)` or DDE `cmd|…` on another computer. Names that are
    formulas rather than plain ranges go too, for the same reason."""
    for sheet in book.worksheets:
        values = cached[sheet.title]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                value = values[cell.coordinate].value
                if value is None:
                    formula = cell.value
                    value = str(getattr(formula, "text", formula) or "")
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # a text starting with «=» stays text
        _drop_formula_names(sheet.defined_names)
    _drop_formula_names(book.defined_names)


def _drop_formula_names(names: Any) -> None:
    for key in list(names.keys()):
        text = names[key].attr_text or ""
        if any(mark in text for mark in ("(", "|", "[")):
            del names[key]


def _file_bytes(inbox: Path, relpath: str) -> bytes:
    """The bytes of an inbox file, or of a member of a .zip in it («a.zip › b.xlsx»)."""
    archive, *member = relpath.split(SEPARATOR)
    data = (inbox / archive).read_bytes()
    return member_bytes(data, tuple(member)) if member else data
