"""The supplier register in the web app (issue 15, decision 0063): the list
``/o/<org>/suppliers`` (filters, status, spend of a fiscal year and its share), a supplier's
profile ``/o/<org>/suppliers/<code>`` (identity, contacts, production sites, the onboarding
checklist with expiry and evidence files, spend by fiscal year) and the forms that add and
change them, import and export the register's file.

A supplier is addressed by its code (the ``supplier`` column of activity files), as the
reviews' pages, the API and the CLI do; its contacts and sites by their own ids under it. The
register's own paths (``new``, ``export``, ``import``) and the requests and coverage pages
(included before this router) come first; those names are refused as supplier codes
(:data:`lingtan.adapters.services.suppliers.RESERVED_CODES`).

Every form is checked by :mod:`lingtan.adapters.services.suppliers`: a refused change is shown
again with the reason in the user's language (the ``suppliers.err.*`` keys) and its writes
rolled back (:func:`_refused`); a change that went through redirects (303) with a confirmation.
Reading needs ``read``; changing needs ``edit_data`` (403 page otherwise). Every POST carries
the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import suppliers as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.suppliers import Supplier
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.suppliers import onboarding, register

router = APIRouter()

#: what the confirmation after a change may say (``suppliers.done.<key>``)
DONE = frozenset(
    {"added", "saved", "status", "contact", "contact_removed", "site", "site_removed", "check",
     "imported"}
)  # fmt: skip
MAX_FILE = 20 * 1024 * 1024  # [bytes], as the API
Text = Annotated[str, Form(max_length=400)]
Filter = Annotated[str, Query(max_length=100)]


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> tuple[str, str]:
    """``(field, message in the user's language)`` of a refused change, whose writes are
    rolled back; other errors (403, 404 …) go to the error page."""
    if not isinstance(exc, sv.SuppliersError):
        raise exc
    op.db.rollback()
    t = translator(request)
    text = t(exc.key, **exc.params)
    if isinstance(exc, sv.RegisterFileError):
        text = "\n".join([text, *sv.row_error_lines(exc.errors, t.locale)])
    return exc.field or "form", text


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _to_profile(op: OrgPage, code: str, done: str) -> Response:
    """Back to the supplier's profile, saying what was done."""
    return _redirect(f"/o/{op.org.slug}/suppliers/{quote(code, safe='')}?done={done}")


def _fiscal_year(op: OrgPage, fy: str) -> str:
    """The fiscal year asked (``FY2023-24`` or ``FY2023/24``), else the latest calculated one,
    else the one of today."""
    if fy.strip():
        return fy.replace("-", "/")
    years = sv.spend_years(op.tenant)
    if years:
        return years[-1]
    cfg = op.tenant.workspace().config
    return cfg.calendar.of(datetime.now(UTC).date()).label


def _list(
    request: Request,
    op: OrgPage,
    filters: dict[str, str],
    *,
    done: str = "",
    counts: dict[str, int] | None = None,
    import_error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """The list page: the suppliers the filters select, with spend in the fiscal year."""
    status, tier = filters.get("status", ""), filters.get("tier", "")
    rows = sv.list_suppliers(
        op.db, op.tenant,
        status=status if status in register.STATUSES else None,
        tier=tier if tier in register.TIERS else None,
        category=filters.get("category", "").strip() or None,
        strategic=True if filters.get("strategic") == "on" else None,
        text=filters.get("q") or None,
    )  # fmt: skip
    year = _fiscal_year(op, filters.get("fy", ""))
    try:
        spend, unknown = sv.spend_of(op.db, op.tenant, year)
    except sv.SuppliersError:  # a year the calendar does not know: the default one
        spend, unknown = sv.spend_of(op.db, op.tenant, _fiscal_year(op, ""))
    total = spend.total
    by = spend.by_supplier
    return org_render(
        request, op, "suppliers.html", "suppliers",
        suppliers=rows, spend=spend, by_supplier=by, total=total,
        share={c: 100 * a / total for c, a in by.items()} if total else {},
        unknown=sum(unknown.values()), years=sv.spend_years(op.tenant), fy=spend.fiscal_year,
        filters=filters, statuses=register.STATUSES, tiers=register.TIERS,
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        reminders=sv.reminders(op.db, op.tenant), import_error=import_error,
        counts=counts or {"created": 0, "updated": 0},
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/suppliers", response_class=HTMLResponse)
def supplier_list(
    request: Request,
    op: OrgDep,
    status: Filter = "",
    tier: Filter = "",
    category: Filter = "",
    q: Filter = "",
    strategic: Filter = "",
    fy: Filter = "",
    done: Annotated[str, Query(max_length=40)] = "",
    created: Annotated[int, Query(ge=0, le=10**7)] = 0,
    updated: Annotated[int, Query(ge=0, le=10**7)] = 0,
) -> HTMLResponse:
    """The register: filters, each supplier's status and spend in the fiscal year, and the
    total spend (the denominator of coverage by spend)."""
    op.require("read")
    filters = {"status": status, "tier": tier, "category": category, "q": q,
               "strategic": strategic, "fy": fy}  # fmt: skip
    return _list(request, op, filters, done=done, counts={"created": created, "updated": updated})


@router.get("/o/{org}/suppliers/export", response_model=None)
def supplier_export(
    op: OrgDep, format: Annotated[str, Query(pattern=r"^(csv|xlsx)$")] = "csv"
) -> Response:
    """The register as a CSV or XLSX file."""
    op.require("read")
    data = sv.export_suppliers(op.db, op.tenant, format)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/octet-stream"
    return Response(
        data, media_type=media,
        headers={"content-disposition": f'attachment; filename="suppliers.{format}"'},
    )  # fmt: skip


@router.post("/o/{org}/suppliers/import", response_model=None)
def supplier_import(request: Request, op: OrgDep, file: Annotated[UploadFile, File()]) -> Response:
    """Import the register's file (all or nothing); the list again with every wrong cell."""
    op.require("edit_data")
    data = file.file.read(MAX_FILE + 1)
    try:
        if len(data) > MAX_FILE:
            raise sv.SuppliersError("too_large", "suppliers.err.evidence_size", "too large", "file")
        res = sv.import_suppliers(op.db, op.tenant, data, file.filename or "suppliers.csv")
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _list(request, op, {}, import_error=text, status_code=422)
    slug = op.org.slug
    counts = f"created={len(res.created)}&updated={len(res.updated)}"
    return _redirect(f"/o/{slug}/suppliers?done=imported&{counts}")


# ---- add and edit -------------------------------------------------------------------------


_FORM_FIELDS = ("code", "legal_name", "name_zh", "uscc", "duns", "company_ids", "country",
                "tier", "categories", "linked_org")  # fmt: skip


def _supplier_form(
    request: Request,
    op: OrgPage,
    *,
    supplier: Any = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    if values is None:
        if supplier is None:
            values = {**dict.fromkeys(_FORM_FIELDS, ""), "tier": "1", "country": "CN"}
            values |= {"strategic": False, "key_tier1": False}
        else:
            values = {k: getattr(supplier, k) or "" for k in _FORM_FIELDS}
            values["company_ids"] = "; ".join(supplier.company_ids or [])
            values["categories"] = "; ".join(supplier.categories or [])
            values |= {"strategic": supplier.strategic, "key_tier1": supplier.key_tier1}
    return org_render(
        request, op, "suppliers_form.html", "suppliers", supplier=supplier, values=values,
        errors=errors or {}, tiers=register.TIERS, status_code=status_code,
    )  # fmt: skip


def _form_fields(values: dict[str, Any]) -> dict[str, Any]:
    fields = {k: values[k] for k in _FORM_FIELDS if k in values}
    for k in ("name_zh", "uscc", "duns", "linked_org"):
        if k in fields and not str(fields[k]).strip():
            fields[k] = None
    fields["strategic"] = bool(values.get("strategic"))
    fields["key_tier1"] = bool(values.get("key_tier1"))
    return fields


@router.get("/o/{org}/suppliers/new", response_class=HTMLResponse)
def supplier_new(request: Request, op: OrgDep) -> HTMLResponse:
    """The form adding a supplier."""
    op.require("edit_data")
    return _supplier_form(request, op)


@router.post("/o/{org}/suppliers/new", response_model=None)
def supplier_create(
    request: Request,
    op: OrgDep,
    code: Text = "",
    legal_name: Text = "",
    name_zh: Text = "",
    uscc: Text = "",
    duns: Text = "",
    company_ids: Text = "",
    country: Text = "",
    tier: Text = "1",
    categories: Text = "",
    linked_org: Text = "",
    strategic: Text = "",
    key_tier1: Text = "",
) -> Response:
    """Add a supplier; the form again with the reason beside the field when refused."""
    op.require("edit_data")
    values = {"code": code, "legal_name": legal_name, "name_zh": name_zh, "uscc": uscc,
              "duns": duns, "company_ids": company_ids, "country": country, "tier": tier,
              "categories": categories, "linked_org": linked_org,
              "strategic": strategic == "on", "key_tier1": key_tier1 == "on"}  # fmt: skip
    try:
        row = sv.create_supplier(op.db, op.tenant, _form_fields(values))
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _supplier_form(request, op, values=values, errors={field: text}, status_code=422)
    return _to_profile(op, row.code, "added")


@router.get("/o/{org}/suppliers/{code}/edit", response_class=HTMLResponse)
def supplier_edit(request: Request, op: OrgDep, code: str) -> HTMLResponse:
    """The form changing a supplier."""
    op.require("edit_data")
    return _supplier_form(request, op, supplier=sv.supplier_by_code(op.db, op.tenant, code))


@router.post("/o/{org}/suppliers/{code}/edit", response_model=None)
def supplier_update(
    request: Request,
    op: OrgDep,
    code: str,
    legal_name: Text = "",
    name_zh: Text = "",
    uscc: Text = "",
    duns: Text = "",
    company_ids: Text = "",
    country: Text = "",
    tier: Text = "1",
    categories: Text = "",
    linked_org: Text = "",
    strategic: Text = "",
    key_tier1: Text = "",
) -> Response:
    """Change a supplier; the form again with the reason beside the field when refused."""
    op.require("edit_data")
    row = sv.supplier_by_code(op.db, op.tenant, code)
    values = {"code": row.code, "legal_name": legal_name, "name_zh": name_zh, "uscc": uscc,
              "duns": duns, "company_ids": company_ids, "country": country, "tier": tier,
              "categories": categories, "linked_org": linked_org,
              "strategic": strategic == "on", "key_tier1": key_tier1 == "on"}  # fmt: skip
    try:
        fields = _form_fields(values)
        fields.pop("code")
        sv.update_supplier(op.db, op.tenant, row.id, fields)
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _supplier_form(
            request, op, supplier=row, values=values, errors={field: text}, status_code=422
        )
    return _to_profile(op, row.code, "saved")


# ---- the profile --------------------------------------------------------------------------


def _profile(
    request: Request,
    op: OrgPage,
    row: Supplier,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    supplier_id = row.id
    checklist = sv.checklist(op.db, op.tenant, supplier_id)
    checks = {c.item: c for c in sv.list_checks(op.db, op.tenant, supplier_id)}
    spend = []
    for year in sv.spend_years(op.tenant):
        s = sv.spend_by_supplier(op.tenant, year)
        amount = s.by_supplier.get(row.code, 0.0)
        spend.append({"fy": year, "amount": amount,
                      "share": 100 * amount / s.total if s.total else None})  # fmt: skip
    return org_render(
        request, op, "suppliers_profile.html", "suppliers", supplier=row,
        contacts=sv.list_contacts(op.db, op.tenant, supplier_id),
        sites=sv.list_sites(op.db, op.tenant, supplier_id),
        checklist=checklist, checks=checks, items=onboarding.ITEMS,
        results=onboarding.RESULTS, versioned=onboarding.VERSIONED, spend=spend,
        next_statuses=[s for s in register.STATUSES if s in register.TRANSITIONS[row.status]],
        urns=register.company_urns(row.uscc, row.duns, row.company_ids or []),
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/suppliers/{code}", response_class=HTMLResponse)
def supplier_profile(
    request: Request,
    op: OrgDep,
    code: str,
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """A supplier: identity, contacts, sites, onboarding checklist, spend by fiscal year."""
    op.require("read")
    return _profile(request, op, sv.supplier_by_code(op.db, op.tenant, code), done=done)


def _supplier(op: OrgPage, code: str) -> Supplier:
    """The supplier ``code`` of the organisation, looked up before any change (404 page)."""
    return sv.supplier_by_code(op.db, op.tenant, code)


def _profile_refused(
    request: Request, op: OrgPage, code: str, form: str, exc: ServiceError,
    values: dict[str, Any],
) -> HTMLResponse:  # fmt: skip
    field, text = _refused(request, op, exc)
    errors = {form: text, f"{form}.{field}": text}
    return _profile(request, op, _supplier(op, code), errors=errors, values={form: values},
                    status_code=422)  # fmt: skip


@router.post("/o/{org}/suppliers/{code}/status", response_model=None)
def supplier_status(
    request: Request, op: OrgDep, code: str, status: Text = "", reason: Text = ""
) -> Response:
    """Move the supplier along the workflow, with the reason."""
    op.require("edit_data")
    sid = _supplier(op, code).id  # 404 page before the form is read
    try:
        sv.set_status(op.db, op.tenant, sid, status, reason)
    except ServiceError as exc:
        values = {"status": status, "reason": reason}
        return _profile_refused(request, op, code, "status", exc, values)
    return _to_profile(op, code, "status")


@router.post("/o/{org}/suppliers/{code}/contacts", response_model=None)
def contact_add(
    request: Request,
    op: OrgDep,
    code: str,
    name: Text = "",
    role: Text = "",
    email: Text = "",
    phone: Text = "",
) -> Response:
    """Add a contact."""
    op.require("edit_data")
    values = {"name": name, "role": role, "email": email, "phone": phone}
    sid = _supplier(op, code).id  # 404 page before the form is read
    try:
        sv.add_contact(op.db, op.tenant, sid, values)
    except ServiceError as exc:
        return _profile_refused(request, op, code, "contact", exc, values)
    return _to_profile(op, code, "contact")


@router.post("/o/{org}/suppliers/{code}/contacts/{contact_id:int}/delete", response_model=None)
def contact_delete(op: OrgDep, code: str, contact_id: int) -> Response:
    """Remove a contact."""
    op.require("edit_data")
    sv.delete_contact(op.db, op.tenant, _supplier(op, code).id, contact_id)
    return _to_profile(op, code, "contact_removed")


@router.post("/o/{org}/suppliers/{code}/sites", response_model=None)
def site_add(
    request: Request,
    op: OrgDep,
    code: str,
    site_code: Annotated[str, Form(alias="code", max_length=400)] = "",
    name: Text = "",
    region: Text = "",
    lat: Text = "",
    lon: Text = "",
) -> Response:
    """Add a production site (the form's ``code`` is the site's code; the path's, the
    supplier's)."""
    op.require("edit_data")
    values = {
        "code": site_code,
        "name": name,
        "region": region,
        "lat": lat.strip(),
        "lon": lon.strip(),
    }
    sid = _supplier(op, code).id  # 404 page before the form is read
    try:
        sv.add_site(op.db, op.tenant, sid, values)
    except ServiceError as exc:
        return _profile_refused(request, op, code, "site", exc, values)
    return _to_profile(op, code, "site")


@router.post("/o/{org}/suppliers/{code}/sites/{site_id:int}/delete", response_model=None)
def site_delete(op: OrgDep, code: str, site_id: int) -> Response:
    """Remove a production site."""
    op.require("edit_data")
    sv.delete_site(op.db, op.tenant, _supplier(op, code).id, site_id)
    return _to_profile(op, code, "site_removed")


@router.post("/o/{org}/suppliers/{code}/onboarding", response_model=None)
def check_record(
    request: Request,
    op: OrgDep,
    code: str,
    item: Text = "",
    result: Text = "",
    checked_on: Text = "",
    expires_on: Text = "",
    version: Text = "",
    note: Text = "",
    evidence: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Record the check of one onboarding item, with its evidence file."""
    op.require("edit_data")
    values = {"item": item, "result": result, "checked_on": checked_on,
              "expires_on": expires_on, "version": version, "note": note}  # fmt: skip
    sid = _supplier(op, code).id  # 404 page before the form is read
    try:
        proof = None
        if evidence is not None and evidence.filename:
            data = evidence.file.read(MAX_FILE + 1)
            proof = (evidence.filename, data)
        fields = {k: v for k, v in values.items() if v.strip()}
        sv.record_check(op.db, op.tenant, sid, fields, proof)
    except ServiceError as exc:
        return _profile_refused(request, op, code, "check", exc, values)
    return _to_profile(op, code, "check")


@router.get("/o/{org}/suppliers/{code}/onboarding/{item}/evidence", response_model=None)
def check_evidence(op: OrgDep, code: str, item: str) -> Response:
    """Download the evidence file of a check."""
    op.require("read")
    name, data = sv.evidence_file(op.db, op.tenant, _supplier(op, code).id, item)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return Response(
        data, media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="{safe or "evidence"}"'},
    )  # fmt: skip
