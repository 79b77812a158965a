"""Allocation inside a run: the campaign's seats and award quotas among the root's subordinates.

Compares what each unit was given with what it sent: delegates marked "Dự hội nghị cấp trên"
against its seats (ALLOCATION_EXCEEDED / ALLOCATION_UNFILLED), nominations of a form against its
quota of that form (QUOTA_EXCEEDED).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .allocate import AllocationError, allocate
from .findings import Finding, make_finding
from .registry import Registry
from .template import DELEGATES, NOMINATIONS

if TYPE_CHECKING:
    from .pipeline import Consolidation

SEATS = "Đại biểu dự hội nghị cấp trên"


def unit_weights(registry: Registry, parent: str, weight: str,
                 reported: dict[str, int] | None = None) -> dict[str, int]:
    """Weights of `parent`'s direct subordinates: registry members (or workers), else the figure
    the unit reported in its own Thông tin đơn vị sheet, else 0."""
    reported = reported or {}
    weights = {}
    for code in registry.units[parent].children:
        unit = registry.units[code]
        value = unit.workers if weight == "workers" else unit.members
        weights[code] = value if value is not None else reported.get(code, 0)
    return weights


def allocation_rows(c: Consolidation) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Rows of the Phân bổ sheet and the findings they produce."""
    plan = c.campaign.allocation
    if (plan.seats is None and not plan.quotas) or not c.registry.roots:
        return [], []
    root = c.registry.roots[0]
    column = "workers" if plan.weight == "workers" else "members"
    reported = {str(r["unit_code"]): int(r[column]) for r in c.info.to_dict("records")
                if not pd.isna(r.get(column))}
    weights = unit_weights(c.registry, root, plan.weight, reported)
    if not weights:
        return [], []
    submitted = {r.unit for r in c.files if r.status == "accepted" and r.role == "submission"}
    delegates = c.accepted("delegates")
    sent_seats = delegates[delegates["to_upper"].fillna(False).astype(bool)]["_unit"] \
        .value_counts().to_dict()
    nominations = c.accepted("nominations")
    rows: list[dict[str, Any]] = []
    findings: list[Finding] = []
    targets = ([(SEATS, plan.seats, plan.reserved)] if plan.seats is not None else []) + \
        [(form, quota, 0) for form, quota in plan.quotas.items()]
    for what, total, reserved in targets:
        try:
            shares = allocate(weights, total, plan.method, plan.minimum, reserved)
        except AllocationError as exc:
            findings.append(make_finding(
                "ALLOCATION_EXCEEDED" if what == SEATS else "QUOTA_EXCEEDED",
                f"Không phân bổ được «{what}»: {exc}", c.campaign.severities))
            continue
        if what == SEATS:
            sent = sent_seats
        else:
            sent = nominations[nominations["award"] == what]["_unit"].value_counts().to_dict()
        for share in shares:
            count = int(sent.get(share.unit, 0))
            rows.append({"what": what, **share.to_dict(), "sent": count,
                         "name": c.registry.units[share.unit].name})
            if share.unit in submitted:
                findings += _compare(c, what, share.unit, share.seats, count)
    return rows, findings


def _compare(c: Consolidation, what: str, unit: str, given: int, sent: int) -> list[Finding]:
    name = c.registry.units[unit].name
    source = c.campaign.allocation.source or c.campaign.document
    if what == SEATS:
        if sent > given:
            code, text = "ALLOCATION_EXCEEDED", "vượt"
        elif sent < given:
            code, text = "ALLOCATION_UNFILLED", "chưa đủ"
        else:
            return []
        return [make_finding(
            code,
            f"{name} cử {sent} đại biểu dự hội nghị cấp trên, {text} chỉ tiêu được phân bổ "
            f"{given} (theo {source}).",
            c.campaign.severities, unit=unit, sheet=DELEGATES.title,
            column=DELEGATES.column("to_upper").header, value=sent)]
    if sent > given:
        return [make_finding(
            "QUOTA_EXCEEDED",
            f"{name} đề nghị {sent} «{what}», vượt chỉ tiêu khen thưởng được phân bổ {given} "
            f"(theo {source}).",
            c.campaign.severities, unit=unit, sheet=NOMINATIONS.title,
            column=NOMINATIONS.column("award").header, value=sent)]
    return []
