"""The unit registry (Danh mục đơn vị) and the tree it describes.

The tree comes from the registry when one is given or found in the inbox, else it is inferred from
the submissions' own Thông tin đơn vị sheets; in that case no unit can be "missing". Levels are the
campaign's: a unit's level is named by its Cấp value, or taken from its depth in the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .campaign import Campaign, Level
from .normalise import optional_text as _text


@dataclass
class Unit:
    """A node of the unit tree."""

    code: str
    name: str
    parent: str | None
    level: Level
    depth: int
    members: int | None = None
    workers: int | None = None
    block: str | None = None
    children: list[str] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)  # registry columns beyond the template


@dataclass
class Registry:
    """Units by code, in tree order (parents before children, siblings by code)."""

    units: dict[str, Unit]
    order: list[str]
    inferred: bool
    source: str | None = None

    @property
    def roots(self) -> list[str]:
        return [code for code in self.order if self.units[code].parent is None]

    def descendants(self, code: str) -> list[str]:
        """The unit itself and every unit below it, in tree order."""
        result = [code]
        for child in self.units[code].children:
            result.extend(self.descendants(child))
        return result

    def frame(self) -> pd.DataFrame:
        """One row per unit, in tree order (for writers and rules)."""
        return pd.DataFrame(
            [{"unit": u.code, "name": u.name, "parent": u.parent, "level": u.level.id,
              "level_name": u.level.name, "depth": u.depth, "members": u.members,
              "block": u.block} for u in (self.units[c] for c in self.order)],
            columns=["unit", "name", "parent", "level", "level_name", "depth", "members", "block"],
        )


def build_registry(rows: pd.DataFrame, campaign: Campaign, inferred: bool,
                   source: str | None = None) -> Registry:
    """Build the tree from rows with unit_code, unit_name, level, parent_code, members, block
    (and `_extra`, the registry's own additional columns, usable as allocation weights).

    Parents that are named but not listed become units of their own (the consolidating office is
    often absent from its own registry); a parent chain that loops is cut where it loops.
    """
    records: dict[str, dict[str, object]] = {}
    for row in rows.to_dict("records"):
        code = _text(row.get("unit_code"))
        if code and code not in records:
            records[code] = row
    for row in list(records.values()):
        parent = _text(row.get("parent_code"))
        if parent and parent not in records:
            records[parent] = {"unit_code": parent, "unit_name": parent}
    parents: dict[str, str | None] = {}
    for code, row in records.items():
        parent = _text(row.get("parent_code"))
        parents[code] = parent if parent and parent != code else None
    for code in records:  # cut loops: walk up, and detach the unit that closes a cycle
        seen = {code}
        current = parents[code]
        while current is not None:
            if current in seen:
                parents[code] = None
                break
            seen.add(current)
            current = parents[current]

    children: dict[str | None, list[str]] = {}
    for code in sorted(records):
        children.setdefault(parents[code], []).append(code)
    units: dict[str, Unit] = {}
    order: list[str] = []

    def visit(code: str, depth: int) -> None:
        row = records[code]
        units[code] = Unit(
            code=code,
            name=_text(row.get("unit_name")) or code,
            parent=parents[code],
            level=campaign.level_for(_text(row.get("level")), depth),
            depth=depth,
            members=_int(row.get("members")),
            workers=_int(row.get("workers")),
            block=_text(row.get("block")),
            children=list(children.get(code, [])),
            extra=dict(row.get("_extra") or {}),
        )
        order.append(code)
        for child in children.get(code, []):
            visit(child, depth + 1)

    for root in children.get(None, []):
        visit(root, 0)
    return Registry(units=units, order=order, inferred=inferred, source=source)


def _int(value: object) -> int | None:
    if value is None or value is pd.NA:
        return None
    try:
        return None if pd.isna(value) else int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
