"""Login throttling and temporary lockout, counted in the store (ASVS 4.0.3 V2.2.1).

Failed logins are counted per account (the normalised e-mail address, known or not, so that
the answer does not reveal which addresses have accounts) and per client address. When a
counter reaches its threshold within the counting window, the key is locked for a delay that
doubles with every lockout in a row (``lockout_s``, ``2 × lockout_s``, … up to
``lockout_max_s``); while a key is locked every login for it is refused — the right password
included — with the time left (HTTP 429, ``Retry-After``). A successful login resets the
account's counter and its lockout streak.

The counters are rows of ``login_counter``, changed by one ``UPDATE … SET failures = failures
+ 1`` in a short transaction of their own, so every server process (and every worker thread)
shares them; PostgreSQL's row lock and SQLite's write lock make the increment atomic. Each
lockout is also written to ``login_lockout`` (what owners and admins see of their members)
and logged (``lingtan.auth`` logger, level WARNING).

Every function takes ``now`` (naive UTC) so that tests can move the clock without sleeping.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, cast

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    and_,
    case,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store.db import own_transaction
from lingtan.adapters.store.models import Base, utcnow

log = logging.getLogger("lingtan.auth")

Kind = Literal["account", "address"]
KEY_LENGTH = 254


@dataclass(frozen=True)
class ThrottlePolicy:
    """Thresholds of the login throttle (``ServerSettings`` fills them from the environment)."""

    #: failed logins of one account within ``window_s`` that lock it
    max_failures: int = 5
    #: failed logins from one client address within ``window_s`` that lock it
    max_failures_per_address: int = 50
    #: first lockout [s]; doubles with every further lockout in a row
    lockout_s: float = 60.0
    #: longest lockout [s]
    lockout_max_s: float = 3600.0
    #: failures older than this no longer count [s]
    window_s: float = 900.0

    def threshold(self, kind: Kind) -> int:
        """The number of failures that locks a key of ``kind``."""
        return self.max_failures if kind == "account" else self.max_failures_per_address

    def delay(self, streak: int) -> float:
        """The lockout after ``streak`` earlier lockouts in a row [s]."""
        return float(min(self.lockout_max_s, self.lockout_s * 2 ** min(streak, 30)))


class LoginCounter(Base):
    """Failed logins of one account or client address, and its lockout."""

    __tablename__ = "login_counter"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class LoginLockout(Base):
    """One lockout (what owners and admins see of their members: ``user_id`` set)."""

    __tablename__ = "login_lockout"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(KEY_LENGTH))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=True, index=True
    )
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    locked_until: Mapped[datetime] = mapped_column(DateTime)


def _counters() -> Table:
    return cast(Table, LoginCounter.__table__)


def _keys(email: str, address: str) -> list[tuple[Kind, str]]:
    out: list[tuple[Kind, str]] = [("account", email.strip().lower()[:KEY_LENGTH])]
    if address:
        out.append(("address", address[:KEY_LENGTH]))
    return out


@contextmanager
def _connection(bind: Session | Engine) -> Iterator[Connection]:
    """A short transaction of its own for the counters (they must survive the request's
    rollback): on a request's session, its one connection (``store.db.own_transaction``;
    decision 0038), else a connection of the engine."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            yield conn
        return
    with own_transaction(bind) as conn:
        yield conn


def retry_after(
    bind: Session | Engine, email: str, address: str, *, now: datetime | None = None
) -> int | None:
    """Seconds until a login for ``email`` from ``address`` may be tried again, or None when
    neither is locked."""
    now = now or utcnow()
    conds = [and_(LoginCounter.kind == k, LoginCounter.key == v) for k, v in _keys(email, address)]
    with _connection(bind) as conn:
        until = conn.scalar(
            select(LoginCounter.locked_until)
            .where(or_(*conds), LoginCounter.locked_until > now)
            .order_by(LoginCounter.locked_until.desc())
            .limit(1)
        )
    if until is None:
        return None
    return max(1, int((until - now).total_seconds() + 0.999))


def _bump(conn: Connection, kind: Kind, key: str, now: datetime, window: timedelta) -> None:
    """Count one failure of ``(kind, key)`` (a new window when the last one is over)."""
    t = _counters()
    stale = t.c.window_start < now - window
    stmt = (
        update(t)
        .where(t.c.kind == kind, t.c.key == key)
        .values(
            failures=case((stale, 1), else_=t.c.failures + 1),
            window_start=case((stale, now), else_=t.c.window_start),
        )
    )
    if conn.execute(stmt).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(
                insert(t).values(
                    kind=kind, key=key, failures=1, window_start=now, lockouts=0, locked_until=None
                )
            )
    except IntegrityError:  # another process inserted it first: count on its row
        conn.execute(stmt)


def record_failure(
    bind: Session | Engine,
    email: str,
    address: str,
    policy: ThrottlePolicy,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> float | None:
    """Count a failed login; returns the lockout it started [s], or None.

    Each key that reaches its threshold is locked (its failures start again from 0) and the
    lockout is recorded and logged."""
    now = now or utcnow()
    window = timedelta(seconds=policy.window_s)
    t = _counters()
    started: float | None = None
    with _connection(bind) as conn:
        for kind, key in _keys(email, address):
            _bump(conn, kind, key, now, window)
            row = conn.execute(select(t).where(t.c.kind == kind, t.c.key == key)).one()
            if row.failures < policy.threshold(kind):
                continue
            delay = policy.delay(row.lockouts)
            until = now + timedelta(seconds=delay)
            conn.execute(
                update(t)
                .where(t.c.kind == kind, t.c.key == key)
                .values(failures=0, lockouts=row.lockouts + 1, locked_until=until)
            )
            conn.execute(
                insert(cast(Table, LoginLockout.__table__)).values(
                    kind=kind,
                    key=key,
                    user_id=user_id if kind == "account" else None,
                    address=address[:64],
                    failures=row.failures,
                    created_at=now,
                    locked_until=until,
                )
            )
            log.warning(
                "login lockout: %s %r locked for %.0f s after %d failures (client %s)",
                kind, key, delay, row.failures, address,
            )  # fmt: skip
            started = max(started or 0.0, delay)
    return started


def record_success(bind: Session | Engine, email: str) -> None:
    """A successful login: the account's failures and lockout streak start again."""
    t = _counters()
    with _connection(bind) as conn:
        conn.execute(
            update(t)
            .where(t.c.kind == "account", t.c.key == email.strip().lower()[:KEY_LENGTH])
            .where(or_(t.c.failures > 0, t.c.lockouts > 0))
            .values(failures=0, lockouts=0)
        )


def lockouts_of(db: Session, user_ids: list[int], *, since: datetime) -> list[LoginLockout]:
    """The account lockouts of these users since ``since``, newest first."""
    if not user_ids:
        return []
    return list(
        db.scalars(
            select(LoginLockout)
            .where(LoginLockout.user_id.in_(user_ids), LoginLockout.created_at >= since)
            .order_by(LoginLockout.created_at.desc(), LoginLockout.id.desc())
            .limit(500)
        )
    )
