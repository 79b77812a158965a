"""Each rule just inside, at, and just outside its limit, on in-memory workbooks."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from excel_pipeline.campaign import load_campaign
from tests.grids import codes, run, unit_file

BAU_BANG = load_campaign("bau-bang-2025")
TONG_KET = load_campaign("dien-bien-tong-ket-2020")


def info(code: str = "C1", **overrides):
    row = {"unit_code": code, "unit_name": f"CĐCS {code}", "level": "CĐCS", "parent_code": "R",
           "members": 120, "conference_form": "Hội nghị toàn thể",
           "conference_date": dt.date(2025, 3, 5), "submitted_on": dt.date(2025, 3, 12)}
    row.update(overrides)
    return row


def delegates(n: int, exemplary: int | None = None, presidium: int = 4, soldiers: int = 1,
              prefix: str = "Người"):
    exemplary = n if exemplary is None else exemplary
    return [{"full_name": f"{prefix} {i}", "birth_year": 1980 + i % 20, "gender": "Nam",
             "delegate_type": "Điển hình tiên tiến" if i < exemplary else "Khách mời",
             "presidium": i < presidium, "emulation_soldier": i < soldiers}
            for i in range(n)]


def one(campaign, *, as_of=dt.date(2025, 3, 12), **kwargs):
    rows = {key: kwargs.pop(key) for key in ("delegates", "nominations") if key in kwargs}
    rows.setdefault("delegates", delegates(10))
    return codes(run(campaign, [unit_file(0, info(**kwargs), **rows)], as_of=as_of))


@pytest.mark.parametrize(("day", "late"), [(9, False), (10, False), (11, True)])
def test_conference_late_on_or_before_the_last_day(day, late):
    assert ("CONFERENCE_LATE" in one(BAU_BANG, conference_date=dt.date(2025, 3, day))) is late


def test_conference_window_start_is_checked():
    lai_chau = load_campaign("lai-chau-2015")
    found = codes(run(lai_chau, [unit_file(0, info(level="Xã", conference_date=dt.date(2014, 12,
                                                                                         31)))]))
    assert "CONFERENCE_LATE" in found
    inside = codes(run(lai_chau, [unit_file(0, info(level="Xã",
                                                    conference_date=dt.date(2015, 1, 1)))]))
    assert "CONFERENCE_LATE" not in inside


@pytest.mark.parametrize(("day", "late"), [(14, False), (15, False), (16, True)])
def test_dossier_late(day, late):
    assert ("DOSSIER_LATE" in one(BAU_BANG, submitted_on=dt.date(2025, 3, day))) is late


@pytest.mark.parametrize(("count", "over"), [(199, False), (200, False), (201, True)])
def test_delegate_cap_for_delegate_conferences(count, over):
    found = one(BAU_BANG, members=900, conference_form="Hội nghị đại biểu",
                delegates=delegates(count, exemplary=count))
    assert ("DELEGATE_CAP" in found) is over


def test_plenary_conference_is_exempt_from_cap():
    found = one(BAU_BANG, members=150, conference_form="Hội nghị toàn thể",
                delegates=delegates(201))
    assert "DELEGATE_CAP" not in found


@pytest.mark.parametrize(("members", "form", "flagged"), [
    (299, "Hội nghị toàn thể", False), (299, "Hội nghị đại biểu", True),
    (300, "Hội nghị đại biểu", False), (300, "Hội nghị toàn thể", True),
])
def test_plenary_expected_threshold(members, form, flagged):
    found = one(BAU_BANG, members=members, conference_form=form)
    assert ("PLENARY_EXPECTED" in found) is flagged


@pytest.mark.parametrize(("exemplary", "flagged"), [(66, False), (65, False), (64, True)])
def test_exemplary_share_with_tolerance(exemplary, flagged):
    # 70% with a 5-point tolerance: 65 of 100 is allowed, 64 is not.
    found = one(BAU_BANG, members=900, conference_form="Hội nghị đại biểu",
                delegates=delegates(100, exemplary=exemplary))
    assert ("EXEMPLARY_SHARE" in found) is flagged


@pytest.mark.parametrize(("size", "flagged"), [(2, True), (3, False), (5, False), (6, True)])
def test_presidium_size(size, flagged):
    assert ("PRESIDIUM_SIZE" in one(BAU_BANG, delegates=delegates(10, presidium=size))) is flagged


@pytest.mark.parametrize(("soldiers", "flagged"), [(0, True), (1, False), (2, False), (3, True)])
def test_presidium_emulation_soldiers(soldiers, flagged):
    found = one(BAU_BANG, delegates=delegates(10, presidium=4, soldiers=soldiers))
    assert ("PRESIDIUM_EXEMPLARY" in found) is flagged


def nominations(total: int, leaders: int, award: str = "Giấy khen", reports: int = 1):
    return [{"subject": "Cá nhân", "name": f"Cá nhân {i}", "award": award, "reports": reports,
             "category": "Lãnh đạo từ phó phòng trở lên" if i < leaders
             else "Người trực tiếp lao động, công tác"} for i in range(total)]


def summary_info(code: str = "C1", **overrides):
    values = {"conference_form": None, "conference_date": None,
              "submitted_on": dt.date(2020, 12, 1), "level": "LĐLĐ huyện", **overrides}
    return info(code, **values)


@pytest.mark.parametrize(("leaders", "flagged"), [(1, False), (2, False), (3, True)])
def test_leader_share_at_most_ten_percent(leaders, flagged):
    c = run(TONG_KET, [unit_file(0, summary_info(), nominations=nominations(20, leaders))],
            as_of=dt.date(2020, 12, 1))
    assert ("LEADER_SHARE" in codes(c)) is flagged


@pytest.mark.parametrize(("award", "reports", "flagged"), [
    ("Bằng khen TLĐ", 2, True), ("Bằng khen TLĐ", 3, False),
    ("Bằng khen LĐLĐ tỉnh", 0, True), ("Bằng khen LĐLĐ tỉnh", 1, False),
])
def test_dossier_incomplete(award, reports, flagged):
    c = run(TONG_KET, [unit_file(0, summary_info(),
                                 nominations=nominations(1, 0, award=award, reports=reports))],
            as_of=dt.date(2020, 12, 1))
    assert ("DOSSIER_INCOMPLETE" in codes(c)) is flagged


def test_late_dossier_nominations_are_kept_but_not_considered():
    late = unit_file(0, summary_info("C1", submitted_on=dt.date(2020, 12, 11)),
                     nominations=nominations(3, 0))
    on_time = unit_file(1, summary_info("C2", submitted_on=dt.date(2020, 12, 10)),
                        nominations=nominations(2, 0))
    c = run(TONG_KET, [late, on_time], as_of=dt.date(2020, 12, 20))
    assert codes(c).count("DOSSIER_LATE") == 1
    frame = c.sheets["nominations"]
    marked = frame[frame["_consider"].notna()]
    assert set(marked["_unit"]) == {"C1"} and len(marked) == 3
    assert (marked["_status"] == "accepted").all()


def test_collective_share_with_blocks_but_no_registry_unit_proposed():
    """A year-end inbox whose collective nominations name no registry unit (only teams inside
    units, or none at all) has nothing to count: no finding, and no crash."""
    registry = [{"unit_code": "R", "unit_name": "LĐLĐ tỉnh"}] + [
        {"unit_code": f"H{i}", "unit_name": f"LĐLĐ huyện {i}", "parent_code": "R",
         "block": "Khối huyện"} for i in range(3)]
    team = [{"subject": "Tập thể", "name": "Tổ công đoàn số 2", "award": "Bằng khen LĐLĐ tỉnh",
             "reports": 1}]
    for nominations in ([], team):
        files = [unit_file(i, summary_info(f"H{i}", parent_code="R"), nominations=nominations)
                 for i in range(3)]
        c = run(TONG_KET, files, as_of=dt.date(2020, 12, 1), registry=registry)
        assert "COLLECTIVE_SHARE" not in codes(c)


def test_collective_share_per_block():
    registry = [{"unit_code": "R", "unit_name": "LĐLĐ tỉnh"}] + [
        {"unit_code": f"H{i}", "unit_name": f"LĐLĐ huyện {i}", "parent_code": "R",
         "block": "Khối huyện"} for i in range(10)]
    excellent = [unit_file(i, summary_info(f"H{i}", rating="Hoàn thành xuất sắc nhiệm vụ",
                                           parent_code="R"),
                           nominations=[]) for i in range(5)]
    # 20% of 5 excellent units = 1 unit may be proposed; a team inside a unit does not count.
    proposals = [{"subject": "Tập thể", "name": "LĐLĐ huyện 1", "award": "Cờ thi đua LĐLĐ tỉnh",
                  "reports": 1},
                 {"subject": "Tập thể", "name": "Tổ công đoàn số 2", "award": "Bằng khen LĐLĐ tỉnh",
                  "reports": 1}]
    proposer = unit_file(20, summary_info("H9", parent_code="R"), nominations=proposals)
    c = run(TONG_KET, [*excellent, proposer], as_of=dt.date(2020, 12, 1), registry=registry)
    assert "COLLECTIVE_SHARE" not in codes(c)
    proposals.append({"subject": "Tập thể", "name": "h2", "award": "Bằng khen TLĐ",
                      "reports": 3})
    proposer = unit_file(20, summary_info("H9", parent_code="R"), nominations=proposals)
    c = run(TONG_KET, [*excellent, proposer], as_of=dt.date(2020, 12, 1), registry=registry)
    share = finding(c, "COLLECTIVE_SHARE")  # the second unit named, "h2", is past the limit
    assert (share.unit, share.row, share.column, share.value) == ("H9", 4, "Họ tên / Tên tập thể",
                                                                  2)


def test_duplicate_person_folds_tone_placement_case_and_spacing():
    a = unit_file(0, info("C1"), delegates=[{"full_name": "Nguyễn Thị Hoà", "birth_year": 1990,
                                             "gender": "Nữ", "delegate_type": "Khách mời"}])
    b = unit_file(1, info("C2"), delegates=[{"full_name": "NGUYỄN  THỊ HÒA", "birth_year": 1990,
                                             "gender": "Nữ", "delegate_type": "Khách mời"}])
    other_year = unit_file(2, info("C3"), delegates=[{"full_name": "Nguyễn Thị Hòa",
                                                      "birth_year": 1991, "gender": "Nữ",
                                                      "delegate_type": "Khách mời"}])
    c = run(BAU_BANG, [a, b, other_year])
    dupes = [f for f in c.findings if f.code == "DUPLICATE_PERSON"]
    assert sorted(f.unit for f in dupes) == ["C1", "C2"]


def test_severity_override_from_campaign():
    campaign = dataclasses.replace(BAU_BANG, severity={"CONFERENCE_LATE": "warning"})
    c = run(campaign, [unit_file(0, info(conference_date=dt.date(2025, 3, 11)),
                                 delegates=delegates(10))])
    [late] = [f for f in c.findings if f.code == "CONFERENCE_LATE"]
    assert late.severity == "warning" and late.row is not None


def finding(c, code):
    [only] = [f for f in c.findings if f.code == code]
    return only


# In the grids the header is on Excel row 1, so the k-th delegate (0-based) is on row k + 2.
def test_count_findings_point_at_the_first_row_past_the_limit():
    c = run(BAU_BANG, [unit_file(0, info(members=900, conference_form="Hội nghị đại biểu"),
                                 delegates=delegates(201, presidium=7, soldiers=0))])
    cap = finding(c, "DELEGATE_CAP")
    assert (cap.sheet, cap.row, cap.column, cap.value) == ("Đại biểu", 202, "Họ và tên", 201)
    assert "từ dòng 202" in cap.message
    size = finding(c, "PRESIDIUM_SIZE")  # 7 members, at most 5: the 6th is on row 7
    assert (size.row, size.column) == (7, "Đoàn Chủ tịch")
    soldiers = finding(c, "PRESIDIUM_EXEMPLARY")  # none: the first member could be one
    assert (soldiers.row, soldiers.column) == (2, "Chiến sĩ thi đua")


def test_exemplary_share_points_at_the_first_guest():
    c = run(BAU_BANG, [unit_file(0, info(members=900, conference_form="Hội nghị đại biểu"),
                                 delegates=delegates(100, exemplary=64))])
    share = finding(c, "EXEMPLARY_SHARE")
    assert (share.row, share.column, share.value) == (66, "Loại đại biểu", "64/100")


def test_leader_share_points_at_the_first_leader_past_ten_percent():
    c = run(TONG_KET, [unit_file(0, summary_info(), nominations=nominations(20, 3))],
            as_of=dt.date(2020, 12, 1))
    leaders = finding(c, "LEADER_SHARE")  # 2 of 20 allowed: the third leader is on row 4
    assert (leaders.sheet, leaders.row, leaders.column) == ("Đề nghị khen thưởng", 4,
                                                           "Phân loại đối tượng")
