"""Campaign rules over the merged frames (DOMAIN §6): each rule returns findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .findings import Finding

if TYPE_CHECKING:
    from .pipeline import Consolidation


def check_rules(c: Consolidation) -> list[Finding]:
    """Every rule of the campaign, in a fixed order."""
    findings: list[Finding] = []
    return findings
