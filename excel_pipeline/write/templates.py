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
    BY_KEY,
    CATEGORIES,
    CONFERENCE_FORMS,
    DELEGATE_TYPES,
    GENDERS,
    INDICATORS,
    INFO,
    NOMINATIONS,
    RATINGS,
    REGISTRATIONS,
    REGISTRY,
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
from .paper import hand_row_points, header_height, line_points, lines_in, print_setup
from .styles import FONT, Col

SHEET_GUIDE = "Hướng dẫn"
SHEET_LISTS = "Danh mục"
FLAG_MARK = "x"
DATA_ROWS = {"delegates": 300, "nominations": 100, "indicators": 30, "registrations": 50,
             "registry": 200}
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
        written = [write_template(campaign, out_dir / f"mau-{campaign.id}.xlsx")]
        if not holds_units(out_dir / REGISTRY_TEMPLATE):
            written.append(write_registry_template(out_dir / REGISTRY_TEMPLATE))
        return written
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


def write_registry_template(path: Path) -> Path:
    """The blank unit registry (Danh mục đơn vị) the consolidating office fills once: one row
    per unit it receives files from. It names no campaign's levels (Cấp is matched against the
    campaign's level names when a run reads it, or taken from the unit's depth when blank), so
    one registry serves every campaign."""
    import xlsxwriter

    with written_atomically(path) as temp_name:
        book = xlsxwriter.Workbook(temp_name, TEXT_SAFE)
        book.set_properties({"title": "Mẫu danh mục đơn vị", "author": "dhtt-merge",
                             "created": _CREATED})
        looks = _Looks(book)
        sheet = book.add_worksheet(SHEET_GUIDE)
        for position, width in enumerate(GUIDE_WIDTHS):
            sheet.set_column(position, position, width)
        guide = _Guide(sheet, looks)
        guide.paragraph("HƯỚNG DẪN LẬP DANH MỤC ĐƠN VỊ", looks.title)
        guide.paragraph("Cơ quan tổng hợp lập danh mục một lần, dùng cho mọi đợt thi đua: chương "
                        "trình biết đơn vị nào phải gửi, đơn vị nào chưa gửi, và chia chỉ tiêu "
                        "theo số đoàn viên.")
        guide.gap()
        for column in REGISTRY.columns:
            guide.rule(column.header, _REGISTRY_HELP.get(column.key, "Không bắt buộc."))
        guide.gap()
        guide.paragraph("Dùng: dhtt-merge THƯ_MỤC_HỒ_SƠ --units TỆP_DANH_MỤC.xlsx; hoặc để tệp "
                        "danh mục ngay trong thư mục hồ sơ.")
        sheet.protect()
        _print_a4(sheet, landscape=False, title="Hướng dẫn lập danh mục đơn vị")
        _table_sheet(book, looks, None, REGISTRY, {})
        book.close()
    return path


REGISTRY_TEMPLATE = "mau-danh-muc-don-vi.xlsx"


def holds_units(path: Path) -> bool:
    """Whether a registry template already there was filled in place by the office (a value
    under its header), or is some other file of that name: either is kept, never overwritten."""
    if not path.exists():
        return False
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # not a workbook we can read: not ours to replace
        return True
    try:
        if REGISTRY.title not in book.sheetnames:
            return True
        rows = book[REGISTRY.title].iter_rows(min_row=first_row(titled=True) + 2,
                                              values_only=True)
        return any(value not in (None, "") for row in rows for value in row)
    finally:
        book.close()
# What each registry column holds, for the registry template's guide; a column added to the
# registry's spec without a line here is described as optional.
_REGISTRY_HELP = {
    "unit_code": "Bắt buộc. Mã riêng của từng đơn vị, đúng mã đơn vị ghi ở trang «Thông tin "
                 "đơn vị» của tệp đơn vị gửi.",
    "unit_name": "Bắt buộc. Tên đầy đủ của đơn vị.",
    "level": "Tên cấp theo đợt thi đua (xem dhtt-merge campaigns MÃ), ví dụ «Công đoàn cơ sở». "
             "Để trống thì chương trình suy ra từ vị trí của đơn vị trong cây đơn vị.",
    "parent_code": "Mã của đơn vị cấp trên trực tiếp. Để trống ở đơn vị cao nhất (cơ quan "
                   "tổng hợp).",
    "members": "Số đoàn viên: dùng để chia chỉ tiêu và xét hình thức hội nghị.",
    "workers": "Số công nhân viên chức lao động, nếu chia chỉ tiêu theo số này.",
    "block": "Khối thi đua của đơn vị, nếu có.",
}


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
        # A year-end summary (`dien-bien-tong-ket-2020`) holds no conference, so it has no
        # delegate list.
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
        self.rule_title = book.add_format({**base, "bold": True, "border": 1, "text_wrap": True})
        self.rule_text = book.add_format({**base, "border": 1, "text_wrap": True})
        self.fixed = book.add_format({**base, "border": 1, "bg_color": "#F2F2F2",
                                      "text_wrap": True})
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


