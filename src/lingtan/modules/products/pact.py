"""A product footprint as a PACT ``ProductFootprint`` (WBCSD Partnership for Carbon Transparency,
"Technical Specifications for PCF Data Exchange" v2.3 and v3.0), the rules its JSON must
follow, and the pieces of the PACT API that need no I/O (events, v3 filters, ``$filter``).

Written from the published specification (docs.carbon-transparency.org) as a separate
implementation: no text, schema or example of the specification is copied (decision 0068,
docs/pact.md). Methodology: PACT Methodology v2/v3, itself built on the GHG Protocol Product
Standard and ISO 14067:2018.

Where every field comes from (``F`` = :class:`FootprintFacts`; v2 name / v3 name):

===================================  ============================================================
field                                source
===================================  ============================================================
id                                   ``F.footprint_id``: a UUID drawn when the version is published
specVersion                          :data:`SPEC_V2` / :data:`SPEC_V3`
version (v2 only)                    ``F.version``: 1, 2 … per product configuration
precedingPfIds (v3, if any)          ``F.preceding_ids``: ids of the earlier versions
created                              ``F.created``: when the version was published (UTC, ``…Z``)
status                               ``F.status``: Active; Deprecated once a newer version exists
companyName / companyIds             the organisation's name; ``urn:lingtan:organisation:<slug>``
                                     plus the URNs the owner gives (e.g. ``urn:uscc:…``)
productDescription                   "<product>, configuration <configuration>"
productIds                           ``urn:lingtan:product:<product>:<configuration>`` + given URNs
productCategoryCpc / Classifications ``F.cpc`` (UN CPC v2.1); v3 as a URN
                                     ``urn:pact:productclassification:un-cpc:<code>``
productNameCompany                   the product's name in the family file
comment                              database and method the footprint was computed with
pcf.declaredUnit(OfMeasurement)      ``kilogram``: PACT footprints are per declared unit; lingtan's
                                     are per product, divided by the product's mass
pcf.unitaryProductAmount /           ``F.mass_kg``: declared units (kg) per product
  declaredUnitAmount
pcf.productMassPerDeclaredUnit (v3)  1 (kg per kg)
pcf.pCfExcludingBiogenic /           cradle-to-gate footprint (materials + manufacturing stages)
  pcfExcludingBiogenicUptake         [kg CO2e per product] ÷ mass [kg] = kg CO2e / kg
pcf.pCfIncludingBiogenic /           the same: lingtan's LCI database models no biogenic uptake
  pcfIncludingBiogenicUptake
pcf.fossilGhgEmissions               the same (all emissions counted as fossil)
pcf.fossilCarbonContent,             0: carbon content is not modelled (stated in the comment)
  biogenicCarbonContent
pcf.characterizationFactors (v2),    ``F.gwp_set`` (AR5 or AR6: the GWP set of the calculation)
  ipccCharacterizationFactors(Sources)
pcf.crossSectoralStandards(Used)     GHG Protocol Product standard, ISO 14067
pcf.boundaryProcessesDescription     cradle-to-gate, the stages included and excluded
pcf.referencePeriodStart / End       ``F.reference_period`` (given at publishing, UTC)
pcf.geographyCountry                 ``F.geography`` (ISO 3166-1 alpha-2), when given
pcf.exemptedEmissionsPercent         ``F.exempted_percent`` (0 unless given; PACT allows ≤ 5)
pcf.packagingEmissionsIncluded       true (packaging materials are in the materials stage)
pcf.primaryDataShare                 supplier-specific lines (suppliers' PACT footprints, source
                                     ``supplier``) ÷ cradle-to-gate total × 100 [%]
===================================  ============================================================

Data-type rules checked by :func:`validate_v2` / :func:`validate_v3`: decimals are JSON strings
(``"12.5"``, no exponent), timestamps are UTC ISO 8601 ending in ``Z``, ids are UUIDs, company
and product ids are URNs (RFC 8141: ``urn:<NID>:<NSS>``), percentages 0–100, enumerations as the
specification lists them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

SPEC_V2 = "2.3.0"
SPEC_V3 = "3.0.0"
STATUSES = ("Active", "Deprecated")
GWP_SETS = ("AR5", "AR6")
#: declared units of v2 (v3 adds more; lingtan publishes ``kilogram`` in both)
DECLARED_UNITS_V2 = (
    "liter",
    "kilogram",
    "cubic meter",
    "kilowatt hour",
    "megajoule",
    "ton kilometer",
    "square meter",
)
DECLARED_UNITS_V3 = (*DECLARED_UNITS_V2, "piece", "hour", "megabit second")
CROSS_SECTORAL_V2 = ("GHG Protocol Product standard", "ISO Standard 14067", "ISO Standard 14044")
CROSS_SECTORAL_V3 = ("ISO14067", "ISO14083", "ISO14040-44", "GHGP-Product", "PEF", "PACT-1.0",
                     "PACT-2.0", "PACT-3.0")  # fmt: skip
#: the CloudEvents ``type`` of the events a host takes, by API version
EVENT_TYPES: dict[int, dict[str, str]] = {
    2: {
        "org.wbcsd.pathfinder.ProductFootprint.Published.v1": "published",
        "org.wbcsd.pathfinder.ProductFootprintRequest.Created.v1": "request_created",
        "org.wbcsd.pathfinder.ProductFootprintRequest.Fulfilled.v1": "request_fulfilled",
        "org.wbcsd.pathfinder.ProductFootprintRequest.Rejected.v1": "request_rejected",
    },
    3: {
        "org.wbcsd.pact.ProductFootprint.PublishedEvent.3": "published",
        "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3": "request_created",
        "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3": "request_fulfilled",
        "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3": "request_rejected",
    },
}
#: PACT error codes and their HTTP status, by API version (v3 renamed NoSuchFootprint NotFound)
ERROR_STATUS: dict[str, int] = {
    "AccessDenied": 403,
    "BadRequest": 400,
    "NoSuchFootprint": 404,
    "NotFound": 404,
    "NotImplemented": 400,
    "TokenExpired": 401,
    "InternalError": 500,
}

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$")
_DECIMAL = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CPC = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True)
class FootprintFacts:
    """What lingtan knows of one published footprint version (see the module's table).

    Units: ``mass_kg`` [kg per product]; ``cradle_to_gate_kg`` and ``primary_kg``
    [kg CO2e per product]; ``exempted_percent`` [%]."""

    footprint_id: str
    version: int
    created: datetime
    status: str
    company_name: str
    company_ids: tuple[str, ...]
    product_id: str
    configuration_id: str
    product_name: str
    configuration_name: str
    mass_kg: float
    cradle_to_gate_kg: float
    primary_kg: float
    gwp_set: str
    reference_period: tuple[datetime, datetime]
    database: str = ""
    method: str = ""
    cpc: str = "4526"
    geography: str | None = None
    product_ids: tuple[str, ...] = ()
    preceding_ids: tuple[str, ...] = ()
    exempted_percent: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def per_kg(self) -> float:
        """Cradle-to-gate footprint per declared unit [kg CO2e / kg]."""
        return self.cradle_to_gate_kg / self.mass_kg

    @property
    def primary_share(self) -> float:
        """Share of the cradle-to-gate footprint from supplier-specific data [%] (PACT
        Methodology: primary data share)."""
        if self.cradle_to_gate_kg <= 0:
            return 0.0
        return min(100.0, max(0.0, 100.0 * self.primary_kg / self.cradle_to_gate_kg))


class PactMappingError(ValueError):
    """The facts cannot be expressed as a PACT footprint (``field`` names the property)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def decimal_string(x: float, digits: int = 9) -> str:
    """A PACT decimal: a JSON string of the number in plain notation (no exponent), to
    ``digits`` significant digits, trailing zeros removed (``0.000012``, ``1250``)."""
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError(f"not a finite number: {x!r}")
    s = format(Decimal(f"{x:.{digits}g}"), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def utc_timestamp(t: datetime) -> str:
    """A PACT timestamp: UTC, ISO 8601, seconds, ``Z`` (a naive datetime is taken as UTC)."""
    if t.tzinfo is not None:
        t = t.astimezone(UTC).replace(tzinfo=None)
    return t.replace(microsecond=0).isoformat() + "Z"


def new_footprint_id() -> str:
    """A new footprint id (UUID v4): one per published version, never reused."""
    return str(uuid.uuid4())


def is_urn(value: str) -> bool:
    """Whether ``value`` is a URN (RFC 8141: ``urn:<NID>:<NSS>``), as PACT's ids must be."""
    return bool(_URN.match(value))


def company_urn(slug: str) -> str:
    """The URN lingtan gives an organisation of the server: ``urn:lingtan:organisation:<slug>``."""
    return f"urn:lingtan:organisation:{slug}"


def product_urn(product: str, configuration: str) -> str:
    """The URN of a product configuration: ``urn:lingtan:product:<product>:<configuration>``."""
    return f"urn:lingtan:product:{product}:{configuration}"


def _check_facts(f: FootprintFacts) -> None:
    if f.mass_kg <= 0:
        raise PactMappingError("pcf.unitaryProductAmount", "the product's mass is zero")
    if f.cradle_to_gate_kg < 0:
        raise PactMappingError("pcf.pCfExcludingBiogenic", "negative footprint")
    if f.gwp_set not in GWP_SETS:
        raise PactMappingError(
            "pcf.characterizationFactors", f"PACT accepts AR5 or AR6, not {f.gwp_set}"
        )
    if f.status not in STATUSES:
        raise PactMappingError("status", f"Active or Deprecated, not {f.status!r}")
    if not 0 <= f.exempted_percent <= 5:
        raise PactMappingError("pcf.exemptedEmissionsPercent", "from 0 to 5 %")
    if f.reference_period[1] <= f.reference_period[0]:
        raise PactMappingError("pcf.referencePeriodEnd", "must be after the start")


def _boundary() -> str:
    return (
        "Cradle-to-gate: materials (declared mass by material, recycled content by the cut-off "
        "approach) and manufacturing (components, assembly), packaging materials included; "
        "distribution, use and end of life excluded."
    )


def _comment(f: FootprintFacts) -> str:
    return (
        f"Computed by lingtan from {f.database or 'its LCI database'}"
        f"{f' ({f.method})' if f.method else ''}, version {f.version} of this configuration. "
        "Biogenic uptake and carbon content are not modelled (reported as 0; all emissions "
        "counted as fossil)."
    )


def to_v2(f: FootprintFacts) -> dict[str, Any]:
    """The facts as a v2 ``ProductFootprint`` (per kilogram of product; module table).

    Raises:
        PactMappingError: the facts cannot be expressed (zero mass, GWP set AR4 …).
    """
    _check_facts(f)
    per_kg = decimal_string(f.per_kg)
    pcf: dict[str, Any] = {
        "declaredUnit": "kilogram",
        "unitaryProductAmount": decimal_string(f.mass_kg),
        "pCfExcludingBiogenic": per_kg,
        "pCfIncludingBiogenic": per_kg,
        "fossilGhgEmissions": per_kg,
        "fossilCarbonContent": "0",
        "biogenicCarbonContent": "0",
        "characterizationFactors": f.gwp_set,
        "ipccCharacterizationFactorsSources": [f.gwp_set],
        "crossSectoralStandardsUsed": ["GHG Protocol Product standard", "ISO Standard 14067"],
        "boundaryProcessesDescription": _boundary(),
        "referencePeriodStart": utc_timestamp(f.reference_period[0]),
        "referencePeriodEnd": utc_timestamp(f.reference_period[1]),
        "exemptedEmissionsPercent": f.exempted_percent,
        "exemptedEmissionsDescription": "" if not f.exempted_percent else "stated by the owner",
        "packagingEmissionsIncluded": True,
        "primaryDataShare": round(f.primary_share, 4),
    }
    if f.geography:
        pcf["geographyCountry"] = f.geography
    doc: dict[str, Any] = {
        "id": f.footprint_id,
        "specVersion": SPEC_V2,
        "version": f.version,
        "created": utc_timestamp(f.created),
        "status": f.status,
        "companyName": f.company_name,
        "companyIds": list(f.company_ids),
        "productDescription": f"{f.product_name}, configuration {f.configuration_name}",
        "productIds": [product_urn(f.product_id, f.configuration_id), *f.product_ids],
        "productCategoryCpc": f.cpc,
        "productNameCompany": f.product_name,
        "comment": _comment(f),
        "pcf": pcf,
    }
    if f.preceding_ids:
        doc["precedingPfIds"] = list(f.preceding_ids)
    return doc


def to_v3(f: FootprintFacts) -> dict[str, Any]:
    """The facts as a v3 ``ProductFootprint`` (per kilogram of product; module table). v3 has
    no ``version``: a new version is a new id listing the earlier ones in ``precedingPfIds``.

    Raises:
        PactMappingError: as :func:`to_v2`.
    """
    _check_facts(f)
    per_kg = decimal_string(f.per_kg)
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": "kilogram",
        "declaredUnitAmount": decimal_string(f.mass_kg),
        "productMassPerDeclaredUnit": "1",
        "exemptedEmissionsPercent": f.exempted_percent,
        "exemptedEmissionsDescription": "" if not f.exempted_percent else "stated by the owner",
        "packagingEmissionsIncluded": True,
        "referencePeriodStart": utc_timestamp(f.reference_period[0]),
        "referencePeriodEnd": utc_timestamp(f.reference_period[1]),
        "pcfExcludingBiogenicUptake": per_kg,
        "pcfIncludingBiogenicUptake": per_kg,
        "fossilGhgEmissions": per_kg,
        "fossilCarbonContent": "0",
        "biogenicCarbonContent": "0",
        "ipccCharacterizationFactors": [f.gwp_set],
        "crossSectoralStandards": ["GHGP-Product", "ISO14067"],
        "boundaryProcessesDescription": _boundary(),
        "primaryDataShare": round(f.primary_share, 4),
    }
    if f.geography:
        pcf["geographyCountry"] = f.geography
    doc: dict[str, Any] = {
        "id": f.footprint_id,
        "specVersion": SPEC_V3,
        "created": utc_timestamp(f.created),
        "status": f.status,
        "companyName": f.company_name,
        "companyIds": list(f.company_ids),
        "productDescription": f"{f.product_name}, configuration {f.configuration_name}",
        "productIds": [product_urn(f.product_id, f.configuration_id), *f.product_ids],
        "productClassifications": [f"urn:pact:productclassification:un-cpc:{f.cpc}"],
        "productNameCompany": f.product_name,
        "comment": _comment(f),
        "pcf": pcf,
    }
    if f.preceding_ids:
        doc["precedingPfIds"] = list(f.preceding_ids)
    return doc


# -- validation ------------------------------------------------------------------------------------


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, path: str, reason: str) -> None:
        self.problems.append(f"{path}: {reason}")

    def get(self, obj: Mapping[str, Any], key: str, path: str, optional: bool) -> Any:
        if key not in obj:
            if not optional:
                self.bad(f"{path}{key}", "required property is missing")
            return None
        return obj[key]

    def string(self, obj: Mapping[str, Any], key: str, path: str, *, optional: bool = False,
               nonempty: bool = False, pattern: re.Pattern[str] | None = None,
               choices: Sequence[str] | None = None) -> None:  # fmt: skip
        v = self.get(obj, key, path, optional)
        if v is None and key not in obj:
            return
        if not isinstance(v, str):
            self.bad(f"{path}{key}", "expected a string")
        elif nonempty and not v.strip():
            self.bad(f"{path}{key}", "must not be empty")
        elif pattern is not None and not pattern.match(v):
            self.bad(f"{path}{key}", f"not of the required form: {v!r}")
        elif choices is not None and v not in choices:
            self.bad(f"{path}{key}", f"one of {', '.join(choices)}; got {v!r}")

    def decimal(self, obj: Mapping[str, Any], key: str, path: str, *, optional: bool = False,
                positive: bool = False, non_negative: bool = True) -> None:  # fmt: skip
        v = self.get(obj, key, path, optional)
        if v is None and key not in obj:
            return
        if not isinstance(v, str) or not _DECIMAL.match(v):
            self.bad(f"{path}{key}", f'a decimal must be a string like "12.5"; got {v!r}')
            return
        d = Decimal(v)
        if positive and d <= 0:
            self.bad(f"{path}{key}", "must be > 0")
        elif non_negative and d < 0:
            self.bad(f"{path}{key}", "must be ≥ 0")

    def urns(self, obj: Mapping[str, Any], key: str, path: str, optional: bool = False) -> None:
        v = self.get(obj, key, path, optional)
        if v is None and key not in obj:
            return
        if not isinstance(v, list) or not v:
            self.bad(f"{path}{key}", "expected a non-empty list of URNs")
            return
        for i, u in enumerate(v):
            if not isinstance(u, str) or not _URN.match(u):
                self.bad(f"{path}{key}[{i}]", f"not a URN (urn:<NID>:<NSS>): {u!r}")

    def number(self, obj: Mapping[str, Any], key: str, path: str, low: float, high: float,
               optional: bool = False) -> None:  # fmt: skip
        v = self.get(obj, key, path, optional)
        if v is None and key not in obj:
            return
        if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= high:
            self.bad(f"{path}{key}", f"expected a number from {low:g} to {high:g}; got {v!r}")

    def boolean(self, obj: Mapping[str, Any], key: str, path: str) -> None:
        v = self.get(obj, key, path, False)
        if key in obj and not isinstance(v, bool):
            self.bad(f"{path}{key}", "expected true or false")

    def choices(self, obj: Mapping[str, Any], key: str, path: str, allowed: Sequence[str],
                optional: bool = False) -> None:  # fmt: skip
        v = self.get(obj, key, path, optional)
        if v is None and key not in obj:
            return
        if not isinstance(v, list) or not v or not all(x in allowed for x in v):
            self.bad(f"{path}{key}", f"a non-empty list of {', '.join(allowed)}; got {v!r}")


