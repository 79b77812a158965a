"""The ledger: awards granted in earlier years, kept across runs (SQLite or PostgreSQL)."""
