"""Pandera schemas of the template's sheets: declarations only, no running.

Each check carries its Vietnamese message as its `error`, so a failure case already says what the
officer must fix. Types are guaranteed by `normalise` (cells are parsed before validation); these
schemas judge presence, closed lists, ranges and uniqueness.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandera.pandas as pa

from ..template import ALL_SHEETS, BY_KEY, DTYPES, Column, SheetSpec

# Messages for pandera's built-in checks, which carry no `error` of ours.
BUILTIN_MESSAGES = {
    "not_nullable": "Ô bắt buộc, không được để trống",
    "field_uniqueness": "Giá trị bị trùng, mỗi dòng phải khác nhau",
    "column_in_dataframe": "Thiếu cột",
    "dtype": "Sai kiểu dữ liệu",
}

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _checks(column: Column, this_year: int) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if column.kind == "choice":
        allowed = ", ".join(column.choices)
        checks.append(pa.Check.isin(list(column.choices),
                                    error=f"Giá trị không thuộc danh sách cho phép: {allowed}"))
    if column.kind == "year":
        low = int(column.minimum or 1900)
        checks.append(pa.Check.in_range(low, this_year,
                                        error=f"Năm sinh phải từ {low} đến {this_year}"))
    elif column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum,
                                  error=f"Giá trị phải lớn hơn hoặc bằng {column.minimum:g}"))
    if column.maximum is not None and column.kind != "year":
        checks.append(pa.Check.le(column.maximum,
                                  error=f"Giá trị phải nhỏ hơn hoặc bằng {column.maximum:g}"))
    if column.key == "email":
        checks.append(pa.Check.str_matches(_EMAIL, error="Địa chỉ email không hợp lệ"))
    if column.kind == "date":
        checks.append(pa.Check.in_range(dt.datetime(2000, 1, 1), dt.datetime(2100, 12, 31),
                                        error="Ngày phải trong khoảng 2000–2100"))
    return checks


def _schema(spec: SheetSpec, this_year: int) -> pa.DataFrameSchema:
    columns = {
        column.key: pa.Column(
            DTYPES[column.kind],
            checks=_checks(column, this_year),
            nullable=not column.required,
            unique=spec.key == "registry" and column.key == "unit_code",
            title=column.header,
        )
        for column in spec.columns
    }
    return pa.DataFrameSchema(columns, name=spec.title, strict=False, coerce=False)


@cache
def schema_for(key: str, this_year: int | None = None) -> pa.DataFrameSchema:
    """The schema of one sheet type ("info", "delegates", …), built once per process."""
    return _schema(BY_KEY[key], this_year or dt.date.today().year)


SHEET_KEYS = tuple(spec.key for spec in ALL_SHEETS)
