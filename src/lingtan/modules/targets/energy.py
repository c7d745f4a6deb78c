"""Energy savings → tonnes of standard coal equivalent (tce) → t CO2e.

- **tce** (GB/T 2589-2020 *General principles for calculation of the comprehensive energy
  consumption*, Annex A reference coefficients): quantity [unit] × coefficient [kgce/unit] / 1000.
  Electricity uses the **equivalent-value** (当量值) coefficient 0.1229 kgce/kWh, as the source
  report does (2.8 GWh → 344.12 tce). (The registry's heat-content conversion, 3.6 MJ /
  29.3076 MJ/kgce = 0.12283 kgce/kWh, is the same quantity before the standard's rounding;
  reported figures use the rounded coefficient, so lingtan does too.)
- **t CO2e**: quantity × emission factor resolved from the factor library "as of" a date for the
  site's region (:func:`lingtan.core.factors.resolve`: region → parent region → global; nearest
  edition when none is valid on the date), per gas × GWP100 of the chosen set.

Quantities are converted to the coefficient's / factor's unit with the units registry
(``GWh``, ``万kWh``… → ``kWh``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lingtan.core.errors import UnitError
from lingtan.core.factors import EmissionFactor, co2e_per_unit, resolve
from lingtan.core.gwp import GWPSet
from lingtan.core.units import conversion_factor
from lingtan.modules.targets.errors import ProjectError

GBT2589 = "GB/T 2589-2020, Annex A (reference coefficients for standard coal equivalent)"


@dataclass(frozen=True)
class CoalCoefficient:
    """Standard-coal coefficient of one energy carrier.

    Attributes:
        carrier: key (``electricity``, ``natural_gas`` …).
        unit: unit the coefficient is per.
        kgce_per_unit: [kgce / unit].
        activity_type: the factor-library activity type whose factor gives its emissions.
        note: basis of the value.
    """

    carrier: str
    unit: str
    kgce_per_unit: float
    activity_type: str
    note: str = ""


#: GB/T 2589-2020 Annex A reference coefficients (average low calorific values).
COAL_COEFFICIENTS: dict[str, CoalCoefficient] = {
    c.carrier: c
    for c in (
        CoalCoefficient("electricity", "kWh", 0.1229, "electricity.grid",
                        "equivalent value (当量值), 3 600 kJ/kWh"),
        CoalCoefficient("raw_coal", "kg", 0.7143, "fuel.coal_industrial", "20 908 kJ/kg"),
        CoalCoefficient("coke", "kg", 0.9714, "fuel.coal_coke", "28 435 kJ/kg"),
        CoalCoefficient("crude_oil", "kg", 1.4286, "fuel.crude_oil", "41 816 kJ/kg"),
        CoalCoefficient("fuel_oil", "kg", 1.4286, "fuel.fuel_oil", "41 816 kJ/kg"),
        CoalCoefficient("gasoline", "kg", 1.4714, "fuel.petrol", "43 070 kJ/kg"),
        CoalCoefficient("kerosene", "kg", 1.4714, "fuel.burning_oil", "43 070 kJ/kg"),
        CoalCoefficient("diesel", "kg", 1.4571, "fuel.diesel", "42 652 kJ/kg"),
        CoalCoefficient("lpg", "kg", 1.7143, "fuel.lpg", "50 179 kJ/kg"),
        CoalCoefficient("natural_gas", "m**3", 1.2143, "fuel.natural_gas",
                        "gas-field gas 35 544 kJ/m³ (Annex A range 1.1000–1.3300)"),
        CoalCoefficient("heat", "MJ", 0.03412, "heat.purchased", "equivalent value"),
    )
}  # fmt: skip


def to_tce(quantity: float, unit: str, carrier: str) -> float:
    """Tonnes of standard coal equivalent of ``quantity`` [unit] of ``carrier``:
    q · (unit → coefficient unit) · kgce/unit / 1000 [tce].

    Raises:
        ProjectError: unknown carrier or a unit of the wrong dimension.
    """
    coef = COAL_COEFFICIENTS.get(carrier)
    if coef is None:
        raise ProjectError(
            f"no GB/T 2589 coefficient for carrier {carrier!r}; known: "
            + ", ".join(sorted(COAL_COEFFICIENTS))
        )
    try:
        m = conversion_factor(unit, coef.unit)
    except UnitError as exc:
        raise ProjectError(f"{carrier}: {exc}") from exc
    return quantity * m * coef.kgce_per_unit / 1000.0


@dataclass(frozen=True)
class ResolvedFactor:
    """An emission factor resolved for one carrier, region and date.

    Units: ``kg_co2e_per_unit`` [kg CO2e / ``unit``].
    """

    activity_type: str
    unit: str
    kg_co2e_per_unit: float
    factor_ids: tuple[str, ...]
    region: str
    requested_region: str
    as_of: date
    valid_from: date
    match: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "activity_type": self.activity_type,
            "unit": self.unit,
            "kg_co2e_per_unit": self.kg_co2e_per_unit,
            "factor_ids": list(self.factor_ids),
            "region": self.region,
            "requested_region": self.requested_region,
            "as_of": self.as_of.isoformat(),
            "valid_from": self.valid_from.isoformat(),
            "match": self.match,
            "note": self.note,
        }


def resolve_factor(
    factors: Sequence[EmissionFactor],
    activity_type: str,
    region: str,
    on: date,
    unit: str,
    gwp: GWPSet,
    set_priority: Sequence[str] = (),
) -> ResolvedFactor:
    """Resolve ``activity_type`` for ``region`` as of ``on`` and sum its gases with ``gwp``
    [kg CO2e / unit of the factor].

    Raises:
        ProjectError: no factor qualifies, even after every fallback.
    """
    m = resolve(factors, activity_type, region, on, unit, set_priority)
    if m is None:
        raise ProjectError(
            f"no emission factor for {activity_type} in {region} (or its parent regions) "
            f"with a unit like {unit!r}"
        )
    kg = co2e_per_unit(m.factors, gwp)  # biogenic CO2 is outside the scopes
    head = m.factors[0]
    return ResolvedFactor(
        activity_type=activity_type,
        unit=head.unit,
        kg_co2e_per_unit=kg,
        factor_ids=tuple(f.factor_id for f in m.factors),
        region=m.region,
        requested_region=region,
        as_of=on,
        valid_from=head.valid_from,
        match=m.kind.value,
        note=m.note,
    )


def quantity_tco2e(quantity: float, unit: str, factor: ResolvedFactor) -> float:
    """``quantity`` [unit] × factor [kg CO2e / factor unit] / 1000 [t CO2e]."""
    try:
        m = conversion_factor(unit, factor.unit)
    except UnitError as exc:
        raise ProjectError(f"{factor.activity_type}: {exc}") from exc
    return quantity * m * factor.kg_co2e_per_unit / 1000.0
