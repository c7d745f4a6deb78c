"""Supplier projects, programmes and training (issue 15 items 6–7, decision 0067).

- ``supplier_programme``: a buyer programme (星火行动 …) by code;
- ``supplier_project``: one reduction project of one supplier (investment, ex-ante savings per
  carrier and year, factor basis, the buyer's attributable share, lifetime);
- ``supplier_project_programme``: which programmes a project belongs to (a project may belong
  to two; the ledger counts it once in the group total);
- ``supplier_project_measurement``: measured results per period;
- ``supplier_training_event`` and ``supplier_attendance``: courses, webinars,
  conferences and lectures, and who attended (per supplier).

Every table is tenant-owned and audited; a supplier's rows go with it (``ondelete`` CASCADE).
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
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class SupplierProgramme(TenantOwned, Base):
    """A buyer programme that supplier projects belong to (``code`` e.g. ``XINGHUO``,
    ``name`` 星火行动)."""

    __tablename__ = "supplier_programme"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierProjectRow(TenantOwned, Base):
    """One supplier reduction project (:class:`lingtan.modules.suppliers.projects.
    SupplierProject`): ``ex_ante`` is ``[{carrier, quantity, unit}]`` per year; ``capex_cny``
    [CNY]; ``ex_ante_t_per_year`` [t CO2e/yr]; ``basis_factor`` [t CO2e/MWh];
    ``attribution_pct`` [%]."""

    __tablename__ = "supplier_project"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(20))
    capex_cny: Mapped[float] = mapped_column(Double)
    start: Mapped[date | None] = mapped_column(Date, nullable=True)
    life_years: Mapped[int] = mapped_column(Integer, default=20)
    ex_ante: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    ex_ante_t_per_year: Mapped[float | None] = mapped_column(Double, nullable=True)
    factor_basis: Mapped[str] = mapped_column(Text, default="")
    basis_factor: Mapped[float | None] = mapped_column(Double, nullable=True)
    attribution_pct: Mapped[float] = mapped_column(Double, default=100.0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class SupplierProjectProgramme(TenantOwned, Base):
    """A project's membership of a programme."""

    __tablename__ = "supplier_project_programme"
    __table_args__ = (UniqueConstraint("project_id", "programme_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_project.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_programme.id", ondelete="CASCADE"), index=True
    )


class SupplierProjectMeasurement(TenantOwned, Base):
    """A project's measured result of one period [``start``, ``end``] (inclusive):
    ``t_co2e`` [t CO2e], ``electricity_mwh`` [MWh], other carriers in ``savings``
    (``[{carrier, quantity, unit}]``)."""

    __tablename__ = "supplier_project_measurement"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_project.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    t_co2e: Mapped[float] = mapped_column(Double)
    electricity_mwh: Mapped[float] = mapped_column(Double, default=0.0)
    savings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierTrainingEvent(TenantOwned, Base):
    """A course, webinar, conference or lecture offered to suppliers."""

    __tablename__ = "supplier_training_event"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SupplierAttendance(TenantOwned, Base):
    """One person at one event; ``person_key`` is the person without case or extra spaces
    (:func:`lingtan.modules.suppliers.training.person_key`), unique per event and supplier
    (``supplier_code`` '' for a person of no supplier)."""

    __tablename__ = "supplier_attendance"
    __table_args__ = (UniqueConstraint("event_id", "supplier_code", "person_key"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_training_event.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), index=True, nullable=True
    )
    supplier_code: Mapped[str] = mapped_column(String(60), default="")
    person: Mapped[str] = mapped_column(String(200))
    person_key: Mapped[str] = mapped_column(String(200))
    completed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
