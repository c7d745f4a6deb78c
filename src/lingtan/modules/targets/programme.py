"""A company's climate programme in one object, and the orchestrator functions over it (the
one place that composes the pure functions, as pvlib's ModelChain does).

    prog = Programme(calendar, targets=..., emissions=..., kpis=..., projects=...)
    overview(prog)                      # targets' progress and KPI statuses
    validate(prog)                      # SBTi criteria
    evaluated = evaluate(prog, factors, gwp)
    macc_of(prog, evaluated, 2025)      # MACC of FY2025/26
    plan(prog, evaluated)               # least-cost plan

Everything returned is a dataclass with ``to_dict()`` (JSON-serialisable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import GWPSet
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.credits import (
    Claim,
    ClaimResult,
    ClaimRules,
    CreditRegister,
    check_claim,
)
from lingtan.modules.targets.emissions import Series, YearEmissions
from lingtan.modules.targets.errors import PlanError
from lingtan.modules.targets.forecast import BauModel, forecast_bau
from lingtan.modules.targets.kpis import Kpi, KpiStatus, track_kpi
from lingtan.modules.targets.optimise import optimise_plan
from lingtan.modules.targets.plan import CreditOption, NeutralityGoal, PlanResult, PlanSettings
from lingtan.modules.targets.projects import EvaluatedProject, Macc, Project, evaluate_project, macc
from lingtan.modules.targets.sbti import SbtiReport, validate_sbti
from lingtan.modules.targets.targets import Target, TargetProgress, track_target


@dataclass(frozen=True)
class BauSpec:
    """How to forecast BAU: start year (default: the latest year with emissions) and the
    drivers of each bucket (see :mod:`.forecast`)."""

    start_year: int | None = None
    drivers: Mapping[str, Series] = field(default_factory=dict)
    bucket_drivers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Programme:
    """Targets, data and levers of one organisation.

    Attributes:
        calendar: fiscal calendar.
        organisation: name.
        targets, kpis, projects: see their modules.
        emissions: actual emissions by fiscal start year.
        series: denominators and drivers by name.
        credit_options, goals: credits the planner may buy; carbon-neutrality goals.
        settings: plan settings (None: planning not configured).
        bau: BAU specification.
        register: credit holdings and retirements.
        claims: carbon-neutrality claims to check.
        claim_rules: evidence rules of the claims.
        sbti_submitted: calendar year of submission to the SBTi (None: not known).
    """

    calendar: FiscalCalendar
    organisation: str = ""
    targets: tuple[Target, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    projects: tuple[Project, ...] = ()
    emissions: Mapping[int, YearEmissions] = field(default_factory=dict)
    series: Mapping[str, Series] = field(default_factory=dict)
    credit_options: tuple[CreditOption, ...] = ()
    goals: tuple[NeutralityGoal, ...] = ()
    settings: PlanSettings | None = None
    bau: BauSpec = field(default_factory=BauSpec)
    register: CreditRegister = field(default_factory=CreditRegister)
    claims: tuple[Claim, ...] = ()
    claim_rules: ClaimRules = field(default_factory=ClaimRules)
    sbti_submitted: int | None = None


@dataclass(frozen=True)
class Overview:
    """Targets' progress and KPI statuses."""

    calendar: FiscalCalendar
    targets: tuple[TargetProgress, ...]
    kpis: tuple[KpiStatus, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "targets": [t.to_dict(self.calendar) for t in self.targets],
            "kpis": [k.to_dict(self.calendar) for k in self.kpis],
        }


def overview(prog: Programme) -> Overview:
    """Progress of every target and status of every KPI."""
    return Overview(
        prog.calendar,
        tuple(track_target(t, prog.emissions, prog.series, prog.calendar) for t in prog.targets),
        tuple(track_kpi(k, prog.calendar) for k in prog.kpis),
    )


def validate(prog: Programme) -> SbtiReport:
    """SBTi criteria over the programme's targets."""
    return validate_sbti(
        prog.targets, prog.emissions, prog.calendar, submitted=prog.sbti_submitted,
        series=prog.series,
    )  # fmt: skip


def plan_years(prog: Programme) -> list[int]:
    """Years projects are evaluated for: the plan's years, or every target and emissions year."""
    if prog.settings is not None:
        end = prog.settings.end_year
        if end is None:
            ends = [
                t.target_year for t in prog.targets if t.target_year >= prog.settings.start_year
            ]
            end = max(ends, default=prog.settings.start_year)
        return list(range(prog.settings.start_year, end + 1))
    ys = [*prog.emissions, *(p.start_year for p in prog.projects if p.start_year is not None)]
    return sorted(set(ys))


def evaluate(
    prog: Programme,
    factors: Sequence[EmissionFactor],
    gwp: GWPSet,
    *,
    years: Sequence[int] | None = None,
    set_priority: Sequence[str] = (),
) -> list[EvaluatedProject]:
    """Every project's energy, tce and abatement for ``years`` (default :func:`plan_years`)."""
    ys = list(years) if years is not None else plan_years(prog)
    return [
        evaluate_project(p, ys, factors, gwp, prog.calendar, set_priority) for p in prog.projects
    ]


def macc_of(prog: Programme, evaluated: Sequence[EvaluatedProject], year: int) -> Macc:
    """MACC of ``year`` at the plan's discount rate (8 % when no plan is configured)."""
    s = prog.settings
    return macc(
        evaluated, year, prog.calendar,
        discount_rate_pct=8.0 if s is None else s.discount_rate_pct,
        currency="" if s is None else s.currency,
    )  # fmt: skip


def plan(
    prog: Programme, evaluated: Sequence[EvaluatedProject], *, explain: bool = True
) -> PlanResult:
    """BAU forecast, then the least-cost plan (:func:`.optimise.optimise_plan`).

    Raises:
        PlanError: no plan settings, or no emissions to start the forecast from.
    """
    if prog.settings is None:
        raise PlanError("no plan settings (plan: start_year …)")
    start = prog.bau.start_year
    if start is None:
        before = [y for y in prog.emissions if y < prog.settings.start_year]
        if not before:
            raise PlanError("no actual emissions before the plan's start year to forecast from")
        start = max(before)
    if start not in prog.emissions:
        raise PlanError(f"no emissions for the BAU start year {prog.calendar.year(start).label}")
    bau = forecast_bau(
        BauModel(prog.emissions[start], prog.bau.drivers, prog.bau.bucket_drivers),
        plan_years(prog),
    )
    return optimise_plan(
        prog.targets, evaluated, bau, prog.emissions, prog.settings, prog.calendar,
        series=prog.series, credit_options=prog.credit_options, goals=prog.goals,
        explain=explain,
    )  # fmt: skip


def check_claims(prog: Programme) -> list[ClaimResult]:
    """Evidence check of every claim against the programme's credit register."""
    return [check_claim(c, prog.register, prog.claim_rules) for c in prog.claims]
