"""The partners' signed push of carbon-inclusion events (issue 18 item 6, decision 0090).

Receiving (:class:`PushReceiver`; the hot path of
``POST /orgs/{org}/inclusion/{programme}/events``):

1. the partner (``X-Partner``) and the programme are looked up in a per-process cache (refreshed
   every :data:`CACHE_S` seconds: a suspension or a new secret takes effect within it);
2. ``X-Timestamp`` [s since the epoch] must be within :data:`WINDOW_S` of now, and
   ``X-Signature`` must be ``sha256=`` + the hex HMAC-SHA256 (RFC 2104, FIPS 198-1) of
   ``<timestamp>.<raw body>`` under the partner's secret (compared in constant time): an old
   signature cannot be replayed outside the window, a body cannot be altered;
3. the body is parsed (one event, or ``{"events": [...]}`` of at most :data:`MAX_EVENTS`), each
   event needing an ``external_id`` (its idempotency key);
4. the partner's token bucket (``rate_per_s`` events/s sustained, ``burst`` at once; a batch
   takes one token per event) must hold enough, else 429 with ``Retry-After`` [s];
5. the raw body is appended to the write-ahead file (:mod:`lingtan.adapters.io.inclusion_wal`)
   and the request awaits its group commit (``fdatasync``) — only then ``202 Accepted``.

Settling (:func:`settle_records`, run by
:class:`~lingtan.adapters.services.inclusion_settler.PushRuntime`):
the write-ahead records are parsed again and grouped by organisation × programme × partner;
events whose receipt exists are replays (no-op); each remaining event is checked (fields, the
account, the account's consent for this partner and action, H2's ``consent_allows``) and the
allowed ones go in one call to H3's ``record_events`` (whose unique key (programme, origin,
external_id) ignores an event stored before a crash). Every event gets a receipt (accepted,
rejected with the ledger's reason, or refused: ``incl_push.err.no_consent`` …) and, when the
partner has a ``callback_url``, a callback in the outbox (:mod:`.inclusion_push_callbacks`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.io.inclusion_wal import PushWal, Topic, WalRecord
from lingtan.adapters.services.context import Context, JobContext
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.inclusion_push import PushCallbackRow, PushReceiptRow
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation
from lingtan.adapters.store.workspace import org_workspace
from lingtan.core.errors import MessageError

#: the signature header's scheme prefix
SCHEME = "sha256="
#: the largest gap between ``X-Timestamp`` and the server's clock [s]
WINDOW_S = 300
#: the most events in one body
MAX_EVENTS = 1000
#: how long a partner's key, limits and the organisation's programmes are cached [s]
CACHE_S = 5.0
#: the longest ``external_id`` [characters]
MAX_EXTERNAL_ID = 100
#: an event's fields a partner may send (others are refused, named)
EVENT_FIELDS = frozenset(
    {
        "external_id",
        "account",
        "action",
        "quantity",
        "unit",
        "occurred_at",
        "evidence_hash",
        "distance_km",
        "duration_min",
        "mode",
        "product",
    }
)


# ---- signing --------------------------------------------------------------------------------


def signed_message(timestamp: str, body: bytes) -> bytes:
    """What is signed: ``<timestamp>.<body>`` (the timestamp as sent, the body's raw bytes)."""
    return timestamp.encode("ascii") + b"." + body


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` value of ``body`` sent at ``timestamp``: ``sha256=<hex>``
    (HMAC-SHA256, RFC 2104)."""
    mac = hmac.new(secret.encode("utf-8"), signed_message(timestamp, body), hashlib.sha256)
    return SCHEME + mac.hexdigest()


def signature_ok(secret: str, timestamp: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body`` at ``timestamp`` (constant time)."""
    if not header or not header.startswith(SCHEME):
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header.strip())


def signed_headers(
    partner: str, secret: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """The three headers of a signed request from ``partner`` (the partners' side; tests,
    benchmark, ``lingtan inclusion push sign``)."""
    ts = str(int(time.time() if now is None else now))
    return {"X-Partner": partner, "X-Timestamp": ts, "X-Signature": sign(secret, ts, body)}


def status_message(path: str) -> bytes:
    """What a partner signs for a ``GET`` (no body): the request path."""
    return path.encode("utf-8")


# ---- refusals -------------------------------------------------------------------------------


class PushRefusedError(Exception):
    """A push refused before it was stored: HTTP status, catalogue key, parameters, field."""

    def __init__(
        self,
        status: int,
        key: str,
        field: str | None = None,
        retry_after: int | None = None,
        **params: Any,
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.field = field
        self.retry_after = retry_after
        self.params = params

    @property
    def code(self) -> str:
        """The API's stable error code (the key's last part)."""
        return self.key.rsplit(".", 1)[-1]


# ---- the partner cache and the rate limit ---------------------------------------------------


@dataclass(frozen=True)
class PartnerKey:
    """What receiving needs of a partner: secret, limits, state, callback."""

    code: str
    secret: str
    rate_per_s: float
    burst: int
    active: bool
    callback_url: str | None


@dataclass(frozen=True)
class OrgKeys:
    """An organisation's id, programmes and partners, as cached at ``loaded`` [monotonic s]."""

    organisation_id: int
    programmes: frozenset[str]
    partners: Mapping[str, PartnerKey]
    loaded: float


def load_org_keys(engine: Engine, slug: str) -> OrgKeys | None:
    """Read an organisation's programmes and partners (None: no such organisation)."""
    from lingtan.adapters.store.inclusion_programmes import (
        InclusionPartnerRow,
        InclusionProgrammeRow,
    )

    with system_session(engine, actor="inclusion-push") as db:
        org_id = db.scalar(select(Organisation.id).where(Organisation.slug == slug))
        if org_id is None:
            return None
        codes = db.scalars(
            select(InclusionProgrammeRow.code).where(
                InclusionProgrammeRow.organisation_id == org_id
            )
        ).all()
        partners = {
            p.code: PartnerKey(
                p.code,
                p.hmac_secret,
                float(p.rate_per_s),
                int(p.burst),
                p.status == "active",
                p.callback_url,
            )
            for p in db.scalars(
                select(InclusionPartnerRow).where(InclusionPartnerRow.organisation_id == org_id)
            )
        }
    return OrgKeys(int(org_id), frozenset(codes), partners, time.monotonic())


class EventBuckets:
    """A token bucket per partner that a request takes ``n`` tokens from (one per event)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[tuple[int, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple[int, str], n: int, rate: float, burst: int) -> float:
        """Take ``n`` tokens: 0 when allowed, else the seconds until they are there. A request
        larger than the burst needs the bucket full (it is never refused for ever)."""
        if rate <= 0:
            return 0.0
        need = float(min(n, max(1, burst)))
        with self._lock:
            now = self.clock()
            tokens, seen = self._buckets.get(key, (float(burst), now))
            tokens = min(float(burst), tokens + (now - seen) * rate)
            if tokens >= need:
                self._buckets[key] = (tokens - need, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (need - tokens) / rate


# ---- receiving ------------------------------------------------------------------------------


def parse_events(body: bytes) -> list[dict[str, Any]]:
    """The events of a body: one object, or ``{"events": [objects]}``; each with a text
    ``external_id``.

    Raises:
        PushRefusedError: 422 naming the field (``body``, ``events``, ``events[i].external_id``).
    """
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PushRefusedError(422, "incl_push.err.not_json", "body") from None
    if isinstance(doc, dict) and "events" in doc:
        events = doc["events"]
        if not isinstance(events, list) or not events:
            raise PushRefusedError(422, "incl_push.err.events", "events")
        prefix = "events"
    elif isinstance(doc, dict):
        events, prefix = [doc], ""
    else:
        raise PushRefusedError(422, "incl_push.err.not_object", "body")
    if len(events) > MAX_EVENTS:
        raise PushRefusedError(422, "incl_push.err.too_many", "events", max=MAX_EVENTS)
    for i, event in enumerate(events):
        where = f"{prefix}[{i}]" if prefix else ""
        if not isinstance(event, dict):
            raise PushRefusedError(422, "incl_push.err.not_object", where or "body")
        ext = event.get("external_id")
        if not isinstance(ext, str) or not 0 < len(ext) <= MAX_EXTERNAL_ID:
            name = f"{where}.external_id" if where else "external_id"
            raise PushRefusedError(422, "incl_push.err.external_id", name, max=MAX_EXTERNAL_ID)
    return events


class PushReceiver:
    """The receiving side of one server process (module docstring, steps 1–5)."""

    def __init__(
        self,
        engine: Engine,
        wal: PushWal,
        *,
        window_s: int = WINDOW_S,
        cache_s: float = CACHE_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.wal = wal
        self.window_s = window_s
        self.cache_s = cache_s
        self.clock = clock
        self.buckets = EventBuckets()
        self._orgs: dict[str, OrgKeys] = {}

    def org_keys(self, slug: str) -> OrgKeys | None:
        """The cached keys of an organisation (read again after :attr:`cache_s`)."""
        found = self._orgs.get(slug)
        if found is None or time.monotonic() - found.loaded > self.cache_s:
            found = load_org_keys(self.engine, slug)
            if found is None:
                return None
            self._orgs[slug] = found
        return found

    def cached(self, slug: str) -> OrgKeys | None:
        """The organisation's keys when cached and fresh (no store access), else None."""
        found = self._orgs.get(slug)
        if found is not None and time.monotonic() - found.loaded <= self.cache_s:
            return found
        return None

    def authenticate(
        self, keys: OrgKeys | None, headers: Mapping[str, str], message: bytes
    ) -> PartnerKey:
        """The partner whose valid, fresh signature ``message`` carries.

        Raises:
            PushRefusedError: 404 unknown organisation; 401 unknown partner, bad or stale signature;
                403 partner suspended.
        """
        if keys is None:
            raise PushRefusedError(404, "incl_push.err.not_found", "org")
        partner = keys.partners.get(headers.get("x-partner", ""))
        timestamp = headers.get("x-timestamp", "")
        if partner is None:
            raise PushRefusedError(401, "incl_push.err.signature", "X-Partner")
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > self.window_s:
            raise PushRefusedError(
                401, "incl_push.err.timestamp", "X-Timestamp", window=self.window_s
            )
        if not signature_ok(partner.secret, timestamp, message, headers.get("x-signature")):
            raise PushRefusedError(401, "incl_push.err.signature", "X-Signature")
        if not partner.active:
            raise PushRefusedError(
                403, "incl_push.err.suspended", "X-Partner", partner=partner.code
            )
        return partner

    def check_push(
        self, keys: OrgKeys | None, programme: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[Topic, int]:
        """Steps 2–4 for a body: its topic and number of events.

        Raises:
            PushRefusedError: as :meth:`authenticate`; 404 unknown programme; 422 body; 429 rate.
        """
        partner = self.authenticate(keys, headers, body)
        assert keys is not None  # authenticate refuses a missing organisation
        if programme not in keys.programmes:
            raise PushRefusedError(404, "incl_push.err.programme", "programme", programme=programme)
        n = len(parse_events(body))
        wait = self.buckets.take(
            (keys.organisation_id, partner.code), n, partner.rate_per_s, partner.burst
        )
        if wait > 0:
            raise PushRefusedError(
                429, "incl_push.err.rate", None, retry_after=max(1, math.ceil(wait))
            )
        return Topic(keys.organisation_id, programme, partner.code), n


# ---- settling -------------------------------------------------------------------------------


@dataclass
class SettleResult:
    """What one settlement did: bodies read, events seen, and their fate."""

    bodies: int = 0
    events: int = 0
    accepted: int = 0
    rejected: int = 0
    refused: int = 0
    replayed: int = 0
    unreadable: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: SettleResult) -> None:
        """Add another result's counts."""
        for name in ("bodies", "events", "accepted", "rejected", "refused", "replayed",
                     "unreadable"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class Incoming:
    """One event to settle: its fields as sent, when it was received [s since the epoch]."""

    fields: Mapping[str, Any]
    received: float


def group_records(records: Iterable[WalRecord]) -> tuple[dict[Topic, list[Incoming]], int]:
    """The records' events grouped by topic in arrival order, and the records not readable
    (a body the receiver checked cannot fail here; a foreign record can)."""
    groups: dict[Topic, list[Incoming]] = {}
    bad = 0
    for record in records:
        topic = Topic.parse(record.topic)
        try:
            events = parse_events(record.payload) if topic is not None else None
        except PushRefusedError:
            events = None
        if topic is None or events is None:
            bad += 1
            continue
        groups.setdefault(topic, []).extend(Incoming(e, record.received) for e in events)
    return groups, bad


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time with an offset, as naive UTC (None when it is not one)."""
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        return None
    return t.astimezone(UTC).replace(tzinfo=None)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def event_in(fields: Mapping[str, Any], partner: str, source: str) -> tuple[Any, str | None]:
    """H3's ``EventIn`` of a partner event, or (None, the catalogue key of why not)."""
    from lingtan.adapters.services.inclusion_events import EventIn

    if set(fields) - EVENT_FIELDS:
        return None, "incl_push.err.unknown_field"
    account, action, unit = fields.get("account"), fields.get("action"), fields.get("unit")
    quantity, occurred = _number(fields.get("quantity")), _time(fields.get("occurred_at"))
    if not (isinstance(account, str) and isinstance(action, str) and isinstance(unit, str)):
        return None, "incl_push.err.missing_field"
    if not (account and action and unit):
        return None, "incl_push.err.missing_field"
    if quantity is None or quantity < 0:
        return None, "incl_push.err.quantity"
    if occurred is None:
        return None, "incl_push.err.occurred_at"
    optional: dict[str, Any] = {}
    for name in ("distance_km", "duration_min"):
        if fields.get(name) is not None:
            value = _number(fields[name])
            if value is None or value < 0:
                return None, "incl_push.err.quantity"
            optional[name] = value
    for name in ("mode", "product", "evidence_hash"):
        if fields.get(name) is not None:
            if not isinstance(fields[name], str) or len(fields[name]) > 100:
                return None, "incl_push.err.missing_field"
            optional[name] = fields[name]
    return (
        EventIn(
            account_ref=account,
            action=action,
            quantity=quantity,
            unit=unit,
            occurred_at=occurred,
            source=source,
            partner=partner,
            external_id=fields["external_id"],
            **optional,
        ),
        None,
    )


@dataclass(frozen=True)
class Settled:
    """The fate of one event: status, reason key, and what the ledger gave it."""

    status: str
    reason: str | None = None
    event_id: int | None = None
    points: int | None = None
    kg_co2e: float | None = None


def _known(db: Session, programme: str, partner: str, ids: Sequence[str]) -> set[str]:
    """The external ids among ``ids`` that already have a receipt."""
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        found.update(
            db.scalars(
                select(PushReceiptRow.external_id).where(
                    PushReceiptRow.programme_code == programme,
                    PushReceiptRow.partner_code == partner,
                    PushReceiptRow.external_id.in_(ids[i : i + 500]),
                )
            )
        )
    return found


def _accounts(db: Session, programme_id: int, refs: Iterable[str]) -> dict[str, Any]:
    """The programme's accounts by ref, for the refs given."""
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow

    wanted = sorted(set(refs))
    found: dict[str, Any] = {}
    for i in range(0, len(wanted), 500):
        for row in db.scalars(
            select(InclusionAccountRow).where(
                InclusionAccountRow.programme_id == programme_id,
                InclusionAccountRow.ref.in_(wanted[i : i + 500]),
            )
        ):
            found[row.ref] = row
    return found


def _record(db: Session, ctx: Context, programme: str, events: Sequence[Any]) -> list[Settled]:
    """H3's ``record_events`` on the allowed events (flushed; committed with the receipts). It
    rejects a bad event in its outcome; it raises only for the programme as a whole (closed,
    unknown): then that refusal is every event's reason. A store failure is raised (the records
    stay in the write-ahead file and are settled again), never turned into a rejection."""
    from lingtan.adapters.services import inclusion_events as ev

    if not events:
        return []
    try:
        outcomes = ev.record_events(db, ctx, programme, events)
    except (MessageError, ServiceError) as exc:
        db.rollback()
        key = exc.message.key if isinstance(exc, MessageError) else getattr(exc, "key", None)
        return [Settled("rejected", key or "incl_push.err.ledger") for _ in events]
    return [Settled(o.status, o.reason, o.event_id or None, o.points, o.kg_co2e) for o in outcomes]


def settle_group(
    db: Session,
    ctx: Context,
    topic: Topic,
    items: Sequence[Incoming],
    *,
    source: str = "partner",
    callback_url: str | None = None,
    now: datetime | None = None,
) -> SettleResult:
    """Settle one organisation × programme × partner group on ``db`` (not committed: the caller
    commits). Replays (a receipt exists, or the same id earlier in the group) change nothing."""
    from lingtan.adapters.services.inclusion_programmes import consent_allows, get_programme

    result = SettleResult(events=len(items))
    now = now or utcnow()
    fresh: dict[str, Incoming] = {}
    for item in items:
        fresh.setdefault(str(item.fields["external_id"]), item)
    known = _known(db, topic.programme, topic.partner, list(fresh))
    todo = [(ext, item) for ext, item in fresh.items() if ext not in known]
    result.replayed = len(items) - len(todo)
    if not todo:
        return result
    fates: dict[str, Settled] = {}
    try:
        programme = get_programme(db, ctx, topic.programme)
    except ServiceError:  # removed since it was received: each event refused, named
        programme = None
    if programme is None:
        fates = {ext: Settled("refused", "incl_push.err.programme") for ext, _ in todo}
        _finish(db, topic, todo, fates, source, callback_url, now, result)
        return result
    accounts = _accounts(db, programme.id, (str(i.fields.get("account")) for _, i in todo))
    allowed: list[tuple[str, Any]] = []
    consent: dict[tuple[int, str], bool] = {}
    for ext, item in todo:
        event, why = event_in(item.fields, topic.partner, source)
        account = accounts.get(str(item.fields.get("account")))
        if event is None:
            fates[ext] = Settled("refused", why)
        elif account is None or account.status != "active":
            fates[ext] = Settled("refused", "incl_push.err.unknown_account")
        else:
            key = (account.id, event.action)
            if key not in consent:
                consent[key] = consent_allows(db, account.id, topic.partner, event.action, now)
            if consent[key]:
                allowed.append((ext, event))
            else:
                fates[ext] = Settled("refused", "incl_push.err.no_consent")
    for (ext, _), fate in zip(
        allowed, _record(db, ctx, topic.programme, [e for _, e in allowed]), strict=True
    ):
        fates[ext] = fate
    _finish(db, topic, todo, fates, source, callback_url, now, result)
    return result


def _finish(
    db: Session,
    topic: Topic,
    todo: Sequence[tuple[str, Incoming]],
    fates: Mapping[str, Settled],
    source: str,
    callback_url: str | None,
    now: datetime,
    result: SettleResult,
) -> None:
    """Write each event's receipt (and callback) and count the fates into ``result``."""
    for ext, item in todo:
        fate = fates[ext]
        _write_receipt(db, topic, ext, item, fate, source, now)
        if callback_url:
            db.add(callback_row(topic, ext, fate, callback_url, now))
        if fate.status == "refused":
            result.refused += 1
        elif fate.status == "rejected":
            result.rejected += 1
        else:
            result.accepted += 1


def _write_receipt(
    db: Session, topic: Topic, ext: str, item: Incoming, fate: Settled, source: str, now: datetime
) -> None:
    account = item.fields.get("account")
    action = item.fields.get("action")
    db.add(
        PushReceiptRow(
            programme_code=topic.programme,
            partner_code=topic.partner,
            external_id=ext,
            account_ref=account[:60] if isinstance(account, str) else None,
            action=action[:60] if isinstance(action, str) else None,
            status=fate.status,
            reason=fate.reason,
            event_id=fate.event_id,
            points=fate.points,
            kg_co2e=fate.kg_co2e,
            source=source,
            received_at=datetime.fromtimestamp(item.received, UTC).replace(tzinfo=None),
            settled_at=now,
        )
    )


def callback_body(topic: Topic, ext: str, fate: Settled, at: datetime) -> dict[str, Any]:
    """The JSON a partner's ``callback_url`` receives for one settled event."""
    return {
        "programme": topic.programme,
        "partner": topic.partner,
        "external_id": ext,
        "status": fate.status,
        "reason": fate.reason,
        "event_id": fate.event_id,
        "points": fate.points,
        "kg_co2e": fate.kg_co2e,
        "settled_at": at.replace(tzinfo=UTC).isoformat(),
    }


def callback_row(topic: Topic, ext: str, fate: Settled, url: str, now: datetime) -> PushCallbackRow:
    """The outbox row of one settled event's callback."""
    body = json.dumps(callback_body(topic, ext, fate, now), separators=(",", ":"))
    return PushCallbackRow(partner_code=topic.partner, url=url, body=body, next_at=now)


@dataclass
class OrgOpener:
    """Opens a settlement context per organisation (workspace path and callback URLs cached for
    one settlement)."""

    engine: Engine
    _paths: dict[int, str | None] = field(default_factory=dict)

    def context(self, organisation_id: int, partner: str) -> Context:
        """The context a settlement of ``partner``'s events acts in (the audit log names
        ``partner:<code>``)."""
        if organisation_id not in self._paths:
            with system_session(self.engine) as db:
                self._paths[organisation_id] = db.scalar(
                    select(Organisation.workspace_path).where(Organisation.id == organisation_id)
                )
        path = self._paths[organisation_id]
        if not path:
            raise LookupError(f"organisation {organisation_id} has no workspace folder")
        actor = f"partner:{partner}"
        return JobContext(org_workspace(self.engine, organisation_id, Path(path), actor=actor))


def _callback_url(db: Session, partner: str) -> str | None:
    from lingtan.adapters.store.inclusion_programmes import InclusionPartnerRow

    url = db.scalar(
        select(InclusionPartnerRow.callback_url).where(InclusionPartnerRow.code == partner)
    )
    return str(url) if url else None


def settle_records(engine: Engine, records: Sequence[WalRecord]) -> SettleResult:
    """Settle write-ahead records (module docstring): one transaction per organisation ×
    programme × partner group. A group that fails (the store down, a programme deleted) is
    reported in ``errors`` and raised after the others, so that its records stay in the
    write-ahead file and are settled again."""
    groups, bad = group_records(records)
    total = SettleResult(bodies=len(records), unreadable=bad)
    opener = OrgOpener(engine)
    failed: Exception | None = None
    for topic, items in groups.items():
        actor = f"partner:{topic.partner}"
        try:
            ctx = opener.context(topic.organisation_id, topic.partner)
            with tenant_session(engine, topic.organisation_id, actor=actor) as db:
                url = _callback_url(db, topic.partner)
                total.add(settle_group(db, ctx, topic, items, callback_url=url))
                db.commit()
        except Exception as exc:  # kept for the next settlement
            total.errors.append(f"{topic.text()}: {type(exc).__name__}: {exc}")
            failed = exc
    if failed is not None:
        raise SettleError(total) from failed
    return total


class SettleError(Exception):
    """A settlement left groups unsettled (their records stay in the write-ahead file)."""

    def __init__(self, result: SettleResult) -> None:
        super().__init__("; ".join(result.errors))
        self.result = result


# ---- status ---------------------------------------------------------------------------------


def receipt(db: Session, programme: str, partner: str, external_id: str) -> PushReceiptRow | None:
    """The receipt of a partner's event (None: not settled yet, or never received)."""
    return db.scalar(
        select(PushReceiptRow).where(
            PushReceiptRow.programme_code == programme,
            PushReceiptRow.partner_code == partner,
            PushReceiptRow.external_id == external_id,
        )
    )


def receipt_public(row: PushReceiptRow) -> dict[str, Any]:
    """A receipt as the status API answers it."""
    return {
        "programme": row.programme_code,
        "partner": row.partner_code,
        "external_id": row.external_id,
        "status": row.status,
        "reason": row.reason,
        "event_id": row.event_id,
        "points": row.points,
        "kg_co2e": row.kg_co2e,
        "received_at": row.received_at.replace(tzinfo=UTC).isoformat(),
        "settled_at": row.settled_at.replace(tzinfo=UTC).isoformat(),
    }


def list_receipts(
    db: Session,
    ctx: Context,
    programme: str,
    *,
    partner: str | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[PushReceiptRow]:
    """Settled partner events of the programme, newest first (needs ``read``)."""
    ctx.require("read")
    query = select(PushReceiptRow).where(PushReceiptRow.programme_code == programme)
    if partner:
        query = query.where(PushReceiptRow.partner_code == partner)
    if status:
        query = query.where(PushReceiptRow.status == status)
    return list(db.scalars(query.order_by(PushReceiptRow.id.desc()).limit(limit)))


def org_id_of(engine: Engine, slug: str) -> int | None:
    """The id of the organisation ``slug`` (None when there is none)."""
    with system_session(engine) as db:
        found = db.scalar(select(Organisation.id).where(Organisation.slug == slug))
    return int(found) if found is not None else None


__all__ = [
    "PushReceiver",
    "PushRefusedError",
    "SettleResult",
    "settle_records",
    "sign",
    "signed_headers",
]
