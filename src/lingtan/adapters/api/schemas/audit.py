"""The audit log and the check of its hash chain (``/orgs/{org}/audit``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from lingtan.adapters.api.schemas.common import FromAttributes, UtcDateTime


class AuditEntryPublic(FromAttributes):
    """One audit-log entry."""

    id: int
    at: UtcDateTime
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


class AuditVerificationPublic(BaseModel):
    """Result of checking the organisation's hash chain."""

    ok: bool
    entries: int
    first_bad_id: int | None
    reason: str
    head: str | None
