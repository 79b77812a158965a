"""The one record for everything that is wrong, and the catalogue of finding codes.

Schema failures and rule violations alike become a `Finding`, so the Phát hiện sheet, the JSON
report and the feedback files are three views of one list (DOMAIN §6).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_LABELS: dict[str, str] = {"error": "Lỗi", "warning": "Cảnh báo", "info": "Thông tin"}

# code -> (default severity, short Vietnamese title). DOMAIN §6 is the contract for these codes.
CODES: dict[str, tuple[Severity, str]] = {
    "SCHEMA": ("error", "Ô dữ liệu không hợp lệ"),
    "UNREADABLE_FILE": ("error", "Tệp không đọc được"),
    "MISSING_SHEET": ("error", "Thiếu trang tính bắt buộc"),
    "UNKNOWN_UNIT": ("error", "Mã đơn vị không có trong danh mục"),
    "DUPLICATE_SUBMISSION": ("warning", "Đơn vị gửi nhiều tệp"),
    "MISSING_SUBMISSION": ("warning", "Đơn vị chưa gửi báo cáo"),
    "CONFERENCE_LATE": ("error", "Hội nghị tổ chức ngoài thời gian quy định"),
    "DOSSIER_LATE": ("error", "Gửi hồ sơ quá hạn"),
    "DELEGATE_CAP": ("error", "Vượt số lượng đại biểu tối đa"),
    "PLENARY_EXPECTED": ("info", "Hình thức hội nghị chưa phù hợp số đoàn viên"),
    "EXEMPLARY_SHARE": ("warning", "Tỷ lệ đại biểu điển hình tiên tiến thấp"),
    "PRESIDIUM_SIZE": ("warning", "Số lượng Đoàn Chủ tịch chưa đúng"),
    "PRESIDIUM_EXEMPLARY": ("warning", "Số Chiến sĩ thi đua trong Đoàn Chủ tịch chưa đúng"),
    "ALLOCATION_EXCEEDED": ("error", "Vượt chỉ tiêu đại biểu được phân bổ"),
    "ALLOCATION_UNFILLED": ("warning", "Chưa đủ chỉ tiêu đại biểu được phân bổ"),
    "LEADER_SHARE": ("error", "Tỷ lệ lãnh đạo được đề nghị khen thưởng vượt 10%"),
    "COLLECTIVE_SHARE": ("error", "Số tập thể đề nghị khen thưởng vượt 20% trong khối"),
    "DOSSIER_INCOMPLETE": ("error", "Thiếu báo cáo thành tích"),
    "DUPLICATE_PERSON": ("warning", "Một người có tên trong danh sách của hai đơn vị"),
    "QUOTA_EXCEEDED": ("error", "Vượt chỉ tiêu khen thưởng được phân bổ"),
    # Informational additions beyond DOMAIN §6: they never change the exit status.
    "EXTRA_COLUMN": ("info", "Cột không thuộc mẫu (được giữ lại)"),
    "LEGACY_ENCODING": ("info", "Chữ gõ bằng bảng mã cũ đã chuyển sang Unicode"),
    "TEXT_TRUNCATED": ("warning", "Nội dung ô quá dài, đã cắt bớt"),
    "TOTAL_MISMATCH": ("warning", "Dòng tổng cộng không khớp số dòng của danh sách"),
    "UNIT_MATCHED_BY_NAME": ("warning", "Tệp không ghi đúng mã, nhận đơn vị theo tên"),
    "AWARD_REPEATED": ("error", "Đề nghị hình thức đã được khen trong năm"),
    "TITLE_CHAIN": ("error", "Chưa đủ danh hiệu cần có trước"),
    "COLUMNS_NOT_FOUND": ("error", "Danh sách thiếu cột bắt buộc, không đọc được"),
    "VALUE_INFERRED": ("info", "Cột không có trong danh sách, giá trị được suy ra"),
}

# code -> what the unit should do about it, for the feedback workbooks sent back to units.
ADVICE: dict[str, str] = {
    "SCHEMA": "Sửa ô theo nội dung bên cạnh: chọn đúng giá trị trong danh sách, ghi số, năm, "
              "ngày (dd/mm/yyyy) đúng kiểu; không để trống ô bắt buộc.",
    "UNREADABLE_FILE": "Mở tệp bằng Excel, lưu lại dạng .xlsx theo mẫu rồi gửi lại.",
    "MISSING_SHEET": "Bổ sung trang còn thiếu theo mẫu, giữ nguyên tên trang và dòng tiêu đề.",
    "UNKNOWN_UNIT": "Ghi đúng Mã đơn vị được cấp ở trang Thông tin đơn vị rồi gửi lại.",
    "DUPLICATE_SUBMISSION": "Chỉ tệp gửi sau cùng được tổng hợp; nếu cần dùng tệp khác, báo lại "
                            "cơ quan tổng hợp.",
    "MISSING_SUBMISSION": "Gửi báo cáo theo mẫu trước hạn.",
    "CONFERENCE_LATE": "Kiểm tra lại Ngày tổ chức hội nghị; nếu ghi đúng, báo cáo giải trình với "
                       "cấp trên.",
    "DOSSIER_LATE": "Kiểm tra lại Ngày gửi báo cáo; hồ sơ gửi muộn cần có giải trình.",
    "DELEGATE_CAP": "Giảm số đại biểu trong danh sách xuống trong mức tối đa.",
    "PLENARY_EXPECTED": "Kiểm tra lại Hình thức hội nghị và Số đoàn viên ở trang Thông tin đơn "
                        "vị.",
    "EXEMPLARY_SHARE": "Tăng số đại biểu điển hình tiên tiến hoặc giảm số khách mời.",
    "PRESIDIUM_SIZE": "Điều chỉnh số người đánh dấu ở cột Đoàn Chủ tịch.",
    "PRESIDIUM_EXEMPLARY": "Điều chỉnh số Chiến sĩ thi đua trong Đoàn Chủ tịch.",
    "ALLOCATION_EXCEEDED": "Bỏ bớt dấu ở cột Dự hội nghị cấp trên cho đúng số được phân bổ.",
    "ALLOCATION_UNFILLED": "Đánh dấu thêm đại biểu ở cột Dự hội nghị cấp trên cho đủ số được "
                           "phân bổ.",
    "LEADER_SHARE": "Giảm số cá nhân là lãnh đạo, quản lý trong danh sách đề nghị khen thưởng.",
    "COLLECTIVE_SHARE": "Giảm số đơn vị đề nghị Cờ thi đua, Bằng khen trong khối thi đua.",
    "DOSSIER_INCOMPLETE": "Bổ sung đủ báo cáo thành tích và ghi lại cột Số báo cáo thành tích.",
    "DUPLICATE_PERSON": "Người này có trong danh sách của đơn vị khác: thống nhất để chỉ một đơn "
                        "vị cử.",
    "QUOTA_EXCEEDED": "Giảm số đề nghị của hình thức này cho đúng chỉ tiêu được phân bổ.",
    "EXTRA_COLUMN": "Không bắt buộc sửa; dữ liệu cần tổng hợp phải nằm trong các cột của mẫu.",
    "LEGACY_ENCODING": "Không bắt buộc sửa; lần sau hãy gõ bằng Unicode (phông Times New Roman, "
                       "bảng mã Unicode trong Unikey).",
    "TEXT_TRUNCATED": "Rút gọn nội dung ô (Excel giữ tối đa 32.767 ký tự một ô).",
    "TOTAL_MISMATCH": "Đối chiếu danh sách với bản gốc: bổ sung dòng bị sót hoặc sửa lại dòng "
                      "tổng cộng.",
    "UNIT_MATCHED_BY_NAME": "Ghi đúng Mã đơn vị ở trang Thông tin đơn vị (theo danh mục đơn vị "
                            "của cấp trên).",
    "AWARD_REPEATED": "Bỏ đề nghị này (đã được khen hình thức này trong năm), hoặc kiểm tra lại "
                      "họ tên, năm sinh nếu là người khác.",
    "TITLE_CHAIN": "Chỉ đề nghị khi đã có danh hiệu cần có (xem «Yêu cầu»), hoặc bổ sung quyết "
                   "định khen danh hiệu đó vào sổ khen thưởng.",
    "COLUMNS_NOT_FOUND": "Bổ sung các cột còn thiếu, hoặc sửa dòng tiêu đề cho đúng tên cột của "
                         "mẫu, rồi gửi lại.",
    "VALUE_INFERRED": "Không bắt buộc sửa; kiểm tra giá trị được suy ra, lần sau thêm cột này "
                      "vào danh sách.",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing that is wrong (or worth knowing), pointing at its source cell where one applies."""

    code: str
    severity: Severity
    message: str
    unit: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DOMAIN §9 (keys in a fixed order)."""
        return {key: getattr(self, key) for key in
                ("code", "severity", "unit", "file", "sheet", "row", "column", "value", "message")}


def make_finding(code: str, message: str, severities: dict[str, Severity] | None = None,
                 **where: Any) -> Finding:
    """Build a finding whose severity comes from the campaign (or the code's default)."""
    default = CODES[code][0]
    severity = (severities or {}).get(code, default)
    return Finding(code=code, severity=severity, message=message, **where)


def locate(rows: Any, k: int, sheet: str, column: str) -> dict[str, Any]:
    """Where the k-th row (sheet order) of a DataFrame of source rows sits, as finding fields.

    Count rules point at the first row that breaks their limit, so a unit knows where to start
    correcting; with no row to name, the finding names the sheet and column only.
    """
    if not len(rows):
        return {"sheet": sheet, "column": column}
    row = rows.iloc[min(k, len(rows) - 1)]
    return {"file": str(row["_file"]), "sheet": str(row["_sheet"]), "row": int(row["_row"]),
            "column": column}


def cell_ref(finding: Finding, letters: dict[tuple[str, str, str], str]) -> str | None:
    """The source cell as Excel names it ("Đại biểu!C17"), when the finding has a row and its
    column's letter in that file is known."""
    letter = letters.get((finding.file or "", finding.sheet or "", finding.column or ""))
    return f"{finding.sheet}!{letter}{finding.row}" if letter and finding.row else None


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts per severity, every severity present (zero when none)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def sort_key(finding: Finding) -> tuple[Any, ...]:
    """Stable order for reports: severity, unit, file, sheet, row, column, code."""
    return (
        SEVERITIES.index(finding.severity),
        finding.unit or "",
        finding.file or "",
        finding.sheet or "",
        finding.row or 0,
        finding.column or "",
        finding.code,
    )
