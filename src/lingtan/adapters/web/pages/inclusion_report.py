"""The carbon-inclusion admin overview and programme report (issue 18 item 7, decision 0092).

- ``/o/<org>/inclusion``: the programmes with their participants and points outstanding, a
  link to each programme's report, and the links to the other carbon-inclusion pages (the
  ``INCLUSION`` sub-menu);
- ``/o/<org>/inclusion/report/<programme>?from=…&to=…``: the programme report of
  :func:`lingtan.adapters.services.inclusion_report.programme_report` over a period —
  participants, active accounts, events by action and status, kg CO2e by methodology and by what
  it counts as (reductions and avoided emissions apart, never summed), the points issued /
  redeemed / expired / reversed / outstanding (the liability) and the Scope 3 category 7 rows;
  ``…/report/<programme>.csv``: the same as CSV.

Reading needs ``read`` (403 page otherwise). Texts: ``incl_member.*``.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from lingtan.adapters.services import inclusion_report as rep
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import translator
from lingtan.adapters.web.session import OrgDep, OrgPage

router = APIRouter()

Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,40}$")]
Day = Annotated[str, Query(max_length=10)]


@router.get("/o/{org}/inclusion", response_class=HTMLResponse)
def overview_page(request: Request, op: OrgDep) -> HTMLResponse:
    """The programmes with participants and points outstanding."""
    op.require("read")
    return org_render(
        request, op, "inclusion_overview.html", "inclusion",
        programmes=rep.overview(op.db, op.tenant), sub="overview",
    )  # fmt: skip


def _day(text: str) -> date | None:
    """A period bound of the filter (``YYYY-MM-DD``; blank: open).

    Raises:
        ValueError: not a date.
    """
    return date.fromisoformat(text.strip()) if text.strip() else None


def _report(
    request: Request, op: OrgPage, programme: str, start: str, end: str
) -> tuple[dict[str, Any] | None, str]:
    """The report, or ``None`` and the reason a period bound was refused."""
    t = translator(request)
    try:
        lo, hi = _day(start), _day(end)
    except ValueError:
        return None, t("incl_member.err.period")
    if lo and hi and hi < lo:
        return None, t("incl_member.err.period_order")
    return rep.programme_report(op.db, op.tenant, programme, lo, hi), ""


def report_csv(report: dict[str, Any]) -> str:
    """The report as CSV rows ``section,key,subkey,value`` (one figure a row)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["section", "key", "subkey", "value"])
    p = report["period"]
    w.writerow(["period", "start", "", p["start"] or ""])
    w.writerow(["period", "end", "", p["end"] or ""])
    for k in ("participants", "groups", "active_accounts", "events_total"):
        w.writerow(["accounts" if k != "events_total" else "events", k, "", report[k]])
    for r in report["events"]:
        w.writerow(["events", r["action"], r["status"], r["count"]])
    for r in report["kg_by_method"]:
        w.writerow(
            ["kg_by_method", f"{r['pack_id']}@{r['pack_version']}", r["counts_as"], r["kg_co2e"]]
        )
    for k, v in report["kg_by_counts_as"].items():
        w.writerow(["kg_by_counts_as", k, "", v])
    for k, v in report["points"].items():
        w.writerow(["points", k, "", v])
    for k, v in report["points_in_period"].items():
        w.writerow(["points_in_period", k, "", v])
    for r in report["category7"]:
        w.writerow(["category7", f"{r['site']}/{r['mode']}", r["month"], r["pkm"]])
    return out.getvalue()


@router.get("/o/{org}/inclusion/report/{programme}.csv", response_model=None)
def report_download(
    request: Request,
    op: OrgDep,
    programme: Code,
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> Response:
    """The programme report as CSV."""
    op.require("read")
    report, error = _report(request, op, programme, start, end)
    if report is None:
        raise ServiceError("invalid", "invalid", error, "from")
    return Response(
        report_csv(report), media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="inclusion-{programme}.csv"'},
    )  # fmt: skip


@router.get("/o/{org}/inclusion/report/{programme}", response_class=HTMLResponse)
def report_page(
    request: Request,
    op: OrgDep,
    programme: Code,
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> HTMLResponse:
    """The programme report over the period (both days included)."""
    op.require("read")
    report, error = _report(request, op, programme, start, end)
    return org_render(
        request, op, "inclusion_report.html", "inclusion",
        report=report, code=programme, start=start, end=end, error=error, sub="overview",
        status_code=422 if error else 200,
    )  # fmt: skip
