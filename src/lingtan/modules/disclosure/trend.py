"""Emission trend forecast with prediction intervals (issue 19 item 6, decision 0101).

The control tower forecasts each yearly total [t CO2e] (Scope 1, Scope 2 market-based,
Scope 3, the market-based total) a few years ahead with **Holt's linear trend method in its
state-space form ETS(A,A,N)** — additive errors, additive trend, no season:

    y_t = ℓ_{t-1} + b_{t-1} + ε_t,    ε_t ~ N(0, σ²)
    ℓ_t = ℓ_{t-1} + b_{t-1} + α ε_t
    b_t = b_{t-1} + β ε_t

fitted by maximum likelihood (statsmodels ``ETSModel``: α, β, ℓ₀, b₀ estimated; σ² = SSE / n,
the estimate statsmodels' own intervals use). The h-step forecast is ŷ_{n+h} = ℓ_n + h b_n and
its prediction interval at level 1 − a is ŷ ± z_{1−a/2} σ_h with the analytic variance of
ETS(A,A,N) (:func:`interval_variance`):

    σ_h² = σ² [1 + (h − 1)(α² + α β h + β² h (2h − 1) / 6)]

Reference: R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and Practice*, 3rd
ed. (FPP3), ch. 8 "Exponential smoothing" — §8.2 (Holt's linear trend), §8.5 (state-space
models), §8.7 (forecasting with ETS models; Table 8.8, the variance above). No simulation is
used, so the result is deterministic (no seed is needed).

Rules:

- the years must be consecutive: the latest run of consecutive years is used, the earlier
  years are named as left out;
- fewer than :data:`MIN_POINTS` years → status ``not_enough_data`` with the count, never a fit
  (ETS(A,A,N) estimates four parameters; five points leave at least one degree of freedom for
  σ²);
- an emission total cannot be negative: a point or bound below zero is shown as 0 and the
  forecast says it was clipped.

Pure: numbers in, numbers out (statsmodels and numpy are maintained libraries, no I/O).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

from lingtan.core.messages import msg
from lingtan.modules.disclosure.errors import DisclosureError

#: the fewest consecutive yearly values a trend is fitted on (4 parameters + 1)
MIN_POINTS = 5
#: the method's name as the tower shows it
METHOD = "ETS(A,A,N)"
#: where the method and its interval come from
REFERENCE = "Hyndman & Athanasopoulos, Forecasting: Principles and Practice (3rd ed.), ch. 8"
#: default prediction-interval level
LEVEL = 0.95
#: default number of years forecast
HORIZON = 3

TrendStatus = Literal["ok", "not_enough_data"]


@dataclass(frozen=True)
class TrendPoint:
    """A forecast year: the point forecast and the prediction interval [unit of the series]."""

    year: int
    point: float
    lower: float
    upper: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"year": self.year, "point": self.point, "lower": self.lower, "upper": self.upper}


@dataclass(frozen=True)
class TrendForecast:
    """The forecast of one series.

    Attributes:
        series: what is forecast (``scope1``, ``scope2_market``, ``scope3``, ``total_market``).
        status: ``ok`` or ``not_enough_data`` (then ``points`` is empty).
        used: the (year, value) pairs the model was fitted on, oldest first.
        left_out: years before a gap, not used.
        points: forecast years with point and interval.
        params: α (``smoothing_level``), β (``smoothing_trend``), ℓ₀ (``initial_level``), b₀
            (``initial_trend``) and σ² (``sigma2``).
        converged: whether the likelihood optimiser reported convergence (a perfect line
            leaves nothing to optimise: its forecast is still exact).
        clipped: a point or bound below zero was shown as 0.
    """

    series: str
    status: TrendStatus
    used: tuple[tuple[int, float], ...]
    level: float = LEVEL
    horizon: int = HORIZON
    min_points: int = MIN_POINTS
    method: str = METHOD
    reference: str = REFERENCE
    left_out: tuple[int, ...] = ()
    points: tuple[TrendPoint, ...] = ()
    params: Mapping[str, float] = field(default_factory=dict)
    converged: bool | None = None
    clipped: bool = False

    @property
    def n(self) -> int:
        """The number of values the model was (or would have been) fitted on."""
        return len(self.used)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "series": self.series,
            "status": self.status,
            "method": self.method,
            "reference": self.reference,
            "level": self.level,
            "horizon": self.horizon,
            "n": self.n,
            "min_points": self.min_points,
            "used": [{"year": y, "value": v} for y, v in self.used],
            "left_out": list(self.left_out),
            "points": [p.to_dict() for p in self.points],
            "params": dict(self.params),
            "converged": self.converged,
            "clipped": self.clipped,
        }


def consecutive_tail(values: Mapping[int, float]) -> tuple[list[tuple[int, float]], list[int]]:
    """The latest run of consecutive years of ``values`` (oldest first) and the years before
    it that a gap separates from it."""
    years = sorted(values)
    start = len(years) - 1
    while start > 0 and years[start - 1] == years[start] - 1:
        start -= 1
    run = [(y, float(values[y])) for y in years[start:]] if years else []
    return run, years[:start]


def _check(values: Mapping[int, float], horizon: int, level: float) -> None:
    """Refuse input no forecast can be made from.

    Raises:
        DisclosureError: a value not finite or negative, a horizon below 1, a level not in (0, 1).
    """
    for y, v in values.items():
        if not math.isfinite(v):
            raise DisclosureError(msg("tower.err.not_finite", year=y), "values")
        if v < 0:
            raise DisclosureError(msg("tower.err.negative", year=y, value=v), "values")
    if horizon < 1:
        raise DisclosureError(msg("tower.err.horizon", horizon=horizon), "horizon")
    if not 0.0 < level < 1.0:
        raise DisclosureError(msg("tower.err.level", level=level), "level")


def forecast_trend(
    values: Mapping[int, float],
    *,
    series: str = "total_market",
    horizon: int = HORIZON,
    level: float = LEVEL,
    min_points: int = MIN_POINTS,
) -> TrendForecast:
    """Forecast ``values`` (year → total [t CO2e]) ``horizon`` years past the last year with
    ETS(A,A,N) and its ``level`` prediction interval (module docstring; FPP3 ch. 8).

    Raises:
        DisclosureError: as :func:`_check`.
    """
    _check(values, horizon, level)
    run, left_out = consecutive_tail(values)
    need = max(min_points, MIN_POINTS)
    if len(run) < need:
        return TrendForecast(
            series, "not_enough_data", tuple(run), level, horizon, need, left_out=tuple(left_out)
        )
    import numpy as np
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = np.array([v for _, v in run], dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = ETSModel(y, error="add", trend="add", initialization_method="estimated").fit(
            disp=False
        )
        means = [float(v) for v in fit.forecast(horizon)]
    del caught  # a perfect line makes the optimiser warn; convergence is reported instead
    params = {str(k): float(v) for k, v in zip(fit.param_names, fit.params, strict=True)}
    params["sigma2"] = float(fit.sse) / len(run)
    last = run[-1][0]
    z = z_value(level)
    points, clipped = [], False
    for h, mean in enumerate(means, start=1):
        half = z * math.sqrt(interval_variance(params, h))
        raw = (mean, mean - half, mean + half)
        clipped = clipped or min(raw) < 0
        p, lo, hi = (max(v, 0.0) for v in raw)
        points.append(TrendPoint(last + h, p, lo, hi))
    converged = bool(getattr(fit, "mle_retvals", {}).get("converged", True))
    return TrendForecast(
        series, "ok", tuple(run), level, horizon, need, METHOD, REFERENCE, tuple(left_out),
        tuple(points), params, converged, clipped,
    )  # fmt: skip


def interval_variance(params: Mapping[str, float], h: int) -> float:
    """σ_h² of ETS(A,A,N) h steps ahead (FPP3 §8.7, Table 8.8):
    σ² [1 + (h − 1)(α² + α β h + β² h (2h − 1) / 6)] [unit²]."""
    a, b, s2 = params["smoothing_level"], params["smoothing_trend"], params["sigma2"]
    return s2 * (1.0 + (h - 1) * (a * a + a * b * h + b * b * h * (2 * h - 1) / 6.0))


def z_value(level: float) -> float:
    """The standard normal quantile z_{1−a/2} of a two-sided ``level`` interval (1.96 at 95 %)."""
    return NormalDist().inv_cdf(0.5 + level / 2.0)
