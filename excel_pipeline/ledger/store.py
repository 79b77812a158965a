"""Open, migrate, fill and read the ledger, in an SQLite file or a PostgreSQL database.

One well-kept database library does the work: SQLAlchemy Core speaks to both, and Alembic
brings an older ledger's tables up to this version's before anything is read or written, so a
province's shared ledger and an office's file stay on one schema. The ledger holds personal
data: an SQLite file is created readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import DhttError, os_reason
from ..textnorm import fold
from .tables import awards

DEFAULT_FILE = "so-khen-thuong.db"


class LedgerError(DhttError):
    """The ledger cannot be opened or read (exit status 2)."""


@dataclass(frozen=True)
class Award:
    """One award granted."""

    subject: str
    name: str
    birth_year: int | None
    unit: str
    form: str
    year: int
    decision: str
    decision_date: dt.date | None = None
    cccd: str | None = None
    source: str = ""

    def row(self) -> dict[str, Any]:
        return {"subject": self.subject, "name": self.name, "name_key": fold(self.name),
                "birth_year": self.birth_year or 0, "unit": self.unit, "cccd": self.cccd,
                "form": self.form, "year": self.year, "decision": self.decision,
                "decision_date": self.decision_date, "source": self.source}


def shown(where: str | Path) -> str:
    """The ledger as messages name it: a URL without its password, wherever the URL carries
    one (`user:password@` or `?password=`)."""
    text = str(where)
    if "://" not in text:
        return text
    try:
        url = sa.engine.make_url(text)
    except (sa.exc.ArgumentError, ValueError):
        return _PASSWORD_QUERY.sub(r"\1***", _PASSWORD_USERINFO.sub(r"\1***@", text))
    hidden = {key: "***" for key in url.query if key.lower() in _SECRET_KEYS}
    return url.update_query_dict(hidden).render_as_string(hide_password=True)


# A password wherever a database URL may carry one (libpq reads all these query keys).
_SECRET_KEYS = {"password", "pass", "passwd", "pwd", "sslpassword"}
_PASSWORD_USERINFO = re.compile(r"(://[^:/@]*:)[^@]*@")
_PASSWORD_QUERY = re.compile(r"([?&](?:password|pass|passwd|pwd|sslpassword)=)[^&]*", re.I)


def engine_for(where: str | Path) -> sa.Engine:
    """An engine for a `postgresql://…` URL, or for an existing SQLite file. SQLite
    transactions begin IMMEDIATE: two processes opening one ledger queue up rather than both
    reading the schema's version and both migrating it."""
    text = str(where)
    if "://" in text:
        try:
            url = sa.engine.make_url(text)
            if url.drivername == "postgresql":  # psycopg 3, the maintained driver
                url = url.set(drivername="postgresql+psycopg")
            return sa.create_engine(url)
        except (sa.exc.ArgumentError, ValueError):
            raise LedgerError(f"Không dùng được sổ khen thưởng {shown(text)}: địa chỉ viết sai "
                              "(dạng postgresql://tài-khoản@máy-chủ:cổng/tên-cơ-sở-dữ-liệu)") \
                from None
        except ImportError:
            raise LedgerError(f"Không dùng được sổ khen thưởng {shown(text)}: cần "
                              "cài chương trình kèm trình kết nối PostgreSQL ([postgres], xem "
                              "README)") from None
    engine = sa.create_engine(f"sqlite:///{Path(text)}",
                              connect_args={"timeout": SQLITE_WAIT})

    @sa.event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver's own BEGIN is deferred

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# Seconds an SQLite ledger waits for another process's transaction (an import, a migration).
SQLITE_WAIT = 120.0


@contextmanager
def opened(where: str | Path, create: bool = False) -> Iterator[sa.Connection]:
    """A connection to the ledger, its tables migrated to this version's, in a transaction.
    A missing SQLite file is created only with `create` (`ledger import`): a mistyped --ledger
    is said, not silently answered from an empty new ledger; an empty or foreign file is
    refused, never turned into a ledger."""
    remote = "://" in str(where)
    if not remote:
        _check_file(Path(where), create)
    engine = engine_for(where)
    try:
        try:
            connection = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise LedgerError(f"Không mở được sổ khen thưởng {shown(where)}: "
                              f"{_unreachable(exc, remote)}.") from None
        with connection, connection.begin():
            if remote:
                _lock_migrations(connection)
            _refuse_foreign(connection, where)
            _migrate(connection)
            yield connection
    except sa.exc.DBAPIError as exc:
        raise LedgerError(f"Sổ khen thưởng {shown(where)}: {describe_error(exc)}.") from None
    finally:
        engine.dispose()


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise LedgerError(f"Sổ khen thưởng «{path}» là một thư mục, không phải tệp sổ (.db).")
    if not path.exists():
        if not create:
            raise LedgerError(f"Không thấy sổ khen thưởng «{path}». Kiểm tra lại --ledger; sổ "
                              "mới được tạo khi ghi quyết định đầu tiên bằng «dhtt-merge ledger "
                              "import».")
        _create_file(path)
    elif path.stat().st_size == 0:
        raise LedgerError(f"Tệp «{path}» rỗng, không phải sổ khen thưởng: không dùng tệp này "
                          "làm sổ. Xóa tệp rỗng đó (hoặc chọn tên khác) rồi ghi quyết định đầu "
                          "tiên bằng «dhtt-merge ledger import».")


