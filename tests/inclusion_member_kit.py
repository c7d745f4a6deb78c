"""A small carbon-inclusion programme for the report and member-page tests (decision 0092),
built through the programme, event, campaign and reward services.

Programme ``staff`` (employee, CN-BJ, 10 points per kg; 5 engagement points for ``learn.quiz``),
groups ``team-a`` and ``team-b``; persons alice (site TJ, team-a), bob (site WH, team-a), carol
(team-b); partner ``zz`` allowed ``secondhand.book`` and ``learn.quiz``, alice's consent to it;
reward ``cup`` (10 points, stock 5); campaign ``ew`` (a window around today, individual and team
boards).

Events (hand-checked figures below):

====== ================= ========== ======== ============ ======= =========
who    action            occurred   km / kg  counts as    status  points
====== ================= ========== ======== ============ ======= =========
alice  learn.quiz        2026-03-02 —, 0     engagement   acc.    5 (service)
alice  commute.metro     2026-03-03 12, 1.2  reduction    acc.    12
bob    recycle.phone     2026-03-04 —, 3.5   avoided      acc.    35
bob    commute.bike      2026-04-10 5, 0.5   reduction    acc.    5
carol  travel.bus        2026-03-05 8, 0     (reduction)  rej.    0
====== ================= ========== ======== ============ ======= =========

The quiz goes through ``record_event`` (an engagement action: no methodology pack needed: an
``earn`` entry of 5); the four others are written as rows with their kg (as a methodology would
have quantified them) and their points posted through ``post_entry`` as ``adjust`` entries (the
ledger's public door), so that the report's aggregation is checked independently of the packs.
Then alice redeems the cup (−10).

Points: issued 5, adjusted 12 + 35 + 5 = 52, redeemed 10, outstanding 47 (alice 7, bob 40).
March 2026: 4 events (3 accepted, 1 rejected), 2 active accounts (alice, bob), reduction 1.2 kg,
avoided 3.5 kg; category 7: TJ metro 2026-03 12 pkm. All time: 5 events, reduction 1.7 kg,
category 7 adds WH bike 2026-04 5 pkm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from lingtan.adapters.services import inclusion_campaigns as camp
from lingtan.adapters.services import inclusion_events as ev
from lingtan.adapters.services import inclusion_programmes as prog
from lingtan.adapters.services import inclusion_rewards as rew
from lingtan.adapters.store.inclusion_ledger import InclusionEventRow

CODE = "staff"


@dataclass
class AllowAll:
    """A service context that may do every action."""

    actor: str = "tester"

    def workspace(self) -> Any:  # pragma: no cover - not used by these services
        raise NotImplementedError

    def can(self, action: str) -> bool:
        return True

    def require(self, action: str) -> None:
        return None


@dataclass
class Seeded:
    """The refs of the kit's accounts."""

    alice: str
    bob: str
    carol: str


def _row(
    db: Session,
    programme_id: int,
    account_id: int,
    action: str,
    day: date,
    *,
    km: float | None,
    kg: float,
    counts_as: str,
    points: int,
    status: str = "accepted",
    pack: str | None = None,
) -> None:
    """An event row as the methodology would have quantified it, and its earn entry."""
    row = InclusionEventRow(
        programme_id=programme_id, account_id=account_id, action=action,
        occurred_at=datetime(day.year, day.month, day.day, 8, 0), quantity=km or 1.0,
        unit="km" if km is not None else "item", source="manual", origin="manual",
        distance_km=km, status=status, reason=None if status == "accepted" else "kit.rejected",
        kg_co2e=kg, counts_as=counts_as, pack_id=pack, pack_version="1" if pack else None,
        params_hash="0" * 64,
        trace=[{"key": "kit.step", "formula": f"{km} km × 0.1", "value": kg, "unit": "kg CO2e",
                "source": "kit"}],
        points=points, multiplier=1.0,
    )  # fmt: skip
    db.add(row)
    db.flush()
    if points:  # through the ledger's public door: an adjustment standing for the earn entry
        ev.post_entry(db, AllowAll(), programme_id, account_id, points, "adjust", f"event:{row.id}")


