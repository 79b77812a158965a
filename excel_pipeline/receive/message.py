"""One e-mail message taken apart: who sent it, and which of its parts a person would save.

Parsed with the standard library's `email` under `policy.default`, which decodes RFC 2047
headers (Vietnamese subjects and names) and RFC 2231 parameters (Vietnamese file names, as
Outlook and Gmail write them). A forwarded message's attachments are found inside it. Nothing
here touches the disk.
"""

from __future__ import annotations

import contextlib
import email
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

# What a person would save from a unit's message: the workbooks the run reads, the .zip it
# opens, and the Word reports and CSV lists units send with them (kept for the officer; the
# run lists them as not read). A saved .zip is only a file: the run screens it like any
# inbox file (zip bombs, encrypted members) when it reads the folder.
SAVED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".docx", ".doc", ".zip")
# Larger attachments are listed, not saved: 25 MB is the limit of the common providers
# (Gmail, Outlook), so anything bigger did not come from a unit's ordinary mail.
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
BODY = "nội dung thư"


@dataclass(frozen=True)
class Attachment:
    """A part worth saving: its name as the sender gave it, and its bytes."""

    name: str
    data: bytes


@dataclass
class Letter:
    """What matters of one message."""

    sender: str  # the From address, lower case ("" when the header is unreadable)
    sender_name: str
    message_id: str | None
    subject: str
    attachments: list[Attachment] = field(default_factory=list)
    # Parts not saved, each in a few Vietnamese words (bodies, inline images, other files).
    listed: list[str] = field(default_factory=list)
    # Files a person would save that are past the size limit: the officer saves them by hand.
    too_large: list[str] = field(default_factory=list)


def parse(data: bytes) -> Letter:
    """The message in `data` (RFC 5322 bytes, as the server keeps them)."""
    message = email.message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    name, address = _sender(message)
    letter = Letter(address, name, _header(message, "Message-ID") or None,
                    _header(message, "Subject"))
    bodies = images = 0
    for part in message.walk():
        if part.is_multipart():  # containers, and a forwarded message/rfc822 (walk enters it)
            continue
        filename = file_name(part)
        disposition = part.get_content_disposition()
        if filename is None:
            if part.get_content_maintype() == "image":
                images += 1
            elif part.get_content_maintype() == "text" and disposition != "attachment":
                bodies += 1
            else:
                letter.listed.append(f"phần đính kèm không tên ({part.get_content_type()})")
            continue
        if part.get_content_maintype() == "image" and disposition != "attachment":
            images += 1
            continue
        if not filename.lower().endswith(SAVED_SUFFIXES):
            letter.listed.append(f"tệp «{filename}» (không phải bảng tính hay tài liệu hồ sơ)")
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if len(content) > MAX_ATTACHMENT_BYTES:
            letter.too_large.append(f"tệp «{filename}» quá lớn ({len(content) // 2**20} MB, "
                                    f"giới hạn {MAX_ATTACHMENT_BYTES // 2**20} MB)")
            continue
        letter.attachments.append(Attachment(filename, content))
    if bodies:
        letter.listed.insert(0, BODY)
    if images:
        letter.listed.append(f"{images} ảnh trong thư")
    return letter


def file_name(part: Message) -> str | None:
    """The part's file name, decoded: RFC 2231 (filename*=utf-8''…) by the parser, and RFC 2047
    encoded words inside a quoted name (filename="=?UTF-8?B?…?=", which the standard forbids
    but mail programs write) here; NFC, so a Mac's decomposed letters match."""
    name = part.get_filename()
    if not name:
        return None
    name = str(name)
    if "=?" in name:
        with contextlib.suppress(LookupError, ValueError, UnicodeDecodeError):
            name = str(make_header(decode_header(name)))
    name = unicodedata.normalize("NFC", name).strip()
    return name or None


def _sender(message: EmailMessage) -> tuple[str, str]:
    """(display name, address) of From; Reply-To is not trusted for the unit (anyone can set
    it), the address the message came from is what the registry knows."""
    raw = _header(message, "From")
    pairs = getaddresses([raw]) if raw else []
    name, address = pairs[0] if pairs else parseaddr(raw)
    address = address.strip().lower()
    return name.strip(), address if "@" in address else ""


def _header(message: EmailMessage, name: str) -> str:
    """A header as text, decoded; "" when absent or beyond repair."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a malformed header the parser cannot fold
        return ""
    if value is None:
        return ""
    return " ".join(str(value).split())
