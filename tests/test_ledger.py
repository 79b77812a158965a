"""The ledger through the real command: a decision's list imported, the next run's nominations
checked against it (AWARD_REPEATED, TITLE_CHAIN), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.write.submission import write_submission
from tests.conftest import delegate, info
from tests.postgres import postgres_url  # noqa: F401  (a fixture)


def nomination(name: str, birth: int, form: str, sex: str = "Nam") -> dict:
    return {"subject": "Cá nhân", "name": name, "birth_year": birth, "gender": sex,
            "award": form}


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def flow(tmp_path: Path, ledger: str) -> None:
    """Last year's decision imported; this year's inbox checked against it."""
    decision = write_submission(tmp_path / "qd-2025.xlsx", info("C01"), {"nominations": [
        nomination("Nguyễn Văn An", 1985, "Lao động tiên tiến"),
        nomination("Lê Thị Hoa", 1990, "Chiến sĩ thi đua cơ sở", "Nữ"),
        nomination("Trần Văn Bình", 1979, "Lao động tiên tiến")]})
    args = ["ledger", "import", str(decision), "--year", "2025", "--decision", "12/QĐ-LĐLĐ",
            "--decision-date", "20/12/2025", "--ledger", ledger]
    code, output = cli(*args)
    assert code == 0 and "Đã ghi 3 khen thưởng mới" in output
    code, output = cli(*args)  # the same decision again changes nothing
    assert code == 0 and "Đã ghi 0 khen thưởng mới" in output and "3 dòng đã có" in output

    code, output = cli("ledger", "show", "nguyen van an", "--ledger", ledger)
    assert code == 0 and "12/QĐ-LĐLĐ ngày 20/12/2025" in output and "Lao động tiên tiến" in output

    inbox = tmp_path / "hộp thư"
    write_submission(inbox / "C01.xlsx", info("C01"), {"delegates": [delegate()],
                                                       "nominations": [
        nomination("Nguyễn Văn An", 1985, "Lao động tiên tiến"),         # repeated (row 2)
        nomination("Phạm Văn Cường", 1979, "Chiến sĩ thi đua cơ sở"),      # no LĐTT (row 3)
        nomination("Đỗ Thị Lan", 1992, "Lao động tiên tiến", "Nữ"),        # its LĐTT …
        nomination("Đỗ Thị Lan", 1992, "Chiến sĩ thi đua cơ sở", "Nữ")]})  # … same run: fine
    write_submission(inbox / "C02.xlsx", info("C02"), {"delegates": [delegate("Võ Văn Tú")],
                                                       "nominations": [
        nomination("Trần Văn Bình", 1979, "Lao động tiên tiến")]})  # same name, other unit
    out = tmp_path / "out"
    code, _ = cli(str(inbox), "--out", str(out), "--as-of", "31/12/2025", "--ledger", ledger)
    assert code == 1
    report = json.loads((out / "tong-hop.json").read_text(encoding="utf-8"))
    found = sorted((f["code"], f["severity"], f["unit"], f["row"]) for f in report["findings"]
                   if f["code"] in ("AWARD_REPEATED", "TITLE_CHAIN"))
    assert found == [("AWARD_REPEATED", "error", "C01", 2),
                     ("AWARD_REPEATED", "warning", "C02", 2),
                     ("TITLE_CHAIN", "error", "C01", 3)]
    chain = next(f for f in report["findings"] if f["code"] == "TITLE_CHAIN")
    assert "Yêu cầu: Lao động tiên tiến năm 2025" in chain["message"]
    assert "Hiện có: không có" in chain["message"] and "06/2022/QH15" in chain["message"]
    possible = next(f for f in report["findings"] if f["severity"] == "warning"
                    and f["code"] == "AWARD_REPEATED")
    assert "Có thể «Trần Văn Bình» (đơn vị C02)" in possible["message"]
    assert "đơn vị C01" in possible["message"]  # both records named, not merged
    sheet = openpyxl.load_workbook(out / "tong-hop.xlsx")["Phát hiện"]
    assert {"AWARD_REPEATED", "TITLE_CHAIN"} <= {row[1] for row in sheet.iter_rows(
        values_only=True)}

    export = tmp_path / "so.xlsx"
    assert cli("ledger", "export", str(export), "--ledger", ledger)[0] == 0
    rows = list(openpyxl.load_workbook(export)["Sổ khen thưởng"].iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][0] == 2025 and rows[1][8] == dt.datetime(2025, 12, 20)


def test_the_ledger_in_an_sqlite_file(tmp_path):
    ledger = tmp_path / "sổ" / "so-khen-thuong.db"
    flow(tmp_path, str(ledger))
    assert stat.S_IMODE(os.stat(ledger).st_mode) == 0o600  # personal data: its owner only


@pytest.mark.slow  # starts a PostgreSQL server
def test_the_ledger_on_a_postgresql_server(tmp_path, postgres_url):  # noqa: F811
    flow(tmp_path, postgres_url)


def test_an_unreachable_ledger_is_said_and_nothing_is_written(tmp_path):
    out = tmp_path / "out"
    code, output = cli("--out", str(out), "--ledger", "postgresql://nobody@127.0.0.1:1/x")
    assert code == 2 and "Không mở được sổ khen thưởng" in output
    assert not out.exists()


@pytest.mark.parametrize("bad", ['form = "Giấy khen"\nneeds = ["Lao động tiên tiến"]\n',
                                 'form = "Chiến sĩ thi đua cơ sở"\nneeds = ["Không có"]\n'
                                 'source = "x"\n'])
def test_a_chain_needs_known_forms_and_a_citation(tmp_path, bad):
    from excel_pipeline.campaign import load_campaign
    from excel_pipeline.errors import CampaignError

    path = tmp_path / "dot.toml"
    path.write_text('id = "x"\nname = "x"\ndocument = "x"\n[[levels]]\nid = "a"\nname = "A"\n'
                    f"[[chains]]\n{bad}", encoding="utf-8")
    with pytest.raises(CampaignError):
        load_campaign(path)


def test_a_file_that_is_no_ledger_is_said_in_vietnamese(tmp_path):
    notes = tmp_path / "ghi-chu.db"
    notes.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    code, output = cli("ledger", "show", "An", "--ledger", str(notes))
    assert code == 2 and "tệp không phải sổ khen thưởng (SQLite) hoặc bị hỏng" in output
