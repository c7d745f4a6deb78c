"""SQLAlchemy 2 models of the embedded store (SQLite in a workspace; PostgreSQL on a server).

Bulk rows (activities, emissions) are immutable Parquet files named by content hash; the store
holds their metadata, the rows rejected at import (quarantine) and the inventory snapshots.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every lingtan table."""


class ImportBatch(Base):
    """One imported file: immutable, identified by the sha256 of its bytes."""

    __tablename__ = "import_batch"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the file
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # import order; row_id high bits
    file_name: Mapped[str] = mapped_column(String(500))
    template: Mapped[str] = mapped_column(String(50))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_accepted: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    activities_file: Mapped[str | None] = mapped_column(String(200), nullable=True)
    instruments_file: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source_file: Mapped[str | None] = mapped_column(String(200), nullable=True)  # original bytes
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    superseded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class QuarantinedRow(Base):
    """A row rejected at import, with the reason; kept so it can be fixed and re-imported."""

    __tablename__ = "quarantined_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # fixing batch


class Snapshot(Base):
    """A calculated inventory: immutable, identified by the hash of its inputs and results."""

    __tablename__ = "snapshot"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    fiscal_year: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    gwp_set: Mapped[str] = mapped_column(String(10))
    consolidation: Mapped[str] = mapped_column(String(30))
    total_market_t: Mapped[float] = mapped_column(Float)
    inputs: Mapped[dict[str, object]] = mapped_column(JSON)
    inventory: Mapped[dict[str, object]] = mapped_column(JSON)
    emissions_file: Mapped[str] = mapped_column(String(200))


class ChangeRecord(Base):
    """A recorded structural, method, factor change or error (GHG Protocol ch. 5)."""

    __tablename__ = "change_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    effective: Mapped[date] = mapped_column(Date)
    base_year_effect_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    applied_in_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class BaseYearVersion(Base):
    """One adopted version of the base year; earlier versions are kept."""

    __tablename__ = "base_year_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[str] = mapped_column(String(64))
    total_t: Mapped[float] = mapped_column(Float)
    adjustments_t: Mapped[float] = mapped_column(Float)
    change_pct: Mapped[float] = mapped_column(Float)
    threshold_pct: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
