"""Climate data requests to suppliers (issue 15 item 4, decision 0065): campaigns, answer
tokens, answers (public form, buyer entry, push from the supplier's own organisation),
acceptance, coverage and maturity — every use case once, for the API, the web pages and the
command line.

Use cases take the store session of the caller's organisation (scoped by
:mod:`lingtan.adapters.store.scoping`) and its :class:`~.context.Context`, as
:mod:`.suppliers` does. Reading needs ``read``; changing needs ``edit_data``. Every row is
audited. Three use cases act without a member of the buyer's organisation:

- :func:`token_request` and :func:`answer_by_token`: the supplier's public form. The token is
  looked up by its sha256 in one statement that crosses organisations, then the session is
  scoped to the token's organisation; an unknown, expired or replaced token is "not found".
- :func:`push_answer`: a member (``edit_data``) of the supplier's own lingtan organisation
  pushes its inventory totals [t CO2e] from its newest snapshot, its allocation to this customer
  with the method (CDP supply chain SM1) and its product footprint ids. The write into the
  customer's tables is :func:`lingtan.adapters.store.supplier_requests.push_response` only,
  audited in both organisations.

Coverage (:func:`coverage_view`) is computed from the accepted answers and the spend derived
from the imported rows (:func:`.suppliers.spend_by_supplier`), never typed; each computation
whose inputs changed is kept as a snapshot (the history by fiscal year).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingtan.adapters.services.boundary import SetupError
from lingtan.adapters.services.context import Context, TenantContext, get_or_404, jsonable
from lingtan.adapters.services.errors import Kind
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.scoping import BYPASS_KEY, current_tenant, set_tenant
from lingtan.adapters.store.supplier_requests import (
    AddressedRequest,
    PushRefusedError,
    SupplierAnswerToken,
    SupplierCampaign,
    SupplierCoverageGoal,
    SupplierCoverageSnapshot,
    SupplierMaturity,
    SupplierRequest,
    SupplierResponse,
    addressed_requests,
    push_response,
    token_hash,
)
from lingtan.adapters.store.suppliers import Supplier
from lingtan.modules.suppliers import coverage as cov
from lingtan.modules.suppliers.maturity import assess, next_review
from lingtan.modules.suppliers.requests import (
    ALLOCATION_METHODS,
    KINDS,
    AcceptedAllocation,
    AnswerError,
    ScopeRule,
    SupplierAnswer,
    SupplierFlags,
    allocate_by_revenue_share,
    evaluate_scope,
    parse_answer,
)

__all__ = ["AcceptedAllocation", "accepted_allocations"]  # and every use case below

#: days an answer token is valid by default
TOKEN_DAYS = 60
#: the questionnaire a campaign names by default (CDP supply chain, 2023 climate "SC" module)
DEFAULT_QUESTIONNAIRE = "CDP-SC-2023"
#: the key a spend total without a supplier is shown under in coverage inputs
UNATTRIBUTED = "unattributed"


class RequestsError(SetupError):
    """A refused use case of the data requests: the English ``message`` (API, CLI), the
    catalogue key ``key`` (``sr.err.*``) and its ``params`` (pages, in the user's language)."""


def refused(
    kind: Kind, key: str, message: str, field: str | None = None, **params: Any
) -> RequestsError:
    """A :class:`RequestsError` of ``kind``."""
    return RequestsError(kind, key, message, field, **params)


def _answer_error(exc: AnswerError) -> RequestsError:
    return refused("invalid", exc.key, str(exc), exc.field, **exc.params)


def _label(ctx: Context, fiscal_year: str) -> str:
    """The canonical label of ``fiscal_year`` under the workspace's calendar (FY2023/24)."""
    try:
        return ctx.workspace().config.period(fiscal_year.replace("-", "/")).label
    except Exception as exc:  # PeriodError, ValueError, OverflowError
        raise refused(
            "invalid",
            "sr.err.fiscal_year",
            f"fiscal year {fiscal_year!r}",
            "fiscal_year",
            value=fiscal_year,
        ) from exc


# -- views -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignView:
    """A campaign with its request counts by status."""

    id: int
    fiscal_year: str
    kind: str
    questionnaire_version: str
    scope_rule: dict[str, Any]
    scope_rule_text: str
    sent_on: date
    due_on: date | None
    status: str
    counts: dict[str, int]
    #: spend codes the rule would include that the register does not know (nobody to ask)
    unregistered: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestView:
    """One request: the supplier, status, spend that put it in scope, the reasons, the
    number of answer versions and whether a valid token exists."""

    id: int
    campaign_id: int
    fiscal_year: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    status: str
    spend: float | None
    reasons: tuple[str, ...]
    return_reason: str | None
    versions: int
    token_expires_at: datetime | None
    #: the newest answer version: its id and status (None before any answer)
    newest_response_id: int | None = None
    newest_response_status: str | None = None


@dataclass(frozen=True)
class ResponseView:
    """One version of an answer."""

    id: int
    request_id: int
    supplier_code: str
    version: int
    channel: str
    answer: dict[str, Any]
    source: dict[str, Any]
    submitted_at: datetime
    submitted_by: str
    status: str
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None


@dataclass(frozen=True)
class IssuedToken:
    """A token as issued: shown once (only its hash is kept)."""

    request_id: int
    supplier_code: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenRequest:
    """What the public form shows: the customer's name, the request, the latest answer."""

    organisation_id: int
    customer_name: str
    request_id: int
    supplier_code: str
    supplier_name: str
    fiscal_year: str
    kind: str
    questionnaire_version: str
    due_on: date | None
    status: str
    return_reason: str | None
    expires_at: datetime
    latest: dict[str, Any] | None
    #: the campaign still takes answers
    open: bool = True


def _campaign_view(
    db: Session, c: SupplierCampaign, unregistered: Sequence[str] = ()
) -> CampaignView:
    counts = dict.fromkeys(("sent", "answered", "accepted", "returned"), 0)
    for status, n in db.execute(
        select(SupplierRequest.status, func.count())
        .where(SupplierRequest.campaign_id == c.id)
        .group_by(SupplierRequest.status)
    ):
        counts[str(status)] = int(n)
    rule = ScopeRule.from_dict(c.scope_rule)
    return CampaignView(
        id=c.id,
        fiscal_year=c.fiscal_year,
        kind=c.kind,
        questionnaire_version=c.questionnaire_version,
        scope_rule=rule.as_dict(),
        scope_rule_text=rule.describe(),
        sent_on=c.sent_on,
        due_on=c.due_on,
        status=c.status,
        counts=counts,
        unregistered=tuple(unregistered),
    )


def _response_view(r: SupplierResponse, code: str) -> ResponseView:
    return ResponseView(
        id=r.id,
        request_id=r.request_id,
        supplier_code=code,
        version=r.version,
        channel=r.channel,
        answer=dict(r.answer),
        source=dict(r.source or {}),
        submitted_at=r.submitted_at,
        submitted_by=r.submitted_by,
        status=r.status,
        decided_at=r.decided_at,
        decided_by=r.decided_by,
        reason=r.reason,
    )


# -- campaigns ---------------------------------------------------------------------------------


def _spend(ctx: Context, fiscal_year: str) -> tuple[dict[str, float], float]:
    """Spend by supplier code [CNY] and the year's total spend (rows without a supplier too),
    derived from the imported rows (:func:`.suppliers.spend_by_supplier`)."""
    from lingtan.adapters.services.suppliers import spend_by_supplier

    s = spend_by_supplier(ctx, fiscal_year)
    return s.by_supplier, s.total


def open_campaign(
    db: Session,
    ctx: Context,
    *,
    fiscal_year: str,
    kind: str = "climate",
    questionnaire_version: str = DEFAULT_QUESTIONNAIRE,
    rule: ScopeRule | None = None,
    due_on: date | None = None,
    spend: Mapping[str, float] | None = None,
) -> CampaignView:
    """Open the campaign of ``fiscal_year`` and ``kind``: evaluate the scope rule (default
    "top 95 % of spend ∪ strategic") on the year's spend by supplier (``spend`` [CNY], default
    derived from the imported rows) and the register's flags, and send a request to every
    registered supplier in scope (terminated suppliers left out).

    Raises:
        ServiceError: 403; 422 kind, fiscal year, rule; 409 a campaign of that year and kind.
    """
    ctx.require("edit_data")
    label = _label(ctx, fiscal_year)
    if kind not in KINDS:
        raise refused(
            "invalid",
            "sr.err.kind",
            f"kind: one of {', '.join(KINDS)}",
            "kind",
            allowed=", ".join(KINDS),
        )
    version = " ".join(str(questionnaire_version or "").split())[:40]
    if not version:
        raise refused(
            "invalid", "sr.err.required", "questionnaire_version: required", "questionnaire_version"
        )
    exists = db.scalar(
        select(SupplierCampaign.id).where(
            SupplierCampaign.fiscal_year == label, SupplierCampaign.kind == kind
        )
    )
    if exists is not None:
        raise refused(
            "conflict",
            "sr.err.campaign_exists",
            f"a {kind} campaign for {label} exists",
            "fiscal_year",
            fy=label,
        )
    rule = rule or ScopeRule()
    amounts = dict(spend) if spend is not None else _spend(ctx, label)[0]
    suppliers = {
        s.code: s for s in db.scalars(select(Supplier).where(Supplier.status != "terminated"))
    }
    flags = {c: SupplierFlags(bool(s.strategic), bool(s.key_tier1)) for c, s in suppliers.items()}
    registered = {c: v for c, v in amounts.items() if c in suppliers}
    in_scope = evaluate_scope(rule, registered, flags)
    unregistered = sorted(c for c in evaluate_scope(rule, amounts, {}) if c not in suppliers)
    camp = SupplierCampaign(
        fiscal_year=label,
        kind=kind,
        questionnaire_version=version,
        scope_rule=rule.as_dict(),
        sent_on=utcnow().date(),
        due_on=due_on,
        status="open",
    )
    db.add(camp)
    db.flush()
    for code, reasons in in_scope.items():
        db.add(
            SupplierRequest(
                campaign_id=camp.id,
                supplier_id=suppliers[code].id,
                status="sent",
                spend=amounts.get(code),
                reasons=list(reasons),
            )
        )
    db.flush()
    view = _campaign_view(db, camp, unregistered)
    db.commit()
    return view


def list_campaigns(db: Session, ctx: Context, fiscal_year: str | None = None) -> list[CampaignView]:
    """The campaigns, newest year first (of one fiscal year if given)."""
    ctx.require("read")
    q = select(SupplierCampaign).order_by(SupplierCampaign.fiscal_year.desc(), SupplierCampaign.id)
    if fiscal_year:
        q = q.where(SupplierCampaign.fiscal_year == _label(ctx, fiscal_year))
    return [_campaign_view(db, c) for c in db.scalars(q)]


def get_campaign(db: Session, ctx: Context, campaign_id: int) -> CampaignView:
    """One campaign.

    Raises:
        ServiceError: 404.
    """
    ctx.require("read")
    return _campaign_view(db, get_or_404(db, SupplierCampaign, campaign_id, "campaign"))


def close_campaign(db: Session, ctx: Context, campaign_id: int) -> CampaignView:
    """Close a campaign: no more answers (tokens and pushes refused).

    Raises:
        ServiceError: 403; 404.
    """
    ctx.require("edit_data")
    c = get_or_404(db, SupplierCampaign, campaign_id, "campaign")
    c.status = "closed"
    db.flush()
    view = _campaign_view(db, c)
    db.commit()
    return view


def list_requests(
    db: Session, ctx: Context, campaign_id: int | None = None, status: str | None = None
) -> list[RequestView]:
    """The requests (of one campaign, of one status), by campaign and supplier code."""
    ctx.require("read")
    q = (
        select(SupplierRequest, SupplierCampaign, Supplier)
        .join(SupplierCampaign, SupplierCampaign.id == SupplierRequest.campaign_id)
        .join(Supplier, Supplier.id == SupplierRequest.supplier_id)
        .order_by(SupplierCampaign.fiscal_year.desc(), Supplier.code)
    )
    if campaign_id is not None:
        q = q.where(SupplierRequest.campaign_id == campaign_id)
    if status:
        q = q.where(SupplierRequest.status == status)
    rows = db.execute(q).all()
    ids = [r[0].id for r in rows] or [-1]
    versions: dict[int, int] = {}
    newest: dict[int, tuple[int, str]] = {}
    for rid, resp_id, status in db.execute(
        select(SupplierResponse.request_id, SupplierResponse.id, SupplierResponse.status)
        .where(SupplierResponse.request_id.in_(ids))
        .order_by(SupplierResponse.request_id, SupplierResponse.version)
    ):
        versions[rid] = versions.get(rid, 0) + 1
        newest[rid] = (int(resp_id), str(status))
    tokens = dict(
        db.execute(
            select(SupplierAnswerToken.request_id, SupplierAnswerToken.expires_at).where(
                SupplierAnswerToken.request_id.in_(ids)
            )
        ).all()
    )
    return [
        RequestView(
            id=req.id,
            campaign_id=camp.id,
            fiscal_year=camp.fiscal_year,
            supplier_id=sup.id,
            supplier_code=sup.code,
            supplier_name=sup.name_zh or sup.legal_name,
            status=req.status,
            spend=req.spend,
            reasons=tuple(req.reasons or ()),
            return_reason=req.return_reason,
            versions=int(versions.get(req.id, 0)),
            token_expires_at=tokens.get(req.id),
            newest_response_id=newest[req.id][0] if req.id in newest else None,
            newest_response_status=newest[req.id][1] if req.id in newest else None,
        )
        for req, camp, sup in rows
    ]


def get_request(db: Session, ctx: Context, request_id: int) -> RequestView:
    """One request.

    Raises:
        ServiceError: 404.
    """
    ctx.require("read")
    get_or_404(db, SupplierRequest, request_id, "request")
    camp_id = db.scalar(select(SupplierRequest.campaign_id).where(SupplierRequest.id == request_id))
    return next(r for r in list_requests(db, ctx, camp_id) if r.id == request_id)


# -- tokens and the public form ------------------------------------------------------------------


def issue_tokens(
    db: Session,
    ctx: Context,
    campaign_id: int,
    *,
    request_ids: Iterable[int] | None = None,
    days: int = TOKEN_DAYS,
) -> list[IssuedToken]:
    """Issue a new answer token for each open request of the campaign (or those of
    ``request_ids``): one token per request — a new one replaces the old, which stops
    working. The tokens are returned once; only their sha256 is stored.

    Raises:
        ServiceError: 403; 404; 422 ``days`` outside 1–365.
    """
    ctx.require("edit_data")
    if not 1 <= int(days) <= 365:
        raise refused("invalid", "sr.err.days", "days: 1–365", "days")
    camp = get_or_404(db, SupplierCampaign, campaign_id, "campaign")
    q = (
        select(SupplierRequest, Supplier)
        .join(Supplier, Supplier.id == SupplierRequest.supplier_id)
        .where(SupplierRequest.campaign_id == camp.id)
        .order_by(Supplier.code)
    )
    if request_ids is not None:
        wanted = [int(i) for i in request_ids]
        q = q.where(SupplierRequest.id.in_(wanted or [-1]))
    expires = utcnow().replace(microsecond=0) + timedelta(days=int(days))
    out: list[IssuedToken] = []
    for req, sup in db.execute(q).all():
        token = "sr_" + secrets.token_urlsafe(32)
        row = db.scalar(select(SupplierAnswerToken).where(SupplierAnswerToken.request_id == req.id))
        if row is None:
            db.add(
                SupplierAnswerToken(
                    request_id=req.id, token_hash=token_hash(token), expires_at=expires
                )
            )
        else:
            row.token_hash = token_hash(token)
            row.created_at = utcnow()
            row.expires_at = expires
        out.append(IssuedToken(req.id, sup.code, token, expires))
    db.commit()
    return out


def _by_token(db: Session, token: str) -> tuple[SupplierAnswerToken, SupplierRequest]:
    """The valid token row and its request; scopes ``db`` to the token's organisation.

    The look-up by hash is the one statement that crosses organisations (the ``tenant_bypass``
    option); everything after it is scoped.

    Raises:
        ServiceError: 404 unknown, expired or replaced token (never says which).
    """
    h = token_hash(str(token or ""))
    row = db.scalars(
        select(SupplierAnswerToken)
        .where(SupplierAnswerToken.token_hash == h)
        .execution_options(**{BYPASS_KEY: True})
    ).one_or_none()
    if row is None or row.expires_at <= utcnow():
        raise refused("not_found", "sr.err.token", "answer form not found or expired")
    org = current_tenant(db)
    if org is not None and org != row.organisation_id:
        raise refused("not_found", "sr.err.token", "answer form not found or expired")
    set_tenant(db, row.organisation_id)
    req = db.get(SupplierRequest, row.request_id)
    if req is None:  # pragma: no cover - cascaded with the request
        raise refused("not_found", "sr.err.token", "answer form not found or expired")
    return row, req


def token_request(db: Session, token: str) -> TokenRequest:
    """What the supplier's form shows for ``token`` (public, no login).

    Raises:
        ServiceError: 404 unknown, expired or replaced token.
    """
    from lingtan.adapters.store.tenancy import Organisation

    tok, req = _by_token(db, token)
    camp = db.get(SupplierCampaign, req.campaign_id)
    sup = db.get(Supplier, req.supplier_id)
    org = db.get(Organisation, tok.organisation_id)
    if camp is None or sup is None or org is None:  # pragma: no cover - cascaded deletes
        raise refused("not_found", "sr.err.token", "answer form not found or expired")
    latest = db.scalars(
        select(SupplierResponse)
        .where(SupplierResponse.request_id == req.id)
        .order_by(SupplierResponse.version.desc())
        .limit(1)
    ).first()
    return TokenRequest(
        organisation_id=tok.organisation_id,
        customer_name=str(org.name),
        request_id=req.id,
        supplier_code=sup.code,
        supplier_name=sup.name_zh or sup.legal_name,
        fiscal_year=camp.fiscal_year,
        kind=camp.kind,
        questionnaire_version=camp.questionnaire_version,
        due_on=camp.due_on,
        status=req.status,
        return_reason=req.return_reason,
        expires_at=tok.expires_at,
        latest=dict(latest.answer) if latest is not None else None,
        open=camp.status == "open",
    )


def _open_for_answers(db: Session, req: SupplierRequest) -> None:
    """Refuse an answer once the campaign is closed. An accepted request may still be answered
    again (a revision): the new version waits for the buyer, and the accepted one counts in
    coverage until the new one is accepted."""
    camp = db.get(SupplierCampaign, req.campaign_id)
    if camp is None or camp.status != "open":
        raise refused("conflict", "sr.err.closed", "this request takes no more answers")


def _add_response(
    db: Session,
    req: SupplierRequest,
    answer: SupplierAnswer,
    channel: str,
    by: str,
    source: dict[str, Any] | None = None,
) -> SupplierResponse:
    last = db.scalar(
        select(func.max(SupplierResponse.version)).where(SupplierResponse.request_id == req.id)
    )
    resp = SupplierResponse(
        request_id=req.id,
        supplier_id=req.supplier_id,
        version=int(last or 0) + 1,
        channel=channel,
        answer=answer.as_dict(),
        source=source or {},
        submitted_by=by[:200],
        status="submitted",
    )
    db.add(resp)
    req.status = "answered"
    req.return_reason = None
    db.flush()
    return resp


def answer_by_token(db: Session, token: str, data: Mapping[str, Any]) -> ResponseView:
    """The supplier answers through its form (public, no login): a new version of the answer,
    the request ``answered``. The audit log names ``supplier:<code> (form)``.

    Raises:
        ServiceError: 404 token; 409 campaign closed; 422 a field.
    """
    _tok, req = _by_token(db, token)
    _open_for_answers(db, req)
    try:
        answer = parse_answer(data)
    except AnswerError as exc:
        raise _answer_error(exc) from None
    sup = db.get(Supplier, req.supplier_id)
    assert sup is not None
    by = f"supplier:{sup.code} (form)"
    db.info["actor"] = by
    resp = _add_response(db, req, answer, "form", by)
    view = _response_view(resp, sup.code)
    db.commit()
    return view


def record_answer(
    db: Session, ctx: Context, request_id: int, data: Mapping[str, Any], *, channel: str = "upload"
) -> ResponseView:
    """The buyer records an answer received otherwise (a file, a mail): ``upload`` or
    ``buyer`` channel, a new version.

    Raises:
        ServiceError: 403; 404; 409 closed; 422 a field.
    """
    ctx.require("edit_data")
    if channel not in ("upload", "buyer"):
        raise refused("invalid", "sr.err.channel", "channel: upload or buyer", "channel")
    req = get_or_404(db, SupplierRequest, request_id, "request")
    _open_for_answers(db, req)
    try:
        answer = parse_answer(data)
    except AnswerError as exc:
        raise _answer_error(exc) from None
    sup = db.get(Supplier, req.supplier_id)
    assert sup is not None
    resp = _add_response(db, req, answer, channel, ctx.actor)
    view = _response_view(resp, sup.code)
    db.commit()
    return view


# -- decisions of the buyer ------------------------------------------------------------------------


def list_responses(db: Session, ctx: Context, request_id: int) -> list[ResponseView]:
    """Every version of the answers to a request, newest first.

    Raises:
        ServiceError: 404.
    """
    ctx.require("read")
    req = get_or_404(db, SupplierRequest, request_id, "request")
    sup = db.get(Supplier, req.supplier_id)
    code = sup.code if sup is not None else ""
    rows = db.scalars(
        select(SupplierResponse)
        .where(SupplierResponse.request_id == req.id)
        .order_by(SupplierResponse.version.desc())
    )
    return [_response_view(r, code) for r in rows]


def get_response(db: Session, ctx: Context, response_id: int) -> ResponseView:
    """One answer version.

    Raises:
        ServiceError: 404.
    """
    ctx.require("read")
    r = get_or_404(db, SupplierResponse, response_id, "response")
    sup = db.get(Supplier, r.supplier_id)
    return _response_view(r, sup.code if sup is not None else "")


def _decide(
    db: Session, ctx: Context, response_id: int, status: str, reason: str | None
) -> ResponseView:
    ctx.require("edit_data")
    r = get_or_404(db, SupplierResponse, response_id, "response")
    req = db.get(SupplierRequest, r.request_id)
    assert req is not None
    newest = db.scalar(
        select(func.max(SupplierResponse.version)).where(SupplierResponse.request_id == req.id)
    )
    if r.version != newest or r.status != "submitted":
        raise refused(
            "conflict",
            "sr.err.not_latest",
            "only the newest submitted answer can be accepted or returned",
        )
    r.status = status
    r.decided_at = utcnow()
    r.decided_by = ctx.actor[:200]
    r.reason = reason
    req.status = status
    req.return_reason = reason if status == "returned" else None
    db.flush()
    sup = db.get(Supplier, r.supplier_id)
    view = _response_view(r, sup.code if sup is not None else "")
    db.commit()
    return view


def accept_response(db: Session, ctx: Context, response_id: int) -> ResponseView:
    """Accept the newest answer of a request: it counts in coverage from now on.

    Raises:
        ServiceError: 403; 404; 409 not the newest submitted version.
    """
    return _decide(db, ctx, response_id, "accepted", None)


def return_response(db: Session, ctx: Context, response_id: int, reason: str) -> ResponseView:
    """Return the newest answer with a reason: the supplier answers again (a new version).

    Raises:
        ServiceError: 403; 404; 409 not the newest; 422 no reason.
    """
    text = " ".join(str(reason or "").split())[:1000]
    if not text:
        raise refused("invalid", "sr.err.reason", "reason: required", "reason")
    return _decide(db, ctx, response_id, "returned", text)


# -- the supplier side: push from its own organisation -------------------------------------------


def customer_requests(db: Session, tenant: TenantContext) -> list[AddressedRequest]:
    """The requests of other organisations addressed to this one (their supplier row names
    this organisation as ``linked_org``)."""
    tenant.require("read")
    del db
    return addressed_requests(tenant.bind or tenant.engine, tenant.slug)


@dataclass(frozen=True)
class PushResult:
    """A pushed answer: the customer, the request, the response version, what was pushed."""

    customer_slug: str
    request_id: int
    response_id: int
    version: int
    snapshot_id: str | None
    answer: dict[str, Any] = field(default_factory=dict)


def push_answer(
    db: Session,
    tenant: TenantContext,
    request_id: int,
    *,
    fiscal_year: str | None = None,
    allocation_method: str | None = None,
    allocated_t: float | None = None,
    revenue_share_pct: float | None = None,
    pcf_ids: Sequence[str] = (),
    extra: Mapping[str, Any] | None = None,
) -> PushResult:
    """Answer a customer's request from this organisation's own inventory (newest snapshot of
    ``fiscal_year``, default the newest of any year): Scope 1, Scope 2 on both bases and
    Scope 3 by category [t CO2e], the reporting period, the allocation to the customer —
    ``allocated_t`` as given, or Scope 1+2 (market-based) × ``revenue_share_pct`` with method
    ``revenue_share`` (CDP supply chain SM1) — and product footprint ids. ``extra`` adds the
    answer's other fields (verification, targets, SBTi, renewables).

    Raises:
        ServiceError: 403 (``edit_data``); 404 request not addressed to this organisation, no
            inventory; 409 closed; 422 a field.
    """
    from lingtan.adapters.compute.stored_inventory import inventory_from_snapshot

    tenant.require("edit_data")
    bind = tenant.bind or tenant.engine
    addressed = [a for a in addressed_requests(bind, tenant.slug) if a.request_id == request_id]
    if not addressed:  # first: another organisation's request is "not found", whatever the body
        raise refused("not_found", "sr.err.request", f"request {request_id} not found")
    ws = tenant.workspace()
    snaps = ws.snapshots(_label(tenant, fiscal_year) if fiscal_year else None)
    if not snaps:
        raise refused("not_found", "sr.err.no_inventory", "no calculated inventory to push")
    snap = snaps[0]
    inv = inventory_from_snapshot(snap, ws.snapshots_dir)
    totals = inv.totals()
    data: dict[str, Any] = dict(extra or {})
    data.update(
        scope1_t=totals["scope1"],
        scope2_location_t=totals["scope2_location"],
        scope2_market_t=totals["scope2_market"],
        scope3_by_category_t={k: v for k, v in inv.scope3_by_category().items() if v},
        scope3_t=totals["scope3"],
        reporting_period=snap.fiscal_year,
        boundary=data.get("boundary") or f"{snap.consolidation} ({tenant.organisation.name})",
        pcf_ids=list(pcf_ids) or data.get("pcf_ids"),
    )
    try:
        if revenue_share_pct is not None and allocated_t is None:
            s12 = (totals["scope1"] or 0.0) + (totals["scope2_market"] or 0.0)
            allocated_t = allocate_by_revenue_share(s12, revenue_share_pct)
            allocation_method = allocation_method or "revenue_share"
        if allocation_method is not None and allocation_method not in ALLOCATION_METHODS:
            raise AnswerError(
                "allocation_method",
                "sr.err.choice",
                "revenue_share or physical",
                allowed=", ".join(ALLOCATION_METHODS),
            )
        data.update(allocated_to_customer_t=allocated_t, allocation_method=allocation_method)
        answer = parse_answer(data)
    except AnswerError as exc:
        raise _answer_error(exc) from None
    source = {
        "organisation": tenant.slug,
        "snapshot_id": snap.id,
        "fiscal_year": snap.fiscal_year,
        "revenue_share_pct": revenue_share_pct,
    }
    try:
        customer_id, response_id = push_response(
            tenant.bind or tenant.engine,
            supplier_org_id=tenant.organisation_id,
            slug=tenant.slug,
            request_id=int(request_id),
            answer=answer.as_dict(),
            source=source,
            actor=f"{tenant.actor} (org:{tenant.slug})",
        )
    except PushRefusedError as exc:
        if exc.reason == "closed":
            raise refused(
                "conflict", "sr.err.closed", "this request takes no more answers"
            ) from None
        raise refused("not_found", "sr.err.request", f"request {request_id} not found") from None
    db.commit()
    got = [
        a
        for a in addressed_requests(tenant.bind or tenant.engine, tenant.slug)
        if a.request_id == int(request_id)
    ]
    del customer_id
    return PushResult(
        customer_slug=got[0].customer_slug if got else "",
        request_id=int(request_id),
        response_id=response_id,
        version=got[0].versions if got else 1,
        snapshot_id=snap.id,
        answer=answer.as_dict(),
    )


# -- accepted answers, coverage, maturity ----------------------------------------------------------


def _accepted(
    db: Session, fiscal_year: str | None, kind: str = "climate"
) -> list[tuple[SupplierResponse, SupplierCampaign, Supplier]]:
    """The accepted answer of each supplier and fiscal year (the newest accepted version; a
    later version returned or pending does not undo an acceptance)."""
    q = (
        select(SupplierResponse, SupplierCampaign, Supplier)
        .join(SupplierRequest, SupplierRequest.id == SupplierResponse.request_id)
        .join(SupplierCampaign, SupplierCampaign.id == SupplierRequest.campaign_id)
        .join(Supplier, Supplier.id == SupplierResponse.supplier_id)
        .where(SupplierResponse.status == "accepted", SupplierCampaign.kind == kind)
        .order_by(SupplierCampaign.fiscal_year, Supplier.code, SupplierResponse.version.desc())
    )
    if fiscal_year is not None:
        q = q.where(SupplierCampaign.fiscal_year == fiscal_year)
    seen: set[tuple[str, str]] = set()
    out = []
    for r, c, s in db.execute(q).all():
        if (c.fiscal_year, s.code) not in seen:
            seen.add((c.fiscal_year, s.code))
            out.append((r, c, s))
    return out


def accepted_allocations(ctx: Context, fiscal_year: str | None = None) -> list[AcceptedAllocation]:
    """The emissions each supplier allocated to this organisation [t CO2e], with the method
    (CDP supply chain SM1), from the accepted answers of the climate campaigns (of
    ``fiscal_year``, or every year), by year and supplier code — for supplier-specific factors
    in Scope 3 category 1 (GHG Protocol Scope 3 Standard ch. 7–8)."""
    ctx.require("read")
    label = _label(ctx, fiscal_year) if fiscal_year else None
    with ctx.workspace().session() as db:
        out = []
        for r, c, s in _accepted(db, label):
            a = parse_answer(r.answer)
            if a.allocated_to_customer_t is None or a.allocation_method is None:
                continue
            out.append(
                AcceptedAllocation(
                    supplier_code=s.code,
                    fiscal_year=c.fiscal_year,
                    allocated_t=a.allocated_to_customer_t,
                    allocation_method=a.allocation_method,
                    response_id=r.id,
                    accepted_at=r.decided_at or r.submitted_at,
                )
            )
        return out


@dataclass(frozen=True)
class CoverageView:
    """Coverage of a fiscal year (:class:`lingtan.modules.suppliers.coverage.Coverage`) as the
    surfaces show it, with where the weights came from and the SBTi checks of the goals."""

    result: cov.Coverage
    spend_source: str
    currency: str
    goals: dict[str, dict[str, Any]]
    checks: dict[str, cov.EngagementCheck]
    snapshot_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (API, CLI JSON): fractions as ``numerator``/``denominator`` numbers and
        the exact fraction text."""
        c = self.result
        props = {}
        for name, p in c.properties.items():
            props[name] = {
                "numerator": float(p.numerator),
                "denominator": float(p.denominator),
                "fraction": f"{p.share.numerator}/{p.share.denominator}"
                if p.share is not None
                else None,
                "pct": p.pct,
                "goal_pct": p.goal_pct,
                "meets_goal": p.meets_goal,
                "suppliers": list(p.suppliers),
            }
        return {
            "fiscal_year": c.fiscal_year,
            "basis": c.basis,
            "denominator": c.denominator,
            "denominator_text": c.describe_denominator(),
            "denominator_total": float(c.denominator_total),
            "denominator_suppliers": list(c.denominator_suppliers),
            "unit": self.currency if c.basis == "spend" else "t CO2e",
            "spend_source": self.spend_source,
            "missing_emissions": list(c.missing_emissions),
            "properties": props,
            "goals": self.goals,
            "sbti_checks": {
                k: {
                    "conformant": v.conformant,
                    "failures": list(v.failures),
                    "notes": list(v.notes),
                }
                for k, v in self.checks.items()
            },
            "snapshot_id": self.snapshot_id,
        }


def _goals(db: Session) -> dict[str, SupplierCoverageGoal]:
    return {g.property: g for g in db.scalars(select(SupplierCoverageGoal))}


def goal_values(db: Session, ctx: Context) -> dict[str, dict[str, Any]]:
    """The coverage goals: the stored ones over the report's (SBT committed or set, 95 %, no
    year, by spend)."""
    ctx.require("read")
    out: dict[str, dict[str, Any]] = {
        p: {
            "goal_pct": v,
            "goal_year": None,
            "basis": "spend",
            "categories": [],
            "submission_year": None,
            "stored": False,
        }
        for p, v in cov.REPORT_GOALS.items()
    }
    for p, g in _goals(db).items():
        out[p] = {
            "goal_pct": g.goal_pct,
            "goal_year": g.goal_year,
            "basis": g.basis,
            "categories": list(g.categories or []),
            "submission_year": g.submission_year,
            "stored": True,
        }
    return out


def set_goal(
    db: Session,
    ctx: Context,
    prop: str,
    *,
    goal_pct: float,
    goal_year: int | None = None,
    basis: str | None = None,
    categories: Sequence[str] = (),
    submission_year: int | None = None,
) -> dict[str, Any]:
    """Set (or replace) the goal of a coverage property (audited).

    Raises:
        ServiceError: 403; 422 unknown property, percentage, year, basis or category.
    """
    ctx.require("edit_data")
    if prop not in cov.PROPERTIES:
        raise refused(
            "invalid",
            "sr.err.property",
            f"property: one of {', '.join(cov.PROPERTIES)}",
            "property",
            allowed=", ".join(cov.PROPERTIES),
        )
    if not 0 < float(goal_pct) <= 100:
        raise refused("invalid", "sr.err.pct", "goal_pct: a percentage above 0", "goal_pct")
    for name, y in (("goal_year", goal_year), ("submission_year", submission_year)):
        if y is not None and not 1990 <= int(y) <= 2100:
            raise refused("invalid", "sr.err.year", f"{name}: a year 1990–2100", name)
    if basis is not None and basis not in cov.BASES:
        raise refused("invalid", "sr.err.basis", "basis: spend or emissions", "basis")
    cats = [str(c).strip() for c in categories if str(c).strip()]
    if any(c not in [str(i) for i in range(1, 16)] for c in cats):
        raise refused("invalid", "sr.err.category", "categories 1–15", "categories")
    g = _goals(db).get(prop) or SupplierCoverageGoal(property=prop)
    g.goal_pct, g.goal_year, g.basis = float(goal_pct), goal_year, basis
    g.categories, g.submission_year = cats, submission_year
    db.add(g)
    db.commit()
    return goal_values(db, ctx)[prop]


def _inputs(
    db: Session, ctx: Context, label: str
) -> tuple[list[cov.SupplierCoverageInput], str, str]:
    """The coverage inputs of a fiscal year: every supplier with spend or a request, its
    spend [CNY], its category 1 emissions [t CO2e], in scope or not, its accepted answer; the
    spend's source and currency."""
    spend: dict[str, float] = {}
    total = 0.0
    source = "imported_rows"
    try:
        spend, total = _spend(ctx, label)
    except Exception:  # no activity files, or the register's spend unavailable
        spend, total = {}, 0.0
    requests = db.execute(
        select(SupplierRequest, Supplier)
        .join(SupplierCampaign, SupplierCampaign.id == SupplierRequest.campaign_id)
        .join(Supplier, Supplier.id == SupplierRequest.supplier_id)
        .where(SupplierCampaign.fiscal_year == label, SupplierCampaign.kind == "climate")
    ).all()
    in_scope = {s.code for _r, s in requests}
    if total <= 0:  # no imported spend: the spend each request recorded when it was sent
        source = "campaign"
        spend = {s.code: float(r.spend or 0.0) for r, s in requests}
        total = sum(spend.values())
    answers = {s.code: parse_answer(r.answer) for r, _c, s in _accepted(db, label)}
    emissions: dict[str, float] = {}
    try:
        from lingtan.adapters.services.calculation import latest_inventory

        inv = latest_inventory(ctx, label)
        emissions = inv.by_supplier(scope=3, category=1)
    except Exception:  # no inventory of the year: emissions unknown
        emissions = {}
    codes = sorted(set(spend) | in_scope | set(answers))
    rows = [
        cov.SupplierCoverageInput(
            code=c,
            spend=spend.get(c, 0.0),
            emissions_t=emissions.get(c),
            in_scope=c in in_scope,
            answer=answers.get(c),
        )
        for c in codes
    ]
    rest = total - sum(spend.values())
    if rest > 1e-9 * max(total, 1.0) or UNATTRIBUTED in emissions:
        rows.append(
            cov.SupplierCoverageInput(UNATTRIBUTED, max(rest, 0.0), emissions.get(UNATTRIBUTED))
        )
    return rows, source, "CNY"


