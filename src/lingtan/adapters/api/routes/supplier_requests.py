"""Climate data requests to suppliers (issue 15 item 4, decision 0065):

- ``/orgs/{org}/supplier-requests``: the buyer's campaigns, requests, answers (accept, return),
  answer tokens, coverage with its history and goals, maturity reviews;
- ``/orgs/{org}/customer-requests``: the supplier's side — the requests of other organisations
  addressed to this one, and the push of an answer from its own inventory;
- ``/supplier-answers/{token}``: the public form of one request (no login; the token opens
  that request only).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from lingtan.adapters.api.deps import DbDep, Editor, Reader, SettingsDep
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath, errors
from lingtan.adapters.api.schemas.common import FiscalYear
from lingtan.adapters.api.schemas.supplier_requests import (
    AddressedRequestPublic,
    Basis,
    CampaignCreate,
    CampaignPublic,
    CoveragePublic,
    GoalPublic,
    GoalUpdate,
    HistoryPublic,
    MaturityPublic,
    MaturityReview,
    Property,
    PushAnswer,
    PushPublic,
    RequestPublic,
    ResponseCreate,
    ResponsePublic,
    ReturnBody,
    SupplierAnswerModel,
    TokenFormPublic,
    TokenPublic,
    TokensCreate,
)
from lingtan.adapters.api.schemas.supplier_requests import Denominator as DenominatorT
from lingtan.adapters.services import supplier_requests as svc
from lingtan.modules.suppliers.requests import ScopeRule

router = APIRouter(prefix="/orgs/{org}/supplier-requests", tags=["supplier requests"])
customer_router = APIRouter(prefix="/orgs/{org}/customer-requests", tags=["supplier requests"])
public_router = APIRouter(prefix="/supplier-answers", tags=["supplier requests"])

TokenPath = Annotated[
    str, Path(pattern=r"^sr_[A-Za-z0-9_-]{20,100}$", description="The request's answer token")
]
FyQuery = Annotated[FiscalYear, Query()]
StatusQuery = Annotated[str | None, Query(pattern=r"^(sent|answered|accepted|returned)$")]


def _vars(x: Any) -> dict[str, Any]:
    return dict(vars(x))


def form_url(base_url: str, token: str) -> str:
    """The public form's address of a token."""
    return f"{base_url.rstrip('/')}/supplier-answer/{token}"


@router.get("/campaigns", responses=READ_ERRORS)
def list_campaigns(db: DbDep, tenant: Reader) -> list[CampaignPublic]:
    """The campaigns, newest fiscal year first, with their request counts by status."""
    return [CampaignPublic.model_validate(_vars(c)) for c in svc.list_campaigns(db, tenant)]


@router.post("/campaigns", status_code=201, responses=WRITE_ERRORS)
def open_campaign(body: CampaignCreate, db: DbDep, tenant: Editor) -> CampaignPublic:
    """Open the campaign of a fiscal year: the scope rule (default top 95 % of spend ∪
    strategic) is evaluated on the year's spend by supplier derived from the imported rows,
    and a request is sent to every registered supplier in scope."""
    rule = ScopeRule(**body.scope_rule.model_dump())
    view = svc.open_campaign(
        db,
        tenant,
        fiscal_year=body.fiscal_year,
        kind=body.kind,
        questionnaire_version=body.questionnaire_version,
        rule=rule,
        due_on=body.due_on,
    )
    return CampaignPublic.model_validate(_vars(view))


@router.get("/campaigns/{campaign_id}", responses=READ_ERRORS)
def get_campaign(campaign_id: IdPath, db: DbDep, tenant: Reader) -> CampaignPublic:
    """One campaign."""
    return CampaignPublic.model_validate(_vars(svc.get_campaign(db, tenant, campaign_id)))


@router.post("/campaigns/{campaign_id}/close", responses=WRITE_ERRORS)
def close_campaign(campaign_id: IdPath, db: DbDep, tenant: Editor) -> CampaignPublic:
    """Close a campaign: its tokens and pushes are refused from now on."""
    return CampaignPublic.model_validate(_vars(svc.close_campaign(db, tenant, campaign_id)))


