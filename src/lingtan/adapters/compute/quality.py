"""Backend queries feeding data quality and uncertainty (:mod:`lingtan.core.quality`,
:mod:`lingtan.core.uncertainty`).

Each is one or two group-bys over the emission expression (millions of rows stay in DuckDB); the
results are small: one row per distinct combination of what decides a score, or per (factor, tier,
scope, category, basis).
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from lingtan.core.activities import DQ_INDICATORS
from lingtan.core.quality import QualityGroup, assess
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


def quality_inputs(emissions: ir.Table) -> pa.Table:
    """Market-basis emissions [kg CO2e] by everything that decides a data-quality score
    (:data:`QUALITY_KEYS`, activity year, factor edition year): one group-by."""
    t = emissions.filter(emissions.basis.isin(["both", "market"]))
    g = t.group_by(
        [
            *QUALITY_KEYS,
            t.date.year().cast("int32").name("activity_year"),
            t.factor_valid_from.year().cast("int32").name("factor_year"),
        ]
    ).aggregate(co2e_kg=t.co2e_kg.sum())
    return g.to_pyarrow()


def uncertainty_inputs(emissions: ir.Table) -> pa.Table:
    """Σ e and Σ e² [kg, kg² CO2e] over activity rows, by :data:`UNCERTAINTY_KEYS`: two
    group-bys, e summed per activity row first (so one activity row's gases share its error).

    Works on the rows of :func:`~lingtan.adapters.compute.engine.calculate` (one per activity row)
    and of :func:`~lingtan.adapters.compute.engine.calculate_totals` (activities summed per key and
    month: a summed row of c = Σ ``co2e_per_unit`` [kg CO2e / unit] has Σ e² = c² · Σ q², exact,
    from its ``quantity_sq``).
    """
    t = emissions
    keys = ["row_id", *UNCERTAINTY_KEYS]
    if "quantity_sq" in t.columns:
        per = t.group_by(keys).aggregate(
            e=t.co2e_kg.sum(), c=t.co2e_per_unit.sum(), qsq=t.quantity_sq.max(), n=t["rows"].max()
        )
        per = per.mutate(e_sq=per.c * per.c * per.qsq)
    else:
        per = t.group_by(keys).aggregate(e=t.co2e_kg.sum(), n=t.count())
        per = per.mutate(e_sq=per.e * per.e)
    g = per.group_by(list(UNCERTAINTY_KEYS)).aggregate(
        co2e_kg=per.e.sum(), co2e_sq=per.e_sq.sum(), rows=per.n.sum()
    )
    return g.to_pyarrow()


def quality_groups(table: pa.Table) -> list[QualityGroup]:
    """:func:`quality_inputs` rows as :class:`QualityGroup` s. The factor is named by its id
    without the gas suffix (``desnz-2024/…/CO2`` → ``desnz-2024/…``), one factor per gas group."""
    out = []
    for d in table.to_pylist():
        fid, gas = str(d["factor_id"] or ""), str(d["gas"] or "")
        out.append(
            QualityGroup(
                scope=int(d["scope"]),
                category=int(d["category"]),
                activity_type=str(d["activity_type"]),
                site=str(d["site"]),
                factor_key=fid.removesuffix(f"/{gas}") if gas else fid,
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
    emissions: ir.Table,
    snapshot_id: str,
    *,
    iterations: int = DEFAULT_ITERATIONS,
    model: UncertaintyModel | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The inventory's ``data_quality`` and ``uncertainty`` sections (docs/output.md), the
    simulation seeded from the snapshot id (same inputs → same interval)."""
    dq = assess(quality_groups(quality_inputs(emissions)))
    unc = simulate(
        uncertainty_groups(uncertainty_inputs(emissions)),
        iterations=iterations,
        seed=seed_from_id(snapshot_id),
        model=model,
    )
    return dq, unc.to_dict()


__all__ = [
    "assess_emissions",
    "quality_groups",
    "quality_inputs",
    "uncertainty_groups",
    "uncertainty_inputs",
]
