"""Carbon-inclusion campaigns, multipliers and leaderboards (issue 18 item 5, decision 0091).

- campaigns of a programme: create, list, show, update (a frozen campaign can no longer be
  changed); ``code`` unique in the organisation; the checks of
  :mod:`lingtan.modules.inclusion.campaigns`;
- :func:`multiplier_for`: the multiplier of an action at a time — called by
  :func:`lingtan.adapters.services.inclusion_events.record_event` for every event, so the
  programme's campaigns are cached on the session (``Session.info``) and the cache is dropped
  on every change made here and after :data:`CACHE_SECONDS` (changes made by another process);
- :func:`leaderboard`: computed live from the events of
  :mod:`lingtan.adapters.store.inclusion_ledger` (points of accepted, eligible events inside the
  window) and the accounts' group codes of :mod:`lingtan.adapters.store.inclusion_programmes`,
  by the rule of :mod:`lingtan.modules.inclusion.leaderboard`, until the campaign is frozen;
  then served from the frozen snapshot;
- :func:`freeze`: explicit, or automatic on the first read after the window ended — every
  published scope's full board is stored with the sha256 of its rows.

Reading needs ``read``; changing ``edit_data``. A refusal is an
:class:`InclusionCampaignError` with its catalogue key (``incl_camp.err.*``).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.adapters.store.inclusion_campaigns import (
    InclusionCampaignRow,
    InclusionLeaderboardEntryRow,
    InclusionLeaderboardRow,
)
from lingtan.adapters.store.models import utcnow
from lingtan.core.messages import Message, msg
from lingtan.modules.inclusion import campaigns as cm
from lingtan.modules.inclusion import leaderboard as lb
from lingtan.modules.inclusion.errors import InclusionError

#: how long a session keeps a programme's campaigns for :func:`multiplier_for` [s]
CACHE_SECONDS = 30.0
_CACHE_KEY = "incl_camp.campaigns"
#: the fields a campaign is created or updated from
CAMPAIGN_FIELDS = ("code", "name", "start", "end", "eligible_actions", "multipliers",
                   "team_rule", "scopes", "prizes", "status")  # fmt: skip
STATUSES = ("active", "cancelled")


class InclusionCampaignError(KeyedError):
    """A refused request of campaigns, rewards or leaderboards: besides the English
    ``message`` it carries ``key`` (``incl_camp.err.*``) and ``params``."""


def refused(kind: Kind, message: Message, field: str | None = None) -> InclusionCampaignError:
    """An :class:`InclusionCampaignError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(InclusionCampaignError, kind, message, field)


def from_module(exc: InclusionError) -> InclusionCampaignError:
    """A module error as a 422 refusal naming its field."""
    return refused("invalid", exc.message, exc.field)


def programme_row(db: Session, ctx: Context, code: str) -> Any:
    """The programme ``code`` (:func:`lingtan.adapters.services.inclusion_programmes.get_programme`;
    its refusal when unknown)."""
    from lingtan.adapters.services.inclusion_programmes import get_programme

    return get_programme(db, ctx, code)


# ---- campaigns ----------------------------------------------------------------------------


def campaign_of(row: InclusionCampaignRow) -> cm.Campaign:
    """The pure campaign of a stored row."""
    return cm.Campaign(
        code=row.code, name=row.name, start=row.window_start, end=row.window_end,
        eligible_actions=tuple(row.eligible_actions or ()),
        multipliers=dict(row.multipliers or {}),
        team_rule=lb.check_team_rule(row.team_rule), scopes=tuple(row.scopes or ()),
        prizes=dict(row.prizes or {}),
    )  # fmt: skip


def campaign_dict(row: InclusionCampaignRow, today: date | None = None) -> dict[str, Any]:
    """A campaign as plain data, with its ``phase`` on ``today`` (upcoming | running | ended)."""
    day = today or utcnow().date()
    phase = "upcoming" if day < row.window_start else ("ended" if day > row.window_end
                                                       else "running")  # fmt: skip
    return {
        "id": row.id, "code": row.code, "name": row.name, "start": row.window_start,
        "end": row.window_end, "eligible_actions": list(row.eligible_actions or []),
        "multipliers": dict(row.multipliers or {}), "team_rule": row.team_rule,
        "scopes": list(row.scopes or []), "prizes": dict(row.prizes or {}),
        "status": row.status, "frozen_at": row.frozen_at, "phase": phase,
    }  # fmt: skip


def _drop_cache(db: Session) -> None:
    db.info.pop(_CACHE_KEY, None)


def list_campaigns(db: Session, ctx: Context, programme_code: str) -> list[InclusionCampaignRow]:
    """The programme's campaigns, newest window first."""
    ctx.require("read")
    pid = programme_row(db, ctx, programme_code).id
    q = select(InclusionCampaignRow).where(InclusionCampaignRow.programme_id == pid)
    return sorted(db.scalars(q), key=lambda r: (r.window_start, r.code), reverse=True)


def _find(db: Session, code: str) -> InclusionCampaignRow | None:
    return db.scalar(select(InclusionCampaignRow).where(InclusionCampaignRow.code == code))


def get_campaign(
    db: Session, ctx: Context, code: str, programme_code: str | None = None
) -> InclusionCampaignRow:
    """The campaign ``code`` (of ``programme_code`` when given).

    Raises:
        InclusionCampaignError: 404 no such campaign (in that programme).
    """
    ctx.require("read")
    row = _find(db, str(code or "").strip())
    if (
        row is not None
        and programme_code is not None
        and row.programme_id != programme_row(db, ctx, programme_code).id
    ):
        row = None
    if row is None:
        raise refused("not_found", msg("incl_camp.err.no_campaign", code=str(code)[:40]), "code")
    return row


def _checked(fields: Mapping[str, Any]) -> tuple[cm.Campaign, str]:
    unknown = sorted(set(fields) - set(CAMPAIGN_FIELDS))
    if unknown:
        raise refused("invalid", msg("incl_camp.err.field", value=unknown[0]), unknown[0])
    status = str(fields.get("status") or "active").strip().lower()
    if status not in STATUSES:
        raise refused("invalid", msg("incl_camp.err.status", value=status[:20]), "status")
    try:
        return cm.build(fields), status
    except InclusionError as exc:
        raise from_module(exc) from exc


def _store(row: InclusionCampaignRow, c: cm.Campaign, status: str) -> None:
    row.code, row.name = c.code, c.name
    row.window_start, row.window_end = c.start, c.end
    row.eligible_actions = list(c.eligible_actions)
    row.multipliers = dict(c.multipliers)
    row.team_rule, row.scopes, row.prizes = c.team_rule, list(c.scopes), dict(c.prizes)
    row.status = status


def create_campaign(
    db: Session, ctx: Context, programme_code: str, fields: Mapping[str, Any]
) -> InclusionCampaignRow:
    """Add a campaign to the programme (audited).

    Raises:
        InclusionCampaignError: 422 an invalid field; 409 the code exists.
    """
    ctx.require("edit_data")
    pid = programme_row(db, ctx, programme_code).id
    c, status = _checked(fields)
    if _find(db, c.code) is not None:
        raise refused("conflict", msg("incl_camp.err.campaign_exists", code=c.code), "code")
    row = InclusionCampaignRow(programme_id=pid)
    _store(row, c, status)
    db.add(row)
    db.commit()
    _drop_cache(db)
    return row


def update_campaign(
    db: Session, ctx: Context, programme_code: str, code: str, fields: Mapping[str, Any]
) -> InclusionCampaignRow:
    """Change a campaign (audited); the fields not given keep their value.

    Raises:
        InclusionCampaignError: 404 unknown; 409 frozen, or the new code exists; 422 a field.
    """
    ctx.require("edit_data")
    row = get_campaign(db, ctx, code, programme_code)
    if row.frozen_at is not None:
        raise refused("conflict", msg("incl_camp.err.frozen", code=row.code), "code")
    merged = {k: v for k, v in campaign_dict(row).items() if k in CAMPAIGN_FIELDS}
    merged.update(fields)
    c, status = _checked(merged)
    if c.code != row.code and _find(db, c.code) is not None:
        raise refused("conflict", msg("incl_camp.err.campaign_exists", code=c.code), "code")
    _store(row, c, status)
    db.commit()
    _drop_cache(db)
    return row


# ---- multipliers --------------------------------------------------------------------------


def _programme_campaigns(db: Session, programme_id: int) -> list[cm.Campaign]:
    """The programme's active campaigns, cached on the session (module docstring)."""
    cache: dict[int, tuple[float, list[cm.Campaign]]] = db.info.setdefault(_CACHE_KEY, {})
    now = time.monotonic()
    hit = cache.get(programme_id)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    q = select(InclusionCampaignRow).where(
        InclusionCampaignRow.programme_id == programme_id, InclusionCampaignRow.status == "active"
    )
    found = [campaign_of(r) for r in db.scalars(q)]
    cache[programme_id] = (now, found)
    return found


def multiplier_for(
    db: Session, programme_id: int, action: str, at: datetime
) -> tuple[float, str | None]:
    """The product of the multipliers of the programme's active campaigns running at ``at``
    for ``action``, and the code of the campaign giving the largest; ``(1.0, None)`` when none
    (:func:`lingtan.modules.inclusion.campaigns.multiplier`). One query per programme and
    session at most every :data:`CACHE_SECONDS`."""
    return cm.multiplier(_programme_campaigns(db, programme_id), action, at)


# ---- leaderboards -------------------------------------------------------------------------


def _check_scope(row: InclusionCampaignRow, scope: str) -> str:
    got = str(scope or "").strip().lower()
    if got not in lb.SCOPES:
        raise refused("invalid", msg("incl_camp.err.scope", value=got[:40]), "scope")
    if got not in (row.scopes or []):
        raise refused("invalid", msg("incl_camp.err.scope_not_published", scope=got,
                                     code=row.code), "scope")  # fmt: skip
    return got


def contributions(db: Session, row: InclusionCampaignRow, scope: str) -> list[lb.Contribution]:
    """The points of the accepted, eligible events inside the window (inclusive days), with
    each account's ref and group code; for the ``class`` and ``department`` scopes only the
    accounts of groups of that kind carry their group."""
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow, InclusionGroupRow

    ev, acc = InclusionEventRow, InclusionAccountRow
    begin = datetime.combine(row.window_start, dtime.min)
    stop = datetime.combine(row.window_end + timedelta(days=1), dtime.min)
    q = (
        select(acc.ref, acc.group_code, ev.points, ev.occurred_at)
        .join(acc, acc.id == ev.account_id)
        .where(ev.programme_id == row.programme_id, ev.status == "accepted",
               ev.occurred_at >= begin, ev.occurred_at < stop)
    )  # fmt: skip
    if row.eligible_actions:
        q = q.where(ev.action.in_(list(row.eligible_actions)))
    kinds: set[str] | None = None
    if scope in ("class", "department"):
        gq = select(InclusionGroupRow.code).where(
            InclusionGroupRow.programme_id == row.programme_id, InclusionGroupRow.kind == scope
        )
        kinds = set(db.scalars(gq))
    return [
        lb.Contribution(ref, group if kinds is None or group in kinds else None,
                        int(points or 0), at)
        for ref, group, points, at in db.execute(q)
    ]  # fmt: skip


def compute(
    db: Session, row: InclusionCampaignRow, scope: str, limit: int | None = None
) -> list[lb.LeaderRow]:
    """The live board of ``scope`` (no permission check: callers check)."""
    items = contributions(db, row, scope)
    if scope == "individual":
        return lb.individual(items, limit)
    return lb.team(items, lb.check_team_rule(row.team_rule), limit)


def _snapshot(db: Session, row: InclusionCampaignRow, scope: str) -> InclusionLeaderboardRow | None:
    return db.scalar(
        select(InclusionLeaderboardRow).where(
            InclusionLeaderboardRow.campaign_id == row.id, InclusionLeaderboardRow.scope == scope
        )
    )


def content_hash(code: str, scope: str, team_rule: str, rows: list[lb.LeaderRow]) -> str:
    """sha256 (hex) of a board's canonical JSON (sorted keys, no spaces)."""
    body = {"campaign": code, "scope": scope, "team_rule": team_rule,
            "rows": [r.to_dict() for r in rows]}  # fmt: skip
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def frozen_rows(
    db: Session, snap: InclusionLeaderboardRow, limit: int | None = None
) -> list[lb.LeaderRow]:
    """The rows of a frozen board, by rank."""
    q = (
        select(InclusionLeaderboardEntryRow)
        .where(InclusionLeaderboardEntryRow.leaderboard_id == snap.id)
        .order_by(InclusionLeaderboardEntryRow.rank)
    )
    if limit is not None:
        q = q.limit(limit)
    return [lb.LeaderRow(r.rank, r.subject, r.score, r.points, r.active, r.attained_at)
            for r in db.scalars(q)]  # fmt: skip


def _freeze(db: Session, row: InclusionCampaignRow) -> list[InclusionLeaderboardRow]:
    now = utcnow()
    snaps = []
    for scope in row.scopes or []:
        rows = compute(db, row, scope)
        snap = InclusionLeaderboardRow(
            campaign_id=row.id, scope=scope, team_rule=row.team_rule, rows=len(rows),
            content_hash=content_hash(row.code, scope, row.team_rule, rows), frozen_at=now,
        )  # fmt: skip
        db.add(snap)
        db.flush()
        db.add_all(
            InclusionLeaderboardEntryRow(leaderboard_id=snap.id, rank=r.rank, subject=r.subject,
                                         score=r.score, points=r.points, active=r.active,
                                         attained_at=r.attained_at)
            for r in rows
        )  # fmt: skip
        snaps.append(snap)
    row.frozen_at = now
    db.commit()
    _drop_cache(db)
    return snaps


def freeze(db: Session, ctx: Context, campaign_code: str) -> list[InclusionLeaderboardRow]:
    """Freeze every published board of the campaign now (audited): later events no longer
    change it.

    Raises:
        InclusionCampaignError: 404 unknown; 409 already frozen.
    """
    ctx.require("edit_data")
    row = get_campaign(db, ctx, campaign_code)
    if row.frozen_at is not None:
        raise refused("conflict", msg("incl_camp.err.frozen", code=row.code), "code")
    return _freeze(db, row)


def leaderboard(
    db: Session, ctx: Context, campaign_code: str, scope: str = "individual", limit: int = 50
) -> list[lb.LeaderRow]:
    """The board of ``scope``: live until frozen, then the snapshot. A campaign whose window
    has ended is frozen on this first read.

    Raises:
        InclusionCampaignError: 404 unknown campaign; 422 a scope it does not publish, a
        limit outside 1 … 10,000.
    """
    ctx.require("read")
    row = get_campaign(db, ctx, campaign_code)
    got = _check_scope(row, scope)
    if not 1 <= limit <= 10_000:
        raise refused("invalid", msg("incl_camp.err.limit", value=limit), "limit")
    if row.frozen_at is None and row.window_end < utcnow().date():
        _freeze(db, row)
    if row.frozen_at is not None:
        snap = _snapshot(db, row, got)
        return frozen_rows(db, snap, limit) if snap is not None else []
    return compute(db, row, got, limit)


def snapshot_info(db: Session, ctx: Context, campaign_code: str) -> list[dict[str, Any]]:
    """The frozen boards of a campaign: scope, team rule, rows, content hash, frozen_at."""
    ctx.require("read")
    row = get_campaign(db, ctx, campaign_code)
    q = select(InclusionLeaderboardRow).where(InclusionLeaderboardRow.campaign_id == row.id)
    return [{"scope": s.scope, "team_rule": s.team_rule, "rows": s.rows,
             "content_hash": s.content_hash, "frozen_at": s.frozen_at}
            for s in db.scalars(q)]  # fmt: skip


def leaderboard_view(
    db: Session, ctx: Context, campaign_code: str, scope: str = "individual", limit: int = 50
) -> dict[str, Any]:
    """:func:`leaderboard` with its campaign, scope, team rule and, once frozen, when and the
    content hash of the snapshot (the API's and the pages' view)."""
    rows = leaderboard(db, ctx, campaign_code, scope, limit)
    row = get_campaign(db, ctx, campaign_code)
    got = str(scope).strip().lower()
    snap = _snapshot(db, row, got) if row.frozen_at is not None else None
    return {"campaign": row.code, "scope": got, "team_rule": row.team_rule,
            "frozen": row.frozen_at is not None, "frozen_at": row.frozen_at,
            "content_hash": snap.content_hash if snap is not None else None,
            "rows": [r.to_dict() for r in rows]}  # fmt: skip
