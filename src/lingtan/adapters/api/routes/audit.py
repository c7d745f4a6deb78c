"""``/orgs/{org}/audit``: the audit log and its verification (auditor, owner, admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lingtan.adapters import services
from lingtan.adapters.api.deps import AuditReader, DbDep
from lingtan.adapters.api.routes.common import MAX_ID, READ_ERRORS
from lingtan.adapters.api.schemas.audit import AuditEntryPublic, AuditVerificationPublic

router = APIRouter(prefix="/orgs/{org}/audit", tags=["audit"])


@router.get("", responses=READ_ERRORS)
def audit_log(
    db: DbDep,
    tenant: AuditReader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: Annotated[str | None, Query(max_length=60, pattern=r"^[a-z_.]+$")] = None,
    target: Annotated[str | None, Query(max_length=300, pattern=r"^[^\x00]+$")] = None,
) -> list[AuditEntryPublic]:
    """Entries newest first; ``before_id`` pages back; ``action`` / ``target`` filter by
    prefix."""
    entries = services.audit_entries(
        db, tenant, limit=limit, before_id=before_id, action=action, target=target
    )
    return [AuditEntryPublic.model_validate(e) for e in entries]


@router.get("/verify", responses=READ_ERRORS)
def verify(db: DbDep, tenant: AuditReader) -> AuditVerificationPublic:
    """Check the organisation's hash chain; ``first_bad_id`` names the first bad entry."""
    return AuditVerificationPublic.model_validate(services.audit_verify(db, tenant))
