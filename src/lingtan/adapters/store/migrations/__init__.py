"""Alembic migrations of the lingtan store (run by :func:`lingtan.adapters.store.db.migrate`)."""
