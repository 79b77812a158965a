"""Allocation inside a run: the campaign's seats and award quotas among the root's subordinates.

Compares what each unit was given with what it sent: delegates marked "Dự hội nghị cấp trên"
against its seats (ALLOCATION_EXCEEDED / ALLOCATION_UNFILLED), nominations of a form against its
quota of that form (QUOTA_EXCEEDED).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .allocate import AllocationError, allocate
from .findings import Finding, locate, make_finding
from .registry import Registry
from .template import DELEGATES, NOMINATIONS, SheetSpec

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
    delegates = c.accepted("delegates").sort_values(["_file_id", "_row"], kind="stable")
    to_upper = delegates["to_upper"].fillna(False).astype(bool)
    nominations = c.accepted("nominations").sort_values(["_file_id", "_row"], kind="stable")
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
            sent, spare = delegates[to_upper], delegates[~to_upper]
        else:
            sent, spare = nominations[nominations["award"] == what], nominations.iloc[:0]
        sent_by_unit = {str(code): group for code, group in sent.groupby("_unit", sort=False)}
        spare_by_unit = {str(code): group for code, group in spare.groupby("_unit", sort=False)}
        empty = sent.iloc[:0]
        for share in shares:
            unit_sent = sent_by_unit.get(share.unit, empty)
            rows.append({"what": what, **share.to_dict(), "sent": len(unit_sent),
                         "name": c.registry.units[share.unit].name})
            if share.unit in submitted:
                findings += _compare(c, what, share.unit, share.seats, unit_sent,
                                     spare_by_unit.get(share.unit, empty))
    return rows, findings


def _compare(c: Consolidation, what: str, unit: str, given: int, sent: pd.DataFrame,
             spare: pd.DataFrame) -> list[Finding]:
    """Findings of one unit's allocation: pointing at the first row past its seats or quota, or
    (seats left unfilled) at the first delegate who could still be marked."""
    name = c.registry.units[unit].name
    source = c.campaign.allocation.source or c.campaign.document
    count = len(sent)
    if what == SEATS:
        if count > given:
            code, text, at = "ALLOCATION_EXCEEDED", "vượt", _at(sent, given, DELEGATES)
        elif count < given:
            code, text, at = "ALLOCATION_UNFILLED", "chưa đủ", _at(spare, 0, DELEGATES)
        else:
            return []
        return [make_finding(
            code,
            f"{name} cử {count} đại biểu dự hội nghị cấp trên, {text} chỉ tiêu được phân bổ "
            f"{given} (theo {source}).",
            c.campaign.severities, unit=unit, **at, value=count)]
    if count > given:
        return [make_finding(
            "QUOTA_EXCEEDED",
            f"{name} đề nghị {count} «{what}», vượt chỉ tiêu khen thưởng được phân bổ {given} "
            f"(theo {source}).",
            c.campaign.severities, unit=unit, **_at(sent, given, NOMINATIONS), value=count)]
    return []


def _at(rows: pd.DataFrame, k: int, spec: SheetSpec) -> dict[str, Any]:
    return locate(rows, k, spec.title,
                  spec.column("to_upper" if spec is DELEGATES else "award").header)
