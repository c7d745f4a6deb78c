"""``/orgs/{org}/suppliers``: the supplier register (issue 15, decision 0063) — suppliers,
their contacts, production sites and onboarding checklist (with evidence files), the register's
file (import, export), spend by supplier from the imported rows, and expiring evidence.

Thin: each route parses, calls :mod:`lingtan.adapters.services.suppliers` and returns a schema.
A supplier is addressed by its **code** (``/suppliers/{code}…``, the ``supplier`` column of
activity files, unique in the organisation), as the reviews' routes and the CLI do; its contacts
and sites by their own ids under it. The codes ``spend``, ``reminders``, ``export`` and
``import`` are the register's own paths and refused at creation
(:data:`lingtan.adapters.services.suppliers.RESERVED_CODES`).
Reading needs ``read``, changing ``edit_data``; another organisation's supplier is a 404."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    IdPath,
    errors,
    file_content,
    file_response,
    read_upload,
    register_file,
)
from lingtan.adapters.api.routes.supplier_reviews import CodePath
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.suppliers import (
    ChecklistPublic,
    CheckPublic,
    CheckUpdate,
    ContactCreate,
    ContactPublic,
    ContactUpdate,
    ImportResultPublic,
    Item,
    ItemStatePublic,
    ReminderPublic,
    Status,
    StatusChange,
    SupplierCreate,
    SupplierPublic,
    SupplierSiteCreate,
    SupplierSitePublic,
    SupplierSiteUpdate,
    SupplierSpendPublic,
    SupplierUpdate,
    Tier,
)
from lingtan.adapters.services import suppliers as sv
from lingtan.adapters.services.context import Context

router = APIRouter(prefix="/orgs/{org}/suppliers", tags=["suppliers"])

ItemPath = Annotated[Item, Path(description="Onboarding checklist item")]
FiscalYearQuery = Annotated[FiscalYear, Query()]  # a real fiscal year (schemas.common)
FILE_ERRORS = errors(401, 403, 404, 409, 413, 422)


def _id(db: Session, tenant: Context, code: str) -> int:
    """The row id of the organisation's supplier ``code`` (404 when it has none)."""
    return sv.supplier_by_code(db, tenant, code).id


@router.get("", responses=READ_ERRORS)
def list_suppliers(
    db: DbDep,
    tenant: Reader,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    tier: Tier | None = None,
    category: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9._-]+$")] = None,
    strategic: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]*$")] = None,
) -> list[SupplierPublic]:
    """Suppliers by code, filtered by status, tier, procurement category, strategic flag and a
    text found in the code, names (Chinese too), USCC or DUNS."""
    rows = sv.list_suppliers(
        db, tenant, status=status_, tier=tier, category=category, strategic=strategic, text=q
    )
    return [SupplierPublic.model_validate(s) for s in rows]


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_supplier(body: SupplierCreate, db: DbDep, tenant: Editor) -> SupplierPublic:
    """Add a supplier (identifiers checked: USCC check character, DUNS, URNs; audited)."""
    return SupplierPublic.model_validate(sv.create_supplier(db, tenant, body.model_dump()))


@router.get("/spend", responses=READ_ERRORS)
def supplier_spend(fiscal_year: FiscalYearQuery, db: DbDep, tenant: Reader) -> SupplierSpendPublic:
    """Spend by supplier in a fiscal year [CNY], computed from the imported Scope 3 category 1
    and 2 rows; the total (every spend row, with or without a supplier) is the denominator of
    coverage by spend."""
    spend, unknown = sv.spend_of(db, tenant, fiscal_year)
    return SupplierSpendPublic.model_validate({**spend.to_dict(), "unregistered": unknown})


@router.get("/reminders", responses=READ_ERRORS)
def reminders(
    db: DbDep, tenant: Reader, days: Annotated[int, Query(ge=0, le=3650)] = 60
) -> list[ReminderPublic]:
    """Onboarding evidence that expires within ``days`` days or has expired, soonest first."""
    return [
        ReminderPublic(supplier=r.supplier, item=r.item, expires_on=r.expires_on,
                       days_left=r.days_left, expired=r.expired)
        for r in sv.reminders(db, tenant, within_days=days)
    ]  # fmt: skip


