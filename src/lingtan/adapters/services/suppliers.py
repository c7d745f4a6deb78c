"""The supplier register (issue 15, decision 0063): suppliers, their contacts, sites and
onboarding checklist, the register's file, and spend by supplier derived from imported rows.

Use cases take the request's store session (scoped to the organisation: tenancy is enforced
by the session, :mod:`lingtan.adapters.store.scoping`) and the caller's :class:`Context`.
Reading needs ``read``; changing needs ``edit_data``; every change is an audited row
(``supplier``, ``supplier_contact``, ``supplier_site``, ``supplier_onboarding_check``), the
caller named. A refused change is a :class:`SuppliersError` (a :class:`ServiceError` with the
catalogue key ``suppliers.err.*`` and its parameters, shown in the user's language).

Spend (:func:`spend_by_supplier`) is computed from the active activity batches, never typed:
Scope 3 category 1 and 2 rows in a currency unit, within the fiscal year, summed per supplier
code and converted to CNY at the year's average exchange rate of the workspace's series (its
own ``reference/fx_rates.csv`` over the bundled ECB rates) — the conversion the spend-based
method uses (GHG Protocol Scope 3 Technical Guidance, category 1; :mod:`lingtan.core.money`),
without moving prices between years (nominal CNY of each row's price year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, get_or_404
from lingtan.adapters.services.errors import KeyedError, Kind
from lingtan.adapters.services.register_files import (
    as_date,
    cell_error_lines,
    check_cells,
    is_sha256,
    keep_by_sha256,
    kept_file,
)
from lingtan.adapters.store.suppliers import (
    OnboardingCheck,
    Supplier,
    SupplierContact,
    SupplierSite,
)
from lingtan.core.messages import Message, msg
from lingtan.modules.suppliers import onboarding, register
from lingtan.modules.suppliers.errors import SupplierError

#: the currency spend is reported in
SPEND_CURRENCY = "CNY"
#: Scope 3 categories whose rows count as purchase spend (purchased goods and services,
#: capital goods)
SPEND_CATEGORIES = (1, 2)
#: the folder of onboarding evidence files, in the workspace (named by sha256)
EVIDENCE_DIR = "suppliers/evidence"
#: largest evidence file [bytes]
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
_LINE_RE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]{1,300}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,185}\.[^@\s]{2,}$")
_PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{3,40}$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
#: codes that are the register's own paths (``/o/<org>/suppliers/new``, ``…/export``, the
#: coverage and requests pages; ``/api/v1/orgs/<org>/suppliers/spend``, ``…/reminders`` …):
#: a supplier is addressed by its code beside them, so none of them can be a supplier's code
#: (decision 0063, addendum)
RESERVED_CODES = frozenset(
    {"new", "export", "import", "spend", "reminders", "coverage", "requests"}
)
#: the fields of a supplier a caller may set
SUPPLIER_FIELDS = (
    "code", "legal_name", "name_zh", "uscc", "duns", "company_ids", "country", "tier",
    "categories", "strategic", "key_tier1", "status", "linked_org",
)  # fmt: skip


class SuppliersError(KeyedError):
    """A refused request of the supplier register: besides the English ``message`` (API, CLI)
    it carries ``key``, the catalogue key of the reason (``suppliers.err.*``), and ``params``,
    so that a page or the command line shows it in the user's language beside ``field``
    (positional-only arguments: a message parameter may itself be named ``field``)."""


def message_text(message: Message, locale: str = "en") -> str:
    """The text of a keyed message in ``locale`` (``i18n/suppliers.<locale>.json``); English
    for the API and logs."""
    from lingtan.adapters.i18n.messages import catalogue
    from lingtan.core.messages import render

    return render(message, catalogue(locale).get, ", ")


def refused(kind: Kind, message: Message, field: str | None = None) -> SuppliersError:
    """A :class:`SuppliersError` of ``kind`` for a keyed ``message`` (English from the
    catalogue)."""
    params = {k: v for k, v in message.params.items() if isinstance(v, str | int | float)}
    return SuppliersError(kind, message.key, message_text(message), field, **params)


def _from_module(exc: SupplierError) -> SuppliersError:
    return refused("invalid", exc.message, exc.field)


# ---- suppliers --------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = True) -> str | None:
    text = " ".join(str(value or "").split())
    if not text:
        if required:
            raise refused("invalid", msg("suppliers.err.required", field=field), field)
        return None
    if not _LINE_RE.match(text):
        raise refused("invalid", msg("suppliers.err.text", field=field), field)
    return text


def country_codes() -> tuple[str, ...]:
    """The ISO 3166-1 alpha-2 codes a supplier's country may be, sorted (the API's schema
    lists them)."""
    from lingtan.adapters.services.boundary import _countries

    return tuple(sorted(_countries()))


def _check_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The supplier fields given, checked and normalised (the service's one place)."""
    from lingtan.adapters.services.boundary import valid_country

    unknown = sorted(set(fields) - set(SUPPLIER_FIELDS))
    if unknown:
        raise refused("invalid", msg("suppliers.err.field", value=unknown[0]), unknown[0])
    out: dict[str, Any] = {}
    try:
        for k, v in fields.items():
            if k == "code":
                out[k] = register.normalise_code(str(v or ""))
                if out[k] in RESERVED_CODES:
                    raise refused("invalid", msg("suppliers.err.reserved", code=out[k]), k)
            elif k == "legal_name":
                out[k] = _text(v, k)
            elif k == "name_zh":
                out[k] = _text(v, k, required=False)
            elif k == "uscc":
                out[k] = register.normalise_uscc(str(v)) if v else None
            elif k == "duns":
                out[k] = register.normalise_duns(str(v)) if v else None
            elif k == "company_ids":
                out[k] = register.normalise_urns(_as_list(v))
            elif k == "country":
                code = register.normalise_country(str(v or ""))
                if not valid_country(code):
                    raise refused("invalid", msg("suppliers.err.country", value=code), k)
                out[k] = code
            elif k == "tier":
                out[k] = register.normalise_tier(str(v or ""))
            elif k == "categories":
                out[k] = register.normalise_categories(_as_list(v))
            elif k in ("strategic", "key_tier1"):
                if not isinstance(v, bool):
                    raise refused("invalid", msg("suppliers.err.flag"), k)
                out[k] = v
            elif k == "status":
                out[k] = register.check_status(str(v or ""))
            elif k == "linked_org":
                slug = str(v or "").strip().lower() or None
                if slug is not None and not _SLUG_RE.match(slug):
                    raise refused("invalid", msg("suppliers.err.slug", value=slug), k)
                out[k] = slug
    except SupplierError as exc:
        raise _from_module(exc) from exc
    if creating:
        for k in ("code", "legal_name", "country"):
            if not out.get(k):
                raise refused("invalid", msg("suppliers.err.required", field=k), k)
    return out


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        from lingtan.adapters.io.supplier_files import split_list

        return split_list(value)
    return [str(v) for v in value]


