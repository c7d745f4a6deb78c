"""Energy balance of a site in physical units and in tonnes of standard coal equivalent
(issue 16 item 3; ../shared/specs/sites-energy.md "Energy balance per site").

Electricity, seen from the site (all [kWh]):

    consumption C = grid import I + PV self-use S + storage net
    S = generation G − export X
    storage net = discharge − charge  (negative: the battery's losses are consumed)

Standard coal (GB/T 2589-2020 综合能耗计算通则, Annex A, via :mod:`lingtan.core.standard_coal`):

    tce = Σ_carrier q × coefficient [kgce/unit] / 1 000

Two bases for electricity, and every figure names its basis:

- ``"equivalent"`` — 当量值, calorific equivalent, 0.1229 kgce/kWh (3 600 kJ/kWh ÷
  29 307.6 kJ/kgce, rounded by the standard); the basis lingtan uses by default.
- ``"input_equivalent"`` — 等价值, the primary energy consumed to generate the electricity:
  the year's thermal-power standard-coal consumption rate (e.g. about 0.30 kgce/kWh), which
  GB/T 2589 does not fix; the caller gives it (``electricity_kgce_per_kwh``).

Other carriers use the same coefficient on both bases: natural gas 1.3300 kgce/m³ (the
upper end of Annex A's 1.1–1.3300 range, the value tools attribute to GB/T 2589-2020),
diesel 1.4571 kgce/kg, heat 0.03412 kgce/MJ; steam in an energy unit as heat, in a mass
unit only with a named pressure grade; water, compressed air and chilled water (耗能工质,
energy-carrying working media) have no shipped coefficient and are listed as excluded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from lingtan.core.errors import UnitError
from lingtan.core.messages import msg
from lingtan.core.standard_coal import (
    StandardCoalCoefficient,
    StandardCoalError,
    StandardCoalTable,
)
from lingtan.core.units import conversion_factor, dimension_name
from lingtan.modules.energy.errors import EnergyError, check_number
from lingtan.modules.energy.meters import Measures, Source

Basis = Literal["equivalent", "input_equivalent"]
BASES: tuple[str, ...] = ("equivalent", "input_equivalent")

#: meter carrier → coefficient row of the GB/T 2589 table (``standard_coal.csv``)
CARRIER_COEFFICIENT: Mapping[str, str] = {
    "electricity": "electricity_calorific_equivalent",
    "natural_gas": "natural_gas_oil_field",
    "diesel": "diesel",
    "heat": "heat_calorific_equivalent",
    "gasoline": "gasoline",
    "lpg": "lpg",
    "raw_coal": "raw_coal",
    "fuel_oil": "fuel_oil",
    "kerosene": "kerosene",
}
#: carriers measured as energy that take the heat coefficient (steam in GJ, hot water in GJ)
AS_HEAT: frozenset[str] = frozenset({"steam", "heat"})

#: names of the basis in both languages, for labels ("tce (当量值)")
BASIS_LABEL: Mapping[str, str] = {
    "equivalent": "calorific equivalent (当量值)",
    "input_equivalent": "input equivalent (等价值)",
}


def to_kwh(value: float, unit: str) -> float:
    """``value`` [``unit``, an energy unit] in kWh.

    Raises:
        EnergyError: the unit is unknown or not an energy.
    """
    try:
        return float(value) * conversion_factor(unit, "kWh")
    except UnitError:
        raise EnergyError(
            msg("energy.err.unit", field="unit", unit=unit, target="kWh"), "unit"
        ) from None


@dataclass(frozen=True)
class SiteBalance:
    """Electricity balance of a site over a period, plus its other carriers.

    Attributes:
        site: site id.
        grid_import_kwh: I, from the grid (including PPA electricity delivered by the grid)
            [kWh].
        generation_kwh: G, on-site generation (PV, wind) [kWh].
        export_kwh: X, sent to the grid [kWh].
        charge_kwh, discharge_kwh: into / out of on-site storage [kWh].
        ppa_kwh: the part of I metered as PPA supply (informative; counted in I) [kWh].
        measured_self_use_kwh: self-use metered directly (a consumption meter with source
            ``onsite_pv``/``wind``), used for S when there is no generation meter [kWh].
        carriers: other carriers' consumption, carrier → (quantity, unit).
    """

    site: str
    grid_import_kwh: float = 0.0
    generation_kwh: float = 0.0
    export_kwh: float = 0.0
    charge_kwh: float = 0.0
    discharge_kwh: float = 0.0
    ppa_kwh: float = 0.0
    measured_self_use_kwh: float = 0.0
    carriers: Mapping[str, tuple[float, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in (
            "grid_import_kwh",
            "generation_kwh",
            "export_kwh",
            "charge_kwh",
            "discharge_kwh",
            "ppa_kwh",
            "measured_self_use_kwh",
        ):
            check_number(getattr(self, name), name)
        if self.generation_kwh > 0 and self.export_kwh > self.generation_kwh:
            raise EnergyError(
                msg(
                    "energy.err.export_above_generation",
                    export=self.export_kwh,
                    generation=self.generation_kwh,
                ),
                "export_kwh",
            )

    @property
    def self_use_kwh(self) -> float:
        """S = G − X [kWh] (the metered self-use when there is no generation meter)."""
        if self.generation_kwh > 0:
            return self.generation_kwh - self.export_kwh
        return self.measured_self_use_kwh

    @property
    def storage_net_kwh(self) -> float:
        """discharge − charge [kWh] (negative: losses consumed by the battery)."""
        return self.discharge_kwh - self.charge_kwh

    @property
    def consumption_kwh(self) -> float:
        """C = I + S + (discharge − charge) [kWh]."""
        return self.grid_import_kwh + self.self_use_kwh + self.storage_net_kwh

    def quantities(self) -> dict[str, tuple[float, str]]:
        """Every carrier's consumption, electricity as C in kWh (input of :func:`tce`)."""
        out: dict[str, tuple[float, str]] = {"electricity": (self.consumption_kwh, "kWh")}
        out.update(self.carriers)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form with the derived figures."""
        return {
            "site": self.site,
            "grid_import_kwh": self.grid_import_kwh,
            "generation_kwh": self.generation_kwh,
            "export_kwh": self.export_kwh,
            "self_use_kwh": self.self_use_kwh,
            "charge_kwh": self.charge_kwh,
            "discharge_kwh": self.discharge_kwh,
            "storage_net_kwh": self.storage_net_kwh,
            "ppa_kwh": self.ppa_kwh,
            "consumption_kwh": self.consumption_kwh,
            "carriers": {k: {"quantity": q, "unit": u} for k, (q, u) in self.carriers.items()},
        }


#: electricity flow (measures, source) → the balance fields it adds to
_ELECTRICITY_FIELDS: Mapping[tuple[Measures, Source | None], tuple[str, ...]] = {
    **{(Measures.CONSUMPTION, s): ("grid_import_kwh",) for s in (None, Source.GRID)},
    (Measures.CONSUMPTION, Source.PPA): ("grid_import_kwh", "ppa_kwh"),
    (Measures.CONSUMPTION, Source.ONSITE_PV): ("measured_self_use_kwh",),
    (Measures.CONSUMPTION, Source.WIND): ("measured_self_use_kwh",),
    (Measures.CONSUMPTION, Source.STORAGE): ("discharge_kwh",),
    **{(Measures.GENERATION, s): ("generation_kwh",) for s in (None, *Source)},
    **{(Measures.EXPORT, s): ("export_kwh",) for s in (None, *Source)},
    **{(Measures.STORAGE_CHARGE, s): ("charge_kwh",) for s in (None, *Source)},
    **{(Measures.STORAGE_DISCHARGE, s): ("discharge_kwh",) for s in (None, *Source)},
}


def _flow_error(carrier: str, measures: object, source: object) -> EnergyError:
    text = msg("energy.err.flow_unknown", carrier=carrier, measures=str(measures),
               source=str(source or ""))  # fmt: skip
    return EnergyError(text, "measures")


def _add_carrier(carriers: dict[str, tuple[float, str]], carrier: str, q: float, unit: str) -> None:
    """Sum a non-electricity consumption in the carrier's first unit."""
    if carrier not in carriers:
        carriers[carrier] = (q, unit)
        return
    old_q, old_u = carriers[carrier]
    try:
        factor = conversion_factor(unit, old_u)
    except UnitError:
        text = msg("energy.err.unit", field=carrier, unit=unit, target=old_u)
        raise EnergyError(text, carrier) from None
    carriers[carrier] = (old_q + q * factor, old_u)


