"""Every preset end to end: real workbooks in tmp_path, the real command, each rule once.

Each case builds an inbox in which one unit breaks one rule of the preset (and a clean unit breaks
none), runs `dhtt-merge` with the preset, and checks that the findings, read back from both
`tong-hop.json` and the Phát hiện sheet, are exactly the expected (code, unit) pairs: each rule
fires once, for the unit that breaks it, and nothing else fires.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from excel_pipeline.allocate.methods import allocate
from excel_pipeline.campaign import load_campaign
from excel_pipeline.write.submission import write_registry, write_submission
from tests.test_end_to_end import run_cli, sheet_rows

EXEMPLARY = "Điển hình tiên tiến"
GUEST = "Khách mời"
DELEGATE_CONFERENCE = "Hội nghị đại biểu"
PLENARY = "Hội nghị toàn thể"
EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
SHARED_NAME = "Lò Thị Hoà"  # the one person listed by two units (DUPLICATE_PERSON)


def roster(code: str, n: int = 30, exemplary: int | None = None, presidium: int = 4,
           soldiers: int = 1, to_upper: int = 0, shared: bool = False) -> list[dict[str, Any]]:
    """n delegates of one unit, names unique to the unit unless `shared` puts the common person
    first."""
    exemplary = n if exemplary is None else exemplary
    rows = [{"full_name": f"Đại biểu {code} số {i}", "birth_year": 1970 + i % 30,
             "gender": "Nữ" if i % 2 else "Nam", "ethnicity": "Kinh", "position": "Công nhân",
             "delegate_type": EXEMPLARY if i < exemplary else GUEST, "presidium": i < presidium,
             "emulation_soldier": i < soldiers, "to_upper": i < to_upper}
            for i in range(n)]
    if shared:
        rows[0] = {**rows[0], "full_name": SHARED_NAME, "birth_year": 1988}
    return rows


def nominations(total: int = 10, leaders: int = 1, award: str = "Giấy khen",
                reports: int = 1) -> list[dict[str, Any]]:
    return [{"subject": "Cá nhân", "name": f"Cá nhân số {i}", "birth_year": 1980, "gender": "Nam",
             "category": "Lãnh đạo từ phó phòng trở lên" if i < leaders
             else "Người trực tiếp lao động, công tác", "award": award, "reports": reports}
            for i in range(total)]


@dataclass
class Case:
    """One preset's inbox: registry units, the submissions, the date and the expected findings."""

    campaign: str
    as_of: str
    registry: list[dict[str, Any]]
    submissions: dict[str, tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]] = \
        field(default_factory=dict)
    expected: list[tuple[str, str]] = field(default_factory=list)

    def submit(self, code: str, rows: dict[str, list[dict[str, Any]]], **info: Any) -> None:
        unit = next(u for u in self.registry if u["unit_code"] == code)
        self.submissions[code] = ({"unit_code": code, "unit_name": unit["unit_name"],
                                   "level": unit["level"], "parent_code": unit["parent_code"],
                                   "members": unit.get("members"), **info}, rows)


def registry(root: tuple[str, str], units: list[tuple[str, str, str, int]],
             block: str | None = None) -> list[dict[str, Any]]:
    """Root (code, level) plus (code, level, parent, members) rows."""
    rows = [{"unit_code": root[0], "unit_name": f"Cấp tổng hợp {root[0]}", "level": root[1],
             "parent_code": None}]
    rows += [{"unit_code": code, "unit_name": f"Đơn vị {code}", "level": level,
              "parent_code": parent, "members": members, "block": block}
             for code, level, parent, members in units]
    return rows


def seats_of(campaign_id: str, units: list[dict[str, Any]], root: str) -> dict[str, int]:
    """The preset's seats per direct subordinate, as the run will allocate them."""
    plan = load_campaign(campaign_id).allocation
    weights = {u["unit_code"]: u["members"] for u in units if u["parent_code"] == root}
    assert plan.seats is not None
    shares = allocate(weights, plan.seats, plan.method, plan.minimum, plan.reserved)
    return {s.unit: s.seats for s in shares}


