"""The orchestrator: one workspace, one fiscal year → one inventory snapshot.

It loads what a calculation reads (factor library, GWP set, boundary, import batches, instruments,
exchange rates), runs the engine, writes the emission rows with their lineage to
``snapshots/<id>/emissions.parquet``, aggregates them into an :class:`Inventory` and records the
snapshot. The snapshot id is the sha256 of a canonical description of the inputs (batch content
hashes, factor-set content hashes, GWP set, boundary, calendar, engine and lingtan versions), so
the same inputs always give the same id and a changed factor gives a new one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from lingtan import __version__
from lingtan.adapters.compute.engine import (
    ENGINE_VERSION,
    CalcInputs,
    CalcResult,
    calculate_totals,
    engine_factor_tables,
)
from lingtan.adapters.compute.gases import derived_gas_table, gas_table_for
from lingtan.adapters.compute.quality import assess_emissions
from lingtan.adapters.compute.stages import numbered
from lingtan.adapters.compute.tables import FactorTables, MoneyTables, with_reference_defaults
from lingtan.adapters.io.reference_series import bundled_digest
from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.completeness import Completeness
from lingtan.core.errors import InputFileError, WorkspaceError
from lingtan.core.factors import EmissionFactor, FactorSource
from lingtan.core.gwp import GWPSet
from lingtan.core.inventory import AggregateRow, Inventory, build_inventory
from lingtan.core.methods.scope2_market import (
    LEVEL_GRID,
    LEVELS,
    METHOD_ID,
    Instrument,
    MarketResult,
)


@dataclass(frozen=True)
class Library:
    """The factors a workspace can use: bundled sets, then the workspace's own sets.

    ``cache_key`` is a content key of every file the library was read from (bundled data and the
    workspace's sets): equal keys, equal libraries (:mod:`lingtan.adapters.io.cache`)."""

    factors: tuple[EmissionFactor, ...]
    set_hashes: dict[str, str]
    gwp_sets: dict[str, GWPSet]
    cache_key: str = ""

    def activity_types(self) -> frozenset[str]:
        """Every activity type with at least one factor."""
        return frozenset(f.activity_type for f in self.factors)


@lru_cache(maxsize=1)
def _bundled_key() -> str:
    """Content key of the bundled factor and GWP files."""
    from importlib import resources

    from lingtan.adapters.io.cache import content_key

    parts: list[bytes | str] = []
    for sub in ("factors", "gwp"):
        folder = resources.files("lingtan").joinpath("data", sub)
        for t in sorted((t for t in folder.iterdir() if t.is_file()), key=lambda t: t.name):
            parts += [f"{sub}/{t.name}", t.read_bytes()]
    return content_key(parts)


@lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[EmissionFactor, ...], dict[str, str], dict[str, GWPSet]]:
    from lingtan.adapters.io.cache import cached

    return cached("library-bundled", _bundled_key(), _read_bundled)


def _read_bundled() -> tuple[tuple[EmissionFactor, ...], dict[str, str], dict[str, GWPSet]]:
    from lingtan.adapters.io.factor_files import bundled_factor_sets, read_gwp_sets

    factors: list[EmissionFactor] = []
    hashes: dict[str, str] = {}
    for fs in bundled_factor_sets():
        factors.extend(fs.factors)
        hashes[fs.name] = factor_set_hash(fs.factors)
    return tuple(factors), hashes, read_gwp_sets()


def factor_set_hash(factors: tuple[EmissionFactor, ...] | list[EmissionFactor]) -> str:
    """Content hash of a factor set: changes when any value, date, unit or source changes."""
    h = hashlib.sha256()
    for f in sorted(factors, key=lambda f: (f.factor_id, f.gas, f.valid_from)):
        h.update(
            repr(
                (
                    f.factor_id,
                    f.activity_type,
                    f.region,
                    f.unit,
                    f.gas,
                    f.value,
                    f.valid_from,
                    f.valid_to,
                    f.gwp_set,
                    f.version,
                    f.price_year,
                    str(f.source),
                )
            ).encode()
        )
    return h.hexdigest()


