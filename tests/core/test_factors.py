"""Factor validation and "as of" resolution with recorded fallbacks."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.errors import FactorError
from lingtan.core.factors import (
    EmissionFactor,
    FactorSource,
    MatchKind,
    make_factor,
    resolve,
    search_groups,
    validate_groups,
)

SRC = FactorSource("pub", "data", "2024")


def f(
    fid: str,
    at: str,
    region: str,
    value: float,
    start: date,
    end: date | None = None,
    set_name: str = "s",
    unit: str = "kWh",
    gas: str = "CO2",
) -> EmissionFactor:
    return EmissionFactor(fid, set_name, at, region, unit, gas, value, start, SRC, valid_to=end)


GRID = [
    f("cn21", "electricity.grid", "CN", 0.5568, date(2021, 1, 1), date(2022, 1, 1)),
    f("cn22", "electricity.grid", "CN", 0.5703, date(2022, 1, 1)),
    f("tj20", "electricity.grid", "CN-TJ", 0.8, date(2020, 1, 1), date(2021, 1, 1)),
]


def test_exact_match_in_own_region() -> None:
    m = resolve(GRID, "electricity.grid", "CN", date(2021, 6, 1), "MWh")
    assert m is not None
    assert m.kind is MatchKind.EXACT
    assert m.factors[0].value == 0.5568


def test_valid_in_parent_region_beats_older_own_region() -> None:
    m = resolve(GRID, "electricity.grid", "CN-TJ", date(2023, 6, 1), "kWh")
    assert m is not None
    assert m.kind is MatchKind.REGION_FALLBACK
    assert m.factors[0].factor_id == "cn22"
    assert m.note == "region CN-TJ→CN"


def test_nearest_earlier_year() -> None:
    factors = [
        f("a", "x", "GLO", 1.0, date(2019, 1, 1), date(2020, 1, 1)),
        f("b", "x", "GLO", 2.0, date(2020, 1, 1), date(2021, 1, 1)),
    ]
    m = resolve(factors, "x", "CN", date(2024, 5, 1), "kWh")
    assert m is not None
    assert m.kind is MatchKind.EARLIER_YEAR
    assert m.factors[0].factor_id == "b"


def test_before_the_first_edition_the_oldest_is_used_and_flagged() -> None:
    m = resolve(GRID, "electricity.grid", "CN", date(2015, 1, 1), "kWh")
    assert m is not None
    assert m.kind is MatchKind.LATER_YEAR
    assert m.factors[0].factor_id == "cn21"
    assert "factor valid from 2021-01-01" in m.note


def test_no_factor_of_that_type() -> None:
    assert resolve(GRID, "electricity.residual_mix", "CN", date(2023, 1, 1), "kWh") is None


def test_unit_dimension_must_match() -> None:
    assert resolve(GRID, "electricity.grid", "CN", date(2022, 6, 1), "t") is None


def test_set_priority_then_latest_then_version() -> None:
    fs = [
        f("a", "x", "GLO", 1.0, date(2020, 1, 1), set_name="bundled"),
        f("b", "x", "GLO", 2.0, date(2020, 1, 1), set_name="company"),
    ]
    m = resolve(fs, "x", "GLO", date(2022, 1, 1), "kWh", set_priority=["company", "bundled"])
    assert m is not None
    assert m.factors[0].factor_id == "b"


def test_make_factor_checks_fields() -> None:
    row = {
        "factor_id": "1",
        "activity_type": "fuel.diesel",
        "region": "glo",
        "unit": "L",
        "gas": "CO2",
        "value": "2.5",
        "valid_from": "2025-01-01",
        "publisher": "p",
        "dataset": "d",
        "edition": "2025",
    }
    assert make_factor("s", row).region == "GLO"
    with pytest.raises(FactorError, match="row 3: column 'unit'"):
        make_factor("s", {**row, "unit": "litters"}, "x.csv, row 3")
    with pytest.raises(FactorError, match="valid_from"):
        make_factor("s", {**row, "valid_from": ""})
    with pytest.raises(FactorError, match="gwp_set"):
        make_factor("s", {**row, "gas": "CO2e"})
    with pytest.raises(FactorError, match=">= 0"):
        make_factor("s", {**row, "value": "-1"})


def test_groups_never_mix_co2e_and_gases() -> None:
    a = f("1", "x", "GLO", 1.0, date(2020, 1, 1))
    b = EmissionFactor(
        "2", "s", "x", "GLO", "kWh", "CO2e", 1.0, date(2020, 1, 1), SRC, gwp_set="AR5"
    )
    with pytest.raises(FactorError, match="counts twice"):
        validate_groups([a, b])


def test_a_co2e_group_may_carry_biogenic_co2_only() -> None:
    # biogenic CO2 is outside the scopes (GHG Protocol ch. 9, ISO 14064-1 §9.3.1): beside a
    # CO2e total it cannot count twice, so CO2e + CO2_biogenic (normalised CO2biogenic) passes
    day = date(2020, 1, 1)
    total = EmissionFactor("1", "s", "x", "GLO", "L", "CO2e", 0.17, day, SRC, gwp_set="AR5")
    bio = EmissionFactor("2", "s", "x", "GLO", "L", "CO2biogenic", 2.39, day, SRC)
    validate_groups([total, bio])
    # … but any other gas beside them still does, and so does a second biogenic row
    co2 = EmissionFactor("3", "s", "x", "GLO", "L", "CO2", 2.0, day, SRC)
    with pytest.raises(FactorError, match="counts twice"):
        validate_groups([total, bio, co2])
    n2o = EmissionFactor("4", "s", "x", "GLO", "L", "N2O", 0.001, day, SRC)
    with pytest.raises(FactorError, match="counts twice"):
        validate_groups([total, bio, n2o])
    bio2 = EmissionFactor("5", "s", "x", "GLO", "L", "CO2biogenic", 2.0, day, SRC)
    with pytest.raises(FactorError, match="twice"):
        validate_groups([total, bio, bio2])
    # per-gas groups with a biogenic row were already valid (a biofuel blend)
    validate_groups([co2, n2o, bio])


def test_search_groups_ranks_type_matches_first_and_groups_gases() -> None:
    # "grid" is in the type of the electricity.grid groups only; the diesel group matches
    # through its description and comes last. CN-TJ 2020 and CN 2021/2022 are three groups
    # (region and valid_from are part of the key); among equal types: by region, newest first.
    diesel = EmissionFactor(
        "d", "s", "fuel.diesel", "CN", "L", "CO2", 2.6, date(2022, 1, 1), SRC,
        description="backup grid generator",
    )  # fmt: skip
    ch4 = f("cn22ch4", "electricity.grid", "CN", 0.00001, date(2022, 1, 1), gas="CH4")
    found = search_groups([*GRID, ch4, diesel], "GRID")
    assert [(g[0].region, g[0].valid_from.year, len(g)) for g in found] == [
        ("CN", 2022, 2),
        ("CN", 2021, 1),
        ("CN-TJ", 2020, 1),
        ("CN", 2022, 1),
    ]
    assert found[-1][0].factor_id == "d"
    assert [g[0].factor_id for g in search_groups(GRID, "grid", region="cn-tj")] == ["tj20"]
    assert search_groups(GRID, "grid", set_name="other") == []
