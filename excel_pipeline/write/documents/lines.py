"""What `dhtt-merge documents` says on screen about the documents it wrote."""

from __future__ import annotations

from ...model import Paperwork


def document_lines(paperwork: Paperwork) -> list[str]:
    """The documents written (one path a line, as the workbook's), the edited templates used
    and the misnamed ones not used, the documents not made and why, and earlier runs'
    documents left in the folder that no longer match."""
    lines = [f"Văn bản đã lập ({len(paperwork.written)}):"]
    if paperwork.edited:
        lines.append("  Dùng mẫu của cơ quan (--templates): " + ", ".join(paperwork.edited)
                     + ".")
    for name in paperwork.ignored:
        lines.append(f"  Lưu ý: mẫu «{name}» không trùng tên mẫu nào nên không được dùng (tên "
                     "các mẫu: xem cho-dien.txt).")
    for document in paperwork.written:
        lines.append(f"  {document.title}: {document.path}")
        if document.pdf:
            lines.append(f"  {document.title} (PDF): {document.pdf}")
    for title, reason in paperwork.skipped:
        lines.append(f"  Không lập {title}: {reason}.")
    for path in paperwork.stale:
        lines.append(f"  Lưu ý: {path} là của lần chạy trước, không còn đúng với lần tổng hợp "
                     "này (chương trình không xóa tệp này).")
    return lines
