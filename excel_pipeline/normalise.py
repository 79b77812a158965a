"""Turn raw cells into typed columns, one sheet type at a time, over all files at once.

Parsing happens here, before validation, so one unreadable date never hides the other errors of
its column: a cell that cannot be parsed becomes a missing value plus a `CellProblem`, and the
validator reports it as one SCHEMA finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .template import DTYPES, Column, SheetSpec, canonical_choice
from .textnorm import clean_text, parse_date, parse_flag, parse_number, parse_year

PROVENANCE = ["_file_id", "_file", "_sheet", "_row", "_unit"]
# Excel keeps at most this many characters in a cell; longer text could not be written back.
CELL_TEXT_LIMIT = 32_767


@dataclass(frozen=True)
class SourceRow:
    """One data row with where it came from."""

    file_id: int
    file: str
    sheet: str
    row: int
    values: dict[str, Any]
    unit: str | None = None


@dataclass(frozen=True)
class CellProblem:
    """A cell whose content could not be parsed into its column's type, or (`rejects` False)
    text cut to what an Excel cell can hold: reported, but the row is kept."""

    index: int
    column: str
    raw: Any
    reason: str
    rejects: bool = True



def _parser(column: Column) -> Callable[[Any], Any]:
    kind = column.kind
    if kind == "text":
        return clean_text
    if kind == "choice":
        return lambda value: (None if (text := clean_text(value)) is None
                              else canonical_choice(column, text))
    if kind == "int":
        return lambda value: parse_number(value, integer=True)
    if kind == "number":
        return parse_number
    if kind == "year":
        return parse_year
    if kind == "flag":
        return parse_flag
    if kind == "date":
        return parse_date
    raise ValueError(kind)


def build_frame(spec: SheetSpec, rows: Iterable[SourceRow]) -> tuple[pd.DataFrame,
                                                                      list[CellProblem]]:
    """A typed DataFrame (index 0..n-1) of all rows of one sheet type, and the unparseable cells."""
    rows = list(rows)
    problems: list[CellProblem] = []
    data: dict[str, Any] = {
        "_file_id": pd.array([r.file_id for r in rows], dtype="Int64"),
        "_file": pd.array([r.file for r in rows], dtype="string"),
        "_sheet": pd.array([r.sheet for r in rows], dtype="string"),
        "_row": pd.array([r.row for r in rows], dtype="Int64"),
        "_unit": pd.array([r.unit for r in rows], dtype="string"),
    }
    for column in spec.columns:
        parse = _parser(column)
        values: list[Any] = []
        for index, row in enumerate(rows):
            raw = row.values.get(column.key)
            try:
                value = parse(raw)
            except ValueError as exc:
                values.append(None)
                problems.append(CellProblem(index, column.key, clean_text(raw), str(exc)))
                continue
            if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
                problems.append(CellProblem(
                    index, column.key, value[:60] + "…",
                    f"dài {len(value)} ký tự, quá giới hạn {CELL_TEXT_LIMIT} ký tự của một ô "
                    "Excel; chỉ giữ phần đầu", rejects=False))
                value = value[:CELL_TEXT_LIMIT]
            values.append(value)
        data[column.key] = _typed(values, DTYPES[column.kind])
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    return frame, problems


def optional_text(value: object) -> str | None:
    """A provenance or code cell as text: None for any kind of missing value or blank text."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    text = str(value).strip()
    return text or None


def _typed(values: list[Any], dtype: str) -> Any:
    if dtype == "datetime64[ns]":
        return pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce").array \
            if values else pd.array([], dtype="datetime64[ns]")
    if dtype == "boolean":
        return pd.array([bool(v) if v is not None else None for v in values], dtype="boolean")
    return pd.array(values, dtype=dtype)
