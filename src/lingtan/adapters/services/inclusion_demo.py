"""Load the carbon-inclusion demo into an organisation through the inclusion services — the same
use cases the command line, the API and the web pages call (issue 18 item 10; decision 0094;
docs/inclusion-demo.md). All data SYNTHETIC (:mod:`lingtan.adapters.demo.inclusion`):

1. the report's three programmes with their start dates, their groups (departments and teams,
   a school and its classes) and members (:mod:`.inclusion_programmes`);
2. Environment Week 2023 and 2024 (points PK between teams, commuting × 2) and rewards
   (:mod:`.inclusion_campaigns`, :mod:`.inclusion_rewards`), before the events so that the
   multipliers apply;
3. a year of actions per programme through :func:`.inclusion_events.record_events` — among
   them the 0-kg purchase of the products demo's carbon-neutral laptop;
4. the partner "二手平台 demo": consent granted by 20 consumers; its pushes settled through the
   push settlement (:func:`.inclusion_push.settle_group`: consent checked per event), one of
   them from a consumer who never consented — refused with ``incl_push.err.no_consent``;
5. the Environment Week boards frozen, a few rewards redeemed;
6. the employees' commuting of FY2024/25 fed into Scope 3 category 7
   (:func:`.inclusion_inventory.feed_category7`).

Idempotent: nothing is loaded when the employee programme exists (the feed alone runs again
and, with the same events, imports nothing). :func:`inclusion_summary` computes what
``lingtan demo`` prints; :func:`prepare_inclusion_demo` is what ``lingtan serve --demo`` calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingtan.adapters.demo import inclusion as demo
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import ServiceError

__all__ = [
    "InclusionDemoReport",
    "InclusionSummary",
    "inclusion_summary",
    "load_inclusion_demo",
    "prepare_inclusion_demo",
]


@dataclass(frozen=True)
class InclusionDemoReport:
    """What :func:`load_inclusion_demo` wrote: programmes, accounts, events recorded (and of
    them accepted), pushes (accepted, refused), redemptions and the category-7 rows fed."""

    programmes: int = 0
    accounts: int = 0
    events: int = 0
    accepted: int = 0
    pushes: int = 0
    pushes_refused: int = 0
    redemptions: int = 0
    category7_rows: int = 0
    loaded: bool = False
    problems: tuple[str, ...] = ()


def _sites(ctx: Context) -> tuple[str, ...]:
    """The workspace's sites (employees are spread over the first five)."""
    return tuple(s.id for s in ctx.workspace().config.boundary.sites)[:5]


def _loaded(db: Session, ctx: Context) -> bool:
    from lingtan.adapters.services.inclusion_programmes import get_programme

    try:
        get_programme(db, ctx, demo.EMP)
    except ServiceError:
        return False
    return True


def _event_in(a: demo.Action, ref: str, source: str = "app", partner: str | None = None) -> Any:
    from lingtan.adapters.services.inclusion_events import EventIn

    return EventIn(account_ref=ref, action=a.action, quantity=a.quantity, unit=a.unit,
                   occurred_at=a.occurred_at, source=source, partner=partner,
                   external_id=a.external_id, evidence_hash=a.evidence_hash,
                   distance_km=a.distance_km, duration_min=a.duration_min, mode=a.mode,
                   product=a.product, context=dict(a.context))  # fmt: skip


def _enrol(db: Session, ctx: Context, p: demo.ProgrammeData) -> dict[str, str]:
    """The programme, its groups (parents first) and members → subject → account ref."""
    from lingtan.adapters.services import inclusion_programmes as progs

    progs.create_programme(db, ctx, p.spec.fields())
    for g in sorted(p.groups, key=lambda g: g.parent is not None):
        fields: dict[str, Any] = {"code": g.code, "kind": g.kind, "name": g.name}
        if g.parent:
            fields["parent"] = g.parent
        progs.create_group(db, ctx, p.spec.code, fields)
    refs: dict[str, str] = {}
    for m in p.members:
        fields = {"subject": m.subject, "kind": m.kind}
        if m.group:
            fields["group"] = m.group
        if m.site:
            fields["site"] = m.site
        refs[m.subject] = progs.create_account(db, ctx, p.spec.code, fields).ref
    return refs


def _record(db: Session, ctx: Context, code: str, events: Sequence[Any]) -> tuple[int, int]:
    from lingtan.adapters.services.inclusion_events import record_events

    done = accepted = 0
    for i in range(0, len(events), 2_000):
        out = record_events(db, ctx, code, events[i : i + 2_000])
        db.commit()
        done += len(out)
        accepted += sum(o.status == "accepted" for o in out)
    return done, accepted


