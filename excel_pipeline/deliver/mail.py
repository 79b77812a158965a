"""E-mail: the consolidated workbook upward, feedback workbooks back down to units.

SMTP comes from the environment only (DHTT_SMTP_HOST, DHTT_SMTP_PORT, DHTT_SMTP_USER,
DHTT_SMTP_PASSWORD, DHTT_SMTP_FROM, DHTT_SMTP_STARTTLS), never from a file in the repository.
Each recipient is sent to separately and retried once, so one bad address never stops the others;
`--dry-run` writes the same messages as .eml files instead. Sending never touches the workbooks.
"""

from __future__ import annotations

import os
import re
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from ..errors import DhttError
from ..model import Delivered
from ..write.atomic import Staging, written_atomically

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_ADDRESS = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


class MailError(DhttError):
    """E-mail was asked for but cannot be configured (checked before anything is written)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if env is None else env
        host, sender = env.get("DHTT_SMTP_HOST", "").strip(), env.get("DHTT_SMTP_FROM", "").strip()
        missing = [name for name, value in (("DHTT_SMTP_HOST", host), ("DHTT_SMTP_FROM", sender))
                   if not value]
        if missing:
            raise MailError(f"Chưa cấu hình gửi thư: đặt biến môi trường {', '.join(missing)} "
                            "(hoặc dùng --dry-run để chỉ ghi thư ra tệp .eml).")
        starttls = env.get("DHTT_SMTP_STARTTLS", "").strip().lower() in {"1", "true", "yes", "có"}
        port_text = env.get("DHTT_SMTP_PORT", "").strip() or ("587" if starttls else "25")
        if not port_text.isdigit():
            raise MailError(f"DHTT_SMTP_PORT phải là số, không phải «{port_text}».")
        return cls(host, int(port_text), sender, env.get("DHTT_SMTP_USER") or None,
                   env.get("DHTT_SMTP_PASSWORD") or None, starttls)


@dataclass(frozen=True)
class Outgoing:
    """One message and who should receive it; `label` names it in reports ("tổng hợp", a unit)."""

    label: str
    recipients: tuple[str, ...]
    message: EmailMessage


def parse_addresses(text: str | None) -> tuple[str, ...]:
    """`a@x.vn,b@y.vn` (commas or semicolons) into addresses; a malformed one is refused."""
    if not text:
        return ()
    addresses = tuple(part.strip() for part in re.split(r"[,;]", text) if part.strip())
    bad = [address for address in addresses if not _ADDRESS.match(address)]
    if bad:
        raise MailError(f"Địa chỉ thư không hợp lệ: {', '.join(bad)}.")
    return addresses


def compose(sender: str, recipients: Sequence[str], subject: str, body: str,
            attachments: Sequence[tuple[Path, str]],
            staging: Staging | None = None) -> EmailMessage:
    """A UTF-8 message; attachment names keep their Vietnamese letters (RFC 2231). With the
    run's `staging`, attachments are read where they are staged (not yet published)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="dhtt-merge")
    message.set_content(body, charset="utf-8")
    for path, name in attachments:
        where = staging.location(path) if staging is not None else path
        message.add_attachment(where.read_bytes(), maintype=XLSX[0],
                               subtype=XLSX[1], filename=name)
    return message


def send_all(outgoing: Sequence[Outgoing], settings: SmtpSettings,
             retries: int = 1) -> list[Delivered]:
    """Send each message to each of its recipients, retrying a failed recipient `retries` times."""
    results = []
    for item in outgoing:
        for recipient in item.recipients:
            error = None
            for attempt in range(1, retries + 2):
                try:
                    _send_one(item.message, recipient, settings)
                except (smtplib.SMTPException, OSError) as exc:
                    error = _describe(exc)
                    continue
                results.append(Delivered(item.label, recipient, True, attempt))
                break
            else:
                results.append(Delivered(item.label, recipient, False, retries + 1, error))
    return results


def write_eml(outgoing: Sequence[Outgoing], folder: Path,
              staging: Staging | None = None) -> list[Delivered]:
    """--dry-run: every message as `folder/NN-label.eml`, nothing sent."""
    results = []
    for number, item in enumerate(outgoing, start=1):
        path = folder / f"{number:03}-{_slug(item.label)}.eml"
        with written_atomically(path, staging) as temp_name:
            Path(temp_name).write_bytes(item.message.as_bytes())
        results += [Delivered(item.label, recipient, True, 0, eml=str(path))
                    for recipient in item.recipients]
    return results


def _send_one(message: EmailMessage, recipient: str, settings: SmtpSettings) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message, to_addrs=[recipient])


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = {code for code, _ in exc.recipients.values()}
        return f"máy chủ từ chối người nhận (mã {', '.join(map(str, sorted(codes)))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error  # bytes from a server, str when smtplib makes the error up
        text = error.decode(errors="replace") if isinstance(error, bytes) else error
        return f"máy chủ trả lời {exc.smtp_code}: {text}"
    if isinstance(exc, smtplib.SMTPException):
        return f"lỗi SMTP: {exc}"
    return f"không kết nối được máy chủ thư ({exc})"


def _slug(text: str) -> str:
    # Cut: a label is a unit code, as long as whoever typed it wished.
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE)[:60].strip("-.") or "thu"
