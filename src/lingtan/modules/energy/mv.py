"""Measured savings (measurement and verification, M&V): a baseline model fitted on the
reference period by ordinary least squares, its fit statistics, the savings of each reporting
period and their uncertainty.

Method (IPMVP Core Concepts, EVO 10000-1:2022, **Option C**, whole facility; ISO 50015:2014
§6 (measurement and verification plan) and ISO 50006:2014 (EnPI, normalisation);
GB/T 28750-2012 节能量测量和验证技术通则 (avoided energy consumption, 基期能耗-影响因素模型)):

- baseline model on n reference-period points (months or days):
  ``E = b0 + b1·x1 + … + bk·xk`` with normalisers ``x`` (production [units], heating and
  cooling degree days [K·d]), fitted by ordinary least squares, p = k + 1 parameters;
- fit statistics: ``R² = 1 − SSE/SST``; ``adjusted R² = 1 − (1 − R²)(n − 1)/(n − p)``;
  ``s² = SSE/(n − p)``; standard errors ``se(b) = √diag(s²(XᵀX)⁻¹)``; ``t = b / se(b)``;
  ASHRAE Guideline 14-2014 ``CV(RMSE) = √(SSE/(n − p)) / ȳ × 100`` [%] and
  ``NMBE = Σ(y − ŷ) / ((n − p)·ȳ) × 100`` [%];
- savings per reporting period (IPMVP "avoided energy consumption", adjusted baseline):
  ``S_i = ŷ(x_i) − E_i`` — the baseline under the reporting period's conditions minus the
  metered consumption, in the boundary meters' unit;
- fractional savings uncertainty (ASHRAE Guideline 14-2014 Annex B, eq. B-14, after Reddy &
  Claridge 2000): ``ΔS/S = t · 1.26 · CV · √((n/n′)(1 + 2/n′)(1/m)) / F`` with CV = CV(RMSE)
  as a fraction, F = ΣS / Σŷ the savings fraction over the m reporting points, t the
  two-sided Student-t quantile at the confidence level with n − p degrees of freedom and
  ``n′ = n(1 − ρ)/(1 + ρ)`` (ρ: lag-1 autocorrelation of the residuals; taken as 0 for
  monthly models, the case the 1.26 factor was derived for); reported at 68 % and 90 %.

Acceptance checks (:data:`ACCEPTANCE`) are named by their source: the ASHRAE Guideline 14-2014
whole-building criteria (CV(RMSE) ≤ 20 % for energy, net determination bias |NMBE| ≤ 0.005 %,
savings uncertainty ≤ 50 % of the savings at 68 % confidence), IPMVP's t ≥ 2 for each
normaliser (Appendix B, statistics) and the R² ≥ 0.75 rule of common practice (not a G14
criterion). A model that fails a check is still reported — with the failed check shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import ModelError

STANDARDS = (
    "IPMVP Core Concepts (EVO 10000-1:2022) Option C; ISO 50015:2014; ISO 50006:2014; "
    "GB/T 28750-2012; ASHRAE Guideline 14-2014"
)
#: normalisers a baseline model may use: production [units], HDD and CDD [K·d]
NORMALISERS = ("production", "hdd", "cdd")
#: confidence levels the savings uncertainty is reported at
CONFIDENCE_LEVELS = (0.68, 0.90)
#: the empirical factor of ASHRAE Guideline 14-2014 Annex B eq. B-14
G14_FACTOR = 1.26


@dataclass(frozen=True)
class Criterion:
    """One acceptance check: ``limit`` compared by ``rule`` (``max``: value ≤ limit,
    ``abs_max``: |value| ≤ limit, ``min``: value ≥ limit), with its source."""

    id: str
    limit: float
    rule: str
    source: str


#: The acceptance checks of a baseline model and of its savings (module docstring).
ACCEPTANCE: tuple[Criterion, ...] = (
    Criterion("cv_rmse_pct", 20.0, "max", "ASHRAE Guideline 14-2014, whole-building approach"),
    Criterion("nmbe_pct", 0.005, "abs_max", "ASHRAE Guideline 14-2014, net determination bias"),
    Criterion("fsu_68_pct", 50.0, "max", "ASHRAE Guideline 14-2014, savings uncertainty at 68 %"),
    Criterion("t_stat", 2.0, "min", "IPMVP Appendix B, significance of each normaliser"),
    Criterion("r2", 0.75, "min", "common practice (not an ASHRAE Guideline 14 criterion)"),
)
_CRITERIA = {c.id: c for c in ACCEPTANCE}


@dataclass(frozen=True)
class Check:
    """The outcome of one :class:`Criterion` for a value (``subject``: the coefficient a
    ``t_stat`` check is about)."""

    criterion: Criterion
    value: float
    passed: bool
    subject: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        c = self.criterion
        return {"id": c.id, "subject": self.subject, "value": self.value, "limit": c.limit,
                "rule": c.rule, "passed": self.passed, "source": c.source}  # fmt: skip


def _check(cid: str, value: float, subject: str = "") -> Check:
    c = _CRITERIA[cid]
    if c.rule == "max":
        ok = value <= c.limit
    elif c.rule == "abs_max":
        ok = abs(value) <= c.limit
    else:
        ok = value >= c.limit
    return Check(c, value, bool(ok and math.isfinite(value)), subject)


@dataclass(frozen=True)
class Coefficient:
    """One fitted parameter: ``value`` [energy unit per normaliser unit; the intercept in the
    energy unit per period], its standard error and t-statistic (None when n = p)."""

    name: str
    value: float
    std_error: float | None
    t_stat: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class BaselineModel:
    """A fitted baseline model (module docstring for every formula).

    Units: ``unit`` for the energy (the boundary meters' unit) per ``resolution`` period;
    ``rmse`` in ``unit``; ``cv_rmse_pct``, ``nmbe_pct`` [%].
    """

    normalisers: tuple[str, ...]
    coefficients: tuple[Coefficient, ...]
    n: int
    p: int
    r2: float
    adj_r2: float
    rmse: float
    mean: float
    cv_rmse_pct: float
    nmbe_pct: float
    autocorrelation: float
    unit: str
    resolution: str
    periods: tuple[str, ...] = ()
    fitted: tuple[float, ...] = ()
    actual: tuple[float, ...] = ()
    checks: tuple[Check, ...] = field(default=())

    @property
    def accepted(self) -> bool:
        """True when every model check passes (the savings uncertainty is checked later)."""
        return all(c.passed for c in self.checks)

    def predict(
        self, conditions: Mapping[str, Sequence[float] | np.ndarray], n: int | None = None
    ) -> np.ndarray:
        """ŷ = b0 + Σ b_j x_j for each period of ``conditions`` (normaliser → values); ``n``
        periods (default: the length of the first normaliser's values).

        Raises:
            ModelError: a normaliser is missing, values differ in length or are not finite.
        """
        if n is None:
            first = self.normalisers[0] if self.normalisers else None
            if first is None or first not in conditions:
                raise ModelError(msg("mv.err.missing_normaliser", name=first or "n"), "n")
            n = len(conditions[first])
        x = _design(self.normalisers, conditions, n)
        beta = np.array([c.value for c in self.coefficients])
        return np.asarray(x @ beta, dtype=np.float64)

    def formula(self) -> str:
        """``E = 120 + 0.5·production + 3·cdd`` (values to 6 significant digits)."""
        c = self.coefficients
        parts = [f"{c[0].value:.6g}"] + [f"{k.value:+.6g}·{k.name}" for k in c[1:]]
        return "E = " + " ".join(parts).replace("+", "+ ").replace(" -", " − ")

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "normalisers": list(self.normalisers),
            "formula": self.formula(),
            "coefficients": [c.to_dict() for c in self.coefficients],
            "n": self.n, "p": self.p, "r2": self.r2, "adj_r2": self.adj_r2,
            "rmse": self.rmse, "mean": self.mean, "cv_rmse_pct": self.cv_rmse_pct,
            "nmbe_pct": self.nmbe_pct, "autocorrelation": self.autocorrelation,
            "unit": self.unit, "resolution": self.resolution,
            "periods": list(self.periods), "fitted": list(self.fitted),
            "actual": list(self.actual),
            "checks": [c.to_dict() for c in self.checks], "accepted": self.accepted,
        }  # fmt: skip


def _finite(values: Sequence[float] | np.ndarray, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ModelError(msg("mv.err.shape", what=what), what)
    if not np.all(np.isfinite(arr)):
        raise ModelError(msg("mv.err.not_finite", what=what), what)
    return arr


def _design(
    names: Sequence[str], conditions: Mapping[str, Sequence[float] | np.ndarray], n: int
) -> np.ndarray:
    """The design matrix [1, x1 … xk] of ``n`` periods."""
    cols = []
    for name in names:
        if name not in conditions:
            raise ModelError(msg("mv.err.missing_normaliser", name=name), name)
        col = _finite(conditions[name], name)
        if col.size != n:
            raise ModelError(msg("mv.err.length", what=name), name)
        cols.append(col)
    return np.column_stack([np.ones(n), *cols])


def _lag1(e: np.ndarray) -> float:
    """Lag-1 autocorrelation of the residuals ρ = Σ e_t e_{t−1} / Σ e_t² (0 when undefined)."""
    den = float(e @ e)
    if e.size < 2 or den == 0.0:
        return 0.0
    return float(e[1:] @ e[:-1]) / den


def fit_baseline(
    energy: Sequence[float] | np.ndarray,
    normalisers: Mapping[str, Sequence[float] | np.ndarray],
    *,
    unit: str,
    resolution: str = "month",
    periods: Sequence[str] = (),
) -> BaselineModel:
    """Fit ``energy`` [unit per period] on ``normalisers`` (name → values, same length) by
    ordinary least squares (module docstring). An empty ``normalisers`` fits the mean.

    Raises:
        ModelError: values not finite or of different lengths, fewer points than parameters
            plus one, a zero mean consumption, or normalisers that are collinear (singular
            XᵀX).
    """
    y = _finite(energy, "energy")
    names = tuple(normalisers)
    for name in names:
        if name not in NORMALISERS:
            raise ModelError(
                msg("mv.err.unknown_normaliser", name=name, known=", ".join(NORMALISERS)), name
            )
    x = _design(names, normalisers, y.size)
    n, p = x.shape
    if n < p + 1:
        raise ModelError(msg("mv.err.too_few", n=n, p=p), "baseline")
    xtx = x.T @ x
    if np.linalg.matrix_rank(xtx) < p:
        raise ModelError(msg("mv.err.singular", names=", ".join(names)), "normalisers")
    beta = np.linalg.solve(xtx, x.T @ y)
    fitted = x @ beta
    e = y - fitted
    sse = float(e @ e)
    ybar = float(y.mean())
    if ybar == 0.0:
        raise ModelError(msg("mv.err.zero_mean"), "energy")
    sst = float(((y - ybar) ** 2).sum())
    r2 = 1.0 - sse / sst if sst > 0 else 1.0
    dof = n - p
    adj = 1.0 - (1.0 - r2) * (n - 1) / dof
    s2 = sse / dof
    cov = s2 * np.linalg.inv(xtx)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    labels = ("intercept", *names)
    coefs = tuple(
        Coefficient(
            labels[j],
            float(beta[j]),
            float(se[j]),
            None if se[j] == 0 else float(beta[j] / se[j]),
        )
        for j in range(p)
    )
    rmse = math.sqrt(s2)
    cv = rmse / ybar * 100.0
    nmbe = float(e.sum()) / (dof * ybar) * 100.0
    checks = [_check("cv_rmse_pct", cv), _check("nmbe_pct", nmbe), _check("r2", r2)]
    for c in coefs[1:]:
        t = math.inf if c.t_stat is None else abs(c.t_stat)
        checks.append(_check("t_stat", t, c.name))
    return BaselineModel(
        names, coefs, n, p, r2, adj, rmse, ybar, cv, nmbe, _lag1(e), unit, resolution,
        tuple(periods), tuple(float(v) for v in fitted), tuple(float(v) for v in y),
        tuple(checks),
    )  # fmt: skip


def t_quantile(confidence: float, dof: int) -> float:
    """Two-sided Student-t quantile t_{(1+c)/2, dof} (``confidence`` as a fraction)."""
    return float(stats.t.ppf((1.0 + confidence) / 2.0, dof))


def fractional_savings_uncertainty(
    cv_rmse_pct: float,
    n: int,
    m: int,
    savings_fraction: float,
    t: float,
    rho: float = 0.0,
) -> float:
    """ASHRAE Guideline 14-2014 Annex B eq. B-14:
    ``ΔS/S = t · 1.26 · CV · √((n/n′)(1 + 2/n′)(1/m)) / F`` with ``n′ = n(1 − ρ)/(1 + ρ)``
    (CV as a fraction). Returns a fraction (0.25 = ±25 % of the savings); infinity when F = 0.

    Raises:
        ModelError: n or m below 1, or ρ outside [0, 1).
    """
    if n < 1 or m < 1:
        raise ModelError(msg("mv.err.too_few", n=min(n, m), p=1), "reporting")
    if not 0.0 <= rho < 1.0:
        raise ModelError(msg("mv.err.rho", rho=rho), "autocorrelation")
    if savings_fraction == 0.0:
        return math.inf
    n_eff = n * (1.0 - rho) / (1.0 + rho)
    cv = cv_rmse_pct / 100.0
    root = math.sqrt((n / n_eff) * (1.0 + 2.0 / n_eff) / m)
    return abs(t * G14_FACTOR * cv * root / savings_fraction)


@dataclass(frozen=True)
class PeriodSaving:
    """One reporting period: adjusted baseline ŷ, metered consumption and savings ŷ − E
    [unit], with the normaliser values it was computed for."""

    period: str
    baseline: float
    actual: float
    savings: float
    conditions: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"period": self.period, "baseline": self.baseline, "actual": self.actual,
                "savings": self.savings, "conditions": dict(self.conditions)}  # fmt: skip


@dataclass(frozen=True)
class Uncertainty:
    """Savings uncertainty at a ``confidence`` level: t, the fractional uncertainty ΔS/S and
    the absolute ±ΔS [unit]."""

    confidence: float
    t: float
    fractional: float
    absolute: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class SavingsResult:
    """Savings of the reporting period against a baseline model (module docstring).

    Units: energy figures in ``model.unit``; ``savings_fraction`` as a fraction of the adjusted
    baseline.
    """

    model: BaselineModel
    periods: tuple[PeriodSaving, ...]
    baseline: float
    actual: float
    savings: float
    savings_fraction: float
    uncertainty: tuple[Uncertainty, ...]
    checks: tuple[Check, ...]
    standards: str = STANDARDS

    @property
    def accepted(self) -> bool:
        """True when the model and the savings uncertainty pass every check."""
        return self.model.accepted and all(c.passed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "model": self.model.to_dict(),
            "periods": [p.to_dict() for p in self.periods],
            "baseline": self.baseline, "actual": self.actual, "savings": self.savings,
            "savings_fraction": self.savings_fraction,
            "uncertainty": [u.to_dict() for u in self.uncertainty],
            "checks": [c.to_dict() for c in self.checks],
            "accepted": self.accepted, "standards": self.standards,
        }  # fmt: skip


def measured_savings(
    model: BaselineModel,
    actual: Sequence[float] | np.ndarray,
    conditions: Mapping[str, Sequence[float] | np.ndarray],
    *,
    periods: Sequence[str] = (),
    autocorrelation: bool | None = None,
) -> SavingsResult:
    """Savings ``ŷ(x_i) − E_i`` of each reporting period and their uncertainty at
    :data:`CONFIDENCE_LEVELS` (module docstring). ``autocorrelation`` None: corrected for the
    residuals' lag-1 autocorrelation (when positive) unless the model is monthly.

    Raises:
        ModelError: no reporting period, values not finite or of different lengths, or a zero
            adjusted baseline.
    """
    e = _finite(actual, "actual")
    if e.size == 0:
        raise ModelError(msg("mv.err.no_reporting"), "reporting")
    base = model.predict(conditions, e.size)
    names = list(periods) or [str(i + 1) for i in range(e.size)]
    if len(names) != e.size:
        raise ModelError(msg("mv.err.length", what="periods"), "periods")
    rows = tuple(
        PeriodSaving(
            names[i], float(base[i]), float(e[i]), float(base[i] - e[i]),
            {k: float(np.asarray(conditions[k], dtype=np.float64)[i]) for k in model.normalisers},
        )
        for i in range(e.size)
    )  # fmt: skip
    total_base, total_actual = float(base.sum()), float(e.sum())
    if total_base == 0.0:
        raise ModelError(msg("mv.err.zero_baseline"), "reporting")
    saved = total_base - total_actual
    frac = saved / total_base
    use_rho = model.resolution != "month" if autocorrelation is None else autocorrelation
    rho = max(model.autocorrelation, 0.0) if use_rho else 0.0
    rho = min(rho, 0.99)
    dof = model.n - model.p
    unc = []
    for level in CONFIDENCE_LEVELS:
        t = t_quantile(level, dof)
        f = fractional_savings_uncertainty(model.cv_rmse_pct, model.n, e.size, frac, t, rho)
        unc.append(Uncertainty(level, t, f, f * abs(saved) if math.isfinite(f) else math.inf))
    checks = (_check("fsu_68_pct", unc[0].fractional * 100.0),)
    return SavingsResult(model, rows, total_base, total_actual, saved, frac, tuple(unc), checks)
