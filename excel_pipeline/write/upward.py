"""The consolidating unit's own submission to the level above: `gui-cap-tren.xlsx`.

Written in the unit template (docs/domain.md, The template contract) by the same writer the
reader is tested against, so a district's output is accepted by the province like any unit's
file, and a province's by the confederation. It carries the root's identity and totals, the
delegates its units chose for the upper conference, the nominations for awards decided above
this level, and the indicators summed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ..model import Consolidation, OutputKind
from ..template import DELEGATES, NOMINATIONS
from .submission import write_submission
from .summary import indicator_catalogue, indicator_rows, summary_rows, tree_order

UPWARD_NAME = "gui-cap-tren.xlsx"


def upward_submission(c: Consolidation) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(Thông tin đơn vị values, rows per sheet key) of the root's submission. Pure."""
    root = c.registry.roots[0]
    unit = c.registry.units[root]
    totals = next(row for row in summary_rows(c) if row["unit"] == root and row["kind"] != "unit"
                  ) if unit.children else {"members": unit.members}
    workers = sum(u.workers or 0 for u in c.registry.units.values())
    info = {"unit_code": root, "unit_name": unit.name, "level": unit.level.name,
            "parent_code": unit.parent, "members": unit.members or totals["members"] or None,
            "workers": unit.workers or workers or None, "submitted_on": c.as_of}
    return info, {"delegates": _delegates(c), "nominations": _nominations(c),
                  "indicators": _indicators(c, root)}


class UpwardJob(NamedTuple):
    """Where gui-cap-tren.xlsx goes and the plain values `write_upward` writes into it (plain,
    so the write can run in another process)."""

    path: Path
    info: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    title: str

    @property
    def arguments(self) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], str]:
        return self.info, self.rows, self.title


def upward_job(c: Consolidation, out_dir: Path) -> UpwardJob | None:
    """The arguments of `write_upward` that write gui-cap-tren.xlsx into `out_dir` (plain
    values, so the write can run in another process); None when the run has no unit tree."""
    if not c.registry.roots:
        return None
    info, rows = upward_submission(c)
    title = f"{info['unit_name']} gửi cấp trên – {c.campaign.name}"
    return UpwardJob(out_dir / UPWARD_NAME, info, rows, title)


def write_upward(path: Path, info: dict[str, Any], rows: dict[str, list[dict[str, Any]]],
                 title: str) -> Path:
    """Write an `upward_job` into `path`, a staged temporary name (`Staging.reserve`) that the
    run puts in place with its other outputs; streamed, as a province's holds tens of
    thousands of rows."""
    return write_submission(path, info, rows, title, streamed=True, mark=OutputKind.UPWARD,
                            atomic=False)


def upward_delegates(c: Consolidation) -> pd.DataFrame:
    """The accepted delegates marked "Dự hội nghị cấp trên", in tree order: the people of
    gui-cap-tren.xlsx and of the upward list among the Word documents."""
    frame = c.accepted("delegates")
    return tree_order(c, frame[frame["to_upper"].fillna(False).astype(bool)])


def considered_nominations(c: Consolidation) -> pd.DataFrame:
    """The accepted nominations not marked «không xét» (late dossiers under some campaigns)."""
    return c.considered("nominations")


def forwarded_nominations(c: Consolidation) -> pd.DataFrame:
    """The considered nominations for the forms decided above this level, in tree order: those
    of gui-cap-tren.xlsx and of the proposal's annex among the Word documents."""
    frame = considered_nominations(c)
    return tree_order(c, frame[frame["award"].isin(c.campaign.forwarded_awards)])


def _delegates(c: Consolidation) -> list[dict[str, Any]]:
    """`upward_delegates` as rows. Their presidium seat was at the lower conference, so it is
    cleared; the sending unit is kept in Ghi chú when that is blank."""
    frame = upward_delegates(c)
    rows = _records(frame, [key for key in DELEGATES.keys if key != "stt"])
    for number, (row, unit) in enumerate(zip(rows, frame["_unit"].tolist(), strict=True),
                                         start=1):
        row["stt"] = number
        row["presidium"] = False
        row["note"] = row["note"] or f"Đơn vị cử: {unit}"
    return rows


def _nominations(c: Consolidation) -> list[dict[str, Any]]:
    """`forwarded_nominations` as rows."""
    rows = _records(forwarded_nominations(c), [key for key in NOMINATIONS.keys if key != "stt"])
    for number, row in enumerate(rows, start=1):
        row["stt"] = number
    return rows


def _records(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """The frame's rows as dicts of plain values, made from whole columns (`to_dict` boxes
    value by value: a province forwards tens of thousands of rows)."""
    columns = [[_plain(value) for value in frame[key].tolist()] for key in keys]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _indicators(c: Consolidation, root: str) -> list[dict[str, Any]]:
    """The root's subtree total of each indicator, catalogue order first."""
    rows = [row for row in indicator_rows(c) if row["unit"] == root]
    # The subtree total when the root has subordinates, else the root's own figures.
    totals = next((row["values"] for row in rows if row["kind"] == "total"),
                  rows[0]["values"] if rows else {})
    names = indicator_catalogue(c)
    ordered = [code for code in names if code in totals]
    return [{"code": code, "name": names[code][0], "measure": names[code][1],
             "value": _number(totals[code])} for code in ordered]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _plain(value: Any) -> Any:
    """A frame value as the writer takes it: missing values as None, timestamps as dates."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    return value
