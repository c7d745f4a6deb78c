"""``/orgs/{org}/risks``: the risk and opportunity register, the scoring matrix and the reviews
(issue 17 items 1–2, decision 0080) — items with their ratings, filters, the heat map, reviews
due, the matrix (changing it re-rates every item), a CSV/XLSX import (all or nothing) and
export.

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_register` and returns a
schema. Reading needs ``read``, changing ``edit_data``; another organisation's item is a 404.
This router is included after the other risk routers, so that ``/risks/aspects`` & co. are
theirs; the service refuses item codes that would shadow them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile, status
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    read_upload,
    register_file,
)
from lingtan.adapters.api.schemas.risk_register import (
    Band,
    Category,
    DueReviewPublic,
    HeatCell,
    HeatMapPublic,
    Horizon,
    ItemKind,
    RiskImportPublic,
    RiskItemCreate,
    RiskItemPublic,
    RiskItemUpdate,
    RiskMatrixPublic,
    RiskMatrixSetPublic,
    RiskMatrixUpdate,
    RiskReviewCreate,
    RiskReviewPublic,
    Status,
)
from lingtan.adapters.services import risk_register as sv
from lingtan.adapters.store.risk_register import RiskItemRow
from lingtan.modules.risk.matrix import RiskMatrix

router = APIRouter(prefix="/orgs/{org}/risks", tags=["risks"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
CodePath = Annotated[
    str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
SearchText = Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]


def _public(row: RiskItemRow) -> RiskItemPublic:
    return RiskItemPublic.model_validate(sv.item_dict(row))


def _matrix_public(m: RiskMatrix) -> RiskMatrixPublic:
    return RiskMatrixPublic.model_validate(m.to_dict())


@router.get("", responses=READ_ERRORS)
def list_items(
    db: DbDep,
    tenant: Reader,
    kind: ItemKind | None = None,
    category: Category | None = None,
    band: Band | None = None,
    horizon: Horizon | None = None,
    status: Status | None = None,
    q: SearchText = None,
) -> list[RiskItemPublic]:
    """The register by code, filtered by kind, category, band (``unrated``), horizon, status
    and text."""
    rows = sv.list_items(db, tenant, kind=kind, category=category, band=band, horizon=horizon,
                         q=q, status=status)  # fmt: skip
    return [_public(r) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_item(body: RiskItemCreate, db: DbDep, tenant: Editor) -> RiskItemPublic:
    """Add a risk or opportunity, rated under the matrix (audited)."""
    return _public(sv.create_item(db, tenant, body.model_dump(exclude_none=True)))


@router.get("/matrix", responses=READ_ERRORS)
def get_matrix(db: DbDep, tenant: Reader) -> RiskMatrixPublic:
    """The scoring matrix (lingtan's defaults until one is set)."""
    return _matrix_public(sv.get_matrix(db, tenant))


@router.put("/matrix", responses=WRITE_ERRORS)
def put_matrix(body: RiskMatrixUpdate, db: DbDep, tenant: Editor) -> RiskMatrixSetPublic:
    """Set the matrix and re-rate every item under it (audited)."""
    n = sv.set_matrix(db, tenant, body.model_dump(exclude_none=True))
    return RiskMatrixSetPublic(matrix=_matrix_public(sv.get_matrix(db, tenant)), rerated=n)


@router.get("/heatmap", responses=READ_ERRORS)
def heatmap(db: DbDep, tenant: Reader) -> HeatMapPublic:
    """Open rated items per likelihood × consequence cell (the counts add up to ``rated``)."""
    hm = sv.heatmap(db, tenant)
    cells = [
        HeatCell(likelihood=li, consequence=c, band=hm.bands[(li, c)],
                 count=hm.counts.get((li, c), 0), codes=list(hm.codes.get((li, c), ())))
        for li in range(1, hm.likelihood_levels + 1)
        for c in range(1, hm.consequence_levels + 1)
    ]  # fmt: skip
    return HeatMapPublic(likelihood_levels=hm.likelihood_levels,
                         consequence_levels=hm.consequence_levels, cells=cells, rated=hm.rated,
                         unrated=hm.unrated)  # fmt: skip


@router.get("/due", responses=READ_ERRORS)
def due(db: DbDep, tenant: Reader, on: date | None = None) -> list[DueReviewPublic]:
    """Open items whose review is due on ``on`` (default today), overdue first."""
    return [DueReviewPublic.model_validate(d, from_attributes=True)
            for d in sv.due_reviews(db, tenant, on=on)]  # fmt: skip


@router.post("/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_register(
    file: Annotated[UploadFile, File(description="CSV or XLSX file of the register")],
    db: DbDep,
    tenant: Editor,
) -> RiskImportPublic:
    """Add or update the items of a register file, all or nothing (every wrong cell named)."""
    res = sv.import_register(db, tenant, read_upload(file), file.filename or "risks.csv")
    return RiskImportPublic(created=list(res.created), updated=list(res.updated))


@router.get(
    "/export",
    responses={**READ_ERRORS, **file_content("text/csv", "application/octet-stream")},
    response_class=Response,
)
def export_register(db: DbDep, tenant: Reader, format: Literal["csv", "xlsx"] = "csv") -> Response:
    """The register as a CSV (UTF-8) or XLSX file that ``POST …/import`` reads back."""
    return register_file("risks", format, sv.export_register(db, tenant, format))


@router.get("/{code}", responses=READ_ERRORS)
def get_item(code: CodePath, db: DbDep, tenant: Reader) -> RiskItemPublic:
    """One item."""
    return _public(sv.get_item(db, tenant, code))


@router.patch("/{code}", responses=WRITE_ERRORS)
def update_item(code: CodePath, body: RiskItemUpdate, db: DbDep, tenant: Editor) -> RiskItemPublic:
    """Change an item, re-rated under the matrix (audited)."""
    return _public(sv.update_item(db, tenant, code, body.model_dump(exclude_unset=True)))


@router.get("/{code}/reviews", responses=READ_ERRORS)
def reviews(code: CodePath, db: DbDep, tenant: Reader) -> list[RiskReviewPublic]:
    """The item's reviews, newest first."""
    return [RiskReviewPublic.model_validate(sv.review_dict(r))
            for r in sv.reviews(db, tenant, code)]  # fmt: skip


@router.post("/{code}/reviews", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def review(code: CodePath, body: RiskReviewCreate, db: DbDep, tenant: Editor) -> RiskReviewPublic:
    """Review an item: its new ratings, the score and band they come to, the next review."""
    row = sv.review_item(db, tenant, code, likelihood=body.likelihood,
                         consequences=body.consequences, reviewed=body.reviewed,
                         note=body.note)  # fmt: skip
    return RiskReviewPublic.model_validate(sv.review_dict(row))