def _common(c: _Check, doc: Mapping[str, Any]) -> None:
    c.string(doc, "id", "", pattern=_UUID)
    c.string(doc, "created", "", pattern=_UTC)
    c.string(doc, "status", "", choices=STATUSES)
    c.string(doc, "companyName", "", nonempty=True)
    c.urns(doc, "companyIds", "")
    c.string(doc, "productDescription", "")
    c.urns(doc, "productIds", "")
    c.string(doc, "productNameCompany", "", nonempty=True)
    c.string(doc, "comment", "", optional=True)
    if "precedingPfIds" in doc:
        pre = doc["precedingPfIds"]
        if (
            not isinstance(pre, list)
            or not pre
            or not all(isinstance(x, str) and _UUID.match(x) for x in pre)
        ):
            c.bad("precedingPfIds", "a non-empty list of UUIDs when present")


def _period_geography(c: _Check, pcf: Mapping[str, Any]) -> None:
    c.string(pcf, "referencePeriodStart", "pcf.", pattern=_UTC)
    c.string(pcf, "referencePeriodEnd", "pcf.", pattern=_UTC)
    start, end = pcf.get("referencePeriodStart"), pcf.get("referencePeriodEnd")
    both = isinstance(start, str) and isinstance(end, str) and _UTC.match(start) and _UTC.match(end)
    if both and str(end) <= str(start):
        c.bad("pcf.referencePeriodEnd", "must be after referencePeriodStart")
    c.string(pcf, "geographyCountry", "pcf.", optional=True, pattern=_COUNTRY)
    c.number(pcf, "exemptedEmissionsPercent", "pcf.", 0, 5)
    c.boolean(pcf, "packagingEmissionsIncluded", "pcf.")
    c.number(pcf, "primaryDataShare", "pcf.", 0, 100, optional=True)
    c.string(pcf, "boundaryProcessesDescription", "pcf.", optional=True)


