"""``/o/<org>/risks/governance`` in the web app: governance bodies, meetings, roles and
remuneration links (issue 17 item 6, decision 0084).

- ``/o/<org>/risks/governance?fy=…``: the bodies with their required vs held meetings of the
  fiscal year (status and gaps), the year's meetings calendar, the roles, the remuneration links
  and the forms to add each (and to import a CSV file of meetings; export as CSV);
- ``/o/<org>/risks/governance/meetings/<id>``: one meeting with its agenda and decisions, a form
  to add an agenda item, and removal.

Every form is checked by :mod:`lingtan.adapters.services.risk_governance`: a refused change is
shown again with the reason in the user's language (``governance.err.*``) and its writes rolled
back; a change that went through redirects (303) with a confirmation. Reading needs ``read``;
changing ``edit_data`` (403 page otherwise). Every POST carries the CSRF token (the pages'
router checks it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from lingtan.adapters.services import risk_governance as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.risk_governance import GovernanceMeetingRow
from lingtan.adapters.web.pages._common import org_render, refused_change, upload_bytes
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.risk import governance as gm

router = APIRouter()

#: what the confirmation after a change may say (``governance.done.<key>``)
DONE = frozenset({"body", "meeting", "role", "pay_link", "imported", "removed", "item"})
Text = Annotated[str, Form(max_length=2000)]
Year = Annotated[str, Query(max_length=20)]
BASE = "/o/{slug}/risks/governance"


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    """The reason of a refused change in the user's language (its writes rolled back); other
    errors (403, 404 …) go to the error page."""
    return refused_change(request, op, exc, sv.RiskGovernanceError)[1]


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _years(op: OrgPage) -> list[str]:
    """The fiscal years with a meeting or a remuneration link, and the current one; newest
    first."""
    cal = op.tenant.workspace().config.calendar
    years = {cal.of(datetime.now(UTC).date()).label}
    years |= set(op.db.scalars(select(GovernanceMeetingRow.fiscal_year).distinct()))
    years |= {r.fiscal_year for r in sv.list_pay_links(op.db, op.tenant)}
    return sorted(years, reverse=True)


def _year(op: OrgPage, fy: str) -> str:
    """The chosen fiscal year (its label), else the newest year with meetings."""
    if fy.strip():
        try:
            return sv.period_of(op.tenant, fy).label
        except sv.RiskGovernanceError:
            pass
    with_meetings = sorted(set(op.db.scalars(select(GovernanceMeetingRow.fiscal_year))))
    return with_meetings[-1] if with_meetings else _years(op)[0]


def _page(
    request: Request,
    op: OrgPage,
    fy: str = "",
    *,
    done: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    year = _year(op, fy)
    summary = sv.governance_summary(op.db, op.tenant, year)
    return org_render(
        request, op, "risk_governance.html", "risks",
        summary=summary, year=year, years=_years(op), kinds=gm.BODY_KINDS, topics=gm.TOPICS,
        counts=gm.COUNTS, kpis=sv.known_kpis(op.tenant) or {},
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        errors=errors or {}, values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/risks/governance", response_class=HTMLResponse)
def governance_page(
    request: Request,
    op: OrgDep,
    fy: Year = "",
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """Bodies with required vs held meetings of the year, calendar, roles, pay links."""
    op.require("read")
    return _page(request, op, fy, done=done)


def _back(op: OrgPage, year: str, done: str, anchor: str = "") -> Response:
    url = BASE.format(slug=op.org.slug) + f"?fy={quote(year)}&done={done}"
    return _redirect(url + (f"#{anchor}" if anchor else ""))


@router.post("/o/{org}/risks/governance/bodies", response_model=None)
def body_add(
    request: Request,
    op: OrgDep,
    code: Text = "",
    kind: Text = "",
    name: Text = "",
    parent: Text = "",
    chair: Text = "",
    per_year: Text = "",
    counts: Text = "",
    mandate: Text = "",
    fy: Text = "",
) -> Response:
    """Add a body (blank frequency: the report's default for its kind)."""
    op.require("edit_data")
    values = {"code": code, "kind": kind, "name": name, "parent": parent, "chair": chair,
              "per_year": per_year, "counts": counts, "mandate": mandate}  # fmt: skip
    fields = {k: v for k, v in values.items() if v.strip() or k in ("code", "kind", "name")}
    try:
        sv.create_body(op.db, op.tenant, fields)
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, fy, errors={"body": text}, values={"body": values},
                     status_code=422)  # fmt: skip
    return _back(op, fy, "body", "bodies")