def list_suppliers(
    db: Session,
    ctx: Context,
    *,
    status: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    strategic: bool | None = None,
    text: str | None = None,
) -> list[Supplier]:
    """The organisation's suppliers by code, filtered: ``status``, ``tier``, procurement
    ``category`` (one of its codes), ``strategic``, and ``text`` found (case-insensitive) in
    the code, legal name, Chinese name, USCC or DUNS."""
    ctx.require("read")
    q = select(Supplier).order_by(Supplier.code)
    if status:
        q = q.where(Supplier.status == status)
    if tier:
        q = q.where(Supplier.tier == tier.upper())
    if strategic is not None:
        q = q.where(Supplier.strategic.is_(strategic))
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(
            or_(
                *(
                    col.is_not(None) & col.ilike(like)
                    for col in (Supplier.code, Supplier.legal_name, Supplier.name_zh,
                                Supplier.uscc, Supplier.duns)
                )
            )
        )  # fmt: skip
    rows = list(db.scalars(q))
    if category:
        rows = [s for s in rows if category in (s.categories or [])]
    return rows


def get_supplier(db: Session, ctx: Context, supplier_id: int) -> Supplier:
    """One supplier of the organisation.

    Raises:
        ServiceError: 404 (also for another organisation's supplier).
    """
    ctx.require("read")
    return get_or_404(db, Supplier, supplier_id, f"supplier {supplier_id}")


def supplier_by_code(db: Session, ctx: Context, code: str) -> Supplier:
    """The supplier whose code is ``code`` (the ``supplier`` column of activity files).

    Raises:
        SuppliersError: 404.
    """
    ctx.require("read")
    row = db.scalar(select(Supplier).where(Supplier.code == code))
    if row is None:
        raise refused("not_found", msg("suppliers.err.not_found", code=code), "code")
    return row


