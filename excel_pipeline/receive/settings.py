"""IMAP settings, from the environment only (like SMTP's, see `deliver.mail`): a password is
never given on the command line (it would stay in the shell's history) nor kept in a file of
the repository, and it is never shown, logged or written."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import DhttError

REQUIRED = ("DHTT_IMAP_HOST", "DHTT_IMAP_USER", "DHTT_IMAP_PASSWORD")
SSL_PORT, PLAIN_PORT = 993, 143


class ReceiveError(DhttError):
    """The mailbox cannot be reached or used: the officer's configuration (exit status 2)."""


@dataclass(frozen=True)
class ImapSettings:
    """Where the mailbox is and how to log in."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    ssl: bool = True
    timeout: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ImapSettings:
        env = os.environ if env is None else env
        values = {name: env.get(name, "").strip() for name in REQUIRED}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ReceiveError(
                f"Chưa cấu hình hộp thư: đặt biến môi trường {', '.join(missing)} (và nếu cần "
                "DHTT_IMAP_PORT, DHTT_IMAP_FOLDER, DHTT_IMAP_SSL). Xem mục «Nhận hồ sơ thẳng "
                "từ hộp thư» trong README.")
        ssl_text = env.get("DHTT_IMAP_SSL", "1").strip().lower() or "1"
        if ssl_text not in {"1", "0", "true", "false", "yes", "no", "có", "không"}:
            raise ReceiveError(f"DHTT_IMAP_SSL phải là 1 (dùng SSL) hoặc 0, không phải "
                               f"«{ssl_text}».")
        ssl = ssl_text in {"1", "true", "yes", "có"}
        port_text = env.get("DHTT_IMAP_PORT", "").strip() or str(SSL_PORT if ssl else PLAIN_PORT)
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ReceiveError(f"DHTT_IMAP_PORT phải là số cổng, không phải «{port_text}».")
        folder = env.get("DHTT_IMAP_FOLDER", "").strip() or "INBOX"
        # The password is taken as typed: spaces may be part of it (Gmail shows app passwords
        # in groups of four, and accepts them with or without the spaces).
        return cls(values["DHTT_IMAP_HOST"], int(port_text), values["DHTT_IMAP_USER"],
                   env.get("DHTT_IMAP_PASSWORD", "").strip(), folder, ssl)

    def hide(self, text: str) -> str:
        """`text` (a server's or the system's message) with the password blotted out, should a
        server ever echo it."""
        return text.replace(self.password, "***") if self.password else text
