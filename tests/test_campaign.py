import datetime as dt
import re
from pathlib import Path

import pytest

from excel_pipeline.campaign import campaign_from_dict, load_campaign, preset_ids
from excel_pipeline.errors import CampaignError


def test_all_five_presets_load_with_levels():
    assert preset_ids() == ["bau-bang-2025", "dien-bien-2020", "dien-bien-tong-ket-2020",
                            "lai-chau-2015", "ninh-thuan-2020"]
    for preset in preset_ids():
        campaign = load_campaign(preset)
        assert campaign.id == preset
        assert 2 <= len(campaign.levels) <= 3


def test_default_preset_is_bau_bang_with_document_dates():
    campaign = load_campaign(None)
    assert campaign.id == "bau-bang-2025"
    cdcs = campaign.levels[1]
    assert cdcs.delegate_cap == 200
    assert cdcs.conference_end == dt.date(2025, 3, 10)
    assert cdcs.dossier_deadline == dt.date(2025, 3, 15)
    assert campaign.levels[0].delegate_cap == 250


def _minimal(**extra):
    data = {"id": "x", "name": "Thử", "document": "Văn bản thử",
            "levels": [{"id": "tinh", "name": "Tỉnh"}, {"id": "cs", "name": "Cơ sở"}]}
    data.update(extra)
    return data


def test_unknown_key_is_named_in_vietnamese():
    with pytest.raises(CampaignError, match=re.escape("khóa 'levels[1].delegat_cap'")):
        campaign_from_dict(_minimal(levels=[{"id": "t", "name": "T"},
                                            {"id": "c", "name": "C", "delegat_cap": 5}]))


def test_wrong_type_is_refused():
    with pytest.raises(CampaignError, match="exemplary_share"):
        campaign_from_dict(_minimal(exemplary_share="70%"))
    with pytest.raises(CampaignError, match="conference_end"):
        campaign_from_dict(_minimal(levels=[{"id": "t", "name": "T",
                                             "conference_end": "2025-03-10"}]))


def test_unknown_severity_code_refused():
    with pytest.raises(CampaignError, match=re.escape("severity.NO_SUCH")):
        campaign_from_dict(_minimal(severity={"NO_SUCH": "error"}))
    with pytest.raises(CampaignError, match=re.escape("severity.DELEGATE_CAP")):
        campaign_from_dict(_minimal(severity={"DELEGATE_CAP": "fatal"}))


def test_user_file_and_unknown_preset(tmp_path: Path):
    path = tmp_path / "dot.toml"
    path.write_text('id = "rieng"\nname = "Riêng"\ndocument = "KH 1"\n'
                    '[[levels]]\nid = "a"\nname = "A"\n[severity]\nEXEMPLARY_SHARE = "error"\n',
                    encoding="utf-8")
    campaign = load_campaign(path)
    assert campaign.id == "rieng"
    assert campaign.severities["EXEMPLARY_SHARE"] == "error"
    with pytest.raises(CampaignError, match="Không có đợt thi đua mẫu"):
        load_campaign("khong-co")
    bad = tmp_path / "bad.toml"
    bad.write_text("id = ", encoding="utf-8")
    with pytest.raises(CampaignError, match="sai cú pháp"):
        load_campaign(bad)


def test_level_for_uses_label_then_depth(campaign):
    assert campaign.level_for("CĐCS", 0).id == "cdcs"
    assert campaign.level_for("cong doan co so", 0).id == "cdcs"
    assert campaign.level_for(None, 0).id == "huyen"
    assert campaign.level_for("không rõ", 5).id == "cdcs"


def test_campaigns_command_lists_and_describes():
    from click.testing import CliRunner

    from excel_pipeline.cli import main

    listing = CliRunner().invoke(main, ["campaigns"])
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()] == preset_ids()
    table = CliRunner().invoke(main, ["campaigns", "dien-bien-tong-ket-2020"])
    assert table.exit_code == 0
    assert "10%" in table.stdout and "Không xét khen thưởng" in table.stdout
    assert "10/12/2020" in table.stdout
    unknown = CliRunner().invoke(main, ["campaigns", "khong-co"])
    assert unknown.exit_code == 2


def test_a_district_output_level_is_known_to_the_province_presets():
    # gui-cap-tren.xlsx of a bau-bang-2025 district names its level by the preset's level name.
    district = load_campaign("bau-bang-2025").levels[0].name
    for preset in ("dien-bien-2020", "dien-bien-tong-ket-2020", "ninh-thuan-2020"):
        assert any(level.matches(district) for level in load_campaign(preset).levels), preset
