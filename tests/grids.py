"""Build recognised workbook content from plain dicts, without touching the disk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from excel_pipeline.campaign import Campaign
from excel_pipeline.ingest.read import recognise
from excel_pipeline.model import Consolidation, FileRecord, ReadFile
from excel_pipeline.pipeline import consolidate
from excel_pipeline.template import BY_KEY, INFO


def unit_file(file_id: int, info: dict[str, Any], **rows: list[dict[str, Any]]) -> ReadFile:
    sheets = [(INFO.title, [[col.header, info.get(col.key)] for col in INFO.columns])]
    for key, records in rows.items():
        spec = BY_KEY[key]
        header = [col.header for col in spec.columns]
        body = [[_cell(record.get(col.key)) for col in spec.columns] for record in records]
        sheets.append((spec.title, [header, *body]))
    content = recognise(sheets)
    return ReadFile(FileRecord(file_id, f"{info['unit_code']}-{file_id}.xlsx"), content.form,
                    content.tables)


def registry_file(units: list[dict[str, Any]]) -> ReadFile:
    spec = BY_KEY["registry"]
    header = [col.header for col in spec.columns]
    grid = [header, *([u.get(col.key) for col in spec.columns] for u in units)]
    content = recognise([(spec.title, grid)])
    return ReadFile(FileRecord(999, "danh-muc.xlsx"), content.form, content.tables)


def run(campaign: Campaign, files: list[ReadFile], as_of: dt.date = dt.date(2025, 3, 12),
        registry: list[dict[str, Any]] | None = None) -> Consolidation:
    items = list(files)
    if registry is not None:
        items.append(registry_file(registry))
    return consolidate(items, campaign, as_of)


def codes(c: Consolidation) -> list[str]:
    return sorted(f.code for f in c.findings)


def _cell(value: Any) -> Any:
    if value is True:
        return "x"
    if value is False:
        return None
    return value
