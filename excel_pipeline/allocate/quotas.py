"""Allocation inside a run: the campaign's seats and award quotas among subordinate units.

Seats: each unit whose level sets `conference_seats` shares them among its direct subordinates
(the root may instead take them from `[allocation].seats`); award quotas are the root's.
Compares what each unit was given with what it sent: delegates marked "Dự hội nghị cấp trên"
against its seats (ALLOCATION_EXCEEDED / ALLOCATION_UNFILLED), nominations of a form against its
quota of that form (QUOTA_EXCEEDED).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..campaign import Campaign
from ..check.places import locate
from ..findings import FINDING_TYPES, Finding
from ..model import ACCEPTED, Consolidation, FileRole, Registry
from ..template import DELEGATES, FILE, NOMINATIONS, REGISTRY, ROW, SHEET, UNIT, SheetSpec
from ..textnorm import fold, parse_number
from .methods import AllocationError, Share, allocate

SEATS = "Đại biểu dự hội nghị cấp trên"
BUILT_IN_WEIGHTS = ("members", "workers")


def weight_column(registry: Registry, name: str) -> str:
    """The weight a user named: `members`, `workers` or their template headers (any case, with or
    without diacritics), or one of the registry's own extra columns by its header."""
    key = fold(name)
    for column in REGISTRY.columns:
        if column.key in BUILT_IN_WEIGHTS and key in {column.key, *column.header_keys()}:
            return column.key
    extras = {fold(header): header for unit in registry.units.values() for header in unit.extra}
    if key in extras:
        return extras[key]
    known = ", ".join(["members (Số đoàn viên)", "workers (Số CNVCLĐ)", *sorted(set(
        extras.values()))])
    raise AllocationError(f"Danh mục đơn vị không có cột trọng số «{name}». Dùng một trong: "
                          f"{known}.")


def unit_weights(registry: Registry, parent: str, weight: str,
                 reported: Mapping[str, Mapping[str, int]] | None = None) -> dict[str, int]:
    """Weights of `parent`'s direct subordinates, from the registry column `weight`; a unit the
    registry gives no figure takes the one it reported in its own Thông tin đơn vị sheet
    (members and workers only), else 0."""
    column = weight_column(registry, weight)
    reported = reported or {}
    weights = {}
    for code in registry.units[parent].children:
        unit = registry.units[code]
        if column in BUILT_IN_WEIGHTS:
            value = unit.workers if column == "workers" else unit.members
        else:
            value = _whole_number(unit.extra.get(column), code, column)
        weights[code] = value if value is not None else reported.get(code, {}).get(column, 0)
    return weights


def _whole_number(raw: object, code: str, column: str) -> int | None:
    try:
        value = parse_number(raw, integer=True)
    except ValueError as exc:
        raise AllocationError(f"Trọng số «{column}» của đơn vị {code} không dùng được: {exc}.") \
            from exc
    return None if value is None else int(value)


def allocate_registry(registry: Registry, seats: int, method: str = "hamilton",
                      minimum: int = 1, reserved: int = 0, weight: str = "members",
                      parent: str | None = None) -> tuple[str, list[Share]]:
    """`dhtt-merge allocate`: share seats among the direct subordinates of `parent` (default: the
    registry's root)."""
    parent = parent or (registry.roots[0] if registry.roots else None)
    if parent is None or parent not in registry.units:
        raise AllocationError(f"Không có đơn vị «{parent}» trong danh mục.")
    return parent, allocate(unit_weights(registry, parent, weight), seats, method, minimum,
                            reserved)


def _targets(campaign: Campaign, registry: Registry) -> list[tuple[str, str, int, int]]:
    """(sharing unit, what, total, reserved) for every allocation the campaign names: the
    conference seats of each unit whose level sets them (the root also from [allocation].seats),
    and the root's award quotas per form."""
    plan = campaign.allocation
    targets: list[tuple[str, str, int, int]] = []
    root = registry.roots[0]
    for code in registry.order:
        unit = registry.units[code]
        if not unit.children:
            continue
        if unit.level.conference_seats is not None:
            targets.append((code, SEATS, unit.level.conference_seats,
                            unit.level.conference_reserved))
        elif code == root and plan.seats is not None:
            targets.append((code, SEATS, plan.seats, plan.reserved))
    targets += [(root, form, quota, 0) for form, quota in plan.quotas.items()]
    return targets


