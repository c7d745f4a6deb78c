"""Per-unit energy intensity by product type and its year-on-year change (issue 16 item 3;
../shared/specs/sites-energy.md "Per-unit intensity"; ISO 50006:2014 energy performance
indicators).

    I(p, y) = E_alloc(p, y) / units(p, y)        [kWh/unit]
    Δ(p, y) = I(p, y) / I(p, y − 1) − 1           [-]

E_alloc comes from line sub-meters (a line making one product type) or, when a site has no
line meters, from an allocation key: each product type's share of units × standard hours
(工时) of the site's total,

    E_alloc(p) = E × u_p h_p / Σ_q u_q h_q

(with no standard hours, h = 1: allocation by units).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import EnergyError, check_number

#: how E_alloc was obtained
METHODS: tuple[str, ...] = ("line_meters", "allocation_key")


@dataclass(frozen=True)
class Intensity:
    """Energy per unit of one product type at one site in one (fiscal) year.

    Attributes:
        site, product_type, year: what and when (year = fiscal start year).
        kwh: E_alloc [kWh]; units: units produced [-].
        kwh_per_unit: I [kWh/unit] (None when no units).
        change_vs_previous: Δ against the previous year [-] (−0.05 = −5 %), None without one.
        method: ``line_meters`` or ``allocation_key``.
    """

    site: str
    product_type: str
    year: int
    kwh: float
    units: float
    kwh_per_unit: float | None
    change_vs_previous: float | None = None
    method: str = "line_meters"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "site": self.site,
            "product_type": self.product_type,
            "year": self.year,
            "kwh": self.kwh,
            "units": self.units,
            "kwh_per_unit": self.kwh_per_unit,
            "change_vs_previous": self.change_vs_previous,
            "method": self.method,
        }


def per_unit(kwh: float, units: float) -> float | None:
    """I = E / units [kWh/unit]; None when ``units`` is 0 (no production, no intensity).

    Raises:
        EnergyError: a negative or non-finite input.
    """
    e, u = check_number(kwh, "kwh"), check_number(units, "units")
    return e / u if u > 0 else None


def change(current: float | None, previous: float | None) -> float | None:
    """Δ = current / previous − 1 [-]; None when either is missing or previous is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return current / previous - 1.0


def _hours(value: float | None) -> float:
    return 1.0 if value is None else value


def allocate_by_key(
    total_kwh: float,
    units: Mapping[str, float],
    standard_hours: Mapping[str, float | None] | None = None,
) -> dict[str, float]:
    """Split a site's energy over product types by units × standard hours per unit.

    Args:
        total_kwh: E [kWh].
        units: product type → units produced [-].
        standard_hours: product type → standard hours per unit [h/unit]; None, a missing type
            or a None value: 1 (allocation by units).

    Returns:
        product type → E_alloc [kWh] (summing to E; all 0 when no units at all).

    Raises:
        EnergyError: negative or non-finite inputs.
    """
    e = check_number(total_kwh, "total_kwh")
    hours = standard_hours or {}
    weights = {
        p: check_number(u, f"units[{p}]")
        * check_number(_hours(hours.get(p)), f"standard_hours[{p}]")
        for p, u in units.items()
    }
    total = sum(weights.values())
    if total <= 0:
        return dict.fromkeys(weights, 0.0)
    return {p: e * w / total for p, w in weights.items()}


def intensity_series(
    rows: Iterable[tuple[str, str, int, float, float]],
    *,
    method: str = "line_meters",
) -> list[Intensity]:
    """Intensities with their year-on-year change from ``(site, product_type, year, kwh,
    units)`` rows (one per site × product type × year; rows of the same key are summed).

    Δ compares with year − 1 of the same site and product type (None when that year is
    missing). Sorted by site, product type, year.
    """
    if method not in METHODS:
        raise EnergyError(
            msg("energy.err.choice", field="method", value=method, choices=", ".join(METHODS)),
            "method",
        )
    acc: dict[tuple[str, str, int], tuple[float, float]] = {}
    for site, product, year, kwh, units in rows:
        e, u = check_number(kwh, "kwh"), check_number(units, "units")
        key = (site, product, int(year))
        pe, pu = acc.get(key, (0.0, 0.0))
        acc[key] = (pe + e, pu + u)
    out: list[Intensity] = []
    for key in sorted(acc):
        site, product, year = key
        e, u = acc[key]
        i = e / u if u > 0 else None
        prev = acc.get((site, product, year - 1))
        prev_i = prev[0] / prev[1] if prev and prev[1] > 0 else None
        out.append(Intensity(site, product, year, e, u, i, change(i, prev_i), method))
    return out
