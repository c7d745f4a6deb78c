"""The carbon-inclusion programme report and the member's own view (issue 18 item 7, decision
0092).

- :func:`programme_report`: what an administrator reads of one programme over a period —
  participants, accounts active in the period, events by action and status, kg CO2e by
  methodology pack and by what it counts as (**reductions and avoided emissions are shown
  separately and never summed**: GHG Protocol Scope 3 Standard §9.5 reports avoided emissions
  apart from any inventory), the points issued, redeemed, expired, reversed and outstanding (the
  programme's liability, from the hash-chained ledger) and the commuting rows the Scope 3
  category 7 feed writes (pkm by site, mode and month, GHG Protocol Scope 3 Technical Guidance
  cat. 7 "distance-based method").
- :func:`member_view`: what the member's page shows — balance, kg reduced and avoided (apart),
  recent history with each event's arithmetic trace, rewards, the leaderboards of the member's
  active campaigns with the member's own rank, consents.

Every figure comes from the other slices' services and stores (programmes H2, ledger H3,
campaigns and rewards H5); this module only gathers and lays them out. Other members are never
named: leaderboards show pseudonymous refs or group names only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import conflict
from lingtan.adapters.store import inclusion_ledger as ledger_store
from lingtan.adapters.store import inclusion_programmes as prog_store
from lingtan.adapters.store.tenancy import Action, Role, can
from lingtan.adapters.store.workspace import Workspace, org_workspace
from lingtan.modules.inclusion.actions import ACTIONS

#: how many recent events the member's page lists
HISTORY_LIMIT = 30
#: how many leaderboard rows the member's page shows around the top
LEADERBOARD_LIMIT = 10
#: what counts_as a kg figure may be; ``engagement`` is always 0 kg
COUNTS_AS = ("reduction", "avoided", "engagement")


@dataclass(frozen=True)
class MemberContext:
    """The context of a member acting through their link (no login, decision 0092): the
    organisation of the link, the audit actor ``member:<ref> (link)``. It may read and record
    (the ``analyst`` role's actions: ``read``, ``edit_data``) — the member page calls only the
    services of the member's own account (log an action, redeem, revoke a consent, export,
    delete), never the organisation's other registers."""

    organisation_id: int
    account_ref: str
    workspace_path: str | None
    bind: Engine | Connection

    @property
    def actor(self) -> str:
        """The audit log's name of the member."""
        return f"member:{self.account_ref} (link)"

    def can(self, action: Action) -> bool:
        """True for ``read`` and ``edit_data`` only."""
        return can(Role.ANALYST, action)

    def require(self, action: Action) -> None:
        """Refuse (403) anything else than reading and recording."""
        if not self.can(action):
            from lingtan.adapters.services.errors import forbidden

            raise forbidden(f"a member may not {action.replace('_', ' ')}")

    def workspace(self) -> Workspace:
        """The organisation's workspace (a product footprint for second-hand substitution).

        Raises:
            ServiceError: 409 when the organisation has no workspace folder.
        """
        if not self.workspace_path:
            raise conflict("the organisation has no workspace folder")
        return org_workspace(self.bind, self.organisation_id, self.workspace_path, actor=self.actor)  # type: ignore[arg-type]


def member_context(db: Session, member: Any) -> MemberContext:
    """The :class:`MemberContext` of a resolved member link (``MemberRef`` of H2's
    ``resolve_member_link``); ``db`` is already scoped to the member's organisation."""
    from lingtan.adapters.store.scoping import ACTOR_KEY
    from lingtan.adapters.store.tenancy import Organisation

    org = db.get(Organisation, member.organisation_id)
    ctx = MemberContext(
        organisation_id=int(member.organisation_id),
        account_ref=str(member.account_ref),
        workspace_path=org.workspace_path if org is not None else None,
        bind=db.get_bind(),
    )
    db.info[ACTOR_KEY] = ctx.actor
    return ctx


# -- the programme report ---------------------------------------------------------------------


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """``[start 00:00, end+1 00:00)`` as naive UTC datetimes (the end day is included)."""
    lo = datetime.combine(start, time()) if start else None
    hi = datetime.combine(end + timedelta(days=1), time()) if end else None
    return lo, hi


def _in_period(stmt: Any, column: Any, start: date | None, end: date | None) -> Any:
    lo, hi = _bounds(start, end)
    if lo is not None:
        stmt = stmt.where(column >= lo)
    if hi is not None:
        stmt = stmt.where(column < hi)
    return stmt