def bau_bang() -> Case:
    units = registry(("R", "LĐLĐ huyện"), [(f"C{i:02}", "CĐCS", "R", 400) for i in range(12)])
    case = Case("bau-bang-2025", "2025-03-20", units)
    seats = seats_of(case.campaign, units, "R")
    on_time = {"conference_form": DELEGATE_CONFERENCE, "conference_date": dt.date(2025, 3, 5),
               "submitted_on": dt.date(2025, 3, 12)}
    late_conference = {**on_time, "conference_date": dt.date(2025, 3, 11)}
    late_dossier = {**on_time, "submitted_on": dt.date(2025, 3, 16)}
    plenary = {**on_time, "conference_form": PLENARY}
    variants: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "C00": (on_time, {"shared": True}),
        "C01": (late_conference, {}),
        "C02": (late_dossier, {}),
        "C03": (on_time, {"n": 201}),
        "C04": (plenary, {}),
        "C05": (on_time, {"exemplary": 19}),  # 63% < 70% - 5 points
        "C06": (on_time, {"presidium": 6}),  # CĐCS: 3–5
        "C07": (on_time, {"soldiers": 0}),  # CĐCS: 1–2 CSTĐ in the presidium
        "C08": (on_time, {"to_upper": seats["C08"] + 1}),
        "C09": (on_time, {"to_upper": seats["C09"] - 1}),
        "C10": (on_time, {"shared": True}),
    }
    for code, (info, shape) in variants.items():
        case.submit(code, {"delegates": roster(code, **{"to_upper": seats[code], **shape})},
                    **info)
    case.expected = [("CONFERENCE_LATE", "C01"), ("DOSSIER_LATE", "C02"), ("DELEGATE_CAP", "C03"),
                     ("PLENARY_EXPECTED", "C04"), ("EXEMPLARY_SHARE", "C05"),
                     ("PRESIDIUM_SIZE", "C06"), ("PRESIDIUM_EXEMPLARY", "C07"),
                     ("ALLOCATION_EXCEEDED", "C08"), ("ALLOCATION_UNFILLED", "C09"),
                     ("DUPLICATE_PERSON", "C00"), ("DUPLICATE_PERSON", "C10"),
                     ("MISSING_SUBMISSION", "C11")]
    return case


def dien_bien() -> Case:
    units = registry(("R", "LĐLĐ tỉnh"), [(f"H{i}", "LĐLĐ huyện", "R", 800) for i in range(6)]
                     + [("CS1", "CĐCS", "H1", 50)])  # CĐCS do not send to the province
    case = Case("dien-bien-2020", "2020-05-10", units)
    on_time = {"conference_form": DELEGATE_CONFERENCE, "conference_date": dt.date(2020, 4, 20),
               "submitted_on": dt.date(2020, 5, 5)}
    case.submit("H0", {"delegates": roster("H0", shared=True)}, **on_time)
    case.submit("H1", {"delegates": roster("H1")},
                **{**on_time, "conference_date": dt.date(2020, 4, 26)})
    case.submit("H2", {"delegates": roster("H2")},
                **{**on_time, "submitted_on": dt.date(2020, 5, 6)})
    case.submit("H3", {"delegates": roster("H3", n=151)}, **on_time)  # cấp trên cơ sở: 150
    case.submit("H4", {"delegates": roster("H4", shared=True)}, **on_time)
    case.expected = [("CONFERENCE_LATE", "H1"), ("DOSSIER_LATE", "H2"), ("DELEGATE_CAP", "H3"),
                     ("DUPLICATE_PERSON", "H0"), ("DUPLICATE_PERSON", "H4"),
                     ("MISSING_SUBMISSION", "H5")]
    return case


def dien_bien_tong_ket() -> Case:
    units = registry(("R", "LĐLĐ tỉnh"), [(f"H{i}", "LĐLĐ huyện", "R", 800) for i in range(6)],
                     block="Khối huyện, thành phố")
    case = Case("dien-bien-tong-ket-2020", "2020-12-15", units)
    on_time = {"submitted_on": dt.date(2020, 12, 10), "rating": EXCELLENT}
    indicators = [{"code": "SK", "name": "Sáng kiến được áp dụng", "measure": "sáng kiến",
                   "value": 12}]
    collectives = [{"subject": "Tập thể", "name": code, "award": "Cờ thi đua LĐLĐ tỉnh",
                    "reports": 1} for code in ("H0", "H1")]  # 2 > 20% of 5 excellent units
    plans = {
        "H0": (nominations(), on_time),
        "H1": (nominations(), {**on_time, "submitted_on": dt.date(2020, 12, 11)}),
        "H2": (nominations(leaders=2), on_time),  # 2 of 10 leaders > 10%
        "H3": ([*nominations(), *nominations(1, 0, "Bằng khen TLĐ", reports=2)], on_time),
        "H4": ([*nominations(), *collectives], on_time),
    }
    for code, (rows, info) in plans.items():
        case.submit(code, {"nominations": rows, "indicators": indicators}, **info)
    case.expected = [("DOSSIER_LATE", "H1"), ("LEADER_SHARE", "H2"),
                     ("DOSSIER_INCOMPLETE", "H3"), ("COLLECTIVE_SHARE", "H4"),
                     ("MISSING_SUBMISSION", "H5")]
    return case


