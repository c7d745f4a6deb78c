"""Product energy-efficiency tracking per product line: each generation against the previous
one and against the line's base year.

The source report: "new products must be more energy efficient than the previous generation"
(新产品的能效必须比上一代有所提高) and targets such as "notebook and Motorola product energy
efficiency +30 % by FY2029/30" (vs a base year). Energy use per product is the typical energy
consumption (TEC, ENERGY STAR Computers v8 / EU ErP Lot 3) [kWh/yr]; efficiency is its inverse
(same function per year), so

    improvement = E_reference / E_current − 1      (+30 % ⇔ E falls to 1/1.3 = 76.9 %)
    energy change = E_current / E_reference − 1    (−23.1 % for the same case)

Where products of a generation differ in performance, pass energy per unit of performance
(kWh per benchmark score): the same formulas then track efficiency, not just consumption.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lingtan.modules.products.errors import LcaError


@dataclass(frozen=True)
class EnergyRecord:
    """Typical energy use of one product model [kWh/yr] (or per unit of performance)."""

    product_id: str
    line: str
    generation: int
    year: int
    kwh_per_year: float


@dataclass(frozen=True)
class SalesRecord:
    """Units of one product sold in one fiscal year (its start year, e.g. 2018 for
    FY2018/19), as the product data records it (the family's ``sales`` list)."""

    product_id: str
    fiscal_year: int
    units: float


#: where a product-year's units sold come from (:func:`units_sold`)
FROM_ROWS = "use-phase rows"
FROM_FAMILY = "family sales records"


def units_sold(
    rows: Mapping[tuple[str, int], float], records: Iterable[SalesRecord]
) -> dict[tuple[str, int], tuple[float, str]]:
    """Units sold per (product, fiscal start year) and their source, never counted twice: the
    inventory's use-phase rows (``rows``: Σ units per product-year) where they exist, the
    product data's sales ``records`` for every other product-year.

    Returns:
        (product, year) → (units, :data:`FROM_ROWS` or :data:`FROM_FAMILY`).
    """
    out = {k: (float(u), FROM_ROWS) for k, u in rows.items()}
    for r in records:
        key = (r.product_id, r.fiscal_year)
        if key not in rows:
            units, _ = out.get(key, (0.0, FROM_FAMILY))
            out[key] = (units + float(r.units), FROM_FAMILY)
    return out


@dataclass(frozen=True)
class EfficiencyRow:
    """One product against its previous generation and its line's base year."""

    record: EnergyRecord
    previous: EnergyRecord | None
    base: EnergyRecord | None
    vs_previous_pct: float | None
    vs_base_pct: float | None
    target_pct: float | None

    @property
    def improved_on_previous(self) -> bool | None:
        """True when more efficient than the previous generation (None: no previous)."""
        return None if self.vs_previous_pct is None else self.vs_previous_pct > 0

    @property
    def on_track(self) -> bool | None:
        """True when the improvement vs base year reaches the target (None: no target)."""
        if self.target_pct is None or self.vs_base_pct is None:
            return None
        return self.vs_base_pct >= self.target_pct

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        r = self.record
        return {
            "product_id": r.product_id,
            "line": r.line,
            "generation": r.generation,
            "year": r.year,
            "kwh_per_year": r.kwh_per_year,
            "previous_product_id": self.previous.product_id if self.previous else None,
            "improvement_vs_previous_pct": self.vs_previous_pct,
            "improved_on_previous": self.improved_on_previous,
            "base_year": self.base.year if self.base else None,
            "improvement_vs_base_pct": self.vs_base_pct,
            "target_pct": self.target_pct,
            "on_track": self.on_track,
        }


def improvement_pct(reference_kwh: float, current_kwh: float) -> float:
    """Efficiency improvement [%] = (E_reference / E_current − 1) × 100.

    Raises:
        LcaError: an energy value is not positive.
    """
    if not (reference_kwh > 0 and current_kwh > 0):
        raise LcaError(f"energy use must be > 0, got {reference_kwh} and {current_kwh}")
    return (reference_kwh / current_kwh - 1.0) * 100.0


def track(
    records: Iterable[EnergyRecord],
    base_year: dict[str, int],
    target_pct: dict[str, float] | None = None,
) -> list[EfficiencyRow]:
    """Each product against the previous generation of its line (the mean of that
    generation's models) and against the line's base-year generation (its models' mean).

    Args:
        base_year: line → base year; the base is the mean energy of the line's models of
            that year.
        target_pct: line → improvement target vs base year [%] (e.g. notebook 30).

    Raises:
        LcaError: a product id appears twice.
    """
    recs = list(records)
    ids = [r.product_id for r in recs]
    if len(set(ids)) != len(ids):
        raise LcaError("a product appears twice in the energy records")
    out: list[EfficiencyRow] = []
    for r in sorted(recs, key=lambda x: (x.line, x.generation, x.product_id)):
        same = [x for x in recs if x.line == r.line]
        prev_gen = [x for x in same if x.generation == r.generation - 1]
        prev = _mean_record(prev_gen, f"{r.line} gen {r.generation - 1}")
        by = base_year.get(r.line)
        base = _mean_record([x for x in same if x.year == by], f"{r.line} {by}") if by else None
        out.append(
            EfficiencyRow(
                record=r,
                previous=prev,
                base=base,
                vs_previous_pct=improvement_pct(prev.kwh_per_year, r.kwh_per_year)
                if prev
                else None,
                vs_base_pct=improvement_pct(base.kwh_per_year, r.kwh_per_year) if base else None,
                target_pct=(target_pct or {}).get(r.line),
            )
        )
    return out


def _mean_record(group: list[EnergyRecord], label: str) -> EnergyRecord | None:
    if not group:
        return None
    if len(group) == 1:
        return group[0]
    mean = sum(g.kwh_per_year for g in group) / len(group)
    g0 = group[0]
    return EnergyRecord(f"mean of {label}", g0.line, g0.generation, g0.year, mean)
