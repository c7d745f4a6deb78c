"""Product carbon footprints (``/orgs/{org}/products``; issue 6, docs/products.md section
Server): products and configurations, a footprint by life-cycle stage with its hot spots and
claim, the PACT v2 export, suppliers' PACT footprints, issued claims. kg CO2e per product
unless stated."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class StagesPublic(BaseModel):
    """A value per life-cycle stage (ISO 14067; GHG Protocol Product Standard)."""

    materials: float
    manufacturing: float
    distribution: float
    use: float
    end_of_life: float


class ConfigurationSummaryPublic(BaseModel):
    """A configuration's footprint [kg CO2e per product] and its claim."""

    configuration_id: str
    name: str
    total_kg_co2e: float
    stages_kg_co2e: StagesPublic
    claim_id: str | None
    claim_valid: bool | None
    public: bool


class ProductSummaryPublic(BaseModel):
    """A product model and its configurations."""

    product_id: str
    name: str
    line: str
    generation: int
    year: int
    configurations: list[ConfigurationSummaryPublic]


class ProductListPublic(BaseModel):
    """The organisation's products (empty until its product family is in place)."""

    products: list[ProductSummaryPublic]
    gwp_set: str
    on: str
    database: str | None
    supplier_footprints: list[str] = Field(
        description="Part numbers whose database average a supplier's PACT footprint replaces"
    )


class LinePublic(BaseModel):
    """A demand line (BOM line, assembly, transport leg, use, end of life) [kg CO2e/product]."""

    stage: str
    component: str
    path: str
    process: str
    amount: float
    unit: str
    material: str
    grade: str
    supplier: str
    source: str
    kg_co2e: float
    note: str


class ProcessHotSpotPublic(BaseModel):
    """An LCI process of the supply chain and its direct emissions [kg CO2e per product]."""

    process: str
    name: str
    kg_co2e: float


class ClaimCheckPublic(BaseModel):
    """One evidence check of a claim; ``key``, ``detail_key`` and ``params``: the same texts as
    catalogue messages (decision 0054)."""

    check: str
    ok: bool
    detail: str
    key: str = ""
    detail_key: str = ""
    params: dict[str, Any] = {}


class ClaimPublic(BaseModel):
    """A carbon-neutral claim (ISO 14068-1:2023) with its evidence. t CO2e unless stated."""

    model_config = ConfigDict(extra="allow")

    claim_id: str
    status: str
    valid: bool
    public: bool
    period: dict[str, str]
    units_covered: float
    footprint_kg_co2e_per_unit: float
    stages_kg_co2e_per_unit: StagesPublic
    residual_t_co2e: float
    retired_t_co2e: float
    reductions: list[dict[str, Any]]
    retirements: list[dict[str, Any]]
    checks: list[ClaimCheckPublic]
    evidence_url: str


class FootprintPublic(BaseModel):
    """A configuration's carbon footprint (ISO 14067 CFP, declared unit one product, cradle to
    grave) [kg CO2e per product]: stages, hot spots by line, component, material, supplier and
    supply-chain process; its claim; the BOM lines when asked for."""

    product_id: str
    product_name: str
    product_line: str
    configuration_id: str
    configuration_name: str
    declared_unit: str
    total_kg_co2e: float
    stages_kg_co2e: StagesPublic
    stages_pct: StagesPublic
    by_component_kg_co2e: dict[str, float]
    by_material_kg_co2e: dict[str, float]
    by_supplier_kg_co2e: dict[str, float]
    hot_spots: list[LinePublic]
    supply_chain_hot_spots: list[ProcessHotSpotPublic]
    mass_kg: float
    gwp_set: str
    method: str
    database: str
    standards: list[str]
    system_boundary: str
    on: str
    supplier_footprints: list[str]
    claim: ClaimPublic | None
    public_url: str | None
    lines: list[LinePublic] | None = None


class PactImportCreate(BaseModel):
    """A supplier's PACT v2 ``ProductFootprint`` (or a list, or a PACT API ``{"data": …}``)."""

    document: dict[str, Any] | list[Any] = Field(
        description="The PACT document as JSON; productIds `urn:lingtan:part:<part number>` "
        "name the parts whose database average it replaces"
    )


class SupplierFootprintPublic(BaseModel):
    """A stored supplier footprint [kg CO2e per declared unit; per product]."""

    file: str
    id: str
    version: int
    company: str
    product_ids: list[str]
    product_name: str
    declared_unit: str
    unitary_amount: float
    pcf_kg_per_declared_unit: float
    kg_per_product: float
    gwp_sets: list[str]
    period: list[str]
    status: str
    parts: list[str]


class PactImportPublic(BaseModel):
    """The file the document was stored as and the footprints it holds."""

    file: str
    footprints: list[SupplierFootprintPublic]


class ClaimVersionPublic(BaseModel):
    """One issued version of a claim (decision 0030)."""

    version: int
    sha256: str
    issued_at: str
    issued_by: str
    footprint_kg_co2e_per_unit: float
    retired_t_co2e: float
    public_url: str | None


class ClaimIssuePublic(BaseModel):
    """The result of issuing a claim: the version in force (new or unchanged) and all."""

    version: int
    sha256: str
    created: bool
    public_url: str | None
    versions: list[ClaimVersionPublic]


class PactFootprintPublic(BaseModel):
    """A PACT v2 ``ProductFootprint`` (Pathfinder Framework v2, Technical Specifications for
    PCF Data Exchange): the configuration's cradle-to-gate footprint per kg of product.

    An open document (``extra="allow"``): the top-level properties are typed here; ``pcf``
    (the carbon footprint, decimals as strings as PACT writes them) and any further property
    are kept as they are.
    """

    model_config = ConfigDict(extra="allow")

    id: str
    specVersion: str  # noqa: N815 (PACT's property name)
    version: int
    created: str
    status: str
    companyName: str  # noqa: N815
    companyIds: list[str]  # noqa: N815
    productDescription: str  # noqa: N815
    productIds: list[str]  # noqa: N815
    productCategoryCpc: str  # noqa: N815
    productNameCompany: str  # noqa: N815
    comment: str
    pcf: dict[str, Any]