def _push(db: Session, ctx: Context, data: demo.InclusionDemoData, refs: dict[str, str]
          ) -> tuple[int, int]:  # fmt: skip
    """The partner, the consents and its pushes, settled (consent checked per event)."""
    from lingtan.adapters.io.inclusion_wal import Topic
    from lingtan.adapters.services import inclusion_programmes as progs
    from lingtan.adapters.services.inclusion_push import Incoming, settle_group

    progs.create_partner(db, ctx, {"code": demo.PARTNER, "name": demo.PARTNER_NAME,
                                   "allowed_actions": list(demo.PARTNER_ACTIONS)})  # fmt: skip
    for s in data.consents:
        progs.grant_consent(db, ctx, demo.CONS, refs[s], demo.PARTNER, demo.PARTNER_ACTIONS,
                            evidence=f"{demo.LABEL}: in-app authorisation")  # fmt: skip
    items = [
        Incoming({"external_id": a.external_id, "account": refs[a.subject], "action": a.action,
                  "quantity": a.quantity, "unit": a.unit,
                  "occurred_at": a.occurred_at.isoformat() + "+00:00"}, 0.0)
        for a in data.pushes
    ]  # fmt: skip
    topic = Topic(ctx.workspace().organisation_id, demo.CONS, demo.PARTNER)
    res = settle_group(db, ctx, topic, items)
    db.commit()
    return res.accepted, res.refused


def _campaigns(db: Session, ctx: Context) -> None:
    from lingtan.adapters.services import inclusion_campaigns as camp
    from lingtan.adapters.services import inclusion_rewards as rew

    for c in demo.CAMPAIGNS:
        camp.create_campaign(db, ctx, demo.EMP, c.fields())
    for programme, rewards in demo.REWARDS.items():
        for code, name, cost, stock in rewards:
            rew.create_reward(
                db,
                ctx,
                programme,
                {"code": code, "name": name, "points_cost": cost, "stock": stock},
            )


def _freeze_and_redeem(db: Session, ctx: Context, refs: dict[str, str]) -> int:
    from lingtan.adapters.services import inclusion_campaigns as camp
    from lingtan.adapters.services.inclusion_rewards import redeem

    for c in demo.CAMPAIGNS:
        if camp.get_campaign(db, ctx, c.code).frozen_at is None:
            camp.freeze(db, ctx, c.code)
    db.commit()
    n = 0
    for row in camp.leaderboard(db, ctx, demo.CAMPAIGNS[-1].code, "individual", limit=5):
        if row.points >= 60:  # the top of Environment Week 2024 take a coffee
            redeem(db, ctx, demo.EMP, row.subject, "COFFEE")
            n += 1
    del refs
    db.commit()
    return n


def load_inclusion_demo(
    db: Session, ctx: Context, *, seed: int = demo.SEED, feed: bool = True
) -> InclusionDemoReport:
    """Write the carbon-inclusion demo into the organisation of ``ctx`` (module docstring);
    with ``feed``, also feed the employees' commuting of FY2024/25 into category 7.

    Raises:
        ServiceError: a service refused a record (a bug of the demo data) or the caller may not
            edit data.
    """
    ctx.require("edit_data")
    if _loaded(db, ctx):
        rows = _feed(db, ctx) if feed else 0
        return InclusionDemoReport(category7_rows=rows)
    data = demo.inclusion_demo(seed, _sites(ctx))
    accounts = events = accepted = 0
    refs_of: dict[str, dict[str, str]] = {}
    for p in data.programmes:
        refs_of[p.spec.code] = _enrol(db, ctx, p)
        accounts += len(p.members)
    _campaigns(db, ctx)
    db.commit()
    for p in data.programmes:
        refs = refs_of[p.spec.code]
        n, ok = _record(db, ctx, p.spec.code, [_event_in(a, refs[a.subject]) for a in p.events])
        events, accepted = events + n, accepted + ok
    pushed, refused = _push(db, ctx, data, refs_of[demo.CONS])
    redemptions = _freeze_and_redeem(db, ctx, refs_of[demo.EMP])
    rows = _feed(db, ctx) if feed else 0
    return InclusionDemoReport(len(data.programmes), accounts, events, accepted,
                               pushed + refused, refused, redemptions, rows, True)  # fmt: skip


def _feed(db: Session, ctx: Context) -> int:
    from lingtan.adapters.services.inclusion_inventory import feed_category7

    return len(feed_category7(db, ctx, demo.EMP, demo.FISCAL_YEAR).rows)


def prepare_inclusion_demo(
    engine: Any, *, url: str, data_dir: Path, slug: str, email: str
) -> InclusionDemoReport:
    """Load the inclusion demo into the demo organisation ``slug`` as the demo user ``email``
    (``lingtan serve --demo``, after the other demos); nothing when the user does not exist."""
    from lingtan.adapters.services.context import open_tenant
    from lingtan.adapters.services.settings import ServerSettings
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import user_by_email

    actor = "lingtan serve --demo"
    with system_session(engine, actor=actor) as db:
        user = user_by_email(db, email)
        if user is None:
            return InclusionDemoReport()
        settings = ServerSettings(database_url=url, data_dir=data_dir)
        tenant = open_tenant(db, user, slug, engine=engine, settings=settings, actor=actor)
        report = load_inclusion_demo(db, tenant)
        write_member_links(db, tenant, data_dir)
        return report


