"""The store tables: disclosure editions (frozen document, state, supersession) and the
narratives (issue 19 items 1, 3; decision 0096; migration 0027).

- ``disclosure_edition``: one edition of a fiscal year — ``edition_id`` (the canonical SHA-256
  of its document, unique per organisation), ``content_sha`` (the same hash of the document
  without ``supersedes`` and ``restatement``: two builds of the same data share it), the
  document as canonical JSON text (so that it is read back byte for byte), ``state``
  ``draft`` | ``published`` | ``superseded``, ``supersedes`` / ``superseded_by`` (edition ids),
  the restatement's ``reason``, who built and published it and when;
- ``disclosure_narrative``: the text of one narrative field (``key``: ``<section>`` or
  ``<section>.<sub>``) in one language (``zh-CN`` | ``en``), who changed it last and when.

Both tables are audited: every change is in the audit log (the document itself by its sha256).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned

#: the states of an edition
EDITION_STATES = ("draft", "published", "superseded")


class DisclosureEditionRow(TenantOwned, Base):
    """An edition (module docstring)."""

    __tablename__ = "disclosure_edition"
    __table_args__ = (UniqueConstraint("organisation_id", "edition_id"),)
    __audited__ = True
    __audit_digest__ = ("document",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[str] = mapped_column(String(64))
    fiscal_year: Mapped[str] = mapped_column(String(20), index=True)
    content_sha: Mapped[str] = mapped_column(String(64), index=True)
    document: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    supersedes: Mapped[str | None] = mapped_column(String(64), nullable=True)
    superseded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DisclosureNarrativeRow(TenantOwned, Base):
    """A narrative text of one key and language (module docstring)."""

    __tablename__ = "disclosure_narrative"
    __table_args__ = (UniqueConstraint("organisation_id", "key", "lang"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
