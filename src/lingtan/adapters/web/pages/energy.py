"""Site energy in the web app (issue 16, decision 0078): the group table ``/o/<org>/energy``
(sites with MWh, tce, RE share, kWh per unit, PV yield, gaps), a site's dashboard
``/o/<org>/energy/sites/<site>`` (load profile as a server-rendered SVG, carriers, intensity
trend by product type, PV and storage, RE share with its parts, PUE, anomalies), the meter list
``/o/<org>/energy/meters`` (data gaps, add and import forms, readings upload) and the production
volumes ``/o/<org>/energy/production``.

The pages call the same services as the API and the CLI
(:mod:`~lingtan.adapters.services.energy_indicators`, :mod:`~lingtan.adapters.services.meters`,
:mod:`~lingtan.adapters.services.readings`, :mod:`~lingtan.adapters.services.production`,
:mod:`~lingtan.adapters.services.energy_rollup`). Charts are SVG with presentation attributes
only (no inline style: the content security policy). A refused form is shown again with the
reason in the user's language and its writes rolled back; a change that went through redirects
(303) with a confirmation. Reading needs ``read``; changing ``edit_data``. Every POST carries
the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.register_files import safe_file_name, with_file
from lingtan.adapters.web.pages._common import fy_label, fy_slug, org_render, upload_bytes
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage, not_found
from lingtan.core.errors import LingtanError

router = APIRouter()

#: what the confirmation after a change may say (``energy.page.done.<key>``)
DONE = frozenset({"rollup", "meter", "meters_imported", "readings", "production",
                  "production_imported"})  # fmt: skip
MAX_FILE = 20 * 1024 * 1024  # [bytes], a register file (readings: max_upload_mb)
Text = Annotated[str, Form(max_length=200)]
Filter = Annotated[str, Query(max_length=40)]
CARRIERS = ("electricity", "natural_gas", "diesel", "steam", "heat", "chilled_water",
            "compressed_air", "water")  # fmt: skip
MEASURES = ("consumption", "generation", "export", "storage_charge", "storage_discharge")
SOURCES = ("grid", "onsite_pv", "wind", "storage", "ppa")
#: the load-profile chart's drawing area [SVG user units]
CHART_W, CHART_H, PAD = 960.0, 200.0, 64.0


# ---- shared -------------------------------------------------------------------------------


def refusal(exc: BaseException, t: Translator) -> str:
    """The reason of a refused change in the user's language: a keyed service error (``key``,
    ``params``; its wrong cells ``errors`` as file, row, field, message), a keyed reader error,
    else the service's message."""
    from lingtan.adapters.i18n.readers import cause_text
    from lingtan.adapters.i18n.rows import issue_line, render
    from lingtan.core.errors import RowIssue
    from lingtan.core.messages import Message

    key, params = getattr(exc, "key", None), getattr(exc, "params", None)
    lines: list[str] = []
    if isinstance(key, str) and t.has(key):
        try:
            lines.append(t(key, **dict(params or {})))
        except (KeyError, IndexError, ValueError):
            lines.append(str(getattr(exc, "message", exc)))
    else:
        lines.append(cause_text(exc, t.locale) or str(getattr(exc, "message", exc)))
    for item in list(getattr(exc, "errors", ()) or ())[:50]:
        if isinstance(item, RowIssue):
            lines.append(issue_line(item, t.locale))
        elif isinstance(item, tuple) and len(item) == 4:
            file, row, field, message = item
            text = render(message, t.locale) if isinstance(message, Message) else str(message)
            lines.append(f"{file}:{row}:{field}: {text}")
    return "\n".join(lines)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def fiscal_years(op: OrgPage) -> tuple[list[str], str]:
    """(fiscal years offered, oldest first; the default one): the years that hold readings,
    the years with a calculation and the current one; the default is the latest year with
    readings, else the latest calculated year, else the current one."""
    from lingtan.adapters.services import energy_indicators as ei

    ws = op.tenant.workspace()
    cfg = ws.config
    current = cfg.calendar.of(datetime.now(UTC).date()).label
    metered = {cfg.calendar.of(m).label for m in ei._data_months(ws)}
    calculated = {s.fiscal_year for s in ws.snapshots()}
    years = sorted(metered | calculated | {current}, key=lambda label: cfg.period(label).start)
    pool = metered or calculated or {current}
    return years, max(pool, key=lambda label: cfg.period(label).start)


