"""Physical risk per site, the pure module (decision 0083; docs/risk-physical.md): curves
(piecewise linear, clamped), the EAD trapezoid over exceedance probability with its tails, BI,
the roll-up and the IFRS S2 ¶29(c) shares — each figure worked out by hand in the comments."""

from __future__ import annotations

import pytest

from lingtan.modules.risk import physical as ph
from lingtan.modules.risk.errors import HazardError

#: a simple test curve: damage rises from 0 at 0 m to 1 at 2 m, linearly
LINEAR = ph.curve("riverine_flood", [(0, 0), (2, 1)], "test", "test")


def _e(site: str, assets: float, revenue: float, days: float = 10.0) -> ph.Exposure:
    return ph.exposure(
        site=site,
        latitude=30,
        longitude=114,
        asset_value=assets,
        revenue_per_day=revenue,
        currency="CNY",
        bi_days=days,
    )


def _i(site: str, hazard: str, rp: float | None, value: float, unit: str = "m") -> ph.Indicator:
    return ph.indicator(site, hazard, "SSP5-8.5", 2050, rp, value, unit, "test")


def test_curve_interpolates_and_clamps() -> None:
    assert LINEAR.damage(-1) == 0.0  # below the first point: its damage
    assert LINEAR.damage(0.5) == pytest.approx(0.25)  # 0.5 / 2
    assert LINEAR.damage(5) == 1.0  # above the last point: its damage
    flood = ph.DEFAULT_CURVES["riverine_flood"]
    # between (1, 0.4) and (2, 0.6): 0.4 + 0.2 × 0.5 = 0.5
    assert flood.damage(1.5) == pytest.approx(0.5)
    assert flood.default
    assert "Huizinga" in flood.source
    assert "lingtan" in flood.label


def test_curve_checks() -> None:
    for points, key in (
        ([(0, 0)], "hazards.err.curve_points"),
        ([(1, 0), (1, 0.5)], "hazards.err.curve_order"),
        ([(0, 0.5), (1, 0.2)], "hazards.err.curve_falling"),
        ([(0, 0), (1, 1.5)], "hazards.err.range"),
    ):
        with pytest.raises(HazardError) as exc:
            ph.curve("riverine_flood", points, "x", "x")
        assert exc.value.message.key == key
    with pytest.raises(HazardError) as exc:
        ph.curve("heat", [(0, 0), (1, 1)], "x", "x")
    assert exc.value.message.key == "hazards.err.curve_chronic"


def test_ead_trapezoid_and_tails() -> None:
    # RP 10 → 0.5 m → d 0.25 at p 0.1; RP 100 → 1 m → d 0.5 at p 0.01
    # trapezoid (0.25 + 0.5) / 2 × (0.1 − 0.01) = 0.375 × 0.09 = 0.03375
    # rare tail: d(RP 100) × 1/100 = 0.005; frequent tail (p > 0.1): nothing
    # fraction = 0.03375 + 0.005 = 0.03875
    assert ph.ead_fraction([(100, 1.0), (10, 0.5)], LINEAR) == pytest.approx(0.03875)
    # one point only: the rare tail, 0.5 × 1/100 = 0.005
    assert ph.ead_fraction([(100, 1.0)], LINEAR) == pytest.approx(0.005)
    with pytest.raises(HazardError):
        ph.ead_fraction([], LINEAR)
    with pytest.raises(HazardError):
        ph.ead_fraction([(10, 0.5), (10, 0.6)], LINEAR)


def test_site_risk_ead_and_bi() -> None:
    e = _e("WH", 1e9, 2e6, days=100)
    inds = [
        _i("WH", "riverine_flood", 10, 0.5),
        _i("WH", "riverine_flood", 100, 1.0),
        _i("WH", "heat", None, 20, "days/yr"),
        _i("SZ", "riverine_flood", 10, 3.0),
    ]
    r = ph.site_risk(e, inds, {"riverine_flood": LINEAR})
    # fraction 0.03875 (above); EAD = 1e9 × 0.03875 = 38 750 000
    # downtime = 100 days × 0.03875 = 3.875 days; BI = 3.875 × 2 000 000 = 7 750 000
    assert r.ead == pytest.approx(38_750_000)
    assert r.downtime_days == pytest.approx(3.875)
    assert r.bi == pytest.approx(7_750_000)
    assert r.chronic == {"heat": 20.0}  # SZ's indicator ignored
    g = ph.rollup([r, ph.site_risk(_e("SZ", 5e8, 1e6), [], None)], "CNY")
    assert g.sites == 2
    assert g.ead == pytest.approx(38_750_000)
    assert g.bi == pytest.approx(7_750_000)
    assert g.total == pytest.approx(46_500_000)  # 38 750 000 + 7 750 000
    assert g.asset_value == pytest.approx(1.5e9)
    with pytest.raises(HazardError) as exc:
        ph.rollup([r], "EUR")
    assert exc.value.message.key == "hazards.err.mixed_currency"


