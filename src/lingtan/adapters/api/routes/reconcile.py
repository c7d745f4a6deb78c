"""``/orgs/{org}/reconcile``: the organisation's published figures compared with lingtan's
(issue 10 item 11; docs/reconcile.md): every difference with its cause."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.services import reconcile as svc
from lingtan.adapters.io.published_figures import MAX_BYTES
from lingtan.core.reconcile import DEFAULT_TOLERANCE

router = APIRouter(prefix="/orgs/{org}/reconcile", tags=["reconcile"])


class NearestFactor(BaseModel):
    """The library's electricity factor nearest to a figure's implied factor."""

    factor_id: str
    set: str
    region: str
    valid_from: str
    valid_to: str | None
    kg_per_kwh: float
    implied_vs_factor_pct: float = Field(description="(implied / factor − 1) · 100 [%]")


class FindingOut(BaseModel):
    """One published figure, lingtan's value and the cause of any difference. ``published``
    and ``computed_rounded`` are decimal strings as printed; ``computed`` and ``difference``
    (published − computed) are in ``unit``."""

    id: str
    label: str
    reference: str
    fiscal_year: str
    kind: str
    published: str
    unit: str
    decimals: int
    computed: float | None
    computed_rounded: str | None
    difference: float | None
    status: str = Field(
        description="input | missing | match | rounding | copied | factor_basis | "
        "implied_factor | unexplained"
    )
    cause: str
    cause_code: str = Field(description="key of the cause sentence (docs/reconcile.md)")
    cause_params: dict[str, str]
    implied_factor_kg_per_kwh: float | None
    nearest_factor: NearestFactor | None
    other_years: dict[str, str]
    note: str


class ReconcileOut(BaseModel):
    """The reconciliation: counts per status, the inventories used (fiscal year → snapshot id)
    and one finding per figure, in file order."""

    organisation: str
    source: str
    tolerance: float
    counts: dict[str, int]
    snapshots: dict[str, str]
    findings: list[FindingOut]


class FiguresFileUpdate(BaseModel):
    """A new published figures file: the CSV text (docs/reconcile.md)."""

    content: str = Field(max_length=MAX_BYTES, description="CSV text")


@router.get("", responses=READ_ERRORS)
def get_reconciliation(
    db: DbDep,
    tenant: Reader,
    fiscal_year: Annotated[
        str | None, Query(max_length=20, description="Only figures of this year (FY2023-24)")
    ] = None,
    tolerance: Annotated[
        float, Query(ge=0, le=1, description="Relative tolerance (0.0001 = 0.01 %)")
    ] = DEFAULT_TOLERANCE,
) -> ReconcileOut:
    """Compare ``published/figures.csv`` with the newest inventories and project figures; 404
    until a figures file exists."""
    return ReconcileOut.model_validate(svc.reconcile_report(db, tenant, fiscal_year, tolerance))


@router.put("", responses={**WRITE_ERRORS, **errors(413)})
def put_figures(body: FiguresFileUpdate, db: DbDep, tenant: Editor) -> ReconcileOut:
    """Replace the published figures file. An invalid file is refused with 422 naming row and
    column; nothing is stored then. Audited."""
    return ReconcileOut.model_validate(svc.replace_figures(db, tenant, body.content))


@router.get("/file", response_class=Response, responses={**file_content("text/csv"), **READ_ERRORS})
def get_figures_file(db: DbDep, tenant: Reader) -> Response:
    """The published figures file as stored (CSV)."""
    name, data = svc.figures_file(db, tenant)
    return file_response(name, data, "text/csv; charset=utf-8")
