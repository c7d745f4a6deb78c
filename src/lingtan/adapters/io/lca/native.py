"""lingtan's own YAML formats for LCI databases and product families, and the bundled
illustrative data (``lingtan/data/lca``: illustrative numbers, see its NOTICE.md).

LCI YAML: ``name``, ``flows`` (key, name, unit, compartment), ``processes`` (key, name, unit,
location, ``inputs: {process key: amount}``, ``emissions: {flow key: amount}``) and optional
default geometric standard deviations ``gsd_technosphere`` / ``gsd_biosphere`` (lognormal
uncertainty of every amount, for Monte Carlo).

Family YAML: ``materials`` (material → grade → process), reusable ``parts`` (BOM lines),
``packaging``, named ``transport`` routes, ``end_of_life`` routes, ``products`` with
configurations (parts, ``memory_gb``, transport route, ``use``), ``energy`` records,
``reductions`` and ``sales`` (units sold per product and fiscal year: ``{product_id,
fiscal_year: 2018 | "FY2018/19", units}``, one entry per product-year). Errors name the file
and the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from lingtan.core.errors import UnitError
from lingtan.core.units import parse_unit
from lingtan.modules.products.certification import Reduction
from lingtan.modules.products.efficiency import EnergyRecord, SalesRecord
from lingtan.modules.products.errors import InventoryDataError, LciFileError
from lingtan.modules.products.lci import (
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciDatabase,
    Process,
    Uncertainty,
    gas_of_flow_name,
)
from lingtan.modules.products.model import (
    BomLine,
    Configuration,
    EndOfLifeRoute,
    Grade,
    MaterialCatalogue,
    MaterialDeclaration,
    ProcessUse,
    Product,
    RecycledContent,
    TransportLeg,
    UseProfile,
)


def _yaml(text: str, source: str) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LciFileError(source, "", f"not valid YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise LciFileError(source, "", "expected a mapping at the top level")
    return doc


def parse_lci_yaml(text: str, source: str) -> LciDatabase:
    """An LCI database from lingtan's YAML format (module docstring)."""
    doc = _yaml(text, source)
    gsd_t = float(doc.get("gsd_technosphere") or 0)
    gsd_b = float(doc.get("gsd_biosphere") or 0)
    flows = []
    for i, f in enumerate(doc.get("flows") or []):
        try:
            flows.append(
                ElementaryFlow(
                    str(f["key"]),
                    str(f["name"]),
                    str(f.get("unit", "kg")),
                    tuple(f.get("compartment") or ()),
                    str(f.get("gas") or gas_of_flow_name(str(f["name"]))),
                )
            )
        except (KeyError, TypeError) as exc:
            raise LciFileError(source, f"flows[{i}]", f"needs key and name ({exc})") from None
    procs, exs = [], []
    for i, p in enumerate(doc.get("processes") or []):
        where = f"processes[{i}]" + (f" ({p.get('key')})" if isinstance(p, dict) else "")
        if not isinstance(p, dict) or not p.get("key") or not p.get("unit"):
            raise LciFileError(source, where, "a process needs key, name and unit")
        try:
            parse_unit(str(p["unit"]))
        except UnitError as exc:
            raise LciFileError(source, f"{where}.unit", str(exc)) from None
        key = str(p["key"])
        procs.append(
            Process(
                key,
                str(p.get("name") or key),
                str(p["unit"]),
                str(p.get("location") or "GLO"),
                str(p.get("name") or key),
            )
        )
        for kind, field, gsd in (
            (ExchangeKind.TECHNOSPHERE, "inputs", gsd_t),
            (ExchangeKind.BIOSPHERE, "emissions", gsd_b),
        ):
            for flow, amount in (p.get(field) or {}).items():
                a = float(amount)
                unc = Uncertainty.lognormal(a, gsd) if gsd > 1 and a != 0 else Uncertainty()
                exs.append(Exchange(key, str(flow), a, kind, unc))
    try:
        return LciDatabase(
            str(doc.get("name") or Path(source).stem),
            tuple(procs),
            tuple(flows),
            tuple(exs),
            source=str(doc.get("title") or source),
            licence=str(doc.get("licence") or ""),
            notes="illustrative numbers" if doc.get("illustrative") else "",
        )
    except InventoryDataError as exc:
        raise LciFileError(source, "", str(exc)) from exc