def test_share_above_threshold() -> None:
    exposures = [_e("WH", 1e9, 2e6), _e("SZ", 5e8, 1e6), _e("HQ", 5e8, 1e6)]
    inds = [
        _i("WH", "riverine_flood", 100, 1.0),
        _i("SZ", "riverine_flood", 100, 0.5),
        _i("HQ", "riverine_flood", 100, 0.4),
        _i("HQ", "riverine_flood", 1000, 2.0),
    ]
    s = ph.share_above(exposures, inds, "riverine_flood", 0.5, 100)
    # at RP 100, ≥ 0.5 m: WH (1.0) and SZ (0.5, the threshold itself); HQ 0.4 below
    # assets (1e9 + 5e8) / 2e9 = 0.75; revenue (2e6 + 1e6) / 4e6 = 0.75
    assert s.sites_above == ("SZ", "WH")
    assert s.assets_share == pytest.approx(0.75)
    assert s.revenue_share == pytest.approx(0.75)
    with pytest.raises(HazardError):
        ph.share_above(exposures, inds, "riverine_flood", 0.5, None)  # acute needs an RP
    empty = ph.share_above([], inds, "riverine_flood", 0.5, 100)
    assert empty.assets_share is None


def test_indicator_and_exposure_checks() -> None:
    cases = [
        (("WH", "flood", "SSP5-8.5", 2050, 10, 1, "m", "s"), "hazards.err.hazard"),
        (("WH", "heat", "SSP5-8.5", 2050, 10, 1, "days/yr", "s"), "hazards.err.rp_chronic"),
        (("WH", "riverine_flood", "SSP5-8.5", 2050, "", 1, "m", "s"), "hazards.err.rp_required"),
        (("WH", "riverine_flood", "SSP5-8.5", 2050, 10, 1, "cm", "s"), "hazards.err.unit"),
        (("WH", "riverine_flood", "SSP5-8.5", 1800, 10, 1, "m", "s"), "hazards.err.year"),
        (("WH", "riverine_flood", "SSP5-8.5", 0, 10, 1, "m", "s"), "hazards.err.year"),
        (("WH", "riverine_flood", "SSP/8", 2050, 10, 1, "m", "s"), "hazards.err.pathway"),
        (("WH", "riverine_flood", "SSP5-8.5", 2050, 0.5, 1, "m", "s"), "hazards.err.range"),
        (("WH", "riverine_flood", "SSP5-8.5", 2050, 10, "x", "m", "s"), "hazards.err.number"),
    ]
    for args, key in cases:
        with pytest.raises(HazardError) as exc:
            ph.indicator(*args)
        assert exc.value.message.key == key, args
    ok = ph.indicator("WH", "Riverine_Flood", "ssp5-8.5", 0 + 2050, "100", "1,5", "m", "s")
    assert (ok.hazard, ok.pathway, ok.return_period, ok.value) == (
        "riverine_flood",
        "SSP5-8.5",
        100.0,
        1.5,
    )
    base = ph.indicator("WH", "heat", "historical", 0, None, 5, "days/yr", "s")
    assert base.year == 0  # the historical baseline without a year
    with pytest.raises(HazardError) as exc:
        ph.exposure(
            site="WH",
            latitude=91,
            longitude=0,
            asset_value=1,
            revenue_per_day=1,
            currency="CNY",
            bi_days=1,
        )
    assert exc.value.field == "latitude"
    with pytest.raises(HazardError) as exc:
        ph.exposure(
            site="WH",
            latitude=0,
            longitude=0,
            asset_value=1,
            revenue_per_day=1,
            currency="yuan",
            bi_days=1,
        )
    assert exc.value.field == "currency"
