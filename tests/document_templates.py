"""Build the Word templates shipped in `excel_pipeline/write/documents/templates/`.

Run `python -m tests.document_templates` after changing this file; `tests/test_documents.py`
fails while the shipped templates differ from what this builds. The layout follows Nghị định
30/2020/NĐ-CP, Phụ lục I (see docs/van-ban.md): A4; margins top and bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman; the issuing body at the top left, the national title and motto at
the top right, each with its short rule; number and date left as lines to fill.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from excel_pipeline.write.documents.catalogue import BY_KIND
from excel_pipeline.write.documents.render import shipped_folder

FONT = "Times New Roman"
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, \
    WD_ALIGN_PARAGRAPH.JUSTIFY
BLANK_DATE = "ngày … tháng … năm {{ nam }}"


def new_document(landscape: bool = False) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape \
        else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    table_style = document.styles["Table Grid"]
    table_style.font.name = FONT
    core = document.core_properties
    core.author, core.title, core.comments = "dhtt-merge", "", "Mẫu văn bản của dhtt-merge"
    return document


def text_width(document: Document) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def para(where, text: str = "", size: float = 14, bold: bool = False, italic: bool = False,
         align=LEFT, indent: bool = False, after: float = 0, before: float = 0,
         color: RGBColor | None = None):
    """A paragraph of one run (a placeholder must stay in one run to be filled)."""
    paragraph = where.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
        if color is not None:
            run.font.color.rgb = color
    else:
        paragraph.paragraph_format.line_spacing = 1.0
        mark = paragraph._p.get_or_add_pPr()  # the empty paragraph's own size
        run_properties = OxmlElement("w:rPr")
        size_element = OxmlElement("w:sz")
        size_element.set(qn("w:val"), str(int(size * 2)))
        run_properties.append(size_element)
        mark.append(run_properties)
    return paragraph


def tag(where, text: str):
    """A docxtpl paragraph tag ({%p … %}): the paragraph disappears when filled."""
    return para(where, text, size=11)


def rule(where, width_cm: float, within_cm: float):
    """The short centred rule under a heading (Nghị định 30: a third to a half of its line),
    `width_cm` long in a column `within_cm` wide."""
    paragraph = where.add_paragraph()
    paragraph.alignment = CENTER
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(2)
    side = Cm(max((within_cm - width_cm) / 2, 0))
    fmt.left_indent = fmt.right_indent = side
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "auto")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_AFTER_BORDER)
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    properties.append(size)
    paragraph._p.get_or_add_pPr().append(properties)
    return paragraph


# What follows w:pBdr in a paragraph's properties (ECMA-376 order, which Word enforces).
_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                 "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                 "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                 "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                 "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                 "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar",
                                           "w:tblLook", "w:tblCaption", "w:tblDescription")


def set_widths(table, widths_cm: list[float]) -> None:
    """Column widths in the table grid (LibreOffice reads these) and in every cell (Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def clear(cell) -> None:
    """A new cell holds one empty paragraph; the writer's own paragraphs replace it."""
    cell._tc.remove(cell.paragraphs[0]._p)


def header_block(document, number: str | None, width_cm: float) -> None:
    """Issuing body and number at the top left; national title, motto and place-date at the
    top right (Nghị định 30/2020, Phụ lục I, ô 1–5)."""
    left_cm = 6.8 if width_cm < 20 else 9.0
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, [left_cm, width_cm - left_cm])
    left, right = table.rows[0].cells
    clear(left)
    clear(right)
    tag(left, "{%p if co_quan_cap_tren %}")
    para(left, "{{ co_quan_cap_tren }}", 13, align=CENTER)
    tag(left, "{%p endif %}")
    para(left, "{{ co_quan }}", 13, bold=True, align=CENTER)
    rule(left, 2.5, left_cm)
    if number:
        para(left, f"Số: …/{number}-{{{{ ky_hieu }}}}", 13, align=CENTER, before=4)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, align=CENTER)
    para(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True, align=CENTER)
    rule(right, 5.8, width_cm - left_cm)
    para(right, "{{ noi_ban_hanh }}, " + BLANK_DATE, 14, italic=True, align=CENTER, before=4)
    example_mark(document)


