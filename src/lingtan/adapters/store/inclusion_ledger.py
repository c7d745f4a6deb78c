"""The store tables of carbon-inclusion action events, their reductions and the hash-chained
points ledger (issue 18 items 2–4, decision 0089).

- ``inclusion_event``: one action of one account (``occurred_at`` naive UTC, ``quantity`` in
  ``unit``, where it came from: ``source`` manual|app|partner|import|pull and ``origin``, the
  partner's code or the source, which is the namespace of the idempotency key ``external_id``:
  unique per programme and origin), its status (accepted|rejected|pending|reversed, ``reason`` the
  catalogue key of a rejection or review flag), the reduction applied (``kg_co2e`` [kg CO2e],
  ``counts_as`` reduction|avoided|engagement, the methodology ``pack_id``@``pack_version``,
  ``params_hash``) and the points (``points``, ``multiplier``, ``campaign_code``), with the
  ``trace`` of the arithmetic (JSON list of steps). No raw trajectory: distance and mode only.
- ``inclusion_points_entry``: the append-only points ledger, one chain per programme (``seq``
  1, 2, …; ``prev_hash``/``hash`` as :mod:`lingtan.modules.inclusion.ledger`), ``delta`` [points],
  ``reason`` earn|redeem|expire|adjust|reversal, ``ref`` (``event:12``, ``redemption:3``,
  ``expiry:2026-12-06``), ``balance_after`` and, for earn entries, ``expires_at``.

Neither table is audited row by row (events are high volume; the ledger is its own chain); the
service has no update path for entries and no delete path for either table (an erased person's
events keep their figures and lose ``evidence_hash`` and ``product``).
No foreign key to the programme and account tables: accounts are never deleted (their status
becomes ``deleted``), and the organisation's deletion removes everything (``TenantOwned``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned

#: statuses of an event
EVENT_STATUSES = ("accepted", "rejected", "pending", "reversed")
#: sources of an event
EVENT_SOURCES = ("manual", "app", "partner", "import", "pull")


class InclusionEventRow(TenantOwned, Base):
    """One action event with its reduction and points (module docstring)."""

    __tablename__ = "inclusion_event"
    __table_args__ = (
        UniqueConstraint("programme_id", "origin", "external_id"),
        Index(
            "ix_inclusion_event_programme_account_at", "programme_id", "account_id", "occurred_at"
        ),
        Index("ix_inclusion_event_programme_status", "programme_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    quantity: Mapped[float] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    evidence_hash: Mapped[str | None] = mapped_column(String(128), nullable=True)
    distance_km: Mapped[float | None] = mapped_column(Double, nullable=True)
    duration_min: Mapped[float | None] = mapped_column(Double, nullable=True)
    mode: Mapped[str | None] = mapped_column(String(40), nullable=True)
    product: Mapped[str | None] = mapped_column(String(80), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(120), nullable=True)
    kg_co2e: Mapped[float] = mapped_column(Double, default=0.0)
    counts_as: Mapped[str] = mapped_column(String(16))
    pack_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    pack_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    params_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    trace: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    points: Mapped[int] = mapped_column(Integer, default=0)
    multiplier: Mapped[float] = mapped_column(Double, default=1.0)
    campaign_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    review_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PointsEntryRow(TenantOwned, Base):
    """One entry of a programme's points ledger (module docstring). Append-only."""

    __tablename__ = "inclusion_points_entry"
    __table_args__ = (
        UniqueConstraint("programme_id", "seq"),
        Index("ix_inclusion_points_entry_account_seq", "account_id", "seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(80))
    balance_after: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
