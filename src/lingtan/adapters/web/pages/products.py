"""Product carbon footprints (issue 6 in the web app): the organisation's products with their
footprints and claims, a configuration's page (stage breakdown chart, hot spots by BOM line,
component, material, supplier and supply-chain process, the carbon-neutral claim with its
evidence, the label with download links), and the **public evidence page** a label's QR code
opens (``/p/{org}/{product}/{config}``, no login; only for a configuration whose claim the
organisation publishes — decision 0025).

Every figure comes from :mod:`lingtan.adapters.services.products` (over the library's
product workflow); the pages lay them out. Downloads are the JSON API's (the session cookie
opens it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.services import products as svc
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.bootstrap import SLUG_PATTERN
from lingtan.adapters.web import backend
from lingtan.adapters.web.charts import empty
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import query_string, render, translator
from lingtan.adapters.web.session import OrgDep, bad_request, not_found

router = APIRouter()

STAGES = ("materials", "manufacturing", "distribution", "use", "end_of_life")
STAGE_COLOURS = ("#2f7a68", "#9c3d1c", "#e0a526", "#3a6ea5", "#5b6770")
_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"
IdPath = Annotated[str, Path(pattern=_ID, max_length=80)]
GwpQuery = Annotated[str, Query(pattern=r"^AR[456]$")]
OnQuery = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")]


def stage_chart(stages: Mapping[str, float], t: Callable[..., str]) -> dict[str, Any]:
    """ECharts option: one bar per life-cycle stage [kg CO2e per product]; when no stage has
    emissions (nothing, or only zeros), the empty state of every chart
    (:func:`lingtan.adapters.web.charts.empty`: title and message, no axes; decision 0054)."""
    if all(not float(stages.get(s) or 0.0) for s in STAGES):
        return empty(t("products.chart_stages"), t("chart.empty.stages"))
    return {
        "aria": {"enabled": True},
        "title": {
            "text": t("products.chart_stages"),
            "left": "left",
            "textStyle": {"fontSize": 14},
        },
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"containLabel": True, "left": 8, "right": 24, "top": 40, "bottom": 8},
        "xAxis": {"type": "value", "name": t("unit.kgco2e")},
        "yAxis": {
            "type": "category",
            "inverse": True,
            "data": [t(f"products.stage_{s}") for s in STAGES],
        },
        "series": [
            {
                "type": "bar",
                "name": t("products.col_kg"),
                "data": [
                    {"value": float(stages.get(s, 0.0)), "itemStyle": {"color": c}}
                    for s, c in zip(STAGES, STAGE_COLOURS, strict=True)
                ],
            }
        ],
    }


def _on(on: str | None) -> date | None:
    if on is None:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError as exc:
        raise bad_request(f"on={on}: {exc}") from None


def _page_error(exc: ServiceError) -> Exception:
    return not_found(exc.message) if http_status(exc) == 404 else bad_request(exc.message)


@router.get("/o/{org}/products", response_class=HTMLResponse)
def products(
    request: Request, op: OrgDep, gwp: GwpQuery = "AR6", on: OnQuery = None
) -> HTMLResponse:
    """Every product and configuration: footprint [kg CO2e per product], stages, claim."""
    try:
        doc = svc.list_products(op.db, op.tenant, gwp_set=gwp, on=_on(on))
    except ServiceError as exc:
        raise _page_error(exc) from exc
    q = query_string({"gwp": gwp if gwp != "AR6" else None, "on": on})
    return org_render(
        request,
        op,
        "products.html",
        "products",
        doc=doc,
        stages=STAGES,
        gwp=gwp,
        on=doc["on"],
        detail_url=lambda p, c: f"/o/{op.org.slug}/products/{p}/{c}" + (f"?{q}" if q else ""),
    )


@router.get("/o/{org}/products/{product}/{config}", response_class=HTMLResponse)
def product_page(
    request: Request,
    op: OrgDep,
    product: IdPath,
    config: IdPath,
    gwp: GwpQuery = "AR6",
    on: OnQuery = None,
) -> HTMLResponse:
    """A configuration: stage chart, hot spots, claim and evidence, label and downloads."""
    try:
        fp = svc.footprint_view(op.db, op.tenant, product, config, gwp_set=gwp, on=_on(on))
    except ServiceError as exc:
        raise _page_error(exc) from exc
    t = translator(request)
    api = f"/api/v1/orgs/{op.org.slug}/products/{product}/{config}"
    versions = svc.claim_versions(op.db, op.tenant, product, config) if fp["claim"] else []
    q = query_string({"gwp": gwp, "on": fp["on"]})
    return org_render(
        request,
        op,
        "product.html",
        "products",
        fp=fp,
        stages=STAGES,
        gwp=gwp,
        chart=stage_chart(fp["stages_kg_co2e"], t),
        label_svg=f"{api}/label.svg?{q}",
        label_png=f"{api}/label.png?{q}",
        pact_url=f"{api}/pact?{q}",
        list_url=f"/o/{op.org.slug}/products",
        issued_versions=versions,
        issue_url=(
            f"/o/{op.org.slug}/products/{product}/{config}/issue"
            if fp["claim"] and op.org.can("edit_data")
            else None
        ),
    )


@router.post("/o/{org}/products/{product}/{config}/issue", response_model=None)
def issue(op: OrgDep, product: IdPath, config: IdPath) -> Response:
    """Issue (or reissue) the configuration's claim: its public page is frozen as a new
    version when what it shows changed (decision 0030); back to the configuration's page."""
    op.require("edit_data")
    try:
        svc.issue_claim(op.db, op.tenant, product, config)
    except ServiceError as exc:
        raise _page_error(exc) from exc
    return RedirectResponse(f"/o/{op.org.slug}/products/{product}/{config}#claim", status_code=303)


@router.get("/p/{org}/{product}/{config}", response_class=HTMLResponse)
def public_evidence(
    request: Request,
    db: backend.DbDep,
    org: Annotated[str, Path(pattern=SLUG_PATTERN)],
    product: IdPath,
    config: IdPath,
) -> HTMLResponse:
    """The public evidence page of an issued claim (no login), its latest version: footprint
    by stage and the claim's evidence exactly as issued (decision 0030); never the bill of
    materials, suppliers or hot spots."""
    return _public_page(request, db, org, product, config, None)


@router.get("/p/{org}/{product}/{config}/v/{version}", response_class=HTMLResponse)
def public_evidence_version(
    request: Request,
    db: backend.DbDep,
    org: Annotated[str, Path(pattern=SLUG_PATTERN)],
    product: IdPath,
    config: IdPath,
    version: Annotated[int, Path(ge=1, le=100_000)],
) -> HTMLResponse:
    """One issued version of a claim's public evidence page (it stays reachable when the
    claim is reissued)."""
    return _public_page(request, db, org, product, config, version)


def _public_page(
    request: Request, db: Any, org: str, product: str, config: str, version: int | None
) -> HTMLResponse:
    """Render an issued record: nothing recomputed, no per-visitor content (no user, no CSRF
    token), so the bytes depend only on the record, the versions and the language."""
    try:
        ev = svc.public_evidence(db, org, product, config, version)
    except ServiceError as exc:
        raise not_found() from exc
    t = translator(request)
    doc = ev["page"]
    return render(
        request,
        "product_public.html",
        doc=doc,
        ev=ev,
        stages=STAGES,
        chart=stage_chart(doc["stages_kg_co2e"], t),
        csrf_token="",
    )
