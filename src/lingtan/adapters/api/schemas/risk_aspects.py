"""Significant environmental aspects (``/orgs/{org}/risks/aspects``; issue 17 item 3, ISO
14001:2015 §6.1.2, decision 0081).

The schemas list what the service accepts where a list can say it (conditions, value-chain
positions, scores 1–5, monitoring statuses, aggregates); whether a site is in the boundary, a
risk in the register, a KPI in the targets file, a code unused and the eight scores all given or
none are the service's checks (422 or 409 naming the field)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from lingtan.adapters.api.schemas.common import LINE_PATTERN, FiscalYear, FromAttributes

Condition = Literal["normal", "abnormal", "emergency"]
ValueChain = Literal["own_operations", "upstream", "downstream"]
MonitoringStatus = Literal["on_track", "attention", "off_track"]
Aggregate = Literal["mean", "max"]
Score = Annotated[int, Field(ge=1, le=5, description="1 (least) … 5 (most)")]
AspectCode = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
_TEXT = r"^[^\x00-\x1f\x7f-\x9f\ufffe\uffff]*\S[^\x00-\x1f\x7f-\x9f\ufffe\uffff]*$"
Title = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=_TEXT)]
Line = Annotated[str, StringConstraints(max_length=300, pattern=LINE_PATTERN)]
Note = Annotated[str, StringConstraints(max_length=500, pattern=LINE_PATTERN)]
SiteCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f-\x9f/\\]+$"),
    Field(description="A site of the boundary; none: the whole organisation"),
]


class Objective(BaseModel):
    """An objective of the aspect, optionally linked to a KPI of the targets file."""

    text: Title
    kpi: AspectCode | None = Field(None, description="A KPI id of the targets file")


class _Scores(BaseModel):
    e_quantity: Score | None = None
    e_scope: Score | None = None
    e_frequency: Score | None = None
    e_severity: Score | None = None
    e_control: Score | None = None
    b_reputation: Score | None = None
    b_compliance: Score | None = None
    b_management: Score | None = None


class AspectCreate(_Scores):
    """An aspect (the eight scores all or none; rated under the organisation's configuration)."""

    code: AspectCode | None = Field(None, description="Default: the next SEA-NN")
    aspect: Title
    activity: Line | None = None
    site: SiteCode | None = None
    condition: Condition = "normal"
    value_chain: ValueChain | None = None
    objectives: list[Objective] = Field(default_factory=list, max_length=50)
    risk_code: AspectCode | None = Field(None, description="A code of the risk register")
    fiscal_year: FiscalYear | None = None
    source: Line | None = None
    note: Note | None = None


class AspectUpdate(_Scores):
    """Change an aspect (fields left out are kept; re-rated)."""

    code: AspectCode | None = None
    aspect: Title | None = None
    activity: Line | None = None
    site: SiteCode | None = None
    condition: Condition | None = None
    value_chain: ValueChain | None = None
    objectives: list[Objective] | None = Field(None, max_length=50)
    risk_code: AspectCode | None = None
    fiscal_year: FiscalYear | None = None
    source: Line | None = None
    note: Note | None = None


class AspectScores(BaseModel):
    """The eight factor scores (ISO 14001 §6.1.2 as the report rates: five environmental, three
    business), each 1–5."""

    quantity: Score
    scope: Score
    frequency: Score
    severity: Score
    control: Score
    reputation: Score
    compliance: Score
    management: Score


class ObjectivePublic(BaseModel):
    """An objective and its KPI."""

    text: str
    kpi: str | None


class AspectPublic(FromAttributes):
    """An aspect with its rating: env and bus (1–5), overall = env × bus (1–25), significant and
    why (threshold | any_factor)."""

    id: int
    code: str
    aspect: str
    activity: str | None
    site: str | None
    condition: str
    value_chain: str | None
    e_quantity: int | None
    e_scope: int | None
    e_frequency: int | None
    e_severity: int | None
    e_control: int | None
    b_reputation: int | None
    b_compliance: int | None
    b_management: int | None
    env: float | None
    bus: float | None
    overall: float | None
    significant: bool
    reason: str | None
    rated: bool
    objectives: list[ObjectivePublic]
    risk_code: str | None
    fiscal_year: str | None
    source: str | None
    note: str | None


class MonitoringCreate(BaseModel):
    """A monitoring record (default: today, by the caller, on track)."""

    checked_on: date | None = None
    checked_by: Line | None = None
    findings: Annotated[str, StringConstraints(max_length=2000, pattern=LINE_PATTERN)] | None = None
    status: MonitoringStatus = "on_track"


class MonitoringPublic(FromAttributes):
    """A monitoring record."""

    id: int
    aspect_id: int
    checked_on: date
    checked_by: str
    findings: str | None
    status: str


class MonitoringDuePublic(BaseModel):
    """A significant aspect whose semi-annual monitoring is due: its last record (none: never
    monitored), when the next was due and how many days ago."""

    id: int
    code: str
    aspect: str
    last: date | None
    next_due: date | None
    days_overdue: int


class SignificanceUpdate(BaseModel):
    """The significance configuration (fields left out, or null, are kept; ``any_factor_at:
    null`` turns that rule off)."""

    threshold: Annotated[float, Field(ge=1, le=25)] | None = None
    aggregate: Aggregate | None = None
    any_factor_at: Score | None = None


class SignificancePublic(BaseModel):
    """The significance configuration; ``default`` when it is lingtan's (``label`` says so);
    ``rerated``: aspects whose rating a change altered."""

    threshold: float
    aggregate: str
    any_factor_at: int | None
    default: bool
    label: str | None
    rerated: int = 0


class AspectFromRisk(BaseModel):
    """Take a register risk into the aspects (a new aspect linked to it, or the one linked)."""

    risk_code: AspectCode


class AspectImportPublic(BaseModel):
    """The ids of the aspects an import created and updated."""

    created: list[int]
    updated: list[int]
