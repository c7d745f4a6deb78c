"""Climate data requests to suppliers (issue 15 item 4, decision 0065): campaigns, requests,
answers, answer tokens, coverage, goals, maturity, and the supplier side (requests addressed to
an organisation, push). Masses in t CO2e, percentages 0–100, spend in CNY."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lingtan.adapters.api.schemas.common import Code, FiscalYear, UtcDateTime

Pct = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Mass = Annotated[float, Field(ge=0, le=1e10, allow_inf_nan=False, description="t CO2e")]
Year = Annotated[int, Field(ge=1990, le=2100)]
Line = Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00-\x1f\x7f]*$")]
PcfId = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9:._/-]+$")
]
Kind = Literal["climate", "pcf", "water", "waste"]
Basis = Literal["spend", "emissions"]
Denominator = Literal["all", "in_scope", "respondents"]
Property = Literal[
    "sbt_committed_or_set",
    "verified",
    "public_target",
    "re_tracking",
    "re_target",
    "sbt_targets_set",
    "sbt_validated",
]
Category = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"]


class ScopeRuleModel(BaseModel):
    """Which suppliers a campaign asks: the top ``top_spend_pct`` % of spend (null: none by
    spend) ∪ the strategic suppliers (``strategic``) ∪ the key tier-1 ones (``key_tier1``)."""

    model_config = ConfigDict(extra="forbid")

    top_spend_pct: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)] | None = 95.0
    strategic: bool = True
    key_tier1: bool = False


class CampaignCreate(BaseModel):
    """A new yearly campaign (one per fiscal year and kind)."""

    model_config = ConfigDict(extra="forbid")

    fiscal_year: FiscalYear
    kind: Kind = "climate"
    questionnaire_version: Annotated[
        str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")
    ] = "CDP-SC-2023"
    scope_rule: ScopeRuleModel = ScopeRuleModel()
    due_on: date | None = None


class CampaignPublic(BaseModel):
    """A campaign with its request counts by status (sent, answered, accepted, returned)."""

    id: int
    fiscal_year: str
    kind: str
    questionnaire_version: str
    scope_rule: ScopeRuleModel
    scope_rule_text: str
    sent_on: date
    due_on: date | None
    status: str
    counts: dict[str, int]
    unregistered: list[str]


class RequestPublic(BaseModel):
    """The request of a campaign to one supplier."""

    id: int
    campaign_id: int
    fiscal_year: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    status: str
    spend: float | None = Field(description="spend that put it in scope [CNY]")
    reasons: list[str]
    return_reason: str | None
    versions: int
    token_expires_at: UtcDateTime | None
    newest_response_id: int | None
    newest_response_status: str | None


class PublicTargetModel(BaseModel):
    """A public GHG target: type, base year, target year, reduction from the base [%]."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["absolute", "intensity"] = "absolute"
    base_year: Year
    target_year: Year
    reduction_pct: Pct


class ReTargetModel(BaseModel):
    """A renewable-electricity target: ``pct`` % by ``year``."""

    model_config = ConfigDict(extra="forbid")

    pct: Pct
    year: Year


class SupplierAnswerModel(BaseModel):
    """A supplier's answer to a climate request (CDP supply chain): emissions [t CO2e],
    verification, public target, SBTi status, renewables, the allocation to the customer with
    its method (CDP SM1), PACT footprint ids, CDP score, maturity answers. Every field optional;
    the service checks the rules between fields (422 naming the field)."""

    model_config = ConfigDict(extra="forbid")

    scope1_t: Mass | None = None
    scope2_location_t: Mass | None = None
    scope2_market_t: Mass | None = None
    scope3_t: Mass | None = None
    scope3_by_category_t: dict[Category, Mass] = Field(default_factory=dict)
    reporting_period: Annotated[str, StringConstraints(max_length=40)] | None = None
    boundary: Line | None = None
    verified: bool = False
    verification_standard: Literal["ISO 14064-3", "ISAE 3410", "other"] | None = None
    public_target: PublicTargetModel | None = None
    sbti_status: Literal["none", "committed", "targets_set", "validated"] = "none"
    sbti_horizon: Literal["near_term", "net_zero"] | None = None
    sbti_date: date | None = None
    re_tracking: bool = False
    re_target: ReTargetModel | None = None
    re_share_pct: Pct | None = None
    allocated_to_customer_t: Mass | None = None
    allocation_method: Literal["revenue_share", "physical"] | None = None
    pcf_ids: Annotated[list[PcfId], Field(max_length=500)] = Field(default_factory=list)
    cdp_score: Literal["A", "A-", "B", "B-", "C", "C-", "D", "D-", "F"] | None = None
    maturity_answers: Annotated[
        dict[Annotated[str, StringConstraints(max_length=60)], bool], Field(max_length=50)
    ] = Field(default_factory=dict)


class ResponsePublic(BaseModel):
    """One version of an answer, with the buyer's decision."""

    id: int
    request_id: int
    supplier_code: str
    version: int
    channel: str
    answer: SupplierAnswerModel
    source: dict[str, str | float | int | None]
    submitted_at: UtcDateTime
    submitted_by: str
    status: str
    decided_at: UtcDateTime | None
    decided_by: str | None
    reason: str | None


