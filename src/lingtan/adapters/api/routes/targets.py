"""``/orgs/{org}/targets``: the organisation's targets file, progress and SBTi check, the MACC
of a year and the least-cost plan (issue 5; docs/targets.md for every formula)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from lingtan.adapters.api.deps import DbDep, Editor, Reader
from lingtan.adapters.api.routes.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    FiscalYearPath,
    errors,
    file_content,
    file_response,
)
from lingtan.adapters.api.services import targets as svc
from lingtan.modules.targets.plan import ProjectDecision, TargetCheck, WaterfallStep
from lingtan.modules.targets.projects import MaccEntry
from lingtan.modules.targets.sbti import CriterionResult

router = APIRouter(prefix="/orgs/{org}/targets", tags=["targets"])

# -- schemas (the library's own result dataclasses where they are parts of the answer) -----------


class TargetsFileUpdate(BaseModel):
    """A new targets file: the YAML text (docs/targets.md, at most 1 MiB)."""

    content: str = Field(max_length=svc.MAX_TARGETS_BYTES, description="YAML text")


class TargetsFileInfo(BaseModel):
    """The stored targets file."""

    name: str
    sha256: str


class EmissionsYear(BaseModel):
    """Actual emissions of a fiscal year [t CO2e] and where they come from (the targets file
    or a calculated inventory's snapshot)."""

    fiscal_year: str
    scope1: float
    scope2_market: float
    scope2_location: float | None
    scope3: float
    scope3_by_category: dict[str, float]
    source: str


class CoverageOut(BaseModel):
    """Which emissions a target counts."""

    scopes: list[int]
    scope3_categories: list[int] | None
    scope2_basis: str
    label: str


class TargetOut(BaseModel):
    """A target as defined in the file; rates [% of base per year]."""

    id: str
    name: str
    coverage: CoverageOut
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


class ProgressPointOut(BaseModel):
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


class TargetProgressOut(BaseModel):
    """A target's base, target value and progress, year by year (unit: t CO2e, or t CO2e per
    denominator unit for an intensity target)."""

    target: TargetOut
    unit: str
    base_value: float | None
    target_value: float | None
    status: str
    latest_year: str | None
    reported_status: str | None
    rule: str
    notes: list[str]
    points: list[ProgressPointOut]


class KpiPoint(BaseModel):
    """A year and a value."""

    year: str
    value: float | None


class KpiStatusOut(BaseModel):
    """A KPI, its latest value and its status against the linear path to the goal."""

    id: str
    name: str
    kind: str
    unit: str
    goal: float | None
    goal_year: str | None
    direction: str
    start: KpiPoint | None
    values: dict[str, float]
    status: str
    latest_year: str | None
    latest_value: float | None
    pathway_value: float | None
    gap: float | None
    pathway: list[KpiPoint]
    reason: str
    rule: str
    reported_status: str | None
    source: str | None
    note: str | None


class SbtiOut(BaseModel):
    """The SBTi check: compliant when no criterion failed."""

    edition: str
    compliant: bool
    failures: int
    not_assessed: int
    results: list[CriterionResult]
    notes: list[str]


class TargetsOverview(BaseModel):
    """Targets' progress, KPIs and the SBTi check of the organisation's targets file."""

    organisation: str
    file: TargetsFileInfo
    fiscal_year_start_month: int
    emissions: list[EmissionsYear]
    targets: list[TargetProgressOut]
    kpis: list[KpiStatusOut]
    sbti: SbtiOut
    plan_configured: bool
    years: list[str]
    notes: list[str]


class MaccExcluded(BaseModel):
    """A project left off the curve, and why."""

    project_id: str
    reason: str


class MaccOut(BaseModel):
    """The marginal abatement cost curve of one fiscal year, cheapest first."""

    year: str
    currency: str
    discount_rate_pct: float
    formula: str
    entries: list[MaccEntry]
    excluded: list[MaccExcluded]


class PlanResultOut(BaseModel):
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


class PlanOut(BaseModel):
    """A computed plan, who computed it when, from which targets file; ``stale`` when the file
    has changed since."""

    computed_at: str
    computed_by: str
    targets_sha256: str
    stale: bool
    result: PlanResultOut


# -- routes ----------------------------------------------------------------------------------------


@router.get("", responses=READ_ERRORS)
def get_targets(db: DbDep, tenant: Reader) -> TargetsOverview:
    """Each target's base, target, linear pathway, actual, gap and status per year; KPIs; the
    SBTi check with the clause of every failed criterion. 404 until a targets file is PUT."""
    return TargetsOverview.model_validate(svc.targets_overview(db, tenant))


@router.put("", responses={**WRITE_ERRORS, **errors(413)})
def put_targets(body: TargetsFileUpdate, db: DbDep, tenant: Editor) -> TargetsOverview:
    """Replace the targets file (YAML, docs/targets.md). An invalid file is refused with 422
    naming the item and field (``targets[0].base_year``); nothing is stored then. Audited."""
    return TargetsOverview.model_validate(svc.replace_targets(db, tenant, body.content))


@router.get(
    "/file",
    response_class=Response,
    responses={**file_content("application/yaml"), **READ_ERRORS},
)
def get_targets_file(db: DbDep, tenant: Reader) -> Response:
    """The targets file as stored (YAML)."""
    name, data = svc.targets_file(db, tenant)
    return file_response(name, data, "application/yaml; charset=utf-8")


@router.get("/macc/{fiscal_year}", responses=READ_ERRORS)
def get_macc(fiscal_year: FiscalYearPath, db: DbDep, tenant: Reader) -> MaccOut:
    """The marginal abatement cost curve of a fiscal year (``FY2026-27``): bar width =
    abatement [t CO2e/yr], height = equivalent annual cost / abatement [currency / t CO2e]."""
    return MaccOut.model_validate(svc.targets_macc(db, tenant, fiscal_year))


@router.get("/plan", responses=READ_ERRORS)
def get_plan(db: DbDep, tenant: Reader) -> PlanOut:
    """The plan last computed (``stale`` when the targets file changed since)."""
    return PlanOut.model_validate(svc.saved_plan(db, tenant))


@router.post("/plan", responses=WRITE_ERRORS)
def post_plan(
    db: DbDep,
    tenant: Editor,
    explain: Annotated[
        bool, Query(description="Explain every decision (one re-solve per project)")
    ] = True,
) -> PlanOut:
    """Compute the least-cost plan meeting every target (MILP, HiGHS; offsets only for what
    feasible reductions cannot remove), keep it and return it. Audited."""
    return PlanOut.model_validate(svc.compute_plan(db, tenant, explain=explain))
