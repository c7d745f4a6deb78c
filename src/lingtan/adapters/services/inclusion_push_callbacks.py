"""Signed callbacks to the partners (issue 18 item 6, decision 0090): the outbox
``inclusion_push_callback`` delivered with retries.

Each settled event of a partner with a ``callback_url`` has one row (written in the settlement's
transaction, so a callback exists exactly when the receipt does). :func:`deliver_due` POSTs the
due rows: the body as stored (JSON), ``X-Partner``, ``X-Timestamp`` and ``X-Signature:
sha256=<hex HMAC-SHA256(partner secret, "<timestamp>.<body>")>`` — the same scheme the partner
signs its pushes with, so it checks our signature with the code it already has.

A 2xx answer marks the row ``delivered``; anything else (an error status, a refused connection,
a timeout) counts an attempt and schedules the next after ``BACKOFF_S × 2^(attempts−1)``
(at most :data:`MAX_BACKOFF_S`); after :data:`MAX_ATTEMPTS` the row is ``failed`` (the status
API still answers the outcome). Only ``http`` and ``https`` URLs are called.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.services.inclusion_push import signed_headers
from lingtan.adapters.store.inclusion_push import PushCallbackRow
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import system_session

#: the first retry delay [s]; doubled at each failed attempt
BACKOFF_S = 5.0
#: the longest retry delay [s]
MAX_BACKOFF_S = 3600.0
#: attempts before a callback is given up
MAX_ATTEMPTS = 8
#: timeout of one callback request [s]
TIMEOUT_S = 5.0

#: ``post(url, body, headers) -> HTTP status`` (raises ``OSError`` when unreachable)
Poster = Callable[[str, bytes, dict[str, str]], int]


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url``; the answer's status (an error status is returned, not raised).

    Raises:
        OSError: the server could not be reached, or the URL is not http(s).
    """
    if not url.startswith(("http://", "https://")):
        raise OSError("only http and https callback URLs are called")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass(frozen=True)
class Delivery:
    """What one round did: delivered, retried later, given up."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """The delay before the next attempt after ``attempts`` failed ones."""
    return timedelta(seconds=min(MAX_BACKOFF_S, BACKOFF_S * 2 ** max(0, attempts - 1)))


def _secret(db: Session, organisation_id: int, partner: str) -> str | None:
    from lingtan.adapters.store.inclusion_programmes import InclusionPartnerRow

    found = db.scalar(
        select(InclusionPartnerRow.hmac_secret).where(
            InclusionPartnerRow.organisation_id == organisation_id,
            InclusionPartnerRow.code == partner,
        )
    )
    return str(found) if found else None


#: how long a deliverer holds a claimed callback [s]: another deliverer skips it meanwhile; a
#: deliverer that died holding it lets it fall due again after this (at-least-once delivery)
CLAIM_S = 120


def _claim(db: Session, row: PushCallbackRow, now: datetime) -> bool:
    """Claim ``row`` for this deliverer: move its ``next_at`` on by :data:`CLAIM_S` only if it
    is still queued with the ``next_at`` read (one conditional UPDATE, atomic on SQLite and
    PostgreSQL), and commit. False when another deliverer claimed it first, so that two
    deliverers never post the same callback at the same time."""
    seen = row.next_at
    done = db.execute(
        update(PushCallbackRow)
        .where(
            PushCallbackRow.id == row.id,
            PushCallbackRow.status == "queued",
            PushCallbackRow.next_at == seen,
        )
        .values(next_at=now + timedelta(seconds=CLAIM_S))
        .execution_options(synchronize_session=False)
    )
    db.commit()
    if getattr(done, "rowcount", 0) != 1:
        return False
    db.refresh(row)
    return True


def deliver_due(
    engine: Engine,
    *,
    post: Poster = http_post,
    now: datetime | None = None,
    limit: int = 200,
    organisation_id: int | None = None,
) -> Delivery:
    """Deliver the callbacks due at ``now`` (every organisation's, or one's), oldest first."""
    now = now or utcnow()
    delivered = retried = failed = 0
    with system_session(engine, actor="inclusion-push") as db:
        query = select(PushCallbackRow).where(
            PushCallbackRow.status == "queued", PushCallbackRow.next_at <= now
        )
        if organisation_id is not None:
            query = query.where(PushCallbackRow.organisation_id == organisation_id)
        rows = db.scalars(query.order_by(PushCallbackRow.id).limit(limit)).all()
        for row in rows:
            if not _claim(db, row, now):
                continue  # another deliverer (the server's thread, a CLI run) has it
            secret = _secret(db, row.organisation_id, row.partner_code)
            body = row.body.encode("utf-8")
            error: str | None = None
            if secret is None:
                error = "the partner no longer exists"
            else:
                try:
                    status = post(row.url, body, signed_headers(row.partner_code, secret, body))
                    error = None if 200 <= status < 300 else f"HTTP {status}"
                except OSError as exc:
                    error = f"{type(exc).__name__}: {exc}"[:300]
            row.attempts += 1
            if error is None:
                row.status, row.delivered_at, row.last_error = "delivered", utcnow(), None
                delivered += 1
            elif row.attempts >= MAX_ATTEMPTS or secret is None:
                row.status, row.last_error = "failed", error
                failed += 1
            else:
                row.next_at, row.last_error = now + backoff(row.attempts), error
                retried += 1
            db.commit()
    return Delivery(delivered, retried, failed)


def callback_counts(db: Session) -> dict[str, int]:
    """The organisation's callbacks by state (``db`` scoped to it)."""
    from sqlalchemy import func

    rows = db.execute(
        select(PushCallbackRow.status, func.count()).group_by(PushCallbackRow.status)
    ).all()
    return {str(s): int(n) for s, n in rows}
