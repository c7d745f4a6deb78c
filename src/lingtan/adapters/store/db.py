"""The relational store: engine and migrations.

SQLite file by default (the embedded workspace, or ``<data dir>/lingtan.db`` for a server),
PostgreSQL when ``LINGTAN_DATABASE_URL`` is set (``postgresql+psycopg://user@host/db``). The
schema is created and upgraded only by the Alembic migrations in ``migrations/``, run by
:func:`migrate` (no ``alembic.ini`` needed). A database made by lingtan 0.1 (tables created
without migrations) is recognised, stamped at revision ``0001`` and upgraded; its rows are given
to one organisation (``legacy_organisation``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

DATABASE_URL_ENV = "LINGTAN_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")
LEGACY_REVISION = "0001"
_MIGRATE_LOCK = 0x6C74_FFFF
#: connections the server's pool may open past ``pool_size`` (a bookkeeping write of a request
#: with changes pending, :func:`own_transaction`) before a checkout waits
POOL_OVERFLOW = 8


def metadata() -> MetaData:
    """The metadata of every lingtan table (imports every model module)."""
    from lingtan.adapters.store import (  # noqa: F401
        audit,
        auth,
        certifications,  # certificates, zero-carbon assessments (issue 16, decision 0077)
        circularity,  # circularity ledgers (issue 19)
        disclosure_datapoints,  # datapoints entered by hand (issue 19)
        disclosure_editions,  # disclosure editions, artefacts, narratives (issue 19)
        disclosure_verification,  # verification records (issue 19)
        energy,  # meters, reading batches, production, assets (issue 16, decision 0071)
        federation,  # OpenID Connect (decision 0040)
        inclusion_campaigns,  # rewards, campaigns, leaderboards (issue 18)
        inclusion_ledger,  # action events, reductions, points ledger (issue 18)
        inclusion_methodologies,  # methodology packs (issue 18)
        inclusion_programmes,  # programmes, accounts, partners, consent (issue 18)
        inclusion_push,  # partner push receipts, callbacks, pull connectors (issue 18)
        jobs,
        lifecycle,
        models,
        pact,  # PACT host and client (issue 15, decision 0068)
        risk_aspects,  # significant environmental aspects (issue 17)
        risk_governance,  # governance bodies, meetings, remuneration links (issue 17)
        risk_hazards,  # site exposure, hazard indicators, vulnerability (issue 17)
        risk_register,  # risks and opportunities, scoring matrix, reviews (issue 17)
        risk_scenarios,  # scenario data sets and runs (issue 17)
        supplier_programmes,  # supplier projects and training (issue 15, decision 0067)
        supplier_requests,  # climate data requests (issue 15)
        supplier_reviews,  # scorecards, ratings, CAPs, audits (issue 15, decision 0064)
        suppliers,  # supplier register (issue 15)
        tenancy,
    )

    return models.Base.metadata


def database_url(url: str | Path | None = None) -> str:
    """The store URL: ``url`` (a URL, or a path to a SQLite file), else ``LINGTAN_DATABASE_URL``.

    Raises:
        ValueError: neither is given.
    """
    if url is None:
        url = os.environ.get(DATABASE_URL_ENV) or None
    if url is None:
        raise ValueError(f"no database: set {DATABASE_URL_ENV} or give a URL")
    s = str(url)
    if "://" not in s:
        return f"sqlite:///{Path(s).resolve()}"
    return s


def make_engine(
    url: str | Path | None = None,
    *,
    pooled: bool = True,
    pool_size: int | None = None,
    sqlite_wal: bool = False,
) -> Engine:
    """An engine for ``url`` (see :func:`database_url`).

    SQLite: foreign keys enforced (as on PostgreSQL), a 30 s busy timeout (the server's worker
    threads and requests share the file), connections usable from any thread; ``sqlite_wal``
    (the server's store) switches the file to write-ahead logging, so that readers never wait
    for a writer nor a writer for readers (one writer at a time still; decision 0038).
    PostgreSQL: a connection pool for the server; ``pooled=False`` (an embedded workspace opened
    by the CLI or the library on a shared database) opens a connection per session and closes it
    with the session, so a short-lived workspace object never leaves connections open.

    Args:
        pool_size: connections the pool keeps (the server passes
            :attr:`~lingtan.adapters.services.settings.ServerSettings.pool_size`: one per request
            slot plus the job threads', ASVS V1.14 / availability); None: SQLAlchemy's default.
    """
    full = database_url(url)
    sizing: dict[str, Any] = {}
    if pool_size is not None:
        sizing = {"pool_size": pool_size, "max_overflow": POOL_OVERFLOW, "pool_timeout": 30}
    if full.startswith("sqlite"):
        engine = create_engine(
            full, connect_args={"timeout": 30, "check_same_thread": False}, **sizing
        )
        event.listen(engine, "connect", _sqlite_wal_pragmas if sqlite_wal else _sqlite_pragmas)
    elif pooled:
        engine = create_engine(full, pool_pre_ping=True, **sizing)
    else:
        engine = create_engine(full, poolclass=NullPool)
    metadata()  # every model mapped before the first session
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_wal_pragmas(dbapi_conn: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_conn, record)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode = WAL")  # kept in the file; readers and a writer at once
    cur.close()


@contextmanager
def own_transaction(db: Session) -> Iterator[Connection]:
    """A connection in a short transaction of its own, committed on exit, outside the ORM (no
    audit entry, no tenant criteria): for bookkeeping writes (a token's last use, a login
    counter) that must survive the request's rollback.

    On a request's session (bound to the request's one connection, ``api.deps.get_db``) with
    nothing pending, the session's read transaction is ended and the same connection is used:
    a request never takes a second connection from the pool (decision 0038). Otherwise (changes
    pending, or a session bound to an engine) a connection of its own is taken.
    """
    bind = db.get_bind()
    if isinstance(bind, Connection) and not (db.new or db.dirty or db.deleted):
        db.commit()  # nothing pending: ends the read transaction, rows stay loaded
        with bind.begin():
            yield bind
        return
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.begin() as conn:
        yield conn


def _alembic_config(connection: Any, legacy_organisation: dict[str, Any] | None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    cfg.attributes["legacy_organisation"] = legacy_organisation
    return cfg


#: the ``revision = "…"`` and ``down_revision = "…"`` lines of a migration file
_REVISION_LINE = re.compile(r"""^(down_)?revision\s*=\s*(?:None|"([^"]*)"|'([^']*)')\s*$""", re.M)


