"""The floor: python-calamine reads every sheet of every input, xlsxwriter writes the same
output rows with write_row; nothing else. The output rows are given as a pickle made by the
runner from the real output, and loading it is not timed: this prints its own seconds.

    python benchmarks/floor.py INBOX ROWS.pickle OUT.xlsx
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import python_calamine
import xlsxwriter


def main() -> None:
    inbox, rows_file, target = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with rows_file.open("rb") as handle:
        sheets: dict[str, list[list[object]]] = pickle.load(handle)
    start = time.perf_counter()
    for path in sorted(inbox.rglob("*.xlsx")):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()
    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False,
                                             "strings_to_numbers": False,
                                             "strings_to_urls": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    book.close()
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
