"""Password rules and single-use password-reset links (ASVS 4.0.3 V2.1, V2.5).

Rules (V2.1.1–V2.1.9): at least 8 and at most 128 characters (code points; longer passwords
are refused, never truncated); any printable Unicode
character, spaces included; no composition rules; no periodic expiry; a small list of the
commonest passwords and the account's own e-mail address are refused (V2.1.7, partly: no
breached-password service is queried — a server may be offline). Paste and password managers
are not hindered by the pages (V2.1.11).

A reset link carries a secret (256 random bits) of which the store keeps the sha256; it is
single-use and expires (``LINGTAN_RESET_MINUTES``, default 60). Issuing a new link voids the
user's earlier ones; using one sets the password chosen by the person who opens it.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store.invitations import digest
from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now

MIN_LENGTH = 8
MAX_LENGTH = 128
RESET_MINUTES = 60
#: the commonest passwords of 8 characters or more (refused; V2.1.7)
_COMMON_WORDS = """
password password1 password123 12345678 123456789 1234567890 qwertyuiop qwerty123
iloveyou 11111111 00000000 88888888 87654321 abcd1234 1q2w3e4r 1qaz2wsx qwertyui
sunshine princess football baseball welcome1 passw0rd p@ssw0rd trustno1 superman
whatever dragon123 monkey123 letmein1 changeme admin123 administrator 123123123 a1b2c3d4
zaq12wsx woaini1314 5201314520 asdfghjkl
"""
COMMON = frozenset(_COMMON_WORDS.split())


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` may not be used (English, for the API), or None when it may.

    Lengths count the characters (code points) as typed; the comparison with the list of
    common passwords and with the e-mail address is made after NFKC normalisation and case
    folding."""
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters"
    if any(unicodedata.category(c) == "Cc" for c in password):
        return "no control characters"
    low = unicodedata.normalize("NFKC", password).strip().lower()
    if low in COMMON or (email and low == email.strip().lower()):
        return "too common or too easy to guess (the e-mail address, a well-known password)"
    return None


class PasswordReset(Base):
    """A single-use password-reset link of one user."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


def new_reset(
    db: Session,
    user_id: int,
    *,
    issued_by: str,
    minutes: int = RESET_MINUTES,
    now: datetime | None = None,
) -> str:
    """A new reset link secret for ``user_id`` (earlier unused ones are voided); flushed."""
    now = now or _now()
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    db.add(
        PasswordReset(
            user_id=user_id,
            token_hash=digest(secret),
            issued_by=issued_by[:300],
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.flush()
    return secret


def live_reset(db: Session, secret: str, *, now: datetime | None = None) -> PasswordReset | None:
    """The unused, unexpired reset of a secret, else None."""
    if not secret or len(secret) > 200:
        return None
    r = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(secret)))
    if r is None or r.used_at is not None or r.expires_at <= (now or _now()):
        return None
    return r
