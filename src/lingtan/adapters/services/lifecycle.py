"""Services of the organisation's data lifecycle: export and deletion (ASVS 4.0.3 V8.3.2,
V8.3.8; PIPL art. 45/47, GDPR art. 17/20; decision 0039). The store work is in
:mod:`lingtan.adapters.store.lifecycle` (with the grace period); here are the API's errors
and the temporary export file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext
from lingtan.adapters.services.errors import ServiceError, invalid, not_found
from lingtan.adapters.store import lifecycle
from lingtan.adapters.store.lifecycle import OrganisationDeletion, grace_period


def pending_deletion_or_none(db: Session, tenant: TenantContext) -> OrganisationDeletion | None:
    """The organisation's pending deletion, if any."""
    return lifecycle.pending_deletion(db, tenant.organisation_id)


def refuse_if_pending(db: Session, organisation_id: int) -> None:
    """Raise 409 ``deletion_pending`` when the organisation is scheduled for deletion (its
    data is read-only during the grace period)."""
    d = lifecycle.pending_deletion(db, organisation_id)
    if d is not None:
        raise ServiceError(
            "conflict",
            "deletion_pending",
            f"the organisation is scheduled for deletion on {d.due_at:%Y-%m-%d}; its data is "
            "read-only until the deletion is cancelled",
        )


def request_deletion(db: Session, tenant: TenantContext, confirm: str) -> OrganisationDeletion:
    """Schedule the organisation's deletion (owner; ``confirm`` = its slug).

    Raises:
        ServiceError: 422 wrong confirmation; 409 already pending.
    """
    try:
        return lifecycle.request_deletion(
            db, tenant.organisation, confirm=confirm, actor=tenant.actor, grace=grace_period()
        )
    except ValueError as exc:
        raise invalid(str(exc), "confirm") from exc
    except lifecycle.DeletionPendingError as exc:
        raise ServiceError("conflict", "deletion_pending", str(exc)) from exc


def cancel_deletion(db: Session, tenant: TenantContext) -> None:
    """Cancel the organisation's pending deletion (owner).

    Raises:
        ServiceError: 404 when none is pending.
    """
    try:
        lifecycle.cancel_deletion(db, tenant.organisation, actor=tenant.actor)
    except LookupError as exc:
        raise not_found("pending deletion") from exc


def export_to_file(tenant: TenantContext) -> Path:
    """Write the organisation's export zip to a temporary file (the caller removes it);
    memory stays bounded whatever the organisation's size (rows are streamed)."""
    fd, name = tempfile.mkstemp(prefix="lingtan-export-", suffix=".zip")
    os.close(fd)
    path = Path(name)
    try:
        lifecycle.export_organisation(
            tenant.engine, tenant.organisation_id, path, actor=tenant.actor
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
