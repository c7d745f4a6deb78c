"""Aggregation: emission rows summed into the inventory's :class:`AggregateRow` s.

The inventory keeps emissions per scope, category (GHG Protocol Scope 3 categories; ISO 14064-1
categories), basis (location / market, Scope 2 Guidance ch. 4), gas, site, month, method and
data tier, and supplier and product (decision 0044; null when not stated, so an inventory
without them has exactly the rows it had before) — small, whatever the number of activity rows.
Sums are in kg CO2e, taken on the backend (one query) and ordered by their keys so that sums
over them are reproducible.
"""

from __future__ import annotations

import ibis.expr.types as ir
import pyarrow as pa

from lingtan.adapters.compute.engine import CalcResult
from lingtan.adapters.compute.stages import numbered
from lingtan.core.activities import DIMENSION_COLUMNS
from lingtan.core.inventory import AggregateRow

#: Grouping of emission rows that the inventory keeps (small: sites × months × categories …).
#: The dimensions come last: all null, they leave the order of the other keys' rows unchanged.
AGGREGATE_KEYS = (
    "scope",
    "category",
    "iso_category",
    "basis",
    "gas",
    "site",
    "method",
    "tier",
    *DIMENSION_COLUMNS,
)


def aggregate(emissions: ir.Table) -> list[AggregateRow]:
    """Sum emission rows (:data:`~lingtan.adapters.compute.engine.EMISSION_COLUMNS`) into
    :class:`AggregateRow` s (one query on the backend)."""
    t = emissions
    count = t["rows"].sum() if "rows" in t.columns else t.count()  # summed rows (calculate_totals)
    # group on the month's first day (cheaper than formatting every row), format the few results
    g = t.group_by([*AGGREGATE_KEYS, t.date.truncate("M").name("month")]).aggregate(
        co2e_kg=t.co2e_kg.sum(), rows=count
    )
    return _aggregate_rows(g.order_by([*AGGREGATE_KEYS, "month"]).to_pyarrow())


def aggregate_result(result: CalcResult) -> list[AggregateRow]:
    """:func:`aggregate` of ``result.emissions``, summed on the compact rows first (one query,
    compiled once on DuckDB): the gases of a factor are joined to the sums per aggregate key and
    factor group, not to every row."""
    return _aggregate_rows(result.stages.fetch(_aggregate_compact, result.compact, result.gases))


def _aggregate_compact(compact: ir.Table, gases: ir.Table) -> ir.Table:
    """Stage: Σ base [factor unit] and Σ rows per aggregate key (but gas), month and factor
    group; × each gas's value and GWP; Σ per aggregate key, gas and month. The (many) gas rows
    are summed on a number standing for the aggregate key
    (:func:`~lingtan.adapters.compute.stages.numbered`)."""
    t = compact
    keys = [*(k for k in AGGREGATE_KEYS if k != "gas"), "month"]
    t = t.mutate(month=t.date.truncate("M"))
    count = t["rows"].sum() if "rows" in t.columns else t.count()
    g = t.group_by([*keys, "group_id"]).aggregate(base=t.base.sum(), rows=count)
    g, ids = numbered(g, keys, "agg_id")
    j = g.join(gases, "group_id")
    j = j.mutate(co2e_kg=j.base * j.factor_value * j.gwp)
    per = j.group_by(["agg_id", "gas"]).aggregate(co2e_kg=j.co2e_kg.sum(), rows=j["rows"].sum())
    out = per.join(ids, "agg_id").select(*AGGREGATE_KEYS, "month", "co2e_kg", "rows")
    return out.order_by([*AGGREGATE_KEYS, "month"])


def _aggregate_rows(table: pa.Table) -> list[AggregateRow]:
    """Rows of an aggregate query (ordered by its keys, so that sums over them are
    reproducible) as :class:`AggregateRow` s."""
    d = table.to_pydict()
    month = [f"{m.year:04d}-{m.month:02d}" for m in d["month"]]
    n = table.num_rows
    supplier = d["supplier"] if "supplier" in d else [None] * n  # an older query's rows
    product = d["product"] if "product" in d else [None] * n
    return [
        AggregateRow(
            scope=int(d["scope"][i]),
            category=int(d["category"][i]),
            iso_category=int(d["iso_category"][i]),
            basis=str(d["basis"][i]),
            gas=str(d["gas"][i]),
            site=str(d["site"][i]),
            month=month[i],
            method=str(d["method"][i]),
            tier=str(d["tier"][i]),
            co2e_kg=float(d["co2e_kg"][i] or 0.0),
            rows=int(d["rows"][i]),
            supplier=supplier[i],
            product=product[i],
        )
        for i in range(table.num_rows)
    ]
