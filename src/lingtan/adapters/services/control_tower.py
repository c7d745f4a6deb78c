"""The control tower (issue 19 item 6, decision 0101): one page per organisation over every
module — a tile each, the alerts, and the emission trend forecast beside the business-as-usual
driver forecast.

Nothing is computed here that a module's own service does not compute: each tile reads the
service of its module (inventories, targets, suppliers, energy, risks, products, certificates,
inclusion, circularity, disclosure editions) and keeps its headline figures as numbers with
units. A module without data gives a tile with status ``not_available`` and the catalogue key of
the reason — never an invented figure; a module not installed (circularity, disclosure editions
while their issue is built) is imported lazily and says so the same way.

A tile: ``key``, ``status`` (``ok`` | ``attention`` | ``alert`` | ``not_available``),
``figures`` (``{"key", "value", "unit"}``; labels ``tower.fig.<key>``), ``link`` (the page's
path under ``/o/<org>/``), ``reason`` (a ``tower.reason.*`` key or None) and ``detail``.
An alert: ``kind`` (text ``tower.alert.<kind>``), ``severity`` (``alert`` | ``attention``),
``module``, ``subject``, ``owner`` (None when the record names none), ``due`` and ``link``.

The forecast: the yearly totals [t CO2e] of the newest snapshot of every fiscal year, each
series forecast with ETS(A,A,N) and its 95 % prediction interval
(:func:`lingtan.modules.disclosure.trend.forecast_trend`; Hyndman & Athanasopoulos, FPP3
ch. 8), beside the targets module's BAU forecast from activity drivers
(:func:`lingtan.modules.targets.forecast.forecast_bau`; GHG Protocol Mitigation Goal Standard
ch. 8) when the organisation has a targets file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from lingtan.adapters.services.context import Context, TenantContext, jsonable
from lingtan.adapters.services.disclosure_collect import optional_service
from lingtan.adapters.services.errors import KeyedError, ServiceError, keyed_refusal
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.errors import LingtanError, PeriodError
from lingtan.core.messages import msg
from lingtan.modules.disclosure.trend import HORIZON, LEVEL, forecast_trend
from lingtan.modules.targets.programme import Programme

#: every tile, in the order the page shows them
TILES = (
    "inventory",
    "targets",
    "plan",
    "suppliers",
    "energy",
    "risks",
    "products",
    "certificates",
    "inclusion",
    "circularity",
    "disclosure",
)
#: each tile's page, under ``/o/<org>/``
LINKS = {
    "inventory": "inventory",
    "targets": "targets",
    "plan": "targets/plan",
    "suppliers": "suppliers/coverage",
    "energy": "energy",
    "risks": "risks",
    "products": "products",
    "certificates": "certificates",
    "inclusion": "inclusion",
    "circularity": "circularity",
    "disclosure": "disclosure",
}
STATUSES = ("ok", "attention", "alert", "not_available")
#: the yearly series the trend forecast covers [t CO2e]
SERIES = ("total_market", "total_location", "scope1", "scope2_market", "scope2_location", "scope3")
#: a certificate or product claim ending within this many days is "expiring"
EXPIRING_DAYS = 90
T_CO2E = "t CO2e"
#: the series the BAU forecast gives (its buckets are market-based: modules/targets/forecast.py)
BAU_SERIES = ("total_market", "scope1", "scope2_market", "scope3")


class TowerError(KeyedError):
    """A refused control-tower request (a fiscal year the calendar does not know)."""


# -- building blocks -------------------------------------------------------------------------------


def fig(key: str, value: float | int | None, unit: str = "", label: str = "") -> dict[str, Any]:
    """A headline figure: a number (None: not known), its unit and the catalogue key of its
    label (default ``tower.fig.<key>``)."""
    return {"key": key, "label": label or f"tower.fig.{key}", "value": value, "unit": unit}


def tile(
    key: str,
    status: str,
    figures: Sequence[dict[str, Any]] = (),
    *,
    reason: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """A tile of ``key`` (its link from :data:`LINKS`)."""
    return {
        "key": key,
        "status": status,
        "figures": list(figures),
        "link": LINKS[key],
        "reason": reason,
        "detail": detail,
    }


def not_available(key: str, reason: str, **detail: Any) -> dict[str, Any]:
    """A tile saying its module has nothing to show, and why (``tower.reason.<reason>``)."""
    return tile(key, "not_available", reason=f"tower.reason.{reason}", **detail)


def alert(
    kind: str,
    severity: str,
    module: str,
    *,
    subject: str = "",
    owner: str | None = None,
    due: date | None = None,
    link: str | None = None,
    **params: Any,
) -> dict[str, Any]:
    """An alert: text ``tower.alert.<kind>`` with ``subject``, ``owner``, ``due`` and ``params``."""
    return {
        "kind": kind,
        "severity": severity,
        "module": module,
        "subject": subject,
        "owner": owner or None,
        "due": due,
        "link": link or LINKS[module],
        "params": params,
    }


def _seg(text: Any) -> str:
    """``text`` as one URL path segment (a code, a site, an id)."""
    return quote(str(text), safe="")


def _worst(*statuses: str) -> str:
    """The most severe of ``statuses`` (ok < attention < alert)."""
    order = {"ok": 0, "attention": 1, "alert": 2}
    return max(statuses, key=lambda s: order.get(s, 0), default="ok")


def _today() -> date:
    return date.today()


@contextmanager
def _session(ctx: Context, db: Session | None) -> Iterator[Session]:
    """The caller's session, else one of the context's workspace."""
    if db is not None:
        yield db
        return
    with ctx.workspace().session() as s:
        yield s


def _workspace(ctx: Context) -> Workspace | None:
    """The context's workspace, None when the organisation has none (a server's organisation
    without a folder)."""
    try:
        return ctx.workspace()
    except (ServiceError, LingtanError):
        return None


# -- the inventory and its years -------------------------------------------------------------------


def _stored_years(ctx: Context, db: Session, ws: Workspace) -> dict[str, Any]:
    """Fiscal year label → the stored inventory of its newest snapshot
    (:class:`~lingtan.adapters.services.inventories.StoredInventory`; kept per process on a
    server)."""
    from lingtan.adapters.services import inventories as inv

    if isinstance(ctx, TenantContext):
        newest = inv.newest_snapshots(db, ctx)
        return {fy: inv.stored_inventory(db, ctx, ref) for fy, ref in sorted(newest.items())}
    rows: dict[str, Any] = {}
    for snap in ws.snapshots():  # newest first
        rows.setdefault(snap.fiscal_year, snap)
    return {fy: inv.build_stored_inventory(rows[fy], ws.snapshots_dir) for fy in sorted(rows)}


def _label(ws: Workspace | None, fiscal_year: str | None, years: Sequence[str]) -> str | None:
    """The fiscal year the tower is of: the one asked (as the calendar names it), else the
    latest with an inventory, else the current one.

    Raises:
        TowerError: invalid — not a fiscal year of the calendar.
    """
    if ws is None:
        return None
    if fiscal_year:
        try:
            return ws.config.period(fiscal_year.replace("-", "/")).label
        except (PeriodError, ValueError):
            raise keyed_refusal(
                TowerError,
                "invalid",
                msg("tower.err.fiscal_year", value=fiscal_year[:40]),
                "fiscal_year",
            ) from None
    if years:
        return years[-1]
    return ws.config.calendar.of(_today()).label


def inventory_tile(
    ws: Workspace | None, stored: Mapping[str, Any], label: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Totals of ``label``'s newest snapshot [t CO2e], its completeness (activity rows not
    calculated; GHG Protocol ch. 1, ISO 14064-1 §5.2) and the fiscal years missing between the
    first and the latest inventory (data gaps)."""
    if ws is None:
        return not_available("inventory", "no_workspace"), []
    if not stored:
        return not_available("inventory", "no_inventory"), []
    if label is None or label not in stored:
        return not_available("inventory", "no_inventory_year", fiscal_year=label), []
    s = stored[label]
    totals = s.trend
    comp = s.inventory.completeness
    figures = [
        fig("total_market", totals.get("total_market"), T_CO2E),
        fig("total_location", totals.get("total_location"), T_CO2E),
        fig("scope1", totals.get("scope1"), T_CO2E),
        fig("scope2_market", totals.get("scope2_market"), T_CO2E),
        fig("scope3", totals.get("scope3"), T_CO2E),
        fig("rows_not_calculated", comp.rows_not_calculated),
    ]
    alerts = []
    status = "ok"
    if comp.status != "complete":
        status = "attention"
        alerts.append(
            alert(
                "inventory_incomplete",
                "attention",
                "inventory",
                subject=label,
                link="inventory#not-calculated",
                rows=comp.rows_not_calculated,
            )
        )
    cal = ws.config.calendar
    starts = sorted(cal.parse(fy).start.year for fy in stored)
    for y in range(starts[0], starts[-1] + 1):
        if y not in starts:
            status = _worst(status, "attention")
            alerts.append(
                alert(
                    "year_missing",
                    "attention",
                    "inventory",
                    subject=cal.year(y).label,
                    link="imports",
                )
            )
    t = tile(
        "inventory",
        status,
        figures,
        fiscal_year=label,
        snapshot_id=totals.get("snapshot_id"),
        completeness=comp.status,
        years=sorted(stored),
    )
    return t, alerts


