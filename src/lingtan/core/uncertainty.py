"""Monte Carlo propagation of uncertainty to the inventory totals (pure; numpy, vectorised).

Model (IPCC 2006 Guidelines Vol. 1 ch. 3 "Uncertainties", §3.2.3 Approach 2 — Monte Carlo;
GHG Protocol *Measurement and Estimation Uncertainty of GHG Emissions*, 2003): every emission row
is E = A · F with two multiplicative **lognormal** errors whose median is 1, so the reported value
is the median of each term (the ecoinvent convention for the Pedigree approach):

- an **activity** error, independent for each activity row;
- a **factor** error, one draw per emission factor (``factor_id``) per iteration, shared by every
  row that uses that factor (a factor that is 10 % too high is too high everywhere).

A lognormal with geometric standard deviation (GSD) *g* has its 95 % interval at
median · g^(±1.96); "±x %" below means g^1.96 ≈ 1 + x. Defaults by method tier (assumptions,
overridable — :meth:`UncertaintyModel.with_overrides`):

======================  ==============  ==========================================================
tier                    activity GSD    factor GSD
======================  ==============  ==========================================================
supplier_specific       1.025 (±5 %)    1.05 (±10 %): the supplier's own measured factor
activity                1.025 (±5 %)    1.075 (±15 %): published average-data factors (IPCC 2006
                                        Vol. 2 ch. 2 Tables 2.2/2.15: fuel CO2 factors a few %,
                                        CH4/N2O, grid, transport and waste factors wider)
spend                   1.025 (±5 %)    1.4 (−48 %/+93 %): EEIO sector averages, the usual
                                        "±50–100 %" of spend-based estimates
disclosed               1.05 (±10 %)    1.0: the disclosed figure is the activity; no factor
======================  ==============  ==========================================================

Activity data ±5 %: metered or invoiced quantities (IPCC 2006 Vol. 2 §2.4.2: fuel statistics of
well-developed systems 2–5 %; financial records are at least as precise). Identity factors
(``builtin/…``: a mass of gas or a disclosed CO2e taken as given) and contractual-instrument rates
(``instrument-allocation``) have factor GSD 1 — all their uncertainty is in the quantity.

**Aggregation** (speed: millions of rows never reach Python). Rows are grouped on the backend by
(factor, tier, scope, category, basis); a group gets its nominal sum S = Σ e_r and
Q = Σ e_r² (e_r summed per activity row first, so the gases and streams of one activity row share
its error within the group). The sum of the group's independent activity errors
Σ e_r·X_r, X_r ~ LN(0, σ_a²), has mean S·e^(σ_a²/2) and variance Q·(e^(σ_a²) − 1)·e^(σ_a²); it is
replaced by the lognormal with the same two moments (Fenton–Wilkinson approximation):
σ_g² = ln(1 + var/mean²), μ_g = ln|mean| − σ_g²/2. For a one-row group this *is* the row's own
distribution; for many rows the sum tends to normal and the fit to it, and the first two moments
of every total are exact. ``tests/core/test_uncertainty.py`` checks the approximation against a
brute-force per-row simulation. Approximations stated: the same activity row in two groups (its
well-to-tank stream, or both Scope 2 bases) draws independent activity errors in each; a group
whose rows cancel to S = 0 contributes 0. The backend query
(:func:`lingtan.adapters.compute.quality.uncertainty_inputs`) names a factor by its *group* (the
id without the gas suffix: ``…/CO2``, ``…/CH4`` → ``…``), so the gases of one factor group share
one factor draw (one source, edition and method: their errors are taken as fully correlated),
unless a per-factor override names a gas's own id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from lingtan.core.activities import Tier

FloatArray = npt.NDArray[np.float64]

#: z of the two-sided 95 % interval of a normal distribution.
Z95 = 1.959963984540054

#: Activity-data GSD by method tier (see the module docstring for sources and assumptions).
ACTIVITY_GSD: Mapping[str, float] = {
    Tier.SUPPLIER_SPECIFIC: 1.025,
    Tier.ACTIVITY: 1.025,
    Tier.SPEND: 1.025,
    Tier.DISCLOSED: 1.05,
}
#: Emission-factor GSD by method tier.
FACTOR_GSD: Mapping[str, float] = {
    Tier.SUPPLIER_SPECIFIC: 1.05,
    Tier.ACTIVITY: 1.075,
    Tier.SPEND: 1.4,
    Tier.DISCLOSED: 1.0,
}
#: GSD of a tier not in the tables (deliberately wide).
UNKNOWN_GSD = 2.0
#: Factors whose id starts with one of these carry no uncertainty of their own (GSD 1).
EXACT_FACTOR_PREFIXES = ("builtin/", "instrument-allocation")

DEFAULT_ITERATIONS = 2000
#: Iterations simulated per block (bounds memory: block × groups floats); part of the
#: reproducibility contract: the same seed and inputs give the same draws.
BLOCK = 256

#: Totals reported, in order.
KEYS = ("scope1", "scope2_location", "scope2_market", "scope3", "total_location", "total_market")


@dataclass(frozen=True)
class UncertaintyModel:
    """GSDs (≥ 1) by tier for activity data and factors, and per-factor overrides."""

    activity_gsd: Mapping[str, float] = field(default_factory=lambda: dict(ACTIVITY_GSD))
    factor_gsd: Mapping[str, float] = field(default_factory=lambda: dict(FACTOR_GSD))
    factor_overrides: Mapping[str, float] = field(default_factory=dict)

    def with_overrides(self, overrides: Mapping[str, Mapping[str, float]]) -> UncertaintyModel:
        """A copy with ``{"activity": {tier: gsd}, "factor": {tier: gsd},
        "factor_id": {factor_id: gsd}}`` applied (any key may be missing).

        Raises:
            ValueError: an unknown key or a GSD below 1.
        """
        unknown = set(overrides) - {"activity", "factor", "factor_id"}
        if unknown:
            raise ValueError(f"unknown uncertainty override keys: {', '.join(sorted(unknown))}")
        for part in overrides.values():
            for k, g in part.items():
                if not g >= 1.0:
                    raise ValueError(f"GSD of {k!r} must be ≥ 1, got {g}")
        return replace(
            self,
            activity_gsd={**self.activity_gsd, **overrides.get("activity", {})},
            factor_gsd={**self.factor_gsd, **overrides.get("factor", {})},
            factor_overrides={**self.factor_overrides, **overrides.get("factor_id", {})},
        )

    def activity(self, tier: str) -> float:
        """Activity-data GSD of a tier."""
        return float(self.activity_gsd.get(tier, UNKNOWN_GSD))

    def factor(self, factor_id: str, tier: str) -> float:
        """Factor GSD: a per-factor override, else 1 for exact factors, else by tier."""
        if factor_id in self.factor_overrides:
            return float(self.factor_overrides[factor_id])
        if factor_id.startswith(EXACT_FACTOR_PREFIXES):
            return 1.0
        return float(self.factor_gsd.get(tier, UNKNOWN_GSD))

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data (recorded with the result)."""
        return {
            "distribution": "lognormal, median = reported value",
            "activity_gsd": {str(k): v for k, v in sorted(self.activity_gsd.items())},
            "factor_gsd": {str(k): v for k, v in sorted(self.factor_gsd.items())},
            "factor_overrides": dict(sorted(self.factor_overrides.items())),
        }


