"""Lineage: the activity rows, factors, GWPs and methods behind one inventory figure,
recomputed from the snapshot's frozen inputs and checked against the stored figure
(ISO 14064-3 verification; decision 0005). One use case for ``lingtan explain``, the API's
``explain`` route and the web's lineage page (through
:func:`lingtan.adapters.services.inventories.explain_number`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from lingtan.adapters.services.context import Context

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlalchemy.orm import Session

    from lingtan.adapters.compute.lineage import Explanation, Selection
    from lingtan.adapters.store.models import Snapshot


def explain_figure(
    ctx: Context,
    selection: Selection,
    *,
    snapshot: Snapshot | str | None = None,
    fiscal_year: str | None = None,
) -> Explanation:
    """The figure ``selection`` (scope, category, site, month, gas; Scope 2 ``basis``) of a
    snapshot traced to its emission rows, each with its arithmetic, the factors used [kg gas
    per activity unit] and the recomputed against the reported total [t CO2e].

    Args:
        snapshot: the snapshot (as the caller found it), or its id or a unique id prefix.
        fiscal_year: without ``snapshot``: the newest snapshot of this fiscal year.

    Raises:
        WorkspaceError: neither given, no (or several) snapshots match, or the snapshot's
            frozen inputs are missing.
    """
    from lingtan.adapters.compute.lineage import explain, find_snapshot

    ctx.require("read")
    ws = ctx.workspace()
    if snapshot is None or isinstance(snapshot, str):
        snapshot = find_snapshot(ws, snapshot=snapshot, fiscal_year=fiscal_year)
    return explain(ws, snapshot, selection)


# -- the lineage page, its downloads and the reviewer's workbook (decision 0057) -----------------

#: Lines (activity rows) of a lineage page.
LINEAGE_PAGE_SIZE = 100
#: Columns of the lineage CSV (one line per activity row; catalogue ``lineage.xlsx.col.<c>``).
CSV_COLUMNS = (
    "file", "row", "site", "date", "scope", "category", "activity_type", "quantity", "unit",
    "factors", "kg_co2e_per_unit", "share", "co2e_kg", "gases",
)  # fmt: skip
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _selection(selector: Mapping[str, Any]) -> Selection:
    from lingtan.adapters.compute.lineage import Selection

    return Selection(
        scope=selector.get("scope"),
        category=selector.get("category"),
        site=selector.get("site"),
        month=selector.get("month"),
        gas=selector.get("gas"),
        basis=str(selector.get("basis") or "market"),
        supplier=selector.get("supplier"),
        product=selector.get("product"),
    )


def _snapshot(db: Session, snapshot_id: str) -> Snapshot:
    """The snapshot whose id starts with ``snapshot_id`` (the tenant-scoped session sees only
    the organisation's own).

    Raises:
        ServiceError: not_found when none or several match.
    """
    from sqlalchemy import select

    from lingtan.adapters.services.errors import not_found
    from lingtan.adapters.store.models import Snapshot

    matches = list(
        db.scalars(
            select(Snapshot).where(Snapshot.id.startswith(snapshot_id, autoescape=True)).limit(2)
        )
    )
    if len(matches) != 1:
        raise not_found(f"snapshot {snapshot_id}")
    return matches[0]


def _explained(ctx: Context, selection: Selection, snap: Snapshot) -> Explanation:
    from lingtan.adapters.services.errors import invalid
    from lingtan.core.errors import LingtanError

    try:
        return explain_figure(ctx, selection, snapshot=snap)
    except LingtanError as exc:
        raise invalid(str(exc)) from exc


def explanation_head(ex: Explanation, sel: Selection) -> dict[str, Any]:
    """What every view of a figure's lineage says about the figure: its snapshot, selection,
    the check (recomputed against reported [t CO2e]), the methods and the factors used."""
    from lingtan.adapters.services.context import jsonable

    return {
        "snapshot_id": ex.snapshot_id,
        "fiscal_year": ex.fiscal_year,
        "gwp_set": ex.gwp_set,
        "selection": {**sel.where(), "basis": sel.basis},
        "description": sel.describe(),
        "recomputed_t": jsonable(ex.recomputed_t) or 0.0,
        "reported_t": jsonable(ex.reported_t) or 0.0,
        "matches": ex.matches,
        "methods": ex.methods,
        "factors": jsonable(ex.factors),
    }


def explained(
    db: Session, ctx: Context, snapshot_id: str, selector: Mapping[str, Any]
) -> tuple[Explanation, Selection]:
    """The lineage of the figure ``selector`` names in the snapshot whose id starts with
    ``snapshot_id``, recomputed from its frozen inputs, and the selection.

    Raises:
        ServiceError: 404 no such snapshot; 422 its files are missing.
    """
    sel = _selection(selector)
    return _explained(ctx, sel, _snapshot(db, snapshot_id)), sel


def _line(r: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """A folded row (``compute.lineage.FOLD_COLUMNS``) as a page/CSV line: the batch's file
    name and the spreadsheet row instead of internal ids; gases as a list of dicts."""
    from lingtan.adapters.services.context import jsonable

    d = {k: jsonable(v) for k, v in r.items() if k != "gases"}
    d["file"] = files.get(str(r["batch_id"]), str(r["batch_id"])[:12])
    d["row"] = int(r["source_row"])
    d["gases"] = [jsonable(dict(g)) for g in r.get("gases") or []]
    return d


def lineage_page(
    db: Session,
    ctx: Context,
    snapshot_id: str,
    selector: Mapping[str, Any],
    *,
    page: int = 1,
    page_size: int = LINEAGE_PAGE_SIZE,
    sort: str = "row",
) -> dict[str, Any]:
    """One page of the lineage of a figure, one line per activity row (file name, spreadsheet
    row, factors, kg CO2e per unit [kg CO2e/unit], CO2e [kg], its gases), with the figure's
    check (recomputed against reported [t CO2e]) and the factors used.

    ``selector`` as :func:`lingtan.adapters.services.inventories.explain_number`; ``sort`` one
    of ``row`` (file and row), ``co2e_desc``, ``co2e_asc``. A page past the end is empty.

    Raises:
        ServiceError: 404 no such snapshot; 422 its files are missing or an unknown sort.
    """
    from lingtan.adapters.compute.lineage import FOLD_SORTS, fold_rows
    from lingtan.adapters.services.errors import invalid

    if sort not in FOLD_SORTS:
        raise invalid(f"unknown sort {sort!r}; known: {', '.join(FOLD_SORTS)}")
    ctx.require("read")
    sel = _selection(selector)
    ex = _explained(ctx, sel, _snapshot(db, snapshot_id))
    page = max(1, page)
    folded = fold_rows(ex.rows, sort=sort, offset=(page - 1) * page_size, limit=page_size)
    files = batch_files(ctx)
    return {
        **explanation_head(ex, sel),
        "emission_rows": ex.rows.num_rows,
        "total_rows": folded.total,
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-folded.total // page_size)),
        "sort": sort,
        "rows": [_line(r, files) for r in folded.page.to_pylist()],
    }


def batch_files(ctx: Context) -> dict[str, str]:
    """Batch id → the file name it was imported from."""
    return {b.id: b.file_name for b in ctx.workspace().batches(active_only=False)}


def lineage_download(
    db: Session,
    ctx: Context,
    snapshot_id: str,
    selector: Mapping[str, Any],
    fmt: str,
    *,
    sort: str = "row",
    locale: str = "en",
) -> tuple[str, bytes, str]:
    """Every line of a figure's lineage (no paging) as ``csv`` (UTF-8 with BOM, so that Excel
    reads Chinese; headers in ``locale``; gases as ``CO2=2.5;CH4=0.03`` kg CO2e) or ``xlsx``
    (the activity rows, factors and lineage sheets): (file name, bytes, media type).

    Raises:
        ServiceError: 404 no such snapshot; 422 an unknown format or sort.
    """
    import csv
    import io
    import tempfile
    from pathlib import Path

    from lingtan.adapters.compute.lineage import FOLD_SORTS, fold_rows
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.io.cell_safety import safe_row
    from lingtan.adapters.services.errors import invalid

    if fmt not in ("csv", "xlsx") or sort not in FOLD_SORTS:
        raise invalid(f"format {fmt!r} / sort {sort!r}: csv|xlsx and one of {FOLD_SORTS}")
    ctx.require("read")
    sel = _selection(selector)
    snap = _snapshot(db, snapshot_id)
    ex = _explained(ctx, sel, snap)
    files = batch_files(ctx)
    folded = fold_rows(ex.rows, sort=sort).page.to_pylist()
    lines = [{**_line(r, files), "basis": sel.basis} for r in folded]
    t = Translator(locale)
    stem = f"lineage-{snap.id[:12]}"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([t(f"lineage.xlsx.col.{c}") for c in CSV_COLUMNS])
        for line in lines:
            line["gases"] = ";".join(f"{g['gas']}={g['co2e_kg']:.6g}" for g in line["gases"])
            w.writerow(safe_row(line.get(c, "") for c in CSV_COLUMNS))  # decision 0035
        return f"{stem}.csv", "\ufeff".encode() + buf.getvalue().encode(), "text/csv; charset=utf-8"
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot
    from lingtan.adapters.io.inventory_export import write_reviewer_xlsx

    inv = inventory_from_snapshot(snap)
    with tempfile.TemporaryDirectory() as d:
        path = write_reviewer_xlsx(
            inv,
            Path(d) / f"{stem}.xlsx",
            t=t,
            site_names=_site_names(db, ctx),
            activity_rows=lines,
            factors=ex.factors,
            lineage_rows=_emission_lines(ex.rows, files),
        )
        return path.name, path.read_bytes(), XLSX_MEDIA


def _site_names(db: Session | None, ctx: Context) -> dict[str, str]:
    """Site code → name of the organisation (a server's tenant: its sites; a workspace opened
    from the command line, ``db`` None: the sites of its ``lingtan.yaml``)."""
    from lingtan.adapters.services.boundary import list_sites
    from lingtan.adapters.services.context import TenantContext

    if db is None or not isinstance(ctx, TenantContext):
        return {s.id: s.name for s in ctx.workspace().config.boundary.sites}
    return {s.code: s.name for s in list_sites(db, ctx)}


def _emission_lines(rows: pa.Table, files: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """The emission rows (row × stream × gas) as Lineage-sheet lines, in row order."""
    from lingtan.adapters.io.inventory_export import LINEAGE_SHEET_COLUMNS

    keep = [c for c in (*LINEAGE_SHEET_COLUMNS, "batch_id", "row_id") if c in rows.column_names]
    ordered = rows.select(keep).sort_by([("row_id", "ascending"), ("stream", "ascending")])
    for r in ordered.to_pylist():
        r["file"] = files.get(str(r["batch_id"]), str(r["batch_id"])[:12])
        r["row"] = int(r["row_id"]) & 0xFFFFFFFF
        yield r


def inventory_workbook(
    db: Session | None, ctx: Context, fiscal_year: str, locale: str = "en"
) -> tuple[str, bytes, str]:
    """The reviewer's XLSX of a fiscal year's newest inventory (:func:`lingtan.adapters.io.
    inventory_export.write_reviewer_xlsx`): summary with shares, gases, activity rows, factors
    and lineage of every row of both bases, headers in ``locale``. The web app, the API and
    ``lingtan inventory --format xlsx`` (``db`` None: a workspace folder) write this one book.

    Raises:
        ServiceError: 404 not calculated yet; 422 not a fiscal year or files missing.
    """
    import tempfile
    from pathlib import Path

    import pyarrow as pa

    from lingtan.adapters.compute.lineage import Selection as Sel
    from lingtan.adapters.compute.lineage import explain_many, fold_rows
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot
    from lingtan.adapters.i18n.messages import Translator
    from lingtan.adapters.io.inventory_export import write_reviewer_xlsx
    from lingtan.adapters.services.calculation import newest_snapshot
    from lingtan.adapters.services.errors import invalid, not_found
    from lingtan.core.errors import LingtanError

    ctx.require("read")
    label, snap = newest_snapshot(ctx, fiscal_year)
    if snap is None:
        raise not_found(f"inventory of {label} (no calculation yet)")
    ws = ctx.workspace()
    try:
        market, location = explain_many(ws, snap, [Sel(basis="market"), Sel(basis="location")])
    except LingtanError as exc:
        raise invalid(str(exc)) from exc
    only_location = location.rows.filter(pa.compute.equal(location.rows["basis"], "location"))
    rows = pa.concat_tables([market.rows, only_location])
    files = batch_files(ctx)
    # one line per activity row and basis: a grid-electricity row has a market-based and a
    # location-based figure, never their sum; the market lines add up to the market total
    lines = sorted(
        (
            {**_line(r, files), "basis": basis}
            for basis, part in (("market", market.rows), ("location", only_location))
            for r in fold_rows(part).page.to_pylist()
        ),
        key=lambda d: (d["row_id"], d["basis"] != "market"),
    )
    factors = {f["factor_id"]: f for f in [*market.factors, *location.factors]}
    inv = inventory_from_snapshot(snap, ws.snapshots_dir)
    stem = f"inventory-{inv.fiscal_year.replace('/', '-')}"
    with tempfile.TemporaryDirectory() as d:
        path = write_reviewer_xlsx(
            inv,
            Path(d) / f"{stem}.xlsx",
            t=Translator(locale),
            site_names=_site_names(db, ctx),
            activity_rows=lines,
            factors=sorted(factors.values(), key=lambda f: (f["set"], f["factor_id"])),
            lineage_rows=_emission_lines(rows, files),
        )
        return path.name, path.read_bytes(), XLSX_MEDIA


# -- meters behind rollup rows (issue 16 item 2, decision 0073) ------------------------------------


def meter_lineage(ctx: Context, rows: pa.Table) -> dict[int, list[dict[str, Any]]]:
    """For the activity rows of ``rows`` (emission rows with ``row_id``, ``batch_id``,
    ``source_row``) that came from an energy rollup batch: row id → the meters behind it,
    each with its first and last interval (UTC starts), the intervals counted and expected,
    the value [meter unit], its sign and the reading batches
    (:func:`lingtan.adapters.services.energy_rollup.rollup_lineage`). Rows of other batches
    are left out."""
    from lingtan.adapters.services.energy_rollup import manifest

    if rows.num_rows == 0 or not {"row_id", "batch_id"} <= set(rows.column_names):
        return {}
    out: dict[int, list[dict[str, Any]]] = {}
    docs: dict[str, dict[str, Any] | None] = {}
    for row_id, batch_id in zip(
        rows["row_id"].to_pylist(), rows["batch_id"].to_pylist(), strict=True
    ):
        if row_id in out:
            continue
        if batch_id not in docs:
            docs[batch_id] = manifest(ctx, str(batch_id))
        doc = docs[batch_id]
        if doc is None:
            continue
        line = doc["rows"].get(str(int(row_id) & 0xFFFFFFFF))
        if line:
            out[int(row_id)] = list(line["meters"])
    return out


def meter_lines(meters: list[dict[str, Any]], locale: str | None = None) -> list[str]:
    """One line per meter of :func:`meter_lineage` in ``locale`` (None: the command line's):
    ``meter HF-M-001: 2024-04-01T00:00 … 2024-04-30T23:45 UTC, 2880 of 2880 intervals,
    +12 345 kWh, reading batches 1a2b…``."""
    from lingtan.adapters.i18n.messages import Translator

    if not meters:
        return []
    if locale is None:
        from lingtan.adapters.i18n.rows import cli_locale

        locale = cli_locale()
    t = Translator(locale)
    return [
        t(
            "rollup.explain.meter",
            meter=m["meter"],
            first=str(m.get("first_ts") or "—")[:16],
            last=str(m.get("last_ts") or "—")[:16],
            intervals=m["intervals"],
            expected=m["expected_intervals"],
            value=f"{m['sign'] * m['value']:+,.6g}",
            unit=m["unit"],
            batches=", ".join(b[:12] for b in m.get("reading_batches") or []),
        )
        for m in meters
    ]
