"""Snapshot (de)serialisation: the snapshot folder and the stored inventory state.

A snapshot (:class:`~lingtan.adapters.store.models.Snapshot`) is one calculated inventory,
identified by the sha256 of the canonical description of its inputs
(:func:`lingtan.adapters.services.calculation.calculate_workspace`). Beside its store row,
``snapshots/<id>/`` keeps what is needed to recompute every emission row exactly (ISO 14064-3
verification, lineage): ``inputs.json`` (the description, plus the ``runtime`` versions),
``factors.parquet`` (the factors the calculation could use, frozen: :func:`factors_table`),
``gwp.json`` (the GWP values used), copies of the reference tables and ``market.json`` (Scope 2
market-based allocations, GHG Protocol Scope 2 Guidance ch. 6). This module writes and reads
those files and the inventory state (t CO2e rows, gaps, notes) stored on the row; it calculates
nothing.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pyarrow as pa

from lingtan import __version__
from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.factors import EmissionFactor, FactorSource
from lingtan.core.gas_table import GasTable
from lingtan.core.gwp import GWPSet
from lingtan.core.inventory import AggregateRow, Inventory, build_inventory
from lingtan.core.methods.scope2_market import LEVEL_GRID, LEVELS, METHOD_ID, MarketResult

SNAPSHOT_INPUTS = "inputs.json"
SNAPSHOT_FACTORS = "factors.parquet"
SNAPSHOT_GWP = "gwp.json"
SNAPSHOT_MARKET = "market.json"

#: Key of the stored inputs (``inputs.json`` and ``Snapshot.inputs``) holding the versions of
#: the software that calculated the snapshot (:func:`runtime_versions`); added after the id is
#: hashed, so it never changes a snapshot id.
RUNTIME_KEY = "runtime"

#: Distributions whose version is recorded with a snapshot (name in the record → distribution).
RUNTIME_PACKAGES = {
    "duckdb": "duckdb",
    "ibis": "ibis-framework",
    "numpy": "numpy",
    "pyarrow": "pyarrow",
}

_FACTOR_FIELDS = (
    "set_name", "factor_id", "activity_type", "region", "unit", "gas", "value", "valid_from",
    "valid_to", "gwp_set", "version", "price_year", "publisher", "dataset", "edition", "table",
    "description",
)  # fmt: skip


def runtime_versions() -> dict[str, str]:
    """The versions of lingtan, Python and the libraries a calculation's numbers depend on
    (DuckDB, Ibis, NumPy, PyArrow); ``"unknown"`` for a library whose distribution metadata is
    missing."""
    out = {"lingtan": __version__, "python": platform.python_version()}
    for name, dist in RUNTIME_PACKAGES.items():
        try:
            out[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def stored_inputs(description: dict[str, Any]) -> dict[str, Any]:
    """What a snapshot stores as its inputs: the hashed ``description`` plus
    :data:`RUNTIME_KEY` (:func:`runtime_versions`)."""
    return {**description, RUNTIME_KEY: runtime_versions()}


def factors_table(factors: Sequence[EmissionFactor]) -> pa.Table:
    """Factors as an Arrow table (frozen into a snapshot)."""
    cols: dict[str, list[Any]] = {k: [] for k in _FACTOR_FIELDS}
    for f in factors:
        vals = (
            f.set_name, f.factor_id, f.activity_type, f.region, f.unit, f.gas, f.value,
            f.valid_from, f.valid_to, f.gwp_set, f.version, f.price_year, f.source.publisher,
            f.source.dataset, f.source.edition, f.source.table, f.description,
        )  # fmt: skip
        for k, v in zip(_FACTOR_FIELDS, vals, strict=True):
            cols[k].append(v)
    return pa.table(cols)


def factors_from_table(table: pa.Table) -> list[EmissionFactor]:
    """Inverse of :func:`factors_table`."""
    return [
        EmissionFactor(
            factor_id=r["factor_id"],
            set_name=r["set_name"],
            activity_type=r["activity_type"],
            region=r["region"],
            unit=r["unit"],
            gas=r["gas"],
            value=r["value"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            gwp_set=r["gwp_set"],
            version=r["version"],
            price_year=r["price_year"],
            description=r["description"] or "",
            source=FactorSource(r["publisher"], r["dataset"], r["edition"], r["table"] or ""),
        )
        for r in table.to_pylist()
    ]


def write_snapshot_folder(
    ws: Workspace,
    snap_id: str,
    inputs: dict[str, Any],
    *,
    write_factors: Callable[[Path], None],
    market: MarketResult,
    gwp: GWPSet,
) -> None:
    """Write ``snapshots/<snap_id>/`` aside, then rename it into place (all or nothing).

    ``inputs`` is the stored description (:func:`stored_inputs`); ``write_factors`` writes the
    frozen factor file (:func:`factors_table` as zstd Parquet) to the path it is given."""
    tmp = ws.snapshots_dir / f".{snap_id}.{uuid.uuid4().hex}.tmp"
    tmp.mkdir(parents=True)
    try:
        (tmp / SNAPSHOT_INPUTS).write_text(
            json.dumps(inputs, sort_keys=True, indent=1, default=str), encoding="utf-8"
        )
        write_factors(tmp / SNAPSHOT_FACTORS)
        (tmp / SNAPSHOT_GWP).write_text(
            json.dumps({"name": gwp.name, "source": gwp.source, "values": gwp.table()}, indent=1),
            encoding="utf-8",
        )
        if ws.reference_dir.is_dir():
            for ref in sorted(ws.reference_dir.glob("*.csv")):
                shutil.copyfile(ref, tmp / f"reference-{ref.name}")
        (tmp / SNAPSHOT_MARKET).write_text(
            json.dumps(allocations(market), indent=1, default=str), encoding="utf-8"
        )
        final = ws.snapshots_dir / snap_id
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def save_snapshot(
    ws: Workspace,
    snap_id: str,
    inv: Inventory,
    description: dict[str, Any],
    *,
    write_factors: Callable[[Path], None],
    market: MarketResult,
    gwp: GWPSet,
) -> None:
    """Write the snapshot folder and record the :class:`Snapshot` row, under the workspace's
    write lock (one snapshot writer at a time, decision 0036). The stored inputs are
    ``description`` plus the runtime versions (:func:`stored_inputs`)."""
    inputs = stored_inputs(description)
    with ws.write_lock():
        write_snapshot_folder(
            ws, snap_id, inputs, write_factors=write_factors, market=market, gwp=gwp
        )
        with ws.session() as s:
            s.merge(
                Snapshot(
                    id=snap_id,
                    fiscal_year=inv.fiscal_year,
                    created_at=datetime.now(UTC).replace(tzinfo=None),
                    gwp_set=inv.gwp_set,
                    consolidation=inv.consolidation,
                    # = inv.totals()["total_market"] (same sums, same order), no location pass
                    total_market_t=sum(inv.total("market", scope=k) for k in (1, 2, 3)),
                    inputs=inputs,
                    inventory=inventory_state(inv),
                    emissions_file=f"{snap_id}/{SNAPSHOT_FACTORS}",
                )
            )


def has_folder(ws: Workspace, snap_id: str) -> bool:
    """True when the snapshot's folder (its frozen factors) exists."""
    return (ws.snapshots_dir / snap_id / SNAPSHOT_FACTORS).exists()


