"""``/o/<org>/disclosure/verification`` in the web app: the verification records of the
organisation's fiscal-year inventories and their findings (issue 19 item 2; decision 0098).

- ``/o/<org>/disclosure/verification?fy=…``: the records (of a fiscal year) with their findings,
  the form to record a verification (verifier, ISO 14064-3:2019 or ISAE 3410, level, materiality,
  coverage, opinion, statement date, URL; the snapshot verified: the newest of the year unless
  named), and per record the forms to attach the statement file, raise a finding and close one
  with its evidence;
- ``/o/<org>/disclosure/verification/<id>/statement``: the statement file.

Every form is checked by :mod:`lingtan.adapters.services.disclosure_verification`: a refused
change is shown again with the reason in the user's language (``disc_ghg.err.*``, naming the
field) and its writes rolled back; a change that went through redirects (303) with a
confirmation. Reading needs ``read``; changing ``edit_data``. Every POST carries the CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import disclosure_verification as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, refused_change, upload_bytes
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.disclosure import verification as vm

router = APIRouter()

#: what the confirmation after a change may say (``disc_ghg.done.<key>``)
DONE = frozenset({"record", "finding", "closed", "attached"})
Text = Annotated[str, Form(max_length=2000)]
Year = Annotated[str, Query(max_length=20)]
BASE = "/o/{slug}/disclosure/verification"


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    """The reason of a refused change in the user's language (its writes rolled back)."""
    return refused_change(request, op, exc, sv.DisclosureVerificationError)[1]


def _page(
    request: Request,
    op: OrgPage,
    fy: str = "",
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        rows = sv.list_records(op.db, op.tenant, fy.strip() or None)
    except sv.DisclosureVerificationError:
        rows = sv.list_records(op.db, op.tenant)
        fy = ""
    records = [sv.record_dict(op.db, r) for r in rows]
    return org_render(
        request, op, "disclosure_verification.html", "disclosure",
        records=records, fy=fy, standards=vm.STANDARDS, levels=vm.LEVELS, opinions=vm.OPINIONS,
        coverage=vm.COVERAGE, severities=vm.SEVERITIES, can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, values=values or {},
        status_code=status_code,
    )  # fmt: skip


def _back(op: OrgPage, done: str, anchor: str = "") -> Response:
    url = BASE.format(slug=op.org.slug) + f"?done={quote(done)}"
    return RedirectResponse(url + (f"#{anchor}" if anchor else ""), status_code=303)


@router.get("/o/{org}/disclosure/verification", response_class=HTMLResponse)
def verification_page(
    request: Request, op: OrgDep, fy: Year = "", done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """The verification records with their findings, and the forms."""
    op.require("read")
    return _page(request, op, fy, done=done)


@router.post("/o/{org}/disclosure/verification", response_model=None)
def record_add(
    request: Request,
    op: OrgDep,
    fiscal_year: Text = "",
    snapshot_id: Text = "",
    verifier: Text = "",
    standard: Text = "",
    level: Text = "",
    materiality_pct: Text = "",
    coverage: Annotated[list[str] | None, Form()] = None,
    opinion: Text = "",
    statement_date: Text = "",
    url: Text = "",
) -> Response:
    """Record a verification (the snapshot: the newest of the year unless named)."""
    op.require("edit_data")
    values: dict[str, Any] = {
        "fiscal_year": fiscal_year,
        "snapshot_id": snapshot_id,
        "verifier": verifier,
        "standard": standard,
        "level": level,
        "materiality_pct": materiality_pct,
        "coverage": coverage or [],
        "opinion": opinion,
        "statement_date": statement_date,
        "url": url,
    }
    fields = {k: values[k] for k in vm.RECORD_FIELDS}  # fmt: skip
    try:
        row = sv.add_record(op.db, op.tenant, fiscal_year, fields,
                            snapshot_id=snapshot_id.strip() or None)  # fmt: skip
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, errors={"record": text}, values={"record": values},
                     status_code=422)  # fmt: skip
    return _back(op, "record", f"record-{row.id}")


@router.post("/o/{org}/disclosure/verification/{record_id}/findings", response_model=None)
def finding_add(
    request: Request,
    op: OrgDep,
    record_id: int,
    text: Text = "",
    severity: Text = "minor",
    raised_on: Text = "",
) -> Response:
    """Raise a finding on a record."""
    op.require("edit_data")
    try:
        sv.add_finding(op.db, op.tenant, record_id, text, severity=severity,
                       raised_on=raised_on.strip() or None)  # fmt: skip
    except ServiceError as exc:
        reason = _refused(request, op, exc)
        return _page(request, op, errors={f"finding-{record_id}": reason}, status_code=422)
    return _back(op, "finding", f"record-{record_id}")


@router.post(
    "/o/{org}/disclosure/verification/{record_id}/findings/{number}/close", response_model=None
)
def finding_close(
    request: Request,
    op: OrgDep,
    record_id: int,
    number: int,
    evidence: Text = "",
    closed_on: Text = "",
) -> Response:
    """Close a finding with the evidence of its closure."""
    op.require("edit_data")
    try:
        sv.close_finding(op.db, op.tenant, record_id, number, evidence=evidence,
                         closed_on=closed_on.strip() or None)  # fmt: skip
    except ServiceError as exc:
        reason = _refused(request, op, exc)
        return _page(request, op, errors={f"finding-{record_id}": reason}, status_code=422)
    return _back(op, "closed", f"record-{record_id}")


@router.post("/o/{org}/disclosure/verification/{record_id}/statement", response_model=None)
def statement_attach(
    request: Request, op: OrgDep, record_id: int, file: Annotated[UploadFile, File()]
) -> Response:
    """Attach the statement file (stored with its SHA-256)."""
    op.require("edit_data")
    try:
        data = upload_bytes(file, sv.MAX_STATEMENT_BYTES)
        sv.attach_statement(op.db, op.tenant, record_id, file.filename or "statement", data)
    except ServiceError as exc:
        reason = _refused(request, op, exc)
        return _page(request, op, errors={f"statement-{record_id}": reason}, status_code=422)
    return _back(op, "attached", f"record-{record_id}")


@router.get("/o/{org}/disclosure/verification/{record_id}/statement", response_model=None)
def statement_download(op: OrgDep, record_id: int) -> Response:
    """The statement file of a record."""
    op.require("read")
    name, data, media = sv.statement_file(op.db, op.tenant, record_id)
    return Response(
        data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )
