"""``/orgs/{org}/risks/aspects``: significant environmental aspects (issue 17 item 3, ISO
14001:2015 §6.1.2, decision 0081) — the aspects with their 5 + 3 factor scores and rating, the
significance configuration, objectives linked to KPIs, the link to a register risk, the
semi-annual monitoring records and the aspects whose monitoring is due, a CSV import and export.

Thin: each route parses, calls :mod:`lingtan.adapters.services.risk_aspects` and returns a
schema. Reading needs ``read``, changing ``edit_data``; another organisation's aspect is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    IdPath,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.risk_aspects import (
    AspectCreate,
    AspectFromRisk,
    AspectImportPublic,
    AspectPublic,
    AspectScores,
    AspectUpdate,
    Condition,
    MonitoringCreate,
    MonitoringDuePublic,
    MonitoringPublic,
    SignificancePublic,
    SignificanceUpdate,
)
from lingtan.adapters.services import risk_aspects as sv
from lingtan.adapters.store.risk_aspects import AspectRow
from lingtan.modules.risk.aspects import DEFAULT_LABEL, Significance

router = APIRouter(prefix="/orgs/{org}/risks/aspects", tags=["risks"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
#: the largest import file [bytes]
MAX_FILE = 20 * 1024 * 1024
#: fields that cannot be emptied (a null in a change keeps them)
_KEEP_WHEN_NULL = ("code", "aspect", "condition")


def _public(row: AspectRow) -> AspectPublic:
    return AspectPublic.model_validate(sv.aspect_dict(row))


def _config(config: Significance, rerated: int = 0) -> SignificancePublic:
    default = sv.is_default(config)
    return SignificancePublic(threshold=config.threshold, aggregate=config.aggregate,
                              any_factor_at=config.any_factor_at, default=default,
                              label=DEFAULT_LABEL if default else None,
                              rerated=rerated)  # fmt: skip


@router.get("", responses=READ_ERRORS)
def list_aspects(
    db: DbDep,
    tenant: Reader,
    site: Annotated[
        str | None,
        Query(
            max_length=80,
            pattern=r"^[^\x00-\x1f]*$",
            description="A site; * for the whole-organisation ones",
        ),
    ] = None,
    condition: Condition | None = None,
    significant: bool | None = None,
    risk_code: Annotated[str | None, Query(max_length=40, pattern=r"^[^\x00-\x1f]*$")] = None,
) -> list[AspectPublic]:
    """The aspects, highest overall rating first, filtered by site, condition, significance and
    linked register risk."""
    rows = sv.list_aspects(db, tenant, site=site, condition=condition, significant=significant,
                           risk_code=risk_code)  # fmt: skip
    return [_public(r) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_aspect(body: AspectCreate, db: DbDep, tenant: Editor) -> AspectPublic:
    """Add an aspect (rated; audited)."""
    fields = body.model_dump(exclude_none=True)
    return _public(sv.create_aspect(db, tenant, fields))


@router.post("/from-risk", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def aspect_from_risk(body: AspectFromRisk, db: DbDep, tenant: Editor) -> AspectPublic:
    """Take a register risk into the aspects: a new aspect linked to it (its title as the
    aspect), or the aspect already linked."""
    return _public(sv.aspect_from_risk(db, tenant, body.risk_code))


@router.get("/config", responses=READ_ERRORS)
def get_config(db: DbDep, tenant: Reader) -> SignificancePublic:
    """How significance is decided (lingtan's defaults until changed, labelled)."""
    return _config(sv.get_config(db, tenant))


@router.put("/config", responses=WRITE_ERRORS)
def put_config(body: SignificanceUpdate, db: DbDep, tenant: Editor) -> SignificancePublic:
    """Change the significance configuration; every aspect is re-rated (audited)."""
    fields = body.model_dump(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k == "any_factor_at"}
    n = sv.set_config(db, tenant, fields)
    return _config(sv.get_config(db, tenant), n)


@router.get("/due", responses=READ_ERRORS)
def monitoring_due(db: DbDep, tenant: Reader) -> list[MonitoringDuePublic]:
    """Significant aspects without a monitoring record in the last six months."""
    return [MonitoringDuePublic.model_validate(d.to_dict()) for d in sv.monitoring_due(db, tenant)]


@router.post("/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_aspects(
    file: Annotated[UploadFile, File(description="CSV file of aspects")],
    db: DbDep,
    tenant: Editor,
) -> AspectImportPublic:
    """Add or update the aspects of a CSV file, all or nothing (every wrong cell named)."""
    data = file.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise ApiError(413, "too_large", "a file is at most 20 MiB")
    res = sv.import_aspects(db, tenant, data, file.filename or "aspects.csv")
    return AspectImportPublic(created=list(res.created), updated=list(res.updated))


@router.get(
    "/export", responses={**READ_ERRORS, **file_content("text/csv")}, response_class=Response
)
def export_aspects(db: DbDep, tenant: Reader) -> Response:
    """The aspects as a CSV file in the import's columns (with the computed rating)."""
    return file_response("aspects.csv", sv.export_aspects(db, tenant), "text/csv")


@router.get("/{aspect_id}", responses=READ_ERRORS)
def get_aspect(aspect_id: IdPath, db: DbDep, tenant: Reader) -> AspectPublic:
    """One aspect."""
    return _public(sv.get_aspect(db, tenant, aspect_id))


@router.patch("/{aspect_id}", responses=WRITE_ERRORS)
def update_aspect(aspect_id: IdPath, body: AspectUpdate, db: DbDep, tenant: Editor) -> AspectPublic:
    """Change an aspect (re-rated; audited)."""
    fields = body.model_dump(exclude_unset=True)
    for k in _KEEP_WHEN_NULL:
        if k in fields and fields[k] is None:
            del fields[k]
    return _public(sv.update_aspect(db, tenant, aspect_id, fields))


@router.delete("/{aspect_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_aspect(aspect_id: IdPath, db: DbDep, tenant: Editor) -> Response:
    """Remove an aspect and its monitoring records (audited)."""
    sv.delete_aspect(db, tenant, aspect_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{aspect_id}/scores", responses=WRITE_ERRORS)
def rate_aspect(aspect_id: IdPath, body: AspectScores, db: DbDep, tenant: Editor) -> AspectPublic:
    """Rate an aspect on its eight factors (re-rated; audited)."""
    return _public(sv.rate_aspect(db, tenant, aspect_id, body.model_dump()))


@router.get("/{aspect_id}/monitoring", responses=READ_ERRORS)
def list_monitoring(aspect_id: IdPath, db: DbDep, tenant: Reader) -> list[MonitoringPublic]:
    """The aspect's monitoring records, newest first."""
    return [MonitoringPublic.model_validate(r) for r in sv.list_monitoring(db, tenant, aspect_id)]


@router.post("/{aspect_id}/monitoring", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def record_monitoring(
    aspect_id: IdPath, body: MonitoringCreate, db: DbDep, tenant: Editor
) -> MonitoringPublic:
    """Record a monitoring of the aspect (audited)."""
    fields = body.model_dump(exclude_none=True)
    return MonitoringPublic.model_validate(sv.record_monitoring(db, tenant, aspect_id, fields))
