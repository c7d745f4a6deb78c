"""Fixtures of the store tests (``db_url`` and ``engines``: tests/adapters/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.scoping import system_session
from lingtan.adapters.store.tenancy import Organisation


@pytest.fixture
def store(db_url: str, engines: Callable[[str], Engine]) -> tuple[Engine, int, int]:
    """A migrated store (SQLite or PostgreSQL) with two organisations, ``a`` and ``b``:
    (engine, a's id, b's id)."""
    engine = engines(db_url)
    migrate(engine)
    with system_session(engine) as db:
        a, b = Organisation(slug="a", name="A"), Organisation(slug="b", name="B")
        db.add_all([a, b])
        db.commit()
        return engine, a.id, b.id
