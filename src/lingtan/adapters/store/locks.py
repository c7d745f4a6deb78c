"""The workspace write lock: one writer at a time per workspace, across threads, processes and
hosts (issue 11 item 5; decision 0036).

Every path that changes a workspace's batch files, snapshots or their records (import,
supersede, fix, the snapshot write of a calculation, the orphan sweep, ``lingtan doctor``) runs
inside :func:`workspace_lock`, which takes, in this order:

1. a file lock on ``<workspace>/.lingtan.lock`` (the maintained ``filelock`` library: ``flock``
   on POSIX, ``LockFileEx`` on Windows; released by the kernel when the process dies), which
   serialises the CLI, the library and the server's job threads on one machine;
2. on PostgreSQL, a transaction-scoped advisory lock keyed by the organisation
   (``pg_try_advisory_xact_lock(class, organisation_id)``), held by one connection for the
   duration and released when its transaction ends or its connection drops, which serialises
   writers on several hosts sharing the database (server workers and the CLI).

A writer waits at most ``timeout`` seconds (``LINGTAN_LOCK_TIMEOUT_S``, default 30) and then
raises :class:`WorkspaceBusyError` ("busy, retry"); nothing has been changed then. The lock is
re-entrant within one thread (a calculation started inside an import does not deadlock).

Standards: OWASP ASVS 4.0.3 V11.1.6 (business logic limits: concurrent operations cannot leave
data inconsistent; locks guard against time-of-check/time-of-use races, V1.11.3 / V11.1.5);
GHG Protocol Corporate Standard ch. 7 (data management: the inventory's source data kept
complete and consistent).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from lingtan.core.errors import WorkspaceError

LOCK_FILE = ".lingtan.lock"
LOCK_TIMEOUT_ENV = "LINGTAN_LOCK_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 30.0
#: advisory-lock class of workspace writes (the second key is the organisation id)
PG_LOCK_CLASS = 0x6C74_0005
_POLL_S = 0.05

_held = threading.local()


class WorkspaceBusyError(WorkspaceError):
    """Another writer held the workspace lock for longer than the timeout: nothing was
    changed; retry (CLI exit code 75, ``EX_TEMPFAIL``; API 423 ``workspace_busy``)."""

    def __init__(self, where: Path | str, waited_s: float) -> None:
        super().__init__(
            f"workspace {where} is busy: another import, calculation or repair is writing to it "
            f"(waited {waited_s:.0f} s); nothing was changed, try again in a moment"
        )
        self.where = str(where)


def lock_timeout() -> float:
    """The wait before :class:`WorkspaceBusyError` [s] (``LINGTAN_LOCK_TIMEOUT_S``)."""
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_TIMEOUT_S
    except ValueError as exc:
        raise WorkspaceError(f"{LOCK_TIMEOUT_ENV}={raw!r}: expected seconds") from exc


def _depths() -> dict[str, int]:
    d: dict[str, int] | None = getattr(_held, "depths", None)
    if d is None:
        d = {}
        _held.depths = d
    return d


@contextmanager
def workspace_lock(
    root: Path,
    engine: Engine | None = None,
    organisation_id: int | None = None,
    *,
    timeout: float | None = None,
) -> Iterator[None]:
    """Hold the write lock of the workspace at ``root`` (and, on PostgreSQL, of the
    organisation) for the ``with`` block.

    Raises:
        WorkspaceBusyError: not acquired within ``timeout`` seconds (default
            :func:`lock_timeout`; 0 = try once).
    """
    from filelock import FileLock, Timeout

    key = str(Path(root).resolve())
    depths = _depths()
    if depths.get(key):
        depths[key] += 1
        try:
            yield
        finally:
            depths[key] -= 1
        return
    wait = lock_timeout() if timeout is None else timeout
    start = time.monotonic()
    flock = FileLock(str(Path(key) / LOCK_FILE))
    try:
        flock.acquire(timeout=wait, poll_interval=_POLL_S)
    except Timeout as exc:
        raise WorkspaceBusyError(root, time.monotonic() - start) from exc
    try:
        with _advisory(engine, organisation_id, start, wait, root):
            depths[key] = 1
            try:
                yield
            finally:
                depths.pop(key, None)
    finally:
        flock.release()


@contextmanager
def _advisory(
    engine: Engine | None, organisation_id: int | None, start: float, wait: float, root: Path
) -> Iterator[None]:
    """The organisation's transaction-scoped advisory lock on PostgreSQL (no-op elsewhere)."""
    if engine is None or organisation_id is None or engine.dialect.name != "postgresql":
        yield
        return
    # its own connection, from the engine even when the workspace is bound to a request's
    # connection (``Connection.engine``; an Engine's ``.engine`` is itself)
    conn = engine.engine.connect()
    try:
        trans = conn.begin()
        while not conn.scalar(
            text("SELECT pg_try_advisory_xact_lock(:c, :o)"),
            {"c": PG_LOCK_CLASS, "o": int(organisation_id)},
        ):
            if time.monotonic() - start >= wait:
                raise WorkspaceBusyError(root, time.monotonic() - start)
            time.sleep(_POLL_S)
        try:
            yield
        finally:
            with suppress(Exception):  # a dropped connection released the lock already
                trans.rollback()  # ends the transaction: the advisory lock is released
    finally:
        conn.close()
