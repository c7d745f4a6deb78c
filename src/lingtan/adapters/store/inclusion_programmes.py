"""The store tables of carbon-inclusion programmes, groups, accounts, partners, consent and member
links (issue 18 item 1, decision 0088).

- ``inclusion_programme``: a programme (``code`` unique per organisation) with its audience,
  region (selects methodology parameters), start date, points rules (``points_per_kg`` [points/kg
  CO2e], ``engagement_points`` {action: points}, ``caps`` {action: {per_day, per_month}},
  ``expiry_months``), privacy policy version, status, and the salt of its subject hashes
  (``subject_salt``, left out of the audit log);
- ``inclusion_group``: a team, department, class or school of a programme (``code`` unique per
  programme; ``parent_code`` another group's code);
- ``inclusion_account``: a person's or group's account — pseudonymous ``ref`` (unique per
  programme), ``subject_hash`` (sha256 of the salt and the subject's id; null once erased, and
  never written to the audit log), kind, group, site (the category-7 feed), status, guardian
  consent (school minors, PIPL Art. 31 [K]). Kept small: 1 M accounts a programme is a target;
- ``inclusion_partner``: a partner that pushes actions (``code`` unique per organisation), its
  HMAC secret (stored as given — the server must compute the HMAC —, left out of the audit log,
  shown once), allowed actions, rate limit, callback URL, status;
- ``inclusion_consent``: an account's consent for a partner and scopes (action codes), with its
  grant, expiry, revocation and evidence;
- ``inclusion_member_link``: a link to the member page — only the sha256 of its token is kept.

Programmes, groups, accounts, partners and consents are audited; member links are not (their
only content is a hash; issuing and revoking are visible on the account).
"""

from __future__ import annotations

import hashlib
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


def token_hash(token: str) -> str:
    """The sha256 (hex) under which a member-link token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InclusionProgrammeRow(TenantOwned, Base):
    """A carbon-inclusion programme (module docstring)."""

    __tablename__ = "inclusion_programme"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True
    __audit_omit__ = ("subject_salt",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    audience: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(20), default="CN")
    started: Mapped[date | None] = mapped_column(Date, nullable=True)
    points_per_kg: Mapped[float] = mapped_column(Double, default=10.0)
    engagement_points: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    caps: Mapped[dict[str, dict[str, int | None]]] = mapped_column(JSON, default=dict)
    expiry_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    privacy_policy_version: Mapped[str] = mapped_column(String(40), default="1")
    status: Mapped[str] = mapped_column(String(16), default="active")
    subject_salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class InclusionGroupRow(TenantOwned, Base):
    """A group of a programme: team, department, class or school (module docstring)."""

    __tablename__ = "inclusion_group"
    __table_args__ = (UniqueConstraint("programme_id", "code"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_programme.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InclusionAccountRow(TenantOwned, Base):
    """A person's or group's account (module docstring); ``ref`` is its only public id."""

    __tablename__ = "inclusion_account"
    __table_args__ = (
        UniqueConstraint("programme_id", "ref"),
        UniqueConstraint("programme_id", "subject_hash"),
    )
    __audited__ = True
    __audit_omit__ = ("subject_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_programme.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(String(16))
    subject_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind: Mapped[str] = mapped_column(String(8), default="person")
    group_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    site_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    status: Mapped[str] = mapped_column(String(8), default="active")
    guardian_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class InclusionPartnerRow(TenantOwned, Base):
    """A partner that pushes actions with an HMAC signature (module docstring)."""

    __tablename__ = "inclusion_partner"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)
    __audited__ = True
    __audit_omit__ = ("hmac_secret",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    hmac_secret: Mapped[str] = mapped_column(String(128))
    allowed_actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_per_s: Mapped[float] = mapped_column(Double, default=50.0)
    burst: Mapped[int] = mapped_column(Integer, default=100)
    callback_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class InclusionConsentRow(TenantOwned, Base):
    """An account's consent for a partner to push the actions of ``scopes`` (module docstring)."""

    __tablename__ = "inclusion_consent"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_account.id", ondelete="CASCADE"), index=True
    )
    partner_code: Mapped[str] = mapped_column(String(40), index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    evidence: Mapped[str] = mapped_column(String(500), default="")


class InclusionMemberLinkRow(TenantOwned, Base):
    """A member-page link of an account: the sha256 of its token (module docstring)."""

    __tablename__ = "inclusion_member_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("inclusion_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
