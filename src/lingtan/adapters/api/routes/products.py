"""``/orgs/{org}/products``: product carbon footprints (issue 6) — the organisation's products
and configurations, a configuration's footprint by life-cycle stage with its hot spots and
claim, its label (SVG, PNG), its PACT v2 export, and suppliers' PACT footprints in
(docs/products.md, section Server)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.products import (
    ClaimIssuePublic,
    ClaimVersionPublic,
    FootprintPublic,
    PactFootprintPublic,
    PactImportCreate,
    PactImportPublic,
    ProductListPublic,
    SupplierFootprintPublic,
)
from lingtan.adapters.services import products as svc

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


@router.get("", responses=READ_ERRORS)
def get_products(
    db: DbDep, tenant: Reader, gwp: GwpQuery = "AR6", on: OnQuery = None
) -> ProductListPublic:
    """Every product and configuration with its footprint [kg CO2e per product] by stage and
    its claim status."""
    return ProductListPublic.model_validate(svc.list_products(db, tenant, gwp_set=gwp, on=on))


@router.get("/pact", responses=READ_ERRORS)
def get_supplier_footprints(db: DbDep, tenant: Reader) -> list[SupplierFootprintPublic]:
    """The suppliers' PACT footprints stored for the organisation."""
    return [SupplierFootprintPublic.model_validate(d) for d in svc.supplier_footprints(db, tenant)]


@router.post("/pact", status_code=201, responses={**WRITE_ERRORS, **errors(413)})
def post_supplier_footprint(body: PactImportCreate, db: DbDep, tenant: Editor) -> PactImportPublic:
    """Import a supplier's PACT v2 footprint: validated (422 with ``field`` naming the
    property, e.g. ``document.pcf.declaredUnit``; nothing stored), then it replaces the
    database average of the parts its ``productIds`` name. Audited."""
    return PactImportPublic.model_validate(svc.import_pact(db, tenant, body.document))


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
) -> FootprintPublic:
    """A configuration's footprint by life-cycle stage with its hot spots and claim."""
    doc = svc.footprint_view(db, tenant, product, config, gwp_set=gwp, on=on, lines=lines, top=top)
    return FootprintPublic.model_validate(doc)


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
) -> PactFootprintPublic:
    """The configuration's cradle-to-gate footprint as a PACT v2 ``ProductFootprint``."""
    return PactFootprintPublic.model_validate(
        svc.pact_export(db, tenant, product, config, gwp_set=gwp, on=on)
    )


@router.get("/{product}/{config}/claim/versions", responses=READ_ERRORS)
def get_claim_versions(
    product: ProductPath, config: ConfigPath, db: DbDep, tenant: Reader
) -> list[ClaimVersionPublic]:
    """Every issued version of the configuration's claim, oldest first, with its public page
    (``/p/{org}/{product}/{config}/v/{n}``)."""
    return [
        ClaimVersionPublic.model_validate(v)
        for v in svc.claim_versions(db, tenant, product, config)
    ]


@router.post("/{product}/{config}/claim/issue", responses={**WRITE_ERRORS, **errors(409)})
def post_issue_claim(
    product: ProductPath, config: ConfigPath, db: DbDep, tenant: Editor
) -> ClaimIssuePublic:
    """Issue (or reissue) the configuration's claim: the footprint, stages, credits and checks
    its public page shows are frozen as a new immutable version when they changed since the
    last one (``created``); otherwise the last version stands. 409 when the claim does not
    hold. Audited (``products.claim_issue``)."""
    return ClaimIssuePublic.model_validate(svc.issue_claim(db, tenant, product, config))
