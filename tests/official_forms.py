"""Unit files as offices really make them: official forms, built with openpyxl cell by cell.

A delegate list typed in Word and pasted into Excel, under the national motto and above a
signature block: a two-row header with merged cells, «Năm sinh» split into «Nam» | «Nữ», a row of
column numbers, section headings, «Loại đại biểu» merged down over the guests, a total line, the
place and date, the signers, notes, and a hidden sheet of code lists left over from the template.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

# (name, birth year, sex, ethnicity, position, party member)
GUESTS = [
    ("Trần Văn Bình", 1968, "Nam", "Kinh", "Chủ tịch LĐLĐ huyện", "x"),
    ("Lê Thị Cúc", 1975, "Nữ", "Kinh", "Phó Chủ tịch LĐLĐ huyện", "x"),
    ("Phạm Văn Dũng", 1970, "Nam", "Tày", "Giám đốc Công ty", ""),
]
EXEMPLARY = [
    ("Nguyễn Thị Hoa", 1988, "Nữ", "Kinh", "Công nhân tổ may 1", ""),
    ("Hoàng Văn Nam", 1985, "Nam", "Khmer", "Tổ trưởng tổ cắt", "x"),
    ("Đỗ Thị Lan", 1992, "Nữ", "Kinh", "Công nhân tổ may 2", ""),
    ("Vũ Văn Quân", 1979, "Nam", "Kinh", "Kỹ thuật viên", "x"),
]
HEADERS = ["STT", "Họ và tên", "Năm sinh", None, "Dân tộc", "Chức vụ, đơn vị công tác",
           "Đảng viên", "Loại đại biểu", "Ghi chú"]


def official_delegate_list(path: Path, code: str = "BB01", name: str = "CĐCS Công ty May Bàu Bàng",
                           *, stated_total: int | None = None, with_code: bool = True,
                           info_sheet: bool = True, subtotals: bool = False) -> Path:
    """A delegate list as a CĐCS sends it (see the module's docstring); `stated_total` is what
    its total line says (default: the true count); with `subtotals`, each section ends with
    its own «Cộng mục …» line."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DS đại biểu"
    sheet["A1"] = "LĐLĐ HUYỆN BÀU BÀNG"
    sheet["F1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["A2"] = name.upper()
    sheet["F2"] = "Độc lập - Tự do - Hạnh phúc"
    sheet["A4"] = "DANH SÁCH TRÍCH NGANG ĐẠI BIỂU DỰ HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN"
    sheet.merge_cells("A4:I4")
    for column, title in enumerate(HEADERS, start=1):
        if title:
            sheet.cell(6, column, title)
    for letter in "ABEFGHI":  # every title but «Năm sinh» is merged down over the two rows
        sheet.merge_cells(f"{letter}6:{letter}7")
    sheet.merge_cells("C6:D6")
    sheet["C7"], sheet["D7"] = "Nam", "Nữ"
    for column in range(1, 10):  # the column-number row
        sheet.cell(8, column, f"({column})")
    row = 9
    sheet.cell(row, 1, "I")
    sheet.cell(row, 2, "ĐẠI BIỂU KHÁCH MỜI")
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=9)
    row += 1
    number = 0
    first_guest = row
    for person in GUESTS:
        number += 1
        _person(sheet, row, number, person)
        row += 1
    sheet.cell(first_guest, 8, "Khách mời")  # one cell merged down over the three guests
    sheet.merge_cells(start_row=first_guest, start_column=8, end_row=row - 1, end_column=8)
    if subtotals:
        sheet.cell(row, 2, f"Cộng mục I: {len(GUESTS)} người")
        row += 1
    sheet.cell(row, 1, "II")
    sheet.cell(row, 2, "ĐẠI BIỂU ĐIỂN HÌNH TIÊN TIẾN")
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=9)
    row += 1
    for person in EXEMPLARY:
        number += 1
        _person(sheet, row, number, person)
        sheet.cell(row, 8, "Điển hình tiên tiến")
        row += 1
    sheet.row_dimensions[row - 1].hidden = True  # hidden by hand: still a person
    sheet.auto_filter.ref = f"A7:I{row - 1}"
    if subtotals:
        sheet.cell(row, 2, f"Cộng mục II: {len(EXEMPLARY)}")
        row += 1
    count = len(GUESTS) + len(EXEMPLARY)
    sheet.cell(row, 2, f"Tổng cộng: {stated_total if stated_total is not None else count} "
                       "người")
    row += 2
    sheet.cell(row, 6, "Bàu Bàng, ngày 10 tháng 3 năm 2025")
    row += 1
    sheet.cell(row, 2, "NGƯỜI LẬP BIỂU")
    sheet.cell(row, 6, "TM. BAN CHẤP HÀNH")
    row += 1
    sheet.cell(row, 6, "CHỦ TỊCH")
    row += 1
    sheet.cell(row, 2, "(Ký, ghi rõ họ tên)")
    sheet.cell(row, 6, "(Ký, ghi rõ họ tên, đóng dấu)")
    row += 4
    sheet.cell(row, 2, "Nguyễn Văn Tâm")
    sheet.cell(row, 6, "Trần Thị Mai")
    row += 2
    sheet.cell(row, 1, "Ghi chú: danh sách xếp theo thứ tự khách mời, điển hình tiên tiến.")
    if info_sheet:
        info = book.create_sheet("Thông tin đơn vị")
        fields: list[tuple[str, Any]] = [
            ("Mã đơn vị", code if with_code else None), ("Tên đơn vị", name),
            ("Cấp đơn vị", "CĐCS"), ("Mã đơn vị cấp trên", "ROOT"), ("Số đoàn viên", 250),
            ("Hình thức hội nghị", "Hội nghị toàn thể"),
            ("Ngày tổ chức hội nghị", dt.datetime(2025, 3, 5)),
            ("Ngày gửi báo cáo", dt.datetime(2025, 3, 10)),
        ]
        for label, value in fields:
            info.append([label, value])
    codes = book.create_sheet("Danh mục")  # the template's code lists, left over and hidden
    codes.append(["Giới tính", "Loại đại biểu", "Họ và tên"])
    codes.append(["Nam", "Điển hình tiên tiến", "Người mẫu"])
    codes.append(["Nữ", "Khách mời", "Người mẫu 2"])
    codes.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _person(sheet: Any, row: int, number: int, person: tuple) -> None:
    name, year, sex, ethnicity, position, party = person
    sheet.cell(row, 1, number)
    sheet.cell(row, 2, name)
    sheet.cell(row, 3 if sex == "Nam" else 4, year)
    sheet.cell(row, 5, ethnicity)
    sheet.cell(row, 6, position)
    if party:
        sheet.cell(row, 7, party)
