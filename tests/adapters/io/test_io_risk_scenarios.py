"""Scenario files (io/scenario_files.py, decision 0082): the native manifest + series pair, the
IAMC layout (wide and long) with the manifest's mapping, the refusals, the bundled illustrative
sets (labelled) and the IPCC warming levels cited."""

from __future__ import annotations

import pytest

from lingtan.adapters.io import scenario_files as sf
from lingtan.modules.risk.errors import ScenarioError

MANIFEST = b"""\
id: ngfs-nz
label: Net Zero 2050 (user's file)
warming: 1.5
pathway: SSP1-1.9
source: NGFS Phase 4, downloaded by the user
licence: NGFS terms (not redistributed)
edition: Phase 4
currency: USD
format: iamc
iamc:
  model: REMIND
  scenario: Net Zero 2050
  variables:
    carbon_price: {variable: "Price|Carbon", factor: 1.2}
  regions: {"REMIND|China": CN}
"""
WIDE = b"""\
Model,Scenario,Region,Variable,Unit,2030,2040,2050
REMIND,Net Zero 2050,World,Price|Carbon,US$2010/t CO2,100,200,
REMIND,Net Zero 2050,REMIND|China,Price|Carbon,US$2010/t CO2,50,100,150
REMIND,Current Policies,World,Price|Carbon,US$2010/t CO2,1,1,1
GCAM,Net Zero 2050,World,Price|Carbon,US$2010/t CO2,9,9,9
REMIND,Net Zero 2050,World,Emissions|CO2,Mt CO2/yr,1,1,1
"""
LONG = b"""\
Model,Scenario,Region,Variable,Unit,Year,Value
REMIND,Net Zero 2050,World,Price|Carbon,US$2010/t CO2,2030,100
REMIND,Net Zero 2050,World,Price|Carbon,US$2010/t CO2,2040,200
"""


def test_iamc_wide_and_long() -> None:
    s = sf.read_scenario(MANIFEST, WIDE)
    # kept: REMIND / Net Zero 2050 only; × 1.2 (the manifest's factor); empty cell skipped
    assert s.value("carbon_price", 2030) == pytest.approx(120.0)
    assert s.value("carbon_price", 2040, "CN") == pytest.approx(120.0)  # 100 × 1.2
    assert s.series("carbon_price")[-1].year == 2040  # World 2050 empty: not given
    assert s.series("carbon_price", "CN")[-1].value == pytest.approx(180.0)
    long = sf.read_scenario(MANIFEST, LONG)
    assert long.value("carbon_price", 2035) == pytest.approx(180.0)  # (120 + 240) / 2
    # without a model, two models give the same variable: refused, named
    with pytest.raises(ScenarioError) as e:
        sf.read_scenario(MANIFEST.replace(b"  model: REMIND\n", b""), WIDE)
    assert e.value.message.key == "scenarios.err.iamc_ambiguous"


def test_native_round_trip_and_refusals() -> None:
    (s,) = [b for b in sf.bundled_scenarios() if b.id == "illustrative-2c"]
    manifest = b"id: copy\nlabel: Copy\nwarming: 2\npathway: RCP4.5\nsource: x\nlicence: x\n"
    manifest += b"edition: '1'\ncurrency: CNY\nbase_year: 2025\n"
    again = sf.read_scenario(manifest, sf.write_series_csv(s))
    assert [p.to_dict() for p in sorted(again.points, key=lambda p: (p.variable, p.region,
            p.year))] == s.to_dict()["points"]  # fmt: skip
    bad_unit = b"variable,region,year,value,unit\ncarbon_price,CN,2030,1,USD/t CO2e\n"
    with pytest.raises(ScenarioError) as e:
        sf.read_scenario(manifest, bad_unit)
    assert e.value.message.key == "scenarios.err.unit"
    with pytest.raises(ScenarioError) as e:
        sf.read_scenario(manifest, b"variable,region,year,value\ncarbon_price,CN,20x0,1\n")
    assert e.value.message.key == "scenarios.err.number"
    with pytest.raises(ScenarioError) as e:
        sf.read_scenario(manifest + b"colour: red\n", b"")
    assert e.value.message.key == "scenarios.err.manifest_key"
    with pytest.raises(ScenarioError) as e:
        sf.read_scenario(manifest.replace(b"id: copy", b"id: ../x"), b"")
    assert e.value.message.key == "scenarios.err.id"


def test_bundled_sets_are_labelled_illustrative() -> None:
    sets = sf.bundled_scenarios()
    assert [(s.warming, s.pathway) for s in sets] == [
        (1.5, "SSP1-1.9"), (2.0, "RCP2.6-4.5"), (2.6, "RCP6.0"), (4.0, "RCP8.5")]  # fmt: skip
    assert [s.hazard_pathway for s in sets] == ["SSP1-2.6", "SSP1-2.6", "SSP2-4.5", "SSP5-8.5"]
    for s in sets:
        assert s.illustrative
        assert "illustrative" in s.label
        assert "not NGFS, IEA or IPCC" in s.source
        assert {2030, 2040, 2050} <= set(s.years())


def test_warming_levels_cited_with_attribution() -> None:
    levels = {(w.scenario, w.period): w for w in sf.warming_levels()}
    assert len(levels) == 10
    ssp585 = levels[("SSP5-8.5", "2081-2100")]
    assert (ssp585.best, ssp585.low, ssp585.high) == (4.4, 3.3, 5.7)
    assert levels[("SSP2-4.5", "2041-2060")].low is None
    assert all("IPCC AR6 WGI" in w.source and "SPM.1" in w.source for w in levels.values())
