"""Campaigns, multipliers, leaderboards and rewards (decision 0091) through the services, on the
workspace of :mod:`inclusion_campaigns_kit` (events recorded through the events service, so
the multiplier is applied by ``record_event`` itself). Figures are the kit's, checked by
hand; on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from inclusion_campaigns_kit import (
    PROGRAMME,
    Kit,
    at_day,
    build_campaigns_workspace,
    quiz,
    seed_events,
    seed_programme,
    today,
    week,
)
from lingtan.adapters.cli.common import store_session
from lingtan.adapters.services import inclusion_campaigns as sv
from lingtan.adapters.services import inclusion_events as ev
from lingtan.adapters.services import inclusion_rewards as rw
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.inclusion_ledger import InclusionEventRow, PointsEntryRow

pytestmark = pytest.mark.stores("sqlite", "postgresql")


@pytest.fixture
def ctx(tmp_path: Path) -> LocalContext:
    return LocalContext(build_campaigns_workspace(tmp_path / "ws"))


@pytest.fixture
def db(ctx: LocalContext) -> Iterator[Session]:
    with store_session(ctx) as s:
        yield s


@pytest.fixture
def kit(db: Session, ctx: LocalContext) -> Kit:
    return seed_programme(db, ctx)


def _board(db: Session, ctx: LocalContext, code: str, scope: str) -> list[tuple[str, float]]:
    return [(r.subject, r.score) for r in sv.leaderboard(db, ctx, code, scope)]


def test_team_mean_small_team_beats_big_and_ties_by_attainment(
    db: Session, ctx: LocalContext, kit: Kit
) -> None:
    sv.create_campaign(db, ctx, PROGRAMME, week())
    sv.create_campaign(db, ctx, PROGRAMME, week("env-sum", team_rule="sum"))
    seed_events(db, ctx, kit)
    # mean per active member: small 30 / 2 = 15 > big 40 / 4 = 10 (b4 earned nothing)
    board = sv.leaderboard(db, ctx, "env-week", "team")
    assert [(r.rank, r.subject, r.score, r.points, r.active) for r in board] == [
        (1, "small", 15.0, 30, 2), (2, "big", 10.0, 40, 4)]  # fmt: skip
    assert _board(db, ctx, "env-sum", "team") == [("big", 40.0), ("small", 30.0)]
    # individual: s0 20; then five accounts at 10, by when they reached it (b0 at 09:00 first)
    r = kit.refs
    assert _board(db, ctx, "env-week", "individual") == [
        (r["s0"], 20.0), (r["b0"], 10.0), (r["b1"], 10.0), (r["b2"], 10.0), (r["b3"], 10.0),
        (r["s1"], 10.0)]  # fmt: skip
    assert [x.subject for x in sv.leaderboard(db, ctx, "env-week", "individual", 2)] == [
        r["s0"], r["b0"]]  # fmt: skip


def test_events_outside_the_window_or_ineligible_do_not_count(
    db: Session, ctx: LocalContext, kit: Kit
) -> None:
    start = today() - timedelta(days=2)
    sv.create_campaign(db, ctx, PROGRAMME, week(start=start.isoformat()))
    quiz(db, ctx, kit.refs["b0"], at_day(3))  # the day before the window
    quiz(db, ctx, kit.refs["b1"], at_day(2))  # its first day (inclusive)
    assert _board(db, ctx, "env-week", "individual") == [(kit.refs["b1"], 10.0)]
    sv.create_campaign(db, ctx, PROGRAMME, week("bikes", eligible_actions=["commute.bike"]))
    assert sv.leaderboard(db, ctx, "bikes", "individual") == []


def test_multiplier_applied_by_record_event_and_cache_dropped_on_change(
    db: Session, ctx: LocalContext, kit: Kit
) -> None:
    row = sv.create_campaign(db, ctx, PROGRAMME, week(multipliers={"learn.quiz": 2}))
    assert sv.multiplier_for(db, row.programme_id, "learn.quiz", at_day(1)) == (2.0, "env-week")
    assert sv.multiplier_for(db, row.programme_id, "commute.bike", at_day(1)) == (1.0, None)
    assert sv.multiplier_for(db, row.programme_id, "learn.quiz", at_day(9)) == (1.0, None)
    out = quiz(db, ctx, kit.refs["b0"], at_day(1))
    assert (out.status, out.points) == ("accepted", 20)  # 10 × 2
    event = db.get(InclusionEventRow, out.event_id)
    assert event is not None
    assert (event.multiplier, event.campaign_code) == (2.0, "env-week")
    sv.update_campaign(db, ctx, PROGRAMME, "env-week", {"multipliers": {"learn.quiz": 3}})
    assert quiz(db, ctx, kit.refs["b1"], at_day(1)).points == 30  # the new multiplier, at once
    assert ev.balance(db, db.get(InclusionEventRow, out.event_id).account_id) == 20  # type: ignore[union-attr]
    assert _board(db, ctx, "env-week", "individual") == [(kit.refs["b1"], 30.0),
                                                          (kit.refs["b0"], 20.0)]  # fmt: skip


def test_freeze_keeps_the_board_and_refuses_changes(
    db: Session, ctx: LocalContext, kit: Kit
) -> None:
    sv.create_campaign(db, ctx, PROGRAMME, week())
    seed_events(db, ctx, kit)
    before = sv.leaderboard_view(db, ctx, "env-week", "team")
    snaps = sv.freeze(db, ctx, "env-week")
    assert sorted(s.scope for s in snaps) == ["individual", "team"]
    for _ in range(3):  # b4 now earns 30: live, big would be (40 + 30) / 5 = 14 < 15 … and sum
        quiz(db, ctx, kit.refs["b4"], at_day(1, 30))
    after = sv.leaderboard_view(db, ctx, "env-week", "team")
    assert after["rows"] == before["rows"]
    assert after["frozen"]
    assert after["content_hash"] == sv.content_hash(
        "env-week", "team", "mean", sv.leaderboard(db, ctx, "env-week", "team")
    )
    live = sv.compute(db, sv.get_campaign(db, ctx, "env-week"), "team")
    assert [(r.subject, r.score) for r in live] == [("small", 15.0), ("big", 14.0)]
    with pytest.raises(sv.InclusionCampaignError) as exc:
        sv.freeze(db, ctx, "env-week")
    assert (exc.value.kind, exc.value.key) == ("conflict", "incl_camp.err.frozen")
    with pytest.raises(sv.InclusionCampaignError) as exc:
        sv.update_campaign(db, ctx, PROGRAMME, "env-week", {"name": "x"})
    assert exc.value.key == "incl_camp.err.frozen"


def test_an_ended_campaign_freezes_on_first_read(db: Session, ctx: LocalContext, kit: Kit) -> None:
    past = {"start": (today() - timedelta(days=10)).isoformat(),
            "end": (today() - timedelta(days=3)).isoformat()}  # fmt: skip
    sv.create_campaign(db, ctx, PROGRAMME, week(**past))
    seed_events(db, ctx, kit, days_ago=4)
    assert sv.get_campaign(db, ctx, "env-week").frozen_at is None
    first = _board(db, ctx, "env-week", "team")
    assert first == [("small", 15.0), ("big", 10.0)]
    assert sv.get_campaign(db, ctx, "env-week").frozen_at is not None
    quiz(db, ctx, kit.refs["b4"], at_day(4, 40))  # a late event inside the window
    quiz(db, ctx, kit.refs["b4"], at_day(4, 41))
    assert _board(db, ctx, "env-week", "team") == first
    assert sv.campaign_dict(sv.get_campaign(db, ctx, "env-week"))["phase"] == "ended"


def test_campaign_refusals(db: Session, ctx: LocalContext, kit: Kit) -> None:
    sv.create_campaign(db, ctx, PROGRAMME, week())
    cases = [
        (lambda: sv.create_campaign(db, ctx, PROGRAMME, week()), "conflict",
         "incl_camp.err.campaign_exists"),
        (lambda: sv.create_campaign(db, ctx, PROGRAMME, week("m", multipliers={"learn.quiz": 0.5})),
         "invalid", "incl_camp.err.multiplier"),
        (lambda: sv.create_campaign(db, ctx, PROGRAMME, {**week("x"), "colour": "red"}),
         "invalid", "incl_camp.err.field"),
        (lambda: sv.leaderboard(db, ctx, "env-week", "class"), "invalid",
         "incl_camp.err.scope_not_published"),
        (lambda: sv.leaderboard(db, ctx, "env-week", "galaxy"), "invalid", "incl_camp.err.scope"),
        (lambda: sv.leaderboard(db, ctx, "nope", "team"), "not_found",
         "incl_camp.err.no_campaign"),
        (lambda: sv.get_campaign(db, ctx, "env-week", "other"), "not_found", None),
    ]  # fmt: skip
    for call, kind, key in cases:
        with pytest.raises(Exception) as exc:  # noqa: PT011 - the kind and key are checked
            call()
        assert getattr(exc.value, "kind", None) == kind
        if key is not None:
            assert exc.value.key == key  # type: ignore[attr-defined]
        db.rollback()


def _earn(db: Session, ctx: LocalContext, ref: str, quizzes: int) -> None:
    for i in range(quizzes):
        quiz(db, ctx, ref, at_day(1, i))


def test_redeem_stock_balance_cancel(db: Session, ctx: LocalContext, kit: Kit) -> None:
    b0, b1 = kit.refs["b0"], kit.refs["b1"]
    _earn(db, ctx, b0, 2)  # 20 points
    _earn(db, ctx, b1, 2)
    rw.create_reward(db, ctx, PROGRAMME, {"code": "mug", "name": "Mug", "points_cost": 15,
                                          "stock": 1, "partner": "shop"})  # fmt: skip
    rw.create_reward(db, ctx, PROGRAMME, {"code": "bike", "name": "Bike", "points_cost": 500})
    got = rw.redeem(db, ctx, PROGRAMME, b0, "mug")
    assert (got.status, got.points, len(got.code)) == ("issued", 15, 10)
    assert set(got.code) <= set(rw.CODE_ALPHABET)
    account_id = got.account_id
    assert ev.balance(db, account_id) == 5  # 20 − 15
    assert rw.get_reward(db, ctx, PROGRAMME, "mug").stock == 0
    entry = db.scalar(select(PointsEntryRow).where(PointsEntryRow.ref == f"redemption:{got.id}"))
    assert entry is not None
    assert (entry.delta, entry.reason) == (-15, "redeem")
    with pytest.raises(sv.InclusionCampaignError) as exc:  # the last mug is gone
        rw.redeem(db, ctx, PROGRAMME, b1, "mug")
    assert (exc.value.kind, exc.value.key) == ("conflict", "incl_camp.err.out_of_stock")
    with pytest.raises(sv.InclusionCampaignError) as exc:  # 20 < 500 (unlimited stock)
        rw.redeem(db, ctx, PROGRAMME, b1, "bike")
    assert (exc.value.key, exc.value.params) == ("incl_camp.err.balance",
                                                 {"balance": 20, "cost": 500})  # fmt: skip
    assert rw.get_reward(db, ctx, PROGRAMME, "bike").stock is None
    rw.cancel_redemption(db, ctx, PROGRAMME, got.id)
    assert ev.balance(db, account_id) == 20  # restored by a positive entry, none edited
    assert rw.get_reward(db, ctx, PROGRAMME, "mug").stock == 1
    with pytest.raises(sv.InclusionCampaignError) as exc:
        rw.cancel_redemption(db, ctx, PROGRAMME, got.id)
    assert exc.value.key == "incl_camp.err.not_issued"
    again = rw.redeem(db, ctx, PROGRAMME, b1, "mug")
    rw.use_redemption(db, ctx, PROGRAMME, again.id)
    assert [(r.status, c) for r, c in rw.list_redemptions(db, ctx, PROGRAMME)] == [
        ("used", "mug"), ("cancelled", "mug")]  # fmt: skip
    assert [r.id for r, _ in rw.list_redemptions(db, ctx, PROGRAMME, b0)] == [got.id]
    assert ev.verify_chain(db, ctx, PROGRAMME)
    actions = {e.action for e in db.scalars(select(AuditEntry))}
    assert {"inclusion_reward.create", "inclusion_reward.update",
            "inclusion_redemption.create", "inclusion_redemption.update"} <= actions  # fmt: skip


def test_reward_refusals(db: Session, ctx: LocalContext, kit: Kit) -> None:
    base = {"code": "mug", "name": "Mug", "points_cost": 15}
    for change, field, key in [
        ({"points_cost": 0}, "points_cost", "incl_camp.err.integer"),
        ({"stock": -1}, "stock", "incl_camp.err.integer"),
        ({"code": "a b"}, "code", "incl_camp.err.code"),
        ({"status": "gone"}, "status", "incl_camp.err.status"),
        ({"name": ""}, "name", "incl_camp.err.name"),
    ]:
        with pytest.raises(sv.InclusionCampaignError) as exc:
            rw.create_reward(db, ctx, PROGRAMME, {**base, **change})
        assert (exc.value.field, exc.value.key) == (field, key)
    rw.create_reward(db, ctx, PROGRAMME, base)
    rw.update_reward(db, ctx, PROGRAMME, "mug", {"stock": 3, "status": "retired"})
    with pytest.raises(sv.InclusionCampaignError) as exc:
        rw.redeem(db, ctx, PROGRAMME, kit.refs["b0"], "mug")
    assert exc.value.key == "incl_camp.err.retired"
