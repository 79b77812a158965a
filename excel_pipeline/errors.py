"""Exceptions that stop a run before anything is written.

Each carries a Vietnamese message meant for the officer; the CLI prints it and exits with status 2.
Problems inside individual files are never exceptions: they become findings and the run goes on.
"""


class DhttError(Exception):
    """A run cannot start or cannot write (exit status 2)."""


class CampaignError(DhttError):
    """The campaign preset or TOML file is unknown or malformed."""


class InboxError(DhttError):
    """The inbox is missing, empty, or holds no spreadsheet."""


class RegistryError(DhttError):
    """The unit registry given by option cannot be used."""


class OutputError(DhttError):
    """An output folder cannot be used: it would mix our files with the units', or it cannot be
    created or written."""


def os_reason(exc: OSError, doing: str = "mở") -> str:
    """Why the file system refused, in the officer's words: the system's own text is English
    on most machines («Permission denied»). `doing` is the verb refused (mở, ghi, tạo)."""
    import errno

    if getattr(exc, "winerror", None) in (32, 33):  # sharing or lock violation on Windows
        return "tệp đang được chương trình khác mở (ví dụ Excel): hãy đóng tệp rồi chạy lại"
    if isinstance(exc, PermissionError):
        return f"không có quyền {doing}"
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return "đường dẫn không tồn tại hoặc có một phần không phải thư mục"
    if isinstance(exc, IsADirectoryError):
        return "đây là một thư mục, không phải tệp"
    reasons = {errno.ENOSPC: "ổ đĩa đã đầy", errno.EROFS: "ổ đĩa chỉ cho đọc",
               errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
               errno.EIO: "lỗi đọc ghi ổ đĩa", errno.EBUSY: "tệp hoặc thư mục đang bận"}
    return reasons.get(exc.errno or 0, f"lỗi hệ thống tệp số {exc.errno}")
