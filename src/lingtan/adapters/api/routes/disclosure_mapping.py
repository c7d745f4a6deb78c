"""``/orgs/{org}/disclosure/…``: the framework mapping (IFRS S2, HKEX Appendix C2, CDP 2024,
ISO 14064-1 cl. 9.3.1) with each requirement's status computed from the organisation's data,
and the datapoints entered by hand with their review (issue 19 item 3, decision 0097).

- ``GET /frameworks`` the bundled frameworks (references, label keys, bindings);
- ``GET /mapping/{fiscal_year}`` the mapping of the year now (``?framework=`` one of them);
- ``GET /datapoints`` (``?fiscal_year=``), ``PUT|DELETE /datapoints/{fiscal_year}/{key}``,
  ``POST /datapoints/{fiscal_year}/{key}/review``.

Thin: each route parses, calls :mod:`lingtan.adapters.services.disclosure_mapping` or
:mod:`lingtan.adapters.services.disclosure_datapoints` and returns a schema. Reading needs
``read``, changing ``edit_data``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, FiscalYearPath
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.disclosure_mapping import (
    DatapointKey,
    DatapointPublic,
    DatapointReview,
    DatapointUpdate,
    FrameworkPublic,
    MappingPublic,
)
from lingtan.adapters.services import disclosure_datapoints as dp
from lingtan.adapters.services import disclosure_mapping as sv

router = APIRouter(prefix="/orgs/{org}/disclosure", tags=["disclosure"])

FrameworkQuery = Annotated[
    str | None,
    Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$", description="Framework key or id"),
]


def _public(row: object) -> DatapointPublic:
    return DatapointPublic.model_validate(dp.datapoint_dict(row))  # type: ignore[arg-type]


@router.get("/frameworks", responses=READ_ERRORS)
def list_frameworks(tenant: Reader) -> list[FrameworkPublic]:
    """The bundled frameworks and their requirements (references and lingtan's own labels)."""
    return [FrameworkPublic.model_validate(f) for f in sv.list_frameworks(tenant)]


@router.get("/mapping/{fiscal_year}", responses=READ_ERRORS)
def mapping(
    fiscal_year: FiscalYearPath, tenant: Reader, framework: FrameworkQuery = None
) -> MappingPublic:
    """Each requirement's status for the fiscal year, computed now from the organisation's
    data (facts of the sections, narratives, datapoints)."""
    view = sv.live_mapping(tenant, fiscal_year, framework=framework)
    return MappingPublic.model_validate(view)


@router.get("/datapoints", responses=READ_ERRORS)
def list_datapoints(
    db: DbDep, tenant: Reader, fiscal_year: FiscalYear | None = None
) -> list[DatapointPublic]:
    """The datapoints entered by hand (of one fiscal year when given)."""
    return [_public(r) for r in dp.list_datapoints(db, tenant, fiscal_year)]


@router.put("/datapoints/{fiscal_year}/{key}", responses=WRITE_ERRORS)
def put_datapoint(
    fiscal_year: FiscalYearPath, key: DatapointKey, body: DatapointUpdate, db: DbDep,
    tenant: Editor,
) -> DatapointPublic:  # fmt: skip
    """Enter or replace a datapoint (audited; a changed value returns it to ``entered``)."""
    row = dp.set_datapoint(db, tenant, key, fiscal_year, value=body.value,
                           unit=body.unit, text=body.text, source=body.source)  # fmt: skip
    return _public(row)


@router.post("/datapoints/{fiscal_year}/{key}/review", responses=WRITE_ERRORS)
def review_datapoint(
    fiscal_year: FiscalYearPath, key: DatapointKey, body: DatapointReview, db: DbDep,
    tenant: Editor,
) -> DatapointPublic:  # fmt: skip
    """Mark a datapoint reviewed, approve it (after review: 409 otherwise) or reopen it."""
    return _public(dp.review_datapoint(db, tenant, key, fiscal_year, body.status))


@router.delete(
    "/datapoints/{fiscal_year}/{key}", status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)  # fmt: skip
def delete_datapoint(
    fiscal_year: FiscalYearPath, key: DatapointKey, db: DbDep, tenant: Editor
) -> Response:
    """Remove a datapoint (audited)."""
    dp.delete_datapoint(db, tenant, key, fiscal_year)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
