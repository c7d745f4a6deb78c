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


# -- the terminal stays writable ------------------------------------------------------------------


def _blocking_stdio() -> None:
    """Put stdout and stderr back in blocking mode, saying so once.

    A CI run after issue 10 ended with exit code 120 although every test passed: Python could
    not flush stdout at exit. One way to get there is a child process that leaves the shared
    pipe non-blocking (Node.js does so while it runs), so a write to a full pipe fails instead
    of waiting; whether that was the cause is not established (decision 0041). Called before
    pytest reports each test and before it exits; the note tells the next reader if it ever
    happens."""
    import os

    for fd in (1, 2):
        try:
            if not os.get_blocking(fd):
                os.set_blocking(fd, True)
                if fd not in _NOTED:
                    _NOTED.add(fd)
                    os.write(2, f"\nnote: fd {fd} was non-blocking; set back\n".encode())
        except OSError:  # not a file descriptor we can change (closed, or a capture)
            pass


_NOTED: set[int] = set()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Before a test's result is printed: the terminal is blocking again."""
    _blocking_stdio()


@pytest.hookimpl(tryfirst=True)
def pytest_terminal_summary() -> None:
    """Before the summary is printed: the terminal is blocking again."""
    _blocking_stdio()


def pytest_unconfigure() -> None:
    """At the end of the run: blocking again, and everything written out while pytest can
    still report a failure (not at interpreter exit, where a failing flush means exit 120)."""
    import contextlib
    import sys

    _blocking_stdio()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, TypeError):
            stream.flush()
