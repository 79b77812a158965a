"""Attaching submissions to units on DataFrames: unknown, duplicate and missing submissions."""

import datetime as dt

import pandas as pd

from excel_pipeline.check.registry import build_registry
from excel_pipeline.check.submissions import attach_submissions, missing_submissions
from excel_pipeline.model import FileRecord


def registry(campaign, codes):
    rows = pd.DataFrame([{"unit_code": "R", "unit_name": "Huyện", "level": "LĐLĐ huyện"}]
                        + [{"unit_code": c, "unit_name": c, "level": "CĐCS", "parent_code": "R",
                            "members": 10} for c in codes])
    return build_registry(rows, campaign, inferred=False)


def info(*entries):
    return pd.DataFrame([{"_file_id": i, "unit_code": code, "submitted_on": pd.Timestamp(sent),
                          "_cells": {"unit_code": 3, "submitted_on": 12}}
                         for i, (code, sent) in enumerate(entries)])


def test_unknown_unit_rejects_the_file(campaign):
    files = [FileRecord(0, "a.xlsx"), FileRecord(1, "b.xlsx")]
    findings = attach_submissions(files, info(("C1", "2025-03-01"), ("ZZ", "2025-03-01")),
                                  registry(campaign, ["C1"]), campaign)
    assert [f.code for f in findings] == ["UNKNOWN_UNIT"]
    assert findings[0].row == 3 and findings[0].value == "ZZ"
    assert [r.status for r in files] == ["accepted", "rejected"]


def test_later_submission_date_wins_then_file_time(campaign):
    files = [FileRecord(0, "old.xlsx", mtime=200), FileRecord(1, "new.xlsx", mtime=100),
             FileRecord(2, "same-date-older-file.xlsx", mtime=50)]
    findings = attach_submissions(
        files, info(("C1", "2025-03-01"), ("C1", "2025-03-05"), ("C1", "2025-03-05")),
        registry(campaign, ["C1"]), campaign)
    assert [r.status for r in files] == ["superseded", "accepted", "superseded"]
    assert [f.code for f in findings] == ["DUPLICATE_SUBMISSION"] * 2
    assert all(f.severity == "warning" for f in findings)
    assert {f.file for f in findings} == {"old.xlsx", "same-date-older-file.xlsx"}


def test_missing_submission_is_warning_before_deadline_error_after(campaign):
    reg = registry(campaign, ["C1", "C2"])
    files = [FileRecord(0, "a.xlsx", unit="C1")]
    deadline = campaign.levels[1].dossier_deadline
    on_time = missing_submissions(files, reg, campaign, deadline)
    late = missing_submissions(files, reg, campaign, deadline + dt.timedelta(days=1))
    assert [(f.code, f.unit, f.severity) for f in on_time] == [("MISSING_SUBMISSION", "C2",
                                                                "warning")]
    assert [(f.code, f.unit, f.severity) for f in late] == [("MISSING_SUBMISSION", "C2", "error")]


def test_inferred_registry_never_reports_missing(campaign):
    rows = pd.DataFrame([{"unit_code": "C1", "parent_code": "R", "level": "CĐCS"}])
    reg = build_registry(rows, campaign, inferred=True)
    assert reg.order == ["R", "C1"]
    assert reg.units["C1"].level.id == "cdcs" and reg.units["R"].level.id == "huyen"
    assert missing_submissions([], reg, campaign, dt.date(2030, 1, 1)) == []


def test_registry_cycle_is_cut(campaign):
    rows = pd.DataFrame([{"unit_code": "A", "parent_code": "B"},
                         {"unit_code": "B", "parent_code": "A"}])
    reg = build_registry(rows, campaign, inferred=False)
    assert sorted(reg.order) == ["A", "B"]
    assert len(reg.roots) == 1