def _kg_by_counts_as(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """kg CO2e per ``counts_as`` (reduction, avoided, engagement) — kept apart, never summed."""
    out = dict.fromkeys(COUNTS_AS, 0.0)
    for r in rows:
        out[r["counts_as"]] = out.get(r["counts_as"], 0.0) + float(r["kg_co2e"])
    return {k: round(v, 6) for k, v in out.items()}


def _category7(
    db: Session, programme_id: int, start: date | None, end: date | None
) -> list[dict[str, Any]]:
    """Accepted commuting events (actions feeding Scope 3 category 7) as the feed aggregates
    them: pkm by site, mode and month."""
    ev, acc = ledger_store.InclusionEventRow, prog_store.InclusionAccountRow
    feeding = [a.code for a in ACTIONS.values() if a.scope3_category == 7]
    stmt = (
        select(acc.site_code, ev.action, ev.occurred_at, ev.quantity, ev.distance_km)
        .join(acc, acc.id == ev.account_id)
        .where(ev.programme_id == programme_id, ev.status == "accepted", ev.action.in_(feeding))
    )
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for site, action, occurred, quantity, distance in db.execute(
        _in_period(stmt, ev.occurred_at, start, end)
    ):
        key = (site or "", action.split(".", 1)[1], occurred.strftime("%Y-%m"))
        sums[key][0] += float(distance if distance is not None else quantity or 0.0)
        sums[key][1] += 1
    return [
        {"site": s, "mode": m, "month": mo, "pkm": round(v[0], 6), "events": int(v[1])}
        for (s, m, mo), v in sorted(sums.items())
    ]


def programme_report(
    db: Session, ctx: Context, programme_code: str, start: date | None, end: date | None
) -> dict[str, Any]:
    """The report of one programme over ``[start, end]`` (days included; ``None``: open).

    Keys: ``programme``, ``period``, ``participants`` (person accounts enrolled now, not
    deleted: a stock, not a flow of the period), ``groups`` (group accounts, likewise),
    ``active_accounts`` (accounts with an
    accepted event in the period), ``events`` (count by action and status), ``events_total``,
    ``kg_by_method`` (kg CO2e by pack, version and counts_as), ``kg_by_counts_as`` (reduction
    and avoided apart; engagement is 0 kg), ``points`` (issued, redeemed, expired, reversed,
    outstanding — the ledger's all-time liability, in points), ``points_in_period`` (the same
    flows posted in the period), ``category7`` (pkm by site, mode and month).

    Raises:
        ServiceError: 403 without ``read``; 404 unknown programme.
    """
    from lingtan.adapters.services import inclusion_events as events
    from lingtan.adapters.services import inclusion_programmes as programmes

    ctx.require("read")
    prog = programmes.get_programme(db, ctx, programme_code)
    acc, ev = prog_store.InclusionAccountRow, ledger_store.InclusionEventRow
    enrolled = select(acc.kind, func.count()).where(
        acc.programme_id == prog.id, acc.status != "deleted"
    )
    kinds: dict[str, int] = {k: int(n) for k, n in db.execute(enrolled.group_by(acc.kind))}
    active = db.scalar(
        _in_period(
            select(func.count(func.distinct(ev.account_id))).where(
                ev.programme_id == prog.id, ev.status == "accepted"
            ),
            ev.occurred_at,
            start,
            end,
        )
    )
    by_status = db.execute(
        _in_period(
            select(ev.action, ev.status, func.count())
            .where(ev.programme_id == prog.id)
            .group_by(ev.action, ev.status),
            ev.occurred_at,
            start,
            end,
        )
    ).all()
    counted = [{"action": a, "status": s, "count": int(n)} for a, s, n in sorted(by_status)]
    by_method = db.execute(
        _in_period(
            select(ev.pack_id, ev.pack_version, ev.counts_as, func.sum(ev.kg_co2e), func.count())
            .where(ev.programme_id == prog.id, ev.status == "accepted")
            .group_by(ev.pack_id, ev.pack_version, ev.counts_as),
            ev.occurred_at,
            start,
            end,
        )
    ).all()
    kg_rows = [
        {
            "pack_id": p or "",
            "pack_version": v or "",
            "counts_as": c or "engagement",
            "kg_co2e": round(float(kg or 0.0), 6),
            "events": int(n),
        }
        for p, v, c, kg, n in sorted(by_method, key=lambda r: (r[2] or "", r[0] or "", r[1] or ""))
    ]
    return {
        "programme": {
            "code": prog.code,
            "name": prog.name,
            "audience": prog.audience,
            "region": prog.region,
            "status": prog.status,
            "points_per_kg": float(prog.points_per_kg),
        },
        "period": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
        "participants": int(kinds.get("person", 0)),
        "groups": int(kinds.get("group", 0)),
        "active_accounts": int(active or 0),
        "events": counted,
        "events_total": sum(r["count"] for r in counted),
        "kg_by_method": kg_rows,
        "kg_by_counts_as": _kg_by_counts_as(kg_rows),
        "points": {k: int(v) for k, v in events.liability(db, ctx, programme_code).items()},
        "points_in_period": _points_in_period(db, prog.id, start, end),
        "category7": _category7(db, prog.id, start, end),
    }


#: ledger reasons as the report's flows (the sign turned so that every flow is ≥ 0)
_FLOWS = {"earn": "issued", "redeem": "redeemed", "expire": "expired", "reversal": "reversed"}


def _points_in_period(
    db: Session, programme_id: int, start: date | None, end: date | None
) -> dict[str, int]:
    """Points posted in the period by flow (``adjust`` entries as ``adjusted``, signed)."""
    pe = ledger_store.PointsEntryRow
    stmt = (
        select(pe.reason, func.sum(pe.delta))
        .where(pe.programme_id == programme_id)
        .group_by(pe.reason)
    )
    out = {"issued": 0, "redeemed": 0, "expired": 0, "reversed": 0, "adjusted": 0}
    for reason, total in db.execute(_in_period(stmt, pe.created_at, start, end)):
        flow = _FLOWS.get(reason, "adjusted")
        out[flow] += int(total or 0) if flow in ("issued", "adjusted") else -int(total or 0)
    return out


def overview(db: Session, ctx: Context) -> list[dict[str, Any]]:
    """Each programme with its participants and points outstanding (the admin overview)."""
    from lingtan.adapters.services import inclusion_events as events
    from lingtan.adapters.services import inclusion_programmes as programmes

    ctx.require("read")
    acc = prog_store.InclusionAccountRow
    counts: dict[int, int] = {
        int(pid): int(n)
        for pid, n in db.execute(
            select(acc.programme_id, func.count())
            .where(acc.kind == "person", acc.status != "deleted")
            .group_by(acc.programme_id)
        )
    }
    out = []
    for p in programmes.list_programmes(db, ctx):
        out.append(
            {
                "code": p.code,
                "name": p.name,
                "audience": p.audience,
                "region": p.region,
                "status": p.status,
                "started": p.started,
                "participants": int(counts.get(p.id, 0)),
                "outstanding": int(events.liability(db, ctx, p.code).get("outstanding", 0)),
            }
        )
    return out


# -- the member's view ------------------------------------------------------------------------


def allowed_actions(programme: Any) -> list[str]:
    """The actions a member may log on the page: every action quantified by a methodology pack,
    and the engagement actions the programme gives points for."""
    engagement = dict(programme.engagement_points or {})
    return [
        code
        for code, a in ACTIONS.items()
        if a.counts_as != "engagement" or engagement.get(code, 0) > 0
    ]


def _event_view(e: Any, org_slug: str | None = None) -> dict[str, Any]:
    """One event as the member's page shows it; a carbon-neutral PC purchase (0 kg: its
    footprint's credits were retired by the product claim) carries ``evidence_url``, the
    product's public evidence page (``services.inclusion_inventory.evidence_path``)."""
    from lingtan.adapters.services.inclusion_inventory import CARBON_NEUTRAL_PC, evidence_path

    evidence = (
        evidence_path(org_slug, e.product)
        if org_slug is not None and e.action == CARBON_NEUTRAL_PC
        else None
    )
    return {
        "evidence_url": evidence,
        "id": e.id,
        "action": e.action,
        "occurred_at": e.occurred_at,
        "quantity": float(e.quantity),
        "unit": e.unit,
        "distance_km": e.distance_km,
        "duration_min": e.duration_min,
        "source": e.source,
        "status": e.status,
        "reason": e.reason,
        "kg_co2e": float(e.kg_co2e or 0.0),
        "counts_as": e.counts_as or "engagement",
        "pack_id": e.pack_id,
        "pack_version": e.pack_version,
        "points": int(e.points or 0),
        "multiplier": float(e.multiplier or 1.0),
        "campaign_code": e.campaign_code,
        "trace": list(e.trace or []),
    }


def event_view(db: Session, event_id: int, account_id: int) -> dict[str, Any] | None:
    """One event of the account as the member's page shows it (its arithmetic trace), or
    ``None`` (unknown, or another account's)."""
    row = db.get(ledger_store.InclusionEventRow, event_id)
    return _event_view(row) if row is not None and row.account_id == account_id else None


def _board_campaigns(campaigns: list[Any], today: date) -> list[Any]:
    """The campaigns whose window holds ``today``; else the latest one that has ended (its
    frozen board), so that a member still sees the last result."""
    running = [c for c in campaigns if c.window_start <= today <= c.window_end]
    if running:
        return running
    ended = [c for c in campaigns if c.window_end < today]
    return sorted(ended, key=lambda c: (c.window_end, c.code))[-1:]


def _leaderboards(
    db: Session, ctx: Context, programme_code: str, ref: str, group: str | None
) -> list[dict[str, Any]]:
    """The leaderboards of the programme's current campaigns with the member's own rank (by
    their ref, or their group's code on a team, class or department board). Other members
    appear by pseudonymous ref or group code only; the top :data:`LEADERBOARD_LIMIT` rows and
    the member's own row are shown."""
    from lingtan.adapters.services import inclusion_campaigns as campaigns

    today = datetime.now(UTC).date()
    boards = []
    for c in _board_campaigns(campaigns.list_campaigns(db, ctx, programme_code), today):
        for scope in c.scopes or ():
            rows = campaigns.leaderboard(db, ctx, c.code, scope, limit=10_000)
            mine = ref if scope == "individual" else group
            ranks = [r for r in rows if r.subject == mine]
            shown = [
                {
                    "rank": int(r.rank),
                    "label": r.subject,
                    "score": float(r.score),
                    "points": int(r.points),
                    "mine": r.subject == mine,
                }
                for r in rows
                if r.rank <= LEADERBOARD_LIMIT or r.subject == mine
            ]
            boards.append(
                {
                    "campaign": c.code,
                    "name": c.name,
                    "scope": scope,
                    "team_rule": c.team_rule,
                    "window_start": c.window_start,
                    "window_end": c.window_end,
                    "frozen": c.frozen_at is not None,
                    "rows": shown,
                    "my_rank": int(ranks[0].rank) if ranks else None,
                    "size": len(rows),
                }
            )
    return boards


def _rewards(db: Session, ctx: Context, programme_code: str, balance: int) -> list[dict[str, Any]]:
    """The active rewards with their cost [points], stock and whether the balance affords them."""
    from lingtan.adapters.services import inclusion_rewards as rewards

    out = []
    for r in rewards.list_rewards(db, ctx, programme_code):
        if r.status != "active":
            continue
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "points_cost": int(r.points_cost),
                "stock": r.stock,
                "affordable": r.points_cost <= balance and (r.stock is None or r.stock > 0),
            }
        )
    return out