def _digest(rows: Sequence[cov.SupplierCoverageInput]) -> str:
    doc = [
        [
            r.code,
            repr(r.spend),
            repr(r.emissions_t),
            r.in_scope,
            r.answer.as_dict() if r.answer is not None else None,
        ]
        for r in rows
    ]
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def coverage_view(
    db: Session,
    ctx: Context,
    fiscal_year: str,
    *,
    basis: str = "spend",
    denominator: str = "all",
    record: bool = True,
) -> CoverageView:
    """Coverage of ``fiscal_year`` on ``basis`` (``spend`` | ``emissions``) over the
    ``denominator`` set (``all`` | ``in_scope`` | ``respondents``), computed now from the
    accepted answers, the spend derived from the imported rows (else the spend recorded by the
    year's campaign) and the category 1 emissions by supplier of the year's inventory; with the
    goals and their SBTi engagement-target checks. When ``record`` and the caller may edit, a
    snapshot is kept if the inputs changed since the last one (the history).

    Raises:
        ServiceError: 403; 422 fiscal year, basis or denominator.
    """
    ctx.require("read")
    if basis not in cov.BASES:
        raise refused("invalid", "sr.err.basis", "basis: spend or emissions", "basis")
    if denominator not in cov.DENOMINATORS:
        raise refused(
            "invalid",
            "sr.err.denominator",
            "denominator: all, in_scope or respondents",
            "denominator",
        )
    label = _label(ctx, fiscal_year)
    rows, source, currency = _inputs(db, ctx, label)
    goals = goal_values(db, ctx)
    result = cov.coverage(
        label,
        rows,
        basis=cast(cov.Basis, basis),
        denominator=cast(cov.Denominator, denominator),
        goals={p: g["goal_pct"] for p, g in goals.items()},
    )
    checks = {
        p: cov.check_engagement_target(
            cov.EngagementGoal(
                p,
                g["goal_pct"],
                g["goal_year"],
                g["basis"],
                tuple(g["categories"]),
                g["submission_year"],
            )
        )
        for p, g in goals.items()
    }
    view = CoverageView(result, source, currency, goals, checks, None)
    snap_id = None
    asked = any(r.in_scope for r in rows)  # a year with a campaign: its history is kept
    if record and asked and ctx.can("edit_data"):
        digest = _digest(rows)
        last = db.scalars(
            select(SupplierCoverageSnapshot)
            .where(
                SupplierCoverageSnapshot.fiscal_year == label,
                SupplierCoverageSnapshot.basis == basis,
                SupplierCoverageSnapshot.denominator == denominator,
            )
            .order_by(SupplierCoverageSnapshot.id.desc())
            .limit(1)
        ).first()
        if last is not None and last.inputs_sha256 == digest:
            snap_id = last.id
        else:
            snap = SupplierCoverageSnapshot(
                fiscal_year=label,
                basis=basis,
                denominator=denominator,
                figures=jsonable(view.to_dict()),
                inputs_sha256=digest,
            )
            db.add(snap)
            db.flush()
            snap_id = snap.id
            db.commit()
    return CoverageView(result, source, currency, goals, checks, snap_id)