def load_library(ws: Workspace) -> Library:
    """Bundled factor sets plus every set in the workspace's ``factors/`` folder."""
    from lingtan.adapters.io.cache import content_key

    factors, hashes, gwp = _bundled()
    all_factors = list(factors)
    hashes = dict(hashes)
    keys = [_bundled_key()]
    if ws.factors_dir.is_dir():
        for path in sorted(ws.factors_dir.iterdir()):
            if path.suffix.lower() not in (".csv", ".yaml", ".yml"):
                continue
            if path.suffix.lower() != ".csv" and path.with_suffix(".csv").exists():
                continue  # manifest of a CSV set
            st = path.stat()
            name, set_factors, set_hash, key = _user_set(
                path, st.st_mtime_ns, st.st_size, _manifest_stat(path)
            )
            all_factors.extend(set_factors)
            hashes[name] = set_hash
            keys.append(key)
    return Library(tuple(all_factors), hashes, gwp, content_key(keys))


def _set_files(path: Path) -> list[Path]:
    """The files a user set at ``path`` is read from (the file and its CSV / manifest)."""
    return [path, *(path.with_suffix(s) for s in (".csv", ".yaml", ".yml") if s != path.suffix)]


def _manifest_stat(path: Path) -> tuple[tuple[int, int], ...]:
    out = []
    for p in _set_files(path)[1:]:
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((0, -1))
    return tuple(out)


@lru_cache(maxsize=64)
def _user_set(
    path: Path, mtime_ns: int, size: int, others: tuple[tuple[int, int], ...]
) -> tuple[str, tuple[EmissionFactor, ...], str, str]:
    """A user factor set's name, factors, :func:`factor_set_hash` and content key: parsed once
    per file version in the process (path, mtime, size of the set's files), and kept in the
    on-disk cache by content across processes."""
    from lingtan.adapters.io.cache import cached, file_key
    from lingtan.adapters.io.factor_files import read_user_factor_set

    del mtime_ns, size, others  # part of the in-process cache key only
    key = f"{_bundled_key()}:{file_key(_set_files(path))}"

    def build() -> tuple[str, tuple[EmissionFactor, ...], str]:
        fs = read_user_factor_set(path)
        return fs.name, tuple(fs.factors), factor_set_hash(fs.factors)

    name, factors, set_hash = cached("library-user-set", key, build)
    return name, factors, set_hash, key


def load_money(ws: Workspace) -> MoneyTables:
    """Exchange rates and price indices: the workspace's ``reference/`` files (optional) over
    the series bundled with lingtan (:func:`.tables.with_reference_defaults`).

    Raises:
        InputFileError: a file is malformed (naming file, row and column).
    """
    per_usd = _read_ref(ws.reference_dir / "fx_rates.csv", "per_usd")
    index = _read_ref(ws.reference_dir / "price_index.csv", "index")
    return with_reference_defaults(per_usd, index)


def _read_ref(path: Path, value_col: str) -> dict[tuple[int, str], float]:
    out: dict[tuple[int, str], float] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        need = {"year", "currency", value_col}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise InputFileError(str(path), f"needs columns {', '.join(sorted(need))}")
        for i, row in enumerate(reader, start=2):
            try:
                key = (int(row["year"]), row["currency"].strip().upper())
                value = float(row[value_col])
            except (TypeError, ValueError) as exc:
                raise InputFileError(str(path), f"row {i}: {exc}") from exc
            if value <= 0:
                raise InputFileError(str(path), f"row {i}, column '{value_col}': must be > 0")
            out[key] = value
    return out


def load_instruments(ws: Workspace) -> list[Instrument]:
    """Contractual instruments of every active import batch."""
    return instruments_from_files(ws.instrument_files())


