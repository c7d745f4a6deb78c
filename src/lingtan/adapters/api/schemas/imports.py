"""Imports, their rejected rows, templates and background jobs (``/templates``,
``/orgs/{org}/imports``, ``/orgs/{org}/quarantine``, ``/orgs/{org}/jobs``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from lingtan.adapters.api.schemas.common import FromAttributes, UtcDateTime


class JobPublic(FromAttributes):
    """A background job: progress 0 … 1; ``result`` when done, ``error`` when failed."""

    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None


class BatchPublic(FromAttributes):
    """An imported file (its activity rows are an immutable Parquet file)."""

    id: str
    seq: int
    file_name: str
    template: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    imported_at: UtcDateTime
    superseded_by: str | None


class QuarantinedRowPublic(FromAttributes):
    """A rejected row: file row (header = 1), column, reason, the value as written."""

    id: int
    batch_id: str
    row: int
    field: str
    reason: str
    value: str
    resolved_by: str | None


class TemplatePublic(BaseModel):
    """An import template."""

    name: str
    title: str
    columns: list[str]
