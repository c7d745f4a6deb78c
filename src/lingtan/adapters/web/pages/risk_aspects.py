"""``/o/<org>/risks/aspects`` in the web app: significant environmental aspects (issue 17 item 3,
ISO 14001:2015 §6.1.2, decision 0081).

- ``/o/<org>/risks/aspects``: the aspects with their ratings and significance (filters: site,
  condition, significance), the significance configuration (lingtan's defaults labelled) and
  its form, the aspects whose semi-annual monitoring is due, the add and import forms, the
  export;
- ``/o/<org>/risks/aspects/<id>``: one aspect with its scores, rating, objectives (linked KPIs),
  linked register risk and monitoring history, the edit (scores included), monitoring and
  remove forms.

Every form is checked by :mod:`lingtan.adapters.services.risk_aspects`: a refused change is shown
again with the reason in the user's language (``aspects.err.*``) and its writes rolled back; a
change that went through redirects (303) with a confirmation. Reading needs ``read``; changing
``edit_data`` (403 page otherwise). Every POST carries the CSRF token (the pages' router checks
it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import risk_aspects as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, refused_change, upload_bytes
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.risk import aspects as am

router = APIRouter()

#: what the confirmation after a change may say (``aspects.done.<key>``)
DONE = frozenset({"added", "saved", "monitored", "removed", "imported", "configured"})
Text = Annotated[str, Form(max_length=2000)]
Filter = Annotated[str, Query(max_length=80)]
#: the fields of the add and edit forms
_FIELDS = ("code", "aspect", "activity", "site", "condition", "value_chain", *sv.SCORE_FIELDS,
           "risk_code", "fiscal_year", "source", "note")  # fmt: skip


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> tuple[str, str]:
    """``(field, message in the user's language)`` of a refused change, whose writes are rolled
    back; other errors (403, 404 …) go to the error page."""
    kinds = ("invalid", "conflict", "too_large")
    return refused_change(request, op, exc, sv.AspectsError, kinds=kinds)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _objectives_text(text: str) -> list[str]:
    """The objectives textarea: one objective a line (``text|KPI`` links a KPI)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _form_fields(values: dict[str, str], *, keep_blank: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {k: v for k, v in values.items()
                              if k != "objectives" and (keep_blank or v.strip())}  # fmt: skip
    if "objectives" in values:
        fields["objectives"] = ";".join(_objectives_text(values["objectives"]))
    return fields


#: the significance map's plot area [px]: left, top, width, height (axes 1 … 5)
_MAP = (40, 10, 300, 300)


def _xy(env: float, bus: float) -> tuple[float, float]:
    """Map coordinates of (env, bus), both 1 … 5 (bus upwards)."""
    left, top, width, height = _MAP
    return (round(left + (env - 1) / 4 * width, 1), round(top + (5 - bus) / 4 * height, 1))


def significance_map(rows: list[Any], config: am.Significance) -> dict[str, Any]:
    """A server-side SVG of the rated aspects: env (x, 1–5) × bus (y, 1–5), each aspect a dot
    (significant ones marked), and the threshold curve env × bus = θ (drawn for the ``mean``
    and ``max`` aggregates alike: overall is env × bus either way)."""
    points = [{"code": r.code, "id": r.id, "significant": bool(r.significant),
               "x": _xy(r.env, r.bus)[0], "y": _xy(r.env, r.bus)[1],
               "env": r.env, "bus": r.bus, "overall": r.overall}
              for r in rows if r.env is not None and r.bus is not None]  # fmt: skip
    curve = []
    steps = 40
    for i in range(steps + 1):
        env = 1 + 4 * i / steps
        bus = config.threshold / env
        if 1 <= bus <= 5:
            curve.append("{},{}".format(*_xy(env, bus)))
    left, top, width, height = _MAP
    ticks = [{"v": v, "x": _xy(v, 1)[0], "y": _xy(1, v)[1]} for v in range(1, 6)]
    return {"points": points, "curve": " ".join(curve), "ticks": ticks, "left": left,
            "top": top, "right": left + width, "bottom": top + height,
            "width": left + width + 20, "height": top + height + 40}  # fmt: skip


def _page(
    request: Request,
    op: OrgPage,
    filters: dict[str, str],
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The aspects page: the aspects the filters select, the configuration, monitoring due."""
    sites = sorted(op.tenant.workspace().config.site_regions())
    site = filters.get("site", "")
    condition = filters.get("condition", "")
    sig = {"yes": True, "no": False}.get(filters.get("significant", ""))
    rows = sv.list_aspects(
        op.db, op.tenant,
        site=site if site in sites or site == "*" else None,
        condition=condition if condition in am.CONDITIONS else None, significant=sig,
    )  # fmt: skip
    config = sv.get_config(op.db, op.tenant)
    return org_render(
        request, op, "risk_aspects.html", "risks",
        aspects=rows, config=config, default=sv.is_default(config),
        chart=significance_map(rows, config),
        due=sv.monitoring_due(op.db, op.tenant, on=datetime.now(UTC).date()),
        sites=sites, conditions=am.CONDITIONS, value_chain=am.VALUE_CHAIN,
        env_factors=am.ENV_FACTORS, bus_factors=am.BUS_FACTORS,
        columns=sv.FACTOR_COLUMNS, aggregates=am.AGGREGATES,
        filters=filters, can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/risks/aspects", response_class=HTMLResponse)
def aspect_list(
    request: Request,
    op: OrgDep,
    site: Filter = "",
    condition: Filter = "",
    significant: Filter = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The aspects, the significance configuration and the monitoring due."""
    op.require("read")
    filters = {"site": site, "condition": condition, "significant": significant}
    return _page(request, op, filters, done=done)


@router.post("/o/{org}/risks/aspects", response_model=None)
def aspect_add(
    request: Request,
    op: OrgDep,
    code: Text = "",
    aspect: Text = "",
    activity: Text = "",
    site: Text = "",
    condition: Text = "normal",
    value_chain: Text = "",
    objectives: Text = "",
    risk_code: Text = "",
    fiscal_year: Text = "",
    note: Text = "",
) -> Response:
    """Add an aspect (rated later on its page); the page again with the reason when refused."""
    op.require("edit_data")
    values = {"code": code, "aspect": aspect, "activity": activity, "site": site,
              "condition": condition, "value_chain": value_chain, "objectives": objectives,
              "risk_code": risk_code, "fiscal_year": fiscal_year, "note": note}  # fmt: skip
    try:
        row = sv.create_aspect(op.db, op.tenant, _form_fields(values, keep_blank=False)
                               | {"aspect": aspect})  # fmt: skip
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _page(request, op, {}, errors={"add": text, f"add.{field}": text},
                     values={"add": values}, status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/risks/aspects/{row.id}?done=added")


@router.post("/o/{org}/risks/aspects/import", response_model=None)
def aspect_import(request: Request, op: OrgDep, file: Annotated[UploadFile, File()]) -> Response:
    """Import a CSV file of aspects (all or nothing); the page again with every wrong cell."""
    op.require("edit_data")
    try:
        data = upload_bytes(file)
        sv.import_aspects(op.db, op.tenant, data, file.filename or "aspects.csv")
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _page(request, op, {}, errors={"import": text}, status_code=422)
    return _redirect(f"/o/{op.org.slug}/risks/aspects?done=imported")


@router.get("/o/{org}/risks/aspects/export", response_model=None)
def aspect_export(op: OrgDep) -> Response:
    """The aspects as a CSV file (the import's columns and the computed rating)."""
    op.require("read")
    return Response(
        sv.export_aspects(op.db, op.tenant), media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="aspects.csv"'},
    )  # fmt: skip


@router.post("/o/{org}/risks/aspects/config", response_model=None)
def aspect_config(
    request: Request,
    op: OrgDep,
    threshold: Text = "",
    aggregate: Text = "mean",
    any_factor_at: Text = "",
) -> Response:
    """Change the significance configuration (every aspect re-rated)."""
    op.require("edit_data")
    values = {"threshold": threshold, "aggregate": aggregate, "any_factor_at": any_factor_at}
    try:
        fields = {
            "threshold": threshold.replace(",", ".").strip(),
            "aggregate": aggregate.strip(),
            "any_factor_at": any_factor_at.strip() or None,
        }
        sv.set_config(op.db, op.tenant, fields)
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _page(request, op, {}, errors={"config": text}, values={"config": values},
                     status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/risks/aspects?done=configured#config")


# ---- one aspect -----------------------------------------------------------------------------


def _detail(
    request: Request,
    op: OrgPage,
    aspect_id: int,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    row = sv.get_aspect(op.db, op.tenant, aspect_id)
    objectives = "\n".join(f"{o['text']}|{o['kpi']}" if o.get("kpi") else str(o["text"])
                           for o in row.objectives or [])  # fmt: skip
    return org_render(
        request, op, "risk_aspects_detail.html", "risks",
        a=row, scores=sv.scores_of(row), monitoring=sv.list_monitoring(op.db, op.tenant, row.id),
        config=sv.get_config(op.db, op.tenant), objectives_text=objectives,
        sites=sorted(op.tenant.workspace().config.site_regions()), conditions=am.CONDITIONS,
        value_chain=am.VALUE_CHAIN, env_factors=am.ENV_FACTORS, bus_factors=am.BUS_FACTORS,
        columns=sv.FACTOR_COLUMNS, statuses=am.MONITORING_STATUSES,
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/risks/aspects/{aspect_id:int}", response_class=HTMLResponse)
def aspect_detail(
    request: Request,
    op: OrgDep,
    aspect_id: int,
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """One aspect: scores, rating, objectives, monitoring history."""
    op.require("read")
    return _detail(request, op, aspect_id, done=done)


@router.post("/o/{org}/risks/aspects/{aspect_id:int}", response_model=None)
def aspect_edit(
    request: Request,
    op: OrgDep,
    aspect_id: int,
    code: Text = "",
    aspect: Text = "",
    activity: Text = "",
    site: Text = "",
    condition: Text = "normal",
    value_chain: Text = "",
    e_quantity: Text = "",
    e_scope: Text = "",
    e_frequency: Text = "",
    e_severity: Text = "",
    e_control: Text = "",
    b_reputation: Text = "",
    b_compliance: Text = "",
    b_management: Text = "",
    objectives: Text = "",
    risk_code: Text = "",
    fiscal_year: Text = "",
    source: Text = "",
    note: Text = "",
) -> Response:
    """Change an aspect, its scores (all eight or none) and objectives; re-rated."""
    op.require("edit_data")
    sv.get_aspect(op.db, op.tenant, aspect_id)  # 404 page first
    values = {"code": code, "aspect": aspect, "activity": activity, "site": site,
              "condition": condition, "value_chain": value_chain, "e_quantity": e_quantity,
              "e_scope": e_scope, "e_frequency": e_frequency, "e_severity": e_severity,
              "e_control": e_control, "b_reputation": b_reputation,
              "b_compliance": b_compliance, "b_management": b_management,
              "objectives": objectives, "risk_code": risk_code, "fiscal_year": fiscal_year,
              "source": source, "note": note}  # fmt: skip
    try:
        sv.update_aspect(op.db, op.tenant, aspect_id, _form_fields(values, keep_blank=True))
    except ServiceError as exc:
        field, text = _refused(request, op, exc)
        return _detail(request, op, aspect_id, errors={"edit": text, f"edit.{field}": text},
                       values={"edit": values}, status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/risks/aspects/{aspect_id}?done=saved")


@router.post("/o/{org}/risks/aspects/{aspect_id:int}/monitoring", response_model=None)
def aspect_monitor(
    request: Request,
    op: OrgDep,
    aspect_id: int,
    checked_on: Text = "",
    checked_by: Text = "",
    findings: Text = "",
    status: Text = "on_track",
) -> Response:
    """Record a monitoring of the aspect."""
    op.require("edit_data")
    sv.get_aspect(op.db, op.tenant, aspect_id)
    values = {"checked_on": checked_on, "checked_by": checked_by, "findings": findings,
              "status": status}  # fmt: skip
    try:
        sv.record_monitoring(op.db, op.tenant, aspect_id,
                             {k: v for k, v in values.items() if v.strip()})  # fmt: skip
    except ServiceError as exc:
        _, text = _refused(request, op, exc)
        return _detail(request, op, aspect_id, errors={"monitor": text},
                       values={"monitor": values}, status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/risks/aspects/{aspect_id}?done=monitored#monitoring")


@router.post("/o/{org}/risks/aspects/{aspect_id:int}/delete", response_model=None)
def aspect_delete(op: OrgDep, aspect_id: int) -> Response:
    """Remove the aspect and its monitoring records."""
    op.require("edit_data")
    sv.delete_aspect(op.db, op.tenant, aspect_id)
    return _redirect(f"/o/{op.org.slug}/risks/aspects?done=removed")