class ResponseCreate(BaseModel):
    """An answer the buyer records (received as a file or a mail)."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal["upload", "buyer"] = "upload"
    answer: SupplierAnswerModel


class ReturnBody(BaseModel):
    """Why the answer goes back to the supplier."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=r"\S")]


class TokensCreate(BaseModel):
    """Issue answer tokens for a campaign's open requests (or some of them)."""

    model_config = ConfigDict(extra="forbid")

    days: Annotated[int, Field(ge=1, le=365)] = 60
    request_ids: (
        Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=10000)] | None
    ) = None


class TokenPublic(BaseModel):
    """An answer token as issued (shown once; only its hash is kept) and its form's URL."""

    request_id: int
    supplier_code: str
    token: str
    expires_at: UtcDateTime
    form_url: str


class TokenFormPublic(BaseModel):
    """What the supplier's form shows: the customer, the request, the latest answer."""

    customer_name: str
    supplier_code: str
    supplier_name: str
    fiscal_year: str
    kind: str
    questionnaire_version: str
    due_on: date | None
    status: str
    return_reason: str | None
    expires_at: UtcDateTime
    latest: SupplierAnswerModel | None
    open: bool = Field(description="the campaign still takes answers (also revisions)")


class PropertyCoveragePublic(BaseModel):
    """Coverage of one property: Σ weight of the suppliers with it / Σ weight of the set."""

    numerator: float
    denominator: float
    fraction: str | None = Field(description="the exact fraction, e.g. 42/100")
    pct: float | None
    goal_pct: float | None
    meets_goal: bool | None
    suppliers: list[str]


class GoalPublic(BaseModel):
    """A coverage goal (stored, or the report's default)."""

    goal_pct: float
    goal_year: int | None
    basis: str | None
    categories: list[str]
    submission_year: int | None
    stored: bool


class GoalUpdate(BaseModel):
    """A coverage goal, with what an SBTi engagement target states."""

    model_config = ConfigDict(extra="forbid")

    goal_pct: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]
    goal_year: Year | None = None
    basis: Basis | None = None
    categories: Annotated[list[Category], Field(max_length=15)] = Field(default_factory=list)
    submission_year: Year | None = None


class SbtiCheckPublic(BaseModel):
    """The SBTi engagement-target check of a goal: failures and notes are message keys."""

    conformant: bool
    failures: list[str]
    notes: list[str]


class CoveragePublic(BaseModel):
    """Coverage of a fiscal year on one basis over one denominator set S (stated)."""

    fiscal_year: str
    basis: str
    denominator: str
    denominator_text: str
    denominator_total: float
    denominator_suppliers: list[str]
    unit: str
    spend_source: str
    missing_emissions: list[str]
    properties: dict[str, PropertyCoveragePublic]
    goals: dict[str, GoalPublic]
    sbti_checks: dict[str, SbtiCheckPublic]
    snapshot_id: int | None


class HistoryPublic(BaseModel):
    """The newest stored coverage of one fiscal year [%] by property."""

    fiscal_year: str
    computed_at: UtcDateTime
    pct: dict[str, float | None]
    denominator_text: str


class MaturityReview(BaseModel):
    """Review the maturity of the strategic suppliers (or of some)."""

    model_config = ConfigDict(extra="forbid")

    on: date | None = None
    supplier_codes: (
        Annotated[
            list[Code],  # a register code (no NUL: PostgreSQL cannot compare one)
            Field(max_length=10000),
        ]
        | None
    ) = None
    due_only: bool = True


class MaturityPublic(BaseModel):
    """A maturity assessment (levels 1–5)."""

    id: int
    supplier_code: str
    assessed_on: date
    level: int
    criteria_met: list[str]
    next_review: date
    response_id: int | None


class AddressedRequestPublic(BaseModel):
    """A request of a customer organisation addressed to this one."""

    request_id: int
    customer_slug: str
    customer_name: str
    supplier_code: str
    fiscal_year: str
    kind: str
    questionnaire_version: str
    due_on: date | None
    status: str
    versions: int


class PushAnswer(BaseModel):
    """Answer a customer's request from this organisation's newest inventory: the allocation
    (``allocated_t``, or ``revenue_share_pct`` of Scope 1+2), its method, the product
    footprint ids, and other fields of the answer (``extra``)."""

    model_config = ConfigDict(extra="forbid")

    fiscal_year: FiscalYear | None = None
    allocation_method: Literal["revenue_share", "physical"] | None = None
    allocated_t: Mass | None = None
    revenue_share_pct: Pct | None = None
    pcf_ids: Annotated[list[PcfId], Field(max_length=500)] = Field(default_factory=list)
    extra: SupplierAnswerModel | None = None


class PushPublic(BaseModel):
    """A pushed answer."""

    customer_slug: str
    request_id: int
    response_id: int
    version: int
    snapshot_id: str | None
    answer: SupplierAnswerModel
