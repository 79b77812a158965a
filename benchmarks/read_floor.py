"""The read floor: python-calamine reads every sheet of every input workbook, in as many
processes as the command's read pool uses (2 on the benchmark machine), and nothing else. The
command cannot be faster than reading its inputs once; the runner reports every variant as a
ratio to this. Prints its own seconds (no start-up, no imports).

    python benchmarks/read_floor.py INBOX [WORKERS]
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import python_calamine


def read_all(path: Path) -> int:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in book.sheet_names:
        cells += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    book.close()
    return cells


def main() -> None:
    inbox = Path(sys.argv[1])
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    paths = sorted(inbox.rglob("*.xlsx"))
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(len, [[]] * workers))  # the workers are started before the clock
        start = time.perf_counter()
        list(pool.map(read_all, paths, chunksize=16))
    print(f"{time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