@dataclass(frozen=True)
class Family:
    """A product family read from YAML: products, the material catalogue, energy records,
    reductions, and the database file it refers to."""

    products: tuple[Product, ...]
    catalogue: MaterialCatalogue
    energy: tuple[EnergyRecord, ...]
    base_year: Mapping[str, int]
    target_pct: Mapping[str, float]
    reductions: tuple[Reduction, ...]
    database: str
    #: units sold per product and fiscal year (``sales``; decision 0076)
    sales: tuple[SalesRecord, ...] = ()

    def product(self, product_id: str) -> Product:
        """The product ``product_id``.

        Raises:
            LciFileError: no such product.
        """
        for p in self.products:
            if p.product_id == product_id:
                return p
        known = ", ".join(p.product_id for p in self.products)
        raise LciFileError("family", f"product {product_id!r}", f"not found ({known})")


def _recycled(d: Mapping[str, Any] | None) -> RecycledContent:
    return RecycledContent(**{k: float(v) for k, v in (d or {}).items()})


def _materials(items: Any, source: str, where: str) -> tuple[MaterialDeclaration, ...]:
    out = []
    for i, m in enumerate(items or []):
        try:
            out.append(
                MaterialDeclaration(
                    str(m["material"]),
                    float(m["mass"]),
                    str(m.get("unit", "g")),
                    _recycled(m.get("recycled")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise LciFileError(source, f"{where}.materials[{i}]", f"invalid ({exc})") from None
    return tuple(out)


def _line(d: Mapping[str, Any], source: str, where: str) -> BomLine:
    try:
        return BomLine(
            part_number=str(d["part_number"]),
            description=str(d.get("description", "")),
            quantity=float(d.get("quantity", 1.0)),
            unit=str(d.get("unit", "item")),
            supplier=str(d.get("supplier", "")),
            materials=_materials(d.get("materials"), source, where),
            process=str(d.get("process", "")),
            process_amount=float(d.get("process_amount", 1.0)),
            process_unit=str(d.get("process_unit", "")),
            children=tuple(
                _line(c, source, f"{where}.children[{i}]")
                for i, c in enumerate(d.get("children") or [])
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LciFileError(source, where, f"invalid BOM line ({exc})") from None


def parse_family_yaml(text: str, source: str) -> Family:
    """A product family from lingtan's YAML format (module docstring)."""
    doc = _yaml(text, source)
    cat: dict[tuple[str, Grade], str] = {}
    for mat, grades in (doc.get("materials") or {}).items():
        for g, proc in (grades or {}).items():
            try:
                cat[(str(mat), Grade(g))] = str(proc)
            except ValueError:
                raise LciFileError(source, f"materials.{mat}", f"unknown grade {g!r}") from None
    parts = {k: _line(v, source, f"parts.{k}") for k, v in (doc.get("parts") or {}).items()}
    packaging = _materials(doc.get("packaging"), source, "packaging")
    routes = {
        name: tuple(
            TransportLeg(str(t["mode"]), float(t["distance_km"]), str(t["process"])) for t in legs
        )
        for name, legs in (doc.get("transport") or {}).items()
    }
    eol = tuple(
        EndOfLifeRoute(str(r["route"]), float(r["share"]), str(r["process"]))
        for r in doc.get("end_of_life") or []
    )
    products = []
    for i, p in enumerate(doc.get("products") or []):
        configs = []
        for j, c in enumerate(p.get("configurations") or []):
            where = f"products[{i}].configurations[{j}]"
            try:
                bom = [parts[name] for name in c.get("parts") or []]
            except KeyError as exc:
                raise LciFileError(source, where, f"unknown part {exc}") from None
            if c.get("memory_gb"):
                bom.append(
                    BomLine(
                        f"DRAM-{c['memory_gb']}G",
                        f"LPDDR5 {c['memory_gb']} GB",
                        supplier="Silicon Peak",
                        process="dram",
                        process_amount=float(c["memory_gb"]),
                        process_unit="item",
                    )
                )
            u = c.get("use")
            route = c.get("transport")
            if route and route not in routes:
                raise LciFileError(source, f"{where}.transport", f"unknown route {route!r}")
            configs.append(
                Configuration(
                    config_id=str(c["id"]),
                    name=str(c.get("name", c["id"])),
                    bom=tuple(bom),
                    assembly=(ProcessUse("final assembly and test", "assembly", 1.0),),
                    packaging=packaging,
                    transport=routes.get(route, ()) if route else (),
                    use=UseProfile(
                        float(u["kwh_per_year"]), float(u["lifetime_years"]), str(u["market"])
                    )
                    if u
                    else None,
                    end_of_life=eol,
                )
            )
        products.append(
            Product(
                str(p["product_id"]),
                str(p.get("name", p["product_id"])),
                str(p.get("line", "")),
                int(p.get("generation", 0)),
                tuple(configs),
                int(p.get("year", 0)),
            )
        )
    energy = doc.get("energy") or {}
    records = tuple(
        EnergyRecord(
            str(r["product_id"]),
            str(r["line"]),
            int(r["generation"]),
            int(r["year"]),
            float(r["kwh_per_year"]),
        )
        for r in energy.get("records") or []
    )
    reductions = tuple(
        Reduction(
            str(r["description"]), float(r["kg_co2e_per_unit"]), tuple(r.get("evidence") or ())
        )
        for r in doc.get("reductions") or []
    )
    return Family(
        tuple(products),
        MaterialCatalogue(cat),
        records,
        {k: int(v) for k, v in (energy.get("base_year") or {}).items()},
        {k: float(v) for k, v in (energy.get("target_pct") or {}).items()},
        reductions,
        str(doc.get("database") or ""),
        _sales(doc.get("sales"), source),
    )


def _sales(items: Any, source: str) -> tuple[SalesRecord, ...]:
    """The ``sales`` list: fiscal year as its start year (2018) or label ("FY2018/19"),
    units ≥ 0; a product-year given twice is refused."""
    out: list[SalesRecord] = []
    seen: set[tuple[str, int]] = set()
    for i, r in enumerate(items or []):
        where = f"sales[{i}]"
        try:
            fy = str(r["fiscal_year"]).strip()
            year = int(fy[2:6] if fy.upper().startswith("FY") else fy)
            rec = SalesRecord(str(r["product_id"]), year, float(r["units"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise LciFileError(source, where, f"invalid sales record ({exc})") from None
        if not rec.product_id or not (rec.units >= 0) or rec.units == float("inf"):
            raise LciFileError(source, where, "needs a product_id and units ≥ 0")
        if (rec.product_id, year) in seen:
            raise LciFileError(source, where, f"{rec.product_id} {fy} given twice")
        seen.add((rec.product_id, year))
        out.append(rec)
    return tuple(out)


def read_lci_yaml(path: str | Path) -> LciDatabase:
    """Read an LCI database YAML file."""
    p = Path(path)
    return parse_lci_yaml(_read(p), p.name)


def read_family_yaml(path: str | Path) -> Family:
    """Read a product-family YAML file."""
    p = Path(path)
    return parse_family_yaml(_read(p), p.name)


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LciFileError(str(p), "", f"cannot read ({exc})") from exc


def bundled_text(name: str) -> str:
    """Text of a bundled file of ``lingtan/data/lca``."""
    return resources.files("lingtan").joinpath("data", "lca", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def bundled_database() -> LciDatabase:
    """The bundled illustrative ICT inventory (illustrative numbers)."""
    return parse_lci_yaml(bundled_text("illustrative-ict.yaml"), "illustrative-ict.yaml")


@lru_cache(maxsize=1)
def bundled_family() -> Family:
    """The bundled demo notebook family (fictional)."""
    return parse_family_yaml(bundled_text("laptops.yaml"), "laptops.yaml")
