"""Abatement projects: what they save each year (kWh, fuel), in tce and t CO2e, what they cost,
and the marginal abatement cost curve (MACC).

Formulas (docs/targets.md §Projects):

- energy saved in operating year y of a project started in s (age a = y − s, 0 ≤ a < life):
  ``q(y) = q₀ · (1 − d/100)^a`` for each saving (carrier, q₀ [unit/yr]) with degradation d
  [%/yr] (e.g. PV output); tce(y) = Σ to_tce(q(y)) (GB/T 2589-2020);
- abatement ``A(y) = Σ q(y) · EF(carrier, region, as-of) / 1000`` [t CO2e] with the factor
  resolved for the site's region as of the first day of fiscal year y (or the project's fixed
  ``factor_as_of``), per bucket (Scope 1 for fuels, Scope 2 for electricity and heat; a stated
  ``reduction_t_per_year`` goes to the project's scope/category);
- capital recovery factor ``CRF(r, n) = r(1+r)^n / ((1+r)^n − 1)`` (= 1/n when r = 0);
- equivalent annual cost ``EAC = capex · CRF(r, life) + opex − cost savings`` [currency/yr]
  (negative when the project pays for itself);
- cost per tonne in year y: ``EAC / A(y)`` [currency / t CO2e] (the MACC's height; its width is
  A(y)); projects are sorted by cost per tonne, cheapest first.

Standards: GB/T 2589-2020 (tce); GHG Protocol Project Protocol and Mitigation Goal Standard
(abatement as the difference against a baseline without the project); McKinsey-style MACC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import GWPSet
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.energy import (
    COAL_COEFFICIENTS,
    ResolvedFactor,
    quantity_tco2e,
    resolve_factor,
    to_tce,
)
from lingtan.modules.targets.errors import ProjectError


class ProjectType(StrEnum):
    """Kinds of reduction project, with their rank in the abatement hierarchy."""

    EFFICIENCY = "efficiency"
    FUEL_SWITCH = "fuel_switch"
    VALUE_CHAIN = "value_chain"  # supplier programmes, product efficiency, logistics …
    RENEWABLE_ONSITE = "renewable_onsite"
    PPA = "ppa"
    CERTIFICATE = "certificate"

    @property
    def hierarchy_rank(self) -> int:
        """1 = avoid / reduce (efficiency first), 2 = replace (renewable energy); offsets and
        removals (rank 3) are credit options, not projects."""
        return 2 if self in _RENEWABLE else 1

    @property
    def market_based_only(self) -> bool:
        """PPAs and certificates change market-based Scope 2 only (Scope 2 Guidance ch. 6)."""
        return self in (ProjectType.PPA, ProjectType.CERTIFICATE)


_RENEWABLE = {ProjectType.RENEWABLE_ONSITE, ProjectType.PPA, ProjectType.CERTIFICATE}

#: Carriers whose saving reduces Scope 2 (purchased energy); the others are fuels, Scope 1.
SCOPE2_CARRIERS = frozenset({"electricity", "heat"})


def bucket_key(scope: int, category: int | None = None) -> str:
    """``scope1``, ``scope2``, ``scope3.11``."""
    if scope == 3:
        if category is None:
            raise ProjectError("a Scope 3 reduction needs its category")
        return f"scope3.{category}"
    return f"scope{scope}"


@dataclass(frozen=True)
class Saving:
    """Energy saved per operating year (negative = extra consumption, e.g. the electricity a
    heat pump adds when it replaces a gas boiler). Units: ``quantity`` [``unit`` / yr]."""

    carrier: str
    quantity: float
    unit: str
    activity_type: str | None = None  # override of the carrier's factor activity type

    def __post_init__(self) -> None:
        if self.carrier not in COAL_COEFFICIENTS:
            raise ProjectError(
                f"unknown carrier {self.carrier!r}; known: {', '.join(sorted(COAL_COEFFICIENTS))}"
            )


@dataclass(frozen=True)
class MeasuredYear:
    """Savings of one fiscal year measured against a baseline model (IPMVP Option C /
    ISO 50015:2014 / GB/T 28750-2012; :mod:`lingtan.modules.energy.mv`).

    ``quantity`` [``unit``] is Σ (baseline under reporting conditions − metered) over ``months``
    reporting months of fiscal start year ``year``; ``uncertainty_68`` / ``uncertainty_90``
    [``unit``] are ± at 68 % and 90 % confidence (ASHRAE Guideline 14-2014). A year with all
    twelve months measured replaces the ex-ante savings in :func:`evaluate_project`.
    """

    year: int
    carrier: str
    quantity: float
    unit: str
    months: int
    uncertainty_68: float | None = None
    uncertainty_90: float | None = None
    source: str = ""

    @property
    def complete(self) -> bool:
        """True when every month of the fiscal year is measured."""
        return self.months >= 12


@dataclass(frozen=True)
class ReportedFigures:
    """What a published report states for a project, with the rounding it uses, so that a test
    can compare lingtan's figures with it. None where the report gives nothing."""

    tce: float | None = None
    tco2: float | None = None
    tco2_rounding: int = 0  # digits as for round(): 0 = to the tonne, -2 = to the hundred
    note: str = ""


