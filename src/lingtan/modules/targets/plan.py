"""Inputs and results of reduction planning (the optimiser is :mod:`.optimise`).

Everything here is plain data, JSON-serialisable through ``to_dict`` (years as fiscal-year
labels), so that the CLI, the API and the pages show the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Coverage
from lingtan.modules.targets.errors import PlanError


class CreditKind(StrEnum):
    """Removal credits take carbon out of the atmosphere (reforestation, DACCS, biochar …);
    avoidance credits pay for emissions not happening elsewhere. Only removals neutralise
    residual emissions under a net-zero target (SBTi Net-Zero Standard)."""

    REMOVAL = "removal"
    AVOIDANCE = "avoidance"


@dataclass(frozen=True)
class CreditOption:
    """Credits the planner may buy (the third rank of the abatement hierarchy).

    Units: ``price_per_t`` [currency / t CO2e] in the plan's first year, growing by
    ``price_growth_pct`` [%/yr]; ``max_t_per_year`` [t CO2e/yr] (None: unlimited).
    """

    id: str
    name: str
    kind: CreditKind
    price_per_t: float
    price_growth_pct: float = 0.0
    max_t_per_year: float | None = None
    standard: str = ""

    def __post_init__(self) -> None:
        if self.price_per_t < 0:
            raise PlanError(f"credit option {self.id!r}: price_per_t must be >= 0")
        if self.max_t_per_year is not None and self.max_t_per_year < 0:
            raise PlanError(f"credit option {self.id!r}: max_t_per_year must be >= 0")

    def price(self, year: int, first_year: int) -> float:
        """Price in ``year`` [currency / t]: p₀ · (1 + g/100)^(year − first)."""
        return self.price_per_t * (1.0 + self.price_growth_pct / 100.0) ** (year - first_year)


@dataclass(frozen=True)
class NeutralityGoal:
    """A carbon-neutrality commitment: from ``from_year`` on, the residual emissions of
    ``coverage`` are compensated with retired credits every year (ISO 14068-1:2023: reduce
    first, then offset the residual). ``removals_only`` restricts it to removal credits."""

    id: str
    name: str
    coverage: Coverage
    from_year: int
    removals_only: bool = False


@dataclass(frozen=True)
class PlanSettings:
    """Planning settings.

    Attributes:
        start_year: first year a project may start (fiscal start year).
        end_year: last year planned (default: the latest target year).
        discount_rate_pct: [%/yr], for the CRF and for discounting, d(y) = (1 + r)^−(y − start).
        currency: currency of every cost.
        budget_per_year: capex allowed per start year [currency].
        budget_total: capex allowed over the plan [currency].
        follow_pathway: also stay at or below each target's linear pathway in every year, not
            only at the target year.
        max_cost_per_t: projects above this cost per tonne are not economically feasible and
            are left out (the hierarchy then lets credits cover what they would have abated).
        credit_tolerance_pct: stage 2 may buy up to this many percent more credits than the
            stage-1 minimum when that lowers the cost (default 0: strict hierarchy; a plan
            needing no credits never buys any, whatever the tolerance).
    """

    start_year: int
    end_year: int | None = None
    discount_rate_pct: float = 8.0
    currency: str = "CNY"
    budget_per_year: Mapping[int, float] = field(default_factory=dict)
    budget_total: float | None = None
    follow_pathway: bool = False
    max_cost_per_t: float | None = None
    credit_tolerance_pct: float = 0.0

    def __post_init__(self) -> None:
        if self.credit_tolerance_pct < 0:
            raise PlanError("credit_tolerance_pct must be >= 0")
        if self.discount_rate_pct <= -100:
            raise PlanError("discount_rate_pct must be > -100")
        if self.end_year is not None and self.end_year < self.start_year:
            raise PlanError("plan end_year is before start_year")

    def discount(self, year: int) -> float:
        """d(y) = (1 + r)^−(y − start)."""
        return float((1.0 + self.discount_rate_pct / 100.0) ** -(year - self.start_year))


@dataclass(frozen=True)
class TargetCheck:
    """One target requirement in one year. Units: t CO2e."""

    target_id: str
    year: str
    kind: str  # target | pathway | neutralisation
    bau_t: float
    abated_t: float
    planned_t: float
    limit_t: float
    credits_t: float
    met: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class ProjectDecision:
    """Why a project is or is not in the plan.

    Units: ``cost_per_t`` [currency / t CO2e]; ``discounted_cost`` and ``delta_cost``
    [currency, present value]; ``abatement_end_t`` [t CO2e] in the plan's last year.
    """

    project_id: str
    name: str
    type: str
    hierarchy_rank: int
    chosen: bool
    start_year: str | None
    capex: float
    cost_per_t: float | None
    discounted_cost: float | None
    abatement_end_t: float
    reason: str
    delta_cost: float | None = None
    #: ``reason`` as catalogue messages ``{"key", "params"}`` (``plan.why.*``), joined by the
    #: adapters in the reader's language (decision 0054)
    reason_parts: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "reason_parts": [dict(p) for p in self.reason_parts]}


@dataclass(frozen=True)
class WaterfallStep:
    """One bar of the waterfall to the plan's last year [t CO2e]; ``kind`` is ``start``,
    ``growth``, ``reduction``, ``residual``, ``credits`` or ``net``; ``year``: the fiscal year
    its ``label`` names (a reduction's label is the project's name), so that the adapters can
    word the label in the reader's language (``chart.step.<kind>``, decision 0054)."""

    label: str
    value_t: float
    kind: str
    year: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class PlanResult:
    """The cheapest plan that meets every target (or why none exists).

    Attributes:
        status: ``optimal``, ``infeasible`` or ``error``.
        message: solver / diagnosis text.
        years: the planned years (labels).
        objective: discounted cost of the plan [currency, present value at the start year].
        credits_t: credits bought over the plan [t CO2e].
        decisions: one per project.
        credits: option id → year label → t CO2e bought.
        checks: every target requirement with its numbers.
        series: stacked-chart data per year — ``bau``, ``residual``, ``net``, one series per
            chosen project (``abatement:<id>``) and per credit option (``credits:<id>``) [t CO2e].
        waterfall: the path to the last year.
        hierarchy: how the abatement hierarchy was enforced (text).
        notes: anything the reader must know (targets skipped, existing projects …).
    """

    status: str
    message: str
    currency: str
    discount_rate_pct: float
    years: tuple[str, ...]
    objective: float | None
    credits_t: float
    decisions: tuple[ProjectDecision, ...]
    credits: Mapping[str, Mapping[str, float]]
    checks: tuple[TargetCheck, ...]
    series: Mapping[str, tuple[float, ...]]
    waterfall: tuple[WaterfallStep, ...]
    hierarchy: str
    notes: tuple[str, ...] = ()
    #: ``notes`` as catalogue messages (``plan.note.*``), one per note
    note_keys: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    #: ``message`` in parts (``plan.diag.*``), joined by ``text.sep``
    message_parts: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    #: ``hierarchy`` as a catalogue key
    hierarchy_key: str = field(default="plan.hierarchy_text", compare=False)

    @property
    def chosen(self) -> tuple[ProjectDecision, ...]:
        """Decisions of the chosen projects."""
        return tuple(d for d in self.decisions if d.chosen)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "status": self.status,
            "message": self.message,
            "currency": self.currency,
            "discount_rate_pct": self.discount_rate_pct,
            "years": list(self.years),
            "objective": self.objective,
            "credits_t": self.credits_t,
            "decisions": [d.to_dict() for d in self.decisions],
            "credits": {k: dict(v) for k, v in self.credits.items()},
            "checks": [c.to_dict() for c in self.checks],
            "series": {k: list(v) for k, v in self.series.items()},
            "waterfall": [w.to_dict() for w in self.waterfall],
            "hierarchy": self.hierarchy,
            "hierarchy_key": self.hierarchy_key,
            "notes": list(self.notes),
            "note_keys": [dict(k) for k in self.note_keys],
            "message_parts": [dict(k) for k in self.message_parts],
        }


def label(calendar: FiscalCalendar, year: int) -> str:
    """Fiscal-year label of a start year."""
    return calendar.year(year).label
