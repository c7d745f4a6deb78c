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
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.api.routes.common import FigureSelection
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web import backend, charts
from lingtan.adapters.web.pages._common import fy_label, fy_slug, org_render
from lingtan.adapters.web.rendering import query_string, translator
from lingtan.adapters.web.session import OrgDep, OrgPage, bad_request, not_found
from lingtan.adapters.web.tables import breakdown_rows, scope_category_rows
from lingtan.core.gas_table import COLUMNS, KYOTO_GROUPS, SCOPES

router = APIRouter()

#: Rows of a lineage shown per page (all of them are in the API's CSV download).
LINEAGE_PAGE = 100
SELECTION_ORDER = ("scope", "category", "site", "month", "gas", "basis", "offset")
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


@router.get("/o/{org}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, op: OrgDep, fy: str | None = None) -> HTMLResponse:
    """Total, scope split, Scope 3 categories, trend with the base year, top sites, quality."""
    view = backend.inventory_view(op.db, op.tenant, fy)
    inv = view.inventory
    ctx: dict[str, Any] = {"fy": view.fiscal_year, "years": view.years, "base_year": view.base_year}
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
        lineage_url=lineage_linker(op, inv["snapshot_id"]),
        cell_state=cell_state,
        state_text=state_text,
        gas_scopes=list(SCOPES),
        gas_rows=gas_rows(inv),
    )


@router.get("/o/{org}/lineage/{snapshot_id}", response_class=HTMLResponse)
def lineage(
    request: Request,
    op: OrgDep,
    snapshot_id: str,
    figure: Annotated[FigureSelection, Depends()],
    offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> HTMLResponse:
    """The activity rows, factors and arithmetic behind one inventory figure."""
    op.require("read")
    sel, basis = figure.where, figure.basis
    if "category" in sel and "scope" not in sel:
        raise bad_request("category needs scope")
    ex = backend.explain(
        op.db, op.tenant, snapshot_id, figure.selector(), offset=offset, limit=LINEAGE_PAGE
    )
    if ex is None:
        raise not_found(snapshot_id[:16])
    t = translator(request)
    shown_to = offset + len(ex["rows"])
    next_url = None
    if shown_to < ex["total_rows"]:
        next_url = f"/o/{op.org.slug}/lineage/{snapshot_id}?" + query_string(
            {**sel, "basis": basis, "offset": shown_to}
        )
    return org_render(
        request,
        op,
        "lineage.html",
        "inventory",
        ex=ex,
        selection_text=describe(sel, basis, t),
        back_url=f"/o/{op.org.slug}/inventory/{fy_slug(ex['fiscal_year'])}",
        next_url=next_url,
    )
