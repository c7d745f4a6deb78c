"""Data-quality scores (GHG Protocol Scope 3 Standard Table 7.6; Pedigree matrix), by hand."""

from __future__ import annotations

from typing import Any

import pytest

from lingtan.core.quality import (
    QualityGroup,
    assess,
    combined_score,
    geographical_score,
    improvement_potential,
    indicator_scores,
    technological_score,
    temporal_score,
    worst_contributors,
)


def group(**kw: Any) -> QualityGroup:
    base: dict[str, Any] = {
        "scope": 1,
        "category": 1,
        "activity_type": "fuel.diesel",
        "site": "HQ",
        "factor_key": "desnz-2024/diesel",
        "tier": "activity",
        "match": "exact",
        "region_eff": "GB",
        "factor_region": "GB",
        "activity_year": 2024,
        "factor_year": 2024,
        "co2e_kg": 3000.0,
    }
    base.update(kw)
    return QualityGroup(**base)


@pytest.mark.parametrize(
    ("delta", "match", "score"),
    [
        (0, "exact", 1),
        (2, "exact", 1),  # < 3 years: "very good"
        (3, "exact", 2),
        (5, "region_fallback", 2),
        (6, "exact", 3),
        (10, "exact", 4),
        (15, "exact", 5),
        (1, "earlier_year", 2),  # not valid on the date: one point worse
        (1, "later_year", 2),
        (20, "earlier_year", 5),  # capped
    ],
)
def test_temporal_steps_and_out_of_validity_penalty(delta: int, match: str, score: int) -> None:
    assert temporal_score(2024, 2024 - delta, match) == score


def test_temporal_instrument_and_unknown_edition() -> None:
    assert temporal_score(2024, 2010, "instrument") == 1
    assert temporal_score(2024, None, "exact") == 5


@pytest.mark.parametrize(
    ("region", "factor_region", "match", "score"),
    [
        ("CN-TJ", "CN-TJ", "exact", 1),
        ("CN-TJ", "CN", "region_fallback", 2),  # one level up
        ("US-EGRID-CAMX", "US", "region_fallback", 3),  # two levels up
        ("CN-TJ", "GLO", "region_fallback", 4),  # global proxy
        ("CN", "GB", "exact", 5),  # outside the region chain
        ("GLO", "GLO", "exact", 1),
        ("CN", "CN", "instrument", 1),
    ],
)
def test_geographical(region: str, factor_region: str, match: str, score: int) -> None:
    assert geographical_score(region, factor_region, match) == score


def test_technological_by_tier_and_fallback() -> None:
    assert technological_score("supplier_specific", "exact") == 1
    assert technological_score("activity", "exact") == 2
    assert technological_score("spend", "exact") == 4
    assert technological_score("disclosed", "exact") == 3
    assert technological_score("activity", "type_fallback") == 3  # grid average for residual mix
    assert technological_score("activity", "instrument") == 1
    assert technological_score("mystery", "exact") == 5


def test_given_scores_win_over_defaults() -> None:
    g = group(given={"temporal": 5, "completeness": 1, "reliability": None})
    s = indicator_scores(g)
    assert s == {
        "temporal": 5,
        "geographical": 1,
        "technological": 2,
        "completeness": 1,
        "reliability": 2,
    }
    assert combined_score(s) == pytest.approx(11 / 5)


def test_two_row_inventory_by_hand() -> None:
    # A: diesel in GB, GB factor of the same year, tier activity:
    #    temporal 1, geographical 1, technological 2, completeness 3, reliability 2 → 9/5 = 1.8
    # B: spend in CN with the GLO USEEIO proxy of 2022 (Δ 2 years), tier spend; USEEIO is the US
    #    economy, a purchase from CN is a distinctly different area (decision 0029):
    #    temporal 1, geographical 5, technological 4, completeness 3, reliability 3 → 16/5 = 3.2
    a = group()
    b = group(
        scope=3,
        activity_type="spend.naics.111110",
        factor_key="useeio-1.3/111110",
        tier="spend",
        match="region_fallback",
        region_eff="CN",
        factor_region="GLO",
        factor_year=2022,
        co2e_kg=1000.0,
    )
    doc = assess([a, b])
    # weighted: (3 t × 1.8 + 1 t × 3.2) / 4 t = 8.6 / 4 = 2.15
    assert doc["overall"]["score"] == pytest.approx(2.15)
    assert doc["overall"]["tco2e"] == pytest.approx(4.0)
    assert doc["overall"]["indicators"]["technological"] == pytest.approx((3 * 2 + 1 * 4) / 4)
    assert doc["by_scope"]["1"]["score"] == pytest.approx(1.8)
    assert doc["by_scope"]["3"]["score"] == pytest.approx(3.2)
    assert doc["by_scope3_category"] == {"1": doc["by_scope"]["3"]}
    # improvement potential: A 3 t × 0.8 = 2.4 outranks B 1 t × 2.2 = 2.2
    worst = doc["worst_contributors"]
    assert [w["activity_type"] for w in worst] == ["fuel.diesel", "spend.naics.111110"]
    assert worst[0]["improvement_potential"] == pytest.approx(2.4)
    assert worst[1]["improvement_potential"] == pytest.approx(2.2)
    assert worst[1]["worst_indicator"] == "geographical"  # the 5
    assert doc["warnings"] == [
        "spend-based factors of the US economy applied to purchases from CN: 1.000 t CO2e "
        "(geographical score 5, a distinctly different economy); use factors for CN (a factor "
        "set in factors/) or supplier-specific data"
    ]
    assert worst[0]["share_pct"] == pytest.approx(75.0)


def test_worst_contributors_groups_by_activity_site_factor_and_truncates() -> None:
    rows = [group(site=f"S{i}", co2e_kg=1000.0 * (i + 1)) for i in range(5)]
    rows.append(group(site="S4", co2e_kg=1000.0, match="earlier_year", factor_year=2023))
    top = worst_contributors(rows, n=2)
    assert [t["site"] for t in top] == ["S4", "S3"]
    # S4: 5 t scoring 1.8 and 1 t scoring 2.0 (temporal 2) → (5·1.8 + 1·2.0) / 6
    assert top[0]["tco2e"] == pytest.approx(6.0)
    assert top[0]["score"] == pytest.approx(round(11.0 / 6.0, 3))


def test_negative_rows_weigh_by_magnitude() -> None:
    doc = assess([group(co2e_kg=-500.0), group(co2e_kg=500.0, tier="spend")])
    # |−0.5| × 1.8 + 0.5 × (1+1+4+3+3)/5 = 0.9 + 1.2 → / 1.0 = 2.1; net tonnes 0
    assert doc["overall"]["score"] == pytest.approx(2.1)
    assert doc["overall"]["tco2e"] == 0.0
    assert improvement_potential(-2.0, 3.0) == 4.0


def test_empty_inventory() -> None:
    doc = assess([])
    assert doc["overall"] == {"score": None, "indicators": None, "tco2e": 0.0}
    assert doc["worst_contributors"] == []
