"""Validation on DataFrames: one SCHEMA finding per failing cell, nothing hidden, nothing lost."""

from excel_pipeline.check.validate import validate_frame
from excel_pipeline.ingest.frames import SourceRow, build_frame
from excel_pipeline.template import DELEGATES


def rows(*records):
    return [SourceRow(0, "a.xlsx", "Đại biểu", 5 + i, values, "C01")
            for i, values in enumerate(records)]


GOOD = {"full_name": "An", "gender": "Nam", "delegate_type": "Khách mời", "birth_year": 1980}


def test_valid_rows_pass_and_choices_are_canonicalised():
    frame, problems = build_frame(DELEGATES, rows(
        {**GOOD, "gender": "NỮ", "delegate_type": "dien hinh tien tien", "leader": "x"}))
    result = validate_frame("delegates", frame, problems, this_year=2025)
    assert result.findings == []
    assert frame.at[0, "gender"] == "Nữ"
    assert frame.at[0, "delegate_type"] == "Điển hình tiên tiến"
    assert bool(frame.at[0, "leader"]) is True


def test_one_finding_per_failing_cell_with_provenance():
    frame, problems = build_frame(DELEGATES, rows(
        GOOD,
        {**GOOD, "birth_year": "năm tám lăm", "gender": "Nam giới"},
        {**GOOD, "full_name": None, "leader": "có thể"},
        {**GOOD, "birth_year": 1850},
    ))
    result = validate_frame("delegates", frame, problems, this_year=2025)
    cells = sorted((f.row, f.column) for f in result.findings)
    assert cells == [(6, "Giới tính"), (6, "Năm sinh"), (7, "Họ và tên"),
                     (7, "Lãnh đạo, quản lý"), (8, "Năm sinh")]
    assert all(f.code == "SCHEMA" and f.severity == "error" for f in result.findings)
    assert all(f.file == "a.xlsx" and f.unit == "C01" for f in result.findings)
    assert result.rejected == {1, 2, 3}
    year = next(f for f in result.findings if f.row == 8)
    assert year.value == 1850 and "1900" in year.message


def test_bad_year_does_not_hide_other_errors_of_the_column():
    frame, problems = build_frame(DELEGATES, rows(
        {**GOOD, "birth_year": "abc"}, {**GOOD, "birth_year": 3000}))
    result = validate_frame("delegates", frame, problems, this_year=2025)
    assert sorted(f.row for f in result.findings) == [5, 6]


def test_severity_follows_campaign():
    frame, problems = build_frame(DELEGATES, rows({**GOOD, "gender": "?"}))
    result = validate_frame("delegates", frame, problems, {"SCHEMA": "warning"}, this_year=2025)
    assert [f.severity for f in result.findings] == ["warning"]
