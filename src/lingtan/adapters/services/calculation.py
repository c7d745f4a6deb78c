"""The calculation use case: one workspace, one fiscal year → one inventory snapshot.

It reads what a calculation needs once (factor library, GWP set, boundary, import batches,
instruments, exchange rates: :mod:`lingtan.adapters.io.library`), runs the engine, aggregates
the emission rows into an :class:`Inventory` (:mod:`lingtan.adapters.compute.aggregate`) and
stores the snapshot (:mod:`lingtan.adapters.store.snapshots`). The snapshot id is the sha256 of a
canonical description of the inputs (batch content hashes, factor-set content hashes, GWP set,
boundary, calendar, engine and lingtan versions), so the same inputs always give the same id and
a changed factor gives a new one; the versions of the libraries that ran it (DuckDB, Ibis, NumPy,
PyArrow, Python) are stored beside the description, outside the hash (decision 0046).

The fiscal year is parsed once, at the boundary (:func:`calculate`, :func:`calculate_year`,
:func:`latest_inventory`), under the workspace's calendar (GHG Protocol Corporate Standard
ch. 9, reporting period); everything below takes the :class:`Period`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from lingtan import __version__
from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot, snapshot_completeness
from lingtan.adapters.io.library import (
    Library,
    load_instruments,
    load_library,
    read_money_series,
    write_snapshot_factors,
)
from lingtan.adapters.io.progress import OnProgress
from lingtan.adapters.io.reference_series import bundled_digest
from lingtan.adapters.services.context import Context
from lingtan.adapters.store.models import Snapshot
from lingtan.adapters.store.snapshots import gap_rows, has_folder, market_notes, save_snapshot
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.completeness import Completeness
from lingtan.core.errors import WorkspaceError
from lingtan.core.gwp import GWPSet
from lingtan.core.inventory import Inventory, build_inventory
from lingtan.core.methods.scope2_market import Instrument
from lingtan.core.periods import Period

if TYPE_CHECKING:  # the engine (ibis, DuckDB, pint) is imported by the functions that calculate,
    # so that reading a stored inventory does not pay for it (issue 14 item 6)
    import ibis

    from lingtan.adapters.compute.baseyear import Review
    from lingtan.adapters.compute.engine import CalcInputs
    from lingtan.adapters.compute.tables import FactorTables, MoneyTables

#: A use case's target: a context (CLI, API, jobs) or an already opened workspace.
Target = Context | Workspace


def _workspace(target: Target) -> Workspace:
    return target if isinstance(target, Workspace) else target.workspace()


def calculate(
    ctx: Context,
    fiscal_year: str,
    *,
    gwp_set: str | None = None,
    progress: OnProgress | None = None,
) -> Inventory:
    """Calculate (or reuse, when the inputs are unchanged) the inventory of ``fiscal_year``
    (a label such as ``FY2023/24``, parsed once under the workspace's calendar) in the context's
    workspace (:func:`calculate_workspace`); ``progress`` hears its stages.

    Raises:
        PeriodError: the label is not a fiscal year.
        WorkspaceError: unknown GWP set, or a batch's file is missing.
        WorkspaceBusyError: another writer held the workspace's write lock too long.
        ServiceError: forbidden when the context may not edit data (a snapshot is a change).
    """
    ctx.require("edit_data")
    return calculate_year(ctx.workspace(), fiscal_year, gwp_set=gwp_set, progress=progress)


def calculate_year(
    ws: Workspace,
    fiscal_year: str,
    *,
    gwp_set: str | None = None,
    progress: OnProgress | None = None,
) -> Inventory:
    """:func:`calculate_workspace` of the fiscal year labelled ``fiscal_year`` (parsed here,
    once)."""
    return calculate_workspace(
        ws, ws.config.period(fiscal_year), gwp_set=gwp_set, progress=progress
    )


def calculate_workspace(
    ws: Workspace,
    period: Period,
    *,
    gwp_set: str | None = None,
    progress: OnProgress | None = None,
) -> Inventory:
    """Calculate (or reuse, when the inputs are unchanged) the snapshot of ``period``.

    The snapshot folder ``snapshots/<id>/`` keeps what is needed to recompute every emission row
    exactly, whatever happens to the library later: ``inputs.json`` (the hashed description and
    the runtime versions), ``factors.parquet`` (the factor values the calculation could use,
    frozen), copies of the reference tables, and ``market.json`` (instrument allocations). The
    activity batches are immutable, content-addressed files already. Lineage (``lingtan
    explain``) recomputes rows from these on demand; the calculation itself only aggregates.

    ``progress`` hears the stages of
    :data:`~lingtan.adapters.services.progress.CALCULATE` as they start: ``library``,
    ``resolve``, ``activities`` (batch files summed of all), ``calculate``, ``aggregate``,
    ``store`` (ended once the snapshot is stored or found; decision 0052).
    """
    from lingtan.adapters.compute.aggregate import aggregate_result
    from lingtan.adapters.compute.engine import calculate_totals
    from lingtan.adapters.compute.gases import gas_table_for
    from lingtan.adapters.compute.quality import assess_emissions

    say = progress or _quiet
    cfg = ws.config
    gwp_name = (gwp_set or cfg.gwp_set).upper()
    say("library", 0, 1)
    lib = load_library(ws)
    if gwp_name not in lib.gwp_sets:
        raise WorkspaceError(f"unknown GWP set {gwp_name}; known: {', '.join(lib.gwp_sets)}")
    # accepted supplier allocations of the year as supplier-specific factors (issue 15 item 5,
    # decision 0066): the library unchanged when there are none
    from lingtan.adapters.services.supplier_factors import library_with_supplier_factors

    lib = library_with_supplier_factors(ws, period, lib)
    desc = inputs_description(ws, period, gwp_name, lib)
    if cfg.exclusions:  # the register is stored with the snapshot: a change is a new snapshot
        desc["scope3_exclusions"] = [e.to_dict() for e in cfg.exclusions]
    snap_id = snapshot_id(desc)
    existing = [s for s in ws.snapshots(period.label) if s.id == snap_id]
    if existing and has_folder(ws, snap_id):
        say("store", 1, 1)  # unchanged inputs: the stored snapshot is the result
        return inventory_from_snapshot(existing[0], ws.snapshots_dir)

    say("resolve", 0, 1)
    inputs = calc_inputs(
        ws, period, lib.gwp_sets[gwp_name], lib, load_instruments(ws), load_money(ws)
    )
    say("activities", 0, len(inputs.activity_files))
    con = duckdb_connection()
    # summed per key and month; lineage: calculate()
    result = calculate_totals(inputs, con, progress=progress)
    say("aggregate", 0, 1)
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
        unresolved=tuple(gap_rows(result.unresolved)),
        not_estimated=tuple(gap_rows(result.not_estimated)),
        market_notes=tuple(market_notes(result.market)),
        snapshot_id=snap_id,
        data_quality=data_quality,
        uncertainty=uncertainty,
        exclusions=cfg.exclusions,
        gas_table=gas_table,
        gas_table_note=gas_note,
    )
    say("store", 0, 1)
    save_snapshot(
        ws,
        snap_id,
        inv,
        desc,
        write_factors=partial(write_snapshot_factors, lib),
        market=result.market,
        gwp=inputs.gwp,
    )
    say("store", 1, 1)
    return inv


def _quiet(stage: str, done: int, total: int | None = None, *, part: float | None = None) -> None:
    """The progress callback of a calculation nobody watches."""


def snapshot_id(description: dict[str, Any]) -> str:
    """The snapshot id: sha256 of the canonical JSON of the inputs' description."""
    return hashlib.sha256(json.dumps(description, sort_keys=True, default=str).encode()).hexdigest()


def inputs_description(ws: Workspace, period: Period, gwp_set: str, lib: Library) -> dict[str, Any]:
    """The canonical description of a calculation's inputs (hashed into the snapshot id)."""
    from lingtan.adapters.compute.engine import ENGINE_VERSION

    cfg = ws.config
    used_sets = sorted(lib.set_hashes)
    return {
        "fiscal_year": period.label,
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


def load_money(ws: Workspace) -> MoneyTables:
    """Exchange rates and price indices: the workspace's ``reference/`` files (optional,
    :func:`~lingtan.adapters.io.library.read_money_series`) over the series bundled with lingtan
    (:func:`~lingtan.adapters.compute.tables.with_reference_defaults`).

    Raises:
        InputFileError: a file is malformed (naming file, row and column).
    """
    from lingtan.adapters.compute.tables import with_reference_defaults

    return with_reference_defaults(*read_money_series(ws))


def calc_inputs(
    ws: Workspace,
    period: Period,
    gwp: GWPSet,
    lib: Library,
    instruments: list[Instrument],
    money: MoneyTables,
) -> CalcInputs:
    """The engine's inputs for ``period``: the library, instruments and money tables as read
    once by the caller, the boundary and activity files of the workspace as it is now."""
    from lingtan.adapters.compute.engine import CalcInputs

    cfg = ws.config
    return CalcInputs(
        activity_files=ws.activity_files(),
        factors=lib.factors,
        gwp=gwp,
        period=period,
        calendar=cfg.calendar,
        site_regions=cfg.site_regions(),
        site_shares=cfg.boundary.site_shares(),
        default_region=cfg.region,
        set_priority=cfg.factor_sets,
        instruments=instruments,
        money=money,
        tables=library_factor_tables(lib, gwp, cfg.factor_sets),
    )


def workspace_inputs(
    ws: Workspace, fiscal_year: str, gwp_name: str, lib: Library | None = None
) -> CalcInputs:
    """What a calculation of ``fiscal_year`` (a label, parsed here) reads from the workspace as
    it is now, each input read once (:func:`calc_inputs`)."""
    lib = lib or load_library(ws)
    gwp = lib.gwp_sets[gwp_name.upper()]
    period = ws.config.period(fiscal_year)
    return calc_inputs(ws, period, gwp, lib, load_instruments(ws), load_money(ws))


def library_factor_tables(lib: Library, gwp: GWPSet, set_priority: Sequence[str]) -> FactorTables:
    """:func:`~lingtan.adapters.compute.engine.engine_factor_tables` of the library, kept in the
    on-disk cache per (library content, GWP set, set priority)."""
    from lingtan.adapters.compute.engine import engine_factor_tables
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
    import ibis

    con = ibis.duckdb.connect(threads=threads or os.cpu_count() or 1)
    con.raw_sql("SET preserve_insertion_order = false")
    return con


def newest_snapshot(target: Target, fiscal_year: str) -> tuple[str, Snapshot | None]:
    """The label of ``fiscal_year`` (parsed here) and the newest stored snapshot of that year in
    the target's workspace (None when it was never calculated). The one lookup behind every
    "latest inventory": CLI, API, web pages and targets."""
    ws = _workspace(target)
    label = ws.config.period(fiscal_year).label
    snaps = ws.snapshots(label)
    return label, (snaps[0] if snaps else None)


def latest_inventory(target: Target, fiscal_year: str) -> Inventory:
    """The inventory of the newest stored snapshot of ``fiscal_year`` (:func:`newest_snapshot`).

    Raises:
        WorkspaceError: no calculation was run for that year.
    """
    ws = _workspace(target)
    label, snap = newest_snapshot(ws, fiscal_year)
    if snap is None:
        raise WorkspaceError(f"no inventory for {label}; run 'lingtan calc --year {label}'")
    return inventory_from_snapshot(snap, ws.snapshots_dir)


def stored_snapshots(
    target: Target, fiscal_year: str | None = None
) -> list[tuple[Snapshot, Completeness]]:
    """The stored snapshots (of ``fiscal_year``, a label parsed here, or of every year), newest
    first, each with its completeness assessment (``lingtan snapshots``)."""
    ws = _workspace(target)
    label = ws.config.period(fiscal_year).label if fiscal_year else None
    return [(s, snapshot_completeness(s)) for s in ws.snapshots(label)]


def review_base_year(
    target: Target, *, threshold_pct: float | None = None, apply: bool = True
) -> Review:
    """Recalculate the base year with today's inputs (:func:`calculate_workspace`), assess the
    change and adopt a new version when it is significant
    (:func:`lingtan.adapters.compute.baseyear.review_calculated`).

    Raises:
        WorkspaceError: no base year is configured.
    """
    from lingtan.adapters.compute.baseyear import base_year_period, review_calculated

    ws = _workspace(target)
    inv = calculate_workspace(ws, base_year_period(ws))
    return review_calculated(ws, inv, threshold_pct=threshold_pct, apply=apply)
