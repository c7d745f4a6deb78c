"""Carbon-inclusion action events and the points ledger (issue 18 items 2–4, decision 0089).

An event is validated (the account is active, the action is in the catalogue and its unit
fits), quantified by its methodology pack (H1's
:func:`lingtan.adapters.services.inclusion_methodologies.quantify`; a plausibility failure
rejects it with its reason), flagged for review when the account logs the same action unusually
often in a day (:data:`REVIEW_DAILY_EVENTS`), then credited:

    points = ⌊kg × points_per_kg⌋ + engagement points, × campaign multiplier, capped per day and
    month (:mod:`lingtan.modules.inclusion.points`)

and posted as an ``earn`` entry of the programme's hash-chained ledger
(:mod:`lingtan.modules.inclusion.ledger`). The rules of the issue:

- buying a carbon-neutral PC (``purchase.carbon_neutral_pc``) and every other engagement action
  earns engagement points and **0 kg**, whatever a pack would say (the product claim already
  retired credits for that footprint: ISO 14068-1; crediting the buyer would count it twice);
- an ``avoided`` action (electronics recycling, a low-carbon PC) keeps its kg as avoided
  emissions, never as a reduction (GHG Protocol Scope 3 Standard §9.5);
- balances are derived from the ledger (``balance_after`` of the account's last entry), never
  edited; a reversal posts a negative entry that returns the balance to what it was;
- the outstanding points (Σ of every entry) are the programme's liability.

Idempotency: (programme, origin, external_id) is unique; a replay returns the stored outcome
with ``replayed=True`` and changes nothing. Reading needs ``read``; logging ``edit_data``;
reversing, reviewing and expiring ``manage_members``. Refusals are
:class:`InclusionEventsError` with their catalogue key (``incl_ev.err.*``).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import Table, case, func, insert, select, text, update
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.store.inclusion_ledger import (
    EVENT_SOURCES,
    InclusionEventRow,
    PointsEntryRow,
)
from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow, InclusionProgrammeRow
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import current_tenant
from lingtan.core.messages import Message, msg
from lingtan.modules.inclusion import ledger as lg
from lingtan.modules.inclusion import points as pt
from lingtan.modules.inclusion.actions import ACTIONS, ActionType
from lingtan.modules.inclusion.errors import InclusionError, MethodologyError, PlausibilityError
from lingtan.modules.inclusion.rules import Cap, ProgrammeRules

#: an account logging the same action more than this many times a day is held for review
#: (lingtan's assumption, decision 0089: no methodology sets a limit on the number of events)
REVIEW_DAILY_EVENTS = 20
#: largest quantity of one event (any unit)
MAX_QUANTITY = 1e7
#: reasons of a ledger entry a caller may post with :func:`post_entry`
POST_REASONS = ("redeem", "adjust")
_LOCK_BASE = 0x6C69_0000  # 'li' << 16: advisory-lock keys of the points chains
_KM = frozenset({"km", "pkm"})
#: the tables written in bulk (Core inserts: the ORM's bulk insert splits rows by their nulls)
_TABLES: tuple[Table, Table] = (
    cast("Table", InclusionEventRow.__table__),
    cast("Table", PointsEntryRow.__table__),
)

Decision = Literal["accept", "reject"]
EventStatus = Literal["accepted", "rejected", "pending", "reversed"]


class InclusionEventsError(KeyedError):
    """A refused request on events or the points ledger (``key`` ``incl_ev.err.*``)."""


def refused(kind: Kind, message: Message, field: str | None = None) -> InclusionEventsError:
    """An :class:`InclusionEventsError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(InclusionEventsError, kind, message, field)


# ---- contract types -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventIn:
    """One action to record: the account's public ``account_ref``, ``action`` code,
    ``quantity`` in ``unit``, ``occurred_at`` (naive = UTC), where it came from (``source``,
    ``partner`` code for partner events), the idempotency key ``external_id``, the evidence's
    hash, the geo summary (``distance_km``, ``duration_min``, ``mode``: no trajectory), an own
    ``product`` code and ``context`` figures for the methodology (e.g. a 7-day mean kWh)."""

    account_ref: str
    action: str
    quantity: float
    unit: str
    occurred_at: datetime
    source: str = "manual"
    partner: str | None = None
    external_id: str | None = None
    evidence_hash: str | None = None
    distance_km: float | None = None
    duration_min: float | None = None
    mode: str | None = None
    product: str | None = None
    context: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EventOutcome:
    """What became of an event: its id (0 when refused before it was stored), ``status``,
    ``kg_co2e`` [kg CO2e], ``points``, ``replayed`` (the same external id was recorded before:
    nothing changed) and the catalogue key of a rejection or review ``reason``."""

    event_id: int
    status: str
    kg_co2e: float
    points: int
    replayed: bool = False
    reason: str | None = None


@dataclass
class _Draft:
    """A new event's columns, inserted with the batch in one statement (``id`` set then)."""

    programme_id: int
    account_id: int
    action: str
    occurred_at: datetime
    quantity: float
    unit: str
    source: str
    origin: str
    external_id: str | None
    evidence_hash: str | None
    distance_km: float | None
    duration_min: float | None
    mode: str | None
    product: str | None
    counts_as: str
    status: str = "accepted"
    reason: str | None = None
    kg_co2e: float = 0.0
    pack_id: str | None = None
    pack_version: str | None = None
    params_hash: str | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)
    points: int = 0
    multiplier: float = 1.0
    campaign_code: str | None = None
    id: int = 0

    def values(self, organisation_id: int, at: datetime) -> dict[str, Any]:
        """The row to insert."""
        out = {k: v for k, v in self.__dict__.items() if k != "id"}
        return {**out, "organisation_id": organisation_id, "created_at": at}


def outcome_of(row: InclusionEventRow | _Draft, *, replayed: bool = False) -> EventOutcome:
    """The outcome stored with ``row``."""
    return EventOutcome(row.id, row.status, row.kg_co2e, row.points, replayed, row.reason)


# ---- collaborators (H1 quantify, H2 programmes, H5 multipliers) ---------------------------


@dataclass(frozen=True)
class _Step:
    key: str
    formula: str
    value: float
    unit: str
    source: str | None = None


@dataclass(frozen=True)
class _Reduction:
    """The fallback reduction of an engagement action (0 kg) while no methodology service is
    there (plan.md: H1's ``quantify``)."""

    kg_co2e: float
    counts_as: str
    pack_id: str | None
    pack_version: str | None
    params_hash: str
    trace: tuple[_Step, ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"key": s.key, "formula": s.formula, "value": s.value, "unit": s.unit,
             "source": s.source}
            for s in self.trace
        ]  # fmt: skip


_EMPTY_HASH = hashlib.sha256(b"{}").hexdigest()


def _optional(module: str, name: str) -> Any:
    """``module.name`` when that slice has landed, else None."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:  # pragma: no cover - the slice is missing
        return None


def _fallback_quantify(_db: Session, _ctx: Context, _prog: Any, event: Any) -> _Reduction:
    at = ACTIONS[event.action]
    if at.counts_as != "engagement":
        raise MethodologyError(msg("incl_ev.err.no_methodology", action=at.code), "action")
    step = _Step("incl_ev.step.engagement_only", "0", 0.0, "kg CO2e")
    return _Reduction(0.0, "engagement", None, None, _EMPTY_HASH, (step,))


@functools.cache
def _input_class() -> Any:
    return _optional("lingtan.modules.inclusion.methodology", "ActionInput") or _optional(
        "lingtan.modules.inclusion.formulas", "ActionInput"
    )


def _action_input(event: EventIn, occurred: datetime) -> Any:
    cls = _input_class()
    fields = {
        "action": event.action, "quantity": float(event.quantity), "unit": event.unit,
        "occurred_at": occurred, "distance_km": event.distance_km,
        "duration_min": event.duration_min, "mode": event.mode, "product": event.product,
        "context": dict(event.context),
    }  # fmt: skip
    if cls is None:
        return type("ActionInput", (), fields)()
    return cls(**fields)


def _quantifier() -> Callable[..., Any]:
    q = _optional("lingtan.adapters.services.inclusion_methodologies", "quantify")
    return q if callable(q) else _fallback_quantify


def _multiplier(db: Session) -> Callable[[int, str, datetime], tuple[float, str | None]]:
    """H5's ``multiplier_for`` cached per (programme, action, day) for one batch; (1.0, None)
    while campaigns are missing."""
    fn = _optional("lingtan.adapters.services.inclusion_campaigns", "multiplier_for")
    cache: dict[tuple[int, str, date], tuple[float, str | None]] = {}

    def of(programme_id: int, action: str, at: datetime) -> tuple[float, str | None]:
        if fn is None:
            return 1.0, None
        key = (programme_id, action, at.date())
        if key not in cache:
            m, code = fn(db, programme_id, action, at)
            cache[key] = (float(m), code)
        return cache[key]

    return of


def get_programme(db: Session, ctx: Context, code: str) -> InclusionProgrammeRow:
    """The programme ``code`` (H2's lookup when present).

    Raises:
        InclusionEventsError: not_found.
    """
    fn = _optional("lingtan.adapters.services.inclusion_programmes", "get_programme")
    if fn is not None:
        row: InclusionProgrammeRow = fn(db, ctx, code)
        return row
    found = db.scalars(
        select(InclusionProgrammeRow).where(InclusionProgrammeRow.code == str(code))
    ).first()
    if found is None:
        raise refused("not_found", msg("incl_ev.err.programme", code=str(code)[:40]), "programme")
    return found


def rules_of(row: InclusionProgrammeRow) -> ProgrammeRules:
    """The programme's points rules (H2's ``programme_rules`` when present)."""
    fn = _optional("lingtan.adapters.services.inclusion_programmes", "programme_rules")
    if fn is not None:
        rules: ProgrammeRules = fn(row)
        return rules
    caps = {a: Cap(c.get("per_day"), c.get("per_month")) for a, c in (row.caps or {}).items()}
    return ProgrammeRules(
        float(row.points_per_kg), dict(row.engagement_points or {}), caps, row.expiry_months
    )


def _account(db: Session, programme: InclusionProgrammeRow, ref: str) -> InclusionAccountRow:
    row = db.scalars(
        select(InclusionAccountRow).where(
            InclusionAccountRow.programme_id == programme.id, InclusionAccountRow.ref == str(ref)
        )
    ).first()
    if row is None:
        raise refused("not_found", msg("incl_ev.err.account", ref=str(ref)[:40]), "account")
    return row


# ---- the ledger -------------------------------------------------------------------------------


def _lock(db: Session, programme_id: int) -> None:
    """Serialise appends to one programme's chain until the transaction ends."""
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_BASE + programme_id})
    elif conn.dialect.name == "sqlite":  # a no-op write takes SQLite's write lock
        conn.execute(text("UPDATE inclusion_points_entry SET seq = seq WHERE 1 = 0"))


class _Chain:
    """Appends to one programme's chain inside one transaction (head and balances cached)."""

    def __init__(self, db: Session, programme_id: int) -> None:
        _lock(db, programme_id)
        self.db, self.programme_id = db, programme_id
        self.org = current_tenant(db) or 0
        head = db.execute(
            select(PointsEntryRow.seq, PointsEntryRow.hash)
            .where(PointsEntryRow.programme_id == programme_id)
            .order_by(PointsEntryRow.seq.desc())
            .limit(1)
        ).first()
        self.seq, self.prev = (int(head[0]), str(head[1])) if head else (0, lg.GENESIS)
        self.balances: dict[int, int] = {}
        self.pending: list[dict[str, Any]] = []

    def prefetch(self, account_ids: Iterable[int]) -> None:
        """Load the balances of ``account_ids`` in one query."""
        ids = [a for a in set(account_ids) if a not in self.balances]
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            last = (
                select(PointsEntryRow.account_id, func.max(PointsEntryRow.seq).label("s"))
                .where(PointsEntryRow.programme_id == self.programme_id)
                .where(PointsEntryRow.account_id.in_(part))
                .group_by(PointsEntryRow.account_id)
                .subquery()
            )
            rows = self.db.execute(
                select(PointsEntryRow.account_id, PointsEntryRow.balance_after)
                .join(
                    last,
                    (PointsEntryRow.account_id == last.c.account_id)
                    & (PointsEntryRow.seq == last.c.s),
                )
                .where(PointsEntryRow.programme_id == self.programme_id)
            ).all()
            found = {int(a): int(b) for a, b in rows}
            for a in part:
                self.balances[a] = found.get(a, 0)

    def balance(self, account_id: int) -> int:
        if account_id not in self.balances:
            self.prefetch([account_id])
        return self.balances[account_id]

    def append(
        self, account_id: int, delta: int, reason: str, ref: str, expires_at: date | None = None
    ) -> dict[str, Any]:
        """Hash one entry onto the chain; it is written by :meth:`write`."""
        after = self.balance(account_id) + int(delta)
        link = lg.Link(
            self.org, self.programme_id, account_id, self.seq + 1, int(delta), reason, ref,
            after, expires_at, utcnow(), self.prev,
        )  # fmt: skip
        h = lg.link_hash(link)
        entry = {
            "organisation_id": self.org, "programme_id": self.programme_id,
            "account_id": account_id, "seq": link.seq, "delta": link.delta, "reason": reason,
            "ref": ref, "balance_after": after, "expires_at": expires_at,
            "prev_hash": self.prev, "hash": h, "created_at": link.created_at,
        }  # fmt: skip
        self.pending.append(entry)
        self.seq, self.prev, self.balances[account_id] = link.seq, h, after
        return entry

    def write(self) -> None:
        """Insert the entries appended since the last write (one statement)."""
        if self.pending:
            self.db.execute(insert(_TABLES[1]), self.pending)  # Core: one executemany
            self.pending = []


def balance(db: Session, account_id: int) -> int:
    """The account's balance [points]: ``balance_after`` of its last ledger entry (0: none)."""
    value = db.scalar(
        select(PointsEntryRow.balance_after)
        .where(PointsEntryRow.account_id == account_id)
        .order_by(PointsEntryRow.seq.desc())
        .limit(1)
    )
    return int(value or 0)


def post_entry(
    db: Session,
    ctx: Context,
    programme_id: int,
    account_id: int,
    delta: int,
    reason: str,
    ref: str,
) -> PointsEntryRow:
    """Post a ``redeem`` or ``adjust`` entry of ``delta`` points (redemptions: negative) for
    ``ref`` (e.g. ``redemption:3``); flushed, so its id and ``balance_after`` are known.

    Raises:
        InclusionEventsError: invalid reason or delta; conflict when it would take the
            balance below zero.
    """
    ctx.require("edit_data")
    if reason not in POST_REASONS:
        raise refused("invalid", msg("incl_ev.err.entry_reason", reason=str(reason)[:20]), "reason")
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > 10**9:
        raise refused("invalid", msg("incl_ev.err.delta", value=str(delta)[:20]), "delta")
    if reason == "redeem" and delta > 0:
        raise refused("invalid", msg("incl_ev.err.delta", value=str(delta)), "delta")
    chain = _Chain(db, programme_id)
    have = chain.balance(account_id)
    if have + delta < 0:
        raise refused(
            "conflict", msg("incl_ev.err.insufficient", balance=have, need=-delta), "delta"
        )
    entry = chain.append(account_id, delta, reason, str(ref)[:80])
    chain.write()
    return db.scalars(
        select(PointsEntryRow).where(
            PointsEntryRow.programme_id == programme_id, PointsEntryRow.seq == entry["seq"]
        )
    ).one()


# ---- recording events -------------------------------------------------------------------------


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)


def _check_shape(event: EventIn, at: ActionType | None) -> ActionType:
    """The event's own fields (no store)."""
    if at is None:
        raise refused("invalid", msg("incl_ev.err.action", action=str(event.action)[:60]), "action")
    if event.source not in EVENT_SOURCES:
        raise refused("invalid", msg("incl_ev.err.source", source=str(event.source)[:20]), "source")
    if event.unit != at.unit and not {event.unit, at.unit} <= _KM:
        raise refused(
            "invalid", msg("incl_ev.err.unit", unit=str(event.unit)[:20], expected=at.unit), "unit"
        )
    q = event.quantity
    if isinstance(q, bool) or not isinstance(q, int | float) or not math.isfinite(q):
        raise refused("invalid", msg("incl_ev.err.quantity", value=str(q)[:20]), "quantity")
    if q < 0 or q > MAX_QUANTITY:
        raise refused("invalid", msg("incl_ev.err.quantity", value=str(q)[:20]), "quantity")
    for name in ("distance_km", "duration_min"):
        v = getattr(event, name)
        if v is not None and (not math.isfinite(float(v)) or v < 0 or v > MAX_QUANTITY):
            raise refused("invalid", msg("incl_ev.err.quantity", value=str(v)[:20]), name)
    if not isinstance(event.occurred_at, datetime):
        raise refused("invalid", msg("incl_ev.err.occurred_at"), "occurred_at")
    if _utc(event.occurred_at) > utcnow() + timedelta(minutes=10):
        raise refused("invalid", msg("incl_ev.err.future"), "occurred_at")
    if event.external_id is not None and not (0 < len(event.external_id) <= 120):
        raise refused("invalid", msg("incl_ev.err.external_id"), "external_id")
    if event.evidence_hash is not None and len(event.evidence_hash) > 128:
        raise refused("invalid", msg("incl_ev.err.evidence_hash"), "evidence_hash")
    if event.mode is not None and len(event.mode) > 40:
        raise refused("invalid", msg("incl_ev.err.mode"), "mode")
    if event.product is not None and len(event.product) > 80:
        raise refused("invalid", msg("incl_ev.err.product"), "product")
    return at


def _origin(event: EventIn) -> str:
    return (event.partner or event.source)[:40]


@dataclass
class _Tally:
    """Points already earned (per account, action, day and month) and events logged per day."""

    day: dict[tuple[int, str, date], int] = field(default_factory=lambda: defaultdict(int))
    month: dict[tuple[int, str, int, int], int] = field(default_factory=lambda: defaultdict(int))
    count: dict[tuple[int, str, date], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, account_id: int, action: str, at: datetime, points: int, counted: bool) -> None:
        self.day[(account_id, action, at.date())] += points
        self.month[(account_id, action, at.year, at.month)] += points
        if counted:
            self.count[(account_id, action, at.date())] += 1


def _tally(db: Session, programme_id: int, account_ids: set[int], days: list[datetime]) -> _Tally:
    """What the accounts already earned and logged in the months of ``days``, per account,
    action and day (aggregated in the store: one query per 500 accounts)."""
    tally = _Tally()
    if not account_ids or not days:
        return tally
    ev = InclusionEventRow
    first = min(days).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = pt.add_months(max(days).date().replace(day=1), 1)
    day = func.date(ev.occurred_at)
    earned = func.sum(case((ev.status == "accepted", ev.points), else_=0))
    ids = sorted(account_ids)
    for start in range(0, len(ids), 500):
        rows = db.execute(
            select(ev.account_id, ev.action, day, func.count(), earned)
            .where(ev.programme_id == programme_id)
            .where(ev.account_id.in_(ids[start : start + 500]))
            .where(ev.occurred_at >= first)
            .where(ev.occurred_at < datetime.combine(end, datetime.min.time()))
            .where(ev.status.in_(("accepted", "pending")))
            .group_by(ev.account_id, ev.action, day)
        ).all()
        for a, action, d, n, points in rows:
            on = d if isinstance(d, date) else date.fromisoformat(str(d)[:10])
            key = (int(a), str(action), on)
            tally.day[key] += int(points or 0)
            tally.month[(int(a), str(action), on.year, on.month)] += int(points or 0)
            tally.count[key] += int(n)
    return tally


@dataclass
class _Batch:
    """The state of one batch: programme, rules, chain, tallies, collaborators."""

    db: Session
    ctx: Context
    programme: InclusionProgrammeRow
    rules: ProgrammeRules
    chain: _Chain
    tally: _Tally
    quantify: Callable[..., Any]
    multiplier: Callable[[int, str, datetime], tuple[float, str | None]]


def _credit(b: _Batch, row: InclusionEventRow | _Draft, at: ActionType) -> None:
    """Compute and post the points of an accepted ``row`` (its reduction already set)."""
    rules = b.rules
    m, campaign = b.multiplier(b.programme.id, row.action, row.occurred_at)
    cap = rules.caps.get(row.action)
    d, mo = row.occurred_at.date(), (row.occurred_at.year, row.occurred_at.month)
    res = pt.compute_points(
        kg=row.kg_co2e if at.counts_as != "engagement" else 0.0,
        points_per_kg=rules.points_per_kg,
        engagement=int(rules.engagement_points.get(row.action, 0)),
        multiplier=m,
        cap=cap,
        earned_day=b.tally.day[(row.account_id, row.action, d)],
        earned_month=b.tally.month[(row.account_id, row.action, *mo)],
    )
    row.points, row.multiplier, row.campaign_code = res.points, m, campaign
    row.trace = [*row.trace, *(s.to_json() for s in res.steps)]
    b.tally.add(row.account_id, row.action, row.occurred_at, res.points, False)


def _post_earn(b: _Batch, row: InclusionEventRow | _Draft) -> None:
    if row.points > 0:
        expires = pt.expiry_date(row.occurred_at.date(), b.rules.expiry_months)
        b.chain.append(row.account_id, row.points, "earn", f"event:{row.id}", expires)


def _evaluate(b: _Batch, event: EventIn, account: InclusionAccountRow, at: ActionType) -> _Draft:
    """A new event: quantified, checked, credited (not yet stored nor posted)."""
    occurred = _utc(event.occurred_at)
    row = _Draft(
        programme_id=b.programme.id, account_id=account.id, action=at.code,
        occurred_at=occurred, quantity=float(event.quantity), unit=event.unit,
        source=event.source, origin=_origin(event), external_id=event.external_id,
        evidence_hash=event.evidence_hash, distance_km=event.distance_km,
        duration_min=event.duration_min, mode=event.mode, product=event.product,
        counts_as=at.counts_as,
    )  # fmt: skip
    try:
        red = b.quantify(b.db, b.ctx, b.programme, _action_input(event, occurred))
    except (PlausibilityError, MethodologyError) as exc:
        row.status, row.reason = "rejected", exc.message.key
        return row
    except KeyedError as exc:  # the methodology service's refusal (implausible, no pack …)
        row.status, row.reason = "rejected", exc.key
        return row
    kg = float(red.kg_co2e)
    if at.counts_as == "engagement":  # the 0-kg rule (module docstring)
        kg = 0.0
    row.kg_co2e = max(kg, 0.0) if math.isfinite(kg) else 0.0
    row.pack_id, row.pack_version, row.params_hash = red.pack_id, red.pack_version, red.params_hash
    row.trace = list(red.to_json())
    key = (account.id, at.code, occurred.date())
    if b.tally.count[key] >= REVIEW_DAILY_EVENTS:
        row.status, row.reason = "pending", "incl_ev.reason.volume"
        b.tally.count[key] += 1
        return row
    b.tally.count[key] += 1
    _credit(b, row, at)
    return row


def _open_batch(db: Session, ctx: Context, programme_code: str) -> _Batch:
    programme = get_programme(db, ctx, programme_code)
    if programme.status != "active":
        raise refused(
            "conflict", msg("incl_ev.err.programme_closed", code=programme.code), "programme"
        )
    return _Batch(
        db, ctx, programme, rules_of(programme), _Chain(db, programme.id), _Tally(),
        _quantifier(), _multiplier(db),
    )  # fmt: skip


def _refusal_outcome(exc: InclusionEventsError) -> EventOutcome:
    return EventOutcome(0, "rejected", 0.0, 0, False, exc.key)


def record_events(
    db: Session,
    ctx: Context,
    programme_code: str,
    events: Sequence[EventIn],
    *,
    strict: bool = False,
) -> list[EventOutcome]:
    """Record ``events`` of one programme in one transaction (flushed, not committed), one
    outcome each in order. Accounts, replays, balances and the day/month tallies are fetched in
    a few queries for the whole batch.

    An event refused before it can be stored (unknown account or action, wrong unit, an account
    that is not active) gets an outcome with ``event_id`` 0, status ``rejected`` and the reason's
    key — unless ``strict``, when the refusal is raised (:func:`record_event`).

    Raises:
        InclusionEventsError: forbidden; not_found (programme); conflict (programme closed);
            with ``strict`` any refusal of an event.
    """
    ctx.require("edit_data")
    b = _open_batch(db, ctx, programme_code)
    refs = {e.account_ref for e in events}
    accounts: dict[str, InclusionAccountRow] = {}
    ref_list = sorted(str(r) for r in refs)
    for start in range(0, len(ref_list), 500):
        for acc in db.scalars(
            select(InclusionAccountRow).where(
                InclusionAccountRow.programme_id == b.programme.id,
                InclusionAccountRow.ref.in_(ref_list[start : start + 500]),
            )
        ):
            accounts[acc.ref] = acc
    keys = {(_origin(e), e.external_id) for e in events if e.external_id}
    stored: dict[tuple[str, str], InclusionEventRow | _Draft] = {}
    ext = sorted({k[1] for k in keys})
    for start in range(0, len(ext), 500):
        for r in db.scalars(
            select(InclusionEventRow).where(
                InclusionEventRow.programme_id == b.programme.id,
                InclusionEventRow.external_id.in_(ext[start : start + 500]),
            )
        ):
            if r.external_id is not None and (r.origin, r.external_id) in keys:
                stored[(r.origin, r.external_id)] = r
    ids = {a.id for a in accounts.values()}
    b.tally = _tally(
        db,
        b.programme.id,
        ids,
        [_utc(e.occurred_at) for e in events if isinstance(e.occurred_at, datetime)],
    )
    b.chain.prefetch(ids)
    out: list[EventOutcome | tuple[InclusionEventRow | _Draft, bool]] = []
    new: list[_Draft] = []
    for event in events:
        key = (_origin(event), event.external_id or "")
        if event.external_id and key in stored:
            out.append((stored[key], True))
            continue
        try:
            at = _check_shape(event, ACTIONS.get(event.action))
            account = accounts.get(event.account_ref)
            if account is None:
                raise refused(
                    "not_found", msg("incl_ev.err.account", ref=str(event.account_ref)[:40]),
                    "account",
                )  # fmt: skip
            if account.status != "active":
                raise refused("conflict", msg("incl_ev.err.account_status", ref=account.ref,
                                              status=account.status), "account")  # fmt: skip
        except InclusionEventsError as exc:
            if strict:
                raise
            out.append(_refusal_outcome(exc))
            continue
        try:
            row = _evaluate(b, event, account, at)
        except InclusionError as exc:
            if strict:
                raise refused("invalid", exc.message, exc.field) from exc
            out.append(EventOutcome(0, "rejected", 0.0, 0, False, exc.message.key))
            continue
        new.append(row)
        out.append((row, False))
        if event.external_id:
            stored[key] = row
    _insert_events(db, b.chain.org, new)
    for row in new:
        if row.status == "accepted":
            _post_earn(b, row)
    b.chain.write()
    return [o if isinstance(o, EventOutcome) else outcome_of(o[0], replayed=o[1]) for o in out]


def _insert_events(db: Session, organisation_id: int, drafts: list[_Draft]) -> None:
    """Insert the batch's new events in one statement and set their ids."""
    if not drafts:
        return
    now = utcnow()
    rows = [d.values(organisation_id, now) for d in drafts]
    if db.connection().dialect.name == "sqlite":
        # the batch holds SQLite's write lock (_lock): new rowids follow the largest one, in
        # order — RETURNING in parameter order would cost one statement per row there
        start = int(db.scalar(select(func.max(InclusionEventRow.id))) or 0)
        db.execute(insert(_TABLES[0]), rows)
        ids: Sequence[int] = range(start + 1, start + 1 + len(rows))
    else:
        ids = db.scalars(
            insert(InclusionEventRow).returning(InclusionEventRow.id, sort_by_parameter_order=True),
            rows,
        ).all()
    for d, i in zip(drafts, ids, strict=True):
        d.id = int(i)


def record_event(db: Session, ctx: Context, programme_code: str, event: EventIn) -> EventOutcome:
    """Record one event (:func:`record_events`, refusals raised).

    Raises:
        InclusionEventsError: forbidden, not_found, conflict or invalid (``field`` names it).
    """
    return record_events(db, ctx, programme_code, [event], strict=True)[0]


# ---- reading ----------------------------------------------------------------------------------


def get_event(db: Session, ctx: Context, event_id: int) -> InclusionEventRow:
    """The event ``event_id`` of this organisation.

    Raises:
        InclusionEventsError: not_found.
    """
    ctx.require("read")
    row = db.get(InclusionEventRow, int(event_id))
    if row is None:
        raise refused("not_found", msg("incl_ev.err.event", id=int(event_id)), "event")
    return row


def list_events(
    db: Session,
    ctx: Context,
    programme_code: str,
    *,
    account_ref: str | None = None,
    action: str | None = None,
    status: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[InclusionEventRow]:
    """The programme's events, newest first, filtered by account, action, status and
    ``start`` ≤ occurred_at < ``end``."""
    ctx.require("read")
    programme = get_programme(db, ctx, programme_code)
    q = select(InclusionEventRow).where(InclusionEventRow.programme_id == programme.id)
    if account_ref:
        q = q.where(InclusionEventRow.account_id == _account(db, programme, account_ref).id)
    if action:
        q = q.where(InclusionEventRow.action == action)
    if status:
        q = q.where(InclusionEventRow.status == status)
    if start:
        q = q.where(InclusionEventRow.occurred_at >= _utc(start))
    if end:
        q = q.where(InclusionEventRow.occurred_at < _utc(end))
    q = q.order_by(InclusionEventRow.occurred_at.desc(), InclusionEventRow.id.desc())
    return list(db.scalars(q.limit(max(1, min(int(limit), 1000))).offset(max(0, int(offset)))))


def event_json(row: InclusionEventRow) -> dict[str, Any]:
    """An event as plain data (API, history, export)."""
    return {
        "id": row.id, "action": row.action, "occurred_at": row.occurred_at.isoformat(),
        "quantity": row.quantity, "unit": row.unit, "source": row.source, "origin": row.origin,
        "external_id": row.external_id, "distance_km": row.distance_km,
        "duration_min": row.duration_min, "mode": row.mode, "product": row.product,
        "evidence_hash": row.evidence_hash, "status": row.status, "reason": row.reason,
        "kg_co2e": row.kg_co2e, "counts_as": row.counts_as, "pack_id": row.pack_id,
        "pack_version": row.pack_version, "params_hash": row.params_hash,
        "points": row.points, "multiplier": row.multiplier, "campaign_code": row.campaign_code,
        "trace": list(row.trace or []), "review_note": row.review_note,
    }  # fmt: skip


def event_detail(db: Session, ctx: Context, event_id: int) -> dict[str, Any]:
    """An event as plain data with its ledger entries (``entries``)."""
    row = get_event(db, ctx, event_id)
    entries = db.scalars(
        select(PointsEntryRow)
        .where(PointsEntryRow.programme_id == row.programme_id)
        .where(PointsEntryRow.account_id == row.account_id)
        .where(PointsEntryRow.ref == f"event:{row.id}")
        .order_by(PointsEntryRow.seq)
    )
    return {**event_json(row), "entries": [entry_json(e) for e in entries]}


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def reason_text(key: str | None, locale: str) -> str:
    """The text of a stored reason key (``incl_ev.reason.*``, a methodology's refusal) in
    ``locale``; its parameters were not stored, each shows as …."""
    if not key:
        return ""
    from lingtan.adapters.i18n.messages import catalogue

    return catalogue(locale).get(key, key).format_map(_Blank())


def entry_json(row: PointsEntryRow) -> dict[str, Any]:
    """A ledger entry as plain data."""
    return {
        "seq": row.seq, "delta": row.delta, "reason": row.reason, "ref": row.ref,
        "balance_after": row.balance_after,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "created_at": row.created_at.isoformat(), "hash": row.hash,
    }  # fmt: skip


def account_entries(
    db: Session, ctx: Context, programme_code: str, ref: str
) -> list[PointsEntryRow]:
    """The account's ledger entries, oldest first."""
    ctx.require("read")
    programme = get_programme(db, ctx, programme_code)
    account = _account(db, programme, ref)
    return list(
        db.scalars(
            select(PointsEntryRow)
            .where(PointsEntryRow.programme_id == programme.id)
            .where(PointsEntryRow.account_id == account.id)
            .order_by(PointsEntryRow.seq)
        )
    )


def account_history(
    db: Session, ctx: Context, programme_code: str, ref: str
) -> list[dict[str, Any]]:
    """The account's events, newest first, each with its trace and its ledger entries
    (``entries``: the earn and reversal entries whose ref is the event)."""
    programme = get_programme(db, ctx, programme_code)
    entries = account_entries(db, ctx, programme_code, ref)
    by_ref: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        by_ref[e.ref].append(entry_json(e))
    account = _account(db, programme, ref)
    rows = db.scalars(
        select(InclusionEventRow)
        .where(InclusionEventRow.programme_id == programme.id)
        .where(InclusionEventRow.account_id == account.id)
        .order_by(InclusionEventRow.occurred_at.desc(), InclusionEventRow.id.desc())
    )
    return [{**event_json(r), "entries": by_ref.get(f"event:{r.id}", [])} for r in rows]


def account_balance(db: Session, ctx: Context, programme_code: str, ref: str) -> dict[str, Any]:
    """The account's balance [points], kg by counts_as (accepted events) and points expiring
    in the next 30 days."""
    ctx.require("read")
    programme = get_programme(db, ctx, programme_code)
    account = _account(db, programme, ref)
    kg = dict(
        db.execute(
            select(InclusionEventRow.counts_as, func.sum(InclusionEventRow.kg_co2e))
            .where(InclusionEventRow.account_id == account.id)
            .where(InclusionEventRow.status == "accepted")
            .group_by(InclusionEventRow.counts_as)
        ).all()
    )
    moves = _movements(db, programme.id, account.id)[account.id]
    soon = _today() + timedelta(days=30)
    expiring = sum(lot.remaining for lot in pt.expiring(moves, soon))
    return {
        "ref": account.ref, "balance": balance(db, account.id),
        "reduced_kg": float(kg.get("reduction") or 0.0),
        "avoided_kg": float(kg.get("avoided") or 0.0),
        "expiring_30d": expiring,
    }  # fmt: skip


def _today() -> date:
    return datetime.now(UTC).date()


# ---- reversal, review, expiry -----------------------------------------------------------------


def _note(value: str | None) -> str | None:
    text_ = " ".join(str(value or "").split())
    if len(text_) > 500:
        raise refused("invalid", msg("incl_ev.err.note"), "note")
    return text_ or None


def _batch_for(db: Session, ctx: Context, row: InclusionEventRow) -> _Batch:
    programme = db.get(InclusionProgrammeRow, row.programme_id)
    if programme is None:  # pragma: no cover - events outlive no programme
        raise refused(
            "not_found", msg("incl_ev.err.programme", code=str(row.programme_id)), "programme"
        )
    b = _Batch(db, ctx, programme, rules_of(programme), _Chain(db, programme.id), _Tally(),
               _quantifier(), _multiplier(db))  # fmt: skip
    b.tally = _tally(db, programme.id, {row.account_id}, [row.occurred_at])
    return b


def reverse_event(db: Session, ctx: Context, event_id: int, reason: str) -> EventOutcome:
    """Reverse an accepted or pending event (fraud, an error): a ``reversal`` entry of −points
    returns the balance to what it was; the event's status becomes ``reversed`` and ``reason``
    (free text) is kept as its review note.

    Raises:
        InclusionEventsError: not_found; conflict when it is already reversed or rejected.
    """
    ctx.require("manage_members")
    row = get_event(db, ctx, event_id)
    if row.status not in ("accepted", "pending"):
        raise refused(
            "conflict", msg("incl_ev.err.not_reversible", id=row.id, status=row.status), "event"
        )
    note = _note(reason)
    chain = _Chain(db, row.programme_id)
    if row.status == "accepted" and row.points > 0:
        chain.append(row.account_id, -row.points, "reversal", f"event:{row.id}")
        chain.write()
    row.status, row.reason = "reversed", "incl_ev.reason.reversed"
    row.review_note, row.reviewed_by, row.reviewed_at = note, ctx.actor[:200], utcnow()
    db.flush()
    return outcome_of(row)


def review_queue(
    db: Session, ctx: Context, programme_code: str | None = None, *, limit: int = 200
) -> list[InclusionEventRow]:
    """Events waiting for a reviewer: held (``pending``: unusual volume) or ``rejected`` by a
    plausibility rule, not yet decided; oldest first."""
    ctx.require("read")
    q = select(InclusionEventRow).where(
        InclusionEventRow.status.in_(("pending", "rejected")),
        InclusionEventRow.reviewed_at.is_(None),
    )
    if programme_code:
        q = q.where(InclusionEventRow.programme_id == get_programme(db, ctx, programme_code).id)
    return list(db.scalars(q.order_by(InclusionEventRow.id).limit(max(1, min(int(limit), 1000)))))


def review_decide(
    db: Session, ctx: Context, event_id: int, decision: str, note: str | None = None
) -> EventOutcome:
    """Decide a queued event: ``accept`` credits a pending event (its points computed now, under
    the caps of its day and month); ``reject`` keeps it rejected (reason
    ``incl_ev.reason.reviewer`` for a pending one). A plausibility rejection cannot be
    accepted: its reduction was never computed (the member logs the action again).

    Raises:
        InclusionEventsError: invalid decision; not_found; conflict when already decided or
            not acceptable.
    """
    ctx.require("manage_members")
    if decision not in ("accept", "reject"):
        raise refused("invalid", msg("incl_ev.err.decision", value=str(decision)[:20]), "decision")
    row = get_event(db, ctx, event_id)
    if row.reviewed_at is not None or row.status not in ("pending", "rejected"):
        raise refused("conflict", msg("incl_ev.err.decided", id=row.id), "event")
    text_ = _note(note)
    if decision == "accept":
        if row.status != "pending":
            raise refused("conflict", msg("incl_ev.err.not_acceptable", id=row.id), "decision")
        b = _batch_for(db, ctx, row)
        row.status, row.reason = "accepted", None
        _credit(b, row, ACTIONS[row.action])
        _post_earn(b, row)
        b.chain.write()
    elif row.status == "pending":
        row.status, row.reason = "rejected", "incl_ev.reason.reviewer"
    row.review_note, row.reviewed_by, row.reviewed_at = text_, ctx.actor[:200], utcnow()
    db.flush()
    return outcome_of(row)


def _movements(
    db: Session, programme_id: int, account_id: int | None = None
) -> dict[int, list[pt.Movement]]:
    q = select(
        PointsEntryRow.account_id, PointsEntryRow.delta, PointsEntryRow.reason,
        PointsEntryRow.ref, PointsEntryRow.expires_at,
    ).where(PointsEntryRow.programme_id == programme_id)  # fmt: skip
    if account_id is not None:
        q = q.where(PointsEntryRow.account_id == account_id)
    out: dict[int, list[pt.Movement]] = defaultdict(list)
    for a, delta, reason, ref, expires in db.execute(q.order_by(PointsEntryRow.seq)):
        out[int(a)].append(pt.Movement(int(delta), str(reason), str(ref), expires))
    return out


def expire_points(db: Session, ctx: Context, programme_code: str, as_of: date) -> int:
    """Expire every earn lot due on or before ``as_of`` (FIFO, :func:`points.expiring`): one
    ``expire`` entry per account (ref ``expiry:<as_of>``). Returns the points expired; running
    it again for the same day expires nothing more.

    Raises:
        InclusionEventsError: forbidden; not_found.
    """
    ctx.require("manage_members")
    programme = get_programme(db, ctx, programme_code)
    chain = _Chain(db, programme.id)
    total = 0
    for account_id, moves in sorted(_movements(db, programme.id).items()):
        due = sum(lot.remaining for lot in pt.expiring(moves, as_of))
        due = min(due, chain.balance(account_id))
        if due > 0:
            chain.append(account_id, -due, "expire", f"expiry:{as_of.isoformat()}")
            total += due
    chain.write()
    db.flush()
    return total


def liability(db: Session, ctx: Context, programme_code: str) -> dict[str, int]:
    """The programme's points: ``issued`` (Σ earn), ``redeemed``, ``expired``, ``reversed``
    (positive figures), ``adjusted`` (Σ adjust, signed), ``outstanding`` (Σ of every entry = the
    liability: points members may still redeem) and ``accounts`` holding a balance."""
    ctx.require("read")
    programme = get_programme(db, ctx, programme_code)
    sums = dict(
        db.execute(
            select(PointsEntryRow.reason, func.sum(PointsEntryRow.delta))
            .where(PointsEntryRow.programme_id == programme.id)
            .group_by(PointsEntryRow.reason)
        ).all()
    )
    s = {k: int(v or 0) for k, v in sums.items()}
    holders = db.scalar(
        select(func.count())
        .select_from(PointsEntryRow)
        .where(PointsEntryRow.programme_id == programme.id)
        .where(PointsEntryRow.balance_after > 0)
        .where(
            PointsEntryRow.seq.in_(
                select(func.max(PointsEntryRow.seq))
                .where(PointsEntryRow.programme_id == programme.id)
                .group_by(PointsEntryRow.account_id)
            )
        )
    )
    return {
        "issued": s.get("earn", 0), "redeemed": -s.get("redeem", 0),
        "expired": -s.get("expire", 0), "reversed": -s.get("reversal", 0),
        "adjusted": s.get("adjust", 0), "outstanding": sum(s.values()),
        "accounts": int(holders or 0),
    }  # fmt: skip


def check_chain(db: Session, ctx: Context, programme_code: str) -> lg.ChainCheck:
    """Walk the programme's ledger and report the first broken link (:func:`ledger.verify`)."""
    ctx.require("read")
    programme = get_programme(db, ctx, programme_code)
    rows = db.scalars(
        select(PointsEntryRow)
        .where(PointsEntryRow.programme_id == programme.id)
        .order_by(PointsEntryRow.seq)
        .execution_options(yield_per=2000)
    )
    links = (
        lg.Link(
            r.organisation_id,
            r.programme_id,
            r.account_id,
            r.seq,
            r.delta,
            r.reason,
            r.ref,
            r.balance_after,
            r.expires_at,
            r.created_at,
            r.prev_hash,
            r.hash,
        )
        for r in rows
    )
    try:
        return lg.verify(links)
    finally:
        rows.close()  # the server-side cursor of a walk stopped at a broken link


def verify_chain(db: Session, ctx: Context, programme_code: str) -> bool:
    """True when the programme's ledger chain is intact (:func:`check_chain`)."""
    return check_chain(db, ctx, programme_code).ok


def erase_account_events(db: Session, account_id: int) -> None:
    """Erase the personal data of an account's events (PIPL deletion, H2's
    ``delete_person``): evidence hash, own product code and review notes. The figures (kg,
    points) and the ledger stay: they name no person."""
    db.execute(
        update(InclusionEventRow)
        .where(InclusionEventRow.account_id == int(account_id))
        .values(evidence_hash=None, product=None, review_note=None)
        .execution_options(synchronize_session="fetch")
    )
    db.flush()
