"""The ledger's tables, declared once (SQLAlchemy Core); the migrations create them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# One award granted: to a person (with a birth year, a CCCD where known) or a collective, for
# one year, by one decision. `name_key` is the folded name the checks compare.
awards = sa.Table(
    "awards", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("subject", sa.String(20), nullable=False),  # Cá nhân | Tập thể
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),
    sa.Column("birth_year", sa.Integer, nullable=False, server_default="0"),  # 0: unknown
    sa.Column("unit", sa.Text, nullable=False, server_default=""),
    sa.Column("cccd", sa.String(20), nullable=True),
    sa.Column("form", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("decision", sa.Text, nullable=False),
    sa.Column("decision_date", sa.Date, nullable=True),
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("decision", "name_key", "birth_year", "unit", "form", "year",
                        name="uq_award_once_per_decision"),
    sa.Index("ix_awards_name_key", "name_key"),
)