def instruments_from_files(paths: Sequence[Path]) -> list[Instrument]:
    """Contractual instruments stored in batch Parquet files (``INSTRUMENT_SCHEMA``)."""
    return [
        Instrument(
            instrument_id=str(r["instrument_id"]),
            type=str(r["type"]),
            quantity_kwh=float(r["quantity_kwh"]),
            rate=float(r["emission_rate_kg_per_kwh"] or 0.0),
            region=str(r["region"] or ""),
            site=r["site"] or None,
            vintage_start=r["vintage_start"],
            vintage_end=r["vintage_end"],
        )
        for path in paths
        for r in pq.read_table(path).to_pylist()
    ]


def inputs_description(
    ws: Workspace, fiscal_year: str, gwp_set: str, lib: Library
) -> dict[str, Any]:
    """The canonical description of a calculation's inputs (hashed into the snapshot id)."""
    cfg = ws.config
    used_sets = sorted(lib.set_hashes)
    return {
        "fiscal_year": cfg.period(fiscal_year).label,
        "calendar_start_month": cfg.calendar.start_month,
        "gwp_set": gwp_set,
        "consolidation": cfg.consolidation.value,
        "boundary": {k: cfg.raw.get(k) for k in ("organisation", "region", "entities", "sites")},
        "factor_set_priority": list(cfg.factor_sets),
        "factor_sets": {name: lib.set_hashes[name] for name in used_sets},
        "batches": [b.id for b in ws.batches()],
        "reference": {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(ws.reference_dir.glob("*.csv"))
        }
        if ws.reference_dir.is_dir()
        else {},
        "reference_series": bundled_digest(),  # the bundled money series (decision 0029)
        "engine_version": ENGINE_VERSION,
        "lingtan_version": __version__,
    }


def workspace_inputs(
    ws: Workspace, fiscal_year: str, gwp_name: str, lib: Library | None = None
) -> CalcInputs:
    """What a calculation of ``fiscal_year`` reads from the workspace as it is now."""
    cfg = ws.config
    lib = lib or load_library(ws)
    gwp = lib.gwp_sets[gwp_name.upper()]
    return CalcInputs(
        activity_files=ws.activity_files(),
        factors=lib.factors,
        gwp=gwp,
        period=cfg.period(fiscal_year),
        calendar=cfg.calendar,
        site_regions=cfg.site_regions(),
        site_shares=cfg.boundary.site_shares(),
        default_region=cfg.region,
        set_priority=cfg.factor_sets,
        instruments=load_instruments(ws),
        money=load_money(ws),
        tables=library_factor_tables(lib, gwp, cfg.factor_sets),
    )


