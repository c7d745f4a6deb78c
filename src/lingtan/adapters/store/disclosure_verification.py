"""The store tables of verification records and their findings (issue 19 item 2; decision 0098).

- ``disclosure_verification``: the verification of one fiscal year's inventory snapshot of the
  organisation (unique per organisation, fiscal year and snapshot id): verifier, standard
  (ISO 14064-3:2019 | ISAE 3410), level of assurance, materiality [%], coverage (JSON list of
  ``S1``, ``S2``, ``S3``, ``S3.<category>``), opinion, statement date, URL, and the attached
  statement file (its name, SHA-256 and path under the workspace folder);
- ``disclosure_verification_finding``: a finding of a record (numbered 1, 2 … per record), its
  severity, the date it was raised and, once closed, the date and the evidence of its closure.

Both tables are audited: each change lands in the organisation's hash-chained audit log.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Double, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned

#: the name of the unique constraint on (organisation, fiscal year, snapshot)
UNIQUE_RECORD = "uq_disclosure_verification_org_year_snapshot"


class VerificationRow(TenantOwned, Base):
    """A verification record (module docstring)."""

    __tablename__ = "disclosure_verification"
    __table_args__ = (
        # named explicitly: the default name is longer than PostgreSQL's 63 characters
        UniqueConstraint("organisation_id", "fiscal_year", "snapshot_id", name=UNIQUE_RECORD),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[str] = mapped_column(String(20))
    snapshot_id: Mapped[str] = mapped_column(String(64))
    verifier: Mapped[str] = mapped_column(String(300))
    standard: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    materiality_pct: Mapped[float | None] = mapped_column(Double, nullable=True)
    coverage: Mapped[list[str]] = mapped_column(JSON, default=list)
    opinion: Mapped[str] = mapped_column(String(20))
    statement_date: Mapped[date] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    statement_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    statement_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    statement_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class VerificationFindingRow(TenantOwned, Base):
    """A finding of a verification record (module docstring); ``closed_on`` null while open."""

    __tablename__ = "disclosure_verification_finding"
    __table_args__ = (UniqueConstraint("verification_id", "number"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    verification_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("disclosure_verification.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(2000))
    severity: Mapped[str] = mapped_column(String(20))
    raised_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
