"""The web app's carbon-inclusion programmes, accounts, partners and consent (admin; issue 18
item 1, decision 0088).

- ``/o/<org>/inclusion/programmes``: the programmes with their rules and accounts count, and the
  form to add one;
- ``/o/<org>/inclusion/programmes/<code>``: a programme's rules (and the form to change them:
  engagement points and caps one per line), its groups with their counts and sums (a class
  names no student), its accounts by status, the forms to add a group, enrol an account (the
  new pseudonymous ref is shown) and issue a member link (shown once);
- ``/o/<org>/inclusion/partners``: the partners with their consents by state, suspend or
  reactivate, and the form to add one — the new partner's HMAC secret is shown once.

Every form is checked by :mod:`lingtan.adapters.services.inclusion_programmes`: a refused change
is shown again with the reason in the user's language (``incl_prog.err.*``) and its writes
rolled back. Reading needs ``read``; changing ``edit_data``. Every POST carries the CSRF token
(the pages' router checks it).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import inclusion_programmes as sv
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.web.pages._common import org_render, refused_change
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.inclusion import programmes as pm
from lingtan.modules.inclusion.actions import ACTIONS, AUDIENCES
from lingtan.modules.inclusion.errors import InclusionError

router = APIRouter()

#: what the confirmation after a change may say (``incl_prog.done.<key>``)
DONE = frozenset({"programme", "rules", "group", "account", "partner_status"})
Text = Annotated[str, Form(max_length=4000)]
Done = Annotated[str, Query(max_length=40)]
Ref = Annotated[str, Query(max_length=20)]


def _refused(request: Request, op: OrgPage, exc: ServiceError) -> str:
    """The reason of a refused change in the user's language (its writes rolled back); other
    errors (403, 404 …) go to the error page."""
    return refused_change(request, op, exc, sv.InclusionProgrammesError)[1]


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _base(op: OrgPage) -> str:
    return f"/o/{op.org.slug}/inclusion"


def _filled(values: dict[str, str], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form values given (blank ones left out, except ``keep``)."""
    return {k: v for k, v in values.items() if v.strip() or k in keep}


# ---- programmes ----------------------------------------------------------------------------


