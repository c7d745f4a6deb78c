"""Units: conversions hand-checked against their definitions."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from lingtan.core.errors import UnitError
from lingtan.core.units import conversion_factor, currency_code, dimension_name, parse_unit


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        ("MWh", "kWh", 1000.0),
        ("GJ", "kWh", 1e9 / 3.6e6),  # 1 kWh = 3.6 MJ
        ("tce", "GJ", 29.3076),  # GB/T 2589-2020: 1 kgce = 29 307.6 kJ
        ("kgce", "MJ", 29.3076),
        ("gallon", "L", 3.785411784),  # US gallon = 231 in³
        ("short ton-mile", "tkm", 0.90718474 * 1.609344),
        ("t·km", "tkm", 1.0),
        ("吨公里", "tkm", 1.0),
        ("万元", "CNY", 10_000.0),
        ("度", "kWh", 1.0),
        ("m³", "L", 1000.0),
        ("mmBtu", "GJ", 1.05505585262),
        ("passenger-mile", "pkm", 1.609344),
        ("GJ_ncv", "kWh_ncv", 1e3 / 3.6),
    ],
)
def test_conversion_factor(src: str, dst: str, expected: float) -> None:
    assert_allclose(conversion_factor(src, dst), expected, rtol=1e-9)


def test_currencies_do_not_convert_without_an_exchange_rate() -> None:
    with pytest.raises(UnitError, match="cannot convert 'CNY'"):
        conversion_factor("CNY", "USD")


def test_energy_bases_never_mix() -> None:
    for a, b in [("kWh_ncv", "kWh"), ("kWh_gcv", "kWh_ncv")]:
        with pytest.raises(UnitError):
            conversion_factor(a, b)


def test_dimensions_and_currency_codes() -> None:
    assert dimension_name("pkm") == dimension_name("passenger * km")
    assert currency_code("万元") == "CNY"
    assert currency_code("kWh") is None
    assert currency_code("USD / kg") is None


@pytest.mark.parametrize("bad", ["", "litters", "3", "kg/"])
def test_unknown_units_fail_loudly(bad: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(bad)
