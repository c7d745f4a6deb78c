"""``/orgs/{org}/products``: product carbon footprints (issue 6) — the organisation's products
and configurations, a configuration's footprint by life-cycle stage with its hot spots and
claim, its label (SVG, PNG), its PACT v2 export, and suppliers' PACT footprints in
(docs/products.md, section Server)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.services import products as svc

router = APIRouter(prefix="/orgs/{org}/products", tags=["products"])

_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"
ProductPath = Annotated[str, Path(pattern=_ID, max_length=80, description="Product id")]
ConfigPath = Annotated[str, Path(pattern=_ID, max_length=80, description="Configuration id")]
GwpQuery = Annotated[
    Literal["AR4", "AR5", "AR6"], Query(description="GWP set (IPCC assessment report)")
]
OnQuery = Annotated[
    date | None,
    Query(
        ge=date(1990, 1, 1),
        le=date(2100, 12, 31),
        description="Date of the use-phase grid factors (default: today)",
        # the range in the document too (ASVS V13.1: schema-valid requests are accepted)
        json_schema_extra={"pattern": r"^(199\d|20\d\d|2100)-\d\d-\d\d$"},
    ),
]

# -- schemas ---------------------------------------------------------------------------------------


class Stages(BaseModel):
    """A value per life-cycle stage (ISO 14067; GHG Protocol Product Standard)."""

    materials: float
    manufacturing: float
    distribution: float
    use: float
    end_of_life: float


class ConfigurationSummary(BaseModel):
    """A configuration's footprint [kg CO2e per product] and its claim."""

    configuration_id: str
    name: str
    total_kg_co2e: float
    stages_kg_co2e: Stages
    claim_id: str | None
    claim_valid: bool | None
    public: bool


class ProductSummary(BaseModel):
    """A product model and its configurations."""

    product_id: str
    name: str
    line: str
    generation: int
    year: int
    configurations: list[ConfigurationSummary]


class ProductList(BaseModel):
    """The organisation's products (empty until its product family is in place)."""

    products: list[ProductSummary]
    gwp_set: str
    on: str
    database: str | None
    supplier_footprints: list[str] = Field(
        description="Part numbers whose database average a supplier's PACT footprint replaces"
    )


class LineOut(BaseModel):
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


class ProcessHotSpot(BaseModel):
    """An LCI process of the supply chain and its direct emissions [kg CO2e per product]."""

    process: str
    name: str
    kg_co2e: float


class CheckOut(BaseModel):
    """One evidence check of a claim."""

    check: str
    ok: bool
    detail: str


class ClaimOut(BaseModel):
    """A carbon-neutral claim (ISO 14068-1:2023) with its evidence. t CO2e unless stated."""

    model_config = ConfigDict(extra="allow")

    claim_id: str
    status: str
    valid: bool
    public: bool
    period: dict[str, str]
    units_covered: float
    footprint_kg_co2e_per_unit: float
    stages_kg_co2e_per_unit: Stages
    residual_t_co2e: float
    retired_t_co2e: float
    reductions: list[dict[str, Any]]
    retirements: list[dict[str, Any]]
    checks: list[CheckOut]
    evidence_url: str


class FootprintOut(BaseModel):
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
    stages_kg_co2e: Stages
    stages_pct: Stages
    by_component_kg_co2e: dict[str, float]
    by_material_kg_co2e: dict[str, float]
    by_supplier_kg_co2e: dict[str, float]
    hot_spots: list[LineOut]
    supply_chain_hot_spots: list[ProcessHotSpot]
    mass_kg: float
    gwp_set: str
    method: str
    database: str
    standards: list[str]
    system_boundary: str
    on: str
    supplier_footprints: list[str]
    claim: ClaimOut | None
    public_url: str | None
    lines: list[LineOut] | None = None


class PactImport(BaseModel):
    """A supplier's PACT v2 ``ProductFootprint`` (or a list, or a PACT API ``{"data": …}``)."""

    document: dict[str, Any] | list[Any] = Field(
        description="The PACT document as JSON; productIds `urn:lingtan:part:<part number>` "
        "name the parts whose database average it replaces"
    )


class SupplierFootprintOut(BaseModel):
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


class PactImported(BaseModel):
    """The file the document was stored as and the footprints it holds."""

    file: str
    footprints: list[SupplierFootprintOut]


# -- routes ----------------------------------------------------------------------------------------


@router.get("", responses=READ_ERRORS)
def get_products(
    db: DbDep, tenant: Reader, gwp: GwpQuery = "AR6", on: OnQuery = None
) -> ProductList:
    """Every product and configuration with its footprint [kg CO2e per product] by stage and
    its claim status."""
    return ProductList.model_validate(svc.list_products(db, tenant, gwp_set=gwp, on=on))


