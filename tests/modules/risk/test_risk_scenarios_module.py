"""The scenario run arithmetic (modules/risk/scenarios.py; decision 0082), hand-checked.

Scenario (CNY): carbon price CN 100 (2030) → 300 (2050), so 200 in 2040 (linear); World 50 →
150 (100 in 2040); free allocation CN 0.5 → 0.0 (0.25 in 2040); pass-through power 0.5,
suppliers 0.2; grid-factor multiplier CN 0.8 → 0.4 (0.6 in 2040); electricity price CN 0.7
(2025, the base year), 0.8 (2030), 1.0 (2050) → 0.9 in 2040; uplift 0.1 → 0.3 (0.2 in 2040);
hazard multiplier 1.2 → 2.0 (1.6 in 2040).

Organisation (FY2024): Scope 1 CN 1 000 t; grid electricity CN 2 000 000 kWh with Scope 2
(location) 1 200 t → EF0 = 1 200 / 2 000 000 × 1000 = 0.6 kg/kWh; Scope 3 cat. 1 5 000 t;
low-carbon revenue 10 000 000; current physical loss 100 000; the target pathway allows 50 % of
the inventory year's Scope 1+2 in 2040; no BAU growth.
"""

from __future__ import annotations

import pytest

from lingtan.modules.risk.errors import ScenarioError
from lingtan.modules.risk.scenarios import (
    Point,
    RunInputs,
    RunSummary,
    Scenario,
    conclude,
    run,
    run_id,
)


def _scenario(**over: object) -> Scenario:
    pts = [
        Point("carbon_price", "CN", 2030, 100.0, 80.0, 120.0),
        Point("carbon_price", "CN", 2050, 300.0),
        Point("carbon_price", "GLO", 2030, 50.0),
        Point("carbon_price", "GLO", 2050, 150.0),
        Point("free_allocation", "CN", 2030, 0.5),
        Point("free_allocation", "CN", 2050, 0.0),
        Point("pass_through_power", "GLO", 2030, 0.5),
        Point("pass_through_power", "GLO", 2050, 0.5),
        Point("pass_through_suppliers", "GLO", 2030, 0.2),
        Point("pass_through_suppliers", "GLO", 2050, 0.2),
        Point("grid_factor_multiplier", "CN", 2030, 0.8),
        Point("grid_factor_multiplier", "CN", 2050, 0.4),
        Point("electricity_price", "CN", 2025, 0.7),
        Point("electricity_price", "CN", 2030, 0.8),
        Point("electricity_price", "CN", 2050, 1.0),
        Point("low_carbon_uplift", "GLO", 2030, 0.1),
        Point("low_carbon_uplift", "GLO", 2050, 0.3),
        Point("hazard_multiplier", "GLO", 2030, 1.2),
        Point("hazard_multiplier", "GLO", 2050, 2.0),
    ]
    args: dict[str, object] = {
        "id": "t",
        "label": "Test",
        "warming": 1.5,
        "pathway": "SSP1-1.9",
        "source": "test",
        "licence": "test",
        "edition": "1",
        "currency": "CNY",
        "points": tuple(pts),
        "base_year": 2025,
    }
    args.update(over)
    return Scenario(**args)  # type: ignore[arg-type]


INPUTS = RunInputs(
    fiscal_year="FY2024",
    inventory_year=2024,
    snapshot_id="s" * 64,
    scope1_t={"CN": 1000.0},
    kwh={"CN": 2_000_000.0},
    scope2_location_t={"CN": 1200.0},
    cat1_t=5000.0,
    revenue_lowcarbon=10_000_000.0,
    target_fraction={2040: 0.5},
    physical_base=100_000.0,
)


def test_interpolates_linearly_and_never_extrapolates() -> None:
    s = _scenario()
    assert s.value("carbon_price", 2040, "CN") == pytest.approx(200.0)
    # a province falls back to its country (CN-JS → CN-GRID-EAST → CN)
    assert s.value("carbon_price", 2040, "CN-JS") == pytest.approx(200.0)
    # GB has no series: the World one (GLO)
    assert s.value("carbon_price", 2040, "GB") == pytest.approx(100.0)
    with pytest.raises(ScenarioError):
        s.value("carbon_price", 2060, "CN")
    with pytest.raises(ScenarioError):
        s.value("carbon_price", 2025, "CN")


