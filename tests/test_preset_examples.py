"""Every preset is complete: run with no folder, `dhtt-merge documents --campaign X` shows campaign
X (its own example inbox: its bodies, places, dates), decisions are taken by the competent body on
the council's proposal, each form is decided where the law says, the upward file carries this
level's own delegation, and the year's chains of titles fire. Through the real command."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from excel_pipeline.campaign import campaign_from_dict, load_campaign, preset_ids
from excel_pipeline.errors import CampaignError
from excel_pipeline.ingest.examples import example_inbox
from excel_pipeline.template import AWARD_FORMS
from excel_pipeline.textnorm import fold
from excel_pipeline.write.submission import write_submission
from tests.conftest import REPO
from tests.test_end_to_end import run_cli
from tests.test_example_inbox import _cells

# Whole runs of the command, several per test: left out of the quick set.
pytestmark = pytest.mark.slow

# The places and bodies of each preset's example: another preset's documents must name none.
MARKS = {"bau-bang-2025": ["Bàu Bàng", "Bình Dương"], "dien-bien-2020": ["Điện Biên"],
         "dien-bien-tong-ket-2020": ["Điện Biên"], "ninh-thuan-2020": ["Ninh Thuận"],
         "lai-chau-2015": ["Lai Châu"]}


def docx_text(path: Path) -> str:
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return "\n".join(texts)


def report_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Each preset's documents made with no folder: the output folder and the screen."""
    made = {}
    for preset in preset_ids():
        out = tmp_path_factory.mktemp(preset) / "out"
        code, stdout, stderr = run_cli("documents", "--campaign", preset, "--out", str(out))
        assert code == 1, stdout + stderr  # each example carries deliberate errors
        made[preset] = out, stdout
    return made


def test_every_preset_has_its_own_example():
    assert set(MARKS) == set(preset_ids())
    folders = {preset: example_inbox(preset) for preset in preset_ids()}
    assert len(set(folders.values())) == len(folders)
    assert folders["bau-bang-2025"] == example_inbox()
    for preset in preset_ids():  # every form of the template says who decides it
        forms = load_campaign(preset).forms
        assert sorted(a.form for a in forms) == sorted(AWARD_FORMS), preset


@pytest.mark.slow
def test_documents_name_only_the_campaigns_own_bodies_and_places(documents):
    for preset, (out, stdout) in documents.items():
        campaign = load_campaign(preset)
        others = {mark for other, marks in MARKS.items() for mark in marks
                  if not set(marks) & set(MARKS[preset])}
        paths = [Path(d["path"]) for d in report_of(out)["documents"]]
        assert paths, preset
        for path in paths:
            text = fold(docx_text(path))
            assert not [mark for mark in others if fold(mark) in text], (preset, path.name)
        # dated inside the campaign, and the screen says which day and why
        as_of = dt.date.fromisoformat(report_of(out)["as_of"])
        assert as_of == campaign.example_as_of() and as_of.year == campaign.documents.year
        assert f"Hộp thư mẫu của đợt {preset}: số liệu tính đến ngày " \
               f"{as_of:%d/%m/%Y}" in stdout
        assert not [f for f in report_of(out)["findings"] if f["code"] == "CAMPAIGN_MISMATCH"]


@pytest.mark.slow
def test_every_decision_is_taken_by_another_than_its_proposer_and_names_its_issuer(documents):
    for preset, (out, _) in documents.items():
        paths = {d["kind"]: Path(d["path"]) for d in report_of(out)["documents"]}
        text = docx_text(paths["decision"])
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        decider = lines[lines.index("Về việc khen thưởng") + 1]
        proposer = next(line for line in lines if line.startswith("Xét đề nghị của "))
        proposer = proposer.removeprefix("Xét đề nghị của ").rstrip(",")
        assert fold(proposer) not in fold(decider) and not decider.startswith("HỘI ĐỒNG"), preset
        issuer = Document(str(paths["decision"])).tables[0].rows[0].cells[0].text.splitlines()
        issuer = [line for line in issuer if line.strip() and not line.startswith("Số:")][-1]
        annex = next(line for line in lines if line.startswith("(Kèm theo Quyết định"))
        assert fold(issuer) in fold(annex), (preset, issuer, annex)
        assert "TM. HỘI ĐỒNG" not in text, preset


@pytest.mark.slow
def test_every_decision_cites_the_laws_of_its_year(documents):
    """The 2003 law as amended in 2005 and 2013 for 2015 and 2020, the 2022 law for 2025; a
    union body's decision also cites the union's Charter of its time, a state body's does not."""
    laws = {"bau-bang-2025": ["ngày 15 tháng 6 năm 2022", "Điều lệ Công đoàn Việt Nam khóa XIII"],
            "lai-chau-2015": ["ngày 26 tháng 11 năm 2003", "ngày 14 tháng 6 năm 2005",
                              "ngày 16 tháng 11 năm 2013"]}
    for preset in ("dien-bien-2020", "dien-bien-tong-ket-2020", "ninh-thuan-2020"):
        laws[preset] = [*laws["lai-chau-2015"], "Điều lệ Công đoàn Việt Nam khóa XII"]
    for preset, (out, _) in documents.items():
        paths = {d["kind"]: Path(d["path"]) for d in report_of(out)["documents"]}
        if "decision" not in paths:
            continue
        text = docx_text(paths["decision"])
        for law in laws[preset]:
            assert law in text, (preset, law)
        if preset == "lai-chau-2015":
            assert "Điều lệ Công đoàn" not in text


