"""Money for the spend-based method (lingtan.core.money): annual means, cross rates via EUR,
layered series (user over bundled), and "no conversion" messages naming currency, year, series."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.core.errors import UnitError
from lingtan.core.money import (
    Series,
    annual_means,
    fx_rate,
    layer,
    per_usd_from_per_eur,
    price_ratio,
)


def test_annual_mean_is_the_mean_of_the_published_days() -> None:
    # three fixings in 2023 (no weekend days, nothing filled): (7.0 + 7.5 + 8.0) / 3 = 7.5
    daily = {"CNY": {date(2023, 1, 2): 7.0, date(2023, 1, 3): 7.5, date(2023, 1, 4): 8.0,
                     date(2024, 1, 2): 8.1}}  # fmt: skip
    means = annual_means(daily)
    assert means[(2023, "CNY")] == pytest.approx(7.5)
    assert means[(2024, "CNY")] == pytest.approx(8.1)


def test_cross_rates_via_the_euro() -> None:
    # per EUR: USD 1.1, CNY 7.7 → CNY per USD = 7.7 / 1.1 = 7.0; EUR per USD = 1 / 1.1
    per_usd = per_usd_from_per_eur({(2023, "USD"): 1.1, (2023, "CNY"): 7.7})
    assert per_usd[(2023, "CNY")] == pytest.approx(7.0)
    assert per_usd[(2023, "EUR")] == pytest.approx(1 / 1.1)
    assert per_usd[(2023, "USD")] == pytest.approx(1.0)


def test_pivot_and_same_currency_need_no_row() -> None:
    empty = layer([Series("none", {})])
    assert fx_rate(empty, 2023, "USD", "USD") == 1.0
    assert fx_rate(empty, 2023, "CNY", "CNY") == 1.0
    rates = layer([Series("s", {(2023, "CNY"): 7.0})])
    # 1 CNY = 1/7 USD: the USD side is the pivot (1), no USD row
    assert fx_rate(rates, 2023, "CNY", "USD") == pytest.approx(1 / 7.0)


def test_user_series_wins_for_its_year_and_currency_only() -> None:
    user = Series("reference/fx_rates.csv", {(2023, "CNY"): 7.0})
    bundled = Series("ECB", {(2023, "CNY"): 7.08, (2023, "EUR"): 0.92, (2022, "CNY"): 6.72})
    rates = layer([user, bundled])
    assert rates.values[(2023, "CNY")] == 7.0
    assert rates.source[(2023, "CNY")] == "reference/fx_rates.csv"
    assert rates.values[(2022, "CNY")] == 6.72
    assert rates.source[(2023, "EUR")] == "ECB"
    assert rates.years_by_source("CNY") == {"ECB": [2022], "reference/fx_rates.csv": [2023]}


def test_missing_rate_message_names_currency_year_and_series() -> None:
    rates = layer([Series("reference/fx_rates.csv", {}), Series("ECB annual", {})])
    with pytest.raises(UnitError) as exc:
        fx_rate(rates, 2031, "CNY", "USD")
    assert str(exc.value) == (
        "no conversion: exchange rate for CNY in 2031 missing in series "
        "reference/fx_rates.csv, then ECB annual"
    )


def test_price_ratio_and_missing_index_message() -> None:
    idx = layer([Series("BEA", {(2022, "USD"): 118.023, (2023, "USD"): 122.390})])
    # 2023 USD → 2022 USD: × 118.023 / 122.390
    assert price_ratio(idx, "USD", 2023, 2022) == pytest.approx(118.023 / 122.390)
    assert price_ratio(idx, "USD", 2031, 2031) == 1.0
    with pytest.raises(UnitError) as exc:
        price_ratio(idx, "USD", 2031, 2022)
    assert str(exc.value) == (
        "no conversion: price index for 2031 missing in series BEA (currency USD)"
    )
