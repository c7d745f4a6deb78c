"""Physical risk per site, the use cases (decision 0083), on the workspace of
:mod:`risk_hazards_kit` (WH and SZ with exposure; hand calculation there): imports all or
nothing with every wrong cell named, EAD and BI per site and for the group, the ¶29(c) shares,
``physical_loss`` for the scenario runs, own curves, the audit log, and the demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import risk_hazards_kit as kit
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import risk_hazards as sv
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.risk_hazards import HazardIndicatorRow, SiteExposureRow


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    return LocalContext(kit.prepare(tmp_path / "ws"))


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


def _load(db: Session, ctx: LocalContext) -> None:
    assert sv.import_exposure(db, ctx, kit.EXPOSURE_CSV.encode(), "exposure.csv") == 2
    res = sv.import_hazards(db, ctx, kit.HAZARDS_CSV.encode(), "hazards.csv")
    assert (res.created, res.replaced) == (7, 0)


def test_risks_per_site_and_group(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    r = sv.site_risks(db, ctx, kit.PATHWAY, kit.YEAR)
    got = {s.site: s for s in r.sites}
    for site in ("WH", "SZ"):
        assert got[site].ead == pytest.approx(kit.EAD[site])
        assert got[site].bi == pytest.approx(kit.BI[site])
    assert got["SZ"].chronic == {"heat": 40.0}
    assert r.group is not None
    assert r.group.ead == pytest.approx(kit.GROUP_EAD)
    assert r.group.bi == pytest.approx(kit.GROUP_BI)
    loss = sv.physical_loss(db, ctx, "ssp5-8.5", 2050)  # the pathway code in any case
    assert loss is not None
    assert (loss.currency, loss.sites) == ("CNY", 2)
    assert loss.total == pytest.approx(47_765_000)  # 40 300 000 + 7 465 000
    assert sv.physical_loss(db, ctx, "SSP2-4.5", 2050) is None  # no data for that layer
    assert sv.physical_loss(db, ctx, "not a pathway!", 2050) is None
    assert sv.layers(db, ctx) == [("SSP5-8.5", 2050)]


def test_shares(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    shares = {s.hazard: s for s in sv.shares(db, ctx, kit.PATHWAY, kit.YEAR)}
    assert set(shares) == {"riverine_flood", "typhoon_wind", "heat"}
    assert shares["riverine_flood"].assets_share == pytest.approx(2 / 3)  # WH 1e9 / 1.5e9
    assert shares["heat"].revenue_share == pytest.approx(1 / 3)  # SZ 1e6 / 3e6
    # a stricter threshold: WH's 100-year flood 1.0 m < 1.5 m → nobody
    (s,) = sv.shares(db, ctx, kit.PATHWAY, kit.YEAR, "riverine_flood", threshold=1.5)
    assert s.sites_above == ()
    # at the 1000-year flood (2.0 m ≥ 1.5 m): WH
    (s,) = sv.shares(
        db, ctx, kit.PATHWAY, kit.YEAR, "riverine_flood", threshold=1.5, return_period=1000
    )
    assert s.sites_above == ("WH",)


def test_imports_are_all_or_nothing(db: Session, ctx: LocalContext) -> None:
    bad = kit.EXPOSURE_CSV + "NOPE,1,1,1,1,CNY,1\nHQ,1,1,1,1,EUR,1\n"
    with pytest.raises(sv.HazardsFileError) as exc:
        sv.import_exposure(db, ctx, bad.encode(), "exposure.csv")
    lines = sv.row_error_lines(exc.value.errors, "en")
    assert (
        'exposure.csv, row 4, column site: Site "NOPE" is not in the organisation\'s boundary'
        in lines
    )
    assert any(
        line.startswith("exposure.csv, row 5, column currency: Site HQ is in EUR") for line in lines
    )
    assert db.scalars(select(SiteExposureRow)).first() is None  # nothing stored
    zh = sv.row_error_lines(exc.value.errors, "zh-CN")
    assert "exposure.csv，第 4 行，site 列：站点“NOPE”不在组织边界内" in zh
    bad = kit.HAZARDS_CSV + "ELSEWHERE,heat,SSP5-8.5,2050,,1,days/yr,test\n"
    with pytest.raises(sv.HazardsFileError) as exc:
        sv.import_hazards(db, ctx, bad.encode(), "hazards.csv")
    assert [(e.row, e.column) for e in exc.value.errors] == [(9, "site")]
    assert db.scalars(select(HazardIndicatorRow)).first() is None
    with pytest.raises(sv.HazardsError) as exc2:
        sv.set_exposure(
            db,
            ctx,
            {
                "site": "WH",
                "latitude": 1,
                "longitude": 1,
                "asset_value": 1,
                "revenue_per_day": 1,
                "currency": "CNY",
            },
        )
    assert (exc2.value.key, exc2.value.field) == ("hazards.err.required", "bi_days")


def test_one_currency_and_physrisk_replaces(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    with pytest.raises(sv.HazardsError) as exc:
        sv.set_exposure(
            db,
            ctx,
            {
                "site": "HQ",
                "latitude": 39.9,
                "longitude": 116.4,
                "asset_value": 1,
                "revenue_per_day": 1,
                "currency": "USD",
                "bi_days": 1,
            },
        )
    assert exc.value.key == "hazards.err.mixed_currency"
    res = sv.import_hazards(db, ctx, kit.PHYSRISK_JSON.encode(), "physrisk.json")
    # WH's three flood points and SZ's heat replace the rows of the same key
    assert (res.created, res.replaced) == (4, 4)
    assert sv.site_risks(db, ctx, kit.PATHWAY, kit.YEAR).group is not None


def test_own_curve_changes_the_ead_and_is_audited(db: Session, ctx: LocalContext) -> None:
    _load(db, ctx)
    sv.set_curve(db, ctx, "riverine_flood", [[0, 0], [2, 1]], "own", "insurer 2026")
    # WH: damage 0.25, 0.5, 1.0 at p 0.1, 0.01, 0.001: 0.375 × 0.09 = 0.03375;
    # 0.75 × 0.009 = 0.00675; tail 1.0 × 0.001 = 0.001 → 0.0415; EAD = 1e9 × 0.0415
    wh = next(s for s in sv.site_risks(db, ctx, kit.PATHWAY, kit.YEAR).sites if s.site == "WH")
    assert wh.ead == pytest.approx(41_500_000)
    assert sv.curves(db, ctx)["riverine_flood"].default is False
    assert sv.reset_curve(db, ctx, "riverine_flood") is True
    assert sv.curves(db, ctx)["riverine_flood"].default is True
    with pytest.raises(sv.HazardsError) as exc:
        sv.set_curve(db, ctx, "heat", [[0, 0], [1, 1]], "x", "x")
    assert exc.value.key == "hazards.err.curve_chronic"
    actions = {(e.action, e.actor) for e in db.scalars(select(AuditEntry))}
    assert ("vulnerability_curve.create", ctx.actor) in actions
    assert ("vulnerability_curve.delete", ctx.actor) in actions
    assert ("site_exposure.create", ctx.actor) in actions
    sv.delete_exposure(db, ctx, "SZ")
    with pytest.raises(sv.HazardsError) as exc:
        sv.get_exposure(db, ctx, "SZ")
    assert exc.value.kind == "not_found"
    assert sv.site_risks(db, ctx, kit.PATHWAY, kit.YEAR).without_exposure == ("SZ",)


def test_demo(tmp_path: Path) -> None:
    from lingtan.adapters.demo.group import lingtan_yaml
    from lingtan.adapters.store.workspace import init_workspace

    folder = tmp_path / "demo"
    init_workspace(folder, organisation="Demo").engine.dispose()
    (folder / "lingtan.yaml").write_text(lingtan_yaml(), encoding="utf-8")
    ctx = LocalContext(folder)
    with store_session(ctx) as db:
        n = sv.load_demo(db, ctx)
        assert n > 0
        rows = len(list(db.scalars(select(HazardIndicatorRow))))
        assert sv.load_demo(db, ctx) == n  # idempotent: replaced, not added
        assert len(list(db.scalars(select(HazardIndicatorRow)))) == rows
        assert all("ILLUSTRATIVE" in r.source for r in db.scalars(select(HazardIndicatorRow)))
        tj = sv.get_exposure(db, ctx, "TJ-FACTORY")
        assert (tj.latitude, tj.longitude) == (39.084, 117.201)  # Tianjin
        layers = sv.layers(db, ctx)
        assert ("historical", 0) in layers
        assert {(p, y) for p, y in layers if p == "SSP5-8.5"} == {
            ("SSP5-8.5", y) for y in (2030, 2040, 2050)
        }
        high = sv.physical_loss(db, ctx, "SSP5-8.5", 2050)
        mid = sv.physical_loss(db, ctx, "SSP2-4.5", 2050)
        base = sv.physical_loss(db, ctx, "historical", 0)
        assert high is not None
        assert mid is not None
        assert base is not None
        assert high.total > mid.total > base.total > 0
