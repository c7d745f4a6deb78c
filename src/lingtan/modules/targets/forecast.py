"""Business-as-usual (BAU) forecast: emissions without new projects, grown by activity drivers.

Each emission bucket (``scope1``, ``scope2`` — market-based —, ``scope3.<category>``, or
``scope3`` when no split is known) starts from a start year's value and follows the product of
its drivers' indices:

    E_b(y) = E_b(y₀) · Π_d  D_d(y) / D_d(y₀)

where D_d is a driver :class:`~lingtan.modules.targets.emissions.Series` (production volume,
revenue, units sold, or an autonomous trend such as grid decarbonisation, written as a series
with a negative ``growth_pct``), read with :meth:`Series.forecast` (recorded values, then the
last value grown at ``growth_pct``). A bucket without drivers uses the ``default`` drivers, and
stays flat when there are none.

Standard: GHG Protocol Mitigation Goal Standard ch. 8 (baseline scenario from drivers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Series, YearEmissions
from lingtan.modules.targets.errors import PlanError


def buckets_of(e: YearEmissions) -> dict[str, float]:
    """Split a year into planning buckets [t CO2e] (Scope 2 market-based)."""
    out = {"scope1": e.scope1, "scope2": e.scope2_market}
    if e.has_scope3_split:
        out.update({f"scope3.{c}": v for c, v in sorted(e.scope3_by_category.items())})
    elif e.scope3 > 0:
        out["scope3"] = e.scope3
    return out


def emissions_of(year: int, buckets: Mapping[str, float], source: str = "") -> YearEmissions:
    """The inverse of :func:`buckets_of`."""
    cats = {int(k.split(".")[1]): v for k, v in buckets.items() if k.startswith("scope3.")}
    total = buckets.get("scope3")
    return YearEmissions(
        year=year,
        scope1=max(buckets.get("scope1", 0.0), 0.0),
        scope2_market=max(buckets.get("scope2", 0.0), 0.0),
        scope3_by_category={c: max(v, 0.0) for c, v in cats.items()},
        scope3_total=None if total is None else max(total, 0.0),
        source=source,
    )


@dataclass(frozen=True)
class BauModel:
    """Inputs of the BAU forecast.

    Attributes:
        start: the start year's emissions (the latest actual year, usually).
        drivers: driver series by name.
        bucket_drivers: bucket (``scope1``, ``scope3.1`` …, or ``default``) → driver names.
    """

    start: YearEmissions
    drivers: Mapping[str, Series] = field(default_factory=dict)
    bucket_drivers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for b, names in self.bucket_drivers.items():
            for n in names:
                if n not in self.drivers:
                    raise PlanError(f"bau: bucket {b!r} names unknown driver {n!r}")


@dataclass(frozen=True)
class BauForecast:
    """BAU emissions by bucket and year [t CO2e]."""

    start_year: int
    years: tuple[int, ...]
    by_bucket: Mapping[str, Mapping[int, float]]
    indices: Mapping[str, Mapping[int, float]]
    start_buckets: Mapping[str, float] = field(default_factory=dict)

    @property
    def start_total(self) -> float:
        """Emissions of the start year [t CO2e]."""
        return float(sum(self.start_buckets.values()))

    def bucket(self, name: str, year: int) -> float:
        """BAU of one bucket [t CO2e] (0 for an unknown bucket)."""
        return float(self.by_bucket.get(name, {}).get(year, 0.0))

    def year(self, year: int) -> YearEmissions:
        """BAU of ``year`` as :class:`YearEmissions`."""
        return emissions_of(
            year, {b: v[year] for b, v in self.by_bucket.items() if year in v}, "BAU forecast"
        )

    def to_dict(self, calendar: FiscalCalendar) -> dict[str, Any]:
        """JSON form."""
        lab = calendar.year
        return {
            "start_year": lab(self.start_year).label,
            "start_tco2e_by_bucket": dict(self.start_buckets),
            "years": [lab(y).label for y in self.years],
            "tco2e_by_bucket": {
                b: {lab(y).label: v for y, v in sorted(s.items())}
                for b, s in self.by_bucket.items()
            },
            "driver_indices": {
                d: {lab(y).label: v for y, v in sorted(s.items())} for d, s in self.indices.items()
            },
        }


def driver_index(s: Series, y0: int, y: int) -> float:
    """D(y) / D(y₀) with :meth:`Series.forecast`.

    Raises:
        PlanError: the series has no value for y₀ or cannot reach y.
    """
    d0, d = s.forecast(y0), s.forecast(y)
    if d0 is None or d is None:
        missing = y0 if d0 is None else y
        raise PlanError(f"driver {s.name!r} has no value for {missing} (give values or growth_pct)")
    return d / d0


def forecast_bau(model: BauModel, years: Sequence[int]) -> BauForecast:
    """Forecast every bucket of ``model.start`` over ``years`` (formula in the module doc)."""
    y0 = model.start.year
    idx = {n: {y: driver_index(s, y0, y) for y in years} for n, s in model.drivers.items()}
    default = model.bucket_drivers.get("default", ())
    out: dict[str, dict[int, float]] = {}
    start = buckets_of(model.start)
    for b, v0 in start.items():
        names = _drivers_for(model.bucket_drivers, b, default)
        series: dict[int, float] = {}
        for y in years:
            k = 1.0
            for n in names:
                k *= idx[n][y]
            series[y] = v0 * k
        out[b] = series
    return BauForecast(y0, tuple(years), out, idx, start)


def _drivers_for(
    bucket_drivers: Mapping[str, tuple[str, ...]], bucket: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    """Drivers of ``bucket``: its own, else ``scope3`` for a Scope 3 category, else default."""
    if bucket in bucket_drivers:
        return bucket_drivers[bucket]
    if bucket.startswith("scope3.") and "scope3" in bucket_drivers:
        return bucket_drivers["scope3"]
    return default
