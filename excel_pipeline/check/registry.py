"""The unit registry (Danh mục đơn vị) and the tree it describes.

The tree comes from the registry when one is given or found in the inbox, else it is inferred from
the submissions' own Thông tin đơn vị sheets; in that case no unit can be "missing". Levels are the
campaign's: a unit's level is named by its Cấp value, or taken from its depth in the tree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..campaign import Campaign
from ..errors import RegistryError
from ..findings import Finding
from ..ingest.frames import SourceRow, build_frame
from ..ingest.frames import optional_text as _text
from ..ingest.inbox import read_registry_file
from ..model import ReadFile, Registry, Unit
from ..template import REGISTRY
from .validate import validate_frame


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
        extra = row.get("_extra")  # the columns beyond the template, when the sheet has any
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
            extra=dict(extra) if isinstance(extra, dict) else {},
            # An inferred tree is built from the files' own info rows: no address to trust there.
            email=None if inferred else _text(row.get("email")),
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
        # Any cell value is tried: what int() refuses is caught below.
        return None if pd.isna(value) else int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def load_registry(path: Path, campaign: Campaign) -> Registry:
    """The unit tree of a registry workbook alone (for `dhtt-merge allocate`)."""
    rows, findings = registry_rows([read_registry_file(path)], campaign, dt.date.today())
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        first = errors[0]
        raise RegistryError(f"Danh mục {path} có {len(errors)} ô không hợp lệ, ví dụ dòng "
                            f"{first.row}: {first.message}")
    return build_registry(rows, campaign, inferred=False, source=str(path))


def registry_rows(sources: list[ReadFile], campaign: Campaign,
                  as_of: dt.date) -> tuple[pd.DataFrame, list[Finding]]:
    """The validated rows of the registry tables in `sources`, and the findings of the others."""
    rows = [
        SourceRow(item.record.file_id, item.record.relpath, table.sheet, excel_row, values)
        for item in sources for table in item.tables if table.spec is REGISTRY
        for excel_row, values in table.records()
    ]
    frame, problems = build_frame(REGISTRY, rows)
    validation = validate_frame("registry", frame, problems, campaign.severities,
                                this_year=as_of.year)
    frame["_extra"] = pd.Series([row.values.get("_extra") for row in rows], index=frame.index,
                                dtype="object")
    # A mistyped Email costs the address (its SCHEMA finding says so), not the unit: a unit
    # dropped from the registry would have its submission refused as unknown.
    dropped = []
    for index, columns in validation.failed.items():
        if columns <= {"email"}:
            frame.at[index, "email"] = pd.NA
        else:
            dropped.append(index)
    valid = frame.drop(index=dropped)
    return valid, validation.findings

