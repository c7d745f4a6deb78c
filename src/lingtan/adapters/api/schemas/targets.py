"""The organisation's targets file, progress and SBTi check, the MACC of a year and the
least-cost plan (``/orgs/{org}/targets``; issue 5, docs/targets.md for every formula). The
library's own result dataclasses are used where they are parts of the answer."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from lingtan.adapters.services.targets import MAX_TARGETS_BYTES
from lingtan.modules.targets.plan import ProjectDecision, TargetCheck, WaterfallStep
from lingtan.modules.targets.projects import MaccEntry
from lingtan.modules.targets.sbti import CriterionResult


class TargetsFileUpdate(BaseModel):
    """A new targets file: the YAML text (docs/targets.md, at most 1 MiB)."""

    content: str = Field(max_length=MAX_TARGETS_BYTES, description="YAML text")


class TargetsFilePublic(BaseModel):
    """The stored targets file."""

    name: str
    sha256: str


class EmissionsYearPublic(BaseModel):
    """Actual emissions of a fiscal year [t CO2e] and where they come from (the targets file
    or a calculated inventory's snapshot)."""

    fiscal_year: str
    scope1: float
    scope2_market: float
    scope2_location: float | None
    scope3: float
    scope3_by_category: dict[str, float]
    source: str


class CoveragePublic(BaseModel):
    """Which emissions a target counts."""

    scopes: list[int]
    scope3_categories: list[int] | None
    scope2_basis: str
    label: str


class TargetPublic(BaseModel):
    """A target as defined in the file; rates [% of base per year]."""

    id: str
    name: str
    coverage: CoveragePublic
    kind: str
    horizon: str
    base_year: str
    target_year: str
    reduction_pct: float
    denominator: str | None
    intensity_type: str | None
    boundary_coverage_pct: float | None
    neutralise_residual: bool
    linear_rate_pct_per_year: float | None
    compound_rate_pct_per_year: float | None
    source: str | None
    reported_status: str | None
    note: str | None


class ProgressPointPublic(BaseModel):
    """One year of a target: pathway P(y) = V_b − (V_b − V_T)·(y − b)/(T − b), actual A(y),
    gap A − P [t CO2e; × denominator for intensity], status."""

    year: str
    pathway_pct_of_base: float
    pathway: float | None
    actual: float | None
    covered_tco2e: float | None
    denominator: float | None
    reduction_to_date_pct: float | None
    gap_tco2e: float | None
    status: str
    note: str


class TargetProgressPublic(BaseModel):
    """A target's base, target value and progress, year by year (unit: t CO2e, or t CO2e per
    denominator unit for an intensity target)."""

    target: TargetPublic
    unit: str
    base_value: float | None
    target_value: float | None
    status: str
    latest_year: str | None
    reported_status: str | None
    rule: str
    notes: list[str]
    points: list[ProgressPointPublic]


class KpiPointPublic(BaseModel):
    """A year and a value."""

    year: str
    value: float | None


class KpiStatusPublic(BaseModel):
    """A KPI, its latest value and its status against the linear path to the goal."""

    id: str
    name: str
    kind: str
    unit: str
    goal: float | None
    goal_year: str | None
    direction: str
    start: KpiPointPublic | None
    values: dict[str, float]
    status: str
    latest_year: str | None
    latest_value: float | None
    pathway_value: float | None
    gap: float | None
    pathway: list[KpiPointPublic]
    reason: str
    rule: str
    reported_status: str | None
    source: str | None
    note: str | None


class SbtiPublic(BaseModel):
    """The SBTi check: compliant when no criterion failed."""

    edition: str
    compliant: bool
    failures: int
    not_assessed: int
    results: list[CriterionResult]
    notes: list[str]
    #: the edition and the notes as catalogue messages (decision 0054)
    edition_key: str = ""
    note_keys: list[dict[str, Any]] = []


class TargetsOverviewPublic(BaseModel):
    """Targets' progress, KPIs and the SBTi check of the organisation's targets file."""

    organisation: str
    file: TargetsFilePublic
    fiscal_year_start_month: int
    emissions: list[EmissionsYearPublic]
    targets: list[TargetProgressPublic]
    kpis: list[KpiStatusPublic]
    sbti: SbtiPublic
    plan_configured: bool
    years: list[str]
    notes: list[str]


class MaccExcludedPublic(BaseModel):
    """A project left off the curve, and why."""

    project_id: str
    reason: str


class MaccPublic(BaseModel):
    """The marginal abatement cost curve of one fiscal year, cheapest first."""

    year: str
    currency: str
    discount_rate_pct: float
    formula: str
    entries: list[MaccEntry]
    excluded: list[MaccExcludedPublic]


class PlanResultPublic(BaseModel):
    """The least-cost plan (or why none exists): cost [currency, present value], credits
    [t CO2e], decisions, checks, stacked series per year and the waterfall."""

    status: str
    message: str
    currency: str
    discount_rate_pct: float
    years: list[str]
    objective: float | None
    credits_t: float
    decisions: list[ProjectDecision]
    credits: dict[str, dict[str, float]]
    checks: list[TargetCheck]
    series: dict[str, list[float]]
    waterfall: list[WaterfallStep]
    hierarchy: str
    notes: list[str]


class PlanPublic(BaseModel):
    """A computed plan, who computed it when, from which targets file; ``stale`` when the file
    has changed since."""

    computed_at: str
    computed_by: str
    targets_sha256: str
    stale: bool
    result: PlanResultPublic
