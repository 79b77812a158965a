"""Lists as units send them besides our template, built the way each program writes them: a
delegate list with a total line that counts the flag columns, CSV files in the bytes Excel and
Google Sheets write, Word tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

# (name, birth date as typed, sex, ethnicity, position, party member, leader, direct worker)
PEOPLE: list[tuple[str, Any, str, str, str, str, str, str]] = [
    ("Trần Văn Bình", "12/05/1968", "Nam", "Kinh", "Chủ tịch CĐCS", "x", "x", ""),
    ("Lê Thị Cúc", "03/11/1975", "Nữ", "Kinh", "Kế toán", "x", "", ""),
    ("Phạm Văn Dũng", "1970", "Nam", "Tày", "Tổ trưởng tổ cắt", "", "x", "x"),
    ("Nguyễn Thị Hoà", "21/01/1988", "Nữ", "Kinh", "Công nhân tổ may 1", "", "", "x"),
]
YEARS = [1968, 1975, 1970, 1988]
HEADINGS = ["TT", "Họ tên", "Ngày sinh", "Nam/Nữ", "Dân tộc", "Chức vụ - Đơn vị công tác",
            "Đảng viên (x)", "Lãnh đạo", "Trực tiếp SX", "Thành phần đại biểu"]


def rows_of_people(kind: str = "Điển hình tiên tiến") -> list[list[str]]:
    """The people as text rows under `HEADINGS` (what a CSV holds)."""
    return [[str(number), name, born, sex, ethnicity, position, party, leader, worker, kind]
            for number, (name, born, sex, ethnicity, position, party, leader, worker)
            in enumerate(PEOPLE, start=1)]


def list_with_counted_total(path: Path) -> Path:
    """A delegate list whose total line counts the flag columns: «Tổng cộng: 4 đại biểu» then
    2 | 2 | 2 under Đảng viên, Lãnh đạo and Trực tiếp SX (more than three filled cells)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Đại biểu"
    sheet["A1"] = "DANH SÁCH ĐẠI BIỂU"
    sheet.append([])
    sheet.append(HEADINGS)
    for row in rows_of_people():
        sheet.append([int(row[0]), *row[1:]])
    sheet.append([None, f"Tổng cộng: {len(PEOPLE)} đại biểu", None, None, None, None, 2, 2, 2])
    info = book.create_sheet("Thông tin đơn vị")
    for label, value in (("Mã đơn vị", "BB01"), ("Tên đơn vị", "CĐCS Công ty May"),
                         ("Ngày gửi báo cáo", dt.datetime(2025, 3, 10))):
        info.append([label, value])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


NOMINEES = [("Tổ may 1", "Bằng khen LĐLĐ tỉnh"), ("Tô Văn Hùng", "Giấy khen"),
            ("Trương Thị Mai", "Giấy khen"), ("Phòng Kế toán", "Giấy khen"),
            ("Công đoàn Công ty May", "Cờ thi đua LĐLĐ tỉnh")]


def nomination_list(path: Path, *, award_heading: str | None = "Danh hiệu thi đua/Hình thức "
                    "khen thưởng", info: bool = True, others: tuple[str, ...] = ()) -> Path:
    """A proposal list headed as people head it («TT», «Tên tập thể/cá nhân», …) with no
    Đối tượng column; without `award_heading`, the award column is missing altogether;
    `others` are columns of no list of ours, at the end."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG NĂM 2024"])
    headings = ["TT", "Tên tập thể/cá nhân", "Chức vụ - Đơn vị công tác", "Thành tích"]
    if award_heading:
        headings.insert(3, award_heading)
    sheet.append(headings + list(others))
    for number, (name, award) in enumerate(NOMINEES, start=1):
        row: list[Any] = [number, name, "Công ty May", "Hoàn thành xuất sắc nhiệm vụ"]
        if award_heading:
            row.insert(3, award)
        sheet.append(row + ["123/QĐ"] * len(others))
    if info:
        form = book.create_sheet("Thông tin đơn vị")
        form.append(["Mã đơn vị", "BB01"])
        form.append(["Tên đơn vị", "CĐCS Công ty May"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def csv_rows(rows: list[list[str]], separator: str = ",") -> str:
    """Rows as a CSV writer writes them (fields holding the separator or quotes are quoted),
    lines ended CRLF as Excel and Google Sheets end them."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def delegate_csv_text(separator: str = ",", info: list[list[str]] | None = None) -> str:
    return csv_rows([*(info or []), HEADINGS, *rows_of_people()], separator)


