"""Standard coal equivalent, GB/T 2589-2020 Annex A (hand-checked figures)."""

from __future__ import annotations

import pytest

from lingtan.adapters.io.standard_coal_files import bundled_standard_coal
from lingtan.core.standard_coal import StandardCoalError, parse_coefficients, to_kgce, to_tce
from lingtan.modules.targets.energy import COAL_COEFFICIENTS


def test_hefei_nitrogen_project_479_31_tce() -> None:
    # the report's Hefei nitrogen project: 3.9 GWh/yr saved = 479.31 tce
    # 3.9 GWh = 3,900,000 kWh × 0.1229 kgce/kWh = 479,310 kgce = 479.31 tce
    t = bundled_standard_coal()
    elec = t.get("electricity_calorific_equivalent")
    assert elec.kgce_per_unit == 0.1229
    assert to_tce(3.9, "GWh", elec) == pytest.approx(479.31, rel=1e-12)
    # 2.8 GWh (Hefei PV) × 0.1229 = 344.12 tce; 300 MWh × 0.1229 = 36.87 tce
    assert to_tce(2.8, "GWh", elec) == pytest.approx(344.12, rel=1e-12)
    assert to_tce(300, "MWh", elec) == pytest.approx(36.87, rel=1e-12)


def test_fuels() -> None:
    t = bundled_standard_coal()
    # raw coal 0.7143 kgce/kg: 10 t = 10,000 kg × 0.7143 = 7,143 kgce = 7.143 tce
    assert to_tce(10, "t", t.get("raw_coal")) == pytest.approx(7.143, rel=1e-12)
    # diesel 1.4571 kgce/kg: 2 t → 2.9142 tce
    assert to_tce(2, "t", t.get("diesel")) == pytest.approx(2.9142, rel=1e-12)
    # gas-field natural gas 1.2143 kgce/m³: 1000 m³ → 1,214.3 kgce
    assert to_kgce(1000, "m3", t.get("natural_gas_gas_field")) == pytest.approx(1214.3)
    # heat (calorific equivalent) 0.03412 kgce/MJ: 1 GJ = 1000 MJ → 34.12 kgce
    assert to_kgce(1, "GJ", t.get("heat_calorific_equivalent")) == pytest.approx(34.12)


def test_table_has_source_and_version() -> None:
    t = bundled_standard_coal()
    assert t.name == "gbt-2589-standard-coal"
    assert "GB/T 2589" in t.edition
    steam = t.get("steam_1_0mpa")
    assert steam.standard.startswith("not GB/T 2589")
    assert t.get("diesel").standard.startswith("GB/T 2589 Annex A")


def test_ranges_and_errors_are_explicit() -> None:
    t = bundled_standard_coal()
    rng = t.get("natural_gas_range")
    assert (rng.kgce_per_unit, rng.kgce_min, rng.kgce_max) == (None, 1.1, 1.33)
    with pytest.raises(StandardCoalError, match="range"):
        to_tce(1, "m3", rng)
    with pytest.raises(StandardCoalError, match="plutonium"):
        t.get("plutonium")
    with pytest.raises(StandardCoalError, match="electricity"):
        to_tce(1, "kg", t.get("electricity_calorific_equivalent"))
    with pytest.raises(StandardCoalError, match=r"x\.csv, row 2: field 'kgce_per_unit'"):
        parse_coefficients([{"carrier": "a", "unit": "kg", "kgce_per_unit": "abc"}],
                           name="n", edition="e", source="x.csv")  # fmt: skip
    with pytest.raises(StandardCoalError, match="row 3: carrier 'a' appears twice"):
        parse_coefficients([{"carrier": "a", "unit": "kg", "kgce_per_unit": "1"}] * 2,
                           name="n", edition="e", source="x.csv")  # fmt: skip


def test_targets_coefficients_equal_the_reference_data() -> None:
    # modules.targets keeps its own small table for project savings: it must equal the shipped
    # GB/T 2589 data (same value for each carrier it knows)
    t = bundled_standard_coal()
    same = {"electricity": "electricity_calorific_equivalent", "heat": "heat_calorific_equivalent",
            "natural_gas": "natural_gas_gas_field"}  # fmt: skip
    for carrier, c in COAL_COEFFICIENTS.items():
        ref = t.get(same.get(carrier, carrier))
        assert ref.kgce_per_unit == c.kgce_per_unit, carrier
