"""Dashboard, inventory tables and lineage: from the total down to the activity rows.

Three clicks from the dashboard's total to the rows behind a figure: total → inventory table
(every figure a link) → lineage (rows, factors, arithmetic, recomputed and checked). An
incomplete inventory (docs/completeness.md) carries a banner on both pages that links to the
inventory page's "not calculated" section (``#not-calculated``). The inventory page ends with
the table by greenhouse gas (ISO 14064-1:2018 §9.3.1; GHG Protocol Corporate Standard ch. 9),
biogenic CO2 on its own line outside the scopes (:func:`gas_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.api.routes.common import FigureSelection, file_response
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web import backend, charts
from lingtan.adapters.web.pages._common import fy_label, fy_slug, org_render
from lingtan.adapters.web.pages.supplier_reviews import overdue_block  # decision 0064
from lingtan.adapters.web.rendering import query_string, translator
from lingtan.adapters.web.session import OrgDep, OrgPage, bad_request, not_found
from lingtan.adapters.web.tables import Figure, breakdown_rows, scope_category_rows
from lingtan.core.gas_table import COLUMNS, KYOTO_GROUPS, SCOPES
from lingtan.core.inventory import UNATTRIBUTED

router = APIRouter()

#: Rows of a lineage shown per page (all of them are in the API's CSV download).
LINEAGE_PAGE = 100
SELECTION_ORDER = (
    "scope", "category", "site", "month", "gas", "supplier", "product", "basis", "offset",
)  # fmt: skip
CHART_ORDER = ("scope_split", "scope3_categories", "trend", "top_sites")


def lineage_linker(op: OrgPage, snapshot_id: str) -> Callable[..., str]:
    """``link(scope=3, category=1, basis="market")`` → the lineage page of that figure."""

    def link(**sel: Any) -> str:
        ordered = {k: sel[k] for k in SELECTION_ORDER if k in sel}
        return f"/o/{op.org.slug}/lineage/{snapshot_id}?{query_string(ordered)}"

    return link


def describe(sel: Mapping[str, Any], basis: str, t: Translator) -> str:
    """The figure a selection names, in words: ``Scope 3 · 1. purchased goods … (market-based)``."""
    parts: list[str] = []
    scope, cat = sel.get("scope"), sel.get("category")
    if scope is not None:
        parts.append(t(f"scope.{scope}"))
        if cat is not None:
            parts.append(f"{cat}. {t(f'cat.{scope}.{cat}')}")
    for key in ("site", "month", "gas"):
        if sel.get(key) is not None:
            v = sel[key]
            parts.append(f"{t('col.' + key)} {t('site.org_level') if v == '*' else v}")
    labels = {"supplier": t("lineage.inv.col.supplier"), "product": t("lineage.inv.col.product")}
    for key, label in labels.items():  # decision 0044
        if sel.get(key) is not None:
            v = t("lineage.inv.unattributed") if sel[key] == UNATTRIBUTED else sel[key]
            parts.append(f"{label} {v}")
    if not parts:
        parts.append(t("kpi.total"))
    return " · ".join(parts) + f" ({t('basis.' + basis)})"


def gas_rows(inv: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of the table by greenhouse gas from the inventory document's ``by_kyoto_gas``
    (docs/output.md): the seven Kyoto gases, the other columns where used, the scope totals
    [t CO2e; t of gas per cell], then biogenic CO2 outside the scopes [t CO2]. Empty when the
    inventory has no table (its ``by_kyoto_gas_note`` says why)."""
    table = inv.get("by_kyoto_gas")
    if not table:
        return []
    scopes = table["scopes"]
    rows: list[dict[str, Any]] = []
    for col in COLUMNS:
        cells = [scopes[s][col] for s in SCOPES]
        if col in KYOTO_GROUPS or any(c["t_co2e"] for c in cells):
            rows.append({"kind": "gas", "key": col, "cells": cells})
    totals = [{"t_co2e": scopes[s]["total_t_co2e"], "t_gas": None} for s in SCOPES]
    rows.append({"kind": "total", "key": "total", "cells": totals})
    bio = table["biogenic_co2_t_outside_scopes"]
    cells = [{"t_co2e": bio.get(s, 0.0), "t_gas": bio.get(s, 0.0)} for s in SCOPES]
    rows.append({"kind": "biogenic", "key": "biogenic", "cells": cells})
    return rows


def cell_states(
    inv: Mapping[str, Any], t: Translator
) -> tuple[Callable[[str, str], str], Callable[[str, str], str]]:
    """What a category cell shows instead of a number (docs/completeness.md): ``not_split``
    (a scope disclosed without a split), ``excluded`` (Scope 3 category in the exclusions
    register), ``not_reported`` (Scope 3, no data and no reason), ``not_calculated`` (its rows
    failed); "" for a number. Returns (state of scope and category, its text)."""
    comp = inv.get("completeness") or {}
    split = inv.get("split") or {}
    scope3 = comp.get("scope3_categories") or {}
    reasons = {str(e["category"]): e["reason"] for e in comp.get("exclusions") or []}

    def state(scope: str, category: str) -> str:
        if split.get(f"scope{scope}") is False:
            return "not_split"
        if scope != "3":
            return ""
        s3 = scope3.get(category, "")
        return s3 if s3 in ("excluded", "not_reported", "not_calculated") else ""

    def text(state: str, category: str) -> str:
        if state == "excluded":
            reason = t("completeness.reason." + reasons.get(category, "other"))
            return f"{t('completeness.excluded')}: {reason}"
        if state == "not_reported":
            return "—"
        return t("completeness." + state)

    return state, text