@router.post("/campaigns/{campaign_id}/tokens", status_code=201, responses=WRITE_ERRORS)
def issue_tokens(
    campaign_id: IdPath, body: TokensCreate, db: DbDep, tenant: Editor, settings: SettingsDep
) -> list[TokenPublic]:
    """Issue an answer token for each open request of the campaign (a new one replaces the
    old). Shown once: only the hash is stored."""
    got = svc.issue_tokens(db, tenant, campaign_id, request_ids=body.request_ids, days=body.days)
    return [
        TokenPublic(
            request_id=t.request_id,
            supplier_code=t.supplier_code,
            token=t.token,
            expires_at=t.expires_at,
            form_url=form_url(settings.base_url, t.token),
        )
        for t in got
    ]


@router.get("/requests", responses=READ_ERRORS)
def list_requests(
    db: DbDep,
    tenant: Reader,
    campaign: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: StatusQuery = None,
) -> list[RequestPublic]:
    """The requests (of one campaign, of one status)."""
    rows = svc.list_requests(db, tenant, campaign, status)
    return [RequestPublic.model_validate(_vars(r)) for r in rows]


@router.get("/requests/{request_id}", responses=READ_ERRORS)
def get_request(request_id: IdPath, db: DbDep, tenant: Reader) -> RequestPublic:
    """One request."""
    return RequestPublic.model_validate(_vars(svc.get_request(db, tenant, request_id)))


@router.get("/requests/{request_id}/responses", responses=READ_ERRORS)
def list_responses(request_id: IdPath, db: DbDep, tenant: Reader) -> list[ResponsePublic]:
    """Every version of the answers to a request, newest first."""
    rows = svc.list_responses(db, tenant, request_id)
    return [ResponsePublic.model_validate(_vars(r)) for r in rows]


@router.post("/requests/{request_id}/responses", status_code=201, responses=WRITE_ERRORS)
def record_response(
    request_id: IdPath, body: ResponseCreate, db: DbDep, tenant: Editor
) -> ResponsePublic:
    """Record an answer the supplier sent otherwise (file, mail): a new version."""
    data = body.answer.model_dump(mode="json")
    view = svc.record_answer(db, tenant, request_id, data, channel=body.channel)
    return ResponsePublic.model_validate(_vars(view))


@router.get("/responses/{response_id}", responses=READ_ERRORS)
def get_response(response_id: IdPath, db: DbDep, tenant: Reader) -> ResponsePublic:
    """One answer version."""
    return ResponsePublic.model_validate(_vars(svc.get_response(db, tenant, response_id)))


@router.post("/responses/{response_id}/accept", responses=WRITE_ERRORS)
def accept_response(response_id: IdPath, db: DbDep, tenant: Editor) -> ResponsePublic:
    """Accept the newest answer of a request: it counts in coverage from now on."""
    return ResponsePublic.model_validate(_vars(svc.accept_response(db, tenant, response_id)))


@router.post("/responses/{response_id}/return", responses=WRITE_ERRORS)
def return_response(
    response_id: IdPath, body: ReturnBody, db: DbDep, tenant: Editor
) -> ResponsePublic:
    """Return the newest answer with a reason: the supplier answers again."""
    view = svc.return_response(db, tenant, response_id, body.reason)
    return ResponsePublic.model_validate(_vars(view))


@router.get("/coverage", responses=READ_ERRORS)
def get_coverage(
    db: DbDep,
    tenant: Reader,
    fiscal_year: FyQuery,
    basis: Annotated[Basis, Query()] = "spend",
    denominator: Annotated[DenominatorT, Query()] = "all",
) -> CoveragePublic:
    """Coverage of the fiscal year by spend or by emissions over the stated denominator set
    (all | in_scope | respondents): computed now from the accepted answers, never typed."""
    view = svc.coverage_view(db, tenant, fiscal_year, basis=basis, denominator=denominator)
    return CoveragePublic.model_validate(view.to_dict())


@router.get("/coverage/history", responses=READ_ERRORS)
def get_coverage_history(
    db: DbDep,
    tenant: Reader,
    basis: Annotated[Basis, Query()] = "spend",
    denominator: Annotated[DenominatorT, Query()] = "all",
) -> list[HistoryPublic]:
    """The newest stored coverage of each fiscal year."""
    rows = svc.coverage_history(db, tenant, basis=basis, denominator=denominator)
    return [HistoryPublic.model_validate(_vars(r)) for r in rows]


