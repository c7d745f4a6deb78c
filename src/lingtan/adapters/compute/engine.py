"""The calculation engine: activities → emission rows with lineage, as columnar expressions.

Written with Ibis, executed by DuckDB in-process (any Ibis backend can run it). The steps, all
set-based (no per-row Python):

1. **Scope** the activities to the period; take each row's effective region (its own, else its
   site's, else the organisation's) and consolidation share (GHG Protocol Corporate Standard ch. 3).
2. **Streams**: each activity type's own stream, plus well-to-tank / T&D streams for the company's
   own fuel and energy use (Scope 3 category 3) and the market-based stream for Scope 2.
3. **Resolve** factors on the distinct (lookup type, region, unit dimension, date class) keys:
   valid on the date first, own region before parents, then the nearest earlier factor — the rule
   of :func:`lingtan.core.factors.resolve`, as a window ranking. A date class is a stretch of the
   period between two factor validity boundaries, in which every date ranks the factors alike.
4. **Convert** the activity unit to the factor's (pint multipliers, and for money exchange rates
   and price indices) via a small join.
5. **Multiply** by each gas's factor value and its GWP, and by the consolidation share. Scope 2
   market rows are scaled by the share not covered by contractual instruments; the covered share
   gets the instruments' weighted rate (:mod:`lingtan.core.methods.scope2_market`).

Steps 1–4 give *compact* rows (one per activity row and stream, with its factor group and its
multiplier); step 5 is a join with the factor groups' gases, done last — by the lineage record
(:attr:`CalcResult.emissions`), or after summing (inventory, data quality, uncertainty), so that
the gases of a factor multiply only the few sums, not every row.

Every emission row carries its lineage: activity ``row_id`` and ``batch_id``, the factor id, set
and version, the match kind, the GWP set and value, the method, and the conversion multiplier,
and the activity's supplier and product (key columns, so summed rows keep them apart; decision
0044).
The steps are pure functions of Ibis tables and literal parameters (*stages*, run by
:class:`~lingtan.adapters.compute.stages.Stages`: on DuckDB each stage's SQL is compiled once per
shape and reused).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.adapters.compute.spark import check_backend, read_parquet_files
from lingtan.adapters.compute.stages import Stages
from lingtan.adapters.compute.tables import (
    GRID,
    FactorTables,
    MoneyTables,
    builtin_factors,
    conversion_gap,
    conversion_rows,
    factor_tables,
    gwp_table,
    region_table,
    stream_table,
    unit_dim,
    unit_table,
)
from lingtan.adapters.io.progress import OnProgress
from lingtan.core.activities import (
    ACTIVITY_SCHEMA,
    DIMENSION_COLUMNS,
    DQ_INDICATORS,
    KEY_COLUMNS,
    iso14064_category,
)
from lingtan.core.errors import FactorError, UnitError
from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import GWPSet
from lingtan.core.methods.scope2_market import (
    LEVEL_GRID,
    LEVEL_NO_FACTOR,
    LEVEL_RESIDUAL,
    METHOD_VERSION,
    Instrument,
    MarketResult,
    Uncovered,
    allocator,
)
from lingtan.core.periods import FiscalCalendar, Period
from lingtan.modules.suppliers.specific_factors import LOOKUP_PREFIX as SUPPLIER_PREFIX

ENGINE_VERSION = 4  # 3: integer month buckets; compact rows, gases joined last (sums re-ordered)
# 4: Scope 2 market-based instruments by hierarchy level (s2.market.hierarchy v2, decision 0027)

#: Columns of an emission row (the lineage record). Units: quantity [unit], kg_gas [kg],
#: co2e_kg [kg CO2e]; conversion [factor unit / activity unit]; share [0–1]. ``supplier`` and
#: ``product`` are the activity's dimensions (null when not stated, decision 0044).
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
    *DIMENSION_COLUMNS,
)

#: Columns of :attr:`CalcResult.gases`: one row per factor group and gas. Units: factor_value
#: [kg gas / factor unit], gwp [kg CO2e / kg gas].
GAS_COLUMNS = ("group_id", "factor_id", "factor_version", "gas", "factor_value", "gwp")

#: Columns of :attr:`CalcResult.compact`: an emission row before its factor's gases are joined,
#: plus ``group_id`` (the factor group, a key of :attr:`CalcResult.gases`), ``mult`` = conversion
#: × cover_multiplier × share [factor unit / activity unit] and ``base`` = quantity × mult
#: [factor unit].
COMPACT_COLUMNS = (
    *(c for c in EMISSION_COLUMNS if c not in (*GAS_COLUMNS, "kg_gas", "co2e_kg")),
    "group_id",
    "mult",
    "base",
    "fallback",
    "optional",
    "no_factor",
    "gap_py",
    "gap_fpy",
)

#: Extra columns of :func:`calculate_totals` rows: activity rows summed into the row [count],
#: Σ quantity² [unit²] and kg CO2e per unit of quantity (so Σ e² per activity row is exact).
TOTALS_COLUMNS = ("rows", "quantity_sq", "co2e_per_unit")


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
    #: version of :mod:`lingtan.core.methods.scope2_market` (a snapshot's own, when recomputed)
    market_method_version: int = METHOD_VERSION


@dataclass(frozen=True)
class CalcResult:
    """Emission rows, plus what could not be computed.

    The rows are kept *compact*: :attr:`compact` holds one row per activity row (or summed row)
    and stream (:data:`COMPACT_COLUMNS`), :attr:`gases` one row per factor group and gas
    (:data:`GAS_COLUMNS`); :attr:`emissions` joins them into the lineage record, one row per
    activity row, stream and gas. Sums over the gases of a factor are taken on the compact rows
    (:func:`lingtan.adapters.compute.aggregate.aggregate_result`,
    :mod:`lingtan.adapters.compute.quality`), before the join multiplies the rows.
    """

    compact: ir.Table
    gases: ir.Table
    unresolved: pa.Table  # required streams with no factor / no conversion: by key, rows, qty
    not_estimated: pa.Table  # optional streams (WTT, T&D) with no factor
    market: MarketResult
    gwp_set: str
    stages: Stages
    weighted: bool = False  # rows summed per key and bucket (calculate_totals)

    @property
    def emissions(self) -> ir.Table:
        """The emission rows with their lineage (:data:`EMISSION_COLUMNS`, and with
        :func:`calculate_totals` :data:`TOTALS_COLUMNS`), as an expression on the backend."""
        s = self.stages
        return per_gas(s.bound(self.compact), s.bound(self.gases), weighted=self.weighted)

    def emission_rows(self) -> pa.Table:
        """:attr:`emissions` fetched as Arrow rows: on compiled stages (:func:`calculate` with
        ``compiled=True``, :func:`calculate_totals` on DuckDB) by the join's SQL compiled once
        per shape (decision 0010), else by executing the expression."""
        s = self.stages
        if s.compiled:
            return s.fetch(per_gas, self.compact, self.gases, weighted=self.weighted)
        return self.emissions.to_pyarrow()


def calculate(
    inputs: CalcInputs, con: ibis.BaseBackend | None = None, *, compiled: bool = False
) -> CalcResult:
    """Compute the emission rows of ``inputs.period`` (one row per activity, stream and gas,
    with its lineage).

    With ``compiled`` on DuckDB (what lineage recomputes, decision 0060), the period's activity
    rows are read into Arrow by one DuckDB query and every stage runs as SQL compiled once per
    shape and cached (decision 0010), as in :func:`calculate_totals`: the same stage functions
    on the same rows, without building and compiling Ibis expressions on every call (seconds for
    a fresh process). Fetch the rows with :meth:`CalcResult.emission_rows`. On other backends
    ``compiled`` is ignored (stages run as plain Ibis expressions).

    Raises:
        FactorError: a gas used by a factor has no GWP in the chosen set.
    """
    con = con or ibis.duckdb.connect()
    check_backend(con)
    p = inputs.period
    stages = Stages(con, compiled=compiled)
    if stages.compiled:
        data = _activity_rows(stages, inputs.activity_files, p)
        acts_t = stages.table("lt_acts", data)
        return _calculate(inputs, stages, acts_t, data=data, weighted=False)
    if not inputs.activity_files:
        acts = ibis.memtable(_empty_activities())
    else:
        acts = _read_activities(con, inputs.activity_files)
    acts = acts.filter((acts.date >= p.start) & (acts.date <= p.end))
    return _calculate(inputs, Stages(con, compiled=False), acts)


def calculate_totals(
    inputs: CalcInputs,
    con: ibis.BaseBackend | None = None,
    *,
    progress: OnProgress | None = None,
) -> CalcResult:
    """Like :func:`calculate`, but on activities summed first per (classification key, bucket).

    Every multiplier of an emission row depends only on the activity's key
    (:data:`lingtan.core.activities.KEY_COLUMNS`) and its date; the date matters only through
    the factor validity boundaries (and the price year). So quantities are summed per key and
    *bucket* (the month, or the day in the few months where a factor's validity starts or ends
    after the 1st), one integer group-by over each batch file's ``key_id`` and an integer month
    number, and the whole calculation runs on those sums. Sums per scope, category, site, month …
    equal those of :func:`calculate` (up to floating-point summation order). The rows carry no
    ``row_id`` / ``batch_id``: lineage recomputes them with :func:`calculate` from the same
    inputs. Extra columns: :data:`TOTALS_COLUMNS`. On DuckDB every stage runs as SQL compiled
    once per shape (:mod:`lingtan.adapters.compute.stages`). ``progress`` hears
    ``activities`` (batch files summed of all) and ``calculate`` (0 of 1 once they are, before
    factors are matched and emissions computed; decision 0052).

    Raises:
        FactorError: a gas used by a factor has no GWP in the chosen set.
    """
    con = con or ibis.duckdb.connect()
    check_backend(con)
    stages = Stages(con, compiled=True)
    p = inputs.period
    tables = inputs.tables or engine_factor_tables(inputs.factors, inputs.gwp, inputs.set_priority)
    inputs = replace(inputs, tables=tables)
    if not inputs.activity_files:
        empty = _empty_activities()
        data = empty.append_column("rows", pa.array([], pa.int64()))
        data = data.append_column("quantity_sq", pa.array([], pa.float64()))
    else:
        split = tuple(_split_months(p, tables))
        # one file after the other, under the same input names (one compiled SQL for all)
        files = inputs.activity_files
        parts = []
        for done, f in enumerate(files, start=1):
            parts.append(_summed(stages, f, p, split))
            if progress is not None:
                progress("activities", done, len(files))
        # small (one row per key and bucket): fetched once, so the steps below never rescan files
        data = pa.concat_tables(parts)
        data = data.append_column("row_id", pa.array(np.arange(data.num_rows), pa.int64()))
        for f in _empty_activities().schema:
            if f.name not in data.column_names:
                data = data.append_column(f.name, pa.nulls(data.num_rows, f.type))
    if progress is not None:
        progress("calculate", 0, 1)
    return _calculate(inputs, stages, stages.table("lt_acts", data), data=data)


def _activity_rows(stages: Stages, files: Sequence[Path | str], p: Period) -> pa.Table:
    """The activity rows of period ``p`` in the batch ``files``, read by one DuckDB query (no
    Ibis expression): columns matched by name across files, the key and dimension columns a
    file lacks added as typed nulls — the rows :func:`_read_activities` and
    :func:`_with_key_columns` give the direct path."""
    if not files:
        return _empty_activities()
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    data: pa.Table = stages.db.sql(
        f"SELECT * FROM read_parquet([{paths}], union_by_name = true)"
        " WHERE date >= ? AND date <= ?",
        params=[p.start, p.end],
    ).to_arrow_table()
    for k in (*KEY_COLUMNS, *DIMENSION_COLUMNS):
        if k not in data.column_names:
            data = data.append_column(
                ACTIVITY_SCHEMA.field(k).with_nullable(True),
                pa.nulls(data.num_rows, ACTIVITY_SCHEMA.field(k).type),
            )
    return data


#: Schema of the per-(key, bucket) sums of one batch file (:func:`_summed`).
_SUMMED_SCHEMA = pa.schema(
    [
        *(ACTIVITY_SCHEMA.field(k).with_nullable(True) for k in KEY_COLUMNS),
        pa.field("date", pa.date32()),
        pa.field("quantity", pa.float64()),
        pa.field("rows", pa.int64()),
        pa.field("quantity_sq", pa.float64()),
    ]
)


def _split_months(period: Period, tables: FactorTables) -> list[date]:
    """First days of the months of the period in which some factor's validity starts or ends
    on a day other than the 1st: there, activities are summed per day, not per month."""
    return sorted(
        {b.replace(day=1) for b in tables.mid_month_bounds if period.start <= b <= period.end}
    )


def _summed(stages: Stages, path: Path | str, p: Period, split: tuple[date, ...]) -> pa.Table:
    """One batch file's activities of period ``p``, summed per classification key and bucket
    (:data:`_SUMMED_SCHEMA`). From the batch's month sums when it has them (written at intake),
    every row has a key id and the period is whole months without a split month; else an
    integer group-by on ``key_id`` joined to the batch's key dictionary (written at intake);
    else a group-by on the key columns."""
    import pyarrow.parquet as pq

    from lingtan.core.activities import keys_path, month_sums_path

    path = Path(path)
    meta = pq.read_metadata(path)
    kp = keys_path(path)
    if kp.exists() and "key_id" in meta.schema.to_arrow_schema().names:
        keys = stages.parquet("lt_keys", kp)
        nokey = _may_have_nulls(meta, "key_id")
        sums = month_sums_path(path)
        if not nokey and not split and _whole_months(p) and sums.exists():
            first, last = (d.year * 12 + d.month - 1 for d in (p.start, p.end))
            months = stages.parquet("lt_months", sums)
            out = stages.fetch(_summed_from_months, months, keys, first=first, last=last)
        else:
            t = stages.parquet("lt_batch", path)
            out = stages.fetch(
                _summed_by_id, t, keys, start=p.start, end=p.end, split=split, nokey=nokey
            )
    else:
        t = stages.parquet("lt_batch", path)
        out = stages.fetch(_summed_by_key, t, start=p.start, end=p.end, split=split)
    return out.cast(_SUMMED_SCHEMA)


def _whole_months(p: Period) -> bool:
    """True when the period starts on a 1st and ends on a month's last day."""
    return p.start.day == 1 and (p.end + timedelta(days=1)).day == 1