def test_carbon_cost_equals_the_hand_calculation() -> None:
    res = run(_scenario(), INPUTS, (2030, 2040))
    y2040 = res.years[1]
    lines = {k: v.central for k, v in y2040.lines.items()}
    # C_dir = 1000 t × 200 CNY/t × (1 − 0.25) = 150 000
    assert lines["direct_carbon"] == pytest.approx(150_000.0)
    # C_ind = 2e6 kWh × (0.6 × 0.6) kg/kWh / 1000 × 200 × 0.5 = 720 t × 100 = 72 000
    assert lines["indirect_power"] == pytest.approx(72_000.0)
    # supply chain = 5000 t × 100 (World) × 0.2 = 100 000
    assert lines["supply_chain"] == pytest.approx(100_000.0)
    # energy cost = 2e6 kWh × (0.9 − 0.7) = 400 000
    assert lines["energy_cost"] == pytest.approx(400_000.0)
    # physical = 100 000 × 1.6 = 160 000
    assert lines["physical"] == pytest.approx(160_000.0)
    # plan = −(150 000 + 72 000) × (1 − 0.5) = −111 000
    assert lines["plan_effect"] == pytest.approx(-111_000.0)
    # opportunity = 10 000 000 × 0.2 = 2 000 000
    assert lines["low_carbon_revenue"] == pytest.approx(2_000_000.0)
    # risks = 150 000 + 72 000 + 100 000 + 400 000 + 160 000 − 111 000 = 771 000
    assert y2040.risks.central == pytest.approx(771_000.0)
    assert y2040.net.central == pytest.approx(2_000_000.0 - 771_000.0)


def test_ranges_and_year_without_target() -> None:
    y2030 = run(_scenario(), INPUTS, (2030,)).years[0]
    direct = y2030.lines["direct_carbon"]
    # 1000 × {80, 100, 120} × 0.5
    assert (direct.low, direct.central, direct.high) == pytest.approx((40_000, 50_000, 60_000))
    assert y2030.lines["plan_effect"].central == 0.0
    # risks central = 50 000 + 48 000 + 50 000 + 200 000 + 120 000 = 468 000
    assert y2030.risks.central == pytest.approx(468_000.0)
    assert y2030.net.low <= y2030.net.central <= y2030.net.high


def test_run_does_not_mutate_and_id_is_content_hashed() -> None:
    s = _scenario()
    before = (s.to_dict(), INPUTS.to_dict())
    a = run(s, INPUTS)
    assert (s.to_dict(), INPUTS.to_dict()) == before
    assert a.to_dict() == run(s, INPUTS).to_dict()
    rid = run_id(s, INPUTS, (2030, 2040, 2050), "0.1.0")
    assert rid == run_id(_scenario(), INPUTS, (2030, 2040, 2050), "0.1.0")
    assert rid != run_id(_scenario(label="Other"), INPUTS, (2030, 2040, 2050), "0.1.0")
    assert rid != run_id(s, INPUTS, (2030, 2040, 2050), "0.2.0")


def test_rules_of_a_data_set() -> None:
    with pytest.raises(ScenarioError):
        _scenario(points=(Point("free_allocation", "CN", 2030, 0.5),))  # no carbon price
    with pytest.raises(ScenarioError):
        _scenario(
            points=(Point("carbon_price", "CN", 2030, 1.0), Point("carbon_price", "CN", 2030, 2.0))
        )
    with pytest.raises(ScenarioError):
        _scenario(
            points=(
                Point("carbon_price", "CN", 2030, 1.0),
                Point("free_allocation", "CN", 2030, 1.5),
            )
        )
    with pytest.raises(ScenarioError):
        _scenario(warming=12.0)


def test_conclusion_is_computed_either_way() -> None:
    hot = RunSummary("4 °C", 4.0, "CNY", {2050: -300.0})
    cool = RunSummary("1.5 °C", 1.5, "CNY", {2050: 500.0})
    c = conclude([cool, hot])
    assert c.opportunities_exceed is True
    assert c.year == 2050
    assert c.message.key == "scenarios.conclusion.rises_exceed"
    assert c.message.params["a"] == -300
    assert c.message.params["b"] == 500
    worse = RunSummary("1.5 °C", 1.5, "CNY", {2050: -900.0})
    c2 = conclude([worse, hot])
    assert c2.opportunities_exceed is False
    assert c2.message.key == "scenarios.conclusion.falls_not_exceed"
    assert conclude([hot]).message.key == "scenarios.conclusion.too_few"
