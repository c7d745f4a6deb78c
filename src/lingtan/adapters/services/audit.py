"""The organisation's audit log, for auditors, owners and admins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext
from lingtan.adapters.store.audit import AuditEntry, AuditVerification, verify


def audit_entries(
    db: Session,
    tenant: TenantContext,
    *,
    limit: int = 100,
    before_id: int | None = None,
    action: str | None = None,
    target: str | None = None,
) -> list[AuditEntry]:
    """Entries newest first (``before_id`` pages back); ``action`` / ``target`` filter by
    prefix (``entity.``, ``import_batch:``)."""
    tenant.require("read_audit")
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    if action:
        q = q.where(AuditEntry.action.startswith(action, autoescape=True))
    if target:
        q = q.where(AuditEntry.target.startswith(target, autoescape=True))
    return list(db.scalars(q.limit(limit)))


def audit_verify(db: Session, tenant: TenantContext) -> dict[str, Any]:
    """Check the organisation's hash chain: ``ok``, ``entries`` checked, the first bad entry
    and why, and the chain's ``head`` hash (keep it elsewhere to detect truncation)."""
    tenant.require("read_audit")
    v = verify(db)
    return {
        "ok": v.ok,
        "entries": v.entries,
        "first_bad_id": v.first_bad_id,
        "reason": v.reason,
        "head": v.heads.get(tenant.organisation_id),
    }


def verify_store(engine: Engine) -> tuple[AuditVerification, dict[int, str]]:
    """Check the hash chain of every organisation of a store (``lingtan audit verify``, run by
    whoever holds the store itself, not a member): the verification and each organisation's
    URL name by id, to name the chains' heads."""
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import Organisation

    with system_session(engine) as db:
        v = verify(db)
        slugs = {int(o.id): str(o.slug) for o in db.scalars(select(Organisation))}
    return v, slugs
