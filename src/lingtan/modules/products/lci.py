"""Life-cycle inventory (LCI) data: unit processes, elementary flows, exchanges, uncertainty,
and characterisation of elementary flows by GWP set.

Standards: ISO 14044:2006 §4.3 (inventory analysis: unit processes, data collection, relating
data to the unit process and functional unit) and §4.4.2.2 (classification and
characterisation); ISO 14067:2018 §6.4 (life-cycle inventory analysis for the CFP) and §6.5
(impact assessment: GWP100 of the IPCC report in force, biogenic carbon reported separately).

Conventions (those of Brightway, so matrices and results compare one to one):

- every process has exactly one reference product (*allocated* or *cut-off system model*
  data: multi-output processes are allocated before they reach lingtan, ISO 14044 §4.3.4;
  decision 0021). Its **production** exchange (default 1 unit of the process's unit) is the
  diagonal of the technosphere matrix A;
- a **technosphere** exchange of amount ``a`` (> 0 for an input, < 0 for an output such as a
  waste treated elsewhere) enters A as ``-a`` in the row of the supplying process;
- a **biosphere** exchange of amount ``b`` [flow unit per reference unit] enters the
  biosphere matrix B as ``+b`` (emissions and resource uses alike; characterisation decides);
- uncertainty is stated per exchange with the ``stats_arrays`` distribution ids Brightway and
  ecoinvent use (0/1 none, 2 lognormal, 3 normal, 4 uniform, 5 triangular).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from lingtan.core.errors import FactorError, UnitError
from lingtan.core.gwp import CH4_FOSSIL, CH4_NONFOSSIL, CO2, GWPSet, normalise_gas
from lingtan.modules.products.errors import InventoryDataError


class ExchangeKind(StrEnum):
    """Kind of an exchange (Brightway's ``type``)."""

    PRODUCTION = "production"
    TECHNOSPHERE = "technosphere"
    BIOSPHERE = "biosphere"


class Distribution(IntEnum):
    """Uncertainty distribution ids of ``stats_arrays`` (used by Brightway and ecoinvent)."""

    UNDEFINED = 0
    NONE = 1
    LOGNORMAL = 2
    NORMAL = 3
    UNIFORM = 4
    TRIANGULAR = 5


@dataclass(frozen=True)
class Uncertainty:
    """Uncertainty of one exchange amount.

    Attributes:
        distribution: the distribution (:class:`Distribution`).
        loc: lognormal: μ = ln(|median|); normal: mean; triangular: mode.
        scale: lognormal: σ of ln(amount) (ecoinvent's pedigree-extended σ); normal: std dev.
        minimum, maximum: uniform and triangular bounds (same unit as the amount).
        negative: the amount is negative (lognormal draws are then negated).
    """

    distribution: Distribution = Distribution.NONE
    loc: float = math.nan
    scale: float = math.nan
    minimum: float = math.nan
    maximum: float = math.nan
    negative: bool = False

    @staticmethod
    def lognormal(amount: float, gsd: float) -> Uncertainty:
        """Lognormal around ``amount`` with geometric standard deviation ``gsd`` (> 1)."""
        if amount == 0 or not gsd > 1:
            raise InventoryDataError(f"lognormal needs amount ≠ 0 and GSD > 1, got {gsd}")
        return Uncertainty(
            Distribution.LOGNORMAL,
            loc=math.log(abs(amount)),
            scale=math.log(gsd),
            negative=amount < 0,
        )

    @property
    def is_uncertain(self) -> bool:
        """True when the distribution draws anything other than the static amount."""
        return self.distribution not in (Distribution.UNDEFINED, Distribution.NONE)


NO_UNCERTAINTY = Uncertainty()


@dataclass(frozen=True)
class Process:
    """A unit process (ISO 14044 §3.34) with one reference product.

    Attributes:
        key: unique id within its database (ecospold2 activity id, openLCA ``@id`` …).
        name: activity name, e.g. ``aluminium production, primary``.
        unit: unit of the reference product (pint-parsable: kg, kWh, tkm, item …).
        location: ISO 3166 code, region or ``GLO``.
        reference_product: name of the product the process delivers.
        production: amount of the reference product the exchanges are stated per
            (usually 1).
    """

    key: str
    name: str
    unit: str
    location: str = "GLO"
    reference_product: str = ""
    production: float = 1.0
    comment: str = ""


@dataclass(frozen=True)
class ElementaryFlow:
    """An elementary flow (ISO 14044 §3.12): an emission to or resource from the environment.

    Attributes:
        key: unique id (ecospold2 elementaryExchangeId, openLCA flow ``@id`` …).
        name: e.g. ``Carbon dioxide, fossil``.
        unit: e.g. ``kg``.
        compartment: e.g. ``("air", "urban air close to ground")``.
        gas: lingtan gas key when the flow is a greenhouse gas (CO2, CH4_fossil, N2O …),
            ``CO2_biogenic`` for biogenic CO2, else "".
    """

    key: str
    name: str
    unit: str = "kg"
    compartment: tuple[str, ...] = ()
    gas: str = ""
    cas: str = ""


@dataclass(frozen=True)
class Exchange:
    """One exchange of a process.

    Attributes:
        process: key of the process the exchange belongs to (the consumer / emitter).
        flow: key of the supplying process (technosphere, production) or of the
            elementary flow (biosphere).
        amount: per ``process.production`` units of reference product [flow unit].
        kind: production, technosphere or biosphere.
    """

    process: str
    flow: str
    amount: float
    kind: ExchangeKind
    uncertainty: Uncertainty = NO_UNCERTAINTY
    comment: str = ""


@dataclass(frozen=True)
class LciDatabase:
    """A life-cycle inventory database: processes, elementary flows and their exchanges.

    ``validate()`` runs on construction: keys unique, every exchange refers to a known process
    or flow, every process has exactly one production exchange (added with ``production`` when
    missing), amounts finite.
    """

    name: str
    processes: tuple[Process, ...]
    flows: tuple[ElementaryFlow, ...]
    exchanges: tuple[Exchange, ...]
    source: str = ""
    licence: str = ""
    notes: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "exchanges", _with_production(self.processes, self.exchanges))
        self.validate()

    def validate(self) -> None:
        """Raise :class:`InventoryDataError` naming the first inconsistency."""
        procs: dict[str, Process] = {}
        for p in self.processes:
            if not p.key:
                raise InventoryDataError(f"{self.name}: a process has an empty key ({p.name!r})")
            if p.key in procs:
                raise InventoryDataError(f"{self.name}: process key {p.key!r} appears twice")
            procs[p.key] = p
        flows: set[str] = set()
        for f in self.flows:
            if f.key in flows or f.key in procs:
                raise InventoryDataError(f"{self.name}: flow key {f.key!r} is not unique")
            flows.add(f.key)
        production: dict[str, int] = {}
        for e in self.exchanges:
            where = f"{self.name}: process {e.process!r}, exchange {e.kind.value} {e.flow!r}"
            if e.process not in procs:
                raise InventoryDataError(f"{where}: unknown process {e.process!r}")
            if not math.isfinite(e.amount):
                raise InventoryDataError(f"{where}: amount {e.amount!r} is not finite")
            if e.kind is ExchangeKind.BIOSPHERE:
                if e.flow not in flows:
                    raise InventoryDataError(f"{where}: unknown elementary flow")
                continue
            if e.flow not in procs:
                raise InventoryDataError(f"{where}: unknown supplying process")
            if e.kind is ExchangeKind.PRODUCTION:
                if e.flow != e.process:
                    raise InventoryDataError(
                        f"{where}: a production exchange must name its own process"
                    )
                if e.amount == 0:
                    raise InventoryDataError(f"{where}: production amount is zero")
                production[e.process] = production.get(e.process, 0) + 1
        for key, n in production.items():
            if n != 1:
                raise InventoryDataError(
                    f"{self.name}: process {key!r} has {n} production exchanges; lingtan needs "
                    "exactly one reference product per process (allocate first, ISO 14044 §4.3.4)"
                )

    def process(self, key: str) -> Process:
        """The process of ``key``.

        Raises:
            InventoryDataError: no such process.
        """
        for p in self.processes:
            if p.key == key:
                return p
        raise InventoryDataError(f"{self.name}: no process {key!r}")