def test_each_form_is_decided_where_the_preset_says(documents):
    for preset, (out, _) in documents.items():
        campaign = load_campaign(preset)
        paths = {d["kind"]: Path(d["path"]) for d in report_of(out)["documents"]}
        awarded = [t.rows[4].cells[0].text for t in Document(str(paths["certificates"])).tables]
        here = set(campaign.forms_decided("here"))
        assert awarded and {line.rsplit(" năm ", 1)[0] for line in awarded} <= here, preset
        decision = docx_text(paths["decision"])
        for form in campaign.forms_decided("outside") + campaign.forms_decided("below"):
            assert f"{form}:" not in decision, (preset, form)
        if "proposal" in paths:
            proposal = docx_text(paths["proposal"])
            assert not [f for f in here if f"- {f}:" in proposal], preset
        # every form has its deciding body and its source
        assert {a.form for a in campaign.forms} >= set(campaign.forms_decided("here"))
        assert all(a.body and a.source for a in campaign.forms)


def test_a_council_is_refused_as_the_decider_of_its_own_proposal():
    preset = REPO / "excel_pipeline" / "presets" / "lai-chau-2015.toml"
    import tomllib

    data = tomllib.loads(preset.read_text(encoding="utf-8"))
    data["documents"]["authority"] = "TM. HỘI ĐỒNG"
    with pytest.raises(CampaignError, match="Hội đồng chỉ tham mưu"):
        campaign_from_dict(data)
    data["documents"]["authority"] = ""
    data["forms"].append({"form": "Giấy khen", "decided_by": "here", "body": "x", "source": "y"})
    with pytest.raises(CampaignError, match="bị ghi hai lần"):
        campaign_from_dict(data)


