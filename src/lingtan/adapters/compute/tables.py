"""Small lookup tables the engine joins against, built in Python from the core model.

Everything here is small (factors: tens of thousands of rows; units, regions, gases: tens), so it
is built once per calculation with plain Python and handed to the engine as Arrow tables. The hot
path (millions of activity rows) never loops in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from lingtan.adapters.io.unit_dims import PLAIN_ENERGY_DIM as PLAIN_ENERGY_DIM
from lingtan.adapters.io.unit_dims import unit_dim as unit_dim
from lingtan.core.activities import STREAMS
from lingtan.core.boundary import region_chain
from lingtan.core.errors import UnitError
from lingtan.core.factors import EmissionFactor, set_tier
from lingtan.core.gwp import CO2E, GWPSet
from lingtan.core.money import PIVOT, Layered, Series, fx_rate, layer, price_ratio
from lingtan.core.units import (
    conversion_factor_on_basis,
    currency_code,
    cv_basis,
    is_plain_energy,
)

#: Identity factors built into the engine (set ``lingtan-builtin``): see docs/templates.md.
BUILTIN_SET = "lingtan-builtin"
ONSITE_RENEWABLE = "electricity.onsite_renewable"
DISCLOSED = "co2e.disclosed"
RESIDUAL_MIX = "electricity.residual_mix"
GRID = "electricity.grid"


@dataclass(frozen=True)
class FactorTables:
    """Factor groups (one row per group) and values (one row per gas) as Arrow tables, and the
    validity boundaries (``valid_from`` / ``valid_to``) of any factor that fall on a day other than
    the 1st of a month, sorted (the summed calculation sums those months per day)."""

    groups: pa.Table
    values: pa.Table
    mid_month_bounds: tuple[date, ...] = ()


def factor_tables(factors: Sequence[EmissionFactor], set_priority: Sequence[str]) -> FactorTables:
    """Number factor groups and lay them out for the resolution join.

    ``set_rank`` orders sets: those named in ``set_priority`` first, in that order, then the
    rest by name; ``tier`` (:func:`lingtan.core.factors.set_tier`: 1 = proxy set) ranks before
    everything else (the rule of :func:`lingtan.core.factors.resolve`).
    """
    rank = {name: i for i, name in enumerate(set_priority)}
    others = sorted({f.set_name for f in factors} - set(rank))
    for i, name in enumerate(others):
        rank[name] = len(set_priority) + i
    groups: dict[tuple[object, ...], list[EmissionFactor]] = {}
    for f in factors:
        groups.setdefault(f.group_key, []).append(f)
    g_cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "group_id",
            "activity_type",
            "f_region",
            "dim",
            "valid_from",
            "valid_to",
            "set_rank",
            "vf_days",
            "version",
            "factor_unit",
            "factor_price_year",
            "factor_set",
            "tier",
        )
    }
    v_cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "group_id",
            "factor_id",
            "gas",
            "factor_value",
            "factor_gwp_set",
            "factor_version",
        )
    }
    takes_plain = plain_energy_groups(groups)
    for gid, (gkey, members) in enumerate(groups.items()):
        head = members[0]
        # a CV-basis group that also takes plain energy units gets a second row (decision 0029)
        for dim in (unit_dim(head.unit), *([PLAIN_ENERGY_DIM] if gkey in takes_plain else [])):
            _group_row(g_cols, gid, dim, head, members, rank)
        for m in members:
            for vk, vv in (
                ("group_id", gid),
                ("factor_id", m.factor_id),
                ("gas", m.gas),
                ("factor_value", m.value),
                ("factor_gwp_set", m.gwp_set),
                ("factor_version", m.version),
            ):
                v_cols[vk].append(vv)
    g_schema = pa.schema(
        [
            ("group_id", pa.int32()),
            ("activity_type", pa.string()),
            ("f_region", pa.string()),
            ("dim", pa.string()),
            ("valid_from", pa.date32()),
            ("valid_to", pa.date32()),
            ("set_rank", pa.int32()),
            ("vf_days", pa.int32()),
            ("version", pa.int32()),
            ("factor_unit", pa.string()),
            ("factor_price_year", pa.int32()),
            ("factor_set", pa.string()),
            ("tier", pa.int8()),
        ]
    )
    v_schema = pa.schema(
        [
            ("group_id", pa.int32()),
            ("factor_id", pa.string()),
            ("gas", pa.string()),
            ("factor_value", pa.float64()),
            ("factor_gwp_set", pa.string()),
            ("factor_version", pa.int32()),
        ]
    )
    bounds = {
        b for f in factors for b in (f.valid_from, f.valid_to) if b is not None and b.day != 1
    }
    return FactorTables(
        pa.table(g_cols, schema=g_schema), pa.table(v_cols, schema=v_schema), tuple(sorted(bounds))
    )


def _group_row(
    cols: dict[str, list[Any]],
    gid: int,
    dim: str,
    head: EmissionFactor,
    members: Sequence[EmissionFactor],
    rank: Mapping[str, int],
) -> None:
    for k, v in (
        ("group_id", gid),
        ("activity_type", head.activity_type),
        ("f_region", head.region),
        ("dim", dim),
        ("valid_from", head.valid_from),
        ("valid_to", head.valid_to),
        ("set_rank", rank[head.set_name]),
        ("vf_days", head.valid_from.toordinal()),
        ("version", max(m.version for m in members)),
        ("factor_unit", head.unit),
        ("factor_price_year", head.price_year),
        ("factor_set", head.set_name),
        ("tier", set_tier(head.set_name)),
    ):
        cols[k].append(v)


def plain_energy_groups(
    groups: Mapping[tuple[object, ...], Sequence[EmissionFactor]],
) -> set[tuple[object, ...]]:
    """The factor groups (keys ``(set, activity type, region, unit, valid_from)``) that a fuel
    quantity in a *plain* energy unit (``kWh``, ``GJ``, ``mmBtu``, ``therm`` …) resolves to.

    Per set, activity type, region and validity: none when the set has a factor per plain energy
    (it matches directly); else the factor on the **gross** calorific value (the basis of energy
    bills and of US heat contents: DESNZ "kWh (Gross CV)", EPA per mmBtu HHV); else the one on
    the **net** calorific value (sources that publish only net, e.g. IPCC 2006 Vol. 2 ch. 1
    defaults per TJ NCV). One group at most, so the choice is deterministic (decision 0029).
    """
    by_family: dict[tuple[object, ...], list[tuple[str, str]]] = {}
    for key in groups:
        set_name, activity_type, region, unit_obj, valid_from = key
        unit = str(unit_obj)
        try:
            kind = "plain" if is_plain_energy(unit) else cv_basis(unit)
        except UnitError:
            kind = None
        if kind is not None:
            by_family.setdefault((set_name, activity_type, region, valid_from), []).append(
                (kind, unit)
            )
    out: set[tuple[object, ...]] = set()
    for (set_name, activity_type, region, valid_from), kinds in by_family.items():
        if any(k == "plain" for k, _ in kinds):
            continue
        for basis in ("gross", "net"):
            units = sorted(u for k, u in kinds if k == basis)
            if units:
                out.add((set_name, activity_type, region, units[0], valid_from))
                break
    return out


def builtin_factors(gases: Iterable[str]) -> list[EmissionFactor]:
    """Identity factors: ``gas.<GAS>`` (1 kg GAS per kg), ``co2e.disclosed`` (1 kg CO2e per kg,
    GWP set as disclosed) and zero-emission on-site renewable electricity."""
    from datetime import date

    from lingtan.core.factors import FactorSource

    src = FactorSource("lingtan", "built-in identity factors", "1")
    start = date(1900, 1, 1)
    out = [
        EmissionFactor(
            f"builtin/gas.{g}",
            BUILTIN_SET,
            f"gas.{g}",
            "GLO",
            "kg",
            g,
            1.0,
            start,
            src,
            description=f"1 kg of {g} emitted per kg reported",
        )
        for g in sorted(set(gases))
        if g != CO2E
    ]
    out.append(
        EmissionFactor(
            "builtin/co2e.disclosed",
            BUILTIN_SET,
            DISCLOSED,
            "GLO",
            "kg",
            CO2E,
            1.0,
            start,
            src,
            gwp_set="as disclosed",
            description="already-computed CO2e, taken as reported",
        )
    )
    out.append(
        EmissionFactor(
            "builtin/onsite_renewable",
            BUILTIN_SET,
            ONSITE_RENEWABLE,
            "GLO",
            "kWh",
            "CO2",
            0.0,
            start,
            src,
            description="self-generated renewable electricity: no Scope 2",
        )
    )
    return out


def gwp_table(gwp: GWPSet, gases: Iterable[str]) -> tuple[pa.Table, list[str]]:
    """GWP of every gas that factors use (CO2e → 1), and the gases the set does not know."""
    names, values, missing = [], [], []
    for g in sorted(set(gases)):
        if g == CO2E:
            names.append(g)
            values.append(1.0)
        elif gwp.has(g):
            names.append(g)
            values.append(gwp.gwp(g))
        else:
            missing.append(g)
    return pa.table(
        {"gas": pa.array(names, pa.string()), "gwp": pa.array(values, pa.float64())}
    ), missing


def region_table(regions: Iterable[str]) -> pa.Table:
    """(region, ancestor, depth) for each region and its chain up to GLO."""
    rows: list[tuple[str, str, int]] = []
    for r in sorted({x for x in regions if x}):
        rows.extend((r, anc, d) for d, anc in enumerate(region_chain(r)))
    return pa.table(
        {
            "region_eff": pa.array([r[0] for r in rows], pa.string()),
            "ancestor": pa.array([r[1] for r in rows], pa.string()),
            "depth": pa.array([r[2] for r in rows], pa.int32()),
        }
    )


def unit_table(units: Iterable[str]) -> tuple[pa.Table, dict[str, str]]:
    """(unit, dim) for each activity unit, and the units that could not be parsed → reason."""
    names, dims, bad = [], [], {}
    for u in sorted(set(units)):
        try:
            d = unit_dim(u)
        except UnitError as exc:
            bad[u] = str(exc)
            continue
        names.append(u)
        dims.append(d)
    return pa.table({"unit": pa.array(names, pa.string()), "dim": pa.array(dims, pa.string())}), bad


@dataclass(frozen=True)
class MoneyTables:
    """Exchange rates (units of currency per USD, annual average) and price indices, with the
    series each value came from (:mod:`lingtan.core.money`; decision 0029).

    ``per_usd`` / ``index`` alone (no layers) are read as one series each, named after the
    workspace files ``reference/fx_rates.csv`` and ``reference/price_index.csv``."""

    per_usd: Mapping[tuple[int, str], float]
    index: Mapping[tuple[int, str], float]
    fx_layers: Layered | None = None
    index_layers: Layered | None = None

    @property
    def fx(self) -> Layered:
        """The exchange-rate series, in priority order."""
        return self.fx_layers or layer([Series(USER_FX_FILE, self.per_usd)])

    @property
    def prices(self) -> Layered:
        """The price-index series, in priority order."""
        return self.index_layers or layer([Series(USER_INDEX_FILE, self.index)])

    def describe(self, currencies: Iterable[str]) -> list[str]:
        """Which series supplied the rates and indices of ``currencies`` (lineage), e.g.
        ``'CNY per USD: ECB euro reference rates … (2015–2025); reference/fx_rates.csv (2023)'``."""
        out = []
        for cur in sorted(set(currencies)):
            for what, layers in (("per USD", self.fx), ("price index", self.prices)):
                used = layers.years_by_source(cur) if (cur, what) != (PIVOT, "per USD") else {}
                if used:
                    parts = [f"{_years(ys)} from {name}" for name, ys in used.items()]
                    out.append(f"{cur} {what}: " + "; ".join(parts))
        return out


#: The workspace's own reference files (they override the bundled series, year by year).
USER_FX_FILE = "reference/fx_rates.csv"
USER_INDEX_FILE = "reference/price_index.csv"


def money_tables(fx: Layered, prices: Layered) -> MoneyTables:
    """:class:`MoneyTables` of layered series (:func:`lingtan.core.money.layer`)."""
    return MoneyTables(dict(fx.values), dict(prices.values), fx, prices)


def with_reference_defaults(
    per_usd: Mapping[tuple[int, str], float], index: Mapping[tuple[int, str], float]
) -> MoneyTables:
    """The workspace's own rates and indices (``reference/``) over the series bundled with
    lingtan (ECB euro reference rates; US BEA GDP deflator; docs/reference-series.md).

    An exchange rate of the user wins for its year and currency (each rate stands alone). A price
    index of the user replaces the bundled index of that currency for every year: indices of
    different series (base years) cannot be mixed in one ratio."""
    from lingtan.adapters.io.reference_series import bundled_fx, bundled_price_index

    mine = {cur for _, cur in index}
    bundled = bundled_price_index()
    kept = {k: v for k, v in bundled.values.items() if k[1] not in mine}
    return money_tables(
        layer([Series(USER_FX_FILE, per_usd), bundled_fx()]),
        layer([Series(USER_INDEX_FILE, index), Series(bundled.name, kept)]),
    )


def _years(years: Sequence[int]) -> str:
    """``[2005, 2006, 2007, 2009]`` → ``'2005–2007, 2009'``."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def conversion_rows(
    combos: Iterable[tuple[str, str, int | None, int | None]], money: MoneyTables
) -> tuple[pa.Table, dict[tuple[str, str, int | None, int | None], str]]:
    """Multiplier from activity unit to factor unit for each distinct combination.

    Physical units: pint conversion. Currencies (GHG Protocol Scope 3 Technical Guidance, cat. 1
    spend-based method): amount in currency C of price year Y → factor currency F at the
    year-Y average rate (F per USD / C per USD), then to the factor's price year P with F's price
    index: × index_F[P] / index_F[Y].

    Returns the table (unit, factor_unit, price_year, factor_price_year, conversion) and the
    combinations that failed, with the reason (e.g. a missing exchange rate).
    """
    out: dict[str, list[object]] = {
        k: [] for k in ("unit", "factor_unit", "price_year", "factor_price_year", "conversion")
    }
    failed: dict[tuple[str, str, int | None, int | None], str] = {}
    for combo in sorted(set(combos), key=lambda c: tuple(str(x) for x in c)):
        unit, funit, year, fyear = combo
        try:
            mult = _convert(unit, funit, year, fyear, money)
        except UnitError as exc:
            failed[combo] = str(exc)
            continue
        for k, v in zip(out, (unit, funit, year, fyear, mult), strict=True):
            out[k].append(v)
    schema = pa.schema(
        [
            ("unit", pa.string()),
            ("factor_unit", pa.string()),
            ("price_year", pa.int32()),
            ("factor_price_year", pa.int32()),
            ("conversion", pa.float64()),
        ]
    )
    return pa.table(out, schema=schema), failed


