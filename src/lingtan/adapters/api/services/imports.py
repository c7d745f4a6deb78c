"""Imports (upload → background job → batch and rejected rows), calculations and jobs.

An uploaded file is saved under the organisation's workspace (``uploads/<uuid>/<file name>``)
before its job is queued, so that a job interrupted by a restart finds it again; the job runs
:func:`lingtan.adapters.io.importer.import_file` (idempotent by the file's sha256) and the file
is removed when the job ends.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.api.errors import ApiError, invalid, not_found
from lingtan.adapters.api.services.context import TenantContext, get_or_404
from lingtan.adapters.store import audit
from lingtan.adapters.store.jobs import Job, enqueue
from lingtan.adapters.store.models import ImportBatch, QuarantinedRow
from lingtan.core.errors import LingtanError, PeriodError

UPLOAD_SUFFIXES = (".csv", ".xlsx")
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_file_name(name: str) -> str:
    """The last part of an uploaded file's name, with only letters, digits, '.', '_', '-'
    (the template is recognised from the name, e.g. ``electricity_2023.csv``)."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    stem, suffix = os.path.splitext(base)
    stem = _UNSAFE.sub("_", stem).strip("._") or "upload"
    return f"{stem[:150]}{suffix.lower()}"


def start_import(
    db: Session,
    tenant: TenantContext,
    *,
    file_name: str,
    data: bytes,
    template: str | None = None,
    supersedes: str | None = None,
    fixes: str | None = None,
) -> Job:
    """Save an uploaded activity file and queue its import.

    Raises:
        ApiError: 422 not a CSV / XLSX file, empty, unknown template, or ``supersedes`` /
            ``fixes`` naming no batch; 413 too large.
    """
    from lingtan.core.templates import TEMPLATES

    name = safe_file_name(file_name)
    if os.path.splitext(name)[1] not in UPLOAD_SUFFIXES:
        raise invalid(f"{name}: upload a .csv or .xlsx file", "file")
    if not data:
        raise invalid(f"{name}: the file is empty", "file")
    if len(data) > tenant.settings.max_upload_mb * 1024 * 1024:
        raise ApiError(413, "too_large", f"{name}: larger than {tenant.settings.max_upload_mb} MB")
    if template is not None and template not in TEMPLATES:
        raise invalid(f"unknown template {template!r}", "template")
    for ref, field in ((supersedes, "supersedes"), (fixes, "fixes")):
        if ref is not None and db.get(ImportBatch, ref) is None:
            raise invalid(f"no import batch {ref}", field)
    ws = tenant.workspace()
    folder = ws.path / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / name
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    sha = hashlib.sha256(data).hexdigest()
    params = {
        "path": str(path),
        "file_name": name,
        "sha256": sha,
        "template": template,
        "supersedes": supersedes,
        "fixes": fixes,
    }
    try:
        job = enqueue(db, "import", params, created_by=tenant.actor)
        audit.record(
            db,
            organisation_id=tenant.organisation_id,
            action="import.queued",
            target=f"job:{job.id}",
            after={"file_name": name, "sha256": sha, "bytes": len(data)},
        )
        db.commit()
    except BaseException:
        db.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def start_calculation(
    db: Session, tenant: TenantContext, fiscal_year: str, gwp_set: str | None = None
) -> Job:
    """Queue the calculation of ``fiscal_year`` (its result is a snapshot).

    Raises:
        ApiError: 422 the fiscal year is not understood.
    """
    label = fiscal_year_label(tenant, fiscal_year)
    job = enqueue(
        db,
        "calculate",
        {"fiscal_year": label, "gwp_set": gwp_set},
        created_by=tenant.actor,
    )
    audit.record(
        db,
        organisation_id=tenant.organisation_id,
        action="calculation.queued",
        target=f"job:{job.id}",
        after={"fiscal_year": label, "gwp_set": gwp_set},
    )
    db.commit()
    return job


def fiscal_year_label(tenant: TenantContext, fiscal_year: str) -> str:
    """The canonical label (``FY2023/24``) of a fiscal year under the workspace's calendar.

    Raises:
        ApiError: 422 not a fiscal year.
    """
    try:
        return tenant.workspace().config.period(fiscal_year.replace("-", "/")).label
    except (PeriodError, ValueError, OverflowError) as exc:
        raise invalid(f"fiscal year {fiscal_year!r}: {exc}", "fiscal_year") from exc


def job_status(db: Session, tenant: TenantContext, job_id: int) -> Job:
    """A job of the organisation.

    Raises:
        ApiError: 404.
    """
    del tenant
    return get_or_404(db, Job, job_id, f"job {job_id}")


def list_jobs(db: Session, tenant: TenantContext, *, limit: int = 50) -> list[Job]:
    """The organisation's jobs, newest first."""
    del tenant
    return list(db.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))


def list_batches(
    db: Session, tenant: TenantContext, *, active_only: bool = False
) -> list[ImportBatch]:
    """Import batches in import order."""
    del tenant
    q = select(ImportBatch).order_by(ImportBatch.seq)
    if active_only:
        q = q.where(ImportBatch.superseded_by.is_(None))
    return list(db.scalars(q))


def get_batch(db: Session, tenant: TenantContext, batch_id: str) -> ImportBatch:
    """One batch (full sha256 id).

    Raises:
        ApiError: 404.
    """
    del tenant
    return get_or_404(db, ImportBatch, batch_id, f"import batch {batch_id}")


def quarantine_rows(
    db: Session,
    tenant: TenantContext,
    *,
    batch_id: str | None = None,
    open_only: bool = True,
    limit: int = 500,
    offset: int = 0,
) -> list[QuarantinedRow]:
    """Rows rejected at import (of one batch, or all), by batch and row."""
    if batch_id is not None:
        get_batch(db, tenant, batch_id)
    q = select(QuarantinedRow).order_by(
        QuarantinedRow.batch_id, QuarantinedRow.row, QuarantinedRow.id
    )
    if batch_id is not None:
        q = q.where(QuarantinedRow.batch_id == batch_id)
    if open_only:
        q = q.where(QuarantinedRow.resolved_by.is_(None))
    return list(db.scalars(q.offset(offset).limit(limit)))


def rejected_rows_file(db: Session, tenant: TenantContext, batch_id: str) -> tuple[str, bytes]:
    """The open rejected rows of a batch as the user wrote them (CSV, same template), to fix
    and upload again with ``fixes``: (file name, bytes).

    Raises:
        ApiError: 404 no batch; 422 its original file was not kept.
    """
    from lingtan.adapters.io.quarantine import export_rejected

    batch = get_batch(db, tenant, batch_id)
    ws = tenant.workspace()
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / f"{batch.template}-rejected.csv"
        try:
            export_rejected(ws, batch, out)
        except LingtanError as exc:
            raise invalid(str(exc)) from exc
        return out.name, out.read_bytes()


def templates() -> list[dict[str, Any]]:
    """The import templates: name, title, columns."""
    from lingtan.core.templates import TEMPLATES

    return [
        {"name": t.name, "title": t.title, "columns": list(t.column_names)}
        for t in TEMPLATES.values()
    ]


def template_file(name: str, fmt: str) -> tuple[str, bytes, str]:
    """An empty template (header and an example row): (file name, bytes, media type).

    Raises:
        ApiError: 404 unknown template.
    """
    from lingtan.adapters.io.intake import write_template
    from lingtan.core.templates import TEMPLATES

    if name not in TEMPLATES:
        raise not_found(f"template {name!r}")
    media = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[fmt]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{name}.{fmt}"
        write_template(name, path)
        return path.name, path.read_bytes(), media