def create_supplier(db: Session, ctx: Context, fields: dict[str, Any]) -> Supplier:
    """Add a supplier: ``code`` (the id activity files name it by), ``legal_name``,
    ``country`` (ISO 3166-1) and optionally ``name_zh``, ``uscc`` (GB 32100-2015, check
    character verified), ``duns`` (9 digits), ``company_ids`` (URNs, PACT ``companyIds``),
    ``tier`` (1 | 2 | N, default 1), ``categories``, ``strategic``, ``key_tier1``, ``status``
    (default ``prospect``), ``linked_org``.

    Raises:
        ServiceError: 403 without ``edit_data``; 409 the code is taken; 422 a field is invalid
            (:class:`SuppliersError`, the field named).
    """
    ctx.require("edit_data")
    values = {
        "tier": "1", "categories": [], "company_ids": [], "strategic": False,
        "key_tier1": False, "status": "prospect",
        **_check_fields(fields, creating=True),
    }  # fmt: skip
    if db.scalar(select(Supplier.id).where(Supplier.code == values["code"])) is not None:
        raise refused("conflict", msg("suppliers.err.duplicate", code=values["code"]), "code")
    row = Supplier(**values)
    db.add(row)
    db.commit()
    return row


def update_supplier(
    db: Session, ctx: Context, supplier_id: int, fields: dict[str, Any]
) -> Supplier:
    """Change the fields given of a supplier; its code stays (imported rows name it), and its
    status changes only through :func:`set_status`.

    Raises:
        ServiceError: 403, 404, 422 as :func:`create_supplier`.
    """
    ctx.require("edit_data")
    row = get_supplier(db, ctx, supplier_id)
    given = {k: v for k, v in fields.items() if k not in ("code", "status")}
    for k, v in _check_fields(given, creating=False).items():
        setattr(row, k, v)
    db.commit()
    return row


def set_status(db: Session, ctx: Context, supplier_id: int, status: str, reason: str) -> Supplier:
    """Move a supplier to ``status`` along the workflow
    (:data:`lingtan.modules.suppliers.register.TRANSITIONS`), with the ``reason`` kept on the
    row and in the audit entry of the change.

    Raises:
        ServiceError: 403; 404; 422 unknown status, a change the workflow does not allow, or
            no reason.
    """
    ctx.require("edit_data")
    row = get_supplier(db, ctx, supplier_id)
    why = _text(reason, "reason")
    try:
        new = register.check_status(status)
        register.check_transition(row.status, new)
    except SupplierError as exc:
        raise _from_module(exc) from exc
    row.status = new
    row.status_reason = why
    db.commit()
    return row


def supplier_dict(row: Supplier) -> dict[str, Any]:
    """A supplier's fields as plain data (file export, API)."""
    return {k: getattr(row, k) for k in ("id", *SUPPLIER_FIELDS, "status_reason")}


# ---- contacts and sites -------------------------------------------------------------------


def list_contacts(db: Session, ctx: Context, supplier_id: int) -> list[SupplierContact]:
    """The contacts of a supplier, by name.

    Raises:
        ServiceError: 404 no such supplier.
    """
    get_supplier(db, ctx, supplier_id)
    q = select(SupplierContact).where(SupplierContact.supplier_id == supplier_id)
    return list(db.scalars(q.order_by(SupplierContact.name, SupplierContact.id)))


def _contact_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "name":
            out[k] = _text(v, k)
        elif k == "role":
            out[k] = _text(v, k, required=False)
        elif k == "email":
            email = str(v or "").strip() or None
            if email is not None and not _EMAIL_RE.match(email):
                raise refused("invalid", msg("suppliers.err.email", value=email), k)
            out[k] = email
        elif k == "phone":
            phone = str(v or "").strip() or None
            if phone is not None and not _PHONE_RE.match(phone):
                raise refused("invalid", msg("suppliers.err.phone", value=phone), k)
            out[k] = phone
        else:
            raise refused("invalid", msg("suppliers.err.field", value=k), k)
    if creating and not out.get("name"):
        raise refused("invalid", msg("suppliers.err.required", field="name"), "name")
    return out


def add_contact(
    db: Session, ctx: Context, supplier_id: int, fields: dict[str, Any]
) -> SupplierContact:
    """Add a contact (``name``; ``role``, ``email``, ``phone`` optional) to a supplier.

    Raises:
        ServiceError: 403; 404; 422 a field is invalid.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    row = SupplierContact(supplier_id=supplier_id, **_contact_fields(fields, creating=True))
    db.add(row)
    db.commit()
    return row


def _contact(db: Session, supplier_id: int, contact_id: int) -> SupplierContact:
    row = db.get(SupplierContact, contact_id)
    if row is None or row.supplier_id != supplier_id:
        raise refused("not_found", msg("suppliers.err.no_contact", id=contact_id), "contact")
    return row


def update_contact(
    db: Session, ctx: Context, supplier_id: int, contact_id: int, fields: dict[str, Any]
) -> SupplierContact:
    """Change the fields given of a contact.

    Raises:
        ServiceError: 403; 404 no such supplier or contact; 422.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    row = _contact(db, supplier_id, contact_id)
    for k, v in _contact_fields(fields, creating=False).items():
        setattr(row, k, v)
    db.commit()
    return row


