"""The 0-kg carbon-neutral PC and the category-7 feed from recorded events (decision 0094):
the purchase earns 0 kg and its engagement points with the link to the product's evidence page;
recorded commuting becomes category-7 primary-data rows with hand-checked pkm, and re-running
the feed never doubles (factors of tests/inclusion_inventory_kit.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from inclusion_inventory_kit import build_feed_workspace
from lingtan.adapters.services import inclusion_programmes as progs
from lingtan.adapters.services.calculation import calculate
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.inclusion_events import EventIn, record_events
from lingtan.adapters.services.inclusion_inventory import (
    InclusionFeedError,
    carbon_neutral_purchases,
    feed_category7,
    feed_lineage,
    member_history,
)

LAPTOP = "LB14-G5/i7-32-1t-GB"
POINTS = 150  # engagement points of a carbon-neutral PC in this programme


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[Session, LocalContext]]:
    from lingtan.adapters.cli.common import store_session

    ctx = LocalContext(build_feed_workspace(tmp_path / "ws"))
    with store_session(ctx) as db:
        yield db, ctx
    ctx.workspace().engine.dispose()


def _programme(db: Session, ctx: LocalContext, code: str, audience: str) -> str:
    progs.create_programme(db, ctx, {
        "code": code, "name": f"{code} programme", "audience": audience, "points_per_kg": 10,
        "engagement_points": {"purchase.carbon_neutral_pc": POINTS}})  # fmt: skip
    return progs.create_account(db, ctx, code, {"subject": "person-1", "site": "HQ"}).ref


def test_carbon_neutral_pc_earns_0_kg_its_points_and_the_evidence_link(
    opened: tuple[Session, LocalContext],
) -> None:
    db, ctx = opened
    ref = _programme(db, ctx, "CONS", "consumer")
    buy = EventIn(ref, "purchase.carbon_neutral_pc", 1.0, "item", datetime(2024, 11, 11, 20),
                  evidence_hash="ab" * 32, product=LAPTOP)  # fmt: skip
    (out,) = record_events(db, ctx, "CONS", [buy])
    db.commit()
    assert out.status == "accepted"
    assert out.kg_co2e == 0.0
    assert out.points == POINTS
    (row,) = carbon_neutral_purchases(db, ctx, "CONS")
    assert row["counts_as"] == "engagement"
    assert row["kg_co2e"] == 0.0
    slug = row["evidence_url"].split("/")[2]
    assert row["evidence_url"] == f"/p/{slug}/LB14-G5/i7-32-1t-GB"
    assert slug  # the organisation's slug
    (hist,) = [e for e in member_history(db, ctx, "CONS", ref) if e["action"].startswith("purch")]
    assert hist["evidence_url"] == row["evidence_url"]
    assert hist["points"] == POINTS
    # the member's own page shows the same link beside the purchase's 0 kg
    from lingtan.adapters.services.inclusion_report import member_view

    member = progs.resolve_member_link(db, progs.issue_member_link(db, ctx, "CONS", ref))
    assert member is not None
    (seen,) = [e for e in member_view(db, member)["history"] if e["action"].startswith("purch")]
    assert (seen["evidence_url"], seen["kg_co2e"]) == (row["evidence_url"], 0.0)


def test_recorded_commuting_becomes_category7_primary_data(
    opened: tuple[Session, LocalContext],
) -> None:
    db, ctx = opened
    ref = _programme(db, ctx, "EMP", "employee")
    trips = [  # metro 12 + 12 km, bus 10 km in May 2024; one walk (human-powered)
        EventIn(ref, "commute.metro", 12.0, "km", datetime(2024, 5, 2, 8), distance_km=12.0,
                duration_min=30.0, mode="metro", external_id="t1"),
        EventIn(ref, "commute.metro", 12.0, "km", datetime(2024, 5, 2, 18), distance_km=12.0,
                duration_min=30.0, mode="metro", external_id="t2"),
        EventIn(ref, "commute.bus", 10.0, "km", datetime(2024, 5, 3, 8), distance_km=10.0,
                duration_min=40.0, mode="bus", external_id="t3"),
        EventIn(ref, "commute.walk", 1.5, "km", datetime(2024, 5, 6, 8), distance_km=1.5,
                duration_min=20.0, mode="walk", external_id="t4"),
    ]  # fmt: skip
    outs = record_events(db, ctx, "EMP", trips)
    db.commit()
    assert [o.status for o in outs] == ["accepted"] * 4
    res = feed_category7(db, ctx, "EMP", "FY2024/25")
    got = {(r.mode, r.month): r.pkm for r in res.rows}
    assert got == {("bus", "2024-05"): 10.0, ("metro", "2024-05"): 24.0}
    assert res.human_powered_pkm == {"walk": 1.5}
    assert res.batch_id is not None
    inv = calculate(ctx, "FY2024/25")
    cat7 = [r for r in inv.rows if r.scope == 3 and r.category == 7]
    assert {r.tier for r in cat7} == {"activity"}
    # 24 pkm × 0.03 + 10 pkm × 0.10 = 0.72 + 1.0 = 1.72 kg
    assert inv.total("market", scope=3, category=7) == pytest.approx(1.72 / 1000)
    lin = feed_lineage(ctx, res.batch_id, 3)  # rows: bus (2), metro (3)
    assert lin["programme"] == "EMP"
    assert len(lin["event_ids"]) == 2
    again = feed_category7(db, ctx, "EMP", "FY2024/25")
    assert again.already_imported
    assert again.batch_id == res.batch_id
    total = calculate(ctx, "FY2024/25").total("market", scope=3, category=7)
    assert total == pytest.approx(1.72 / 1000)


def test_a_consumer_programme_does_not_feed_category7(
    opened: tuple[Session, LocalContext],
) -> None:
    db, ctx = opened
    _programme(db, ctx, "CONS", "consumer")
    with pytest.raises(InclusionFeedError) as e:
        feed_category7(db, ctx, "CONS", "FY2024/25")
    assert e.value.key == "incl_demo.err.not_employee"
    assert e.value.field == "programme"
