"""The factor search index (decision 0055): Chinese names, ranking, the real count, and the
CO2e per unit of a factor group, hand-checked."""

from __future__ import annotations

from typing import Any

import pytest

from lingtan.core.factor_index import FactorIndex, co2e_per_unit
from lingtan.core.factors import make_factor
from lingtan.core.gwp import build_gwp_set

#: IPCC AR5 WGI Table 8.A.1 GWP100 (no climate-carbon feedback): CH4 28, N2O 265.
AR5 = build_gwp_set("AR5", {"CH4": 28.0, "N2O": 265.0}, "IPCC AR5 WGI (2013) Table 8.A.1")
#: IPCC AR6 WGI Table 7.15: CH4 fossil 29.8 (methane by origin added by build_gwp_set), N2O 273.
AR6 = build_gwp_set("AR6", {"CH4": 27.9, "N2O": 273.0}, "IPCC AR6 WGI (2021) Table 7.15")


def _f(at: str, gas: str, value: float, **kw: Any) -> Any:
    year = kw.get("year", "2025")
    fields = {
        "factor_id": f"{kw.get('set', 's')}/{at}/{kw.get('unit', 'L')}/{gas}/{year}",
        "activity_type": at,
        "region": kw.get("region", "GLO"),
        "unit": kw.get("unit", "L"),
        "gas": gas,
        "value": str(value),
        "valid_from": f"{year}-01-01",
        "gwp_set": kw.get("gwp", ""),
        "publisher": "DESNZ",
        "dataset": "GHG conversion factors",
        "edition": "2025",
        "description": kw.get("description", ""),
    }
    return make_factor(kw.get("set", "desnz-2025"), fields)


# DESNZ 2025, Fuels, Diesel (average biofuel blend), litres: CO2 2.53763; CH4 and N2O published
# as kg CO2e (AR5) 0.00029 and 0.0329, here as kg gas: 0.00029/28 and 0.0329/265.
DIESEL = [
    _f("fuel.diesel", "CO2", 2.53763),
    _f("fuel.diesel", "CH4_fossil", 0.00029 / 28),
    _f("fuel.diesel", "N2O", 0.0329 / 265),
    _f("fuel.diesel", "CO2_biogenic", 0.14),
]


def test_co2e_per_litre_of_diesel_hand_checked() -> None:
    # AR5: 2.53763 + 0.00029/28 × 28 + 0.0329/265 × 265 = 2.53763 + 0.00029 + 0.0329
    #      = 2.57082 kg CO2e/L (DESNZ's published total); biogenic 0.14 is outside the scopes.
    assert co2e_per_unit(DIESEL, AR5) == pytest.approx(2.57082, abs=1e-9)
    # AR6: 2.53763 + 0.00029/28 × 29.8 + 0.0329/265 × 273
    #      = 2.53763 + 0.000308643 + 0.033893208 = 2.571831851 kg CO2e/L
    assert co2e_per_unit(DIESEL, AR6) == pytest.approx(2.571831851, abs=1e-8)


def test_co2e_row_counts_as_published_and_unknown_gas_gives_none() -> None:
    published = [_f("electricity.grid", "CO2e", 0.5, unit="kWh", gwp="AR4")]
    assert co2e_per_unit(published, AR5) == 0.5
    assert co2e_per_unit([_f("x.y", "SF5CF3", 1.0)], AR5) is None


def _index() -> FactorIndex:
    return FactorIndex([
        *DIESEL,
        _f("fuel.biodiesel", "CO2", 0.1),
        _f("fuel.diesel.nonroad.locomotives", "CO2", 2.6),
        _f("fuel.natural_gas", "CO2", 2.0, unit="m3"),
        _f("fuel.cng", "CO2", 2.5),
        _f("electricity.grid", "CO2", 0.5306, unit="kWh", region="CN", set="cn-grid", year="2023"),
        _f("electricity.grid", "CO2", 0.5366, unit="kWh", region="CN", set="cn-grid", year="2022"),
        _f("electricity.grid", "CO2", 0.17489, unit="kWh", region="GB"),
        _f("heat.steam", "CO2", 0.2, unit="kWh", region="GB"),
    ])  # fmt: skip


def test_chinese_search_finds_and_ranks_by_name() -> None:
    ix = _index()
    types = [g.head.activity_type for g in ix.search("柴油")]
    # the type named 柴油 first, then shorter types, then the family member
    assert types == ["fuel.diesel", "fuel.biodiesel", "fuel.diesel.nonroad.locomotives"]
    assert ix.search("柴油")[0].zh == "柴油"
    assert len(ix.search("柴油")[0].factors) == 4  # the whole group, every gas
    assert [g.head.activity_type for g in ix.search("天然气")] == ["fuel.natural_gas", "fuel.cng"]
    full_width = [g.head.activity_type for g in ix.search("０号柴油")]  # alias of fuel.diesel
    assert full_width == ["fuel.diesel", "fuel.diesel.nonroad.locomotives"]
    assert [g.head.activity_type for g in ix.search("蒸汽")] == ["heat.steam"]
    assert ix.search("标准煤") == []


def test_region_filter_and_newest_first() -> None:
    got = _index().search("电力", region="cn")
    assert [(g.head.region, g.head.valid_from.year) for g in got] == [("CN", 2023), ("CN", 2022)]
    assert len(_index().search("电力")) == 3  # CN 2023, CN 2022, GB
    assert len(_index().search("电力 CN")) == 2
    assert [g.head.region for g in _index().search("electricity grid")] == ["CN", "CN", "GB"]
