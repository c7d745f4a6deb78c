"""The store table of disclosure datapoints entered by hand and their review (issue 19 item 3,
decision 0097).

``disclosure_datapoint``: one value a disclosure framework asks for that lingtan cannot compute
from its data — the internal carbon price (IFRS S2 29(f)), capital deployed towards climate-related
risks and opportunities (29(e)); :data:`lingtan.modules.disclosure.frameworks.DATAPOINTS` lists
the keys — per organisation, ``key`` and ``fiscal_year`` (unique together): its ``value`` and
``unit``, a ``text`` (how the price is applied, what the amount covers), a ``source`` (where the
figure comes from), its ``status`` (``entered`` → ``reviewed`` → ``approved``; changing the value
starts again at ``entered``), who entered it, reviewed it and approved it, and when.

The table is audited: each change lands in the organisation's hash-chained audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Double, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class DisclosureDatapointRow(TenantOwned, Base):
    """A datapoint entered by hand (module docstring); ``value`` [``unit``] or ``text`` or both."""

    __tablename__ = "disclosure_datapoint"
    __table_args__ = (UniqueConstraint("organisation_id", "key", "fiscal_year"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80))
    fiscal_year: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Double, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="entered")
    entered_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