def _consents(db: Session, account_id: int) -> list[dict[str, Any]]:
    c = prog_store.InclusionConsentRow
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = db.scalars(select(c).where(c.account_id == account_id).order_by(c.granted_at.desc()))
    return [
        {
            "partner_code": r.partner_code,
            "scopes": list(r.scopes or []),
            "granted_at": r.granted_at,
            "expires_at": r.expires_at,
            "revoked_at": r.revoked_at,
            "active": r.revoked_at is None and (r.expires_at is None or r.expires_at > now),
        }
        for r in rows
    ]


def member_view(db: Session, member: Any) -> dict[str, Any]:
    """What the member's page shows for a resolved member link (H2 ``MemberRef``): ``member``,
    ``balance`` [points], ``kg`` (reduction and avoided apart) [kg CO2e], ``history`` (the
    latest :data:`HISTORY_LIMIT` events, each with its arithmetic trace), ``actions`` (what may
    be logged), ``rewards``, ``leaderboards``, ``consents``."""
    from lingtan.adapters.services import inclusion_events as events
    from lingtan.adapters.services import inclusion_programmes as programmes

    ctx = member_context(db, member)
    prog = programmes.get_programme(db, ctx, member.programme_code)
    account = db.get(prog_store.InclusionAccountRow, member.account_id)
    ev = ledger_store.InclusionEventRow
    rows = db.scalars(
        select(ev)
        .where(ev.account_id == member.account_id)
        .order_by(ev.occurred_at.desc(), ev.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    sums = db.execute(
        select(ev.counts_as, func.sum(ev.kg_co2e))
        .where(ev.account_id == member.account_id, ev.status == "accepted")
        .group_by(ev.counts_as)
    ).all()
    kg = dict.fromkeys(COUNTS_AS, 0.0)
    for counts_as, total in sums:
        kg[counts_as or "engagement"] = round(float(total or 0.0), 6)
    bal = int(events.balance(db, member.account_id))
    group = account.group_code if account is not None else None
    return {
        "member": {
            "ref": member.account_ref,
            "org_slug": member.org_slug,
            "programme_code": prog.code,
            "programme_name": prog.name,
            "group": group,
            "status": account.status if account is not None else "deleted",
        },
        "balance": bal,
        "kg": kg,
        "history": [_event_view(e, member.org_slug) for e in rows],
        "actions": allowed_actions(prog),
        "rewards": _rewards(db, ctx, prog.code, bal),
        "leaderboards": _leaderboards(db, ctx, prog.code, member.account_ref, group),
        "consents": _consents(db, member.account_id),
    }
