"""What is considered is decided once, first: no check judges a row another set aside, the
checks' order changes nothing, and consolidating leaves its inputs as it found them."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excel_pipeline.campaign import load_campaign
from excel_pipeline.check import rules
from excel_pipeline.cli import main
from excel_pipeline.model import ACCEPTED, SUPERSEDED
from excel_pipeline.pipeline import consolidate
from excel_pipeline.write.submission import write_registry, write_submission
from tests.conftest import info
from tests.grids import registry_file, unit_file

SUMMARY = load_campaign("dien-bien-tong-ket-2020")
ON_TIME, LATE = dt.date(2020, 12, 8), dt.date(2020, 12, 15)  # the deadline is 10/12/2020


def nomination(name: str, birth: int, form: str, **overrides: object) -> dict:
    row = {"subject": "Cá nhân", "name": name, "birth_year": birth, "gender": "Nam",
           "category": "Người trực tiếp lao động, công tác", "award": form, "reports": 1}
    row.update(overrides)
    return row


def summary_info(code: str, sent: dt.date) -> dict:
    return info(code, unit_name=f"LĐLĐ huyện {code}", level="Công đoàn cấp trên trực tiếp cơ sở",
                parent_code="DB", submitted_on=sent, conference_form=None, conference_date=None)


def indicators() -> list[dict]:
    return [{"code": "SK", "indicator": "Sáng kiến", "unit": "sáng kiến", "value": 3}]


def test_a_late_units_nomination_in_the_ledger_is_not_considered_and_not_judged(tmp_path):
    """The reproduction: a late unit's nomination, already in the ledger for 2020, is «không
    xét» and carries no AWARD_REPEATED (nor any other finding); the on-time unit's own repeat
    is still an error."""
    ledger = str(tmp_path / "so.sqlite")
    for code, name, birth in (("H1", "Nguyễn Văn An", 1985), ("H2", "Lò Văn Bình", 1980)):
        decision = write_submission(tmp_path / f"qd-{code}.xlsx", info(code), {"nominations": [
            nomination(name, birth, "Lao động tiên tiến")]})
        imported = CliRunner().invoke(main, ["ledger", "import", str(decision), "--year", "2020",
                                             "--decision", "9/QĐ-LĐLĐ", "--ledger", ledger])
        assert imported.exit_code == 0, imported.output
    inbox = tmp_path / "hồ sơ"
    write_registry(inbox / "danh-muc.xlsx", [
        {"unit_code": "DB", "unit_name": "LĐLĐ tỉnh Điện Biên", "level": "LĐLĐ tỉnh"},
        *({"unit_code": code, "unit_name": f"LĐLĐ huyện {code}",
           "level": "Công đoàn cấp trên trực tiếp cơ sở", "parent_code": "DB"}
          for code in ("H1", "H2"))])
    write_submission(inbox / "H1.xlsx", summary_info("H1", LATE), {
        "nominations": [nomination("Nguyễn Văn An", 1985, "Lao động tiên tiến")],
        "indicators": indicators()})
    write_submission(inbox / "H2.xlsx", summary_info("H2", ON_TIME), {
        "nominations": [nomination("Lò Văn Bình", 1980, "Lao động tiên tiến")],
        "indicators": indicators()})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(inbox), "--campaign", "dien-bien-tong-ket-2020",
                                       "--as-of", "20/12/2020", "--ledger", ledger,
                                       "--out", str(out)])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["rows"]["nominations"]["not_considered"] == 1
    late_rows = [f for f in report["findings"] if f["file"] == "H1.xlsx"
                 and f["sheet"] == "Đề nghị khen thưởng"]
    assert late_rows == []
    assert [f["unit"] for f in report["findings"] if f["code"] == "DOSSIER_LATE"] == ["H1"]
    repeated = [(f["unit"], f["severity"]) for f in report["findings"]
                if f["code"] == "AWARD_REPEATED"]
    assert repeated == [("H2", "error")]


# Hypothesis draws inboxes of the year-end campaign: units on time or late, nominations that
# the ledger already holds, chains, leaders, collectives; and a shuffled order of the checks.
NAMES = ["Nguyễn Văn An", "Lò Thị Hoa", "Trần Văn Bình", "Phạm Thị Lan"]
FORMS = ["Lao động tiên tiến", "Chiến sĩ thi đua cơ sở", "Bằng khen LĐLĐ tỉnh",
         "Bằng khen TLĐ", "Giấy khen"]
CATEGORIES = ["Người trực tiếp lao động, công tác", "Lãnh đạo từ phó phòng trở lên"]
nominations = st.lists(st.builds(
    lambda name, form, category, reports, subject: {
        "subject": subject, "name": name if subject == "Cá nhân" else f"Tổ {name}",
        "birth_year": 1980 if subject == "Cá nhân" else None,
        "gender": "Nam" if subject == "Cá nhân" else None, "category": category,
        "award": form, "reports": reports},
    st.sampled_from(NAMES), st.sampled_from(FORMS), st.sampled_from(CATEGORIES),
    st.integers(0, 3), st.sampled_from(["Cá nhân", "Cá nhân", "Tập thể"])), max_size=5)
units = st.lists(st.tuples(st.booleans(), nominations, st.booleans()), min_size=1, max_size=4)
ledger_rows = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(FORMS),
                                 st.sampled_from([2019, 2020])), max_size=6)


def _inbox(drawn: list[tuple[bool, list[dict], bool]]) -> list:
    files = []
    for i, (late, rows, twice) in enumerate(drawn):
        code = f"H{i + 1}"
        sent = LATE if late else ON_TIME
        files.append(unit_file(i, summary_info(code, sent), nominations=rows,
                               indicators=indicators()))
        if twice:  # an older file of the same unit: superseded, never judged
            files.append(unit_file(100 + i, summary_info(code, sent - dt.timedelta(days=3)),
                                   nominations=rows, indicators=indicators()))
    registry = [{"unit_code": "DB", "unit_name": "LĐLĐ tỉnh Điện Biên", "level": "LĐLĐ tỉnh"}]
    registry += [{"unit_code": f"H{i + 1}", "unit_name": f"LĐLĐ huyện H{i + 1}",
                  "level": "Công đoàn cấp trên trực tiếp cơ sở", "parent_code": "DB",
                  "block": "Khối 1"} for i in range(len(drawn))]
    return [*files, registry_file(registry)]


def _awards(rows: list[tuple[str, str, int]]) -> list[dict]:
    from excel_pipeline.textnorm import fold

    return [{"name_key": fold(name), "name": name, "birth_year": 1980, "unit": None,
             "form": form, "year": year, "decision": "1/QĐ"} for name, form, year in rows]


def _set_aside(c) -> set[tuple[str, str, int]]:
    """(file, sheet, row) of every row a check may not judge: not accepted, or not considered."""
    places = set()
    for frame in c.sheets.values():
        aside = (frame["_status"] != ACCEPTED) | frame["_consider"].notna()
        places |= {(str(f), str(s), int(r)) for f, s, r
                   in zip(frame.loc[aside, "_file"], frame.loc[aside, "_sheet"],
                          frame.loc[aside, "_row"], strict=True)}
    return places


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units, ledger_rows, st.randoms(use_true_random=False))
def test_no_check_judges_a_row_set_aside_and_order_changes_nothing(drawn, ledger, rnd):
    read_files = _inbox(drawn)
    awards = _awards(ledger)
    c = consolidate(read_files, SUMMARY, dt.date(2020, 12, 20), awards=awards)
    aside = _set_aside(c)
    rejected_rows = {(str(f), str(s), int(r)) for frame in c.sheets.values()
                     for f, s, r, st_ in zip(frame["_file"], frame["_sheet"], frame["_row"],
                                             frame["_status"], strict=True)
                     if st_ == "rejected"}
    for finding in c.findings:
        if finding.row is None or finding.severity == "info":
            continue
        place = (finding.file, finding.sheet, finding.row)
        # A row rejected for its own cells carries the SCHEMA finding that says why; nothing
        # else is ever said about a row set aside.
        assert place not in aside or (finding.code == "SCHEMA" and place in rejected_rows), \
            finding
    superseded = {r.relpath for r in c.files if r.status == SUPERSEDED}
    assert not [f for f in c.findings if f.file in superseded
                and f.code not in ("DUPLICATE_SUBMISSION",)]

    shuffled = list(rules.RULES)
    rnd.shuffle(shuffled)
    original = rules.RULES
    try:
        rules.RULES = tuple(shuffled)
        again = consolidate(read_files, SUMMARY, dt.date(2020, 12, 20), awards=awards)
    finally:
        rules.RULES = original
    assert again.findings == c.findings


def test_consolidating_twice_gives_the_same_result_and_leaves_the_files_as_they_were():
    drawn = [(False, [nomination("Nguyễn Văn An", 1985, "Lao động tiên tiến")], True),
             (True, [nomination("Lò Thị Hoa", 1990, "Chiến sĩ thi đua cơ sở")], False)]
    read_files = _inbox(drawn)
    before = copy.deepcopy([item.record for item in read_files])
    first = consolidate(read_files, SUMMARY, dt.date(2020, 12, 20))
    assert [item.record for item in read_files] == before
    second = consolidate(read_files, SUMMARY, dt.date(2020, 12, 20))
    assert first.findings == second.findings
    assert sum(f.code == "DUPLICATE_SUBMISSION" for f in second.findings) == 1
    assert first.files == second.files
    for key, frame in first.sheets.items():
        pd.testing.assert_frame_equal(frame, second.sheets[key])


def test_a_file_matched_by_name_never_supersedes_the_file_carrying_the_code(tmp_path: Path):
    """C01's own file (its code, 120 delegates) and a later one whose code is unknown but whose
    name is C01's (25 delegates): the coded file stands, the conflict is named."""
    from tests.conftest import delegate

    inbox = tmp_path / "inbox"
    write_registry(inbox / "danh-muc.xlsx", [
        {"unit_code": "ROOT", "unit_name": "LĐLĐ huyện thử", "level": "LĐLĐ huyện"},
        {"unit_code": "C01", "unit_name": "CĐCS Công ty May Sông Bé", "level": "CĐCS",
         "parent_code": "ROOT", "members": 400}])
    people = [delegate(f"Người Số {i}", birth_year=1970 + i % 30) for i in range(120)]
    write_submission(inbox / "C01.xlsx", info("C01", unit_name="CĐCS Công ty May Sông Bé",
                                              submitted_on=dt.date(2025, 3, 10)),
                     {"delegates": people})
    write_submission(inbox / "ban moi.xlsx", info("X-9", unit_name="CĐCS Công ty May Sông Bé",
                                                  submitted_on=dt.date(2025, 3, 12)),
                     {"delegates": people[:25]})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [str(inbox), "--out", str(out), "--as-of", "31/03/2025"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    assert report["units"]["C01"]["delegates"] == 120
    status = {f["path"]: f["status"] for f in report["files"]}
    assert status["C01.xlsx"] == "accepted" and status["ban moi.xlsx"] == "superseded"
    duplicate = [f for f in report["findings"] if f["code"] == "DUPLICATE_SUBMISSION"]
    assert len(duplicate) == 1 and duplicate[0]["file"] == "ban moi.xlsx"
    assert "nhận theo tên đơn vị" in duplicate[0]["message"]


def test_every_code_is_defined_once_with_a_template_and_advice():
    from excel_pipeline.findings import CATALOGUE, FINDING_TYPES

    assert len(CATALOGUE) == len(FINDING_TYPES)
    for kind in CATALOGUE:
        assert kind.templates.get("default") and kind.advice and kind.description, kind.code


def test_titles_name_the_campaigns_own_shares():
    from dataclasses import replace

    from excel_pipeline.findings import title_of

    assert title_of("LEADER_SHARE", SUMMARY).endswith("vượt 10%")
    assert title_of("COLLECTIVE_SHARE", replace(SUMMARY, collective_share=0.15)) \
        == "Số tập thể đề nghị khen thưởng vượt 15% trong khối"


def test_importing_the_command_changes_nothing_in_the_environment():
    import os
    import subprocess
    import sys

    code = ("import os; before = dict(os.environ); import excel_pipeline.cli; "
            "print(before == dict(os.environ))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "LANGUAGE"},
                          check=True)
    assert done.stdout.strip() == "True"
