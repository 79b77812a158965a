"""What a first version would do: pandas.read_excel with openpyxl per sheet, pandera per file,
DataFrame.to_excel with openpyxl. Same inputs, same kind of output; no rules, no accounting.

    python benchmarks/naive.py INBOX OUT.xlsx
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

SHEETS = {"Đại biểu": 2, "Đề nghị khen thưởng": 2, "Kết quả thi đua": 2}  # header row index
SCHEMAS = {
    "Đại biểu": pa.DataFrameSchema({
        "Họ và tên": pa.Column(str, nullable=False),
        "Năm sinh": pa.Column(float, pa.Check.in_range(1940, 2010), nullable=True, coerce=True),
        "Giới tính": pa.Column(str, pa.Check.isin(["Nam", "Nữ"]), nullable=True),
    }),
    "Đề nghị khen thưởng": pa.DataFrameSchema({"Hình thức khen thưởng": pa.Column(str)}),
    "Kết quả thi đua": pa.DataFrameSchema({"Giá trị": pa.Column(float, coerce=True,
                                                                 nullable=True)}),
}


def main() -> None:
    inbox, target = Path(sys.argv[1]), Path(sys.argv[2])
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in SHEETS}
    for path in sorted(inbox.glob("U*.xlsx")):
        info = pd.read_excel(path, sheet_name="Thông tin đơn vị", header=None, engine="openpyxl")
        code = info.iloc[2, 1]
        for name, header in SHEETS.items():
            frame = pd.read_excel(path, sheet_name=name, header=header, engine="openpyxl")
            with contextlib.suppress(pa.errors.SchemaErrors):
                SCHEMAS[name].validate(frame, lazy=True)
            frames[name].append(frame.assign(**{"Mã đơn vị": code, "Tệp": path.name}))
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, parts in frames.items():
            pd.concat(parts, ignore_index=True).to_excel(writer, sheet_name=name, index=False)


if __name__ == "__main__":
    main()
