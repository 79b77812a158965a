"""Shared fixtures: workbooks are built in tmp_path with the package's own submission writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from excel_pipeline.campaign import Campaign, load_campaign
from excel_pipeline.write.submission import write_registry, write_submission

HERE = Path(__file__).parent
REPO = HERE.parent


def delegate(name: str = "Nguyễn Văn An", **overrides: Any) -> dict[str, Any]:
    row = {"full_name": name, "birth_year": 1985, "gender": "Nam", "ethnicity": "Kinh",
           "position": "Công nhân", "delegate_type": "Điển hình tiên tiến",
           "direct_worker": True}
    row.update(overrides)
    return row


def info(code: str, **overrides: Any) -> dict[str, Any]:
    row = {"unit_code": code, "unit_name": f"CĐCS {code}", "level": "CĐCS",
           "parent_code": "ROOT", "members": 120, "conference_form": "Hội nghị toàn thể",
           "conference_date": dt.date(2025, 3, 5), "submitted_on": dt.date(2025, 3, 12)}
    row.update(overrides)
    return row


@pytest.fixture
def campaign() -> Campaign:
    return load_campaign("bau-bang-2025")


@pytest.fixture
def make_unit(tmp_path: Path) -> Callable[..., Path]:
    """Write one unit workbook into tmp_path/inbox and return its path."""

    def make(code: str, delegates: list[dict[str, Any]] | None = None, name: str | None = None,
             rows: dict[str, list[dict[str, Any]]] | None = None, **info_overrides: Any) -> Path:
        sheets = dict(rows or {})
        sheets.setdefault("delegates", delegates if delegates is not None else [delegate()])
        return write_submission(tmp_path / "inbox" / (name or f"{code}.xlsx"),
                                info(code, **info_overrides), sheets, title=f"Đơn vị {code}")

    return make


@pytest.fixture
def make_registry(tmp_path: Path) -> Callable[..., Path]:
    def make(codes: list[str], folder: str = "inbox", **extra: Any) -> Path:
        units = [{"unit_code": "ROOT", "unit_name": "LĐLĐ huyện thử", "level": "LĐLĐ huyện"}]
        units += [{"unit_code": code, "unit_name": f"CĐCS {code}", "level": "CĐCS",
                   "parent_code": "ROOT", "members": 100 + i, **extra}
                  for i, code in enumerate(codes)]
        return write_registry(tmp_path / folder / "danh-muc.xlsx", units)

    return make