# -- targets, KPIs, plan ---------------------------------------------------------------------------


def targets_tile(ctx: Context) -> tuple[dict[str, Any], list[dict[str, Any]], Programme | None]:
    """Targets and KPIs with their computed status — the organisation's programme
    (:func:`.targets.programme`: the stored targets file with the inventories' emissions and
    the computed KPIs) tracked by :func:`.targets.progress_of`, as the targets page shows them —
    and the programme, read once, for the BAU forecast."""
    from lingtan.adapters.services import targets as tg

    try:
        prog, _sha, _notes = tg.programme(ctx)
    except ServiceError as exc:
        if exc.kind == "not_found":
            return not_available("targets", "no_targets"), [], None
        raise
    ov = jsonable(tg.progress_of(prog).to_dict())
    targets, kpis = ov.get("targets", []), ov.get("kpis", [])
    if not targets and not kpis:
        return not_available("targets", "no_targets"), [], prog

    def count(rows: list[dict[str, Any]], *states: str) -> int:
        return sum(1 for r in rows if r.get("status") in states)

    figures = [
        fig("targets", len(targets)),
        fig("targets_on_track", count(targets, "on_track", "achieved")),
        fig("targets_off_track", count(targets, "off_track")),
        fig("kpis", len(kpis)),
        fig("kpis_on_track", count(kpis, "on_track", "achieved")),
        fig("kpis_off_track", count(kpis, "off_track")),
    ]
    alerts = [
        alert(
            "target_off_track",
            "alert",
            "targets",
            subject=str(t["target"].get("id", "")),
            name=str(t["target"].get("name", "")),
            year=t.get("latest_year") or "",
        )
        for t in targets
        if t.get("status") == "off_track"
    ] + [
        alert(
            "kpi_off_track",
            "attention",
            "targets",
            subject=str(k.get("id", "")),
            name=str(k.get("name", "")),
            year=k.get("latest_year") or "",
        )
        for k in kpis
        if k.get("status") == "off_track"
    ]
    status = "alert" if count(targets, "off_track") else "attention" if alerts else "ok"
    statuses = {
        "targets": {str(t["target"].get("id", "")): t.get("status") for t in targets},
        "kpis": {str(k.get("id", "")): k.get("status") for k in kpis},
    }
    return (
        tile("targets", status, figures, targets=statuses["targets"], kpis=statuses["kpis"]),
        alerts,
        prog,
    )


