"""Spend conversions with the reference series shipped with lingtan (decision 0029): the ECB
annual means (cross rates via EUR) and the US BEA GDP deflator, a user's own rows over them, the
pivot currency without a row, and "no conversion" reasons naming currency, year and series."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from lingtan.adapters.compute.tables import (
    MoneyTables,
    conversion_rows,
    with_reference_defaults,
)
from lingtan.adapters.io.reference_series import (
    BEA_SERIES,
    ECB_FILE,
    ECB_SERIES,
    build_ecb_annual,
    bundled_fx,
    bundled_price_index,
    ecb_daily,
)

# ECB annual means 2023 (ecb-eurofxref-annual.csv): USD 1.081268627, CNY 7.660022353 per EUR
CNY_PER_USD_2023 = 7.660022353 / 1.081268627  # = 7.0842917
EUR_USD_2023 = 1.081268627
# BEA A191RD3A086NBEA: 2022 118.023, 2023 122.390 (2017 = 100)
DEFLATE_2023_TO_2022 = 118.023 / 122.390  # = 0.96431898


def convert(money: MoneyTables, unit: str, year: int) -> float | str:
    table, failed = conversion_rows([(unit, "USD", year, 2022)], money)
    if failed:
        return next(iter(failed.values()))
    return float(table.column("conversion")[0].as_py())


def test_bundled_series_values() -> None:
    fx, idx = bundled_fx(), bundled_price_index()
    assert fx.values[(2023, "CNY")] == pytest.approx(CNY_PER_USD_2023, rel=1e-12)
    assert fx.values[(2023, "EUR")] == pytest.approx(1 / EUR_USD_2023, rel=1e-12)
    assert idx.values[(2022, "USD")] == 118.023
    assert idx.values[(2017, "USD")] == 100.0


def test_cny_2023_to_2022_usd_by_hand() -> None:
    # 1 CNY (2023) = 1 / 7.0842917 USD (2023) × 118.023 / 122.390 = 0.13612073 USD (2022)
    m = with_reference_defaults({}, {})
    assert convert(m, "CNY", 2023) == pytest.approx(DEFLATE_2023_TO_2022 / CNY_PER_USD_2023)
    assert convert(m, "CNY", 2023) == pytest.approx(0.13612073, rel=1e-7)
    # 万元 = 10 000 CNY
    assert convert(m, "万元", 2023) == pytest.approx(1e4 * 0.13612073, rel=1e-7)


def test_eur_spend_by_hand() -> None:
    # 1 EUR (2023) = 1.081268627 USD (2023) × 0.96431898 = 1.04268786 USD (2022)
    m = with_reference_defaults({}, {})
    assert convert(m, "EUR", 2023) == pytest.approx(EUR_USD_2023 * DEFLATE_2023_TO_2022)
    assert convert(m, "EUR", 2023) == pytest.approx(1.04268786, rel=1e-7)


def test_base_currency_needs_no_rate_row() -> None:
    # no fx row at all: USD 2023 → USD 2022 is the price index alone
    m = MoneyTables({}, {(2022, "USD"): 100.0, (2023, "USD"): 104.0})
    assert convert(m, "USD", 2023) == pytest.approx(100.0 / 104.0)
    # EUR with only an EUR row: the USD side (pivot) is 1 by definition
    m = MoneyTables({(2023, "EUR"): 0.9}, {(2022, "USD"): 100.0, (2023, "USD"): 100.0})
    assert convert(m, "EUR", 2023) == pytest.approx(1 / 0.9)


def test_user_rows_override_the_defaults() -> None:
    m = with_reference_defaults({(2023, "CNY"): 7.0}, {})
    # 1 CNY = 1/7 USD (user rate) × 118.023 / 122.390 (bundled BEA deflator)
    assert convert(m, "CNY", 2023) == pytest.approx(1 / 7.0 * DEFLATE_2023_TO_2022)
    assert m.fx.source[(2023, "CNY")] == "reference/fx_rates.csv"
    assert m.fx.source[(2022, "CNY")] == ECB_SERIES
    assert m.describe(["CNY", "USD"]) == [
        f"CNY per USD: 2006–2022, 2024–2025 from {ECB_SERIES}; 2023 from reference/fx_rates.csv",
        f"USD price index: 1990–2025 from {BEA_SERIES}",
    ]


def test_a_user_price_index_replaces_the_bundled_one_for_its_currency() -> None:
    # indices of different base years never meet in one ratio: the user's USD series (2022 = 100)
    # replaces the BEA series for USD entirely
    m = with_reference_defaults({}, {(2022, "USD"): 100.0, (2023, "USD"): 104.0})
    assert convert(m, "USD", 2023) == pytest.approx(100.0 / 104.0)
    assert m.describe(["USD"]) == ["USD price index: 2022–2023 from reference/price_index.csv"]
    m = with_reference_defaults({}, {(2023, "USD"): 104.0})
    assert convert(m, "USD", 2023) == (
        "no conversion: price index for 2022 missing in series "
        f"reference/price_index.csv, then {BEA_SERIES} (currency USD)"
    )


def test_missing_series_messages_name_currency_year_and_series() -> None:
    m = with_reference_defaults({}, {})
    assert convert(m, "CNY", 2031) == (
        "no conversion: exchange rate for CNY in 2031 missing in series "
        f"reference/fx_rates.csv, then {ECB_SERIES}"
    )
    # a currency the ECB does not publish
    assert convert(m, "VND", 2023) == (
        "no conversion: exchange rate for VND in 2023 missing in series "
        f"reference/fx_rates.csv, then {ECB_SERIES}"
    )
    # USD of 1985: no rate needed, the price index is missing
    assert convert(m, "USD", 1985) == (
        "no conversion: price index for 1985 missing in series "
        f"reference/price_index.csv, then {BEA_SERIES} (currency USD)"
    )


def test_bundled_annual_means_reproduce_from_the_package_without_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import currency_converter.currency_converter as cc  # type: ignore[import-untyped]

    def no_network(*_: object, **__: object) -> None:
        raise AssertionError("the ECB file must be read from the package, not downloaded")

    monkeypatch.setattr(cc, "urlopen", no_network)
    rebuilt = {
        (r["year"], r["currency"]): r
        for r in csv.DictReader(io.StringIO(build_ecb_annual(ecb_daily())))
    }
    shipped_text = (
        resources.files("lingtan").joinpath("data", "reference", ECB_FILE).read_text("utf-8")
    )
    shipped = list(csv.DictReader(io.StringIO(shipped_text)))
    assert len(shipped) > 800
    for row in shipped:  # past years never change; a newer package may add years
        assert rebuilt[(row["year"], row["currency"])] == row