def site_balance(
    site: str,
    flows: Iterable[tuple[str, str | None, str, float, str]],
) -> SiteBalance:
    """The balance of ``site`` from the sums of its top-level meters (billing, no parent).

    Args:
        site: site id.
        flows: ``(carrier, source, measures, quantity, unit)`` per meter (or per carrier ×
            source × measures). Electricity: ``consumption`` with source grid/None/ppa → I
            (ppa also in ``ppa_kwh``), consumption with source onsite_pv/wind → metered
            self-use, storage → discharge; ``generation`` → G; ``export`` → X;
            ``storage_charge``/``storage_discharge``. Other carriers: consumption summed per
            carrier in the first unit seen (later units converted).

    Raises:
        EnergyError: an unknown measures/source, a unit of the wrong kind, a negative sum.
    """
    acc: dict[str, float] = {}
    carriers: dict[str, tuple[float, str]] = {}
    for carrier, source, measures, quantity, unit in flows:
        q = check_number(quantity, f"{carrier}/{measures}")
        try:
            m = Measures(measures)
            src = Source(source) if source else None
        except ValueError:
            raise _flow_error(carrier, measures, source) from None
        if carrier != "electricity":
            if m != Measures.CONSUMPTION:
                raise _flow_error(carrier, measures, source)
            _add_carrier(carriers, carrier, q, unit)
            continue
        kwh = to_kwh(q, unit)
        for name in _ELECTRICITY_FIELDS[(m, src)]:
            acc[name] = acc.get(name, 0.0) + kwh
    return SiteBalance(site=site, carriers=carriers, **acc)


