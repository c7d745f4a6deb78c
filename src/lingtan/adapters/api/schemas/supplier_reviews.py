"""Supplier reviews (issue 15 items 2–3, decision 0064): ratings, corrective action plans,
audits and findings, waivers, the audit-coverage set, audits due and scorecards. Scores are on
0–100 (an RBA VAP audit score on 0–200), spend in CNY, dates ISO."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Text = Annotated[str, Field(min_length=1, max_length=500)]
Score = Annotated[float, Field(ge=0, le=100, description="Score [0–100]")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RatingCreate(_Body):
    """An external rating (EcoVadis or comparable): under 45 it opens a corrective action plan
    due 90 days after ``rated_on``."""

    provider: Annotated[str, Field(min_length=1, max_length=100)]
    score: Score
    rated_on: date
    valid_until: date | None = None
    evidence: Annotated[str | None, Field(max_length=300)] = None


class RatingPublic(BaseModel):
    """A stored rating."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    provider: str
    score: float
    rated_on: date
    valid_until: date | None
    evidence: str | None


class CapItemPublic(BaseModel):
    """An item of a plan; ``status`` open | overdue | closed (from its dates)."""

    id: int
    finding: str
    action: str
    owner: str
    due: date
    closed_on: date | None
    evidence: str | None
    status: Literal["open", "overdue", "closed"]


class CapPublic(BaseModel):
    """A corrective action plan; ``status`` computed from the dates; ``score_change`` =
    ``score_after − score_before`` [points] once re-rated."""

    id: int
    supplier: str
    supplier_name: str
    trigger: str
    opened: date
    due: date
    status: Literal["open", "overdue", "closed"]
    closed_on: date | None
    score_before: float | None
    score_after: float | None
    score_change: float | None
    items: list[CapItemPublic]


class RatingOutcomePublic(BaseModel):
    """A recorded rating, the plan it opened (if any) and the plans it re-rated."""

    rating: RatingPublic
    cap: CapPublic | None
    rerated: list[CapPublic]


class CapCreate(_Body):
    """A plan opened by hand (an audit finding or a poor grade)."""

    trigger: Literal["audit_finding", "grade", "rating"]
    opened: date
    due: date


class CapItemCreate(_Body):
    """An item of a plan (``due`` defaults to the plan's)."""

    finding: Text
    action: Text
    owner: Annotated[str, Field(min_length=1, max_length=200)]
    due: date | None = None


class CloseWithEvidence(_Body):
    """Close an item or a finding on ``closed_on`` with its evidence (reference or sha256)."""

    closed_on: date
    evidence: Annotated[str, Field(min_length=1, max_length=300)]


class CapKpisPublic(BaseModel):
    """CAPs closed on time [%] over the plans closed or past due; the mean score change after
    re-rating [points] (the report's +4.7)."""

    plans: int
    decided: int
    closed_on_time: int
    closed_on_time_pct: float | None
    rerated: int
    mean_score_change: float | None


class FindingCreate(_Body):
    """A finding of an audit (RBA VAP severities)."""

    ref: Annotated[str | None, Field(max_length=60)] = None
    severity: Literal["priority", "major", "minor"]
    section: Annotated[str | None, Field(max_length=200)] = None
    due: date | None = None
    closed_on: date | None = None


class AuditCreate(_Body):
    """An audit: scheme RBA VAP, RBA-approved equivalent or other (which does not count for
    coverage), date, score and findings."""

    scheme: Literal["rba_vap", "rba_equivalent", "other"]
    audited_on: date
    score: Annotated[float | None, Field(ge=0, le=1000)] = None
    site: Annotated[str | None, Field(max_length=60)] = None
    auditor: Annotated[str | None, Field(max_length=200)] = None
    findings: Annotated[list[FindingCreate], Field(max_length=500)] = []


class FindingPublic(BaseModel):
    """A stored finding."""

    id: int
    ref: str
    severity: str
    section: str
    due: date | None
    closed_on: date | None
    evidence: str | None


