"""Site energy tables (issue 16, decision 0071): meters, the last register of cumulative
meters, reading batches, production volumes and energy assets.

Readings themselves are immutable Parquet files under the workspace's ``readings/`` folder
(:mod:`lingtan.adapters.io.readings_store`); the store keeps the record of each intake batch
(:class:`EnergyReadingBatch`). Every table is tenant-owned; meters, production and assets are
audited (:mod:`.audit`), as the supplier register is.

- :class:`EnergyMeter`: a :class:`lingtan.modules.energy.meters.Meter` of the organisation;
- :class:`EnergyMeterState`: the last timestamp and register of a cumulative meter, so that the
  next batch's first interval is the difference to it (registers → intervals);
- :class:`EnergyReadingBatch`: one intake batch (file, HTTP body or MQTT flush), identified by
  the sha256 of its content;
- :class:`EnergyProduction`: units produced per site, line, product type and month (the
  denominator of per-unit intensity);
- :class:`EnergyAsset`: a PV system, a battery or a data centre, with its meters by role.
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

#: asset kinds and ownerships (../shared/specs/sites-energy.md: PVSystem, StorageSystem,
#: DataCentre; EMC = 合同能源管理)
ASSET_KINDS = ("pv", "storage", "data_centre")
OWNERSHIPS = ("own", "emc", "lease")
#: how on-site PV under EMC is accounted (GHG Protocol Scope 2 Guidance): the user's choice
EMC_TREATMENTS = ("self_generation", "contractual")
#: where an intake batch came from
BATCH_SOURCES = ("file", "http", "mqtt")


class EnergyMeter(TenantOwned, Base):
    """A meter of the organisation: the fields of :class:`lingtan.modules.energy.meters.Meter`
    (enums kept as their text values; ``interval_minutes`` [min]; ``multiplier`` [-]; ``tz`` an
    IANA zone; ``valid_from``/``valid_to`` inclusive dates)."""

    __tablename__ = "energy_meter"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(80))
    site: Mapped[str] = mapped_column(String(80))
    carrier: Mapped[str] = mapped_column(String(30))
    unit: Mapped[str] = mapped_column(String(30))
    measures: Mapped[str] = mapped_column(String(30), default="consumption")
    source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=15)
    value_kind: Mapped[str] = mapped_column(String(12), default="interval")
    parent: Mapped[str | None] = mapped_column(String(80), nullable=True)
    billing: Mapped[bool] = mapped_column(Boolean, default=True)
    building: Mapped[str | None] = mapped_column(String(80), nullable=True)
    line: Mapped[str | None] = mapped_column(String(80), nullable=True)
    multiplier: Mapped[float] = mapped_column(Double, default=1.0)
    tz: Mapped[str] = mapped_column(String(60), default="Asia/Shanghai")
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    protocol_tag: Mapped[str] = mapped_column(String(20), default="file")
    name: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class EnergyMeterState(TenantOwned, Base):
    """The last interval end (``last_ts``, naive UTC) and register value (``last_register``
    [meter unit, multiplier applied]) seen for a cumulative meter. Bookkeeping: not audited."""

    __tablename__ = "energy_meter_state"
    __table_args__ = (UniqueConstraint("organisation_id", "meter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meter: Mapped[str] = mapped_column(String(80))
    last_ts: Mapped[datetime] = mapped_column(DateTime)
    last_register: Mapped[float] = mapped_column(Double)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class EnergyReadingBatch(TenantOwned, Base):
    """One intake batch of readings: ``batch_id`` (sha256 of its content), ``source``
    (:data:`BATCH_SOURCES`), ``origin`` (file name, topic or client), ``received`` (naive UTC),
    counts (``rows`` stored, ``duplicates`` already stored with the same value), the ``meters``
    it touched, its first and last interval start (naive UTC), the ``issues`` found (JSON list)
    and, when a later batch replaced it entirely, ``superseded_by``."""

    __tablename__ = "energy_reading_batch"
    __table_args__ = (UniqueConstraint("organisation_id", "batch_id"),)
    __audited__ = True
    __audit_digest__ = ("issues", "meters")

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(500))
    received: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    meters: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_ts: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_ts: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    issues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    superseded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EnergyProduction(TenantOwned, Base):
    """Units produced at a ``site`` (optionally on a ``line``) of a ``product_type`` in a
    ``month`` (its first day); ``comparable`` marks products comparable year on year;
    ``standard_hours`` [h per unit] is the allocation key when a site has no line meters."""

    __tablename__ = "energy_production"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "site",
            "line",
            "product_type",
            "month",
            name="uq_energy_production_key",
        ),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(80))
    line: Mapped[str | None] = mapped_column(String(80), nullable=True)
    product_type: Mapped[str] = mapped_column(String(80))
    month: Mapped[date] = mapped_column(Date)
    units: Mapped[float] = mapped_column(Double)
    comparable: Mapped[bool] = mapped_column(Boolean, default=True)
    standard_hours: Mapped[float | None] = mapped_column(Double, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EnergyAsset(TenantOwned, Base):
    """A PV system, a battery or a data centre at a site (:data:`ASSET_KINDS`).

    ``kwp`` [kWp] (PV), ``kwh`` [kWh] and ``kw`` [kW] (storage capacity and power), ``rte``
    round-trip efficiency [-], ``commissioned`` date, ``ownership`` (:data:`OWNERSHIPS`),
    ``emc_treatment`` (:data:`EMC_TREATMENTS`, the recorded accounting choice for EMC PV),
    ``degradation_pct`` [% per year], ``meters`` {role: meter code} (``generation``,
    ``export``, ``charge``, ``discharge``, ``it``, ``facility``)."""

    __tablename__ = "energy_asset"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(80))
    site: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300), default="")
    kwp: Mapped[float | None] = mapped_column(Double, nullable=True)
    kwh: Mapped[float | None] = mapped_column(Double, nullable=True)
    kw: Mapped[float | None] = mapped_column(Double, nullable=True)
    rte: Mapped[float | None] = mapped_column(Double, nullable=True)
    commissioned: Mapped[date | None] = mapped_column(Date, nullable=True)
    ownership: Mapped[str] = mapped_column(String(10), default="own")
    emc_treatment: Mapped[str | None] = mapped_column(String(20), nullable=True)
    degradation_pct: Mapped[float | None] = mapped_column(Double, nullable=True)
    meters: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