def seed(db: Session, ctx: Any = None) -> Seeded:
    """The kit's programme (module docstring); committed."""
    ctx = ctx or AllowAll()
    p = prog.create_programme(db, ctx, {
        "code": CODE, "name": "员工碳普惠", "audience": "employee", "region": "CN-BJ",
        "started": "2022-06-01", "points_per_kg": 10, "engagement_points": {"learn.quiz": 5},
    })  # fmt: skip
    for g in ("team-a", "team-b"):
        prog.create_group(db, ctx, CODE, {"code": g, "kind": "team", "name": g.upper()})
    a = prog.create_account(db, ctx, CODE, {"subject": "E001", "group": "team-a", "site": "TJ"})
    b = prog.create_account(db, ctx, CODE, {"subject": "E002", "group": "team-a", "site": "WH"})
    c = prog.create_account(db, ctx, CODE, {"subject": "E003", "group": "team-b"})
    allowed = ["secondhand.book", "learn.quiz"]
    prog.create_partner(db, ctx, {"code": "zz", "name": "转转", "allowed_actions": allowed})
    prog.grant_consent(db, ctx, CODE, a.ref, "zz", ["secondhand.book"], evidence="kit")
    out = ev.record_event(
        db, ctx, CODE, ev.EventIn(a.ref, "learn.quiz", 1, "item", datetime(2026, 3, 2, 9, 0))
    )
    assert (out.status, out.points) == ("accepted", 5), out
    _row(db, p.id, a.id, "commute.metro", date(2026, 3, 3), km=12, kg=1.2,
         counts_as="reduction", points=12, pack="lingtan.travel")  # fmt: skip
    _row(db, p.id, b.id, "recycle.phone", date(2026, 3, 4), km=None, kg=3.5,
         counts_as="avoided", points=35, pack="lingtan.recycling")  # fmt: skip
    _row(db, p.id, b.id, "commute.bike", date(2026, 4, 10), km=5, kg=0.5,
         counts_as="reduction", points=5, pack="lingtan.travel")  # fmt: skip
    _row(db, p.id, c.id, "travel.bus", date(2026, 3, 5), km=8, kg=0.0,
         counts_as="reduction", points=0, status="rejected")  # fmt: skip
    db.commit()
    rew.create_reward(db, ctx, CODE, {"code": "cup", "name": "环保杯", "points_cost": 10,
                                      "stock": 5})  # fmt: skip
    rew.create_reward(db, ctx, CODE, {"code": "bike", "name": "共享单车月卡", "points_cost": 30})
    rew.redeem(db, ctx, CODE, a.ref, "cup")
    today = datetime.now(UTC).date()
    camp.create_campaign(db, ctx, CODE, {
        "code": "ew", "name": "环境周 Environment Week", "start": today - timedelta(days=3),
        "end": today + timedelta(days=3), "scopes": ["individual", "team"],
    })  # fmt: skip
    db.commit()
    return Seeded(a.ref, b.ref, c.ref)


def seed_site(database_url: str, org_slug: str) -> tuple[Seeded, str]:
    """:func:`seed` in the organisation ``org_slug`` of a server database, and a member link
    of alice: (refs, token)."""
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import organisation_by_slug

    engine = make_engine(database_url)
    try:
        with system_session(engine) as db:
            org = organisation_by_slug(db, org_slug)
            assert org is not None
            org_id = int(org.id)
        with tenant_session(engine, org_id, actor="tests") as db:
            refs = seed(db)
            token = prog.issue_member_link(db, AllowAll(), CODE, refs.alice)
    finally:
        engine.dispose()
    return refs, token


def member_link(database_url: str, org_slug: str, ref: str) -> str:
    """A new member link of ``ref`` in ``org_slug``'s programme :data:`CODE` (the token)."""
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import organisation_by_slug

    engine = make_engine(database_url)
    try:
        with system_session(engine) as db:
            org = organisation_by_slug(db, org_slug)
            assert org is not None
            org_id = int(org.id)
        with tenant_session(engine, org_id, actor="tests") as db:
            return prog.issue_member_link(db, AllowAll(), CODE, ref)
    finally:
        engine.dispose()
