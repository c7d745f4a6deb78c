"""``/o/<org>/risks/scenarios`` in the web app: scenario data sets and runs with financial effects
(issue 17 item 4, decision 0082) — the data sets (illustrative ones marked), the import and run
forms, the runs of each inventory year with the chart of the net effect by horizon
(server-side SVG, :mod:`lingtan.adapters.web.scenario_charts`), the computed conclusion and the
IPCC warming levels cited; ``/o/<org>/risks/scenarios/runs/<run_id>`` one run with its inputs,
lines, ranges and notes.

Every form is checked by :mod:`lingtan.adapters.services.risk_scenarios`: a refusal is shown
again with its reason in the user's language (``scenarios.err.*``) and its writes rolled back;
a change that went through redirects (303). Reading needs ``read``; importing and running
``edit_data``. Every POST carries the CSRF token (the pages' router checks it).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import risk_scenarios as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render, upload_bytes
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.scenario_charts import net_by_horizon, run_by_horizon
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.core.messages import msg
from lingtan.modules.risk.scenarios import OPPORTUNITY_LINES, RISK_LINES

router = APIRouter()

#: what the confirmation after a change may say (``scenarios.done.<key>``)
DONE = frozenset({"imported", "bundled", "ran"})
Text = Annotated[str, Form(max_length=200)]


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    """The reason of a refused change in the user's language (its writes rolled back); other
    errors (403, 404 …) go to the error page."""
    if not isinstance(exc, sv.ScenariosError):
        raise exc
    op.db.rollback()
    return translator(request)(exc.key, **exc.params)


def _years(op: OrgPage) -> list[str]:
    """The fiscal years with a calculated inventory, newest first."""
    return sorted({s.fiscal_year for s in op.tenant.workspace().snapshots()}, reverse=True)


def _page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    t = translator(request)
    scenarios = [sv.scenario_dict(r, t.locale) for r in sv.list_scenarios(op.db, op.tenant)]
    labels = {s["code"]: s["label"] for s in scenarios}  # in the page's language
    runs = [sv.run_dict(r) for r in sv.list_runs(op.db, op.tenant)]
    for r in runs:
        r["label"] = labels.get(r["scenario"], r["label"])
    by_year: dict[str, list[dict[str, Any]]] = {}
    for r in runs:
        by_year.setdefault(r["fiscal_year"], []).append(r)
    sections = []
    for fy, rows in by_year.items():
        newest: dict[str, dict[str, Any]] = {}
        for r in sorted(rows, key=lambda r: r["created_at"]):
            newest[r["scenario"]] = r
        latest = sorted(newest.values(), key=lambda r: -r["warming"])
        c = sv.conclusion(op.db, op.tenant, fy)
        sections.append({
            "fiscal_year": fy, "runs": rows, "chart": net_by_horizon(latest, t, t.locale),
            "conclusion": sv.conclusion_text(c, t.locale),
            "years": sorted({y["year"] for r in rows for y in r["results"]["years"]}),
            "nets": [{y["year"]: y["net"] for y in r["results"]["years"]} for r in rows],
        })  # fmt: skip
    return org_render(
        request, op, "risk_scenarios.html", "risks",
        scenarios=scenarios, sections=sections, years=_years(op),
        levels=sv.warming_levels(), can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", errors=errors or {}, values=values or {},
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/risks/scenarios", response_class=HTMLResponse)
def scenarios_page(
    request: Request, op: OrgDep, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """The data sets, the runs by inventory year with their chart and conclusion."""
    op.require("read")
    return _page(request, op, done=done)


@router.post("/o/{org}/risks/scenarios/import", response_model=None)
def scenarios_import(
    request: Request,
    op: OrgDep,
    manifest: Annotated[UploadFile, File()],
    series: Annotated[UploadFile, File()],
) -> Response:
    """Import a data set (manifest + series); the page again with the reason when refused."""
    op.require("edit_data")
    try:
        sv.import_scenario(op.db, op.tenant, upload_bytes(manifest),
                           upload_bytes(series), manifest.filename or "scenario.yaml",
                           series.filename or "series.csv")  # fmt: skip
    except ServiceError as exc:
        return _page(request, op, errors={"import": _refused(request, op, exc)}, status_code=422)
    return RedirectResponse(f"/o/{op.org.slug}/risks/scenarios?done=imported", status_code=303)


@router.post("/o/{org}/risks/scenarios/bundled", response_model=None)
def scenarios_bundled(op: OrgDep) -> Response:
    """Register the four illustrative scenarios."""
    op.require("edit_data")
    sv.register_bundled(op.db, op.tenant)
    return RedirectResponse(f"/o/{op.org.slug}/risks/scenarios?done=bundled", status_code=303)


def _float(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        raise sv.refused("invalid", msg("scenarios.err.parameter", name=name), name) from None


@router.post("/o/{org}/risks/scenarios/runs", response_model=None)
def scenarios_run(
    request: Request,
    op: OrgDep,
    scenario: Text = "",
    fiscal_year: Text = "",
    revenue_lowcarbon: Text = "",
    bau_growth: Text = "",
    physical_base: Text = "",
) -> Response:
    """Run a scenario on an inventory year; the run's page, or this page with the reason."""
    op.require("edit_data")
    values = {"scenario": scenario, "fiscal_year": fiscal_year,
              "revenue_lowcarbon": revenue_lowcarbon, "bau_growth": bau_growth,
              "physical_base": physical_base}  # fmt: skip
    try:
        row = sv.run_scenario(
            op.db, op.tenant, scenario, fiscal_year,
            revenue_lowcarbon=_float(revenue_lowcarbon, "revenue_lowcarbon"),
            bau_growth=_float(bau_growth, "bau_growth") or 0.0,
            physical_base=_float(physical_base, "physical_base"),
        )  # fmt: skip
    except ServiceError as exc:
        return _page(request, op, errors={"run": _refused(request, op, exc)},
                     values=values, status_code=422)  # fmt: skip
    return RedirectResponse(f"/o/{op.org.slug}/risks/scenarios/runs/{row.run_id}?done=ran",
                            status_code=303)  # fmt: skip


@router.get("/o/{org}/risks/scenarios/runs/{run_id}", response_class=HTMLResponse)
def scenario_run_page(
    request: Request, op: OrgDep, run_id: str, done: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """One run: its ids, the inputs read, the lines by horizon with ranges, chart, notes."""
    op.require("read")
    t = translator(request)
    run = sv.run_dict(sv.get_run(op.db, op.tenant, run_id[:64]))
    with suppress(ServiceError):  # the label in the page's language, while the set is there
        run["label"] = sv.scenario_dict(sv.get_scenario(op.db, op.tenant, run["scenario"]),
                                        t.locale)["label"]  # fmt: skip
    return org_render(
        request, op, "risk_scenarios_run.html", "risks", run=run,
        chart=run_by_horizon(run, t, t.locale), risk_lines=RISK_LINES,
        opportunity_lines=OPPORTUNITY_LINES,
        notes=[sv.note_text(n, t.locale) for n in run["results"].get("notes", [])],
        done=done if done in DONE else "",
    )  # fmt: skip
