"""The consolidating unit's own submission to the level above: `gui-cap-tren.xlsx`.

Written in the unit template (docs/domain.md, The template contract) by the same writer the
reader is tested against, so a district's output is accepted by the province like any unit's
file, and a province's by the confederation. It carries the root's identity and totals, this
level's own delegation to the next level's conference, the nominations for awards decided above
this level, and the indicators.

Two lists of delegates, not to be confused: the people the units flag «Dự hội nghị cấp trên» go
to THIS level's conference (the level above the units: `conference_delegates`); this level's
delegation to the NEXT level is another, smaller list, chosen at this level's conference (an item
of its agenda): the root's own workbook in the inbox (a submission whose unit code is the
registry root's), or nobody yet, which gui-cap-tren.xlsx, the documents and the screen say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from ..model import Consolidation, OutputKind
from ..template import DELEGATES, NOMINATIONS, UNIT
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
    note = delegation_note(c)
    if note:
        title += f" – {note}."
    return UpwardJob(out_dir / UPWARD_NAME, info, rows, title)


def write_upward(path: Path, info: dict[str, Any], rows: dict[str, list[dict[str, Any]]],
                 title: str) -> Path:
    """Write an `upward_job` into `path`, a staged temporary name (`Staging.reserve`) that the
    run puts in place with its other outputs; streamed, as a province's holds tens of
    thousands of rows."""
    return write_submission(path, info, rows, title, streamed=True, mark=OutputKind.UPWARD,
                            atomic=False)


def _root(c: Consolidation) -> str | None:
    """The consolidating root: the registry's root when it has units under it."""
    roots = c.registry.roots
    return roots[0] if roots and c.registry.units[roots[0]].children else None


def conference_delegates(c: Consolidation) -> pd.DataFrame:
    """The accepted delegates the units marked «Dự hội nghị cấp trên», in tree order: the
    people of THIS level's conference (the level above the units), not the root's own."""
    frame = c.accepted("delegates")
    flagged = frame["to_upper"].fillna(False).astype(bool)
    return tree_order(c, frame[flagged & (frame[UNIT] != _root(c))])


def upward_delegates(c: Consolidation) -> pd.DataFrame:
    """This level's delegation to the next level's conference: the delegates of the root's own
    workbook in the inbox, in its order; empty until that list is chosen and sent in. The
    people of gui-cap-tren.xlsx and of the upward list among the Word documents."""
    frame = c.accepted("delegates")
    root = _root(c)
    return frame[frame[UNIT] == root] if root is not None else frame.iloc[0:0]


def delegation_note(c: Consolidation) -> str | None:
    """What gui-cap-tren.xlsx, the documents and the screen say when this level's delegation to
    the next level is not chosen yet, or is not of the size the next level allocated (None
    when all is well, or the campaign has no conference)."""
    root = _root(c)
    if c.campaign.kind != "conference" or root is None:
        return None
    unit = c.registry.units[root]
    seats, chosen = unit.level.delegation_seats, len(upward_delegates(c))
    if chosen:
        if seats is None or chosen == seats:
            return None
        return (f"Đoàn đại biểu {unit.name} đi dự hội nghị cấp trên có {chosen} người, cấp trên "
                f"phân bổ {seats}")
    allotted = f" (cấp trên phân bổ {seats} đại biểu)" if seats is not None else ""
    return (f"Đoàn đại biểu {unit.name} đi dự hội nghị cấp trên{allotted} chưa được "
            f"chọn (thông qua tại hội nghị của cấp này): gui-cap-tren.xlsx chưa có đại biểu. "
            f"Khi đã có danh sách, ghi vào tệp theo mẫu với Mã đơn vị {root}, để vào thư mục hồ "
            f"sơ và chạy lại")


def considered_nominations(c: Consolidation) -> pd.DataFrame:
    """The accepted nominations not marked «không xét» (late dossiers under some campaigns)."""
    return c.considered("nominations")


def decided_here(c: Consolidation) -> pd.DataFrame:
    """Considered nominations for the forms this level decides itself: not those forwarded,
    nor those a lower level or a body outside the issuer decides (`Campaign.decided_by`),
    which never enter this level's decision or its certificates."""
    frame = considered_nominations(c)
    return tree_order(c, frame[frame["award"].isin(c.campaign.forms_decided("here"))])


def forwarded_nominations(c: Consolidation) -> pd.DataFrame:
    """The considered nominations for the forms decided above this level, in tree order: those
    of gui-cap-tren.xlsx and of the proposal's annex among the Word documents."""
    frame = considered_nominations(c)
    return tree_order(c, frame[frame["award"].isin(c.campaign.forwarded_awards)])


def _delegates(c: Consolidation) -> list[dict[str, Any]]:
    """`upward_delegates` as rows, every one marked «Dự hội nghị cấp trên» (it is the list of
    those going up); their presidium seat, if any, was at this level's conference: cleared."""
    frame = upward_delegates(c)
    rows = _records(frame, [key for key in DELEGATES.keys if key != "stt"])
    for number, row in enumerate(rows, start=1):
        row["stt"] = number
        row["presidium"] = False
        row["to_upper"] = True
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