def _convert(unit: str, funit: str, year: int | None, fyear: int | None, m: MoneyTables) -> float:
    src_cur, dst_cur = currency_code(unit), currency_code(funit)
    if src_cur is None or dst_cur is None:
        return conversion_factor_on_basis(unit, funit)
    # scale of the unit itself (万元 = 10 000 CNY)
    scale = conversion_factor_on_basis(unit, src_cur) * conversion_factor_on_basis(dst_cur, funit)
    if year is None:
        raise UnitError(f"no conversion: {unit}: a currency amount needs a price year")
    scale *= fx_rate(m.fx, year, src_cur, dst_cur)
    if fyear is not None:
        scale *= price_ratio(m.prices, dst_cur, year, fyear)
    return scale


def conversion_gap(
    combo: tuple[str, str, int | None, int | None], money: MoneyTables, message: str
) -> dict[str, Any]:
    """Why a combination of :func:`conversion_rows` failed, as structured fields (the gap rows'
    ``reason``; :mod:`lingtan.core.completeness` words "what to add" from them). The values a
    spend amount needs are those of the GHG Protocol Scope 3 Technical Guidance, cat. 1
    spend-based method (:mod:`lingtan.core.money`): per-USD rates of the price year [currency /
    USD] and the factor currency's price index [dimensionless, any base year].

    Keys: ``kind`` — ``fx`` (an exchange rate is missing), ``price_index`` (a price-index value is
    missing), ``price_year`` (a currency amount without a price year) or ``unit`` (the units do
    not convert); ``text`` (``message``, the conversion's own words); ``currency`` and ``year`` of
    the missing value; ``series``: every series consulted, in priority order, with the years it
    holds for that currency (``{"name", "years"}``, ``years`` ``""`` when it has none);
    ``from_unit`` / ``to_unit``: the activity and factor units. The checks follow the order of
    :func:`_convert` (:func:`lingtan.core.money.fx_rate`: the factor's currency first; then
    :func:`~lingtan.core.money.price_ratio`: the factor's price year first), so the fields name
    the value ``message`` names.
    """
    unit, funit, year, fyear = combo
    out: dict[str, Any] = {
        "kind": "unit",
        "text": message,
        "currency": None,
        "year": None,
        "series": [],
        "from_unit": unit,
        "to_unit": funit,
        "region_chain": [],
    }
    try:
        src, dst = currency_code(unit), currency_code(funit)
    except UnitError:
        return out
    if src is None or dst is None:
        return out
    if year is None:
        return {**out, "kind": "price_year", "currency": src}
    if src != dst:
        for cur in (dst, src):
            if cur != PIVOT and (year, cur) not in money.fx.values:
                return {**out, "kind": "fx", "currency": cur, "year": year,
                        "series": _coverage(money.fx, cur)}  # fmt: skip
    if fyear is not None and fyear != year:
        for y in (fyear, year):
            if (y, dst) not in money.prices.values:
                return {**out, "kind": "price_index", "currency": dst, "year": y,
                        "series": _coverage(money.prices, dst)}  # fmt: skip
    return out


