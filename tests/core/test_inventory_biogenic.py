"""Biogenic CO2 in the pure core: a known gas with GWP 1, outside every scope total (GHG
Protocol Corporate Standard ch. 9; ISO 14064-1:2018 §9.3.1), and the table by gas stored and
read back unrounded."""

from __future__ import annotations

import pytest

from lingtan.core.gas_table import GasTable, kyoto_table
from lingtan.core.gwp import CO2_BIOGENIC, build_gwp_set, normalise_gas
from lingtan.core.inventory import AggregateRow, build_inventory


def _row(scope: int, gas: str, kg: float, category: int = 1, basis: str = "both") -> AggregateRow:
    return AggregateRow(scope, category, 1, basis, gas, "HQ", "2023-05", "m", "activity", kg, 1)


ROWS = (
    _row(1, "CO2", 1000.0),
    _row(1, CO2_BIOGENIC, 400.0),  # wood pellets burnt on site: 0.4 t CO2, outside the scopes
    _row(3, "CO2", 500.0, category=4),
    _row(3, CO2_BIOGENIC, 100.0, category=4),  # biogenic CO2 of a transport biofuel
)


def test_co2_biogenic_is_a_known_gas_of_gwp_1_in_every_set() -> None:
    assert normalise_gas("CO2_biogenic") == normalise_gas("co2 biogenic") == CO2_BIOGENIC
    s = build_gwp_set("AR6", {"CH4": 27.9}, "test")
    assert s.has("CO2_biogenic")
    assert s.gwp("CO2_biogenic") == 1.0
    assert CO2_BIOGENIC not in s.table()  # not a scope gas: no identity factor, no join value


def test_totals_breakdowns_and_shares_leave_biogenic_co2_out() -> None:
    inv = build_inventory(ROWS, organisation="o", fiscal_year="FY2023/24", period_start="",
                          period_end="", gwp_set="AR5", consolidation="c")  # fmt: skip
    t = inv.totals()
    # Scope 1 = 1,000 kg = 1 t; Scope 3 = 500 kg = 0.5 t; total 1.5 t (biogenic 0.5 t apart)
    assert (t["scope1"], t["scope3"], t["total_market"]) == (1.0, 0.5, 1.5)
    assert inv.by("gas") == {"CO2": 1.5}
    assert inv.scope3_by_category()["4"] == 0.5
    assert inv.shares_pct()["scope1"] == pytest.approx(100 * 1.0 / 1.5)
    assert inv.biogenic_co2() == 0.5  # (400 + 100) kg
    assert inv.biogenic_co2(scope=1) == 0.4
    assert inv.total(gas=CO2_BIOGENIC) == 0.5  # asked for by gas (lineage of that figure)
    assert inv.to_dict()["totals_tco2e"]["biogenic_co2_outside_scopes"] == 0.5
    assert inv.to_dict()["by_kyoto_gas"] is None  # not computed here: the runner does it


def test_gas_table_state_round_trips_unrounded() -> None:
    table = kyoto_table(ROWS, {"CH4": 28.0}, {}, "AR5")
    assert table.biogenic_co2_t == {"scope1": 0.4, "scope3": 0.1}
    assert table.total("scope1") == 1.0  # biogenic CO2 in no scope total
    back = GasTable.from_state(table.to_state())
    assert back == table
    assert back.to_dict() == table.to_dict()
