"""The documentation of finding codes and campaign rules is generated from the code's one
catalogue; the committed page must be what the code generates now."""

from __future__ import annotations

from excel_pipeline.campaign import load_campaign, preset_ids
from excel_pipeline.describe import catalogue_markdown, rule_lines
from excel_pipeline.findings import CATALOGUE
from tests.conftest import REPO


def test_the_committed_rules_page_is_the_generated_one():
    generated = catalogue_markdown(load_campaign(campaign_id) for campaign_id in preset_ids())
    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, \
        "docs/rules.md is stale: python -m excel_pipeline.describe docs/rules.md"


def test_every_code_and_every_rule_of_every_preset_is_documented():
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for kind in CATALOGUE:
        assert f"| `{kind.code}` |" in page and kind.advice in page
    for campaign_id in preset_ids():
        for line in rule_lines(load_campaign(campaign_id)):
            assert line.sentence in page, (campaign_id, line.title)