def validate_v2(doc: Any) -> list[str]:
    """The problems of a v2 ``ProductFootprint`` (``path: reason``; empty when it follows the
    rules this module checks: mandatory properties, data types, enumerations)."""
    c = _Check()
    if not isinstance(doc, dict):
        return ["ProductFootprint: expected a JSON object"]
    _common(c, doc)
    c.string(doc, "specVersion", "", pattern=re.compile(r"^2\.\d+\.\d+(-\d{8})?$"))
    v = doc.get("version")
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        c.bad("version", f"expected an integer ≥ 0; got {v!r}")
    c.string(doc, "productCategoryCpc", "", pattern=_CPC)
    pcf = doc.get("pcf")
    if not isinstance(pcf, dict):
        c.bad("pcf", "required object is missing")
        return c.problems
    c.string(pcf, "declaredUnit", "pcf.", choices=DECLARED_UNITS_V2)
    c.decimal(pcf, "unitaryProductAmount", "pcf.", positive=True)
    c.decimal(pcf, "pCfExcludingBiogenic", "pcf.")
    c.decimal(pcf, "pCfIncludingBiogenic", "pcf.", optional=True, non_negative=False)
    c.decimal(pcf, "fossilGhgEmissions", "pcf.")
    c.decimal(pcf, "fossilCarbonContent", "pcf.")
    c.decimal(pcf, "biogenicCarbonContent", "pcf.")
    c.string(pcf, "characterizationFactors", "pcf.", optional=True, choices=GWP_SETS)
    c.choices(pcf, "ipccCharacterizationFactorsSources", "pcf.", GWP_SETS)
    c.choices(pcf, "crossSectoralStandardsUsed", "pcf.", CROSS_SECTORAL_V2)
    _period_geography(c, pcf)
    return c.problems