# Letters Windows-1258 holds whole; the tones are combining marks after them.
_CP1258_BASES = "âêôăơưđÂÊÔĂƠƯĐ"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Text as Excel «CSV (Comma delimited)» writes it on a Vietnamese Windows: code page 1258,
    a toned vowel stored as its letter followed by a combining tone mark («ễ» = ê + ~)."""
    import unicodedata

    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tone = "".join(mark for mark in parts if mark in _TONES)
        base = unicodedata.normalize("NFC", "".join(mark for mark in parts if mark not in _TONES))
        out.append((base + tone).encode("cp1258"))
    return b"".join(out)


def tcvn3_bytes(text: str) -> bytes:
    """Text typed with a TCVN3 (.VnTime) font, saved as 8-bit text."""
    from excel_pipeline.ingest.legacy_text import TCVN3_TABLE

    reverse = {letter: chr(code) for code, letter in TCVN3_TABLE.items()}
    return "".join(reverse.get(char, char) for char in text).encode("latin-1")


def word_delegate_list(path: Path, *, labels: bool = True) -> Path:
    """A delegate list typed in Word: «Mã đơn vị: BB01» lines, then a table whose header has
    «Năm sinh» merged across «Nam» | «Nữ» and the other titles merged down, a section heading
    merged across the table, the people, and a total line."""
    import docx

    document = docx.Document()
    document.add_paragraph("DANH SÁCH ĐẠI BIỂU DỰ HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN")
    if labels:
        document.add_paragraph("Mã đơn vị: BB01")
        document.add_paragraph("Tên đơn vị: CĐCS Công ty May Bàu Bàng")
    titles = ["TT", "Họ và tên", "Năm sinh", "", "Dân tộc", "Đảng viên", "Thành phần đại biểu"]
    table = document.add_table(rows=2, cols=len(titles))
    for column, title in enumerate(titles):
        if title:
            table.cell(0, column).text = title
    for column in (0, 1, 4, 5, 6):
        table.cell(0, column).merge(table.cell(1, column))
    table.cell(0, 2).merge(table.cell(0, 3))
    table.cell(1, 2).text, table.cell(1, 3).text = "Nam", "Nữ"
    heading = table.add_row()
    heading.cells[0].merge(heading.cells[-1]).text = "I. ĐẠI BIỂU ĐIỂN HÌNH TIÊN TIẾN"
    for number, ((name, _, sex, ethnicity, _, party, _, _), year) in enumerate(
            zip(PEOPLE, YEARS, strict=True), start=1):
        cells = table.add_row().cells
        values = [str(number), name, str(year) if sex == "Nam" else "",
                  str(year) if sex == "Nữ" else "", ethnicity, party, "Điển hình tiên tiến"]
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    total = table.add_row()
    total.cells[0].merge(total.cells[3]).text = f"Tổng cộng: {len(PEOPLE)} người"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def word_guidance(path: Path) -> Path:
    """The campaign's guidance letter: text and a small table of deadlines, no list."""
    import docx

    document = docx.Document()
    document.add_paragraph("HƯỚNG DẪN tổ chức Hội nghị điển hình tiên tiến năm 2025")
    document.add_paragraph("Thời gian: trước ngày 31/3/2025")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Cấp", "Thời hạn"
    table.cell(1, 0).text, table.cell(1, 1).text = "CĐCS", "15/3/2025"
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def delegate_workbook(path: Path, code: str,
                      people: list[tuple[str, int, str, str | None, str]]) -> Path:
    """A unit's workbook on the template's own headings: (name, year, sex, ethnicity,
    position) per delegate."""
    book = openpyxl.Workbook()
    info = book.active
    info.title = "Thông tin đơn vị"
    info.append(["Mã đơn vị", code])
    info.append(["Tên đơn vị", f"CĐCS {code}"])
    sheet = book.create_sheet("Đại biểu")
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "Dân tộc",
                  "Chức vụ, đơn vị công tác", "Loại đại biểu"])
    for number, (name, year, sex, ethnicity, position) in enumerate(people, start=1):
        sheet.append([number, name, year, sex, ethnicity, position, "Điển hình tiên tiến"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