def chosen_year(op: OrgPage, fy: str) -> tuple[list[str], str]:
    """(years offered, the year asked — ``FY2024-25`` or ``FY2024/25`` — or the default); a
    year the calendar does not read is the default."""
    years, default = fiscal_years(op)
    if fy.strip():
        label = fy_label(fy.strip())
        try:
            op.tenant.workspace().config.period(label)
        except (LingtanError, ValueError):
            return years, default
        if label not in years:
            years = [*years, label]
        return years, label
    return years, default


def _doc(value: Any) -> dict[str, Any]:
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    return dict(value) if isinstance(value, Mapping) else {}


def _get(doc: Mapping[str, Any], *path: str) -> Any:
    """``doc[a][b]…`` or None."""
    cur: Any = doc
    for key in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(key)
    return cur


def site_row(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The group table's columns of one site's document
    (:meth:`~lingtan.adapters.services.energy_indicators.SiteEnergy.to_dict`): consumption
    [MWh], tce (当量值, equivalent basis, GB/T 2589-2020), RE share [-], kWh per unit by product
    type, PV yield Σ generation / Σ kWp [kWh/kWp], missing intervals."""
    kwh = _get(doc, "balance", "consumption_kwh")
    pv = [p for p in doc.get("pv") or [] if isinstance(p, Mapping)]
    kwp = sum(float(p.get("kwp") or 0.0) for p in pv)
    gen = sum(float(p.get("generation_kwh") or 0.0) for p in pv)
    return {
        "site": doc.get("site", ""),
        "mwh": None if kwh is None else float(kwh) / 1000,
        "tce": _get(doc, "tce", "equivalent", "tce"),
        "tce_input": _get(doc, "tce", "input_equivalent", "tce"),
        "re_share": _get(doc, "re_share", "share"),
        "per_unit": {
            str(i.get("product_type")): i.get("kwh_per_unit")
            for i in doc.get("intensity") or []
            if isinstance(i, Mapping)
        },
        "pv_yield": gen / kwp if kwp > 0 else None,
        "gaps": int(doc.get("missing_intervals") or 0),
    }


def line_chart(
    points: Sequence[tuple[str, float | None]], *, width: float = CHART_W, height: float = CHART_H
) -> dict[str, Any]:
    """An SVG line chart of ``(label, value)`` (a load profile [kW or kWh per interval]): the
    polyline's ``points``, the y-axis maximum and ticks, the x labels to show (at most 12) —
    all as numbers the template writes into presentation attributes (no inline style)."""
    values = [v for _, v in points if v is not None]
    if not values:
        return {"empty": True}
    top = max(values) or 1.0
    n = len(points)
    y0, y1 = height - 28.0, 16.0  # the value axis: 0 at y0, ``top`` at y1 [SVG units]
    step = (width - 2 * PAD) / max(n - 1, 1)
    coords = []
    for i, (_, v) in enumerate(points):
        if v is None:
            continue
        coords.append(f"{PAD + i * step:.1f},{y0 - (y0 - y1) * (v / top):.1f}")
    every = max(1, n // 12)
    labels = [
        {"x": round(PAD + i * step, 1), "text": label}
        for i, (label, _) in enumerate(points)
        if i % every == 0
    ]
    ticks = [{"y": round(y0 - (y0 - y1) * f, 1), "value": top * f} for f in (0.0, 0.5, 1.0)]
    return {"empty": False, "points": " ".join(coords), "max": top, "labels": labels,
            "ticks": ticks, "width": width, "height": height, "pad": PAD,
            "base": y0}  # fmt: skip


def bars(parts: Mapping[str, float | None]) -> list[dict[str, Any]]:
    """Horizontal bars of shares (RE share parts, carriers): each part's width [% of the
    largest] for an SVG ``rect`` (no inline style)."""
    clean = {k: float(v) for k, v in parts.items() if v is not None}
    top = max(clean.values(), default=0.0) or 1.0
    return [{"key": k, "value": v, "width": round(100 * max(v, 0.0) / top, 2)}
            for k, v in clean.items()]  # fmt: skip


def profile_points(doc: Mapping[str, Any]) -> list[tuple[str, float | None]]:
    """The typical-day load profile of a site's document: (hour, mean grid import [kW])."""
    return [(f"{h:02d}", float(v)) for h, v in enumerate(doc.get("load_profile") or [])]