def _create_file(path: Path) -> None:
    """A new ledger file, whole or not at all: built under a temporary name, its tables made,
    then linked to its name unless another process made it first (that one is kept, so two
    first imports at once both land in one ledger). Readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        temp.touch(mode=0o600)
        os.chmod(temp, 0o600)  # the umask may have widened it: personal data stays private
        engine = engine_for(temp)
        try:
            with engine.begin() as connection:
                _migrate(connection)
        finally:
            engine.dispose()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process made it first: its ledger is the one
        except OSError:  # a disk without hard links (FAT, some shares): the next best
            if not path.exists():
                os.replace(temp, path)
    except OSError as exc:
        raise LedgerError(f"Không tạo được sổ khen thưởng «{path}»: "
                          f"{os_reason(exc, 'tạo')}.") from None
    except sa.exc.DBAPIError as exc:
        raise LedgerError(f"Không tạo được sổ khen thưởng «{path}»: "
                          f"{describe_error(exc)}.") from None
    finally:
        temp.unlink(missing_ok=True)
        Path(f"{temp}-journal").unlink(missing_ok=True)


def _lock_migrations(connection: sa.Connection) -> None:
    """PostgreSQL: one process at a time migrates a shared ledger (held to the commit)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


_LOCK_KEY = 0x64687474  # "dhtt": the ledger's migration lock


def _refuse_foreign(connection: sa.Connection, where: str | Path) -> None:
    """A database holding tables, but neither the ledger's nor Alembic's record of them, is
    someone else's: our tables are not added to it."""
    tables = set(sa.inspect(connection).get_table_names())
    if tables and not tables & {"awards", "alembic_version"}:
        raise LedgerError(f"«{shown(where)}» là cơ sở dữ liệu của chương trình khác (có bảng "
                          f"{', '.join(sorted(tables)[:3])}), không phải sổ khen thưởng: không "
                          "ghi vào đó.")


def _unreachable(exc: sa.exc.DBAPIError, remote: bool) -> str:
    if not remote:
        return "tệp không phải sổ khen thưởng (SQLite) hoặc bị hỏng"
    text = str(exc.orig).lower()
    if "password" in text or "authentication" in text:
        return "máy chủ PostgreSQL từ chối tài khoản hoặc mật khẩu"
    if "does not exist" in text:
        return "máy chủ PostgreSQL không có cơ sở dữ liệu hoặc tài khoản này"
    return "không kết nối được máy chủ PostgreSQL (kiểm tra địa chỉ, tài khoản, mạng)"


def describe_error(exc: sa.exc.DBAPIError) -> str:
    """What a database error is, said as such (a value too long is no network failure)."""
    code = getattr(exc.orig, "sqlstate", None)
    text = str(exc.orig).lower()
    suffix = f" (mã lỗi {code})" if code else ""
    if isinstance(exc, sa.exc.DataError) or (code or "").startswith("22"):
        return f"một giá trị không ghi được vào sổ (quá dài hoặc sai kiểu){suffix}"
    if isinstance(exc, sa.exc.IntegrityError):
        return f"dữ liệu trái với ràng buộc của sổ{suffix}"
    if "locked" in text or "busy" in text:
        return "sổ đang được chương trình khác ghi quá lâu; thử lại sau"
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return "tệp không phải sổ khen thưởng (SQLite) hoặc bị hỏng"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "không có quyền ghi vào sổ"
    if isinstance(exc, sa.exc.OperationalError) and code and code.startswith("08"):
        return "mất kết nối tới máy chủ PostgreSQL"
    return f"lỗi cơ sở dữ liệu{suffix or ' (' + type(exc.orig).__name__ + ')'}"


def too_long(award: Award) -> list[tuple[str, int, int]]:
    """(column, length, limit) of each value longer than the ledger's column holds: checked
    before the database sees it, so one long CCCD costs its row, not the whole import."""
    values = award.row()
    found = []
    for column in awards.columns:
        limit = getattr(column.type, "length", None)
        value = values.get(column.name)
        if limit and isinstance(value, str) and len(value) > limit:
            found.append((column.name, len(value), int(limit)))
    return found


def _migrate(connection: sa.Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("excel_pipeline.ledger").joinpath("migrations")))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def add(connection: sa.Connection, granted: Iterable[Award]) -> int:
    """Record awards; those already recorded from the same decision are left as they are.
    Returns how many were new."""
    rows = [award.row() for award in granted]
    if not rows:
        return 0
    dialect = connection.dialect.name
    statement: sa.Insert  # each dialect's own insert, for its ON CONFLICT DO NOTHING
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert
        statement = postgresql_insert(awards).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert
        statement = sqlite_insert(awards).on_conflict_do_nothing()
    before = connection.execute(sa.select(sa.func.count()).select_from(awards)).scalar_one()
    connection.execute(statement, rows)
    after = connection.execute(sa.select(sa.func.count()).select_from(awards)).scalar_one()
    return int(after - before)


def history(connection: sa.Connection, name: str | None = None,
            year: int | None = None) -> list[dict[str, Any]]:
    """Awards recorded, of one person or collective (by folded name) and year if given."""
    query = sa.select(awards).order_by(awards.c.year, awards.c.name_key, awards.c.form)
    if name is not None:
        query = query.where(awards.c.name_key == fold(name))
    if year is not None:
        query = query.where(awards.c.year == year)
    return [dict(row) for row in connection.execute(query).mappings()]
