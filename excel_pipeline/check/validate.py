"""Run the sheet schemas and turn every failing cell into one SCHEMA finding.

Each sheet type is validated once over all files concatenated (lazily, so every failure is
collected); provenance columns map a failure back to its file, sheet and Excel row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pandera.pandas as pa

from ..findings import FINDING_TYPES, Finding, Severity
from ..ingest.frames import optional_text as _text
from ..model import CellProblem
from ..template import BY_KEY, FILE, ROW, SHEET, UNIT
from .schemas import BUILTIN_MESSAGES, schema_for

RowLookup = Callable[[int, str], int | None]
SCHEMA, TEXT_TRUNCATED = FINDING_TYPES["SCHEMA"], FINDING_TYPES["TEXT_TRUNCATED"]


@dataclass
class Validation:
    """The findings of one sheet type and the frame positions of the rows they reject."""

    findings: list[Finding] = field(default_factory=list)
    failed: dict[int, set[str]] = field(default_factory=dict)
    messages: dict[int, list[str]] = field(default_factory=dict)

    @property
    def rejected(self) -> set[int]:
        return set(self.failed)


def validate_frame(key: str, frame: pd.DataFrame, problems: list[CellProblem],
                   severities: dict[str, Severity] | None = None,
                   row_of: RowLookup | None = None, this_year: int | None = None) -> Validation:
    """Findings for parse problems and schema failures of one sheet type's concatenated frame."""
    spec = BY_KEY[key]
    result = Validation()

    provenance: dict[str, pd.Series] = {}  # its columns, taken out once (`frame.at` is slow)

    def at(index: int, column: str) -> Any:
        if column not in provenance:
            provenance[column] = frame[column]
        return provenance[column].at[index]

    def where(index: int, column_key: str) -> dict[str, object]:
        """The source cell of a frame row's column, as finding fields."""
        return {"unit": _text(at(index, UNIT)), "file": _text(at(index, FILE)),
                "sheet": _text(at(index, SHEET)),
                "row": row_of(index, column_key) if row_of else int(at(index, ROW)),
                "column": spec.column(column_key).header}

    def add(index: int, column_key: str, value: object, reason: str) -> None:
        if column_key in result.failed.get(index, set()):
            return
        result.failed.setdefault(index, set()).add(column_key)
        shown = "" if value is None else f" «{value}»"
        finding = SCHEMA.at(severities, {**where(index, column_key), "value": value},
                            header=spec.column(column_key).header, shown=shown, reason=reason)
        result.messages.setdefault(index, []).append(finding.message)
        result.findings.append(finding)

    for problem in problems:
        if problem.rejects:
            add(problem.index, problem.column, problem.raw, problem.reason)
        else:  # TEXT_TRUNCATED: the cell was cut to fit Excel, its row stays accepted
            result.findings.append(TEXT_TRUNCATED.at(
                severities, {**where(problem.index, problem.column), "value": problem.raw},
                header=spec.column(problem.column).header, reason=problem.reason))
    if len(frame):
        try:
            schema_for(key, this_year).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases
            cases = cases[cases["index"].notna() & cases["column"].isin(spec.keys)]
            for case in cases.itertuples(index=False):
                index = int(case.index)
                reason = BUILTIN_MESSAGES.get(str(case.check), str(case.check))
                value = None if pd.isna(case.failure_case) else _display(case.failure_case)
                add(index, str(case.column), value, reason)
    return result


def _display(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