def calculate_year(ws: Workspace, fiscal_year: str, *, gwp_set: str | None = None) -> Inventory:
    """Calculate (or reuse, when the inputs are unchanged) the snapshot of ``fiscal_year``.

    The snapshot folder ``snapshots/<id>/`` keeps what is needed to recompute every emission row
    exactly, whatever happens to the library later: ``inputs.json`` (the hashed description),
    ``factors.parquet`` (the factor values the calculation could use, frozen), copies of the
    reference tables, and ``market.json`` (instrument allocations). The activity batches are
    immutable, content-addressed files already. Lineage (``lingtan explain``) recomputes rows
    from these on demand; the calculation itself only aggregates.
    """
    cfg = ws.config
    period = cfg.period(fiscal_year)
    gwp_name = (gwp_set or cfg.gwp_set).upper()
    lib = load_library(ws)
    if gwp_name not in lib.gwp_sets:
        raise WorkspaceError(f"unknown GWP set {gwp_name}; known: {', '.join(lib.gwp_sets)}")
    desc = inputs_description(ws, fiscal_year, gwp_name, lib)
    if cfg.exclusions:  # the register is stored with the snapshot: a change is a new snapshot
        desc["scope3_exclusions"] = [e.to_dict() for e in cfg.exclusions]
    snap_id = hashlib.sha256(json.dumps(desc, sort_keys=True, default=str).encode()).hexdigest()
    existing = [s for s in ws.snapshots(period.label) if s.id == snap_id]
    if existing and (ws.snapshots_dir / snap_id / SNAPSHOT_FACTORS).exists():
        return inventory_from_snapshot(existing[0], ws.snapshots_dir)

    inputs = workspace_inputs(ws, fiscal_year, gwp_name, lib)
    con = duckdb_connection()
    result = calculate_totals(inputs, con)  # summed per key and month; lineage: calculate()
    rows = aggregate_result(result)
    data_quality, uncertainty = assess_emissions(result, snap_id)
    gas_table, gas_note = gas_table_for(rows, inputs.gwp.table(), gwp_name)  # by Kyoto gas
    inv = build_inventory(
        rows,
        organisation=cfg.organisation,
        fiscal_year=period.label,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        gwp_set=gwp_name,
        consolidation=cfg.consolidation.value,
        site_entities={s.id: s.entity_id for s in cfg.boundary.sites},
        unresolved=tuple(_gap_rows(result.unresolved)),
        not_estimated=tuple(_gap_rows(result.not_estimated)),
        market_notes=tuple(_market_notes(result.market)),
        snapshot_id=snap_id,
        data_quality=data_quality,
        uncertainty=uncertainty,
        exclusions=cfg.exclusions,
        gas_table=gas_table,
        gas_table_note=gas_note,
    )
    with ws.write_lock():  # one snapshot writer at a time (decision 0036)
        _write_snapshot_folder(ws, snap_id, desc, lib, result.market, inputs.gwp)
        with ws.session() as s:
            s.merge(
                Snapshot(
                    id=snap_id,
                    fiscal_year=period.label,
                    created_at=datetime.now(UTC).replace(tzinfo=None),
                    gwp_set=gwp_name,
                    consolidation=cfg.consolidation.value,
                    # = inv.totals()["total_market"] (same sums, same order), no location pass
                    total_market_t=sum(inv.total("market", scope=k) for k in (1, 2, 3)),
                    inputs=desc,
                    inventory=_inventory_state(inv),
                    emissions_file=f"{snap_id}/{SNAPSHOT_FACTORS}",
                )
            )
    return inv


def library_factor_tables(lib: Library, gwp: GWPSet, set_priority: Sequence[str]) -> FactorTables:
    """:func:`~lingtan.adapters.compute.engine.engine_factor_tables` of the library, kept in the
    on-disk cache per (library content, GWP set, set priority)."""
    from lingtan.adapters.io.cache import cached, content_key

    def build() -> FactorTables:
        return engine_factor_tables(lib.factors, gwp, set_priority)

    if not lib.cache_key:
        return build()
    key = content_key([lib.cache_key, gwp.name, *set_priority])
    return cached("factor-tables", key, build)


def duckdb_connection(threads: int | None = None) -> ibis.BaseBackend:
    """A DuckDB connection for a calculation: insertion order not preserved (lets scans and
    group-bys stream), threads = the machine's cores unless given."""
    con = ibis.duckdb.connect(threads=threads or os.cpu_count() or 1)
    con.raw_sql("SET preserve_insertion_order = false")
    return con


def _write_snapshot_folder(
    ws: Workspace,
    snap_id: str,
    desc: dict[str, Any],
    lib: Library,
    market: MarketResult,
    gwp: GWPSet,
) -> None:
    """Write the snapshot folder aside, then rename it into place (all or nothing)."""
    tmp = ws.snapshots_dir / f".{snap_id}.{uuid.uuid4().hex}.tmp"
    tmp.mkdir(parents=True)
    try:
        (tmp / "inputs.json").write_text(
            json.dumps(desc, sort_keys=True, indent=1, default=str), encoding="utf-8"
        )
        _write_factors(lib, tmp / SNAPSHOT_FACTORS)
        (tmp / SNAPSHOT_GWP).write_text(
            json.dumps({"name": gwp.name, "source": gwp.source, "values": gwp.table()}, indent=1),
            encoding="utf-8",
        )
        if ws.reference_dir.is_dir():
            for ref in sorted(ws.reference_dir.glob("*.csv")):
                shutil.copyfile(ref, tmp / f"reference-{ref.name}")
        (tmp / "market.json").write_text(
            json.dumps(_allocations(market), indent=1, default=str), encoding="utf-8"
        )
        final = ws.snapshots_dir / snap_id
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


