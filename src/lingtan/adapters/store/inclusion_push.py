"""The store tables of the partners' push (issue 18 item 6, decision 0090).

- ``inclusion_push_receipt``: one row per settled partner event — (programme, partner,
  ``external_id``) unique, so a replayed event finds its receipt and changes nothing — with what
  settlement made of it: ``accepted`` / ``rejected`` (H3's outcome, points and kg CO2e) or
  ``refused`` (no consent, unknown account: ``reason`` a catalogue key ``incl_push.err.*``).
  High volume: not audited (the events and points it leads to are).
- ``inclusion_push_callback``: the outbox of signed callbacks to the partners' ``callback_url``
  (one per settled event), with attempts, next attempt time [UTC] and the last error.
- ``inclusion_pull_source``: a pull connector (step counts read from a partner's JSON feed):
  its feed address (``http://`` or ``file://``), the programme and partner it feeds, the action,
  and the cursor of the last item read. Audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Double, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned

#: receipt states: settled by the ledger (accepted / rejected) or refused before it
RECEIPT_STATES = ("accepted", "rejected", "refused", "pending", "reversed")
#: callback states
CALLBACK_STATES = ("queued", "delivered", "failed")


class PushReceiptRow(TenantOwned, Base):
    """A settled partner event (module docstring)."""

    __tablename__ = "inclusion_push_receipt"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "programme_code",
            "partner_code",
            "external_id",
            name="uq_inclusion_push_receipt_key",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_code: Mapped[str] = mapped_column(String(40))
    partner_code: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(100))
    account_ref: Mapped[str | None] = mapped_column(String(60), nullable=True)
    action: Mapped[str | None] = mapped_column(String(60), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(120), nullable=True)
    event_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    kg_co2e: Mapped[float | None] = mapped_column(Double, nullable=True)
    source: Mapped[str] = mapped_column(String(16), default="partner")
    received_at: Mapped[datetime] = mapped_column(DateTime)
    settled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PushCallbackRow(TenantOwned, Base):
    """A signed callback waiting for delivery, delivered, or given up (module docstring)."""

    __tablename__ = "inclusion_push_callback"
    __table_args__ = (Index("ix_inclusion_push_callback_due", "status", "next_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_code: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class PullSourceRow(TenantOwned, Base):
    """A pull connector's feed and cursor (module docstring)."""

    __tablename__ = "inclusion_pull_source"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    programme_code: Mapped[str] = mapped_column(String(40))
    partner_code: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(60), default="steps.donate")
    cursor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
