"""Turn raw cells into typed columns, one sheet type at a time, over all files at once.

Parsing happens here, before validation, so one unreadable date never hides the other errors of
its column: a cell that cannot be parsed becomes a missing value plus a `CellProblem`, and the
validator reports it as one SCHEMA finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from ..model import CellProblem, ParsedRows
from ..template import DTYPES, FILE, FILE_ID, ROW, SHEET, UNIT, Column, SheetSpec, canonical_choice
from ..textnorm import clean_name, clean_text, parse_date, parse_flag, parse_number, parse_year

PROVENANCE = [FILE_ID, FILE, SHEET, ROW, UNIT]
# One column's values: a list, or the object array `stack` joins text and flags into.
Values = Sequence[Any] | np.ndarray
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


# Columns holding a person's or a unit's name, cleaned of the punctuation lists leave at ends.
NAME_COLUMNS = frozenset({"full_name", "name", "unit_name"})


def _parser(column: Column) -> Callable[[Any], Any]:
    kind = column.kind
    if kind == "text":
        return clean_name if column.key in NAME_COLUMNS else clean_text
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


def parse_rows(spec: SheetSpec, rows: Sequence[dict[str, Any]]) -> ParsedRows:
    """Parse every column of `rows` (cell values keyed by column key) into its type's values."""
    keys = spec.keys
    return parse_cells(spec, {key: [row.get(key) for row in rows] for key in keys}, len(rows))


def parse_cells(spec: SheetSpec, cells: Mapping[str, Sequence[Any]], size: int) -> ParsedRows:
    """Parse every column of a table (`cells`: each column's `size` raw cells by column key,
    a column the table lacks being blank) into its type's values.

    A column's cells repeat (genders, ticks, choices, the unit's name), so each distinct raw
    value is parsed once per column (`parse_column`)."""
    problems: list[CellProblem] = []
    columns: dict[str, list[Any]] = {}
    for column in spec.columns:
        raws = cells.get(column.key)
        columns[column.key] = parse_column(column, [None] * size if raws is None else raws,
                                           problems)
    return ParsedRows(spec, columns, size, problems)


def parse_column(column: Column, raws: Sequence[Any],
                 problems: list[CellProblem]) -> list[Any]:
    """A column's typed values, its cells' problems appended to `problems` in row order.

    Equal raw values of the same type parse alike, so the column's distinct values are found
    and parsed once each, and the values and problems mapped back to the rows by C-level
    dictionary look-ups: a column of 150 cells holds a few dozen distinct ones at most. Values
    of different types may be equal and parse apart (1, 1.0 and True; 1 is «1» in a text
    column, True a tick), so a column holding more than one type besides blank cells is keyed
    by (type, value); nearly every column holds one, and is keyed by its cells themselves (no
    None equals a value of another type). A column holding a type not known to parse alike
    when equal is parsed cell by cell (`_parse_each`)."""
    types = set(map(type, raws))
    if not _MEMO_TYPES.issuperset(types):
        return _parse_each(column, raws, problems)
    parse = _parser(column)
    keys: Sequence[Any]
    if len(types - _NONE) <= 1:
        keys = raws
        parsed = {raw: _parse_cell(column, parse, raw) for raw in dict.fromkeys(raws)}
    else:
        keys = list(zip(map(type, raws), raws, strict=True))
        parsed = {key: _parse_cell(column, parse, key[1]) for key in dict.fromkeys(keys)}
    failed = {key: problem for key, (_, problem) in parsed.items() if problem is not None}
    if failed:
        problems += [replace(failed[key], index=index)
                     for index, key in enumerate(keys) if key in failed]
    values = {key: value for key, (value, _) in parsed.items()}
    return list(map(values.__getitem__, keys))


def _parse_each(column: Column, raws: Sequence[Any],
                problems: list[CellProblem]) -> list[Any]:
    """A column's typed values parsed cell by cell, remembering those of the types that are
    known to parse alike when equal (`_MEMO_TYPES`)."""
    parse = _parser(column)
    seen: dict[tuple[type, Any], tuple[Any, CellProblem | None]] = {}
    values: list[Any] = []
    for index, raw in enumerate(raws):
        key = (raw.__class__, raw) if raw.__class__ in _MEMO_TYPES else None
        memo = seen.get(key) if key is not None else None
        if memo is None:
            memo = _parse_cell(column, parse, raw)
            if key is not None:
                seen[key] = memo
        value, problem = memo
        if problem is not None:
            problems.append(replace(problem, index=index))
        values.append(value)
    return values


def typed_frame(parsed: ParsedRows) -> pd.DataFrame:
    """One parsed table's typed frame (index 0..n-1)."""
    return _typed_frame(parsed.spec, parsed.columns, parsed.size)


def _typed_frame(spec: SheetSpec, columns: Mapping[str, Values], size: int) -> pd.DataFrame:
    return pd.DataFrame({column.key: _typed(columns[column.key], DTYPES[column.kind])
                         for column in spec.columns}, index=pd.RangeIndex(size))


# Raw cell types whose equal values parse equally (so a parse may be remembered).
_MEMO_TYPES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, dt.time})
_NONE = frozenset({type(None)})


def _parse_cell(column: Column, parse: Callable[[Any], Any],
                raw: Any) -> tuple[Any, CellProblem | None]:
    """A cell's typed value, and its problem (index 0, set by the caller) if it has one."""
    try:
        value = parse(raw)
    except ValueError as exc:
        return None, CellProblem(0, column.key, clean_text(raw), str(exc))
    if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
        return value[:CELL_TEXT_LIMIT], CellProblem(
            0, column.key, value[:60] + "…",
            f"dài {len(value)} ký tự, quá giới hạn {CELL_TEXT_LIMIT} ký tự của một ô "
            "Excel; chỉ giữ phần đầu", rejects=False)
    return value, None


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
