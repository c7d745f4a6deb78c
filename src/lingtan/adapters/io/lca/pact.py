"""PACT Technical Specifications v2 (WBCSD Partnership for Carbon Transparency, "Technical
Specifications for PCF Data Exchange", v2.0–2.3): ``ProductFootprint`` in and out.

In: :func:`parse_pact` checks the properties v2 makes mandatory — ``id`` (UUID), ``specVersion``
(2.x.y), ``version``, ``created``, ``status`` (Active / Deprecated), ``companyName``,
``companyIds`` (URNs), ``productDescription``, ``productIds`` (URNs), ``productCategoryCpc``,
``productNameCompany``, ``comment`` and ``pcf`` with ``declaredUnit`` (liter, kilogram, cubic
meter, kilowatt hour, megajoule, ton kilometer, square meter), ``unitaryProductAmount`` (> 0),
``pCfExcludingBiogenic``, ``fossilGhgEmissions``, ``fossilCarbonContent``,
``biogenicCarbonContent`` (decimal strings ≥ 0), ``characterizationFactors`` or
``ipccCharacterizationFactorsSources`` (AR5 / AR6), ``crossSectoralStandardsUsed``,
``boundaryProcessesDescription``, ``referencePeriodStart`` / ``End``,
``exemptedEmissionsPercent`` (0–5) and ``packagingEmissionsIncluded``. An error names the file,
the property path (``data[2].pcf.declaredUnit``) and the reason.

A supplier's footprint then replaces the database average of its part in a BOM
(:func:`apply_supplier_footprints`; GHG Protocol Product Standard §8.3.1).

Out: :func:`to_pact` writes a configuration's cradle-to-gate footprint (materials and
manufacturing stages; PACT footprints end at the factory gate) per kilogram of product,
``unitaryProductAmount`` = the product's mass.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lingtan.modules.products.errors import LciFileError
from lingtan.modules.products.footprint import Footprint
from lingtan.modules.products.model import BomLine, Configuration, Product, SupplierFootprint

#: PACT v2 declared units → pint units.
DECLARED_UNITS: dict[str, str] = {
    "liter": "L",
    "kilogram": "kg",
    "cubic meter": "m**3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "tkm",
    "square meter": "m**2",
}
CROSS_SECTORAL = ("GHG Protocol Product standard", "ISO Standard 14067", "ISO Standard 14044")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SPEC = re.compile(r"^2\.\d+\.\d+(-\d{8})?$")
SPEC_VERSION = "2.2.0"


@dataclass(frozen=True)
class PactFootprint:
    """The parts of a PACT ``ProductFootprint`` lingtan uses (the document is kept whole).

    Units: ``pcf_kg_per_declared_unit`` [kg CO2e / declared unit]; ``unitary_amount``
    [declared units per product].
    """

    id: str
    version: int
    company: str
    product_ids: tuple[str, ...]
    product_name: str
    declared_unit: str
    unitary_amount: float
    pcf_kg_per_declared_unit: float
    gwp_sets: tuple[str, ...]
    period: tuple[str, str]
    status: str
    document: dict[str, Any]

    @property
    def kg_per_product(self) -> float:
        """Footprint of one product unit [kg CO2e]."""
        return self.pcf_kg_per_declared_unit * self.unitary_amount

    def supplier_footprint(self, per: str = "item") -> SupplierFootprint:
        """As a :class:`SupplierFootprint`: per product unit (``per="item"``) or per declared
        unit (``per="declared"``, for BOM lines in mass, volume …)."""
        src = f"PACT {self.id} v{self.version}, {self.company}"
        gwp = "/".join(self.gwp_sets)
        if per == "declared":
            return SupplierFootprint(
                self.pcf_kg_per_declared_unit,
                DECLARED_UNITS[self.declared_unit],
                1.0,
                src,
                self.id,
                gwp,
            )
        return SupplierFootprint(self.kg_per_product, "item", 1.0, src, self.id, gwp)


def _dec(
    obj: dict[str, Any], key: str, where: str, source: str, *, positive: bool = False
) -> float:
    if key not in obj:
        raise LciFileError(source, f"{where}.{key}", "required property is missing")
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, str | int | float):
        raise LciFileError(source, f"{where}.{key}", f"expected a decimal string, got {v!r}")
    try:
        x = float(v)
    except ValueError:
        raise LciFileError(source, f"{where}.{key}", f"not a decimal: {v!r}") from None
    if x != x or x in (float("inf"), float("-inf")) or x < 0 or (positive and x <= 0):
        raise LciFileError(
            source, f"{where}.{key}", f"must be {'> 0' if positive else '≥ 0'}, got {v!r}"
        )
    return x


def _str(obj: dict[str, Any], key: str, where: str, source: str, nonempty: bool = False) -> str:
    v = obj.get(key)
    if not isinstance(v, str):
        raise LciFileError(
            source,
            f"{where}.{key}",
            "required property is missing" if v is None else "expected a string",
        )
    if nonempty and not v.strip():
        raise LciFileError(source, f"{where}.{key}", "must not be empty")
    return v


def _urns(obj: dict[str, Any], key: str, where: str, source: str) -> tuple[str, ...]:
    v = obj.get(key)
    if not isinstance(v, list) or not v:
        raise LciFileError(source, f"{where}.{key}", "expected a non-empty list of URNs")
    for i, u in enumerate(v):
        if not isinstance(u, str) or not u.lower().startswith("urn:"):
            raise LciFileError(source, f"{where}.{key}[{i}]", f"not a URN: {u!r}")
    return tuple(v)


def _time(obj: dict[str, Any], key: str, where: str, source: str) -> str:
    v = _str(obj, key, where, source)
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        raise LciFileError(source, f"{where}.{key}", f"not an ISO 8601 date-time: {v!r}") from None
    return v


def parse_pact(doc: Any, source: str = "PACT", where: str = "") -> PactFootprint:
    """Validate one ``ProductFootprint`` (see module docstring).

    Raises:
        LciFileError: naming the source, the property path and the reason.
    """
    w = where or "ProductFootprint"
    if not isinstance(doc, dict):
        raise LciFileError(source, w, "expected a JSON object")
    pid = _str(doc, "id", w, source)
    if not _UUID.match(pid):
        raise LciFileError(source, f"{w}.id", f"not a UUID: {pid!r}")
    spec = _str(doc, "specVersion", w, source)
    if not _SPEC.match(spec):
        raise LciFileError(source, f"{w}.specVersion", f"not a v2.x version: {spec!r}")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise LciFileError(source, f"{w}.version", f"expected an integer ≥ 0, got {version!r}")
    _time(doc, "created", w, source)
    status = _str(doc, "status", w, source)
    if status not in ("Active", "Deprecated"):
        raise LciFileError(source, f"{w}.status", f"must be Active or Deprecated, got {status!r}")
    company = _str(doc, "companyName", w, source, nonempty=True)
    _urns(doc, "companyIds", w, source)
    _str(doc, "productDescription", w, source)
    product_ids = _urns(doc, "productIds", w, source)
    _str(doc, "productCategoryCpc", w, source)
    name = _str(doc, "productNameCompany", w, source, nonempty=True)
    _str(doc, "comment", w, source)
    pcf = doc.get("pcf")
    wp = f"{w}.pcf"
    if not isinstance(pcf, dict):
        raise LciFileError(source, wp, "required object is missing")
    unit = _str(pcf, "declaredUnit", wp, source)
    if unit not in DECLARED_UNITS:
        raise LciFileError(
            source,
            f"{wp}.declaredUnit",
            f"must be one of {', '.join(DECLARED_UNITS)}, got {unit!r}",
        )
    amount = _dec(pcf, "unitaryProductAmount", wp, source, positive=True)
    value = _dec(pcf, "pCfExcludingBiogenic", wp, source)
    for k in ("fossilGhgEmissions", "fossilCarbonContent", "biogenicCarbonContent"):
        _dec(pcf, k, wp, source)
    gwp = pcf.get("ipccCharacterizationFactorsSources")
    if gwp is None and isinstance(pcf.get("characterizationFactors"), str):
        gwp = [pcf["characterizationFactors"]]
    if not isinstance(gwp, list) or not gwp or not all(g in ("AR5", "AR6") for g in gwp):
        raise LciFileError(
            source,
            f"{wp}.ipccCharacterizationFactorsSources",
            f"expected a non-empty list of AR5/AR6, got {gwp!r}",
        )
    std = pcf.get("crossSectoralStandardsUsed")
    if not isinstance(std, list) or not std:
        raise LciFileError(source, f"{wp}.crossSectoralStandardsUsed", "expected a non-empty list")
    _str(pcf, "boundaryProcessesDescription", wp, source)
    start = _time(pcf, "referencePeriodStart", wp, source)
    end = _time(pcf, "referencePeriodEnd", wp, source)
    ex = pcf.get("exemptedEmissionsPercent")
    if isinstance(ex, bool) or not isinstance(ex, int | float) or not 0 <= ex <= 5:
        raise LciFileError(
            source, f"{wp}.exemptedEmissionsPercent", f"expected a number from 0 to 5, got {ex!r}"
        )
    if not isinstance(pcf.get("packagingEmissionsIncluded"), bool):
        raise LciFileError(source, f"{wp}.packagingEmissionsIncluded", "expected true or false")
    return PactFootprint(
        pid,
        version,
        company,
        product_ids,
        name,
        unit,
        amount,
        value,
        tuple(gwp),
        (start, end),
        status,
        doc,
    )


def parse_pact_document(doc: Any, source: str = "PACT") -> list[PactFootprint]:
    """A ``ProductFootprint``, a list of them, or a PACT API response ``{"data": …}``."""
    if isinstance(doc, dict) and "data" in doc:
        data = doc["data"]
        if isinstance(data, list):
            return [parse_pact(d, source, f"data[{i}]") for i, d in enumerate(data)]
        return [parse_pact(data, source, "data")]
    if isinstance(doc, list):
        return [parse_pact(d, source, f"[{i}]") for i, d in enumerate(doc)]
    return [parse_pact(doc, source)]


def read_pact(path: str | Path) -> list[PactFootprint]:
    """Read PACT footprints from a JSON file (see :func:`parse_pact_document`)."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LciFileError(str(p), "", f"cannot read JSON ({exc})") from None
    return parse_pact_document(doc, p.name)