def _with_production(
    processes: Iterable[Process], exchanges: tuple[Exchange, ...]
) -> tuple[Exchange, ...]:
    have = {e.process for e in exchanges if e.kind is ExchangeKind.PRODUCTION}
    missing = [
        Exchange(p.key, p.key, p.production, ExchangeKind.PRODUCTION)
        for p in processes
        if p.key not in have
    ]
    return exchanges + tuple(missing) if missing else exchanges


# --------------------------------------------------------------------------------------------
# greenhouse gases among elementary flows, characterisation
# --------------------------------------------------------------------------------------------

#: Biogenic CO2: characterisation factor 0 in the fossil-GHG footprint, reported separately
#: (ISO 14067:2018 §6.4.9.2 and Annex; GHG Protocol Product Standard §9.3.3).
CO2_BIOGENIC = "CO2_biogenic"

_FLOW_GASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^carbon dioxide, (non-fossil|biogenic|in air|from soil).*"), CO2_BIOGENIC),
    (re.compile(r"^carbon dioxide, (fossil|land transformation)$"), CO2),
    (re.compile(r"^carbon dioxide$"), CO2),
    (re.compile(r"^methane, (non-fossil|biogenic)$"), CH4_NONFOSSIL),
    (re.compile(r"^methane, fossil$"), CH4_FOSSIL),
    (re.compile(r"^methane$"), "CH4"),
    (re.compile(r"^(dinitrogen monoxide|nitrous oxide)$"), "N2O"),
    (re.compile(r"^sulfur hexafluoride$"), "SF6"),
    (re.compile(r"^nitrogen fluoride$|^nitrogen trifluoride$"), "NF3"),
    (re.compile(r"^ethane, 1,1,1,2-tetrafluoro-, hfc-134a$"), "HFC134a"),
    (re.compile(r"^methane, tetrafluoro-, (r-14|cfc-14)$|^tetrafluoromethane$"), "CF4"),
    (re.compile(r"^ethane, hexafluoro-, hfc-116$|^hexafluoroethane$"), "C2F6"),
)


