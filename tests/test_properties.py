"""Property: over random inboxes, every row read ends in exactly one place."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excel_pipeline.campaign import load_campaign
from excel_pipeline.ingest.read import UnreadableWorkbook, recognise
from excel_pipeline.model import ACCEPTED, FileRecord, ReadFile
from excel_pipeline.pipeline import consolidate
from excel_pipeline.template import DELEGATES, INDICATORS, NOMINATIONS, REGISTRATIONS

CAMPAIGN = load_campaign("bau-bang-2025")
cell = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-5, 3000), st.floats(allow_nan=True),
    st.sampled_from(["x", "Nam", "Nữ", "Khách mời", "Điển hình tiên tiến", "=1+1", "Cá nhân",
                     "Giấy khen", "05/03/2025", "ngày 5 tháng 3 năm 2025", "  "]),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
)
SPECS = [DELEGATES, NOMINATIONS, INDICATORS, REGISTRATIONS]


@st.composite
def workbook(draw):
    sheets = []
    code = draw(st.one_of(st.none(), st.sampled_from(["C1", "C2", "C3", "", "=C1"]),
                          st.text(string.ascii_uppercase, max_size=3)))
    if draw(st.booleans()):
        sheets.append(("Thông tin đơn vị", [["Mã đơn vị", code],
                                             ["Ngày gửi báo cáo", draw(cell)],
                                             ["Số đoàn viên", draw(cell)]]))
    for spec in draw(st.lists(st.sampled_from(SPECS), max_size=3, unique=True)):
        header = [col.header for col in spec.columns]
        rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)),
                             max_size=6))
        sheets.append((spec.title, [header, *rows]))
    return sheets


@pytest.mark.slow  # a long property run
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(workbook(), min_size=1, max_size=5))
def test_accounting_balances_for_every_sheet(workbooks):
    read_files = []
    expected = dict.fromkeys((spec.key for spec in SPECS), 0)
    for file_id, sheets in enumerate(workbooks):
        record = FileRecord(file_id, f"f{file_id}.xlsx")
        try:
            content = recognise(sheets)
        except UnreadableWorkbook as exc:
            record.reject(str(exc))
            read_files.append(ReadFile(record))
            continue
        read_files.append(ReadFile(record, content.form, content.tables))
        for table in content.tables:
            if table.spec.key in expected:
                expected[table.spec.key] += table.size
    c = consolidate(read_files, CAMPAIGN, dt.date(2025, 3, 31))
    for key, frame in c.sheets.items():
        statuses = frame["_status"].value_counts().to_dict()
        assert set(statuses) <= {"accepted", "rejected", "superseded"}
        assert len(frame) == expected[key]  # no row lost, none invented
        assert sum(statuses.values()) == len(frame)
    accepted_units = {r.unit for r in c.files if r.status == ACCEPTED and r.role == "submission"}
    assert len(accepted_units) == sum(1 for r in c.files
                                      if r.status == ACCEPTED and r.role == "submission")
