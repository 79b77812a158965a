"""The awards table.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "awards",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.String(20), nullable=False),
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
    )
    op.create_index("ix_awards_name_key", "awards", ["name_key"])


def downgrade() -> None:
    op.drop_index("ix_awards_name_key", "awards")
    op.drop_table("awards")
