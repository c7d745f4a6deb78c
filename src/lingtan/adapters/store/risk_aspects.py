"""The store tables of significant environmental aspects (issue 17 item 3, ISO 14001:2015 §6.1.2,
decision 0081).

``env_aspect``: one environmental aspect of the organisation — its ``code`` (unique in the
organisation), the aspect and the activity it arises from, the site (None: the whole
organisation), the operating condition (normal | abnormal | emergency), the value-chain
position, the eight factor scores 1–5 (``e_*`` environmental, ``b_*`` business; None until
rated), the rating computed from them under the organisation's configuration (``env``, ``bus``,
``overall``, ``significant``, ``reason``), the objectives (a JSON list of ``{text, kpi, target,
due}``, ``kpi`` an id of the targets file's KPIs), the linked register risk (``risk_code``, a
``risk_item.code``), the fiscal year assessed, ``source`` and ``note``.

``env_aspect_monitoring``: a monitoring record of an aspect (the report's semi-annual
measurement of objectives and targets): date, by whom, findings, status.

``env_aspect_config``: the organisation's significance configuration (θ, aggregate, the
any-factor rule), one row per organisation; a change re-rates every aspect. All three tables are
audited (every change lands in the hash-chained audit log).
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class AspectRow(TenantOwned, Base):
    """One environmental aspect (module docstring)."""

    __tablename__ = "env_aspect"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    aspect: Mapped[str] = mapped_column(String(300))
    activity: Mapped[str | None] = mapped_column(String(300), nullable=True)
    site: Mapped[str | None] = mapped_column(String(80), nullable=True)
    condition: Mapped[str] = mapped_column(String(12), default="normal")
    value_chain: Mapped[str | None] = mapped_column(String(20), nullable=True)
    e_quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    e_scope: Mapped[int | None] = mapped_column(Integer, nullable=True)
    e_frequency: Mapped[int | None] = mapped_column(Integer, nullable=True)
    e_severity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    e_control: Mapped[int | None] = mapped_column(Integer, nullable=True)
    b_reputation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    b_compliance: Mapped[int | None] = mapped_column(Integer, nullable=True)
    b_management: Mapped[int | None] = mapped_column(Integer, nullable=True)
    env: Mapped[float | None] = mapped_column(Double, nullable=True)
    bus: Mapped[float | None] = mapped_column(Double, nullable=True)
    overall: Mapped[float | None] = mapped_column(Double, nullable=True)
    significant: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    objectives: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    risk_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    fiscal_year: Mapped[str | None] = mapped_column(String(20), nullable=True)
    source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class AspectMonitoringRow(TenantOwned, Base):
    """A monitoring record of an aspect: ``checked_on`` by ``checked_by``, ``findings``,
    ``status`` (on_track | attention | off_track); removed with its aspect."""

    __tablename__ = "env_aspect_monitoring"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    aspect_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("env_aspect.id", ondelete="CASCADE"), index=True
    )
    checked_on: Mapped[date] = mapped_column(Date)
    checked_by: Mapped[str] = mapped_column(String(200))
    findings: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="on_track")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AspectConfigRow(TenantOwned, Base):
    """The organisation's significance configuration (lingtan's defaults until changed)."""

    __tablename__ = "env_aspect_config"
    __table_args__ = (UniqueConstraint("organisation_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    threshold: Mapped[float] = mapped_column(Double, default=9.0)
    aggregate: Mapped[str] = mapped_column(String(8), default="mean")
    any_factor_at: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
