"""Inventories (the newest snapshot of each fiscal year), breakdowns, downloads and lineage.

All masses in t CO2e (GHG Protocol Corporate Standard ch. 9; ISO 14064-1 §9.3). Scope 2 is
given on both bases where available (Scope 2 Guidance ch. 7); ``basis`` selects which one a
breakdown or an explanation uses. Breakdowns by ``supplier`` and ``product`` (decision 0044) put
the emissions without one under ``unattributed`` (:data:`lingtan.core.inventory.UNATTRIBUTED`).

A stored snapshot never changes (its id is the hash of its inputs; decisions 0005, 0046), so its
inventory, its document and its trend totals are built once per process and kept in a bounded
memo keyed by the organisation's store, the organisation, the snapshot id and the row's
``created_at`` (:func:`stored_inventory`; issue 14 item 5). A request reads only the ids and
dates of the organisation's snapshots (never their JSON) to find the newest of each year; a new
snapshot has a new key, so it is seen at once, and one organisation's key never names another's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext, jsonable
from lingtan.adapters.services.errors import ServiceError, invalid, not_found
from lingtan.adapters.services.imports import fiscal_year_label
from lingtan.adapters.store.memo import Memo
from lingtan.adapters.store.models import Snapshot
from lingtan.core.errors import LingtanError
from lingtan.core.gwp import CO2_BIOGENIC
from lingtan.core.inventory import Inventory

#: what an inventory can be split by (``breakdown?by=``)
Breakdown = Literal[
    "scope",
    "category",
    "site",
    "entity",
    "month",
    "gas",
    "iso_category",
    "tier",
    "supplier",
    "product",
]
BREAKDOWNS: tuple[str, ...] = get_args(Breakdown)
Basis = Literal["market", "location"]


def list_snapshots(tenant: TenantContext, fiscal_year: str | None = None) -> list[Snapshot]:
    """Stored snapshots, newest first (of one fiscal year, or all): the workspace's list
    (:meth:`~lingtan.adapters.store.workspace.Workspace.snapshots`), as ``lingtan snapshots``
    shows it."""
    label = None
    if fiscal_year:
        try:
            label = fiscal_year_label(tenant, fiscal_year)
        except ServiceError:  # a filter no year of this calendar can match (FY6141/02): nothing
            return []
    return tenant.workspace().snapshots(label)


def snapshot_summary(snap: Snapshot) -> dict[str, Any]:
    """A stored snapshot with its completeness status (``SnapshotPublic``)."""
    from lingtan.adapters.compute.stored_inventory import snapshot_completeness

    c = snapshot_completeness(snap)
    return {
        "id": snap.id,
        "fiscal_year": snap.fiscal_year,
        "created_at": snap.created_at,
        "gwp_set": snap.gwp_set,
        "consolidation": snap.consolidation,
        "total_market_t": snap.total_market_t,
        "status": c.status,
        "rows_not_calculated": c.rows_not_calculated,
    }


@dataclass(frozen=True)
class StoredInventory:
    """A stored snapshot's inventory as the pages and the API read it, built once per process
    (:func:`stored_inventory`). Shared between requests: read, never change, its parts."""

    #: the inventory rebuilt from the snapshot row (no recalculation)
    inventory: Inventory
    #: ``Inventory.to_dict`` as JSON values, with ``status`` (:func:`inventory_view`)
    document: dict[str, Any]
    #: the document's ``aggregate_rows`` [t CO2e]
    aggregate_rows: list[dict[str, Any]]
    #: the year's point of the trend: fiscal year, snapshot id, totals [t CO2e], status
    trend: dict[str, Any]


@dataclass(frozen=True)
class SnapshotRef:
    """What identifies a stored snapshot of an organisation (read without its JSON)."""

    id: str
    fiscal_year: str
    created_at: datetime


#: stored inventories by (store, organisation id, snapshot id, created_at), per process; 64 of
#: them hold a few dozen organisations' dashboards (a document is ~0.1–2 MB of Python objects)
STORED_INVENTORIES: Memo[tuple[str, int, str, str], StoredInventory] = Memo(64)


def _cache_key(tenant: TenantContext, snapshot_id: str, created_at: datetime) -> tuple[
    str, int, str, str
]:  # fmt: skip
    """The memo key of a snapshot of the tenant: the store (its URL, password hidden), the
    organisation, the snapshot and the row's creation time (a row written again — same inputs,
    same content — gets a new one)."""
    store = tenant.engine.url.render_as_string(hide_password=True)
    return (store, tenant.organisation_id, snapshot_id, created_at.isoformat())


def newest_snapshots(
    db: Session, tenant: TenantContext, fiscal_year: str | None = None
) -> dict[str, SnapshotRef]:
    """The newest snapshot of each fiscal year (of ``fiscal_year``, a canonical label, only)
    of the tenant: ids and dates only, newest as :func:`~lingtan.adapters.services.calculation.
    newest_snapshot` orders them (``created_at`` descending, then id)."""
    q = (
        select(Snapshot.id, Snapshot.fiscal_year, Snapshot.created_at)
        .where(Snapshot.organisation_id == tenant.organisation_id)
        .order_by(Snapshot.created_at.desc(), Snapshot.id)
    )
    if fiscal_year is not None:
        q = q.where(Snapshot.fiscal_year == fiscal_year)
    newest: dict[str, SnapshotRef] = {}
    for sid, fy, created in db.execute(q):
        newest.setdefault(fy, SnapshotRef(sid, fy, created))
    return newest


def stored_inventory(db: Session, tenant: TenantContext, ref: SnapshotRef) -> StoredInventory:
    """The inventory of the tenant's snapshot ``ref``: from the per-process memo, else read
    from its row once and kept (:data:`STORED_INVENTORIES`).

    Raises:
        ServiceError: 404 when the snapshot is gone.
    """
    hit = STORED_INVENTORIES.get(_cache_key(tenant, ref.id, ref.created_at))
    if hit is not None:
        return hit
    snap = db.scalars(
        select(Snapshot).where(
            Snapshot.organisation_id == tenant.organisation_id, Snapshot.id == ref.id
        )
    ).one_or_none()
    if snap is None:
        raise not_found(f"snapshot {ref.id}")
    built = build_stored_inventory(snap, _snapshots_dir(tenant))
    return STORED_INVENTORIES.put(_cache_key(tenant, snap.id, snap.created_at), built)


def build_stored_inventory(snap: Snapshot, snapshots_dir: Path | None) -> StoredInventory:
    """Rebuild a snapshot's inventory and everything read from it, once: the document
    (``Inventory.to_dict``), its aggregate rows and the trend point (totals computed once)."""
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot

    inv = inventory_from_snapshot(snap, snapshots_dir)
    doc = jsonable(inv.to_dict())
    doc["status"] = inv.status  # complete | incomplete (the details: doc["completeness"])
    rows = [
        {
            "scope": r.scope,
            "category": r.category,
            "iso_category": r.iso_category,
            "basis": r.basis,
            "gas": r.gas,
            "site": r.site,
            "month": r.month,
            "method": r.method,
            "tier": r.tier,
            "supplier": r.supplier,
            "product": r.product,
            "tco2e": jsonable(r.co2e_kg / 1000.0),
            "rows": r.rows,
        }
        for r in inv.rows
    ]
    trend = {
        "fiscal_year": snap.fiscal_year,
        "snapshot_id": snap.id,
        **jsonable(inv.totals()),
        "status": inv.status,
    }
    return StoredInventory(inventory=inv, document=doc, aggregate_rows=rows, trend=trend)


def _latest_stored(tenant: TenantContext, fiscal_year: str) -> StoredInventory:
    """The newest snapshot of ``fiscal_year`` (a label parsed here), from the memo.

    Raises:
        ServiceError: not_found when not calculated yet; invalid when not a fiscal year.
    """
    from lingtan.adapters.store.scoping import tenant_session

    label = fiscal_year_label(tenant, fiscal_year)
    # the request's connection when there is one (as the workspace's sessions use it)
    bind = tenant.bind if tenant.bind is not None else tenant.engine
    with tenant_session(bind, tenant.organisation_id, actor=tenant.actor) as db:
        ref = newest_snapshots(db, tenant, label).get(label)
        if ref is None:
            raise not_found(f"inventory of {label} (no calculation yet)")
        return stored_inventory(db, tenant, ref)


def latest_inventory(tenant: TenantContext, fiscal_year: str) -> Inventory:
    """The inventory of the newest snapshot of ``fiscal_year`` (the snapshot the CLI's
    :func:`~lingtan.adapters.services.calculation.newest_snapshot` finds), kept per process.
    Shared: read it, never change it.

    Raises:
        ServiceError: 404 not calculated yet; 422 not a fiscal year.
    """
    return _latest_stored(tenant, fiscal_year).inventory


def _snapshots_dir(tenant: TenantContext) -> Path | None:
    """The organisation's snapshot folder (frozen GWP values, for the table by gas of a
    snapshot stored before it existed), None when it has no workspace folder."""
    try:
        return tenant.workspace().snapshots_dir
    except (ServiceError, LingtanError):
        return None


def inventory_years(db: Session, tenant: TenantContext) -> dict[str, Any]:
    """Fiscal years with an inventory (oldest first), the base year, and the trend of the
    totals [t CO2e] (newest snapshot of each year)."""
    return _years(db, tenant, newest_snapshots(db, tenant))


def _years(db: Session, tenant: TenantContext, newest: dict[str, SnapshotRef]) -> dict[str, Any]:
    """:func:`inventory_years` from the newest snapshot of each year, already listed."""
    years = sorted(newest)
    trend = [dict(stored_inventory(db, tenant, newest[fy]).trend) for fy in years]
    try:
        cfg = tenant.workspace().config
        base = cfg.period(cfg.base_year).label if cfg.base_year else None
    except (ServiceError, LingtanError):
        base = None
    return {"fiscal_years": years, "base_year": base, "trend": trend}


def inventory_view(db: Session, tenant: TenantContext, fiscal_year: str | None) -> dict[str, Any]:
    """Everything a dashboard or inventory page shows for one fiscal year (None: the latest
    year calculated): the inventory document (``Inventory.to_dict``: totals, breakdowns,
    shares, completeness, data quality, uncertainty), ``status`` (``complete`` |
    ``incomplete``), plus ``fiscal_years``, ``base_year``, ``trend`` and ``aggregate_rows``
    (scope × category × site × month × gas rows [t CO2e] for tables and drill-down). A new
    dictionary whose nested values are shared with other requests: read them, never change
    them.

    Raises:
        ServiceError: 404 not calculated yet; 422 not a fiscal year.
    """
    label = fiscal_year_label(tenant, fiscal_year) if fiscal_year is not None else None
    newest = newest_snapshots(db, tenant)  # one query for the year and the trend
    if label is None and newest:
        label = max(newest)
    ref = newest.get(label) if label is not None else None
    if ref is None:
        raise not_found(f"inventory of {label or 'any year'} (no calculation yet)")
    stored = stored_inventory(db, tenant, ref)
    doc = dict(stored.document)
    doc.update(_years(db, tenant, newest))
    doc["aggregate_rows"] = stored.aggregate_rows
    return doc


def breakdown(
    tenant: TenantContext, fiscal_year: str, by: str, basis: Basis = "market"
) -> dict[str, Any]:
    """The inventory split by ``by`` (one of :data:`BREAKDOWNS`) on one Scope 2 basis
    [t CO2e, % of that basis's total]. Category keys are ``<scope>.<category>`` (``3.1`` =
    Scope 3 category 1, purchased goods and services). By ``supplier`` or ``product``: one
    key per supplier (product), ``unattributed`` for the emissions without one (all of them in
    an inventory whose files named none).

    Raises:
        ServiceError: 422 unknown breakdown; 404 not calculated.
    """
    if by not in BREAKDOWNS:
        raise invalid(f"by: one of {', '.join(BREAKDOWNS)}", "by")
    inv = latest_inventory(tenant, fiscal_year)
    values: dict[str, float] = {}
    if by == "entity":
        values = {str(k): v for k, v in inv.by_entity(basis).items()}
    elif by in ("supplier", "product"):
        values = inv.by_dimension(by, basis)
    elif by == "category":
        for r in inv.rows:
            if r.basis in ("both", basis) and r.gas != CO2_BIOGENIC:  # outside the scopes
                key = f"{r.scope}.{r.category}"
                values[key] = values.get(key, 0.0) + r.co2e_kg / 1000.0
    else:
        values = {str(k): v for k, v in inv.by(by, basis).items()}
    total = sum(values.values())
    rows = [
        {
            "key": k,
            "tco2e": round(v, 6),
            "share_pct": round(100.0 * v / total, 4) if total else 0.0,
        }
        for k, v in sorted(values.items())
    ]
    return {
        "fiscal_year": inv.fiscal_year,
        "by": by,
        "basis": basis,
        "unit": "t CO2e",
        "total_tco2e": round(total, 6),
        "rows": rows,
        "status": inv.status,
    }


def inventory_download(tenant: TenantContext, fiscal_year: str, fmt: str) -> tuple[str, bytes, str]:
    """The inventory as a file: ``json`` (the stable document, docs/output.md), ``csv``
    (long format) or ``xlsx`` (a sheet per breakdown): (file name, bytes, media type)."""
    from lingtan.adapters.io.inventory_export import to_csv, to_json, write_xlsx

    inv = latest_inventory(tenant, fiscal_year)
    stem = f"{tenant.slug}-inventory-{inv.fiscal_year.replace('/', '-')}"
    if fmt == "json":
        return f"{stem}.json", to_json(inv).encode("utf-8"), "application/json"
    if fmt == "csv":
        return f"{stem}.csv", to_csv(inv).encode("utf-8"), "text/csv; charset=utf-8"
    with tempfile.TemporaryDirectory() as d:
        path = write_xlsx([inv], Path(d) / f"{stem}.xlsx")
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return path.name, path.read_bytes(), media


def explain_number(
    db: Session,
    tenant: TenantContext,
    snapshot_id: str,
    selector: dict[str, Any],
    *,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """The activity rows behind one inventory figure, recomputed from the snapshot's frozen
    inputs (:func:`lingtan.adapters.compute.lineage.explain`; decision 0005): each row with its
    arithmetic, the factors used, and whether the rows add up to the reported figure.

    ``selector``: any of ``scope``, ``category``, ``site``, ``month`` (YYYY-MM), ``gas``,
    ``supplier``, ``product`` (``unattributed``: the rows without one) and ``basis``
    (``market`` | ``location``). ``snapshot_id`` is the full id or a unique prefix
    (at least 8 hexadecimal digits).

    Raises:
        ServiceError: 404 no such snapshot; 422 its files are missing.
    """
    from lingtan.adapters.compute.lineage import arithmetic
    from lingtan.adapters.services.lineage import explained, explanation_head

    ex, sel = explained(db, tenant, snapshot_id, selector)
    page = ex.rows.slice(offset, limit).to_pylist() if offset < ex.rows.num_rows else []
    rows = []
    for r in page:
        d = jsonable(r)
        try:
            d["arithmetic"] = arithmetic(r)
        except (KeyError, TypeError, ValueError):
            d["arithmetic"] = ""
        rows.append(d)
    return {
        **explanation_head(ex, sel),
        "total_rows": ex.rows.num_rows,
        "offset": offset,
        "rows": rows,
    }
