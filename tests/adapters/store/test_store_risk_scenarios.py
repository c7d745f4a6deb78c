"""The scenario tables (migration 0019; issue 17 item 4, decision 0082) on SQLite and
PostgreSQL: tenant-scoped (another organisation sees none of them), audited (every change an
entry of the organisation's hash chain, the large JSON columns by digest), one data set per id
and one run per run id within an organisation, and the migration following 0018."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.risk_scenarios import ScenarioRunRow, ScenarioSetRow
from lingtan.adapters.store.scoping import tenant_session


def _set(code: str = "s1") -> ScenarioSetRow:
    return ScenarioSetRow(code=code, label="S1", warming=1.5, pathway="SSP1-1.9", source="test",
                          licence="test", edition="1", currency="CNY", illustrative=True,
                          content_sha256="a" * 64, content={"id": code, "points": []},
                          created_by="me")  # fmt: skip


def _run(run_id: str = "b" * 64) -> ScenarioRunRow:
    return ScenarioRunRow(run_id=run_id, scenario_code="s1", scenario_sha256="a" * 64,
                          label="S1", warming=1.5, pathway="SSP1-1.9", currency="CNY",
                          fiscal_year="FY2024/25", snapshot_id="c" * 64, method_version="1",
                          lingtan_version="0.1.0", parameters={"years": [2030]},
                          inputs={"cat1_t": 1.0}, results={"years": []},
                          created_by="me")  # fmt: skip


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    ids = {}
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            s, r = _set(), _run()
            db.add_all([s, r])
            db.commit()
            ids[org] = (s.id, r.id)
    with tenant_session(engine, b) as db:
        assert db.get(ScenarioSetRow, ids[a][0]) is None
        assert db.get(ScenarioRunRow, ids[a][1]) is None
        assert [r.id for r in db.scalars(select(ScenarioRunRow))] == [ids[b][1]]
    with tenant_session(engine, a) as db:  # one data set per id
        db.add(_set())
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a) as db:  # one run per run id
        db.add(_run())
        with pytest.raises(IntegrityError):
            db.commit()
    with tenant_session(engine, a, actor="user-a") as db:
        db.add(_run("d" * 64))
        row = db.get(ScenarioSetRow, ids[a][0])
        assert row is not None
        row.content = {"id": "s1", "points": [{"variable": "carbon_price"}]}
        db.commit()
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        actions = {e.action for e in entries}
        assert {"risk_scenario.create", "risk_scenario.update",
                "risk_scenario_run.create"} <= actions  # fmt: skip
        assert verify(db).ok


def test_0019_follows_0018() -> None:
    from lingtan.adapters.store.migrations.versions import v0019_risk_scenarios as m

    assert (m.revision, m.down_revision) == ("0019", "0018")
