"""``/o/<org>/disclosure/mapping`` in the web app: the framework mapping table (IFRS S2, HKEX
Appendix C2, CDP 2024, ISO 14064-1 cl. 9.3.1) with each requirement's status computed now from
the organisation's data, and the datapoints entered by hand (issue 19 item 3, decision 0097).

- ``GET /o/<org>/disclosure/mapping`` (``?fy=FY2023-24&framework=ifrs_s2&status=missing``): the
  counts per status, a table per framework (reference, lingtan's label, pillar, sources with
  their own status, status), the datapoints of the year and their forms;
- ``POST /o/<org>/disclosure/mapping/datapoints``: enter or replace a datapoint;
- ``POST /o/<org>/disclosure/mapping/datapoints/review``: mark reviewed, approve, reopen, remove.

A refused change is shown again with the reason in the user's language
(``disc_map.err.datapoint.*``) and its writes rolled back; a change that went through redirects
(303) with a confirmation. Reading needs ``read``, changing ``edit_data``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import disclosure_datapoints as dp
from lingtan.adapters.services import disclosure_mapping as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.pages._common import fy_label, fy_slug, org_render, refused_change
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.core.errors import LingtanError
from lingtan.modules.disclosure.frameworks import DATAPOINTS
from lingtan.modules.disclosure.mapping import STATUSES

router = APIRouter()

#: what the confirmation after a change may say (``disc_map.done.<key>``)
DONE = frozenset({"saved", "reviewed", "approved", "entered", "removed"})
Text = Annotated[str, Form(max_length=2000)]
Filter = Annotated[str, Query(max_length=40)]


def fiscal_years(op: OrgPage) -> tuple[list[str], str]:
    """(years offered, oldest first; the default): the years with a calculated inventory and
    the current one; the default is the latest calculated year, else the current one."""
    cfg = op.tenant.workspace().config
    current = cfg.calendar.of(datetime.now(UTC).date()).label
    calculated = {s.fiscal_year for s in op.tenant.workspace().snapshots()}
    years = sorted(calculated | {current}, key=lambda label: cfg.period(label).start)
    pool = calculated or {current}
    return years, max(pool, key=lambda label: cfg.period(label).start)


def _chosen_year(op: OrgPage, fy: str) -> tuple[list[str], str]:
    years, default = fiscal_years(op)
    if not fy.strip():
        return years, default
    label = fy_label(fy.strip())
    try:
        label = op.tenant.workspace().config.period(label).label
    except (LingtanError, ValueError):
        return years, default
    return (years if label in years else [*years, label]), label


def _page(
    request: Request,
    op: OrgPage,
    fy: str,
    filters: dict[str, str],
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    years, label = _chosen_year(op, fy)
    keys = {f.key for f in sv.frameworks()}
    framework = filters.get("framework", "")
    framework = framework if framework in keys else ""
    status = filters.get("status", "")
    status = status if status in STATUSES else ""
    view = sv.live_mapping(op.tenant, label, framework=framework or None)
    rows = dp.list_datapoints(op.db, op.tenant, label)
    return org_render(
        request, op, "disclosure_mapping.html", "disclosure",
        view=view, years=years, fy=label, fy_slug=fy_slug(label),
        frameworks=sv.frameworks(), framework=framework, status=status, statuses=STATUSES,
        datapoints=[dp.datapoint_dict(r) for r in rows], datapoint_keys=list(DATAPOINTS),
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/disclosure/mapping", response_class=HTMLResponse)
def mapping_page(
    request: Request,
    op: OrgDep,
    fy: Filter = "",
    framework: Filter = "",
    status: Filter = "",
    done: Filter = "",
) -> HTMLResponse:
    """The mapping of the fiscal year and its datapoints."""
    op.require("read")
    return _page(request, op, fy, {"framework": framework, "status": status}, done=done)


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    _, text = refused_change(request, op, exc, dp.DatapointError,
                             kinds=("invalid", "conflict", "not_found"))  # fmt: skip
    return text


@router.post("/o/{org}/disclosure/mapping/datapoints", response_model=None)
def datapoint_set(
    request: Request,
    op: OrgDep,
    fiscal_year: Text = "",
    key: Text = "",
    value: Text = "",
    unit: Text = "",
    text: Text = "",
    source: Text = "",
) -> Response:
    """Enter or replace a datapoint; the page again with the reason when refused."""
    op.require("edit_data")
    values = {"key": key, "value": value, "unit": unit, "text": text, "source": source}
    try:
        row = dp.set_datapoint(op.db, op.tenant, key, fiscal_year, value=value.replace(",", ""),
                               unit=unit, text=text, source=source)  # fmt: skip
    except ServiceError as exc:
        reason = _refused(request, op, exc)
        return _page(request, op, fiscal_year, {}, errors={"set": reason}, values=values,
                     status_code=422)  # fmt: skip
    url = f"/o/{op.org.slug}/disclosure/mapping?fy={fy_slug(row.fiscal_year)}&done=saved"
    return RedirectResponse(url + "#datapoints", status_code=303)


@router.post("/o/{org}/disclosure/mapping/datapoints/review", response_model=None)
def datapoint_review(
    request: Request,
    op: OrgDep,
    fiscal_year: Text = "",
    key: Text = "",
    action: Text = "",
) -> Response:
    """Mark a datapoint reviewed, approve it, reopen it (``entered``) or remove it."""
    op.require("edit_data")
    try:
        if action == "remove":
            dp.delete_datapoint(op.db, op.tenant, key, fiscal_year)
            done = "removed"
        else:
            row = dp.review_datapoint(op.db, op.tenant, key, fiscal_year, action)
            done = row.status
    except ServiceError as exc:
        reason = _refused(request, op, exc)
        return _page(request, op, fiscal_year, {}, errors={"review": reason}, status_code=422)
    fy = fy_slug(dp.fiscal_year_of(op.tenant, fiscal_year))
    url = f"/o/{op.org.slug}/disclosure/mapping?fy={fy}&done={done}"
    return RedirectResponse(url + "#datapoints", status_code=303)
