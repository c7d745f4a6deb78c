"""The set-up use cases (decision 0056) on a workspace, on both stores: entities and sites
checked field by field (the catalogue key and the field named), written to lingtan.yaml and
audited with the actor; a site named by imported rows is kept; exchange rates written through
a temporary file and audited; own factor sets removed; the permission checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services import boundary, own_factors, rates
from lingtan.adapters.services.boundary import SetupError
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.imports import import_file
from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.bootstrap import sync_boundary
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    init_workspace(tmp_path / "ws", organisation="Test Co", region="CN", start_month=4)
    c = LocalContext(tmp_path / "ws", actor="user:tester")
    with session(c) as db:  # the store holds the boundary of lingtan.yaml (as on a server)
        sync_boundary(db, c.workspace().config)
        db.commit()
    return c


def session(ctx: LocalContext) -> Session:
    ws = ctx.workspace()
    return tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor)


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with session(ctx) as s:
        yield s


def config(ctx: LocalContext) -> dict[str, Any]:
    return yaml.safe_load((ctx.workspace().path / "lingtan.yaml").read_text("utf-8"))


def actions(db: Session, prefix: str) -> list[tuple[str, str, str]]:
    q = select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)
    return [(e.actor, e.action, e.target) for e in db.scalars(q)]


def refused(call: Any, *args: Any) -> SetupError:
    with pytest.raises(SetupError) as info:
        call(*args)
    return info.value


def test_entity_and_site_are_checked_written_and_audited(ctx: LocalContext, db: Session) -> None:
    e = boundary.create_entity(db, ctx, {"code": "SUB", "name": " Sub Co ", "ownership_pct": 51,
                                         "parent_code": "MAIN", "country": "cn"})  # fmt: skip
    s = boundary.create_site(
        db, ctx, {"code": "TJ", "name": "Tianjin", "entity_code": "SUB", "region": "cn-tj"}
    )
    cfg = config(ctx)
    assert {"id": "SUB", "name": "Sub Co", "ownership_pct": 51.0, "operational_control": True,
            "financial_control": True, "parent": "MAIN",
            "country": "CN"} in cfg["entities"]  # fmt: skip
    assert {
        "id": "TJ",
        "name": "Tianjin",
        "entity": "SUB",
        "region": "CN-TJ",
        "kind": "site",
    } in cfg["sites"]
    boundary.update_site(db, ctx, s.id, {"region": "CN-GRID-NORTH", "kind": "factory"})
    assert next(x for x in config(ctx)["sites"] if x["id"] == "TJ")["region"] == "CN-GRID-NORTH"
    boundary.delete_site(db, ctx, s.id)
    boundary.delete_entity(db, ctx, e.id)
    assert [x["id"] for x in config(ctx)["entities"]] == ["MAIN"]
    got = [(a, act) for a, act, _t in actions(db, "entity") + actions(db, "site")]
    assert [x for x in got if x[0] == "user:tester"] == [
        ("user:tester", "entity.create"),
        ("user:tester", "entity.delete"),
        ("user:tester", "site.create"),
        ("user:tester", "site.update"),
        ("user:tester", "site.delete"),
    ]  # (the others: the boundary of lingtan.yaml stored when the workspace was opened)


@pytest.mark.parametrize(
    ("fields", "key", "field"),
    [
        ({"ownership_pct": 150}, "setup.err.ownership", "ownership_pct"),
        ({"ownership_pct": -1}, "setup.err.ownership", "ownership_pct"),
        ({"country": "XX"}, "setup.err.country", "country"),
        ({"parent_code": "NOPE"}, "setup.err.unknown_parent", "parent_code"),
        ({"parent_code": "NEW"}, "setup.err.parent_self", "parent_code"),
        ({"name": ""}, "setup.err.name", "name"),
        ({"code": "bad code"}, "setup.err.code", "code"),
        ({"code": "MAIN"}, "setup.err.duplicate", "code"),
    ],
)
def test_entity_fields_are_refused_naming_the_field(
    ctx: LocalContext, db: Session, fields: dict[str, Any], key: str, field: str
) -> None:
    err = refused(boundary.create_entity, db, ctx, {"code": "NEW", "name": "New", **fields})
    assert (err.key, err.field) == (key, field)
    assert [x["id"] for x in config(ctx)["entities"]] == ["MAIN"]


@pytest.mark.parametrize(
    ("fields", "key", "field"),
    [
        ({"entity_code": "NOPE"}, "setup.err.unknown_entity", "entity_code"),
        ({"region": "CN-XX"}, "setup.err.region", "region"),
        ({"region": "ZZ"}, "setup.err.region", "region"),
        ({"region": "US-EGRID-NOPE"}, "setup.err.region", "region"),
        ({"kind": "Big Factory"}, "setup.err.kind", "kind"),
        ({"code": "HQ"}, "setup.err.duplicate", "code"),
    ],
)
def test_site_fields_are_refused_naming_the_field(
    ctx: LocalContext, db: Session, fields: dict[str, Any], key: str, field: str
) -> None:
    site = {"code": "NEW", "name": "New", "entity_code": "MAIN", "region": "CN-GD", **fields}
    err = refused(boundary.create_site, db, ctx, site)
    assert (err.key, err.field) == (key, field)


def test_a_site_with_imported_rows_and_a_used_entity_are_kept(
    ctx: LocalContext, db: Session
) -> None:
    path = ctx.workspace().path / "fuel.csv"
    path.write_text(
        "site,date,fuel,quantity,unit,use\nHQ,2023-05-01,diesel,1000,L,stationary\n", "utf-8"
    )
    batch = import_file(ctx, path)
    hq = next(s for s in boundary.list_sites(db, ctx) if s.code == "HQ")
    err = refused(boundary.delete_site, db, ctx, hq.id)
    assert (err.kind, err.key) == ("conflict", "setup.err.site_in_use")
    bid = batch.batch_id if hasattr(batch, "batch_id") else batch.id  # type: ignore[union-attr]
    assert err.params["batches"] == f"fuel.csv ({bid[:12]})"
    main = next(e for e in boundary.list_entities(db, ctx) if e.code == "MAIN")
    err = refused(boundary.delete_entity, db, ctx, main.id)
    assert (err.key, err.params["sites"]) == ("setup.err.entity_has_sites", "HQ")
    assert [x["id"] for x in config(ctx)["sites"]] == ["HQ"]


def test_exchange_rates_are_written_atomically_and_audited(ctx: LocalContext, db: Session) -> None:
    fx = ctx.workspace().path / "reference" / "fx_rates.csv"
    rates.set_rate(db, ctx, "cny", "2023", "7.0467", "PBOC annual average")
    rates.set_rate(db, ctx, "EUR", 2023, 0.9248, "ECB")
    rates.set_rate(db, ctx, "CNY", 2023, 7.05, "corrected")
    assert fx.read_text("utf-8") == (
        "year,currency,per_usd,source\n2023,CNY,7.05,corrected\n2023,EUR,0.9248,ECB\n"
    )
    assert not list(fx.parent.glob(".*.tmp"))  # the temporary file was renamed into place
    from lingtan.adapters.io.library import read_reference

    assert read_reference(fx, "per_usd") == {(2023, "CNY"): 7.05, (2023, "EUR"): 0.9248}
    rates.delete_rate(db, ctx, "EUR", 2023)
    assert [(r.currency, r.year, r.per_usd) for r in rates.list_rates(ctx)] == [("CNY", 2023, 7.05)]
    assert actions(db, "exchange_rate") == [
        ("user:tester", "exchange_rate.set", "reference/fx_rates.csv:CNY/2023"),
        ("user:tester", "exchange_rate.set", "reference/fx_rates.csv:EUR/2023"),
        ("user:tester", "exchange_rate.set", "reference/fx_rates.csv:CNY/2023"),
        ("user:tester", "exchange_rate.delete", "reference/fx_rates.csv:EUR/2023"),
    ]
    for args, key in (
        (("XYZ", 2023, 1, "s"), "setup.err.currency"),
        (("USD", 2023, 1, "s"), "setup.err.usd"),
        (("CNY", 1800, 1, "s"), "setup.err.year"),
        (("CNY", 2023, 0, "s"), "setup.err.rate"),
        (("CNY", 2023, "nan", "s"), "setup.err.rate"),
        (("CNY", 2023, 7, ""), "setup.err.source"),
    ):
        assert refused(rates.set_rate, db, ctx, *args).key == key
    with pytest.raises(ServiceError) as info:
        rates.delete_rate(db, ctx, "EUR", 2023)
    assert info.value.kind == "not_found"


class _Viewer(LocalContext):
    """A context whose role may only read."""

    def can(self, action: Any) -> bool:
        return action == "read"

    def require(self, action: Any) -> None:
        if not self.can(action):
            raise ServiceError("forbidden", "forbidden", f"may not {action}")


def test_changes_need_edit_data(ctx: LocalContext, db: Session) -> None:
    viewer = _Viewer.of(ctx.workspace())
    for call, args in (
        (boundary.create_entity, ({"code": "X", "name": "X"},)),
        (boundary.delete_site, (1,)),
        (rates.set_rate, ("CNY", 2023, 7, "s")),
        (rates.delete_rate, ("CNY", 2023)),
    ):
        with pytest.raises(ServiceError) as info:
            call(db, viewer, *args)  # type: ignore[operator]
        assert info.value.kind == "forbidden"
    assert rates.list_rates(viewer) == []


def test_own_factor_set_upload_error_and_removal(ctx: LocalContext, db: Session) -> None:
    csv = (
        "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
        "own/steel/CN/2024,purchased.steel,CN,t,CO2,1850,2024-01-01,Supplier X,EPD,2024\n"
    )
    tenant: Any = ctx  # the upload keeps its manifest row through the store session
    own_factors.upload_own_factor_set(db, tenant, "own.csv", csv.encode())
    folder = ctx.workspace().factors_dir
    assert (folder / "own.csv").exists()
    assert [s.name for s in own_factors.list_own_factor_sets(db, tenant)] == ["own"]
    err = refused(
        own_factors.upload_own_factor_set, db, tenant, "own.csv",
        csv.replace(",1850,", ",x,").encode(),
    )  # fmt: skip
    assert (err.key, err.field) == ("setup.err.factor_file", "file")
    assert "own.csv" in err.params["detail"]
    own_factors.delete_own_factor_set(db, tenant, "own")
    assert not (folder / "own.csv").exists()
    assert own_factors.list_own_factor_sets(db, tenant) == []
    assert ("user:tester", "factor_set.delete") in [(a, x) for a, x, _ in actions(db, "factor_set")]
