"""The energy asset register (issue 16 item 3, decision 0074) on both workspace stores: CRUD,
the EMC choice recorded (never guessed), meter roles by kind, an all-or-nothing file import
naming every wrong cell, and the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services import energy_assets as svc
from lingtan.adapters.services.context import LocalContext

pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    from lingtan.adapters.store.workspace import init_workspace

    path = tmp_path_factory.mktemp(f"assets-{workspace_store}")
    ws = init_workspace(path, organisation="Asset Co")
    ws.engine.dispose()
    return path


@pytest.fixture
def db_ctx(folder: Path) -> Iterator[tuple[Session, LocalContext]]:
    from lingtan.adapters.store.scoping import tenant_session

    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        yield db, ctx
    ws.engine.dispose()


PV = {"code": "PV-1", "site": "HQ", "kind": "pv", "kwp": 10120, "ownership": "own",
      "commissioned": "2023-06-30", "degradation_pct": 0.5,
      "meters": {"generation": "M-GEN", "export": "M-EXP"}}  # fmt: skip


def test_create_read_update_delete(db_ctx: tuple[Session, LocalContext]) -> None:
    db, ctx = db_ctx
    row = svc.create_asset(db, ctx, {**PV, "site": "S1"})
    assert (row.kind, row.kwp, row.meters) == ("pv", 10120.0, PV["meters"])
    assert str(row.commissioned) == "2023-06-30"
    assert svc.pv_treatment(row) == "self_generation"
    assert [a.code for a in svc.list_assets(db, ctx, site="S1", kind="pv")] == ["PV-1"]
    with pytest.raises(svc.AssetsError) as dup:
        svc.create_asset(db, ctx, PV)
    assert (dup.value.kind, dup.value.key) == ("conflict", "assets.err.duplicate")
    svc.update_asset(db, ctx, "PV-1", {"kwp": "9500", "name": "Roof"})
    assert svc.asset_by_code(db, ctx, "PV-1").kwp == 9500.0
    svc.delete_asset(db, ctx, "PV-1")
    with pytest.raises(svc.AssetsError) as gone:
        svc.asset_by_code(db, ctx, "PV-1")
    assert gone.value.kind == "not_found"


def test_changes_are_audited(db_ctx: tuple[Session, LocalContext]) -> None:
    from lingtan.adapters.store.audit import AuditEntry

    db, ctx = db_ctx
    svc.create_asset(db, ctx, {**PV, "code": "PV-AUD"})
    svc.update_asset(db, ctx, "PV-AUD", {"kwp": 1})
    targets = [e.target for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert sum(t.startswith("energy_asset:") for t in targets) >= 2


@pytest.mark.parametrize(
    ("fields", "field", "key"),
    [
        ({**PV, "ownership": "emc"}, "emc_treatment", "assets.err.emc_choice"),
        ({**PV, "emc_treatment": "contractual"}, "emc_treatment", "assets.err.emc_only"),
        ({**PV, "kwp": None}, "kwp", "assets.err.capacity"),
        ({**PV, "kwp": -1}, "kwp", "assets.err.number"),
        ({**PV, "meters": {"it": "X"}}, "meters", "assets.err.role"),
        ({**PV, "kind": "wind"}, "kind", "assets.err.choice"),
        ({"code": "B", "site": "HQ", "kind": "storage", "kwh": 10, "kw": 5, "rte": 1.2},
         "rte", "assets.err.rte"),
        ({**PV, "commissioned": "30/06/2023"}, "commissioned", "assets.err.date"),
    ],
)  # fmt: skip
def test_rules_refuse_with_the_field_named(
    db_ctx: tuple[Session, LocalContext], fields: dict[str, Any], field: str, key: str
) -> None:
    db, ctx = db_ctx
    with pytest.raises(svc.AssetsError) as exc:
        svc.create_asset(db, ctx, {**fields, "code": "BAD"})
    assert (exc.value.kind, exc.value.field, exc.value.key) == ("invalid", field, key)


def test_emc_choice_is_recorded(db_ctx: tuple[Session, LocalContext]) -> None:
    db, ctx = db_ctx
    row = svc.create_asset(
        db, ctx, {**PV, "code": "PV-EMC", "ownership": "emc", "emc_treatment": "contractual"}
    )
    assert svc.pv_treatment(row) == "contractual"
    svc.update_asset(db, ctx, "PV-EMC", {"emc_treatment": "self_generation"})
    assert svc.pv_treatment(svc.asset_by_code(db, ctx, "PV-EMC")) == "self_generation"


def test_csv_import_creates_updates_and_is_all_or_nothing(
    db_ctx: tuple[Session, LocalContext],
) -> None:
    db, ctx = db_ctx
    good = (
        "code,site,kind,kwp,kwh,kw,rte,ownership,emc_treatment,meters\n"
        "IMP-PV,HQ,pv,3000,,,,emc,contractual,generation=G1;export=X1\n"
        "IMP-BAT,HQ,storage,,2000,500,0.9,own,,charge=C1;discharge=D1\n"
    )
    res = svc.import_assets(db, ctx, good.encode(), "assets.csv")
    assert res.created == ("IMP-PV", "IMP-BAT")
    assert svc.asset_by_code(db, ctx, "IMP-BAT").meters == {"charge": "C1", "discharge": "D1"}
    bad = (
        "code,site,kind,kwp,rte,ownership\n"
        "IMP-PV,HQ,pv,abc,,own\n"  # row 2: kwp not a number
        "NEW-1,HQ,storage,,0.9,own\n"  # row 3: no kwh / kw
        "NEW-1,HQ,pv,5,,emc\n"  # row 4: the code again
    )
    with pytest.raises(svc.AssetsError) as exc:
        svc.import_assets(db, ctx, bad.encode(), "assets.csv")
    cells = [(f, r, c) for f, r, c, _ in exc.value.errors]
    assert cells == [("assets.csv", 2, "kwp"), ("assets.csv", 3, "kwh"), ("assets.csv", 4, "code")]
    assert "assets.csv, row 2, kwp" in exc.value.message
    # nothing written: NEW-1 absent, IMP-PV unchanged
    assert [a.code for a in svc.list_assets(db, ctx) if a.code.startswith("NEW")] == []
    assert svc.asset_by_code(db, ctx, "IMP-PV").kwp == 3000.0


def test_yaml_import(db_ctx: tuple[Session, LocalContext]) -> None:
    db, ctx = db_ctx
    svc.create_asset(db, ctx, {**PV, "code": "Y-PV"})
    doc = (
        "assets:\n"
        "  - {code: Y-DC, site: HQ, kind: data_centre, meters: {it: IT1, facility: F1}}\n"
        "  - {code: Y-PV, kwp: 3100}\n"
    )
    res = svc.import_assets(db, ctx, doc.encode(), "assets.yaml")
    assert (res.created, res.updated) == (("Y-DC",), ("Y-PV",))
    assert svc.asset_by_code(db, ctx, "Y-PV").kwp == 3100.0
    assert svc.asset_dict(svc.asset_by_code(db, ctx, "Y-DC"))["meters"] == {
        "it": "IT1",
        "facility": "F1",
    }
