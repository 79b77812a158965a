"""Alembic's entry point: migrations run on the connection the ledger opened."""

from __future__ import annotations

from alembic import context

from excel_pipeline.ledger.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
