"""Targets and reduction planning (issue 5): SBTi targets and their progress, KPIs, abatement
projects (kWh → tce → t CO2e), the MACC, the least-cost plan, carbon credits and claims.

Pure domain logic over :mod:`lingtan.core`: no file, no connection. Every result is a dataclass
with ``to_dict()``. The orchestrator functions over a :class:`Programme` are in
:mod:`.programme`; the credit register (used by product claims too) is :mod:`.credits`.
See docs/targets.md for every formula.
"""

from lingtan.modules.targets.credits import (
    Claim,
    ClaimResult,
    ClaimRules,
    CreditBlock,
    CreditRegister,
    Retirement,
    SerialRange,
    SubjectType,
    check_claim,
    product_footprint_t,
    register_from,
)
from lingtan.modules.targets.emissions import (
    Coverage,
    Series,
    YearEmissions,
    year_emissions_from_inventory,
)
from lingtan.modules.targets.energy import COAL_COEFFICIENTS, resolve_factor, to_tce
from lingtan.modules.targets.errors import CreditError, PlanError, ProjectError, TargetError
from lingtan.modules.targets.forecast import BauForecast, BauModel, forecast_bau
from lingtan.modules.targets.kpis import Kpi, KpiKind, KpiStatus, track_kpi
from lingtan.modules.targets.optimise import optimise_plan
from lingtan.modules.targets.plan import (
    CreditKind,
    CreditOption,
    NeutralityGoal,
    PlanResult,
    PlanSettings,
)
from lingtan.modules.targets.programme import (
    BauSpec,
    Overview,
    Programme,
    check_claims,
    evaluate,
    macc_of,
    overview,
    plan,
    validate,
)
from lingtan.modules.targets.projects import (
    EvaluatedProject,
    Macc,
    Project,
    ProjectType,
    Saving,
    annual_cost,
    crf,
    evaluate_project,
    macc,
)
from lingtan.modules.targets.sbti import SbtiReport, Verdict, validate_sbti
from lingtan.modules.targets.targets import (
    Horizon,
    IntensityType,
    Status,
    Target,
    TargetKind,
    TargetProgress,
    track_target,
)

__all__ = [
    "COAL_COEFFICIENTS",
    "BauForecast",
    "BauModel",
    "BauSpec",
    "Claim",
    "ClaimResult",
    "ClaimRules",
    "Coverage",
    "CreditBlock",
    "CreditError",
    "CreditKind",
    "CreditOption",
    "CreditRegister",
    "EvaluatedProject",
    "Horizon",
    "IntensityType",
    "Kpi",
    "KpiKind",
    "KpiStatus",
    "Macc",
    "NeutralityGoal",
    "Overview",
    "PlanError",
    "PlanResult",
    "PlanSettings",
    "Programme",
    "Project",
    "ProjectError",
    "ProjectType",
    "Retirement",
    "Saving",
    "SbtiReport",
    "SerialRange",
    "Series",
    "Status",
    "SubjectType",
    "Target",
    "TargetError",
    "TargetKind",
    "TargetProgress",
    "Verdict",
    "YearEmissions",
    "annual_cost",
    "check_claim",
    "check_claims",
    "crf",
    "evaluate",
    "evaluate_project",
    "forecast_bau",
    "macc",
    "macc_of",
    "optimise_plan",
    "overview",
    "plan",
    "product_footprint_t",
    "register_from",
    "resolve_factor",
    "to_tce",
    "track_kpi",
    "track_target",
    "validate",
    "validate_sbti",
    "year_emissions_from_inventory",
]
