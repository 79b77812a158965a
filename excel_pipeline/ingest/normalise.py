"""Turn raw cells into typed values, one table's columns at a time, where the file is read.

Parsing happens here, before validation, so one unreadable date never hides the other errors of
its column: a cell that cannot be parsed becomes a missing value plus a `CellProblem`, and the
validator reports it as one SCHEMA finding. The values stay plain Python lists; `frames` stacks
each sheet type's tables of all files into one typed frame, in the command's own process. This
module imports no pandas: the read workers, forked before the command loads it, parse without
it (`ingest.inbox`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..model import CellProblem, ParsedRows
from ..template import Column, SheetSpec, canonical_choice
from ..textnorm import clean_name, clean_text, parse_date, parse_flag, parse_number, parse_year

# Excel keeps at most this many characters in a cell; longer text could not be written back.
CELL_TEXT_LIMIT = 32_767

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