@dataclass(frozen=True)
class Project:
    """A reduction project (efficiency, fuel switch, value chain, renewable energy).

    Attributes:
        id, name: key and label.
        type: see :class:`ProjectType`.
        region: the site's region for the grid factor (``CN-AH`` → ``CN`` → ``GLO``).
        site: site id (display).
        savings: energy saved per operating year.
        reduction_t_per_year: stated abatement [t CO2e/yr] of a project without energy savings
            (supplier programmes, product efficiency, logistics), booked to ``scope`` /
            ``category``.
        scope, category: where a stated reduction lands.
        capex [currency], opex_per_year [currency/yr], cost_savings_per_year [currency/yr]
            (energy bills avoided), life_years [yr].
        start_year: fixed start (fiscal start year) of a decided or built project.
        earliest_start, latest_start: window the planner may choose a start in.
        factor_as_of: fixed date the emission factor is resolved at (e.g. the report's 2021
            grid factor); default: the first day of each operating fiscal year.
        degradation_pct_per_year: yearly decline of the savings [%/yr].
        exclusive_group: at most one project of a group is chosen (alternatives).
        committed: the planner must include it.
        source, note: citation and free text.
        reported: the report's own figures (for reproduction tests).
    """

    id: str
    name: str
    type: ProjectType
    region: str = "GLO"
    site: str = ""
    savings: tuple[Saving, ...] = ()
    reduction_t_per_year: float | None = None
    scope: int | None = None
    category: int | None = None
    capex: float = 0.0
    opex_per_year: float = 0.0
    cost_savings_per_year: float = 0.0
    life_years: int = 10
    start_year: int | None = None
    earliest_start: int | None = None
    latest_start: int | None = None
    factor_as_of: date | None = None
    degradation_pct_per_year: float = 0.0
    exclusive_group: str | None = None
    committed: bool = False
    source: str = ""
    note: str = ""
    reported: ReportedFigures | None = None
    #: the name in each language given (``en``, ``zh-CN``; docs/targets.md §Names)
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: savings measured per fiscal year (M&V, decision 0075); empty: ex-ante only
    measured: tuple[MeasuredYear, ...] = ()

    def measured_in(self, year: int) -> bool:
        """True when all twelve months of fiscal ``year`` are measured (decision 0075)."""
        return any(m.year == year and m.complete for m in self.measured)

    def savings_in(self, year: int) -> tuple[Saving, ...]:
        """The savings of fiscal ``year``: the measured ones when all twelve months of it are
        measured (decision 0075), else the ex-ante :attr:`savings`."""
        got = [m for m in self.measured if m.year == year and m.complete]
        if not got:
            return self.savings
        return tuple(Saving(m.carrier, m.quantity, m.unit) for m in got)

    def __post_init__(self) -> None:
        where = f"project {self.id!r}"
        if not self.savings and self.reduction_t_per_year is None:
            raise ProjectError(f"{where}: give savings or reduction_t_per_year")
        if self.reduction_t_per_year is not None and self.scope is None:
            raise ProjectError(f"{where}: a stated reduction needs its scope (and category)")
        if self.scope == 3 and self.category is None:
            raise ProjectError(f"{where}: a Scope 3 reduction needs its category")
        if self.life_years < 1:
            raise ProjectError(f"{where}: life_years must be at least 1")
        if self.capex < 0 or self.opex_per_year < 0:
            raise ProjectError(f"{where}: capex and opex must be >= 0")
        if not 0 <= self.degradation_pct_per_year < 100:
            raise ProjectError(f"{where}: degradation_pct_per_year must be in [0, 100)")
        if self.type.market_based_only and any(s.carrier != "electricity" for s in self.savings):
            raise ProjectError(f"{where}: a {self.type.value} covers electricity only")
        lo, hi = self.earliest_start, self.latest_start
        if lo is not None and hi is not None and hi < lo:
            raise ProjectError(f"{where}: latest_start is before earliest_start")

    def start_window(self, first: int, last: int) -> list[int]:
        """Start years the planner may choose within [first, last]."""
        if self.start_year is not None:
            return [self.start_year] if first <= self.start_year <= last else []
        lo = max(first, self.earliest_start if self.earliest_start is not None else first)
        hi = min(last, self.latest_start if self.latest_start is not None else last)
        return list(range(lo, hi + 1))


