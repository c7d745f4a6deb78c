"""The structured reason of a failed conversion names the currency, the year and every series
tried with the years it holds for that currency (issue 10 item 4; decision 0029)."""

from __future__ import annotations

from lingtan.adapters.compute.tables import conversion_gap, conversion_rows, with_reference_defaults
from lingtan.adapters.io.reference_series import BEA_SERIES, ECB_SERIES


def _gap(unit: str, funit: str, year: int | None, fyear: int | None) -> dict[str, object]:
    money = with_reference_defaults({}, {})
    combo = (unit, funit, year, fyear)
    _, failed = conversion_rows([combo], money)
    return conversion_gap(combo, money, failed[combo])


def test_missing_rate_of_2031() -> None:
    g = _gap("CNY", "USD", 2031, 2022)
    assert (g["kind"], g["currency"], g["year"]) == ("fx", "CNY", 2031)
    # bundled lingtan/data/reference/ecb-eurofxref-annual.csv: CNY rows 2006 … 2025
    assert g["series"] == [
        {"name": "reference/fx_rates.csv", "years": ""},
        {"name": ECB_SERIES, "years": "2006–2025"},
    ]
    assert g["text"] == (
        "no conversion: exchange rate for CNY in 2031 missing in series reference/fx_rates.csv, "
        f"then {ECB_SERIES}"
    )
    assert (g["from_unit"], g["to_unit"]) == ("CNY", "USD")


def test_missing_price_index_of_2031() -> None:
    # USD needs no rate (the pivot); the BEA deflator (us-bea-gdp-deflator.csv) has 1990 … 2025,
    # so moving USD of 2031 to the factor's 2022 prices lacks index[USD, 2031]
    g = _gap("USD", "USD", 2031, 2022)
    assert (g["kind"], g["currency"], g["year"]) == ("price_index", "USD", 2031)
    assert g["series"] == [
        {"name": "reference/price_index.csv", "years": ""},
        {"name": BEA_SERIES, "years": "1990–2025"},
    ]


def test_units_that_do_not_convert_are_both_named() -> None:
    g = conversion_gap(("kWh", "t", None, None), with_reference_defaults({}, {}), "x")
    assert (g["kind"], g["from_unit"], g["to_unit"], g["currency"]) == ("unit", "kWh", "t", None)