@dataclass(frozen=True)
class UncertaintyGroup:
    """Emission rows of one factor, tier, scope, category and basis.

    Units: ``co2e_kg`` = Σ e_r [kg CO2e]; ``co2e_sq`` = Σ e_r² [kg² CO2e] over activity rows.
    """

    factor_id: str
    tier: str
    scope: int
    category: int
    basis: str
    co2e_kg: float
    co2e_sq: float
    rows: int = 1


@dataclass(frozen=True)
class UncertaintyResult:
    """Simulated totals. Units: kg CO2e; ``None`` where a total is not available."""

    iterations: int
    seed: int
    mean: Mapping[str, float | None]
    median: Mapping[str, float | None]
    lo: Mapping[str, float | None]  # 2.5 %
    hi: Mapping[str, float | None]  # 97.5 %
    model: UncertaintyModel
    groups: int
    factors: int

    def to_dict(self, digits: int = 3) -> dict[str, Any]:
        """The inventory's ``uncertainty`` section (t CO2e; docs/output.md)."""

        def t(x: float | None) -> float | None:
            return None if x is None else round(x / 1000.0, digits)

        return {
            "method": "Monte Carlo, IPCC 2006 Vol. 1 ch. 3 Approach 2; lognormal activity "
            "(independent per row) and factor (one draw per factor) errors",
            "iterations": self.iterations,
            "seed": self.seed,
            "groups": self.groups,
            "factors": self.factors,
            "ci95_tco2e": {
                k: None if self.lo[k] is None else [t(self.lo[k]), t(self.hi[k])] for k in KEYS
            },
            "mean_tco2e": {k: t(self.mean[k]) for k in KEYS},
            "median_tco2e": {k: t(self.median[k]) for k in KEYS},
            "model": self.model.to_dict(),
        }


def _in_basis(row_basis: str, basis: str) -> bool:
    return row_basis == "both" or row_basis == basis


def total_weights(groups: Sequence[UncertaintyGroup]) -> FloatArray:
    """(groups × :data:`KEYS`) 0/1 matrix: which totals each group counts in (Scopes 1 and 3 and
    the market totals on the market basis, as :meth:`lingtan.core.inventory.Inventory.totals`)."""
    w = np.zeros((len(groups), len(KEYS)))
    for i, g in enumerate(groups):
        loc = _in_basis(g.basis, "location")
        mkt = _in_basis(g.basis, "market")
        w[i] = (
            g.scope == 1 and mkt,
            g.scope == 2 and loc,
            g.scope == 2 and mkt,
            g.scope == 3 and mkt,
            (g.scope in (1, 3) and mkt) or (g.scope == 2 and loc),
            mkt,
        )
    return w


