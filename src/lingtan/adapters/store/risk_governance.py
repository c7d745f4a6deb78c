"""The store tables of governance bodies, meetings, roles, remuneration links (issue 17 item 6,
decision 0084).

- ``governance_body``: a board, committee or working group of the organisation (``code``
  unique), its kind (:data:`lingtan.modules.risk.governance.BODY_KINDS`), the body it reports
  to, its chair, climate mandate and required frequency (``per_year`` meetings or climate
  updates a fiscal year and its source; null: none);
- ``governance_meeting``: a meeting of a body — its date with its precision (day, month, not
  published), the fiscal year, title, decisions (JSON list of text), source;
- ``governance_agenda_item``: an agenda item of a meeting (topic, climate flag, text, order);
- ``governance_role``: a management role with climate responsibilities (IFRS S2 ¶6(b));
- ``governance_pay_link``: a climate KPI linked to variable pay (IFRS S2 ¶29(g)).

Every table is audited: each change lands in the organisation's hash-chained audit log.
"""

from __future__ import annotations

from datetime import date, datetime

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


class GovernanceBodyRow(TenantOwned, Base):
    """A governance body (module docstring)."""

    __tablename__ = "governance_body"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    parent: Mapped[str | None] = mapped_column(String(40), nullable=True)
    chair: Mapped[str | None] = mapped_column(String(300), nullable=True)
    established: Mapped[str | None] = mapped_column(String(40), nullable=True)
    mandate: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    per_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counts: Mapped[str] = mapped_column(String(20), default="meetings")
    frequency_source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class GovernanceMeetingRow(TenantOwned, Base):
    """A meeting of a body (module docstring); ``date`` null when not published."""

    __tablename__ = "governance_meeting"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("governance_body.id", ondelete="CASCADE"), index=True
    )
    fiscal_year: Mapped[str] = mapped_column(String(20))
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    precision: Mapped[str] = mapped_column(String(16), default="day")
    title: Mapped[str] = mapped_column(String(300))
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class GovernanceAgendaItemRow(TenantOwned, Base):
    """An agenda item of a meeting: ``topic``, ``climate`` flag, ``text``, ``position``."""

    __tablename__ = "governance_agenda_item"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("governance_meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    topic: Mapped[str] = mapped_column(String(40))
    climate: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str] = mapped_column(String(500), default="")


class GovernanceRoleRow(TenantOwned, Base):
    """A management role: ``title``, ``holder`` (optional), ``responsibilities``,
    ``climate_responsible``, ``reports_to`` (a role or body, as words), ``chairs`` (body codes,
    JSON list), ``source``."""

    __tablename__ = "governance_role"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    holder: Mapped[str | None] = mapped_column(String(300), nullable=True)
    responsibilities: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    climate_responsible: Mapped[bool] = mapped_column(Boolean, default=True)
    reports_to: Mapped[str | None] = mapped_column(String(300), nullable=True)
    chairs: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class GovernancePayLinkRow(TenantOwned, Base):
    """A climate KPI linked to variable pay: ``fiscal_year``, ``population``, ``kpi_id`` (of the
    targets file; null: only ``kpi_label``), ``share_pct`` [% of variable pay; null: not
    published], ``body`` (code of the body that sets it), ``description``, ``source``."""

    __tablename__ = "governance_pay_link"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fiscal_year: Mapped[str] = mapped_column(String(20))
    population: Mapped[str] = mapped_column(String(300))
    kpi_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    kpi_label: Mapped[str] = mapped_column(String(300), default="")
    share_pct: Mapped[float | None] = mapped_column(Double, nullable=True)
    body: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
