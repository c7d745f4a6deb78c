"""``/orgs/{org}/export`` and ``/orgs/{org}/deletion``: the organisation's data lifecycle
(ASVS 4.0.3 V8.3.2; decision 0039)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from lingtan.adapters.api.deps import DbDep, OrgManager, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, file_content
from lingtan.adapters.api.schemas.lifecycle import DeletionCreate, DeletionPublic
from lingtan.adapters.services import lifecycle as service
from lingtan.adapters.services.errors import not_found
from lingtan.adapters.store.audit import record

router = APIRouter(prefix="/orgs", tags=["organisations"])


@router.get(
    "/{org}/export",
    response_class=FileResponse,
    responses={**READ_ERRORS, **file_content("application/zip")},
)
def export_organisation(db: DbDep, tenant: OrgManager) -> FileResponse:
    """Everything the organisation owns, as a zip (owner): its rows as JSON Lines, its
    workspace files, its audit chain and a manifest of sha256 hashes (PIPL art. 45, GDPR
    art. 20). The export is recorded in the organisation's audit log."""
    record(
        db,
        organisation_id=tenant.organisation_id,
        action="organisation.export",
        target=f"organisation:{tenant.organisation_id}",
    )
    db.commit()
    path = service.export_to_file(tenant)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"lingtan-{tenant.slug}-{stamp}.zip",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/{org}/deletion", responses=READ_ERRORS)
def get_deletion(db: DbDep, tenant: Reader) -> DeletionPublic:
    """The organisation's pending deletion (404 when none is pending)."""
    d = service.pending_deletion_or_none(db, tenant)
    if d is None:
        raise not_found("pending deletion")
    return DeletionPublic.model_validate(d)


@router.post("/{org}/deletion", status_code=status.HTTP_202_ACCEPTED, responses=WRITE_ERRORS)
def request_deletion(body: DeletionCreate, db: DbDep, tenant: OrgManager) -> DeletionPublic:
    """Schedule the organisation's deletion (owner; ``confirm`` is the organisation's slug).
    Its data is read-only during the grace period (``LINGTAN_DELETION_GRACE_DAYS``, default
    30), then purged with its workspace; cancel with ``DELETE``."""
    return DeletionPublic.model_validate(service.request_deletion(db, tenant, body.confirm))


@router.delete("/{org}/deletion", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def cancel_deletion(db: DbDep, tenant: OrgManager) -> None:
    """Cancel the pending deletion (owner, during the grace period)."""
    service.cancel_deletion(db, tenant)
