"""Blank unit templates generated from a campaign: `dhtt-merge templates`.

Most faults in an inbox start in the template, so the template prevents them: every closed field is
a drop-down fed from the Danh mục sheet, years and dates are validated with a Vietnamese input
message, header rows are locked while the data area stays editable and pasteable, STT is
pre-numbered, and the indicator catalogue is pre-listed. With a registry, each unit gets its own
workbook with its identity (and its allocated seats) filled in and locked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..campaign import Campaign, Level
from ..model import Registry
from ..template import (
    AWARD_FORMS,
    CATEGORIES,
    CONFERENCE_FORMS,
    DELEGATE_TYPES,
    GENDERS,
    INDICATORS,
    INFO,
    NOMINATIONS,
    RATINGS,
    REGISTRATIONS,
    SUBJECTS,
    Column,
    SheetSpec,
)
from ..template import DELEGATES as DELEGATE_SPEC
from .atomic import file_safe, written_atomically
from .cells import TEXT_SAFE
from .layout import (
    FORM_WIDTHS,
    LABEL_COLUMN,
    TABLE_POINTS,
    VALUE_COLUMN,
    first_row,
    table_title,
    table_widths,
    write_title,
)
from .paper import header_height, line_points, lines_in, print_setup
from .styles import FONT, Col

SHEET_GUIDE = "Hướng dẫn"
SHEET_LISTS = "Danh mục"
FLAG_MARK = "x"
DATA_ROWS = {"delegates": 300, "nominations": 100, "indicators": 30, "registrations": 50}
# Fixed metadata keeps regenerated templates identical.
_CREATED = dt.datetime(2025, 1, 1)


@dataclass(frozen=True)
class Prefill:
    """What a unit's own template carries in advance."""

    code: str
    name: str
    level: str
    parent: str | None
    seats: dict[str, int]


def template_year(campaign: Campaign) -> int:
    """The campaign's year (its latest date), so birth years are checked against it and a
    template generated next year is the same file."""
    dates = [d for level in campaign.levels for d in (level.conference_start,
             level.conference_end, level.dossier_deadline) if d is not None]
    dates += [d for d in (campaign.registration_deadline, campaign.plans_deadline) if d]
    return max(dates).year if dates else dt.date.today().year


def closed_lists(campaign: Campaign) -> dict[str, tuple[str, ...]]:
    """Header of a Danh mục column -> its values; closed fields validate against these."""
    return {
        "Cấp đơn vị": tuple(level.name for level in campaign.levels),
        "Xếp loại": RATINGS,
        "Hình thức hội nghị": CONFERENCE_FORMS,
        "Giới tính": GENDERS,
        "Loại đại biểu": DELEGATE_TYPES,
        "Đánh dấu": (FLAG_MARK,),
        "Đối tượng": SUBJECTS,
        "Phân loại đối tượng": CATEGORIES,
        "Hình thức khen thưởng": AWARD_FORMS,
    }


def _list_for(column: Column) -> str | None:
    """The Danh mục list a column draws its drop-down from."""
    if column.kind == "flag":
        return "Đánh dấu"
    if column.key == "level":
        return "Cấp đơn vị"
    if column.kind == "choice":
        return column.header
    return None


def write_templates(campaign: Campaign, out_dir: Path,
                    registry: Registry | None = None) -> list[Path]:
    """The blank template of the campaign, or (with a registry) one pre-filled workbook per unit
    that must submit. Returns the paths written."""
    if registry is None:
        return [write_template(campaign, out_dir / f"mau-{campaign.id}.xlsx")]
    from ..allocate.quotas import planned_shares

    seats = planned_shares(campaign, registry)
    written = []
    for code in registry.order:
        unit = registry.units[code]
        if unit.parent is None or not unit.level.submits:
            continue
        prefill = Prefill(code, unit.name, unit.level.name, unit.parent,
                          {what: n for (what, who), n in seats.items() if who == code})
        name = file_safe(f"{code} - {unit.name}")
        written.append(write_template(campaign, out_dir / f"{name}.xlsx", prefill, unit.level))
    return written


