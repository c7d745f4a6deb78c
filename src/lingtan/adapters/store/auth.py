"""Authentication: argon2 password hashes, server-side web sessions, API bearer tokens.

- Passwords are stored as argon2id hashes (argon2-cffi defaults, RFC 9106 "second recommended"
  parameters); a hash made with older parameters is upgraded at the next successful login.
- A web session is a random 256-bit id sent to the browser in the ``lingtan_session`` cookie;
  the store keeps only its sha256 (a stolen database does not yield live sessions), with an
  absolute expiry (:data:`SESSION_DAYS`, ASVS V3.3.1) and an idle timeout
  (:data:`SESSION_IDLE_MINUTES`, V3.3.2) kept in the row; ``last_seen_at`` is written at most
  once a minute. A new id is made at every login (V3.2.1); a password change or reset ends
  every session of the user (V3.3.3).
- An API token is ``lt_`` + 256 random bits, shown once at creation; the store keeps its sha256
  and a short prefix to recognise it in lists. A token belongs to one user *and* one
  organisation: it grants the lesser of its scope (``read``, ``write``, ``admin``) and that
  user's current role there, nothing elsewhere, until it expires (optional) or is revoked
  (ASVS V3.5).

The functions that change something commit the session.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store import invitations, passwords, throttle  # noqa: F401 (mapped tables)
from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now
from lingtan.adapters.store.scoping import BYPASS_KEY, TenantOwned, set_tenant
from lingtan.adapters.store.tenancy import Organisation, User, membership

if TYPE_CHECKING:
    from argon2 import PasswordHasher

SESSION_COOKIE = "lingtan_session"
SESSION_DAYS = 14
SESSION_IDLE_MINUTES = 120
#: token scopes and the actions each allows (a token also never exceeds the user's role)
SCOPES: dict[str, frozenset[str]] = {
    "read": frozenset({"read", "read_audit"}),
    "write": frozenset({"read", "read_audit", "edit_data"}),
    "admin": frozenset({"read", "read_audit", "edit_data", "manage_members", "manage_org"}),
}
TOKEN_PREFIX = "lt_"
#: ``Session.info`` key of the scope of the bearer token of a request (None: a web session)
TOKEN_SCOPE_KEY = "token_scope"


@cache
def _hasher() -> PasswordHasher:
    """The argon2id hasher (argon2-cffi's defaults), made on first use: a command or a server
    start that checks no password does not load it (issue 14 item 6)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


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
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: idle timeout of this session [s] (the server's setting when it started)
    idle_s: Mapped[int] = mapped_column(
        Integer, default=SESSION_IDLE_MINUTES * 60, server_default="7200"
    )


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
    scope: Mapped[str] = mapped_column(String(10), default="admin", server_default="admin")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


# -- passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (never raises on a bad hash)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, else None (same time either way:
    a hash is verified even when the e-mail is unknown). Upgrades an outdated hash."""
    from lingtan.adapters.store.tenancy import user_by_email

    user = user_by_email(db, email)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.commit()
    return user


@cache
def _dummy_hash() -> str:
    """The hash an unknown e-mail's password is checked against: an argon2id hash with the
    hasher's own parameters (memory, iterations, lanes, salt and hash lengths) of no password —
    its salt and digest are random bytes. Verifying it costs one argon2 computation, exactly what
    verifying a real user's hash costs, so a missing user still costs one hash (decision 0034);
    it is assembled, not computed, so neither the import nor the first login pays an extra hash
    (issue 14 item 6)."""
    from argon2.low_level import ARGON2_VERSION

    h = _hasher()

    def b64(raw: bytes) -> str:  # PHC string format: standard base64 without padding
        return base64.b64encode(raw).decode("ascii").rstrip("=")

    salt, digest = secrets.token_bytes(h.salt_len), secrets.token_bytes(h.hash_len)
    return (
        f"$argon2{h.type.name.lower()}$v={ARGON2_VERSION}$m={h.memory_cost},t={h.time_cost},p={h.parallelism}"
        f"${b64(salt)}${b64(digest)}"
    )


# -- web sessions -------------------------------------------------------------------------------


def create_web_session(
    db: Session,
    user: User,
    *,
    days: float = SESSION_DAYS,
    idle_minutes: float = SESSION_IDLE_MINUTES,
) -> str:
    """Start a browser session for ``user`` (a new id: ASVS V3.2.1) that ends ``days`` after
    it started or ``idle_minutes`` after its last use; returns the cookie value (shown once)."""
    sid = secrets.token_urlsafe(32)
    now = _now()
    db.execute(delete(WebSession).where(WebSession.expires_at <= now))  # forget expired ones
    db.add(
        WebSession(
            id=_digest(sid),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
            last_seen_at=now,
            idle_s=int(idle_minutes * 60),
        )
    )
    db.commit()
    return sid


def user_for_web_session(db: Session, sid: str, *, now: datetime | None = None) -> User | None:
    """The enabled user of a live session (neither past its absolute expiry nor idle for
    longer than its idle timeout: ASVS V3.3.1, V3.3.2), else None."""
    if not sid or len(sid) > 200:
        return None
    ws = db.get(WebSession, _digest(sid))
    now = now or _now()
    if ws is None or ws.expires_at <= now:
        return None
    seen = ws.last_seen_at or ws.created_at
    if now - seen >= timedelta(seconds=ws.idle_s):
        return None
    user = db.get(User, ws.user_id)
    if user is None or user.disabled:
        return None
    if now - seen > timedelta(minutes=1):
        _write(db, update(WebSession).where(WebSession.id == ws.id).values(last_seen_at=now))
    return user


def end_all_sessions(db: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every web session of a user (but the one whose cookie is ``keep``); commits.
    Returns how many ended (ASVS V3.3.3, V3.3.4)."""
    q = delete(WebSession).where(WebSession.user_id == user_id)
    if keep:
        q = q.where(WebSession.id != _digest(keep))
    n = getattr(db.execute(q), "rowcount", 0)
    db.commit()
    return int(n or 0)


def revoke_all_tokens(db: Session, user_id: int) -> int:
    """Revoke every live API token of a user, in every organisation (a reset: the account may
    have been taken over). A bookkeeping write outside the organisations' audit chains; the
    caller logs it. Returns how many were revoked."""
    stmt = (
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    return _write(db, stmt)


def set_password(db: Session, user: User, password: str) -> None:
    """Set ``user``'s password (the caller checked it: :mod:`.passwords`); commits."""
    user.password_hash = hash_password(password)
    user.password_changed_at = _now()
    db.commit()


def end_web_session(db: Session, sid: str) -> None:
    """Log out: forget the session (no-op when unknown)."""
    if not sid or len(sid) > 200:
        return
    ws = db.get(WebSession, _digest(sid))
    if ws is not None:
        db.delete(ws)
        db.commit()


# -- API tokens ---------------------------------------------------------------------------------


def create_token(
    db: Session,
    user: User,
    organisation: Organisation,
    name: str,
    *,
    scope: str = "admin",
    expires_at: datetime | None = None,
) -> str:
    """A new bearer token of ``user`` in ``organisation`` with a scope (:data:`SCOPES`) and an
    optional expiry; returns the token (shown once).

    Scopes ``db`` to the organisation.

    Raises:
        PermissionError: the user is not a member of the organisation.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope {scope!r}: one of {', '.join(SCOPES)}")
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
            scope=scope,
            expires_at=expires_at,
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
    found = token_grant(db, token)
    return None if found is None else (found[0], found[1])


def token_grant(db: Session, token: str) -> tuple[User, Organisation, str] | None:
    """The user, organisation and scope of a live (not revoked, not expired) token, else
    None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    tok = db.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == _digest(token))
        .execution_options(**{BYPASS_KEY: True})
    )
    now = _now()
    if tok is None or tok.revoked_at is not None:
        return None
    if tok.expires_at is not None and tok.expires_at <= now:
        return None
    user = db.get(User, tok.user_id)
    org = db.get(Organisation, tok.organisation_id)
    if user is None or org is None or user.disabled:
        return None
    if tok.last_used_at is None or now - tok.last_used_at > timedelta(minutes=1):
        _touch(db, tok.id, now)
    return user, org, tok.scope if tok.scope in SCOPES else "read"


def _touch(db: Session, token_id: int, now: datetime) -> None:
    """Record when a token was last used (its own short transaction, outside the ORM: a
    bookkeeping write, not a change to audit)."""
    _write(db, update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def _write(db: Session, stmt: Any) -> int:
    """Run a bookkeeping UPDATE in its own short transaction, outside the ORM (no audit
    entry, no tenant criteria); the number of rows changed."""
    from lingtan.adapters.store.db import own_transaction

    with own_transaction(db) as conn:  # the request's connection when it can (decision 0038)
        return int(conn.execute(stmt).rowcount or 0)
