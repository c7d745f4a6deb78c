"""Supplier reviews (issue 15 items 2–3, decision 0064): KPI set versions, quarterly
scorecards, external ratings, corrective action plans and their items, audits and their
findings, and waivers of the suspension rule.

Every table is tenant-owned and audited (:mod:`.audit`): a rating that opens a plan, an item
closed with its evidence, a waiver with who granted it and why are all in the audit log. A
supplier is referenced by ``supplier_id`` → ``supplier.id`` (cascade on delete).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


def _supplier_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)


class SupplierKpiSet(TenantOwned, Base):
    """A version of the organisation's scorecard definitions (the document of
    :func:`lingtan.modules.suppliers.scorecard.kpi_set_document`); the latest one applies, the
    shipped default when there is none."""

    __tablename__ = "supplier_kpi_set"
    __table_args__ = (UniqueConstraint("organisation_id", "version"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(60))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierScorecard(TenantOwned, Base):
    """A supplier's scorecard of one quarter (``2024Q1``): per-KPI values and scores
    (``{code: {value, score, weight}}``), total [0–100], grade and allocation multiplier."""

    __tablename__ = "supplier_scorecard"
    __table_args__ = (UniqueConstraint("organisation_id", "supplier_id", "period"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = _supplier_fk()
    period: Mapped[str] = mapped_column(String(6))
    kpi_set_version: Mapped[str] = mapped_column(String(60))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(10))
    multiplier: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierRating(TenantOwned, Base):
    """An external rating [0–100] by any provider (EcoVadis or comparable)."""

    __tablename__ = "supplier_rating"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = _supplier_fk()
    provider: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    rated_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierCap(TenantOwned, Base):
    """A corrective action plan: its trigger, the rating that opened it and the one that
    re-rated it, dates and the scores before and after [0–100]. Status is computed
    (:func:`lingtan.modules.suppliers.caps.status`)."""

    __tablename__ = "supplier_cap"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = _supplier_fk()
    trigger: Mapped[str] = mapped_column(String(20))
    rating_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_rating.id", ondelete="SET NULL"), nullable=True
    )
    rerating_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier_rating.id", ondelete="SET NULL"), nullable=True
    )
    opened: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    score_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    score_after: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierCapItem(TenantOwned, Base):
    """One item of a plan: finding, action, owner, due, closing date and evidence."""

    __tablename__ = "supplier_cap_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cap_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_cap.id", ondelete="CASCADE"), index=True
    )
    finding: Mapped[str] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(300), nullable=True)


class SupplierAudit(TenantOwned, Base):
    """An audit of a supplier (or one of its sites): scheme, date, score."""

    __tablename__ = "supplier_audit"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = _supplier_fk()
    site: Mapped[str | None] = mapped_column(String(60), nullable=True)
    scheme: Mapped[str] = mapped_column(String(20))
    audited_on: Mapped[date] = mapped_column(Date)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    auditor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierAuditFinding(TenantOwned, Base):
    """A finding of an audit: ref, severity (priority | major | minor), RBA section, due and
    closing dates, evidence of closure."""

    __tablename__ = "supplier_audit_finding"
    __table_args__ = (UniqueConstraint("organisation_id", "audit_id", "ref"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_audit.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    section: Mapped[str] = mapped_column(String(200), default="")
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(300), nullable=True)


class SupplierWaiver(TenantOwned, Base):
    """A waiver of the suspension rule for one finding: who granted it, why, from and until."""

    __tablename__ = "supplier_waiver"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_audit_finding.id", ondelete="CASCADE"), index=True
    )
    granted_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(1000))
    granted_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
