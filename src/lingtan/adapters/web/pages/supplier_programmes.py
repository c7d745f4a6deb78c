"""Supplier projects and training in the web app (issue 15 items 6–7, decision 0067): the
supply-chain KPI ("1 Mt by FY2025/26") with its progress, pathway and status, the
implied-factor warnings, each programme's and the group's totals, the project ledger, and the
training counts of a fiscal year.

Every figure comes from :mod:`lingtan.adapters.services.supplier_programmes`; the page only lays
them out.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from lingtan.adapters.services import supplier_programmes as svc
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.session import OrgDep

router = APIRouter()


@router.get("/o/{org}/supplier-programmes", response_class=HTMLResponse)
def overview(request: Request, op: OrgDep, fy: str | None = None) -> HTMLResponse:
    """The KPI, warnings, programmes, ledger and training counts (of fiscal year ``fy``, every
    event when none or not understood)."""
    ledger = svc.projects_ledger(op.db, op.tenant)
    try:
        training = svc.training_summary(op.db, op.tenant, fiscal_year=fy or None)
    except ServiceError:
        fy = None
        training = svc.training_summary(op.db, op.tenant)
    return org_render(
        request, op, "supplier_programmes.html", "suppliers",
        ledger=ledger, kpi=ledger["kpi"], training=training, fy=fy,
    )  # fmt: skip