def validate_v3(doc: Any) -> list[str]:
    """The problems of a v3 ``ProductFootprint`` (as :func:`validate_v2`)."""
    c = _Check()
    if not isinstance(doc, dict):
        return ["ProductFootprint: expected a JSON object"]
    _common(c, doc)
    c.string(doc, "specVersion", "", pattern=re.compile(r"^3\.\d+\.\d+$"))
    if "version" in doc:
        c.bad("version", "not a v3 property (v3 links versions by precedingPfIds)")
    c.urns(doc, "productClassifications", "", optional=True)
    pcf = doc.get("pcf")
    if not isinstance(pcf, dict):
        c.bad("pcf", "required object is missing")
        return c.problems
    c.string(pcf, "declaredUnitOfMeasurement", "pcf.", choices=DECLARED_UNITS_V3)
    c.decimal(pcf, "declaredUnitAmount", "pcf.", positive=True)
    c.decimal(pcf, "productMassPerDeclaredUnit", "pcf.")
    c.decimal(pcf, "pcfExcludingBiogenicUptake", "pcf.", non_negative=False)
    c.decimal(pcf, "pcfIncludingBiogenicUptake", "pcf.", non_negative=False)
    c.decimal(pcf, "fossilGhgEmissions", "pcf.")
    c.decimal(pcf, "fossilCarbonContent", "pcf.")
    c.decimal(pcf, "biogenicCarbonContent", "pcf.", optional=True)
    c.choices(pcf, "ipccCharacterizationFactors", "pcf.", GWP_SETS)
    c.choices(pcf, "crossSectoralStandards", "pcf.", CROSS_SECTORAL_V3)
    _period_geography(c, pcf)
    return c.problems


