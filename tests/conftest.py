"""Shared fixtures: workbooks are built in tmp_path with the package's own submission writer."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from excel_pipeline.campaign import Campaign, load_campaign
from excel_pipeline.write.submission import write_registry, write_submission

HERE = Path(__file__).parent
REPO = HERE.parent


def pytest_configure(config: pytest.Config) -> None:
    """The suite keeps to its own folders: the read cache's signing key (kept in the user's
    cache folder, `ingest.signing`) goes to a temporary one, for the tests and the commands
    they start."""
    import tempfile

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="dhtt-tests-cache-")


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


def charts_on(path: Path, sheet_title: str) -> int:
    """How many charts the sheet `sheet_title` of the xlsx at `path` draws (read from the
    package's parts: the sheet, its drawing, the drawing's charts)."""
    import posixpath
    import re
    import zipfile

    def target(archive: zipfile.ZipFile, part: str, rel_id: str) -> str | None:
        folder, name = posixpath.split(part)
        rels = f"{folder}/_rels/{name}.rels"
        if rels not in archive.namelist():
            return None
        for match in re.finditer(rb'<Relationship ([^>]*)/>', archive.read(rels)):
            attributes = dict(re.findall(rb'(\w+)="([^"]*)"', match.group(1)))
            if attributes.get(b"Id") == rel_id.encode():
                return posixpath.normpath(posixpath.join(folder, attributes[b"Target"].decode()))
        return None

    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        sheet = re.search(rf'<sheet name="{re.escape(sheet_title)}" sheetId="\d+" '
                          r'r:id="(rId\d+)"', workbook)
        assert sheet, sheet_title
        sheet_part = target(archive, "xl/workbook.xml", sheet.group(1))
        drawing = re.search(r'<drawing r:id="(rId\d+)"', archive.read(sheet_part).decode())
        if drawing is None:
            return 0
        drawing_part = target(archive, sheet_part, drawing.group(1))
        return archive.read(drawing_part).count(b"<c:chart ")