def write_template(campaign: Campaign, path: Path, prefill: Prefill | None = None,
                   level: Level | None = None) -> Path:
    """One template workbook."""
    import xlsxwriter

    with written_atomically(path) as temp_name:
        book = xlsxwriter.Workbook(temp_name, TEXT_SAFE)
        book.set_properties({"title": f"Mẫu báo cáo – {campaign.name}", "author": "dhtt-merge",
                             "created": _CREATED})
        looks = _Looks(book)
        lists = closed_lists(campaign)
        _guide_sheet(book, looks, campaign, prefill, level)
        _info_sheet(book, looks, campaign, lists, prefill)
        # A year-end summary (document 002) holds no conference, so it has no delegate list.
        kind_sheets = [DELEGATE_SPEC] if campaign.kind == "conference" else []
        kind_sheets += [NOMINATIONS, INDICATORS]
        if campaign.registration_deadline is not None:
            kind_sheets.append(REGISTRATIONS)
        for spec in kind_sheets:
            _table_sheet(book, looks, campaign, spec, lists)
        _lists_sheet(book, looks, lists)
        book.close()
    return path


class _Looks:
    """Cell formats: locked labels and headers, unlocked data cells."""

    def __init__(self, book: Any) -> None:
        base = {"font_name": FONT, "font_size": 12, "valign": "vcenter"}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "text_wrap": True})
        self.text = book.add_format({**base, "text_wrap": True})
        self.bold = book.add_format({**base, "bold": True, "text_wrap": True})
        self.header = book.add_format({**base, "bold": True, "border": 1, "text_wrap": True,
                                       "align": "center", "bg_color": "#DDEBF7"})
        self.label = book.add_format({**base, "bold": True, "border": 1})
        self.fixed = book.add_format({**base, "border": 1, "bg_color": "#F2F2F2"})
        self.input = book.add_format({**base, "border": 1, "locked": False})
        self.input_text = book.add_format({**base, "border": 1, "locked": False,
                                           "num_format": "@"})
        self.input_date = book.add_format({**base, "border": 1, "locked": False,
                                           "num_format": "dd/mm/yyyy"})
        self.input_center = book.add_format({**base, "border": 1, "locked": False,
                                             "align": "center"})


def _protect(sheet: Any) -> None:
    """Lock labels and headers; the unlocked data area stays editable, pasteable, sortable."""
    sheet.protect("", {"format_cells": True, "format_columns": True, "format_rows": True,
                       "insert_rows": True, "delete_rows": True, "sort": True,
                       "autofilter": True, "select_locked_cells": True,
                       "select_unlocked_cells": True})


def _print_a4(sheet: Any, landscape: bool, header_row: int | None = None,
              title: str = "") -> None:
    print_setup(sheet, title or sheet.name, FONT, landscape=landscape,
                repeat=None if header_row is None else (header_row, header_row))


# The guide's one column: as wide as portrait A4 prints 12-pt text at full size.
GUIDE_WIDTH = 70


