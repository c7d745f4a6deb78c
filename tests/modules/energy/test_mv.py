"""Baseline model and measured savings (modules/energy/mv.py), checked by hand and against
numpy.polyfit / scipy.stats.linregress."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from lingtan.modules.energy.errors import ModelError
from lingtan.modules.energy.mv import (
    G14_FACTOR,
    fit_baseline,
    fractional_savings_uncertainty,
    measured_savings,
    t_quantile,
)

# x = 1..5, y = 2 4 5 4 5: x̄ = 3, ȳ = 4, Sxx = 10, Sxy = (−2)(−2)+(−1)(0)+0+1·0+2·1 = 6
# b1 = 6/10 = 0.6, b0 = 4 − 0.6·3 = 2.2; fitted 2.8 3.4 4.0 4.6 5.2
# residuals −0.8 0.6 1.0 −0.6 −0.2: SSE = 0.64+0.36+1+0.36+0.04 = 2.4; SST = 4+0+1+0+1 = 6
X = [1.0, 2.0, 3.0, 4.0, 5.0]
Y = [2.0, 4.0, 5.0, 4.0, 5.0]


def test_single_normaliser_by_hand() -> None:
    m = fit_baseline(Y, {"production": X}, unit="kWh")
    b0, b1 = m.coefficients
    assert b0.value == pytest.approx(2.2)
    assert b1.value == pytest.approx(0.6)
    assert m.r2 == pytest.approx(0.6)  # 1 − 2.4/6
    assert m.adj_r2 == pytest.approx(1 - 0.4 * 4 / 3)  # (1 − R²)(n − 1)/(n − p)
    # s² = SSE/(n − p) = 2.4/3 = 0.8; se(b1) = √(s²/Sxx) = √0.08; se(b0) = √(s²(1/n + x̄²/Sxx))
    assert b1.std_error == pytest.approx(math.sqrt(0.08))
    assert b0.std_error == pytest.approx(math.sqrt(0.8 * (0.2 + 0.9)))
    assert b1.t_stat == pytest.approx(0.6 / math.sqrt(0.08))  # 2.1213
    assert m.cv_rmse_pct == pytest.approx(math.sqrt(0.8) / 4 * 100)  # 22.36 %
    assert m.nmbe_pct == pytest.approx(0.0, abs=1e-9)  # OLS with an intercept: Σe = 0
    assert (m.n, m.p) == (5, 2)
    by = {(c.criterion.id, c.subject): c.passed for c in m.checks}
    assert by[("cv_rmse_pct", "")] is False  # 22.4 % > 20 % (ASHRAE G14)
    assert by[("r2", "")] is False  # 0.6 < 0.75
    assert by[("t_stat", "production")] is True  # 2.12 ≥ 2
    assert not m.accepted


def test_single_normaliser_matches_polyfit_and_linregress() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(1000, 5000, 24)
    y = 20_000 + 3.5 * x + rng.normal(0, 800, 24)
    m = fit_baseline(y, {"production": x}, unit="kWh")
    slope, intercept = np.polyfit(x, y, 1)
    lr = stats.linregress(x, y)
    assert m.coefficients[1].value == pytest.approx(slope)
    assert m.coefficients[0].value == pytest.approx(intercept)
    assert m.r2 == pytest.approx(lr.rvalue**2)
    assert m.coefficients[1].std_error == pytest.approx(lr.stderr)
    assert m.coefficients[0].std_error == pytest.approx(lr.intercept_stderr)


def test_two_normalisers_match_lstsq() -> None:
    rng = np.random.default_rng(3)
    prod = rng.uniform(100, 200, 12)
    cdd = rng.uniform(0, 300, 12)
    y = 500 + 2.0 * prod + 1.5 * cdd + rng.normal(0, 10, 12)
    m = fit_baseline(y, {"production": prod, "cdd": cdd}, unit="MWh")
    a = np.column_stack([np.ones(12), prod, cdd])
    beta, sse, *_ = np.linalg.lstsq(a, y, rcond=None)
    assert [c.value for c in m.coefficients] == pytest.approx(list(beta))
    assert m.rmse == pytest.approx(math.sqrt(sse[0] / (12 - 3)))
    assert m.accepted  # tight fit: CV(RMSE) ≈ 1 %, R² ≈ 1, both t ≫ 2
    assert m.formula().startswith("E = ")


def test_savings_and_uncertainty_by_hand() -> None:
    m = fit_baseline(Y, {"production": X}, unit="kWh")
    # reporting: x = 2, 4 → baseline 3.4, 4.6 (Σ 8.0); metered 3, 4 (Σ 7); S = 1.0, F = 0.125
    r = measured_savings(m, [3.0, 4.0], {"production": [2.0, 4.0]}, periods=["2024-04", "2024-05"])
    assert [p.savings for p in r.periods] == pytest.approx([0.4, 0.6])
    assert (r.baseline, r.actual, r.savings) == pytest.approx((8.0, 7.0, 1.0))
    assert r.savings_fraction == pytest.approx(0.125)
    # G14 B-14 with ρ = 0 (monthly): t·1.26·CV·√((1 + 2/n)/m)/F, CV = √0.8/4, n = 5, m = 2
    t68 = stats.t.ppf(0.84, 3)
    expect = t68 * 1.26 * (math.sqrt(0.8) / 4) * math.sqrt(1.4 / 2) / 0.125
    u68, u90 = r.uncertainty
    assert u68.t == pytest.approx(t68)
    assert u68.fractional == pytest.approx(expect)
    assert u68.absolute == pytest.approx(expect * 1.0)
    assert u90.t == pytest.approx(stats.t.ppf(0.95, 3))
    assert u90.fractional > u68.fractional
    assert r.checks[0].passed is False  # 224 % > 50 % (ASHRAE G14)
    assert r.to_dict()["periods"][0]["conditions"] == {"production": 2.0}


def test_fsu_formula_with_autocorrelation() -> None:
    # n = 36, ρ = 0.5 → n′ = 36·0.5/1.5 = 12; CV 10 %, m = 12, F = 0.2, t = 1
    # 1.26·0.1·√((36/12)(1 + 2/12)/12)/0.2 = 0.126·√(0.29167)/0.2 = 0.126·0.54006/0.2
    got = fractional_savings_uncertainty(10.0, 36, 12, 0.2, 1.0, rho=0.5)
    assert got == pytest.approx(G14_FACTOR * 0.1 * math.sqrt(3 * (1 + 2 / 12) / 12) / 0.2)
    assert fractional_savings_uncertainty(10.0, 36, 12, 0.0, 1.0) == math.inf
    assert t_quantile(0.90, 10) == pytest.approx(1.8125, abs=1e-4)


def test_errors_are_keyed() -> None:
    with pytest.raises(ModelError) as e:
        fit_baseline([1.0, 2.0], {"production": [1.0, 2.0]}, unit="kWh")
    assert e.value.message.key == "mv.err.too_few"
    with pytest.raises(ModelError) as e:
        fit_baseline([1.0, 2.0, 3.0, 4.0], {"production": [1, 2, 3, 4], "hdd": [2, 4, 6, 8]},
                     unit="kWh")  # fmt: skip
    assert e.value.message.key == "mv.err.singular"
    with pytest.raises(ModelError) as e:
        fit_baseline([1.0, 2.0, 3.0], {"wind": [1, 2, 3]}, unit="kWh")
    assert e.value.message.key == "mv.err.unknown_normaliser"
    with pytest.raises(ModelError) as e:
        fit_baseline([1.0, float("nan"), 3.0], {}, unit="kWh")
    assert e.value.message.key == "mv.err.not_finite"
    m = fit_baseline(Y, {"production": X}, unit="kWh")
    with pytest.raises(ModelError) as e:
        measured_savings(m, [1.0], {"production": [1.0, 2.0]})
    assert e.value.message.key == "mv.err.length"


def test_mean_model_without_normalisers() -> None:
    m = fit_baseline([10.0, 12.0, 14.0], {}, unit="kWh")
    assert m.coefficients[0].value == pytest.approx(12.0)
    r = measured_savings(m, [9.0, 9.0], {})
    assert r.savings == pytest.approx(6.0)  # 2·12 − 18
