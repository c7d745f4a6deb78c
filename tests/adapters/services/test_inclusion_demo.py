"""The carbon-inclusion demo (decision 0094): the report's three programmes with their start
dates, Environment Week 2023 and 2024 with frozen team boards, the consented partner pushes and
the refused one, the 0-kg laptop purchase with its evidence link, and the employees' commuting
as category-7 primary data — the rows' pkm equal to the commuting of the generated data (summed
here independently), fed once however often the demo is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.orm import Session

from inclusion_inventory_kit import build_feed_workspace
from lingtan.adapters.demo import inclusion as demo
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.inclusion_demo import (
    InclusionSummary,
    inclusion_summary,
    load_inclusion_demo,
)
from lingtan.adapters.services.inclusion_inventory import MODE_ACTIVITY


@pytest.fixture(scope="module")
def loaded(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Session, LocalContext, InclusionSummary]]:
    from lingtan.adapters.cli.common import store_session

    ctx = LocalContext(build_feed_workspace(tmp_path_factory.mktemp("incl") / "ws"))
    with store_session(ctx) as db:
        rep = load_inclusion_demo(db, ctx)
        assert rep.loaded
        assert rep.accepted == rep.events
        yield db, ctx, inclusion_summary(db, ctx)
    ctx.workspace().engine.dispose()


def test_the_generator_is_deterministic() -> None:
    a, b = demo.inclusion_demo(7, ("HQ",)), demo.inclusion_demo(7, ("HQ",))
    assert a == b
    assert a != demo.inclusion_demo(8, ("HQ",))


def test_the_reports_programmes_and_start_dates(
    loaded: tuple[Session, LocalContext, InclusionSummary],
) -> None:
    _, _, s = loaded
    got = {p.name: (p.audience, p.started) for p in s.programmes}
    assert got == {
        "员工碳普惠": ("employee", date(2022, 6, 1)),
        "联萌乐碳圈": ("consumer", date(2023, 11, 1)),
        "八一乐碳圈": ("school", date(2024, 9, 1)),
    }
    emp = next(p for p in s.programmes if p.code == demo.EMP)
    assert emp.accounts == demo.EMPLOYEES
    assert emp.outstanding > 0
    assert emp.kg["reduction"] > 0
    assert emp.kg.get("engagement", 0.0) == 0.0


def test_environment_weeks_are_frozen_team_pks(
    loaded: tuple[Session, LocalContext, InclusionSummary],
) -> None:
    from lingtan.adapters.services.inclusion_campaigns import get_campaign

    db, ctx, s = loaded
    assert [w[0] for w in s.winners] == ["ENV-WEEK-2023", "ENV-WEEK-2024"]
    for c in demo.CAMPAIGNS:
        row = get_campaign(db, ctx, c.code)
        assert row.frozen_at is not None
        assert row.team_rule == "mean"
    assert {w[1].split("-")[0] for w in s.winners} <= {d for d, _ in demo.DEPARTMENTS}


def test_partner_pushes_need_consent(
    loaded: tuple[Session, LocalContext, InclusionSummary],
) -> None:
    _, _, s = loaded
    no_consent = demo.inclusion_demo(demo.SEED, ("HQ",)).pushes[-1]
    assert no_consent.subject == demo.NO_CONSENT
    assert s.refused == ((no_consent.external_id, "incl_push.err.no_consent"),)


def test_the_demo_laptop_is_bought_for_0_kg(
    loaded: tuple[Session, LocalContext, InclusionSummary],
) -> None:
    _, _, s = loaded
    buy = s.purchase
    assert buy["product"] == demo.DEMO_LAPTOP
    assert buy["kg_co2e"] == 0.0
    assert buy["points"] == dict(demo.PROGRAMMES[1].engagement_points)[
        "purchase.carbon_neutral_pc"]  # fmt: skip
    assert buy["evidence_url"].endswith("/LB14-G5/i7-32-1t-GB")
    assert buy["evidence_url"].startswith("/p/")


def test_commuting_is_category7_primary_data_fed_once(
    loaded: tuple[Session, LocalContext, InclusionSummary],
) -> None:
    from lingtan.adapters.services.calculation import calculate

    db, ctx, s = loaded
    data = demo.inclusion_demo(demo.SEED, ("HQ",)).programme(demo.EMP)
    want = sum(
        a.quantity
        for a in data.events
        if a.action.startswith("commute.")
        and a.mode in MODE_ACTIVITY
        and demo.YEAR_START <= a.occurred_at.date() <= demo.YEAR_END
    )
    assert sum(r["pkm"] for r in s.category7) == pytest.approx(want)
    inv = calculate(ctx, demo.FISCAL_YEAR)
    assert inv.total("market", scope=3, category=7) > 0
    cat7 = [r for r in inv.rows if r.scope == 3 and r.category == 7]
    assert {r.tier for r in cat7} == {"activity"}
    again = load_inclusion_demo(db, ctx)  # loaded: only the feed runs, the same batch
    assert not again.loaded
    assert again.category7_rows == len(s.category7)
    total = calculate(ctx, demo.FISCAL_YEAR).total("market", scope=3, category=7)
    assert total == pytest.approx(inv.total("market", scope=3, category=7))