def gas_of_flow_name(name: str) -> str:
    """lingtan gas key of an elementary flow named as ecoinvent / openLCA name it, or "".

    ``Carbon dioxide, fossil`` → ``CO2``; ``Methane, non-fossil`` → ``CH4_nonfossil``;
    ``Carbon dioxide, non-fossil`` and ``…, in air`` (uptake) → ``CO2_biogenic``;
    ``Dinitrogen monoxide`` → ``N2O``. Other names: "" (not a GHG for this footprint).
    """
    low = name.strip().lower()
    for pattern, gas in _FLOW_GASES:
        if pattern.match(low):
            return gas
    return ""


@dataclass(frozen=True)
class Characterisation:
    """Characterisation factors of elementary flows [kg CO2e per flow unit].

    Attributes:
        name: e.g. ``IPCC AR6 GWP100 (lingtan)``.
        gwp_set: name of the GWP set (AR4, AR5, AR6).
        factors: flow key → kg CO2e per unit of the flow (flows not listed count zero).
    """

    name: str
    gwp_set: str
    factors: Mapping[str, float]


def characterise(flows: Iterable[ElementaryFlow], gwp_set: GWPSet) -> Characterisation:
    """GWP100 characterisation of every greenhouse-gas flow (ISO 14067:2018 §6.5).

    Flow units must be mass (kg, g, t); a GHG flow in another unit is an error. Resource
    flows (``Carbon dioxide, in air``) and biogenic CO2 get 0: biogenic CO2 is reported
    separately and not in the fossil CFP (ISO 14067 §6.4.9.2; GHG Protocol Product Standard
    §9.3.3). Biogenic methane keeps its GWP.

    Raises:
        InventoryDataError: a GHG flow has a non-mass unit or a gas without a GWP in the set.
    """
    from lingtan.core.units import conversion_factor

    out: dict[str, float] = {}
    for f in flows:
        if not f.gas or f.gas == CO2_BIOGENIC:
            continue
        try:
            per_kg = conversion_factor(f.unit, "kg")
            gwp = gwp_set.gwp(normalise_gas(f.gas))
        except (FactorError, UnitError) as exc:
            raise InventoryDataError(f"elementary flow {f.key!r} ({f.name}): {exc}") from exc
        out[f.key] = gwp * per_kg
    return Characterisation(f"IPCC {gwp_set.name} GWP100", gwp_set.name, out)
