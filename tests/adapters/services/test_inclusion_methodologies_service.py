"""The methodology-pack use cases (decision 0087) on a workspace with the demo product family:
the programme's region selects the pack (Shenzhen's official net factors in CN-GD/Shenzhen,
lingtan's conservative pack elsewhere), an organisation's own pack version (loaded from YAML,
content-hashed, audited; the same content again a no-op, another content a conflict) wins over
the shipped one, the second-hand substitution uses the organisation's own product footprint
(materials + manufacturing), and refusals are keyed and name the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.cli.common import store_session
from lingtan.adapters.demo.products import DEMO_CONFIG, DEMO_PRODUCT, write_demo_product_files
from lingtan.adapters.io.lca.workflow import open_products_folder
from lingtan.adapters.services import inclusion_methodologies as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry, verify
from lingtan.adapters.store.inclusion_programmes import InclusionProgrammeRow
from lingtan.modules.inclusion.errors import MethodologyError, PlausibilityError
from lingtan.modules.inclusion.methodology import ActionInput

DAY = datetime(2024, 5, 6, 8, 0)
OWN_PACK = """\
id: lingtan.travel
title: Our own travel pack
publisher: Acme
region: CN
version: "2027.1"
valid_from: 2024-01-01
formula: travel.baseline_minus_project
label: illustrative
actions: [travel.metro]
citation: our own
licence: ours
double_counting: none claimed elsewhere
parameters:
  ef_baseline: {value: 0.2, unit: kgCO2e/pkm, source: ours, citation: ours, confidence: assumption}
  ef.metro: {value: 0.05, unit: kgCO2e/pkm, source: ours, citation: ours, confidence: assumption}