@dataclass(frozen=True)
class TceResult:
    """Standard coal of a set of quantities, on one basis.

    Attributes:
        basis: ``equivalent`` or ``input_equivalent``.
        tce: total [tce].
        parts: carrier → tce.
        coefficients: carrier → (kgce per unit, unit, where it comes from).
        excluded: carriers with no coefficient (named, not silently dropped).
    """

    basis: str
    tce: float
    parts: Mapping[str, float]
    coefficients: Mapping[str, tuple[float, str, str]]
    excluded: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "basis": self.basis,
            "basis_label": BASIS_LABEL[self.basis],
            "tce": self.tce,
            "parts": dict(self.parts),
            "coefficients": {
                k: {"kgce_per_unit": c, "unit": u, "source": s}
                for k, (c, u, s) in self.coefficients.items()
            },
            "excluded": list(self.excluded),
        }


def _coefficient_for(
    carrier: str,
    unit: str,
    basis: str,
    table: StandardCoalTable,
    electricity_kgce_per_kwh: float | None,
    overrides: Mapping[str, str],
) -> StandardCoalCoefficient | None:
    if carrier == "electricity" and basis == "input_equivalent":
        if electricity_kgce_per_kwh is None:
            raise EnergyError(msg("energy.err.input_equivalent_rate"), "basis")
        rate = check_number(electricity_kgce_per_kwh, "electricity_kgce_per_kwh", positive=True)
        return StandardCoalCoefficient(
            carrier="electricity_input_equivalent",
            unit="kWh",
            kgce_per_unit=rate,
            standard="GB/T 2589-2020 等价值: the year's thermal-power coal consumption rate, "
            "given by the user",
        )
    key = overrides.get(carrier) or CARRIER_COEFFICIENT.get(carrier)
    if key is None and carrier in AS_HEAT:
        if dimension_name(unit) == dimension_name("kWh"):
            key = "heat_calorific_equivalent"
        else:
            raise EnergyError(
                msg("energy.err.tce_steam_grade", carrier=carrier, unit=unit), carrier
            )
    if key is None:
        return None
    try:
        return table.get(key)
    except StandardCoalError:
        raise EnergyError(msg("energy.err.tce_no_coefficient", carrier=carrier), carrier) from None


