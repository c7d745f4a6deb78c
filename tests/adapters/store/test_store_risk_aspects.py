"""The aspect tables (migration 0018; issue 17 item 3, decision 0081) on SQLite and PostgreSQL:
the migration makes exactly the models' schema for them, tenant-scoped (another organisation
sees none), audited (every change an entry of the organisation's hash chain), one code per
organisation and one configuration row per organisation, monitoring records removed with their
aspect, and the migration following 0017 in the chain."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store import db as store_db
from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.risk_aspects import AspectConfigRow, AspectMonitoringRow, AspectRow
from lingtan.adapters.store.scoping import tenant_session


def _aspect(code: str = "SEA-01") -> AspectRow:
    return AspectRow(code=code, aspect="Workplace energy consumption", site="HQ",
                     condition="normal", e_quantity=5, e_scope=3, e_frequency=5, e_severity=3,
                     e_control=2, b_reputation=4, b_compliance=4, b_management=5, env=3.6,
                     bus=13 / 3, overall=15.6, significant=True, reason="threshold",
                     objectives=[{"text": "90 % RE", "kpi": "KPI-RE"}])  # fmt: skip


def test_migration_makes_the_models_schema(store: tuple[Engine, int, int]) -> None:
    engine, _, _ = store
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, store_db.metadata())

    mine = [d for d in diff if "env_aspect" in repr(d)]  # the others' tables are theirs
    assert mine == []


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            row = _aspect()
            db.add_all([row, AspectConfigRow(threshold=9.0, aggregate="mean")])
            db.flush()
            db.add(AspectMonitoringRow(aspect_id=row.id, checked_on=date(2024, 3, 31),
                                       checked_by="EMS", status="on_track"))  # fmt: skip
            db.commit()
            ids[org] = row.id
    with tenant_session(engine, b) as db:
        assert db.get(AspectRow, ids[a]) is None
        assert [r.id for r in db.scalars(select(AspectRow))] == [ids[b]]
        assert len(list(db.scalars(select(AspectMonitoringRow)))) == 1
    with tenant_session(engine, a) as db:  # one code per organisation
        db.add(_aspect())
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a) as db:  # one configuration per organisation
        db.add(AspectConfigRow(threshold=10.0, aggregate="max"))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        row = db.get(AspectRow, ids[a])
        assert row is not None
        row.e_control = 3
        db.commit()
        for rec in db.scalars(select(AspectMonitoringRow)):
            db.delete(rec)
        db.delete(row)
        db.commit()
        actions = {e.action for e in db.scalars(select(AuditEntry))}
        assert {"env_aspect.create", "env_aspect.update", "env_aspect.delete",
                "env_aspect_monitoring.create", "env_aspect_config.create"} <= actions  # fmt: skip
        assert verify(db).ok


def test_0018_follows_0017() -> None:
    from lingtan.adapters.store.migrations.versions import v0018_risk_aspects as m

    assert (m.revision, m.down_revision) == ("0018", "0017")