def allocations(market: MarketResult) -> dict[str, Any]:
    """``market.json`` of a snapshot: the method version (lineage recomputes with it), the
    allocations and the unallocated instruments."""
    return {
        "method": METHOD_ID,
        "method_version": market.method_version,
        "allocations": [a.__dict__ for a in market.allocations],
        "unallocated": [list(u) for u in market.unallocated],
    }


def gap_rows(table: Any) -> list[dict[str, Any]]:
    """The engine's gap rows as stored on the snapshot, each with its ``reason`` (currency, year
    and series of a failed conversion; units; region chain: engine ``_explain_gaps``)."""
    keep = ("lookup", "region_eff", "unit", "scope", "category", "rows", "quantity", "no_factor")
    out = []
    for r in table.to_pylist():
        out.append({**{k: r[k] for k in keep}, "reason": r.get("reason")})
    return sorted(
        out,
        key=lambda r: (r["scope"], r["category"], r["lookup"], r["region_eff"],
                       str(r["reason"] or "")),
    )  # fmt: skip


def market_notes(market: Any) -> list[dict[str, Any]]:
    """Per site: consumption, covered kWh, the instruments' rate and the kWh of each level of the
    Scope 2 hierarchy (``levels_kwh``; ``grid_average_used`` flags the grid-average fallback,
    Guidance Table 6.3); then the unallocated instruments."""
    uncovered: dict[str, dict[str, float]] = {}
    for u in market.uncovered:
        uncovered.setdefault(u.site, {})[u.level] = u.kwh
    method = f"{METHOD_ID} v{market.method_version}"
    notes: list[dict[str, Any]] = []
    for c in market.coverage:
        levels = {**dict(c.by_level), **uncovered.pop(c.site, {})}
        notes.append({
            "site": c.site,
            "consumption_kwh": c.consumption_kwh,
            "covered_kwh": c.covered_kwh,
            "covered_pct": 100.0 * c.covered_fraction,
            "instrument_rate_kg_per_kwh": c.weighted_rate,
            "levels_kwh": {k: levels[k] for k in LEVELS if k in levels},
            "grid_average_used": LEVEL_GRID in levels,
            "method": method,
        })  # fmt: skip
    for site, levels in sorted(uncovered.items()):  # grid use of no site, or of unknown sites
        notes.append({
            "site": site,
            "levels_kwh": {k: levels[k] for k in LEVELS if k in levels},
            "grid_average_used": LEVEL_GRID in levels,
            "method": method,
        })  # fmt: skip
    notes.extend(
        {"instrument_id": i, "unallocated_kwh": kwh, "reason": why}
        for i, kwh, why in market.unallocated
    )
    return notes


