"""Invitations: the only way a person joins an organisation (ASVS 4.0.3 V2.5, V3).

An owner or admin invites an e-mail address with a role. The store keeps only the sha256 of
the invitation's secret (256 random bits), which is single-use and expires
(``LINGTAN_INVITATION_DAYS``, default 7). The inviter receives the accept link once and
passes it on (lingtan sends no mail). Accepting:

- an address without an account: the person chooses their own name and password there;
- an address with an account: only that person, logged in, accepts — the password is never
  asked for, set or changed by an invitation.

So no organisation sets or learns the password of any account, and an account's password is
only ever set by its owner (the first invitation accepted, a password change, or a reset link
the owner uses).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now
from lingtan.adapters.store.scoping import BYPASS_KEY, TenantOwned

INVITATION_DAYS = 7
TOKEN_BYTES = 32


def digest(secret: str) -> str:
    """The sha256 (hex) the store keeps of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class Invitation(TenantOwned, Base):
    """An invitation of an e-mail address, with a role, into one organisation."""

    __tablename__ = "invitation"
    __audited__ = True
    __audit_omit__ = ("token_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    accepted_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    def state(self, now: datetime | None = None) -> str:
        """``pending``, ``accepted``, ``revoked`` or ``expired``."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= (now or _now()):
            return "expired"
        return "pending"


def new_invitation(
    db: Session,
    *,
    email: str,
    role: str,
    invited_by: int | None,
    days: int = INVITATION_DAYS,
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """A new invitation in ``db``'s organisation (flushed, not committed) and its secret
    (shown once). Earlier pending invitations of the same address here are revoked."""
    now = now or _now()
    for old in db.scalars(select(Invitation).where(Invitation.email == email)):
        if old.state(now) == "pending":
            old.revoked_at = now
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    inv = Invitation(
        email=email,
        role=role,
        token_hash=digest(secret),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.add(inv)
    db.flush()
    return inv, secret


def invitation_for_token(db: Session, secret: str) -> Invitation | None:
    """The invitation of a secret, in any organisation (state not checked), else None."""
    if not secret or len(secret) > 200:
        return None
    return db.scalar(
        select(Invitation)
        .where(Invitation.token_hash == digest(secret))
        .execution_options(**{BYPASS_KEY: True})
    )