@router.get(
    "/export",
    responses={**READ_ERRORS, **file_content("text/csv", "application/octet-stream")},
    response_class=Response,
)
def export_suppliers(db: DbDep, tenant: Reader, format: Literal["csv", "xlsx"] = "csv") -> Response:
    """The register as a CSV (UTF-8) or XLSX file that ``POST …/import`` reads back."""
    return register_file("suppliers", format, sv.export_suppliers(db, tenant, format))


@router.post("/import", responses=FILE_ERRORS)
def import_suppliers(
    file: Annotated[UploadFile, File(description="CSV or XLSX of the register's columns")],
    db: DbDep,
    tenant: Editor,
) -> ImportResultPublic:
    """Create or update suppliers from a file; all or nothing (every wrong cell named)."""
    res = sv.import_suppliers(db, tenant, read_upload(file), file.filename or "suppliers.csv")
    return ImportResultPublic(created=list(res.created), updated=list(res.updated))


@router.get("/{code}", responses=READ_ERRORS)
def get_supplier(code: CodePath, db: DbDep, tenant: Reader) -> SupplierPublic:
    """One supplier."""
    return SupplierPublic.model_validate(sv.supplier_by_code(db, tenant, code))


@router.patch("/{code}", responses=WRITE_ERRORS)
def update_supplier(
    code: CodePath, body: SupplierUpdate, db: DbDep, tenant: Editor
) -> SupplierPublic:
    """Change a supplier (fields given; audited)."""
    fields = body.model_dump(exclude_unset=True)
    nullable = ("name_zh", "uscc", "duns", "linked_org")
    fields = {k: v for k, v in fields.items() if v is not None or k in nullable}
    return SupplierPublic.model_validate(
        sv.update_supplier(db, tenant, _id(db, tenant, code), fields)
    )


@router.post("/{code}/status", responses=WRITE_ERRORS)
def set_status(code: CodePath, body: StatusChange, db: DbDep, tenant: Editor) -> SupplierPublic:
    """Move a supplier along the workflow (prospect → onboarding → approved | conditional …),
    with the reason; a change the workflow does not allow is a 422."""
    row = sv.set_status(db, tenant, _id(db, tenant, code), body.status, body.reason)
    return SupplierPublic.model_validate(row)


@router.get("/{code}/contacts", responses=READ_ERRORS)
def list_contacts(code: CodePath, db: DbDep, tenant: Reader) -> list[ContactPublic]:
    """A supplier's contacts."""
    return [
        ContactPublic.model_validate(c) for c in sv.list_contacts(db, tenant, _id(db, tenant, code))
    ]


