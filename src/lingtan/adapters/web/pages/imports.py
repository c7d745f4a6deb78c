"""Imports: download templates, upload a file (a background job with a progress bar that polls
itself through HTMX), see the rejected rows and fix them; start a calculation."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.services import mappings
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.imports import (
    DuplicateUploadError,
    example_site,
    rejected_reasons_file,
)
from lingtan.adapters.services.imports import resolve_pending as resolve_upload
from lingtan.adapters.services.imports import template_file as template_file_of
from lingtan.adapters.web import backend
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import query_string, translator
from lingtan.adapters.web.session import OrgDep, OrgPage, bad_request, not_found, org_page
from lingtan.core.templates import TEMPLATES
from lingtan.core.templates.mapping import ColumnMapping

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
        encodings=ENCODINGS,
        locales=DECIMAL_LOCALES,
        saved_mappings=mappings.list_mappings(op.tenant),
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
    encoding: Annotated[str, Form(max_length=40)] = "",
    locale: Annotated[str, Form(max_length=20)] = "",
    mapping: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """Store the uploaded file and start an import job; answer with its progress bar. A file
    whose header names no template's columns (the user's own export) and that no saved mapping
    is chosen for leads to the mapping page (decision 0051)."""
    op.require("edit_data")
    name = Path(file.filename or "").name
    if not name:
        raise bad_request("no file")
    enc = encoding if encoding in ENCODINGS else None
    loc = locale if locale in DECIMAL_LOCALES else None
    try:  # in a thread: the upload is copied in chunks (the service refuses past the limit)
        column_map = mappings.get_mapping(op.tenant, mapping) if mapping else None
        staged = await run_in_threadpool(mappings.stage_upload, op.tenant, name, file.file)
    except ServiceError as exc:
        raise bad_request(exc.message) from exc
    if column_map is None:
        try:
            head = await run_in_threadpool(mappings.file_head, staged.path, encoding=enc)
        except ServiceError:
            head = None  # the import job says why the file cannot be read
        if head is not None and mappings.template_of_header(head.header) is None:
            return _to_map_page(
                request, op, staged.upload_id, template=template or None, fixes=fixes,
                encoding=enc, locale=loc,
            )  # fmt: skip
    try:  # read once to compare it with earlier batches
        job = await run_in_threadpool(
            mappings.import_staged,
            op.db,
            op.tenant,
            staged.upload_id,
            template=template or None,
            fixes=fixes or None,
            encoding=enc,
            locale=loc,
            column_map=column_map,
        )
    except DuplicateUploadError as exc:
        return _confirm(request, op, exc)
    except ServiceError as exc:
        raise bad_request(exc.message) from exc
    view = backend.job_status(op.db, op.tenant, str(job.id))
    if view is None:  # pragma: no cover - the job was just queued
        raise not_found(str(job.id))
    return _job_response(request, op, view)


#: encodings the upload form offers ("" = detected)
ENCODINGS = ("utf-8", "gb18030", "big5", "cp1252", "latin-1", "shift_jis")
#: locales (number and date conventions) the upload form offers ("" = told from the file)
DECIMAL_LOCALES = ("zh-CN", "en-US", "en-GB", "de-DE", "fr-FR")


def _to_map_page(
    request: Request,
    op: OrgPage,
    upload_id: str,
    **query: str | None,
) -> Response:
    """Send the browser to the mapping page of a staged upload (HTMX: ``HX-Redirect``)."""
    qs = query_string({k: v for k, v in query.items() if v})
    url = f"/o/{op.org.slug}/imports/map/{upload_id}" + (f"?{qs}" if qs else "")
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _form_mapping(form: Mapping[str, Any], template: str, name: str) -> ColumnMapping:
    """The mapping the page's form describes: per template column ``src.<col>`` (a file
    column, ``=`` for a constant, empty for none), ``const.<col>`` and ``values.<col>``
    (``DSL=diesel; BNZ=petrol``)."""
    tpl = TEMPLATES[template]
    columns: dict[str, str] = {}
    constants: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for c in tpl.columns:
        src = str(form.get(f"src.{c.name}") or "")
        if src == "=":
            const = str(form.get(f"const.{c.name}") or "").strip()
            if const:
                constants[c.name] = const
        elif src:
            columns[src] = c.name
        table: dict[str, str] = {}
        for part in re.split(r"[;\n]", str(form.get(f"values.{c.name}") or "")):
            k, sep, v = part.partition("=")
            if sep and k.strip() and v.strip():
                table[k.strip()] = v.strip()
        if table:
            values[c.name] = table
    return ColumnMapping(template, columns, constants, values, name=name.strip())


def _values_text(table: Mapping[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in table.items())


@router.get("/o/{org}/imports/map/{upload_id}", response_class=HTMLResponse)
def map_page(
    request: Request,
    op: OrgDep,
    upload_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$")],
    template: str = "",
    mapping: str = "",
    encoding: str = "",
    locale: str = "",
    fixes: str = "",
) -> HTMLResponse:
    """The mapping page of a staged upload: choose a template (or a saved mapping), map the
    template's columns to the file's, see what the first rows become."""
    op.require("edit_data")
    enc = encoding if encoding in ENCODINGS else None
    loc = locale if locale in DECIMAL_LOCALES else None
    try:
        staged = mappings.staged_upload(op.tenant, upload_id)
        head = mappings.file_head(staged.path, encoding=enc)
        saved = mappings.mappings_for(op.tenant, head.header)
        if mapping:
            current: ColumnMapping | None = mappings.get_mapping(op.tenant, mapping)
        elif template in TEMPLATES:
            current = mappings.suggest_mapping(head.header, template)
        else:
            current = saved[0] if saved else None
    except ServiceError as exc:
        if http_status(exc) == 404:
            raise not_found(upload_id) from exc
        raise bad_request(exc.message) from exc
    return _map_render(request, op, staged, head, current, saved, enc, loc, fixes)


@router.post("/o/{org}/imports/map/{upload_id}", response_model=None)
async def map_submit(
    request: Request,
    op: OrgDep,
    upload_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$")],
) -> Response:
    """The mapping form: ``action`` = ``preview`` (show what the rows become), ``import``
    (save the mapping under its name, if given, and import the file through it) or
    ``cancel`` (discard the upload)."""
    op.require("edit_data")
    form = await request.form()
    action = str(form.get("action") or "preview")
    template = str(form.get("template") or "")
    enc = str(form.get("encoding") or "")
    loc = str(form.get("locale") or "")
    enc_ = enc if enc in ENCODINGS else None
    loc_ = loc if loc in DECIMAL_LOCALES else None
    fixes = str(form.get("fixes") or "")
    try:
        staged = mappings.staged_upload(op.tenant, upload_id)
        if action == "cancel":
            mappings.discard_staged(op.tenant, upload_id)
            return RedirectResponse(f"/o/{op.org.slug}/imports", status_code=303)
        head = await run_in_threadpool(mappings.file_head, staged.path, encoding=enc_)
        saved = mappings.mappings_for(op.tenant, head.header)
    except ServiceError as exc:
        if http_status(exc) == 404:
            raise not_found(upload_id) from exc
        raise bad_request(exc.message) from exc
    if template not in TEMPLATES:
        return _map_render(request, op, staged, head, None, saved, enc_, loc_, fixes)
    current = _form_mapping(form, template, str(form.get("name") or ""))
    if str(form.get("template_was") or "") != template:  # a new template: start from its names
        current = mappings.suggest_mapping(head.header, template)
        return _map_render(request, op, staged, head, current, saved, enc_, loc_, fixes)
    problems = current.problems()
    if action == "import" and not problems:
        try:
            if current.name:
                mappings.save_mapping(op.tenant, current)
            job = await run_in_threadpool(
                mappings.import_staged,
                op.db,
                op.tenant,
                upload_id,
                fixes=fixes or None,
                encoding=enc_,
                locale=loc_,
                column_map=current.validate(),
            )
        except DuplicateUploadError as exc:
            return _confirm(request, op, exc)
        except ServiceError as exc:
            raise bad_request(exc.message) from exc
        return RedirectResponse(f"/o/{op.org.slug}/jobs/{job.id}", status_code=303)
    preview = None
    if not problems:
        preview = await run_in_threadpool(
            mappings.preview, op.tenant, staged.path, current, encoding=enc_, locale=loc_
        )
    return _map_render(
        request, op, staged, head, current, saved, enc_, loc_, fixes,
        problems=problems, preview=preview,
    )  # fmt: skip


def _map_render(
    request: Request,
    op: OrgPage,
    staged: mappings.StagedUpload,
    head: mappings.FileHead,
    current: ColumnMapping | None,
    saved: list[ColumnMapping],
    encoding: str | None,
    locale: str | None,
    fixes: str,
    *,
    problems: list[tuple[str, str, dict[str, Any]]] | None = None,
    preview: mappings.Preview | None = None,
) -> HTMLResponse:
    tpl = current.tpl if current is not None else None
    chosen: dict[str, str] = {}
    if current is not None:
        chosen = {col: src for src, col in current.columns.items()}
        chosen.update(dict.fromkeys(current.constants, "="))
    return org_render(
        request,
        op,
        "import_map.html",
        "imports",
        staged=staged,
        head=head,
        mapping=current,
        tpl=tpl,
        chosen=chosen,
        constants=dict(current.constants) if current is not None else {},
        value_texts={k: _values_text(v) for k, v in current.values.items()} if current else {},
        saved=saved,
        templates=backend.template_names(),
        encoding=encoding or "",
        decimal_locale=locale or "",
        fixes=fixes,
        problems=problems or [],
        preview=preview,
    )


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
def template_file(op: OrgDep, name: str, ext: Literal["csv", "xlsx"]) -> Response:
    """An empty import template with its example row (``lingtan template``), its site the
    organisation's first site (else ``*``), so that the example imports as written."""
    try:
        site = example_site(op.tenant)
        file_name, content, media = template_file_of(name, ext, site=site)
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


@router.get("/o/{org}/imports/{batch_id}/rejected-reasons.csv", response_model=None)
def rejected_reasons(request: Request, op: OrgDep, batch_id: str) -> Response:
    """Why each open row was rejected (CSV), in the page's language (decision 0053)."""
    try:
        name, content = rejected_reasons_file(
            op.db, op.tenant, batch_id, translator(request).locale
        )
    except ServiceError as exc:
        if http_status(exc) == 404:
            raise not_found(batch_id[:12]) from exc
        raise
    return _download(name, content, "text/csv; charset=utf-8")


@router.get("/o/{org}/imports/{batch_id}/rejected.csv", response_model=None)
def rejected_file(op: OrgDep, batch_id: str) -> Response:
    """The rejected rows as the user wrote them (same template), to fix and upload again."""
    op.require("edit_data")
    got = backend.export_rejected(op.db, op.tenant, batch_id)
    if got is None:
        raise not_found(batch_id[:12])
    name, content = got
    return _download(name, content, "text/csv; charset=utf-8")
