"""``/orgs/{org}/disclosure/verification``: the verification record of a fiscal year's inventory
snapshot (verifier, ISO 14064-3:2019 or ISAE 3410, level of assurance, materiality, coverage,
opinion, statement file and URL) and its findings (issue 19 item 2; decision 0098).

Thin: each route parses, calls :mod:`lingtan.adapters.services.disclosure_verification` and
returns a schema. Reading needs ``read``, changing ``edit_data``; another organisation's record is
a 404. An edition pins the record of its year and snapshot when it is built: a record made or
changed later shows in the next edition."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, UploadFile, status
from fastapi.responses import Response

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    IdPath,
    errors,
    file_content,
    file_response,
    read_upload,
)
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.disclosure_verification import (
    VerificationCreate,
    VerificationFindingClose,
    VerificationFindingCreate,
    VerificationFindingPublic,
    VerificationPublic,
    VerificationUpdate,
)
from lingtan.adapters.services import disclosure_verification as sv

router = APIRouter(prefix="/orgs/{org}/disclosure/verification", tags=["disclosure"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)
NumberPath = Annotated[int, Path(ge=1, le=1_000_000)]


def _public(db: Any, row: Any) -> VerificationPublic:
    return VerificationPublic.model_validate(sv.record_dict(db, row))


@router.get("", responses=READ_ERRORS)
def list_records(
    db: DbDep, tenant: Reader, fiscal_year: FiscalYear | None = None
) -> list[VerificationPublic]:
    """The verification records (of a fiscal year), newest year first, with their findings."""
    return [_public(db, r) for r in sv.list_records(db, tenant, fiscal_year)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_record(body: VerificationCreate, db: DbDep, tenant: Editor) -> VerificationPublic:
    """Record the verification of a year's snapshot (audited); 409 when it has one."""
    fields = body.model_dump(exclude_none=True)
    fy = fields.pop("fiscal_year")
    sid = fields.pop("snapshot_id", None)
    return _public(db, sv.add_record(db, tenant, fy, fields, snapshot_id=sid))


@router.get("/{record_id}", responses=READ_ERRORS)
def get_record(record_id: IdPath, db: DbDep, tenant: Reader) -> VerificationPublic:
    """One record with its findings."""
    return _public(db, sv.get_record(db, tenant, record_id))


@router.patch("/{record_id}", responses=WRITE_ERRORS)
def update_record(
    record_id: IdPath, body: VerificationUpdate, db: DbDep, tenant: Editor
) -> VerificationPublic:
    """Change a record (audited)."""
    fields = body.model_dump(exclude_unset=True)
    return _public(db, sv.update_record(db, tenant, record_id, fields))


@router.post("/{record_id}/findings", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def add_finding(
    record_id: IdPath, body: VerificationFindingCreate, db: DbDep, tenant: Editor
) -> VerificationFindingPublic:
    """Raise a finding on a record (audited)."""
    f = sv.add_finding(db, tenant, record_id, body.text, severity=body.severity,
                       raised_on=body.raised_on)  # fmt: skip
    return VerificationFindingPublic.model_validate(sv.finding_dict(f))


@router.post("/{record_id}/findings/{number}/close", responses=WRITE_ERRORS)
def close_finding(
    record_id: IdPath, number: NumberPath, body: VerificationFindingClose, db: DbDep, tenant: Editor
) -> VerificationFindingPublic:
    """Close a finding with the evidence of its closure (audited); 409 when already closed."""
    f = sv.close_finding(db, tenant, record_id, number, evidence=body.evidence,
                         closed_on=body.closed_on)  # fmt: skip
    return VerificationFindingPublic.model_validate(sv.finding_dict(f))


@router.post("/{record_id}/statement", responses=FILE_ERRORS)
def attach_statement(
    record_id: IdPath,
    file: Annotated[UploadFile, File(description="The verification statement (PDF …)")],
    db: DbDep,
    tenant: Editor,
) -> VerificationPublic:
    """Attach the statement file, stored with its SHA-256 (audited)."""
    data = read_upload(file)
    row = sv.attach_statement(db, tenant, record_id, file.filename or "statement", data)
    return _public(db, row)


@router.get(
    "/{record_id}/statement",
    responses={**READ_ERRORS, **file_content("application/pdf", "application/octet-stream")},
    response_class=Response,
)
def get_statement(record_id: IdPath, db: DbDep, tenant: Reader) -> Response:
    """The statement file (404 when none is attached or it no longer matches its SHA-256)."""
    name, data, media = sv.statement_file(db, tenant, record_id)
    return file_response(name, data, media)
