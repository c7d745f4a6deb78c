"""Imports, their rejected rows, templates and background jobs (``/templates``,
``/orgs/{org}/imports``, ``/orgs/{org}/quarantine``, ``/orgs/{org}/jobs``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from lingtan.adapters.api.schemas.common import FromAttributes, UtcDateTime
from lingtan.adapters.i18n.rows import keyed_reason
from lingtan.adapters.services.progress import render


class JobPublic(FromAttributes):
    """A background job: progress 0 … 1; ``result`` when done, ``error`` when failed.

    ``message`` is the job's stage and counts rendered in the request's language (validation
    context ``locale``; English without one) from ``message_key`` and ``message_params``
    (catalogue ``i18n/progress.*.json``; decision 0052). A job recorded before messages became
    keys has its English text as key and as message, and no parameters.
    """

    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    message: str
    message_key: str
    message_params: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None

    @model_validator(mode="before")
    @classmethod
    def _rendered(cls, data: Any, info: ValidationInfo) -> Any:
        """A job row's message key and parameters, and the message in the context's locale."""
        if isinstance(data, dict):
            return data
        key = str(getattr(data, "message", "") or "")
        params = dict(getattr(data, "message_params", None) or {})
        locale = str((info.context or {}).get("locale") or "en")
        fields = {f: getattr(data, f) for f in cls.model_fields if hasattr(data, f)}
        return {
            **fields,
            "message": render(key, params, locale),
            "message_key": key,
            "message_params": params,
        }


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
    """A rejected row: file row (header = 1), column, reason, the value as written.

    ``reason`` is rendered in the request's language (validation context ``locale``; English
    without one) from ``key`` and ``params`` (catalogue ``i18n/rows.*.json``; decision 0053). A
    row rejected before reasons became keys has no key and its English reason.
    """

    id: int
    batch_id: str
    row: int
    field: str
    reason: str
    value: str
    resolved_by: str | None
    key: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _localised(cls, data: Any, info: ValidationInfo) -> Any:
        """A stored row's reason in the context's locale, with its key and parameters."""
        if isinstance(data, dict):
            return data
        locale = str((info.context or {}).get("locale") or "en")
        key = getattr(data, "message_key", None)
        params = getattr(data, "message_params", None) or {}
        fields = {f: getattr(data, f) for f in cls.model_fields if hasattr(data, f)}
        return {
            **fields,
            "reason": keyed_reason(key, params, str(data.reason), locale),
            "key": key,
            "params": params,
        }


class TemplatePublic(BaseModel):
    """An import template."""

    name: str
    title: str
    columns: list[str]
