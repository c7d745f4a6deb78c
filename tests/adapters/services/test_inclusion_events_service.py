"""The event and points-ledger use cases (decision 0089) on SQLite and PostgreSQL, with the kit's
programme (:mod:`inclusion_events_kit`: 10 pts/kg, 5 engagement points for the carbon-neutral PC
and quizzes, quizzes capped at 12 a day and 30 a month, expiry after 12 months) — hand-checked
figures for every rule of the issue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from inclusion_events_kit import CODE, AllowAll, make_programme
from lingtan.adapters.services import inclusion_events as ev
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.inclusion_campaigns import InclusionCampaignRow
from lingtan.adapters.store.inclusion_ledger import InclusionEventRow
from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation

CTX = AllowAll()
AT = datetime(2026, 3, 2, 8, 0)


@pytest.fixture
def db(db_url: str, engines: Callable[[str], Engine]) -> Iterator[Session]:
    engine = engines(db_url)
    migrate(engine)
    with system_session(engine) as s:
        org = Organisation(slug="a", name="A")
        s.add(org)
        s.commit()
        org_id = org.id
    with tenant_session(engine, org_id, actor="tester") as s:
        make_programme(s)
        yield s


def _ev(action: str = "learn.quiz", ref: str = "m-alice", **kw: object) -> ev.EventIn:
    unit = kw.pop("unit", "item")
    return ev.EventIn(ref, action, kw.pop("quantity", 1), str(unit),  # type: ignore[arg-type]
                      kw.pop("at", AT), **kw)  # type: ignore[arg-type]  # fmt: skip


def _account(db: Session, ref: str = "m-alice") -> int:
    return db.scalars(select(InclusionAccountRow.id).where(InclusionAccountRow.ref == ref)).one()


def test_the_carbon_neutral_pc_earns_engagement_points_and_0_kg(db: Session) -> None:
    out = ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc", product="LT-14"))
    db.commit()
    assert (out.status, out.kg_co2e, out.points) == ("accepted", 0.0, 5)
    row = db.get(InclusionEventRow, out.event_id)
    assert row is not None
    assert row.counts_as == "engagement"
    assert ev.balance(db, _account(db)) == 5
    keys = [s["key"] for s in row.trace]
    assert "incl_ev.step.from_kg" in keys
    assert "incl_ev.step.base" in keys


def test_caps_replays_and_idempotency(db: Session) -> None:
    outs = ev.record_events(db, CTX, CODE, [_ev(external_id=f"q{i}", source="app")
                                            for i in range(4)])  # fmt: skip
    assert [o.points for o in outs] == [5, 5, 2, 0]  # 12 a day
    # 3 March: 5, 5, 2 (12 a day; 24 in March); 4 March: 5 (29); 5 March: 30 − 29 = 1
    nxt = [_ev(at=datetime(2026, 3, 3, 9, i), external_id=f"n{i}", source="app") for i in range(3)]
    nxt.append(_ev(at=datetime(2026, 3, 4, 9), external_id="n8", source="app"))
    nxt.append(_ev(at=datetime(2026, 3, 5, 9), external_id="n9", source="app"))
    assert [o.points for o in ev.record_events(db, CTX, CODE, nxt)] == [5, 5, 2, 5, 1]
    db.commit()
    before = ev.balance(db, _account(db))
    assert before == 30
    again = ev.record_events(db, CTX, CODE, [_ev(external_id="q0", source="app")])
    assert again[0].replayed
    assert again[0].points == 5
    assert again[0].event_id == outs[0].event_id
    db.commit()
    assert ev.balance(db, _account(db)) == before
    assert ev.verify_chain(db, CTX, CODE)


def test_refusals_are_keyed_and_batches_keep_going(db: Session) -> None:
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.record_event(db, CTX, CODE, _ev("fly.private"))
    assert (exc.value.field, exc.value.key) == ("action", "incl_ev.err.action")
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.record_event(db, CTX, CODE, _ev(unit="kg"))
    assert exc.value.field == "unit"
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.record_event(db, CTX, CODE, _ev(ref="m-gone"))
    assert (exc.value.kind, exc.value.key) == ("conflict", "incl_ev.err.account_status")
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.record_event(db, CTX, CODE, _ev(quantity=-1))
    assert exc.value.field == "quantity"
    outs = ev.record_events(db, CTX, CODE, [_ev(ref="m-nobody"), _ev()])
    assert next((o.event_id, o.reason) for o in outs) == (0, "incl_ev.err.account")
    assert outs[1].status == "accepted"


def test_a_reversal_restores_the_balance_exactly(db: Session) -> None:
    ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc"))
    out = ev.record_event(db, CTX, CODE, _ev())
    db.commit()
    acc = _account(db)
    assert ev.balance(db, acc) == 10
    rev = ev.reverse_event(db, CTX, out.event_id, "duplicate quiz")
    db.commit()
    assert rev.status == "reversed"
    assert ev.balance(db, acc) == 5
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.reverse_event(db, CTX, out.event_id, "again")
    assert exc.value.kind == "conflict"
    detail = ev.event_detail(db, CTX, out.event_id)
    assert [(e["reason"], e["delta"]) for e in detail["entries"]] == [("earn", 5),
                                                                      ("reversal", -5)]  # fmt: skip
    lia = ev.liability(db, CTX, CODE)
    assert (lia["issued"], lia["reversed"], lia["outstanding"], lia["accounts"]) == (10, 5, 5, 1)


def test_redemption_expiry_and_liability(db: Session) -> None:
    acc = _account(db)
    ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc", at=datetime(2025, 1, 10)))
    ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc", at=datetime(2025, 6, 10)))
    prog = ev.get_programme(db, CTX, CODE)
    ev.post_entry(db, CTX, prog.id, acc, -3, "redeem", "redemption:1")  # FIFO: 3 of January's
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.post_entry(db, CTX, prog.id, acc, -8, "redeem", "redemption:2")
    assert (exc.value.kind, exc.value.key) == ("conflict", "incl_ev.err.insufficient")
    db.commit()
    # January's lot expires on 2026-01-10: 5 − 3 = 2 points left in it
    assert ev.expire_points(db, CTX, CODE, date(2026, 1, 10)) == 2
    assert ev.expire_points(db, CTX, CODE, date(2026, 1, 10)) == 0  # nothing twice
    db.commit()
    assert ev.balance(db, acc) == 5
    lia = ev.liability(db, CTX, CODE)
    assert lia == {"issued": 10, "redeemed": 3, "expired": 2, "reversed": 0, "adjusted": 0,
                   "outstanding": 5, "accounts": 1}  # fmt: skip
    assert ev.verify_chain(db, CTX, CODE)


def test_unusual_volume_is_held_for_review(db: Session) -> None:
    ev.record_events(db, CTX, CODE, [_ev("donate.book") for _ in range(ev.REVIEW_DAILY_EVENTS)])
    held = ev.record_event(db, CTX, CODE, _ev("donate.book"))
    db.commit()
    assert (held.status, held.reason) == ("pending", "incl_ev.reason.volume")
    assert [r.id for r in ev.review_queue(db, CTX, CODE)] == [held.event_id]
    out = ev.review_decide(db, CTX, held.event_id, "reject", "bot")
    db.commit()
    assert (out.status, out.reason) == ("rejected", "incl_ev.reason.reviewer")
    assert ev.review_queue(db, CTX, CODE) == []
    with pytest.raises(ev.InclusionEventsError):
        ev.review_decide(db, CTX, held.event_id, "accept")


def test_accepting_a_held_event_credits_it(db: Session) -> None:
    ev.record_events(db, CTX, CODE, [_ev("learn.read") for _ in range(ev.REVIEW_DAILY_EVENTS)])
    held = ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc"))
    assert held.status == "accepted"  # the count is per action
    held = ev.record_event(db, CTX, CODE, _ev("learn.read"))
    assert held.status == "pending"
    db.commit()
    out = ev.review_decide(db, CTX, held.event_id, "accept", "checked")
    db.commit()
    assert out.status == "accepted"
    assert out.points == 0
    assert ev.verify_chain(db, CTX, CODE)


def test_a_campaign_multiplies_the_points(db: Session) -> None:
    prog = ev.get_programme(db, CTX, CODE)
    db.add(InclusionCampaignRow(
        programme_id=prog.id, code="env-week", name="Environment Week",
        window_start=date(2026, 3, 1), window_end=date(2026, 3, 7),
        eligible_actions=["purchase.carbon_neutral_pc"],
        multipliers={"purchase.carbon_neutral_pc": 1.5}, scopes=["individual"],
    ))  # fmt: skip
    db.commit()
    out = ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc"))
    row = db.get(InclusionEventRow, out.event_id)
    assert row is not None
    assert (out.points, row.multiplier, row.campaign_code) == (7, 1.5, "env-week")  # ⌊5 × 1.5⌋


def test_history_and_erasure(db: Session) -> None:
    ev.record_event(db, CTX, CODE, _ev("purchase.carbon_neutral_pc", product="LT-14",
                                       evidence_hash="sha256:ab"))  # fmt: skip
    db.commit()
    hist = ev.account_history(db, CTX, CODE, "m-alice")
    assert hist[0]["product"] == "LT-14"
    assert hist[0]["entries"][0]["delta"] == 5
    ev.erase_account_events(db, _account(db))
    db.commit()
    hist = ev.account_history(db, CTX, CODE, "m-alice")
    assert (hist[0]["product"], hist[0]["evidence_hash"], hist[0]["points"]) == (None, None, 5)
    bal = ev.account_balance(db, CTX, CODE, "m-alice")
    assert bal["balance"] == 5
    assert bal["reduced_kg"] == 0.0


def test_recycling_is_avoided_and_an_implausible_trip_is_rejected(db: Session) -> None:
    out = ev.record_event(db, CTX, CODE, _ev("recycle.laptop"))
    row = db.get(InclusionEventRow, out.event_id)
    assert row is not None
    assert row.counts_as == "avoided"
    assert out.kg_co2e > 0
    assert out.points == int(out.kg_co2e * 10)  # ⌊kg × 10 pts/kg⌋, no engagement points
    bal = ev.account_balance(db, CTX, CODE, "m-alice")
    assert (bal["reduced_kg"], bal["avoided_kg"]) == (0.0, pytest.approx(out.kg_co2e))
    trip = ev.record_event(db, CTX, CODE, _ev("travel.metro", quantity=100, unit="km",
                                              duration_min=5))  # fmt: skip  # 1,200 km/h
    assert (trip.status, trip.points) == ("rejected", 0)
    assert trip.reason is not None
    assert trip.reason.startswith("incl_meth.err.")
    db.commit()
    assert [r.id for r in ev.review_queue(db, CTX, CODE)] == [trip.event_id]
    with pytest.raises(ev.InclusionEventsError) as exc:
        ev.review_decide(db, CTX, trip.event_id, "accept")
    assert exc.value.key == "incl_ev.err.not_acceptable"
    assert ev.balance(db, _account(db)) == out.points
