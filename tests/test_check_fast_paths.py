"""The consolidation's whole-column shortcuts give what the plain row-by-row definitions give.

Each test keeps the straightforward version (the code the shortcut replaced) as a reference
and compares on inputs chosen to hit every branch."""

from __future__ import annotations

import pandas as pd

from excel_pipeline.check.submissions import row_status
from excel_pipeline.model import ACCEPTED, REJECTED, SUPERSEDED, FileRecord
from excel_pipeline.template import FILE_ID, REASON, STATUS, UNIT


def _row_status_reference(frame: pd.DataFrame, files: list[FileRecord],
                          failed: dict[int, set[str]],
                          failure_messages: dict[int, list[str]]) -> pd.DataFrame:
    """`row_status` one row at a time, as it was first written."""
    by_id = {record.file_id: record for record in files}
    statuses, reasons, units = [], [], []
    for index, file_id in zip(frame.index, frame[FILE_ID], strict=True):
        record = by_id[int(file_id)]
        units.append(record.unit)
        if record.status != ACCEPTED:
            statuses.append(REJECTED if record.status == REJECTED else SUPERSEDED)
            reasons.append(record.reason)
        elif index in failed:
            statuses.append(REJECTED)
            reasons.append(" ".join(failure_messages.get(index, [])) or "Dữ liệu không hợp lệ")
        else:
            statuses.append(ACCEPTED)
            reasons.append(None)
    result = frame.copy()
    result[UNIT] = pd.array(units, dtype="string")
    result[STATUS] = pd.array(statuses, dtype="string")
    result[REASON] = pd.array(reasons, dtype="string")
    return result


def test_row_status_matches_the_row_by_row_definition():
    files = [FileRecord(7, "a.xlsx", unit="C1"),
             FileRecord(2, "b.xlsx", unit="C2", status=REJECTED, reason="Mã sai"),
             FileRecord(5, "c.xlsx", unit="C3", status=SUPERSEDED, reason="Đã có tệp mới hơn"),
             FileRecord(9, "d.xlsx", unit=None)]
    ids = [7, 2, 7, 5, 9, 7, 2, 9, 5, 7]
    frame = pd.DataFrame({FILE_ID: pd.array(ids, dtype="Int64"),
                          UNIT: pd.array(["x"] * len(ids), dtype="string"),
                          "full_name": [f"Người {i}" for i in range(len(ids))]},
                         index=pd.Index([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]))
    # Failed rows of an accepted file (with and without messages), of a rejected file, of a
    # superseded one, and a label the frame does not hold.
    failed = {12: {"birth_year"}, 15: {"gender"}, 11: {"gender"}, 13: {"x"}, 99: {"x"}}
    messages = {12: ["Năm sinh sai.", "Giới tính trống."], 11: ["Bỏ qua"], 99: ["?"]}
    expected = _row_status_reference(frame, files, failed, messages)
    pd.testing.assert_frame_equal(row_status(frame, files, failed, messages), expected,
                                  check_exact=True)
    pd.testing.assert_frame_equal(row_status(frame, files, {}, {}),
                                  _row_status_reference(frame, files, {}, {}), check_exact=True)
    empty = frame.iloc[:0]
    pd.testing.assert_frame_equal(row_status(empty, files, failed, messages),
                                  _row_status_reference(empty, files, failed, messages),
                                  check_exact=True)
