"""Workbooks as old provincial offices make them: legacy fonts, LibreOffice formats.

`python -m tests.legacy_books` regenerates the committed LibreOffice files in
tests/fixtures/libreoffice/ (it needs `soffice`); the tests regenerate them in tmp_path too
whenever `soffice` is installed, and otherwise use the committed copies.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "libreoffice"

# (TCVN3 bytes as Excel stores them, the Unicode they mean)
TCVN3_NAMES = [("NguyÔn V¨n An", "Nguyễn Văn An"), ("TrÇn ThÞ B×nh", "Trần Thị Bình"),
               ("Lª §øc C­êng", "Lê Đức Cường")]
TCVN3_GENDERS = [("Nam", "Nam"), ("N÷", "Nữ"), ("Nam", "Nam")]
VNI_POSITIONS = [("Coâng nhaân", "Công nhân"), ("Toå tröôûng", "Tổ trưởng"),
                 ("Kyõ sö", "Kỹ sư")]
TCVN3_TITLE = ("danh s¸ch ®¹i biÓu", "DANH SÁCH ĐẠI BIỂU")  # typed in .VnTimeH
TCVN3_UNIT_NAME = ("C«ng ®oµn c¬ së C«ng ty Giµy", "Công đoàn cơ sở Công ty Giày")


def legacy_font_workbook(path: Path, code: str = "C13") -> Path:
    """A unit workbook typed with .VnTime, .VnTimeH and VNI-Times fonts, saved by openpyxl."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    info = book.active
    info.title = "Thông tin đơn vị"
    rows = [("Mã đơn vị", code, None), ("Tên đơn vị", TCVN3_UNIT_NAME[0], ".VnTime"),
            ("Cấp đơn vị", "CĐCS", None), ("Mã đơn vị cấp trên", "ROOT", None),
            ("Số đoàn viên", 120, None), ("Hình thức hội nghị", "Hội nghị toàn thể", None),
            ("Ngày tổ chức hội nghị", dt.date(2025, 3, 5), None),
            ("Ngày gửi báo cáo", dt.date(2025, 3, 12), None)]
    for number, (label, value, font) in enumerate(rows, start=1):
        info.cell(number, 1, label)
        cell = info.cell(number, 2, value)
        if font:
            cell.font = Font(name=font)
    sheet = book.create_sheet("Đại biểu")
    title = sheet.cell(1, 1, TCVN3_TITLE[0])
    title.font = Font(name=".VnTimeH", bold=True)
    headers = ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Dân tộc", "Chức vụ, đơn vị công tác",
               "Loại đại biểu", "Trực tiếp sản xuất"]
    for col, header in enumerate(headers, start=1):
        sheet.cell(3, col, header)
    for index, ((name, _), (gender, _), (position, _)) in enumerate(
            zip(TCVN3_NAMES, TCVN3_GENDERS, VNI_POSITIONS, strict=True)):
        row = 4 + index
        values = [index + 1, name, 1980 + index, gender, "Kinh", position, "Điển hình tiên tiến",
                  "x"]
        for col, value in enumerate(values, start=1):
            sheet.cell(row, col, value)
        sheet.cell(row, 2).font = Font(name=".VnTime")
        sheet.cell(row, 4).font = Font(name=".VnTime")
        sheet.cell(row, 6).font = Font(name="VNI-Times")
    book.save(path)
    return path


def convert_with_libreoffice(source: Path, suffix: str, folder: Path) -> Path:
    """Save `source` as `suffix` ("xls" or "ods") with LibreOffice in headless mode."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("soffice not found")
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / ".lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", suffix, "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    return folder / f"{source.stem}.{suffix}"


def libreoffice_files(folder: Path) -> list[Path]:
    """The LibreOffice-written inputs: C11.xls and C12.ods (plain), C13.xls (legacy fonts)."""
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from excel_pipeline.write.submission import write_submission
    from tests.conftest import delegate, info

    work = folder / "source"
    work.mkdir(parents=True, exist_ok=True)
    plain = {"C11": [delegate("Phạm Văn Dũng"), delegate("Hoàng Thị Én", gender="Nữ")],
             "C12": [delegate("Vũ Văn Giang"), delegate("Đỗ Thị Hoa", gender="Nữ"),
                     delegate("Bùi Văn Khánh")]}
    made = []
    for (code, delegates), suffix in zip(plain.items(), ("xls", "ods"), strict=True):
        source = write_submission(work / f"{code}.xlsx", info(code), {"delegates": delegates},
                                  title=f"Đơn vị {code}")
        made.append(convert_with_libreoffice(source, suffix, folder))
    made.append(convert_with_libreoffice(legacy_font_workbook(work / "C13.xlsx"), "xls", folder))
    shutil.rmtree(work)
    return made


if __name__ == "__main__":
    for path in libreoffice_files(FIXTURES):
        print(path)