def lognormal_sum_params(
    total: FloatArray, sum_sq: FloatArray, sigma: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Fenton–Wilkinson: (μ, σ) of the lognormal matching Σ e_r·X_r, X_r ~ LN(0, σ²) i.i.d.,
    for |Σ e_r| = |total| and Σ e_r² = ``sum_sq`` (arrays of groups). Where total = 0: μ = −inf."""
    s2 = sigma * sigma
    mean = np.abs(total) * np.exp(s2 / 2.0)
    var = sum_sq * np.expm1(s2) * np.exp(s2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mean > 0, var / (mean * mean), 0.0)
        sg2 = np.log1p(ratio)
        mu = np.where(mean > 0, np.log(np.where(mean > 0, mean, 1.0)) - sg2 / 2.0, -np.inf)
    return mu, np.sqrt(sg2)


def location_available(groups: Iterable[UncertaintyGroup]) -> bool:
    """False when Scope 2 exists only on the market basis (then location totals are ``None``)."""
    s2 = [g for g in groups if g.scope == 2]
    return not s2 or any(g.basis in ("location", "both") for g in s2)


def simulate(
    groups: Iterable[UncertaintyGroup],
    *,
    iterations: int = DEFAULT_ITERATIONS,
    seed: int = 0,
    model: UncertaintyModel | None = None,
) -> UncertaintyResult:
    """Monte Carlo totals [kg CO2e] of the inventory (see the module docstring).

    Draws with ``numpy.random.default_rng(seed)`` in blocks of :data:`BLOCK` iterations (factor
    draws, then activity draws, per block): the same groups, model, iterations and seed give
    identical results. Statistics: arithmetic mean, median, 2.5 and 97.5 percentiles (linear
    interpolation).

    Raises:
        ValueError: ``iterations`` < 2.
    """
    if iterations < 2:
        raise ValueError("iterations must be ≥ 2")
    m = model or UncertaintyModel()
    gs = sorted(
        (g for g in groups if g.co2e_kg != 0.0),
        key=lambda g: (g.factor_id, g.tier, g.scope, g.category, g.basis),
    )
    factor_ids = sorted({g.factor_id for g in gs})
    fpos = {f: i for i, f in enumerate(factor_ids)}
    fidx = np.array([fpos[g.factor_id] for g in gs], dtype=np.intp)
    total = np.array([g.co2e_kg for g in gs], dtype=np.float64)
    sum_sq = np.array([g.co2e_sq for g in gs], dtype=np.float64)
    sig_a = np.log(np.array([m.activity(g.tier) for g in gs], dtype=np.float64))
    sig_f = np.log(np.array([m.factor(g.factor_id, g.tier) for g in gs], dtype=np.float64))
    mu, sig_g = lognormal_sum_params(total, sum_sq, sig_a)
    weights = total_weights(gs) * np.sign(total)[:, None]

    rng = np.random.default_rng(seed)
    out = np.empty((iterations, len(KEYS)), dtype=np.float64)
    for start in range(0, iterations, BLOCK):
        n = min(BLOCK, iterations - start)
        zf = rng.standard_normal((n, len(factor_ids)))
        za = rng.standard_normal((n, len(gs)))
        draws = np.exp(mu + sig_g * za + sig_f * zf[:, fidx])
        out[start : start + n] = draws @ weights
    lo, med, hi = np.percentile(out, [2.5, 50.0, 97.5], axis=0)
    mean = out.mean(axis=0)
    has_loc = location_available(gs)

    def pick(a: FloatArray) -> dict[str, float | None]:
        return {
            k: None if (not has_loc and "location" in k) else float(a[i])
            for i, k in enumerate(KEYS)
        }

    return UncertaintyResult(
        iterations=iterations,
        seed=seed,
        mean=pick(mean),
        median=pick(med),
        lo=pick(lo),
        hi=pick(hi),
        model=m,
        groups=len(gs),
        factors=len(factor_ids),
    )


def seed_from_id(snapshot_id: str) -> int:
    """A deterministic seed from a hex snapshot id (its first 15 hex digits; 0 if not hex)."""
    try:
        return int(snapshot_id[:15], 16)
    except ValueError:
        return 0


__all__ = [
    "ACTIVITY_GSD",
    "DEFAULT_ITERATIONS",
    "FACTOR_GSD",
    "KEYS",
    "UncertaintyGroup",
    "UncertaintyModel",
    "UncertaintyResult",
    "lognormal_sum_params",
    "seed_from_id",
    "simulate",
    "total_weights",
]