@router.post("/{code}/contacts", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def add_contact(code: CodePath, body: ContactCreate, db: DbDep, tenant: Editor) -> ContactPublic:
    """Add a contact."""
    row = sv.add_contact(db, tenant, _id(db, tenant, code), body.model_dump())
    return ContactPublic.model_validate(row)


@router.patch("/{code}/contacts/{contact_id}", responses=WRITE_ERRORS)
def update_contact(
    code: CodePath, contact_id: IdPath, body: ContactUpdate, db: DbDep, tenant: Editor
) -> ContactPublic:
    """Change a contact (fields given)."""
    fields = body.model_dump(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k != "name"}
    row = sv.update_contact(db, tenant, _id(db, tenant, code), contact_id, fields)
    return ContactPublic.model_validate(row)


@router.delete(
    "/{code}/contacts/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
def delete_contact(code: CodePath, contact_id: IdPath, db: DbDep, tenant: Editor) -> None:
    """Remove a contact."""
    sv.delete_contact(db, tenant, _id(db, tenant, code), contact_id)


@router.get("/{code}/sites", responses=READ_ERRORS)
def list_sites(code: CodePath, db: DbDep, tenant: Reader) -> list[SupplierSitePublic]:
    """A supplier's production sites."""
    rows = sv.list_sites(db, tenant, _id(db, tenant, code))
    return [SupplierSitePublic.model_validate(s) for s in rows]


@router.post("/{code}/sites", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def add_site(
    code: CodePath, body: SupplierSiteCreate, db: DbDep, tenant: Editor
) -> SupplierSitePublic:
    """Add a production site (region checked: ISO 3166-2 or a country)."""
    row = sv.add_site(db, tenant, _id(db, tenant, code), body.model_dump())
    return SupplierSitePublic.model_validate(row)


@router.patch("/{code}/sites/{site_id}", responses=WRITE_ERRORS)
def update_site(
    code: CodePath, site_id: IdPath, body: SupplierSiteUpdate, db: DbDep, tenant: Editor
) -> SupplierSitePublic:
    """Change a site (fields given)."""
    fields = body.model_dump(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None or k in ("lat", "lon")}
    row = sv.update_site(db, tenant, _id(db, tenant, code), site_id, fields)
    return SupplierSitePublic.model_validate(row)


@router.delete(
    "/{code}/sites/{site_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
def delete_site(code: CodePath, site_id: IdPath, db: DbDep, tenant: Editor) -> None:
    """Remove a site."""
    sv.delete_site(db, tenant, _id(db, tenant, code), site_id)


@router.get("/{code}/onboarding", responses=READ_ERRORS)
def get_checklist(code: CodePath, db: DbDep, tenant: Reader) -> ChecklistPublic:
    """The onboarding checklist today: each item's state and the checks recorded."""
    supplier_id = _id(db, tenant, code)
    c = sv.checklist(db, tenant, supplier_id)
    checks = [CheckPublic.model_validate(r) for r in sv.list_checks(db, tenant, supplier_id)]
    return ChecklistPublic(
        on=c.on, complete=c.complete, done=c.done, total=len(c.items),
        recommended=c.recommended, outstanding=list(c.outstanding), failed=list(c.failed),
        items=[ItemStatePublic(item=s.item, state=s.state, expires_on=s.expires_on)
               for s in c.items],
        checks=checks,
    )  # fmt: skip


@router.put("/{code}/onboarding/{item}", responses=WRITE_ERRORS)
def record_check(
    code: CodePath, item: ItemPath, body: CheckUpdate, db: DbDep, tenant: Editor
) -> CheckPublic:
    """Record the check of one item (replaces the previous one; the audit log keeps both)."""
    fields = {"item": item, **body.model_dump(exclude_none=True)}
    return CheckPublic.model_validate(sv.record_check(db, tenant, _id(db, tenant, code), fields))


@router.delete(
    "/{code}/onboarding/{item}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
)
def delete_check(code: CodePath, item: ItemPath, db: DbDep, tenant: Editor) -> None:
    """Remove the check of one item (it is missing again)."""
    sv.delete_check(db, tenant, _id(db, tenant, code), item)


@router.put("/{code}/onboarding/{item}/evidence", responses=FILE_ERRORS)
def put_evidence(
    code: CodePath,
    item: ItemPath,
    file: Annotated[UploadFile, File(description="The evidence (certificate, signed code …)")],
    db: DbDep,
    tenant: Editor,
) -> CheckPublic:
    """Attach the evidence file of a recorded check (kept by its sha256)."""
    row = sv.attach_evidence(
        db, tenant, _id(db, tenant, code), item, file.filename or "evidence", read_upload(file)
    )
    return CheckPublic.model_validate(row)


@router.get(
    "/{code}/onboarding/{item}/evidence",
    responses={**READ_ERRORS, **file_content("application/octet-stream")},
    response_class=Response,
)
def get_evidence(code: CodePath, item: ItemPath, db: DbDep, tenant: Reader) -> Response:
    """The evidence file of a check, as it was uploaded."""
    name, data = sv.evidence_file(db, tenant, _id(db, tenant, code), item)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return file_response(safe or "evidence", data, "application/octet-stream")