"""


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    from lingtan.adapters.store.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws, organisation="Inclusion Co", region="CN").engine.dispose()
    write_demo_product_files(ws)
    return LocalContext(ws)


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def metro(km: float = 10, when: datetime = DAY) -> ActionInput:
    return ActionInput("travel.metro", km, "km", when)


def test_region_selects_the_pack(db: Session, ctx: LocalContext) -> None:
    sz = InclusionProgrammeRow(region="CN-GD/Shenzhen")
    r = sv.quantify(db, ctx, sz, metro())
    assert (r.pack_id, r.kg_co2e) == ("shenzhen.public-transport", pytest.approx(0.467))
    # walking is not in the Shenzhen pack: lingtan's, with Guangdong's grid parameters
    walk = sv.quantify(db, ctx, sz, ActionInput("travel.walk", 2, "km", DAY))
    assert (walk.pack_id, walk.kg_co2e) == ("lingtan.travel", pytest.approx(2 * 0.16725))
    bj = sv.quantify(db, ctx, InclusionProgrammeRow(region="CN-BJ"), metro())
    assert (bj.pack_id, bj.kg_co2e) == ("lingtan.travel",
                                        pytest.approx(1.6725 - 10 * 0.1616 * 0.5688))  # fmt: skip
    # before the Shenzhen methodology was released: the conservative pack
    early = sv.quantify(db, ctx, sz, metro(when=datetime(2021, 6, 1)))
    assert early.pack_id == "lingtan.travel"
    zero = sv.quantify(db, ctx, sz, ActionInput("purchase.carbon_neutral_pc", 1, "item", DAY))
    assert (zero.kg_co2e, zero.counts_as) == (0.0, "engagement")


def test_batches_read_the_store_once(db: Session, ctx: LocalContext) -> None:
    prog = InclusionProgrammeRow(region="CN")
    first = sv.quantify(db, ctx, prog, metro())
    results = [sv.quantify(db, ctx, prog, metro(1 + i % 50)) for i in range(2000)]
    assert results[9].kg_co2e == pytest.approx(first.kg_co2e)
    assert {r.params_hash for r in results} == {first.params_hash}
    assert db.info[sv._CACHE_KEY] is sv._entries(db)


def test_own_pack_version(db: Session, ctx: LocalContext) -> None:
    entry = sv.load_pack(db, ctx, OWN_PACK.encode(), "own.yaml")
    assert (entry.origin, entry.pack.version, entry.pack.label) == ("loaded", "2027.1",
                                                                    "illustrative")  # fmt: skip
    again = sv.load_pack(db, ctx, OWN_PACK, "own.yaml")  # same content: nothing changes
    assert again.pack.digest == entry.pack.digest
    r = sv.quantify(db, ctx, InclusionProgrammeRow(region="CN"), metro())
    assert (r.pack_id, r.pack_version, r.kg_co2e) == ("lingtan.travel", "2027.1",
                                                      pytest.approx(10 * (0.2 - 0.05)))  # fmt: skip
    assert sv.get_pack(db, ctx, "lingtan.travel").origin == "loaded"
    assert sv.get_pack(db, ctx, "lingtan.travel", "2026.1").origin == "shipped"
    with pytest.raises(sv.InclusionMethodologyError) as exc:
        sv.load_pack(db, ctx, OWN_PACK.replace("0.05", "0.06"), "own.yaml")
    assert (exc.value.kind, exc.value.key, exc.value.field) == (
        "conflict", "incl_meth.err.version_exists", "version")  # fmt: skip
    with pytest.raises(sv.InclusionMethodologyError) as exc:
        sv.load_pack(db, ctx, OWN_PACK.replace('"2027.1"', '"2026.1"'), "own.yaml")
    assert exc.value.key == "incl_meth.err.shipped_version"
    with pytest.raises(sv.InclusionMethodologyError) as exc:
        sv.load_pack(db, ctx, OWN_PACK.replace("kgCO2e/pkm, source: ours, citation: ours, "
                                               "confidence: assumption}\n  ef.metro",
                                               "kWh/day, source: ours, citation: ours, "
                                               "confidence: assumption}\n  ef.metro"),
                     "bad.yaml")  # fmt: skip
    assert (exc.value.kind, exc.value.field, exc.value.params["file"]) == (
        "invalid", "parameters.ef_baseline.unit", "bad.yaml")  # fmt: skip
    assert exc.value.key == "incl_meth.err.dimension"
    actions = [e.action for e in db.scalars(select(AuditEntry))]
    assert actions.count("inclusion_methodology.create") == 1
    assert verify(db).ok
    stored = yaml.safe_load(OWN_PACK)
    assert sv.get_pack(db, ctx, "lingtan.travel").pack.valid_from == stored["valid_from"]


def test_second_hand_with_the_own_product_footprint(db: Session, ctx: LocalContext) -> None:
    code = f"{DEMO_PRODUCT}/{DEMO_CONFIG}"
    bench = open_products_folder(ctx.workspace().path / "products")
    stages = replace(bench, on=date.today()).footprint(DEMO_PRODUCT, DEMO_CONFIG, 0).by_stage()
    e_new = stages["materials"] + stages["manufacturing"]
    assert sv.own_product_new_production_kg(db, ctx, code) == pytest.approx(e_new)
    assert sv.own_product_new_production_kg(db, ctx, "NOPE/none") is None
    prog = InclusionProgrammeRow(region="CN")
    r = sv.quantify(db, ctx, prog, ActionInput("secondhand.laptop", 1, "item", DAY, product=code))
    assert r.kg_co2e == pytest.approx(e_new * 0.3)  # ER = E_new × r, r = 0.3
    assert r.trace[0].source == f"lingtan product footprint {code}"
    generic = sv.quantify(db, ctx, prog, ActionInput("secondhand.laptop", 1, "item", DAY))
    assert generic.kg_co2e == pytest.approx(2.0 * 24.86547556 * 0.3)
    with pytest.raises(MethodologyError) as exc:
        sv.quantify(db, ctx, prog, ActionInput("secondhand.laptop", 1, "item", DAY,
                                               product="NOPE"))  # fmt: skip
    assert (exc.value.field, exc.value.message.key) == ("product", "incl_meth.err.unknown_product")


def test_refusals_are_keyed(db: Session, ctx: LocalContext) -> None:
    prog = InclusionProgrammeRow(region="CN")
    # quantify raises the module's errors (the events service records them as the reason) …
    with pytest.raises(PlausibilityError) as p_exc:
        sv.quantify(db, ctx, prog, ActionInput("travel.walk", 10, "km", DAY, duration_min=20))
    assert (p_exc.value.field, p_exc.value.message.key) == ("duration_min", "incl_meth.err.speed")
    with pytest.raises(MethodologyError) as m_exc:
        sv.quantify(db, ctx, prog, ActionInput("travel.rocket", 1, "km", DAY))
    assert m_exc.value.field == "action"
    with pytest.raises(MethodologyError) as m_exc:  # no pack valid in 2019
        sv.quantify(db, ctx, prog, metro(when=datetime(2019, 1, 1)))
    assert m_exc.value.message.key == "incl_meth.err.no_pack"
    # … simulate turns them into keyed 422 refusals
    with pytest.raises(sv.InclusionMethodologyError) as exc:
        sv.simulate(db, ctx, "CN", ActionInput("travel.walk", 10, "km", DAY, duration_min=20))
    assert (exc.value.kind, exc.value.field, exc.value.key) == (
        "invalid", "duration_min", "incl_meth.err.speed")  # fmt: skip
    with pytest.raises(sv.InclusionMethodologyError) as exc:
        sv.get_pack(db, ctx, "nope")
    assert exc.value.kind == "not_found"
    with pytest.raises(sv.InclusionMethodologyError) as exc:
        sv.action_input({"action": "travel.metro", "quantity": "ten"})
    assert exc.value.field == "quantity"
    ev = sv.action_input({"action": "travel.metro", "quantity": "3", "occurred_at": "2024-05-06"})
    assert (ev.unit, ev.quantity, ev.occurred_at) == ("km", 3.0, datetime(2024, 5, 6))
