"""Supplier reviews in the web app (issue 15 items 2–3, decision 0064): ratings and corrective
action plans (overdue ones highlighted), the CAP KPIs, audits due in the next six months with
the audit-coverage set, a supplier's scorecard, ratings, plans and audits; and the dashboard's
block of overdue plans (:func:`overdue_block`).

Every figure comes from :mod:`lingtan.adapters.services.supplier_reviews`; the pages only lay
them out. Analysts, admins and owners record ratings and close plan items here.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import supplier_reviews as svc
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.session import OrgDep, OrgPage, not_found

router = APIRouter()

#: plans shown on the dashboard at most (the page lists them all)
DASHBOARD_PLANS = 5


def overdue_block(op: OrgPage, today: date | None = None) -> list[dict[str, Any]]:
    """The overdue plans of the organisation for the dashboard (empty when there are none, or
    when the organisation has no supplier tables yet)."""
    try:
        return svc.list_caps(op.db, op.tenant, overdue=True, today=today)
    except ServiceError:
        return []


def _fiscal_years(op: OrgPage) -> list[str]:
    from lingtan.adapters.services.suppliers import spend_years

    try:
        return list(spend_years(op.tenant))
    except ServiceError:
        return []


def _error_text(request: Request, exc: ServiceError) -> str:
    from lingtan.adapters.web.rendering import translator

    key = getattr(exc, "key", None)
    return translator(request).message(key, getattr(exc, "params", {}), exc.message)


@router.get("/o/{org}/supplier-reviews", response_class=HTMLResponse)
def overview(request: Request, op: OrgDep, fy: str | None = None) -> HTMLResponse:
    """Every plan (overdue first, highlighted), the CAP KPIs, the audit-coverage set of the
    fiscal year and the audits due within six months."""
    today = svc.today_utc()
    plans = svc.list_caps(op.db, op.tenant, today=today)
    plans.sort(key=lambda c: (c["status"] != "overdue", c["status"] == "closed", c["due"]))
    years = _fiscal_years(op)
    year = fy if fy in years else (years[-1] if years else None)
    cov = due = None
    error = None
    if year is not None:
        try:
            cov = svc.coverage(op.db, op.tenant, year)
            due = svc.audits_due(op.db, op.tenant, year, today=today)
        except ServiceError as exc:
            error = _error_text(request, exc)
    return org_render(
        request, op, "supplier_reviews.html", "suppliers",
        plans=plans, kpis=svc.cap_kpis(op.db, op.tenant, today), today=today,
        years=years, fy=year, coverage=cov, due=due, error=error,
    )  # fmt: skip


@router.get("/o/{org}/suppliers/{code}/reviews", response_class=HTMLResponse)
def supplier_page(
    request: Request, op: OrgDep, code: str, error: str | None = None
) -> HTMLResponse:
    """One supplier's latest scorecard, ratings, plans (with items) and audits."""
    try:
        ratings = svc.list_ratings(op.db, op.tenant, code)
    except ServiceError as exc:
        raise not_found(code) from exc
    kset = svc.kpi_set(op.db, op.tenant)
    cards = [svc.scorecard_dict(r, kset) for r in svc.list_scorecards(op.db, op.tenant, code)]
    return org_render(
        request, op, "supplier_reviews_supplier.html", "suppliers",
        code=code, ratings=ratings, plans=svc.list_caps(op.db, op.tenant, code=code),
        audits=svc.list_audits(op.db, op.tenant, code), card=cards[0] if cards else None,
        can_edit=op.org.can("edit_data"), error=error,
    )  # fmt: skip


def _back(op: OrgPage, code: str) -> RedirectResponse:
    return RedirectResponse(f"/o/{op.org.slug}/suppliers/{code}/reviews", status_code=303)


@router.post("/o/{org}/suppliers/{code}/reviews/ratings", response_model=None)
def add_rating(
    request: Request,
    op: OrgDep,
    code: str,
    provider: Annotated[str, Form(max_length=100)],
    score: Annotated[str, Form(max_length=20)],
    rated_on: Annotated[str, Form(max_length=10)],
) -> Response:
    """Record a rating (under 45 it opens a plan due 90 days later)."""
    op.require("edit_data")
    fields = {"provider": provider, "score": score, "rated_on": rated_on}
    try:
        svc.record_rating(op.db, op.tenant, code, fields)
    except ServiceError as exc:
        if exc.kind == "not_found":
            raise not_found(code) from exc
        return supplier_page(request, op, code, error=_error_text(request, exc))
    return _back(op, code)


@router.post("/o/{org}/suppliers/{code}/reviews/caps/{cap_id}/items", response_model=None)
def add_item(
    request: Request,
    op: OrgDep,
    code: str,
    cap_id: int,
    finding: Annotated[str, Form(max_length=500)],
    action: Annotated[str, Form(max_length=500)],
    owner: Annotated[str, Form(max_length=200)],
) -> Response:
    """Add an item to a plan."""
    op.require("edit_data")
    fields = {"finding": finding, "action": action, "owner": owner}
    try:
        svc.add_cap_item(op.db, op.tenant, code, cap_id, fields)
    except ServiceError as exc:
        if exc.kind == "not_found":
            raise not_found(code) from exc
        return supplier_page(request, op, code, error=_error_text(request, exc))
    return _back(op, code)


@router.post(
    "/o/{org}/suppliers/{code}/reviews/caps/{cap_id}/items/{item_id}/close", response_model=None
)
def close_item(
    request: Request,
    op: OrgDep,
    code: str,
    cap_id: int,
    item_id: int,
    closed_on: Annotated[str, Form(max_length=10)],
    evidence: Annotated[str, Form(max_length=300)],
) -> Response:
    """Close a plan item with its evidence."""
    op.require("edit_data")
    try:
        svc.close_cap_item(op.db, op.tenant, code, cap_id, item_id,
                           closed_on=closed_on, evidence=evidence)  # fmt: skip
    except ServiceError as exc:
        if exc.kind == "not_found":
            raise not_found(code) from exc
        return supplier_page(request, op, code, error=_error_text(request, exc))
    return _back(op, code)
