"""``/templates``, ``/orgs/{org}/imports``, ``/orgs/{org}/quarantine``, ``/orgs/{org}/jobs``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile, status
from fastapi.responses import JSONResponse, Response

from lingtan.adapters import services
from lingtan.adapters.api.deps import CurrentUser, DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    BatchIdPath,
    IdPath,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.schemas.imports import (
    BatchPublic,
    JobPublic,
    QuarantinedRowPublic,
    TemplatePublic,
)
from lingtan.adapters.services.imports import DuplicateUploadError, resolve_pending
from lingtan.adapters.services.mappings import get_mapping

router = APIRouter(tags=["imports"])
BatchRef = Annotated[str | None, Form(pattern=r"^[0-9a-f]{64}$")]


@router.get("/templates", responses=errors(401))
def list_templates(user: CurrentUser) -> list[TemplatePublic]:
    """Import templates (one per kind of activity data)."""
    del user
    return [TemplatePublic.model_validate(t) for t in services.templates()]


@router.get(
    "/templates/{name}",
    response_class=Response,
    responses={**file_content("text/csv", "application/octet-stream"), **errors(401, 404, 422)},
)
def download_template(
    name: Annotated[str, Path(max_length=50, pattern=r"^[a-z0-9_]+$")],
    user: CurrentUser,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
) -> Response:
    """An empty template: header and one example row (XLSX: with a README sheet)."""
    del user
    return file_response(*services.template_file(name, format))


_DUPLICATE_409: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "The file's rows largely repeat an earlier batch (≥ 50 %): nothing was "
        "queued. `error.batch` names it (id, file name, imported at, overlap %); send the file "
        "again with `on_duplicate` = `append` or `supersede`, or answer "
        "`POST /orgs/{org}/imports/pending/{error.upload_id}`.",
        "content": {"application/json": {}},
    }
}


def _conflict(exc: DuplicateUploadError) -> JSONResponse:
    return JSONResponse({"error": exc.to_dict()}, status_code=409)


@router.post(
    "/orgs/{org}/imports",
    status_code=status.HTTP_202_ACCEPTED,
    responses={**errors(401, 403, 404, 413, 422), **_DUPLICATE_409},
    response_model=JobPublic,
)
def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV or XLSX of one template")],
    db: DbDep,
    tenant: Editor,
    template: Annotated[str | None, Form(max_length=50, pattern=r"^[a-z0-9_]+$")] = None,
    supersedes: BatchRef = None,
    fixes: BatchRef = None,
    on_duplicate: Annotated[
        Literal["append", "supersede"] | None,
        Form(description="What to do when the file repeats an earlier batch (see 409)"),
    ] = None,
    encoding: Annotated[
        str | None, Form(max_length=40, description="a CSV's encoding (default: detected)")
    ] = None,
    locale: Annotated[
        str | None,
        Form(
            max_length=20,
            description="number and date conventions, e.g. de-DE (default: told from the file)",
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        Form(
            max_length=80,
            pattern=r"^[\w][\w.\-]{0,79}$",
            description="a saved column mapping (/orgs/{org}/mappings) the file is read through",
        ),
    ] = None,
) -> JobPublic | JSONResponse:
    """Upload an activity file: it is saved and imported by a background job (poll
    ``/orgs/{org}/jobs/{id}``; the result lists the rejected rows). A file whose rows largely
    repeat an earlier batch answers 409 unless ``on_duplicate`` (or ``supersedes``) says
    what to do. The file is copied in chunks to the organisation's uploads folder, never read
    into memory whole (the request itself is bounded before it is read: decision 0037)."""
    try:
        job = services.start_import(
            db,
            tenant,
            file_name=file.filename or "upload.csv",
            data=file.file,
            template=template,
            supersedes=supersedes,
            fixes=fixes,
            on_duplicate=on_duplicate,
            encoding=encoding,
            locale=locale,
            column_map=None if mapping is None else get_mapping(tenant, mapping),
        )
    except DuplicateUploadError as exc:
        return _conflict(exc)
    _wake(request)
    return JobPublic.model_validate(job)


@router.post(
    "/orgs/{org}/imports/pending/{upload_id}",
    responses=errors(401, 403, 404, 422),
)
def answer_pending(
    request: Request,
    upload_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
    decision: Annotated[Literal["append", "supersede", "cancel"], Form()],
    db: DbDep,
    tenant: Editor,
) -> JobPublic | None:
    """Answer a 409 of an upload: ``append`` (keep both) or ``supersede`` (replace the batch
    it repeats) queues its import (the job); ``cancel`` discards the file (null)."""
    job = resolve_pending(db, tenant, upload_id, decision)
    if job is None:
        return None
    _wake(request)
    return JobPublic.model_validate(job)


def _wake(request: Request) -> None:
    worker = getattr(request.app.state, "worker", None)
    if worker is not None:
        worker.wake()


@router.get("/orgs/{org}/imports", responses=READ_ERRORS)
def list_imports(db: DbDep, tenant: Reader, active_only: bool = False) -> list[BatchPublic]:
    """Import batches in import order (superseded ones too unless ``active_only``)."""
    return [
        BatchPublic.model_validate(b)
        for b in services.list_batches(db, tenant, active_only=active_only)
    ]


@router.get("/orgs/{org}/imports/{batch_id}", responses=READ_ERRORS)
def get_import(batch_id: BatchIdPath, db: DbDep, tenant: Reader) -> BatchPublic:
    """One batch."""
    return BatchPublic.model_validate(services.get_batch(db, tenant, batch_id))


@router.get("/orgs/{org}/imports/{batch_id}/quarantine", responses=READ_ERRORS)
def batch_quarantine(
    request: Request,
    batch_id: BatchIdPath,
    db: DbDep,
    tenant: Reader,
    open_only: bool = True,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[QuarantinedRowPublic]:
    """The batch's rejected rows: row (header = 1), column, reason, value as written; the
    reason in the language of ``?lang=`` or ``Accept-Language`` (else English), with its
    catalogue ``key`` and ``params``."""
    rows = services.quarantine_rows(
        db, tenant, batch_id=batch_id, open_only=open_only, limit=limit, offset=offset
    )
    ctx = _row_locale(request)
    return [QuarantinedRowPublic.model_validate(r, context=ctx) for r in rows]


@router.get(
    "/orgs/{org}/imports/{batch_id}/rejected",
    response_class=Response,
    responses={**file_content("text/csv"), **READ_ERRORS},
)
def batch_rejected_file(batch_id: BatchIdPath, db: DbDep, tenant: Reader) -> Response:
    """The open rejected rows as written (CSV, same template): fix them and upload the file
    with ``fixes`` = this batch id."""
    name, data = services.rejected_rows_file(db, tenant, batch_id)
    return file_response(name, data, "text/csv; charset=utf-8")


@router.get("/orgs/{org}/quarantine", responses=READ_ERRORS)
def quarantine(
    request: Request,
    db: DbDep,
    tenant: Reader,
    open_only: bool = True,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[QuarantinedRowPublic]:
    """Every rejected row of the organisation (open ones unless ``open_only=false``); reasons
    in the language of ``?lang=`` or ``Accept-Language`` (else English)."""
    rows = services.quarantine_rows(db, tenant, open_only=open_only, limit=limit, offset=offset)
    ctx = _row_locale(request)
    return [QuarantinedRowPublic.model_validate(r, context=ctx) for r in rows]


def _row_locale(request: Request) -> dict[str, str]:
    """The validation context of rejected rows: the language of ``?lang=``, else of
    ``Accept-Language``, else English (decision 0053)."""
    from lingtan.adapters.i18n.messages import from_accept_language, normalise

    lang = normalise(request.query_params.get("lang")) or from_accept_language(
        request.headers.get("accept-language")
    )
    return {"locale": lang or "en"}


@router.get("/orgs/{org}/jobs", responses=READ_ERRORS)
def list_jobs(
    request: Request,
    db: DbDep,
    tenant: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[JobPublic]:
    """Background jobs, newest first."""
    ctx = _message_locale(request)
    jobs = services.list_jobs(db, tenant, limit=limit)
    return [JobPublic.model_validate(j, context=ctx) for j in jobs]


@router.get("/orgs/{org}/jobs/{job_id}", responses=READ_ERRORS)
def get_job(request: Request, job_id: IdPath, db: DbDep, tenant: Reader) -> JobPublic:
    """A job: status, progress 0 … 1, its stage and counts (``message_key`` and
    ``message_params``, and ``message`` rendered in the ``Accept-Language`` language, else
    English); result or error at the end."""
    job = services.job_status(db, tenant, job_id)
    return JobPublic.model_validate(job, context=_message_locale(request))


def _message_locale(request: Request) -> dict[str, str]:
    """The validation context of a job answer: the language its message is rendered in."""
    from lingtan.adapters.i18n.messages import from_accept_language

    return {"locale": from_accept_language(request.headers.get("accept-language")) or "en"}