def _list_page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    error: str = "",
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = sv.list_programmes(op.db, op.tenant)
    counts = {p.code: sv.count_accounts(op.db, p.id) for p in rows}
    return org_render(
        request, op, "inclusion_programmes.html", "inclusion",
        programmes=rows, counts=counts, audiences=AUDIENCES, can_edit=op.org.can("edit_data"),
        done=done if done in DONE else "", error=error, values=values or {},
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/programmes", response_class=HTMLResponse)
def programmes_page(request: Request, op: OrgDep, done: Done = "") -> HTMLResponse:
    """The programmes and the form to add one."""
    op.require("read")
    return _list_page(request, op, done=done)


@router.post("/o/{org}/inclusion/programmes", response_model=None)
def programme_add(
    request: Request,
    op: OrgDep,
    code: Text = "",
    name: Text = "",
    audience: Text = "",
    region: Text = "",
    started: Text = "",
    points_per_kg: Text = "",
    expiry_months: Text = "",
    privacy_policy_version: Text = "",
) -> Response:
    """Add a programme."""
    op.require("edit_data")
    values = {"code": code, "name": name, "audience": audience, "region": region,
              "started": started, "points_per_kg": points_per_kg,
              "expiry_months": expiry_months,
              "privacy_policy_version": privacy_policy_version}  # fmt: skip
    try:
        row = sv.create_programme(op.db, op.tenant, _filled(values, ("code", "name", "audience")))
    except ServiceError as exc:
        return _list_page(request, op, error=_refused(request, op, exc), values=values,
                          status_code=422)  # fmt: skip
    return _redirect(f"{_base(op)}/programmes/{quote(row.code)}?done=programme")


def _programme_page(
    request: Request,
    op: OrgPage,
    code: str,
    *,
    done: str = "",
    ref: str = "",
    link: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    prog = sv.get_programme(op.db, op.tenant, code)
    groups = sv.list_groups(op.db, op.tenant, prog.code)
    summaries = [sv.group_summary(op.db, op.tenant, prog.code, g.code) for g in groups]
    return org_render(
        request, op, "inclusion_programme.html", "inclusion",
        p=prog, rules_engagement=pm.engagement_text(prog.engagement_points or {}),
        rules_caps=pm.caps_text(prog.caps or {}), groups=summaries,
        parents={g.code: g.parent_code for g in groups},
        counts=sv.count_accounts(op.db, prog.id), group_kinds=pm.GROUP_KINDS,
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "",
        new_ref=ref if pm.is_account_ref(ref) else "", link=link, errors=errors or {},
        values=values or {}, status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/programmes/{code}", response_class=HTMLResponse)
def programme_page(
    request: Request, op: OrgDep, code: str, done: Done = "", ref: Ref = ""
) -> HTMLResponse:
    """A programme's rules, groups (counts only) and accounts."""
    op.require("read")
    return _programme_page(request, op, code, done=done, ref=ref)


def _back(op: OrgPage, code: str, done: str, anchor: str, extra: str = "") -> Response:
    return _redirect(f"{_base(op)}/programmes/{quote(code)}?done={done}{extra}#{anchor}")


def _form_refused(
    request: Request, op: OrgPage, code: str, form: str, values: dict[str, Any], exc: ServiceError
) -> HTMLResponse:
    """The programme page again (422) with ``form``'s refusal and the values it was given."""
    return _programme_page(request, op, code, errors={form: _refused(request, op, exc)},
                           values={form: values}, status_code=422)  # fmt: skip


@router.post("/o/{org}/inclusion/programmes/{code}/rules", response_model=None)
def rules_update(
    request: Request,
    op: OrgDep,
    code: str,
    name: Text = "",
    points_per_kg: Text = "",
    expiry_months: Text = "",
    engagement_points: Text = "",
    caps: Text = "",
    privacy_policy_version: Text = "",
    status: Text = "",
) -> Response:
    """Change a programme's rules (engagement points and caps one per line)."""
    op.require("edit_data")
    values = {"name": name, "points_per_kg": points_per_kg, "expiry_months": expiry_months,
              "engagement_points": engagement_points, "caps": caps,
              "privacy_policy_version": privacy_policy_version, "status": status}  # fmt: skip
    try:
        try:
            fields: dict[str, Any] = _filled(
                {k: values[k] for k in ("name", "points_per_kg", "privacy_policy_version",
                                        "status")})  # fmt: skip
            fields.update(expiry_months=expiry_months, caps=pm.parse_caps(caps),
                          engagement_points=pm.parse_engagement(engagement_points))  # fmt: skip
        except InclusionError as exc:
            raise sv.refused("invalid", exc.message, exc.field) from exc
        sv.update_programme(op.db, op.tenant, code, fields)
    except ServiceError as exc:
        return _form_refused(request, op, code, "rules", values, exc)
    return _back(op, code, "rules", "rules")


@router.post("/o/{org}/inclusion/programmes/{code}/groups", response_model=None)
def group_add(
    request: Request,
    op: OrgDep,
    code: str,
    group_code: Text = "",
    kind: Text = "",
    name: Text = "",
    parent: Text = "",
) -> Response:
    """Add a group (team, department, class, school)."""
    op.require("edit_data")
    values = {"code": group_code, "kind": kind, "name": name, "parent": parent}
    try:
        sv.create_group(op.db, op.tenant, code, _filled(values, ("code", "name")))
    except ServiceError as exc:
        return _form_refused(request, op, code, "group", values, exc)
    return _back(op, code, "group", "groups")


@router.post("/o/{org}/inclusion/programmes/{code}/accounts", response_model=None)
def account_add(
    request: Request,
    op: OrgDep,
    code: str,
    subject: Text = "",
    kind: Text = "",
    group: Text = "",
    site: Text = "",
    guardian_consent: Text = "",
) -> Response:
    """Enrol an account; the page shows its new pseudonymous ref."""
    op.require("edit_data")
    values = {"subject": subject, "kind": kind, "group": group, "site": site,
              "guardian_consent": guardian_consent}  # fmt: skip
    fields = _filled(values)
    fields["guardian_consent"] = guardian_consent == "on"
    try:
        row = sv.create_account(op.db, op.tenant, code, fields)
    except ServiceError as exc:
        values["subject"] = ""  # never echoed back
        return _form_refused(request, op, code, "account", values, exc)
    return _back(op, code, "account", "accounts", f"&ref={row.ref}")


@router.post("/o/{org}/inclusion/programmes/{code}/member-link", response_model=None)
def member_link(request: Request, op: OrgDep, code: str, ref: Text = "") -> Response:
    """Issue a member link for an account: shown once on the page (not stored)."""
    op.require("edit_data")
    try:
        token = sv.issue_member_link(op.db, op.tenant, code, ref.strip())
    except ServiceError as exc:
        return _form_refused(request, op, code, "link", {"ref": ref}, exc)
    return _programme_page(request, op, code, link=f"/m/{token}")


# ---- partners ------------------------------------------------------------------------------


def _partners_page(
    request: Request,
    op: OrgPage,
    *,
    done: str = "",
    secret: str = "",
    secret_for: str = "",
    error: str = "",
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = sv.list_partners(op.db, op.tenant)
    consents = {p.code: sv.partner_consents(op.db, op.tenant, p.code) for p in rows}
    return org_render(
        request, op, "inclusion_partners.html", "inclusion",
        partners=rows, consents=consents, actions=sorted(ACTIONS),
        can_edit=op.org.can("edit_data"), done=done if done in DONE else "", secret=secret,
        secret_for=secret_for, error=error, values=values or {}, now=utcnow(),
        status_code=status_code,
    )  # fmt: skip


@router.get("/o/{org}/inclusion/partners", response_class=HTMLResponse)
def partners_page(request: Request, op: OrgDep, done: Done = "") -> HTMLResponse:
    """The partners with their consents by state, and the form to add one."""
    op.require("read")
    return _partners_page(request, op, done=done)


@router.post("/o/{org}/inclusion/partners", response_model=None)
def partner_add(
    request: Request,
    op: OrgDep,
    code: Text = "",
    name: Text = "",
    allowed_actions: Annotated[list[str] | None, Form()] = None,
    rate_per_s: Text = "",
    burst: Text = "",
    callback_url: Text = "",
) -> Response:
    """Add a partner; the page shows its HMAC secret this once (it is not shown again)."""
    op.require("edit_data")
    values: dict[str, Any] = {"code": code, "name": name, "rate_per_s": rate_per_s,
                              "burst": burst, "callback_url": callback_url}  # fmt: skip
    fields = _filled(values, ("code", "name"))
    fields["allowed_actions"] = list(allowed_actions or [])
    try:
        row, secret = sv.create_partner(op.db, op.tenant, fields)
    except ServiceError as exc:
        values["allowed_actions"] = list(allowed_actions or [])
        return _partners_page(request, op, error=_refused(request, op, exc), values=values,
                              status_code=422)  # fmt: skip
    return _partners_page(request, op, secret=secret, secret_for=row.code, status_code=201)


@router.post("/o/{org}/inclusion/partners/{code}/status", response_model=None)
def partner_status(op: OrgDep, code: str, status: Text = "") -> Response:
    """Suspend or reactivate a partner."""
    op.require("edit_data")
    sv.set_partner_status(op.db, op.tenant, code, status)
    return _redirect(f"{_base(op)}/partners?done=partner_status#partner-{quote(code)}")
