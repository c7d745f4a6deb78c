"""Targets and reduction planning (issue 5): the targets dashboard (each target's actual vs linear
pathway with its status and gap, the SBTi check with its clauses, the KPIs), the MACC of a
fiscal year, and the least-cost plan (waterfall, stacked chart, why each project was or was not
chosen). Analysts, admins and owners replace the targets file and recompute the plan.

Every figure comes from the API's targets services (:mod:`lingtan.adapters.services.targets`,
over :mod:`lingtan.modules.targets`); the pages only lay them out.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web import backend, charts
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import query_string, translator
from lingtan.adapters.web.session import OrgDep, OrgPage, bad_request

router = APIRouter()

#: target statuses in the order the summary shows them (lingtan.modules.targets.Status)
STATUSES = ("achieved", "on_track", "off_track", "no_data", "not_assessable")
MAX_TARGETS_TEXT = 1024 * 1024  # [characters] the service refuses larger files


def _latest_point(progress: dict[str, Any]) -> dict[str, Any] | None:
    """The point of the target's status: its latest year with an actual value."""
    year = progress.get("latest_year")
    return next((p for p in progress["points"] if p["year"] == year), None)


@router.get("/o/{org}/targets", response_class=HTMLResponse)
def targets(request: Request, op: OrgDep) -> HTMLResponse:
    """Each target's pathway chart (actual vs linear pathway), status and gap; SBTi results
    with their clauses; KPIs; the emissions used."""
    doc = backend.targets_overview(op.tenant)
    can_edit = op.org.can("edit_data")
    if doc is None:
        return org_render(request, op, "targets.html", "targets", doc=None, can_edit=can_edit)
    t = translator(request)
    progress = doc["targets"]
    counts = {s: sum(1 for p in progress if p["status"] == s) for s in STATUSES}
    return org_render(
        request,
        op,
        "targets.html",
        "targets",
        doc=doc,
        can_edit=can_edit,
        counts=counts,
        statuses=STATUSES,
        latest={p["target"]["id"]: _latest_point(p) for p in progress},
        charts={p["target"]["id"]: charts.target_pathway(p, t) for p in progress},
        macc_url=f"/o/{op.org.slug}/targets/macc",
        plan_url=f"/o/{op.org.slug}/targets/plan",
    )


@router.get("/o/{org}/targets/edit", response_class=HTMLResponse)
def edit_form(request: Request, op: OrgDep) -> HTMLResponse:
    """The targets file in a text box, to replace (analysts, admins, owners)."""
    op.require("edit_data")
    text = backend.targets_text(op.tenant)
    return org_render(request, op, "targets_edit.html", "targets", content=text, error=None)


@router.post("/o/{org}/targets/edit", response_model=None)
def save(
    request: Request,
    op: OrgDep,
    content: Annotated[str, Form(max_length=MAX_TARGETS_TEXT)],
) -> Response:
    """Store the new targets file; an invalid one is shown again with the error naming its
    field, and nothing is stored."""
    op.require("edit_data")
    try:
        backend.replace_targets(op.db, op.tenant, content.replace("\r\n", "\n"))
    except ServiceError as exc:
        return org_render(
            request,
            op,
            "targets_edit.html",
            "targets",
            content=content,
            error=exc.message,
            error_field=exc.field,
            status_code=http_status(exc),
        )
    return RedirectResponse(f"/o/{op.org.slug}/targets", status_code=303)


@router.get("/o/{org}/targets/macc", response_class=HTMLResponse)
def macc_page(
    request: Request,
    op: OrgDep,
    fy: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The marginal abatement cost curve of a fiscal year: bar width = abatement [t CO2e/yr],
    height = cost [currency / t CO2e], cheapest first."""
    doc = backend.targets_overview(op.tenant)
    if doc is None:
        return org_render(request, op, "targets.html", "targets", doc=None, can_edit=False)
    years = doc["years"]
    # default: the plan's first year, else the latest year there are emissions or projects for
    default = (years[0] if doc["plan_configured"] else years[-1]) if years else None
    year = fy or default
    curve = None
    if year is not None:
        try:
            curve = backend.targets_macc(op.tenant, year)
        except ServiceError as exc:
            raise bad_request(exc.message) from exc
    t = translator(request)
    return org_render(
        request,
        op,
        "targets_macc.html",
        "targets",
        years=years,
        year=year,
        curve=curve,
        chart=None if curve is None else charts.macc(curve, t),
        year_url=lambda y: f"/o/{op.org.slug}/targets/macc?{query_string({'fy': y})}",
    )


@router.get("/o/{org}/targets/plan", response_class=HTMLResponse)
def plan_page(request: Request, op: OrgDep) -> HTMLResponse:
    """The plan last computed: waterfall to the last year, stacked chart per year, why each
    project is or is not in it, and every requirement checked."""
    return _plan_response(request, op)


def _plan_response(
    request: Request, op: OrgPage, error: str = "", status_code: int = 200
) -> HTMLResponse:
    """The plan page; ``error`` says why computing a plan was refused (decision 0056: the
    page with its navigation, not an error page)."""
    doc = backend.targets_overview(op.tenant)
    saved = backend.saved_plan(op.tenant) if doc is not None else None
    t = translator(request)
    res = None if saved is None else saved["result"]
    optimal = res is not None and res["status"] == "optimal"
    return org_render(
        request,
        op,
        "targets_plan.html",
        "targets",
        doc=doc,
        saved=saved,
        res=res,
        can_edit=op.org.can("edit_data"),
        candidates=backend.plan_candidates(op.tenant) if doc and saved is None else None,
        waterfall=charts.waterfall(res, t) if optimal and res else None,
        stacked=charts.plan_stacked(res, t) if optimal and res else None,
        error=error,
        status_code=status_code,
    )


@router.post("/o/{org}/targets/plan", response_model=None)
def compute(request: Request, op: OrgDep) -> Response:
    """Compute the least-cost plan from the targets file and keep it (audited); refused, the
    plan page says why."""
    op.require("edit_data")
    try:
        backend.compute_plan(op.db, op.tenant)
    except ServiceError as exc:
        t = translator(request)
        doc = backend.targets_overview(op.tenant)
        reason = t("plan.not_configured") if doc and not doc["plan_configured"] else exc.message
        return _plan_response(request, op, t("setup.plan_failed", reason=reason), 422)
    return RedirectResponse(f"/o/{op.org.slug}/targets/plan", status_code=303)
