"""The bundled factor library: spot values traced to the source files, integrity, naming, the
rebuild, and the loaders' error reporting.

Spot values were read by hand from the files in ``/work/shared/data`` (paths in each test).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from lingtan.adapters.io.factor_files import (
    FactorSet,
    bundled_factor_sets,
    is_kyoto_gas,
    read_factor_csv,
    read_factor_set,
    read_gwp_sets,
    read_user_factor_set,
)
from lingtan.core.errors import FactorError
from lingtan.core.factors import (
    FACTOR_COLUMNS,
    PROXY_SETS,
    EmissionFactor,
    Match,
    MatchKind,
    resolve,
)
from lingtan.core.gwp import CO2_BIOGENIC, CO2E
from lingtan.core.units import parse_unit

REPO = Path(__file__).resolve().parents[3]
KWH_PER_MMBTU = 1.05505585262e9 / 3.6e6
KG_PER_LB = 0.45359237


def _shared_data() -> Path | None:
    env = os.environ.get("LINGTAN_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[4] / "shared" / "data")
    return next((p for p in candidates if (p / "README.md").is_file()), None)


@pytest.fixture(scope="module")
def sets() -> dict[str, FactorSet]:
    return {s.name: s for s in bundled_factor_sets()}


@pytest.fixture(scope="module")
def all_factors(sets: dict[str, FactorSet]) -> list[EmissionFactor]:
    return [f for s in sets.values() for f in s.factors]


def _group(fs: FactorSet, activity_type: str, unit: str, region: str = "") -> dict[str, float]:
    """gas → value of one factor group of a set."""
    out = {
        f.gas: f.value
        for f in fs.factors
        if f.activity_type == activity_type
        and f.unit == unit
        and (not region or f.region == region)
    }
    assert out, f"{fs.name}: no {activity_type} per {unit} {region}"
    return out


# -- spot values -----------------------------------------------------------------------------


def test_desnz_2025_diesel_per_litre(sets: dict[str, FactorSet]) -> None:
    # ghg-conversion-factors-2025-flat-format.csv, IDs 1_101_1011_8_2/3/4:
    # Fuels > Liquid fuels > Diesel (average biofuel blend), litres: CO2 2.53763, CH4 0.00029,
    # N2O 0.03290 (kg CO2e of gas, AR5); ID 99_604_1011_8_2, Outside of scopes > Forecourt
    # fuels containing biofuel > Diesel (average biofuel blend), litres: 0.14 kg CO2e of CO2
    # (biogenic CO2 of the blend's biodiesel, GWP 1, outside the scopes).
    g = _group(sets["desnz-2025"], "fuel.diesel", "L", "GLO")
    assert g == pytest.approx(
        {"CO2": 2.53763, "CH4_fossil": 0.00029 / 28, "N2O": 0.03290 / 265, "CO2biogenic": 0.14}
    )


def test_desnz_2025_natural_gas_per_m3(sets: dict[str, FactorSet]) -> None:
    # IDs 1_100_1004_1_2/3/4: Natural gas, cubic metres: 2.06270, 0.00307, 0.00095.
    g = _group(sets["desnz-2025"], "fuel.natural_gas", "m3", "GLO")
    assert g == pytest.approx({"CO2": 2.0627, "CH4_fossil": 0.00307 / 28, "N2O": 0.00095 / 265})


def test_desnz_2024_workbook_natural_gas_and_electricity(sets: dict[str, FactorSet]) -> None:
    # 2024 full set v1.1, sheet Fuels row 40: Natural gas, cubic metres 2.04542 / 2.0414 /
    # 0.00307 / 0.00095; sheet UK electricity row 25: 0.20705 / 0.20493 / 0.0009 / 0.00122.
    d24 = sets["desnz-2024"]
    g = _group(d24, "fuel.natural_gas", "m3")
    assert g == pytest.approx({"CO2": 2.0414, "CH4_fossil": 0.00307 / 28, "N2O": 0.00095 / 265})
    e = _group(d24, "electricity.grid", "kWh", "GB")
    assert e == pytest.approx({"CO2": 0.20493, "CH4": 0.0009 / 28, "N2O": 0.00122 / 265})
    # the sum of per-gas CO2e equals DESNZ's total within its 5-decimal rounding
    assert sum(v * {"CO2": 1, "CH4": 28, "N2O": 265}[k] for k, v in e.items()) == pytest.approx(
        0.20705, abs=2e-5
    )


def test_desnz_electricity_td_wtt_gb(sets: dict[str, FactorSet]) -> None:
    d25 = sets["desnz-2025"]
    # IDs 7_400_4000_5_2 (0.17489), 13_402_4000_5_2 (0.01834), 15_917_4000_5_1 (0.04590)
    assert _group(d25, "electricity.grid", "kWh", "GB")["CO2"] == pytest.approx(0.17489)
    assert _group(d25, "td_loss.electricity.grid", "kWh", "GB")["CO2"] == pytest.approx(0.01834)
    assert _group(d25, "wtt.electricity.grid", "kWh", "GB") == {"CO2e": pytest.approx(0.0459)}


def test_desnz_rf_is_a_co2e_total_and_hotel(sets: dict[str, FactorSet]) -> None:
    d25 = sets["desnz-2025"]
    # ID 21_316_3170_11_1: Long-haul, Economy, With RF: 0.11704 kg CO2e total
    assert _group(d25, "travel.air.long_haul.economy.rf", "pkm") == {"CO2e": 0.11704}
    # ID 21_316_3171_11_2: Without RF, CO2 0.06826
    assert _group(d25, "travel.air.long_haul.economy", "pkm")["CO2"] == pytest.approx(0.06826)
    # ID 29_600_4009_13_1: Hotel stay, China, 53.5 kg CO2e per room per night
    assert _group(d25, "hotel.CN", "room_night", "GLO") == {"CO2e": 53.5}
    hotel = next(f for f in d25.factors if f.activity_type == "hotel.CN")
    assert hotel.gwp_set == "AR5"


def test_epa_natural_gas_and_egrid(sets: dict[str, FactorSet]) -> None:
    epa = sets["epa-hub-2025"]
    # Table 1, Natural Gas: 53.06 kg CO2/mmBtu, 1 g CH4, 0.1 g N2O; 0.05444 kg CO2/scf
    per_kwh = _group(epa, "fuel.natural_gas", "kWh_gcv", "US")
    assert per_kwh["CO2"] * KWH_PER_MMBTU == pytest.approx(53.06, rel=1e-12)
    assert per_kwh["CH4_fossil"] * KWH_PER_MMBTU == pytest.approx(0.001, rel=1e-12)
    assert per_kwh["N2O"] * KWH_PER_MMBTU == pytest.approx(0.0001, rel=1e-12)
    assert _group(epa, "fuel.natural_gas", "scf", "US")["CO2"] == 0.05444
    # Table 6, CAMX: 436.655 lb CO2/MWh; US average 771.523
    camx = _group(epa, "electricity.grid", "kWh", "US-EGRID-CAMX")
    assert camx["CO2"] == pytest.approx(436.655 * KG_PER_LB / 1000, rel=1e-12)
    assert _group(epa, "electricity.grid", "kWh", "US")["CO2"] == pytest.approx(
        771.523 * KG_PER_LB / 1000, rel=1e-12
    )
    # Table 8: truck 0.186 kg CO2 per short ton-mile; Table 9: mixed MSW landfilled 0.58 t CO2e
    assert _group(epa, "freight.road.hgv.average", "short_ton_mile")["CO2"] == 0.186
    assert _group(epa, "waste.mixed_msw.landfill", "short_ton") == {"CO2e": 580.0}
    # biomass: biogenic CO2 not shipped, non-fossil methane
    wood = _group(epa, "fuel.wood_and_wood_residuals", "short_ton")
    assert set(wood) == {"CH4_nonfossil", "N2O"}


def test_useeio_one_naics_code(sets: dict[str, FactorSet]) -> None:
    use = sets["useeio-1.3"]
    # byGHG file: 111110 Soybean Farming, Carbon dioxide, with margins 1.72e-01 kg/2022 USD
    g = _group(use, "spend.naics.111110", "USD", "GLO")
    assert g["CO2"] == 0.172
    f = next(f for f in use.factors if f.factor_id == "useeio-1.3/111110/CO2")
    assert f.price_year == 2022
    assert f.valid_from == date(2022, 1, 1)
    assert "global proxy" in f.description
    # CO2e (AR5) of the per-gas values reproduces the CO2e file (0.532) within its rounding
    ar5 = read_gwp_sets()["AR5"]
    assert sum(v * ar5.gwp(k) for k, v in g.items()) == pytest.approx(0.532, rel=0.01)
    assert use.price_year == 2022


def _cn(
    all_factors: list[EmissionFactor], region: str, on: date, atype: str = "electricity.grid"
) -> Match:
    m = resolve(all_factors, atype, region, on, "kWh")
    assert m is not None, (region, on)
    return m


def test_china_national_average_by_year_the_known_trap(all_factors: list[EmissionFactor]) -> None:
    # MEE/NBS national average (shared/data/china-mee-grid-factors, basis average, all
    # 'confirmed'): 2021 = 0.5568, 2022 = 0.5366, 2023 = 0.5306 kg CO2/kWh. Several third-party
    # copies swap 2021 and 2022; the ETS value 0.5703 must not stand in for any year.
    for on, value in ((date(2021, 7, 1), 0.5568), (date(2022, 7, 1), 0.5366),
                      (date(2023, 7, 1), 0.5306), (date(2022, 12, 31), 0.5366),
                      (date(2023, 1, 1), 0.5306)):  # fmt: skip
        m = _cn(all_factors, "CN", on)
        assert [f.value for f in m.factors] == [value], on
        assert m.kind is MatchKind.EXACT
        assert m.factors[0].set_name == "cn-grid"
        assert "/average/CN/" in m.factors[0].factor_id
    # 2024 (no 2024 edition yet): the 2023 value, matched as the nearest earlier year and said so
    m = _cn(all_factors, "CN", date(2024, 3, 1))
    assert (m.factors[0].value, m.kind) == (0.5306, MatchKind.EARLIER_YEAR)
    assert m.note == "date 2024-03-01→factor valid from 2023-01-01"
    # 2020: the oldest edition (2021) used backwards (decision 0006)
    m = _cn(all_factors, "CN", date(2020, 6, 1))
    assert (m.factors[0].value, m.kind) == (0.5568, MatchKind.LATER_YEAR)
    # no CN electricity.grid value is 0.5703, at any date
    assert not [f for f in all_factors if f.activity_type == "electricity.grid"
                and f.region == "CN" and f.value == 0.5703]  # fmt: skip


def test_china_ets_value_is_its_own_dated_basis(sets: dict[str, FactorSet]) -> None:
    ets = [f for f in sets["cn-grid"].factors if f.value == 0.5703]
    assert len(ets) == 1
    f = ets[0]
    assert (f.activity_type, f.region, f.valid_from, f.valid_to) == (
        "electricity.ets_reporting", "CN", date(2022, 1, 1), date(2023, 1, 1))  # fmt: skip
    assert "NOT the MEE/NBS national average" in f.description


def test_china_residual_mix_proxy(all_factors: list[EmissionFactor]) -> None:
    # national factor excluding market-traded non-fossil electricity: 2022 0.5856, 2023 0.6096
    # (confirmed), 2021 0.5942 (single-source: flagged in id and description)
    for year, value, single in ((2021, 0.5942, True), (2022, 0.5856, False),
                                (2023, 0.6096, False)):  # fmt: skip
        m = _cn(all_factors, "CN-JS", date(year, 5, 1), "electricity.residual_mix")
        f = m.factors[0]
        assert (f.value, m.region) == (value, "CN")
        assert "RESIDUAL-MIX PROXY" in f.description
        assert ("/single-source/" in f.factor_id) is single
        assert ("UNVERIFIED" in f.description) is single


def test_suzhou_resolves_jiangsu_of_each_year(all_factors: list[EmissionFactor]) -> None:
    # CN-JS (Jiangsu) provincial average: 2021 0.6451 (single-source), 2022 0.5978,
    # 2023 0.5827 (corroborated); chain CN-JS → CN-GRID-EAST → CN.
    for year, value in ((2021, 0.6451), (2022, 0.5978), (2023, 0.5827)):
        m = _cn(all_factors, "CN-JS", date(year, 3, 15))
        assert (m.factors[0].value, m.region, m.kind) == (value, "CN-JS", MatchKind.EXACT)
    # a city code below the province chains through it
    assert _cn(all_factors, "CN-JS-SZ", date(2023, 3, 1)).factors[0].value == 0.5827


def test_province_without_value_falls_back_to_grid_then_national(
    all_factors: list[EmissionFactor],
) -> None:
    # Tibet (CN-XZ) has no provincial row in any notice → Southwest grid (西南): 2022 0.2268,
    # 2023 0.2472
    m = _cn(all_factors, "CN-XZ", date(2022, 6, 1))
    assert (m.factors[0].value, m.region, m.kind) == (0.2268, "CN-GRID-SOUTHWEST",
                                                      MatchKind.REGION_FALLBACK)  # fmt: skip
    assert _cn(all_factors, "CN-XZ", date(2023, 6, 1)).factors[0].value == 0.2472
    # without the regional grid rows, the national value is next
    no_grid = [f for f in all_factors if not f.region.startswith("CN-GRID-")]
    m = resolve(no_grid, "electricity.grid", "CN-XZ", date(2023, 6, 1), "kWh")
    assert m is not None
    assert (m.factors[0].value, m.region) == (0.5306, "CN")
    # a regional grid code resolves its own value: East China 2023 = 0.5500
    assert _cn(all_factors, "CN-GRID-EAST", date(2023, 6, 1)).factors[0].value == 0.55


def test_china_grid_coverage_and_confidence(sets: dict[str, FactorSet]) -> None:
    grid = [f for f in sets["cn-grid"].factors if f.activity_type == "electricity.grid"]
    by_year: dict[int, set[str]] = defaultdict(set)
    for f in grid:
        by_year[f.valid_from.year].add(f.region)
        assert f.valid_to == date(f.valid_from.year + 1, 1, 1)
        assert f.gas == "CO2"
    for year in (2021, 2022, 2023):
        regions = by_year[year]
        assert "CN" in regions
        assert len([r for r in regions if r.startswith("CN-GRID-")]) == 7
        assert len([r for r in regions if r != "CN" and not r.startswith("CN-GRID-")]) == 30
    # every 2021 province is single-source (one transcription): flagged
    single = [f for f in grid if "/single-source" in f.factor_id]
    assert {f.region for f in single if f.valid_from.year == 2021} >= {"CN-JS", "CN-AH"}
    assert all("confidence single-source" in f.source.table for f in single)
    assert all("UNVERIFIED" in f.description for f in single)
    assert not [f for f in grid if f.valid_from.year == 2023 and "/single-source" in f.factor_id]


def test_every_country_has_a_grid_factor_ranked_below_official(
    all_factors: list[EmissionFactor], sets: dict[str, FactorSet]
) -> None:
    proxy = sets["ember-grid-proxy"]
    assert len(proxy.factors) == 213
    assert proxy.tier == "proxy"
    assert proxy.licence == "CC-BY-4.0"
    # Germany: 380.95 g CO2e/kWh (2023) → 0.38095 kg/kWh; DE-BY chains to DE
    for region in ("DE", "DE-BY"):
        m = _cn(all_factors, region, date(2023, 5, 1))
        f = m.factors[0]
        assert (f.value, f.gas, f.gwp_set, m.region) == (0.38095, "CO2e", "AR5", "DE")
        assert f.set_name == "ember-grid-proxy"
        assert "PROXY" in f.source.table
    # GB 2023: DESNZ 2024 (a later edition, used backwards) beats the proxy valid on the date
    gb = _cn(all_factors, "GB", date(2023, 5, 1))
    assert gb.factors[0].set_name == "desnz-2024"
    assert gb.kind is MatchKind.LATER_YEAR
    # US (California) 2023: eGRID beats the US proxy; CN 2024: MEE 2023 beats the CN proxy
    us = _cn(all_factors, "US-EGRID-CAMX", date(2023, 5, 1))
    assert us.factors[0].set_name == "epa-hub-2025"
    cn = _cn(all_factors, "CN", date(2025, 5, 1))
    assert cn.factors[0].set_name == "cn-grid"
    # the proxy is used where nothing else exists, even against set priority
    m = resolve(all_factors, "electricity.grid", "GB", date(2025, 5, 1), "kWh",
                ["ember-grid-proxy", "desnz-2025"])  # fmt: skip
    assert m is not None
    assert m.factors[0].set_name == "desnz-2025"
    # Hong Kong (CN-HK) is not in the mainland grid: HK proxy, not the CN average
    hk = _cn(all_factors, "CN-HK", date(2023, 5, 1))
    assert hk.region == "HK"


def test_proxy_sets_match_manifests(sets: dict[str, FactorSet]) -> None:
    assert {n for n, s in sets.items() if s.tier == "proxy"} == set(PROXY_SETS)
    assert all(s.tier in ("", "proxy") for s in sets.values())


def test_desnz_editions_are_dated(sets: dict[str, FactorSet]) -> None:
    assert {(f.valid_from, f.valid_to) for f in sets["desnz-2025"].factors} == {
        (date(2025, 1, 1), None)
    }
    assert {(f.valid_from, f.valid_to) for f in sets["desnz-2024"].factors} == {
        (date(2024, 1, 1), date(2025, 1, 1))
    }
    assert {f.valid_from for f in sets["epa-hub-2025"].factors} == {date(2025, 1, 1)}


def test_resolution_prefers_own_region_then_global(all_factors: list[EmissionFactor]) -> None:
    us = resolve(all_factors, "fuel.diesel", "US-CA", date(2025, 5, 1), "gallon")
    assert us is not None
    assert us.region == "US"
    assert us.factors[0].set_name == "epa-hub-2025"
    cn = resolve(all_factors, "fuel.diesel", "CN-TJ", date(2025, 5, 1), "L")
    assert cn is not None
    assert cn.region == "GLO"
    assert cn.factors[0].set_name == "desnz-2025"
    old = resolve(all_factors, "fuel.diesel", "CN", date(2024, 5, 1), "L")
    assert old is not None
    assert old.factors[0].set_name == "desnz-2024"


# -- GWP -------------------------------------------------------------------------------------

#: EPA Hub 2025 Table 12: AR5 100-year GWP of blended refrigerants (HFC/PFC constituents only).
EPA_BLEND_GWP = {
    "R-401A": 18, "R-401B": 15, "R-401C": 21, "R-402A": 1902, "R-402B": 1205, "R-403B": 3471,
    "R-404A": 3943, "R-406A": 0, "R-407A": 1923, "R-407B": 2547, "R-407C": 1624,
    "R-407D": 1487, "R-408A": 2430, "R-409A": 0, "R-410A": 1924, "R-410B": 2048, "R-411A": 15,
    "R-411B": 4, "R-414A": 0, "R-414B": 0, "R-417A": 2127, "R-422A": 2847, "R-422D": 2473,
    "R-426A": 1371, "R-428A": 3417, "R-434A": 3075, "R-507A": 3985, "R-508A": 11607,
    "R-508B": 11698,
}  # fmt: skip


@pytest.mark.parametrize(("blend", "stated"), sorted(EPA_BLEND_GWP.items()))
def test_blend_gwp_reproduces_epa(blend: str, stated: int) -> None:
    assert read_gwp_sets()["AR5"].gwp(blend) == pytest.approx(stated, abs=0.5)


def test_blend_epa_erratum_r424a() -> None:
    # EPA states 3104 for R-424A, but its own composition (50.5 % HFC-125, 47 % HFC-134a,
    # 2.5 % hydrocarbons) gives 2211.85; DESNZ 2025 (ID 3_201_2234_3_1) publishes 2212.
    assert read_gwp_sets()["AR5"].gwp("R-424A") == pytest.approx(2212, abs=0.5)


def test_gwp_sets() -> None:
    g = read_gwp_sets()
    assert sorted(g) == ["AR4", "AR5", "AR6"]
    assert (g["AR5"].gwp("CH4"), g["AR5"].gwp("N2O"), g["AR5"].gwp("HFC-134a")) == (28, 265, 1300)
    assert g["AR6"].gwp("CH4_fossil") == 29.8
    assert g["AR6"].gwp("CH4_nonfossil") == 27.0
    assert g["AR6"].gwp("CH4") == 27.9
    assert g["AR4"].gwp("CH4_fossil") == 25
    assert g["AR4"].gwp("SF6") == 22800
    assert g["AR6"].gwp("NF3") == 17400
    # pure-HFC blends are computed by the core from composition, in every set
    assert "R410A" in g["AR6"].blends
    assert g["AR6"].gwp("R410A") == pytest.approx(0.5 * 771 + 0.5 * 3740)
    # a blend with HCFCs counts its Kyoto constituents only
    assert g["AR5"].gwp("R-402A") == pytest.approx(0.60 * 3170)
    assert not is_kyoto_gas("HCFC-22")
    assert is_kyoto_gas("cC4F8")
    assert is_kyoto_gas("HFC-23")


def test_every_gas_has_a_gwp_in_every_set(all_factors: list[EmissionFactor]) -> None:
    g = read_gwp_sets()
    gases = {f.gas for f in all_factors} - {CO2E}
    for name, s in g.items():
        missing = sorted(x for x in gases if not s.has(x))
        assert not missing, f"{name}: {missing}"
        s.table()  # every blend computable


# -- integrity -------------------------------------------------------------------------------


def test_bundled_sets_and_manifests(sets: dict[str, FactorSet]) -> None:
    assert sorted(sets) == ["cn-grid", "desnz-2024", "desnz-2025", "ember-grid-proxy",
                            "epa-hub-2025", "useeio-1.3"]  # fmt: skip
    for s in sets.values():
        for attr in ("title", "publisher", "dataset", "edition", "licence", "licence_url",
                     "attribution", "source_url", "source_file", "source_sha256", "gwp_basis",
                     "notes"):  # fmt: skip
            assert getattr(s, attr), f"{s.name}: manifest field {attr} empty"
        assert s.factors
        assert all(f.set_name == s.name for f in s.factors)
    assert sets["desnz-2025"].licence == "OGL-UK-3.0"
    assert "Open Government Licence v3.0" in sets["desnz-2025"].attribution


def test_every_factor_is_dated_with_known_unit(all_factors: list[EmissionFactor]) -> None:
    assert len(all_factors) > 20000
    for u in {f.unit for f in all_factors}:
        parse_unit(u)
    for f in all_factors:
        assert f.valid_to is None or f.valid_to > f.valid_from
        assert math.isfinite(f.value)
        assert f.value >= 0
        assert f.source.publisher
        assert f.source.dataset
        assert f.source.edition
        assert (f.gas == CO2E) == bool(f.gwp_set), f.factor_id


def test_no_group_mixes_co2e_with_gases(all_factors: list[EmissionFactor]) -> None:
    # a CO2e row may stand beside a biogenic CO2 row only (outside the scopes: no double count)
    groups: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for f in all_factors:
        groups[f.group_key].add(f.gas)
    bad = [k for k, g in groups.items() if CO2E in g and not g <= {CO2E, CO2_BIOGENIC}]
    assert not bad


def test_desnz_biogenic_co2_joins_the_scope1_groups(sets: dict[str, FactorSet]) -> None:
    # DESNZ "Outside of scopes" has 58 values in each edition (2025 flat file rows 99_*; 2024
    # sheet 'Outside of scopes' D21:D94): 2 are empty (Biomethane compressed / liquified per
    # litre) and 1 is 'Electricity generated' (not shipped, docs/factor-sources.md), so
    # 58 - 2 - 1 = 55 CO2_biogenic rows, each in a group that also has its Scope 1 row(s).
    for name in ("desnz-2024", "desnz-2025"):
        groups: dict[tuple[object, ...], set[str]] = defaultdict(set)
        for f in sets[name].factors:
            groups[f.group_key].add(f.gas)
        bio = [k for k, g in groups.items() if CO2_BIOGENIC in g]
        assert len(bio) == 55, name
        assert all(len(groups[k]) > 1 for k in bio), name
        assert not [k for k in bio if k[1] == "electricity.grid"]
    d24, d25 = sets["desnz-2024"], sets["desnz-2025"]
    # 2025 ID 99_103_1032_8_2: Biofuel > Biodiesel ME, litres 2.39; Scope 1 ID 2_103_1032_8_1
    # total 0.16751 kg CO2e (AR5, no per-gas split published)
    assert _group(d25, "fuel.biodiesel_me", "L") == {"CO2e": 0.16751, "CO2biogenic": 2.39}
    # 2025 ID 99_104_1045_15_2: Biomass > Wood pellets, tonnes 1677.18 (and per kWh, net CV,
    # 0.35: DESNZ "all outside of scopes energy-based factors are on a net CV basis")
    assert _group(d25, "fuel.wood_pellets", "t")["CO2biogenic"] == 1677.18
    assert _group(d25, "fuel.wood_pellets", "kWh_ncv")["CO2biogenic"] == 0.35
    # 2024 workbook v1.1, sheet 'Outside of scopes' D21 (forecourt diesel, tonnes) 194.5,
    # D78 (wood pellets, tonnes) 1677.18
    assert _group(d24, "fuel.diesel", "t")["CO2biogenic"] == 194.5
    assert _group(d24, "fuel.wood_pellets", "t")["CO2biogenic"] == 1677.18


def test_csv_columns_are_factor_columns() -> None:
    folder = REPO / "src" / "lingtan" / "data" / "factors"
    for p in sorted(folder.glob("*.csv")):
        assert p.read_text(encoding="utf-8").split("\n", 1)[0] == ",".join(FACTOR_COLUMNS), p.name
    total = sum(p.stat().st_size for p in folder.glob("*.csv"))
    assert total < 8_000_000


REQUIRED_TYPES = [
    "fuel.diesel",
    "fuel.petrol",
    "fuel.natural_gas",
    "fuel.lpg",
    "fuel.fuel_oil",
    "fuel.kerosene",
    "fuel.coal_industrial",
    "wtt.fuel.diesel",
    "wtt.fuel.petrol",
    "wtt.fuel.natural_gas",
    "wtt.fuel.lpg",
    "wtt.fuel.fuel_oil",
    "wtt.fuel.kerosene",
    "wtt.fuel.coal_industrial",
    "vehicle.car.average.diesel",
    "vehicle.car.average.petrol",
    "vehicle.car.average.unknown",
    "vehicle.car.average.bev",
    "vehicle.van.average.diesel",
    "electricity.grid",
    "td_loss.electricity.grid",
    "wtt.electricity.grid",
    "heat.district",
    "heat.steam",
    "wtt.heat.district",
    "freight.road.hgv.average",
    "freight.road.van.average",
    "freight.air.domestic",
    "freight.air.short_haul",
    "freight.air.long_haul",
    "freight.air.international",
    "freight.sea.container.average",
    "freight.sea.bulk.average",
    "freight.rail",
    "travel.air.domestic.average",
    "travel.air.domestic.average.rf",
    "travel.air.short_haul.economy",
    "travel.air.short_haul.business",
    "travel.air.short_haul.average",
    "travel.air.long_haul.economy",
    "travel.air.long_haul.premium_economy",
    "travel.air.long_haul.business",
    "travel.air.long_haul.first",
    "travel.air.long_haul.average",
    "travel.air.long_haul.economy.rf",
    "travel.air.international.economy",
    "travel.air.international.first.rf",
    "travel.rail.national",
    "travel.rail.international",
    "travel.bus.average",
    "travel.coach",
    "travel.car.average",
    "travel.taxi",
    "travel.metro",
    "travel.motorbike.average",
    "hotel.CN",
    "hotel.GB",
    "hotel.US",
    "hotel.GB-LND",
    "waste.weee_mixed.landfill",
    "waste.commercial_and_industrial.landfill",
    "waste.paper_and_board_mixed.recycling",
    "waste.paper_and_board_mixed.recycling.closed_loop",
    "waste.plastics_average.recycling.open_loop",
    "waste.metal_mixed_cans.recycling",
    "waste.organic_food_and_drink.anaerobic_digestion",
    "waste.organic_food_and_drink.composting",
    "waste.household_residual.incineration",
    "material.plastics_average.primary",
    "material.plastics_average.closed_loop",
    "material.wood.reused",
    "spend.naics.111110",
    "spend.naics.334111",
]


def test_required_activity_types_exist(all_factors: list[EmissionFactor]) -> None:
    have = {f.activity_type for f in all_factors}
    assert [t for t in REQUIRED_TYPES if t not in have] == []


def test_required_regions_and_units(all_factors: list[EmissionFactor]) -> None:
    where: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for f in all_factors:
        where[f.activity_type].add((f.region, f.unit))
    grid = {r for r, _ in where["electricity.grid"]}
    assert {"CN", "GB", "US", "US-EGRID-CAMX", "US-EGRID-NYUP"} <= grid
    assert ("GB", "kWh") in where["td_loss.electricity.grid"]
    assert ("GB", "kWh") in where["wtt.electricity.grid"]
    assert {("GB", "kWh"), ("US", "mmBtu")} <= where["heat.steam"]
    assert {("GLO", "L"), ("GLO", "kWh_ncv"), ("GLO", "kWh_gcv"), ("GLO", "t")} <= where[
        "fuel.diesel"
    ]
    assert ("GLO", "m3") in where["fuel.natural_gas"]
    assert {("GLO", "km"), ("GLO", "pkm")} <= where["travel.car.average"]
    assert ("GLO", "tkm") in where["freight.sea.container.average"]
    assert ("GLO", "room_night") in where["hotel.CN"]


def test_catalogue_lists_every_activity_type(all_factors: list[EmissionFactor]) -> None:
    text = (REPO / "src" / "lingtan" / "data" / "factors" / "CATALOGUE.md").read_text("utf-8")
    missing = [t for t in {f.activity_type for f in all_factors} if f"`{t}`" not in text]
    assert missing == []


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    data = _shared_data()
    if data is None:
        pytest.skip("reference data not available (set LINGTAN_SHARED_DATA)")
    cmd = [sys.executable, str(REPO / "tools" / "build_factor_library.py"), "--data", str(data),
           "--out", str(tmp_path)]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, cwd=REPO)
    shipped = REPO / "src" / "lingtan" / "data"
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(built) == 18  # 6 sets × 2, CATALOGUE, NOTICE, 2 GWP, 2 standard coal
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (shipped / rel).read_bytes(), str(rel)


# -- user-defined sets and errors ------------------------------------------------------------

HEADER = ",".join(FACTOR_COLUMNS)
GOOD = ("my/1,fuel.diesel,CN,L,CO2,2.6,2024-01-01,,,Acme,Acme factors,2024,,1,,"
        "supplier-measured")  # fmt: skip


def _write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_user_csv_set(tmp_path: Path) -> None:
    fs = read_user_factor_set(_write(tmp_path / "acme.csv", GOOD))
    assert fs.name == "acme"
    assert fs.publisher == "Acme"
    assert fs.edition == "2024"
    assert fs.factors[0].value == 2.6
    assert fs.factors[0].valid_from == date(2024, 1, 1)


def test_user_csv_with_manifest(tmp_path: Path) -> None:
    _write(tmp_path / "acme.csv", GOOD)
    (tmp_path / "acme.yaml").write_text(
        "name: acme-2024\npublisher: Acme\ndataset: Acme factors\nedition: '2024'\n"
        "licence: proprietary\n",
        encoding="utf-8",
    )
    fs = read_user_factor_set(tmp_path / "acme.csv")
    assert fs.name == "acme-2024"
    assert fs.licence == "proprietary"
    assert fs.factors[0].set_name == "acme-2024"
    assert read_factor_set(tmp_path / "acme.yaml").name == "acme-2024"


def test_user_yaml_set(tmp_path: Path) -> None:
    p = tmp_path / "supplier.yaml"
    p.write_text(
        "name: supplier-x\npublisher: Supplier X\ndataset: PCF declarations\nedition: '2025'\n"
        "valid_from: 2025-01-01\nfactors:\n"
        "  - {activity_type: material.steel.supplier_x, region: GLO, unit: t, gas: CO2e,\n"
        "     value: 1850.5, gwp_set: AR6}\n"
        "  - {factor_id: sx/2, activity_type: fuel.diesel, region: CN, unit: L, gas: CO2,\n"
        "     value: 2.7, valid_from: 2024-01-01, valid_to: 2025-01-01}\n",
        encoding="utf-8",
    )
    fs = read_user_factor_set(p)
    assert fs.name == "supplier-x"
    assert len(fs.factors) == 2
    f0, f1 = fs.factors
    assert f0.factor_id == "supplier-x/material.steel.supplier_x/GLO/t/CO2e/2025-01-01"
    assert (f0.value, f0.gwp_set, f0.valid_from) == (1850.5, "AR6", date(2025, 1, 1))
    assert f1.valid_to == date(2025, 1, 1)
    assert f1.source.publisher == "Supplier X"


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (GOOD.replace(",L,", ",bananas,"), "unit"),
        (GOOD.replace("2024-01-01", ""), "valid_from"),
        (GOOD.replace(",CO2,2.6,", ",CO2e,2.6,"), "gwp_set"),
        (GOOD.replace(",2.6,", ",-1,"), "value"),
        (GOOD.replace("2024-01-01", "01/01/2024"), "valid_from"),
    ],
)
def test_malformed_user_csv_names_file_and_row(tmp_path: Path, row: str, needle: str) -> None:
    p = _write(tmp_path / "bad.csv", GOOD.replace("my/1", "my/0"), row)
    with pytest.raises(FactorError) as exc:
        read_user_factor_set(p)
    msg = str(exc.value)
    assert "bad.csv, row 3" in msg
    assert needle in msg


def test_malformed_csv_structure(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text(HEADER + ",colour\n" + GOOD + ",red\n", encoding="utf-8")
    with pytest.raises(FactorError, match=r"x\.csv, row 1: unknown column\(s\) colour"):
        read_factor_csv(p, "x")
    p.write_text("factor_id,activity_type\nid,fuel.diesel\n", encoding="utf-8")
    with pytest.raises(FactorError, match=r"x\.csv, row 1: missing required column"):
        read_factor_csv(p, "x")
    _write(p, GOOD, GOOD)
    with pytest.raises(FactorError, match=r"x\.csv: factor id 'my/1' appears twice"):
        read_factor_csv(p, "x")
    _write(
        p,
        GOOD,
        GOOD.replace("my/1", "my/2").replace(
            ",CO2,2.6,2024-01-01,,,", ",CO2e,2.7,2024-01-01,,AR5,"
        ),
    )
    with pytest.raises(FactorError, match="mixes a CO2e value with per-gas values"):
        read_factor_csv(p, "x")


def test_user_set_errors(tmp_path: Path) -> None:
    _write(tmp_path / "desnz-2025.csv", GOOD)
    with pytest.raises(FactorError, match="bundled set"):
        read_user_factor_set(tmp_path / "desnz-2025.csv")
    _write(
        tmp_path / "mixed.csv",
        GOOD,
        GOOD.replace("my/1", "my/2").replace(",Acme,", ",Bob,").replace("diesel", "petrol"),
    )
    with pytest.raises(FactorError, match="several publishers"):
        read_user_factor_set(tmp_path / "mixed.csv")
    y = tmp_path / "y.yaml"
    y.write_text("name: y\npublisher: P\ndataset: D\nedition: '1'\nfactors:\n"
                 "  - {activity_type: fuel.diesel, region: CN, unit: L, gas: CO2, value: 1}\n",
                 encoding="utf-8")  # fmt: skip
    with pytest.raises(FactorError, match=r"y\.yaml, factor 1: column 'valid_from'"):
        read_user_factor_set(y)
    y.write_text("name: y\npublisher: P\nfactors: []\n", encoding="utf-8")
    with pytest.raises(FactorError, match="non-empty 'factors:' list"):
        read_user_factor_set(y)
    y.write_text("name: y\npublisher: P\nfactors:\n  - {activity_type: a, region: CN, unit: L,"
                 " gas: CO2, value: 1, valid_from: 2024-01-01, dataset: D, edition: '1'}\n",
                 encoding="utf-8")  # fmt: skip
    with pytest.raises(FactorError, match="manifest field"):
        read_user_factor_set(y)
