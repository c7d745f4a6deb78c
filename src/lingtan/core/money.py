"""Money for the spend-based method: exchange rates and price indices as dated reference series.

GHG Protocol Scope 3 Technical Guidance, category 1, spend-based method: an amount *A* in currency
*C* of price year *Y* becomes, in the factor's currency *F* and price year *P*,

    A [C, Y] × (per_usd[F, Y] / per_usd[C, Y]) × index[F, P] / index[F, Y]   [F, P]

with ``per_usd`` = units of a currency per US dollar, annual average of the year, and ``index`` a
price index of the factor's economy (any base year: only ratios are used).

Everything here is pure: series are plain mappings built by the adapters
(:mod:`lingtan.adapters.io.reference_series`) from bundled files and the workspace's own
``reference/`` files; a user's row overrides the bundled one for the same year and currency, and
every value keeps the name of the series it came from (lineage, decision 0029).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from lingtan.core.errors import UnitError

#: The pivot currency of ``per_usd`` tables: its own rate is 1 by definition, so it needs no row.
PIVOT = "USD"
#: The pivot of the ECB euro foreign exchange reference rates (units of a currency per EUR).
EUR = "EUR"

Key = tuple[int, str]  # (year, ISO 4217 code)


@dataclass(frozen=True)
class Series:
    """Values of one reference series keyed by (year, currency), and the series' name as it is
    shown in lineage and in every "no conversion" message."""

    name: str
    values: Mapping[Key, float]


@dataclass(frozen=True)
class Layered:
    """Reference series in priority order (the user's own first, the bundled default last).

    ``values`` holds, for every (year, currency) any series has, the value of the first series
    that has it, and ``source`` the name of that series."""

    series: tuple[Series, ...] = ()
    values: Mapping[Key, float] = field(default_factory=dict)
    source: Mapping[Key, str] = field(default_factory=dict)

    @property
    def names(self) -> str:
        """The series consulted, e.g. ``'reference/fx_rates.csv, then ECB … (bundled)'``."""
        return ", then ".join(s.name for s in self.series) or "no series"

    def years_by_source(self, currency: str) -> dict[str, list[int]]:
        """Series name → the years of ``currency`` it supplies (lineage)."""
        out: dict[str, list[int]] = {}
        for (year, cur), name in sorted(self.source.items()):
            if cur == currency:
                out.setdefault(name, []).append(year)
        return out


def layer(series: Iterable[Series]) -> Layered:
    """Stack series: the first one that has a (year, currency) wins (a user override first)."""
    ordered = tuple(s for s in series if s is not None)
    values: dict[Key, float] = {}
    source: dict[Key, str] = {}
    for s in ordered:
        for key, v in s.values.items():
            if key not in values:
                values[key] = v
                source[key] = s.name
    return Layered(ordered, values, source)


def annual_means(daily: Mapping[str, Mapping[date, float]]) -> dict[Key, float]:
    """Annual average of daily rates: the arithmetic mean of the rates published in the calendar
    year (days without a fixing — weekends, TARGET holidays — are absent, not interpolated).

    Args:
        daily: currency → {date: rate} [units of currency per pivot currency].
    """
    sums: dict[Key, list[float]] = {}
    for cur, by_day in daily.items():
        for d, rate in by_day.items():
            if rate is not None and rate > 0:
                acc = sums.setdefault((d.year, cur), [0.0, 0.0])
                acc[0] += float(rate)
                acc[1] += 1.0
    return {k: s / n for k, (s, n) in sums.items()}


def per_usd_from_per_eur(per_eur: Mapping[Key, float]) -> dict[Key, float]:
    """Cross rates via the euro: units of currency C per USD in year Y =
    per_eur[Y, C] / per_eur[Y, USD]; the euro itself is 1 / per_eur[Y, USD]. Years without a USD
    rate give nothing. [C/USD]"""
    out: dict[Key, float] = {}
    for (year, cur), v in per_eur.items():
        usd = per_eur.get((year, PIVOT))
        if usd is None:
            continue
        out[(year, cur)] = v / usd
        out[(year, EUR)] = 1.0 / usd
    return out


def fx_rate(rates: Layered, year: int, src: str, dst: str) -> float:
    """Units of ``dst`` per unit of ``src`` at the year's average rate = per_usd[dst] /
    per_usd[src]. The pivot (USD) is 1 and a currency converts to itself at 1: neither needs a
    row.

    Raises:
        UnitError: a rate is missing; the message names the currency, the year and the series.
    """
    if src == dst:
        return 1.0
    return _per_usd(rates, year, dst) / _per_usd(rates, year, src)


def _per_usd(rates: Layered, year: int, cur: str) -> float:
    if cur == PIVOT:
        return 1.0
    try:
        return rates.values[(year, cur)]
    except KeyError:
        raise UnitError(
            f"no conversion: exchange rate for {cur} in {year} missing in series {rates.names}"
        ) from None


def price_ratio(index: Layered, currency: str, from_year: int, to_year: int) -> float:
    """index[currency, to_year] / index[currency, from_year]: moves an amount of ``currency``
    from the prices of ``from_year`` to those of ``to_year`` (1 when the years are equal).

    Raises:
        UnitError: a value is missing; the message names the currency, the year and the series.
    """
    if from_year == to_year:
        return 1.0
    out = []
    for year in (to_year, from_year):
        try:
            out.append(index.values[(year, currency)])
        except KeyError:
            raise UnitError(
                f"no conversion: price index for {year} missing in series {index.names} "
                f"(currency {currency})"
            ) from None
    return out[0] / out[1]
