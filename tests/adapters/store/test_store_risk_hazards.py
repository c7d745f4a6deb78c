"""The physical-risk tables (migration 0020; decision 0083) on SQLite and PostgreSQL: tenant-scoped
(another organisation sees none of them), audited (every change an entry of the organisation's
hash chain), one exposure record per site and one curve per hazard within an organisation, the
migration making exactly the models' tables, following 0019 in the chain."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.db import metadata, migrate
from lingtan.adapters.store.risk_hazards import (
    HazardIndicatorRow,
    SiteExposureRow,
    VulnerabilityCurveRow,
)
from lingtan.adapters.store.scoping import tenant_session

TABLES = {"site_exposure", "hazard_indicator", "vulnerability_curve"}


def _exposure(site: str = "WH") -> SiteExposureRow:
    return SiteExposureRow(
        site=site,
        latitude=30.6,
        longitude=114.3,
        asset_value=1e9,
        revenue_per_day=2e6,
        currency="CNY",
        bi_days=100,
    )


def _indicator() -> HazardIndicatorRow:
    return HazardIndicatorRow(
        site="WH",
        hazard="riverine_flood",
        pathway="SSP5-8.5",
        year=2050,
        return_period=100.0,
        value=1.0,
        unit="m",
        source="t",
    )


def _curve() -> VulnerabilityCurveRow:
    return VulnerabilityCurveRow(
        hazard="riverine_flood", unit="m", points=[[0, 0], [2, 1]], label="own", source="insurer"
    )


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            e = _exposure()
            db.add_all([e, _indicator(), _curve()])
            db.commit()
            ids[org] = e.id
    with tenant_session(engine, b) as db:
        assert db.get(SiteExposureRow, ids[a]) is None
        assert [e.id for e in db.scalars(select(SiteExposureRow))] == [ids[b]]
        assert len(list(db.scalars(select(HazardIndicatorRow)))) == 1
        assert len(list(db.scalars(select(VulnerabilityCurveRow)))) == 1
    for row in (_exposure(), _curve()):  # one per site, one per hazard
        with tenant_session(engine, a) as db:
            db.add(row)
            with pytest.raises(IntegrityError):
                db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        db.add(_exposure("SZ"))
        row = db.get(SiteExposureRow, ids[a])
        assert row is not None
        row.asset_value = 2e9
        ind = db.scalars(select(HazardIndicatorRow)).one()
        db.delete(ind)
        db.commit()
        actions = {e.action for e in db.scalars(select(AuditEntry))}
        assert {
            "site_exposure.create",
            "site_exposure.update",
            "hazard_indicator.create",
            "hazard_indicator.delete",
            "vulnerability_curve.create",
        } <= actions
        assert verify(db).ok


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
    """The table names a diff of compare_metadata mentions."""
    items = diff if isinstance(diff, list) else [diff]
    out: list[object] = []
    for d in items:
        for part in d if isinstance(d, tuple) else (d,):
            out.append(part if isinstance(part, str) else getattr(part, "name", None))
            table = getattr(part, "table", None)
            out.append(getattr(table, "name", None))
    return out


def test_0020_follows_0019() -> None:
    from lingtan.adapters.store.migrations.versions import v0020_risk_hazards as m

    assert (m.revision, m.down_revision) == ("0020", "0019")