def delete_contact(db: Session, ctx: Context, supplier_id: int, contact_id: int) -> None:
    """Remove a contact.

    Raises:
        ServiceError: 403; 404.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    db.delete(_contact(db, supplier_id, contact_id))
    db.commit()


def list_sites(db: Session, ctx: Context, supplier_id: int) -> list[SupplierSite]:
    """The production sites of a supplier, by code.

    Raises:
        ServiceError: 404 no such supplier.
    """
    get_supplier(db, ctx, supplier_id)
    q = select(SupplierSite).where(SupplierSite.supplier_id == supplier_id)
    return list(db.scalars(q.order_by(SupplierSite.code)))


def _coordinate(value: Any, field: str, limit: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if not -limit <= x <= limit:  # also refuses NaN
        raise refused("invalid", msg("suppliers.err.coordinate", field=field), field)
    return x


def _site_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    from lingtan.adapters.services.boundary import valid_region

    out: dict[str, Any] = {}
    for k, v in fields.items():
        if k == "code":
            try:
                out[k] = register.normalise_code(str(v or ""))
            except SupplierError as exc:
                raise _from_module(exc) from exc
        elif k == "name":
            out[k] = _text(v, k)
        elif k == "region":
            region = str(v or "").strip().upper()
            if not valid_region(region):
                raise refused("invalid", msg("suppliers.err.region", value=region), k)
            out[k] = region
        elif k == "lat":
            out[k] = _coordinate(v, k, 90.0)
        elif k == "lon":
            out[k] = _coordinate(v, k, 180.0)
        else:
            raise refused("invalid", msg("suppliers.err.field", value=k), k)
    if creating:
        for k in ("code", "name", "region"):
            if not out.get(k):
                raise refused("invalid", msg("suppliers.err.required", field=k), k)
    return out


def add_site(db: Session, ctx: Context, supplier_id: int, fields: dict[str, Any]) -> SupplierSite:
    """Add a production site: ``code`` (unique for the supplier), ``name``, ``region`` (ISO
    3166-2 ``CN-JS`` or a country ``CN``), ``lat`` [−90, 90] and ``lon`` [−180, 180] (WGS 84
    decimal degrees, optional).

    Raises:
        ServiceError: 403; 404; 409 the code is taken; 422 a field is invalid.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    values = _site_fields(fields, creating=True)
    taken = select(SupplierSite.id).where(
        SupplierSite.supplier_id == supplier_id, SupplierSite.code == values["code"]
    )
    if db.scalar(taken) is not None:
        raise refused("conflict", msg("suppliers.err.duplicate", code=values["code"]), "code")
    row = SupplierSite(supplier_id=supplier_id, **values)
    db.add(row)
    db.commit()
    return row


def _site(db: Session, supplier_id: int, site_id: int) -> SupplierSite:
    row = db.get(SupplierSite, site_id)
    if row is None or row.supplier_id != supplier_id:
        raise refused("not_found", msg("suppliers.err.no_site", id=site_id), "site")
    return row


def update_site(
    db: Session, ctx: Context, supplier_id: int, site_id: int, fields: dict[str, Any]
) -> SupplierSite:
    """Change the fields given of a site (its code stays).

    Raises:
        ServiceError: 403; 404; 422.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    row = _site(db, supplier_id, site_id)
    given = {k: v for k, v in fields.items() if k != "code"}
    for k, v in _site_fields(given, creating=False).items():
        setattr(row, k, v)
    db.commit()
    return row


def delete_site(db: Session, ctx: Context, supplier_id: int, site_id: int) -> None:
    """Remove a site.

    Raises:
        ServiceError: 403; 404.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    db.delete(_site(db, supplier_id, site_id))
    db.commit()


# ---- onboarding ---------------------------------------------------------------------------


def list_checks(db: Session, ctx: Context, supplier_id: int) -> list[OnboardingCheck]:
    """The onboarding checks of a supplier, in the checklist's order.

    Raises:
        ServiceError: 404 no such supplier.
    """
    get_supplier(db, ctx, supplier_id)
    q = select(OnboardingCheck).where(OnboardingCheck.supplier_id == supplier_id)
    rows = list(db.scalars(q))
    order = {item: i for i, item in enumerate(onboarding.ITEMS)}
    return sorted(rows, key=lambda r: order.get(r.item, len(order)))


def _as_date(value: Any, field: str, *, required: bool) -> date | None:
    return as_date(
        value,
        required=required,
        missing=lambda: refused("invalid", msg("suppliers.err.required", field=field), field),
        bad=lambda: refused("invalid", msg("suppliers.err.date", field=field), field),
    )


