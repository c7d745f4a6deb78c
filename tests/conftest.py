"""Shared fixtures. Tests mirror the source tree and speak the domain (STYLE.md habit 10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(autouse=True, scope="session")
def _factor_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use their own on-disk factor cache (never the user's ``~/.cache/lingtan``)."""
    import os

    from lingtan.adapters.io.cache import CACHE_ENV

    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("lingtan-cache"))


STORE_ENV = "LINGTAN_TEST_STORE"


@pytest.fixture(autouse=True, scope="session")
def _workspace_store() -> Iterator[None]:
    """With ``LINGTAN_TEST_STORE=postgresql`` every workspace a test opens keeps its store in
    this run's own PostgreSQL database (``LINGTAN_DATABASE_URL``; dropped at the end), so the
    workspace tests run on PostgreSQL as well as on each folder's SQLite file (STYLE.md habit
    11; ``make test`` runs both). Asked for explicitly, an unreachable server fails the run."""
    import os

    from pgkit import PostgresUnavailableError, scratch_database

    if os.environ.get(STORE_ENV, "sqlite") != "postgresql":
        yield
        return
    try:
        with scratch_database("lingtan_w_") as url:
            os.environ["LINGTAN_DATABASE_URL"] = url
            try:
                yield
            finally:
                del os.environ["LINGTAN_DATABASE_URL"]
    except PostgresUnavailableError as exc:
        pytest.fail(f"{STORE_ENV}=postgresql but PostgreSQL is not reachable: {exc}")
