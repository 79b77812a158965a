"""The headings a person reads, column by column: what units write above a column instead of
the template's own title. docs/headings.md lists this table for officers; a campaign adds its
own under `[headings]` (docs/campaign-toml.md).

Every spelling is folded before it is compared (no diacritics, no case, punctuation as spaces),
and a heading followed by a remark («Đảng viên (x)», «Năm sinh (yyyy)») still names its column,
so only the words differ here.
"""

from __future__ import annotations

import unicodedata

from ..textnorm import fold

# Extra campaign headings as the reader receives them: (column key, (heading, …)), hashable.
ExtraHeadings = tuple[tuple[str, tuple[str, ...]], ...]

# sheet type key -> column key -> headings besides the template's title and aliases.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "delegates": {
        "stt": ("Số thứ tự", "STT đại biểu"),
        "full_name": ("Họ và tên người", "Họ tên đại biểu", "Tên đại biểu", "Họ, tên"),
        "birth_year": ("Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh",
                       "Năm sinh (yyyy)", "Sinh năm"),
        "gender": ("Nam/Nữ", "Nam, nữ", "Giới", "Phái"),
        "ethnicity": ("Dân tộc (Kinh, …)", "Dân tộc thiểu số"),
        "position": ("Chức vụ - Đơn vị công tác", "Chức vụ, nơi công tác", "Nơi công tác",
                     "Chức danh, đơn vị", "Chức vụ hoặc nghề nghiệp", "Nghề nghiệp, chức vụ"),
        "party_member": ("Đảng viên (x)", "ĐV", "Là đảng viên", "Đảng viên ĐCSVN"),
        "delegate_type": ("Thành phần đại biểu", "Đại biểu là", "Loại", "Cơ cấu"),
        "leader": ("Lãnh đạo (x)", "Cán bộ quản lý", "CBQL", "Quản lý"),
        "direct_worker": ("Trực tiếp SX", "Trực tiếp SX, CT", "Trực tiếp LĐ", "TTSX",
                          "Công nhân trực tiếp sản xuất"),
        "presidium": ("ĐCT", "Tham gia Đoàn Chủ tịch", "Dự kiến Đoàn Chủ tịch"),
        "emulation_soldier": ("CSTĐ cơ sở", "Chiến sĩ thi đua cơ sở", "Danh hiệu CSTĐ"),
        "to_upper": ("Dự HN cấp trên", "Dự hội nghị ĐHTT cấp trên", "Đại biểu đi dự cấp trên",
                     "Cử đi dự cấp trên"),
        "achievements": ("Thành tích nổi bật", "Tóm tắt thành tích", "Thành tích đạt được"),
        "note": ("Ghi chú khác",),
    },
    "nominations": {
        "stt": ("Số thứ tự",),
        "subject": ("Cá nhân/Tập thể", "Tập thể/Cá nhân", "Loại đối tượng"),
        "name": ("Tên tập thể/cá nhân", "Tên tập thể, cá nhân", "Tên cá nhân/tập thể",
                 "Họ và tên cá nhân/Tên tập thể", "Họ tên", "Họ và tên", "Tên đơn vị, cá nhân"),
        "birth_year": ("Ngày sinh", "Ngày tháng năm sinh", "Sinh năm"),
        "gender": ("Nam/Nữ", "Giới"),
        "position": ("Chức vụ - Đơn vị công tác", "Chức vụ, nơi công tác", "Nơi công tác"),
        "category": ("Đối tượng khen thưởng", "Phân loại cán bộ"),
        "award": ("Danh hiệu thi đua/Hình thức khen thưởng", "Danh hiệu thi đua, hình thức "
                  "khen thưởng", "Hình thức khen", "Danh hiệu đề nghị", "Đề nghị khen thưởng",
                  "Hình thức"),
        "reports": ("Số BC thành tích", "Báo cáo TT"),
        "summary": ("Thành tích", "Tóm tắt thành tích nổi bật", "Thành tích đạt được"),
    },
    "indicators": {
        "code": ("Mã số", "Mã CT"),
        "name": ("Tên chỉ tiêu thi đua", "Chỉ tiêu thi đua"),
        "measure": ("Đơn vị", "Đơn vị tính (ĐVT)"),
        "value": ("Kết quả thực hiện", "Số liệu", "Thực hiện"),
    },
    "registrations": {
        "stt": ("Số thứ tự",),
        "subject": ("Cá nhân/Tập thể", "Tập thể/Cá nhân"),
        "name": ("Tên tập thể/cá nhân", "Họ và tên"),
        "title": ("Danh hiệu thi đua đăng ký", "Danh hiệu thi đua"),
    },
    "info": {
        "unit_code": ("Mã số đơn vị",),
        "unit_name": ("Tên công đoàn cơ sở", "Tên CĐCS"),
    },
    "registry": {},
}


def extra_headings(sheet: str, column: str, campaign: ExtraHeadings = ()) -> tuple[str, ...]:
    """The headings beyond the template's that name `column` of sheet type `sheet`: this
    module's table, then the campaign's `[headings]` (which apply to every sheet type that has
    a column of that key)."""
    found = SYNONYMS.get(sheet, {}).get(column, ())
    for key, headings in campaign:
        if key == column:
            found += headings
    return found


def folded(headings: tuple[str, ...]) -> list[str]:
    return [fold(heading) for heading in headings]


# Words that open a collective's name: a nomination whose sheet has no Đối tượng column is a
# Tập thể when its name starts with one of them, else a Cá nhân. Compared with their tone marks
# (lower case, NFC): folded, «Tổ» would be the family name «Tô» and «Trường» would be «Trương».
COLLECTIVE_WORDS = ("tập thể", "tổ", "phòng", "công đoàn", "cđcs", "ban", "xưởng", "phân xưởng",
                    "trường", "công ty", "đội", "nhóm")


def subject_of(name: object) -> str | None:
    """Tập thể or Cá nhân from a nomination's name; None when there is no name."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    if any(text == word or text.startswith(word + " ") for word in COLLECTIVE_WORDS):
        return "Tập thể"
    return "Cá nhân"
