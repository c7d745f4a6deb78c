"""The store tables: carbon-inclusion methodology packs loaded by an organisation (issue 18
item 2, decision 0087).

- ``inclusion_methodology``: an organisation's own version of a pack (``pack_id`` and
  ``version`` unique within the organisation), its ``label``, validity, ``digest`` (sha256 of
  the pack's content: a re-load of the same content is a no-op, a different content under the
  same version is refused), the file it came from and the pack's content (``content``, the
  mapping as read). Shipped packs are read from the package, never stored.

Audited: each load lands in the organisation's hash-chained audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class InclusionMethodologyRow(TenantOwned, Base):
    """A pack version loaded by the organisation (module docstring)."""

    __tablename__ = "inclusion_methodology"
    __table_args__ = (UniqueConstraint("organisation_id", "pack_id", "version"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    digest: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
