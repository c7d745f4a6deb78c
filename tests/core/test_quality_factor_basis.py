"""Data quality of grid factors of a weaker basis (decision 0028): generation-based proxies,
residual-mix proxies and unverified transcriptions score lower reliability; the Chinese regional
grid is a geographical level only for grid factors themselves."""

from __future__ import annotations

import pytest

from lingtan.core.quality import (
    QualityGroup,
    assess,
    assess_columns,
    factor_reliability_floor,
    geographical_score,
    indicator_scores,
)


def _group(factor_key: str, region_eff: str = "DE-BY", factor_region: str = "DE") -> QualityGroup:
    return QualityGroup(
        scope=2, category=1, activity_type="electricity.grid", site="S",
        factor_key=factor_key, tier="activity", match="region_fallback",
        region_eff=region_eff, factor_region=factor_region,
        activity_year=2023, factor_year=2023, co2e_kg=1000.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("key", "floor"),
    [
        ("ember-grid-proxy/DE/2023", 4),  # generation-based proxy: qualified estimate
        ("cn-grid/mee-nbs-2023/excl-market-nonfossil/CN", 3),  # residual-mix proxy
        ("cn-grid/mee-nbs-2021/average/CN-JS/single-source", 3),  # unverified transcription
        ("cn-grid/mee-nbs-2023/average/CN-JS", 1),  # no floor
        ("desnz-2025/1_2_3", 1),
        ("", 1),
    ],
)
def test_reliability_floor(key: str, floor: int) -> None:
    assert factor_reliability_floor(key) == floor


def test_proxy_lowers_reliability_in_both_assess_paths() -> None:
    # activity tier → reliability 2; the Ember proxy → 4. Other indicators: temporal 1 (same
    # year), geographical 2 (DE-BY → DE, one level), technological 2, completeness 3.
    g = _group("ember-grid-proxy/DE/2023")
    s = indicator_scores(g)
    assert s["reliability"] == 4
    assert s == {"temporal": 1, "geographical": 2, "technological": 2, "completeness": 3,
                 "reliability": 4}  # fmt: skip
    # combined = (1 + 2 + 2 + 3 + 4) / 5 = 2.4, same in the vectorised twin
    assert assess([g])["overall"]["score"] == 2.4
    cols = {k: [getattr(g, k)] for k in (
        "scope", "category", "activity_type", "site", "factor_key", "tier", "match",
        "region_eff", "factor_region", "activity_year", "factor_year", "co2e_kg")}  # fmt: skip
    assert assess_columns(cols)["overall"]["score"] == 2.4
    assert indicator_scores(_group("cn-grid/mee-nbs-2023/average/CN-JS"))["reliability"] == 2


def test_regional_grid_level_counts_only_for_grid_factors() -> None:
    # CN-JS → CN-GRID-EAST → CN: a national factor is one level up (2), as before the grids
    assert geographical_score("CN-JS", "CN", "region_fallback") == 2
    assert geographical_score("CN-JS", "CN-GRID-EAST", "region_fallback") == 2
    assert geographical_score("CN-JS", "CN-JS", "exact") == 1
    assert geographical_score("CN-JS-SZ", "CN", "region_fallback") == 3
