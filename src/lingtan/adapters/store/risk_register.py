"""The store tables of the risk and opportunity register, the scoring matrix and the reviews (issue
17 items 1–2, decision 0080).

``risk_item``: one climate risk or opportunity of the organisation (IFRS S2 ¶10–12, TCFD
categories): its kind, category and driver (:mod:`lingtan.modules.risk.catalogue`), horizons,
value-chain positions, owner, likelihood L (1–4) and consequences C_d (1–5 per dimension), the
rating computed from them under the organisation's matrix (``score``, ``band``), the response
and actions, the financial effect (``financial``: line, low / central / high, currency), the
links to sites, suppliers, products, targets and projects, and the review dates.

``risk_review``: each review of an item — its date, reviewer, the ratings given and the score
and band they came to, a note (the GRMC process of the report: owners re-rate at least yearly).

``risk_matrix``: the organisation's scoring matrix (likelihood scale, consequence dimensions,
aggregation rule, bands, horizon ranges, review cadence), one row per organisation; a change
re-rates every item. All three tables are audited (every change lands in the audit log).
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


class RiskItemRow(TenantOwned, Base):
    """One risk or opportunity of the register (module docstring). ``consequences`` maps a
    dimension to 1–5; ``financial`` holds ``line`` (revenue | opex | capex | cost_of_capital),
    ``low``/``central``/``high`` (in ``currency``); ``links`` holds lists under ``sites``,
    ``suppliers``, ``products``, ``targets``, ``projects``."""

    __tablename__ = "risk_item"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(30))
    driver: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(String(4000), nullable=True)
    horizons: Mapped[list[str]] = mapped_column(JSON, default=list)
    value_chain: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner_unit: Mapped[str | None] = mapped_column(String(200), nullable=True)
    key_unit: Mapped[bool] = mapped_column(Boolean, default=False)
    likelihood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    consequences: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Double, nullable=True)
    band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    response: Mapped[str | None] = mapped_column(String(12), nullable=True)
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    financial: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    last_reviewed: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_review: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class RiskReviewRow(TenantOwned, Base):
    """One review of a register item: ``reviewed`` on a date by ``reviewer``, the likelihood and
    consequences given, the ``score`` and ``band`` they came to under the matrix of the day."""

    __tablename__ = "risk_review"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_code: Mapped[str] = mapped_column(String(40))
    reviewed: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(300))
    likelihood: Mapped[int | None] = mapped_column(Integer, nullable=True)
    consequences: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Double, nullable=True)
    band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RiskMatrixRow(TenantOwned, Base):
    """The organisation's scoring matrix as a JSON document (``config``: see
    :meth:`lingtan.modules.risk.matrix.RiskMatrix.to_dict`), one row per organisation."""

    __tablename__ = "risk_matrix"
    __table_args__ = (UniqueConstraint("organisation_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by: Mapped[str | None] = mapped_column(String(300), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
