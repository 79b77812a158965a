"""Regenerate the bundled example inbox: a small fictitious district under bau-bang-2025.

Deterministic (fixed seed, fixed dates): running it twice gives the same cell values, and a test
checks that the committed inbox matches a fresh generation.

    python scripts/make_example_inbox.py [TARGET_DIR]
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

DEFAULT_TARGET = Path(__file__).resolve().parents[1] / "excel_pipeline" / "data" / "example_inbox"
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


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET)
    print(f"Đã tạo hộp thư mẫu: {sys.argv[1] if len(sys.argv) > 1 else DEFAULT_TARGET}")
