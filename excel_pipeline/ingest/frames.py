"""Typed frames of parsed columns: each sheet type's rows of all files, stacked once.

Parsing (`normalise`) gives each table's columns as plain lists, where the file is read (in the
read pool). Here, in the command's own process, the tables of a sheet type become one pandas
frame with its provenance columns, its columns typed once for all files: giving a column its
dtype costs about as much for 150 rows as for 150,000. Apart from `normalise` so that the read
workers, which parse, never import pandas (`ingest.inbox`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from ..model import CellProblem, ParsedRows
from ..template import DTYPES, FILE, FILE_ID, ROW, SHEET, UNIT, SheetSpec
from .normalise import parse_rows

PROVENANCE = [FILE_ID, FILE, SHEET, ROW, UNIT]
# One column's values: a list, or the object array `stack` joins text and flags into.
Values = Sequence[Any] | np.ndarray


@dataclass(frozen=True)
class SourceRow:
    """One data row with where it came from."""

    file_id: int
    file: str
    sheet: str
    row: int
    values: dict[str, Any]
    unit: str | None = None


def typed_frame(parsed: ParsedRows) -> pd.DataFrame:
    """One parsed table's typed frame (index 0..n-1)."""
    return _typed_frame(parsed.spec, parsed.columns, parsed.size)


def _typed_frame(spec: SheetSpec, columns: Mapping[str, Values], size: int) -> pd.DataFrame:
    return pd.DataFrame({column.key: _typed(columns[column.key], DTYPES[column.kind])
                         for column in spec.columns}, index=pd.RangeIndex(size))


def _provenance(file_ids: Any, files: Any, sheets: Any, rows: Any, units: Any) -> pd.DataFrame:
    """The provenance columns, typed in one place so every frame of a sheet type stacks alike."""
    return pd.DataFrame({
        FILE_ID: pd.array(file_ids, dtype="Int64"),
        FILE: pd.array(files, dtype="string"),
        SHEET: pd.array(sheets, dtype="string"),
        ROW: pd.array(rows, dtype="Int64"),
        UNIT: pd.array(units, dtype="string"),
    }, index=pd.RangeIndex(len(rows)))


def build_frame(spec: SheetSpec, rows: Iterable[SourceRow]) -> tuple[pd.DataFrame,
                                                                      list[CellProblem]]:
    """A typed DataFrame (index 0..n-1) of all rows of one sheet type, and the unparseable cells."""
    rows = list(rows)
    parsed = parse_rows(spec, [row.values for row in rows])
    provenance = _provenance([r.file_id for r in rows], [r.file for r in rows],
                             [r.sheet for r in rows], [r.row for r in rows],
                             [r.unit for r in rows])
    return pd.concat([provenance, typed_frame(parsed)], axis=1), parsed.problems


@dataclass(frozen=True)
class TablePiece:
    """One file's parsed table and where it came from, ready to be stacked with the others."""

    parsed: ParsedRows
    file_id: int
    file: str
    sheet: str
    excel_rows: Sequence[int]
    unit: str | None


def stack(spec: SheetSpec, pieces: Sequence[TablePiece]) -> tuple[pd.DataFrame,
                                                                  list[CellProblem]]:
    """Join per-file parsed tables into the frame `build_frame` would have built from all rows:
    provenance columns first, frame index 0..n-1, problems re-indexed to their stacked row.

    A province stacks a thousand files' tables: each column is joined in one pass (`chain`),
    and the provenance, one value per file, is typed once per file and repeated by position
    instead of typed again on each of its rows."""
    sizes = [len(piece.parsed) for piece in pieces]
    owner = np.repeat(np.arange(len(pieces)), sizes)  # each stacked row's piece

    def repeated(values: list[Any], dtype: str) -> Any:
        """One value per piece, typed, repeated for each of its rows."""
        return pd.array(values, dtype=dtype).take(owner)

    provenance = _provenance(repeated([p.file_id for p in pieces], "Int64"),
                             repeated([p.file for p in pieces], "string"),
                             repeated([p.sheet for p in pieces], "string"),
                             list(chain.from_iterable(p.excel_rows for p in pieces)),
                             repeated([p.unit for p in pieces], "string"))
    size = sum(sizes)
    typed = _typed_frame(spec, {column.key: _joined([piece.parsed.columns[column.key]
                                                     for piece in pieces],
                                                    DTYPES[column.kind], size)
                                for column in spec.columns}, size)
    problems: list[CellProblem] = []
    offset = 0
    for piece, size in zip(pieces, sizes, strict=True):
        problems += [replace(problem, index=problem.index + offset)
                     for problem in piece.parsed.problems]
        offset += size
    return pd.concat([provenance, typed], axis=1), problems


def _joined(parts: list[list[Any]], dtype: str, size: int) -> Values:
    """The pieces' values of one column, end to end: straight into the object array that
    `_typed` makes of text and flags anyway, a list for the other types."""
    values = chain.from_iterable(parts)
    if dtype in _FROM_OBJECTS:
        return np.fromiter(values, dtype=object, count=size)
    return list(values)


def optional_text(value: object) -> str | None:
    """A provenance or code cell as text: None for any kind of missing value or blank text."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    text = str(value).strip()
    return text or None


# Column types `_typed` builds from an object array (given one, it is used as it is).
_FROM_OBJECTS = frozenset({"string", "boolean"})


def _typed(values: Values, dtype: str) -> Any:
    if dtype == "datetime64[ns]":
        return pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce").array \
            if values else pd.array([], dtype="datetime64[ns]")
    if dtype == "boolean":
        return _flags(values)
    if dtype == "string":  # an object array of its own, so pandas need not copy it again
        return pd.array(_objects(values), dtype=dtype, copy=False)
    return pd.array(values, dtype=dtype)


def _objects(values: Values) -> np.ndarray:
    """The values as an object array of their own (the one `_joined` made, else a new one)."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    return np.fromiter(values, dtype=object, count=len(values))


def _flags(values: Values) -> pd.arrays.BooleanArray:
    """A boolean column: each value's truth (`bool`), missing where it is None; built from
    whole arrays, as a province's columns hold 150,000 ticks each."""
    objects = _objects(values)
    missing = np.asarray(objects == None, dtype=bool)  # noqa: E711 (element by element)
    return pd.arrays.BooleanArray(objects.astype(bool), missing)
