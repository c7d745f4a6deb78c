"""Climate data requests to suppliers (issue 15 item 4, decision 0065): the campaign status
page, the coverage page (five tiles with goal lines, the denominator stated) and the supplier's
own answer form, reached by its token (public: no login, no navigation of the buyer's
organisation; the form's CSRF token is tied to a cookie set with the form, as the login
form's is).

Every figure comes from :mod:`lingtan.adapters.services.supplier_requests`; the pages only lay
them out. Texts: the ``supplier_requests`` catalogue area (``sr.*``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.services import supplier_requests as svc
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web import csrf
from lingtan.adapters.web.backend import DbDep
from lingtan.adapters.web.pages._common import org_render
from lingtan.adapters.web.rendering import render, translator
from lingtan.adapters.web.session import OrgDep, OrgPage
from lingtan.modules.suppliers import coverage as cov
from lingtan.modules.suppliers.requests import (
    ALLOCATION_METHODS,
    CDP_SCORES,
    SBTI_HORIZONS,
    SBTI_STATUSES,
    TARGET_TYPES,
    VERIFICATION_STANDARDS,
    ScopeRule,
)

router = APIRouter()

TokenPath = Annotated[str, Path(pattern=r"^sr_[A-Za-z0-9_-]{20,100}$")]
Text = Annotated[str, Form(max_length=400)]
#: the answer form's fields (flattened as the form posts them)
ANSWER_FIELDS = (
    "scope1_t",
    "scope2_location_t",
    "scope2_market_t",
    "scope3_t",
    "reporting_period",
    "boundary",
    "verified",
    "verification_standard",
    "public_target_type",
    "public_target_base_year",
    "public_target_target_year",
    "public_target_reduction_pct",
    "sbti_status",
    "sbti_horizon",
    "sbti_date",
    "re_tracking",
    "re_target_pct",
    "re_target_year",
    "re_share_pct",
    "allocated_to_customer_t",
    "allocation_method",
    "pcf_ids",
    "cdp_score",
)
CHOICES = {
    "verification_standard": VERIFICATION_STANDARDS,
    "public_target_type": TARGET_TYPES,
    "sbti_status": SBTI_STATUSES,
    "sbti_horizon": SBTI_HORIZONS,
    "allocation_method": ALLOCATION_METHODS,
    "cdp_score": CDP_SCORES,
}


def _message(request: Request, exc: ServiceError) -> str:
    """The refusal in the page's language (its catalogue key), else its English message."""
    t = translator(request)
    key = getattr(exc, "key", None)
    params = getattr(exc, "params", {}) or {}
    return t.message(key, params, exc.message)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


# -- the buyer's pages --------------------------------------------------------------------------


def _requests_page(
    request: Request, op: OrgPage, campaign: int | None, **extra: Any
) -> HTMLResponse:
    campaigns = svc.list_campaigns(op.db, op.tenant)
    chosen = next((c for c in campaigns if c.id == campaign), campaigns[0] if campaigns else None)
    rows = svc.list_requests(op.db, op.tenant, chosen.id) if chosen else []
    return org_render(
        request,
        op,
        "supplier_requests.html",
        "suppliers",
        campaigns=campaigns,
        campaign=chosen,
        rows=rows,
        can_edit=op.org.can("edit_data"),
        kinds=("climate", "pcf", "water", "waste"),
        **extra,
    )


@router.get("/o/{org}/suppliers/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    op: OrgDep,
    campaign: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    done: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
) -> HTMLResponse:
    """The campaigns and the status of each request of one (the newest by default)."""
    return _requests_page(request, op, campaign, done=done, error=None, tokens=[])


@router.post("/o/{org}/suppliers/requests", response_class=HTMLResponse)
def open_campaign(
    request: Request,
    op: OrgDep,
    fiscal_year: Text,
    kind: Text = "climate",
    questionnaire_version: Text = svc.DEFAULT_QUESTIONNAIRE,
    top_spend_pct: Text = "95",
    strategic: Text = "",
    key_tier1: Text = "",
    due_on: Text = "",
) -> Response:
    """Open a campaign from the form (the scope rule's percentage and flags)."""
    op.require("edit_data")
    try:
        pct = float(top_spend_pct) if top_spend_pct.strip() else None
        rule = ScopeRule(pct, bool(strategic), bool(key_tier1))
        due = date.fromisoformat(due_on) if due_on.strip() else None
        view = svc.open_campaign(
            op.db,
            op.tenant,
            fiscal_year=fiscal_year,
            kind=kind,
            questionnaire_version=questionnaire_version,
            rule=rule,
            due_on=due,
        )
    except ServiceError as exc:
        op.db.rollback()
        return _requests_page(request, op, None, done=None, error=_message(request, exc), tokens=[])
    except ValueError:
        op.db.rollback()
        return _requests_page(
            request, op, None, done=None, error=translator(request)("sr.err.form"), tokens=[]
        )
    return _redirect(f"/o/{op.org.slug}/suppliers/requests?campaign={view.id}&done=opened")


