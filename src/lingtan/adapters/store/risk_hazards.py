"""The store tables of physical risk per site (issue 17 item 5, decision 0083): exposure, hazard
indicators, vulnerability curves. All three are audited (every change an entry of the
organisation's hash-chained audit log).

``site_exposure``: one row per site of the boundary (unique per organisation): coordinates
[WGS 84 degrees], asset value and revenue per day [``currency``], and ``bi_days`` (days of
interruption at total damage).

``hazard_indicator``: a value of a hazard at a site under a pathway and year, at a return
period [years] (null for a chronic hazard), with its unit and source. An import replaces the
rows of the same (site, hazard, pathway, year, return period); the service keeps that key
unique (a null return period is not comparable in a unique index on both stores).

``vulnerability_curve``: an organisation's own damage curve of an acute hazard (one per hazard,
replacing lingtan's illustrative default): points [[intensity, damage fraction], …], label,
source.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Double, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class SiteExposureRow(TenantOwned, Base):
    """The exposure of one site (module docstring)."""

    __tablename__ = "site_exposure"
    __table_args__ = (UniqueConstraint("organisation_id", "site"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(80))
    latitude: Mapped[float] = mapped_column(Double)
    longitude: Mapped[float] = mapped_column(Double)
    asset_value: Mapped[float] = mapped_column(Double)
    revenue_per_day: Mapped[float] = mapped_column(Double)
    currency: Mapped[str] = mapped_column(String(3))
    bi_days: Mapped[float] = mapped_column(Double)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class HazardIndicatorRow(TenantOwned, Base):
    """One hazard indicator of a site (module docstring)."""

    __tablename__ = "hazard_indicator"
    __table_args__ = (
        Index("ix_hazard_indicator_pathway_year", "organisation_id", "pathway", "year"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(80))
    hazard: Mapped[str] = mapped_column(String(40))
    pathway: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    return_period: Mapped[float | None] = mapped_column(Double, nullable=True)
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class VulnerabilityCurveRow(TenantOwned, Base):
    """An organisation's damage curve of an acute hazard (module docstring)."""

    __tablename__ = "vulnerability_curve"
    __table_args__ = (UniqueConstraint("organisation_id", "hazard"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hazard: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(20))
    points: Mapped[list[Any]] = mapped_column(JSON, default=list)
    label: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
