"""The campaign, reward and leaderboard tables (migration 0026; decision 0091) on SQLite and
PostgreSQL: tenant-scoped, audited, one campaign code per organisation, one reward code per
programme, and the reward's version guarding its stock against two redemptions at once."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from lingtan.adapters.store.audit import AuditEntry
from lingtan.adapters.store.inclusion_campaigns import (
    InclusionCampaignRow,
    InclusionLeaderboardEntryRow,
    InclusionLeaderboardRow,
    InclusionRedemptionRow,
    InclusionRewardRow,
)
from lingtan.adapters.store.scoping import tenant_session


def _campaign(code: str = "week") -> InclusionCampaignRow:
    return InclusionCampaignRow(
        programme_id=1,
        code=code,
        name="Week",
        window_start=date(2026, 6, 1),
        window_end=date(2026, 6, 7),
        eligible_actions=["learn.quiz"],
        multipliers={"learn.quiz": 2.0},
        team_rule="mean",
        scopes=["individual", "team"],
        prizes={},
    )


def test_scoped_audited_unique(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    for org in (a, b):
        with tenant_session(engine, org, actor=f"user{org}") as db:
            c = _campaign()
            reward = InclusionRewardRow(programme_id=1, code="mug", name="Mug", points_cost=15,
                                        stock=2)  # fmt: skip
            db.add_all([c, reward])
            db.flush()
            db.add(
                InclusionRedemptionRow(
                    programme_id=1,
                    account_id=1,
                    account_ref="m-1",
                    reward_id=reward.id,
                    points=15,
                    code=f"CODE{org}",
                )
            )
            snap = InclusionLeaderboardRow(campaign_id=c.id, scope="team", team_rule="mean",
                                           rows=1, content_hash="0" * 64)  # fmt: skip
            db.add(snap)
            db.flush()
            db.add(InclusionLeaderboardEntryRow(leaderboard_id=snap.id, rank=1, subject="small",
                                                score=15.0, points=30, active=2,
                                                attained_at=datetime(2026, 6, 2, 9)))  # fmt: skip
            db.commit()
    with tenant_session(engine, b) as db:
        for model in (InclusionCampaignRow, InclusionRewardRow, InclusionRedemptionRow,
                      InclusionLeaderboardRow, InclusionLeaderboardEntryRow):  # fmt: skip
            assert len(list(db.scalars(select(model)))) == 1
        got = db.scalar(select(InclusionCampaignRow))
        assert got is not None
        assert got.multipliers == {"learn.quiz": 2.0}
        actions = {e.action for e in db.scalars(select(AuditEntry))}
        assert {
            "inclusion_campaign.create",
            "inclusion_reward.create",
            "inclusion_redemption.create",
            "inclusion_leaderboard.create",
        } <= actions
    with tenant_session(engine, a) as db:  # one campaign code per organisation
        db.add(_campaign())
        with pytest.raises(IntegrityError):
            db.commit()


def test_reward_version_refuses_a_concurrent_stock_change(store: tuple[Engine, int, int]) -> None:
    engine, a, _ = store
    with tenant_session(engine, a) as db:
        db.add(InclusionRewardRow(programme_id=1, code="mug", name="Mug", points_cost=15, stock=1))
        db.commit()
    with tenant_session(engine, a) as one, tenant_session(engine, a) as two:
        r1 = one.scalar(select(InclusionRewardRow))
        r2 = two.scalar(select(InclusionRewardRow))
        assert r1 is not None
        assert r2 is not None
        r1.stock = 0
        one.commit()
        r2.stock = 0  # the same last item, read before the first took it
        with pytest.raises(StaleDataError):
            two.commit()