@router.post("/o/{org}/risks/governance/meetings", response_model=None)
def meeting_add(
    request: Request,
    op: OrgDep,
    body: Text = "",
    date: Text = "",
    fiscal_year: Text = "",
    title: Text = "",
    topic: Text = "",
    climate: Text = "",
    item: Text = "",
    decisions: Text = "",
    source: Text = "",
    fy: Text = "",
) -> Response:
    """Add a meeting with one agenda item (more on the meeting's page)."""
    op.require("edit_data")
    values = {"body": body, "date": date, "fiscal_year": fiscal_year, "title": title,
              "topic": topic, "climate": climate, "item": item, "decisions": decisions,
              "source": source}  # fmt: skip
    fields: dict[str, Any] = {"body": body, "title": title, "date": date or None,
                              "fiscal_year": fiscal_year or None,
                              "decisions": decisions, "source": source}  # fmt: skip
    if topic.strip() or item.strip():
        fields["agenda"] = [{"topic": topic or "other", "climate": climate == "on", "text": item}]
    try:
        row = sv.create_meeting(op.db, op.tenant, fields)
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, fy, errors={"meeting": text}, values={"meeting": values},
                     status_code=422)  # fmt: skip
    return _back(op, row.fiscal_year, "meeting", "calendar")


@router.post("/o/{org}/risks/governance/meetings/import", response_model=None)
def meeting_import(
    request: Request, op: OrgDep, file: Annotated[UploadFile, File()], fy: Text = ""
) -> Response:
    """Import a CSV file of meetings (all or nothing); the page again with every wrong cell."""
    op.require("edit_data")
    try:
        data = upload_bytes(file)
        sv.import_meetings(op.db, op.tenant, data, file.filename or "meetings.csv")
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, fy, errors={"import": text}, status_code=422)
    return _back(op, fy, "imported", "calendar")


@router.get("/o/{org}/risks/governance/meetings.csv", response_model=None)
def meeting_export(op: OrgDep, fy: Year = "") -> Response:
    """The meetings of the year (or all, without ``fy``) as CSV."""
    op.require("read")
    data = sv.export_meetings(op.db, op.tenant, fy or None)
    return Response(
        data, media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="governance-meetings.csv"'},
    )  # fmt: skip


@router.post("/o/{org}/risks/governance/roles", response_model=None)
def role_add(
    request: Request,
    op: OrgDep,
    title: Text = "",
    holder: Text = "",
    responsibilities: Text = "",
    reports_to: Text = "",
    chairs: Text = "",
    climate_responsible: Text = "",
    fy: Text = "",
) -> Response:
    """Add a management role."""
    op.require("edit_data")
    values = {"title": title, "holder": holder, "responsibilities": responsibilities,
              "reports_to": reports_to, "chairs": chairs,
              "climate_responsible": climate_responsible}  # fmt: skip
    fields: dict[str, Any] = {k: v for k, v in values.items() if v.strip() or k == "title"}
    fields["climate_responsible"] = climate_responsible == "on"
    try:
        sv.create_role(op.db, op.tenant, fields)
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, fy, errors={"role": text}, values={"role": values},
                     status_code=422)  # fmt: skip
    return _back(op, fy, "role", "roles")