def example_mark(document) -> None:
    tag(document, "{%p if du_lieu_mau %}")
    para(document, "DỮ LIỆU MẪU – KHÔNG PHẢI HỒ SƠ THẬT", 13, bold=True, align=CENTER,
         before=6, color=RGBColor(0xC0, 0x00, 0x00))
    tag(document, "{%p endif %}")


def title(document, name: str, subject: str | None = None, before: float = 18) -> None:
    para(document, name, 14, bold=True, align=CENTER, before=before)
    if subject:
        para(document, subject, 14, bold=True, align=CENTER)
    rule(document, 3.0, text_width(document) / 360000).paragraph_format.space_after = Pt(12)


def body(document, text: str, **kwargs) -> None:
    kwargs.setdefault("after", 6)
    para(document, text, 14, align=JUSTIFY, indent=True, **kwargs)


def basis(document, text: str) -> None:
    """A line of the basis («Căn cứ …;»): italic, each ending «;», the last «.» (Nghị định
    30/2020/NĐ-CP, Phụ lục I)."""
    para(document, text, 14, italic=True, align=JUSTIFY, indent=True, after=3)


def article(document, number: int, text: str) -> None:
    """«Điều N.» in bold, then the article's text in one run (its placeholders filled)."""
    paragraph = para(document, f"Điều {number}. ", 14, bold=True, align=JUSTIFY, indent=True,
                     after=6)
    run = paragraph.add_run(text)
    run.font.size = Pt(14)


def counted(prefix: str = "") -> str:
    """«2 tập thể và 9 cá nhân», «11 cá nhân»: only the counts that are not zero."""
    collectives, individuals = f"{prefix}so_tap_the", f"{prefix}so_ca_nhan"
    return (f"{{% if {collectives} %}}{{{{ {collectives} }}}} tập thể{{% endif %}}"
            f"{{% if {collectives} and {individuals} %}} và {{% endif %}}"
            f"{{% if {individuals} %}}{{{{ {individuals} }}}} cá nhân{{% endif %}}")


def signature(document, width_cm: float, recipients: list[str] | None,
              left_title: str | None = None, right_title: str | None = None) -> None:
    """Recipients (or a second signer) at the left, the signer at the right (ô 7, 9)."""
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, [width_cm / 2, width_cm / 2])
    cant_split(table.rows[0])
    left, right = table.rows[0].cells
    clear(left)
    clear(right)
    if recipients is not None:
        para(left, "Nơi nhận:", 12, bold=True, italic=True, before=12)
        for line in recipients:
            para(left, line, 11)
    elif left_title:
        para(left, left_title, 14, bold=True, align=CENTER, before=12)
        para(left, "(Ký, ghi rõ họ tên)", 13, italic=True, align=CENTER)
        for _ in range(4):  # room to sign, then the name under it, as on the right
            para(left, "", 14)
        para(left, "…………………………", 14, align=CENTER)
    if right_title:
        para(right, right_title, 14, bold=True, align=CENTER, before=12)
        para(right, "(Ký, ghi rõ họ tên)", 13, italic=True, align=CENTER)
    else:
        para(right, "{{ tham_quyen }}", 14, bold=True, align=CENTER, before=12)
        para(right, "{{ chuc_vu_ky }}", 14, bold=True, align=CENTER)
    for _ in range(4):
        para(right, "", 14)
    para(right, "…………………………", 14, align=CENTER)


