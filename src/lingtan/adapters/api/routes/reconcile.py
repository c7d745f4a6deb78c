"""``/orgs/{org}/reconcile``: the organisation's published figures compared with lingtan's
(issue 10 item 11; docs/reconcile.md): every difference with its cause."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.reconcile import FiguresFileUpdate, ReconciliationPublic
from lingtan.adapters.services import reconcile as svc
from lingtan.core.reconcile import DEFAULT_TOLERANCE

router = APIRouter(prefix="/orgs/{org}/reconcile", tags=["reconcile"])


@router.get("", responses=READ_ERRORS)
def get_reconciliation(
    tenant: Reader,
    fiscal_year: Annotated[
        str | None, Query(max_length=20, description="Only figures of this year (FY2023-24)")
    ] = None,
    tolerance: Annotated[
        float, Query(ge=0, le=1, description="Relative tolerance (0.0001 = 0.01 %)")
    ] = DEFAULT_TOLERANCE,
) -> ReconciliationPublic:
    """Compare ``published/figures.csv`` with the newest inventories and project figures; 404
    until a figures file exists."""
    return ReconciliationPublic.model_validate(svc.reconcile_report(tenant, fiscal_year, tolerance))


@router.put("", responses={**WRITE_ERRORS, **errors(413)})
def put_figures(body: FiguresFileUpdate, db: DbDep, tenant: Editor) -> ReconciliationPublic:
    """Replace the published figures file. An invalid file is refused with 422 naming row and
    column; nothing is stored then. Audited."""
    return ReconciliationPublic.model_validate(svc.replace_figures(db, tenant, body.content))


@router.get("/file", response_class=Response, responses={**file_content("text/csv"), **READ_ERRORS})
def get_figures_file(tenant: Reader) -> Response:
    """The published figures file as stored (CSV)."""
    name, data = svc.figures_file(tenant)
    return file_response(name, data, "text/csv; charset=utf-8")