@router.post("/o/{org}/suppliers/requests/{campaign_id}/tokens", response_class=HTMLResponse)
def issue_tokens(
    request: Request, op: OrgDep, campaign_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> HTMLResponse:
    """Issue answer tokens for the campaign's open requests and show their form links once."""
    op.require("edit_data")
    got = svc.issue_tokens(op.db, op.tenant, campaign_id)
    base = str(request.base_url).rstrip("/")
    links = [
        {
            "code": t.supplier_code,
            "url": f"{base}/supplier-answer/{t.token}",
            "expires_at": t.expires_at,
        }
        for t in got
    ]
    return _requests_page(request, op, campaign_id, done="tokens", error=None, tokens=links)


@router.post("/o/{org}/suppliers/requests/responses/{response_id}/{decision}")
def decide(
    request: Request,
    op: OrgDep,
    response_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    decision: Annotated[str, Path(pattern=r"^(accept|return)$")],
    reason: Text = "",
    campaign: Annotated[int | None, Form(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Accept or return (with a reason) the newest answer of a request."""
    op.require("edit_data")
    try:
        if decision == "accept":
            svc.accept_response(op.db, op.tenant, response_id)
        else:
            svc.return_response(op.db, op.tenant, response_id, reason)
    except ServiceError as exc:
        op.db.rollback()
        return _requests_page(
            request, op, campaign, done=None, error=_message(request, exc), tokens=[]
        )
    suffix = f"campaign={campaign}&" if campaign else ""
    return _redirect(f"/o/{op.org.slug}/suppliers/requests?{suffix}done={decision}ed")


@router.get("/o/{org}/suppliers/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    op: OrgDep,
    fy: Annotated[str | None, Query(max_length=20)] = None,
    basis: Annotated[str, Query(pattern=r"^(spend|emissions)$")] = "spend",
    denominator: Annotated[str, Query(pattern=r"^(all|in_scope|respondents)$")] = "all",
) -> HTMLResponse:
    """Five tiles — SBT committed or set, verified GHG data, public GHG targets, tracks
    renewables, renewable targets — with their goal lines, the denominator set stated, the
    SBTi engagement-target checks and the history by fiscal year."""
    years = sorted({c.fiscal_year for c in svc.list_campaigns(op.db, op.tenant)}, reverse=True)
    label = fy or (years[0] if years else None)
    view = None
    error = None
    if label is not None:
        try:
            view = svc.coverage_view(op.db, op.tenant, label, basis=basis, denominator=denominator)
        except ServiceError as exc:
            op.db.rollback()
            error = _message(request, exc)
    history = svc.coverage_history(op.db, op.tenant, basis=basis, denominator=denominator)
    return org_render(
        request,
        op,
        "supplier_coverage.html",
        "suppliers",
        view=view,
        doc=view.to_dict() if view else None,
        fy=label or "",
        years=years,
        basis=basis,
        denominator=denominator,
        tiles=cov.REPORT_PROPERTIES,
        extras=cov.EXTRA_PROPERTIES,
        history=history,
        error=error,
    )


# -- the supplier's public form --------------------------------------------------------------------


def _flat(answer: dict[str, Any] | None) -> dict[str, str]:
    """A stored answer as the form's flat values."""
    if not answer:
        return {}
    out: dict[str, str] = {}
    for k, v in answer.items():
        if isinstance(v, dict) and k in ("public_target", "re_target"):
            for sub, x in v.items():
                out[f"{k}_{sub}"] = "" if x is None else str(x)
        elif isinstance(v, bool):
            out[k] = "yes" if v else ""
        elif isinstance(v, list):
            out[k] = " ".join(str(x) for x in v)
        elif v is not None and not isinstance(v, dict):
            out[k] = f"{v:g}" if isinstance(v, float) else str(v)
    return out


def _form(
    request: Request,
    db: Any,
    token: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    done: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    """The form of ``token`` (404 page for an unknown, expired or replaced token)."""
    try:
        info = svc.token_request(db, token)
    except ServiceError:
        db.rollback()
        return render(
            request,
            "supplier_answer.html",
            info=None,
            status_code=404,
            values={},
            errors={},
            done=False,
            choices=CHOICES,
            token="",
        )
    nonce = None if csrf.binding(request) else csrf.new_login_nonce()
    response = render(
        request,
        "supplier_answer.html",
        info=info,
        values=values if values is not None else _flat(info.latest),
        errors=errors or {},
        done=done,
        choices=CHOICES,
        token=token,
        status_code=status_code,
        csrf_token=csrf.token(request, nonce),
    )
    if nonce is not None:
        response.set_cookie(
            csrf.LOGIN_COOKIE,
            nonce,
            max_age=csrf.LOGIN_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/supplier-answer/{token}", response_class=HTMLResponse)
def answer_form(request: Request, token: TokenPath, db: DbDep) -> HTMLResponse:
    """The supplier's answer form (public; the token opens one request only)."""
    return _form(request, db, token)


@router.post("/supplier-answer/{token}", response_class=HTMLResponse)
async def answer_post(request: Request, token: TokenPath, db: DbDep) -> HTMLResponse:
    """Send the answer (CSRF-checked like every form): a new version of the answer, or the
    form again with each refused field's message."""
    form = await request.form()
    values = {k: str(form.get(k) or "")[:400] for k in ANSWER_FIELDS}
    try:
        svc.answer_by_token(db, token, values)
    except ServiceError as exc:
        db.rollback()
        if exc.kind == "not_found":
            return _form(request, db, token)
        field = (exc.field or "form").replace(".", "_")
        return _form(
            request,
            db,
            token,
            values=values,
            errors={field: _message(request, exc)},
            status_code=422 if exc.kind == "invalid" else 409,
        )
    return _form(request, db, token, done=True)