def validate(doc: Any, api_version: int) -> list[str]:
    """:func:`validate_v2` or :func:`validate_v3`."""
    return validate_v2(doc) if api_version == 2 else validate_v3(doc)


# -- reading a footprint another host sent ---------------------------------------------------------


@dataclass(frozen=True)
class ReceivedFootprint:
    """The parts of a footprint pulled from a PACT host that lingtan keeps in columns (the
    document is kept whole). ``kg_per_declared_unit`` [kg CO2e / declared unit];
    ``declared_amount`` [declared units per product]."""

    id: str
    spec_version: str
    status: str
    company_name: str
    product_ids: tuple[str, ...]
    product_name: str
    declared_unit: str
    declared_amount: float
    kg_per_declared_unit: float
    gwp_sets: tuple[str, ...]
    version: int | None

    @property
    def kg_per_product(self) -> float:
        """Footprint of one product [kg CO2e] = per declared unit × declared units."""
        return self.kg_per_declared_unit * self.declared_amount


def read_received(doc: Mapping[str, Any], api_version: int) -> ReceivedFootprint:
    """The columns of a validated footprint (call :func:`validate` first)."""
    pcf = doc["pcf"]
    if api_version == 2:
        unit, amount = pcf["declaredUnit"], pcf["unitaryProductAmount"]
        value, gwp = pcf["pCfExcludingBiogenic"], pcf["ipccCharacterizationFactorsSources"]
    else:
        unit, amount = pcf["declaredUnitOfMeasurement"], pcf["declaredUnitAmount"]
        value, gwp = pcf["pcfExcludingBiogenicUptake"], pcf["ipccCharacterizationFactors"]
    version = doc.get("version")
    return ReceivedFootprint(
        id=str(doc["id"]),
        spec_version=str(doc["specVersion"]),
        status=str(doc["status"]),
        company_name=str(doc["companyName"]),
        product_ids=tuple(doc["productIds"]),
        product_name=str(doc["productNameCompany"]),
        declared_unit=str(unit),
        declared_amount=float(amount),
        kg_per_declared_unit=float(value),
        gwp_sets=tuple(gwp),
        version=int(version) if isinstance(version, int) else None,
    )