def planned_shares(campaign: Campaign, registry: Registry) -> dict[tuple[str, str], int]:
    """(what, unit) -> seats or quota the campaign gives each unit of a registry, before anything
    is submitted (for the units' pre-filled templates); an impossible allocation gives nothing."""
    result: dict[tuple[str, str], int] = {}
    if not registry.roots:
        return result
    plan = campaign.allocation
    for parent, what, total, reserved in _targets(campaign, registry):
        try:
            shares = allocate(unit_weights(registry, parent, plan.weight), total, plan.method,
                              plan.minimum, reserved)
        except AllocationError:
            continue
        result.update({(what, share.unit): share.seats for share in shares})
    return result


def allocation_rows(c: Consolidation) -> tuple[list[dict[str, Any]], list[Finding]]:
    """Rows of the Phân bổ sheet and the findings they produce."""
    plan = c.campaign.allocation
    targets = _targets(c.campaign, c.registry) if c.registry.roots else []
    if not targets:
        return [], []
    reported = {str(r["unit_code"]): {key: int(r[key]) for key in BUILT_IN_WEIGHTS
                                      if not pd.isna(r.get(key))}
                for r in c.info.to_dict("records")}
    submitted = {r.unit for r in c.files if r.status == ACCEPTED and r.role == FileRole.SUBMISSION}
    # Only what a finding names of a row (`_at`): masking and grouping every column copied
    # each considered delegate's every cell twice, for the four a finding reads.
    places = [UNIT, FILE, SHEET, ROW]
    delegates = c.considered_in_order("delegates")
    to_upper = delegates["to_upper"].fillna(False).astype(bool)
    delegates = delegates[places]
    nominations = c.considered_in_order("nominations")
    awards, nominations = nominations["award"], nominations[places]
    rows: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for parent, what, total, reserved in targets:
        try:
            weights = unit_weights(c.registry, parent, plan.weight, reported)
            shares = allocate(weights, total, plan.method, plan.minimum, reserved)
        except AllocationError as exc:
            kind = FINDING_TYPES["ALLOCATION_EXCEEDED" if what == SEATS else "QUOTA_EXCEEDED"]
            findings.append(kind.at(c.campaign.severities, {"unit": parent},
                                    variant="impossible", what=what,
                                    parent=c.registry.units[parent].name, reason=exc))
            continue
        if what == SEATS:
            sent, spare = delegates[to_upper], delegates[~to_upper]
        else:
            sent, spare = nominations[awards == what], nominations.iloc[:0]
        sent_by_unit = {str(code): group for code, group in sent.groupby(UNIT, sort=False)}
        spare_by_unit = {str(code): group for code, group in spare.groupby(UNIT, sort=False)}
        empty = sent.iloc[:0]
        for share in shares:
            unit_sent = sent_by_unit.get(share.unit, empty)
            rows.append({"what": what, "parent": parent, **share.to_dict(),
                         "sent": len(unit_sent), "name": c.registry.units[share.unit].name})
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
            code, at = "ALLOCATION_EXCEEDED", _at(sent, given, DELEGATES)
        elif count < given:
            code, at = "ALLOCATION_UNFILLED", _at(spare, 0, DELEGATES)
        else:
            return []
        return [FINDING_TYPES[code].at(c.campaign.severities, {"unit": unit, **at, "value": count},
                                       name=name, count=count, given=given, source=source)]
    if count > given:
        return [FINDING_TYPES["QUOTA_EXCEEDED"].at(
            c.campaign.severities,
            {"unit": unit, **_at(sent, given, NOMINATIONS), "value": count},
            name=name, count=count, form=what, given=given, source=source)]
    return []


def _at(rows: pd.DataFrame, k: int, spec: SheetSpec) -> dict[str, Any]:
    return locate(rows, k, spec.title,
                  spec.column("to_upper" if spec is DELEGATES else "award").header)
