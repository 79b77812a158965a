"""«Cách sửa»: what to do about a finding, specific to its cause.

A finding's message says what is wrong; the officer and the unit also need to know what to
write instead. For a cell (SCHEMA) the column says it: the allowed values of a list, the form
of a date, the range of a year, a number, a tick. For the other codes, the code's own advice
(its `FindingType.advice` in `findings`), which names the action («Giảm số đại biểu…»); the
message beside it gives the limit and the unit's figure.
"""

from __future__ import annotations

from ..findings import Finding, advice_of
from ..template import ALL_SHEETS, Column
from ..textnorm import fold

# (folded sheet title, folded column header) -> the column, for the sheets units send.
_COLUMNS: dict[tuple[str, str], Column] = {
    (fold(spec.title), fold(column.header)): column
    for spec in ALL_SHEETS for column in spec.columns
}
_EXAMPLE_DATE = "05/03/2025"


def shown_value(finding: Finding) -> str | None:
    """A finding's value as the Giá trị column shows it: a cell's content as typed; a count
    (a unit's delegates, nominations, leaders…) said to be the unit's figure, not a bare
    number whose meaning the reader must guess."""
    if finding.value is None:
        return None
    if finding.code != "SCHEMA" and isinstance(finding.value, int | float) \
            and not isinstance(finding.value, bool):
        return f"{finding.value:g} (số của đơn vị)"
    return str(finding.value)


def how_to_fix(finding: Finding, this_year: int) -> str:
    """What to do about `finding`, in Vietnamese."""
    if finding.code == "SCHEMA":
        column = _COLUMNS.get((fold(finding.sheet or ""), fold(finding.column or "")))
        if column is not None:
            return _fix_cell(column, finding, this_year)
    if finding.code == "UNREADABLE_FILE":
        return _fix_file(finding.message)
    return advice_of(finding.code)


def _fix_file(message: str) -> str:
    """What to do about a file that could not be read, by what the reader said of it: a
    password is only mentioned for a file that has one."""
    if "mật khẩu" in message:
        return "Gỡ mật khẩu của tệp (Excel: Tệp › Thông tin › Bảo vệ sổ làm việc) rồi gửi lại."
    if "hỏng" in message or "cắt cụt" in message:
        return "Gửi lại tệp (tệp nhận được bị hỏng hoặc chưa tải xong)."
    if "quá lớn" in message:
        return "Xóa các dòng, cột thừa ở cuối trang tính rồi gửi lại."
    if "Không nhận ra" in message:
        return ("Dùng đúng mẫu: đặt tên trang và dòng tiêu đề theo mẫu (Thông tin đơn vị, Đại "
                "biểu, Đề nghị khen thưởng…) rồi gửi lại.")
    return advice_of("UNREADABLE_FILE")


def _fix_cell(column: Column, finding: Finding, this_year: int) -> str:
    header = column.header
    blank = finding.value is None or str(finding.value).strip() == ""
    if "cả cột Nam và cột Nữ" in finding.message:
        return "Chỉ ghi năm sinh ở một cột: cột Nam nếu là nam, cột Nữ nếu là nữ."
    if "cột Nam hoặc cột Nữ" in finding.message:
        return "Ghi năm sinh (4 chữ số) vào cột Nam hoặc cột Nữ, đúng giới tính của người này."
    if column.kind == "choice":
        return f"Chọn một trong các giá trị: {', '.join(column.choices)}."
    if column.kind == "date":
        return f"Ghi ngày dạng ngày/tháng/năm, ví dụ {_EXAMPLE_DATE}."
    if column.kind == "year":
        return f"Ghi năm sinh đủ 4 chữ số, từ {int(column.minimum or 1900)} đến {this_year}."
    if column.kind == "flag":
        return "Ghi x nếu có, để trống nếu không."
    if column.kind in ("int", "number"):
        low = "" if column.minimum is None else f" từ {column.minimum:g} trở lên"
        return f"Ghi một số{' nguyên' if column.kind == 'int' else ''}{low}, không kèm chữ."
    if column.key == "email":
        return "Ghi một địa chỉ thư điện tử, ví dụ congdoan@example.vn."
    if blank and column.required:
        return f"Điền «{header}»: ô này bắt buộc."
    return advice_of("SCHEMA")