# -- events (CloudEvents 1.0) ----------------------------------------------------------------------


@dataclass(frozen=True)
class PactEvent:
    """A received event: its CloudEvents ``id``, ``source``, ``type`` (and lingtan's kind of
    it), ``time`` and ``data``."""

    event_id: str
    source: str
    type: str
    kind: str
    time: str | None
    data: Mapping[str, Any]


class PactEventError(ValueError):
    """An event the host cannot take: ``code`` is the PACT error code (BadRequest,
    NotImplemented)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_event(doc: Any, api_version: int) -> PactEvent:
    """Check a CloudEvents 1.0 (structured JSON) event of the PACT Events action.

    Required: ``specversion`` "1.0", ``id``, ``source``, ``type`` (one of
    :data:`EVENT_TYPES` of the version), ``data`` (an object); a published event lists
    ``pfIds``, a request names the products it asks for (v2: ``pf`` object; v3: ``productId``
    list or other filter criteria), a fulfilled or rejected one its ``requestEventId``.

    Raises:
        PactEventError: BadRequest (malformed), NotImplemented (a type this host does not
            know).
    """
    if not isinstance(doc, dict):
        raise PactEventError("BadRequest", "an event is a JSON object")
    if doc.get("specversion") != "1.0":
        raise PactEventError("BadRequest", 'specversion must be "1.0" (CloudEvents 1.0)')
    for key in ("id", "source", "type"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise PactEventError("BadRequest", f"{key}: required non-empty string")
    data = doc.get("data")
    if not isinstance(data, dict):
        raise PactEventError("BadRequest", "data: required object")
    kind = EVENT_TYPES.get(api_version, {}).get(doc["type"])
    if kind is None:
        raise PactEventError("NotImplemented", f"event type {doc['type']!r} is not supported")
    if kind == "published":
        ids = data.get("pfIds")
        if not isinstance(ids, list) or not ids or not all(isinstance(x, str) for x in ids):
            raise PactEventError("BadRequest", "data.pfIds: a non-empty list of ids")
    elif kind == "request_created":
        if api_version == 2 and not isinstance(data.get("pf"), dict):
            raise PactEventError("BadRequest", "data.pf: required object")
        if api_version == 3 and not any(isinstance(v, list) and v for v in data.values()):
            raise PactEventError("BadRequest", "data: name the footprints asked for (productId)")
    elif not isinstance(data.get("requestEventId"), str):
        raise PactEventError("BadRequest", "data.requestEventId: required string")
    time = doc.get("time")
    return PactEvent(
        event_id=doc["id"],
        source=doc["source"],
        type=doc["type"],
        kind=kind,
        time=time if isinstance(time, str) else None,
        data=data,
    )


# -- selecting footprints --------------------------------------------------------------------------

#: the v3 ListFootprints filter parameters
V3_FILTERS = ("productId", "companyId", "geography", "classification", "validOn", "validAfter",
              "validBefore", "status")  # fmt: skip


def _time(s: Any) -> datetime | None:
    if not isinstance(s, str):
        return None
    try:
        t = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _validity(doc: Mapping[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A footprint's validity period: its own, else from the reference period's end for 3
    years (PACT Methodology's default validity)."""
    start, end = _time(doc.get("validityPeriodStart")), _time(doc.get("validityPeriodEnd"))
    if start and end:
        return start, end
    ref = _time(doc.get("pcf", {}).get("referencePeriodEnd"))
    if ref is None:
        return None, None
    return ref, ref.replace(year=ref.year + 3)


