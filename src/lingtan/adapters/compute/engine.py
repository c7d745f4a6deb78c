"""The calculation engine: activities → emission rows with lineage, as one columnar expression.

Written with Ibis, executed by DuckDB in-process (any Ibis backend can run it). The steps, all
set-based (no per-row Python):

1. **Scope** the activities to the period; take each row's effective region (its own, else its
   site's, else the organisation's) and consolidation share (GHG Protocol Corporate Standard ch. 3).
2. **Streams**: each activity type's own stream, plus well-to-tank / T&D streams for the company's
   own fuel and energy use (Scope 3 category 3) and the market-based stream for Scope 2.
3. **Resolve** factors on the distinct (lookup type, region, date, unit dimension) keys: valid on
   the date first, own region before parents, then the nearest earlier factor — the rule of
   :func:`lingtan.core.factors.resolve`, as a window ranking.
4. **Convert** the activity unit to the factor's (pint multipliers, and for money exchange rates
   and price indices) via a small join.
5. **Multiply** by each gas's factor value and its GWP, and by the consolidation share. Scope 2
   market rows are scaled by the share not covered by contractual instruments; the covered share
   gets the instruments' weighted rate (:mod:`lingtan.core.methods.scope2_market`).

Every output row carries its lineage: activity ``row_id`` and ``batch_id``, the factor id, set and
version, the match kind, the GWP set and value, the method, and the conversion multiplier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.adapters.compute.spark import check_backend, read_parquet_files
from lingtan.adapters.compute.tables import (
    GRID,
    FactorTables,
    MoneyTables,
    builtin_factors,
    conversion_rows,
    factor_tables,
    gwp_table,
    region_table,
    stream_table,
    unit_table,
)
from lingtan.core.activities import DQ_INDICATORS, iso14064_category
from lingtan.core.errors import FactorError
from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import GWPSet
from lingtan.core.methods.scope2_market import Instrument, MarketResult, allocate
from lingtan.core.periods import FiscalCalendar, Period

ENGINE_VERSION = 2  # 2: key-id totals path, data quality and uncertainty in snapshots

#: Columns of an emission row (the lineage record). Units: quantity [unit], kg_gas [kg],
#: co2e_kg [kg CO2e]; conversion [factor unit / activity unit]; share [0–1].
EMISSION_COLUMNS = (
    "row_id",
    "batch_id",
    "site",
    "region_eff",
    "date",
    "scope",
    "category",
    "iso_category",
    "basis",
    "stream",
    "method",
    "tier",
    "activity_type",
    "lookup",
    "quantity",
    "unit",
    "conversion",
    "cover_multiplier",
    "factor_id",
    "factor_set",
    "factor_version",
    "factor_unit",
    "factor_region",
    "factor_valid_from",
    "match",
    "gas",
    "factor_value",
    "gwp",
    "share",
    "kg_gas",
    "co2e_kg",
    "template",
    *(f"dq_{k}" for k in DQ_INDICATORS),
)


@dataclass(frozen=True)
class CalcInputs:
    """Everything a calculation reads. Units: shares 0–1; instruments in kWh."""

    activity_files: Sequence[Path | str]  # local paths or URIs (s3a://, abfss://; Spark)
    factors: Sequence[EmissionFactor]
    gwp: GWPSet
    period: Period
    calendar: FiscalCalendar
    site_regions: dict[str, str]
    site_shares: dict[str, float]
    default_region: str
    set_priority: Sequence[str] = ()
    instruments: Sequence[Instrument] = ()
    money: MoneyTables = field(default_factory=lambda: MoneyTables({}, {}))
    #: :func:`engine_factor_tables` of ``factors``, ``gwp`` and ``set_priority`` when already at
    #: hand (the runner keeps them in the on-disk cache); computed when ``None``.
    tables: FactorTables | None = None


@dataclass(frozen=True)
class CalcResult:
    """Emission rows (an Ibis expression over the backend), plus what could not be computed."""

    emissions: ir.Table
    unresolved: pa.Table  # required streams with no factor / no conversion: by key, rows, qty
    not_estimated: pa.Table  # optional streams (WTT, T&D) with no factor
    market: MarketResult
    gwp_set: str


def _fy_label(calendar: FiscalCalendar) -> object:
    def label(d: date) -> str:
        return calendar.of(d).label

    return label


def calculate(inputs: CalcInputs, con: ibis.BaseBackend | None = None) -> CalcResult:
    """Compute the emission rows of ``inputs.period`` (one row per activity, stream and gas,
    with its lineage).

    Raises:
        FactorError: a gas used by a factor has no GWP in the chosen set.
    """
    con = con or ibis.duckdb.connect()
    check_backend(con)
    p = inputs.period
    if not inputs.activity_files:
        acts = ibis.memtable(_empty_activities())
    else:
        acts = _read_activities(con, inputs.activity_files)
    acts = acts.filter((acts.date >= p.start) & (acts.date <= p.end))
    return _calculate(inputs, acts, weighted=False)


#: Extra columns of :func:`calculate_totals` rows: activity rows summed into the row [count],
#: Σ quantity² [unit²] and kg CO2e per unit of quantity (so Σ e² per activity row is exact).
TOTALS_COLUMNS = ("rows", "quantity_sq", "co2e_per_unit")


def calculate_totals(inputs: CalcInputs, con: ibis.BaseBackend | None = None) -> CalcResult:
    """Like :func:`calculate`, but on activities summed first per (classification key, month).

    Every multiplier of an emission row depends only on the activity's key
    (:data:`lingtan.core.activities.KEY_COLUMNS`) and its date; the date matters only through
    the factor validity boundaries (and the price year). So quantities are summed per key and
    *bucket* (the month, or the day in the few months where a factor's validity starts or ends
    after the 1st), one integer group-by over each batch file's ``key_id``, and the whole
    calculation runs on those sums. Sums per scope, category, site, month … equal those of
    :func:`calculate` (up to floating-point summation order). The rows carry no ``row_id`` /
    ``batch_id``: lineage recomputes them with :func:`calculate` from the same inputs. Extra
    columns: :data:`TOTALS_COLUMNS`.

    Raises:
        FactorError: a gas used by a factor has no GWP in the chosen set.
    """
    con = con or ibis.duckdb.connect()
    check_backend(con)
    p = inputs.period
    if not inputs.activity_files:
        acts = ibis.memtable(_empty_activities())
        acts = acts.filter((acts.date >= p.start) & (acts.date <= p.end))
        acts = acts.mutate(rows=ibis.literal(1, "int64"), quantity_sq=acts.quantity * acts.quantity)
        return _calculate(inputs, acts, weighted=True)
    split = _split_months(inputs)
    parts = [_summed(con, Path(f), p, split) for f in inputs.activity_files]
    summed = parts[0] if len(parts) == 1 else ibis.union(*parts)
    # small (one row per key and bucket): fetched once, so the steps below never rescan files
    data = summed.to_pyarrow()
    data = data.append_column("row_id", pa.array(range(data.num_rows), pa.int64()))
    for f in _empty_activities().schema:
        if f.name not in data.column_names:
            data = data.append_column(f.name, pa.nulls(data.num_rows, f.type))
    # one chunk per column: PySpark's Arrow path cannot take multi-chunk pandas columns
    result = _calculate(inputs, ibis.memtable(data.combine_chunks()), weighted=True)
    return replace(result, emissions=_materialise(con, result.emissions))


def _materialise(con: ibis.BaseBackend, t: ir.Table) -> ir.Table:
    """``t`` as a view (DuckDB): the several small queries on the emission rows (aggregate, data
    quality, uncertainty) then compile against a plain table name instead of the whole
    pipeline's expression. (A table would write every wide lineage row: slower than recomputing
    the small join.) Other backends keep the expression (on PySpark, registering the small
    in-memory tables through ``create_view`` fails on chunked Arrow data)."""
    if con.name != "duckdb":
        return t
    return con.create_view(ibis.util.gen_name("lingtan_emissions"), t)


def _split_months(inputs: CalcInputs) -> list[date]:
    """First days of the months of the period in which some factor's validity starts or ends
    on a day other than the 1st: there, activities are summed per day, not per month."""
    p = inputs.period
    out = set()
    for f in inputs.factors:
        for b in (f.valid_from, f.valid_to):
            if b is not None and b.day != 1 and p.start <= b <= p.end:
                out.add(b.replace(day=1))
    return sorted(out)


def _summed(con: ibis.BaseBackend, path: Path, p: Period, split: Sequence[date]) -> ir.Table:
    """One batch file's activities of period ``p``, summed per classification key and bucket:
    an integer group-by on ``key_id`` joined to the batch's key dictionary when the file has
    one (written at intake), else a group-by on the key columns themselves."""
    import pyarrow.parquet as pq

    from lingtan.core.activities import KEY_COLUMNS, keys_path

    t = con.read_parquet(str(path))
    t = t.filter((t.date >= p.start) & (t.date <= p.end))
    month = ibis.greatest(t.date.truncate("M").cast("date"), ibis.literal(p.start))
    bucket = ibis.cases((month.isin(list(split)), t.date), else_=month) if split else month
    sums = {
        "quantity": t.quantity.sum(),
        "rows": t.count(),
        "quantity_sq": (t.quantity * t.quantity).sum(),
    }
    kp = keys_path(path)
    if kp.exists() and "key_id" in pq.read_schema(path).names:
        g = t.group_by([t.key_id, bucket.name("date")]).aggregate(**sums)
        g = g.filter(g.key_id.notnull())
        keys = con.read_parquet(str(kp))
        out = g.join(keys, "key_id").drop("key_id")
        nokey = t.filter(t.key_id.isnull())  # rows without an id (none from intake)
        rest = nokey.group_by([*(nokey[k] for k in KEY_COLUMNS), bucket.name("date")]).aggregate(
            quantity=nokey.quantity.sum(),
            rows=nokey.count(),
            quantity_sq=(nokey.quantity * nokey.quantity).sum(),
        )
        return out.union(rest.select(*out.columns))
    g = t.group_by([*(t[k] for k in KEY_COLUMNS), bucket.name("date")])
    return g.aggregate(**sums)


def _calculate(inputs: CalcInputs, acts: ir.Table, *, weighted: bool) -> CalcResult:
    """The calculation on ``acts`` (activity rows, or with ``weighted`` rows summed per key and
    bucket carrying :data:`TOTALS_COLUMNS`' ``rows`` and ``quantity_sq``)."""
    p = inputs.period

    # -- 1. region and consolidation share -------------------------------------------------
    sites = ibis.memtable(
        pa.table(
            {
                "s_site": pa.array(list(inputs.site_regions), pa.string()),
                "s_region": pa.array(list(inputs.site_regions.values()), pa.string()),
                "s_share": pa.array(
                    [inputs.site_shares.get(s, 1.0) for s in inputs.site_regions], pa.float64()
                ),
            }
        )
    )
    a = acts.left_join(sites, acts.site == sites.s_site)
    a = a.mutate(
        region_eff=ibis.coalesce(
            a.region.nullif(""), a.s_region, ibis.literal(inputs.default_region)
        ).upper(),
        share=ibis.coalesce(a.s_share, ibis.literal(1.0)),
        price_year_eff=ibis.coalesce(a.price_year.cast("int32"), a.date.year().cast("int32")),
    ).drop("s_site", "s_region", "s_share")

    # one small metadata query: the distinct (type, unit, region) triples
    triples = a.select("activity_type", "unit", "region_eff").distinct().to_pyarrow()
    types = [t for t in pc.unique(triples.column(0)).to_pylist() if t]
    distinct_units = pc.unique(triples.column(1)).to_pylist()
    regions = pc.unique(triples.column(2)).to_pylist()

    # -- 2. streams ------------------------------------------------------------------------
    st = ibis.memtable(stream_table(types))
    x = a.join(st, "activity_type")
    x = x.filter(~x.from_scope12 | x.scope.isin([1, 2]))
    x = x.filter(~x.market | (x.scope == 2))
    x = x.mutate(
        scope=ibis.coalesce(x.s_scope, x.scope).cast("int8"),
        category=ibis.coalesce(x.s_category, x.category).cast("int8"),
        method=ibis.coalesce(x.s_method, x.method),
        basis=ibis.cases(
            (x.market, "market"),
            ((x.scope == 2) & (x.stream == "own") & (x.basis == "both"), "location"),
            else_=x.basis,
        ),
    ).drop("s_scope", "s_category", "s_method", "from_scope12")

    # -- 3. resolution on distinct keys ----------------------------------------------------
    ft = inputs.tables or engine_factor_tables(inputs.factors, inputs.gwp, inputs.set_priority)
    used_gases = set(ft.values.column("gas").to_pylist())
    gwp_t, missing = gwp_table(inputs.gwp, used_gases)
    if missing:
        raise FactorError(f"gases without a GWP in set {inputs.gwp.name}: {', '.join(missing)}")
    units_t, _bad_units = unit_table(u for u in distinct_units if u)
    groups = ibis.memtable(ft.groups)
    chain = ibis.memtable(region_table(regions))
    units = ibis.memtable(units_t)

    keys = x.select("lookup", "fallback", "region_eff", "date", "unit").distinct()
    keys = keys.join(units, "unit")
    cands = []
    for prio, col in ((0, "lookup"), (1, "fallback")):
        k = keys.mutate(want=keys[col], prio=ibis.literal(prio, "int8"))
        k = k.filter(k.want.notnull())
        k = k.join(chain, "region_eff")
        k = k.join(
            groups,
            (k.want == groups.activity_type)
            & (k.ancestor == groups.f_region)
            & (k.dim == groups.dim),
        )
        cands.append(k)
    c = cands[0].union(cands[1])
    c = c.mutate(
        level=ibis.cases(
            ((c.valid_from <= c.date) & (c.valid_to.isnull() | (c.date < c.valid_to)), 0),
            (c.valid_from <= c.date, 1),
            else_=2,
        )
    )
    c = c.mutate(age=ibis.cases((c.level == 2, c.vf_days), else_=-c.vf_days))
    w = ibis.window(
        group_by=["lookup", "fallback", "region_eff", "date", "unit"],
        order_by=[
            c.prio,
            c.level,
            c.depth,
            c.set_rank,
            c.age,
            ibis.desc(c.version),
        ],
    )
    c = c.mutate(rn=ibis.row_number().over(w))
    resolved = c.filter(c.rn == 0).select(
        r_lookup="lookup",
        r_fallback="fallback",
        r_region="region_eff",
        r_date="date",
        r_unit="unit",
        group_id="group_id",
        factor_unit="factor_unit",
        factor_price_year="factor_price_year",
        factor_region="f_region",
        factor_valid_from="valid_from",
        factor_set="factor_set",
        match=ibis.cases(
            (c.prio == 1, "type_fallback"),
            (c.level == 1, "earlier_year"),
            (c.level == 2, "later_year"),
            (c.depth > 0, "region_fallback"),
            else_="exact",
        ),
    )
    y = x.left_join(
        resolved,
        (x.lookup == resolved.r_lookup)
        & (
            (x.fallback == resolved.r_fallback)
            | (x.fallback.isnull() & resolved.r_fallback.isnull())
        )
        & (x.region_eff == resolved.r_region)
        & (x.date == resolved.r_date)
        & (x.unit == resolved.r_unit),
    ).drop("r_lookup", "r_fallback", "r_region", "r_date", "r_unit")

    # -- 4. unit / currency conversion -----------------------------------------------------
    combo_cols = ["unit", "factor_unit", "price_year_eff", "factor_price_year"]
    if weighted:  # small (rows summed per key): fetch once, take the combinations from it
        y = ibis.memtable(y.to_pyarrow().combine_chunks())  # one chunk: see calculate_totals
    combos_t = y.filter(y.group_id.notnull()).select(*combo_cols).distinct().to_pyarrow()
    combos = [
        (u, fu, py if _is_money(u) else None, fpy if _is_money(u) else None)
        for u, fu, py, fpy in zip(*(combos_t.column(i).to_pylist() for i in range(4)), strict=True)
    ]
    conv_t, _failed = conversion_rows(combos, inputs.money)
    conv = ibis.memtable(conv_t)
    y = y.mutate(
        k_py=ibis.cases(
            (y.unit.isin(_money_units(distinct_units)), y.price_year_eff), else_=ibis.null("int32")
        ),
        k_fpy=ibis.cases(
            (y.unit.isin(_money_units(distinct_units)), y.factor_price_year),
            else_=ibis.null("int32"),
        ),
    )
    y = y.left_join(
        conv,
        (y.unit == conv.unit)
        & (y.factor_unit == conv.factor_unit)
        & ((y.k_py == conv.price_year) | (y.k_py.isnull() & conv.price_year.isnull()))
        & (
            (y.k_fpy == conv.factor_price_year)
            | (y.k_fpy.isnull() & conv.factor_price_year.isnull())
        ),
    ).drop(
        "unit_right", "factor_unit_right", "price_year", "factor_price_year_right", "k_py", "k_fpy"
    )

    if weighted:  # small (rows summed per key): fetch once so later queries compile quickly
        y = ibis.memtable(y.to_pyarrow().combine_chunks())  # one chunk: see calculate_totals

    # -- 5. market-based coverage (Scope 2 Guidance ch. 6) ---------------------------------
    market = _market(inputs, y if weighted else x)  # y: the rows of x, one each, plus factors
    cov = ibis.memtable(
        pa.table(
            {
                "c_site": pa.array([c.site for c in market.coverage], pa.string()),
                "covered_fraction": pa.array(
                    [c.covered_fraction for c in market.coverage], pa.float64()
                ),
                "cover_rate": pa.array([c.weighted_rate for c in market.coverage], pa.float64()),
            }
        )
    )
    is_grid_market = y.market & (y.activity_type == GRID)
    y = y.left_join(cov, y.site == cov.c_site).drop("c_site")
    y = y.mutate(
        cover_multiplier=ibis.cases(
            (is_grid_market, 1.0 - ibis.coalesce(y.covered_fraction, 0.0)), else_=1.0
        ),
    )

    # -- 6. gases, GWP, share --------------------------------------------------------------
    values = ibis.memtable(ft.values)
    gwp = ibis.memtable(gwp_t)
    ok = y.filter(y.group_id.notnull() & y.conversion.notnull())
    z = ok.join(values, "group_id")
    z = z.join(gwp, "gas")
    z = z.mutate(kg_gas=z.quantity * z.conversion * z.cover_multiplier * z.factor_value * z.share)
    z = z.mutate(co2e_kg=z.kg_gas * z.gwp)
    if weighted:
        z = z.mutate(
            co2e_per_unit=z.conversion * z.cover_multiplier * z.factor_value * z.share * z.gwp
        )
    z = _finish(z, weighted)

    # instrument-covered share: one CO2e row per covered grid-electricity activity row
    covered = y.filter(is_grid_market & (ibis.coalesce(y.covered_fraction, 0.0) > 0))
    covered = covered.mutate(
        cover_multiplier=covered.covered_fraction,
        conversion=ibis.literal(1.0),  # rate is per kWh; see _kwh below
        factor_id=ibis.literal("instrument-allocation"),
        factor_set=ibis.literal("contractual-instruments"),
        factor_version=ibis.literal(1, "int32"),
        factor_unit=ibis.literal("kWh"),
        factor_region=covered.region_eff,
        factor_valid_from=ibis.literal(p.start),
        match=ibis.literal("instrument"),
        gas=ibis.literal("CO2e"),
        factor_value=covered.cover_rate,
        gwp=ibis.literal(1.0),
        stream=ibis.literal("market_instruments"),
    )
    kwh = _kwh_multiplier(covered, distinct_units)
    covered = covered.mutate(conversion=kwh)
    covered = covered.mutate(
        kg_gas=covered.quantity
        * covered.conversion
        * covered.cover_multiplier
        * covered.factor_value
        * covered.share
    )
    covered = covered.mutate(co2e_kg=covered.kg_gas)
    if weighted:
        covered = covered.mutate(
            co2e_per_unit=covered.conversion
            * covered.cover_multiplier
            * covered.factor_value
            * covered.share
        )
    emissions = z.union(_finish(covered, weighted))

    # -- 7. what could not be computed -----------------------------------------------------
    missing_rows = y.filter(y.group_id.isnull() | y.conversion.isnull())
    agg = missing_rows.group_by(
        ["lookup", "fallback", "region_eff", "unit", "scope", "category", "optional"]
    ).aggregate(
        rows=missing_rows["rows"].sum() if weighted else missing_rows.count(),
        quantity=missing_rows.quantity.sum(),
        no_factor=missing_rows.group_id.isnull().any(),
    )
    gaps = agg.to_pyarrow()
    opt = gaps.column("optional").to_pylist()
    unresolved = gaps.filter(pa.array([not o for o in opt], pa.bool_()))
    not_estimated = gaps.filter(pa.array(opt, pa.bool_()))
    return CalcResult(emissions, unresolved, not_estimated, market, inputs.gwp.name)


def _read_activities(con: ibis.BaseBackend, files: Sequence[Path | str]) -> ir.Table:
    """The activity batch files (paths or URIs) as one table, read in one scan."""
    paths = [str(f) for f in files]
    if con.name == "pyspark":  # Ibis's PySpark read_parquet takes a single path
        return read_parquet_files(con, paths)
    return con.read_parquet(paths)


def _finish(t: ir.Table, weighted: bool = False) -> ir.Table:
    iso = ibis.cases(
        (t.scope == 1, 1),
        (t.scope == 2, 2),
        (t.category.isin([4, 6, 7, 9]), 3),
        (t.category.isin([1, 2, 3, 5, 8]), 4),
        (t.category.isin([10, 11, 12, 13]), 5),
        else_=6,
    ).cast("int8")
    t = t.mutate(iso_category=iso)
    return t.select(*EMISSION_COLUMNS, *(TOTALS_COLUMNS if weighted else ()))


def engine_factor_tables(
    factors: Sequence[EmissionFactor], gwp: GWPSet, set_priority: Sequence[str]
) -> FactorTables:
    """The resolution tables of ``factors`` plus the built-in identity factors of every gas."""
    every = list(factors) + builtin_factors(_gases(factors, gwp))
    return factor_tables(every, set_priority)


def _gases(factors: Sequence[EmissionFactor], gwp: GWPSet) -> set[str]:
    return {f.gas for f in factors} | set(gwp.table())


def _is_money(unit: str | None) -> bool:
    from lingtan.core.units import currency_code

    try:
        return bool(unit) and currency_code(unit or "") is not None
    except Exception:
        return False


def _money_units(units: Sequence[str | None]) -> list[str]:
    return [u for u in units if u and _is_money(u)] or ["\x00"]


def _kwh_multiplier(t: ir.Table, units: Sequence[str | None]) -> ir.Value:
    from lingtan.core.units import are_compatible, conversion_factor

    cases = [
        (t.unit == u, conversion_factor(u, "kWh")) for u in units if u and are_compatible(u, "kWh")
    ]
    return (
        ibis.cases(*cases, else_=ibis.null("float64")) if cases else ibis.literal(None, "float64")
    )


def _market(inputs: CalcInputs, x: ir.Table) -> MarketResult:
    """Grid consumption per site in the period [kWh] → instrument allocation (pure method)."""
    from lingtan.core.units import are_compatible, conversion_factor

    grid = x.filter((x.activity_type == GRID) & (x.stream == "own") & (x.scope == 2))
    per = grid.group_by(["site", "unit"]).aggregate(q=grid.quantity.sum()).to_pyarrow()
    consumption: dict[tuple[str, str], float] = {}
    label = inputs.period.label
    for site, unit, q in zip(*(per.column(i).to_pylist() for i in range(3)), strict=True):
        if site in inputs.site_regions and unit and are_compatible(unit, "kWh"):
            key = (site, label)
            consumption[key] = consumption.get(key, 0.0) + q * conversion_factor(unit, "kWh")
    instruments = [i for i in inputs.instruments if inputs.period.contains(i.vintage_start)]
    return allocate(
        instruments,
        consumption,
        inputs.site_regions,
        lambda d: inputs.calendar.of(d).label,
    )


def _empty_activities() -> pa.Table:
    from lingtan.core.activities import ACTIVITY_SCHEMA

    return ACTIVITY_SCHEMA.empty_table()


__all__ = [
    "EMISSION_COLUMNS",
    "TOTALS_COLUMNS",
    "CalcInputs",
    "CalcResult",
    "calculate",
    "calculate_totals",
    "engine_factor_tables",
    "iso14064_category",
]
