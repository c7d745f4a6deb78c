"""``/orgs/{org}/risks/sites``: physical risk per site (issue 17 item 5, decision 0083) — exposure
records, hazard indicators (CSV/XLSX or an OS-Climate physrisk document, all or nothing),
vulnerability curves, expected annual damage and business interruption per site and for the
group, and the IFRS S2 ¶29(c) shares.

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_hazards` and returns a
schema. Reading needs ``read``, changing ``edit_data``; another organisation's site is a 404."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile, status
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, errors
from lingtan.adapters.api.schemas.risk_hazards import (
    PATHWAY_PATTERN,
    CurvePublic,
    CurveUpdate,
    ExposurePublic,
    ExposureUpdate,
    HazardCode,
    HazardImportPublic,
    ImportCountPublic,
    IndicatorPublic,
    LayerPublic,
    SharePublic,
    SiteRisksPublic,
)
from lingtan.adapters.services import risk_hazards as sv

router = APIRouter(prefix="/orgs/{org}/risks/sites", tags=["risks"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
#: the largest import file [bytes]
MAX_FILE = 20 * 1024 * 1024
SitePath = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f-\x9f/\\]+$")]
PathwayQuery = Annotated[
    str, Query(max_length=40, pattern=PATHWAY_PATTERN, description="e.g. SSP5-8.5, historical")
]
YearQuery = Annotated[
    int, Query(ge=0, le=2150, description="1950–2150; 0: the historical baseline")
]


def _read(file: UploadFile) -> bytes:
    data = file.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise ApiError(413, "too_large", "a file is at most 20 MiB")
    return data


@router.get("/exposure", responses=READ_ERRORS)
def list_exposure(db: DbDep, tenant: Reader) -> list[ExposurePublic]:
    """The sites' exposure records."""
    return [
        ExposurePublic.model_validate(sv.exposure_dict(r)) for r in sv.list_exposure(db, tenant)
    ]


@router.post("/exposure/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_exposure(
    file: Annotated[UploadFile, File(description="CSV or XLSX exposure file")],
    db: DbDep,
    tenant: Editor,
) -> ImportCountPublic:
    """Record the exposure of the sites of a file, all or nothing (every wrong cell named)."""
    n = sv.import_exposure(db, tenant, _read(file), file.filename or "exposure.csv")
    return ImportCountPublic(written=n)


@router.get("/exposure/{site}", responses=READ_ERRORS)
def get_exposure(site: SitePath, db: DbDep, tenant: Reader) -> ExposurePublic:
    """One site's exposure record."""
    return ExposurePublic.model_validate(sv.exposure_dict(sv.get_exposure(db, tenant, site)))


@router.put("/exposure/{site}", responses=WRITE_ERRORS)
def put_exposure(site: SitePath, body: ExposureUpdate, db: DbDep, tenant: Editor) -> ExposurePublic:
    """Record or replace a site's exposure (audited)."""
    row = sv.set_exposure(db, tenant, {"site": site, **body.model_dump()})
    return ExposurePublic.model_validate(sv.exposure_dict(row))


@router.delete("/exposure/{site}", status_code=status.HTTP_204_NO_CONTENT,
               responses=WRITE_ERRORS)  # fmt: skip
def delete_exposure(site: SitePath, db: DbDep, tenant: Editor) -> Response:
    """Remove a site's exposure record (audited)."""
    sv.delete_exposure(db, tenant, site)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/indicators", responses=READ_ERRORS)
def list_indicators(
    db: DbDep,
    tenant: Reader,
    site: Annotated[str | None, Query(max_length=80, pattern=r"^[^\x00-\x1f]*$")] = None,
    hazard: HazardCode | None = None,
    pathway: Annotated[str | None, Query(max_length=40, pattern=PATHWAY_PATTERN)] = None,
    year: Annotated[int | None, Query(ge=0, le=2150)] = None,
) -> list[IndicatorPublic]:
    """Hazard indicators, filtered."""
    rows = sv.list_indicators(db, tenant, site=site, hazard=hazard, pathway=pathway, year=year)
    return [IndicatorPublic.model_validate(sv.indicator_dict(r)) for r in rows]


@router.post("/indicators/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_indicators(
    file: Annotated[UploadFile, File(description="CSV/XLSX indicator file or physrisk JSON")],
    db: DbDep,
    tenant: Editor,
    fmt: Annotated[
        Literal["table", "physrisk"] | None,
        Query(alias="format", description="Default: physrisk for a .json file, else table"),
    ] = None,
) -> HazardImportPublic:
    """Import hazard indicators, all or nothing; rows of the same key replace stored ones."""
    res = sv.import_hazards(db, tenant, _read(file), file.filename or "hazards.csv", fmt=fmt)
    return HazardImportPublic(created=res.created, replaced=res.replaced)


@router.get("/layers", responses=READ_ERRORS)
def layers(db: DbDep, tenant: Reader) -> list[LayerPublic]:
    """The pathways and years with indicators."""
    return [LayerPublic(pathway=p, year=y) for p, y in sv.layers(db, tenant)]


@router.get("/curves", responses=READ_ERRORS)
def list_curves(db: DbDep, tenant: Reader) -> list[CurvePublic]:
    """The damage curve of each acute hazard (the organisation's or lingtan's default)."""
    return [CurvePublic.model_validate(c.to_dict()) for c in sv.curves(db, tenant).values()]


@router.put("/curves/{hazard}", responses=WRITE_ERRORS)
def put_curve(hazard: HazardCode, body: CurveUpdate, db: DbDep, tenant: Editor) -> CurvePublic:
    """Set the organisation's damage curve of an acute hazard (audited)."""
    sv.set_curve(db, tenant, hazard, body.points, body.label, body.source)
    return CurvePublic.model_validate(sv.curves(db, tenant)[hazard].to_dict())


@router.delete("/curves/{hazard}", status_code=status.HTTP_204_NO_CONTENT,
               responses=WRITE_ERRORS)  # fmt: skip
def delete_curve(hazard: HazardCode, db: DbDep, tenant: Editor) -> Response:
    """Go back to lingtan's default curve of the hazard (audited)."""
    sv.reset_curve(db, tenant, hazard)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/risks", responses=READ_ERRORS)
def risks(pathway: PathwayQuery, year: YearQuery, db: DbDep, tenant: Reader) -> SiteRisksPublic:
    """Expected annual damage and business interruption per site and for the group."""
    return SiteRisksPublic.model_validate(sv.site_risks(db, tenant, pathway, year).to_dict())


@router.get("/shares", responses=READ_ERRORS)
def shares(
    pathway: PathwayQuery,
    year: YearQuery,
    db: DbDep,
    tenant: Reader,
    hazard: HazardCode | None = None,
    threshold: Annotated[float | None, Query(ge=0, le=1e15)] = None,
    return_period: Annotated[float | None, Query(ge=1, le=1e6)] = None,
) -> list[SharePublic]:
    """IFRS S2 ¶29(c): shares of assets and revenue at sites above a hazard threshold (every
    hazard at lingtan's default thresholds when none is named)."""
    got = sv.shares(db, tenant, pathway, year, hazard, threshold=threshold,
                    return_period=return_period)  # fmt: skip
    return [SharePublic.model_validate(s.to_dict()) for s in got]
