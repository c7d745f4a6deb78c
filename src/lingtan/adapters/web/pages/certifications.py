"""The certificate register and the zero-carbon assessment in the web app (issue 16 item 5,
decision 0077): ``/o/<org>/certificates`` (the register with its filters, renewals due within
90 days, the add and import forms, the zero-carbon assessments per site and year and the form
that assesses a site) and ``/o/<org>/certificates/<id>`` (one certificate with its evidence
file, withdraw, remove).

Every form is checked by :mod:`lingtan.adapters.services.certifications`: a refused change is
shown again with the reason in the user's language (``certs.err.*``, ``zerocarbon.err.*``) and
its writes rolled back; a change that went through redirects (303) with a confirmation.
Reading needs ``read``; changing and assessing ``edit_data`` (403 page otherwise). Every POST
carries the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import certifications as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, refused_change, upload_bytes
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.core.messages import msg
from lingtan.modules.energy import certificates as cm
from lingtan.modules.energy import zero_carbon as zc

router = APIRouter()

#: what the confirmation after a change may say (``certs.done.<key>``)
DONE = frozenset({"added", "saved", "evidence", "removed", "imported", "assessed"})
Text = Annotated[str, Form(max_length=500)]
Filter = Annotated[str, Query(max_length=80)]
_FIELDS = ("subject_kind", "subject_id", "scheme", "level", "issuer", "number", "issued",
           "valid_until", "note")  # fmt: skip


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> tuple[str, str]:
    """``(field, message in the user's language)`` of a refused change, whose writes are
    rolled back; other errors (403, 404 …) go to the error page."""
    return refused_change(request, op, exc, sv.CertsError)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _years(op: OrgPage) -> list[str]:
    """The fiscal years with a calculated inventory, newest first."""
    return sorted({s.fiscal_year for s in op.tenant.workspace().snapshots()}, reverse=True)


def _register(
    request: Request,
    op: OrgPage,
    filters: dict[str, str],
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The register page: the certificates the filters select, reminders, assessments."""
    today = datetime.now(UTC).date()
    kind, scheme, state = filters.get("subject_kind", ""), filters.get("scheme", ""), ""
    if filters.get("state", "") in cm.STATES:
        state = filters["state"]
    rows = sv.list_certificates(
        op.db, op.tenant,
        subject_kind=kind if kind in cm.SUBJECTS else None,
        scheme=scheme if scheme in cm.SCHEMES else None,
        state=state or None, on=today,
    )  # fmt: skip
    t = translator(request)
    by_id = {str(r.id): r for r in sv.list_certificates(op.db, op.tenant)}
    return org_render(
        request, op, "certifications.html", "energy",
        certificates=rows, states={r.id: sv.state_of(r, today) for r in rows},
        reminders=sv.reminders(op.db, op.tenant, on=today), by_id=by_id,
        scheme_names={c: cm.scheme_name(c, t.locale) for c in cm.SCHEMES},
        schemes=cm.SCHEMES, subjects=cm.SUBJECTS, all_states=cm.STATES,
        assessments=[sv.assessment_dict(a) for a in sv.list_assessments(op.db, op.tenant)],
        sites=sorted(op.tenant.workspace().config.site_regions()), years=_years(op),
        stages=zc.STAGES, note_text=lambda n: sv.note_text(n, t.locale),
        filters=filters, can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/certificates", response_class=HTMLResponse)
def certificate_list(
    request: Request,
    op: OrgDep,
    subject_kind: Filter = "",
    scheme: Filter = "",
    state: Filter = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The register, renewals due and the zero-carbon assessments."""
    op.require("read")
    filters = {"subject_kind": subject_kind, "scheme": scheme, "state": state}
    return _register(request, op, filters, done=done)


@router.post("/o/{org}/certificates", response_model=None)
def certificate_add(
    request: Request,
    op: OrgDep,
    subject_kind: Text = "",
    subject_id: Text = "",
    scheme: Text = "",
    level: Text = "",
    issuer: Text = "",
    number: Text = "",
    issued: Text = "",
    valid_until: Text = "",
    note: Text = "",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Add a certificate (with its evidence file); the page again with the reason when
    refused."""
    op.require("edit_data")
    values = {"subject_kind": subject_kind, "subject_id": subject_id, "scheme": scheme,
              "level": level, "issuer": issuer, "number": number, "issued": issued,
              "valid_until": valid_until, "note": note}  # fmt: skip
    try:
        proof = None
        if evidence is not None and evidence.filename:
            proof = (evidence.filename, upload_bytes(evidence))
        fields = {k: v for k, v in values.items() if v.strip() or k in sv.REQUIRED_COLUMNS}
        row = sv.create_certificate(op.db, op.tenant, fields, proof)
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _register(request, op, {}, errors={"add": text, f"add.{field}": text},
                         values={"add": values}, status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/certificates/{row.id}?done=added")


@router.post("/o/{org}/certificates/import", response_model=None)
def certificate_import(
    request: Request, op: OrgDep, file: Annotated[UploadFile, File()]
) -> Response:
    """Import a CSV file of certificates (all or nothing); the page again with every wrong
    cell."""
    op.require("edit_data")
    try:
        data = upload_bytes(file)
        sv.import_certificates(op.db, op.tenant, data, file.filename or "certificates.csv")
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _register(request, op, {}, errors={"import": text}, status_code=422)
    return _redirect(f"/o/{op.org.slug}/certificates?done=imported")


@router.post("/o/{org}/certificates/zero-carbon", response_model=None)
def zero_carbon_assess(
    request: Request,
    op: OrgDep,
    site: Text = "",
    fiscal_year: Text = "",
    basis: Text = "market",
    grid_factor: Text = "",
    stage: Text = "",
) -> Response:
    """Assess a site in a fiscal year; the page again with the reason when refused."""
    op.require("edit_data")
    values = {"site": site, "fiscal_year": fiscal_year, "basis": basis,
              "grid_factor": grid_factor, "stage": stage}  # fmt: skip
    try:
        factor = None
        if grid_factor.strip():
            try:
                factor = float(grid_factor.replace(",", "."))
            except ValueError:
                raise sv.refused("invalid", msg("zerocarbon.err.number", name="grid_factor"),
                                 "grid_factor") from None  # fmt: skip
        sv.assess_zero_carbon(op.db, op.tenant, site, fiscal_year, basis=basis,
                              grid_factor=factor, stage=stage or None)  # fmt: skip
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _register(request, op, {}, errors={"assess": text}, values={"assess": values},
                         status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/certificates?done=assessed#zero-carbon")


# ---- one certificate ----------------------------------------------------------------------


def _detail(
    request: Request,
    op: OrgPage,
    cert_id: int,
    *,
    done: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    row = sv.get_certificate(op.db, op.tenant, cert_id)
    t = translator(request)
    return org_render(
        request, op, "certifications_detail.html", "energy",
        cert=row, state=sv.state_of(row), scheme=cm.SCHEMES.get(row.scheme),
        scheme_name=cm.scheme_name(row.scheme, t.locale), can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", error=error, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/certificates/{cert_id:int}", response_class=HTMLResponse)
def certificate_detail(
    request: Request,
    op: OrgDep,
    cert_id: int,
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """One certificate: its fields, state, scheme and evidence file."""
    op.require("read")
    return _detail(request, op, cert_id, done=done)


@router.post("/o/{org}/certificates/{cert_id:int}/evidence", response_model=None)
def certificate_evidence(
    request: Request, op: OrgDep, cert_id: int, file: Annotated[UploadFile, File()]
) -> Response:
    """Attach (or replace) the evidence file."""
    op.require("edit_data")
    sv.get_certificate(op.db, op.tenant, cert_id)  # 404 page before the file is read
    try:
        data = upload_bytes(file)
        sv.attach_evidence(op.db, op.tenant, cert_id, file.filename or "evidence", data)
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _detail(request, op, cert_id, error=text, status_code=422)
    return _redirect(f"/o/{op.org.slug}/certificates/{cert_id}?done=evidence")


@router.post("/o/{org}/certificates/{cert_id:int}/withdraw", response_model=None)
def certificate_withdraw(op: OrgDep, cert_id: int) -> Response:
    """Mark the certificate withdrawn (it stays in the register)."""
    op.require("edit_data")
    sv.update_certificate(op.db, op.tenant, cert_id, {"status": "withdrawn"})
    return _redirect(f"/o/{op.org.slug}/certificates/{cert_id}?done=saved")


@router.post("/o/{org}/certificates/{cert_id:int}/delete", response_model=None)
def certificate_delete(op: OrgDep, cert_id: int) -> Response:
    """Remove the certificate from the register."""
    op.require("edit_data")
    sv.delete_certificate(op.db, op.tenant, cert_id)
    return _redirect(f"/o/{op.org.slug}/certificates?done=removed")


@router.get("/o/{org}/certificates/{cert_id:int}/evidence", response_model=None)
def certificate_evidence_file(op: OrgDep, cert_id: int) -> Response:
    """Download the evidence file."""
    op.require("read")
    name, data = sv.evidence_file(op.db, op.tenant, cert_id)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return Response(
        data, media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="{safe or "evidence"}"'},
    )  # fmt: skip
