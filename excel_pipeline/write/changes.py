"""What changed since the last run into the same output folder (`changes` in docs/domain.md,
The command and its outputs).

An officer runs the command again and again as units send and correct their files: what they
need is what is different. The previous run left `tong-hop.json` in the output folder; its
files, the units' standing and its findings are compared with this run's:

- files new, replaced (same name, other content) and removed;
- units whose standing changed (chưa gửi → đã gửi, tệp bị loại → đã gửi, …);
- per unit, findings resolved (in the last run, not in this one) and findings new.

Pure: the previous report is read by the caller (`pipeline.run`), this module only compares.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from ..findings import Finding
from ..model import ACCEPTED, REJECTED, Consolidation
from .report import plain

SENT, REFUSED, MISSING = "đã gửi", "tệp bị loại", "chưa gửi"


def unit_standing(units: Iterable[str], files: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each unit's standing from the files that speak for it: a file accepted, only files
    refused, or none."""
    standing = dict.fromkeys(units, MISSING)
    for entry in files:
        unit = entry.get("unit")
        if unit is None or entry.get("role") == "registry":
            continue
        if entry.get("status") == ACCEPTED:
            standing[unit] = SENT
        elif entry.get("status") == REJECTED and standing.get(unit) != SENT:
            standing[unit] = REFUSED
    return standing


# What makes two runs' findings the same finding (the message may say another date).
_SAME = ("code", "unit", "file", "sheet", "row", "column", "value")
_same = itemgetter(*_SAME)
_same_but_value = attrgetter(*_SAME[:-1])


def _finding_key(finding: dict[str, Any]) -> tuple[Any, ...]:
    """The last run's finding's key, as its report gives it (a key it lacks counts as None)."""
    try:
        key: tuple[Any, ...] = _same(finding)
    except KeyError:  # a report of another version
        key = tuple(finding.get(name) for name in _SAME)
    return key


def _keys_now(findings: Sequence[Finding]) -> list[tuple[Any, ...]]:
    """This run's findings' keys, as its report will give them: each value as the JSON gives
    it back (`report.plain`; a date as its ISO text), all values in one pass. Only the findings
    that differ from the last run's are made into dicts (45,000 of them took a second)."""
    values = plain([finding.value for finding in findings])
    return [(*_same_but_value(finding), value)
            for finding, value in zip(findings, values, strict=True)]


def facts(c: Consolidation) -> dict[str, Any]:
    """This run's side of the comparison but its findings (`_keys_now`), in the shape the JSON
    report gives the last run's."""
    files = [{"path": r.relpath, "sha256": r.sha256, "status": r.status, "unit": r.unit,
              "role": r.role} for r in c.files]
    return {"campaign": c.campaign.id, "as_of": c.as_of.isoformat(), "files": files,
            "units": list(c.registry.order)}


def previous_facts(report: dict[str, Any]) -> dict[str, Any]:
    """The last run's side, from its `tong-hop.json`."""
    return {"campaign": report.get("campaign"), "as_of": report.get("as_of"),
            "files": report.get("files", []), "units": list(report.get("units", {})),
            "findings": report.get("findings", [])}


def changes_since(previous: dict[str, Any] | None, c: Consolidation,
                  why_first: str | None = None) -> dict[str, Any]:
    """The JSON `changes` object: {"first_run": True, "reason"} when there is nothing to
    compare with, else the files, units and findings that differ. This run's side (`facts`)
    is made only when there is a previous run to compare it with."""
    if previous is None or previous.get("campaign") != c.campaign.id:
        reason = why_first or ("lần chạy trước là đợt thi đua khác" if previous is not None
                               else "chưa có kết quả lần chạy trước trong thư mục này")
        return {"first_run": True, "reason": reason}
    now = facts(c)
    before = {entry["path"]: entry.get("sha256") for entry in previous["files"]}
    after = {entry["path"]: entry.get("sha256") for entry in now["files"]}
    files = {"new": sorted(set(after) - set(before)),
             "replaced": sorted(path for path in set(after) & set(before)
                                if after[path] != before[path]),
             "removed": sorted(set(before) - set(after))}
    standing_before = unit_standing(previous["units"], previous["files"])
    standing_after = unit_standing(now["units"], now["files"])
    units = [{"unit": unit, "before": standing_before.get(unit, MISSING), "after": standing}
             for unit, standing in standing_after.items()
             if standing_before.get(unit, MISSING) != standing]
    old = {_finding_key(f): f for f in previous["findings"]}
    new = dict(zip(_keys_now(c.findings), c.findings, strict=True))
    per_unit: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"resolved": [], "new": []})
    # In each run's order (its findings sorted), so the lists read the same every time.
    for key, finding in old.items():
        if key not in new:
            per_unit[finding.get("unit") or ""]["resolved"].append(finding)
    added = plain([finding.to_dict() for key, finding in new.items() if key not in old])
    for finding in added:
        per_unit[finding.get("unit") or ""]["new"].append(finding)
    return {"first_run": False, "previous_as_of": previous.get("as_of"), "files": files,
            "units": units,
            "findings": {unit: lists for unit, lists in sorted(per_unit.items())}}


def change_lines(changes: dict[str, Any]) -> list[str]:
    """The block the terminal prints."""
    if changes.get("first_run"):
        return [f"Thay đổi: lần chạy đầu tiên ({changes['reason']})."]
    files = changes["files"]
    lines = [f"Thay đổi so với lần chạy trước: {len(files['new'])} tệp mới, "
             f"{len(files['replaced'])} tệp được thay, {len(files['removed'])} tệp không còn"]
    for unit in changes["units"]:
        lines.append(f"  {unit['unit']}: {unit['before']} → {unit['after']}")
    resolved = sum(len(lists["resolved"]) for lists in changes["findings"].values())
    added = sum(len(lists["new"]) for lists in changes["findings"].values())
    lines.append(f"  Phát hiện: {resolved} đã hết, {added} mới (xem trang «Thay đổi»)")
    return lines


def change_rows(changes: dict[str, Any]) -> list[list[Any]]:
    """The rows of the Thay đổi sheet: (kind, unit, what, finding code)."""
    if changes.get("first_run"):
        return [["Lần chạy đầu tiên", None, changes["reason"], None]]
    rows: list[list[Any]] = []
    for kind, label in (("new", "Tệp mới"), ("replaced", "Tệp được thay"),
                        ("removed", "Tệp không còn")):
        rows += [[label, None, path, None] for path in changes["files"][kind]]
    rows += [["Đơn vị đổi tình trạng", unit["unit"], f"{unit['before']} → {unit['after']}", None]
             for unit in changes["units"]]
    for unit, lists in changes["findings"].items():
        rows += [["Phát hiện đã hết", unit or None, f["message"], f["code"]]
                 for f in lists["resolved"]]
        rows += [["Phát hiện mới", unit or None, f["message"], f["code"]] for f in lists["new"]]
    return rows or [["Không có thay đổi", None, "Kết quả giống lần chạy trước.", None]]
