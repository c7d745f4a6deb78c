"""Explain the difference between two snapshots by cause: boundary, data, factors, method.

Method: sequential substitution (a standard decomposition of a change into causes). Starting
from snapshot A's frozen inputs, B's inputs replace A's one group at a time, in a fixed order —

1. **boundary**: sites, their regions and consolidation shares, the default region;
2. **data**: the import batches (activities and instruments) and the reporting period;
3. **factors**: the factor library, its priority, exchange rates and price indices;
4. **method**: the GWP set —

and the engine recomputes after each step. The change of each step is attributed to its cause;
the steps add up exactly to B − A as recomputed. What remains between that and B's stored
figures comes from a different engine or lingtan version and is reported as ``method (engine)``.
The attribution depends on the order (interactions land on the later cause); the order is
stated in every output.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import ibis

from lingtan.adapters.compute.aggregate import aggregate
from lingtan.adapters.compute.engine import CalcInputs, calculate
from lingtan.adapters.compute.lineage import snapshot_inputs
from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot
from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.factors import EmissionFactor
from lingtan.core.inventory import build_inventory

CAUSES = ("boundary", "data", "factors", "method")
TOTAL_KEYS = ("scope1", "scope2_location", "scope2_market", "scope3", "total_location",
              "total_market")  # fmt: skip

Totals = dict[str, float | None]


@dataclass(frozen=True)
class Step:
    """One cause: the totals after substituting it and the change it brought [t CO2e]."""

    cause: str
    totals: Totals
    delta: Totals
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SnapshotDiff:
    """The difference B − A and its attribution."""

    a: str
    b: str
    a_totals: Totals
    b_totals: Totals
    steps: list[Step]
    residual: Totals  # B stored − last step (engine / lingtan version)

    @property
    def delta(self) -> Totals:
        """B − A as stored [t CO2e]."""
        return _sub(self.b_totals, self.a_totals)


def _sub(x: Totals, y: Totals) -> Totals:
    return {k: (None if x[k] is None or y[k] is None else x[k] - y[k]) for k in TOTAL_KEYS}  # type: ignore[operator]


def _totals(inputs: CalcInputs) -> Totals:
    res = calculate(inputs, ibis.duckdb.connect())
    inv = build_inventory(
        aggregate(res.emissions), organisation="", fiscal_year=inputs.period.label,
        period_start="", period_end="", gwp_set=inputs.gwp.name, consolidation="",
    )  # fmt: skip
    t = inv.totals()
    return {k: t[k] for k in TOTAL_KEYS}


def diff_snapshots(ws: Workspace, a: Snapshot, b: Snapshot) -> SnapshotDiff:
    """Attribute the difference between snapshots ``a`` and ``b`` to its causes."""
    ia, ib = snapshot_inputs(ws, a), snapshot_inputs(ws, b)
    da: dict[str, Any] = dict(a.inputs)
    db: dict[str, Any] = dict(b.inputs)
    stages: list[tuple[str, CalcInputs, list[str]]] = []
    s = replace(ia, site_regions=ib.site_regions, site_shares=ib.site_shares,
                default_region=ib.default_region)  # fmt: skip
    stages.append(("boundary", s, _boundary_details(ia, ib)))
    s = replace(s, activity_files=ib.activity_files, instruments=ib.instruments,
                period=ib.period, calendar=ib.calendar)  # fmt: skip
    stages.append(("data", s, _data_details(ws, da, db)))
    s = replace(s, factors=ib.factors, set_priority=ib.set_priority, money=ib.money)
    stages.append(("factors", s, _factor_details(da, db, ia.factors, ib.factors)))
    s = replace(s, gwp=ib.gwp, market_method_version=ib.market_method_version)
    method = (
        [f"GWP set {da['gwp_set']} → {db['gwp_set']}"] if da["gwp_set"] != db["gwp_set"] else []
    )
    if ia.market_method_version != ib.market_method_version:
        method.append(
            f"Scope 2 market-based method version {ia.market_method_version} → "
            f"{ib.market_method_version}"
        )
    for k in ("engine_version", "lingtan_version"):
        if da.get(k) != db.get(k):
            method.append(f"{k} {da.get(k)} → {db.get(k)}")
    stages.append(("method", s, method))

    a_stored = _stored(a)
    b_stored = _stored(b)
    previous = _totals(ia)
    steps = []
    for cause, inputs, details in stages:
        now = _totals(inputs)
        steps.append(Step(cause, now, _sub(now, previous), details))
        previous = now
    return SnapshotDiff(a.id, b.id, a_stored, b_stored, steps, _sub(b_stored, previous))


def _stored(snap: Snapshot) -> Totals:
    t = inventory_from_snapshot(snap).totals()
    return {k: t[k] for k in TOTAL_KEYS}


def _boundary_details(ia: CalcInputs, ib: CalcInputs) -> list[str]:
    out = []
    for site in sorted(set(ia.site_regions) | set(ib.site_regions)):
        ra, rb = ia.site_regions.get(site), ib.site_regions.get(site)
        sa, sb = ia.site_shares.get(site), ib.site_shares.get(site)
        if ra is None:
            out.append(f"site {site} added ({rb}, share {sb:g})")
        elif rb is None:
            out.append(f"site {site} removed")
        else:
            if ra != rb:
                out.append(f"site {site} region {ra} → {rb}")
            if sa != sb:
                out.append(f"site {site} consolidation share {sa:g} → {sb:g}")
    if ia.default_region != ib.default_region:
        out.append(f"default region {ia.default_region} → {ib.default_region}")
    return out


def _data_details(ws: Workspace, da: dict[str, Any], db: dict[str, Any]) -> list[str]:
    names = {x.id: x.file_name for x in ws.batches(active_only=False)}
    out = []
    if da["fiscal_year"] != db["fiscal_year"]:
        out.append(f"period {da['fiscal_year']} → {db['fiscal_year']}")
    added = [b for b in db["batches"] if b not in da["batches"]]
    removed = [b for b in da["batches"] if b not in db["batches"]]
    out += [f"batch added: {names.get(b, '?')} ({b[:12]})" for b in added]
    out += [f"batch removed: {names.get(b, '?')} ({b[:12]})" for b in removed]
    return out


def _factor_details(
    da: dict[str, Any], db: dict[str, Any], fa: Any, fb: Any, limit: int = 10
) -> list[str]:
    out = []
    sa, sb = da["factor_sets"], db["factor_sets"]
    for name in sorted(set(sa) | set(sb)):
        if sa.get(name) != sb.get(name):
            state = "added" if name not in sa else "removed" if name not in sb else "changed"
            out.append(f"factor set {name} {state}")
    if da.get("factor_set_priority") != db.get("factor_set_priority"):
        out.append("factor-set priority changed")
    if da.get("reference") != db.get("reference"):
        out.append("exchange rates / price indices changed")

    def key(f: EmissionFactor) -> tuple[str, str, str]:
        return (f.set_name, f.factor_id, f.gas)

    old = {key(f): f for f in fa}
    changed = [
        f"{f.factor_id} ({f.gas}): {old[key(f)].value:.6g} → {f.value:.6g} kg/{f.unit}"
        for f in fb
        if key(f) in old and old[key(f)].value != f.value
    ]
    out += changed[:limit]
    if len(changed) > limit:
        out.append(f"… {len(changed) - limit} more changed values")
    return out