def plan_tile(ctx: Context, has_targets: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The least-cost plan last computed (:func:`.targets.saved_plan`): its solver status, the
    projects chosen, the credits bought [t CO2e]; stale when the targets file changed since."""
    from lingtan.adapters.services import targets as tg

    if not has_targets:
        return not_available("plan", "no_targets"), []
    try:
        doc = tg.saved_plan(ctx)
    except ServiceError as exc:
        if exc.kind == "not_found":
            return not_available("plan", "no_plan"), []
        raise
    res = doc.get("result") or {}
    chosen = [d for d in res.get("decisions", []) if d.get("chosen")]
    figures = [fig("projects_chosen", len(chosen)), fig("credits_t", res.get("credits_t"), T_CO2E)]
    alerts = []
    status = "ok" if res.get("status") == "optimal" else "alert"
    if res.get("status") != "optimal":
        alerts.append(alert("plan_infeasible", "alert", "plan", subject=str(res.get("status"))))
    if doc.get("stale"):
        status = _worst(status, "attention")
        alerts.append(
            alert("plan_stale", "attention", "plan", subject=str(doc.get("computed_at", "")))
        )
    return tile(
        "plan",
        status,
        figures,
        solver_status=res.get("status"),
        computed_at=doc.get("computed_at"),
        stale=bool(doc.get("stale")),
    ), alerts


# -- suppliers -------------------------------------------------------------------------------------


def suppliers_tile(
    ctx: Context, db: Session, label: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Suppliers: the spend share of suppliers with a science-based target committed or set
    [%] (:func:`.supplier_requests.coverage_view`, spend basis, every supplier), the corrective
    action plans overdue and the audits due within six months (:mod:`.supplier_reviews`)."""
    from lingtan.adapters.services import supplier_requests as sr
    from lingtan.adapters.services import supplier_reviews as rv
    from lingtan.adapters.services.suppliers import list_suppliers

    suppliers = list_suppliers(db, ctx)
    if not suppliers:
        return not_available("suppliers", "no_suppliers"), []
    today = _today()
    overdue = rv.list_caps(db, ctx, overdue=True, today=today)
    coverage: float | None = None
    due: list[dict[str, Any]] = []
    if label is not None:
        cov = sr.coverage_view(db, ctx, label, record=False).to_dict()
        coverage = cov["properties"].get("sbt_committed_or_set", {}).get("pct")
        due = rv.audits_due(db, ctx, label, today=today)
    audits_overdue = [d for d in due if d.get("overdue")]
    figures = [
        fig("suppliers", len(suppliers)),
        fig("coverage_sbt", coverage, "%"),
        fig("caps_overdue", len(overdue)),
        fig("audits_due", len(due)),
    ]
    alerts = []
    for c in overdue:
        owners = sorted({i["owner"] for i in c.get("items", []) if i.get("owner")})
        alerts.append(
            alert(
                "cap_overdue",
                "alert",
                "suppliers",
                subject=str(c["supplier"]),
                owner=", ".join(owners) or None,
                due=c.get("due"),
                link=f"suppliers/{_seg(c['supplier'])}/reviews",
            )
        )
    for d in audits_overdue:
        alerts.append(
            alert(
                "audit_overdue",
                "alert",
                "suppliers",
                subject=str(d["supplier"]),
                due=d.get("due"),
                link=f"suppliers/{_seg(d['supplier'])}/reviews",
            )
        )
    status = "alert" if overdue or audits_overdue else "attention" if due else "ok"
    return tile("suppliers", status, figures, fiscal_year=label), alerts


# -- energy ----------------------------------------------------------------------------------------


def energy_tile(
    ctx: Context, ws: Workspace | None, label: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Energy of the fiscal year: the group's renewable-electricity share [%] and consumption
    [MWh] (:func:`.energy_indicators.group_energy`), each site's RE share, readings missing
    (data gaps), and the year's per-unit electricity intensities [kWh/unit] with how many fell
    against the previous year (:func:`.energy_indicators.intensity_by_year`)."""
    from lingtan.adapters.services import energy_indicators as ei

    if ws is None or label is None:
        return not_available("energy", "no_workspace"), []
    group = ei.group_energy(ctx, label)
    year = ws.config.calendar.parse(label).start.year
    intensity = [i for i in ei.intensity_by_year(ctx) if i.year == year]
    if group.consumption_kwh <= 0 and not intensity:
        return not_available("energy", "no_readings", fiscal_year=label), []
    figures: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    if group.consumption_kwh > 0:
        figures += [
            fig("re_share", group.re_share.percent, "%"),
            fig("consumption", group.consumption_kwh / 1000.0, "MWh"),
        ]
    sites = []
    for s in group.sites:
        sites.append({"site": s.site, "re_share_pct": s.re_share.percent,
                      "missing_intervals": s.missing_intervals})  # fmt: skip
        if s.missing_intervals:
            alerts.append(alert("readings_missing", "attention", "energy", subject=s.site,
                                link=f"energy/sites/{_seg(s.site)}",
                                count=s.missing_intervals))  # fmt: skip
    shown = [i for i in intensity if i.kwh_per_unit is not None]
    fell = [i for i in shown if i.change_vs_previous is not None and i.change_vs_previous < 0]
    if shown:
        figures += [fig("intensity_series", len(shown)), fig("intensity_improved", len(fell))]
    status = "attention" if alerts else "ok"
    intensities = [i.to_dict() for i in shown]
    return tile("energy", status, figures, fiscal_year=label, sites=sites,
                intensity=intensities), alerts  # fmt: skip


# -- risks -----------------------------------------------------------------------------------------


def risks_tile(ctx: Context, db: Session) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The open climate risks: reviews due (overdue, never reviewed or within 30 days; with
    their owner) and the heat map's counts by band (:mod:`.risk_register`)."""
    from lingtan.adapters.services import risk_register as rr

    items = rr.list_items(db, ctx, status="open")
    if not items:
        return not_available("risks", "no_risks"), []
    due = rr.due_reviews(db, ctx, _today())
    hm = rr.heatmap(db, ctx)
    bands: dict[str, int] = {}
    for cell, n in hm.counts.items():
        band = hm.bands.get(cell, "unrated")
        bands[band] = bands.get(band, 0) + n
    if hm.unrated:
        bands["unrated"] = hm.unrated
    overdue = [d for d in due if d.overdue]
    figures = [
        fig("risks_open", len(items)),
        fig("reviews_due", len(due)),
        fig("reviews_overdue", len(overdue)),
        fig("risks_high", bands.get("high", 0) + bands.get("very_high", 0)),
    ]
    alerts = [
        alert(
            "review_overdue" if d.overdue else "review_due",
            "alert" if d.overdue else "attention",
            "risks",
            subject=d.code,
            owner=d.owner or d.owner_unit,
            due=d.next_review,
            link=f"risks/{_seg(d.code)}",
            title=d.title,
        )
        for d in due
    ]
    status = "alert" if overdue else "attention" if due else "ok"
    return tile("risks", status, figures, heatmap=bands), alerts


# -- products and certificates ---------------------------------------------------------------------


def products_tile(ctx: Context, db: Session) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Product carbon-neutrality claims (ISO 14068-1, PAS 2060): how many hold and how many end
    within :data:`EXPIRING_DAYS` days (:func:`.products.list_products`,
    :func:`.products.footprint_view`). Served organisations only (the claims' public pages need
    the server's address)."""
    from lingtan.adapters.services import products as pr

    if not isinstance(ctx, TenantContext):
        return not_available("products", "server_only"), []
    try:
        listing = pr.list_products(db, ctx)
    except ServiceError as exc:
        if exc.kind == "conflict":
            return not_available("products", "no_workspace"), []
        raise
    products = listing.get("products", [])
    if not products:
        return not_available("products", "no_products"), []
    today = _today()
    count = {"claims": 0, "valid": 0, "invalid": 0, "ended": 0, "expiring": 0}
    alerts = []
    for p in products:
        for c in p["configurations"]:
            if c.get("claim_id") is None:
                continue
            count["claims"] += 1
            view = pr.footprint_view(db, ctx, p["product_id"], c["configuration_id"], top=0)
            claim = view.get("claim") or {}
            end = date.fromisoformat(str((claim.get("period") or {}).get("end") or "9999-12-31"))
            subject = f"{p['product_id']}/{c['configuration_id']}"
            link = f"products/{_seg(p['product_id'])}/{_seg(c['configuration_id'])}"
            if not claim.get("valid"):  # the evidence does not support it (alert)
                kind, severity = "claim_invalid", "alert"
            elif end < today:  # it held for a period that has ended: renew it
                kind, severity = "claim_ended", "attention"
            elif end <= today + timedelta(days=EXPIRING_DAYS):
                kind, severity = "claim_expiring", "attention"
            else:
                count["valid"] += 1
                continue
            count[kind.removeprefix("claim_")] += 1
            count["valid"] += kind == "claim_expiring"
            alerts.append(alert(kind, severity, "products", subject=subject, due=end, link=link))
    figures = [
        fig("products", len(products)),
        fig("claims", count["claims"]),
        fig("claims_valid", count["valid"]),
        fig("claims_expiring", count["expiring"]),
        fig("claims_ended", count["ended"]),
    ]
    status = "alert" if count["invalid"] else "attention" if alerts else "ok"
    return tile("products", status, figures), alerts


def certificates_tile(ctx: Context, db: Session) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Certificates (green electricity, ISO 50001, zero-carbon sites …): expired and expiring
    within 90 days (:func:`.certifications.reminders`)."""
    from lingtan.adapters.services import certifications as certs

    rows = certs.list_certificates(db, ctx)
    if not rows:
        return not_available("certificates", "no_certificates"), []
    today = _today()
    reminders = certs.reminders(db, ctx, on=today)
    expired = [r for r in reminders if r.expired]
    expiring = [r for r in reminders if not r.expired]
    figures = [
        fig("certificates", len(rows)),
        fig("certificates_expiring", len(expiring)),
        fig("certificates_expired", len(expired)),
    ]
    alerts = [
        alert(
            "certificate_expired" if r.expired else "certificate_expiring",
            "alert" if r.expired else "attention",
            "certificates",
            subject=f"{r.subject_id} · {r.scheme}",
            due=r.valid_until,
            days=abs(r.days_left),
        )
        for r in reminders
    ]
    status = "alert" if expired else "attention" if expiring else "ok"
    return tile("certificates", status, figures), alerts


# -- inclusion, circularity, disclosure ------------------------------------------------------------


def inclusion_tile(ctx: Context, db: Session) -> dict[str, Any]:
    """Carbon-inclusion programmes: participants and points outstanding (the liability)
    (:func:`.inclusion_report.overview`)."""
    from lingtan.adapters.services import inclusion_report as ir

    programmes = ir.overview(db, ctx)
    if not programmes:
        return not_available("inclusion", "no_programmes")
    figures = [
        fig("programmes", len(programmes)),
        fig("participants", sum(p["participants"] for p in programmes)),
        fig("points_outstanding", sum(p["outstanding"] for p in programmes), "points"),
    ]
    return tile(
        "inclusion",
        "ok",
        figures,
        programmes=[{k: p[k] for k in ("code", "name", "participants")} for p in programmes],
    )


def _number(v: Any) -> float | int | None:
    """A figure's value when it is a number (never a text passed off as one)."""
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def circularity_tile(ctx: Context, db: Session, label: str | None) -> dict[str, Any]:
    """The headline figure of each circularity KPI of the fiscal year
    (``services.circularity.compute_kpis``; labels ``circ.fig.<key>``); not installed or no
    ledger row → not available."""
    get = optional_service("circularity", "compute_kpis")
    if get is None:
        return not_available("circularity", "not_installed")
    if label is None:
        return not_available("circularity", "no_workspace")
    _period, figures = get(db, ctx, label)
    shown = [
        fig(f.key, _number(f.value), str(f.unit or ""), f"circ.fig.{f.key}")
        for f in figures
        if f.key == f.kpi and _number(f.value) is not None  # each KPI's headline figure
    ]
    if not shown:
        return not_available("circularity", "no_ledgers", fiscal_year=label)
    return tile("circularity", "ok", shown, fiscal_year=label)


def _get(record: Any, name: str) -> Any:
    """A field of an edition record (a dataclass or a dict)."""
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)


def disclosure_tile(ctx: Context) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The disclosure editions and their state (``services.disclosure_editions.list_editions``;
    not installed → not available): published, drafts, superseded, the latest edition."""
    get = optional_service("disclosure_editions", "list_editions")
    if get is None:
        return not_available("disclosure", "not_installed"), []
    editions = list(get(ctx))  # newest first
    if not editions:
        return not_available("disclosure", "no_editions"), []
    states = [str(_get(e, "state")) for e in editions]
    figures = [
        fig("editions", len(editions)),
        fig("editions_published", states.count("published")),
        fig("editions_draft", states.count("draft")),
        fig("editions_superseded", states.count("superseded")),
    ]
    rows = [
        {
            "id": str(_get(e, "edition_id") or _get(e, "id") or ""),
            "fiscal_year": str(_get(e, "fiscal_year") or ""),
            "state": str(_get(e, "state") or ""),
        }
        for e in editions
    ]
    alerts = []
    published_years = {r["fiscal_year"] for r in rows if r["state"] == "published"}
    for r in rows:
        if r["state"] == "draft" and r["fiscal_year"] not in published_years:
            alerts.append(
                alert(
                    "edition_draft",
                    "attention",
                    "disclosure",
                    subject=r["fiscal_year"],
                    link=f"disclosure/editions/{_seg(r['id'])}",
                )
            )
    return tile("disclosure", "attention" if alerts else "ok", figures, editions=rows), alerts


# -- the forecast ----------------------------------------------------------------------------------


def _yearly(ws: Workspace, stored: Mapping[str, Any]) -> dict[str, dict[int, float]]:
    """Series (:data:`SERIES`) → fiscal start year → total [t CO2e] of the newest snapshot."""
    cal = ws.config.calendar
    out: dict[str, dict[int, float]] = {s: {} for s in SERIES}
    for fy, s in stored.items():
        y = cal.parse(fy).start.year
        for name in SERIES:
            v = s.trend.get(name)
            if isinstance(v, int | float):
                out[name][y] = float(v)
    return out


def bau_forecast(ws: Workspace, prog: Programme | None, years: Sequence[int]) -> dict[str, Any]:
    """The targets module's BAU forecast (emissions grown by their drivers from the latest
    actual year; :func:`lingtan.modules.targets.forecast.forecast_bau`) for ``years``, summed
    by scope [t CO2e]; ``not_available`` without a targets file or actual emissions."""
    from lingtan.modules.targets.forecast import BauModel, forecast_bau

    if prog is None:
        return {"status": "not_available", "reason": "tower.reason.no_targets"}
    start = (
        prog.bau.start_year
        if prog.bau.start_year is not None
        else max(prog.emissions, default=None)
    )
    if start is None or start not in prog.emissions:
        return {"status": "not_available", "reason": "tower.reason.no_bau_start"}
    ahead = [y for y in years if y > start]
    try:
        f = forecast_bau(
            BauModel(prog.emissions[start], prog.bau.drivers, prog.bau.bucket_drivers), ahead
        )
    except LingtanError as exc:
        return {"status": "not_available", "reason": "tower.reason.bau_error", "error": str(exc)}
    cal = ws.config.calendar
    by_scope: dict[str, dict[str, float]] = {s: {} for s in BAU_SERIES}
    for y in ahead:
        e = f.year(y)
        vals = {"scope1": e.scope1, "scope2_market": e.scope2_market, "scope3": e.scope3}
        vals["total_market"] = sum(vals.values())
        for name, v in vals.items():
            by_scope[name][cal.year(y).label] = float(v)
    return {
        "status": "ok",
        "method": "bau_drivers",
        "reference": "GHG Protocol Mitigation Goal Standard ch. 8",
        "start_year": cal.year(start).label,
        "drivers": sorted(prog.bau.drivers),
        "by_scope": by_scope,
    }


def forecast(
    ws: Workspace | None,
    stored: Mapping[str, Any],
    prog: Programme | None,
    *,
    horizon: int = HORIZON,
    level: float = LEVEL,
) -> dict[str, Any]:
    """The trend of every series (:data:`SERIES`) with its forecast and interval, and the BAU
    forecast over the same years; years as fiscal-year labels."""
    if ws is None:
        return {"status": "not_available", "reason": "tower.reason.no_workspace"}
    cal = ws.config.calendar
    yearly = _yearly(ws, stored)
    series = {}
    for name in SERIES:
        f = forecast_trend(yearly[name], series=name, horizon=horizon, level=level).to_dict()
        for row in (*f["used"], *f["points"]):
            row["fiscal_year"] = cal.year(row["year"]).label
        f["left_out"] = [cal.year(y).label for y in f["left_out"]]
        series[name] = f
    last = max(yearly["total_market"], default=None)
    years = [] if last is None else list(range(last + 1, last + horizon + 1))
    try:
        bau = bau_forecast(ws, prog, years)
    except (ServiceError, LingtanError) as exc:
        bau = {"status": "not_available", "reason": "tower.reason.bau_error", "error": str(exc)}
    total = series["total_market"]
    return {
        "status": total["status"],
        "level": level,
        "horizon": horizon,
        "history": [
            {"fiscal_year": fy, **{n: s.trend.get(n) for n in SERIES}} for fy, s in stored.items()
        ],
        "series": series,
        "bau": bau,
    }


# -- the tower -------------------------------------------------------------------------------------


def _guarded(key: str, build: Callable[[], Any]) -> Any:
    """``build()``; a module that cannot answer (its service refuses, its data is invalid)
    gives a not-available tile naming the reason, so that one module never hides the others."""
    try:
        return build()
    except (ServiceError, LingtanError) as exc:
        return not_available(key, "error", error=str(exc))


def _split(result: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if isinstance(result, tuple):
        return result[0], list(result[1])
    return result, []


def tower(
    ctx: Context, fiscal_year: str | None = None, *, db: Session | None = None
) -> dict[str, Any]:
    """The control tower of the context's organisation for ``fiscal_year`` (None: the latest
    with an inventory): ``fiscal_year``, ``tiles`` (one per :data:`TILES`, in order), ``alerts``
    (alerts first, then attention; each with its owner where the record names one) and
    ``forecast`` (module docstring). ``db``: the caller's store session (a server request's),
    else one of the workspace is opened.

    Raises:
        ServiceError: 403 the role may not read; 422 (:class:`TowerError`) not a fiscal year.
    """
    ctx.require("read")
    ws = _workspace(ctx)
    with _session(ctx, db) as s:
        stored: Mapping[str, Any] = {}
        unread: str | None = None  # why the inventories could not be read
        if ws is not None:
            try:
                stored = _stored_years(ctx, s, ws)
            except (ServiceError, LingtanError) as exc:
                unread = str(exc)
        label = _label(ws, fiscal_year, sorted(stored))
        built: dict[str, Any] = {}
        prog: Programme | None = None

        def targets() -> Any:
            nonlocal prog
            t, a, prog = targets_tile(ctx)
            return t, a

        builders: dict[str, Callable[[], Any]] = {
            "inventory": lambda: (
                (not_available("inventory", "error", error=unread), [])
                if unread
                else inventory_tile(ws, stored, label)
            ),
            "targets": targets,
            "plan": lambda: plan_tile(ctx, prog is not None),
            "suppliers": lambda: suppliers_tile(ctx, s, label),
            "energy": lambda: energy_tile(ctx, ws, label),
            "risks": lambda: risks_tile(ctx, s),
            "products": lambda: products_tile(ctx, s),
            "certificates": lambda: certificates_tile(ctx, s),
            "inclusion": lambda: inclusion_tile(ctx, s),
            "circularity": lambda: circularity_tile(ctx, s, label),
            "disclosure": lambda: disclosure_tile(ctx),
        }
        alerts: list[dict[str, Any]] = []
        for key in TILES:
            t, a = _split(_guarded(key, builders[key]))
            built[key] = t
            alerts += a
        try:
            fc = forecast(ws, stored, prog)
        except (ServiceError, LingtanError) as exc:
            fc = {"status": "not_available", "reason": "tower.reason.error", "error": str(exc)}
    rank = {"alert": 0, "attention": 1}
    alerts.sort(key=lambda a: (rank.get(a["severity"], 2), TILES.index(a["module"])))
    return dict(
        jsonable(
            {
                "fiscal_year": label,
                "tiles": [built[k] for k in TILES],
                "alerts": alerts,
                "forecast": fc,
            }
        )
    )