# The guide's two columns (a rule's title, then its sentence): together as wide as portrait A4
# prints 12-pt text at full size; paragraphs span both.
GUIDE_WIDTHS = (22, 48)


def _guide_sheet(book: Any, looks: _Looks, campaign: Campaign, prefill: Prefill | None,
                 level: Level | None) -> None:
    from ..describe import rule_lines

    sheet = book.add_worksheet(SHEET_GUIDE)
    for position, width in enumerate(GUIDE_WIDTHS):
        sheet.set_column(position, position, width)
    guide = _Guide(sheet, looks)
    guide.paragraph(f"HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO – {campaign.name.upper()}", looks.title)
    guide.paragraph(f"Căn cứ: {campaign.document}.")
    guide.gap()
    guide.paragraph("1. Điền những gì", looks.bold)
    required = ", ".join(f"«{BY_KEY[key].title}»" for key in campaign.required_sheets
                         if key in BY_KEY)
    guide.paragraph(f"• Trang bắt buộc phải điền và gửi: {required}; các trang khác điền khi "
                    "có nội dung.")
    guide.paragraph("• Trang «Thông tin đơn vị»: mã đơn vị (bắt buộc, đúng mã được cấp), tên, "
                    "cấp, số đoàn viên" + (", hình thức và ngày tổ chức hội nghị"
                                          if campaign.kind == "conference" else "") +
                    ", ngày gửi báo cáo, người lập biểu, điện thoại, email.")
    if campaign.kind == "conference":
        guide.paragraph("• Trang «Đại biểu»: mỗi đại biểu một dòng. Các cột đánh dấu (Đảng "
                        "viên, Lãnh đạo, Đoàn Chủ tịch, …) chọn «x» hoặc để trống.")
    guide.paragraph("• Trang «Đề nghị khen thưởng»: mỗi cá nhân, tập thể một dòng; chọn Đối "
                    "tượng, Phân loại đối tượng và Hình thức khen thưởng trong danh sách.")
    guide.paragraph("• Trang «Kết quả thi đua»: " + (
        "chỉ điền cột Giá trị cho các chỉ tiêu đã liệt kê." if campaign.indicators else
        "mỗi chỉ tiêu một dòng: mã, tên chỉ tiêu, đơn vị tính và giá trị."))
    if campaign.registration_deadline is not None:
        guide.paragraph("• Trang «Đăng ký thi đua»: mỗi cá nhân, tập thể đăng ký danh hiệu thi "
                        "đua năm sau một dòng.")
    guide.paragraph("• Ô có mũi tên: chọn trong danh sách, không gõ khác. Ngày ghi dạng "
                    "dd/mm/yyyy, năm sinh 4 chữ số. Không đổi tên trang, không sửa dòng tiêu "
                    "đề, không chèn cột.")
    guide.gap()
    guide.paragraph("2. Thời hạn và quy định", looks.bold)
    rules = [line for line in rule_lines(campaign)
             if level is None or line.level in ("", level.id)]
    for line in rules:
        guide.rule(line.title, line.sentence)
    if not rules:
        guide.paragraph("Đợt thi đua không đặt thêm quy định nào.")
    if prefill is not None:
        guide.gap()
        guide.paragraph(f"3. Đơn vị: {prefill.code} – {prefill.name}", looks.bold)
        guide.paragraph("• Mã, tên, cấp và đơn vị cấp trên đã ghi sẵn và khóa; không sửa.")
        for what, count in prefill.seats.items():
            guide.paragraph(f"• Chỉ tiêu được phân bổ – {what}: {count}.")
    guide.gap()
    guide.paragraph("Gửi lại", looks.bold)
    guide.paragraph("Lưu tệp dạng .xlsx (giữ nguyên tên các trang), gửi qua thư điện tử cho cơ "
                    "quan tổng hợp. Sửa lỗi thì sửa ngay trong tệp này và gửi lại cả tệp.")
    sheet.protect()
    _print_a4(sheet, landscape=False, title=f"Hướng dẫn điền mẫu – {campaign.name}")


