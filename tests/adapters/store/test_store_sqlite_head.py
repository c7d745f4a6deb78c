"""A new SQLite store after the first one a process migrated is a copy of it (decision 0086,
addendum 2: ``store.db._SqliteHead``): the same schema as the migrations make, at the head
revision, with its own journal mode; a store that is not new still goes through Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from lingtan.adapters.store import db as store_db


def _tables(url: str) -> list[str]:
    engine = store_db.make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
            return sorted(r[0] for r in rows)
    finally:
        engine.dispose()


def test_a_new_store_is_the_migrated_head(tmp_path: Path) -> None:
    first = store_db.make_engine(f"sqlite:///{tmp_path / 'first.db'}")
    store_db.migrate(first)  # migrated by Alembic, or itself a copy if the process kept one
    first.dispose()
    second = store_db.make_engine(f"sqlite:///{tmp_path / 'second.db'}", sqlite_wal=True)
    try:
        store_db.migrate(second)
        assert store_db._SQLITE_HEAD._db is not None  # a copy is kept after the first
        assert store_db.current_revision(second) == store_db.head_revision()
        with second.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, store_db.metadata()) == []
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # a row written to the copy stays in its file, not in the kept database
            conn.execute(text("INSERT INTO organisation (slug, name, created_at) "
                              "VALUES ('x', 'X', '2024-01-01')"))  # fmt: skip
            conn.commit()
    finally:
        second.dispose()
    assert _tables(f"sqlite:///{tmp_path / 'first.db'}") == _tables(
        f"sqlite:///{tmp_path / 'second.db'}"
    )
    third = store_db.make_engine(f"sqlite:///{tmp_path / 'third.db'}")
    try:
        store_db.migrate(third)
        with third.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM organisation")).scalar() == 0
    finally:
        third.dispose()
