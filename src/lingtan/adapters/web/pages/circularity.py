"""The web app's circularity ledgers and KPIs (issue 19 item 5, decision 0100):
``/o/<org>/circularity`` — the eight KPIs of a year as cards (avoided emissions labelled
AVOIDED, never deducted from the inventory), the five ledgers' rows (synthetic rows marked),
each ledger's import form (CSV or XLSX, all or nothing, every wrong cell named in the user's
language) and its CSV template, and removing a row.

Every change goes through :mod:`lingtan.adapters.services.circularity`: a refused import is
shown again with the reason and each wrong cell (file, row, column, reason), its writes rolled
back; a change that went through redirects (303) with a confirmation. Reading needs ``read``;
importing and removing ``edit_data`` (403 page otherwise). Every POST carries the CSRF token
(the pages' router checks it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import circularity as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import fy_label, org_render, refused_change, upload_bytes
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.circularity import kpis as km
from lingtan.modules.circularity import ledgers as lm

router = APIRouter()

#: what the confirmation after a change may say (``circ.done.<key>``)
DONE = frozenset({"imported", "removed"})
#: the columns each ledger's table shows (labels ``circ.col.<name>``)
SHOWN: dict[str, tuple[str, ...]] = {
    "materials": ("year", "material", "product_line", "gross_kg", "net_kg", "ef_virgin",
                  "ef_recycled", "ef_source", "certificate"),
    "packaging": ("year", "line", "material", "kg_per_unit_before", "kg_per_unit_after", "units",
                  "avoided_kg"),
    "returnables": ("programme", "asset_kind", "site", "period_start", "period_end", "issued",
                    "returned", "lost"),
    "takeback": ("day", "programme", "customer", "device_category", "count", "kg", "route",
                 "recycler", "sanitisation_cert"),
    "recyclers": ("code", "name", "region", "services", "status", "supplier_audit",
                  "environmental_audit", "document_approval", "oecd_export_ok", "expires"),
}  # fmt: skip


#: the ledgers whose rows belong to a year (every recycler is listed whatever the year)
DATED = ("materials", "packaging", "returnables", "takeback")


def _years(op: OrgPage) -> list[str]:
    """The fiscal years offered: those with a calendared inventory, and the current one."""
    ws = op.tenant.workspace()
    years = {s.fiscal_year for s in ws.snapshots()}
    today = datetime.now(UTC).date()
    years.add(ws.config.calendar.of(today).label)
    previous = ws.config.calendar.of(ws.config.calendar.of(today).start.replace(day=1)
                                     - timedelta(days=1))  # fmt: skip
    years.add(previous.label)
    return sorted(years, reverse=True)


def _newest_with_rows(op: OrgPage, years: list[str]) -> str:
    """The newest of ``years`` whose dated ledgers have a row (the newest when none has): the
    page opens on the year the ledgers are about, not on an empty current year."""
    for y in years:
        try:
            if any(sv.list_rows(op.db, op.tenant, kind, year=y) for kind in DATED):
                return y
        except sv.CircError:  # a year the ledgers cannot read: the next one
            continue
    return years[0] if years else ""


def _page(
    request: Request,
    op: OrgPage,
    year: str,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page: KPI cards of ``year``, the ledgers (rows of the year; every recycler)."""
    years = _years(op)
    chosen = fy_label(year) if year else _newest_with_rows(op, years)
    period: km.Period | None = None
    figures: list[km.Figure] = []
    year_error = ""
    if chosen:
        try:
            period, figures = sv.compute_kpis(op.db, op.tenant, chosen)
        except sv.CircError as exc:
            if exc.kind != "invalid":
                raise
            year_error = exc.key
    ledgers: dict[str, list[dict[str, Any]]] = {}
    for kind in lm.KINDS:
        rows = sv.list_rows(op.db, op.tenant, kind,
                            year=period.label if period is not None else None)  # fmt: skip
        ledgers[kind] = [sv.row_dict(kind, r) for r in rows]
    heads = km.headline(figures)
    return org_render(
        request, op, "circularity.html", "disclosure",
        sub="circularity", year=period.label if period else chosen, years=years,
        year_error=year_error, period=period, figures=figures, heads=heads, kpis=km.KPIS,
        ledgers=ledgers, kinds=lm.KINDS, shown=SHOWN, can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/circularity", response_class=HTMLResponse)
def circularity_page(
    request: Request,
    op: OrgDep,
    year: Annotated[str, Query(max_length=12)] = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The eight KPIs of a year, the ledgers and the import forms."""
    op.require("read")
    return _page(request, op, year, done=done)


@router.post("/o/{org}/circularity/{kind}/import", response_model=None)
def circularity_import(
    request: Request, op: OrgDep, kind: str, file: Annotated[UploadFile, File()]
) -> Response:
    """Import a ledger's file (all or nothing); the page again with every wrong cell."""
    op.require("edit_data")
    try:
        data = upload_bytes(file)
        sv.import_rows(op.db, op.tenant, kind, data, file.filename or f"{kind}.csv")
    except ServiceError as exc:
        _, text = refused_change(request, op, exc, sv.CircError, kinds={"invalid", "conflict",
                                                                        "too_large"})  # fmt: skip
        return _page(request, op, "", errors={kind: text}, status_code=422)
    return RedirectResponse(f"/o/{op.org.slug}/circularity?done=imported#{kind}", status_code=303)


@router.get("/o/{org}/circularity/{kind}/template", response_model=None)
def circularity_template(op: OrgDep, kind: str) -> Response:
    """A ledger's CSV template (header and an example row)."""
    op.require("read")
    data = sv.template(kind)
    return Response(
        data, media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{kind}-template.csv"'},
    )  # fmt: skip


@router.post("/o/{org}/circularity/{kind}/{row_id:int}/delete", response_model=None)
def circularity_delete(op: OrgDep, kind: str, row_id: int) -> Response:
    """Remove a row of a ledger."""
    op.require("edit_data")
    sv.delete_row(op.db, op.tenant, kind, row_id)
    return RedirectResponse(f"/o/{op.org.slug}/circularity?done=removed#{kind}", status_code=303)