#: Grouping of emission rows that the inventory keeps (small: sites × months × categories …).
AGGREGATE_KEYS = ("scope", "category", "iso_category", "basis", "gas", "site", "method", "tier")


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
        )
        for i in range(table.num_rows)
    ]


SNAPSHOT_FACTORS = "factors.parquet"
SNAPSHOT_GWP = "gwp.json"
_FACTOR_FIELDS = (
    "set_name", "factor_id", "activity_type", "region", "unit", "gas", "value", "valid_from",
    "valid_to", "gwp_set", "version", "price_year", "publisher", "dataset", "edition", "table",
    "description",
)  # fmt: skip


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


def _write_factors(lib: Library, path: Path) -> None:
    """The snapshot's frozen factors (:func:`factors_table`, zstd Parquet), copied from the
    on-disk cache (one file per library content) when possible."""
    from lingtan.adapters.io.cache import cached_file

    def build(p: Path) -> None:
        pq.write_table(factors_table(lib.factors), p, compression="zstd")

    src = (
        cached_file("snapshot-factors", lib.cache_key, ".parquet", build) if lib.cache_key else None
    )
    if src is None:
        build(path)
    else:
        shutil.copyfile(src, path)


def _allocations(market: MarketResult) -> dict[str, Any]:
    """``market.json`` of a snapshot: the method version (lineage recomputes with it), the
    allocations and the unallocated instruments."""
    return {
        "method": METHOD_ID,
        "method_version": market.method_version,
        "allocations": [a.__dict__ for a in market.allocations],
        "unallocated": [list(u) for u in market.unallocated],
    }


def _gap_rows(table: Any) -> list[dict[str, Any]]:
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


def _market_notes(market: Any) -> list[dict[str, Any]]:
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


def _inventory_state(inv: Inventory) -> dict[str, Any]:
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
        "rows": [r.__dict__ for r in inv.rows],
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


def inventory_from_snapshot(snap: Snapshot, snapshots_dir: Path | None = None) -> Inventory:
    """Rebuild the :class:`Inventory` stored with a snapshot (no recalculation). Snapshots
    stored before the exclusions register existed have none; their completeness is derived from
    their ``unresolved`` list (:attr:`Inventory.completeness`). Snapshots stored before the
    table by gas existed get one derived from their frozen GWP values
    (``snapshots_dir/<id>/gwp.json``), else none and a note."""
    from lingtan.core.completeness import exclusions_from_dicts
    from lingtan.core.gas_table import GasTable

    st: dict[str, Any] = dict(snap.inventory)
    meta: dict[str, Any] = dict(st["meta"])
    rows = [AggregateRow(**r) for r in st["rows"]]
    if "by_kyoto_gas" in st:
        state = st["by_kyoto_gas"]
        gas_table = None if state is None else GasTable.from_state(state)
        gas_note = str(st.get("by_kyoto_gas_note") or "")
    else:
        frozen = None if snapshots_dir is None else snapshots_dir / snap.id / SNAPSHOT_GWP
        gas_table, gas_note = derived_gas_table(rows, str(meta.get("gwp_set", "")), frozen)
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


def snapshot_completeness(snap: Snapshot) -> Completeness:
    """The completeness assessment of a stored snapshot (derived for snapshots stored before
    the assessment existed)."""
    return inventory_from_snapshot(snap).completeness


def latest_inventory(ws: Workspace, fiscal_year: str) -> Inventory:
    """The newest stored snapshot of ``fiscal_year``.

    Raises:
        WorkspaceError: no calculation was run for that year.
    """
    label = ws.config.period(fiscal_year).label
    snaps = ws.snapshots(label)
    if not snaps:
        raise WorkspaceError(f"no inventory for {label}; run 'lingtan calc --year {label}'")
    return inventory_from_snapshot(snaps[0], ws.snapshots_dir)


def _today() -> date:
    return datetime.now(UTC).date()