def apply_supplier_footprints(
    product: Product, by_part: dict[str, SupplierFootprint]
) -> tuple[Product, list[str]]:
    """A copy of ``product`` whose BOM lines with a part number in ``by_part`` carry that
    supplier footprint (replacing the database average). Returns (product, part numbers
    replaced, once per configuration and line)."""
    hits: list[str] = []

    def swap(line: BomLine) -> BomLine:
        if line.part_number in by_part:
            hits.append(line.part_number)
            return replace(line, supplier_footprint=by_part[line.part_number])
        return replace(line, children=tuple(swap(c) for c in line.children))

    configs: list[Configuration] = [
        replace(c, bom=tuple(swap(b) for b in c.bom)) for c in product.configurations
    ]
    return replace(product, configurations=tuple(configs)), hits


def to_pact(
    fp: Footprint,
    *,
    company_name: str,
    company_ids: list[str],
    product_ids: list[str] | None = None,
    cpc: str = "4526",
    reference_period: tuple[str, str] = ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    footprint_id: str | None = None,
    version: int = 1,
) -> dict[str, Any]:
    """A PACT v2 ``ProductFootprint`` of a configuration's cradle-to-gate footprint.

    ``cpc`` defaults to UN CPC 4526 (portable automatic data processing machines). Values are
    decimal strings per declared unit (kilogram); packaging is included (materials stage).
    """
    gate = fp.by_stage()
    cradle_to_gate = gate["materials"] + gate["manufacturing"]
    if fp.mass_kg <= 0:
        raise LciFileError("PACT export", "pcf.unitaryProductAmount", "product mass is zero")
    per_kg = cradle_to_gate / fp.mass_kg
    pid = footprint_id or str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"lingtan:{fp.product_id}:{fp.configuration_id}:{version}")
    )
    doc: dict[str, Any] = {
        "id": pid,
        "specVersion": SPEC_VERSION,
        "version": version,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "Active",
        "companyName": company_name,
        "companyIds": company_ids,
        "productDescription": f"{fp.product_name}, configuration {fp.configuration_name}",
        "productIds": product_ids or [f"urn:lingtan:product:{fp.product_id}:{fp.configuration_id}"],
        "productCategoryCpc": cpc,
        "productNameCompany": fp.product_name,
        "comment": f"Computed by lingtan from {fp.database} ({fp.method}). Cradle-to-gate share of "
        f"a cradle-to-grave footprint of {fp.total:.3f} kg CO2e per product.",
        "pcf": {
            "declaredUnit": "kilogram",
            "unitaryProductAmount": _d(fp.mass_kg),
            "pCfExcludingBiogenic": _d(per_kg),
            "fossilGhgEmissions": _d(per_kg),
            "fossilCarbonContent": "0",
            "biogenicCarbonContent": "0",
            "characterizationFactors": fp.gwp_set if fp.gwp_set in ("AR5", "AR6") else "AR6",
            "ipccCharacterizationFactorsSources": [fp.gwp_set],
            "crossSectoralStandardsUsed": ["GHG Protocol Product standard", "ISO Standard 14067"],
            "boundaryProcessesDescription": "Cradle-to-gate: materials (declared mass by "
            "material, recycled content by the cut-off approach) and manufacturing (components, "
            "assembly) incl. packaging materials; distribution, use and end of life excluded.",
            "referencePeriodStart": reference_period[0],
            "referencePeriodEnd": reference_period[1],
            "exemptedEmissionsPercent": 0,
            "packagingEmissionsIncluded": True,
        },
    }
    parse_pact(doc, "lingtan export")  # what we send passes our own validation
    return doc


def _d(x: float) -> str:
    return f"{x:.6g}"