def monthly_points(doc: Mapping[str, Any]) -> list[tuple[str, float | None]]:
    """The monthly profile of a site's document: (YYYY-MM, consumption C [MWh])."""
    return [
        (str(m.get("month", "")), float(m.get("consumption_kwh") or 0.0) / 1000)
        for m in doc.get("monthly") or []
        if isinstance(m, Mapping)
    ]


def carrier_rows(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Carrier → quantity and unit: electricity as consumption C [kWh], the other carriers as
    metered (the balance's ``carriers``), in the order of the tce parts."""
    rows: dict[str, dict[str, Any]] = {}
    kwh = _get(doc, "balance", "consumption_kwh")
    if kwh:
        rows["electricity"] = {"quantity": kwh, "unit": "kWh"}
    for carrier, q in (_get(doc, "balance", "carriers") or {}).items():
        rows.setdefault(str(carrier), dict(q))
    return rows


def intensity_trend(items: Sequence[Any]) -> dict[str, list[dict[str, Any]]]:
    """Product type → its years (fiscal start year, kWh per unit, change vs the previous
    year [-], method), oldest first: the intensity trend table and chart."""
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        i = _doc(item) if not isinstance(item, Mapping) else dict(item)
        out.setdefault(str(i.get("product_type")), []).append(i)
    for rows in out.values():
        rows.sort(key=lambda r: r.get("year") or 0)
    return out


# ---- the group table and the roll-up ------------------------------------------------------


@router.get("/o/{org}/energy", response_class=HTMLResponse)
def energy_group(
    request: Request,
    op: OrgDep,
    fy: Filter = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """Every site of the organisation in a fiscal year: MWh, tce, RE share, kWh per unit, PV
    yield, gaps; and the group's totals."""
    from lingtan.adapters.services import energy_indicators as ei

    op.require("read")
    years, year = chosen_year(op, fy)
    doc = _doc(ei.group_energy(op.tenant, year))
    rows = [site_row(_doc(s)) for s in doc.get("sites", [])]
    products = sorted({p for r in rows for p in r["per_unit"]})
    return org_render(
        request, op, "energy.html", "energy",
        sub="overview", fy=year, fy_slug=fy_slug(year), years=years, rows=rows,
        products=products, group=doc, group_re=_get(doc, "re_share", "share"),
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        rollup_error="", bills=_bills(op, year, bool(rows)),
    )  # fmt: skip


def _bills(op: OrgPage, year: str, metered: bool) -> list[Any]:
    """The bill checks of the year (meters against invoices, 2 % tolerance); none without
    metered sites."""
    from lingtan.adapters.services import energy_rollup as er

    return list(er.reconcile_bills(op.tenant, year)) if metered else []


@router.post("/o/{org}/energy/rollup", response_model=None)
def energy_rollup(request: Request, op: OrgDep, fy: Text = "") -> Response:
    """Roll the billing meters of the fiscal year up into activity rows (one import batch),
    bills reconciled instead of counted twice; then the group table again."""
    from lingtan.adapters.services import energy_rollup as er

    op.require("edit_data")
    _, year = chosen_year(op, fy)
    try:
        er.rollup(op.tenant, year)
    except (ServiceError, LingtanError) as exc:
        op.db.rollback()
        return _group_with_error(request, op, year, refusal(exc, translator(request)))
    return _redirect(f"/o/{op.org.slug}/energy?fy={quote(fy_slug(year))}&done=rollup")


def _group_with_error(request: Request, op: OrgPage, year: str, error: str) -> HTMLResponse:
    from lingtan.adapters.services import energy_indicators as ei

    years, _ = fiscal_years(op)
    doc = _doc(ei.group_energy(op.tenant, year))
    rows = [site_row(_doc(s)) for s in doc.get("sites", [])]
    return org_render(
        request, op, "energy.html", "energy",
        sub="overview", fy=year, fy_slug=fy_slug(year), years=years, rows=rows,
        products=sorted({p for r in rows for p in r["per_unit"]}), group=doc,
        group_re=_get(doc, "re_share", "share"), can_edit=True, done="",
        rollup_error=error, bills=[], status_code=422,
    )  # fmt: skip


# ---- a site's dashboard -------------------------------------------------------------------


@router.get("/o/{org}/energy/sites/{site}", response_class=HTMLResponse)
def energy_site(request: Request, op: OrgDep, site: str, fy: Filter = "") -> HTMLResponse:
    """A site's energy in a fiscal year: load profile, carriers, intensity trend by product
    type, PV and storage, RE share with its parts, PUE, anomalies, gaps."""
    from lingtan.adapters.services import energy_indicators as ei
    from lingtan.adapters.services import meters as ms

    op.require("read")
    meters = ms.list_meters(op.db, op.tenant, site=site)
    if not meters:
        raise not_found()
    years, year = chosen_year(op, fy)
    doc = _doc(ei.site_energy(op.tenant, site, year))
    trend = intensity_trend(ei.intensity_by_year(op.tenant, site=site))
    t = translator(request)
    anomalies = [
        {**a, "text": t.message(a.get("key"), a.get("params"), str(a.get("kind", "")))}
        for a in doc.get("anomalies") or []
    ]
    return org_render(
        request, op, "energy_site.html", "energy",
        sub="overview", site=site, fy=year, fy_slug=fy_slug(year), years=years, doc=doc,
        row=site_row(doc), meters=meters, profile=line_chart(profile_points(doc)),
        monthly=line_chart(monthly_points(doc)),
        re_parts=bars(_get(doc, "re_share", "parts") or {}), re=doc.get("re_share") or {},
        balance=doc.get("balance") or {}, carriers=carrier_rows(doc),
        tce=doc.get("tce") or {}, trend=trend,
        trend_charts={p: line_chart([(str(r.get("year")), r.get("kwh_per_unit")) for r in rows])
                      for p, rows in trend.items()},
        pv=doc.get("pv") or [], storage=doc.get("storage") or [],
        data_centres=doc.get("data_centres") or [], anomalies=anomalies,
    )  # fmt: skip


# ---- meters, their gaps, readings upload --------------------------------------------------


def _meters_page(
    request: Request,
    op: OrgPage,
    *,
    fy: str = "",
    done: str = "",
    error: str = "",
    error_form: str = "",
    values: Mapping[str, Any] | None = None,
    report: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    from lingtan.adapters.services import meters as ms
    from lingtan.adapters.services import readings as rs

    t = translator(request)
    years, year = chosen_year(op, fy)
    period = op.tenant.workspace().config.period(year)
    meters = ms.list_meters(op.db, op.tenant)
    gaps: dict[str, list[Any]] = {}
    end = min(period.end, datetime.now(UTC).date())  # inclusive; no gaps in the future
    if meters and end >= period.start:
        for g in rs.reading_gaps(op.tenant, start=period.start, end=end):
            gaps.setdefault(g.meter, []).append(g)
    return org_render(
        request, op, "energy_meters.html", "energy",
        sub="meters", fy=year, years=years, meters=meters, gaps=gaps,
        missing={k: sum(int(g.missing_intervals) for g in v) for k, v in gaps.items()},
        carriers=CARRIERS, measures=MEASURES, sources=SOURCES,
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "", error=error,
        error_form=error_form, values=values or {"interval_minutes": 15, "tz": "Asia/Shanghai"},
        report=report, rejected_lines=lambda r: rejected_lines(r, t),
        message_text=lambda m: message_text(m, t), status_code=status_code,
    )  # fmt: skip


def message_text(message: Any, t: Translator) -> str:
    """A keyed message (:class:`lingtan.core.messages.Message`) or a text, in ``t``'s language."""
    from lingtan.adapters.i18n.rows import render
    from lingtan.core.messages import Message

    return render(message, t.locale) if isinstance(message, Message) else str(message or "")


def rejected_lines(report: Any, t: Translator) -> list[str]:
    """``file:row:column: reason`` of each refused row of a readings report."""
    from lingtan.adapters.i18n.rows import issue_line
    from lingtan.core.errors import RowIssue

    lines = []
    for item in report.rejected:
        if isinstance(item, RowIssue):
            lines.append(issue_line(item, t.locale))
            continue
        if isinstance(item, Mapping):
            item = tuple(item.get(k) for k in ("file", "row", "field", "message"))
        file, row, field, message = item
        lines.append(f"{file}:{row}:{field}: {message_text(message, t)}")
    return lines


@router.get("/o/{org}/energy/meters", response_class=HTMLResponse)
def energy_meters(
    request: Request,
    op: OrgDep,
    fy: Filter = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The meters with their data gaps in the fiscal year; forms to add and import meters and
    to upload readings."""
    op.require("read")
    return _meters_page(request, op, fy=fy, done=done)


@router.post("/o/{org}/energy/meters", response_model=None)
def energy_meter_add(
    request: Request,
    op: OrgDep,
    code: Text,
    site: Text,
    carrier: Text,
    unit: Text,
    measures: Text = "consumption",
    source: Text = "",
    interval_minutes: Annotated[int, Form(ge=1, le=1440)] = 15,
    value_kind: Text = "interval",
    parent: Text = "",
    billing: Annotated[str, Form(max_length=4)] = "",
    building: Text = "",
    line: Text = "",
    multiplier: Annotated[float, Form(gt=0, le=1e9)] = 1.0,
    tz: Text = "Asia/Shanghai",
    name: Text = "",
) -> Response:
    """Add a meter (audited); refused: the form again with the reason."""
    from lingtan.adapters.services import meters as ms

    op.require("edit_data")
    fields: dict[str, Any] = {
        "code": code.strip(), "site": site.strip(), "carrier": carrier, "unit": unit.strip(),
        "measures": measures, "source": source or None, "interval_minutes": interval_minutes,
        "value_kind": value_kind, "parent": parent.strip() or None, "billing": billing == "on",
        "building": building.strip() or None, "line": line.strip() or None,
        "multiplier": multiplier, "tz": tz.strip() or "Asia/Shanghai", "name": name.strip(),
    }  # fmt: skip
    try:
        ms.create_meter(op.db, op.tenant, fields)
    except (ServiceError, LingtanError) as exc:
        op.db.rollback()
        return _meters_page(request, op, error=refusal(exc, translator(request)),
                            error_form="add", values=fields, status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/energy/meters?done=meter")


def _upload(file: UploadFile, default: str, limit: int = MAX_FILE) -> tuple[str, bytes]:
    """(safe file name, bytes) of an uploaded file; ServiceError too_large past ``limit``."""
    return safe_file_name(file.filename, default), upload_bytes(file, limit)


def _import_file(
    request: Request,
    op: OrgPage,
    file: UploadFile,
    default: str,
    call: Callable[[Path], Any],
    page: Callable[..., HTMLResponse],
    done: str,
) -> Response:
    """Import an uploaded register file with ``call(path)`` (all or nothing): ``page`` again
    with the refusal (every wrong cell named, 422) or a redirect to ``energy/<done>``."""
    op.require("edit_data")
    try:
        name, data = _upload(file, default)
        with_file(name, data, call)
    except (ServiceError, LingtanError) as exc:
        op.db.rollback()
        return page(request, op, error=refusal(exc, translator(request)), error_form="import",
                    status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/energy/{done}")


@router.post("/o/{org}/energy/meters/import", response_model=None)
def energy_meters_import(
    request: Request, op: OrgDep, file: Annotated[UploadFile, File()]
) -> Response:
    """Import the meter register's file (all or nothing); refused: every wrong cell named."""
    from lingtan.adapters.services import meters as ms

    return _import_file(request, op, file, "meters.csv",
                        lambda p: ms.import_meters(op.db, op.tenant, p), _meters_page,
                        "meters?done=meters_imported")  # fmt: skip


@router.post("/o/{org}/energy/readings", response_model=None)
def energy_readings_upload(
    request: Request, op: OrgDep, file: Annotated[UploadFile, File()]
) -> Response:
    """Upload a readings file (a meter system's CSV/XLSX export): the meter list again with
    what was stored, the rows refused and the findings (resets, spikes, gaps)."""
    from lingtan.adapters.services import readings as rs

    op.require("edit_data")
    limit = int(op.tenant.settings.max_upload_mb) * 2**20
    try:
        name, data = _upload(file, "readings.csv", limit)
        report = with_file(name, data, lambda p: rs.ingest_readings_file(op.tenant, p))
    except (ServiceError, LingtanError) as exc:
        return _meters_page(request, op, error=refusal(exc, translator(request)),
                            error_form="readings", status_code=422)  # fmt: skip
    return _meters_page(request, op, done="readings", report=report)


# ---- production ---------------------------------------------------------------------------


def _production_page(
    request: Request,
    op: OrgPage,
    *,
    site: str = "",
    done: str = "",
    error: str = "",
    error_form: str = "",
    values: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    from lingtan.adapters.services import production as ps

    rows = ps.list_production(op.db, op.tenant, site=site or None)
    return org_render(
        request, op, "energy_production.html", "energy",
        sub="production", rows=rows, site=site, can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", error=error, error_form=error_form,
        values=values or {"comparable": True}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/energy/production", response_class=HTMLResponse)
def energy_production(
    request: Request,
    op: OrgDep,
    site: Filter = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """Production volumes by month, site, line and product type; forms to add and import."""
    op.require("read")
    return _production_page(request, op, site=site, done=done)


@router.post("/o/{org}/energy/production", response_model=None)
def energy_production_add(
    request: Request,
    op: OrgDep,
    site: Text,
    product_type: Text,
    month: Annotated[str, Form(max_length=10, pattern=r"^\d{4}-\d{2}(-\d{2})?$")],
    units: Annotated[float, Form(ge=0, le=1e12)],
    line: Text = "",
    comparable: Annotated[str, Form(max_length=4)] = "",
    standard_hours: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record (or replace) the units of a site, line, product type and month (audited)."""
    from lingtan.adapters.services import production as ps

    op.require("edit_data")
    fields: dict[str, Any] = {
        "site": site.strip(), "line": line.strip() or None,
        "product_type": product_type.strip(), "units": units, "comparable": comparable == "on",
    }  # fmt: skip
    try:
        fields["month"] = date.fromisoformat(month if len(month) == 10 else f"{month}-01")
        fields["month"] = fields["month"].replace(day=1)
        fields["standard_hours"] = float(standard_hours) if standard_hours.strip() else None
        ps.add_production(op.db, op.tenant, fields)
    except ValueError:
        t = translator(request)
        return _production_page(request, op, error=t("energy.page.production.bad_value"),
                                error_form="add", values={**fields, "month": month},
                                status_code=422)  # fmt: skip
    except (ServiceError, LingtanError) as exc:
        op.db.rollback()
        return _production_page(request, op, error=refusal(exc, translator(request)),
                                error_form="add", values={**fields, "month": month},
                                status_code=422)  # fmt: skip
    return _redirect(f"/o/{op.org.slug}/energy/production?done=production")


@router.post("/o/{org}/energy/production/import", response_model=None)
def energy_production_import(
    request: Request, op: OrgDep, file: Annotated[UploadFile, File()]
) -> Response:
    """Import production volumes from a file (all or nothing, every wrong cell named)."""
    from lingtan.adapters.services import production as ps

    return _import_file(request, op, file, "production.csv",
                        lambda p: ps.import_production(op.db, op.tenant, p), _production_page,
                        "production?done=production_imported")  # fmt: skip
