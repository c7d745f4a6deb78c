"""Monte Carlo uncertainty (IPCC 2006 Vol. 1 ch. 3 Approach 2): analytic cases, seeding, and the
group-aggregation approximation against a brute-force per-row simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lingtan.core.uncertainty import (
    KEYS,
    UncertaintyGroup,
    UncertaintyModel,
    lognormal_sum_params,
    seed_from_id,
    simulate,
)

Z = 1.959963984540054
NO_ACTIVITY_ERROR = UncertaintyModel().with_overrides(
    {"activity": {"activity": 1.0}, "factor": {"activity": 1.5}}
)


def one(
    e: float, factor: str = "f", scope: int = 1, basis: str = "both", tier: str = "activity"
) -> UncertaintyGroup:
    return UncertaintyGroup(factor, tier, scope, 1, basis, e, e * e)


def test_single_lognormal_factor_matches_the_analytic_interval() -> None:
    # E = 1000 kg × Y, Y ~ LN(median 1, GSD 1.5): 95 % interval 1000 · 1.5^(±1.96),
    # mean 1000 · exp(ln(1.5)² / 2)
    res = simulate([one(1000.0)], iterations=40_000, seed=7, model=NO_ACTIVITY_ERROR)
    lo, hi = 1000.0 * 1.5**-Z, 1000.0 * 1.5**Z  # 451.9, 2212.8
    assert res.lo["scope1"] == pytest.approx(lo, rel=0.03)
    assert res.hi["scope1"] == pytest.approx(hi, rel=0.03)
    assert res.median["scope1"] == pytest.approx(1000.0, rel=0.01)
    assert res.mean["scope1"] == pytest.approx(1000.0 * math.exp(math.log(1.5) ** 2 / 2), rel=0.01)
    doc = res.to_dict()
    assert doc["ci95_tco2e"]["scope1"] == pytest.approx([lo / 1000, hi / 1000], rel=0.03)
    assert doc["iterations"] == 40_000
    assert doc["seed"] == 7


def test_same_seed_same_result_other_seed_other_result() -> None:
    groups = [one(1000.0), one(500.0, "g", scope=3), one(200.0, "h", scope=2)]
    a = simulate(groups, iterations=600, seed=42)
    b = simulate(list(reversed(groups)), iterations=600, seed=42)  # order does not matter
    c = simulate(groups, iterations=600, seed=43)
    assert a.to_dict() == b.to_dict()
    assert a.hi != c.hi


def test_one_draw_per_factor_correlates_rows() -> None:
    # two 500 kg rows of the same factor vary together: the interval is the single factor's;
    # with two independent factors it is narrower (errors partly cancel).
    same = simulate([one(500.0), one(500.0, scope=3)], iterations=40_000, seed=1,
                    model=NO_ACTIVITY_ERROR)  # fmt: skip
    indep = simulate([one(500.0), one(500.0, "g", scope=3)], iterations=40_000, seed=1,
                     model=NO_ACTIVITY_ERROR)  # fmt: skip
    assert same.hi["total_market"] == pytest.approx(1000.0 * 1.5**Z, rel=0.03)
    assert indep.hi["total_market"] < 0.9 * same.hi["total_market"]


def test_fenton_wilkinson_is_exact_for_one_row() -> None:
    s = np.array([math.log(1.3)])
    mu, sg = lognormal_sum_params(np.array([250.0]), np.array([250.0**2]), s)
    assert mu[0] == pytest.approx(math.log(250.0))
    assert sg[0] == pytest.approx(math.log(1.3))


def brute_force(
    rows: list[tuple[str, str, int, float]],
    model: UncertaintyModel,
    iterations: int,
    seed: int,
) -> np.ndarray:
    """Per-row simulation: one activity draw per row, one factor draw per factor; market total."""
    rng = np.random.default_rng(seed)
    factors = sorted({r[0] for r in rows})
    fidx = np.array([factors.index(r[0]) for r in rows])
    e = np.array([r[3] for r in rows])
    sa = np.log([model.activity(r[1]) for r in rows])
    sf = np.log([model.factor(r[0], r[1]) for r in rows])
    zf = rng.standard_normal((iterations, len(factors)))
    za = rng.standard_normal((iterations, len(rows)))
    return np.asarray((e * np.exp(sa * za + sf * zf[:, fidx])).sum(axis=1))


def test_aggregation_agrees_with_brute_force_per_row_simulation() -> None:
    # 3 factors, 2 tiers, 60 rows of uneven size (a few dominant rows, where the lognormal fit of
    # a group's sum matters most); a wide activity GSD (1.3) to make the approximation visible.
    rng = np.random.default_rng(0)
    rows: list[tuple[str, str, int, float]] = []
    for i in range(60):
        f = ("f1", "f2", "f3")[i % 3]
        tier = "spend" if f == "f3" else "activity"
        rows.append((f, tier, 1 if f == "f1" else 3, float(rng.lognormal(6.0, 1.2))))
    model = UncertaintyModel().with_overrides({"activity": {"activity": 1.3, "spend": 1.3}})
    groups: dict[tuple[str, str, int], list[float]] = {}
    for f, tier, scope, e in rows:
        groups.setdefault((f, tier, scope), []).append(e)
    agg = [
        UncertaintyGroup(f, tier, scope, 1, "both", sum(v), sum(x * x for x in v), len(v))
        for (f, tier, scope), v in groups.items()
    ]
    n = 100_000
    res = simulate(agg, iterations=n, seed=3, model=model)
    ref = brute_force(rows, model, n, seed=4)
    lo, med, hi = np.percentile(ref, [2.5, 50, 97.5])
    # Monte Carlo error of a 2.5 % quantile at n = 1e5 is well under 1 %; allow 2 %.
    assert res.mean["total_market"] == pytest.approx(ref.mean(), rel=0.01)
    assert res.median["total_market"] == pytest.approx(med, rel=0.02)
    assert res.lo["total_market"] == pytest.approx(lo, rel=0.02)
    assert res.hi["total_market"] == pytest.approx(hi, rel=0.02)


def test_scope_keys_and_bases() -> None:
    groups = [
        one(100.0, "a", scope=1),
        one(200.0, "b", scope=2, basis="location"),
        one(50.0, "c", scope=2, basis="market"),
        one(400.0, "d", scope=3),
    ]
    exact = UncertaintyModel().with_overrides(
        {"activity": {"activity": 1.0}, "factor": {"activity": 1.0}}
    )
    res = simulate(groups, iterations=10, seed=0, model=exact)
    assert {k: res.median[k] for k in KEYS} == pytest.approx(
        {
            "scope1": 100.0,
            "scope2_location": 200.0,
            "scope2_market": 50.0,
            "scope3": 400.0,
            "total_location": 700.0,
            "total_market": 550.0,
        }
    )


def test_market_only_scope2_has_no_location_interval() -> None:
    res = simulate([one(10.0, scope=2, basis="market")], iterations=10, seed=0)
    doc = res.to_dict()
    assert doc["ci95_tco2e"]["scope2_location"] is None
    assert doc["ci95_tco2e"]["total_location"] is None
    assert doc["ci95_tco2e"]["scope2_market"] is not None


def test_negative_group_keeps_its_sign() -> None:
    res = simulate([one(-100.0), one(300.0, "g")], iterations=2000, seed=0)
    assert res.median["scope1"] == pytest.approx(200.0, rel=0.05)


def test_overrides_and_exact_factors() -> None:
    m = UncertaintyModel().with_overrides({"factor_id": {"desnz/x/CO2": 1.2}})
    assert m.factor("desnz/x/CO2", "activity") == 1.2
    assert m.factor("builtin/co2e.disclosed", "disclosed") == 1.0
    assert m.factor("instrument-allocation", "activity") == 1.0
    assert m.factor("useeio/1/CO2", "spend") == 1.4
    with pytest.raises(ValueError, match="unknown"):
        m.with_overrides({"gases": {}})
    with pytest.raises(ValueError, match="≥ 1"):
        m.with_overrides({"factor": {"spend": 0.5}})


def test_seed_from_snapshot_id() -> None:
    assert seed_from_id("ff" * 32) == int("f" * 15, 16)
    assert seed_from_id("") == 0