def matches_v3(doc: Mapping[str, Any], filters: Mapping[str, Sequence[str]]) -> bool:
    """Whether a v3 footprint passes the ListFootprints filters: values of one parameter are
    alternatives (OR), parameters combine (AND).

    Raises:
        ValueError: a date parameter that is not ISO 8601.
    """
    pcf = doc.get("pcf", {})
    for key, values in filters.items():
        if not values:
            continue
        if key == "productId" and not set(values) & set(doc.get("productIds", [])):
            return False
        if key == "companyId" and not set(values) & set(doc.get("companyIds", [])):
            return False
        if key == "classification" and not set(values) & set(doc.get("productClassifications", [])):
            return False
        if key == "status" and doc.get("status") not in values:
            return False
        if key == "geography":
            geo = {pcf.get(k) for k in ("geographyCountry", "geographyRegionOrSubregion",
                                         "geographyCountrySubdivision")}  # fmt: skip
            if not set(values) & geo:
                return False
        if key in ("validOn", "validAfter", "validBefore"):
            start, end = _validity(doc)
            for v in values:
                t = _time(v)
                if t is None:
                    raise ValueError(f"{key}: not an ISO 8601 date-time: {v!r}")
                if start is None or end is None:
                    return False
                ok = {
                    "validOn": start <= t <= end,
                    "validAfter": start > t,
                    "validBefore": end < t,
                }[key]
                if not ok:
                    return False
    return True