@router.get("/goals", responses=READ_ERRORS)
def get_goals(db: DbDep, tenant: Reader) -> dict[str, GoalPublic]:
    """The coverage goals (stored, or the report's 95 % for SBT committed or set)."""
    return {k: GoalPublic.model_validate(v) for k, v in svc.goal_values(db, tenant).items()}


@router.put("/goals/{prop}", responses=WRITE_ERRORS)
def put_goal(prop: Property, body: GoalUpdate, db: DbDep, tenant: Editor) -> GoalPublic:
    """Set the goal of a coverage property (with what an SBTi engagement target states)."""
    got = svc.set_goal(
        db,
        tenant,
        prop,
        goal_pct=body.goal_pct,
        goal_year=body.goal_year,
        basis=body.basis,
        categories=body.categories,
        submission_year=body.submission_year,
    )
    return GoalPublic.model_validate(got)


@router.get("/maturity", responses=READ_ERRORS)
def list_maturity(db: DbDep, tenant: Reader) -> list[MaturityPublic]:
    """The newest maturity assessment of each supplier."""
    return [MaturityPublic.model_validate(_vars(m)) for m in svc.list_maturity(db, tenant)]


@router.post("/maturity/reviews", status_code=201, responses=WRITE_ERRORS)
def review_maturity(body: MaturityReview, db: DbDep, tenant: Editor) -> list[MaturityPublic]:
    """Review the maturity of the strategic suppliers due (or of the suppliers named)."""
    got = svc.review_maturity(
        db, tenant, on=body.on, supplier_codes=body.supplier_codes, due_only=body.due_only
    )
    return [MaturityPublic.model_validate(_vars(m)) for m in got]


# -- the supplier's side -------------------------------------------------------------------------


@customer_router.get("", responses=READ_ERRORS)
def list_customer_requests(db: DbDep, tenant: Reader) -> list[AddressedRequestPublic]:
    """The requests of other organisations addressed to this one (their supplier register
    names this organisation as the supplier's own)."""
    rows = svc.customer_requests(db, tenant)
    return [AddressedRequestPublic.model_validate(_vars(r)) for r in rows]


@customer_router.post("/{request_id}/push", status_code=201, responses=WRITE_ERRORS)
def push_answer(request_id: IdPath, body: PushAnswer, db: DbDep, tenant: Editor) -> PushPublic:
    """Answer a customer's request from this organisation's newest inventory (Scope 1, 2 on
    both bases, 3 by category [t CO2e]), with the allocation to the customer and its method
    (CDP SM1) and product footprint ids. Audited in both organisations."""
    extra = body.extra.model_dump(mode="json", exclude_defaults=True) if body.extra else None
    got = svc.push_answer(
        db,
        tenant,
        request_id,
        fiscal_year=body.fiscal_year,
        allocation_method=body.allocation_method,
        allocated_t=body.allocated_t,
        revenue_share_pct=body.revenue_share_pct,
        pcf_ids=body.pcf_ids,
        extra=extra,
    )
    return PushPublic.model_validate(_vars(got))


# -- the public form -------------------------------------------------------------------------------


@public_router.get("/{token}", responses=errors(404, 422))
def get_token_form(token: TokenPath, db: DbDep) -> TokenFormPublic:
    """The request a token opens (no login): the customer, the request, the latest answer."""
    got = svc.token_request(db, token)
    return TokenFormPublic.model_validate(_vars(got))


@public_router.post("/{token}", status_code=201, responses=errors(404, 409, 422))
def post_token_answer(token: TokenPath, body: SupplierAnswerModel, db: DbDep) -> TokenFormPublic:
    """Answer the request a token opens (no login): a new version of the answer, which the
    buyer then accepts or returns."""
    svc.answer_by_token(db, token, body.model_dump(mode="json"))
    return TokenFormPublic.model_validate(_vars(svc.token_request(db, token)))


#: every router of this module, for ``api/router.py``
ROUTERS = (router, customer_router, public_router)