@dataclass(frozen=True)
class HistoryRow:
    """The newest coverage snapshot of one fiscal year: pct by property."""

    fiscal_year: str
    computed_at: datetime
    pct: dict[str, float | None]
    denominator_text: str


def coverage_history(
    db: Session, ctx: Context, *, basis: str = "spend", denominator: str = "all"
) -> list[HistoryRow]:
    """The newest stored coverage of each fiscal year (oldest year first)."""
    ctx.require("read")
    rows = db.scalars(
        select(SupplierCoverageSnapshot)
        .where(
            SupplierCoverageSnapshot.basis == basis,
            SupplierCoverageSnapshot.denominator == denominator,
        )
        .order_by(SupplierCoverageSnapshot.fiscal_year, SupplierCoverageSnapshot.id.desc())
    )
    out: dict[str, HistoryRow] = {}
    for s in rows:
        if s.fiscal_year not in out:
            props = s.figures.get("properties", {})
            out[s.fiscal_year] = HistoryRow(
                s.fiscal_year,
                s.computed_at,
                {p: v.get("pct") for p, v in props.items()},
                str(s.figures.get("denominator_text", "")),
            )
    return list(out.values())


def fraction_text(x: Fraction | None) -> str:
    """``42/100`` for a fraction (``–`` for None)."""
    return "–" if x is None else f"{x.numerator}/{x.denominator}"