def grid(document, headers: list[str], cells: list[str], widths_cm: list[float], loop: str,
         size: float = 12, centred: tuple[int, ...] = (0,)) -> None:
    """A bordered list: a repeated header row, then one row per item (`{%tr for … %}`)."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths_cm)
    header = table.rows[0]
    repeat_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].alignment = CENTER
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(size)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}").font.size = Pt(size)
    cant_split(table.rows[2])
    for i, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        cell.paragraphs[0].alignment = CENTER if i in centred else LEFT
        cell.paragraphs[0].add_run(text).font.size = Pt(size)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}").font.size = Pt(size)


def repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.insert_element_before(element, "w:tblCellSpacing", "w:jc", "w:hidden")


def cant_split(row) -> None:
    """A row printed whole on one page (a signature block, a person's line)."""
    element = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().insert_element_before(
        element, "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")


def page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# The documents ---------------------------------------------------------------------------


def agenda() -> Document:
    document = new_document()
    width = text_width(document) / 360000
    header_block(document, None, width)
    para(document, "CHƯƠNG TRÌNH", 14, bold=True, align=CENTER, before=18)
    tag(document, "{%p for dong in phong %}")
    para(document, "{{ dong }}", 14, bold=True, align=CENTER)
    tag(document, "{%p endfor %}")
    para(document, "{{ ten_don_vi }} – Lần thứ {{ lan_thu }} ({{ nhiem_ky }})", 14, bold=True,
         align=CENTER)
    rule(document, 3.0, width).paragraph_format.space_after = Pt(12)
    grid(document, ["STT", "Thời gian", "Nội dung", "Người thực hiện"],
         ["{{ loop.index }}", "", "{{ muc }}", ""], [1.4, 2.6, 8.8, 3.7],
         "muc in chuong_trinh", size=13)
    para(document, "", 14)
    signature(document, width, None)
    return document


def backdrop() -> Document:
    document = new_document(landscape=True)
    example_mark(document)
    para(document, "", 28, before=48)
    tag(document, "{%p for dong in phong %}")
    para(document, "{{ dong }}", 40, bold=True, align=CENTER, after=6,
         color=RGBColor(0xC0, 0x00, 0x00))
    tag(document, "{%p endfor %}")
    para(document, "{{ ten_don_vi_in_hoa }}", 30, bold=True, align=CENTER, before=12, after=12,
         color=RGBColor(0x00, 0x33, 0x99))
    para(document, "Lần thứ {{ lan_thu }} ({{ nhiem_ky }})", 28, bold=True, align=CENTER,
         after=18)
    para(document, "{{ dia_diem_ngay }}", 24, italic=True, align=CENTER)
    return document


def presidium() -> Document:
    document = new_document()
    width = text_width(document) / 360000
    header_block(document, None, width)
    title(document, "DANH SÁCH ĐOÀN CHỦ TỊCH HỘI NGHỊ",
          "Tổng số: {{ so_doan_chu_tich }} người")
    tag(document, "{%p for g in nhom_doan_chu_tich %}")
    para(document, "{{ loop.index }}. Hội nghị của {{ g.don_vi }}: {{ g.so_nguoi }} người, "
         "{{ g.so_cstd }} Chiến sĩ thi đua. {{ g.quy_dinh }}", 14, bold=True, align=JUSTIFY,
         before=6, after=6)
    grid(document, ["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Chiến sĩ thi đua"],
         ["{{ p.stt }}", "{{ p.ho_ten }}", "{{ p.chuc_vu }}", "{{ p.cstd }}"],
         [1.4, 5.0, 7.6, 2.5], "p in g.nguoi", size=13, centred=(0, 3))
    tag(document, "{%p endfor %}")
    para(document, "", 14)
    signature(document, width, None, "NGƯỜI LẬP DANH SÁCH")
    return document


def conference_delegates() -> Document:
    """This level's conference: the delegates the units sent (flagged by them)."""
    return delegate_list("DANH SÁCH TRÍCH NGANG ĐẠI BIỂU",
                         "Dự Hội nghị điển hình tiên tiến của {{ ten_don_vi }}")


def upward_delegates() -> Document:
    """This level's own delegation to the next level's conference."""
    return delegate_list("DANH SÁCH ĐOÀN ĐẠI BIỂU {{ ten_don_vi | upper }}",
                         "Đi dự Hội nghị điển hình tiên tiến cấp trên (theo chỉ tiêu được phân "
                         "bổ)")


def delegate_list(heading: str, subject: str) -> Document:
    document = new_document(landscape=True)
    width = text_width(document) / 360000
    header_block(document, None, width)
    title(document, heading, subject)
    para(document, "Tổng số: {{ so_dai_bieu }} đại biểu (nữ: {{ so_dai_bieu_nu }}; điển hình "
         "tiên tiến: {{ so_dien_hinh }}; khách mời: {{ so_khach_moi }}).", 14, align=CENTER,
         after=8)
    headers = ["STT", "Họ và tên", "Năm sinh", "", "Dân tộc", "Chức vụ, đơn vị công tác",
               "Đảng viên", "Loại đại biểu", "Đơn vị cử"]
    widths = [1.4, 4.2, 1.5, 1.5, 1.8, 6.1, 1.6, 2.6, 4.5]
    cells = ["{{ p.stt }}", "{{ p.ho_ten }}", "{{ p.nam_sinh_nam }}", "{{ p.nam_sinh_nu }}",
             "{{ p.dan_toc }}", "{{ p.chuc_vu }}", "{{ p.dang_vien }}", "{{ p.loai }}",
             "{{ p.don_vi }}"]
    grid(document, headers, cells, widths, "p in dai_bieu", size=12, centred=(0, 2, 3, 6))
    table = document.tables[-1]
    sub = table.add_row()  # «Nam | Nữ» under the merged «Năm sinh»
    sub._tr.getparent().remove(sub._tr)
    table.rows[0]._tr.addnext(sub._tr)
    repeat_header(table.rows[1])
    for i, cell in enumerate(table.rows[1].cells):
        text = {2: "Nam", 3: "Nữ"}.get(i, "")
        cell.paragraphs[0].alignment = CENTER
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
    merged = [table.cell(0, 2).merge(table.cell(0, 3))]
    merged += [table.cell(0, i).merge(table.cell(1, i)) for i in (0, 1, 4, 5, 6, 7, 8)]
    for cell in merged:  # merging keeps each cell's paragraph: drop the empty ones
        for paragraph in cell.paragraphs[1:]:
            if not paragraph.text:
                cell._tc.remove(paragraph._p)
    para(document, "", 14)
    signature(document, width, None, "NGƯỜI LẬP DANH SÁCH")
    return document


def annex_groups(document, loop_title: str, summary: bool = False) -> None:
    """The annex's lists, one per form; with `summary`, each one's achievements too (a
    proposal's annex: the superior decides on them)."""
    tag(document, "{%p for g in nhom %}")
    para(document, "{{ g.so_muc }}. " + loop_title, 14, bold=True, before=8, after=4)
    headers = ["STT", "Họ tên / Tên tập thể", "Năm sinh", "Chức vụ, đơn vị công tác"]
    cells = ["{{ p.stt }}", "{{ p.ten }}", "{{ p.nam_sinh }}", "{{ p.chuc_vu or p.don_vi }}"]
    if summary:
        grid(document, [*headers, "Tóm tắt thành tích"], [*cells, "{{ p.tom_tat }}"],
             [1.3, 4.0, 1.6, 4.9, 4.7], "p in g.danh_sach", size=12, centred=(0, 2))
    else:
        grid(document, headers, cells, [1.4, 5.3, 1.9, 7.9], "p in g.danh_sach", size=13,
             centred=(0, 2))
    tag(document, "{%p endfor %}")


def proposal() -> Document:
    document = new_document()
    width = text_width(document) / 360000
    header_block(document, "TTr", width)
    title(document, "TỜ TRÌNH", "Về việc đề nghị khen thưởng")
    para(document, "Kính gửi: {{ ten_co_quan_cap_tren }}", 14, align=CENTER, after=12)
    basis(document, "Căn cứ {{ van_ban_can_cu }};")
    basis(document, "Căn cứ kết quả tổng hợp hồ sơ đề nghị khen thưởng của các đơn vị trực "
          "thuộc (số liệu đến ngày {{ ngay_so_lieu }}).")
    body(document, "{{ ten_don_vi }} kính trình {{ ten_co_quan_cap_tren }} xem xét, khen thưởng "
         + counted() + " đã có thành tích xuất sắc trong {{ dot_thi_dua }}, cụ thể:")
    tag(document, "{%p for g in nhom %}")
    body(document, "- {{ g.hinh_thuc }}: " + counted("g.") + ";")
    tag(document, "{%p endfor %}")
    body(document, "(Có danh sách và hồ sơ đề nghị khen thưởng kèm theo.)")
    body(document, "Kính trình {{ ten_co_quan_cap_tren }} xem xét, quyết định./.")
    signature(document, width, ["- Như trên;", "- Lưu: VT."])
    page_break(document)
    para(document, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ KHEN THƯỞNG", 14, bold=True,
         align=CENTER)
    para(document, "(Kèm theo Tờ trình số …/TTr-{{ ky_hieu }} " + BLANK_DATE
         + " của {{ co_quan_ten }})", 14, italic=True, align=CENTER, after=8)
    example_mark(document)
    annex_groups(document, "{{ g.hinh_thuc }}: " + counted("g."), summary=True)
    return document


def decision() -> Document:
    document = new_document()
    width = text_width(document) / 360000
    header_block(document, "QĐ", width)
    title(document, "QUYẾT ĐỊNH", "Về việc khen thưởng", before=12)
    para(document, "{{ chu_the }}", 14, bold=True,
         align=CENTER, after=12)
    tag(document, "{%p for luat in can_cu_luat %}")
    basis(document, "Căn cứ {{ luat }};")
    tag(document, "{%p endfor %}")
    basis(document, "Căn cứ {{ van_ban_can_cu }};")
    basis(document, "Xét đề nghị của {{ hoi_dong }}.")
    para(document, "QUYẾT ĐỊNH:", 14, bold=True, align=CENTER, before=6, after=6)
    article(document, 1, "Khen thưởng " + counted() + " đã có thành tích xuất sắc trong "
            "{{ dot_thi_dua }}, với các danh hiệu, hình thức: {{ cac_hinh_thuc }} (có danh "
            "sách kèm theo).")
    article(document, 2, "Kèm theo danh hiệu, hình thức khen thưởng là tiền thưởng theo quy "
            "định hiện hành.")
    article(document, 3, "Các tập thể, cá nhân có tên tại Điều 1 và các đơn vị có liên quan "
            "chịu trách nhiệm thi hành Quyết định này kể từ ngày ký./.")
    signature(document, width, ["- Như Điều 3;", "- Lưu: VT."])
    page_break(document)
    para(document, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", 14, bold=True, align=CENTER)
    para(document, "(Kèm theo Quyết định số …/QĐ-{{ ky_hieu }} " + BLANK_DATE
         + " của {{ chu_the_ten }})", 14,
         italic=True, align=CENTER, after=8)
    example_mark(document)
    annex_groups(document, "{{ g.hinh_thuc }}: " + counted("g."))
    return document


def per_form_table(document) -> None:
    grid(document, ["STT", "Hình thức", "Cấp xét", "Tập thể", "Cá nhân", "Cộng", "Không xét"],
         ["{{ f.stt }}", "{{ f.hinh_thuc }}", "{{ f.cap_xet }}", "{{ f.so_tap_the }}",
          "{{ f.so_ca_nhan }}", "{{ f.so_luong }}", "{{ f.khong_xet }}"],
         [1.3, 4.3, 4.3, 1.5, 1.5, 1.6, 2.0], "f in theo_hinh_thuc", size=13,
         centred=(0, 2, 3, 4, 5, 6))


def minutes() -> Document:
    document = new_document()
    width = text_width(document) / 360000
    header_block(document, "BB", width)
    title(document, "BIÊN BẢN", "Họp {{ hoi_dong }} xét khen thưởng")
    body(document, "Thời gian: … giờ …, " + BLANK_DATE + ".")
    body(document, "Địa điểm: ……………………………………………")
    body(document, "Thành phần: … / … thành viên Hội đồng có mặt; vắng: … (lý do: …).")
    body(document, "Chủ trì: ……………………; Thư ký: ……………………")
    para(document, "NỘI DUNG", 14, bold=True, before=6, after=6)
    body(document, "Hội đồng đã xem xét hồ sơ đề nghị khen thưởng của {{ so_don_vi_de_nghi }} "
         "đơn vị với {{ tong_de_nghi }} đề nghị (số liệu tổng hợp đến ngày {{ ngay_so_lieu }})"
         "; trong đó {{ so_khong_xet }} đề nghị không xét do gửi hồ sơ quá hạn. Số đề nghị theo "
         "từng hình thức:")
    per_form_table(document)
    tag(document, "{%p if van_de_de_nghi %}")
    body(document, "Những vấn đề trong hồ sơ còn phải làm rõ:", before=6)
    tag(document, "{%p for v in van_de_de_nghi %}")
    body(document, "- {{ v.noi_dung }}: {{ v.so }} trường hợp;")
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")
    para(document, "KẾT QUẢ BIỂU QUYẾT", 14, bold=True, before=6, after=6)
    body(document, "- Đề nghị cấp trên khen thưởng {{ de_nghi_cap_tren }} tập thể, cá nhân: "
         "… / … thành viên đồng ý.")
    body(document, "- Khen thưởng tại cấp này {{ khen_cap_nay }} tập thể, cá nhân: … / … "
         "thành viên đồng ý.")
    body(document, "Cuộc họp kết thúc lúc … giờ … cùng ngày. Biên bản đã được đọc lại, các "
         "thành viên dự họp nhất trí./.")
    signature(document, width, None, "THƯ KÝ", "CHỦ TRÌ")
    return document


def report() -> Document:
    document = new_document()
    width = text_width(document) / 360000
    header_block(document, "BC", width)
    title(document, "BÁO CÁO", "Kết quả tổng hợp hồ sơ {{ dot_thi_dua }}")
    body(document, "Căn cứ {{ van_ban_can_cu }}, {{ ten_don_vi }} báo cáo kết quả tổng hợp hồ "
         "sơ của các đơn vị (số liệu đến ngày {{ ngay_so_lieu }}) như sau:")
    para(document, "I. TÌNH HÌNH GỬI HỒ SƠ", 14, bold=True, before=6, after=6)
    body(document, "Số đơn vị phải gửi: {{ don_vi_phai_gui }}; đã gửi và được tổng hợp: "
         "{{ don_vi_da_gui }}; gửi quá hạn: {{ don_vi_nop_muon | length }}; chưa gửi hoặc tệp "
         "bị loại: {{ don_vi_chua_gui | length }}.")
    tag(document, "{%p if don_vi_nop_muon %}")
    body(document, "- Đơn vị gửi quá hạn: {% for u in don_vi_nop_muon %}{{ u.ten }}"
         "{% if not loop.last %}; {% endif %}{% endfor %}.")
    tag(document, "{%p endif %}")
    tag(document, "{%p if don_vi_chua_gui %}")
    body(document, "- Đơn vị chưa gửi hoặc tệp bị loại: {% for u in don_vi_chua_gui %}"
         "{{ u.ten }} ({{ u.tinh_trang | lower }}){% if not loop.last %}; {% endif %}"
         "{% endfor %}.")
    tag(document, "{%p endif %}")
    grid(document, ["STT", "Đơn vị", "Tình trạng", "Đại biểu", "Đề nghị KT", "Lỗi",
                    "Cảnh báo"],
         ["{{ u.stt }}", "{{ u.ten }}", "{{ u.tinh_trang }}", "{{ u.dai_bieu }}",
          "{{ u.de_nghi }}", "{{ u.loi }}", "{{ u.canh_bao }}"],
         [1.4, 5.2, 3.1, 1.8, 1.9, 1.4, 1.7], "u in don_vi_so_lieu", size=12,
         centred=(0, 3, 4, 5, 6))
    para(document, "II. ĐẠI BIỂU", 14, bold=True, before=12, after=6)
    grid(document, ["Nội dung", "Số người", "Tỷ lệ"],
         ["{{ d.noi_dung }}", "{{ d.so }}", "{{ d.ty_le }}"], [9.0, 3.5, 4.0],
         "d in dai_bieu_so_lieu", size=13, centred=(1, 2))
    para(document, "III. ĐỀ NGHỊ KHEN THƯỞNG", 14, bold=True, before=12, after=6)
    body(document, "Tổng số đề nghị hợp lệ: {{ tong_de_nghi }}; không xét do gửi quá hạn: "
         "{{ so_khong_xet }}.")
    tag(document, "{%p if theo_hinh_thuc %}")
    per_form_table(document)
    tag(document, "{%p endif %}")
    para(document, "IV. NHỮNG VẤN ĐỀ CÒN LẠI TRONG HỒ SƠ", 14, bold=True, before=12, after=6)
    body(document, "Còn {{ so_loi }} lỗi và {{ so_canh_bao }} cảnh báo (chi tiết ở trang tính "
         "«Phát hiện» trong tệp tổng hợp tong-hop.xlsx).")
    tag(document, "{%p if phat_hien %}")
    grid(document, ["Mức độ", "Nội dung", "Số"],
         ["{{ v.muc_do }}", "{{ v.noi_dung }}", "{{ v.so }}"], [2.6, 11.4, 2.5],
         "v in phat_hien", size=13, centred=(0, 2))
    tag(document, "{%p endif %}")
    para(document, "", 14)
    signature(document, width, ["- {{ ten_co_quan_cap_tren }} (để báo cáo);", "- Lưu: VT."])
    return document


# «Ông»/«Bà» by the person's sex («Ông/Bà» when it is not known); a collective by its name.
CERTIFICATE_NAME = ('{% if a.doi_tuong == "Tập thể" %}{{ a.ten }}{% elif a.gioi_tinh == "Nữ" %}'
                    'Bà {{ a.ten }}{% elif a.gioi_tinh == "Nam" %}Ông {{ a.ten }}{% else %}'
                    'Ông/Bà {{ a.ten }}{% endif %}')
# The position, and the unit only where the position does not already name it.
CERTIFICATE_WHERE = ("{% if a.chuc_vu and a.don_vi in a.chuc_vu %}{{ a.chuc_vu }}"
                     "{% elif a.chuc_vu %}{{ a.chuc_vu }}, {{ a.don_vi }}"
                     "{% else %}{{ a.don_vi }}{% endif %}")


def certificates() -> Document:
    """One page per awardee, the lines at fixed heights (rows of exact height) to print onto
    pre-printed blanks: adjust the rows' heights to the blank in Word (Table Properties)."""
    document = new_document(landscape=True)
    tag(document, "{%p for a in giay_khen %}")
    table = document.add_table(rows=7, cols=1)
    no_borders(table)
    width = text_width(document) / 360000
    set_widths(table, [width])
    lines = [("", 0, 50, False), (CERTIFICATE_NAME, 26, 16, False),
             (CERTIFICATE_WHERE, 16, 18, False),
             ("Đã có thành tích xuất sắc, được khen thưởng nhân dịp {{ dot_thi_dua }}", 16, 18,
              True),
             ("{{ a.hinh_thuc }} năm {{ a.nam }}", 16, 10, False), ("", 0, 14, False),
             ("(Kèm theo Quyết định số …/QĐ-{{ ky_hieu }} " + BLANK_DATE + ")", 13, 10,
              False)]
    for row, (text, size, height_mm, italic) in zip(table.rows, lines, strict=True):
        row.height, row.height_rule = Mm(height_mm), WD_ROW_HEIGHT_RULE.EXACTLY
        paragraph = row.cells[0].paragraphs[0]
        paragraph.alignment = CENTER
        if text:
            run = paragraph.add_run(text)
            run.font.size, run.bold, run.italic = Pt(size), size > 20, italic
    tag(document, "{%p if not loop.last %}")
    breaker = document.add_paragraph()  # a section break: the next one starts a new page
    breaker._p.get_or_add_pPr().append(copy.deepcopy(document.sections[0]._sectPr))
    tag(document, "{%p endif %}")
    tag(document, "{%p endfor %}")
    return document


BUILDERS = {"agenda": agenda, "backdrop": backdrop, "presidium": presidium,
            "conference_delegates": conference_delegates,
            "upward_delegates": upward_delegates, "proposal": proposal, "decision": decision,
            "minutes": minutes, "report": report, "certificates": certificates}


def build(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, builder in BUILDERS.items():
        document = builder()
        document.core_properties.title = BY_KIND[kind].title
        path = folder / BY_KIND[kind].file_name
        document.save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build(shipped_folder()):
        print(path)
