"""The migrations make exactly the models' schema, on SQLite and PostgreSQL, and upgrade a
store made by lingtan 0.1 (tables created without migrations) without losing a row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine

from lingtan.adapters.store import db as store_db
from lingtan.adapters.store.models import ImportBatch, QuarantinedRow
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.tenancy import Organisation
from lingtan.adapters.store.workspace import init_workspace, open_workspace


def test_migrations_make_the_models_schema(db_url: str, engines: Callable[[str], Engine]) -> None:
    engine = engines(db_url)
    store_db.migrate(engine)
    assert store_db.current_revision(engine) == store_db.head_revision()
    metadata = store_db.metadata()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, metadata) == []
        # autogenerate does not compare primary keys: check them too
        insp = inspect(conn)
        for table in metadata.sorted_tables:
            got = insp.get_pk_constraint(table.name)["constrained_columns"]
            assert got == [c.name for c in table.primary_key.columns], table.name


def _reset_to_legacy(engine: Engine) -> None:
    """Make ``engine``'s database look like lingtan 0.1 left it: the five tables of revision
    0001, no alembic_version."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            store_db.metadata().drop_all(conn)
            conn.execute(text("DROP TABLE alembic_version"))
    with engine.begin() as conn:
        command.upgrade(store_db._alembic_config(conn, None), "0001")
        conn.execute(text("DROP TABLE alembic_version"))


def test_a_01_store_is_upgraded_and_keeps_its_rows(
    db_url: str, tmp_path: Path, engines: Callable[[str], Engine], monkeypatch: object
) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    ws_dir = tmp_path / "ws"
    if db_url.startswith("postgresql"):
        mp.setenv("LINGTAN_DATABASE_URL", db_url)
    init_workspace(ws_dir, organisation="Legacy Co").engine.dispose()
    engine = engines(
        db_url if db_url.startswith("postgresql") else f"sqlite:///{ws_dir}/lingtan.db"
    )
    _reset_to_legacy(engine)
    now = datetime(2024, 5, 1, 12, 0, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO import_batch (id, seq, file_name, template, rows_read, rows_accepted,"
                " rows_rejected, imported_at) VALUES ('abc', 1, 'fuel.csv', 'fuel', 3, 2, 1, :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO quarantined_row (batch_id, row, field, reason, value) "
                "VALUES ('abc', 4, 'quantity', 'not a number', 'x')"
            )
        )
    ws = open_workspace(ws_dir)
    try:
        assert store_db.current_revision(ws.engine) == store_db.head_revision()
        assert [b.id for b in ws.batches()] == ["abc"]
        assert [(q.row, q.field) for q in ws.quarantine()] == [(4, "quantity")]
        with tenant_session(ws.engine, ws.organisation_id) as s:
            org = s.get(Organisation, ws.organisation_id)
            assert org is not None
            assert org.name == "Legacy Co"
            assert org.workspace_path == str(ws_dir.resolve())
            assert s.scalar(select(QuarantinedRow.organisation_id)) == ws.organisation_id
            # ids keep counting after the copied rows (PostgreSQL sequences were reset)
            s.add(QuarantinedRow(batch_id="abc", row=5, field="unit", reason="r", value="v"))
            s.commit()
            assert sorted(s.scalars(select(QuarantinedRow.id))) == [1, 2]
            assert s.get(ImportBatch, "abc") is not None
    finally:
        ws.engine.dispose()
