"""Certificates and zero-carbon assessments (issue 16 item 5, decision 0077).

``certificate``: a certificate held by a subject of the organisation (the organisation, a
site, a building, a product, a supplier: ``subject_kind`` + ``subject_id``, the site code or
product id as the rest of lingtan names them) under a scheme
(:data:`lingtan.modules.energy.certificates.SCHEMES`), with its level, issuer, number, dates and
evidence file (sha256 of its bytes, kept in the workspace's ``certificates/evidence/`` folder,
and its original name). ``status`` is the recorded one (active | withdrawn); the state on a day
(valid, expiring within 90 / 30 days, expired) follows from the dates.

``zero_carbon_assessment``: the result of one site and fiscal year with the inputs it was
computed from and its basis (:mod:`lingtan.modules.energy.zero_carbon`); one row per site and
year, replaced by a new assessment (the audit log keeps the old one). Both tables are audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Double,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class CertificateRow(TenantOwned, Base):
    """One certificate of the organisation (module docstring)."""

    __tablename__ = "certificate"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[str] = mapped_column(String(80))
    scheme: Mapped[str] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(60), nullable=True)
    issuer: Mapped[str] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(120), nullable=True)
    issued: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evidence_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ZeroCarbonRow(TenantOwned, Base):
    """The zero-carbon assessment of one site and fiscal year [t CO2e]: ``e_base_t``,
    ``r_own_t``, ``g_t``, ``c_t``, ``share_own`` (fraction; null when R_own + G + C = 0),
    ``net_t``, whether it ``passed``, its ``basis`` (Scope 2 basis, base, scopes, grid factor,
    years) and ``inputs`` (the parts of G in kWh, the retired serials, the measured projects,
    notes)."""

    __tablename__ = "zero_carbon_assessment"
    __table_args__ = (UniqueConstraint("organisation_id", "site", "fiscal_year"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(80))
    fiscal_year: Mapped[str] = mapped_column(String(20))
    e_base_t: Mapped[float] = mapped_column(Double)
    r_own_t: Mapped[float] = mapped_column(Double)
    g_t: Mapped[float] = mapped_column(Double)
    c_t: Mapped[float] = mapped_column(Double)
    share_own: Mapped[float | None] = mapped_column(Double, nullable=True)
    net_t: Mapped[float] = mapped_column(Double)
    passed: Mapped[bool] = mapped_column(Boolean)
    threshold: Mapped[float] = mapped_column(Double)
    basis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assessed_by: Mapped[str] = mapped_column(String(300))
    assessed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
