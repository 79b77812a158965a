"""Open, migrate, fill and read the ledger, in an SQLite file or a PostgreSQL database.

One well-kept database library does the work: SQLAlchemy Core speaks to both, and Alembic
brings an older ledger's tables up to this version's before anything is read or written, so a
province's shared ledger and an office's file stay on one schema. The ledger holds personal
data: an SQLite file is created readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import DhttError
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


def engine_for(where: str | Path) -> sa.Engine:
    """An engine for a `postgresql://…` URL, or for an SQLite file (created 0600)."""
    text = str(where)
    if "://" in text:
        url = sa.engine.make_url(text)
        if url.drivername == "postgresql":  # psycopg 3, the maintained driver
            url = url.set(drivername="postgresql+psycopg")
        try:
            return sa.create_engine(url)
        except (ImportError, sa.exc.ArgumentError):
            raise LedgerError(f"Không dùng được sổ khen thưởng "
                              f"{url.render_as_string(hide_password=True)}: cần "
                              "cài chương trình kèm trình kết nối PostgreSQL ([postgres], xem "
                              "README)") from None
    path = Path(text)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        os.chmod(path, 0o600)  # the umask may have widened it: personal data stays private
    return sa.create_engine(f"sqlite:///{path}")


@contextmanager
def opened(where: str | Path) -> Iterator[sa.Connection]:
    """A connection to the ledger, its tables migrated to this version's, in a transaction."""
    engine = engine_for(where)
    try:
        with engine.begin() as connection:
            _migrate(connection)
            yield connection
    except sa.exc.DatabaseError:
        remote = "://" in str(where)
        shown = sa.engine.make_url(str(where)).render_as_string(hide_password=True) \
            if remote else str(where)
        reason = ("không kết nối được máy chủ PostgreSQL (kiểm tra địa chỉ, tài khoản, mạng)"
                  if remote else "tệp không phải sổ khen thưởng (SQLite) hoặc bị hỏng")
        raise LedgerError(f"Không mở được sổ khen thưởng {shown}: {reason}.") from None
    finally:
        engine.dispose()


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
