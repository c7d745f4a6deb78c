"""``/o/<org>/risks/sites`` in the web app: physical risk per site (issue 17 item 5, decision
0083) — the site map with its hazard layers (hazard, pathway, year; markers sized and coloured
by expected annual damage + business interruption, or by a chronic hazard's value) with the
per-site table beside it, the group's roll-up, the IFRS S2 ¶29(c) shares, the exposure form and
the import form (exposure file, indicator file, OS-Climate physrisk document); and
``/o/<org>/risks/sites/<site>`` (a site's exposure, indicators and results per pathway and
year, remove its exposure record).

Every form is checked by :mod:`lingtan.adapters.services.risk_hazards`: a refused change is
shown again with the reason in the user's language (``hazards.err.*``, ``hazards.file.*``)
and its writes rolled back; a change that went through redirects (303) with a confirmation.
Reading needs ``read``; changing ``edit_data``. Every POST carries the CSRF token.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import risk_hazards as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web import site_map
from lingtan.adapters.web.formatting import fmt_compact, fmt_number
from lingtan.adapters.web.pages._common import org_render, upload_bytes
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.risk import physical as ph

router = APIRouter()

#: what the confirmation after a change may say (``hazards.done.<key>``)
DONE = frozenset({"saved", "imported", "removed"})
Text = Annotated[str, Form(max_length=300)]
Filter = Annotated[str, Query(max_length=40)]
IMPORT_KINDS = ("exposure", "table", "physrisk")


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    """The reason of a refused change in the user's language (writes rolled back); other
    errors (403, 404 …) go to the error page."""
    if not isinstance(exc, sv.HazardsError):
        raise exc
    op.db.rollback()
    t = translator(request)
    text = t(exc.key, **exc.params)
    if isinstance(exc, sv.HazardsFileError):
        text = "\n".join([text, *sv.row_error_lines(exc.errors, t.locale)])
    return text


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _layer(op: OrgPage, pathway: str, year: str) -> tuple[list[tuple[str, int]], str, int]:
    """The layers with data and the one chosen (default: the last pathway's latest year)."""
    layers = sv.layers(op.db, op.tenant)
    chosen = [(p, y) for p, y in layers if p == pathway and str(y) == year]
    if chosen:
        return layers, chosen[0][0], chosen[0][1]
    if layers:
        p = layers[-1][0]
        return layers, p, max(y for q, y in layers if q == p)
    return layers, "", 0


def _value(risk: ph.SiteRisk, hazard: str) -> float | None:
    """What a site's marker shows: EAD + BI (all acute hazards, or one), or a chronic value."""
    if hazard in ph.HAZARDS and ph.HAZARDS[hazard].kind == "chronic":
        return risk.chronic.get(hazard)
    losses = [h for h in risk.losses if not hazard or h.hazard == hazard]
    if not losses:
        return None
    return sum(h.ead + h.bi for h in losses)


def _page(
    request: Request,
    op: OrgPage,
    *,
    hazard: str = "",
    pathway: str = "",
    year: str = "",
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    t = translator(request)
    hazard = hazard if hazard in ph.HAZARDS else ""
    layers, p, y = _layer(op, pathway, year)
    exposures = sv.list_exposure(op.db, op.tenant)
    risks = sv.site_risks(op.db, op.tenant, p, y) if p else None
    by_site = {r.site: r for r in risks.sites} if risks else {}
    chronic = bool(hazard) and ph.HAZARDS[hazard].kind == "chronic"
    unit = ph.HAZARDS[hazard].unit if chronic else ""
    currency = exposures[0].currency if exposures else ""
    points = []
    for e in exposures:
        r = by_site.get(e.site)
        v = _value(r, hazard) if r else None
        shown = "—" if v is None else (f"{fmt_number(v, 1, t.locale)} {unit}" if chronic
                                       else f"{fmt_compact(v, t.locale)} {currency}")  # fmt: skip
        points.append(site_map.MapPoint(e.site, e.latitude, e.longitude, v, f"{e.site}: {shown}"))
    hazard_name = t(f"hazards.hazard.{hazard}") if hazard else t("hazards.map.all")
    layer_name = t("hazards.layer", pathway=p, year=y if y else t("hazards.baseline"))
    svg = site_map.svg(
        points,
        label=t("hazards.map.label", hazard=hazard_name, layer=layer_name if p else "—"),
        x_title=t("hazards.map.x"), y_title=t("hazards.map.y"),
        legend_title=(t("hazards.map.legend_chronic", hazard=hazard_name, unit=unit) if chronic
                      else t("hazards.map.legend", currency=currency)),
        fmt=(lambda v: fmt_number(v, 1, t.locale)) if chronic
        else (lambda v: fmt_compact(v, t.locale)),
        no_data=t("hazards.map.no_data"),
    )  # fmt: skip
    return org_render(
        request, op, "risk_hazards.html", "risks",
        sub="sites", svg=svg, layers=layers, pathway=p, year=y, hazard=hazard,
        hazards=ph.HAZARDS, exposures=exposures, risks=risks, by_site=by_site,
        values_of={e.site: points[i].value for i, e in enumerate(exposures)},
        shares=sv.shares(op.db, op.tenant, p, y) if p else [], currency=currency,
        curves=sv.curves(op.db, op.tenant),
        sites=sorted(op.tenant.workspace().config.site_regions()),
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, kinds=IMPORT_KINDS, chronic=chronic,
        unit=unit, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/risks/sites", response_class=HTMLResponse)
def sites_page(
    request: Request,
    op: OrgDep,
    hazard: Filter = "",
    pathway: Filter = "",
    year: Filter = "",
    done: Filter = "",
) -> HTMLResponse:
    """The site map, the per-site table, the roll-up, the ¶29(c) shares and the forms."""
    op.require("read")
    return _page(request, op, hazard=hazard, pathway=pathway, year=year, done=done)


@router.post("/o/{org}/risks/sites/exposure", response_model=None)
def exposure_save(
    request: Request,
    op: OrgDep,
    site: Text = "",
    latitude: Text = "",
    longitude: Text = "",
    asset_value: Text = "",
    revenue_per_day: Text = "",
    currency: Text = "",
    bi_days: Text = "",
) -> Response:
    """Record or replace a site's exposure; the page again with the reason when refused."""
    op.require("edit_data")
    fields = {"site": site, "latitude": latitude, "longitude": longitude,
              "asset_value": asset_value, "revenue_per_day": revenue_per_day,
              "currency": currency, "bi_days": bi_days}  # fmt: skip
    try:
        sv.set_exposure(op.db, op.tenant, fields)
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, errors={"exposure": text}, values={"exposure": fields},
                     status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/risks/sites/{quote(site.strip(), safe='')}?done=saved")


@router.post("/o/{org}/risks/sites/import", response_model=None)
def sites_import(
    request: Request,
    op: OrgDep,
    file: Annotated[UploadFile, File()],
    kind: Text = "table",
) -> Response:
    """Import an exposure file, an indicator file or a physrisk document (all or nothing);
    the page again with every wrong cell."""
    op.require("edit_data")
    try:
        data = upload_bytes(file)
        name = file.filename or "hazards.csv"
        if kind == "exposure":
            sv.import_exposure(op.db, op.tenant, data, name)
        else:
            sv.import_hazards(op.db, op.tenant, data, name,
                              fmt=kind if kind in IMPORT_KINDS else None)  # fmt: skip
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, errors={"import": text}, values={"import": {"kind": kind}},
                     status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/risks/sites?done=imported")


# ---- one site -----------------------------------------------------------------------------


@router.get("/o/{org}/risks/sites/{site}", response_class=HTMLResponse)
def site_page(request: Request, op: OrgDep, site: str, done: Filter = "") -> HTMLResponse:
    """A site's exposure, its indicators and its results under each pathway and year."""
    op.require("read")
    row = sv.get_exposure(op.db, op.tenant, site)
    results = []
    for p, y in sv.layers(op.db, op.tenant):
        r = next((s for s in sv.site_risks(op.db, op.tenant, p, y).sites if s.site == site), None)
        if r is not None:
            results.append((p, y, r))
    return org_render(
        request, op, "risk_hazards_site.html", "risks",
        sub="sites", exposure=row, results=results,
        indicators=sv.list_indicators(op.db, op.tenant, site=site), hazards=ph.HAZARDS,
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
    )  # fmt: skip


@router.post("/o/{org}/risks/sites/{site}/delete", response_model=None)
def site_delete(op: OrgDep, site: str) -> Response:
    """Remove the site's exposure record (its indicators stay)."""
    op.require("edit_data")
    sv.delete_exposure(op.db, op.tenant, site)
    return _redirect(f"/o/{op.org.slug}/risks/sites?done=removed")