def _summed_from_months(months: ir.Table, keys: ir.Table, *, first: int, last: int) -> ir.Table:
    """Stage: a batch's month sums (:data:`~lingtan.core.activities.MONTH_SUMS_SCHEMA`) of the
    months ``first`` … ``last`` (12 × year + month − 1), joined to its key dictionary."""
    m = months.filter((months.month >= first) & (months.month <= last))
    j = m.join(_with_key_columns(keys), "key_id")
    return j.select(
        *KEY_COLUMNS,
        date=ibis.date(j.month // 12, j.month % 12 + 1, 1),
        quantity=j.quantity,
        rows=j["rows"],
        quantity_sq=j.quantity_sq,
    )


def _may_have_nulls(meta: Any, column: str) -> bool:
    """False only when every row group's statistics say ``column`` has no null."""
    for rg in range(meta.num_row_groups):
        group = meta.row_group(rg)
        for j in range(group.num_columns):
            col = group.column(j)
            if col.path_in_schema != column:
                continue
            stats = col.statistics
            if stats is None or not stats.has_null_count or stats.null_count:
                return True
    return False


def _with_key_columns(t: ir.Table) -> ir.Table:
    """``t`` with the key columns it lacks as typed nulls: batch files and key dictionaries
    written before ``supplier`` and ``product`` existed read as if those were empty (decision
    0044). A column expression per missing column, no per-row work."""
    missing = {
        k: ibis.null(_IBIS_TYPES[k])
        for k in (*KEY_COLUMNS, *DIMENSION_COLUMNS)
        if k not in t.columns
    }
    return t.mutate(**missing) if missing else t


#: Ibis types of the activity columns (:data:`~lingtan.core.activities.ACTIVITY_SCHEMA`).
_IBIS_TYPES = ibis.Schema.from_pyarrow(ACTIVITY_SCHEMA)


def _within_a_year(start: date, end: date) -> bool:
    """True when the period's dates fall in at most 12 calendar months (a fiscal year): then the
    month number alone tells a date's month within the period."""
    return (end.year * 12 + end.month) - (start.year * 12 + start.month) < 12


def _month_bucket(t: ir.Table, start: date, end: date, split: tuple[date, ...]) -> ir.IntegerValue:
    """An activity's bucket as a small integer, cheap to compute and group on (DuckDB narrows
    group keys of small known range). In a period within a year: the month number 1–12, plus
    13 × the day of the month in the ``split`` months; otherwise 32 × (12 × year + month − 1),
    plus the day in the split months."""
    if _within_a_year(start, end):
        m = t.date.month().cast("int32")
        if not split:
            return m
        day = ibis.cases(
            (m.isin([d.month for d in split]), t.date.day().cast("int32")),
            else_=ibis.literal(0, "int32"),
        )
        return m + 13 * day
    m = t.date.year().cast("int32") * 12 + t.date.month().cast("int32") - 1
    if not split:
        return m * 32
    day = ibis.cases(
        (m.isin([d.year * 12 + d.month - 1 for d in split]), t.date.day().cast("int32")),
        else_=ibis.literal(0, "int32"),
    )
    return m * 32 + day


def _bucket_date(b: ir.IntegerValue, start: date, end: date) -> ir.DateValue:
    """The date of a bucket (:func:`_month_bucket`): the month's first day (not before the
    period start) or, in split months, the day itself."""
    if _within_a_year(start, end):
        day, m = b // 13, b % 13
        months = start.year * 12 + start.month - 1 + (m - start.month + 12) % 12  # since year 0
    else:
        day, months = b % 32, b // 32
    d = ibis.date(months // 12, months % 12 + 1, ibis.greatest(day, 1))
    return ibis.greatest(d, ibis.literal(start))


def _sums(t: ir.Table) -> dict[str, ir.Value]:
    return {
        "quantity": t.quantity.sum(),
        "rows": t.count(),
        "quantity_sq": (t.quantity * t.quantity).sum(),
    }


def _summed_by_id(
    t: ir.Table, keys: ir.Table, *, start: date, end: date, split: tuple[date, ...], nokey: bool
) -> ir.Table:
    """Stage: sums per (``key_id``, bucket), joined to the key dictionary ``keys`` (plus, when
    ``nokey``, rows without an id summed per key columns)."""
    t = t.filter((t.date >= start) & (t.date <= end))
    bucket = _month_bucket(t, start, end, split).name("bucket")
    g = t.group_by([t.key_id, bucket]).aggregate(**_sums(t))
    g = g.filter(g.key_id.notnull())
    j = g.join(_with_key_columns(keys), "key_id")
    out = j.select(
        *KEY_COLUMNS,
        date=_bucket_date(j.bucket, start, end),
        quantity=j.quantity,
        rows=j["rows"],
        quantity_sq=j.quantity_sq,
    )
    if nokey:  # rows without an id (none from intake)
        out = out.union(_by_key_columns(t.filter(t.key_id.isnull()), start, end, split))
    return out


def _summed_by_key(t: ir.Table, *, start: date, end: date, split: tuple[date, ...]) -> ir.Table:
    """Stage: sums per (key columns, bucket) of a file without key ids."""
    return _by_key_columns(t.filter((t.date >= start) & (t.date <= end)), start, end, split)


def _by_key_columns(t: ir.Table, start: date, end: date, split: tuple[date, ...]) -> ir.Table:
    t = _with_key_columns(t)
    bucket = _month_bucket(t, start, end, split).name("bucket")
    g = t.group_by([*KEY_COLUMNS, bucket]).aggregate(**_sums(t))
    return g.select(
        *KEY_COLUMNS,
        date=_bucket_date(g.bucket, start, end),
        quantity=g.quantity,
        rows=g["rows"],
        quantity_sq=g.quantity_sq,
    )


def _calculate(
    inputs: CalcInputs,
    stages: Stages,
    acts: ir.Table,
    *,
    data: pa.Table | None = None,
    weighted: bool | None = None,
) -> CalcResult:
    """The calculation on ``acts``: activity rows, or (``weighted``) rows summed per key and
    bucket carrying :data:`TOTALS_COLUMNS`' ``rows`` and ``quantity_sq``. With ``data`` (the
    rows of ``acts`` at hand, registered as a stage input; ``weighted`` by default) each stage is
    one query whose result the next stages read; without, the stages are composed into
    expressions over the activity files."""
    s = stages
    if weighted is None:
        weighted = data is not None
    p = inputs.period
    sites = s.table(
        "lt_sites",
        pa.table(
            {
                "s_site": pa.array(list(inputs.site_regions), pa.string()),
                "s_region": pa.array(list(inputs.site_regions.values()), pa.string()),
                "s_share": pa.array(
                    [inputs.site_shares.get(site, 1.0) for site in inputs.site_regions],
                    pa.float64(),
                ),
            }
        ),
    )
    region = inputs.default_region
    if data is not None:  # the rows are at hand: their distinct values need no query
        types = [t for t in pc.unique(data.column("activity_type")).to_pylist() if t]
        # every region a row can take (its own, its site's, the default): a superset is harmless
        regions = {str(r).upper() for r in pc.unique(data.column("region")).to_pylist() if r}
        regions |= {r.upper() for r in inputs.site_regions.values() if r} | {region.upper()}
        year = pc.cast(pc.year(data.column("date")), pa.int32())
        price_year = pc.coalesce(pc.cast(data.column("price_year"), pa.int32()), year)
        unit_years = pa.table({"unit": data.column("unit"), "price_year_eff": price_year})
        unit_years = unit_years.group_by(["unit", "price_year_eff"]).aggregate([])
    else:
        a = _with_sites(acts, sites, default_region=region)
        cols = ["activity_type", "unit", "region_eff", "price_year_eff"]
        distinct = a.select(*cols).distinct().to_pyarrow()
        types = [t for t in pc.unique(distinct.column(0)).to_pylist() if t]
        regions = set(pc.unique(distinct.column(2)).to_pylist())
        unit_years = distinct.select(["unit", "price_year_eff"])
    distinct_units = pc.unique(unit_years.column("unit")).to_pylist()

    # -- 1. tables: streams, factor groups, regions, units, conversions ----------------------
    ft = inputs.tables or engine_factor_tables(inputs.factors, inputs.gwp, inputs.set_priority)
    used_gases = set(ft.values.column("gas").to_pylist())
    gwp_t, missing = gwp_table(inputs.gwp, used_gases)
    if missing:
        raise FactorError(f"gases without a GWP in set {inputs.gwp.name}: {', '.join(missing)}")
    units_t, bad_units = unit_table(u for u in distinct_units if u)
    streams = s.table("lt_streams", stream_table(types))
    groups = s.table("lt_groups", ft.groups)
    chain = s.table("lt_chain", region_table(regions))
    units = s.table("lt_units", units_t)
    conv_t, failed = conversion_rows(_candidate_combos(unit_years, ft.groups), inputs.money)
    conv = s.table("lt_conv", conv_t)

    # -- 2. market-based coverage (Scope 2 Guidance ch. 6) -----------------------------------
    if data is not None:
        grid = s.fetch(_grid_use_of, acts, sites, streams, default_region=region)
    else:
        x = _streams(acts, sites, streams, default_region=region)
        grid = s.fetch(_grid_use, x)
    market = _market(inputs, grid)
    cov_sites = [c.site for c in market.coverage]
    cov = s.table(
        "lt_cover",
        pa.table(
            {
                "c_site": pa.array(cov_sites, pa.string()),
                "covered_fraction": pa.array(
                    [c.covered_fraction for c in market.coverage], pa.float64()
                ),
                "cover_rate": pa.array([c.weighted_rate for c in market.coverage], pa.float64()),
                # the instrument-covered share of a site is a factor group of its own
                "c_group_id": pa.array([-1 - i for i in range(len(cov_sites))], pa.int32()),
            }
        ),
    )

    # -- 3–6. streams, resolution, conversion, coverage: compact emission rows ---------------
    params: dict[str, Any] = {
        "default_region": region,
        "start": p.start,
        "bounds": _validity_bounds(ft.groups, p),
        "money_units": tuple(_money_units(distinct_units)),
        "kwh": _kwh_units(distinct_units),
        "weighted": weighted,
    }
    # supplier-specific factors (issue 15 item 5, decision 0066): only when some exist, so a
    # calculation without them runs exactly the stages it ran before
    supplier_specific = _supplier_windows(ft.groups)
    if supplier_specific:
        params["supplier_specific"] = True
    tables = (acts, sites, streams, units, chain, groups, conv, cov)
    gases = _gas_rows(ft.values, gwp_t, market)
    if data is not None:
        c_data = s.fetch(_compact_rows, *tables, **params)
        used = pc.unique(c_data.column("group_id"))
        gases = gases.filter(pc.is_in(gases.column("group_id"), value_set=used))
        compact = s.table("lt_compact", c_data)
    else:
        compact = _compact_rows(*tables, **params)

    # -- 7. what could not be computed -------------------------------------------------------
    gaps = s.fetch(_gaps, compact, weighted=weighted)
    gaps = _explain_gaps(gaps, failed, bad_units, ft.groups, inputs.money)
    opt = gaps.column("optional").to_pylist()
    unresolved = gaps.filter(pa.array([not o for o in opt], pa.bool_()))
    not_estimated = gaps.filter(pa.array(opt, pa.bool_()))
    market = replace(market, uncovered=_uncovered(s.fetch(_market_levels, compact), market))
    return CalcResult(
        compact=compact,
        gases=s.table("lt_gases", gases),
        unresolved=unresolved,
        not_estimated=not_estimated,
        market=market,
        gwp_set=inputs.gwp.name,
        stages=s,
        weighted=weighted,
    )


def _candidate_combos(
    unit_years: pa.Table, groups: pa.Table
) -> list[tuple[str, str, int | None, int | None]]:
    """Every (activity unit, factor unit, price year, factor price year) a resolved row can
    need a conversion for: each distinct activity unit (and effective price year) with each
    factor unit of the same dimension (:func:`~lingtan.adapters.compute.tables.unit_dim`: the
    resolution joins on it). Price years count for currency amounts only. Building the
    conversions before resolving lets one query resolve and convert."""
    factor_side = groups.group_by(["factor_unit", "factor_price_year", "dim"]).aggregate([])
    by_dim: dict[str, list[tuple[str, int | None]]] = {}
    for fu, fpy, dim in zip(*(factor_side.column(i).to_pylist() for i in range(3)), strict=True):
        by_dim.setdefault(dim, []).append((fu, fpy))
    out = set()
    for u, py in zip(*(unit_years.column(i).to_pylist() for i in range(2)), strict=True):
        if not u:
            continue
        try:
            dim = unit_dim(u)
        except UnitError:
            continue  # no factor can match it: the row is reported as unresolved
        money = _is_money(u)
        for fu, fpy in by_dim.get(dim, ()):
            out.add((u, fu, py if money else None, fpy if money else None))
    return sorted(out, key=lambda c: tuple(str(v) for v in c))


# ---- stages (pure: Ibis tables and literals → expression; see stages.py) ------------------


def _with_sites(acts: ir.Table, sites: ir.Table, *, default_region: str) -> ir.Table:
    """Each row's effective region (its own, else its site's, else the organisation's), its
    consolidation share (GHG Protocol Corporate Standard ch. 3) and effective price year."""
    a = acts.left_join(sites, acts.site == sites.s_site)
    a = a.mutate(
        region_eff=ibis.coalesce(
            a.region.nullif(""), a.s_region, ibis.literal(default_region)
        ).upper(),
        share=ibis.coalesce(a.s_share, ibis.literal(1.0)),
        price_year_eff=ibis.coalesce(a.price_year.cast("int32"), a.date.year().cast("int32")),
    )
    unused = ("region", "price_year", "source_row", "description", "period_end", "key_id")
    return a.drop("s_site", "s_region", "s_share", *(c for c in unused if c in a.columns))


def _streams(
    acts: ir.Table, sites: ir.Table, streams: ir.Table, *, default_region: str
) -> ir.Table:
    """Each activity's emission streams (its own, WTT / T&D, Scope 2 market), classified."""
    a = _with_sites(acts, sites, default_region=default_region)
    x = a.join(streams, "activity_type")
    x = x.filter(~x.from_scope12 | x.scope.isin([1, 2]))
    x = x.filter(~x.market | (x.scope == 2))
    return x.mutate(
        scope=ibis.coalesce(x.s_scope, x.scope).cast("int8"),
        category=ibis.coalesce(x.s_category, x.category).cast("int8"),
        method=ibis.coalesce(x.s_method, x.method),
        basis=ibis.cases(
            (x.market, "market"),
            ((x.scope == 2) & (x.stream == "own") & (x.basis == "both"), "location"),
            else_=x.basis,
        ),
    ).drop("s_scope", "s_category", "s_method", "from_scope12")


def _resolve(
    x: ir.Table,
    units: ir.Table,
    chain: ir.Table,
    groups: ir.Table,
    *,
    start: date,
    bounds: tuple[date, ...],
    supplier_specific: bool = False,
) -> ir.Table:
    """The stream rows with their factor group: valid on the date first, own region before
    parents, then the nearest earlier factor — the rule of :func:`lingtan.core.factors.resolve`.

    With ``supplier_specific``, a row whose ``lookup`` is a supplier's factor
    (``supplier:<code>``, :func:`_supplier_lookup`) that resolves to it is matched
    ``supplier_specific``; when it falls back to its own activity type (a unit the supplier's
    factor does not take), the fallback is labelled as that type's own match would be (exact,
    region_fallback …), not ``type_fallback``: nothing stood in for a factor of its type.

    Resolved once per distinct (lookup type, region, unit dimension, *date class*): the dates of
    the period between two consecutive factor validity boundaries (``bounds``: every factor
    group's ``valid_from`` / ``valid_to`` inside the period, sorted) rank every candidate factor
    alike — whether a factor is valid on the date, and which earlier or later one is nearest,
    changes only at a boundary — so the class's first day (:func:`_date_class`) stands for them
    all."""
    x = x.mutate(r_day=_date_class(x.date, start, bounds))
    keys = x.select("lookup", "fallback", "region_eff", "r_day", "unit").distinct()
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
            ((c.valid_from <= c.r_day) & (c.valid_to.isnull() | (c.r_day < c.valid_to)), 0),
            (c.valid_from <= c.r_day, 1),
            else_=2,
        )
    )
    c = c.mutate(age=ibis.cases((c.level == 2, c.vf_days), else_=-c.vf_days))
    w = ibis.window(
        group_by=["lookup", "fallback", "region_eff", "r_day", "unit"],
        order_by=[c.prio, c.tier, c.level, c.depth, c.set_rank, c.age, ibis.desc(c.version)],
    )
    c = c.mutate(rn=ibis.row_number().over(w))
    labels: list[tuple[ir.BooleanValue, str]] = [(c.prio == 1, "type_fallback")]
    if supplier_specific:
        own = c.lookup.startswith(SUPPLIER_PREFIX)
        labels = [((c.prio == 0) & own, SUPPLIER_MATCH), ((c.prio == 1) & ~own, "type_fallback")]
    resolved = c.filter(c.rn == 0).select(
        r_lookup="lookup",
        r_fallback="fallback",
        r_region="region_eff",
        r_day2="r_day",
        r_unit="unit",
        group_id="group_id",
        factor_unit="factor_unit",
        factor_price_year="factor_price_year",
        factor_region="f_region",
        factor_valid_from="valid_from",
        factor_set="factor_set",
        match=ibis.cases(
            *labels,
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
        & (x.r_day == resolved.r_day2)
        & (x.unit == resolved.r_unit),
    )
    return y.drop("r_lookup", "r_fallback", "r_region", "r_day", "r_day2", "r_unit")


#: ``match`` (and ``tier``) of a row resolved to its supplier's own factor (decision 0066).
SUPPLIER_MATCH = "supplier_specific"


def _supplier_lookup(x: ir.Table, groups: ir.Table) -> ir.Table:
    """Scope 3 category 1 rows (own stream) whose supplier has a supplier-specific factor
    valid on the row's date look up ``supplier:<code>`` first, their own activity type second
    (``fallback``: the resolution's prio 0 / prio 1) — the hybrid method of the GHG Protocol
    Scope 3 Standard ch. 7–8 (decision 0066). Every other row is unchanged.

    One left join of the rows with the small table of (supplier, validity) taken from the factor
    groups ``supplier:*`` (a supplier's windows never overlap: :func:`_supplier_windows`, so a
    row meets at most one), no per-row Python; runs alike on DuckDB and PySpark."""
    g = groups.filter(groups.activity_type.startswith(SUPPLIER_PREFIX))
    sf = g.select(
        sf_supplier=g.activity_type.substr(len(SUPPLIER_PREFIX)),
        sf_from=g.valid_from,
        sf_to=g.valid_to,
    ).distinct()
    j = x.left_join(
        sf,
        (x.supplier == sf.sf_supplier)
        & (x.date >= sf.sf_from)
        & (sf.sf_to.isnull() | (x.date < sf.sf_to)),
    )
    use = j.sf_supplier.notnull() & (j.stream == "own") & (j.scope == 3) & (j.category == 1)
    return j.mutate(
        lookup=ibis.cases((use, ibis.literal(SUPPLIER_PREFIX).concat(j.supplier)), else_=j.lookup),
        fallback=ibis.cases((use, j.lookup), else_=j.fallback),
    ).drop("sf_supplier", "sf_from", "sf_to")


def _supplier_windows(groups: pa.Table) -> bool:
    """Whether some factor group is a supplier's (``supplier:<code>``), after checking that no
    supplier's groups overlap in time with different validities (Python, on the small factor
    table).

    Raises:
        FactorError: two factors of one supplier are valid on one date.
    """
    at = groups.column("activity_type")
    mine = groups.filter(pc.starts_with(at, SUPPLIER_PREFIX))
    if mine.num_rows == 0:
        return False
    spans = sorted(
        set(zip(*(mine.column(c).to_pylist() for c in ("activity_type", "valid_from", "valid_to")),
                strict=True))
    )  # fmt: skip
    for (a, a_from, a_to), (b, b_from, _) in itertools.pairwise(spans):
        if a == b and (a_to is None or b_from < a_to):
            raise FactorError(f"{a}: two supplier-specific factors valid from {a_from}, {b_from}")
    return True


def _date_class(d: ir.DateValue, start: date, bounds: tuple[date, ...]) -> ir.DateValue:
    """The first day of ``d``'s date class: the latest of ``bounds`` on or before ``d``, else
    the period ``start``."""
    if not bounds:
        return ibis.literal(start)
    return ibis.cases(
        *((d >= b, ibis.literal(b)) for b in reversed(bounds)), else_=ibis.literal(start)
    )


def _grid_use_of(
    acts: ir.Table, sites: ir.Table, streams: ir.Table, *, default_region: str
) -> ir.Table:
    """Stage: :func:`_grid_use` of :func:`_streams`."""
    return _grid_use(_streams(acts, sites, streams, default_region=default_region))


def _compact_rows(
    acts: ir.Table,
    sites: ir.Table,
    streams: ir.Table,
    units: ir.Table,
    chain: ir.Table,
    groups: ir.Table,
    conv: ir.Table,
    cov: ir.Table,
    *,
    default_region: str,
    start: date,
    bounds: tuple[date, ...],
    money_units: tuple[str, ...],
    kwh: tuple[tuple[str, float], ...],
    weighted: bool,
    supplier_specific: bool = False,
) -> ir.Table:
    """Stage: :func:`_streams`, :func:`_resolve`, then :func:`_compact`; with
    ``supplier_specific`` (some factor group is a supplier's, decision 0066) the category 1 rows
    of a supplier that has a factor on their date look it up first (:func:`_supplier_lookup`),
    and the rows that got it carry tier ``supplier_specific``."""
    x = _streams(acts, sites, streams, default_region=default_region)
    if supplier_specific:
        x = _supplier_lookup(x, groups)
    y = _resolve(
        x, units, chain, groups, start=start, bounds=bounds, supplier_specific=supplier_specific
    )
    if supplier_specific:  # the data-quality tier of the factor used, not of the row as imported
        y = y.mutate(tier=ibis.cases((y.match == SUPPLIER_MATCH, SUPPLIER_MATCH), else_=y.tier))
    return _compact(
        x, y, conv, cov, money_units=money_units, kwh=kwh, start=start, weighted=weighted
    )


def _validity_bounds(groups: pa.Table, period: Period) -> tuple[date, ...]:
    """The factor groups' ``valid_from`` and ``valid_to`` dates after the period's first day and
    not after its last, sorted (:func:`_resolve`)."""
    out: set[date] = set()
    for col in ("valid_from", "valid_to"):
        days = pc.unique(groups.column(col))
        inside = pc.and_(
            pc.greater(days, pa.scalar(period.start, pa.date32())),
            pc.less_equal(days, pa.scalar(period.end, pa.date32())),
        )
        out.update(d for d in days.filter(inside).to_pylist() if d is not None)
    return tuple(sorted(out))


def _convert(y: ir.Table, conv: ir.Table, *, money_units: tuple[str, ...]) -> ir.Table:
    """Stage: the multiplier from activity unit to factor unit (``conversion``; null when
    impossible), a small join on (unit, factor unit, price years of currency amounts)."""
    y = y.mutate(
        k_py=ibis.cases(
            (y.unit.isin(list(money_units)), y.price_year_eff), else_=ibis.null("int32")
        ),
        k_fpy=ibis.cases(
            (y.unit.isin(list(money_units)), y.factor_price_year), else_=ibis.null("int32")
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
    )
    return y.drop(
        "unit_right", "factor_unit_right", "price_year", "factor_price_year_right", "k_py", "k_fpy"
    )


def _grid_use(x: ir.Table) -> ir.Table:
    """Stage: grid electricity per site and unit (own stream, Scope 2)."""
    grid = x.filter((x.activity_type == GRID) & (x.stream == "own") & (x.scope == 2))
    return grid.group_by(["site", "unit"]).aggregate(q=grid.quantity.sum())


def _compact(
    x: ir.Table,
    y: ir.Table,
    conv: ir.Table,
    cov: ir.Table,
    *,
    money_units: tuple[str, ...],
    kwh: tuple[tuple[str, float], ...],
    start: date,
    weighted: bool,
) -> ir.Table:
    """Compact emission rows (:data:`COMPACT_COLUMNS`): the resolved rows ``y`` (the stream
    rows ``x`` with their factor) with their conversion (:func:`_convert`), Scope 2 market rows
    scaled by the share not covered by instruments, plus one row per covered grid-electricity
    row for the covered share (its factor group is the site's instrument rate:
    :func:`_gas_rows`). Rows with no factor or no conversion are kept with a null ``group_id``
    (``no_factor`` says which): they emit nothing (every sum joins the gases on ``group_id``)
    and are reported by :func:`_gaps`."""
    y = _convert(y, conv, money_units=money_units)
    is_grid_market = y.market & (y.activity_type == GRID)
    y = y.left_join(cov, y.site == cov.c_site).drop("c_site")
    y = y.mutate(
        cover_multiplier=ibis.cases(
            (is_grid_market, 1.0 - ibis.coalesce(y.covered_fraction, 0.0)), else_=1.0
        ),
    )
    found = y.group_id.notnull() & y.conversion.notnull()
    # a failed currency conversion is keyed by its price years (conversion_rows' reasons)
    unconverted = y.group_id.notnull() & y.conversion.isnull() & y.unit.isin(list(money_units))
    rows = y.mutate(
        no_factor=y.group_id.isnull(),
        group_id=ibis.cases((found, y.group_id), else_=ibis.null("int32")),
        gap_py=ibis.cases((unconverted, y.price_year_eff), else_=ibis.null("int32")),
        gap_fpy=ibis.cases((unconverted, y.factor_price_year), else_=ibis.null("int32")),
    )
    # the covered rows need no factor: taken from the stream rows, not the resolved ones
    covered = x.join(cov, x.site == cov.c_site).drop("c_site")
    covered = covered.filter(
        covered.market & (covered.activity_type == GRID) & (covered.covered_fraction > 0)
    )
    kwh_cases = [(covered.unit == u, m) for u, m in kwh]
    covered = covered.mutate(
        cover_multiplier=covered.covered_fraction,
        conversion=(  # the instrument rate is per kWh
            ibis.cases(*kwh_cases, else_=ibis.null("float64"))
            if kwh_cases
            else ibis.literal(None, "float64")
        ),
        factor_set=ibis.literal("contractual-instruments"),
        factor_unit=ibis.literal("kWh"),
        factor_region=covered.region_eff,
        factor_valid_from=ibis.literal(start),
        match=ibis.literal("instrument"),
        stream=ibis.literal("market_instruments"),
        group_id=covered.c_group_id,
        optional=ibis.literal(False),
        no_factor=ibis.literal(False),
        gap_py=ibis.null("int32"),
        gap_fpy=ibis.null("int32"),
    )
    extra = ("rows", "quantity_sq") if weighted else ()
    cols = [c for c in COMPACT_COLUMNS if c not in ("iso_category", "mult", "base")]
    both = rows.select(*cols, *extra).union(covered.select(*cols, *extra))
    both = both.mutate(mult=both.conversion * both.cover_multiplier * both.share)
    return both.mutate(
        iso_category=_iso_category(both),
        base=both.quantity * both.mult,
    ).select(*COMPACT_COLUMNS, *extra)


#: Keys of the gap rows (:func:`_gaps`) besides the price years of a failed conversion.
_GAP_KEYS = (
    "lookup",
    "fallback",
    "region_eff",
    "unit",
    "scope",
    "category",
    "optional",
    "factor_unit",
)


def _gaps(compact: ir.Table, *, weighted: bool) -> ir.Table:
    """Stage: the compact rows with no factor or no conversion, by lookup key (and, for a
    failed conversion, the factor unit and the price years: :func:`_explain_gaps`)."""
    m = compact.filter(compact.group_id.isnull())
    return m.group_by([*_GAP_KEYS, "gap_py", "gap_fpy"]).aggregate(
        rows=m["rows"].sum() if weighted else m.count(),
        quantity=m.quantity.sum(),
        no_factor=m.no_factor.any(),
    )


#: Type of the gap rows' ``reason`` (:func:`_explain_gaps`;
#: :func:`~lingtan.adapters.compute.tables.conversion_gap` for the keys).
REASON_TYPE = pa.struct(
    [
        ("kind", pa.string()),
        ("text", pa.string()),
        ("currency", pa.string()),
        ("year", pa.int32()),
        ("series", pa.list_(pa.struct([("name", pa.string()), ("years", pa.string())]))),
        ("from_unit", pa.string()),
        ("to_unit", pa.string()),
        ("region_chain", pa.list_(pa.string())),
    ]
)


def _explain_gaps(
    gaps: pa.Table,
    failed: dict[tuple[str, str, int | None, int | None], str],
    bad_units: dict[str, str],
    groups: pa.Table,
    money: MoneyTables,
) -> pa.Table:
    """The gap rows of :func:`_gaps` with a ``reason`` each (:data:`REASON_TYPE`), sorted; the
    price-year keys dropped (the reason names the year).

    ``kind`` of a row with no factor: ``bad_unit`` (its unit is not understood), ``unit`` (factors
    for the lookup exist in the region chain, in units of another dimension: ``to_unit`` lists
    them) or ``factor`` (no factor for the lookup anywhere in the region chain,
    :func:`lingtan.core.boundary.region_chain`, the chain :func:`_resolve` searches). A row whose
    conversion failed: :func:`~lingtan.adapters.compute.tables.conversion_gap`."""
    from lingtan.core.boundary import region_chain

    units_by: dict[tuple[str, str], set[str]] = {}
    for at, reg, fu in zip(
        *(groups.column(c).to_pylist() for c in ("activity_type", "f_region", "factor_unit")),
        strict=True,
    ):
        units_by.setdefault((at, str(reg).upper()), set()).add(fu)
    reasons: list[dict[str, Any]] = []
    rows = gaps.to_pylist()
    for r in rows:
        unit, region = r["unit"] or "", r["region_eff"] or ""
        chain = list(region_chain(region)) if region else ["GLO"]
        base: dict[str, Any] = {"kind": "factor", "text": "", "currency": None, "year": None,
                                "series": [], "from_unit": unit, "to_unit": None,
                                "region_chain": chain}  # fmt: skip
        if not r["no_factor"]:
            combo = (unit, r["factor_unit"], r["gap_py"], r["gap_fpy"])
            msg = failed.get(combo, f"no conversion from {unit} to {r['factor_unit']}")
            reasons.append({**conversion_gap(combo, money, msg), "region_chain": chain})
            continue
        if unit in bad_units:
            reasons.append({**base, "kind": "bad_unit", "text": bad_units[unit]})
            continue
        lookups = [x for x in (r["lookup"], r["fallback"]) if x]
        funits = sorted({u for at in lookups for reg in chain for u in units_by.get((at, reg), ())})
        if funits:
            to = ", ".join(funits)
            text = f"{unit} does not convert to {to} (the unit of the factors for {r['lookup']})"
            reasons.append({**base, "kind": "unit", "text": text, "to_unit": to})
        else:
            text = f"no emission factor for {r['lookup']} in {' → '.join(chain)}"
            reasons.append({**base, "text": text})
    out = gaps.drop_columns(["gap_py", "gap_fpy"])
    out = out.append_column("reason", pa.array(reasons, REASON_TYPE))
    order = sorted(
        range(len(rows)),
        key=lambda i: tuple(str(rows[i][k]) for k in (*_GAP_KEYS, "gap_py", "gap_fpy")),
    )
    return out.take(pa.array(order, pa.int64()))


def per_gas(compact: ir.Table, gases: ir.Table, *, weighted: bool) -> ir.Table:
    """The emission rows (:data:`EMISSION_COLUMNS`): compact rows × their factor's gases.
    kg_gas = quantity × conversion × cover × factor value × share; co2e_kg = kg_gas × GWP."""
    z = compact.join(gases, "group_id")
    z = z.mutate(kg_gas=z.quantity * z.conversion * z.cover_multiplier * z.factor_value * z.share)
    z = z.mutate(co2e_kg=z.kg_gas * z.gwp)
    if weighted:
        z = z.mutate(
            co2e_per_unit=z.conversion * z.cover_multiplier * z.factor_value * z.share * z.gwp
        )
    return z.select(*EMISSION_COLUMNS, *(TOTALS_COLUMNS if weighted else ()))


def _iso_category(t: ir.Table) -> ir.IntegerValue:
    """ISO 14064-1 category of a row (:func:`lingtan.core.activities.iso14064_category`)."""
    return ibis.cases(
        (t.scope == 1, 1),
        (t.scope == 2, 2),
        (t.category.isin([4, 6, 7, 9]), 3),
        (t.category.isin([1, 2, 3, 5, 8]), 4),
        (t.category.isin([10, 11, 12, 13]), 5),
        else_=6,
    ).cast("int8")


def _gas_rows(values: pa.Table, gwp: pa.Table, market: MarketResult) -> pa.Table:
    """:data:`GAS_COLUMNS` rows: each factor group's gases with their GWP, plus each covered
    site's instrument rate (group ``-1 - i``, as in the ``lt_cover`` table; 1 kg CO2e/kWh
    units, GWP 1)."""
    idx = pc.index_in(values.column("gas"), value_set=gwp.column("gas"))
    n = len(market.coverage)
    own = pa.table(
        {
            "group_id": values.column("group_id"),
            "factor_id": values.column("factor_id"),
            "factor_version": values.column("factor_version"),
            "gas": values.column("gas"),
            "factor_value": values.column("factor_value"),
            "gwp": pc.take(gwp.column("gwp"), idx),
        }
    )
    covered = pa.table(
        {
            "group_id": pa.array([-1 - i for i in range(n)], pa.int32()),
            "factor_id": pa.array(["instrument-allocation"] * n, pa.string()),
            "factor_version": pa.array([1] * n, pa.int32()),
            "gas": pa.array(["CO2e"] * n, pa.string()),
            "factor_value": pa.array([c.weighted_rate for c in market.coverage], pa.float64()),
            "gwp": pa.array([1.0] * n, pa.float64()),
        }
    )
    return pa.concat_tables([own.cast(covered.schema), covered]).combine_chunks()


def _read_activities(con: ibis.BaseBackend, files: Sequence[Path | str]) -> ir.Table:
    """The activity batch files (paths or URIs) as one table, read in one scan. Columns are
    matched by name (a file written before a column existed, e.g. ``supplier``, gives nulls in
    it: decision 0044), and a column no file has is added as nulls."""
    paths = [str(f) for f in files]
    if con.name == "pyspark":  # Ibis's PySpark read_parquet takes a single path
        return _with_key_columns(read_parquet_files(con, paths))
    if con.name == "duckdb":
        return _with_key_columns(con.read_parquet(paths, union_by_name=True))
    return _with_key_columns(con.read_parquet(paths))


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


def _kwh_units(units: Sequence[str | None]) -> tuple[tuple[str, float], ...]:
    """(unit, kWh per unit) of the units that are energies."""
    from lingtan.core.units import are_compatible, conversion_factor

    return tuple((u, conversion_factor(u, "kWh")) for u in units if u and are_compatible(u, "kWh"))


def _market(inputs: CalcInputs, per: pa.Table) -> MarketResult:
    """Grid consumption per site in the period [kWh] (``per``: :func:`_grid_use`) →
    instrument allocation (pure method)."""
    from lingtan.core.units import are_compatible, conversion_factor

    consumption: dict[tuple[str, str], float] = {}
    label = inputs.period.label
    for site, unit, q in zip(*(per.column(i).to_pylist() for i in range(3)), strict=True):
        if site in inputs.site_regions and unit and are_compatible(unit, "kWh"):
            key = (site, label)
            consumption[key] = consumption.get(key, 0.0) + q * conversion_factor(unit, "kWh")
    instruments = [i for i in inputs.instruments if inputs.period.contains(i.vintage_start)]
    return allocator(inputs.market_method_version)(
        instruments,
        consumption,
        inputs.site_regions,
        lambda d: inputs.calendar.of(d).label,
        site_shares=inputs.site_shares,
    )


def _market_levels(compact: ir.Table) -> ir.Table:
    """Stage: grid electricity not covered by instruments, per site and unit, by the level of the
    Scope 2 hierarchy its factor came from (Guidance Table 6.3): the residual mix, the grid
    average where none exists (``match`` = ``type_fallback``) or no factor at all. Units: the
    activity unit (× the uncovered share × the consolidation share)."""
    m = compact.filter((compact.stream == "market") & (compact.activity_type == GRID))
    level = ibis.cases(
        (m.group_id.isnull(), LEVEL_NO_FACTOR),
        (m.match == "type_fallback", LEVEL_GRID),
        else_=LEVEL_RESIDUAL,
    ).name("level")
    g = m.group_by([ibis.coalesce(m.site, "").name("site"), m.unit, level])
    return g.aggregate(q=(m.quantity * m.cover_multiplier * m.share).sum())


def _uncovered(levels: pa.Table, market: MarketResult) -> tuple[Uncovered, ...]:
    """:func:`_market_levels` in kWh, one :class:`Uncovered` per site and level, sorted.

    A site of the allocation splits exactly its uncovered consumption (consumption − covered),
    in proportion to the levels' sums: a site that met one level only gets that figure exactly,
    whatever order the backend summed its rows in."""
    from lingtan.core.units import are_compatible, conversion_factor

    sums: dict[str, dict[str, float]] = {}
    cols = [levels.column(c).to_pylist() for c in ("site", "unit", "level", "q")]
    for site, unit, level, q in zip(*cols, strict=True):
        if unit and q and are_compatible(unit, "kWh"):
            got = sums.setdefault(str(site), {})
            got[str(level)] = got.get(str(level), 0.0) + q * conversion_factor(unit, "kWh")
    rest = {c.site: c.consumption_kwh - c.covered_kwh for c in market.coverage}
    out = []
    for site, got in sorted(sums.items()):
        total = sum(got.values())
        for level, kwh in sorted(got.items()):
            if site in rest and total > 0:
                kwh = rest[site] if len(got) == 1 else rest[site] * kwh / total
            out.append(Uncovered(site, level, kwh))
    return tuple(out)


def _empty_activities() -> pa.Table:
    from lingtan.core.activities import ACTIVITY_SCHEMA

    return ACTIVITY_SCHEMA.empty_table()


__all__ = [
    "COMPACT_COLUMNS",
    "EMISSION_COLUMNS",
    "GAS_COLUMNS",
    "TOTALS_COLUMNS",
    "CalcInputs",
    "CalcResult",
    "calculate",
    "calculate_totals",
    "engine_factor_tables",
    "iso14064_category",
    "per_gas",
]