def evidence_path(ctx: Context, sha256: str) -> Path:
    """Where an evidence file of ``sha256`` is kept in the workspace."""
    if not is_sha256(sha256):
        raise refused("not_found", msg("suppliers.err.no_evidence"), "evidence")
    return ctx.workspace().path / EVIDENCE_DIR / sha256


def record_check(
    db: Session,
    ctx: Context,
    supplier_id: int,
    fields: dict[str, Any],
    evidence: tuple[str, bytes] | None = None,
) -> OnboardingCheck:
    """Record the check of one onboarding item (it replaces the item's previous check; the
    audit log keeps both): ``item`` (:data:`~lingtan.modules.suppliers.onboarding.ITEMS`),
    ``result`` (pass | fail | n/a), ``checked_on`` (default today), ``expires_on``,
    ``version`` (of the code acknowledged), ``note``, ``checked_by`` (default the caller), and
    the evidence file ``(name, bytes)``, stored by its sha256 in the workspace's
    ``suppliers/evidence/`` folder.

    Raises:
        ServiceError: 403; 404; 413 evidence above 20 MiB; 422 unknown item or result, an
            expiry before the check, a bad date.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    item = str(fields.get("item") or "").strip()
    result = str(fields.get("result") or "").strip().lower()
    checked_on = _as_date(fields.get("checked_on") or datetime.now(UTC).date(), "checked_on",
                          required=True)  # fmt: skip
    expires_on = _as_date(fields.get("expires_on"), "expires_on", required=False)
    assert checked_on is not None
    try:
        onboarding.check_item(item, result, checked_on, expires_on)
    except SupplierError as exc:
        raise _from_module(exc) from exc
    values: dict[str, Any] = {
        "result": result,
        "checked_on": checked_on,
        "expires_on": expires_on,
        "version": _text(fields.get("version"), "version", required=False),
        "note": _text(fields.get("note"), "note", required=False),
        "checked_by": _text(fields.get("checked_by") or ctx.actor, "checked_by"),
    }
    if evidence is not None:
        name, data = evidence
        if len(data) > MAX_EVIDENCE_BYTES:
            raise SuppliersError(
                "too_large", "suppliers.err.evidence_size", "evidence above 20 MiB", "evidence"
            )
        if data:
            sha = keep_by_sha256(ctx.workspace().path / EVIDENCE_DIR, data)
            values["evidence_sha256"] = sha
            values["evidence_name"] = _text(Path(name).name or sha, "evidence")
    q = select(OnboardingCheck).where(
        OnboardingCheck.supplier_id == supplier_id, OnboardingCheck.item == item
    )
    row = db.scalar(q)
    if row is None:
        row = OnboardingCheck(supplier_id=supplier_id, item=item, **values)
        db.add(row)
    else:
        for k, v in values.items():
            if k.startswith("evidence") or v is not None or k in ("expires_on", "version", "note"):
                setattr(row, k, v)
    db.commit()
    return row


def delete_check(db: Session, ctx: Context, supplier_id: int, item: str) -> None:
    """Remove the check of ``item`` (the item is missing again).

    Raises:
        ServiceError: 403; 404 no such supplier or check.
    """
    ctx.require("edit_data")
    get_supplier(db, ctx, supplier_id)
    q = select(OnboardingCheck).where(
        OnboardingCheck.supplier_id == supplier_id, OnboardingCheck.item == item
    )
    row = db.scalar(q)
    if row is None:
        raise refused("not_found", msg("suppliers.err.no_check", item=item), "item")
    db.delete(row)
    db.commit()


def attach_evidence(
    db: Session, ctx: Context, supplier_id: int, item: str, name: str, data: bytes
) -> OnboardingCheck:
    """Attach an evidence file to the recorded check of ``item`` (its other fields kept).

    Raises:
        ServiceError: 403; 404 no such supplier or check; 413 above 20 MiB.
    """
    ctx.require("edit_data")
    row = next((r for r in list_checks(db, ctx, supplier_id) if r.item == item), None)
    if row is None:
        raise refused("not_found", msg("suppliers.err.no_check", item=item), "item")
    fields = {
        "item": row.item, "result": row.result, "checked_on": row.checked_on,
        "expires_on": row.expires_on, "version": row.version, "note": row.note,
        "checked_by": row.checked_by,
    }  # fmt: skip
    return record_check(db, ctx, supplier_id, fields, (name, data))


def evidence_file(db: Session, ctx: Context, supplier_id: int, item: str) -> tuple[str, bytes]:
    """The evidence file of a check: (original name, bytes).

    Raises:
        ServiceError: 404 no such supplier, check or file.
    """
    for row in list_checks(db, ctx, supplier_id):
        if row.item == item:
            found = kept_file(ctx.workspace().path / EVIDENCE_DIR, row.evidence_sha256,
                              row.evidence_name)  # fmt: skip
            if found is not None:
                return found
    raise refused("not_found", msg("suppliers.err.no_evidence"), "evidence")


def _as_check(row: OnboardingCheck) -> onboarding.Check:
    return onboarding.Check(row.item, row.result, row.checked_on, row.expires_on, row.version)


def checklist(
    db: Session,
    ctx: Context,
    supplier_id: int,
    *,
    on: date | None = None,
    within_days: int = onboarding.REMINDER_DAYS,
) -> onboarding.Checklist:
    """A supplier's checklist on ``on`` (default today): each item's state, what is
    outstanding or failed, the status it supports.

    Raises:
        ServiceError: 404 no such supplier.
    """
    day = on or datetime.now(UTC).date()
    return onboarding.checklist(
        [_as_check(r) for r in list_checks(db, ctx, supplier_id)], day, within_days
    )


def reminders(
    db: Session,
    ctx: Context,
    *,
    on: date | None = None,
    within_days: int = onboarding.REMINDER_DAYS,
) -> list[onboarding.Reminder]:
    """Evidence of every supplier that expires within ``within_days`` days of ``on`` (default
    today) or has expired, soonest first (terminated suppliers left out).

    Raises:
        ServiceError: 422 ``within_days`` below 0.
    """
    ctx.require("read")
    day = on or datetime.now(UTC).date()
    q = (
        select(Supplier.code, OnboardingCheck)
        .join(Supplier, Supplier.id == OnboardingCheck.supplier_id)
        .where(Supplier.status != "terminated", OnboardingCheck.expires_on.is_not(None))
    )
    pairs = [(code, _as_check(row)) for code, row in db.execute(q).all()]
    try:
        return onboarding.reminders(pairs, day, within_days)
    except SupplierError as exc:
        raise _from_module(exc) from exc


# ---- the register's file ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import of the register's file did: codes created and updated."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()


def import_suppliers(
    db: Session, ctx: Context, data: bytes, file_name: str, *, encoding: str | None = None
) -> ImportResult:
    """Create or update suppliers from a CSV or XLSX file
    (:mod:`lingtan.adapters.io.supplier_files`): a row whose code exists updates that supplier
    (the columns given; ``status`` too, as a data load, without the workflow's check), a new
    code creates one. All or nothing: any wrong cell refuses the whole file, every wrong cell
    named (file, row, column, reason).

    Raises:
        ServiceError: 403; 422 the file or a row is invalid (:class:`SuppliersError` of
            ``suppliers.err.file`` with ``detail`` listing the cells).
        InputFileError: an XLSX archive refused by the file limits.
    """
    from lingtan.adapters.io.supplier_files import RowError, SupplierFileError, read_supplier_file

    ctx.require("edit_data")
    source = Path(file_name).name
    try:
        rows = read_supplier_file(data, source, encoding=encoding)
    except SupplierFileError as exc:
        raise _file_refused(exc.message or msg("suppliers.file.unreadable"), exc.errors) from exc
    errors: list[RowError] = [e for r in rows for e in r.errors]
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for r in rows:
        values, wrong = check_cells(r.values, lambda c: _check_fields(c, creating=False),
                                    SuppliersError)  # fmt: skip
        errors += [RowError(source, r.row, k, m) for k, m in wrong]
        if wrong or any(not values.get(k) for k in ("code", "legal_name", "country")):
            continue
        if values["code"] in seen:
            errors.append(
                RowError(source, r.row, "code",
                         msg("suppliers.file.code_twice", row=seen[values["code"]]))
            )  # fmt: skip
            continue
        seen[values["code"]] = r.row
        checked.append(values)
    if errors:
        raise _file_refused(msg("suppliers.file.rows", n=len(errors)), errors)
    existing = {s.code: s for s in db.scalars(select(Supplier))}
    created, updated = [], []
    for values in checked:
        row = existing.get(values["code"])
        if row is None:
            defaults = {"tier": "1", "categories": [], "company_ids": [], "strategic": False,
                        "key_tier1": False, "status": "prospect"}  # fmt: skip
            db.add(Supplier(**{**defaults, **values}))
            created.append(values["code"])
        else:
            for k, v in values.items():
                setattr(row, k, v)
            updated.append(values["code"])
    db.commit()
    return ImportResult(tuple(created), tuple(updated))


class RegisterFileError(SuppliersError):
    """The register's file was refused: ``errors`` lists every wrong cell (file, row, column,
    keyed reason); :func:`row_error_lines` words them in a language."""

    def __init__(self, summary: Message, errors: Sequence[Any]) -> None:
        params = {k: v for k, v in summary.params.items() if isinstance(v, str | int | float)}
        self.errors: tuple[Any, ...] = tuple(errors)
        lines = [message_text(summary), *row_error_lines(self.errors, "en")]
        super().__init__("invalid", summary.key, "\n".join(lines), "file", **params)


def row_error_lines(errors: Sequence[Any], locale: str, limit: int = 50) -> list[str]:
    """``file, row r, column c: reason`` of each wrong cell (the first ``limit``) in
    ``locale``."""
    return cell_error_lines(errors, "suppliers.file.row_error", locale, limit)


def _file_refused(summary: Message, errors: Sequence[Any]) -> RegisterFileError:
    return RegisterFileError(summary, errors)


def export_suppliers(db: Session, ctx: Context, fmt: str = "csv") -> bytes:
    """The register as a file (``csv`` or ``xlsx``) that :func:`import_suppliers` reads back.

    Raises:
        ServiceError: 422 unknown format.
    """
    from lingtan.adapters.io.supplier_files import write_supplier_csv, write_supplier_xlsx

    rows = [supplier_dict(s) for s in list_suppliers(db, ctx)]
    if fmt == "csv":
        return write_supplier_csv(rows)
    if fmt == "xlsx":
        return write_supplier_xlsx(rows)
    raise refused("invalid", msg("suppliers.err.format", value=fmt), "format")


# ---- spend by supplier ------------------------------------------------------------------


@dataclass(frozen=True)
class SpendLine:
    """Spend with one supplier in one Scope 3 category [CNY]; ``supplier`` None = rows that
    name no supplier."""

    supplier: str | None
    category: int
    amount: float


@dataclass(frozen=True)
class Unconverted:
    """Spend that could not be converted to CNY (no exchange rate for the currency and year):
    the amount in its own unit, and why."""

    supplier: str | None
    unit: str
    price_year: int
    amount: float
    reason: str


@dataclass(frozen=True)
class SupplierSpend:
    """Spend by supplier in one fiscal year [CNY], derived from the imported activity rows
    (Scope 3 categories 1 and 2, currency units).

    ``total`` is every converted spend row of the year, with or without a supplier: the
    denominator of coverage by spend (cov = Σ spend of the suppliers with the property /
    ``total``), so that spend with no supplier, or with a code the register does not know,
    lowers coverage instead of vanishing from it."""

    fiscal_year: str
    currency: str
    lines: tuple[SpendLine, ...] = ()
    unconverted: tuple[Unconverted, ...] = ()
    #: the exchange-rate series used, per currency (lineage)
    rates: tuple[str, ...] = field(default=())

    @property
    def by_supplier(self) -> dict[str, float]:
        """Spend per supplier code [CNY], categories summed (rows without a supplier left
        out: :attr:`unattributed`)."""
        out: dict[str, float] = {}
        for line in self.lines:
            if line.supplier is not None:
                out[line.supplier] = out.get(line.supplier, 0.0) + line.amount
        return dict(sorted(out.items()))

    @property
    def unattributed(self) -> float:
        """Spend of rows that name no supplier [CNY]."""
        return sum(line.amount for line in self.lines if line.supplier is None)

    @property
    def total(self) -> float:
        """All converted spend of the year [CNY] (:attr:`by_supplier` + :attr:`unattributed`)."""
        return sum(line.amount for line in self.lines)

    def unknown(self, registered: set[str] | frozenset[str]) -> dict[str, float]:
        """Spend per supplier code that is not in ``registered`` [CNY]."""
        return {k: v for k, v in self.by_supplier.items() if k not in registered}

    def to_dict(self) -> dict[str, Any]:
        """Plain data (API answers, CLI JSON)."""
        return {
            "fiscal_year": self.fiscal_year,
            "currency": self.currency,
            "by_supplier": self.by_supplier,
            "unattributed": self.unattributed,
            "total": self.total,
            "lines": [vars(x) for x in self.lines],
            "unconverted": [vars(x) for x in self.unconverted],
            "rates": list(self.rates),
        }


def _grouped_spend(ctx: Context, start: date, end_exclusive: date) -> list[dict[str, Any]]:
    """Σ quantity of the active batches' Scope 3 category 1–2 rows dated in
    [``start``, ``end_exclusive``), per (supplier, category, unit, price year); one DuckDB scan
    (never row by row in Python), remembered per set of batch files (each named by path, size
    and modification time: a batch file is written once) and period."""
    files = []
    for f in ctx.workspace().activity_files():
        st = f.stat()
        files.append((str(f), st.st_size, st.st_mtime_ns))
    if not files:
        return []
    return [dict(g) for g in _scan(tuple(files), start, end_exclusive)]


@lru_cache(maxsize=32)
def _scan(
    files: tuple[tuple[str, int, int], ...], start: date, end_exclusive: date
) -> tuple[tuple[tuple[str, Any], ...], ...]:
    """The grouped spend rows of :func:`_grouped_spend` (immutable, for the cache)."""
    import ibis

    from lingtan.core.activities import ACTIVITY_SCHEMA

    con = ibis.duckdb.connect()
    try:
        t = con.read_parquet([f for f, _, _ in files], union_by_name=True)
        if "supplier" not in t.columns:  # batches written before decision 0044
            t = t.mutate(supplier=ibis.null(ibis.Schema.from_pyarrow(ACTIVITY_SCHEMA)["supplier"]))
        t = t.filter(
            (t.scope == 3)
            & t.category.isin(list(SPEND_CATEGORIES))
            & (t.date >= start)
            & (t.date < end_exclusive)
        )
        t = t.mutate(
            supplier=t.supplier.strip().nullif(""),
            price_year_eff=ibis.coalesce(t.price_year.cast("int32"), t.date.year().cast("int32")),
        )
        g = t.group_by(["supplier", "category", "unit", "price_year_eff"]).aggregate(
            amount=t.quantity.sum()
        )
        return tuple(tuple(row.items()) for row in g.to_pyarrow().to_pylist())
    finally:
        con.disconnect()


def spend_by_supplier(ctx: Context, fiscal_year: str) -> SupplierSpend:
    """Spend by supplier in ``fiscal_year`` [CNY] from the imported rows: Scope 3 category 1
    and 2 rows in a currency unit, dated in the year, each amount A [currency C, price year Y]
    converted as A × (CNY per USD [Y] / C per USD [Y]) (:func:`lingtan.core.money.fx_rate`,
    the workspace's own rates over the bundled ECB series; a unit's scale such as 万元 applied).
    Amounts whose rate is missing are listed in ``unconverted``, not dropped silently.

    Raises:
        ServiceError: 403; 422 not a fiscal year.
    """
    from lingtan.adapters.services.calculation import load_money
    from lingtan.core.errors import PeriodError, UnitError
    from lingtan.core.money import fx_rate
    from lingtan.core.units import conversion_factor_on_basis, currency_code

    ctx.require("read")
    ws = ctx.workspace()
    try:
        period = ws.config.period(fiscal_year.replace("-", "/"))
    except (PeriodError, ValueError, OverflowError) as exc:
        raise refused("invalid", msg("suppliers.err.fiscal_year", value=fiscal_year),
                      "fiscal_year") from exc  # fmt: skip
    grouped = _grouped_spend(ctx, period.start, period.end_exclusive)
    money = load_money(ws) if grouped else None
    sums: dict[tuple[str | None, int], float] = {}
    unconverted: list[Unconverted] = []
    used: set[str] = set()
    for g in grouped:
        unit, year = str(g["unit"]), int(g["price_year_eff"])
        try:
            cur = currency_code(unit)
        except Exception:  # an unparsable unit is no currency
            cur = None
        if cur is None:
            continue
        try:
            assert money is not None
            rate = conversion_factor_on_basis(unit, cur) * fx_rate(
                money.fx, year, cur, SPEND_CURRENCY
            )
        except UnitError as exc:
            unconverted.append(Unconverted(g["supplier"], unit, year, float(g["amount"]), str(exc)))
            continue
        used.add(cur)
        key = (g["supplier"], int(g["category"]))
        sums[key] = sums.get(key, 0.0) + float(g["amount"]) * rate
    lines = tuple(
        SpendLine(s, c, a)
        for (s, c), a in sorted(sums.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    )
    described = money.describe(used | {SPEND_CURRENCY}) if money is not None else []
    rates = tuple(d for d in described if " per USD: " in d)
    return SupplierSpend(period.label, SPEND_CURRENCY, lines, tuple(unconverted), rates)


def spend_of(db: Session, ctx: Context, fiscal_year: str) -> tuple[SupplierSpend, dict[str, float]]:
    """:func:`spend_by_supplier` and the part of it with codes the register does not know."""
    spend = spend_by_supplier(ctx, fiscal_year)
    codes = set(db.scalars(select(Supplier.code)))
    return spend, spend.unknown(codes)


def spend_years(ctx: Context) -> list[str]:
    """The fiscal years (labels, oldest first) that have a stored calculation: the years a
    supplier profile shows spend for."""
    ws = ctx.workspace()
    years = {s.fiscal_year for s in ws.snapshots()}
    return sorted(years, key=lambda label: ws.config.period(label).start)
