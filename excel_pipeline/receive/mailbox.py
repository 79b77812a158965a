"""The mailbox, through the standard library's `imaplib`: list the messages since a day, read
each one's size, arrival time and Message-ID, then fetch the new ones whole.

Fetching uses BODY.PEEK, and the folder is opened read-only (EXAMINE) unless the officer asks
`--mark-read`: nothing on the server is deleted, moved or marked otherwise.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import imaplib
import re
import socket
import ssl
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from types import TracebackType
from typing import Any

from .settings import ImapSettings, ReceiveError

# Messages larger than this are listed, not fetched: a unit's mail with every form attached
# is a few MB; anything past this would hold the whole run for one message.
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
# How many messages' headers are asked for in one command.
HEADER_BATCH = 200
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_INTERNALDATE = re.compile(rb'INTERNALDATE "\s*(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) '
                           rb'([+-])(\d\d)(\d\d)"')
_UID, _SIZE = re.compile(rb"UID (\d+)"), re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class Envelope:
    """What is known of a message before fetching it."""

    uid: int
    received_at: dt.datetime
    size: int
    message_id: str | None

    @property
    def key(self) -> str:
        """The manifest's key: the Message-ID, or for a message without one its arrival and
        size (the same message keeps both on the server)."""
        return self.message_id or f"không-có-id:{self.received_at.isoformat()}:{self.size}"


class Mailbox:
    """A logged-in session on one folder; use as a context manager (logs out at the end)."""

    def __init__(self, settings: ImapSettings, writable: bool = False) -> None:
        self.settings = settings
        try:
            if settings.ssl:
                self.client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    settings.host, settings.port, ssl_context=ssl.create_default_context(),
                    timeout=settings.timeout)
            else:
                self.client = imaplib.IMAP4(settings.host, settings.port,
                                            timeout=settings.timeout)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ReceiveError(self._unreachable(exc)) from None
        try:
            self._login()
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise ReceiveError(f"Máy chủ thư {settings.host} không cho đăng nhập tài khoản "
                               f"{settings.user}: {self._said(exc)}. Kiểm tra DHTT_IMAP_USER, "
                               "DHTT_IMAP_PASSWORD (Gmail, Outlook cần «mật khẩu ứng dụng») và "
                               "IMAP đã được bật trong hộp thư.") from None
        try:
            status, _ = self.client.select(folder_name(settings.folder), readonly=not writable)
        except (OSError, imaplib.IMAP4.error):
            status = "NO"
        if status != "OK":
            self.close()
            raise ReceiveError(f"Hộp thư không có thư mục «{settings.folder}» "
                               "(DHTT_IMAP_FOLDER).")

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.client.logout()

    def since(self, day: dt.date) -> list[int]:
        """The UIDs of the messages that arrived on or after `day` (the server's own dates)."""
        status, data = self.client.uid("SEARCH", "SINCE", _imap_date(day))
        if status != "OK":
            raise imaplib.IMAP4.error(_text(data))
        return sorted(int(uid) for uid in b" ".join(x for x in data if x).split())

    def envelopes(self, uids: list[int]) -> list[Envelope]:
        """Arrival time, size and Message-ID of each message, without fetching its body."""
        found: list[Envelope] = []
        for start in range(0, len(uids), HEADER_BATCH):
            batch = ",".join(str(uid) for uid in uids[start:start + HEADER_BATCH])
            status, data = self.client.uid(
                "FETCH", batch, "(UID INTERNALDATE RFC822.SIZE "
                "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            if status != "OK":
                raise imaplib.IMAP4.error(_text(data))
            found += [envelope for meta, header in _responses(data)
                      if (envelope := _envelope(meta, header)) is not None]
        return sorted(found, key=lambda e: e.uid)

    def fetch(self, uid: int) -> bytes:
        """The whole message, as the server keeps it; its \\Seen flag left as it was."""
        status, data = self.client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        for _, literal in _responses(data) if status == "OK" else []:
            if literal:
                return literal
        raise imaplib.IMAP4.error(f"không lấy được thư UID {uid}")

    def mark_read(self, uid: int) -> None:
        self.client.uid("STORE", str(uid), "+FLAGS", r"(\Seen)")

    def _login(self) -> None:
        user, password = self.settings.user, self.settings.password
        if (user + password).isascii():
            self.client.login(user, password)
            return
        # LOGIN sends ASCII only; SASL PLAIN carries a Vietnamese password as UTF-8.
        token = b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")
        self.client.authenticate("PLAIN", lambda _: token)

    def _said(self, exc: BaseException) -> str:
        return self.settings.hide(_text(exc.args[0] if exc.args else exc))

    def _unreachable(self, exc: BaseException) -> str:
        what = "hết thời gian chờ" if isinstance(exc, socket.timeout | TimeoutError) else \
            "chứng chỉ SSL của máy chủ không hợp lệ" \
            if isinstance(exc, ssl.SSLCertVerificationError) else \
            "không bắt tay SSL được: cổng này có thể không dùng SSL" \
            if isinstance(exc, ssl.SSLError) else self._said(exc)
        other = "0 (cổng 143)" if self.settings.ssl else "1 (cổng 993)"
        return (f"Không kết nối được máy chủ thư {self.settings.host}:{self.settings.port} "
                f"({what}). Kiểm tra DHTT_IMAP_HOST, DHTT_IMAP_PORT, mạng, và thử "
                f"DHTT_IMAP_SSL={other} nếu máy chủ dùng kiểu kết nối khác.")


def folder_name(folder: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 §5.1.3) for Vietnamese
    letters («Hồ sơ»), quoted."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            encoded.append("&" + raw.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in folder:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    text = "".join(encoded).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _imap_date(day: dt.date) -> str:
    """01-Mar-2025: English month names whatever the machine's language."""
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return " ".join(_text(item) for item in value if item)
    return str(value)


def _responses(data: list[Any]) -> list[tuple[bytes, bytes]]:
    """imaplib's FETCH answer as (the items' text, the literal) per message: a message's items
    may come before its literal (in the tuple) and after it (in the next bytes)."""
    responses: list[tuple[bytes, bytes]] = []
    for item in data:
        if isinstance(item, tuple):
            responses.append((item[0], item[1]))
        elif isinstance(item, bytes):
            if re.match(rb"\d+ \(", item):
                responses.append((item, b""))
            elif responses:
                meta, literal = responses[-1]
                responses[-1] = (meta + b" " + item, literal)
    return responses


def _envelope(meta: bytes, header: bytes) -> Envelope | None:
    uid, size, date = _UID.search(meta), _SIZE.search(meta), _INTERNALDATE.search(meta)
    if uid is None or date is None:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = date.groups()
    offset = dt.timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == b"-" else 1)
    received = dt.datetime(int(year), _MONTHS.index(month.decode().title()) + 1, int(day),
                           int(hour), int(minute), int(second), tzinfo=dt.timezone(offset))
    parsed = BytesHeaderParser(policy=default_policy).parsebytes(header or b"")
    message_id = " ".join(str(parsed.get("Message-ID", "")).split()) or None
    return Envelope(int(uid.group(1)), received, int(size.group(1)) if size else 0, message_id)
