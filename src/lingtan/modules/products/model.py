"""Products, configurations and bills of materials (BOMs), and the life-cycle stages.

Standards: ISO 14067:2018 §6.3 (goal and scope: functional or declared unit, system boundary,
cut-off criteria §6.3.4.3, allocation §6.4.6), GHG Protocol Product Life Cycle Accounting and
Reporting Standard (2011) ch. 7 (boundary setting: five stages) and §9.3 (recycled content);
IEC 62474 / IPC-1752A full material declarations (mass by material, per part).

Stages (GHG Protocol Product Standard §7.3; the source report's 材料 / 制造 / 运输 / 使用 /
末端):

- ``materials``: extraction and production of the declared materials (mass by material), with
  recycled content split out (cut-off, decision 0021);
- ``manufacturing``: component production (ICs, boards, panels, cells …, by LCI process or by
  the supplier's own footprint) and final assembly;
- ``distribution``: transport legs of the packed product to the market (t·km by mode);
- ``use``: electricity over the lifetime, typical kWh per year × years × the grid factor of the
  market sold in;
- ``end_of_life``: treatment routes (recycling preparation, incineration, landfill) by mass.

Cut-off and allocation (decision 0021): recycled inputs carry only their collection and
reprocessing burdens (recycled-content / 100:0 method, GHG Protocol Product Standard §9.3.1;
ISO 14067 §6.4.6.3); end-of-life recycling gets no credit and bears collection and
preparation only; LCI data are single-output (allocated upstream, as ecoinvent's cut-off system
model); flows below 1 % of mass may be left out of a BOM only when the sum left out stays below
5 % of mass and of the footprint (ISO 14067 §6.3.4.3 cut-off criteria, stated in the result).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from lingtan.modules.products.errors import BomError


class Stage(StrEnum):
    """Life-cycle stage of a demand line (module docstring)."""

    MATERIALS = "materials"
    MANUFACTURING = "manufacturing"
    DISTRIBUTION = "distribution"
    USE = "use"
    END_OF_LIFE = "end_of_life"


STAGES: tuple[Stage, ...] = tuple(Stage)


class Grade(StrEnum):
    """Origin of a share of a material (the report's 再生材料 categories)."""

    VIRGIN = "virgin"
    PCC = "pcc"  # post-consumer recycled content
    CLOSED_LOOP_PCC = "closed_loop_pcc"  # PCC from the maker's own take-back (ITE → ITE)
    OCEAN_BOUND = "ocean_bound"  # ocean-bound plastic (OBP)
    RECYCLED = "recycled"  # other recycled content (pre-consumer, recycled metals)
    BIO_BASED = "bio_based"


@dataclass(frozen=True)
class RecycledContent:
    """Shares of a declared material's mass by origin [fraction 0–1]; the rest is virgin."""

    pcc: float = 0.0
    closed_loop_pcc: float = 0.0
    ocean_bound: float = 0.0
    recycled: float = 0.0
    bio_based: float = 0.0

    def shares(self) -> dict[Grade, float]:
        """Every grade with its share, virgin last (shares sum to 1).

        Raises:
            BomError: a share is negative or the shares exceed 1.
        """
        out = {
            Grade.PCC: self.pcc,
            Grade.CLOSED_LOOP_PCC: self.closed_loop_pcc,
            Grade.OCEAN_BOUND: self.ocean_bound,
            Grade.RECYCLED: self.recycled,
            Grade.BIO_BASED: self.bio_based,
        }
        if any(v < 0 for v in out.values()):
            raise BomError(f"negative recycled-content share in {out}")
        rest = 1.0 - sum(out.values())
        if rest < -1e-9:
            raise BomError(f"recycled-content shares sum to {1 - rest:.4f} > 1")
        out[Grade.VIRGIN] = max(rest, 0.0)
        return out


@dataclass(frozen=True)
class MaterialDeclaration:
    """Mass of one material in one unit of a BOM line (full material declaration).

    Attributes:
        material: material key of the material catalogue, e.g. ``plastic.pc_abs``,
            ``aluminium``, ``magnesium``, ``steel``, ``copper``, ``glass``, ``paper``.
        mass: mass per unit of the line [``unit``].
        unit: mass unit (g, kg …).
        recycled: recycled and bio-based shares.
    """

    material: str
    mass: float
    unit: str = "g"
    recycled: RecycledContent = field(default_factory=RecycledContent)


@dataclass(frozen=True)
class SupplierFootprint:
    """A supplier's own cradle-to-gate footprint of a part; it replaces the database average
    of the part's materials and processes (GHG Protocol Product Standard §8.3.1: supplier-
    specific data preferred; PACT Technical Specifications v2 ``ProductFootprint``).

    Attributes:
        kg_co2e: footprint per ``per`` [kg CO2e].
        per: amount of the declared unit the value is for, with ``unit`` (e.g. 1 item,
            0.12 kg).
        unit: declared unit (pint-parsable: item, kg, kWh, m**2 …).
        source: citation, e.g. ``PACT 3893bb5d-…, Acme Panels, 2024``.
        pact_id: the PACT ``ProductFootprint.id`` when the value came from PACT.
        gwp_set: characterisation of the supplier's value (AR5, AR6 …).
    """

    kg_co2e: float
    unit: str = "item"
    per: float = 1.0
    source: str = ""
    pact_id: str = ""
    gwp_set: str = ""


@dataclass(frozen=True)
class BomLine:
    """One line of a (multi-level) bill of materials.

    ``quantity`` [``unit``] is per one unit of the parent (per product at the top level).
    Per one unit of the line: ``materials`` (mass by material), ``process`` (an LCI process
    for making the part, ``process_amount`` [``process_unit``] of its reference product) and
    ``children`` (sub-assemblies). A ``supplier_footprint`` replaces the footprint of the
    line's materials, process and children (their masses still count for transport and end of
    life).
    """

    part_number: str
    description: str
    quantity: float = 1.0
    unit: str = "item"
    supplier: str = ""
    materials: tuple[MaterialDeclaration, ...] = ()
    process: str = ""
    process_amount: float = 1.0
    process_unit: str = ""
    supplier_footprint: SupplierFootprint | None = None
    children: tuple[BomLine, ...] = ()


@dataclass(frozen=True)
class ProcessUse:
    """A process used by the product maker itself (final assembly electricity, testing …)."""

    label: str
    process: str
    amount: float
    unit: str = ""
    stage: Stage = Stage.MANUFACTURING


@dataclass(frozen=True)
class TransportLeg:
    """Transport of the packed product: ``distance_km`` by ``mode`` with the LCI process of
    that mode (reference unit t·km). Mass = product + packaging (GHG Protocol Scope 3
    category 4/9 distance-based method)."""

    mode: str
    distance_km: float
    process: str


@dataclass(frozen=True)
class GridFactor:
    """Grid electricity factor of the market a product is sold in, resolved from the factor
    library (GHG Protocol Scope 2 Guidance, location-based) [kg CO2e / kWh]."""

    kg_co2e_per_kwh: float
    region: str
    source: str = ""
    gwp_set: str = ""


@dataclass(frozen=True)
class UseProfile:
    """Use-phase electricity: typical energy consumption per year [kWh/yr] (e.g. ENERGY STAR
    TEC) × lifetime [yr] × grid factor of the market (GHG Protocol Scope 3 category 11, direct
    use-phase emissions of energy-using products)."""

    kwh_per_year: float
    lifetime_years: float
    market: str
    grid: GridFactor | None = None

    @property
    def kwh(self) -> float:
        """Lifetime electricity [kWh]."""
        return self.kwh_per_year * self.lifetime_years


@dataclass(frozen=True)
class EndOfLifeRoute:
    """Share of the product's mass going to a treatment route, with the LCI process treating
    one kg (recycling preparation, incineration, landfill, refurbishment …)."""

    route: str
    share: float
    process: str


@dataclass(frozen=True)
class Configuration:
    """One configuration of a product (a sellable variant: CPU, memory, display …).

    Attributes:
        config_id: unique within the product.
        bom: top-level BOM lines (per one product).
        assembly: the maker's own processes per product.
        packaging: packaging materials per product.
        transport: distribution legs.
        use: use profile (None: cradle-to-gate).
        end_of_life: treatment routes whose shares sum to 1 (or none).
    """

    config_id: str
    name: str
    bom: tuple[BomLine, ...]
    assembly: tuple[ProcessUse, ...] = ()
    packaging: tuple[MaterialDeclaration, ...] = ()
    transport: tuple[TransportLeg, ...] = ()
    use: UseProfile | None = None
    end_of_life: tuple[EndOfLifeRoute, ...] = ()


@dataclass(frozen=True)
class Product:
    """A product (model) of a product line, with its configurations.

    Attributes:
        product_id: e.g. ``LT-14-G5``.
        line: product line, e.g. ``notebook`` (energy-efficiency tracking groups by it).
        generation: integer generation within the line (previous generation = generation − 1).
        declared_unit: one product (``item``), ISO 14067 §6.3.2.
    """

    product_id: str
    name: str
    line: str
    generation: int
    configurations: tuple[Configuration, ...]
    year: int = 0
    declared_unit: str = "item"

    def configuration(self, config_id: str) -> Configuration:
        """The configuration ``config_id``.

        Raises:
            BomError: no such configuration.
        """
        for c in self.configurations:
            if c.config_id == config_id:
                return c
        known = ", ".join(c.config_id for c in self.configurations)
        raise BomError(f"product {self.product_id}: no configuration {config_id!r} ({known})")


@dataclass(frozen=True)
class MaterialCatalogue:
    """Which LCI process makes one kg of each material in each grade.

    ``processes[(material, grade)]`` → process key. A grade without its own process falls back
    to ``recycled`` (for PCC, closed-loop PCC, ocean-bound) and then fails.
    """

    processes: dict[tuple[str, Grade], str]

    def process(self, material: str, grade: Grade) -> str:
        """Process key for one kg of ``material`` of ``grade``.

        Raises:
            BomError: no process for the material in that grade (or its fallback).
        """
        key = self.processes.get((material, grade))
        if key is None and grade in (Grade.PCC, Grade.CLOSED_LOOP_PCC, Grade.OCEAN_BOUND):
            key = self.processes.get((material, Grade.RECYCLED))
        if key is None:
            raise BomError(f"no LCI process for material {material!r}, grade {grade.value}")
        return key