@dataclass(frozen=True)
class MaturityView:
    """A maturity assessment."""

    id: int
    supplier_code: str
    assessed_on: date
    level: int
    criteria_met: tuple[str, ...]
    next_review: date
    response_id: int | None


def review_maturity(
    db: Session,
    ctx: Context,
    *,
    on: date | None = None,
    supplier_codes: Sequence[str] | None = None,
    due_only: bool = True,
) -> list[MaturityView]:
    """Assess the maturity of the strategic suppliers (or of ``supplier_codes``) from their
    newest accepted answer and the one of the year before (for "reducing"); by default only
    those never assessed or whose review is due on ``on`` (today). The next review is a quarter
    later for a strategic supplier, a year otherwise (report lines 2204–2205).

    Raises:
        ServiceError: 403; 404 an unknown supplier code.
    """
    ctx.require("edit_data")
    day = on or utcnow().date()
    q = select(Supplier).order_by(Supplier.code)
    if supplier_codes is not None:
        q = q.where(Supplier.code.in_(list(supplier_codes) or ["\x00"]))
    else:
        q = q.where(Supplier.strategic.is_(True))
    suppliers = list(db.scalars(q))
    if supplier_codes is not None and len(suppliers) != len(set(supplier_codes)):
        missing = sorted(set(supplier_codes) - {s.code for s in suppliers})
        raise refused(
            "not_found",
            "sr.err.supplier",
            f"supplier {missing[0]} not found",
            "supplier",
            code=missing[0],
        )
    accepted: dict[str, list[SupplierResponse]] = {}
    for r, _c, s in _accepted(db, None):
        accepted.setdefault(s.code, []).append(r)  # by fiscal year, oldest first
    out = []
    for s in suppliers:
        last = db.scalars(
            select(SupplierMaturity)
            .where(SupplierMaturity.supplier_id == s.id)
            .order_by(SupplierMaturity.assessed_on.desc(), SupplierMaturity.id.desc())
            .limit(1)
        ).first()
        if due_only and last is not None and last.next_review > day:
            continue
        answers = accepted.get(s.code, [])
        now = parse_answer(answers[-1].answer) if answers else None
        before = parse_answer(answers[-2].answer) if len(answers) > 1 else None
        m = assess(now, before)
        row = SupplierMaturity(
            supplier_id=s.id,
            assessed_on=day,
            level=m.level,
            criteria_met=list(m.criteria_met),
            next_review=next_review(day, bool(s.strategic)),
            response_id=answers[-1].id if answers else None,
            assessed_by=ctx.actor[:200],
        )
        db.add(row)
        db.flush()
        out.append(_maturity_view(row, s.code))
    db.commit()
    return out


def _maturity_view(m: SupplierMaturity, code: str) -> MaturityView:
    return MaturityView(
        m.id,
        code,
        m.assessed_on,
        m.level,
        tuple(m.criteria_met or ()),
        m.next_review,
        m.response_id,
    )


def list_maturity(db: Session, ctx: Context) -> list[MaturityView]:
    """The newest assessment of each supplier, by supplier code."""
    ctx.require("read")
    rows = db.execute(
        select(SupplierMaturity, Supplier)
        .join(Supplier, Supplier.id == SupplierMaturity.supplier_id)
        .order_by(Supplier.code, SupplierMaturity.assessed_on.desc(), SupplierMaturity.id.desc())
    ).all()
    seen: set[str] = set()
    out = []
    for m, s in rows:
        if s.code not in seen:
            seen.add(s.code)
            out.append(_maturity_view(m, s.code))
    return out