class AuditPublic(BaseModel):
    """A stored audit; ``counts`` when its scheme counts for coverage."""

    id: int
    supplier: str
    scheme: str
    audited_on: date
    score: float | None
    site: str | None
    auditor: str | None
    counts: bool
    findings: list[FindingPublic]


class WaiverCreate(_Body):
    """Waive the suspension rule for one finding: why, from (today by default), until."""

    finding_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    reason: Annotated[str, Field(min_length=1, max_length=1000)]
    granted_on: date | None = None
    until: date | None = None


class WaiverPublic(BaseModel):
    """A stored waiver: who granted it, why, from, until."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    finding_id: int
    granted_by: str
    reason: str
    granted_on: date
    until: date | None


class CoverageMemberPublic(BaseModel):
    """A supplier of the audit-coverage set A: spend [CNY], latest counting audit, valid at the
    fiscal year's end."""

    supplier: str
    spend: float
    last_audit: date | None
    valid: bool


class AuditCoveragePublic(BaseModel):
    """The audit-coverage set A of a fiscal year and the audited spend share [%]; the share's
    denominator is all spend of the year (``total_spend``)."""

    fiscal_year: str
    fy_end: date
    target_pct: float
    members: list[CoverageMemberPublic]
    set_spend: float
    supplier_spend: float
    total_spend: float
    set_share_pct: float
    audited_share_pct: float
    denominator: str
    gaps: list[str]


class DueAuditPublic(BaseModel):
    """A supplier of A due for an audit within six months (``due`` None: never audited)."""

    supplier: str
    last_audit: date | None
    due: date | None
    overdue: bool


class SuspensionTriggerPublic(BaseModel):
    """A supplier with a priority finding open past due and not waived: its status and the
    finding ids."""

    supplier: str
    status: str
    findings: list[int]


class SuspensionPublic(BaseModel):
    """The suppliers the suspension rule triggers on, those it suspended and those whose
    status the workflow does not let it suspend."""

    triggered: list[SuspensionTriggerPublic]
    suspended: list[str]
    not_suspendable: list[str]


class ScorecardCompute(_Body):
    """Compute a quarter's scorecard: questionnaire values by KPI code [each KPI's unit]
    (rating and audit KPIs come from the records unless given)."""

    period: Annotated[str, Field(pattern=r"^\d{4}-?[Qq][1-4]$")]
    values: Annotated[dict[str, float | None], Field(max_length=200)] = {}


class KpiScorePublic(BaseModel):
    """One KPI's value [its unit], score [0–100] and weight."""

    code: str
    value: float | None
    score: float
    weight: float
    pillar: str
    unit: str
    name_en: str
    name_zh: str


class ScorecardPublic(BaseModel):
    """A quarter's scorecard: total [0–100], grade, allocation multiplier."""

    id: int
    period: str
    kpi_set_version: str
    total: float
    grade: str
    multiplier: float
    computed_at: datetime
    scores: list[KpiScorePublic]
    missing: list[str]


class KpiRulePublic(BaseModel):
    """A KPI's rule: ``threshold`` steps ``[bound, score]`` (direction ``higher_is_better``) or
    ``linear`` from ``zero_at`` (score 0) to ``full_at`` (score 100)."""

    kind: Literal["threshold", "linear"]
    steps: list[list[float]] | None = None
    higher_is_better: bool | None = None
    zero_at: float | None = None
    full_at: float | None = None


class KpiDefinitionPublic(BaseModel):
    """One KPI definition of the set in force."""

    code: str
    pillar: str
    weight: float
    source: str
    unit: str
    name_en: str
    name_zh: str
    explain_en: str
    explain_zh: str
    rule: KpiRulePublic


class GradeBandPublic(BaseModel):
    """A grade from ``min_total`` [0–100] up and its allocation multiplier."""

    grade: str
    min_total: float
    multiplier: float


class KpiSetPublic(BaseModel):
    """The scorecard definitions in force (the organisation's latest version, else lingtan's
    default set of 30; the grade bands are lingtan's defaults unless replaced)."""

    version: str
    band: list[GradeBandPublic]
    kpi: list[KpiDefinitionPublic]
