"""The ledger refuses what it cannot trust (issue #31): a missing or empty file, passwords on
screen, values longer than it holds; and two processes opening a fresh ledger at once both
succeed, on SQLite and on PostgreSQL."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from excel_pipeline.cli import main
from excel_pipeline.write.submission import write_submission
from tests.conftest import delegate, info
from tests.postgres import postgres_url  # noqa: F401  (a fixture)


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def decision_list(path: Path, names: list[str], cccd: dict[str, str] | None = None) -> Path:
    """A decision's annex; `cccd` adds a «Số CCCD» column (name -> number)."""
    write_submission(path, info("C01"), {"nominations": [
        {"subject": "Cá nhân", "name": name, "birth_year": 1980 + i, "gender": "Nam",
         "award": "Lao động tiên tiến"} for i, name in enumerate(names)]})
    if cccd:
        book = openpyxl.load_workbook(path)
        sheet = book["Đề nghị khen thưởng"]
        header = next(row for row in sheet.iter_rows() if any(c.value == "Hình thức khen thưởng"
                                                              for c in row))
        column = max(c.column for c in header if c.value) + 1
        sheet.cell(header[0].row, column, "Số CCCD")
        name_column = next(c.column for c in header if c.value == "Họ tên / Tên tập thể")
        for row in range(header[0].row + 1, sheet.max_row + 1):
            name = sheet.cell(row, name_column).value
            if name in cccd:
                sheet.cell(row, column, cccd[name])
        book.save(path)
    return path


def database(url: str, **options: object) -> sa.Engine:
    """An engine for a ledger's URL or file, as the command names it."""
    if "://" not in url:
        return sa.create_engine(f"sqlite:///{url}", **options)
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), **options)


def count(url: str) -> int:
    engine = database(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM awards")).scalar_one())
    finally:
        engine.dispose()


def test_a_ledger_that_does_not_exist_is_created_only_by_import(tmp_path, make_unit):
    make_unit("C01", [delegate()])
    missing = tmp_path / "so-danh-may-sai.db"
    for args in (["ledger", "show", "An"], ["ledger", "export", str(tmp_path / "x.xlsx")],
                 [str(tmp_path / "inbox"), "--out", str(tmp_path / "out")]):
        code, output = cli(*args, "--ledger", str(missing))
        assert code == 2 and f"Không thấy sổ khen thưởng «{missing}»" in output, args
        assert not missing.exists()
    assert not (tmp_path / "out").exists()
    code, _ = cli("ledger", "import", str(decision_list(tmp_path / "qd.xlsx", ["An"])),
                  "--year", "2025", "--decision", "1/QĐ", "--ledger", str(missing))
    assert code == 0 and count(str(missing)) == 1


def test_an_empty_file_is_not_turned_into_a_ledger(tmp_path):
    empty = tmp_path / "so.db"
    empty.touch()
    code, output = cli("ledger", "import", str(decision_list(tmp_path / "qd.xlsx", ["An"])),
                       "--year", "2025", "--decision", "1/QĐ", "--ledger", str(empty))
    assert code == 2 and "rỗng, không phải sổ khen thưởng" in output
    assert empty.stat().st_size == 0


def test_a_database_of_another_program_is_left_alone(tmp_path):
    other = tmp_path / "ke-toan.db"
    engine = sa.create_engine(f"sqlite:///{other}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE invoices (id INTEGER)"))
    engine.dispose()
    code, output = cli("ledger", "import", str(decision_list(tmp_path / "qd.xlsx", ["An"])),
                       "--year", "2025", "--decision", "1/QĐ", "--ledger", str(other))
    assert code == 2 and "không phải sổ khen thưởng" in output
    engine = sa.create_engine(f"sqlite:///{other}")
    assert sa.inspect(engine).get_table_names() == ["invoices"]
    engine.dispose()


@pytest.mark.parametrize("url", [
    "postgresql://thu:mat-khau-1@127.0.0.1:1/so",
    "postgresql://thu@127.0.0.1:1/so?password=mat-khau-1",
    "postgresql://thu:mat-khau-1@127.0.0.1:1/so?sslmode=disable&PASSWORD=mat-khau-1",
])
def test_a_password_is_never_shown(tmp_path, url):
    code, output = cli("ledger", "show", "An", "--ledger", url)
    assert code == 2 and "Không mở được sổ khen thưởng" in output
    assert "mat-khau" not in output and "127.0.0.1" in output


def import_in_process(args: list[str], results: multiprocessing.Queue) -> None:
    """One `ledger import` in a process of its own (for the concurrent first use)."""
    result = CliRunner().invoke(main, args)
    results.put((result.exit_code, result.output))


def imports_at_once(tmp_path: Path, ledger: str) -> None:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = []
    for number in range(2):
        names = [f"Người {number}-{i}" for i in range(3)]
        args = ["ledger", "import", str(decision_list(tmp_path / f"qd{number}.xlsx", names)),
                "--year", "2025", "--decision", f"{number}/QĐ", "--ledger", ledger]
        processes.append(context.Process(target=import_in_process, args=(args, results)))
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert all("Đã ghi 3 khen thưởng mới" in output for _, output in outcomes)
    assert count(ledger) == 6


@pytest.mark.slow
def test_two_processes_opening_a_fresh_sqlite_ledger_at_once(tmp_path):
    ledger = tmp_path / "so.db"
    imports_at_once(tmp_path, str(ledger))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".so.db")] == []


@pytest.mark.slow
def test_two_processes_opening_a_fresh_postgresql_ledger_at_once(tmp_path,
                                                                postgres_url):  # noqa: F811
    imports_at_once(tmp_path, _fresh_database(postgres_url, "so_moi"))


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_a_value_longer_than_the_ledger_holds_costs_its_row_only(tmp_path, where, request):
    ledger = str(tmp_path / "so.db") if where == "sqlite" else _fresh_database(
        request.getfixturevalue("postgres_url"), "so_dai")
    names = ["An", "Bình", "Chi"]
    path = decision_list(tmp_path / "qd.xlsx", names,
                         {"An": "001085000001", "Bình": "0" * 25, "Chi": "001085000003"})
    code, output = cli("ledger", "import", str(path), "--year", "2025", "--decision", "1/QĐ",
                       "--ledger", ledger)
    assert code == 1, output
    assert "Đã ghi 2 khen thưởng mới" in output
    assert "(Bình): «Số CCCD» dài 25 ký tự, sổ chỉ giữ 20" in output
    assert count(ledger) == 2


def _fresh_database(url: str, name: str) -> str:
    server = database(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    server.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def test_a_database_error_is_said_for_what_it_is():
    from excel_pipeline.ledger.store import describe_error

    class TooLong(Exception):
        sqlstate = "22001"

    said = describe_error(sa.exc.DataError("INSERT …", {}, TooLong("value too long")))
    assert "quá dài" in said and "22001" in said and "kết nối" not in said


def test_a_malformed_address_is_said_without_its_password(tmp_path):
    code, output = cli("ledger", "show", "An", "--ledger", "postgresql://thu:mat-khau@[::1/so")
    assert code == 2 and "Không dùng được sổ khen thưởng" in output
    assert "mat-khau" not in output
