"""The Word documents `dhtt-merge documents` makes: their kinds, file names, and the placeholders
each template may use, described in Vietnamese for the officers who edit the templates.

The descriptions are the one list of what a template can say: `context` fills exactly these
names (a test holds it to that), `render` refuses a template that names anything else, and
`--export-templates` writes them beside the templates (`cho-dien.txt`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    """One document: its `kind` in tong-hop.json, its file name, what it is."""

    kind: str
    stem: str  # the template's and the written document's name, without «.docx»
    title: str
    conference: bool = False  # made only for a conference campaign
    fields: tuple[str, ...] = ()  # its own placeholders, beyond the common ones

    @property
    def file_name(self) -> str:
        return f"{self.stem}.docx"


# Placeholders every template may use.
COMMON: dict[str, str] = {
    "du_lieu_mau": "Đúng khi tổng hợp hộp thư mẫu kèm theo chương trình (văn bản ghi «DỮ LIỆU "
                   "MẪU»)",
    "co_quan_cap_tren": "Tên cơ quan cấp trên, in hoa (dòng đầu góc trái)",
    "ten_co_quan_cap_tren": "Tên cơ quan cấp trên viết trong câu, ví dụ «Liên đoàn Lao động tỉnh "
                            "Bình Dương» (dòng «Kính gửi», «kính trình»)",
    "co_quan": "Tên cơ quan ban hành, in hoa (dòng thứ hai góc trái)",
    "ten_don_vi": "Tên đơn vị tổng hợp, viết như trong danh mục",
    "ky_hieu": "Ký hiệu cơ quan trong số văn bản, ví dụ LĐLĐ trong «Số: …/QĐ-LĐLĐ»",
    "noi_ban_hanh": "Địa danh của dòng «…, ngày … tháng … năm …»",
    "nam": "Năm của văn bản",
    "tham_quyen": "Thẩm quyền ký, ví dụ «TM. BAN THƯỜNG VỤ»",
    "chu_the": "Tập thể quyết định, in hoa, ví dụ «BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG HUYỆN …»",
    "co_quan_ten": "Tên cơ quan ban hành, viết thường, ví dụ trong «Kèm theo Tờ trình … của …»",
    "chu_the_ten": "Người, tập thể quyết định, viết thường, ví dụ «Ban Thường vụ Liên đoàn Lao "
                   "động huyện …» trong «Kèm theo Quyết định … của …»",
    "chuc_vu_ky": "Chức vụ người ký, ví dụ «CHỦ TỊCH»",
    "hoi_dong": "Tên Hội đồng Thi đua – Khen thưởng",
    "dot_thi_dua": "Tên đợt thi đua",
    "van_ban_can_cu": "Văn bản hướng dẫn, kế hoạch của đợt thi đua",
    "can_cu_luat": "Các luật được căn cứ (mỗi dòng một luật), theo năm của đợt thi đua",
    "ngay_so_lieu": "Ngày tính số liệu (--as-of), dạng dd/mm/yyyy",
}

PERSON = ("Mỗi người có: stt, ho_ten, nam_sinh, nam_sinh_nam, nam_sinh_nu, gioi_tinh, dan_toc, "
          "chuc_vu, dang_vien, loai, lanh_dao, truc_tiep, cstd, don_vi, ghi_chu")
NOMINEE = ("Mỗi người, tập thể có: stt, ten, doi_tuong, nam_sinh, gioi_tinh, chuc_vu, don_vi, "
           "hinh_thuc, so_bao_cao, tom_tat")
GROUP = ("Mỗi nhóm có: so_muc (I, II…), hinh_thuc, so_tap_the, so_ca_nhan, so_luong, "
         "danh_sach (" + NOMINEE.removeprefix("Mỗi ").replace(" có:", ":") + ")")

# Every kind's own placeholders -> description.
FIELDS: dict[str, str] = {
    "chuong_trinh": "Các mục của chương trình hội nghị, theo văn bản của đợt thi đua",
    "phong": "Các dòng tên hội nghị trên phông, in hoa",
    "ten_don_vi_in_hoa": "Tên đơn vị tổng hợp, in hoa",
    "lan_thu": "Hội nghị lần thứ (để trống thành «…» khi chưa biết)",
    "nhiem_ky": "Giai đoạn, ví dụ «2025 - 2030»",
    "dia_diem_ngay": "Dòng «Bàu Bàng, ngày … tháng … năm …» (địa danh của đợt; không có thì «Địa "
                     "điểm»)",
    "nhom_doan_chu_tich": "Đoàn Chủ tịch của từng hội nghị; mỗi nhóm có: don_vi, so_nguoi, "
                          "so_cstd, quy_dinh, nguoi. " + PERSON,
    "so_doan_chu_tich": "Tổng số người trong các Đoàn Chủ tịch",
    "dai_bieu": "Đại biểu trong danh sách: đại biểu dự hội nghị của cấp này (các đơn vị đánh "
                "dấu «Dự hội nghị cấp trên»), hoặc đoàn đại biểu của cấp này đi dự hội nghị cấp "
                "trên (đúng những người của gui-cap-tren.xlsx). " + PERSON,
    "so_dai_bieu": "Số đại biểu trong danh sách",
    "so_dai_bieu_nu": "Số đại biểu nữ trong danh sách",
    "so_dien_hinh": "Số đại biểu điển hình tiên tiến trong danh sách",
    "so_khach_moi": "Số đại biểu khách mời trong danh sách",
    "nhom": "Danh sách theo hình thức khen thưởng. " + GROUP,
    "so_luong": "Tổng số tập thể, cá nhân trong danh sách",
    "so_tap_the": "Số tập thể trong danh sách",
    "so_ca_nhan": "Số cá nhân trong danh sách",
    "cac_hinh_thuc": "Các hình thức trong danh sách, nối bằng dấu phẩy",
    "theo_hinh_thuc": "Số đề nghị theo từng hình thức; mỗi dòng có: stt, hinh_thuc, cap_xet, "
                      "so_tap_the, so_ca_nhan, so_luong, khong_xet",
    "so_don_vi_de_nghi": "Số đơn vị có đề nghị khen thưởng hợp lệ",
    "tong_de_nghi": "Tổng số đề nghị khen thưởng hợp lệ",
    "so_khong_xet": "Số đề nghị không xét (nộp quá hạn)",
    "de_nghi_cap_tren": "Số đề nghị trình cấp trên khen",
    "khen_cap_nay": "Số đề nghị khen tại cấp này",
    "van_de_de_nghi": "Phát hiện còn lại về đề nghị khen thưởng; mỗi dòng có: ma, noi_dung, so",
    "don_vi_phai_gui": "Số đơn vị phải gửi báo cáo",
    "don_vi_da_gui": "Số đơn vị đã gửi báo cáo được tổng hợp",
    "don_vi_nop_muon": "Các đơn vị gửi quá hạn; mỗi đơn vị có: ma, ten",
    "don_vi_chua_gui": "Các đơn vị chưa gửi hoặc tệp bị loại; mỗi đơn vị có: ma, ten, tinh_trang",
    "dai_bieu_so_lieu": "Số liệu đại biểu; mỗi dòng có: noi_dung, so, ty_le",
    "don_vi_so_lieu": "Số liệu từng đơn vị; mỗi dòng có: stt, ma, ten, tinh_trang, dai_bieu, "
                      "de_nghi, loi, canh_bao",
    "phat_hien": "Phát hiện còn lại theo loại; mỗi dòng có: ma, muc_do, noi_dung, so",
    "so_loi": "Số lỗi còn lại",
    "so_canh_bao": "Số cảnh báo còn lại",
    "giay_khen": "Mỗi trang một người, tập thể được khen tại cấp này. " + NOMINEE
                 + ", nam (năm khen thưởng)",
}

# The fields of the items of every list above: what `{{ p.ho_ten }}` may name after the dot.
ITEM_FIELDS = frozenset({
    "stt", "ho_ten", "nam_sinh", "nam_sinh_nam", "nam_sinh_nu", "gioi_tinh", "dan_toc",
    "chuc_vu", "dang_vien", "loai", "lanh_dao", "truc_tiep", "cstd", "don_vi", "ghi_chu",
    "so_nguoi", "so_cstd", "quy_dinh", "nguoi",
    "ten", "doi_tuong", "hinh_thuc", "so_bao_cao", "tom_tat", "nam",
    "so_muc", "so_tap_the", "so_ca_nhan", "so_luong", "danh_sach",
    "cap_xet", "khong_xet", "ma", "noi_dung", "so", "muc_do", "tinh_trang", "ty_le",
    "dai_bieu", "de_nghi", "loi", "canh_bao",
})

KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("agenda", "chuong-trinh-hoi-nghi", "Chương trình hội nghị", True,
                 ("chuong_trinh", "phong", "lan_thu", "nhiem_ky")),
    DocumentKind("backdrop", "phong-hoi-nghi", "Nội dung phông hội nghị", True,
                 ("phong", "ten_don_vi_in_hoa", "lan_thu", "nhiem_ky", "dia_diem_ngay")),
    DocumentKind("presidium", "doan-chu-tich", "Danh sách Đoàn Chủ tịch", True,
                 ("nhom_doan_chu_tich", "so_doan_chu_tich")),
    DocumentKind("conference_delegates", "dai-bieu-du-hoi-nghi",
                 "Danh sách trích ngang đại biểu dự hội nghị", True,
                 ("dai_bieu", "so_dai_bieu", "so_dai_bieu_nu", "so_dien_hinh", "so_khach_moi")),
    DocumentKind("upward_delegates", "dai-bieu-du-hoi-nghi-cap-tren",
                 "Danh sách đoàn đại biểu đi dự hội nghị cấp trên", True,
                 ("dai_bieu", "so_dai_bieu", "so_dai_bieu_nu", "so_dien_hinh", "so_khach_moi")),
    DocumentKind("proposal", "to-trinh-de-nghi-khen-thuong", "Tờ trình đề nghị khen thưởng",
                 fields=("nhom", "so_luong", "so_tap_the", "so_ca_nhan", "cac_hinh_thuc")),
    DocumentKind("decision", "du-thao-quyet-dinh-khen-thuong", "Dự thảo quyết định khen thưởng",
                 fields=("nhom", "so_luong", "so_tap_the", "so_ca_nhan", "cac_hinh_thuc")),
    DocumentKind("minutes", "bien-ban-hop-hoi-dong", "Biên bản họp Hội đồng Thi đua – Khen thưởng",
                 fields=("theo_hinh_thuc", "so_don_vi_de_nghi", "tong_de_nghi", "so_khong_xet",
                         "de_nghi_cap_tren", "khen_cap_nay", "van_de_de_nghi")),
    DocumentKind("report", "bao-cao-tong-hop", "Báo cáo tổng hợp",
                 fields=("don_vi_phai_gui", "don_vi_da_gui", "don_vi_nop_muon", "don_vi_chua_gui",
                         "dai_bieu_so_lieu", "don_vi_so_lieu", "theo_hinh_thuc", "tong_de_nghi",
                         "so_khong_xet", "phat_hien", "so_loi", "so_canh_bao")),
    DocumentKind("certificates", "giay-khen-in-phoi", "Giấy khen in lên phôi",
                 fields=("giay_khen",)),
)
BY_KIND: dict[str, DocumentKind] = {kind.kind: kind for kind in KINDS}
BY_FILE: dict[str, DocumentKind] = {kind.file_name: kind for kind in KINDS}


def placeholders(kind: DocumentKind) -> dict[str, str]:
    """Every placeholder the kind's template may use, with its description."""
    return {**COMMON, **{name: FIELDS[name] for name in kind.fields}}


def placeholder_guide() -> str:
    """The text of `cho-dien.txt`: how to edit a template, and each one's placeholders."""
    lines = [
        "CÁC CHỖ ĐIỀN TRONG MẪU VĂN BẢN CỦA dhtt-merge",
        "",
        "Sửa mẫu bằng Word, giữ nguyên các chỗ điền {{ … }} và các dòng {%p … %}, {%tr … %}",
        "(vòng lặp, điều kiện). Chạy: dhtt-merge documents THƯ_MỤC_HỒ_SƠ --templates THƯ_MỤC_MẪU.",
        "Mẫu nào không có trong THƯ_MỤC_MẪU thì dùng mẫu kèm theo chương trình.",
        "",
    ]
    for kind in KINDS:
        lines += [f"{kind.file_name} – {kind.title}", "-" * 60]
        lines += [f"  {name}: {text}" for name, text in placeholders(kind).items()]
        lines.append("")
    return "\n".join(lines)