def ninh_thuan() -> Case:
    units = registry(("R", "LĐLĐ tỉnh"),
                     [(f"H{i}", "Cấp trên cơ sở", "R", 300 + 50 * i) for i in range(6)])
    case = Case("ninh-thuan-2020", "2020-06-30", units)
    seats = seats_of(case.campaign, units, "R")
    shapes: dict[str, dict[str, Any]] = {
        "H0": {"shared": True},
        "H1": {"exemplary": 22},  # 73% < 75%, no tolerance
        "H2": {"to_upper": seats["H2"] + 1},
        "H3": {"to_upper": seats["H3"] - 1},
        "H4": {"shared": True},
    }
    for code, shape in shapes.items():
        case.submit(code, {"delegates": roster(code, **{"to_upper": seats[code], **shape})},
                    submitted_on=dt.date(2020, 6, 20))
    case.expected = [("EXEMPLARY_SHARE", "H1"), ("ALLOCATION_EXCEEDED", "H2"),
                     ("ALLOCATION_UNFILLED", "H3"), ("DUPLICATE_PERSON", "H0"),
                     ("DUPLICATE_PERSON", "H4"), ("MISSING_SUBMISSION", "H5")]
    return case


def lai_chau() -> Case:
    units = registry(("R", "UBND tỉnh"), [("H1", "Huyện", "R", 900), ("H2", "Huyện", "R", 900)]
                     + [(f"X{i}", "Xã", "H1", 400) for i in range(1, 7)])
    case = Case("lai-chau-2015", "2015-06-30", units)
    commune = {"conference_form": DELEGATE_CONFERENCE, "conference_date": dt.date(2015, 3, 15),
               "submitted_on": dt.date(2015, 3, 20)}
    district = {**commune, "conference_date": dt.date(2015, 5, 15),
                "submitted_on": dt.date(2015, 5, 20)}
    case.submit("H1", {"delegates": roster("H1", shared=True)}, **district)
    case.submit("H2", {"delegates": roster("H2", n=300)}, **district)  # huyện: up to 300
    # 2 April is inside the district window but outside the commune one (1 January–31 March).
    case.submit("X1", {"delegates": roster("X1")},
                **{**commune, "conference_date": dt.date(2015, 4, 2)})
    case.submit("X2", {"delegates": roster("X2", n=201)}, **commune)  # xã: up to 200
    case.submit("X3", {"delegates": roster("X3")}, **{**commune, "members": 250})
    case.submit("X4", {"delegates": roster("X4", exemplary=19)}, **commune)
    case.submit("X5", {"delegates": roster("X5", shared=True)}, **commune)
    case.expected = [("CONFERENCE_LATE", "X1"), ("DELEGATE_CAP", "X2"),
                     ("PLENARY_EXPECTED", "X3"), ("EXEMPLARY_SHARE", "X4"),
                     ("DUPLICATE_PERSON", "H1"), ("DUPLICATE_PERSON", "X5"),
                     ("MISSING_SUBMISSION", "X6")]
    return case


CASES = {"bau-bang-2025": bau_bang, "dien-bien-2020": dien_bien,
         "dien-bien-tong-ket-2020": dien_bien_tong_ket, "ninh-thuan-2020": ninh_thuan,
         "lai-chau-2015": lai_chau}


def build(case: Case, folder: Path) -> Path:
    inbox = folder / "inbox"
    # the root is a body of the campaign's place (else CAMPAIGN_MISMATCH warns, rightly)
    place = load_campaign(case.campaign).documents.place
    rows = [{**row, "unit_name": f"{row['unit_name']} {place}"} if row["parent_code"] is None
            else row for row in case.registry]
    write_registry(inbox / "danh-muc.xlsx", rows)
    for code, (info, rows) in case.submissions.items():
        write_submission(inbox / f"{code}.xlsx", info, rows, title=f"Báo cáo của {code}")
    return inbox


def test_every_preset_has_a_case():
    from excel_pipeline.campaign import preset_ids

    assert sorted(CASES) == sorted(preset_ids())


@pytest.mark.parametrize("preset", sorted(CASES))
def test_preset_triggers_each_rule_once_and_nothing_else(preset, tmp_path):
    case = CASES[preset]()
    inbox, out = build(case, tmp_path), tmp_path / "out"
    code, _, stderr = run_cli(str(inbox), "--campaign", preset, "--as-of", case.as_of,
                                   "--out", str(out))
    assert code in (0, 1), stderr
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    found = Counter((f["code"], f["unit"]) for f in report["findings"])
    assert found == Counter(case.expected), [f["message"] for f in report["findings"]]
    on_sheet = Counter((row["Mã phát hiện"], row["Mã đơn vị"])
                       for row in sheet_rows(out / "tong-hop.xlsx", "Phát hiện"))
    assert on_sheet == found
    # Every rule finding names its file; those about rows name a row the source really has.
    for finding in report["findings"]:
        if finding["code"] != "MISSING_SUBMISSION":
            assert finding["file"] == f"{finding['unit']}.xlsx", finding
            assert finding["row"] is not None and finding["row"] >= 1, finding
    # The late dossier's nominations stay in the workbook, marked and counted as not considered.
    if preset == "dien-bien-tong-ket-2020":
        assert report["rows"]["nominations"]["not_considered"] == 10
    assert code == (1 if any(f["severity"] == "error" for f in report["findings"]) else 0)
