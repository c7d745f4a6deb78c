"""Alembic environment of the lingtan store, run programmatically by
:func:`lingtan.adapters.store.db.migrate` (the connection comes in ``config.attributes``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from lingtan.adapters.store.db import make_engine, metadata

config = context.config
target_metadata = metadata()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if context.is_offline_mode():  # pragma: no cover - SQL scripts are not used
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run(connection)
else:  # pragma: no cover - `alembic` command line with sqlalchemy.url set
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)