class _Guide:
    """Writes the guide row by row, each row as tall as its wrapped text: neither Excel nor
    LibreOffice grows a row for wrapped or merged text when it opens a file, so an unset height
    prints the lines over the next row."""

    def __init__(self, sheet: Any, looks: _Looks) -> None:
        self.sheet, self.looks, self.row = sheet, looks, 0

    def _height(self, cells: list[tuple[str, float, float]]) -> None:
        """Set the row's height from (text, width, points) of its cells, whole lines of the
        largest size; bold text is wider, so it is measured in 0.9 of its width."""
        size = max(points for _, _, points in cells)
        lines = max(lines_in(text, width, points) for text, width, points in cells)
        self.sheet.set_row(self.row, lines * line_points(size))

    def paragraph(self, text: str, look: Any = None) -> None:
        look = look or self.looks.text
        size = 14 if look is self.looks.title else TABLE_POINTS
        width = sum(GUIDE_WIDTHS) * (1 if look is self.looks.text else 0.9)
        self._height([(text, width, size)])
        self.sheet.merge_range(self.row, 0, self.row, len(GUIDE_WIDTHS) - 1, text, look)
        self.row += 1

    def rule(self, title: str, sentence: str) -> None:
        self._height([(title, GUIDE_WIDTHS[0] * 0.9, TABLE_POINTS),
                      (sentence, GUIDE_WIDTHS[1], TABLE_POINTS)])
        self.sheet.write_string(self.row, 0, title, self.looks.rule_title)
        self.sheet.write_string(self.row, 1, sentence, self.looks.rule_text)
        self.row += 1

    def gap(self) -> None:
        self.row += 1


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
    height = hand_row_points(sum(FORM_WIDTHS), landscape=False)
    for row, column in enumerate(INFO.columns, start=first_row(titled=True)):
        sheet.set_row(row, height)
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
    _print_a4(sheet, landscape=False, title=table_title(INFO, campaign.name))


def _table_sheet(book: Any, looks: _Looks, campaign: Campaign | None, spec: SheetSpec,
                 lists: dict[str, tuple[str, ...]]) -> None:
    """A table to fill; without a campaign (the registry), one that names none."""
    sheet = book.add_worksheet(spec.title)
    header_row = first_row(titled=True)
    widths = table_widths(spec)
    title = spec.title.upper() if campaign is None else table_title(spec, campaign.name)
    write_title(sheet, title, len(spec.columns) - 1, sum(widths), looks.title)
    catalogue = campaign is not None and spec.key == "indicators" and bool(campaign.indicators)
    rows = len(campaign.indicators) if catalogue and campaign else DATA_ROWS[spec.key]
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
            elif catalogue and campaign and column.key in spec.prefilled:
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
    # Rows tall enough to write in by hand once printed (the page is scaled to its width),
    # or to hold a listed indicator's wrapped name.
    height = hand_row_points(sum(widths))
    for row in range(header_row + 1, last + 1):
        lines = 1
        if catalogue and campaign:
            indicator = campaign.indicators[row - header_row - 1]
            texts = (indicator.code, indicator.name, indicator.measure)
            lines = max(lines_in(text, width, TABLE_POINTS)
                        for text, width in zip(texts, widths, strict=False))
        sheet.set_row(row, max(height, lines * line_points(TABLE_POINTS)))
    sheet.freeze_panes(header_row + 1, 0)
    _protect(sheet)
    _print_a4(sheet, landscape=True, header_row=header_row, title=title)


def _lists_sheet(book: Any, looks: _Looks, lists: dict[str, tuple[str, ...]]) -> None:
    sheet = book.add_worksheet(SHEET_LISTS)
    for position, (header, values) in enumerate(lists.items()):
        sheet.set_column(position, position, 30)
        sheet.write_string(0, position, header, looks.header)
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, position, value, looks.text)
    sheet.protect()
    # Hidden, not deleted: the drop-downs read their values here, in Excel and LibreOffice
    # alike, but the lists neither print nor crowd the tabs a unit works in.
    sheet.hide()


def _list_range(lists: dict[str, tuple[str, ...]], name: str) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    position = list(lists).index(name)
    first = xl_rowcol_to_cell(1, position, row_abs=True, col_abs=True)
    last = xl_rowcol_to_cell(len(lists[name]), position, row_abs=True, col_abs=True)
    return f"='{SHEET_LISTS}'!{first}:{last}"


def _validate(sheet: Any, first_row: int, col: int, last_row: int, column: Column,
              campaign: Campaign | None, lists: dict[str, tuple[str, ...]]) -> None:
    """Excel data validation with a Vietnamese input and error message."""
    listed = _list_for(column)
    if campaign is None and column.key == "level":  # the registry serves every campaign
        rule: dict[str, Any] = {"validate": "any", "input_title": column.header[:32],
                                "input_message": "Tên cấp theo đợt thi đua, ví dụ «Công đoàn "
                                                 "cơ sở»; để trống thì suy ra theo cây đơn vị."}
    elif listed is not None:
        rule = {"validate": "list", "source": _list_range(lists, listed),
                                "input_title": column.header[:32],
                                "input_message": "Chọn trong danh sách.",
                                "error_title": "Giá trị không có trong danh sách",
                                "error_message": f"Chọn một giá trị của danh sách «{listed}» "
                                                 f"(trang {SHEET_LISTS})."}
    elif column.kind == "year" and campaign is not None:
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
