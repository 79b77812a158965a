"""The figures of the Tổng hợp and Kết quả thi đua sheets, rolled up from leaves to the root.

Pure functions over the consolidation: one row per unit in tree order, and after each unit that
has subordinates a subtotal row over its whole subtree (the root's subtotal is the grand total).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from .merge import ACCEPTED
from .textnorm import fold

if TYPE_CHECKING:
    from .pipeline import Consolidation

COUNT_KEYS = ("members", "delegates", "exemplary", "guests", "women", "minority", "direct",
              "nominations", "errors", "warnings")
SHARES = {"exemplary_share": "exemplary", "women_share": "women", "minority_share": "minority",
          "direct_share": "direct"}


def unit_figures(c: Consolidation) -> dict[str, dict[str, Any]]:
    """Each unit's own figures (not its subtree's), from accepted rows only."""
    figures: dict[str, dict[str, Any]] = {code: dict.fromkeys(COUNT_KEYS, 0)
                                          for code in c.registry.order}
    for code, unit in c.registry.units.items():
        figures[code]["members"] = unit.members or 0
    for row in c.info.to_dict("records"):
        code = str(row["unit_code"])
        if code in figures and not pd.isna(row["members"]):
            figures[code]["members"] = int(row["members"])
    delegates = c.accepted("delegates")
    for code, group in delegates.groupby("_unit"):
        if code not in figures:
            continue
        fig = figures[str(code)]
        fig["delegates"] = len(group)
        fig["exemplary"] = int((group["delegate_type"] == "Điển hình tiên tiến").sum())
        fig["guests"] = int((group["delegate_type"] == "Khách mời").sum())
        fig["women"] = int((group["gender"] == "Nữ").sum())
        fig["minority"] = int(group["ethnicity"].map(is_minority, na_action="ignore")
                              .fillna(False).astype(bool).sum())
        fig["direct"] = int(group["direct_worker"].fillna(False).sum())
    for code, count in c.accepted("nominations")["_unit"].value_counts().items():
        if code in figures:
            figures[str(code)]["nominations"] = int(count)
    severity_counts = Counter((f.unit, f.severity) for f in c.findings)
    for code, fig in figures.items():
        fig["errors"] = severity_counts[(code, "error")]
        fig["warnings"] = severity_counts[(code, "warning")]
    return figures


def is_minority(ethnicity: str | None) -> bool:
    """An ethnic-minority delegate: any stated ethnicity other than Kinh."""
    key = fold(ethnicity)
    return bool(key) and key != "kinh"


def summary_rows(c: Consolidation) -> list[dict[str, Any]]:
    """Rows of the Tổng hợp sheet: units in tree order, each parent followed by its subtotal."""
    figures = unit_figures(c)
    statuses = unit_statuses(c)
    rows: list[dict[str, Any]] = []

    def visit(code: str) -> dict[str, Any]:
        unit = c.registry.units[code]
        own = figures[code]
        rows.append(_with_shares({"kind": "unit", "unit": code, "name": unit.name,
                                  "level": unit.level.name, "depth": unit.depth,
                                  "status": statuses[code], **own}))
        total = dict(own)
        if unit.children:
            for child in unit.children:
                child_total = visit(child)
                for key in COUNT_KEYS:
                    total[key] += child_total[key]
            label = "TỔNG CỘNG" if unit.parent is None else "Cộng"
            rows.append(_with_shares({"kind": "total" if unit.parent is None else "subtotal",
                                      "unit": code, "name": f"{label}: {unit.name}",
                                      "level": unit.level.name, "depth": unit.depth,
                                      "status": "", **total}))
        return total

    for root in c.registry.roots:
        visit(root)
    return rows


def unit_statuses(c: Consolidation) -> dict[str, str]:
    """Submission status of each unit, in Vietnamese."""
    files_by_unit: dict[str, list[str]] = {}
    for record in c.files:
        if record.unit and record.role == "submission":
            files_by_unit.setdefault(record.unit, []).append(record.status)
    statuses: dict[str, str] = {}
    for code, unit in c.registry.units.items():
        sent = files_by_unit.get(code, [])
        if ACCEPTED in sent:
            statuses[code] = "Đã gửi" + (" (có bản thay thế)" if len(sent) > 1 else "")
        elif sent:
            statuses[code] = "Tệp bị loại"
        elif unit.parent is None:
            statuses[code] = "Đơn vị tổng hợp"
        elif not unit.level.submits:
            statuses[code] = "Không phải gửi"
        else:
            statuses[code] = "Chưa gửi"
    return statuses


def _with_shares(row: dict[str, Any]) -> dict[str, Any]:
    total = row["delegates"]
    for share, key in SHARES.items():
        row[share] = (row[key] / total) if total else None
    return row


def indicator_columns(c: Consolidation) -> list[tuple[str, str]]:
    """(code, header) of the Kết quả thi đua columns: the catalogue first, then others reported."""
    catalogue = {ind.code: f"{ind.name} ({ind.measure})" if ind.measure else ind.name
                 for ind in c.campaign.indicators}
    reported = c.accepted("indicators")
    for row in reported.drop_duplicates("code").to_dict("records"):
        code = str(row["code"])
        if code not in catalogue:
            name = row["name"] if not pd.isna(row["name"]) else code
            measure = row["measure"] if not pd.isna(row["measure"]) else ""
            catalogue[code] = f"{name} ({measure})" if measure else str(name)
    return list(catalogue.items())


def indicator_rows(c: Consolidation) -> list[dict[str, Any]]:
    """Units × indicators, summed, in tree order with subtotals like the Tổng hợp sheet."""
    reported = c.accepted("indicators")
    own: dict[str, Counter[str]] = {code: Counter() for code in c.registry.order}
    sums = reported.groupby(["_unit", "code"], dropna=True)["value"].sum()
    for (unit, code), value in sums.items():
        if unit in own and not pd.isna(value):
            own[str(unit)][str(code)] += float(value)
    rows: list[dict[str, Any]] = []

    def visit(code: str) -> Counter[str]:
        unit = c.registry.units[code]
        rows.append({"kind": "unit", "unit": code, "name": unit.name, "depth": unit.depth,
                     "values": dict(own[code])})
        total: Counter[str] = Counter(own[code])
        if unit.children:
            for child in unit.children:
                total.update(visit(child))
            label = "TỔNG CỘNG" if unit.parent is None else "Cộng"
            rows.append({"kind": "total" if unit.parent is None else "subtotal", "unit": code,
                         "name": f"{label}: {unit.name}", "depth": unit.depth,
                         "values": dict(total)})
        return total

    for root in c.registry.roots:
        visit(root)
    return rows
