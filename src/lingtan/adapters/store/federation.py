"""Federated sign-in (OpenID Connect): an organisation's identity provider, the external
identities linked to lingtan accounts, and the pending sign-ins (decision 0040).

- :class:`IdentityProvider` (tenant-owned, audited): one per organisation at most — issuer URL,
  client id and secret, the name shown on the sign-in link. The client secret is left out of
  the audit log (``__audit_omit__``, ASVS V7.1.1) and never returned by the API; the server must
  send it to the provider's token endpoint, so it is stored as given (protect the database and
  its backups as the server's other secrets).
- :class:`ExternalIdentity` (tenant-owned, audited): the pair (issuer, subject) of a person at
  one organisation's provider, linked to one lingtan user. A link is only ever made by that
  user, signed in, while a member of the organisation (never by e-mail address: the provider's
  admins control what it asserts; issue 11, shared-account takeover).
- :class:`LoginState` (no tenant: the callback does not know the organisation yet): a pending
  sign-in, keyed by the sha256 of its ``state`` and of the browser-binding cookie, with the PKCE
  verifier and the nonce; it expires after :data:`STATE_MINUTES` and is deleted when used
  (single use, valid across server processes: ASVS V3.5.3, RFC 9700 §2.1).

The functions that change something commit the session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now
from lingtan.adapters.store.scoping import BYPASS_KEY, TenantOwned

#: how long a started sign-in may take at the provider [min]
STATE_MINUTES = 10


def digest(secret: str) -> str:
    """The sha256 (hex) under which a secret (state, browser binding) is kept."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class IdentityProvider(TenantOwned, Base):
    """An organisation's OpenID Connect provider (at most one per organisation)."""

    __tablename__ = "identity_provider"
    __table_args__ = (UniqueConstraint("organisation_id"),)
    __audited__ = True
    __audit_omit__ = ("client_secret",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str] = mapped_column(String(500))
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class ExternalIdentity(TenantOwned, Base):
    """A person at an organisation's provider (issuer, subject), linked to a lingtan user."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("organisation_id", "issuer", "subject"),)
    __audited__ = True
    __audit_ignore__ = ("last_login_at",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class LoginState(Base):
    """A sign-in on its way through the provider (single use, short-lived)."""

    __tablename__ = "oidc_login_state"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of ``state``
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    #: sha256 of the random value in the browser's ``lingtan_oidc`` cookie
    browser_hash: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_url: Mapped[str] = mapped_column(String(2000))
    #: the signed-in user asking to link their account (None: a sign-in)
    link_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


@dataclass(frozen=True)
class PendingLogin:
    """What a used :class:`LoginState` held."""

    organisation_id: int
    browser_hash: str
    nonce: str
    code_verifier: str
    next_url: str
    link_user_id: int | None


# -- providers (the session is scoped to the organisation) --------------------------------------


def provider(db: Session) -> IdentityProvider | None:
    """The identity provider of the session's organisation, if it has one."""
    return db.scalar(select(IdentityProvider))


def provider_of(db: Session, organisation_id: int) -> IdentityProvider | None:
    """The identity provider of an organisation, from an unscoped session (the sign-in pages,
    before anyone is signed in)."""
    return db.scalar(
        select(IdentityProvider)
        .where(IdentityProvider.organisation_id == organisation_id)
        .execution_options(**{BYPASS_KEY: True})
    )


def save_provider(
    db: Session,
    *,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    display_name: str,
) -> IdentityProvider:
    """Create or replace the session's organisation's provider; ``client_secret`` None keeps
    the stored one. A change of issuer removes the identities linked under the old one (they
    named people at another provider). Commits.

    Raises:
        ValueError: a new provider without a client secret.
    """
    idp = provider(db)
    if idp is None:
        if not client_secret:
            raise ValueError("client_secret is required for a new identity provider")
        idp = IdentityProvider(
            issuer=issuer, client_id=client_id, client_secret=client_secret,
            display_name=display_name,
        )  # fmt: skip
        db.add(idp)
    else:
        if idp.issuer != issuer:
            for ident in db.scalars(select(ExternalIdentity)):
                db.delete(ident)
        idp.issuer, idp.client_id, idp.display_name = issuer, client_id, display_name
        if client_secret:
            idp.client_secret = client_secret
        idp.updated_at = _now()
    db.commit()
    return idp


def delete_provider(db: Session) -> bool:
    """Remove the session's organisation's provider and every identity linked through it;
    False when there was none. Commits."""
    idp = provider(db)
    if idp is None:
        return False
    for ident in db.scalars(select(ExternalIdentity)):
        db.delete(ident)
    db.delete(idp)
    db.commit()
    return True


# -- identities (the session is scoped to the provider's organisation) --------------------------


def identity(db: Session, issuer: str, subject: str) -> ExternalIdentity | None:
    """The identity (issuer, subject) at the session's organisation's provider."""
    return db.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject
        )
    )


def link(db: Session, *, issuer: str, subject: str, user_id: int) -> ExternalIdentity:
    """Link (issuer, subject) to a user (replacing that user's earlier link at this
    organisation's provider). Commits.

    Raises:
        ValueError: the identity is linked to another user already.
    """
    found = identity(db, issuer, subject)
    if found is not None:
        if found.user_id != user_id:
            raise ValueError("this identity is linked to another account")
        return found
    for old in db.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user_id)):
        db.delete(old)
    ident = ExternalIdentity(issuer=issuer, subject=subject, user_id=user_id, created_at=_now())
    db.add(ident)
    db.commit()
    return ident


def identities_of(db: Session, user_id: int) -> list[ExternalIdentity]:
    """The user's identities at the session's organisation's provider."""
    return list(db.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user_id)))


# -- pending sign-ins (no tenant) ---------------------------------------------------------------


def save_state(
    db: Session,
    *,
    state: str,
    organisation_id: int,
    browser_secret: str,
    nonce: str,
    code_verifier: str,
    next_url: str,
    link_user_id: int | None,
    minutes: float = STATE_MINUTES,
) -> None:
    """Keep a started sign-in (only hashes of ``state`` and of the browser secret); forgets
    expired ones. Commits."""
    now = _now()
    db.execute(delete(LoginState).where(LoginState.expires_at <= now))
    db.add(
        LoginState(
            id=digest(state),
            organisation_id=organisation_id,
            browser_hash=digest(browser_secret),
            nonce=nonce,
            code_verifier=code_verifier,
            next_url=next_url,
            link_user_id=link_user_id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.commit()


def take_state(db: Session, state: str) -> PendingLogin | None:
    """The started sign-in of ``state``, deleted in the same transaction (a second use finds
    nothing, whichever server process it reaches), or None when unknown or expired. Commits."""
    if not state or len(state) > 200:
        return None
    key = digest(state)
    row = db.get(LoginState, key)
    if row is None:
        return None
    pending = PendingLogin(
        organisation_id=row.organisation_id,
        browser_hash=row.browser_hash,
        nonce=row.nonce,
        code_verifier=row.code_verifier,
        next_url=row.next_url,
        link_user_id=row.link_user_id,
    )
    expired = row.expires_at <= _now()
    # the DELETE decides the race: of two concurrent callbacks only one deletes the row
    deleted = getattr(db.execute(delete(LoginState).where(LoginState.id == key)), "rowcount", 0)
    db.commit()
    if not deleted or expired:
        return None
    return pending