def inventory_state(inv: Inventory) -> dict[str, Any]:
    """The inventory as stored on its snapshot row (``Snapshot.inventory``)."""
    return {
        "meta": {
            "organisation": inv.organisation,
            "fiscal_year": inv.fiscal_year,
            "period_start": inv.period_start,
            "period_end": inv.period_end,
            "gwp_set": inv.gwp_set,
            "consolidation": inv.consolidation,
            "site_entities": dict(inv.site_entities),
            "snapshot_id": inv.snapshot_id,
        },
        "rows": [r.to_state() for r in inv.rows],
        "unresolved": list(inv.unresolved),
        "not_estimated": list(inv.not_estimated),
        "market_notes": list(inv.market_notes),
        "data_quality": None if inv.data_quality is None else dict(inv.data_quality),
        "uncertainty": None if inv.uncertainty is None else dict(inv.uncertainty),
        "exclusions": [e.to_dict() for e in inv.exclusions],
        "by_kyoto_gas": None if inv.gas_table is None else inv.gas_table.to_state(),
        "by_kyoto_gas_note": inv.gas_table_note,
        # stored for readers of the snapshot table; rebuilt from the above on load
        "completeness": inv.completeness.to_dict(),
    }


#: (rows, GWP set name, the snapshot's frozen ``gwp.json`` or None) → (table by Kyoto gas or
#: None, note): derives the table of a snapshot stored before the table existed
#: (:func:`lingtan.adapters.compute.gases.derived_gas_table`).
LegacyGasTable = Callable[[list[AggregateRow], str, Path | None], tuple[GasTable | None, str]]


def inventory_from_state(
    snap: Snapshot, snapshots_dir: Path | None, legacy_gas_table: LegacyGasTable
) -> Inventory:
    """Rebuild the :class:`Inventory` stored with a snapshot (no recalculation). Snapshots
    stored before the exclusions register existed have none; their completeness is derived from
    their ``unresolved`` list (:attr:`Inventory.completeness`). Snapshots stored before the
    table by gas existed get one from ``legacy_gas_table`` (given the frozen GWP values
    ``snapshots_dir/<id>/gwp.json`` when ``snapshots_dir`` is known)."""
    from lingtan.core.completeness import exclusions_from_dicts

    st: dict[str, Any] = dict(snap.inventory)
    meta: dict[str, Any] = dict(st["meta"])
    rows = [AggregateRow(**r) for r in st["rows"]]
    if "by_kyoto_gas" in st:
        state = st["by_kyoto_gas"]
        gas_table = None if state is None else GasTable.from_state(state)
        gas_note = str(st.get("by_kyoto_gas_note") or "")
    else:
        frozen = None if snapshots_dir is None else snapshots_dir / snap.id / SNAPSHOT_GWP
        gas_table, gas_note = legacy_gas_table(rows, str(meta.get("gwp_set", "")), frozen)
    return build_inventory(
        rows,
        unresolved=tuple(st["unresolved"]),
        not_estimated=tuple(st["not_estimated"]),
        market_notes=tuple(st["market_notes"]),
        data_quality=st.get("data_quality"),
        uncertainty=st.get("uncertainty"),
        exclusions=exclusions_from_dicts(st.get("exclusions") or ()),
        gas_table=gas_table,
        gas_table_note=gas_note,
        **meta,
    )