def _chain_head() -> str | None:
    """The head of the migrations when they form one plain chain, read from their files'
    ``revision`` and ``down_revision`` lines (a few milliseconds; alembic's script directory
    imports alembic, mako and every migration: about half a CPU-second at each command, issue
    14 item 6); None when the files are anything else (a branch, a merge, a tuple), which
    :func:`head_revision` leaves to alembic."""
    parents: dict[str, str | None] = {}
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {
            bool(m.group(1)): m.group(2) or m.group(3)
            for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))
        }
        if path.name == "__init__.py":
            continue
        if set(found) != {False, True} or not found[False]:
            return None
        parents[str(found[False])] = found[True]
    heads = set(parents) - {p for p in parents.values() if p is not None}
    roots = [r for r, p in parents.items() if p is None]
    if len(heads) != 1 or len(roots) != 1 or len(set(parents.values())) != len(parents):
        return None
    return heads.pop()


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration revision."""
    head = _chain_head()
    if head is not None:
        return head
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty, or made before migrations): the one row
    of alembic's ``alembic_version`` table, read without importing alembic (issue 14 item 6);
    alembic itself answers when the table holds several (it refuses them)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        if len(rows) <= 1:
            return str(rows[0]) if rows else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, *, legacy_organisation: dict[str, Any] | None = None) -> None:
    """Create or upgrade the schema to the newest revision (no-op when up to date).

    Args:
        legacy_organisation: ``slug``, ``name``, ``workspace_path`` of the organisation that
            receives the rows of a database made before organisations existed.
    """
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    new_sqlite = engine.dialect.name == "sqlite" and _is_empty(engine)
    if new_sqlite and _SQLITE_HEAD.restore(engine):
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one migrating process at a time
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATE_LOCK})
        cfg = _alembic_config(conn, legacy_organisation)
        from alembic.runtime.migration import MigrationContext

        current = MigrationContext.configure(conn).get_current_revision()
        if current is None and inspect(conn).has_table("import_batch"):
            command.stamp(cfg, LEGACY_REVISION)
        command.upgrade(cfg, "head")
    if new_sqlite:
        _SQLITE_HEAD.keep(engine)


def _is_empty(engine: Engine) -> bool:
    """Whether ``engine``'s database has no table at all (a new file)."""
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


class _SqliteHead:
    """The first new SQLite store this process migrated, kept in memory at the head revision:
    a later new SQLite store is made a page-for-page copy of it (SQLite's online backup API)
    instead of running the migrations again — seconds per store for a process that creates
    many (the test suite; a server creating workspaces). The copy is what the migrations made in
    this process, so it is the same schema; a store that is not new (a legacy or older store)
    always goes through Alembic."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._db: Any = None  # sqlite3.Connection to ":memory:"

    def keep(self, engine: Engine) -> None:
        """Keep a copy of ``engine``'s freshly migrated database (once per process)."""
        import sqlite3

        with self._lock:
            if self._db is not None:
                return
            mem = sqlite3.connect(":memory:", check_same_thread=False)
            with engine.connect() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.backup(mem)
            self._db = mem

    def restore(self, engine: Engine) -> bool:
        """Copy the kept database into ``engine``'s new, empty database; False when nothing is
        kept yet. The file's journal mode (write-ahead logging for a server) is kept."""
        with self._lock:
            if self._db is None:
                return False
            with engine.connect() as conn:
                raw = conn.connection.driver_connection
                assert raw is not None
                mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
                self._db.backup(raw)
                if str(mode).lower() == "wal":
                    raw.execute("PRAGMA journal_mode = WAL")
            return True


_SQLITE_HEAD = _SqliteHead()
