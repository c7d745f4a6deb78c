"""Shared fixtures of the server tests (store, API; the web tests add theirs at the end).

``db_url`` runs a test on SQLite and on PostgreSQL (STYLE.md habit 11). PostgreSQL is the one at
127.0.0.1:5432 (database ``test``, user ``postgres``, trust auth): each test session creates its
own database ``lingtan_t_<random>``, migrates it once, empties it after every test and drops it
at the end (the server is shared with other runs). When PostgreSQL cannot be reached the
PostgreSQL half is skipped — or fails when the environment variable ``CI`` is set, because CI
must test on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from serverkit import Server, TestClient

BACKENDS = ("sqlite", "postgresql")


def _pg_unavailable(reason: str) -> None:
    from pgkit import pg_unavailable

    pg_unavailable(reason)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of this test session's own PostgreSQL database, migrated (dropped at the end)."""
    from pgkit import PostgresUnavailableError, scratch_database

    try:
        with scratch_database("lingtan_t_") as url:
            from lingtan.adapters.store.db import make_engine, migrate

            engine = make_engine(url)
            migrate(engine)
            engine.dispose()
            yield url
    except PostgresUnavailableError as exc:
        _pg_unavailable(str(exc))


def _empty_pg(url: str) -> None:
    """Remove every row (and reset the id sequences) after a test."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ]
            if tables:
                names = ", ".join(f'"{t}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL: a fresh SQLite file, or the session's PostgreSQL database (emptied after
    the test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = request.getfixturevalue("pg_database")
    try:
        yield url
    finally:
        _empty_pg(url)


@pytest.fixture
def engines() -> Iterator[Callable[[str], Engine]]:
    """Make engines that are disposed of after the test."""
    from lingtan.adapters.store.db import make_engine

    made: list[Engine] = []

    def make(url: str) -> Engine:
        e = make_engine(url)
        made.append(e)
        return e

    yield make
    for e in made:
        e.dispose()


@pytest.fixture
def server_factory(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start apps on ``db_url`` (lifespan run: migrations, job worker); stopped after the
    test."""
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings

    running: list[tuple[TestClient, Any]] = []

    def start(workers: int = 1, **kw: Any) -> Server:
        settings = ServerSettings(
            database_url=db_url,
            data_dir=tmp_path / "data",
            workers=workers,
            secret="test",
            base_url="http://testserver",
            poll_interval_s=0.05,
            **kw,
        )
        app = create_app(settings)
        client = TestClient(app)
        client.__enter__()
        running.append((client, app))
        return Server(app, client, app.state.engine, settings.data_dir)

    yield start
    for client, app in reversed(running):
        client.__exit__(None, None, None)
        app.state.engine.dispose()
