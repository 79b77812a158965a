"""Which unit a sender is: the registry's Email column (Danh mục đơn vị), read the way the
run reads it (`--units`, else the registry workbook found in the inbox folder)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..campaign import Campaign
from ..check.registry import registry_rows
from ..ingest.discover import discover
from ..ingest.inbox import read_one, read_registry_file
from ..model import ACCEPTED, FileRecord, FileRole, ReadFile
from ..template import REGISTRY


@dataclass
class Senders:
    """Registry units by address; addresses given to several units name none of them."""

    units: dict[str, tuple[str, str]] = field(default_factory=dict)  # address -> (code, name)
    shared: dict[str, list[str]] = field(default_factory=dict)  # address -> codes
    source: str | None = None
    has_emails: bool = False

    def unit_of(self, address: str) -> tuple[str, str] | None:
        return self.units.get(address.lower()) if address else None


def find_senders(inbox: Path, units_file: Path | None, campaign: Campaign,
                 saved: set[str]) -> Senders:
    """The registry's addresses. The registry in the inbox is looked for among the files
    `receive` did not save itself (`saved`, relative paths): a unit's mail cannot decide who is
    who."""
    registry = read_registry_file(units_file, campaign.limits) if units_file \
        else _registry_in(inbox, campaign, saved)
    senders = Senders(source=str(units_file) if units_file else
                      registry.record.relpath if registry else None)
    if registry is None:
        return senders
    frame, _ = registry_rows([registry], campaign, dt.date.today())
    if "email" not in frame.columns:
        return senders
    claimed: dict[str, list[tuple[str, str]]] = {}
    for row in frame.to_dict("records"):
        text = row.get("email")
        if text is None or text is pd.NA or not isinstance(text, str):
            continue
        for address in re.split(r"[,;\s]+", text.strip().lower()):
            if "@" in address:
                claimed.setdefault(address, []).append((str(row["unit_code"]),
                                                        str(row["unit_name"])))
    senders.has_emails = bool(claimed)
    for address, units in claimed.items():
        codes = sorted({code for code, _ in units})
        if len(codes) == 1:
            senders.units[address] = units[0]
        else:
            senders.shared[address] = codes
    return senders


def _registry_in(inbox: Path, campaign: Campaign, saved: set[str]) -> ReadFile | None:
    if not inbox.is_dir():
        return None
    # The office puts its registry at the top of the folder: looked at first.
    for item in sorted(discover(inbox), key=lambda found: found.relpath.count("/")):
        if item.skip_reason is not None or item.is_archive or item.relpath in saved:
            continue
        read = read_one(item.path, FileRecord(-1, item.relpath, role=FileRole.REGISTRY),
                        campaign.limits)
        if read is not None and read.record.status == ACCEPTED and read.form is None \
                and any(table.spec is REGISTRY for table in read.tables):
            return read
    return None
