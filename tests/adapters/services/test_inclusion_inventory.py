"""The category-7 feed (decision 0094): commuting trips → Scope 3 category 7 primary-data rows,
through the import, calculated, never doubled (hand-checked figures in
tests/inclusion_inventory_kit.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from inclusion_inventory_kit import (
    CAT7_T,
    EXPECTED,
    PROGRAMME,
    SURVEY,
    TRIPS,
    YEAR,
    build_feed_workspace,
)
from lingtan.adapters.services.calculation import calculate
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.inclusion_inventory import (
    CommuteTrip,
    InclusionFeedError,
    aggregate_trips,
    category7_actions,
    feed_lineage,
    feed_trips,
)


def test_aggregate_by_site_mode_month() -> None:
    rows, human = aggregate_trips(TRIPS[:7])
    got = {(r.site, r.mode, r.month): (r.pkm, r.trips, r.members) for r in rows}
    assert got == {k: v[:3] for k, v in EXPECTED.items()}
    assert human == {"bike": 4.0, "walk": 1.5}
    metro = next(r for r in rows if r.mode == "metro")
    assert metro.event_ids == (1, 2, 3)
    assert metro.activity_type == "travel.metro"


def test_unknown_mode_and_negative_distance_are_refused() -> None:
    with pytest.raises(InclusionFeedError) as e:
        aggregate_trips([CommuteTrip(9, "m-x", "HQ", "scooter", date(2024, 5, 1), 3.0)])
    assert e.value.key == "incl_demo.err.mode"
    assert e.value.field == "mode"
    with pytest.raises(InclusionFeedError) as e:
        aggregate_trips([replace(TRIPS[0], km=-1.0)])
    assert e.value.key == "incl_demo.err.distance"


def test_category7_actions_are_the_commute_actions() -> None:
    acts = category7_actions()
    assert acts
    assert all(a.startswith("commute.") for a in acts)
    assert "travel.metro" not in acts


def test_feed_is_primary_data_in_category7_and_never_doubles(
    tmp_path: Path, workspace_store: str
) -> None:
    del workspace_store
    ctx = LocalContext(build_feed_workspace(tmp_path / "ws"))
    first = feed_trips(ctx, PROGRAMME, YEAR, TRIPS)
    assert first.batch_id is not None
    assert first.supersedes is None
    assert first.pkm == pytest.approx(62.5)
    assert first.human_powered_pkm == {"bike": 4.0, "walk": 1.5}
    assert first.rejected == ()
    inv = calculate(ctx, YEAR)
    cat7 = [r for r in inv.rows if r.scope == 3 and r.category == 7]
    assert {r.tier for r in cat7} == {"activity"}
    assert inv.total("market", scope=3, category=7) == pytest.approx(CAT7_T)
    assert inv.total("market", scope=3, category=7, month="2024-06") == pytest.approx(0.0034)
    # lineage: rows sorted by site, mode, month — bus (2), carpool (3), metro (4)
    lin = feed_lineage(ctx, first.batch_id, 4)
    assert lin["programme"] == PROGRAMME
    assert lin["event_ids"] == [1, 2, 3]
    assert lin["pkm"] == pytest.approx(32.5)
    # the same events again: the same file, nothing imported twice
    again = feed_trips(ctx, PROGRAMME, YEAR, TRIPS)
    assert again.batch_id == first.batch_id
    assert again.already_imported
    assert calculate(ctx, YEAR).total("market", scope=3, category=7) == pytest.approx(CAT7_T)
    # one more trip: the new feed supersedes the previous one, never adds to it
    more = (*TRIPS, CommuteTrip(9, "m-b", "HQ", "metro", date(2024, 5, 30), 10.0))
    third = feed_trips(ctx, PROGRAMME, YEAR, more)
    assert third.supersedes == first.batch_id
    total = calculate(ctx, YEAR).total("market", scope=3, category=7)
    assert total == pytest.approx(CAT7_T + 10.0 * 0.03 / 1000)
    ctx.workspace().engine.dispose()


def test_a_survey_month_keeps_its_figure(tmp_path: Path, workspace_store: str) -> None:
    from lingtan.adapters.services.imports import import_file

    del workspace_store
    folder = build_feed_workspace(tmp_path / "ws")
    (folder / "survey.csv").write_text(SURVEY, encoding="utf-8")
    ctx = LocalContext(folder)
    import_file(ctx, folder / "survey.csv", template="commuting")
    res = feed_trips(ctx, PROGRAMME, YEAR, TRIPS)
    assert res.overlaps == (("HQ", "2024-06"),)
    assert {r.month for r in res.rows} == {"2024-05"}
    inv = calculate(ctx, YEAR)
    # the survey's June (10 × 20 × 2 × 5 = 2000 pkm × 0.03) and the feed's May, nothing twice
    june = inv.total("market", scope=3, category=7, month="2024-06")
    assert june == pytest.approx(2000 * 0.03 / 1000)
    may = inv.total("market", scope=3, category=7, month="2024-05")
    assert may == pytest.approx((0.975 + 1.0) / 1000)
    ctx.workspace().engine.dispose()