def dimension_rows(inv: Mapping[str, Any]) -> dict[str, list[tuple[str, Figure]]]:
    """The breakdowns by supplier and by product (decision 0044) the inventory has
    (``by_supplier_tco2e`` / ``by_product_tco2e``; absent when no row names one), largest
    first, ``unattributed`` (rows without one) last; each figure links to its lineage."""
    out: dict[str, list[tuple[str, Figure]]] = {}
    for dim in ("supplier", "product"):
        data = inv.get(f"by_{dim}_tco2e")
        if not data:
            continue
        items = sorted(data.items(), key=lambda kv: (kv[0] == UNATTRIBUTED, -(kv[1] or 0.0)))
        out[dim] = [(k, Figure(v, {dim: k}, "market")) for k, v in items]
    return out


@router.get("/o/{org}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, op: OrgDep, fy: str | None = None) -> HTMLResponse:
    """Total, scope split, Scope 3 categories, trend with the base year, top sites, quality."""
    view = backend.inventory_view(op.db, op.tenant, fy)
    inv = view.inventory
    ctx: dict[str, Any] = {"fy": view.fiscal_year, "years": view.years, "base_year": view.base_year}
    ctx["overdue_caps"] = overdue_block(op)  # overdue supplier plans (issue 15, decision 0064)
    if inv is None:
        return org_render(request, op, "dashboard.html", "dashboard", inv=None, **ctx)
    t = translator(request)
    link = lineage_linker(op, inv["snapshot_id"])

    def drill(sel: Mapping[str, Any]) -> str:
        return link(**sel)

    trend = charts.trend(
        view.trend,
        view.base_year,
        t,
        link=lambda y: f"/o/{op.org.slug}/dashboard?{query_string({'fy': y})}",
    )
    dq = inv.get("data_quality") or {}
    return org_render(
        request,
        op,
        "dashboard.html",
        "dashboard",
        inv=inv,
        charts={
            "scope_split": charts.scope_split(inv, t, drill),
            "scope3_categories": charts.scope3_categories(inv, t, drill),
            "trend": trend,
            "top_sites": charts.top_sites(inv, t, drill),
        },
        chart_order=CHART_ORDER,
        dq_score=(dq.get("overall") or {}).get("score"),
        worst=(dq.get("worst_contributors") or [])[:5],
        inventory_url=f"/o/{op.org.slug}/inventory/{fy_slug(inv['fiscal_year'])}",
        lineage_url=link,
        **ctx,
    )


@router.get("/o/{org}/inventory", response_model=None)
def inventory_latest(request: Request, op: OrgDep, fy: str | None = None) -> Response:
    """The latest fiscal year's inventory (or ``?fy=``)."""
    view = backend.inventory_view(op.db, op.tenant, fy)
    if view.fiscal_year is None:
        return org_render(request, op, "inventory.html", "inventory", inv=None, fy="", years=[])
    return RedirectResponse(
        f"/o/{op.org.slug}/inventory/{fy_slug(view.fiscal_year)}", status_code=302
    )


@router.get("/o/{org}/inventory/{fy}", response_model=None)
def inventory(request: Request, op: OrgDep, fy: str) -> Response:
    """The inventory by scope/category, site, month, gas and entity; every figure a link."""
    if request.query_params.get("fy"):  # the year picker
        target = fy_slug(request.query_params["fy"])
        return RedirectResponse(f"/o/{op.org.slug}/inventory/{target}", status_code=302)
    view = backend.inventory_view(op.db, op.tenant, fy_label(fy))
    inv = view.inventory
    if inv is None:
        raise not_found(fy_label(fy))
    cell_state, state_text = cell_states(inv, translator(request))
    bounds = backend.boundary(op.db, op.tenant)
    slug = f"/o/{op.org.slug}/inventory/{fy_slug(inv['fiscal_year'])}/download"
    return org_render(
        request,
        op,
        "inventory.html",
        "inventory",
        inv=inv,
        fy=view.fiscal_year,
        years=view.years,
        base_year=view.base_year,
        scope_rows=scope_category_rows(inv),
        breakdowns={d: breakdown_rows(inv, d) for d in ("site", "month", "gas", "entity")},
        dimensions=dimension_rows(inv),
        names={
            "site": {s.code: s.name for s in bounds.sites},
            "entity": {e.code: e.name for e in bounds.entities},
        },
        downloads={"csv": f"{slug}?format=csv", "xlsx": f"{slug}?format=xlsx"},
        lineage_url=lineage_linker(op, inv["snapshot_id"]),
        cell_state=cell_state,
        state_text=state_text,
        gas_scopes=list(SCOPES),
        gas_rows=gas_rows(inv),
    )


def _lineage_call(call: Callable[[], Any], what: str) -> Any:
    """Run a lineage service call; its "no such snapshot" / "files missing" becomes a 404 page."""
    try:
        return call()
    except ServiceError as exc:
        if http_status(exc) in (404, 422):
            raise not_found(what) from exc
        raise


def page_links(page: int, pages: int, url: Callable[[int], str]) -> list[tuple[int | None, str]]:
    """Links of a pager: the first, last and two either side of ``page``; ``(None, "")`` for a
    gap (``1 … 4 5 6 7 8 … 100``)."""
    keep = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[tuple[int | None, str]] = []
    for i, p in enumerate(keep):
        if i and p - keep[i - 1] > 1:
            out.append((None, ""))
        out.append((p, url(p)))
    return out


@router.get("/o/{org}/lineage/{snapshot_id}", response_class=HTMLResponse)
def lineage(
    request: Request,
    op: OrgDep,
    snapshot_id: str,
    figure: Annotated[FigureSelection, Depends()],
    page: Annotated[int, Query(ge=1, le=10_000_000)] = 1,
    sort: Literal["row", "co2e_desc", "co2e_asc"] = "row",
    offset: Annotated[int | None, Query(ge=0, le=100_000_000)] = None,
) -> HTMLResponse:
    """The activity rows behind one inventory figure, one line per row (file name and row
    number, factors, kg CO2e per unit, CO2e; gases on demand), :data:`LINEAGE_PAGE` a page,
    with the figure's check and CSV/XLSX downloads of all rows (decision 0057). ``offset``
    (links of earlier versions) is read as the page that holds that row."""
    from lingtan.adapters.services.lineage import lineage_page

    op.require("read")
    sel, basis = figure.where, figure.basis
    if "category" in sel and "scope" not in sel:
        raise bad_request("category needs scope")
    if offset is not None:
        page = offset // LINEAGE_PAGE + 1
    ex = _lineage_call(
        lambda: lineage_page(
            op.db, op.tenant, snapshot_id, figure.selector(),
            page=page, page_size=LINEAGE_PAGE, sort=sort,
        ),
        snapshot_id[:16],
    )  # fmt: skip
    t = translator(request)
    base = f"/o/{op.org.slug}/lineage/{snapshot_id}"

    def url(p: int, s: str = sort) -> str:
        return f"{base}?" + query_string({**sel, "basis": basis, "sort": s, "page": p})

    def download(fmt: str) -> str:
        q = {**sel, "basis": basis, "sort": sort, "format": fmt, "lang": t.locale}
        return f"{base}/download?" + query_string(q)

    return org_render(
        request,
        op,
        "lineage.html",
        "inventory",
        ex=ex,
        selection_text=describe(sel, basis, t),
        back_url=f"/o/{op.org.slug}/inventory/{fy_slug(ex['fiscal_year'])}",
        prev_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < ex["pages"] else None,
        pager=page_links(ex["page"], ex["pages"], url),
        sorts=[(s, url(1, s)) for s in ("row", "co2e_desc", "co2e_asc")],
        csv_url=download("csv"),
        xlsx_url=download("xlsx"),
    )


@router.get("/o/{org}/lineage/{snapshot_id}/download", response_model=None)
def lineage_download(
    request: Request,
    op: OrgDep,
    snapshot_id: str,
    figure: Annotated[FigureSelection, Depends()],
    format: Literal["csv", "xlsx"] = "csv",
    sort: Literal["row", "co2e_desc", "co2e_asc"] = "row",
) -> Response:
    """Every activity row of a figure's lineage as CSV (headers in the page's language) or
    XLSX (summary, gases, activity rows, factors and lineage sheets)."""
    from lingtan.adapters.services.lineage import lineage_download as download

    op.require("read")
    loc = translator(request).locale
    name, data, media = _lineage_call(
        lambda: download(
            op.db, op.tenant, snapshot_id, figure.selector(), format, sort=sort, locale=loc
        ),
        snapshot_id[:16],
    )
    return file_response(name, data, media)


@router.get("/o/{org}/inventory/{fy}/download", response_model=None)
def inventory_download(
    request: Request, op: OrgDep, fy: str, format: Literal["csv", "xlsx"] = "xlsx"
) -> Response:
    """The inventory as CSV (long format, shares of the total of their basis) or as the
    reviewer's XLSX workbook (headers in the page's language; decision 0057)."""
    from lingtan.adapters.services import inventory_download as csv_download
    from lingtan.adapters.services.lineage import inventory_workbook

    op.require("read")
    loc = translator(request).locale
    if format == "csv":
        name, data, media = _lineage_call(
            lambda: csv_download(op.tenant, fy_label(fy), "csv"), fy_label(fy)
        )
    else:
        name, data, media = _lineage_call(
            lambda: inventory_workbook(op.db, op.tenant, fy_label(fy), loc), fy_label(fy)
        )
    return file_response(name, data, media)
