"""``/orgs/{org}/meters``, ``/readings`` and ``/production``: meters, their readings and the
production volumes (issue 16, decision 0078).

Thin: each route parses, calls :mod:`lingtan.adapters.services.meters`,
:mod:`~lingtan.adapters.services.readings` or :mod:`~lingtan.adapters.services.production`
and returns a schema. A meter is addressed by its **code** (unique in the organisation), as the
CLI and the pages do.

``POST /readings`` is the gateway endpoint: the body is the readings themselves, NDJSON
(``application/x-ndjson``, one JSON object a line: ``meter``, ``ts``, ``value`` and optionally
``register``, ``quality``, ``minutes``) or CSV (``text/csv``, the columns of a readings file,
docs/meters.md); its size is bounded like an upload (``max_upload_mb``, api/limits.py), and a
batch sent twice is stored once (content hash). Reading needs ``read``, changing ``edit_data``;
another organisation's meter is a 404."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    errors,
    file_content,
    read_upload,
    register_file,
)
from lingtan.adapters.api.routes.supplier_reviews import CodePath
from lingtan.adapters.api.schemas.energy import (
    GapPublic,
    ImportResultPublic,
    MeterCreate,
    MeterPublic,
    MeterUpdate,
    ProductionCreate,
    ProductionPublic,
    ReadingIssuePublic,
    ReadingsReportPublic,
    RejectedPublic,
)
from lingtan.adapters.services.register_files import safe_file_name, with_file

router = APIRouter(prefix="/orgs/{org}", tags=["energy"])

FILE_ERRORS = errors(401, 403, 404, 409, 413, 422)
NDJSON = "application/x-ndjson"
CSV = "text/csv"
#: the OpenAPI request body of ``POST /readings`` (the content-type check reads it, 415 else)
READINGS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            NDJSON: {"schema": {"type": "string", "format": "binary"}},
            CSV: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
FileName = Annotated[str, Query(max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(csv|CSV)$")]


def _locale(request: Request) -> str:
    """The language of messages: ``?lang=``, else ``Accept-Language``, else English."""
    from lingtan.adapters.i18n.messages import from_accept_language, normalise

    lang = normalise(request.query_params.get("lang")) or from_accept_language(
        request.headers.get("accept-language")
    )
    return lang or "en"


def text_of(message: Any, locale: str) -> str:
    """A keyed message (:class:`lingtan.core.messages.Message`) or a text, in ``locale``."""
    from lingtan.adapters.i18n.rows import render
    from lingtan.core.messages import Message

    return render(message, locale) if isinstance(message, Message) else str(message or "")


def gap_public(gap: Any) -> GapPublic:
    """A :class:`lingtan.modules.energy.readings.Gap` as its schema."""
    return GapPublic(meter=gap.meter, start=gap.start, end=gap.end,
                     missing_intervals=int(gap.missing_intervals))  # fmt: skip


def _rejected(item: Any, locale: str) -> RejectedPublic:
    """A refused row: a :class:`lingtan.core.errors.RowIssue` or a (file, row, field, message)."""
    from lingtan.adapters.i18n.rows import issue_reason
    from lingtan.core.errors import RowIssue

    if isinstance(item, RowIssue):
        return RejectedPublic(file=item.source, row=item.row, field=item.field,
                              message=issue_reason(item, locale))  # fmt: skip
    if isinstance(item, dict):
        item = tuple(item.get(k) for k in ("file", "row", "field", "message"))
    file, row, field, message = item
    return RejectedPublic(file=str(file), row=int(row or 0), field=str(field or ""),
                          message=text_of(message, locale))  # fmt: skip


def report_public(report: Any, locale: str) -> ReadingsReportPublic:
    """A :class:`lingtan.adapters.services.readings.ReadingsReport` with its messages in
    ``locale``."""
    issues = [
        ReadingIssuePublic(kind=i.kind, meter=i.meter, ts=i.ts, value=i.value,
                           message=text_of(i.message, locale))
        for i in report.issues
    ]  # fmt: skip
    return ReadingsReportPublic(
        batch_id=report.batch_id, accepted=int(report.accepted),
        duplicates=int(report.duplicates), corrected=int(getattr(report, "corrected", 0)),
        already=bool(getattr(report, "already", False)),
        rejected_count=int(getattr(report, "rejected_count", len(report.rejected))),
        rejected=[_rejected(r, locale) for r in report.rejected], issues=issues,
        gaps=[gap_public(g) for g in report.gaps], meters=list(report.meters),
        first_ts=report.first_ts, last_ts=report.last_ts,
    )  # fmt: skip


def import_public(res: Any) -> ImportResultPublic:
    """A service's import result (``created`` / ``updated`` keys, or a row count)."""
    created = [str(c) for c in getattr(res, "created", ()) or ()]
    updated = [str(u) for u in getattr(res, "updated", ()) or ()]
    rows = int(getattr(res, "rows", 0) or len(created) + len(updated))
    return ImportResultPublic(created=created, updated=updated, rows=rows)


def _import_upload(file: UploadFile, default: str, call: Any) -> ImportResultPublic:
    """``call(path)`` on an uploaded register file (named as sent, else ``default``) and its
    result as :class:`ImportResultPublic`."""
    name = safe_file_name(file.filename, default)
    data = read_upload(file)
    return import_public(with_file(name, data, call))


# ---- meters ---------------------------------------------------------------------------------


