"""The store tables: circularity ledgers — material inputs, packaging changes, returnable
assets, take-back and approved recyclers (issue 19 item 5, decision 0100).

One table per ledger of :mod:`lingtan.modules.circularity.ledgers`, each row of one
organisation (tenant-owned) and audited. Masses in kg, factors in kg CO2e/kg; ``synthetic``
marks a row whose figures stand for a total the source gives only as a total (the demo);
``source_file`` / ``source_row`` name where an imported row came from. ``circ_recycler`` is
unique by code within an organisation; take-back rows name a recycler by that code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Double, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class _Provenance:
    """Columns every ledger row has: whether it is synthetic, a note, the import it came from,
    when it was written."""

    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    source_file: Mapped[str | None] = mapped_column(String(255), nullable=True)
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class MaterialRow(TenantOwned, _Provenance, Base):
    """A recycled or bio-based material input of a year [kg] with its optional factors."""

    __tablename__ = "circ_material"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[str] = mapped_column(String(12))
    material: Mapped[str] = mapped_column(String(20))
    product_line: Mapped[str | None] = mapped_column(String(120), nullable=True)
    gross_kg: Mapped[float | None] = mapped_column(Double, nullable=True)
    net_kg: Mapped[float] = mapped_column(Double)
    certificate: Mapped[str | None] = mapped_column(String(200), nullable=True)
    supplier: Mapped[str | None] = mapped_column(String(120), nullable=True)
    ef_virgin: Mapped[float | None] = mapped_column(Double, nullable=True)
    ef_recycled: Mapped[float | None] = mapped_column(Double, nullable=True)
    ef_source: Mapped[str | None] = mapped_column(String(300), nullable=True)


class PackagingRow(TenantOwned, _Provenance, Base):
    """A packaging change of a product line in a year: kg per unit before and after, units."""

    __tablename__ = "circ_packaging"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[str] = mapped_column(String(12))
    line: Mapped[str] = mapped_column(String(120))
    material: Mapped[str] = mapped_column(String(20))
    kg_per_unit_before: Mapped[float] = mapped_column(Double)
    kg_per_unit_after: Mapped[float] = mapped_column(Double)
    units: Mapped[int] = mapped_column(Integer)


class ReturnableRow(TenantOwned, _Provenance, Base):
    """Returnable assets of a programme over a period: issued, returned, lost (null: not
    counted)."""

    __tablename__ = "circ_returnable"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asset_kind: Mapped[str] = mapped_column(String(12))
    programme: Mapped[str] = mapped_column(String(120))
    site: Mapped[str | None] = mapped_column(String(80), nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    issued: Mapped[int] = mapped_column(Integer)
    returned: Mapped[int] = mapped_column(Integer)
    lost: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TakeBackRow(TenantOwned, _Provenance, Base):
    """Devices taken back on a day: programme, category, count, mass, route, recycler,
    certificates, residual value."""

    __tablename__ = "circ_takeback"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date)
    programme: Mapped[str] = mapped_column(String(20))
    customer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    device_category: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)
    kg: Mapped[float | None] = mapped_column(Double, nullable=True)
    route: Mapped[str] = mapped_column(String(20))
    recycler: Mapped[str | None] = mapped_column(String(40), nullable=True)
    sanitisation_cert: Mapped[str | None] = mapped_column(String(200), nullable=True)
    recycling_cert: Mapped[str | None] = mapped_column(String(200), nullable=True)
    residual_value: Mapped[float | None] = mapped_column(Double, nullable=True)


class RecyclerRow(TenantOwned, _Provenance, Base):
    """An approved recycler: facility, region, services, the three approvals, contract terms,
    the OECD export rule, status and end of approval."""

    __tablename__ = "circ_recycler"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(80))
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    supplier_audit: Mapped[date | None] = mapped_column(Date, nullable=True)
    environmental_audit: Mapped[date | None] = mapped_column(Date, nullable=True)
    document_approval: Mapped[date | None] = mapped_column(Date, nullable=True)
    contract_terms: Mapped[bool] = mapped_column(Boolean, default=False)
    oecd_export_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="approved")
    expires: Mapped[date | None] = mapped_column(Date, nullable=True)
