"""A scratch PostgreSQL database for one test run (the server at 127.0.0.1:5432, database
``test``, user ``postgres``, trust auth, is shared with other runs: each run makes its own
database and drops it at the end).

Two test stores use it: the server tests' ``db_url`` (tests/adapters/conftest.py) and the
workspace tests' ``workspace_store`` (tests/conftest.py), each with one database per pytest
worker. Without PostgreSQL their PostgreSQL half is skipped, or fails under CI
(:func:`pg_unavailable`)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class PostgresUnavailableError(RuntimeError):
    """The server could not be reached (or refused to create a database)."""


def pg_unavailable(reason: str) -> NoReturn:
    """Skip the PostgreSQL half of a test, or fail it when the environment variable ``CI`` is
    set: CI must test on PostgreSQL (a skip there would hide the missing half)."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({reason})")


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """URL of a new database ``<prefix><random>``, dropped (connections forced closed) on exit.

    Raises:
        PostgresUnavailableError: the database could not be created; its first message line.
    """
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}{secrets.token_hex(6)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        raise PostgresUnavailableError(str(exc).splitlines()[0]) from exc
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
