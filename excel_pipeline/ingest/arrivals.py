"""When and from whom each inbox file arrived, as `dhtt-merge receive` recorded it.

`receive` saves the attachments of the mailbox into the inbox folder and keeps, beside them, a
manifest (`.dhtt-thu-den.json`, hidden, so discovery lists it as skipped and never reads it as a
unit's data) naming for each saved file the server's arrival time (INTERNALDATE), the sender,
the Message-ID and the subject. The arrival time is evidence: the deadline rules judge it
instead of the date a unit typed. This module only reads the manifest; `receive` writes it.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the command's quick check (`write.unchanged`) must not load pandas
    from ..model import FileRecord

MANIFEST_NAME = ".dhtt-thu-den.json"
MANIFEST_VERSION = 1
# Deadlines are dates in Vietnam (UTC+7, no daylight saving): an arrival is judged there.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "UTC+7")


@dataclass(frozen=True)
class Arrival:
    """How one saved file reached the inbox."""

    received_at: dt.datetime  # timezone-aware, as the server recorded it
    sender: str
    message_id: str | None
    subject: str | None


def load_arrivals(inbox: Path) -> dict[str, Arrival]:
    """The manifest's files by path relative to `inbox` (posix, NFC), or nothing when there is
    no manifest or it cannot be read: arrival times are extra evidence, never a reason to stop
    a run (the files themselves are still read and judged by their typed dates)."""
    path = inbox / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        entries = document.get("files", [])
        return {key(entry["path"]): _arrival(entry) for entry in entries
                if isinstance(entry, dict) and entry.get("received_at")}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def key(relpath: str) -> str:
    """A relative path as discovery shows it (posix separators, NFC)."""
    return unicodedata.normalize("NFC", relpath.replace("\\", "/"))


def _arrival(entry: dict[str, Any]) -> Arrival:
    received = dt.datetime.fromisoformat(str(entry["received_at"]))
    if received.tzinfo is None:  # written by us always with its offset; never guess otherwise
        raise ValueError("arrival time without offset")
    return Arrival(received, str(entry.get("sender") or ""), entry.get("message_id") or None,
                   entry.get("subject") or None)


def arrival_day(received_at: dt.datetime) -> dt.date:
    """The day in Vietnam on which a message arrived."""
    return received_at.astimezone(VIETNAM).date()


def arrival_days(records: Iterable[FileRecord]) -> dict[int, dt.date]:
    """The day (in Vietnam) each file saved by `dhtt-merge receive` arrived, by file id."""
    return {r.file_id: arrival_day(r.received_at) for r in records if r.received_at}
