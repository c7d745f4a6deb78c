"""Authentication: argon2 password hashes, server-side web sessions, API bearer tokens.

- Passwords are stored as argon2id hashes (argon2-cffi defaults, RFC 9106 "second recommended"
  parameters); a hash made with older parameters is upgraded at the next successful login.
- A web session is a random 256-bit id sent to the browser in the ``lingtan_session`` cookie;
  the store keeps only its sha256 (a stolen database does not yield live sessions), with an
  expiry (:data:`SESSION_DAYS`).
- An API token is ``lt_`` + 256 random bits, shown once at creation; the store keeps its sha256
  and a short prefix to recognise it in lists. A token belongs to one user *and* one
  organisation: it grants that user's current role there, nothing elsewhere, until revoked.

The functions that change something commit the session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.scoping import BYPASS_KEY, TenantOwned, set_tenant
from lingtan.adapters.store.tenancy import Organisation, User, membership

SESSION_COOKIE = "lingtan_session"
SESSION_DAYS = 14
TOKEN_PREFIX = "lt_"
_hasher = PasswordHasher()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class WebSession(Base):
    """A browser session (the cookie holds the secret; this row its sha256)."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ApiToken(TenantOwned, Base):
    """A bearer token of one user in one organisation."""

    __tablename__ = "api_token"
    __audited__ = True
    __audit_omit__ = ("token_hash",)
    __audit_ignore__ = ("last_used_at",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


# -- passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (never raises on a bad hash)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, else None (same time either way:
    a hash is verified even when the e-mail is unknown). Upgrades an outdated hash."""
    from lingtan.adapters.store.tenancy import user_by_email

    user = user_by_email(db, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.commit()
    return user


_DUMMY_HASH = _hasher.hash("lingtan-timing-equaliser")


# -- web sessions -------------------------------------------------------------------------------


def create_web_session(db: Session, user: User) -> str:
    """Start a browser session for ``user``; returns the cookie value (shown once)."""
    sid = secrets.token_urlsafe(32)
    now = _now()
    db.execute(delete(WebSession).where(WebSession.expires_at <= now))  # forget expired ones
    db.add(
        WebSession(
            id=_digest(sid),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    db.commit()
    return sid


def user_for_web_session(db: Session, sid: str) -> User | None:
    """The enabled user of a live session, else None."""
    if not sid or len(sid) > 200:
        return None
    ws = db.get(WebSession, _digest(sid))
    if ws is None or ws.expires_at <= _now():
        return None
    user = db.get(User, ws.user_id)
    return None if user is None or user.disabled else user


def end_web_session(db: Session, sid: str) -> None:
    """Log out: forget the session (no-op when unknown)."""
    if not sid or len(sid) > 200:
        return
    ws = db.get(WebSession, _digest(sid))
    if ws is not None:
        db.delete(ws)
        db.commit()


# -- API tokens ---------------------------------------------------------------------------------


def create_token(db: Session, user: User, organisation: Organisation, name: str) -> str:
    """A new bearer token of ``user`` in ``organisation``; returns the token (shown once).

    Scopes ``db`` to the organisation.

    Raises:
        PermissionError: the user is not a member of the organisation.
    """
    if membership(db, user.id, organisation.id) is None:
        raise PermissionError(f"{user.email} is not a member of {organisation.slug}")
    set_tenant(db, organisation.id)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(
        ApiToken(
            organisation_id=organisation.id,
            user_id=user.id,
            name=name,
            token_hash=_digest(token),
            prefix=token[:10],
            created_at=_now(),
        )
    )
    db.commit()
    return token


def revoke_token(db: Session, token_id: int) -> bool:
    """Revoke a token of the session's organisation; False when there is none such (or it was
    revoked already)."""
    tok = db.get(ApiToken, token_id)
    if tok is None or tok.revoked_at is not None:
        return False
    tok.revoked_at = _now()
    db.commit()
    return True


def user_for_token(db: Session, token: str) -> tuple[User, Organisation] | None:
    """The user and organisation of a live token, else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    tok = db.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _digest(token))
        .execution_options(**{BYPASS_KEY: True})
    )
    if tok is None or tok.revoked_at is not None:
        return None
    user = db.get(User, tok.user_id)
    org = db.get(Organisation, tok.organisation_id)
    if user is None or org is None or user.disabled:
        return None
    now = _now()
    if tok.last_used_at is None or now - tok.last_used_at > timedelta(minutes=1):
        _touch(db, tok.id, now)
    return user, org


def _touch(db: Session, token_id: int, now: datetime) -> None:
    """Record when a token was last used (its own short transaction, outside the ORM: a
    bookkeeping write, not a change to audit)."""
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.begin() as conn:  # a Connection: no ORM events
        conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
