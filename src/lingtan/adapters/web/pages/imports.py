"""Imports: download templates, upload a file (a background job with a progress bar that polls
itself through HTMX), see the rejected rows and fix them; start a calculation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.imports import DuplicateUploadError
from lingtan.adapters.services.imports import resolve_pending as resolve_upload
from lingtan.adapters.web import backend
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage, bad_request, not_found, org_page

router = APIRouter()


def _job_response(request: Request, op: OrgPage, job: backend.JobView) -> Response:
    """The job partial for HTMX, or (no JavaScript) a redirect to the job's own page."""
    if request.headers.get("hx-request"):
        return org_render(request, op, "_job.html", "imports", **_job_context(op, job))
    return RedirectResponse(f"/o/{op.org.slug}/jobs/{job.id}", status_code=303)


def _job_context(op: OrgPage, job: backend.JobView) -> dict[str, object]:
    return {
        "job": job,
        "job_pct": job.percent,
        "job_finished": job.finished,
        "job_url": f"/o/{op.org.slug}/jobs/{job.id}",
    }


@router.get("/o/{org}/imports", response_class=HTMLResponse)
def imports(request: Request, op: OrgDep, fixes: str | None = None) -> HTMLResponse:
    """Upload form, templates and the imported files."""
    view = backend.inventory_view(op.db, op.tenant, None)
    return org_render(
        request,
        op,
        "imports.html",
        "imports",
        templates=backend.template_names(),
        batches=backend.batches(op.db, op.tenant),
        jobs=[],
        fixes=fixes,
        fy=view.fiscal_year,
        can_edit=op.org.can("edit_data"),
    )


@router.post("/o/{org}/imports", response_model=None)
async def upload(
    request: Request,
    op: OrgDep,
    file: Annotated[UploadFile, File()],
    template: Annotated[str, Form()] = "",
    fixes: Annotated[str, Form()] = "",
) -> Response:
    """Store the uploaded file and start an import job; answer with its progress bar."""
    op.require("edit_data")
    name = Path(file.filename or "").name
    if not name:
        raise bad_request("no file")
    try:  # in a thread: the upload is copied in chunks (the service refuses past the limit)
        # and read once to compare it with earlier batches
        job = await run_in_threadpool(
            backend.start_import,
            op.db,
            op.tenant,
            name,
            file.file,
            template=template or None,
            fixes=fixes or None,
        )
    except DuplicateUploadError as exc:
        return _confirm(request, op, exc)
    except ServiceError as exc:
        raise bad_request(exc.message) from exc
    return _job_response(request, op, job)


def _confirm(request: Request, op: OrgPage, exc: DuplicateUploadError) -> Response:
    """Ask what to do with an upload that repeats an earlier batch (append, supersede or
    cancel): the partial for HTMX, else a page of its own (409: nothing imported yet)."""
    pending = {
        "upload_id": exc.upload_id,
        "file_name": exc.file_name,
        "batch": exc.overlap.to_dict(),
    }
    if request.headers.get("hx-request"):
        return org_render(request, op, "_import_confirm.html", "imports", pending=pending)
    response = org_render(request, op, "import_confirm.html", "imports", pending=pending)
    response.status_code = 409
    return response


@router.post("/o/{org}/imports/pending/{upload_id}", response_model=None)
def resolve_pending(
    request: Request,
    op: OrgDep,
    upload_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$")],
    decision: Annotated[Literal["append", "supersede", "cancel"], Form()],
) -> Response:
    """The user's answer to a repeated upload: keep both, replace the earlier batch, or
    cancel (the saved file is removed)."""
    op.require("edit_data")
    try:
        job = resolve_upload(op.db, op.tenant, upload_id, decision)
    except ServiceError as exc:
        if http_status(exc) == 404:
            raise not_found(upload_id) from exc
        raise bad_request(exc.message) from exc
    if job is None:
        if request.headers.get("hx-request"):
            t = translator(request)
            return HTMLResponse(f'<p class="muted">{escape(t("imports.duplicate_cancelled"))}</p>')
        return RedirectResponse(f"/o/{op.org.slug}/imports", status_code=303)
    view = backend.job_status(op.db, op.tenant, str(job.id))
    if view is None:  # pragma: no cover - the job was just queued
        raise not_found(str(job.id))
    return _job_response(request, op, view)


@router.post("/o/{org}/calculate", response_model=None)
def calculate(
    request: Request, op: OrgDep, fiscal_year: Annotated[str, Form(max_length=20)]
) -> Response:
    """Start a calculation job for a fiscal year; answer with its progress bar."""
    op.require("edit_data")
    try:
        job = backend.start_calculation(op.db, op.tenant, fiscal_year.strip())
    except ServiceError as exc:
        raise bad_request(exc.message) from exc
    return _job_response(request, op, job)


@router.get("/o/{org}/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, op: OrgDep, job_id: str) -> HTMLResponse:
    """A job's progress: the partial (HTMX polling) or a page of its own."""
    j = backend.job_status(op.db, op.tenant, job_id)
    if j is None:
        raise not_found()
    ctx = _job_context(op, j)
    if request.headers.get("hx-request"):
        return org_render(request, op, "_job.html", "imports", **ctx)
    return org_render(request, op, "job.html", "imports", **ctx)


@router.get(
    "/o/{org}/imports/templates/{name}.{ext}",
    response_model=None,
    dependencies=[Depends(org_page)],  # members only, like every /o/ page
)
def template_file(name: str, ext: Literal["csv", "xlsx"]) -> Response:
    """An empty import template with its example row (``lingtan template``)."""
    try:
        file_name, content, media = backend.template_file(name, ext)
    except ServiceError as exc:
        raise not_found(name) from exc
    return _download(file_name, content, media)


def _download(name: str, content: bytes, media: str) -> Response:
    return Response(
        content,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/o/{org}/imports/{batch_id}/rejected", response_class=HTMLResponse)
def rejected(request: Request, op: OrgDep, batch_id: str) -> HTMLResponse:
    """The rows of one import that were rejected, with file row, column and reason."""
    found = backend.rejected_rows(op.db, op.tenant, batch_id)
    if found is None:
        raise not_found(batch_id[:12])
    batch, rows = found
    return org_render(
        request,
        op,
        "rejected.html",
        "imports",
        batch=batch,
        rows=rows,
        open_rows=[q for q in rows if not q.resolved_by],
        can_edit=op.org.can("edit_data"),
    )


@router.get("/o/{org}/imports/{batch_id}/rejected.csv", response_model=None)
def rejected_file(op: OrgDep, batch_id: str) -> Response:
    """The rejected rows as the user wrote them (same template), to fix and upload again."""
    op.require("edit_data")
    got = backend.export_rejected(op.db, op.tenant, batch_id)
    if got is None:
        raise not_found(batch_id[:12])
    name, content = got
    return _download(name, content, "text/csv; charset=utf-8")
