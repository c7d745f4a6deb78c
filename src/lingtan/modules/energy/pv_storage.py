"""PV and battery-storage indicators (issue 16 item 3; ../shared/specs/sites-energy.md "PV",
"Storage").

PV (IEC 61724-1:2021 performance indicators):

    specific yield Y = E_generated / P_rated                [kWh/kWp]
    self-consumption ratio = (G − X) / G                    [-]
    rated power after n years = P × (1 − d)^n               [kWp]  (d: degradation per year)

The report: Hefei 10.12 MW → ≥ 9.5 GWh a year ≈ 940 kWh/kWp; phase 3: 3 MW → 2.8 GWh.

Storage:

    equivalent full cycles = Σ charge / usable capacity      [-]
    round-trip efficiency = Σ discharge / Σ charge           [-]
    losses = Σ charge − Σ discharge                          [kWh]
    cost saving = Σ (p_peak − p_valley) × discharge − losses × p_valley   [currency]
    emissions = losses × EF  (0 for the shifted energy unless hourly factors exist)
    peak shaving = max(load without storage) − max(load with storage)     [kW]

with load without storage = grid import + discharge − charge per interval. Loads are powers
[kW]; :func:`interval_kw` turns interval energies into average powers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lingtan.core.messages import msg
from lingtan.modules.energy.errors import EnergyError


def _arr(value: Any, name: str) -> np.ndarray:
    a = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        raise EnergyError(msg("energy.err.not_finite", field=name, value="NaN/inf"), name)
    if np.any(a < 0):
        raise EnergyError(msg("energy.err.negative", field=name, value=str(float(a.min()))), name)
    return a


def _pos(value: float, name: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and v > 0):
        raise EnergyError(msg("energy.err.not_positive", field=name, value=str(value)), name)
    return v


def _total(value: Any, name: str) -> float:
    return float(_arr(value, name).sum())


def pv_yield(kwh: Any, kwp: float) -> float:
    """Specific yield [kWh/kWp] = Σ generation [kWh] / rated power [kWp] (IEC 61724-1).

    Raises:
        EnergyError: ``kwp`` not positive, generation negative or not finite.
    """
    return _total(kwh, "kwh") / _pos(kwp, "kwp")


def self_consumption(generation: Any, export: Any) -> float | None:
    """Self-consumption ratio (G − X) / G [-]; None when nothing was generated.

    Raises:
        EnergyError: export above generation (the meters disagree) or a negative value.
    """
    g, x = _total(generation, "generation"), _total(export, "export")
    if x > g:
        raise EnergyError(
            msg("energy.err.export_above_generation", export=x, generation=g), "export"
        )
    return (g - x) / g if g > 0 else None


def degraded_kwp(kwp: float, degradation_pct: float, years: float) -> float:
    """Rated power after ``years`` of degradation at ``degradation_pct`` per year [kWp]."""
    d = float(degradation_pct)
    if not (math.isfinite(d) and 0 <= d < 100):
        raise EnergyError(
            msg("energy.err.percent", field="degradation_pct", value=str(d)), "degradation_pct"
        )
    return float(_pos(kwp, "kwp") * (1 - d / 100.0) ** float(years))


def storage_cycles(charge: Any, capacity: float) -> float:
    """Equivalent full cycles = Σ charge [kWh] / usable capacity [kWh] [-]."""
    return _total(charge, "charge") / _pos(capacity, "capacity")


def round_trip_efficiency(charge: Any, discharge: Any) -> float | None:
    """Round-trip efficiency Σ discharge / Σ charge [-]; None without charge. Over a short
    period the state of charge at its ends distorts it; use a month or more."""
    c, d = _total(charge, "charge"), _total(discharge, "discharge")
    return d / c if c > 0 else None


def storage_losses(charge: Any, discharge: Any) -> float:
    """Losses Σ charge − Σ discharge [kWh] (may be negative over a period that ends emptier
    than it started)."""
    return _total(charge, "charge") - _total(discharge, "discharge")


def storage_cost_saving(discharge_kwh: Any, losses_kwh: float, p_peak: Any, p_valley: Any) -> float:
    """Cost saving of peak/valley shifting [currency]:
    Σ (p_peak − p_valley) × discharge − losses × p_valley (the losses are bought at the valley
    price, when the battery charges). Prices [currency/kWh], scalars or per-period arrays."""
    d = _arr(discharge_kwh, "discharge_kwh")
    spread = np.asarray(p_peak, dtype=np.float64) - np.asarray(p_valley, dtype=np.float64)
    valley = float(np.mean(np.asarray(p_valley, dtype=np.float64)))
    return float(np.sum(spread * d)) - float(losses_kwh) * valley


def storage_emissions(losses_kwh: float, ef_kg_per_kwh: float) -> float:
    """Emission effect of storage without hourly factors: losses × EF [kg CO2e] (the shifted
    energy counts 0; GHG Protocol Scope 2 Guidance, one annual factor)."""
    return float(losses_kwh) * float(ef_kg_per_kwh)


def interval_kw(kwh: Any, minutes: float) -> np.ndarray:
    """Average power of each interval [kW] = energy [kWh] × 60 / interval length [min]."""
    return np.asarray(kwh, dtype=np.float64) * 60.0 / _pos(minutes, "minutes")


def load_without_storage(grid_import: Any, discharge: Any, charge: Any) -> np.ndarray:
    """The load the grid would have seen without the battery, per interval:
    import + discharge − charge [same unit as the inputs]."""
    i = np.asarray(grid_import, dtype=np.float64)
    d = np.asarray(discharge, dtype=np.float64)
    c = np.asarray(charge, dtype=np.float64)
    if not (i.shape == d.shape == c.shape):
        raise EnergyError(
            msg(
                "energy.err.length_mismatch",
                a="grid_import",
                b="discharge/charge",
                n=i.size,
                m=d.size,
            ),
            "discharge",
        )
    return i + d - c


@dataclass(frozen=True)
class PeakShaving:
    """Peak demand without and with storage [kW] and the reduction [kW, share of before]."""

    peak_before_kw: float
    peak_after_kw: float
    reduction_kw: float
    reduction_share: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "peak_before_kw": self.peak_before_kw,
            "peak_after_kw": self.peak_after_kw,
            "reduction_kw": self.reduction_kw,
            "reduction_share": self.reduction_share,
        }


def peak_shaving(load_before: Any, load_after: Any) -> PeakShaving:
    """Peak shaving = max(load without storage) − max(load with storage) [kW].

    Args:
        load_before: load without storage per interval [kW] (:func:`load_without_storage`).
        load_after: metered grid import per interval [kW] (same intervals).
    """
    b = np.asarray(load_before, dtype=np.float64)
    a = np.asarray(load_after, dtype=np.float64)
    if b.shape != a.shape:
        raise EnergyError(
            msg("energy.err.length_mismatch", a="load_before", b="load_after", n=b.size, m=a.size),
            "load_after",
        )
    if b.size == 0:
        return PeakShaving(0.0, 0.0, 0.0, None)
    pb, pa = float(np.nanmax(b)), float(np.nanmax(a))
    return PeakShaving(pb, pa, pb - pa, (pb - pa) / pb if pb > 0 else None)
