"""BAU forecast from drivers (GHG Protocol Mitigation Goal Standard ch. 8), hand-checked."""

from __future__ import annotations

import pytest

from lingtan.modules.targets import BauModel, PlanError, Series, YearEmissions, forecast_bau


def test_buckets_grow_with_their_drivers() -> None:
    start = YearEmissions(2023, 100.0, 200.0, scope3_by_category={1: 1000.0, 4: 50.0})
    production = Series("production", "item", {2023: 1000.0, 2024: 1100.0}, growth_pct=5.0)
    grid = Series("grid", "kg/kWh", {2023: 0.57}, growth_pct=-2.0)
    revenue = Series("revenue", "USD", {2023: 10.0}, growth_pct=10.0)
    m = BauModel(start, {"production": production, "grid": grid, "revenue": revenue},
                 {"scope1": ("production",), "scope2": ("production", "grid"),
                  "default": ("revenue",), "scope3.4": ()})  # fmt: skip
    f = forecast_bau(m, [2024, 2025])
    # scope1: 100 · 1100/1000 = 110; 2025: 1100 · 1.05 = 1155 → 115.5
    assert f.bucket("scope1", 2024) == pytest.approx(110.0)
    assert f.bucket("scope1", 2025) == pytest.approx(115.5)
    # scope2: 200 · 1.155 · 0.98² = 221.8524 in 2025
    assert f.bucket("scope2", 2025) == pytest.approx(200 * 1.155 * 0.98**2)
    # cat 1 on the default driver: 1000 · 1.1² = 1210; cat 4 flat (no driver)
    assert f.bucket("scope3.1", 2025) == pytest.approx(1210.0)
    assert f.bucket("scope3.4", 2025) == 50.0
    assert f.start_total == 1350.0
    assert f.year(2025).scope3 == pytest.approx(1260.0)


def test_driver_without_values_fails() -> None:
    start = YearEmissions(2023, 1.0, 1.0)
    m = BauModel(start, {"x": Series("x", "item", {2020: 1.0})}, {"default": ("x",)})
    with pytest.raises(PlanError, match="driver 'x' has no value for 2023"):
        forecast_bau(m, [2024])
    with pytest.raises(PlanError, match="unknown driver 'y'"):
        BauModel(start, {}, {"scope1": ("y",)})
