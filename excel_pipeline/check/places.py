"""Where a count rule points: the row a unit should start correcting from."""

from __future__ import annotations

from typing import Any

from ..template import FILE, ROW, SHEET


def locate(rows: Any, k: int, sheet: str, column: str) -> dict[str, Any]:
    """Where the k-th row (sheet order) of a DataFrame of source rows sits, as finding fields.

    Count rules point at the first row that breaks their limit, so a unit knows where to start
    correcting; with no row to name, the finding names the sheet and column only.
    """
    if not len(rows):
        return {"sheet": sheet, "column": column}
    row = rows.iloc[min(k, len(rows) - 1)]
    return {"file": str(row[FILE]), "sheet": str(row[SHEET]), "row": int(row[ROW]),
            "column": column}
