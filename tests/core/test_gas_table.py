"""The Kyoto gas table (GHG Protocol ch. 9; ISO 14064-1:2018 §9.3.1), hand-checked with the
shipped AR5 GWPs and blend compositions."""

from __future__ import annotations

import pytest

from lingtan.adapters.io.blend_compositions import parse_compositions, read_blend_compositions
from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.core.errors import FactorError
from lingtan.core.gas_table import KYOTO_GROUPS, kyoto_group, kyoto_table
from lingtan.core.inventory import AggregateRow, build_inventory


def row(scope: int, gas: str, kg: float, basis: str = "both", category: int = 1) -> AggregateRow:
    iso = {1: 1, 2: 2, 3: 4}[scope]
    return AggregateRow(scope, category, iso, basis, gas, "S", "2023-05", "m", "activity", kg)


AR5 = read_gwp_sets()["AR5"]
ROWS = [
    row(1, "CO2", 100_000.0),  # 100 t CO2
    row(1, "CH4", 280.0),  # 10 kg CH4 × 28 = 280 kg CO2e
    # R-410A leak, 10 kg: 50 % HFC-32 (AR5 677) + 50 % HFC-125 (AR5 3170)
    # GWP = 0.5 × 677 + 0.5 × 3170 = 1923.5 → 10 × 1923.5 = 19 235 kg CO2e, all HFCs; 10 kg HFCs
    row(1, "R410A", 19_235.0),
    # R-508A leak, 2 kg: 39 % HFC-23 (AR5 12 400) + 61 % C2F6 (AR5 11 100)
    # HFC part 2 × 0.39 × 12 400 = 9 672 kg CO2e, 0.78 kg; PFC part 2 × 0.61 × 11 100 = 13 542 kg
    # CO2e, 1.22 kg; total 23 214 kg CO2e
    row(1, "R508A", 23_214.0),
    # R-401A leak, 100 kg: Kyoto part HFC-152a 13 % (AR5 138) → 100 × 0.13 × 138 = 1 794 kg CO2e
    # (the shipped GWP is the Kyoto-constituents-only 17.94); HFC mass 13 kg; the HCFCs count
    # nowhere here
    row(1, "R401A", 1_794.0),
    row(1, "SF6", 2_350.0),  # 0.1 kg × 23 500
    # wood pellets: biogenic CO2 5 t, reported outside the scopes (not in Scope 1)
    row(1, "CO2_biogenic", 5_000.0),
    row(2, "CO2", 50_000.0, "location"),
    row(2, "CO2e", 30_000.0, "market"),  # instrument / residual rows: CO2e, not split
    row(3, "CO2e", 7_000.0, category=6),
    row(3, "HFCPFCUNSPECIFIED", 40.0),
]


def test_hand_checked_table() -> None:
    t = kyoto_table(ROWS, AR5.table(), read_blend_compositions(), "AR5")
    s1 = t.scopes["scope1"]
    assert s1["CO2"].t_co2e == pytest.approx(100.0)
    assert s1["CO2"].t_gas == pytest.approx(100.0)
    assert s1["CH4"].t_co2e == pytest.approx(0.28)
    assert s1["CH4"].t_gas == pytest.approx(0.01)
    # HFCs: R-410A 19.235 + R-508A 9.672 + R-401A 1.794 = 30.701 t CO2e;
    # mass 0.010 + 0.00078 + 0.013 = 0.02378 t
    assert s1["HFCs"].t_co2e == pytest.approx(30.701)
    assert s1["HFCs"].t_gas == pytest.approx(0.02378)
    assert s1["PFCs"].t_co2e == pytest.approx(13.542)
    assert s1["PFCs"].t_gas == pytest.approx(0.00122)
    assert s1["SF6"].t_gas == pytest.approx(0.0001)
    assert s1["N2O"].t_co2e == 0
    assert s1["NF3"].t_co2e == 0
    # Scope 1 = 100 + 0.28 + 19.235 + 23.214 + 1.794 + 2.35 = 146.873 t (biogenic excluded)
    assert t.total("scope1") == pytest.approx(146.873)
    assert t.biogenic_co2_t == {"scope1": pytest.approx(5.0)}
    assert t.total("scope2_location") == pytest.approx(50.0)
    assert t.scopes["scope2_market"]["not_split"].t_co2e == pytest.approx(30.0)
    assert t.scopes["scope2_market"]["not_split"].t_gas is None
    assert t.scopes["scope3"]["hfcs_pfcs_unspecified"].t_co2e == pytest.approx(0.04)
    doc = t.to_dict()
    assert list(doc["scopes"]["scope1"])[:7] == list(KYOTO_GROUPS)
    assert doc["scopes"]["scope1"]["total_t_co2e"] == 146.873
    assert doc["biogenic_co2_t_outside_scopes"] == {"scope1": 5.0}


def test_scope_totals_reconcile_with_the_inventory_without_biogenic() -> None:
    rows = [r for r in ROWS if r.gas != "CO2_biogenic"]
    inv = build_inventory(rows, organisation="o", fiscal_year="FY", period_start="",
                          period_end="", gwp_set="AR5", consolidation="c")  # fmt: skip
    t = kyoto_table(inv.rows, AR5.table(), read_blend_compositions(), "AR5")
    totals = inv.totals()
    for key in ("scope1", "scope2_location", "scope2_market", "scope3"):
        assert t.total(key) == pytest.approx(totals[key]), key


def test_kyoto_groups() -> None:
    assert [kyoto_group(g) for g in ("CO2", "CH4_fossil", "N2O", "HFC-134a", "CF4", "c-C4F8")] \
        == ["CO2", "CH4", "N2O", "HFCs", "PFCs", "PFCs"]  # fmt: skip
    assert [kyoto_group(g) for g in ("SF6", "NF3", "SF5CF3")] == ["SF6", "NF3", "PFCs"]
    for other in ("HCFC-22", "CFC-12", "HFE-7100", "HFCPFCUNSPECIFIED", "R410A", "CO2e"):
        assert kyoto_group(other) is None, other


def test_gas_without_gwp_is_an_error() -> None:
    with pytest.raises(FactorError, match="HFC9999 has no GWP"):
        kyoto_table([row(1, "HFC9999", 1.0)], AR5.table(), {}, "AR5")


def test_bad_composition_file_names_row_and_column() -> None:
    with pytest.raises(FactorError, match=r"blends\.csv, row 3, column 'mass_fraction'"):
        parse_compositions("blend,component,mass_fraction,source\nR1,HFC32,0.5,s\nR1,HFC125,x,s\n")