def _guide_sheet(book: Any, looks: _Looks, campaign: Campaign, prefill: Prefill | None,
                 level: Level | None) -> None:
    from ..textnorm import format_date

    sheet = book.add_worksheet(SHEET_GUIDE)
    sheet.set_column(0, 0, GUIDE_WIDTH)
    lines: list[tuple[str, Any]] = [
        (f"HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO – {campaign.name.upper()}", looks.title),
        (f"Căn cứ: {campaign.document}.", looks.text),
        ("", looks.text),
        ("1. Điền những gì", looks.bold),
        ("• Trang «Thông tin đơn vị»: mã đơn vị (bắt buộc, đúng mã được cấp), tên, cấp, số đoàn "
         "viên, hình thức và ngày tổ chức hội nghị, ngày gửi báo cáo, người lập biểu, điện thoại, "
         "email.", looks.text),
    ]
    if "delegates" in campaign.required_sheets or campaign.kind == "conference":
        lines.append(("• Trang «Đại biểu»: mỗi đại biểu một dòng. Các cột đánh dấu (Đảng viên, "
                      "Lãnh đạo, Đoàn Chủ tịch, …) chọn «x» hoặc để trống.", looks.text))
    lines += [
        ("• Trang «Đề nghị khen thưởng»: mỗi cá nhân, tập thể một dòng; chọn Đối tượng, Phân "
         "loại đối tượng và Hình thức khen thưởng trong danh sách.", looks.text),
        ("• Trang «Kết quả thi đua»: chỉ điền cột Giá trị cho các chỉ tiêu đã liệt kê.",
         looks.text),
        ("• Ô có mũi tên: chọn trong danh sách, không gõ khác. Ngày ghi dạng dd/mm/yyyy, năm sinh "
         "4 chữ số. Không đổi tên trang, không sửa dòng tiêu đề, không chèn cột.", looks.text),
        ("", looks.text),
        ("2. Thời hạn và quy định", looks.bold),
    ]
    levels = [level] if level is not None else [lv for lv in campaign.levels if lv.submits]
    for lv in levels:
        rules = []
        if lv.conference_start or lv.conference_end:
            start = format_date(lv.conference_start) if lv.conference_start else "…"
            end = format_date(lv.conference_end) if lv.conference_end else "…"
            rules.append(f"tổ chức hội nghị từ {start} đến {end}")
        if lv.dossier_deadline:
            rules.append(f"gửi hồ sơ chậm nhất ngày {format_date(lv.dossier_deadline)}")
        if lv.delegate_cap:
            rules.append(f"không quá {lv.delegate_cap} đại biểu (trừ hội nghị toàn thể)")
        if lv.presidium_min is not None:
            rules.append(f"Đoàn Chủ tịch {lv.presidium_min}–{lv.presidium_max} người")
        if lv.presidium_emulation_min is not None:
            rules.append(f"trong đó {lv.presidium_emulation_min}–{lv.presidium_emulation_max} "
                         "Chiến sĩ thi đua")
        if rules:
            lines.append((f"• {lv.name}: " + "; ".join(rules) + ".", looks.text))
    if campaign.plenary_threshold:
        lines.append((f"• Dưới {campaign.plenary_threshold} đoàn viên tổ chức Hội nghị toàn thể, "
                      "từ đó trở lên tổ chức Hội nghị đại biểu.", looks.text))
    if campaign.exemplary_share:
        lines.append((f"• Đại biểu điển hình tiên tiến chiếm khoảng {campaign.exemplary_share:.0%}"
                      " tổng số đại biểu.", looks.text))
    if campaign.leader_share:
        lines.append((f"• Cá nhân là lãnh đạo, quản lý không quá {campaign.leader_share:.0%} số "
                      "cá nhân đề nghị khen thưởng.", looks.text))
    for form, count in campaign.reports_required.items():
        lines.append((f"• «{form}» cần {count} báo cáo thành tích.", looks.text))
    if campaign.late_nominations_not_considered:
        lines.append(("• Hồ sơ gửi muộn không được xét khen thưởng.", looks.text))
    if prefill is not None:
        lines += [("", looks.text), (f"3. Đơn vị: {prefill.code} – {prefill.name}", looks.bold),
                  ("• Mã, tên, cấp và đơn vị cấp trên đã ghi sẵn và khóa; không sửa.", looks.text)]
        lines += [(f"• Chỉ tiêu được phân bổ – {what}: {count}.", looks.text)
                  for what, count in prefill.seats.items()]
    lines += [("", looks.text), ("Gửi lại", looks.bold),
              ("Lưu tệp dạng .xlsx (giữ nguyên tên các trang), gửi qua thư điện tử cho cơ quan "
               "tổng hợp. Sửa lỗi thì sửa ngay trong tệp này và gửi lại cả tệp.", looks.text)]
    for number, (text, look) in enumerate(lines):
        if text:  # wrapped: each line as tall as its text needs
            size = 14 if look is looks.title else TABLE_POINTS
            lines_needed = lines_in(text, GUIDE_WIDTH * (0.9 if look is not looks.text else 1),
                                    size)
            if lines_needed > 1 or size != TABLE_POINTS:
                sheet.set_row(number, lines_needed * line_points(size))
            sheet.write_string(number, 0, text, look)
    sheet.protect()
    _print_a4(sheet, landscape=False)


def _info_sheet(book: Any, looks: _Looks, campaign: Campaign, lists: dict[str, tuple[str, ...]],
                prefill: Prefill | None) -> None:
    sheet = book.add_worksheet(INFO.title)
    for position, width in enumerate(FORM_WIDTHS):
        sheet.set_column(position, position, width)
    write_title(sheet, table_title(INFO, campaign.name), VALUE_COLUMN, sum(FORM_WIDTHS),
                looks.title)
    fixed = {}
    if prefill is not None:
        fixed = {"unit_code": prefill.code, "unit_name": prefill.name, "level": prefill.level,
                 "parent_code": prefill.parent}
    for row, column in enumerate(INFO.columns, start=first_row(titled=True)):
        sheet.write_string(row, LABEL_COLUMN, column.header, looks.label)
        if column.key in fixed:
            value = fixed[column.key]
            if value is None:
                sheet.write_blank(row, VALUE_COLUMN, None, looks.fixed)
            else:
                sheet.write_string(row, VALUE_COLUMN, str(value), looks.fixed)
            continue
        look = looks.input_date if column.kind == "date" else looks.input
        if column.kind == "text":
            look = looks.input_text
        sheet.write_blank(row, VALUE_COLUMN, None, look)
        _validate(sheet, row, VALUE_COLUMN, row, column, campaign, lists)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                       "format_cells": True})
    _print_a4(sheet, landscape=False)