def _coverage(layers: Layered, currency: str) -> list[dict[str, str]]:
    """Each series of ``layers`` with the years it holds for ``currency`` (``'1999–2025'``)."""
    return [
        {"name": s.name, "years": _years([y for y, c in s.values if c == currency])}
        for s in layers.series
    ]


def stream_table(activity_types: Iterable[str], grid_market: bool = True) -> pa.Table:
    """The emission streams of each activity type (see :data:`lingtan.core.activities.STREAMS`).

    Stream ``own`` looks up the activity type itself. Scope 2 electricity adds ``market``
    (residual mix, falling back to the grid average — Scope 2 Guidance Table 6.3 — applied to the
    share not covered by instruments); other Scope 2 energy adds ``market`` with the same factor
    as location (no instruments for it yet). Extra streams (WTT, T&D) are optional: where no
    factor exists they are reported as not estimated.
    """
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "activity_type",
            "stream",
            "lookup",
            "fallback",
            "s_scope",
            "s_category",
            "s_method",
            "optional",
            "from_scope12",
            "market",
        )
    }

    def add(
        at: str,
        stream: str,
        lookup: str,
        fallback: str | None,
        scope: int | None,
        cat: int | None,
        method: str | None,
        optional: bool,
        scope12: bool,
        market: bool,
    ) -> None:
        for k, v in zip(
            cols,
            (at, stream, lookup, fallback, scope, cat, method, optional, scope12, market),
            strict=True,
        ):
            cols[k].append(v)

    for at in sorted(set(activity_types)):
        add(at, "own", at, None, None, None, None, False, False, False)
        if grid_market and at == GRID:
            add(
                at,
                "market",
                RESIDUAL_MIX,
                GRID,
                None,
                None,
                "s2.market.hierarchy",
                False,
                True,
                True,
            )
        elif at.startswith(("heat.", "cooling.")):
            add(at, "market", at, None, None, None, "s2.market.no_instrument", False, True, True)
        for s in STREAMS:
            if at.startswith(s.prefix):
                lookup = s.factor_prefix + at[len(s.prefix) :]
                add(
                    at,
                    s.method.rsplit(".", 1)[-1],
                    lookup,
                    None,
                    s.scope,
                    s.category,
                    s.method,
                    True,
                    True,
                    False,
                )
    schema = pa.schema(
        [
            ("activity_type", pa.string()),
            ("stream", pa.string()),
            ("lookup", pa.string()),
            ("fallback", pa.string()),
            ("s_scope", pa.int8()),
            ("s_category", pa.int8()),
            ("s_method", pa.string()),
            ("optional", pa.bool_()),
            ("from_scope12", pa.bool_()),
            ("market", pa.bool_()),
        ]
    )
    return pa.table(cols, schema=schema)
