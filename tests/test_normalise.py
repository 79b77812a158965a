"""Parsing per file and stacking must give exactly what parsing all rows at once gives."""

import datetime as dt
from dataclasses import replace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from excel_pipeline.ingest.frames import (
    SourceRow,
    TablePiece,
    build_frame,
    stack,
    typed_frame,
)
from excel_pipeline.ingest.normalise import parse_rows
from excel_pipeline.template import BY_KEY

DELEGATES = BY_KEY["delegates"]

FILE_A = [
    {"full_name": "  Nguyễn  Văn An ", "gender": "NỮ", "birth_year": "1980", "leader": "x",
     "delegate_type": "dien hinh tien tien"},
    {"full_name": "Lê Thị Bình", "gender": "Nữ", "birth_year": 1980.0, "leader": True,
     "delegate_type": "Khách mời"},
    {"full_name": "Trần Cường", "gender": "?", "birth_year": "năm tám mươi", "leader": "có"},
]
FILE_B = [
    {"full_name": "Phạm Dũng", "gender": "Nam", "birth_year": dt.datetime(1979, 5, 1),
     "leader": 1, "delegate_type": "Khách mời"},
    {"full_name": "Hồ Em", "gender": "nam", "birth_year": 1, "leader": "?"},
]


def test_stacked_pieces_equal_one_frame_of_all_rows():
    rows = [SourceRow(1, "a.xlsx", "Đại biểu", 5 + n, values, "A") for n, values in
            enumerate(FILE_A)]
    rows += [SourceRow(2, "b.xlsx", "DB", 9 + n, values, None) for n, values in enumerate(FILE_B)]
    whole, whole_problems = build_frame(DELEGATES, rows)
    pieces = [TablePiece(parse_rows(DELEGATES, FILE_A), 1, "a.xlsx", "Đại biểu", [5, 6, 7], "A"),
              TablePiece(parse_rows(DELEGATES, FILE_B), 2, "b.xlsx", "DB", [9, 10], None)]
    stacked, stacked_problems = stack(DELEGATES, pieces)
    pd.testing.assert_frame_equal(stacked, whole)
    assert stacked_problems == whole_problems
    # the problems of the second file point at its rows in the stacked frame
    assert {(p.index, p.column) for p in stacked_problems} >= {(2, "birth_year"), (4, "leader")}
    assert list(stacked["_row"]) == [5, 6, 7, 9, 10]


def test_a_remembered_parse_never_mixes_equal_values_of_other_types():
    # True == 1 in Python: a memo keyed by value alone would take the tick for the year 1
    parsed = parse_rows(DELEGATES, [{"birth_year": 1}, {"birth_year": True},
                                    {"birth_year": 1}])
    assert [p.index for p in parsed.problems] == [1]
    assert list(typed_frame(parsed)["birth_year"].astype(object)) == [1, pd.NA, 1]
    flags = parse_rows(DELEGATES, [{"leader": "x"}, {"leader": "?"}, {"leader": "?"}])
    assert [p.index for p in flags.problems if p.column == "leader"] == [1, 2]


def test_no_pieces_give_an_empty_frame_with_the_template_columns():
    frame, problems = stack(DELEGATES, [])
    assert len(frame) == 0 and problems == []
    assert list(frame.columns) == list(build_frame(DELEGATES, [])[0].columns)


def _parse_by_definition(spec, rows):
    """parse_rows by its definition: each cell parsed on its own, problems in column then row
    order."""
    from excel_pipeline.ingest.normalise import _parse_cell, _parser

    columns, problems = {}, []
    for column in spec.columns:
        parse, values = _parser(column), []
        for index, row in enumerate(rows):
            value, problem = _parse_cell(column, parse, row.get(column.key))
            if problem is not None:
                problems.append(replace(problem, index=index))
            values.append(value)
        columns[column.key] = values
    return columns, problems


_CELLS = st.sampled_from([None, "", " ", "x", "X", "?", "Nam", "nữ", "1985", "1.200", "2,5",
                          1, 1.0, True, False, 0, 0.0, -0.0, 1985.0, 2.5, float("nan"),
                          dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 10), dt.time(8, 30),
                          dt.timedelta(days=2), "05/03/2025", "ngày 5 tháng 3 năm 2025",
                          "Nguyễn Văn An.", "a" * 40_000])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={
    key: _CELLS for key in ("full_name", "birth_year", "gender", "leader", "party_member",
                            "delegate_type", "stt", "position")}), max_size=12))
def test_parsing_distinct_values_once_gives_what_parsing_each_cell_gives(rows):
    parsed = parse_rows(DELEGATES, rows)
    columns, problems = _parse_by_definition(DELEGATES, rows)
    assert parsed.problems == problems
    for key, values in columns.items():
        assert [(type(v), v) for v in parsed.columns[key]] == [(type(v), v) for v in values]
