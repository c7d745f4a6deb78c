"""Backend queries feeding data quality and uncertainty (:mod:`lingtan.core.quality`,
:mod:`lingtan.core.uncertainty`).

Each is one query of a few group-bys (millions of rows stay in DuckDB); the results are small: one
row per distinct combination of what decides a score, or per (factor, tier, scope, category,
basis). :func:`quality_inputs` and :func:`uncertainty_inputs` read emission rows (one per
activity row, stream and gas: the definition); :func:`quality_table` and
:func:`uncertainty_table` give the same results from a calculation's compact rows, summing before
the factor's gases are joined (what :func:`assess_emissions` runs; a test checks they agree).

Biogenic CO2 (:data:`lingtan.core.gwp.CO2_BIOGENIC`) is outside the scopes (GHG Protocol
Corporate Standard ch. 9; ISO 14064-1:2018 §9.3.1): it weighs in no score and no uncertainty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from lingtan.adapters.compute.engine import CalcResult
from lingtan.adapters.compute.stages import numbered
from lingtan.core.activities import DQ_INDICATORS
from lingtan.core.gwp import CO2_BIOGENIC
from lingtan.core.quality import QualityGroup, assess_columns
from lingtan.core.uncertainty import (
    DEFAULT_ITERATIONS,
    UncertaintyGroup,
    UncertaintyModel,
    seed_from_id,
    simulate,
)

QUALITY_KEYS = (
    "scope",
    "category",
    "activity_type",
    "site",
    "factor_id",
    "gas",
    "tier",
    "match",
    "region_eff",
    "factor_region",
    *(f"dq_{k}" for k in DQ_INDICATORS),
)
UNCERTAINTY_KEYS = ("factor_id", "tier", "scope", "category", "basis")


def in_scopes(t: ir.Table) -> ir.BooleanValue:
    """Rows that count in the scopes: every gas but biogenic CO2 (a row without a gas counts)."""
    return (t.gas != CO2_BIOGENIC).fill_null(True)


def factor_group_key(t: ir.Table, keep: Sequence[str] = ()) -> ir.StringValue:
    """The factor id without its gas suffix (``…/CO2`` → ``…``: the factor group whose gases share
    source, region, edition and match), except for the ids in ``keep``."""
    fid, gas = t.factor_id, t.gas
    suffix = ibis.literal("/").concat(gas)
    strip = gas.notnull() & (gas != "") & fid.endswith(suffix)
    if keep:
        strip = strip & ~fid.isin(list(keep))
    return ibis.cases((strip, fid.substr(0, fid.length() - suffix.length())), else_=fid)


def quality_inputs(emissions: ir.Table) -> pa.Table:
    """Market-basis emissions [kg CO2e] by everything that decides a data-quality score
    (:data:`QUALITY_KEYS`, activity year, factor edition year), then with the gases of one factor
    group merged (``factor_key``: the factor id without its gas suffix, ``desnz-2024/…/CO2`` →
    ``desnz-2024/…``; the gases share every score): ``co2e_kg`` = Σ E and ``gross_kg`` = Σ |E|
    over the per-gas groups. Two group-bys in one query."""
    t = emissions.filter(emissions.basis.isin(["both", "market"]) & in_scopes(emissions))
    g = t.group_by(
        [
            *QUALITY_KEYS,
            t.date.year().cast("int32").name("activity_year"),
            t.factor_valid_from.year().cast("int32").name("factor_year"),
        ]
    ).aggregate(co2e_kg=t.co2e_kg.sum())
    return _merge_gases(g).to_pyarrow()


def quality_columns(table: pa.Table) -> dict[str, list[Any]]:
    """:func:`quality_inputs` rows as the columns of
    :func:`lingtan.core.quality.assess_columns` (strings for the text fields, as
    :func:`quality_groups`)."""
    d = table.to_pydict()

    def text(col: str, blank: bool = False) -> list[Any]:
        return [str(v or "") if blank else str(v) for v in d[col]]

    cols: dict[str, list[Any]] = {
        "scope": [int(v) for v in d["scope"]],
        "category": [int(v) for v in d["category"]],
        "activity_type": text("activity_type"),
        "site": text("site"),
        "factor_key": [str(v or "") for v in d["factor_key"]],
        "tier": text("tier"),
        "match": text("match"),
        "region_eff": text("region_eff", blank=True),
        "factor_region": text("factor_region", blank=True),
        "activity_year": [int(v) for v in d["activity_year"]],
        "factor_year": [None if v is None else int(v) for v in d["factor_year"]],
        "co2e_kg": [float(v or 0.0) for v in d["co2e_kg"]],
        "gross_kg": [float(v or 0.0) for v in d["gross_kg"]],
    }
    for k in DQ_INDICATORS:
        cols[f"dq_{k}"] = d[f"dq_{k}"]
    return cols


def uncertainty_inputs(emissions: ir.Table, keep_ids: Sequence[str] = ()) -> pa.Table:
    """Σ e and Σ e² [kg, kg² CO2e] over activity rows, by :data:`UNCERTAINTY_KEYS`: two
    group-bys, e summed per activity row first (so one activity row's gases share its error).

    ``factor_id`` is the factor *group* (:func:`factor_group_key`; the ids in ``keep_ids`` — those
    with a per-factor GSD override — stay whole): the gases of one factor group share one factor
    error draw, and the simulation draws per group, not per gas.

    Works on the rows of :func:`~lingtan.adapters.compute.engine.calculate` (one per activity row)
    and of :func:`~lingtan.adapters.compute.engine.calculate_totals` (activities summed per key and
    month: a summed row of c = Σ ``co2e_per_unit`` [kg CO2e / unit] has Σ e² = c² · Σ q², exact,
    from its ``quantity_sq``).
    """
    t = emissions.filter(in_scopes(emissions))
    t = t.mutate(factor_id=factor_group_key(t, keep_ids))
    keys = ["row_id", *UNCERTAINTY_KEYS]
    if "quantity_sq" in t.columns:
        per = t.group_by(keys).aggregate(
            e=t.co2e_kg.sum(), c=t.co2e_per_unit.sum(), qsq=t.quantity_sq.max(), n=t["rows"].max()
        )
        per = per.mutate(e_sq=per.c * per.c * per.qsq)
    else:
        per = t.group_by(keys).aggregate(e=t.co2e_kg.sum())  # one activity row: n = 1
        per = per.mutate(e_sq=per.e * per.e, n=ibis.literal(1, "int64"))
    g = per.group_by(list(UNCERTAINTY_KEYS)).aggregate(
        co2e_kg=per.e.sum(), co2e_sq=per.e_sq.sum(), rows=per.n.sum()
    )
    return g.to_pyarrow()


def quality_table(result: CalcResult) -> pa.Table:
    """:func:`quality_inputs` of ``result.emissions``, computed on the compact rows."""
    return result.stages.fetch(_quality_compact, result.compact, result.gases)


def _quality_compact(compact: ir.Table, gases: ir.Table) -> ir.Table:
    """Stage: Σ base [factor unit] per score key (but factor and gas), years and factor group;
    × each gas's value and GWP → per-gas groups as in :func:`quality_inputs`, then merged. The
    gas rows are summed on a number standing for the score key
    (:func:`~lingtan.adapters.compute.stages.numbered`)."""
    t = compact.filter(compact.basis.isin(["both", "market"]))
    keys = [
        *(k for k in QUALITY_KEYS if k not in ("factor_id", "gas")),
        "activity_year",
        "factor_year",
    ]
    t = t.mutate(
        activity_year=t.date.year().cast("int32"),
        factor_year=t.factor_valid_from.year().cast("int32"),
    )
    g = t.group_by([*keys, "group_id"]).aggregate(base=t.base.sum())
    g, ids = numbered(g, keys, "q_id")
    j = g.join(gases.filter(in_scopes(gases)), "group_id")
    j = j.mutate(co2e_kg=j.base * j.factor_value * j.gwp)
    per_gas = j.group_by(["q_id", "factor_id", "gas"]).aggregate(co2e_kg=j.co2e_kg.sum())
    per_gas = per_gas.mutate(factor_key=factor_group_key(per_gas))
    merged = per_gas.group_by(["q_id", "factor_key"]).aggregate(
        co2e_kg=per_gas.co2e_kg.sum(), gross_kg=per_gas.co2e_kg.abs().sum()
    )
    out = merged.join(ids, "q_id")
    return out.select(*keys[:-2], "factor_key", *keys[-2:], "co2e_kg", "gross_kg")


def _merge_gases(g: ir.Table) -> ir.Table:
    """Per-gas quality groups → one per factor group: Σ E and Σ |E|."""
    g = g.mutate(factor_key=factor_group_key(g))
    keys = [k for k in QUALITY_KEYS if k not in ("factor_id", "gas")]
    return g.group_by([*keys, "factor_key", "activity_year", "factor_year"]).aggregate(
        co2e_kg=g.co2e_kg.sum(), gross_kg=g.co2e_kg.abs().sum()
    )


def uncertainty_table(result: CalcResult, keep_ids: Sequence[str] = ()) -> pa.Table:
    """:func:`uncertainty_inputs` of ``result.emissions``, computed on the compact rows."""
    return result.stages.fetch(
        _uncertainty_compact, result.compact, result.gases, keep_ids=tuple(keep_ids)
    )


def _uncertainty_compact(
    compact: ir.Table, gases: ir.Table, *, keep_ids: tuple[str, ...]
) -> ir.Table:
    """Stage: each factor group's CO2e per factor unit, Σ value × GWP over the gases that share a
    :func:`factor_group_key` [kg CO2e / factor unit]; e = base × that, and per summed row
    c = mult × that [kg CO2e / activity unit]; then as :func:`uncertainty_inputs`."""
    g = gases.filter(in_scopes(gases))
    g = g.mutate(fkey=factor_group_key(g, keep_ids))
    per_unit = g.group_by(["group_id", "fkey"]).aggregate(cu=(g.factor_value * g.gwp).sum())
    j = compact.join(per_unit, "group_id")
    j = j.mutate(factor_id=j.fkey, e=j.base * j.cu, c=j.mult * j.cu)
    keys = ["row_id", *UNCERTAINTY_KEYS]
    if "quantity_sq" in compact.columns:
        per = j.group_by(keys).aggregate(
            e=j.e.sum(), c=j.c.sum(), qsq=j.quantity_sq.max(), n=j["rows"].max()
        )
        per = per.mutate(e_sq=per.c * per.c * per.qsq)
    else:
        per = j.group_by(keys).aggregate(e=j.e.sum())  # one activity row: n = 1
        per = per.mutate(e_sq=per.e * per.e, n=ibis.literal(1, "int64"))
    return per.group_by(list(UNCERTAINTY_KEYS)).aggregate(
        co2e_kg=per.e.sum(), co2e_sq=per.e_sq.sum(), rows=per.n.sum()
    )


def quality_groups(table: pa.Table) -> list[QualityGroup]:
    """:func:`quality_inputs` rows as :class:`QualityGroup` s. The factor is named by its id
    without the gas suffix (``desnz-2024/…/CO2`` → ``desnz-2024/…``), one factor per gas group."""
    out = []
    for d in table.to_pylist():
        if "factor_key" in d:
            key = str(d["factor_key"] or "")
        else:
            fid, gas = str(d["factor_id"] or ""), str(d["gas"] or "")
            key = fid.removesuffix(f"/{gas}") if gas else fid
        out.append(
            QualityGroup(
                scope=int(d["scope"]),
                category=int(d["category"]),
                activity_type=str(d["activity_type"]),
                site=str(d["site"]),
                factor_key=key,
                tier=str(d["tier"]),
                match=str(d["match"]),
                region_eff=str(d["region_eff"] or ""),
                factor_region=str(d["factor_region"] or ""),
                activity_year=int(d["activity_year"]),
                factor_year=None if d["factor_year"] is None else int(d["factor_year"]),
                co2e_kg=float(d["co2e_kg"] or 0.0),
                given={k: d[f"dq_{k}"] for k in DQ_INDICATORS},
            )
        )
    return out


def uncertainty_groups(table: pa.Table) -> list[UncertaintyGroup]:
    """:func:`uncertainty_inputs` rows as :class:`UncertaintyGroup` s."""
    return [
        UncertaintyGroup(
            factor_id=str(d["factor_id"]),
            tier=str(d["tier"]),
            scope=int(d["scope"]),
            category=int(d["category"]),
            basis=str(d["basis"]),
            co2e_kg=float(d["co2e_kg"] or 0.0),
            co2e_sq=float(d["co2e_sq"] or 0.0),
            rows=int(d["rows"]),
        )
        for d in table.to_pylist()
    ]


def assess_emissions(
    result: CalcResult,
    snapshot_id: str,
    *,
    iterations: int = DEFAULT_ITERATIONS,
    model: UncertaintyModel | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The inventory's ``data_quality`` and ``uncertainty`` sections (docs/output.md) of a
    calculation, the simulation seeded from the snapshot id (same inputs → same interval)."""
    dq = assess_columns(quality_columns(quality_table(result)))
    keep = sorted((model or UncertaintyModel()).factor_overrides)
    unc = simulate(
        uncertainty_groups(uncertainty_table(result, keep)),
        iterations=iterations,
        seed=seed_from_id(snapshot_id),
        model=model,
    )
    return dq, unc.to_dict()


__all__ = [
    "assess_emissions",
    "quality_columns",
    "quality_groups",
    "quality_inputs",
    "quality_table",
    "uncertainty_groups",
    "uncertainty_inputs",
    "uncertainty_table",
]
