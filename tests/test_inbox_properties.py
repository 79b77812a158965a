"""Property: plausible inboxes of every preset never crash the real command.

Inboxes are drawn the way offices make them: any of the five campaigns; a unit registry of two
or three levels, with or without «Khối thi đua», or none at all (the tree inferred); units that
send any subset of the template's sheets, some empty, with values that are right, wrong or odd.
Through `dhtt-merge` itself (CliRunner), every draw must end with status 0 or 1, list every
file of the inbox exactly once, and account for every row read exactly once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from excel_pipeline.campaign import load_campaign, preset_ids
from excel_pipeline.cli import main
from excel_pipeline.template import INFO, ROW_SHEETS, Column
from excel_pipeline.write.submission import write_registry, write_submission

EXAMPLES = int(os.environ.get("DHTT_PROPERTY_EXAMPLES", "20"))
PRESETS = preset_ids()
AS_OF = dt.date(2025, 3, 31)
ODD = ["", "   ", "x", "-5", "=1+1", "không rõ", "NguyÔn V¨n An", "31/02/2025", 0, 10**7, 1.5,
       dt.date(1899, 12, 31), dt.date(2026, 1, 1)]


def value_for(column: Column, draw: st.DrawFn, codes: list[str]) -> Any:
    """A right value for the column most of the time, a wrong or odd one otherwise."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from(ODD))
    if column.key in ("unit_code", "parent_code", "nominee_unit"):
        return draw(st.sampled_from(codes))
    if column.choices:
        return draw(st.sampled_from(column.choices))
    if column.kind in ("int", "number"):
        return draw(st.integers(0, 400))
    if column.kind == "year":
        return draw(st.integers(1950, 2007))
    if column.kind == "date":
        return draw(st.dates(dt.date(2024, 10, 1), dt.date(2025, 6, 30)))
    if column.kind == "flag":
        return draw(st.sampled_from([True, False, None]))
    return draw(st.sampled_from(["Nguyễn Văn An", "Lò Thị Hoa", "Công nhân", "Tổ sản xuất 1"]))


@st.composite
def inbox_plan(draw: st.DrawFn) -> dict[str, Any]:
    preset = draw(st.sampled_from(PRESETS))
    levels = [level.name for level in load_campaign(preset).levels] or ["Cấp trên", "Cơ sở"]
    depth = draw(st.sampled_from([0, 2, 3]))  # 0: no registry, the tree is inferred
    blocks = draw(st.booleans())
    registry = [{"unit_code": "ROOT", "unit_name": "Đơn vị gốc", "level": levels[0]}]
    middle = ["M1", "M2"] if depth == 3 else []
    for code in middle:
        registry.append({"unit_code": code, "unit_name": f"Công đoàn {code}",
                         "level": levels[min(1, len(levels) - 1)], "parent_code": "ROOT"})
    leaves = [f"U{number}" for number in range(draw(st.integers(1, 5)))]
    for number, code in enumerate(leaves):
        registry.append({"unit_code": code, "unit_name": f"CĐCS {code}",
                         "level": levels[-1], "parent_code": middle[number % 2] if middle
                         else "ROOT", "members": draw(st.integers(5, 900)),
                         **({"block": draw(st.sampled_from(["Khối A", "Khối B"]))}
                            if blocks else {})})
    codes = [row["unit_code"] for row in registry]
    units = []
    for code in draw(st.lists(st.sampled_from(codes), max_size=4)):
        level = next(row["level"] for row in registry if row["unit_code"] == code)
        info = {column.key: value_for(column, draw, codes) for column in INFO.columns}
        info.update(unit_code=code, level=level)
        sheets = {}
        for spec in draw(st.lists(st.sampled_from(ROW_SHEETS), max_size=4, unique=True)):
            count = draw(st.integers(0, 4))  # 0: the sheet is there, empty
            sheets[spec.key] = [{column.key: value_for(column, draw, codes)
                                 for column in spec.columns} for _ in range(count)]
        units.append((info, sheets))
    return {"preset": preset, "registry": registry if depth else None, "units": units}


@pytest.mark.slow  # a long property run
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inbox_plan())
def test_plausible_inboxes_of_every_preset_never_crash_and_always_balance(plan):
    with tempfile.TemporaryDirectory() as folder:
        inbox, out = Path(folder) / "hộp thư", Path(folder) / "out"
        inbox.mkdir()
        args = ["tong-hop", str(inbox), "--campaign", plan["preset"], "--out", str(out),
                "--as-of", AS_OF.isoformat(), "--no-cache"]
        if plan["registry"] is not None:
            args += ["--units", str(write_registry(Path(folder) / "danh-muc.xlsx",
                                                   plan["registry"]))]
        for number, (info, sheets) in enumerate(plan["units"]):
            write_submission(inbox / f"{number:02} {info['unit_code']}.xlsx", info, sheets)
        if not plan["units"]:  # an inbox with nothing in it is the user's mistake (exit 2)
            (inbox / "trống.xlsx").write_bytes(b"")

        result = CliRunner().invoke(main, args)

        assert result.exit_code in (0, 1), (result.output, result.exception)
        report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
        listed = [entry["path"] for entry in report["files"]]
        assert sorted(listed) == sorted(p.name for p in inbox.iterdir())
        for key, rows in report["rows"].items():
            assert rows["read"] == rows["accepted"] + rows["rejected"] + rows["superseded"], key
        written = {key: sum(len(sheets.get(key, [])) for _, sheets in plan["units"])
                   for key in report["rows"]}
        assert all(report["rows"][key]["read"] <= count for key, count in written.items())
