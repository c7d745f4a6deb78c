"""SQLAlchemy 2 models of the store (SQLite in a workspace; SQLite or PostgreSQL on a server).

Bulk rows (activities, emissions) are immutable Parquet files named by content hash under the
organisation's workspace folder; the store holds their metadata (an :class:`ImportBatch` is the
record of one file's activity rows), the rows rejected at import (quarantine), the inventory
snapshots, the organisational boundary (entities, sites) and the user factor sets. Every table
here belongs to one organisation (:class:`~lingtan.adapters.store.scoping.TenantOwned`); where a
content hash identified a row, the key is (organisation_id, hash): two organisations may import
the same file. The schema is created and upgraded only by the migrations in ``migrations/``.
Organisations, users and memberships are in :mod:`.tenancy`; tokens and web sessions in
:mod:`.auth`; the audit log in :mod:`.audit`; background jobs in :mod:`.jobs`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lingtan.adapters.store.scoping import TenantOwned

#: Constraint names (stable across SQLite and PostgreSQL, so migrations can name them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, as the store keeps times: naive UTC (one clock for every table)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of every lingtan table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    #: rows of this table are recorded in the audit log on every change (:mod:`.audit`)
    __audited__: ClassVar[bool] = False
    #: columns left out of audit entries (secrets) or replaced by their hash (large JSON)
    __audit_omit__: ClassVar[tuple[str, ...]] = ()
    __audit_digest__: ClassVar[tuple[str, ...]] = ()
    #: columns whose change alone is not worth an audit entry (bookkeeping)
    __audit_ignore__: ClassVar[tuple[str, ...]] = ()


class ImportBatch(TenantOwned, Base):
    """One imported file: immutable, identified by the sha256 of its bytes within its
    organisation. Its accepted activity rows are ``activities_file`` (Parquet)."""

    __tablename__ = "import_batch"
    __table_args__ = (
        PrimaryKeyConstraint("organisation_id", "id"),
        UniqueConstraint("organisation_id", "seq"),
    )
    __audited__ = True

    id: Mapped[str] = mapped_column(String(64))  # sha256 of the file
    seq: Mapped[int] = mapped_column(Integer)  # import order; row_id high bits
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


class QuarantinedRow(TenantOwned, Base):
    """A row rejected at import, with the reason; kept so it can be fixed and re-imported.

    Not audited one by one: its batch's audit entry states how many rows were rejected."""

    __tablename__ = "quarantined_row"
    __table_args__ = (
        ForeignKeyConstraint(
            ["organisation_id", "batch_id"],
            ["import_batch.organisation_id", "import_batch.id"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(String(64), index=True)
    row: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)  # English
    value: Mapped[str] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # fixing batch
    # the reason as a catalogue key and its parameters (decision 0053); None on older rows
    message_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    message_params: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)


class Snapshot(TenantOwned, Base):
    """A calculated inventory: immutable, identified by the hash of its inputs and results."""

    __tablename__ = "snapshot"
    __table_args__ = (PrimaryKeyConstraint("organisation_id", "id"),)
    __audited__ = True
    __audit_digest__ = ("inputs", "inventory")

    id: Mapped[str] = mapped_column(String(64))
    fiscal_year: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    gwp_set: Mapped[str] = mapped_column(String(10))
    consolidation: Mapped[str] = mapped_column(String(30))
    total_market_t: Mapped[float] = mapped_column(Double)
    inputs: Mapped[dict[str, object]] = mapped_column(JSON)
    inventory: Mapped[dict[str, object]] = mapped_column(JSON)
    emissions_file: Mapped[str] = mapped_column(String(200))


class ChangeRecord(TenantOwned, Base):
    """A recorded structural, method, factor change or error (GHG Protocol ch. 5)."""

    __tablename__ = "change_record"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    effective: Mapped[date] = mapped_column(Date)
    base_year_effect_t: Mapped[float | None] = mapped_column(Double, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    applied_in_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class BaseYearVersion(TenantOwned, Base):
    """One adopted version of the base year; earlier versions are kept."""

    __tablename__ = "base_year_version"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    snapshot_id: Mapped[str] = mapped_column(String(64))
    total_t: Mapped[float] = mapped_column(Double)
    adjustments_t: Mapped[float] = mapped_column(Double)
    change_pct: Mapped[float] = mapped_column(Double)
    threshold_pct: Mapped[float] = mapped_column(Double)
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Entity(TenantOwned, Base):
    """A legal entity of the organisational boundary (GHG Protocol ch. 3; ISO 14064-1 §5.1).

    ``code`` is the id used in ``lingtan.yaml`` and in the activity files."""

    __tablename__ = "entity"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    ownership_pct: Mapped[float] = mapped_column(Double)  # [%] held by the parent
    operational_control: Mapped[bool] = mapped_column(Boolean)
    financial_control: Mapped[bool] = mapped_column(Boolean)
    country: Mapped[str] = mapped_column(String(10))


class Site(TenantOwned, Base):
    """A site (factory, office, warehouse …) of one entity; ``region`` is ISO 3166-2."""

    __tablename__ = "site"
    __table_args__ = (
        UniqueConstraint("organisation_id", "code"),
        ForeignKeyConstraint(
            ["organisation_id", "entity_code"], ["entity.organisation_id", "entity.code"]
        ),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    entity_code: Mapped[str] = mapped_column(String(60))
    region: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))


class FactorSet(TenantOwned, Base):
    """A user factor set of the organisation: its file lives in the workspace's ``factors/``
    folder, its manifest (who published it, edition, licence) is kept here."""

    __tablename__ = "factor_set"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(300))
    dataset: Mapped[str] = mapped_column(String(300))
    edition: Mapped[str] = mapped_column(String(100))
    licence: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    factors: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