#: the demo's member links (``lingtan serve --demo`` prints them; one per line:
#: ``<programme> <account ref> /m/<token>``), in the demo folder
MEMBER_LINKS_FILE = "inclusion-member-links.txt"


def write_member_links(db: Session, ctx: Context, data_dir: Path) -> list[str]:
    """Issue a member link (H2's :func:`issue_member_link`, valid 30 days) for the most active
    demo employee and the most active demo consumer, and write them to
    :data:`MEMBER_LINKS_FILE` in ``data_dir`` (replacing the previous ones: a link is shown
    once, only its hash is stored). Returns the file's lines."""
    from lingtan.adapters.services.inclusion_programmes import get_programme, issue_member_link
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow as E
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow as A

    lines: list[str] = []
    for code in (demo.EMP, demo.CONS):
        programme = get_programme(db, ctx, code)
        ref = db.scalar(
            select(A.ref)
            .join(E, E.account_id == A.id)
            .where(A.programme_id == programme.id, A.kind == "person", A.status == "active",
                   E.status == "accepted")
            .group_by(A.id, A.ref)
            .order_by(func.count(E.id).desc(), A.id)
            .limit(1)
        )  # fmt: skip
        if ref is None:
            continue
        token = issue_member_link(db, ctx, code, ref, days=30)
        lines.append(f"{code} {ref} /m/{token}")
    (data_dir / MEMBER_LINKS_FILE).write_text("".join(f"{ln}\n" for ln in lines), "utf-8")
    return lines


def read_member_links(data_dir: Path) -> list[tuple[str, str, str]]:
    """``(programme, account ref, path)`` of the demo's member links (none when not written)."""
    path = data_dir / MEMBER_LINKS_FILE
    if not path.exists():
        return []
    found = [ln.split() for ln in path.read_text("utf-8").splitlines()]
    return [(f[0], f[1], f[2]) for f in found if len(f) == 3]


# ---- what ``lingtan demo`` prints ------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeLine:
    """A programme: code, name, audience, start date, accounts, events, kg CO2e by counts_as,
    points outstanding (the liability)."""

    code: str
    name: str
    audience: str
    started: date | None
    accounts: int
    events: int
    kg: dict[str, float]
    outstanding: int


@dataclass(frozen=True)
class InclusionSummary:
    """What ``lingtan demo`` prints of the inclusion demo."""

    programmes: tuple[ProgrammeLine, ...]
    winners: tuple[tuple[str, str, float], ...]  # (campaign, team, mean points)
    refused: tuple[tuple[str, str], ...]  # (external id, reason key)
    purchase: dict[str, Any] = field(default_factory=dict)
    category7: tuple[dict[str, Any], ...] = ()


def _programme_line(db: Session, ctx: Context, row: Any) -> ProgrammeLine:
    from lingtan.adapters.services.inclusion_events import liability
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow as E
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow as A

    accounts = db.scalar(select(func.count(A.id)).where(A.programme_id == row.id)) or 0
    kg: dict[str, float] = defaultdict(float)
    events = 0
    for counts_as, n, total in db.execute(
        select(E.counts_as, func.count(E.id), func.sum(E.kg_co2e))
        .where(E.programme_id == row.id, E.status == "accepted")
        .group_by(E.counts_as)
    ):
        events += int(n)
        kg[str(counts_as)] += float(total or 0.0)
    out = liability(db, ctx, row.code)["outstanding"]
    return ProgrammeLine(row.code, row.name, row.audience, row.started, int(accounts), events,
                         dict(sorted(kg.items())), int(out))  # fmt: skip


def inclusion_summary(db: Session, ctx: Context) -> InclusionSummary:
    """The demo's programmes, the Environment Week team winners, the refused push, the laptop
    purchase (0 kg, its points and evidence link) and the category-7 rows fed."""
    from lingtan.adapters.services import inclusion_campaigns as camp
    from lingtan.adapters.services.inclusion_inventory import (
        carbon_neutral_purchases,
        latest_feed,
    )
    from lingtan.adapters.services.inclusion_programmes import list_programmes
    from lingtan.adapters.store.inclusion_push import PushReceiptRow

    ctx.require("read")
    lines = tuple(_programme_line(db, ctx, p) for p in list_programmes(db, ctx))
    winners = []
    for c in demo.CAMPAIGNS:
        top = camp.leaderboard(db, ctx, c.code, "team", limit=1)
        if top:
            winners.append((c.code, top[0].subject, float(top[0].score)))
    refused = tuple(
        (str(r.external_id), str(r.reason))
        for r in db.scalars(
            select(PushReceiptRow).where(PushReceiptRow.status == "refused").order_by(
                PushReceiptRow.external_id)
        )
    )  # fmt: skip
    buys = carbon_neutral_purchases(db, ctx, demo.CONS)
    return InclusionSummary(lines, tuple(winners), refused, buys[0] if buys else {},
                            tuple(latest_feed(ctx, demo.EMP, demo.FISCAL_YEAR)))  # fmt: skip