_COND = re.compile(
    r"^\s*(?:(?P<field>[A-Za-z/]+)\s+(?P<op>eq|ne|lt|le|gt|ge)\s+'(?P<value>[^']*)'"
    r"|(?P<coll>productIds|companyIds)/any\(\s*(?P<var>\w+)\s*:\s*\(?\s*(?P=var)\s+eq\s+"
    r"'(?P<item>[^']*)'\s*\)?\s*\))\s*$"
)
#: the properties ``$filter`` may compare (v2 ListFootprints: a subset of OData v4)
FILTER_FIELDS = {
    "created": ("created",),
    "updated": ("updated",),
    "status": ("status",),
    "productCategoryCpc": ("productCategoryCpc",),
    "companyName": ("companyName",),
    "pcf/geographyCountry": ("pcf", "geographyCountry"),
    "pcf/referencePeriodStart": ("pcf", "referencePeriodStart"),
    "pcf/referencePeriodEnd": ("pcf", "referencePeriodEnd"),
}


def parse_filter(expr: str) -> list[dict[str, str]]:
    """A v2 ``$filter`` (OData v4 subset): conditions joined by ``and``, each ``<property> eq|ne|
    lt|le|gt|ge '<value>'`` on :data:`FILTER_FIELDS`, or ``productIds/any(p:(p eq '<urn>'))`` /
    ``companyIds/any(…)``.

    Raises:
        ValueError: anything else (``or``, functions, other properties).
    """
    out: list[dict[str, str]] = []
    for part in re.split(r"\s+and\s+", expr.strip()):
        m = _COND.match(part)
        if m is None:
            raise ValueError(f"unsupported $filter condition: {part!r}")
        if m.group("coll"):
            out.append({"coll": m.group("coll"), "value": m.group("item")})
        else:
            if m.group("field") not in FILTER_FIELDS:
                raise ValueError(f"$filter: property {m.group('field')!r} is not filterable")
            out.append({"field": m.group("field"), "op": m.group("op"), "value": m.group("value")})
    return out


def matches_filter(doc: Mapping[str, Any], conditions: Sequence[Mapping[str, str]]) -> bool:
    """Whether a v2 footprint passes every parsed ``$filter`` condition (strings compare as
    strings; timestamps in PACT's one UTC form compare in time order as strings)."""
    for cond in conditions:
        if "coll" in cond:
            if cond["value"] not in doc.get(cond["coll"], []):
                return False
            continue
        value: Any = doc
        for key in FILTER_FIELDS[cond["field"]]:
            value = value.get(key) if isinstance(value, Mapping) else None
        if not isinstance(value, str):
            return False
        want, op = cond["value"], cond["op"]
        ok = {
            "eq": value == want,
            "ne": value != want,
            "lt": value < want,
            "le": value <= want,
            "gt": value > want,
            "ge": value >= want,
        }[op]
        if not ok:
            return False
    return True