@router.get("/meters", responses=READ_ERRORS)
def list_meters(
    db: DbDep,
    tenant: Reader,
    site: Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z0-9._-]+$")] = None,
) -> list[MeterPublic]:
    """The organisation's meters by code (only one site's with ``site``)."""
    from lingtan.adapters.services import meters as sv

    return [MeterPublic.model_validate(m) for m in sv.list_meters(db, tenant, site=site)]


@router.post("/meters", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_meter(body: MeterCreate, db: DbDep, tenant: Editor) -> MeterPublic:
    """Add a meter (audited); a code already used is a 409."""
    from lingtan.adapters.services import meters as sv

    return MeterPublic.model_validate(sv.create_meter(db, tenant, body.model_dump()))


@router.get(
    "/meters/export",
    responses={**READ_ERRORS, **file_content("text/csv", "application/octet-stream")},
    response_class=Response,
)
def export_meters(db: DbDep, tenant: Reader, format: Literal["csv", "xlsx"] = "csv") -> Response:
    """The meter register as a CSV (UTF-8) or XLSX file that ``POST …/meters/import`` reads."""
    from lingtan.adapters.services import meters as sv

    return register_file("meters", format, sv.export_meters(db, tenant, format))


@router.post("/meters/import", responses=FILE_ERRORS)
def import_meters(
    file: Annotated[UploadFile, File(description="CSV or XLSX of the meter register's columns")],
    db: DbDep,
    tenant: Editor,
) -> ImportResultPublic:
    """Create or update meters from a file; all or nothing (every wrong cell named)."""
    from lingtan.adapters.services import meters as sv

    return _import_upload(file, "meters.csv", lambda p: sv.import_meters(db, tenant, p))


@router.get("/meters/{code}", responses=READ_ERRORS)
def get_meter(code: CodePath, db: DbDep, tenant: Reader) -> MeterPublic:
    """One meter."""
    from lingtan.adapters.services import meters as sv

    return MeterPublic.model_validate(sv.meter_by_code(db, tenant, code))


@router.patch("/meters/{code}", responses=WRITE_ERRORS)
def update_meter(code: CodePath, body: MeterUpdate, db: DbDep, tenant: Editor) -> MeterPublic:
    """Change a meter (fields given; audited)."""
    from lingtan.adapters.services import meters as sv

    fields = body.model_dump(exclude_unset=True)
    nullable = ("source", "parent", "building", "line", "valid_from", "valid_to")
    fields = {k: v for k, v in fields.items() if v is not None or k in nullable}
    return MeterPublic.model_validate(sv.update_meter(db, tenant, code, fields))


# ---- readings -------------------------------------------------------------------------------


@router.post("/readings", responses=FILE_ERRORS, openapi_extra=READINGS_BODY)
async def post_readings(
    request: Request,
    tenant: Editor,
    filename: FileName = "readings.csv",
) -> ReadingsReportPublic:
    """Readings from a gateway or a script: NDJSON or CSV in the body (see the module text).
    Answers what was stored, the duplicates, the rows refused (file, row, field, reason), the
    findings (negative, spike, reset …) and the gaps — never interpolated."""
    from lingtan.adapters.services import readings as rs

    kind = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    body = await request.body()
    if not body.strip():
        raise ApiError(422, "invalid", "the body holds no readings", "body")
    if kind == NDJSON:
        report = await run_in_threadpool(rs.ingest_readings_ndjson, tenant, body)
    else:
        report = await run_in_threadpool(
            with_file, filename, body, lambda p: rs.ingest_readings_file(tenant, p)
        )
    return report_public(report, _locale(request))


@router.get("/readings/gaps", responses=READ_ERRORS)
def reading_gaps(
    tenant: Reader,
    start: date,
    end: date,
    meter: Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z0-9._-]+$")] = None,
) -> list[GapPublic]:
    """Intervals without a reading between ``start`` and ``end`` (dates, the meter's local
    days), per meter or for one."""
    from lingtan.adapters.services import readings as rs

    if end < start:
        raise ApiError(422, "invalid", "end is before start", "end")
    return [gap_public(g) for g in rs.reading_gaps(tenant, start=start, end=end, meter=meter)]


# ---- production -----------------------------------------------------------------------------


@router.get("/production", responses=READ_ERRORS)
def list_production(
    db: DbDep,
    tenant: Reader,
    site: Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z0-9._-]+$")] = None,
    start: date | None = None,
    end: date | None = None,
) -> list[ProductionPublic]:
    """Production volumes by site, line, product type and month."""
    from lingtan.adapters.services import production as ps

    rows = ps.list_production(db, tenant, site=site, start=start, end=end)
    return [ProductionPublic.model_validate(r) for r in rows]


@router.post("/production", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def add_production(body: ProductionCreate, db: DbDep, tenant: Editor) -> ProductionPublic:
    """Record (or replace) the units of a site, line, product type and month (audited)."""
    from lingtan.adapters.services import production as ps

    fields = body.model_dump()
    fields["month"] = body.month.replace(day=1)
    return ProductionPublic.model_validate(ps.add_production(db, tenant, fields))


@router.post("/production/import", responses=FILE_ERRORS)
def import_production(
    file: Annotated[UploadFile, File(description="CSV or XLSX of production volumes")],
    db: DbDep,
    tenant: Editor,
) -> ImportResultPublic:
    """Production volumes from a file; all or nothing (every wrong cell named)."""
    from lingtan.adapters.services import production as ps

    return _import_upload(file, "production.csv", lambda p: ps.import_production(db, tenant, p))
