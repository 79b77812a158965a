"""Regenerate the bundled example inboxes: a small fictitious district under bau-bang-2025
(`excel_pipeline/data/example_inbox`), and one inbox per other preset, each with its own levels,
bodies, dates and place (`excel_pipeline/data/examples/<preset>`), so that `dhtt-merge --campaign
X` with no folder shows campaign X. Each carries a few deliberate faults, as a real inbox does.

Deterministic (fixed seed, fixed dates): running it twice gives the same cell values, and a test
checks that the committed inboxes match a fresh generation.

    python scripts/make_example_inbox.py [TARGET_DIR]        # the Bàu Bàng example only
    python scripts/make_example_inbox.py --all               # every preset's example
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Any

from excel_pipeline.allocate.methods import allocate
from excel_pipeline.campaign import load_campaign
from excel_pipeline.write.submission import write_registry, write_submission

DATA = Path(__file__).resolve().parents[1] / "excel_pipeline" / "data"
DEFAULT_TARGET = DATA / "example_inbox"
ROOT = {"unit_code": "BB", "unit_name": "Liên đoàn Lao động huyện Bàu Bàng",
        "level": "LĐLĐ huyện", "parent_code": None, "members": None, "block": None}
UNITS = [
    # code, name, members, block
    ("BB01", "CĐCS Công ty TNHH Giày Bàu Bàng", 1250, "Khối doanh nghiệp"),
    ("BB02", "CĐCS Trường THCS Lai Uyên", 85, "Khối hành chính sự nghiệp"),
    ("BB03", "CĐCS Công ty CP Gỗ Minh Hưng", 460, "Khối doanh nghiệp"),
    ("BB04", "CĐCS UBND xã Lai Hưng", 42, "Khối hành chính sự nghiệp"),
    ("BB05", "CĐCS Công ty TNHH Dệt may Tân Long", 2300, "Khối doanh nghiệp"),
    ("BB06", "CĐCS Trung tâm Y tế huyện Bàu Bàng", 265, "Khối hành chính sự nghiệp"),
    ("BB07", "CĐCS Công ty CP Cao su Bàu Bàng", 820, "Khối doanh nghiệp"),
    ("BB08", "CĐCS Trường Mầm non Hoa Sen", 45, "Khối hành chính sự nghiệp"),
    ("BB09", "CĐCS Công ty TNHH Điện tử Sao Việt", 640, "Khối doanh nghiệp"),
    ("BB10", "CĐCS Công ty TNHH Cơ khí Phú An", 310, "Khối doanh nghiệp"),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE_M = ["Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Phong", "Long", "Khoa", "Nam", "Sơn", "Tài", "Hòa"]
GIVEN_F = ["Lan", "Hoa", "Mai", "Hương", "Trang", "Hạnh", "Nhung", "Thảo", "Yến", "Hoà"]
ETHNICITIES = ["Kinh"] * 14 + ["Khmer", "Hoa", "Tày", "Chăm"]
POSITIONS = ["Công nhân tổ may", "Công nhân tổ đóng gói", "Kỹ thuật viên", "Giáo viên",
             "Nhân viên văn phòng", "Tổ trưởng sản xuất", "Điều dưỡng", "Kế toán"]
LEADER_POSITIONS = ["Giám đốc", "Chủ tịch CĐCS", "Phó Giám đốc", "Trưởng phòng Nhân sự"]
ACHIEVEMENTS = ["Lao động giỏi 5 năm liền", "Có sáng kiến cải tiến kỹ thuật",
                "Chiến sĩ thi đua cơ sở 2023, 2024", "Hoàn thành xuất sắc nhiệm vụ",
                "Gương người tốt, việc tốt"]
INDICATORS = [("SK", "Sáng kiến được áp dụng", "sáng kiến"),
              ("GTLL", "Giá trị làm lợi", "triệu đồng"),
              ("LDG", "Lao động giỏi", "người"),
              ("CSTDCS", "Chiến sĩ thi đua cơ sở", "người"),
              ("DHTT", "Điển hình tiên tiến (tổng số)", "điển hình")]


def person(rng: random.Random) -> dict[str, Any]:
    female = rng.random() < 0.55
    name = " ".join([rng.choice(SURNAMES), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)])
    return {"full_name": name, "gender": "Nữ" if female else "Nam",
            "birth_year": rng.randint(1968, 2001), "ethnicity": rng.choice(ETHNICITIES)}


def delegates(rng: random.Random, count: int, unit_name: str, presidium: int = 4,
              guests_share: float = 0.28, upper: int = 3) -> list[dict[str, Any]]:
    rows = []
    for number in range(1, count + 1):
        guest = number > round(count * (1 - guests_share))
        leader = guest or rng.random() < 0.1
        row = person(rng)
        row.update({
            "stt": number,
            "position": f"{rng.choice(LEADER_POSITIONS if leader else POSITIONS)}, {unit_name}",
            "party_member": rng.random() < 0.3,
            "delegate_type": "Khách mời" if guest else "Điển hình tiên tiến",
            "leader": leader,
            "direct_worker": not leader and rng.random() < 0.7,
            "presidium": number <= presidium - 1 or number == count,
            "emulation_soldier": not guest and number <= 2,
            "to_upper": not guest and number <= upper,
            "achievements": None if guest else rng.choice(ACHIEVEMENTS),
        })
        rows.append(row)
    return rows


def nominations(rng: random.Random, count: int, unit_name: str) -> list[dict[str, Any]]:
    rows = []
    for number in range(1, count + 1):
        row = person(rng)
        leader = number == 1
        award = rng.choice(["Giấy khen", "Bằng khen LĐLĐ tỉnh", "Lao động tiên tiến"])
        rows.append({
            "stt": number, "subject": "Cá nhân", "name": row["full_name"],
            "birth_year": row["birth_year"], "gender": row["gender"],
            "position": f"{'Chủ tịch CĐCS' if leader else rng.choice(POSITIONS)}, {unit_name}",
            "category": "Lãnh đạo từ phó phòng trở lên" if leader
            else "Người trực tiếp lao động, công tác",
            "award": award, "reports": 1, "summary": rng.choice(ACHIEVEMENTS),
        })
    rows.append({"stt": count + 1, "subject": "Tập thể", "name": f"Tổ sản xuất số 1, {unit_name}",
                 "award": "Tập thể lao động xuất sắc", "reports": 1,
                 "summary": "Hoàn thành vượt kế hoạch năm"})
    return rows


def indicators(rng: random.Random) -> list[dict[str, Any]]:
    return [{"code": code, "name": name, "measure": measure,
             "value": rng.randint(0, 25) if code != "GTLL" else round(rng.uniform(10, 400), 1)}
            for code, name, measure in INDICATORS]


def info_for(code: str, name: str, members: int, conference: dt.date,
             submitted: dt.date) -> dict[str, Any]:
    return {"unit_code": code, "unit_name": name, "level": "CĐCS", "parent_code": "BB",
            "members": members, "workers": members + 40,
            "rating": "Hoàn thành xuất sắc nhiệm vụ" if members > 300 else
            "Hoàn thành tốt nhiệm vụ",
            "conference_form": "Hội nghị đại biểu" if members >= 300 else "Hội nghị toàn thể",
            "conference_date": conference, "submitted_on": submitted,
            "preparer": "Nguyễn Thị Thu", "phone": "0274 3567 890",
            "email": f"cdcs.{code.lower()}@example.vn"}


def build(target: Path) -> None:
    rng = random.Random(2025)
    if target.exists():
        shutil.rmtree(target)
    (target / "thang-3").mkdir(parents=True)
    write_registry(target / "danh-muc-don-vi.xlsx",
                   [ROOT, *({"unit_code": c, "unit_name": n, "level": "CĐCS",
                             "parent_code": "BB", "members": m, "block": b}
                            for c, n, m, b in UNITS)],
                   title="DANH MỤC ĐƠN VỊ TRỰC THUỘC LĐLĐ HUYỆN BÀU BÀNG")
    by_code = {c: (n, m) for c, n, m, _ in UNITS}
    plan = load_campaign("bau-bang-2025").allocation
    seats = {s.unit: s.seats for s in allocate({c: m for c, _, m, _ in UNITS}, plan.seats or 0,
                                               plan.method, plan.minimum, plan.reserved)}
    seats["BB02"] += 1  # deliberate: one delegate more than its allocated seats
    schedule = {  # code: (conference day in March 2025, submitted day, delegate count)
        "BB01": (5, 12, 48), "BB02": (3, 10, 20), "BB03": (6, 14, 36), "BB04": (4, 11, 15),
        "BB05": (12, 15, 60), "BB06": (7, 13, 30), "BB07": (8, 14, 40), "BB09": (9, 15, 34),
        "BB10": (10, 15, 26),
    }
    for code, (conference_day, sent_day, count) in schedule.items():
        name, members = by_code[code]
        info = info_for(code, name, members, dt.date(2025, 3, conference_day),
                        dt.date(2025, 3, sent_day))
        rows = {"delegates": delegates(rng, count, name, upper=seats[code]),
                "nominations": nominations(rng, 4 if members > 300 else 2, name),
                "indicators": indicators(rng)}
        folder = target / ("thang-3" if code in {"BB05", "BB06", "BB07", "BB09"} else "")
        headers, sheet_names = {}, {}
        if code == "BB10":  # typed by hand: headers without diacritics, NFD text, other names
            headers = {"Họ và tên": "HO VA TEN", "Năm sinh": "nam sinh", "Giới tính": "Gioi tinh",
                       "Loại đại biểu": "Loai dai bieu", "Mã đơn vị": "Ma don vi"}
            sheet_names = {"delegates": "DS dai bieu"}
            for row in rows["delegates"]:
                row["full_name"] = unicodedata.normalize("NFD", row["full_name"])
                row["gender"] = row["gender"].upper()
        if code == "BB09":  # deliberate cell faults
            rows["delegates"][3]["birth_year"] = 19885
            rows["delegates"][5]["gender"] = "Nam giới"
            rows["delegates"][7]["full_name"] = "=Trần Văn Tính"
            rows["delegates"][9]["delegate_type"] = "Đại biểu chính thức"
            info["conference_date"] = "ngày 09 tháng 3 năm 2025"
        write_submission(folder / f"{code}.xlsx", info, rows,
                         title=f"HỘI NGHỊ ĐIỂN HÌNH TIÊN TIẾN – {name.upper()}",
                         headers=headers, sheet_names=sheet_names)
    # BB07 sent a first version earlier: it is superseded by the file above.
    name, members = by_code["BB07"]
    write_submission(target / "BB07-ban-dau.xlsx",
                     info_for("BB07", name, members, dt.date(2025, 3, 8), dt.date(2025, 3, 9)),
                     {"delegates": delegates(rng, 38, name)}, title=name.upper())
    # A unit code that is not in the registry.
    write_submission(target / "thang-3" / "BB99.xlsx",
                     info_for("BB99", "CĐCS Công ty TNHH Không Có Trong Danh Mục", 120,
                              dt.date(2025, 3, 6), dt.date(2025, 3, 12)),
                     {"delegates": delegates(rng, 12, "Công ty Không Có")})
    # What else lands in a real inbox: an Excel lock file, a note, a broken attachment.
    (target / "~$BB01.xlsx").write_bytes(b"\x00" * 165)
    (target / "ghi-chu.txt").write_text("BB08 hẹn gửi bổ sung sau.\n", encoding="utf-8")
    (target / "BB04-dinh-kem-hong.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 60)


# The other presets' examples: (code, name, members, block) of the units that send files to the
# consolidating root; the root, its level label, the units' level label (short forms, as
# registries write them), and the dates of a run inside the campaign.
OTHER_EXAMPLES: dict[str, dict[str, Any]] = {
    "dien-bien-2020": {
        "root": ("DB", "Liên đoàn Lao động tỉnh Điện Biên", "LĐLĐ tỉnh"),
        "level": "Cấp trên trực tiếp cơ sở",
        "units": [("DB01", "LĐLĐ thành phố Điện Biên Phủ", 4200, "Khối huyện, thành phố"),
                  ("DB02", "LĐLĐ huyện Mường Chà", 1650, "Khối huyện, thành phố"),
                  ("DB03", "LĐLĐ huyện Tuần Giáo", 2300, "Khối huyện, thành phố"),
                  ("DB04", "Công đoàn ngành Giáo dục tỉnh Điện Biên", 6100, "Khối ngành"),
                  ("DB05", "Công đoàn ngành Y tế tỉnh Điện Biên", 2800, "Khối ngành"),
                  ("DB06", "LĐLĐ huyện Mường Nhé", 1200, "Khối huyện, thành phố")],
        "year": 2020, "month": 4, "sent_month": 5, "delegates": True,
        "awards": ["Bằng khen LĐLĐ tỉnh", "Bằng khen TLĐ", "Lao động tiên tiến"],
        "collective": "Cờ thi đua LĐLĐ tỉnh",
    },
    "dien-bien-tong-ket-2020": {
        "root": ("DBT", "Liên đoàn Lao động tỉnh Điện Biên", "LĐLĐ tỉnh"),
        "level": "Cấp trên cơ sở",
        "units": [("DBT01", "LĐLĐ thành phố Điện Biên Phủ", 4200, "Khối huyện, thành phố"),
                  ("DBT02", "LĐLĐ huyện Điện Biên Đông", 1400, "Khối huyện, thành phố"),
                  ("DBT03", "LĐLĐ huyện Tủa Chùa", 1100, "Khối huyện, thành phố"),
                  ("DBT04", "Công đoàn ngành Giáo dục tỉnh Điện Biên", 6100, "Khối ngành"),
                  ("DBT05", "Công đoàn Viên chức tỉnh Điện Biên", 2500, "Khối ngành"),
                  ("DBT06", "LĐLĐ huyện Nậm Pồ", 900, "Khối huyện, thành phố")],
        "year": 2020, "month": 11, "sent_month": 12, "delegates": False,
        "awards": ["Bằng khen LĐLĐ tỉnh", "Bằng khen TLĐ", "Chiến sĩ thi đua cơ sở",
                   "Lao động tiên tiến"],
        "collective": "Cờ thi đua LĐLĐ tỉnh",
    },
    "ninh-thuan-2020": {
        "root": ("NT", "Liên đoàn Lao động tỉnh Ninh Thuận", "LĐLĐ tỉnh"),
        "level": "Cấp trên trực tiếp cơ sở",
        "units": [("NT01", "LĐLĐ thành phố Phan Rang – Tháp Chàm", 5200, "Khối huyện, thành phố"),
                  ("NT02", "LĐLĐ huyện Ninh Hải", 1900, "Khối huyện, thành phố"),
                  ("NT03", "LĐLĐ huyện Ninh Phước", 2100, "Khối huyện, thành phố"),
                  ("NT04", "Công đoàn ngành Giáo dục tỉnh Ninh Thuận", 5600, "Khối ngành"),
                  ("NT05", "Công đoàn các Khu công nghiệp tỉnh Ninh Thuận", 3300, "Khối ngành"),
                  ("NT06", "LĐLĐ huyện Bác Ái", 700, "Khối huyện, thành phố")],
        "year": 2020, "month": 6, "sent_month": 6, "delegates": True,
        "awards": ["Bằng khen LĐLĐ tỉnh", "Bằng khen TLĐ", "Lao động tiên tiến"],
        "collective": "Cờ thi đua LĐLĐ tỉnh",
    },
    "lai-chau-2015": {
        "root": ("LC", "Ủy ban nhân dân tỉnh Lai Châu", "Tỉnh"),
        "level": "Cấp huyện",
        "units": [("LC01", "Huyện Tam Đường", 3100, "Khối huyện, thành phố"),
                  ("LC02", "Huyện Sìn Hồ", 2700, "Khối huyện, thành phố"),
                  ("LC03", "Thành phố Lai Châu", 3900, "Khối huyện, thành phố"),
                  ("LC04", "Sở Giáo dục và Đào tạo tỉnh Lai Châu", 5200, "Khối sở, ngành"),
                  ("LC05", "Sở Y tế tỉnh Lai Châu", 2400, "Khối sở, ngành"),
                  ("LC06", "Huyện Phong Thổ", 2900, "Khối huyện, thành phố")],
        "year": 2015, "month": 5, "sent_month": 6, "delegates": True,
        "awards": ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Giấy khen"],
        "collective": "Tập thể lao động xuất sắc",
    },
}


def build_other(preset: str, target: Path) -> None:
    """The example inbox of a preset other than bau-bang-2025: its root and units in the
    registry, one file per unit but the last (missing), and the usual faults: cells typed
    wrong, a unit code not in the registry, an earlier version superseded, a late dossier."""
    spec = OTHER_EXAMPLES[preset]
    campaign = load_campaign(preset)
    rng = random.Random(f"{preset}-{spec['year']}")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    root_code, root_name, root_level = spec["root"]
    write_registry(target / "danh-muc-don-vi.xlsx",
                   [{"unit_code": root_code, "unit_name": root_name, "level": root_level,
                     "parent_code": None, "members": None, "block": None},
                    *({"unit_code": c, "unit_name": n, "level": spec["level"],
                       "parent_code": root_code, "members": m, "block": b}
                      for c, n, m, b in spec["units"])],
                   title=f"DANH MỤC ĐƠN VỊ TRỰC THUỘC {root_name.upper()}")
    year, month, sent_month = spec["year"], spec["month"], spec["sent_month"]
    deadline = next((level.dossier_deadline for level in campaign.levels[1:]
                     if level.dossier_deadline), None)
    sheets = [key for key in campaign.required_sheets if key != "info"]
    units = spec["units"][:-1]  # the last unit has not sent its file yet
    for number, (code, name, members, _) in enumerate(units, start=1):
        sent = dt.date(year, sent_month, min(number + 1, 28))
        if number == len(units) and deadline:  # sent after the deadline
            sent = deadline + dt.timedelta(days=3)
        info = info_for(code, name, members, dt.date(year, month, 5 + 2 * number), sent)
        info.update({"level": spec["level"], "parent_code": root_code,
                     "conference_form": "Hội nghị đại biểu",
                     "email": f"{code.lower()}@example.vn"})
        rows: dict[str, list[dict[str, Any]]] = {}
        if "delegates" in sheets or spec["delegates"]:
            rows["delegates"] = delegates(rng, 8 + 2 * number, name, upper=3)
        awarded = _nominations(rng, 3, name, spec["awards"], spec["collective"])
        if preset == "dien-bien-tong-ket-2020" and number == 1:
            # A Chiến sĩ thi đua cơ sở proposed without Lao động tiên tiến that year.
            awarded[0]["award"] = "Chiến sĩ thi đua cơ sở"
            for row in awarded[1:]:
                if row["award"] == "Lao động tiên tiến":
                    row["award"] = "Bằng khen LĐLĐ tỉnh"
        rows["nominations"] = awarded
        rows["indicators"] = indicators(rng)
        if number == 2:  # deliberate cell faults
            faulty = rows.get("delegates") or rows["nominations"]
            faulty[0]["birth_year"] = 19885
            faulty[1]["gender"] = "Nam giới"
        write_submission(target / f"{code}.xlsx", info, rows,
                         title=f"{campaign.name.upper()} – {name.upper()}")
    code, name, members, _ = units[0]
    first_sent = dt.date(year, sent_month, 2)  # the first unit's file above
    early = info_for(code, name, members, dt.date(year, month, 7),
                     first_sent - dt.timedelta(days=1))
    early.update({"level": spec["level"], "parent_code": root_code})
    write_submission(target / f"{code}-ban-dau.xlsx", early,
                     {"nominations": _nominations(rng, 2, name, spec["awards"],
                                                  spec["collective"])}, title=name.upper())
    stray = f"{root_code}99"
    stray_info = info_for(stray, "Đơn vị không có trong danh mục", 150, dt.date(year, month, 9),
                          dt.date(year, sent_month, 2))
    stray_info.update({"level": spec["level"], "parent_code": root_code})
    write_submission(target / f"{stray}.xlsx", stray_info,
                     {"nominations": _nominations(rng, 1, "Đơn vị không có trong danh mục",
                                                  spec["awards"], spec["collective"])})


def _nominations(rng: random.Random, count: int, unit_name: str, awards: list[str],
                 collective: str) -> list[dict[str, Any]]:
    """`nominations` with the preset's own forms."""
    rows = nominations(rng, count, unit_name)
    for row in rows[:-1]:
        row["award"] = rng.choice(awards)
    rows[-1]["award"] = collective
    return rows


def build_all() -> list[Path]:
    """Every preset's example inbox, Bàu Bàng's included."""
    build(DEFAULT_TARGET)
    written = [DEFAULT_TARGET]
    for preset in OTHER_EXAMPLES:
        build_other(preset, DATA / "examples" / preset)
        written.append(DATA / "examples" / preset)
    return written


if __name__ == "__main__":
    if sys.argv[1:] == ["--all"]:
        for folder in build_all():
            print(f"Đã tạo hộp thư mẫu: {folder}")
    else:
        build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET)
        print(f"Đã tạo hộp thư mẫu: {sys.argv[1] if len(sys.argv) > 1 else DEFAULT_TARGET}")
