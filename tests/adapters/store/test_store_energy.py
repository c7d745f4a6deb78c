"""The energy tables (migration 0015; issue 16, decision 0071) on SQLite and PostgreSQL:
tenant-scoped (another organisation sees none of them), meters, batches, production and assets
audited, a meter code unique within an organisation only."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.energy import (
    EnergyAsset,
    EnergyMeter,
    EnergyMeterState,
    EnergyProduction,
    EnergyReadingBatch,
)
from lingtan.adapters.store.scoping import tenant_session


def _rows() -> list[object]:
    return [
        EnergyMeter(code="HF-M-1", site="HF", carrier="electricity", unit="kWh", source="grid"),
        EnergyMeterState(meter="HF-G-1", last_ts=datetime(2024, 1, 1), last_register=12.5),
        EnergyReadingBatch(
            batch_id="a" * 64, source="file", origin="r.csv", rows=3, meters=["HF-M-1"], issues=[]
        ),
        EnergyProduction(site="HF", product_type="notebook", month=date(2024, 1, 1), units=1000),
        EnergyAsset(
            code="HF-PV",
            site="HF",
            kind="pv",
            kwp=10120.0,
            ownership="emc",
            emc_treatment="contractual",
            meters={"generation": "HF-PV-G"},
        ),
    ]


def test_scoped_audited_and_unique_per_organisation(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    for org in (a, b):  # the same codes in two organisations
        with tenant_session(engine, org, actor=f"user{org}") as db:
            db.add_all(_rows())
            db.commit()
    with tenant_session(engine, b) as db:
        meters = list(db.scalars(select(EnergyMeter)))
        assert [(m.organisation_id, m.code) for m in meters] == [(b, "HF-M-1")]
        # defaults of modules.energy.meters.Meter
        m = meters[0]
        assert (m.interval_minutes, m.value_kind, m.measures, m.billing, m.multiplier, m.tz) == (
            15,
            "interval",
            "consumption",
            True,
            1.0,
            "Asia/Shanghai",
        )
        for column in (
            EnergyMeterState.organisation_id,
            EnergyReadingBatch.organisation_id,
            EnergyProduction.organisation_id,
            EnergyAsset.organisation_id,
        ):
            assert set(db.scalars(select(column))) == {b}
        asset = db.scalar(select(EnergyAsset))
        assert asset is not None
        assert asset.meters == {"generation": "HF-PV-G"}
    with tenant_session(engine, a) as db:
        db.add(EnergyMeter(code="HF-M-1", site="HF", carrier="electricity", unit="kWh"))
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        tables = {e.target.split(":")[0] for e in db.scalars(select(AuditEntry))}
        assert {
            "energy_meter",
            "energy_reading_batch",
            "energy_production",
            "energy_asset",
        } <= tables
        assert "energy_meter_state" not in tables  # bookkeeping, not audited
        assert verify(db).ok


def test_a_production_key_is_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, _ = store
    with tenant_session(engine, a) as db:
        for _ in range(2):
            db.add(
                EnergyProduction(
                    site="HF", line="L1", product_type="server", month=date(2024, 2, 1), units=5
                )
            )
        with pytest.raises(IntegrityError):
            db.commit()