@router.get("/pact", responses=READ_ERRORS)
def get_supplier_footprints(db: DbDep, tenant: Reader) -> list[SupplierFootprintOut]:
    """The suppliers' PACT footprints stored for the organisation."""
    return [SupplierFootprintOut.model_validate(d) for d in svc.supplier_footprints(db, tenant)]


@router.post("/pact", status_code=201, responses={**WRITE_ERRORS, **errors(413)})
def post_supplier_footprint(body: PactImport, db: DbDep, tenant: Editor) -> PactImported:
    """Import a supplier's PACT v2 footprint: validated (422 with ``field`` naming the
    property, e.g. ``document.pcf.declaredUnit``; nothing stored), then it replaces the
    database average of the parts its ``productIds`` name. Audited."""
    return PactImported.model_validate(svc.import_pact(db, tenant, body.document))


@router.get("/{product}/{config}", responses=READ_ERRORS)
def get_footprint(
    product: ProductPath,
    config: ConfigPath,
    db: DbDep,
    tenant: Reader,
    gwp: GwpQuery = "AR6",
    on: OnQuery = None,
    lines: Annotated[bool, Query(description="Include every demand line")] = False,
    top: Annotated[int, Query(ge=0, le=50, description="Hot spots to list")] = 10,
) -> FootprintOut:
    """A configuration's footprint by life-cycle stage with its hot spots and claim."""
    doc = svc.footprint_view(db, tenant, product, config, gwp_set=gwp, on=on, lines=lines, top=top)
    return FootprintOut.model_validate(doc)


def _label(
    fmt: str, product: str, config: str, db: Any, tenant: Any, gwp: str, on: date | None
) -> Response:
    name, data, media = svc.label_file(db, tenant, product, config, fmt, gwp_set=gwp, on=on)
    return file_response(name, data, media)


@router.get(
    "/{product}/{config}/label.svg",
    response_class=Response,
    responses={**file_content("image/svg+xml"), **READ_ERRORS},
)
def get_label_svg(
    product: ProductPath,
    config: ConfigPath,
    db: DbDep,
    tenant: Reader,
    gwp: GwpQuery = "AR6",
    on: OnQuery = None,
) -> Response:
    """The label (SVG): footprint, stages, claim status, QR code of the public evidence page."""
    return _label("svg", product, config, db, tenant, gwp, on)


@router.get(
    "/{product}/{config}/label.png",
    response_class=Response,
    responses={**file_content("image/png"), **READ_ERRORS},
)
def get_label_png(
    product: ProductPath,
    config: ConfigPath,
    db: DbDep,
    tenant: Reader,
    gwp: GwpQuery = "AR6",
    on: OnQuery = None,
) -> Response:
    """The label (PNG)."""
    return _label("png", product, config, db, tenant, gwp, on)


@router.get("/{product}/{config}/pact", responses=READ_ERRORS)
def get_pact(
    product: ProductPath,
    config: ConfigPath,
    db: DbDep,
    tenant: Reader,
    gwp: GwpQuery = "AR6",
    on: OnQuery = None,
) -> dict[str, Any]:
    """The configuration's cradle-to-gate footprint as a PACT v2 ``ProductFootprint``."""
    return svc.pact_export(db, tenant, product, config, gwp_set=gwp, on=on)


class ClaimVersionOut(BaseModel):
    """One issued version of a claim (decision 0030)."""

    version: int
    sha256: str
    issued_at: str
    issued_by: str
    footprint_kg_co2e_per_unit: float
    retired_t_co2e: float
    public_url: str | None


class IssuedOut(BaseModel):
    """The result of issuing a claim: the version in force (new or unchanged) and all."""

    version: int
    sha256: str
    created: bool
    public_url: str | None
    versions: list[ClaimVersionOut]


@router.get("/{product}/{config}/claim/versions", responses=READ_ERRORS)
def get_claim_versions(
    product: ProductPath, config: ConfigPath, db: DbDep, tenant: Reader
) -> list[ClaimVersionOut]:
    """Every issued version of the configuration's claim, oldest first, with its public page
    (``/p/{org}/{product}/{config}/v/{n}``)."""
    return [
        ClaimVersionOut.model_validate(v) for v in svc.claim_versions(db, tenant, product, config)
    ]


@router.post("/{product}/{config}/claim/issue", responses={**WRITE_ERRORS, **errors(409)})
def post_issue_claim(
    product: ProductPath, config: ConfigPath, db: DbDep, tenant: Editor
) -> IssuedOut:
    """Issue (or reissue) the configuration's claim: the footprint, stages, credits and checks
    its public page shows are frozen as a new immutable version when they changed since the
    last one (``created``); otherwise the last version stands. 409 when the claim does not
    hold. Audited (``products.claim_issue``)."""
    return IssuedOut.model_validate(svc.issue_claim(db, tenant, product, config))
