"""Feedback to units: one small workbook per unit that has findings, named by its unit code.

A third view of the one findings list (after the Phát hiện sheet and the JSON): each row names the
sheet and cell of the unit's own file (e.g. `Đại biểu!C17`), says what is wrong and what to change.
Units without findings get no file.
"""

from __future__ import annotations

from pathlib import Path

from ..findings import SEVERITIES, SEVERITY_LABELS, Finding, cell_ref
from ..model import ACCEPTED, MARK, SUPERSEDED, Consolidation, FileStatus, OutputKind, UnitFeedback
from .advice import how_to_fix, shown_value
from .atomic import Staging, written_atomically
from .cells import TEXT_SAFE, write_cell
from .marked_copy import marked_copy
from .names import unit_stems
from .paper import fit_widths, header_height, line_points, lines_in, print_setup, wrapped
from .styles import FONT, Col, Styles

SHEET_FEEDBACK = "Phản hồi"
COLUMNS = [Col("STT", 5, "int"), Col("Mức độ", 10), Col("Trang", 16), Col("Ô", 18),
           Col("Cột", 16), Col("Giá trị hiện tại", 18), Col("Nội dung", 60), Col("Cách sửa", 44),
           Col("Tệp", 22), Col("Mã phát hiện", 18)]


def feedback_by_unit(c: Consolidation) -> dict[str, list[Finding]]:
    """Findings grouped by the unit they name, most severe first, in sheet and row order."""
    grouped: dict[str, list[Finding]] = {}
    for finding in c.findings:
        if finding.unit:
            grouped.setdefault(finding.unit, []).append(finding)
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    for findings in grouped.values():
        findings.sort(key=lambda f: (rank[f.severity], f.file or "", f.sheet or "", f.row or 0,
                                     f.column or "", f.code))
    return grouped


def write_feedback(c: Consolidation, folder: Path,
                   staging: Staging | None = None) -> list[UnitFeedback]:
    """Write `folder/<unit code>.xlsx` for every unit with findings (staged with the run's
    other outputs when given `staging`)."""
    letters = c.cells
    contacts = c.contacts
    fates = {r.relpath: r.status for r in c.files}  # once, not once per unit
    grouped = feedback_by_unit(c)
    stems = unit_stems(grouped)  # one file per unit, whatever its code holds
    written = []
    for code, findings in sorted(grouped.items()):
        unit = c.registry.units.get(code)
        name = unit.name if unit else code
        path = folder / f"{stems[code]}.xlsx"
        marked, why_not = _marked(c, code, findings, folder, fates, stems[code], staging)
        item = UnitFeedback(code, name, path, contacts.get(code),
                            sum(1 for f in findings if f.severity == "error"),
                            sum(1 for f in findings if f.severity == "warning"), marked, why_not)
        _write_one(c, item, findings, letters, staging)
        written.append(item)
    return written


def _marked(c: Consolidation, code: str, findings: list[Finding], folder: Path,
            fates: dict[str, FileStatus], stem: str,
            staging: Staging | None) -> tuple[Path | None, str | None]:
    """The unit's submitted workbook copied beside its feedback, faulty cells marked: the file
    its cell findings point at (its accepted submission, or the file refused; never a file a
    newer one replaced). `fates`: each file's status; `stem`: the unit's file stem."""
    if c.inbox is None:
        return None, None
    files = sorted({f.file for f in findings
                    if f.file and f.row and fates.get(f.file) != SUPERSEDED},
                   key=lambda relpath: fates.get(relpath) != ACCEPTED)
    if not files:
        return None, None
    return marked_copy(c.inbox, files[0], findings, c.cells, folder, stem, c.as_of.year,
                       staging)


def _write_one(c: Consolidation, item: UnitFeedback, findings: list[Finding],
               letters: dict[tuple[str, str, str], str], staging: Staging | None) -> None:
    import xlsxwriter

    code, errors, warnings = item.unit, item.errors, item.warnings
    with written_atomically(item.path, staging) as temp_name:
        book = xlsxwriter.Workbook(temp_name, TEXT_SAFE)
        book.set_custom_property(MARK, OutputKind.FEEDBACK.value)
        book.set_properties({"title": f"Phản hồi – {code}", "author": "dhtt-merge"})
        styles = Styles(book)
        title = book.add_format({"font_name": FONT, "font_size": 14, "bold": True,
                                 "text_wrap": True, "valign": "top"})
        plain = book.add_format({"font_name": FONT, "font_size": 12, "text_wrap": True,
                                 "valign": "top"})
        sheet = book.add_worksheet(SHEET_FEEDBACK)
        lines = [
            (f"PHẢN HỒI KẾT QUẢ KIỂM TRA HỒ SƠ – {code} {item.name}", title),
            (f"Đợt: {c.campaign.name} ({c.campaign.document})", plain),
            (f"Tính đến ngày {c.as_of:%d/%m/%Y}: {errors} lỗi cần sửa, {warnings} cảnh báo, "
             f"{len(findings) - errors - warnings} thông tin.", plain),
            ("Sửa các ô dưới đây ngay trong tệp của đơn vị (giữ nguyên mẫu), rồi gửi lại cả tệp.",
             plain),
        ]
        if item.marked is not None:
            lines.append((f"Kèm theo: «{item.marked.name}», bản sao tệp của đơn vị, các ô cần "
                          "sửa được tô màu và ghi chú cách sửa (di chuột vào ô để xem); có thể "
                          "sửa ngay trên bản này rồi gửi lại.", plain))
        elif item.marked_reason:
            lines.append((f"Không kèm bản đánh dấu: {item.marked_reason}.", plain))
        columns = fit_widths(COLUMNS)  # printed fit to width: 8.5-pt text or more
        across = sum(column.width for column in columns)
        for number, (text, look) in enumerate(lines):  # across the table, wrapped
            size = 14 if look is title else 12
            sheet.set_row(number, lines_in(text, across * 0.9, size) * line_points(size))
            sheet.merge_range(number, 0, number, len(columns) - 1, text, look)
        header_row = len(lines) + 1
        heights = wrapped(columns)
        sheet.set_row(header_row, header_height(columns))
        for position, column in enumerate(columns):
            sheet.set_column(position, position, column.width)
            sheet.write_string(header_row, position, column.header, styles.header)
        for number, f in enumerate(findings, start=1):
            values = [number, SEVERITY_LABELS[f.severity], f.sheet, cell_ref(f, letters),
                      f.column, shown_value(f), f.message,
                      how_to_fix(f, c.as_of.year), f.file, f.code]
            height = heights(values)
            if height is not None:
                sheet.set_row(header_row + number, height)
            for position, (column, value) in enumerate(zip(columns, values, strict=True)):
                write_cell(sheet, header_row + number, position, value,
                           styles.cells[column.style])
        sheet.freeze_panes(header_row + 1, 0)
        print_setup(sheet, f"Phản hồi – {code} {item.name}", FONT,
                    repeat=(header_row, header_row))
        book.close()


