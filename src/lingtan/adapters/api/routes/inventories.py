"""``/orgs/{org}/calculations``, ``/snapshots``, ``/inventories`` and lineage (``explain``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response

from lingtan.adapters import services
from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    FigureSelection,
    FiscalYearPath,
    SnapshotIdPath,
    file_content,
    file_response,
)
from lingtan.adapters.api.routes.imports import _wake
from lingtan.adapters.api.schemas.imports import JobPublic
from lingtan.adapters.api.schemas.inventories import (
    BreakdownPublic,
    CalculationCreate,
    ExplanationPublic,
    InventoryPublic,
    InventoryYearsPublic,
    SnapshotPublic,
)
from lingtan.adapters.services.inventories import Breakdown
from lingtan.adapters.services.lineage import (
    LINEAGE_PAGE_SIZE,
    inventory_workbook,
    lineage_download,
    lineage_page,
)

router = APIRouter(prefix="/orgs/{org}", tags=["inventories"])


@router.post("/calculations", status_code=status.HTTP_202_ACCEPTED, responses=WRITE_ERRORS)
def start_calculation(
    request: Request, body: CalculationCreate, db: DbDep, tenant: Editor
) -> JobPublic:
    """Calculate a fiscal year in the background; the job's result names the snapshot."""
    job = services.start_calculation(db, tenant, body.fiscal_year, body.gwp_set)
    _wake(request)
    return JobPublic.model_validate(job)


@router.get("/snapshots", responses=READ_ERRORS)
def list_snapshots(
    tenant: Reader,
    fiscal_year: Annotated[
        str | None, Query(max_length=20, pattern=r"^(?:FY|CY|fy|cy)?\d{4}(?:[-/]\d{2,4})?$")
    ] = None,
) -> list[SnapshotPublic]:
    """Stored calculations, newest first, each with its completeness ``status``."""
    from lingtan.adapters.services.inventories import snapshot_summary

    return [
        SnapshotPublic.model_validate(snapshot_summary(s))
        for s in services.list_snapshots(tenant, fiscal_year)
    ]


@router.get("/inventories", responses=READ_ERRORS)
def inventory_years(db: DbDep, tenant: Reader) -> InventoryYearsPublic:
    """Fiscal years with an inventory, the base year, and the trend of the totals."""
    return InventoryYearsPublic.model_validate(services.inventory_years(db, tenant))


@router.get("/inventories/{fiscal_year}", responses=READ_ERRORS)
def inventory(fiscal_year: FiscalYearPath, db: DbDep, tenant: Reader) -> InventoryPublic:
    """The inventory of a fiscal year (newest snapshot): the document of docs/output.md
    (with its ``completeness`` section and ``status``) plus ``fiscal_years``, ``base_year``,
    ``trend`` and ``aggregate_rows``."""
    return InventoryPublic.model_validate(services.inventory_view(db, tenant, fiscal_year))


@router.get("/inventories/{fiscal_year}/breakdown", responses=READ_ERRORS)
def breakdown(
    fiscal_year: FiscalYearPath,
    tenant: Reader,
    by: Breakdown = "scope",
    basis: Literal["market", "location"] = "market",
) -> BreakdownPublic:
    """The inventory split by scope, category (``<scope>.<category>``), site, entity, month,
    gas, ISO 14064-1 category, data tier, supplier or product (``unattributed``: the emissions
    without one; decision 0044) [t CO2e and % of the total]."""
    return BreakdownPublic.model_validate(services.breakdown(tenant, fiscal_year, by, basis))


@router.get(
    "/inventories/{fiscal_year}/download",
    response_class=Response,
    responses={
        **file_content(
            "application/json",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        **READ_ERRORS,
    },
)
def download(
    fiscal_year: FiscalYearPath,
    db: DbDep,
    tenant: Reader,
    format: Literal["json", "csv", "xlsx"] = "json",
    lang: Literal["zh-CN", "en"] = "en",
) -> Response:
    """The inventory as JSON, CSV (long format; a share is of the total of its basis) or the
    reviewer's XLSX workbook (summary with shares, gases, activity rows, factors, lineage;
    headers in ``lang``; decision 0057)."""
    if format == "xlsx":
        return file_response(*inventory_workbook(db, tenant, fiscal_year, lang))
    return file_response(*services.inventory_download(tenant, fiscal_year, format))


@router.get("/snapshots/{snapshot_id}/explain", responses=READ_ERRORS)
def explain(
    snapshot_id: SnapshotIdPath,
    db: DbDep,
    tenant: Reader,
    figure: Annotated[FigureSelection, Depends()],
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> ExplanationPublic:
    """Lineage: the activity rows behind a figure, each with its arithmetic, the factors
    used, and the check that they add up to the inventory's figure."""
    return ExplanationPublic.model_validate(
        services.explain_number(
            db, tenant, snapshot_id, figure.selector(), limit=limit, offset=offset
        )
    )


@router.get("/snapshots/{snapshot_id}/lineage", responses=READ_ERRORS)
def lineage(
    snapshot_id: SnapshotIdPath,
    db: DbDep,
    tenant: Reader,
    figure: Annotated[FigureSelection, Depends()],
    page: Annotated[int, Query(ge=1, le=10_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=5000)] = LINEAGE_PAGE_SIZE,
    sort: Literal["row", "co2e_desc", "co2e_asc"] = "row",
) -> dict[str, Any]:
    """Lineage folded to one line per activity row: ``rows`` (file name, spreadsheet ``row``,
    ``factors``, ``kg_co2e_per_unit``, ``co2e_kg``, ``gases``), ``total_rows``, ``page``,
    ``pages``, the factors used and the figure's check (decision 0057)."""
    return lineage_page(
        db, tenant, snapshot_id, figure.selector(), page=page, page_size=page_size, sort=sort
    )


@router.get(
    "/snapshots/{snapshot_id}/lineage/download",
    response_class=Response,
    responses={
        **file_content(
            "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        **READ_ERRORS,
    },
)
def lineage_file(
    snapshot_id: SnapshotIdPath,
    db: DbDep,
    tenant: Reader,
    figure: Annotated[FigureSelection, Depends()],
    format: Literal["csv", "xlsx"] = "csv",
    sort: Literal["row", "co2e_desc", "co2e_asc"] = "row",
    lang: Literal["zh-CN", "en"] = "en",
) -> Response:
    """Every activity row behind a figure as CSV (UTF-8 with BOM, headers in ``lang``) or
    XLSX (activity rows, factors and lineage sheets)."""
    return file_response(
        *lineage_download(
            db, tenant, snapshot_id, figure.selector(), format, sort=sort, locale=lang
        )
    )
