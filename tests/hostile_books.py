"""Workbooks built part by part, as a hostile or careless program writes them: a sheet that
declares one range and fills another, a styles part naming a legacy font, a shared-strings
table of any size. openpyxl and xlsxwriter cannot write such files; a zip can."""

# The package parts below are kept one element a line, as Excel writes them.
# ruff: noqa: E501

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Thông tin đơn vị" sheetId="2" r:id="rId4"/><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><sz val="12"/><name val="{font}"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
</styleSheet>"""
_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"""
SST_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
            '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
            'uniqueCount="{count}">')

HEADER = ("STT", "Họ và tên", "Năm sinh", "Giới tính", "Chức vụ")


def delegate_rows(names: list[str], style: int = 0) -> list[list[object]]:
    """A delegate list's header and one row per name, as cells (text or number)."""
    rows: list[list[object]] = [list(HEADER)]
    rows += [[number, name, 1980 + number, "Nam", "Chủ tịch công đoàn cơ sở"]
             for number, name in enumerate(names, 1)]
    return rows


def sheet_xml(rows: list[list[object]], style: int = 0, extra: str = "") -> str:
    """<row> elements with inline strings; `extra` is appended inside the last row (a far
    cell)."""
    out = []
    for number, cells in enumerate(rows, 1):
        xml = []
        for column, value in enumerate(cells):
            ref = f"{chr(65 + column)}{number}"
            if isinstance(value, str):
                xml.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(value)}</t>'
                           "</is></c>")
            else:
                xml.append(f'<c r="{ref}" s="{style}"><v>{value}</v></c>')
        out.append(f'<row r="{number}">{"".join(xml)}</row>')
    return "".join(out) + extra


def write_book(path: Path, rows_xml: str, *, dimension: str = "A1", sheet: str = "Đại biểu",
               font: str = "Calibri", shared_strings: bytes | None = None) -> Path:
    """An .xlsx of the unit's «Thông tin đơn vị» (its code is the file's name) and one sheet
    whose <sheetData> is `rows_xml`, declaring `dimension`."""
    info = [["Mã đơn vị", path.stem], ["Tên đơn vị", f"CĐCS {path.stem}"],
            ["Cấp đơn vị", "CĐCS"], ["Mã đơn vị cấp trên", "ROOT"]]
    sst = shared_strings or (SST_HEAD.format(count=0) + "</sst>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(name=escape(sheet)))
        archive.writestr("xl/styles.xml", _STYLES.format(font=font))
        archive.writestr("xl/sharedStrings.xml", sst)
        archive.writestr("xl/worksheets/sheet1.xml",
                         _SHEET.format(dimension=dimension, rows=rows_xml))
        archive.writestr("xl/worksheets/sheet2.xml",
                         _SHEET.format(dimension="A1:B4", rows=sheet_xml(info)))
    return path
