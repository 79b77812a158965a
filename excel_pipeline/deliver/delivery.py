"""Deliver a run's results: feedback workbooks down to units, the consolidated workbook by e-mail.

The last step of the flow. Everything it sends was already written to disk; a failed send is
reported per recipient and changes no file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import (
    ACCEPTED,
    Consolidation,
    Delivered,
    Delivery,
    FileRecord,
    FileRole,
    UnitFeedback,
)
from ..write.atomic import Staging
from ..write.feedback import write_feedback
from ..write.summary import summary_lines
from .mail import Outgoing, SmtpSettings, compose, send_all, write_eml
from .options import DeliveryOptions

FEEDBACK_FOLDER = "phan-hoi"
OUTBOX_FOLDER = "thu-gui"
DRY_RUN_SENDER = "dhtt-merge@localhost"
# The upward file keeps its name as an attachment: the upper level drops it into its inbox.
UPWARD_NAME = "gui-cap-tren.xlsx"


def delivery_lines(upward: Path | None, delivery: Delivery) -> list[str]:
    """What was written besides the workbook, and what became of each message (terminal)."""
    lines = []
    if upward:
        lines.append(f"Hồ sơ gửi cấp trên: {upward}")
    if delivery.feedback:
        lines.append(f"Phản hồi: {len(delivery.feedback)} tệp cho các đơn vị có phát hiện, tại "
                     f"{delivery.feedback[0].path.parent}")
    if delivery.outbox:
        written = sum(1 for m in delivery.messages if m.eml)
        lines.append(f"Thư chưa gửi (--dry-run): {written} thư ghi tại {delivery.outbox}")
    elif delivery.messages:
        sent = sum(1 for m in delivery.messages if m.ok)
        lines.append(f"Thư đã gửi: {sent}/{len(delivery.messages)}")
    # Every address written to is named, so the officer sees where each unit's file went.
    lines += [f"  {m.label} → {m.recipient}" for m in delivery.messages if m.ok and m.recipient]
    lines += [f"Không gửi được thư tới {m.recipient or m.label}: {m.error}"
              for m in delivery.failures]
    return lines


def deliver(c: Consolidation, workbook: Path, upward: Path | None, out_dir: Path,
            options: DeliveryOptions, settings: SmtpSettings | None,
            staging: Staging | None = None) -> Delivery:
    """Write feedback workbooks, then send (or, with --dry-run, write) the messages. The
    message upward carries the upward file (what the upper level consolidates) and the
    consolidated workbook (what it reads)."""
    delivery = Delivery()
    folder = options.feedback_dir or (out_dir / FEEDBACK_FOLDER if options.email_feedback
                                      else None)
    if folder is not None:
        delivery.feedback = write_feedback(c, folder, staging)
    if not options.sends_mail:
        return delivery
    sender = settings.sender if settings else DRY_RUN_SENDER
    outgoing = []
    if options.email_to:
        outgoing.append(_consolidated(c, workbook, upward, options.email_to, sender, staging))
    if options.email_feedback:
        outgoing += [_feedback(c, item, sender, staging) for item in delivery.feedback
                     if item.email]
        delivery.messages += [Delivered(item.unit, "", False, 0,
                                        "không có địa chỉ Email của đơn vị (danh mục đơn vị "
                                        "không ghi Email, và đơn vị chưa gửi hồ sơ hoặc không "
                                        "ghi Email ở trang Thông tin đơn vị)")
                              for item in delivery.feedback if not item.email]
    if settings is None:
        delivery.outbox = out_dir / OUTBOX_FOLDER
        delivery.messages = write_eml(outgoing, delivery.outbox, staging) + delivery.messages
    else:
        delivery.messages = send_all(outgoing, settings) + delivery.messages
    return delivery


def _consolidated(c: Consolidation, workbook: Path, upward: Path | None, to: tuple[str, ...],
                  sender: str, staging: Staging | None) -> Outgoing:
    subject = f"Tổng hợp {c.campaign.name} – tính đến ngày {c.as_of:%d/%m/%Y}"
    body = "\n".join([
        "Kính gửi,",
        "",
        f"Gửi kèm hồ sơ {c.campaign.name} ({c.campaign.document}):",
        *([f"- {UPWARD_NAME}: hồ sơ của đơn vị theo đúng mẫu, để cấp trên tổng hợp (chép vào "
            "thư mục hồ sơ của cấp trên);"] if upward else []),
        f"- {_consolidated_name(c)}: bảng tổng hợp chi tiết để xem (không đưa vào thư mục hồ "
        "sơ).",
        "",
        *summary_lines(c),
        "",
        "Chi tiết từng lỗi xem trang «Phát hiện» của tệp đính kèm.",
        "Thư này do dhtt-merge tạo tự động.",
    ])
    attachments = [(upward, UPWARD_NAME)] if upward else []
    attachments.append((workbook, _consolidated_name(c)))
    return Outgoing("tong-hop", to, compose(sender, to, subject, body, attachments, staging))


def _consolidated_name(c: Consolidation) -> str:
    return f"Tổng hợp {c.campaign.id} {c.as_of:%d-%m-%Y}.xlsx"


def _feedback(c: Consolidation, item: UnitFeedback, sender: str,
              staging: Staging | None) -> Outgoing:
    assert item.email is not None
    subject = f"Phản hồi hồ sơ {c.campaign.name} – {item.name}"
    body = "\n".join([
        f"Kính gửi {item.name},",
        "",
        f"Hồ sơ của đơn vị gửi cho {c.campaign.name} đã được kiểm tra (tính đến ngày "
        f"{c.as_of:%d/%m/%Y}): {item.errors} lỗi cần sửa, {item.warnings} cảnh báo.",
        "Tệp đính kèm liệt kê từng ô cần sửa (trang, ô, nội dung, cách sửa). Đề nghị đơn vị sửa "
        "ngay trong tệp đã gửi, giữ nguyên mẫu, rồi gửi lại cả tệp.",
        "",
        "Thư này do dhtt-merge tạo tự động.",
    ])
    name = f"Phản hồi {item.path.name}"  # the file's safe name, not the raw code
    attachments = [(item.path, name)]
    if item.marked is not None:  # the unit's own workbook, its faulty cells marked
        attachments.append((item.marked, item.marked.name))
    original = _came_in(c, item.unit, item.email)
    if original is not None:  # answered in the thread the unit's file came in
        subject = reply_subject(original.subject or subject)
    message = compose(sender, (item.email,), subject, body, attachments, staging)
    if original is not None:
        message["In-Reply-To"] = message["References"] = original.message_id
    return Outgoing(item.unit, (item.email,), message)


def _came_in(c: Consolidation, unit: str, address: str) -> FileRecord | None:
    """The record of the unit's accepted file that came by e-mail (`dhtt-merge receive`) from
    the address the feedback goes to, the latest when several did: its message is the one the
    feedback answers. A file mailed from elsewhere starts no thread: its subject, written by
    someone else, never reaches the unit."""
    mailed = [r for r in c.files if r.unit == unit and r.status == ACCEPTED
              and r.role == FileRole.SUBMISSION and r.message_id and r.received_at
              and (r.sender or "").lower() == address.lower()]
    return max(mailed, key=lambda r: r.received_at or dt.datetime.min) if mailed else None


def reply_subject(subject: str) -> str:
    """«Re: » and the original subject, once («Re: Re: » is never made)."""
    return subject if subject[:3].lower() == "re:" else f"Re: {subject}"