@router.post("/o/{org}/risks/governance/pay-links", response_model=None)
def pay_link_add(
    request: Request,
    op: OrgDep,
    fiscal_year: Text = "",
    population: Text = "",
    kpi_id: Text = "",
    kpi_label: Text = "",
    share_pct: Text = "",
    body: Text = "",
    description: Text = "",
    fy: Text = "",
) -> Response:
    """Add a remuneration link (blank share: not published)."""
    op.require("edit_data")
    values = {"fiscal_year": fiscal_year, "population": population, "kpi_id": kpi_id,
              "kpi_label": kpi_label, "share_pct": share_pct, "body": body,
              "description": description}  # fmt: skip
    fields = {k: v for k, v in values.items() if v.strip() or k in ("fiscal_year", "population")}
    try:
        row = sv.create_pay_link(op.db, op.tenant, fields)
    except ServiceError as exc:
        text = _refused(request, op, exc)
        return _page(request, op, fy, errors={"pay_link": text}, values={"pay_link": values},
                     status_code=422)  # fmt: skip
    return _back(op, row.fiscal_year, "pay_link", "pay-links")


@router.post("/o/{org}/risks/governance/roles/{role_id:int}/delete", response_model=None)
def role_delete(op: OrgDep, role_id: int, fy: Text = "") -> Response:
    """Remove a role."""
    op.require("edit_data")
    sv.delete_role(op.db, op.tenant, role_id)
    return _back(op, fy, "removed", "roles")


@router.post("/o/{org}/risks/governance/pay-links/{link_id:int}/delete", response_model=None)
def pay_link_delete(op: OrgDep, link_id: int, fy: Text = "") -> Response:
    """Remove a remuneration link."""
    op.require("edit_data")
    sv.delete_pay_link(op.db, op.tenant, link_id)
    return _back(op, fy, "removed", "pay-links")


# ---- one meeting --------------------------------------------------------------------------


def _meeting(
    request: Request,
    op: OrgPage,
    meeting_id: int,
    *,
    done: str = "",
    error: str = "",
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    row = sv.get_meeting(op.db, op.tenant, meeting_id)
    return org_render(
        request, op, "risk_governance_meeting.html", "risks",
        m=sv.meeting_dict(op.db, row), topics=gm.TOPICS, can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", error=error, values=values or {},
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/risks/governance/meetings/{meeting_id:int}", response_class=HTMLResponse)
def meeting_page(
    request: Request,
    op: OrgDep,
    meeting_id: int,
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """One meeting: date, body, agenda, decisions."""
    op.require("read")
    return _meeting(request, op, meeting_id, done=done)


@router.post("/o/{org}/risks/governance/meetings/{meeting_id:int}/items", response_model=None)
def meeting_item_add(
    request: Request,
    op: OrgDep,
    meeting_id: int,
    topic: Text = "",
    climate: Text = "",
    text: Text = "",
) -> Response:
    """Add an agenda item to the meeting."""
    op.require("edit_data")
    current = sv.meeting_dict(op.db, sv.get_meeting(op.db, op.tenant, meeting_id))
    new = {"topic": topic, "climate": climate == "on", "text": text}
    try:
        sv.update_meeting(op.db, op.tenant, meeting_id, {"agenda": [*current["agenda"], new]})
    except ServiceError as exc:
        reason = _refused(request, op, exc)
        return _meeting(request, op, meeting_id, error=reason,
                        values={"topic": topic, "text": text}, status_code=422)  # fmt: skip
    url = BASE.format(slug=op.org.slug) + f"/meetings/{meeting_id}?done=item"
    return _redirect(url)


@router.post("/o/{org}/risks/governance/meetings/{meeting_id:int}/delete", response_model=None)
def meeting_delete(op: OrgDep, meeting_id: int) -> Response:
    """Remove the meeting and its agenda."""
    op.require("edit_data")
    year = sv.get_meeting(op.db, op.tenant, meeting_id).fiscal_year
    sv.delete_meeting(op.db, op.tenant, meeting_id)
    return _back(op, year, "removed", "calendar")