def _table_sheet(book: Any, looks: _Looks, campaign: Campaign, spec: SheetSpec,
                 lists: dict[str, tuple[str, ...]]) -> None:
    sheet = book.add_worksheet(spec.title)
    header_row = first_row(titled=True)
    widths = table_widths(spec)
    write_title(sheet, table_title(spec, campaign.name), len(spec.columns) - 1, sum(widths),
            looks.title)
    catalogue = spec.key == "indicators" and bool(campaign.indicators)
    rows = len(campaign.indicators) if catalogue else DATA_ROWS[spec.key]
    last = header_row + max(rows, 1)
    for position, (column, width) in enumerate(zip(spec.columns, widths, strict=True)):
        sheet.set_column(position, position, width)
        sheet.write_string(header_row, position, column.header, looks.header)
        look = {"flag": looks.input_center, "text": looks.input_text}.get(column.kind,
                                                                          looks.input)
        for row in range(header_row + 1, last + 1):
            number = row - header_row
            if column.key == "stt":
                sheet.write_number(row, position, number, looks.input_center)
            elif catalogue and column.key in spec.prefilled:
                indicator = campaign.indicators[number - 1]
                value = {"code": indicator.code, "name": indicator.name,
                         "measure": indicator.measure}[column.key]
                sheet.write_string(row, position, value, looks.fixed)
            else:
                sheet.write_blank(row, position, None, look)
        if column.key != "stt" and not (catalogue and column.key in spec.prefilled):
            _validate(sheet, header_row + 1, position, last, column, campaign, lists)
    sheet.set_row(header_row, header_height(
        [Col(column.header, width) for column, width in zip(spec.columns, widths, strict=True)],
        TABLE_POINTS))
    sheet.freeze_panes(header_row + 1, 0)
    _protect(sheet)
    _print_a4(sheet, landscape=True, header_row=header_row)


def _lists_sheet(book: Any, looks: _Looks, lists: dict[str, tuple[str, ...]]) -> None:
    sheet = book.add_worksheet(SHEET_LISTS)
    for position, (header, values) in enumerate(lists.items()):
        sheet.set_column(position, position, 30)
        sheet.write_string(0, position, header, looks.header)
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, position, value, looks.text)
    sheet.protect()


def _list_range(lists: dict[str, tuple[str, ...]], name: str) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    position = list(lists).index(name)
    first = xl_rowcol_to_cell(1, position, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(len(lists[name]), position, row_abs=True, col_abs=True)
    return f"='{SHEET_LISTS}'!{first}:{last}"


def _validate(sheet: Any, first_row: int, col: int, last_row: int, column: Column,
              campaign: Campaign, lists: dict[str, tuple[str, ...]]) -> None:
    """Excel data validation with a Vietnamese input and error message."""
    listed = _list_for(column)
    if listed is not None:
        rule: dict[str, Any] = {"validate": "list", "source": _list_range(lists, listed),
                                "input_title": column.header[:32],
                                "input_message": "Chọn trong danh sách.",
                                "error_title": "Giá trị không có trong danh sách",
                                "error_message": f"Chọn một giá trị của danh sách «{listed}» "
                                                 f"(trang {SHEET_LISTS})."}
    elif column.kind == "year":
        year = template_year(campaign)
        rule = {"validate": "integer", "criteria": "between", "minimum": 1900,
                "maximum": year, "input_title": column.header[:32],
                "input_message": f"Năm sinh 4 chữ số, từ 1900 đến {year}.",
                "error_title": "Năm sinh không hợp lệ",
                "error_message": f"Ghi năm sinh 4 chữ số, từ 1900 đến {year}."}
    elif column.kind == "date":
        rule = {"validate": "date", "criteria": "between",
                "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2100, 12, 31),
                "input_title": column.header[:32],
                "input_message": "Ghi ngày dạng dd/mm/yyyy, ví dụ 05/03/2025.",
                "error_title": "Ngày không hợp lệ",
                "error_message": "Ghi ngày dạng dd/mm/yyyy, ví dụ 05/03/2025."}
    elif column.kind in ("int", "number"):
        rule = {"validate": "integer" if column.kind == "int" else "decimal",
                "criteria": ">=", "value": column.minimum or 0,
                "input_title": column.header[:32],
                "input_message": "Ghi số" + (" nguyên" if column.kind == "int" else "") +
                                 ", không âm.",
                "error_title": "Số không hợp lệ",
                "error_message": "Ghi số" + (" nguyên" if column.kind == "int" else "") +
                                 ", không âm."}
    else:
        return
    sheet.data_validation(first_row, col, last_row, col, rule)
