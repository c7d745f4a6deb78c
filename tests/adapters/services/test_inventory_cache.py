"""The server's per-process memo of stored inventories (issue 14 item 5), on SQLite and
PostgreSQL: a new snapshot is served at once, one organisation never gets another's entry even
when both hold a snapshot of the same id and date, and a changed ``lingtan.yaml`` is read.

The snapshots written here by hand are store rows like the ones a calculation writes
(:func:`lingtan.adapters.store.snapshots.inventory_state`), with rows whose sums are checked by
hand: 1,500 kg of Scope 1 CO2 and 1,000 kg of Scope 2 (both bases) → 2.5 t CO2e."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from lingtan.adapters.services.inventories import STORED_INVENTORIES
from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.snapshots import inventory_state
from lingtan.adapters.store.tenancy import Organisation
from lingtan.core.inventory import AggregateRow, build_inventory
from serverkit import Server, TestClient, owner_client, seed_inventory

API = "/api/v1"
FY = "FY2024/25"


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)  # jobs run here, by run_pending


def _org_id(engine: Engine, slug: str) -> int:
    with system_session(engine) as db:
        return int(db.scalars(select(Organisation.id).where(Organisation.slug == slug)).one())


def _newest(engine: Engine, slug: str) -> Snapshot:
    with tenant_session(engine, _org_id(engine, slug)) as db:
        return db.scalars(select(Snapshot).order_by(Snapshot.created_at.desc())).first()


def _write_snapshot(
    engine: Engine, slug: str, snap_id: str, created_at: datetime, *, scope1_kg: float
) -> None:
    """Store a snapshot of ``FY`` for ``slug``: ``scope1_kg`` of Scope 1 CO2 at site TJ01 and
    1,000 kg of Scope 2 electricity (both bases)."""
    rows = [
        AggregateRow(1, 1, 1, "both", "CO2", "TJ01", "2024-05", "fuel", "tier1", scope1_kg, 2),
        AggregateRow(2, 1, 2, "both", "CO2", "TJ01", "2024-05", "grid", "tier1", 1000.0, 1),
    ]
    inv = build_inventory(
        rows,
        organisation=slug.title(),
        fiscal_year=FY,
        period_start="2024-04-01",
        period_end="2025-03-31",
        gwp_set="AR5",
        consolidation="operational_control",
        site_entities={"TJ01": "MAIN"},
        snapshot_id=snap_id,
    )
    with tenant_session(engine, _org_id(engine, slug), actor="test") as db, db.begin():
        db.add(
            Snapshot(
                id=snap_id,
                fiscal_year=FY,
                created_at=created_at,
                gwp_set="AR5",
                consolidation="operational_control",
                total_market_t=(scope1_kg + 1000.0) / 1000.0,
                inputs={},
                inventory=inventory_state(inv),
                emissions_file=f"{snap_id}/factors.parquet",
            )
        )


def _inventory(c: TestClient, slug: str) -> dict[str, Any]:
    r = c.get(f"{API}/orgs/{slug}/inventories/FY2024-25")
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_new_snapshot_is_served_at_once(server: Server) -> None:
    c = seed_inventory(server, "owner@acme.example")
    first = _inventory(c, "acme")
    calculated = _newest(server.engine, "acme")
    assert first["snapshot_id"] == calculated.id
    hits = STORED_INVENTORIES.hits
    assert _inventory(c, "acme") == first  # read again: from the memo, the same document
    assert STORED_INVENTORIES.hits > hits
    # a newer snapshot of the year (as a recalculation writes it): seen by the next request
    newer = "e" * 64
    _write_snapshot(
        server.engine, "acme", newer, calculated.created_at + timedelta(hours=1), scope1_kg=1500.0
    )
    now = _inventory(c, "acme")
    assert now["snapshot_id"] == newer
    assert now["totals_tco2e"]["scope1"] == 1.5
    assert now["totals_tco2e"]["scope2_market"] == 1.0
    assert now["totals_tco2e"]["total_market"] == 2.5  # 1,500 kg + 1,000 kg
    assert [(t["snapshot_id"], t["total_market"]) for t in now["trend"]] == [(newer, 2.5)]
    # the web dashboard reads the same memo: the new total, not the calculated one
    page = c.get("/o/acme/dashboard?lang=en")
    assert page.status_code == 200
    assert f"/o/acme/lineage/{newer}" in page.text
    assert f"/o/acme/lineage/{calculated.id}" not in page.text


def test_another_organisations_snapshot_of_the_same_id_is_never_served(server: Server) -> None:
    a = seed_inventory(server, "owner@acme.example")
    acme = _inventory(a, "acme")
    snap = _newest(server.engine, "acme")
    b = owner_client(server, "owner@bravo.example", "bravo")
    assert b.get(f"{API}/orgs/bravo/inventories/FY2024-25").status_code == 404
    # bravo holds a snapshot of the very same id and date, with other figures (4.0 t)
    _write_snapshot(server.engine, "bravo", snap.id, snap.created_at, scope1_kg=3000.0)
    for _ in range(2):  # the second round is served from the memo
        bravo = _inventory(b, "bravo")
        assert bravo["snapshot_id"] == snap.id
        assert bravo["organisation"] == "Bravo"
        assert bravo["totals_tco2e"]["total_market"] == 4.0  # 3,000 kg + 1,000 kg
        assert _inventory(a, "acme") == acme
    keys = {k for k in STORED_INVENTORIES.held_keys() if k[2] == snap.id}
    orgs = {_org_id(server.engine, "acme"), _org_id(server.engine, "bravo")}
    assert {k[1] for k in keys} >= orgs  # one entry per organisation
    # neither owner reaches the other's inventory, cached or not
    assert a.get(f"{API}/orgs/bravo/inventories/FY2024-25").status_code in (403, 404)
    assert b.get(f"{API}/orgs/acme/inventories/FY2024-25").status_code in (403, 404)
    assert "Bravo" not in a.get("/o/acme/dashboard?lang=en").text


def test_a_changed_configuration_is_read(server: Server) -> None:
    c = seed_inventory(server, "owner@acme.example")
    assert _inventory(c, "acme")["base_year"] is None
    path = server.data_dir / "orgs" / "acme" / "lingtan.yaml"
    cfg = yaml.safe_load(path.read_text("utf-8"))
    cfg["base_year"] = "FY2024/25"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    assert _inventory(c, "acme")["base_year"] == FY
    # a fiscal year starting in January: FY2024/25 is no longer a label of this calendar
    cfg["fiscal_year_start_month"] = 1
    cfg["base_year"] = None
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    assert c.get(f"{API}/orgs/acme/inventories/FY2024-25").status_code == 422
