"""The event and points-ledger tables (migration 0024; decision 0089) on SQLite and PostgreSQL:
tenant-scoped, one event per (programme, origin, external id), one entry per (programme, seq),
the migration making exactly the models' tables after 0023 — and a tampered ledger row found
by the chain check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from inclusion_events_kit import CODE, AllowAll, make_programme
from lingtan.adapters.services import inclusion_events as ev
from lingtan.adapters.store.db import metadata, migrate
from lingtan.adapters.store.inclusion_ledger import InclusionEventRow, PointsEntryRow
from lingtan.adapters.store.scoping import tenant_session

TABLES = {"inclusion_event", "inclusion_points_entry"}
AT = datetime(2026, 3, 2, 8, 0)


def _quiz(ext: str | None = None) -> ev.EventIn:
    return ev.EventIn("m-alice", "learn.quiz", 1, "item", AT, source="app", external_id=ext)


def test_scoped_and_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    with tenant_session(engine, a, actor="ua") as db:
        make_programme(db)
        out = ev.record_event(db, AllowAll(), CODE, _quiz("x1"))
        db.commit()
    assert (out.status, out.points) == ("accepted", 5)
    with tenant_session(engine, b) as db:
        assert db.get(InclusionEventRow, out.event_id) is None
        assert list(db.scalars(select(PointsEntryRow))) == []
    with tenant_session(engine, a) as db:
        row = db.get(InclusionEventRow, out.event_id)
        assert row is not None
        db.add(InclusionEventRow(
            programme_id=row.programme_id, account_id=row.account_id, action="learn.quiz",
            occurred_at=AT, quantity=1, unit="item", source="app", origin="app",
            external_id="x1", status="accepted", kg_co2e=0, counts_as="engagement", trace=[],
            points=0, multiplier=1,
        ))  # fmt: skip
        with pytest.raises(IntegrityError):
            db.commit()


def test_a_tampered_entry_breaks_the_chain(store: tuple[Engine, int, int]) -> None:
    engine, a, _b = store
    ctx = AllowAll()
    with tenant_session(engine, a, actor="ua") as db:
        make_programme(db)
        outs = ev.record_events(db, ctx, CODE, [_quiz(f"q{i}") for i in range(3)])
        db.commit()
        assert [o.points for o in outs] == [5, 5, 2]  # 12 a day: the third is cut to 12 − 10
        assert ev.verify_chain(db, ctx, CODE)
        assert ev.check_chain(db, ctx, CODE).entries == 3
        db.execute(text("UPDATE inclusion_points_entry SET delta = 50 WHERE seq = 2"))
        db.commit()
        check = ev.check_chain(db, ctx, CODE)
    assert (check.ok, check.first_bad_seq, check.reason) == (False, 2, "incl_ev.chain.hash")


def test_the_migration_makes_the_models_tables(
    db_url: str, engines: Callable[[str], Engine]
) -> None:
    engine = engines(db_url)
    migrate(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(ctx, metadata()) if TABLES & set(map(str, _names(d)))]
    assert diffs == []


def _names(diff: object) -> list[object]:
    items = diff if isinstance(diff, list) else [diff]
    out: list[object] = []
    for d in items:
        for part in d if isinstance(d, tuple) else (d,):
            out.append(part if isinstance(part, str) else getattr(part, "name", None))
            out.append(getattr(getattr(part, "table", None), "name", None))
    return out


def test_0024_follows_0023() -> None:
    from lingtan.adapters.store.migrations.versions import v0024_inclusion_ledger as m

    assert (m.revision, m.down_revision) == ("0024", "0023")