def crf(rate_pct: float, years: int) -> float:
    """Capital recovery factor r(1+r)^n / ((1+r)^n − 1), 1/n when r = 0 [1/yr]."""
    r = rate_pct / 100.0
    if r == 0:
        return 1.0 / years
    g = (1.0 + r) ** years
    return r * g / (g - 1.0)


def annual_cost(p: Project, rate_pct: float) -> float:
    """Equivalent annual cost ``capex · CRF + opex − cost savings`` [currency/yr]."""
    return p.capex * crf(rate_pct, p.life_years) + p.opex_per_year - p.cost_savings_per_year


@dataclass(frozen=True)
class YearImpact:
    """One operating year of a project (at age 0, i.e. before degradation).

    Units: ``energy`` [unit/yr] per carrier as given; ``tce`` [tce/yr]; ``by_bucket`` and
    ``tco2e`` [t CO2e/yr].
    """

    year: int
    tce: float
    by_bucket: Mapping[str, float]
    factors: tuple[ResolvedFactor, ...] = ()
    #: the year's savings are measured (decision 0075): already as degraded as they are, so
    #: no degradation is applied to them again
    measured: bool = False

    @property
    def tco2e(self) -> float:
        """Total abatement [t CO2e/yr]."""
        return float(sum(self.by_bucket.values()))


@dataclass(frozen=True)
class EvaluatedProject:
    """A project with its impact resolved for each year of a horizon (``impacts`` at age 0;
    :meth:`abatement` applies the age and degradation)."""

    project: Project
    impacts: Mapping[int, YearImpact]

    def operating(self, start: int, year: int) -> bool:
        """True when a project started in ``start`` runs in ``year``."""
        return start <= year < start + self.project.life_years

    def abatement(self, start: int, year: int) -> dict[str, float]:
        """Abatement by bucket [t CO2e] in ``year`` when started in ``start`` (0 outside its
        life): age-0 impact × (1 − d)^(year − start), or the measured impact as it is."""
        if not self.operating(start, year) or year not in self.impacts:
            return {}
        k = self._ageing(start, year)
        return {b: v * k for b, v in self.impacts[year].by_bucket.items()}

    def _ageing(self, start: int, year: int) -> float:
        """(1 − d)^(year − start), or 1 for a measured year (its metered savings already show
        whatever degradation there was)."""
        if self.impacts[year].measured:
            return 1.0
        return (1.0 - self.project.degradation_pct_per_year / 100.0) ** (year - start)

    def total_abatement(self, start: int, year: int) -> float:
        """Σ over buckets of :meth:`abatement` [t CO2e]."""
        return float(sum(self.abatement(start, year).values()))

    def tce(self, start: int, year: int) -> float:
        """Energy saved in ``year`` [tce]."""
        if not self.operating(start, year) or year not in self.impacts:
            return 0.0
        return self.impacts[year].tce * self._ageing(start, year)


def evaluate_project(
    project: Project,
    years: Sequence[int],
    factors: Sequence[EmissionFactor],
    gwp: GWPSet,
    calendar: FiscalCalendar,
    set_priority: Sequence[str] = (),
) -> EvaluatedProject:
    """Resolve the project's energy, tce and t CO2e for each of ``years`` (module docstring).

    Raises:
        ProjectError: a carrier has no factor for the region, or a unit does not convert.
    """
    impacts: dict[int, YearImpact] = {}
    cache: dict[tuple[str, str, date], ResolvedFactor] = {}
    for y in years:
        on = project.factor_as_of or calendar.year(y).start
        tce = 0.0
        by: dict[str, float] = {}
        used: list[ResolvedFactor] = []
        for s in project.savings_in(y):
            tce += to_tce(s.quantity, s.unit, s.carrier)
            act = s.activity_type or COAL_COEFFICIENTS[s.carrier].activity_type
            key = (act, s.unit, on)
            if key not in cache:
                try:
                    cache[key] = resolve_factor(
                        factors, act, project.region, on, s.unit, gwp, set_priority
                    )
                except ProjectError as exc:
                    raise ProjectError(f"project {project.id!r}: {exc}") from exc
            f = cache[key]
            used.append(f)
            b = bucket_key(2 if s.carrier in SCOPE2_CARRIERS else 1)
            by[b] = by.get(b, 0.0) + quantity_tco2e(s.quantity, s.unit, f)
        if project.reduction_t_per_year is not None and project.scope is not None:
            b = bucket_key(project.scope, project.category)
            by[b] = by.get(b, 0.0) + project.reduction_t_per_year
        impacts[y] = YearImpact(y, tce, by, tuple(dict.fromkeys(used)), project.measured_in(y))
    return EvaluatedProject(project, impacts)


