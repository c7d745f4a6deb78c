"""Imports (upload → background job → batch and rejected rows), calculations and jobs.

:func:`import_file` is the import itself, one use case for every caller: ``lingtan import``
(with a :class:`~lingtan.adapters.services.context.LocalContext`) and the import job
(:func:`lingtan.adapters.services.jobs.run_import`, with a ``JobContext``) alike.

An uploaded file is saved under the organisation's workspace (``uploads/<uuid>/<file name>``)
before its job is queued, so that a job interrupted by a restart finds it again; the job runs
:func:`lingtan.adapters.io.importer.import_file` (idempotent by the file's sha256) and the file
is removed when the job ends.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.io.progress import OnProgress
from lingtan.adapters.services.context import Context, TenantContext, get_or_404
from lingtan.adapters.services.errors import ServiceError, invalid, not_found, too_large
from lingtan.adapters.store import audit
from lingtan.adapters.store.jobs import Job, enqueue
from lingtan.adapters.store.models import ImportBatch, QuarantinedRow
from lingtan.core.errors import LingtanError, PeriodError

if TYPE_CHECKING:
    from lingtan.adapters.io.importer import ImportReport
    from lingtan.core.templates.mapping import ColumnMapping

#: ``progress(stage, done, total)``: the counts of an import as it goes (decision 0052)
Progress = OnProgress

UPLOAD_SUFFIXES = (".csv", ".xlsx")
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_file_name(name: str) -> str:
    """The last part of an uploaded file's name, with only letters, digits, '.', '_', '-'
    (the template is recognised from the name, e.g. ``electricity_2023.csv``)."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    stem, suffix = os.path.splitext(base)
    stem = _UNSAFE.sub("_", stem).strip("._") or "upload"
    return f"{stem[:150]}{suffix.lower()}"


class DuplicateUploadError(ServiceError):
    """409: the uploaded file's rows largely repeat an earlier batch
    (:func:`lingtan.adapters.io.importer.find_overlap`); nothing was queued. The file is kept
    as a pending upload (``upload_id``) that :func:`resolve_pending` imports (append or
    supersede) or discards; the same file may also be sent again with ``on_duplicate``."""

    def __init__(self, overlap: Any, upload_id: str, file_name: str) -> None:
        o = overlap
        super().__init__(
            "conflict",
            "duplicate_import",
            f"{file_name}: {o.percent} % of its rows ({o.rows_matching} of {o.rows_new}) "
            f"repeat batch {o.batch_id[:12]} ({o.file_name}, imported "
            f"{o.imported_at:%Y-%m-%d %H:%M} UTC); send it again with on_duplicate=append "
            f"(keep both) or on_duplicate=supersede (replace that batch)",
            "file",
        )
        self.overlap = overlap
        self.upload_id = upload_id
        self.file_name = file_name

    def to_dict(self) -> dict[str, Any]:
        """The 409 body's ``error`` object: code, message, field and the batch repeated."""
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "batch": self.overlap.to_dict(),
            "upload_id": self.upload_id,
            "resubmit": {
                "append": {"on_duplicate": "append"},
                "supersede": {"on_duplicate": "supersede", "supersedes": self.overlap.batch_id},
            },
        }


def import_file(
    ctx: Context,
    path: Path | str,
    *,
    template: str | None = None,
    supersedes: str | None = None,
    fixes: str | None = None,
    append: bool = False,
    progress: Progress | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    column_map: ColumnMapping | None = None,
) -> ImportReport:
    """Import the activity file ``path`` (CSV or XLSX of one template) into the context's
    workspace: valid rows become a batch, rejected rows go to the quarantine with their
    reasons. Idempotent by the file's sha256 (an imported file is reported, not stored again).

    Args:
        template: template name (default: recognised from the file name).
        supersedes: id (or unique prefix) of a batch this file corrects and replaces.
        fixes: id (or prefix) of a batch whose rejected rows this file holds, corrected.
        append: keep the file even when ≥ 50 % of its rows repeat an earlier batch.
        progress: hears the counts of the stages ``read``, ``check`` and ``write``
            (:data:`lingtan.adapters.services.progress.IMPORT`); ``write`` 0 comes before the
            write lock is taken and anything is written (a job's time budget may raise
            there) and ``write`` of all rows once stored.
        encoding: a CSV's declared encoding (None: UTF-8, else detected; decision 0050).
        locale: declared number and date conventions (``de-DE`` …; None: from the file).
        column_map: the file is the user's own export, read through this mapping (decision
            0051; :func:`lingtan.adapters.services.mappings.load_mapping`).

    Raises:
        ServiceError: ``forbidden`` when the caller may not edit data.
        LingtanError: the file's own errors, as
            :func:`lingtan.adapters.io.importer.import_file` raises them — ``InputFileError``
            (unreadable), ``DuplicateImportError`` (a repeat, nothing stored), ``WorkspaceError``
            (``supersedes`` / ``fixes`` names no batch), ``WorkspaceBusyError``.
    """
    from lingtan.adapters.io.importer import import_file as import_into

    ctx.require("edit_data")
    ws = ctx.workspace()
    return import_into(
        ws,
        path,
        template=template,
        supersedes=supersedes,
        fixes=fixes,
        append=append,
        progress=progress,
        encoding=encoding,
        locale=locale,
        column_map=column_map,
    )


