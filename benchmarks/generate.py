"""Deterministic benchmark inbox: N unit workbooks shaped like the template, plus a registry.

Each unit sends an info sheet, about 150 delegates, 20 nominations and 12 indicators; every
tenth unit carries a few faults (a bad year, an unknown gender, too many guests), so the run
does real validation and rule work. The same N and seed always give the same files.

    python benchmarks/generate.py 1000 /tmp/bench/inbox-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from make_example_inbox import (  # noqa: E402
    INDICATORS,
    delegates,
    indicators,
    info_for,
    nominations,
)

from excel_pipeline.write.submission import write_registry, write_submission  # noqa: E402

EXTRA_INDICATORS = [("LDG", "Lao động giỏi", "người"), ("BLDST", "Bằng Lao động sáng tạo", "người"),
                    ("CSTD", "Chiến sĩ thi đua cơ sở", "người"), ("GVN", "Nữ giỏi việc nước, "
                                                                        "đảm việc nhà", "người"),
                    ("DHTT", "Điển hình tiên tiến", "người"), ("DHM", "Điển hình mới", "người"),
                    ("KT", "Khen thưởng", "lượt")]


# Four-syllable names from larger pools than the example inbox's, so that, as in a real province,
# the same name and birth year in two units is the exception (about one delegate in a hundred).
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô"]
MIDDLES = ["Văn", "Thị", "Minh", "Hữu", "Đức", "Ngọc", "Thanh", "Quốc", "Thu", "Kim", "Xuân",
           "Hoài"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương",
         "Khoa", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhung", "Phong", "Phúc", "Quang",
         "Sơn", "Tài", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến",
         "Anh", "Bảo", "Chi", "Duy", "Hiếu", "Khánh", "Lộc"]


def unit_code(number: int) -> str:
    return f"U{number:05d}"


def unit_rows(number: int, repeated_names: bool = False) -> tuple[dict[str, Any],
                                                                   dict[str, list[dict[str, Any]]]]:
    """One unit's info and sheets; seeded by the unit number alone. With `repeated_names`
    every unit draws its delegates from the same 150 people (name, birth year, sex, ethnicity):
    the many-findings case, where nearly every delegate is also in other units' lists."""
    rng = random.Random(number)
    code = unit_code(number)
    name = f"CĐCS Công ty số {number}"
    members = rng.randint(320, 2500)
    late = number % 10 == 0
    info = info_for(code, name, members,
                    dt.date(2025, 3, 12 if late else 1) + dt.timedelta(rng.randint(0, 8)),
                    dt.date(2025, 3, 14))
    people = delegates(rng, rng.randint(140, 160), name, presidium=5, guests_share=0.2,
                       upper=3)
    for index, row in enumerate(people):
        if repeated_names:
            same = random.Random(index)
            row["full_name"] = " ".join([same.choice(SURNAMES), same.choice(MIDDLES),
                                         same.choice(GIVEN), same.choice(GIVEN)])
            row.update(birth_year=1970 + index % 30, gender="Nam", ethnicity="Kinh")
            continue
        row["full_name"] = " ".join([rng.choice(SURNAMES), rng.choice(MIDDLES),
                                     rng.choice(GIVEN), rng.choice(GIVEN)])
    awards = nominations(rng, 19, name)
    counts = indicators(rng)
    counts += [{"code": c, "name": n, "measure": m, "value": rng.randint(0, 40)}
               for c, n, m in EXTRA_INDICATORS[:12 - len(INDICATORS)]]
    if late:  # a few faults, as real inboxes have
        people[5]["birth_year"] = 19855
        people[7]["gender"] = "Nu~"
        for row in people[20:60]:
            row["delegate_type"] = "Khách mời"
    return info, {"delegates": people, "nominations": awards, "indicators": counts}


def write_unit(folder: Path, number: int, repeated_names: bool = False) -> Path:
    info, rows = unit_rows(number, repeated_names)
    return write_submission(folder / f"{unit_code(number)}.xlsx", info, rows,
                            title=f"Đơn vị {unit_code(number)}")


def registry_units(count: int) -> list[dict[str, Any]]:
    units = [{"unit_code": "BB", "unit_name": "Liên đoàn Lao động tỉnh thử",
              "level": "LĐLĐ huyện", "members": 0}]
    units += [{"unit_code": unit_code(n), "unit_name": f"CĐCS Công ty số {n}", "level": "CĐCS",
               "parent_code": "BB", "members": unit_rows(n)[0]["members"]}
              for n in range(1, count + 1)]
    return units


def generate(count: int, folder: Path, workers: int = 2,
             repeated_names: bool = False) -> list[Path]:
    """Write `count` unit workbooks and `danh-muc.xlsx` into `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers) as pool:
        paths = list(pool.map(write_unit, [folder] * count, range(1, count + 1),
                              [repeated_names] * count, chunksize=16))
    write_registry(folder / "danh-muc.xlsx", registry_units(count))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    paths = generate(args.count, args.folder)
    print(f"{len(paths)} unit workbooks and danh-muc.xlsx in {args.folder}")


if __name__ == "__main__":
    main()
