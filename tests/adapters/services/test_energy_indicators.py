"""Energy indicators (issue 16 item 3, decisions 0073 and 0074) on both workspace stores, against
the hand-checked figures of tests/energykit.py: balance and tce on both GB/T 2589 bases, RE share
(RE100) with the workspace's certificate counted once, PV yield and self-consumption, storage
cycles and peak shaving, PUE, per-unit intensity with its year-on-year change, night use, and
the EMC choice changing the accounting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from energykit import EXPECTED, FY, SITE, build_energy_workspace
from lingtan.adapters.services import energy_indicators as svc
from lingtan.adapters.services.context import LocalContext

pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Path:
    return build_energy_workspace(tmp_path_factory.mktemp(f"indicators-{workspace_store}"))


@pytest.fixture(scope="module")
def site(folder: Path) -> svc.SiteEnergy:
    return svc.site_energy(LocalContext(folder), SITE, FY)


def test_balance_and_standard_coal_on_both_bases(site: svc.SiteEnergy) -> None:
    b = site.balance
    assert b.grid_import_kwh == pytest.approx(EXPECTED.grid_kwh)
    assert (b.generation_kwh, b.export_kwh) == pytest.approx((7_680.0, 480.0))
    assert (b.charge_kwh, b.discharge_kwh) == pytest.approx((960.0, 864.0))
    # C = 57 600 + (7 680 − 480) + (864 − 960) = 64 704 kWh
    assert b.consumption_kwh == pytest.approx(EXPECTED.consumption_kwh, rel=1e-12)
    assert b.carriers["natural_gas"] == pytest.approx((EXPECTED.gas_m3, "m3"))
    eq, inp = site.tce["equivalent"], site.tce["input_equivalent"]
    assert eq is not None
    assert inp is not None
    # (64 704 × 0.1229 + 2 880 × 1.33) / 1000; at 0.3 kgce/kWh: (19 411.2 + 3 830.4) / 1000
    assert eq.tce == pytest.approx(EXPECTED.tce_equivalent, rel=1e-9)
    assert inp.tce == pytest.approx(EXPECTED.tce_input_equivalent, rel=1e-9)
    assert (eq.basis, inp.basis) == ("equivalent", "input_equivalent")


def test_re_share_counts_the_certificate_once(site: svc.SiteEnergy) -> None:
    r = site.re_share
    # (7 200 self-use + 10 000 GEC) / 64 704
    assert r.share == pytest.approx(EXPECTED.re_share, rel=1e-9)
    assert r.parts["self_use"] == pytest.approx(7_200.0)
    assert r.parts["certificates"] == pytest.approx(EXPECTED.certificates_kwh)
    assert r.parts["ppa"] == 0
    assert r.parts["green_trades"] == 0


def test_pv_storage_and_data_centre(site: svc.SiteEnergy) -> None:
    (pv,) = site.pv
    assert pv["yield_kwh_per_kwp"] == pytest.approx(EXPECTED.pv_yield)  # 7 680 / 10
    assert pv["self_consumption"] == pytest.approx(EXPECTED.self_consumption)  # 7 200 / 7 680
    (bat,) = site.storage
    assert bat["cycles"] == pytest.approx(EXPECTED.cycles)  # 960 / 20
    assert bat["round_trip_efficiency"] == pytest.approx(EXPECTED.rte)  # 864 / 960
    shave = bat["peak_shaving"]
    # without the battery 18–20 h: (10 + 1.8) kWh per 15 min = 47.2 kW; metered 40 kW flat
    assert shave["peak_before_kw"] == pytest.approx(EXPECTED.peak_before_kw)
    assert shave["peak_after_kw"] == pytest.approx(EXPECTED.peak_after_kw)
    assert shave["reduction_kw"] == pytest.approx(7.2)
    (dc,) = site.data_centres
    assert dc["pue"] == pytest.approx(EXPECTED.pue)
    assert dc["gb40879_grade"] == 1


def test_intensity_with_year_on_year_change(folder: Path, site: svc.SiteEnergy) -> None:
    series = svc.intensity_by_year(LocalContext(folder), site=SITE)
    got = [(i.product_type, i.year, i.kwh_per_unit, i.change_vs_previous) for i in series]
    # 17 856 / 1 000 in 2023; 28 800 / 2 000 in 2024; 14.4 / 17.856 − 1 = −19.35 %
    assert got == [
        ("notebook", 2023, pytest.approx(EXPECTED.intensity_2023), None),
        ("notebook", 2024, pytest.approx(EXPECTED.intensity_2024),
         pytest.approx(EXPECTED.intensity_change)),
    ]  # fmt: skip
    assert all(i.method == "line_meters" for i in series)
    assert [i.year for i in site.intensity] == [2024]


def test_night_use_profile_and_months(site: svc.SiteEnergy) -> None:
    # the grid load is flat: night / day = 1 > 0.5 in both months
    assert [(a.meter, a.kind, a.period) for a in site.anomalies] == [
        ("HF-GRID", "night_use", "2024-01"),
        ("HF-GRID", "night_use", "2024-02"),
    ]
    assert site.load_profile == pytest.approx([40.0] * 24)  # 4 × 10 kWh per hour
    jan, feb = site.monthly
    # January: 29 760 + (3 968 − 248) + (446.4 − 496) = 33 430.4 kWh
    assert (jan["month"], jan["consumption_kwh"]) == ("2024-01", pytest.approx(33_430.4))
    assert feb["month"] == "2024-02"
    assert site.missing_intervals == 0
    json.dumps(site.to_dict())  # JSON-able


def test_group_and_years(folder: Path) -> None:
    ctx = LocalContext(folder)
    g = svc.group_energy(ctx, FY)
    assert [s.site for s in g.sites] == [SITE]
    assert g.consumption_kwh == pytest.approx(EXPECTED.consumption_kwh)
    assert g.tce["equivalent"] == pytest.approx(EXPECTED.tce_equivalent, rel=1e-9)
    assert g.re_share.share == pytest.approx(EXPECTED.re_share, rel=1e-9)
    json.dumps(g.to_dict())
    # 2023 holds only a sub-meter's readings (no consumption): left out
    years = svc.re_share_by_year(ctx)
    assert list(years) == [2024]
    assert years[2024].share == pytest.approx(EXPECTED.re_share)


def test_emc_pv_recorded_contractual_is_bought_electricity(
    tmp_path: Path, workspace_store: str
) -> None:
    from lingtan.adapters.services.energy_assets import update_asset
    from lingtan.adapters.services.energy_rollup import rollup
    from lingtan.adapters.store.scoping import tenant_session

    folder = build_energy_workspace(tmp_path / f"emc-{workspace_store}")
    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        update_asset(db, ctx, "HF-PV", {"ownership": "emc", "emc_treatment": "contractual"})
    s = svc.site_energy(ctx, SITE, FY)
    # the PV's net 7 200 kWh is bought: I = 64 800, S = 0, C unchanged
    assert s.balance.grid_import_kwh == pytest.approx(64_800.0)
    assert s.balance.self_use_kwh == 0
    assert s.balance.consumption_kwh == pytest.approx(64_704.0)
    assert s.re_share.share == pytest.approx(10_000 / 64_704, rel=1e-9)
    assert s.pv[0]["treatment"] == "contractual"
    report = rollup(ctx, FY)
    elec = next(b for b in report.batches if b.template == "electricity")
    from lingtan.adapters.services.energy_rollup import rollup_lineage

    # one grid row per month, January 29 760 + 3 720 = 33 480 (no onsite_renewable row)
    assert [p.meter for p in rollup_lineage(ctx, elec.batch_id, 2)] == [
        "HF-GRID",
        "HF-PV-EXP",
        "HF-PV-GEN",
    ]
    assert elec.rows == 2
