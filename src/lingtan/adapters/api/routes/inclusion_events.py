"""``/orgs/{org}/inclusion/{programme}/…``: action events, reversals, balances, history, expiry,
the liability, the ledger check and fraud review (issue 18 items 2–4, decision 0089).

Thin: each route parses, calls :mod:`lingtan.adapters.services.inclusion_events`, commits what
it changed (the service only flushes: the push settler and redemptions commit with their own
rows) and returns a schema. Reading needs ``read``; logging an action ``edit_data``; reversing,
reviewing and expiring ``manage_members``. The partner push (``…/events`` POST, signed) is
:mod:`.inclusion_push`; this ``…/actions`` is an organisation user logging an action."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from lingtan.adapters.api.deps import DbDep, Editor, MemberManager, Reader
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath
from lingtan.adapters.api.schemas.inclusion_events import (
    ActionLog,
    BalancePublic,
    ChainPublic,
    Decision,
    EventPublic,
    ExpiredPublic,
    Expiry,
    LiabilityPublic,
    OutcomePublic,
    Reversal,
)
from lingtan.adapters.services import inclusion_events as sv

router = APIRouter(prefix="/orgs/{org}/inclusion", tags=["inclusion"])

Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Ref = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
Filter = Annotated[str | None, Query(max_length=60, pattern=r"^[A-Za-z0-9_.\-]*$")]


def _outcome(o: sv.EventOutcome) -> OutcomePublic:
    return OutcomePublic(
        event_id=o.event_id, status=o.status, kg_co2e=o.kg_co2e, points=o.points,
        replayed=o.replayed, reason=o.reason,
    )  # fmt: skip


@router.post("/{programme}/actions", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def log_action(programme: Code, body: ActionLog, db: DbDep, tenant: Editor) -> OutcomePublic:
    """Log one action for an account (quantified, credited, posted); a replayed
    ``external_id`` returns the stored outcome with ``replayed`` true."""
    event = sv.EventIn(
        account_ref=body.account, action=body.action, quantity=body.quantity, unit=body.unit,
        occurred_at=body.occurred_at, source=body.source, external_id=body.external_id,
        evidence_hash=body.evidence_hash, distance_km=body.distance_km,
        duration_min=body.duration_min, mode=body.mode, product=body.product,
        context=dict(body.context),
    )  # fmt: skip
    out = sv.record_event(db, tenant, programme, event)
    db.commit()
    return _outcome(out)


@router.get("/{programme}/events", responses=READ_ERRORS)
def list_events(
    programme: Code,
    db: DbDep,
    tenant: Reader,
    account: Filter = None,
    action: Filter = None,
    status_: Annotated[sv.EventStatus | None, Query(alias="status")] = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[EventPublic]:
    """The programme's events, newest first (filters: account ref, action, status,
    ``start`` ≤ occurred_at < ``end``)."""
    rows = sv.list_events(
        db, tenant, programme, account_ref=account, action=action, status=status_,
        start=start, end=end, limit=limit, offset=offset,
    )  # fmt: skip
    return [EventPublic.model_validate(sv.event_json(r)) for r in rows]


@router.get("/events/{event_id}", responses=READ_ERRORS)
def get_event(event_id: IdPath, db: DbDep, tenant: Reader) -> EventPublic:
    """One event with its trace and its ledger entries."""
    return EventPublic.model_validate(sv.event_detail(db, tenant, event_id))


@router.post("/events/{event_id}/reverse", responses=WRITE_ERRORS)
def reverse_event(
    event_id: IdPath, body: Reversal, db: DbDep, tenant: MemberManager
) -> OutcomePublic:
    """Reverse an event: a negative entry returns the balance to what it was."""
    out = sv.reverse_event(db, tenant, event_id, body.reason)
    db.commit()
    return _outcome(out)


@router.get("/{programme}/accounts/{ref}/balance", responses=READ_ERRORS)
def account_balance(programme: Code, ref: Ref, db: DbDep, tenant: Reader) -> BalancePublic:
    """The account's balance, kg reduced and avoided, points expiring within 30 days."""
    return BalancePublic.model_validate(sv.account_balance(db, tenant, programme, ref))


@router.get("/{programme}/accounts/{ref}/history", responses=READ_ERRORS)
def account_history(programme: Code, ref: Ref, db: DbDep, tenant: Reader) -> list[EventPublic]:
    """The account's events, newest first, each with its arithmetic and ledger entries."""
    return [EventPublic.model_validate(e) for e in sv.account_history(db, tenant, programme, ref)]


@router.post("/{programme}/expire", responses=WRITE_ERRORS)
def expire(programme: Code, body: Expiry, db: DbDep, tenant: MemberManager) -> ExpiredPublic:
    """Expire the points due on or before ``as_of`` (first in, first out)."""
    as_of = body.as_of or dt.datetime.now(dt.UTC).date()
    n = sv.expire_points(db, tenant, programme, as_of)
    db.commit()
    return ExpiredPublic(as_of=as_of, expired=n)


@router.get("/{programme}/liability", responses=READ_ERRORS)
def liability(programme: Code, db: DbDep, tenant: Reader) -> LiabilityPublic:
    """Points issued, redeemed, expired, reversed, adjusted and outstanding (the liability)."""
    return LiabilityPublic.model_validate(sv.liability(db, tenant, programme))


@router.get("/{programme}/ledger/verify", responses=READ_ERRORS)
def verify_ledger(programme: Code, db: DbDep, tenant: Reader) -> ChainPublic:
    """Walk the programme's hash-chained ledger; the first broken link when there is one."""
    c = sv.check_chain(db, tenant, programme)
    return ChainPublic(
        ok=c.ok, entries=c.entries, first_bad_seq=c.first_bad_seq, reason=c.reason, head=c.head
    )


@router.get("/{programme}/review", responses=READ_ERRORS)
def review_queue(programme: Code, db: DbDep, tenant: Reader) -> list[EventPublic]:
    """Events waiting for a reviewer (held for unusual volume, or rejected by a plausibility
    rule), oldest first."""
    return [
        EventPublic.model_validate(sv.event_json(r)) for r in sv.review_queue(db, tenant, programme)
    ]


@router.post("/events/{event_id}/review", responses=WRITE_ERRORS)
def review_decide(
    event_id: IdPath, body: Decision, db: DbDep, tenant: MemberManager
) -> OutcomePublic:
    """Accept (credit) or reject a queued event."""
    out = sv.review_decide(db, tenant, event_id, body.decision, body.note)
    db.commit()
    return _outcome(out)