OnDuplicate = Literal["append", "supersede"]
PENDING_FILE = ".pending.json"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


def start_import(
    db: Session,
    tenant: TenantContext,
    *,
    file_name: str,
    data: bytes | BinaryIO,
    template: str | None = None,
    supersedes: str | None = None,
    fixes: str | None = None,
    on_duplicate: OnDuplicate | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    column_map: ColumnMapping | None = None,
) -> Job:
    """Save an uploaded activity file and queue its import.

    ``encoding`` and ``locale`` are the upload form's declared conventions (None: detected),
    ``column_map`` the mapping the user's own export is read through (decision 0051); the job
    reads the file with them.

    ``data`` is the file's bytes or a binary stream; a stream is copied in chunks into the
    organisation's ``uploads/`` folder (never held in memory whole), hashed as it goes and
    refused past ``max_upload_mb`` with nothing left behind (ASVS V12.1.1, decision 0037).
    An XLSX is checked for a zip bomb, a DTD and external links before anything reads it, and
    a file over the row / column / cell limits is refused before its job is queued.

    Unless ``on_duplicate`` or ``supersedes`` says what to do with a repeat, the file is read
    once here and compared with the active batches: when its rows largely repeat one
    (:func:`lingtan.adapters.io.importer.find_overlap`, ≥ 50 %), nothing is queued and
    :class:`DuplicateUploadError` (409) names that batch. ``on_duplicate="append"`` keeps both;
    ``"supersede"`` replaces the batch the file repeats (found the same way).

    Raises:
        ServiceError: 422 not a CSV / XLSX file, empty, unknown template, or ``supersedes`` /
            ``fixes`` naming no batch, or the file cannot be read; 413 too large; 409
            (:class:`DuplicateUploadError`) the file repeats an earlier batch.
    """
    from lingtan.core.templates import TEMPLATES

    name = safe_file_name(file_name)
    if os.path.splitext(name)[1] not in UPLOAD_SUFFIXES:
        raise invalid(f"{name}: upload a .csv or .xlsx file", "file")
    if template is not None and template not in TEMPLATES:
        raise invalid(f"unknown template {template!r}", "template")
    for ref, field in ((supersedes, "supersedes"), (fixes, "fixes")):
        if ref is not None and db.get(ImportBatch, ref) is None:
            raise invalid(f"no import batch {ref}", field)
    ws = tenant.workspace()
    folder = ws.path / "uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / name
    try:
        sha, size = _save_upload(data, folder / f".{name}.tmp", name, tenant)
        os.replace(folder / f".{name}.tmp", path)
        _check_structure(path, name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    params = {
        "path": str(path),
        "file_name": name,
        "sha256": sha,
        "template": template,
        "supersedes": supersedes,
        "fixes": fixes,
        "append": on_duplicate == "append",
        "encoding": encoding or None,
        "locale": locale or None,
        "mapping": column_map.to_dict() if column_map is not None else None,
    }
    if supersedes is None and on_duplicate != "append":
        overlap = _overlap(tenant, path, template, folder, params)
        if overlap is not None and on_duplicate is None:
            (folder / PENDING_FILE).write_text(
                json.dumps({**params, "supersede_batch": overlap.batch_id}), encoding="utf-8"
            )
            raise DuplicateUploadError(overlap, folder.name, name)
        if on_duplicate == "supersede":
            if overlap is None:
                shutil.rmtree(folder, ignore_errors=True)
                raise invalid(
                    f"{name}: no earlier batch shares 50 % of its rows; nothing to supersede "
                    "(import it without on_duplicate, or name the batch in supersedes)",
                    "on_duplicate",
                )
            params["supersedes"] = overlap.batch_id
    return _queue_import(db, tenant, params, folder, size)


#: bytes copied from an upload stream at a time
_CHUNK = 1024 * 1024


def _save_upload(
    data: bytes | BinaryIO, target: Path, name: str, tenant: TenantContext
) -> tuple[str, int]:
    """Write the upload to ``target`` in chunks: (sha256, size in bytes).

    Raises:
        ServiceError: 413 larger than ``max_upload_mb`` (stops reading there); 422 empty.
    """
    limit = tenant.settings.max_upload_mb * 1024 * 1024  # [bytes]
    digest = hashlib.sha256()
    size = 0
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with target.open("wb") as out:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            size += len(chunk)
            if size > limit:
                raise too_large(
                    f"{name}: larger than {tenant.settings.max_upload_mb} MB",
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise invalid(f"{name}: the file is empty", "file")
    return digest.hexdigest(), size


def _check_structure(path: Path, name: str) -> None:
    """Refuse an XLSX that is a zip bomb, declares a DTD or links other workbooks (422)."""
    from lingtan.adapters.io.file_limits import FileLimits, check_xlsx_archive

    if path.suffix == ".xlsx":
        try:
            check_xlsx_archive(path, name, FileLimits.from_env())
        except LingtanError as exc:
            raise invalid(str(exc), "file") from None


def _overlap(
    tenant: TenantContext,
    path: Path,
    template: str | None,
    folder: Path,
    params: dict[str, Any] | None = None,
) -> Any:
    """The batch the saved upload largely repeats, or None (also when the file cannot be read:
    its job then reports why, as for any upload). A file over a limit is refused now (422,
    the saved file removed)."""
    from lingtan.adapters.io.file_limits import FileLimitError
    from lingtan.adapters.io.importer import file_overlap

    try:
        how = params or {}
        from lingtan.adapters.services.mappings import column_map

        return file_overlap(
            tenant.workspace(),
            path,
            template=template,
            encoding=how.get("encoding"),
            locale=how.get("locale"),
            column_map=column_map(how.get("mapping")),
        )
    except FileLimitError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise invalid(f"{path.name}: {exc.reason}", "file") from None
    except LingtanError:
        return None


def resolve_pending(
    db: Session, tenant: TenantContext, upload_id: str, decision: str
) -> Job | None:
    """Answer a :class:`DuplicateUploadError`: ``append`` (keep both) or ``supersede`` (replace the
    batch it repeats) queues the pending upload's import; ``cancel`` discards it (None).

    Raises:
        ServiceError: 404 no such pending upload; 422 an unknown decision.
    """
    if decision not in ("append", "supersede", "cancel"):
        raise invalid(f"decision {decision!r}: append, supersede or cancel", "decision")
    if not _UPLOAD_ID.match(upload_id):
        raise not_found(f"pending upload {upload_id}")
    folder = tenant.workspace().path / "uploads" / upload_id
    try:
        params = json.loads((folder / PENDING_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise not_found(f"pending upload {upload_id}") from None
    if decision == "cancel":
        shutil.rmtree(folder, ignore_errors=True)
        return None
    batch = str(params.pop("supersede_batch"))
    if decision == "append":
        params["append"] = True
    else:
        params["supersedes"] = batch
    (folder / PENDING_FILE).unlink()
    return _queue_import(db, tenant, params, folder, Path(str(params["path"])).stat().st_size)


def _queue_import(
    db: Session, tenant: TenantContext, params: dict[str, Any], folder: Path, size: int
) -> Job:
    """Queue the import job of a saved upload (audited ``import.queued``)."""
    try:
        job = enqueue(db, "import", params, created_by=tenant.actor)
        audit.record(
            db,
            organisation_id=tenant.organisation_id,
            action="import.queued",
            target=f"job:{job.id}",
            after={
                "file_name": params["file_name"],
                "sha256": params["sha256"],
                "bytes": size,
                **({"append": True} if params.get("append") else {}),
                **({"supersedes": params["supersedes"]} if params.get("supersedes") else {}),
            },
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
        ServiceError: 422 the fiscal year is not understood.
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
        ServiceError: 422 not a fiscal year.
    """
    try:
        return tenant.workspace().config.period(fiscal_year.replace("-", "/")).label
    except (PeriodError, ValueError, OverflowError) as exc:
        raise invalid(f"fiscal year {fiscal_year!r}: {exc}", "fiscal_year") from exc


def job_status(db: Session, tenant: TenantContext, job_id: int) -> Job:
    """A job of the organisation.

    Raises:
        ServiceError: 404.
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
        ServiceError: 404.
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


def rejected_reasons_file(
    db: Session, tenant: TenantContext, batch_id: str, locale: str
) -> tuple[str, bytes]:
    """Why each open rejected row of a batch was rejected (CSV: file, row, column, reason,
    value), the reasons in ``locale`` (zh-CN, en; decision 0053): (file name, bytes).

    Raises:
        ServiceError: 404 no batch.
    """
    from lingtan.adapters.i18n.rows import stored_issue
    from lingtan.adapters.io.intake import write_issues_csv

    batch = get_batch(db, tenant, batch_id)
    rows = quarantine_rows(db, tenant, batch_id=batch.id, limit=10_000_000)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / f"{batch.template}-rejected.issues.csv"
        write_issues_csv([stored_issue(batch.file_name, q) for q in rows], out, locale)
        return out.name, out.read_bytes()


def rejected_rows_file(db: Session, tenant: TenantContext, batch_id: str) -> tuple[str, bytes]:
    """The open rejected rows of a batch as the user wrote them (CSV, same template), to fix
    and upload again with ``fixes``: (file name, bytes).

    Raises:
        ServiceError: 404 no batch; 422 its original file was not kept.
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


def rejected_rows(
    ctx: Context, batch: str | None = None, *, open_only: bool = True
) -> list[QuarantinedRow]:
    """Rows rejected at import in the context's workspace (of the batch whose id is or starts
    with ``batch``, or all), by batch and row; by default only those no later batch fixed.

    Raises:
        WorkspaceError: the workspace cannot be opened.
    """
    ctx.require("read")
    return ctx.workspace().quarantine(batch, open_only=open_only)


def batch_file_names(ctx: Context) -> dict[str, str]:
    """The file name of every batch of the context's workspace (superseded ones too), by id."""
    ctx.require("read")
    return {b.id: b.file_name for b in ctx.workspace().batches(active_only=False)}


def export_rejected_rows(ctx: Context, batch: str, target: Path) -> int:
    """Write the open rejected rows of ``batch`` (id or prefix) as the user wrote them to
    ``target`` (same template; their reasons beside it in ``<target>.issues.csv``), to fix and
    import again with ``fixes``. Returns the number of rows written.

    Raises:
        WorkspaceError: no (or more than one) batch matches, or its original file was not kept.
    """
    from lingtan.adapters.io.quarantine import export_rejected

    ctx.require("read")
    ws = ctx.workspace()
    return export_rejected(ws, ws.batch(batch), target)


def example_site(ctx: Context) -> str:
    """The site an example row names: the first site of the workspace's boundary, else ``*``
    (the organisation as a whole), so that a template's example imports as written."""
    ctx.require("read")
    sites = list(ctx.workspace().config.site_regions())
    return sites[0] if sites else "*"


def save_template(name: str, target: Path, *, site: str | None = None) -> Path:
    """Write the empty template ``name`` (header and an example row, its site ``site`` — see
    :func:`example_site` — else ``*``) to ``target`` (``.csv`` or ``.xlsx``).

    Raises:
        ServiceError: ``not_found`` unknown template.
    """
    from lingtan.adapters.io.intake import write_template
    from lingtan.core.templates import TEMPLATES

    if name not in TEMPLATES:
        raise not_found(f"template {name!r}")
    return write_template(name, target, site=site)


def save_all_templates(folder: Path, *, site: str | None = None) -> list[Path]:
    """Write every empty template into ``folder`` (as CSV; example site ``site``, else ``*``);
    returns the files written."""
    from lingtan.adapters.io.intake import write_all_templates, write_template
    from lingtan.core.templates import TEMPLATES

    if site is None:
        return write_all_templates(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_template(n, folder / f"{n}.csv", site=site) for n in TEMPLATES]


def templates() -> list[dict[str, Any]]:
    """The import templates: name, title, columns."""
    from lingtan.core.templates import TEMPLATES

    return [
        {"name": t.name, "title": t.title, "columns": list(t.column_names)}
        for t in TEMPLATES.values()
    ]


def template_file(name: str, fmt: str, *, site: str | None = None) -> tuple[str, bytes, str]:
    """An empty template (header and an example row, naming ``site`` — see
    :func:`example_site` — else ``*``): (file name, bytes, media type).

    Raises:
        ServiceError: 404 unknown template.
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
        write_template(name, path, site=site)
        return path.name, path.read_bytes(), media