@dataclass(frozen=True)
class MaccEntry:
    """One bar of the MACC: width ``abatement_t`` [t CO2e/yr], height ``cost_per_t``
    [currency / t CO2e]; ``cumulative_*`` [t CO2e/yr] place it on the x axis."""

    project_id: str
    name: str
    type: str
    hierarchy_rank: int
    abatement_t: float
    tce: float
    annual_cost: float
    cost_per_t: float
    cumulative_start_t: float
    cumulative_end_t: float
    #: the project's name in each language given
    names: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "names": dict(self.names)}


@dataclass(frozen=True)
class Macc:
    """The marginal abatement cost curve of one year."""

    year: str
    currency: str
    discount_rate_pct: float
    entries: tuple[MaccEntry, ...]
    excluded: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    formula: str = (
        "cost per t = (capex · CRF(r, life) + opex − cost savings) / abatement in the year"
    )
    #: ``excluded`` reasons as catalogue messages (``macc.why.*``), one per exclusion
    excluded_keys: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    #: ``formula`` as a catalogue key
    formula_key: str = "macc.formula"

    def _keys(self) -> tuple[Mapping[str, Any] | None, ...]:
        """``excluded_keys``, or no key for each exclusion when they were not given."""
        if len(self.excluded_keys) == len(self.excluded):
            return self.excluded_keys
        return (None,) * len(self.excluded)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "year": self.year,
            "currency": self.currency,
            "discount_rate_pct": self.discount_rate_pct,
            "formula": self.formula,
            "formula_key": self.formula_key,
            "entries": [e.to_dict() for e in self.entries],
            "excluded": [
                {"project_id": p, "reason": r, **({} if k is None else {"reason_key": dict(k)})}
                for (p, r), k in zip(self.excluded, self._keys(), strict=True)
            ],
        }


def macc(
    evaluated: Sequence[EvaluatedProject],
    year: int,
    calendar: FiscalCalendar,
    *,
    discount_rate_pct: float,
    currency: str = "",
) -> Macc:
    """MACC for ``year``: each project's abatement in that year as if operating (age 0), its
    equivalent annual cost, cost per tonne; sorted cheapest first (ties by id)."""
    rows: list[tuple[float, str, EvaluatedProject, float, float]] = []
    excluded: list[tuple[str, str]] = []
    keys: list[Mapping[str, Any]] = []
    for ev in evaluated:
        imp = ev.impacts.get(year)
        if imp is None:
            excluded.append((ev.project.id, "not evaluated for this year"))
            keys.append({"key": "macc.why.not_evaluated", "params": {}})
            continue
        a = imp.tco2e
        if a <= 0:
            excluded.append((ev.project.id, f"no net abatement in this year ({a:.3f} t)"))
            keys.append({"key": "macc.why.no_abatement", "params": {"t": a}})
            continue
        eac = annual_cost(ev.project, discount_rate_pct)
        rows.append((eac / a, ev.project.id, ev, a, eac))
    rows.sort(key=lambda r: (r[0], r[1]))
    entries: list[MaccEntry] = []
    cum = 0.0
    for cost_t, _, ev, a, eac in rows:
        p = ev.project
        entries.append(
            MaccEntry(
                project_id=p.id,
                name=p.name,
                type=p.type.value,
                hierarchy_rank=p.type.hierarchy_rank,
                abatement_t=a,
                tce=ev.impacts[year].tce,
                annual_cost=eac,
                cost_per_t=cost_t,
                cumulative_start_t=cum,
                cumulative_end_t=cum + a,
                names=p.names,
            )
        )
        cum += a
    return Macc(calendar.year(year).label, currency, discount_rate_pct, tuple(entries),
                tuple(excluded), excluded_keys=tuple(keys))  # fmt: skip
