"""``/orgs/{org}/certificates``: the certificate register and the zero-carbon assessment (issue
16 item 5, decision 0077) — certificates of the organisation's sites, buildings, products and
suppliers with their evidence files, the schemes, reminders 90 / 30 days before expiry, a CSV
import, and the assessment of a site and fiscal year.

Thin: each route parses, calls :mod:`lingtan.adapters.services.certifications` and returns a
schema. Reading needs ``read``, changing and assessing ``edit_data``; another organisation's
certificate is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
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
from lingtan.adapters.api.schemas.certifications import (
    AssessmentCreate,
    AssessmentPublic,
    CertificateCreate,
    CertificatePublic,
    CertificateUpdate,
    CertImportPublic,
    CertReminderPublic,
    Scheme,
    SchemePublic,
    State,
    SubjectKind,
)
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.services import certifications as sv
from lingtan.adapters.store.certifications import CertificateRow
from lingtan.modules.energy.certificates import SCHEMES

router = APIRouter(prefix="/orgs/{org}/certificates", tags=["certificates"])

FILE_ERRORS = errors(401, 403, 404, 413, 422)


def _public(row: CertificateRow) -> CertificatePublic:
    return CertificatePublic.model_validate(sv.certificate_dict(row))


@router.get("", responses=READ_ERRORS)
def list_certificates(
    db: DbDep,
    tenant: Reader,
    subject_kind: SubjectKind | None = None,
    subject_id: Annotated[str | None, Query(max_length=80, pattern=r"^[^\x00-\x1f]*$")] = None,
    scheme: Scheme | None = None,
    state: State | None = None,
) -> list[CertificatePublic]:
    """Certificates by subject, filtered by subject, scheme and state today."""
    rows = sv.list_certificates(db, tenant, subject_kind=subject_kind, subject_id=subject_id,
                                scheme=scheme, state=state)  # fmt: skip
    return [_public(r) for r in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_certificate(body: CertificateCreate, db: DbDep, tenant: Editor) -> CertificatePublic:
    """Add a certificate (audited)."""
    return _public(sv.create_certificate(db, tenant, body.model_dump(exclude_none=True)))


@router.get("/schemes", responses=READ_ERRORS)
def schemes(tenant: Reader) -> list[SchemePublic]:
    """The schemes of the register, with their names in English and Chinese."""
    tenant.require("read")
    return [SchemePublic.model_validate(s.to_dict()) for s in SCHEMES.values()]


@router.get("/reminders", responses=READ_ERRORS)
def reminders(db: DbDep, tenant: Reader) -> list[CertReminderPublic]:
    """Certificates that expire within 90 days or have expired, soonest first."""
    return [
        CertReminderPublic(id=int(r.key), subject_kind=r.subject_kind, subject_id=r.subject_id,
                           scheme=r.scheme, valid_until=r.valid_until, days_left=r.days_left,
                           window=r.window, expired=r.expired)
        for r in sv.reminders(db, tenant)
    ]  # fmt: skip


@router.post("/import", status_code=status.HTTP_201_CREATED, responses=FILE_ERRORS)
def import_certificates(
    file: Annotated[UploadFile, File(description="CSV file of certificates")],
    db: DbDep,
    tenant: Editor,
) -> CertImportPublic:
    """Add the certificates of a CSV file, all or nothing (every wrong cell named)."""
    res = sv.import_certificates(db, tenant, read_upload(file), file.filename or "certificates.csv")
    return CertImportPublic(created=list(res.created))


@router.get("/zero-carbon", responses=READ_ERRORS)
def assessments(
    db: DbDep,
    tenant: Reader,
    site: Annotated[str | None, Query(max_length=80, pattern=r"^[^\x00-\x1f]*$")] = None,
    fiscal_year: FiscalYear | None = None,
) -> list[AssessmentPublic]:
    """The stored zero-carbon assessments, newest year first."""
    rows = sv.list_assessments(db, tenant, site=site, fiscal_year=fiscal_year)
    return [AssessmentPublic.model_validate(sv.assessment_dict(r)) for r in rows]


@router.post("/zero-carbon", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def assess(body: AssessmentCreate, db: DbDep, tenant: Editor) -> AssessmentPublic:
    """Assess a site in a fiscal year from its inventory, measured savings, green power and
    retired credits; the result (with its basis) replaces the year's previous one."""
    row = sv.assess_zero_carbon(
        db, tenant, body.site, body.fiscal_year, basis=body.basis, base=body.base,
        grid_factor=body.grid_factor, r_own_t=body.r_own_t, stage=body.stage,
        measures=dict(body.measures),
    )  # fmt: skip
    return AssessmentPublic.model_validate(sv.assessment_dict(row))


@router.get("/{cert_id}", responses=READ_ERRORS)
def get_certificate(cert_id: IdPath, db: DbDep, tenant: Reader) -> CertificatePublic:
    """One certificate."""
    return _public(sv.get_certificate(db, tenant, cert_id))


@router.patch("/{cert_id}", responses=WRITE_ERRORS)
def update_certificate(
    cert_id: IdPath, body: CertificateUpdate, db: DbDep, tenant: Editor
) -> CertificatePublic:
    """Change a certificate (audited)."""
    fields = body.model_dump(exclude_unset=True)
    return _public(sv.update_certificate(db, tenant, cert_id, fields))


@router.delete("/{cert_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS)
def delete_certificate(cert_id: IdPath, db: DbDep, tenant: Editor) -> Response:
    """Remove a certificate (audited)."""
    sv.delete_certificate(db, tenant, cert_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{cert_id}/evidence", responses=FILE_ERRORS)
def put_evidence(
    cert_id: IdPath,
    file: Annotated[UploadFile, File(description="The certificate's scan or PDF")],
    db: DbDep,
    tenant: Editor,
) -> CertificatePublic:
    """Attach the evidence file (kept by its sha256)."""
    row = sv.attach_evidence(db, tenant, cert_id, file.filename or "evidence", read_upload(file))
    return _public(row)


@router.get(
    "/{cert_id}/evidence",
    responses={**READ_ERRORS, **file_content("application/octet-stream")},
    response_class=Response,
)
def get_evidence(cert_id: IdPath, db: DbDep, tenant: Reader) -> Response:
    """The evidence file, as it was uploaded."""
    name, data = sv.evidence_file(db, tenant, cert_id)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return file_response(safe or "evidence", data, "application/octet-stream")
