"""The supplier register (issue 15, decision 0063): the suppliers of an organisation.

A supplier is identified in activity files by its ``code`` (the ``supplier`` key column of
the activity schema, decision 0044), so the register and the imported spend rows meet on it.
Identifiers follow the PACT ``companyIds`` convention (URNs), with the Chinese unified social
credit code (统一社会信用代码, GB 32100-2015) and the D-U-N-S number as their own columns.
Every change is audited (:mod:`.audit`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned

#: supplier statuses (the onboarding workflow, report lines 2163–2177)
STATUSES = ("prospect", "onboarding", "approved", "conditional", "suspended", "terminated")
#: supplier tiers: direct (1), their suppliers (2), further up the chain (N)
TIERS = ("1", "2", "N")


class Supplier(TenantOwned, Base):
    """One supplier of the organisation.

    ``code`` is the id used in activity files (``supplier`` column); ``company_ids`` are URNs
    (``urn:uuid:…``, ``urn:lei:…``) as PACT's ``companyIds``; ``categories`` are procurement
    category codes; ``status`` moves only along
    :data:`lingtan.modules.suppliers.register.TRANSITIONS`; ``linked_org`` is the slug of the
    supplier's own lingtan organisation on this server, if it runs lingtan (it may then answer
    requests by push)."""

    __tablename__ = "supplier"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    legal_name: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str | None] = mapped_column(String(300), nullable=True)
    uscc: Mapped[str | None] = mapped_column(String(18), nullable=True)
    duns: Mapped[str | None] = mapped_column(String(9), nullable=True)
    company_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str] = mapped_column(String(2))
    tier: Mapped[str] = mapped_column(String(2), default="1")
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    strategic: Mapped[bool] = mapped_column(Boolean, default=False)
    key_tier1: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="prospect")
    #: why the status last changed (kept in the audit entry of the change)
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    linked_org: Mapped[str | None] = mapped_column(String(60), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class SupplierContact(TenantOwned, Base):
    """A person to write to at a supplier: ``name``, ``role`` (e.g. sustainability manager),
    ``email``, ``phone``."""

    __tablename__ = "supplier_contact"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)


class SupplierSite(TenantOwned, Base):
    """A production site of a supplier: ``code`` (unique per supplier), ``name``, ``region``
    (ISO 3166-2, e.g. ``CN-JS``, or ISO 3166-1) and WGS 84 coordinates [decimal degrees]."""

    __tablename__ = "supplier_site"
    __table_args__ = (UniqueConstraint("supplier_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Double, nullable=True)
    lon: Mapped[float | None] = mapped_column(Double, nullable=True)


class OnboardingCheck(TenantOwned, Base):
    """One item of a supplier's onboarding checklist (report lines 2163–2177): ``item``
    (:data:`lingtan.modules.suppliers.onboarding.ITEMS`), ``result`` (pass | fail | n/a), the
    acknowledged ``version`` of a code of conduct, the evidence file (sha256 of its bytes, kept in
    the workspace's ``suppliers/evidence/`` folder, and its original name), who checked it and
    when, and when the evidence expires (a certificate's end of validity). One row per supplier
    and item: a new check replaces the old one (the audit log keeps the history)."""

    __tablename__ = "supplier_onboarding_check"
    __table_args__ = (UniqueConstraint("supplier_id", "item"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(40))
    result: Mapped[str] = mapped_column(String(4))
    version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evidence_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    checked_by: Mapped[str] = mapped_column(String(200))
    checked_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
