"""`dhtt-merge receive`: each new message of the mailbox, its attachments saved once into the
folder of the unit that sent it, and what was not saved said.

One bad message costs that message only: it is named in the output, left on the server as it
was, not recorded (the next run tries it again), and makes the exit status 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import imaplib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..campaign import Campaign
from ..errors import os_reason
from ..ingest.arrivals import VIETNAM
from ..model import Progress
from .mailbox import MAX_MESSAGE_BYTES, Envelope, Mailbox
from .manifest import Manifest
from .message import BODY, Letter, parse
from .names import UNKNOWN_FOLDER, free_path, safe_file_name, unit_folder
from .settings import ImapSettings, ReceiveError
from .units import Senders, find_senders

# Without --since and without any date in the campaign: this many days back.
DEFAULT_DAYS_BACK = 60


@dataclass
class Received:
    """What one run of `receive` did."""

    inbox: Path
    since: dt.date
    examined: int = 0  # messages on the server since that day
    known: int = 0  # of those, received by an earlier run
    saved: list[tuple[str, str]] = field(default_factory=list)  # (relative path, sender)
    same: list[str] = field(default_factory=list)  # attachments already saved (same bytes)
    listed: list[str] = field(default_factory=list)  # parts not saved, per message
    unknown: dict[str, int] = field(default_factory=dict)  # sender -> files saved as unknown
    failed: list[str] = field(default_factory=list)  # messages not handled, and why
    senders: Senders = field(default_factory=Senders)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def default_since(campaign: Campaign, today: dt.date | None = None) -> dt.date:
    """The campaign's start (the earliest date it knows: a conference window, a deadline), or
    `DEFAULT_DAYS_BACK` days back when it knows none."""
    dates = list(_dates(campaign))
    return min(dates) if dates else (today or dt.date.today()) - dt.timedelta(DEFAULT_DAYS_BACK)


def _dates(value: Any) -> Iterator[dt.date]:
    if isinstance(value, dt.date):
        yield value.date() if isinstance(value, dt.datetime) else value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _dates(getattr(value, item.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _dates(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)


def receive(inbox: Path, campaign: Campaign, settings: ImapSettings, since: dt.date | None = None,
            units_file: Path | None = None, mark_read: bool = False,
            progress: Progress | None = None) -> Received:
    """Save the new messages' attachments under `inbox`; see the module's docstring."""
    try:
        inbox.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReceiveError(f"Không tạo được thư mục hồ sơ {inbox} "
                           f"({os_reason(exc, 'tạo')}).") from None
    manifest = Manifest.load(inbox)
    result = Received(inbox, since or default_since(campaign))
    result.senders = find_senders(inbox, units_file, campaign, manifest.paths())
    with Mailbox(settings, writable=mark_read) as mailbox:
        try:
            envelopes = mailbox.envelopes(mailbox.since(result.since))
            result.examined = len(envelopes)
            for number, envelope in enumerate(envelopes, start=1):
                if manifest.known(envelope.key):
                    result.known += 1
                elif _one(mailbox, envelope, manifest, result) and mark_read:
                    mailbox.mark_read(envelope.uid)
                if progress:
                    progress("receive", number, len(envelopes))
        except (OSError, imaplib.IMAP4.abort) as exc:
            raise ReceiveError(f"Mất kết nối với máy chủ thư ({settings.hide(str(exc))}). Các "
                               f"tệp đã lưu ({len(result.saved)}) được giữ nguyên; chạy lại "
                               "lệnh để nhận tiếp.") from None
        except imaplib.IMAP4.error as exc:  # the server refused a search or a flag
            raise ReceiveError(f"Máy chủ thư từ chối yêu cầu ({settings.hide(str(exc))}). Các "
                               f"tệp đã lưu ({len(result.saved)}) được giữ nguyên.") from None
        finally:  # also on Ctrl-C: the messages handled so far are not fetched again
            manifest.save()
    return result


def _one(mailbox: Mailbox, envelope: Envelope, manifest: Manifest, result: Received) -> bool:
    """One new message: fetched, taken apart, its attachments saved, then recorded; False
    when it could not be handled (said in `result.failed`)."""
    where = f"thư UID {envelope.uid} đến lúc {_shown(envelope.received_at)}"
    if envelope.size > MAX_MESSAGE_BYTES:
        result.failed.append(f"{where}: quá lớn ({envelope.size // 2**20} MB, giới hạn "
                             f"{MAX_MESSAGE_BYTES // 2**20} MB), không tải; mở hộp thư để lưu "
                             "tệp đính kèm bằng tay.")
        return False
    try:
        letter = parse(mailbox.fetch(envelope.uid))
    except imaplib.IMAP4.abort:
        raise
    except Exception as exc:  # a malformed message costs that message only
        result.failed.append(f"{where}: không đọc được thư ({type(exc).__name__}).")
        return False
    where = f"thư «{letter.subject or '(không có tiêu đề)'}» của " \
            f"{letter.sender or '(không rõ địa chỉ)'} ({_shown(envelope.received_at)})"
    unit = result.senders.unit_of(letter.sender)
    folder = unit_folder(*unit) if unit else UNKNOWN_FOLDER
    saved: list[str] = []
    try:
        for attachment in letter.attachments:
            sha256 = hashlib.sha256(attachment.data).hexdigest()
            earlier = manifest.same_content(sha256)
            if earlier is not None:
                result.same.append(f"{where}: «{attachment.name}» giống hệt tệp đã lưu "
                                   f"{earlier}, không lưu lại.")
                continue
            relpath = _write(result.inbox, folder, attachment.name, attachment.data)
            saved.append(relpath)
            manifest.files.append(_entry(relpath, sha256, attachment.name, unit, letter,
                                         envelope))
            result.saved.append((relpath, letter.sender))
    except OSError as exc:
        manifest.save()  # what was written before the failure stays recorded
        result.failed.append(f"{where}: không ghi được tệp ({os_reason(exc, 'ghi')}).")
        return False
    if unit is None and saved:
        who = letter.sender or "(không rõ địa chỉ)"
        result.unknown[who] = result.unknown.get(who, 0) + len(saved)
    # The body of a message is always there and never saved: said only when it is all there
    # is (a unit that forgot the attachment, or pasted its list into the message).
    others = [part for part in letter.listed if part != BODY]
    if others:
        result.listed.append(f"{where}: không lưu {', '.join(others)}.")
    elif not letter.attachments and not letter.too_large:
        result.listed.append(f"{where}: thư không có tệp đính kèm nào để lưu.")
    if letter.too_large:  # recorded all the same: the officer saves it once, by hand
        result.failed.append(f"{where}: không lưu {', '.join(letter.too_large)}; mở hộp thư "
                             "để lưu bằng tay.")
    manifest.messages[envelope.key] = {
        "uid": envelope.uid, "received_at": envelope.received_at.isoformat(),
        "sender": letter.sender, "subject": letter.subject, "message_id": letter.message_id,
        "unit": unit[0] if unit else None, "saved": saved,
        "not_saved": [*letter.listed, *letter.too_large]}
    if saved:  # at once: a file written but not recorded would be saved twice by the next run
        manifest.save()
    return not letter.too_large  # left unread (with --mark-read) for the officer to open


def _write(inbox: Path, folder: str, name: str, data: bytes) -> str:
    """Create the file (never over another one) and return its path relative to `inbox`."""
    target_folder = inbox / folder
    target_folder.mkdir(exist_ok=True)
    while True:
        path = free_path(target_folder, safe_file_name(name))
        created = False
        try:
            with open(path, "xb") as stream:  # exclusive: a file that appeared meanwhile wins
                created = True
                stream.write(data)
        except FileExistsError:
            continue
        except OSError:
            if created:  # no half-written file left behind, unrecorded
                path.unlink(missing_ok=True)
            raise
        return f"{folder}/{path.name}"


def _entry(relpath: str, sha256: str, name: str, unit: tuple[str, str] | None, letter: Letter,
           envelope: Envelope) -> dict[str, Any]:
    return {"path": relpath, "sha256": sha256, "name": name,
            "unit": unit[0] if unit else None, "received_at": envelope.received_at.isoformat(),
            "sender": letter.sender, "sender_name": letter.sender_name,
            "message_id": letter.message_id, "subject": letter.subject}


def _shown(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def receive_lines(result: Received) -> list[str]:
    """What the officer reads on screen."""
    senders = result.senders
    lines = [f"Hộp thư: {result.examined} thư từ ngày {result.since:%d/%m/%Y}, "
             f"{result.known} thư đã nhận trước đây, "
             f"{result.examined - result.known} thư mới."]
    if senders.source is None:
        lines.append("Chưa có danh mục đơn vị (--units hoặc tệp danh mục trong thư mục hồ sơ): "
                     f"mọi tệp lưu vào thư mục «{UNKNOWN_FOLDER}».")
    elif not senders.has_emails:
        lines.append(f"Danh mục đơn vị {senders.source} chưa ghi cột Email: mọi tệp lưu vào thư "
                     f"mục «{UNKNOWN_FOLDER}».")
    lines.append(f"Đã lưu {len(result.saved)} tệp vào {result.inbox}"
                 + (":" if result.saved else "."))
    lines += [f"  {path}  (từ {sender or 'không rõ địa chỉ'})" for path, sender in result.saved]
    for sender, count in sorted(result.unknown.items()):
        shared = senders.shared.get(sender)
        why = (f"địa chỉ ghi cho nhiều đơn vị ({', '.join(shared)})" if shared
               else "địa chỉ không có trong cột Email của danh mục đơn vị")
        lines.append(f"Người gửi chưa rõ đơn vị: {sender} ({why}); {count} tệp lưu vào "
                     f"«{UNKNOWN_FOLDER}».")
    lines += result.same
    lines += result.listed
    lines += [f"Lỗi: {failure}" for failure in result.failed]
    return lines
