"""Property: random cell contents, in real workbooks, through the whole pipeline.

Any Unicode, numbers, dates, formulas and blanks go into real .xlsx files written by openpyxl;
`run()` reads, validates, merges, checks, writes the workbook and the JSON. It must never
crash, never change an input, and its accounting must balance: every row the reader finds is
accepted, rejected or superseded, exactly once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from excel_pipeline.campaign import load_campaign
from excel_pipeline.ingest.read import UnreadableWorkbook, read_workbook
from excel_pipeline.pipeline import RunOptions, run
from excel_pipeline.template import DELEGATES, INDICATORS, NOMINATIONS

CAMPAIGN = load_campaign("bau-bang-2025")
# Each example writes and merges real workbooks; raise this for a longer hunt (300 pass).
EXAMPLES = int(os.environ.get("DHTT_PROPERTY_EXAMPLES", "25"))
SHEETS = {"delegates": DELEGATES, "nominations": NOMINATIONS, "indicators": INDICATORS}

text = st.text(max_size=24).map(lambda value: ILLEGAL_CHARACTERS_RE.sub("", value))
cell = st.one_of(
    st.none(), text, st.integers(-10**6, 10**6), st.floats(-1e9, 1e9, allow_nan=False),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.booleans(),
    st.sampled_from(["=1+1", "=A1&\"x\"", "+84912", "-5", "@tên", "x", "Nữ", "Khách mời",
                     "Điển hình tiên tiến", "Cá nhân", "Giấy khen", "   ",
                     "ngày 5 tháng 3 năm 2025", "Ho\u0300a", "NguyÔn"]),
)


@st.composite
def unit_workbook(draw: st.DrawFn) -> dict:
    code = draw(st.one_of(st.sampled_from(["C1", "C2", "C3"]), text, st.none()))
    form = [("Mã đơn vị", code), ("Cấp đơn vị", draw(cell)), ("Số đoàn viên", draw(cell)),
            ("Ngày tổ chức hội nghị", draw(cell)), ("Ngày gửi báo cáo", draw(cell))]
    tables = {}
    for key in draw(st.lists(st.sampled_from(sorted(SHEETS)), max_size=3, unique=True)):
        width = len(SHEETS[key].columns)
        tables[key] = draw(st.lists(st.lists(cell, min_size=width, max_size=width),
                                    max_size=5))
    return {"form": form, "tables": tables, "with_form": draw(st.booleans()) or bool(code)}


def write(path: Path, book_data: dict) -> None:
    book = openpyxl.Workbook()
    info = book.active
    info.title = "Thông tin đơn vị"
    if book_data["with_form"]:
        for label, value in book_data["form"]:
            info.append([label, value])
    for key, rows in book_data["tables"].items():
        sheet = book.create_sheet(SHEETS[key].title)
        sheet.append([col.header for col in SHEETS[key].columns])
        for row in rows:
            sheet.append(row)
    book.save(path)


@pytest.mark.slow  # a long property run
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(unit_workbook(), min_size=1, max_size=3))
def test_random_workbooks_never_crash_and_always_balance(books):
    with tempfile.TemporaryDirectory() as folder:
        inbox, out = Path(folder) / "inbox", Path(folder) / "out"
        inbox.mkdir()
        expected = dict.fromkeys(SHEETS, 0)
        for number, book_data in enumerate(books):
            path = inbox / f"f{number}.xlsx"
            write(path, book_data)
            try:
                content = read_workbook(path.read_bytes())
            except UnreadableWorkbook:
                continue
            for table in content.tables:
                if table.spec.key in expected:
                    expected[table.spec.key] += table.size
        before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}

        result = run(RunOptions(inbox, CAMPAIGN, out, as_of=dt.date(2025, 3, 31)))

        assert result.exit_code in (0, 1)
        after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
        assert after == before
        report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
        assert {f["path"]: f["sha256"] for f in report["files"]} == before
        for key, count in expected.items():
            rows = report["rows"][key]
            assert rows["read"] == count
            assert rows["read"] == rows["accepted"] + rows["rejected"] + rows["superseded"]
        written = openpyxl.load_workbook(out / "tong-hop.xlsx")
        assert not [c.coordinate for s in written for r in s.iter_rows() for c in r
                    if c.data_type == "f"]
