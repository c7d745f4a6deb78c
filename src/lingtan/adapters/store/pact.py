"""The PACT host and client tables (issue 15 item 8, decision 0068).

- :class:`PactCredential`: an OAuth 2.0 client (RFC 6749 §2.3.1 ``client_id`` / secret) of one
  organisation; the secret is shown once and kept as an argon2id hash (the password hasher of
  :mod:`.auth`); revoked, never deleted;
- :class:`PactToken`: an access token issued to a credential by the client-credentials grant
  (RFC 6749 §4.4); the store keeps its sha256 and its expiry;
- :class:`PactFootprint`: a published version of a product configuration's footprint — the
  facts it was computed from (:class:`lingtan.modules.products.pact.FootprintFacts`), frozen;
  its id (a UUID) is the PACT ``id`` of that version;
- :class:`PactEvent`: an event a customer's system sent to the Events action;
- :class:`PactReceived`: a footprint pulled from another PACT host (a supplier's), linked to a
  supplier of the register when one is named.

Every table is tenant-owned and audited (secrets and token hashes left out of the log).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lingtan.adapters.store.models import Base, utcnow
from lingtan.adapters.store.scoping import TenantOwned


class PactCredential(TenantOwned, Base):
    """A client credential of the organisation's PACT host."""

    __tablename__ = "pact_credential"
    __audited__ = True
    __audit_omit__ = ("secret_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class PactToken(TenantOwned, Base):
    """An access token of a credential (sha256 kept, never the token)."""

    __tablename__ = "pact_token"
    __audited__ = True
    __audit_omit__ = ("token_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("pact_credential.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class PactFootprint(TenantOwned, Base):
    """A published footprint version: ``id`` is its PACT id; ``facts`` the frozen
    :class:`~lingtan.modules.products.pact.FootprintFacts` (JSON); ``status`` Active until a
    newer version of the configuration is published (then Deprecated)."""

    __tablename__ = "pact_footprint"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "product_id",
            "configuration_id",
            "version",
            name="uq_pact_footprint_version",  # the default name is too long for PostgreSQL
        ),
    )
    __audited__ = True

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(80))
    configuration_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="Active")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(300))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)


class PactEvent(TenantOwned, Base):
    """An event received by the organisation's Events action (CloudEvents 1.0)."""

    __tablename__ = "pact_event"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("pact_credential.id", ondelete="SET NULL"), nullable=True, index=True
    )
    api_version: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PactReceived(TenantOwned, Base):
    """A footprint pulled from a PACT host: the document whole, its main facts in columns
    (``kg_per_declared_unit`` [kg CO2e / declared unit], ``declared_amount`` [declared units
    per product]); ``supplier_id`` the supplier of the register it belongs to, if named."""

    __tablename__ = "pact_received"
    __table_args__ = (UniqueConstraint("organisation_id", "footprint_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("supplier.id", ondelete="CASCADE"), nullable=True, index=True
    )
    footprint_id: Mapped[str] = mapped_column(String(36))
    api_version: Mapped[int] = mapped_column(Integer)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    spec_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))
    company_name: Mapped[str] = mapped_column(String(300))
    product_name: Mapped[str] = mapped_column(String(300))
    product_ids: Mapped[list[str]] = mapped_column(JSON)
    declared_unit: Mapped[str] = mapped_column(String(30))
    declared_amount: Mapped[float] = mapped_column(Float)
    kg_per_declared_unit: Mapped[float] = mapped_column(Float)
    gwp_sets: Mapped[list[str]] = mapped_column(JSON)
    source_url: Mapped[str] = mapped_column(String(500))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    pulled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