def tce_breakdown(
    quantities: Mapping[str, tuple[float, str]],
    basis: str = "equivalent",
    *,
    table: StandardCoalTable,
    electricity_kgce_per_kwh: float | None = None,
    overrides: Mapping[str, str] | None = None,
) -> TceResult:
    """Standard coal of ``quantities`` (carrier → (quantity, unit)) on ``basis``, per carrier
    (GB/T 2589-2020 Annex A). Carriers without a coefficient are listed in ``excluded``.

    Args:
        table: the GB/T 2589 coefficient table (``adapters.io.standard_coal_files``).
        electricity_kgce_per_kwh: the input-equivalent rate [kgce/kWh] (``input_equivalent``
            basis only; required there).
        overrides: carrier → coefficient row to use instead of :data:`CARRIER_COEFFICIENT`
            (e.g. ``{"steam": "steam_1_0mpa"}``, ``{"natural_gas": "natural_gas_gas_field"}``).

    Raises:
        EnergyError: unknown basis, missing input-equivalent rate, steam in mass without a
            grade, a unit of the wrong kind, a coefficient published only as a range.
    """
    if basis not in BASES:
        raise EnergyError(msg("energy.err.basis", basis=str(basis)), "basis")
    parts: dict[str, float] = {}
    used: dict[str, tuple[float, str, str]] = {}
    excluded: list[str] = []
    for carrier, (q, unit) in quantities.items():
        qty = check_number(q, carrier)
        c = _coefficient_for(carrier, unit, basis, table, electricity_kgce_per_kwh, overrides or {})
        if c is None:
            excluded.append(carrier)
            continue
        if c.kgce_per_unit is None:
            raise EnergyError(msg("energy.err.tce_range", carrier=carrier, row=c.carrier), carrier)
        try:
            kg = qty * conversion_factor(unit, c.unit) * c.kgce_per_unit
        except UnitError:
            raise EnergyError(
                msg("energy.err.unit", field=carrier, unit=unit, target=c.unit), carrier
            ) from None
        parts[carrier] = kg / 1000.0
        used[carrier] = (c.kgce_per_unit, c.unit, c.standard or c.carrier)
    return TceResult(basis, sum(parts.values()), parts, used, tuple(sorted(excluded)))


def tce(
    quantities: Mapping[str, tuple[float, str]],
    basis: str = "equivalent",
    *,
    table: StandardCoalTable,
    electricity_kgce_per_kwh: float | None = None,
    overrides: Mapping[str, str] | None = None,
) -> float:
    """Total standard coal [tce] of ``quantities`` on ``basis`` (see :func:`tce_breakdown`).

    Strict: a carrier without a coefficient is an error (``energy.err.tce_no_coefficient``);
    use :func:`tce_breakdown` to list such carriers instead.
    """
    r = tce_breakdown(
        quantities,
        basis,
        table=table,
        electricity_kgce_per_kwh=electricity_kgce_per_kwh,
        overrides=overrides,
    )
    if r.excluded:
        c = r.excluded[0]
        raise EnergyError(msg("energy.err.tce_no_coefficient", carrier=c), c)
    return r.tce
