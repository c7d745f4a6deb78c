"""BOM → demand lines → product carbon footprints by stage, component, material and supplier.

Standards: ISO 14067:2018 §6.4 (LCI: data relating to the unit processes and the declared unit)
and §7 (CFP study report: results by life-cycle stage, §7.3 b); ISO 14044:2006 §4.5.3.2
(contribution analysis, the hot spots); GHG Protocol Product Standard ch. 11 (results by
stage, §11.3.2) and §8.3 (supplier-specific data).

Each configuration becomes a list of :class:`DemandLine` (one per declared material grade, part
process, assembly step, transport leg, use phase, end-of-life route), each tagged with its
stage, top-level component, material, grade and supplier. A line's footprint is
``amount × λ[process] + direct`` with λ the system's adjoint score vector (one solve for all
lines of all configurations, :mod:`.engine`); any breakdown is a sum of line footprints, so the
stage, component, material and supplier totals always add up to the total exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lingtan.core.errors import UnitError
from lingtan.core.units import are_compatible, conversion_factor
from lingtan.modules.products.engine import LcaSystem
from lingtan.modules.products.errors import BomError
from lingtan.modules.products.lci import Characterisation, LciDatabase
from lingtan.modules.products.model import (
    STAGES,
    BomLine,
    Configuration,
    Grade,
    MaterialCatalogue,
    MaterialDeclaration,
    Product,
    Stage,
)

#: How results name where a line's number comes from.
SOURCE_DATABASE = "database"
SOURCE_SUPPLIER = "supplier"
SOURCE_GRID = "grid factor"


@dataclass(frozen=True)
class DemandLine:
    """One line of a configuration's demand on the LCI system (or a direct footprint).

    Attributes:
        stage: life-cycle stage.
        component: top-level BOM part number, or ``assembly``, ``packaging``, ``transport``,
            ``use``, ``end of life``.
        path: part numbers from the top level down, joined by `` > ``.
        material, grade: declared material and its grade ("" when not a material line).
        supplier: the part's supplier ("" for the maker's own lines).
        process: LCI process key ("" for a direct line).
        amount: demand on ``process`` [its reference unit per product].
        unit: the process's reference unit.
        direct_kg_co2e: footprint not from the database (supplier PCF, grid factor) [kg CO2e].
        source: ``database``, ``supplier`` or ``grid factor``.
        mass_kg: mass this line stands for (materials) [kg per product].
    """

    stage: Stage
    component: str
    path: str
    process: str = ""
    amount: float = 0.0
    unit: str = ""
    material: str = ""
    grade: str = ""
    supplier: str = ""
    direct_kg_co2e: float = 0.0
    source: str = SOURCE_DATABASE
    mass_kg: float = 0.0
    note: str = ""


def _to(value: float, unit: str, target: str, where: str) -> float:
    try:
        return value * conversion_factor(unit, target)
    except UnitError as exc:
        raise BomError(f"{where}: {exc}") from exc


def _material_lines(
    decl: Iterable[MaterialDeclaration],
    qty: float,
    stage: Stage,
    component: str,
    path: str,
    supplier: str,
    catalogue: MaterialCatalogue,
    units: Mapping[str, str],
    where: str,
) -> list[DemandLine]:
    out = []
    for m in decl:
        kg = _to(m.mass, m.unit, "kg", f"{where}, material {m.material!r}") * qty
        try:
            shares = m.recycled.shares()
        except BomError as exc:
            raise BomError(f"{where}, material {m.material!r}: {exc}") from exc
        for grade, share in shares.items():
            if share <= 0:
                continue
            try:
                proc = catalogue.process(m.material, grade)
            except BomError as exc:
                raise BomError(f"{where}: {exc}") from exc
            unit = _unit(units, proc, where)
            out.append(
                DemandLine(
                    stage=stage,
                    component=component,
                    path=path,
                    process=proc,
                    amount=_to(kg * share, "kg", unit, f"{where}, process {proc!r}"),
                    unit=unit,
                    material=m.material,
                    grade=grade.value,
                    supplier=supplier,
                    mass_kg=kg * share,
                )
            )
    return out


def _unit(units: Mapping[str, str], proc: str, where: str) -> str:
    try:
        return units[proc]
    except KeyError:
        raise BomError(f"{where}: unknown LCI process {proc!r}") from None


def _in_process_unit(
    units: Mapping[str, str], proc: str, value: float, unit: str, where: str
) -> tuple[float, str]:
    """``value`` [``unit``; empty: already the process's unit] converted to the unit of LCI
    process ``proc``'s reference product: (amount, that unit)."""
    target = _unit(units, proc, where)
    return _to(value, unit or target, target, where), target


def _line_mass(line: BomLine, where: str) -> float:
    """Mass of one unit of a BOM line [kg]: its declared materials, a process stated in a
    mass unit (a battery cell in g), and its children."""
    own = sum(_to(m.mass, m.unit, "kg", where) for m in line.materials)
    if line.process and line.process_unit and are_compatible(line.process_unit, "kg"):
        own += _to(line.process_amount, line.process_unit, "kg", where)
    kids = sum(c.quantity * _line_mass(c, f"{where} > {c.part_number}") for c in line.children)
    return own + kids


def _bom_lines(
    line: BomLine,
    qty: float,
    component: str,
    path: str,
    catalogue: MaterialCatalogue,
    units: Mapping[str, str],
    where: str,
) -> list[DemandLine]:
    """Demand lines of one BOM line (recursively), for ``qty`` units of it per product."""
    if not np.isfinite(line.quantity) or line.quantity < 0:
        raise BomError(f"{where}: quantity must be a finite number >= 0, got {line.quantity}")
    if line.supplier_footprint is not None:
        sf = line.supplier_footprint
        if not np.isfinite(sf.kg_co2e) or sf.per <= 0:
            raise BomError(f"{where}: supplier footprint must be finite per a positive amount")
        per_line_unit = _to(1.0, line.unit, sf.unit, f"{where}, supplier footprint") / sf.per
        return [
            DemandLine(
                stage=Stage.MANUFACTURING,
                component=component,
                path=path,
                supplier=line.supplier,
                direct_kg_co2e=qty * per_line_unit * sf.kg_co2e,
                source=SOURCE_SUPPLIER,
                mass_kg=qty * _line_mass(line, where),
                note=sf.source,
            )
        ]
    out = _material_lines(
        line.materials,
        qty,
        Stage.MATERIALS,
        component,
        path,
        line.supplier,
        catalogue,
        units,
        where,
    )
    if line.process:
        amount, unit = _in_process_unit(
            units, line.process, line.process_amount, line.process_unit, where
        )
        out.append(
            DemandLine(
                stage=Stage.MANUFACTURING,
                component=component,
                path=path,
                process=line.process,
                amount=amount * qty,
                unit=unit,
                supplier=line.supplier,
            )
        )
    for child in line.children:
        out += _bom_lines(
            child,
            qty * child.quantity,
            component,
            f"{path} > {child.part_number}",
            catalogue,
            units,
            f"{where} > {child.part_number}",
        )
    return out


def expand(
    product: Product,
    config: Configuration,
    catalogue: MaterialCatalogue,
    units: Mapping[str, str],
) -> list[DemandLine]:
    """All demand lines of one configuration, per one product (the declared unit).

    Args:
        units: LCI process key → unit of its reference product.

    Raises:
        BomError: naming product, configuration and BOM line (unknown process, incompatible
            unit, shares above 100 %, end-of-life shares not summing to 1 …).
    """
    where0 = f"product {product.product_id}, configuration {config.config_id}"
    lines: list[DemandLine] = []
    product_kg = 0.0
    for top in config.bom:
        where = f"{where0}, BOM line {top.part_number}"
        lines += _bom_lines(
            top, top.quantity, top.part_number, top.part_number, catalogue, units, where
        )
        product_kg += top.quantity * _line_mass(top, where)
    for a in config.assembly:
        amount, unit = _in_process_unit(
            units, a.process, a.amount, a.unit, f"{where0}, assembly {a.label!r}"
        )
        lines.append(
            DemandLine(a.stage, "assembly", a.label, process=a.process, amount=amount, unit=unit)
        )
    pack = _material_lines(
        config.packaging,
        1.0,
        Stage.MATERIALS,
        "packaging",
        "packaging",
        "",
        catalogue,
        units,
        f"{where0}, packaging",
    )
    lines += pack
    pack_kg = sum(p.mass_kg for p in pack)
    for leg in config.transport:
        where = f"{where0}, transport {leg.mode}"
        tkm = (product_kg + pack_kg) / 1000.0 * leg.distance_km
        amount, unit = _in_process_unit(units, leg.process, tkm, "tkm", where)
        lines.append(
            DemandLine(
                Stage.DISTRIBUTION,
                "transport",
                leg.mode,
                process=leg.process,
                amount=amount,
                unit=unit,
                mass_kg=product_kg + pack_kg,
            )
        )
    if config.use is not None:
        u = config.use
        if u.grid is None:
            raise BomError(f"{where0}: use phase in {u.market} has no grid factor resolved")
        lines.append(
            DemandLine(
                Stage.USE,
                "use",
                f"{u.kwh_per_year:g} kWh/yr × {u.lifetime_years:g} yr in {u.market}",
                amount=u.kwh,
                unit="kWh",
                direct_kg_co2e=u.kwh * u.grid.kg_co2e_per_kwh,
                source=SOURCE_GRID,
                note=u.grid.source,
            )
        )
    if config.end_of_life:
        total = sum(r.share for r in config.end_of_life)
        if abs(total - 1.0) > 1e-6:
            raise BomError(f"{where0}: end-of-life shares sum to {total:g}, not 1")
        for r in config.end_of_life:
            where = f"{where0}, end of life {r.route!r}"
            kg = product_kg * r.share
            amount, unit = _in_process_unit(units, r.process, kg, "kg", where)
            lines.append(
                DemandLine(
                    Stage.END_OF_LIFE,
                    "end of life",
                    r.route,
                    process=r.process,
                    amount=amount,
                    unit=unit,
                    mass_kg=kg,
                )
            )
    return lines


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineResult:
    """A demand line and its footprint [kg CO2e per product]."""

    line: DemandLine
    kg_co2e: float


@dataclass(frozen=True)
class Footprint:
    """The carbon footprint of one product configuration (ISO 14067 CFP, declared unit: one
    product) with its breakdowns. Units: kg CO2e per product.

    Attributes:
        lines: every demand line with its footprint.
        supply_chain: the LCI processes emitting most (process key, name, kg CO2e), from one
            solve (contribution analysis); empty when not asked for.
        mass_kg: product mass from the material declarations (packaging excluded).
    """

    product_id: str
    product_name: str
    product_line: str
    configuration_id: str
    configuration_name: str
    lines: tuple[LineResult, ...]
    gwp_set: str
    method: str
    database: str
    mass_kg: float
    supply_chain: tuple[tuple[str, str, float], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Cradle-to-grave footprint [kg CO2e per product]."""
        return float(sum(r.kg_co2e for r in self.lines))

    def by_stage(self) -> dict[str, float]:
        """Footprint by life-cycle stage, every stage present [kg CO2e]."""
        out = {s.value: 0.0 for s in STAGES}
        for r in self.lines:
            out[r.line.stage.value] += r.kg_co2e
        return out

    def by(self, key: Callable[[DemandLine], str]) -> dict[str, float]:
        """Footprint grouped by ``key(line)``, largest first (lines whose key is "" skipped)."""
        out: dict[str, float] = {}
        for r in self.lines:
            k = key(r.line)
            if k:
                out[k] = out.get(k, 0.0) + r.kg_co2e
        return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))

    def by_component(self) -> dict[str, float]:
        """By top-level component (and assembly, packaging, transport, use, end of life)."""
        return self.by(lambda ln: ln.component)

    def by_material(self) -> dict[str, float]:
        """By declared material and grade, e.g. ``aluminium (recycled)``."""
        return self.by(lambda ln: f"{ln.material} ({ln.grade})" if ln.material else "")

    def by_supplier(self) -> dict[str, float]:
        """By supplier (the maker's own lines are left out)."""
        return self.by(lambda ln: ln.supplier)

    def hot_spots(self, k: int = 10) -> list[LineResult]:
        """The ``k`` demand lines with the largest footprint (ISO 14044 §4.5.3.2)."""
        return sorted(self.lines, key=lambda r: -abs(r.kg_co2e))[:k]

    def to_dict(self, lines: bool = True) -> dict[str, Any]:
        """JSON-serialisable document (for the API, PACT export and labels)."""
        total = self.total
        stages = self.by_stage()
        doc: dict[str, Any] = {
            "product_id": self.product_id,
            "product_name": self.product_name,
            "product_line": self.product_line,
            "configuration_id": self.configuration_id,
            "configuration_name": self.configuration_name,
            "declared_unit": "1 product (item)",
            "total_kg_co2e": total,
            "stages_kg_co2e": stages,
            "stages_pct": {k: (100 * v / total if total else 0.0) for k, v in stages.items()},
            "by_component_kg_co2e": self.by_component(),
            "by_material_kg_co2e": self.by_material(),
            "by_supplier_kg_co2e": self.by_supplier(),
            "hot_spots": [_line_doc(r) for r in self.hot_spots(10)],
            "supply_chain_hot_spots": [
                {"process": k, "name": n, "kg_co2e": v} for k, n, v in self.supply_chain
            ],
            "mass_kg": self.mass_kg,
            "gwp_set": self.gwp_set,
            "method": self.method,
            "database": self.database,
            "standards": [
                "ISO 14067:2018",
                "GHG Protocol Product Life Cycle Accounting and Reporting Standard",
            ],
            "system_boundary": "cradle-to-grave; cut-off (recycled content) approach",
            **dict(self.extra),
        }
        if lines:
            doc["lines"] = [_line_doc(r) for r in self.lines]
        return doc


def _line_doc(r: LineResult) -> dict[str, Any]:
    ln = r.line
    return {
        "stage": ln.stage.value,
        "component": ln.component,
        "path": ln.path,
        "process": ln.process,
        "amount": ln.amount,
        "unit": ln.unit,
        "material": ln.material,
        "grade": ln.grade,
        "supplier": ln.supplier,
        "source": ln.source,
        "kg_co2e": r.kg_co2e,
        "note": ln.note,
    }


def line_footprints(system: LcaSystem, lines: Sequence[DemandLine]) -> np.ndarray:
    """Footprint of each line: ``amount × λ[process] + direct`` [kg CO2e] (one adjoint solve
    for the system, reused; then one gather)."""
    lam = system.score_vector
    idx = np.array([system.index(ln.process) if ln.process else -1 for ln in lines], np.int64)
    amount = np.array([ln.amount for ln in lines])
    direct = np.array([ln.direct_kg_co2e for ln in lines])
    via_db = np.where(idx >= 0, amount * lam[np.maximum(idx, 0)], 0.0)
    return np.asarray(via_db + direct, np.float64)


def configuration_scores(
    system: LcaSystem,
    config: np.ndarray,
    process: np.ndarray,
    amount: np.ndarray,
    stage: np.ndarray,
    n_configs: int,
    direct: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Footprints of many configurations from their demand lines as arrays (the fast path for
    whole product families): line footprint = amount × λ[process] (+ direct), summed per
    configuration and per (configuration, stage) with one ``bincount`` each.

    Args:
        config: configuration index of each line (0 … n_configs − 1).
        process: process column of each line.
        amount: demand of each line [process unit].
        stage: stage index of each line (position in :data:`~.model.STAGES`).
        direct: footprint not from the database per line [kg CO2e], optional.

    Returns:
        (totals [kg CO2e] of shape (n_configs,), by stage [kg CO2e] (n_configs, 5)).
    """
    line = amount * system.score_vector[process]
    if direct is not None:
        line = line + direct
    k = len(STAGES)
    by_stage = np.bincount(config * k + stage, weights=line, minlength=n_configs * k)
    by_stage = by_stage.reshape(n_configs, k)
    return by_stage.sum(axis=1), by_stage


@dataclass
class FootprintModel:
    """The orchestrator: an LCI database, its built system and the material catalogue.

    Build once (one factorisation, one adjoint solve), then :meth:`footprint` any number of
    configurations of any product.
    """

    db: LciDatabase
    characterisation: Characterisation
    catalogue: MaterialCatalogue
    system: LcaSystem = field(init=False)
    _units: dict[str, str] = field(init=False)
    _names: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.system = LcaSystem.from_database(self.db, self.characterisation)
        self._units = {p.key: p.unit for p in self.db.processes}
        self._names = {p.key: p.name for p in self.db.processes}

    def lines(self, product: Product, config_id: str) -> list[DemandLine]:
        """Demand lines of one configuration."""
        return expand(product, product.configuration(config_id), self.catalogue, self._units)

    def footprint(self, product: Product, config_id: str, supply_chain: int = 10) -> Footprint:
        """Footprint of one configuration; ``supply_chain`` > 0 adds that many supply-chain
        hot spots (one extra solve)."""
        config = product.configuration(config_id)
        lines = expand(product, config, self.catalogue, self._units)
        values = line_footprints(self.system, lines)
        sc: tuple[tuple[str, str, float], ...] = ()
        if supply_chain > 0:
            f = self.system.demand_vector(_demand(lines))
            sc = tuple(
                (k, self._names.get(k, k), v) for k, v in self.system.top_processes(f, supply_chain)
            )
        return self._result(product, config, lines, values, sc)

    def footprints(self, product: Product) -> list[Footprint]:
        """Footprints of every configuration of ``product`` (no extra solve)."""
        out = []
        for config in product.configurations:
            lines = expand(product, config, self.catalogue, self._units)
            out.append(
                self._result(product, config, lines, line_footprints(self.system, lines), ())
            )
        return out

    def _result(
        self,
        product: Product,
        config: Configuration,
        lines: list[DemandLine],
        values: np.ndarray,
        sc: tuple[tuple[str, str, float], ...],
    ) -> Footprint:
        mass = sum(top.quantity * _line_mass(top, top.part_number) for top in config.bom)
        return Footprint(
            product_id=product.product_id,
            product_name=product.name,
            product_line=product.line,
            configuration_id=config.config_id,
            configuration_name=config.name,
            lines=tuple(LineResult(ln, float(v)) for ln, v in zip(lines, values, strict=True)),
            gwp_set=self.characterisation.gwp_set,
            method=self.characterisation.name,
            database=self.db.name,
            mass_kg=float(mass),
            supply_chain=sc,
        )


def _demand(lines: Iterable[DemandLine]) -> dict[str, float]:
    out: dict[str, float] = {}
    for ln in lines:
        if ln.process:
            out[ln.process] = out.get(ln.process, 0.0) + ln.amount
    return out


def demand_of(lines: Iterable[DemandLine]) -> dict[str, float]:
    """Demand ``{process key: amount}`` of some demand lines (direct lines left out)."""
    return _demand(lines)


__all__ = [
    "SOURCE_DATABASE",
    "SOURCE_GRID",
    "SOURCE_SUPPLIER",
    "DemandLine",
    "Footprint",
    "FootprintModel",
    "Grade",
    "LineResult",
    "configuration_scores",
    "demand_of",
    "expand",
    "line_footprints",
]