def test_the_upward_file_is_this_levels_delegation_not_the_units_flagged_delegates(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(example_inbox(), inbox)
    out = tmp_path / "out"
    code, stdout, _ = run_cli(str(inbox), "--out", str(out), "--as-of", "2025-03-31")
    assert code == 1
    assert "Đoàn đại biểu Liên đoàn Lao động huyện Bàu Bàng đi dự hội nghị cấp trên chưa " \
           "được chọn" in stdout
    from tests.test_delivery import sheet_rows_after_title

    assert sheet_rows_after_title(out / "gui-cap-tren.xlsx", "Đại biểu") == []
    # The district's conference chose its delegation: the district's own workbook.
    chosen = [{"stt": i + 1, "full_name": name, "gender": gender, "birth_year": year,
               "delegate_type": "Điển hình tiên tiến", "to_upper": True}
              for i, (name, gender, year) in enumerate([("Đặng Minh Tài", "Nam", 1968),
                                                        ("Nguyễn Thị Hạnh", "Nữ", 1985)])]
    write_submission(inbox / "BB-doan-dai-bieu.xlsx",
                     {"unit_code": "BB", "unit_name": "Liên đoàn Lao động huyện Bàu Bàng",
                      "level": "LĐLĐ huyện", "submitted_on": dt.date(2025, 3, 28)},
                     {"delegates": chosen}, title="ĐOÀN ĐẠI BIỂU")
    code, stdout, _ = run_cli("documents", str(inbox), "--out", str(out), "--as-of",
                              "2025-03-31")
    upward = sheet_rows_after_title(out / "gui-cap-tren.xlsx", "Đại biểu")
    assert [row["Họ và tên"] for row in upward] == ["Đặng Minh Tài", "Nguyễn Thị Hạnh"]
    assert "chưa được chọn" not in stdout
    paths = {d["kind"]: Path(d["path"]) for d in report_of(out)["documents"]}
    upward_text = docx_text(paths["upward_delegates"])
    assert "Đặng Minh Tài" in upward_text and "Nguyễn Thị Hạnh" in upward_text
    assert "DANH SÁCH ĐOÀN ĐẠI BIỂU LIÊN ĐOÀN LAO ĐỘNG HUYỆN BÀU BÀNG" in upward_text
    # the units' delegates stay this level's conference list, the delegation not among them
    conference = docx_text(paths["conference_delegates"])
    assert "Nguyễn Thị Hạnh" not in conference
    assert conference.count("\n") > upward_text.count("\n")
    findings = report_of(out)["findings"]
    assert not [f for f in findings if f["unit"] == "BB" or f["code"] == "DUPLICATE_PERSON"]


def test_title_chain_fires_on_the_year_end_preset(tmp_path):
    from excel_pipeline.ledger.store import opened

    ledger = tmp_path / "so.sqlite"
    with opened(ledger, create=True):  # an empty ledger: the chain is met by nothing
        pass
    out = tmp_path / "out"
    code, _, _ = run_cli("--campaign", "dien-bien-tong-ket-2020", "--out", str(out),
                         "--ledger", str(ledger))
    assert code == 1
    chained = [f for f in report_of(out)["findings"] if f["code"] == "TITLE_CHAIN"]
    assert chained and all(f["unit"].startswith("DBT") for f in chained)
    assert all("Yêu cầu: Lao động tiên tiến năm 2020" in f["message"]
               and "Điều 23" in f["message"] for f in chained)
    assert load_campaign("dien-bien-tong-ket-2020").chains


def test_campaign_mismatch_warns_of_another_body_and_a_date_far_past(tmp_path):
    out = tmp_path / "out"
    run_cli(str(example_inbox("ninh-thuan-2020")), "--out", str(out), "--as-of", "2025-03-31")
    [wrong] = [f for f in report_of(out)["findings"] if f["code"] == "CAMPAIGN_MISMATCH"]
    assert wrong["severity"] == "warning" and "Ninh Thuận" in wrong["message"]
    assert wrong["unit"] == "NT"
    out = tmp_path / "late"
    run_cli("--out", str(out), "--as-of", "2027-01-01")
    [late] = [f for f in report_of(out)["findings"] if f["code"] == "CAMPAIGN_MISMATCH"]
    assert "01/01/2027" in late["message"] and late["unit"] is None
    out = tmp_path / "in-time"
    run_cli("--out", str(out), "--as-of", "2026-03-31")  # one year after the last date
    assert not [f for f in report_of(out)["findings"] if f["code"] == "CAMPAIGN_MISMATCH"]


def test_short_level_names_match_their_level():
    levels = {level.id: level for level in load_campaign("dien-bien-2020").levels}
    assert levels["cap-tren"].matches("Cấp trên trực tiếp cơ sở")
    assert levels["cap-tren"].matches("công đoàn cấp trên trực tiếp cơ sở")
    assert levels["cdcs"].matches("CĐCS") and levels["cdcs"].matches("Cấp cơ sở")
    assert levels["tinh"].matches("LĐLĐ tỉnh") and levels["tinh"].matches("Tỉnh")
    assert not levels["cap-tren"].matches("Cấp cơ sở")
    assert not levels["cdcs"].matches("Cấp trên trực tiếp cơ sở")


def test_short_level_names_in_a_registry_find_their_levels(tmp_path):
    """The Điện Biên example's registry writes «Cấp trên trực tiếp cơ sở»: its units are of
    that level (their conference rules apply), not placed by depth."""
    out = tmp_path / "out"
    run_cli("--campaign", "dien-bien-2020", "--out", str(out))
    report = report_of(out)
    assert not [f for f in report["findings"] if "cấp" in f["message"].lower()
                and f["code"] in ("SCHEMA",) and f["column"] == "Cấp"]
    late = [f for f in report["findings"] if f["code"] == "DOSSIER_LATE"]
    assert late and "05/05/2020" in late[0]["message"]  # the cap-tren level's own deadline


def test_committed_examples_match_a_fresh_generation(tmp_path):
    spec = importlib.util.spec_from_file_location("make_example",
                                                  REPO / "scripts" / "make_example_inbox.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for preset in module.OTHER_EXAMPLES:
        module.build_other(preset, tmp_path / preset)
        assert _cells(tmp_path / preset) == _cells(example_inbox(preset)), preset


def test_the_delegation_is_measured_against_the_next_levels_allocation(tmp_path):
    text = (REPO / "excel_pipeline" / "presets" / "bau-bang-2025.toml").read_text(encoding="utf-8")
    toml = tmp_path / "bau-bang.toml"
    toml.write_text(text.replace("submits = false\n", "submits = false\ndelegation_seats = 3\n", 1),
                    encoding="utf-8")
    inbox = tmp_path / "inbox"
    shutil.copytree(example_inbox(), inbox)
    out = tmp_path / "out"
    _, stdout, _ = run_cli(str(inbox), "--campaign", str(toml), "--out", str(out), "--as-of",
                           "2025-03-31")
    assert "(cấp trên phân bổ 3 đại biểu) chưa được chọn" in stdout
    write_submission(inbox / "BB.xlsx",
                     {"unit_code": "BB", "unit_name": "Liên đoàn Lao động huyện Bàu Bàng",
                      "level": "LĐLĐ huyện", "submitted_on": dt.date(2025, 3, 28)},
                     {"delegates": [{"stt": 1, "full_name": "Đặng Minh Tài", "gender": "Nam",
                                     "birth_year": 1968, "to_upper": True,
                                     "delegate_type": "Điển hình tiên tiến"}]})
    _, stdout, _ = run_cli(str(inbox), "--campaign", str(toml), "--out", str(out), "--as-of",
                           "2025-03-31")
    assert "Đoàn đại biểu Liên đoàn Lao động huyện Bàu Bàng đi dự hội nghị cấp trên có 1 " \
           "người, cấp trên phân bổ 3" in stdout
