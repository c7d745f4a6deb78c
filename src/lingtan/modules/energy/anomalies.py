"""Energy anomalies per site: baseload drift and night use (issue 16 item 3).

Inputs are hourly energies [kWh per hour = average kW] of one meter (or one site total) with
the **local** start time of each hour (``datetime64``, naive local time: the caller converts
with the site's time zone, e.g. DuckDB ``ts AT TIME ZONE tz``). Periods are local months
(``YYYY-MM``).

Rules (decision 0070; ISO 50006:2014 §6 "energy baseline" in spirit, thresholds are lingtan's):

- **Baseload** of a month = the 10th percentile of its hourly values (the load that never goes
  away: standby, leaks, compressors idling). Reference = median baseload of the first
  ``reference_months`` (3) months with data. A later month whose baseload exceeds the reference
  by more than ``threshold`` (20 %) is a ``baseload_drift``.
- **Night use** of a month = mean load outside operating hours (default 20:00–08:00 and weekend
  days) / mean load in operating hours. Above ``threshold`` (50 %) it is ``night_use``: the site
  runs at night almost as it does by day. Sites working round the clock set ``operating`` to
  ``(0, 24)`` and ``weekdays`` to all seven days, and are then never flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lingtan.core.messages import Message, msg
from lingtan.modules.energy.errors import EnergyError

KINDS: tuple[str, ...] = ("baseload_drift", "night_use")
BASELOAD_QUANTILE = 0.10
DRIFT_THRESHOLD = 0.20
NIGHT_THRESHOLD = 0.50
#: operating hours [start, end) local, and working weekdays (0 = Monday)
OPERATING_HOURS: tuple[int, int] = (8, 20)
WORKDAYS: tuple[int, ...] = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class Anomaly:
    """One anomaly of a site (or meter) in one period.

    Attributes:
        site, meter: where (meter empty for a site total).
        kind: ``baseload_drift`` or ``night_use``.
        period: local month ``YYYY-MM``.
        value: the month's baseload [kW] or night/day ratio [-].
        reference: the reference baseload [kW] or the threshold ratio [-].
        message: catalogue message ``energy.issue.<kind>``.
    """

    site: str
    meter: str
    kind: str
    period: str
    value: float
    reference: float
    message: Message

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "site": self.site,
            "meter": self.meter,
            "kind": self.kind,
            "period": self.period,
            "value": self.value,
            "reference": self.reference,
            "key": self.message.key,
            "params": dict(self.message.params),
        }


def _prepare(hourly: Any, ts_local: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = np.asarray(hourly, dtype=np.float64)
    t = np.asarray(ts_local, dtype="datetime64[h]")
    if v.shape != t.shape:
        raise EnergyError(
            msg("energy.err.length_mismatch", a="hourly", b="ts_local", n=v.size, m=t.size),
            "ts_local",
        )
    ok = np.isfinite(v)
    v, t = v[ok], t[ok]
    months = t.astype("datetime64[M]")
    return v, t, months


def _label(month: np.datetime64) -> str:
    return str(month.astype("datetime64[M]"))


def monthly_baseload(
    hourly: Any, ts_local: Any, *, quantile: float = BASELOAD_QUANTILE
) -> dict[str, float]:
    """Baseload per local month: the ``quantile`` of its hourly values [kW]."""
    v, _, months = _prepare(hourly, ts_local)
    return {_label(m): float(np.quantile(v[months == m], quantile)) for m in np.unique(months)}


def baseload_drift(
    site: str,
    hourly: Any,
    ts_local: Any,
    *,
    meter: str = "",
    reference_months: int = 3,
    threshold: float = DRIFT_THRESHOLD,
    quantile: float = BASELOAD_QUANTILE,
    reference: float | None = None,
) -> list[Anomaly]:
    """Months whose baseload exceeds the reference by more than ``threshold``.

    Args:
        reference: a reference baseload [kW] (e.g. last year's); None: the median of the first
            ``reference_months`` months (which are then not judged).
    """
    base = monthly_baseload(hourly, ts_local, quantile=quantile)
    months = sorted(base)
    if reference is None:
        if len(months) <= reference_months:
            return []
        ref = float(np.median([base[m] for m in months[:reference_months]]))
        judged = months[reference_months:]
    else:
        ref, judged = float(reference), months
    out: list[Anomaly] = []
    for m in judged:
        if base[m] > ref * (1 + threshold):
            rise = base[m] / ref - 1 if ref > 0 else float("inf")
            out.append(
                Anomaly(
                    site,
                    meter,
                    "baseload_drift",
                    m,
                    base[m],
                    ref,
                    msg(
                        "energy.issue.baseload_drift",
                        site=site,
                        meter=meter,
                        period=m,
                        value=f"{base[m]:.1f}",
                        reference=f"{ref:.1f}",
                        rise=f"{100 * rise:.0f}",
                    ),
                )
            )
    return out


def night_ratio(
    hourly: Any,
    ts_local: Any,
    *,
    operating: tuple[int, int] = OPERATING_HOURS,
    weekdays: tuple[int, ...] = WORKDAYS,
) -> dict[str, float]:
    """Per local month: mean load outside operating hours / mean load in them [-] (months
    without both kinds of hours are left out)."""
    v, t, months = _prepare(hourly, ts_local)
    hour = (t - t.astype("datetime64[D]")).astype(np.int64)
    # 1970-01-01 was a Thursday: weekday 0 = Monday
    weekday = (t.astype("datetime64[D]").astype(np.int64) + 3) % 7
    start, end = operating
    on = (hour >= start) & (hour < end) & np.isin(weekday, weekdays)
    out: dict[str, float] = {}
    for m in np.unique(months):
        sel = months == m
        day, night = v[sel & on], v[sel & ~on]
        if len(day) and len(night) and day.mean() > 0:
            out[_label(m)] = float(night.mean() / day.mean())
    return out


def night_use(
    site: str,
    hourly: Any,
    ts_local: Any,
    *,
    meter: str = "",
    threshold: float = NIGHT_THRESHOLD,
    operating: tuple[int, int] = OPERATING_HOURS,
    weekdays: tuple[int, ...] = WORKDAYS,
) -> list[Anomaly]:
    """Months whose night/day load ratio exceeds ``threshold``."""
    ratios = night_ratio(hourly, ts_local, operating=operating, weekdays=weekdays)
    return [
        Anomaly(
            site,
            meter,
            "night_use",
            m,
            r,
            threshold,
            msg(
                "energy.issue.night_use",
                site=site,
                meter=meter,
                period=m,
                ratio=f"{100 * r:.0f}",
                threshold=f"{100 * threshold:.0f}",
            ),
        )
        for m, r in sorted(ratios.items())
        if r > threshold
    ]


def anomalies(site: str, hourly: Any, ts_local: Any, *, meter: str = "") -> list[Anomaly]:
    """Both rules with their defaults, sorted by period and kind."""
    found = baseload_drift(site, hourly, ts_local, meter=meter) + night_use(
        site, hourly, ts_local, meter=meter
    )
    return sorted(found, key=lambda a: (a.period, a.kind))
