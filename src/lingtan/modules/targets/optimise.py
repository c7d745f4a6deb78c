"""The least-cost plan: which projects to start when, and which credits to buy, so that every
target is met — a mixed-integer linear programme solved by HiGHS (``scipy.optimize.milp``).

Variables: x[p, s] ∈ {0, 1} — project p starts in year s (one start at most); c[k, y] ≥ 0 —
t CO2e of credit option k bought for year y.

Constraints (y in the plan years, A = abatement of an evaluated project, docs/targets.md §Plan):

- target T, in its target year and every later planned year (and, with ``follow_pathway``, in
  every planned year before it): Σ x·A_T(p, s, y) ≥ BAU_T(y) − L_T(y), with L_T the target
  level (absolute) or intensity × denominator forecast; credits never count here (SBTi);
- no bucket below zero: Σ x·A_b(p, s, y) ≤ BAU_b(y);
- neutralisation (net-zero target with ``neutralise_residual``, from its target year, removal
  credits only) and carbon-neutrality goals (from their first year): Σ c_k(y) + Σ x·A ≥ BAU(y);
- budgets: Σ_p capex_p · x[p, s] ≤ B(s) per start year; Σ capex · x ≤ B_total;
- Σ_s x[p, s] ≤ 1 (= 1 when committed); at most one project per exclusive group;
- c[k, y] ≤ max_t_per_year of option k.

Objective, lexicographic (the abatement hierarchy — decision 0018): stage 1 minimises
Σ c (tonnes of credits); stage 2 minimises the discounted cost
Σ x[p, s]·Σ_{y=s}^{min(s+life−1, end)} EAC_p·d(y) + Σ c[k, y]·price_k(y)·d(y) subject to
Σ c ≤ stage-1 minimum. Credits thus only cover what feasible reductions cannot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import Coverage, Series, YearEmissions
from lingtan.modules.targets.errors import PlanError
from lingtan.modules.targets.forecast import BauForecast
from lingtan.modules.targets.plan import (
    CreditKind,
    CreditOption,
    NeutralityGoal,
    PlanResult,
    PlanSettings,
    ProjectDecision,
    TargetCheck,
    WaterfallStep,
    label,
)
from lingtan.modules.targets.projects import EvaluatedProject, annual_cost
from lingtan.modules.targets.targets import Horizon, Target, TargetKind, pathway_fraction

HIERARCHY = (
    "Lexicographic objective: stage 1 minimises the tonnes of credits bought, subject to every "
    "target, budget and exclusivity constraint, with every economically feasible reduction "
    "project available; stage 2 minimises the discounted cost with credits capped at that "
    "minimum. Credits therefore only compensate emissions that feasible reductions cannot "
    "remove, and they never count toward a reduction target."
)
_TOL = 1e-6


def in_coverage(cov: Coverage, bucket: str) -> bool:
    """True when planning bucket ``bucket`` (``scope1``, ``scope2``, ``scope3.4``, ``scope3``)
    counts toward ``cov``."""
    if bucket == "scope1":
        return 1 in cov.scopes
    if bucket == "scope2":
        return 2 in cov.scopes
    if bucket == "scope3":
        return cov.all_scope3
    cat = int(bucket.split(".")[1])
    return 3 in cov.scopes and (cov.scope3_categories is None or cat in cov.scope3_categories)


@dataclass(frozen=True)
class _Requirement:
    """Σ coeffs·v ≥ rhs (kind target/pathway/neutralisation) or ≤ (bucket cap)."""

    kind: str
    ref: str
    year: int
    bau_t: float
    limit_t: float
    coverage: Coverage | None
    options: tuple[int, ...] = ()  # credit options counted (neutralisation)


@dataclass(frozen=True)
class _Solution:
    x: np.ndarray
    cost: float
    credits_t: float


class _Problem:
    """The MILP of one planning run (built once, solved with optional fixings)."""

    def __init__(
        self,
        targets: Sequence[Target],
        projects: Sequence[EvaluatedProject],
        bau: BauForecast,
        actuals: Mapping[int, YearEmissions],
        series: Mapping[str, Series],
        options: Sequence[CreditOption],
        goals: Sequence[NeutralityGoal],
        settings: PlanSettings,
        calendar: FiscalCalendar,
    ) -> None:
        self.s = settings
        self.cal = calendar
        self.projects = list(projects)
        self.options = list(options)
        self.notes: list[str] = []
        self.note_keys: list[Mapping[str, Any]] = []
        ends = [t.target_year for t in targets if t.target_year >= settings.start_year]
        self.end = settings.end_year if settings.end_year is not None else max(ends, default=0)
        if self.end < settings.start_year:
            raise PlanError("no target year at or after the plan's start year; set plan.end_year")
        self.years = list(range(settings.start_year, self.end + 1))
        missing = [y for y in self.years if y not in bau.years]
        if missing:
            raise PlanError(f"the BAU forecast does not cover {label(calendar, missing[0])}")
        self.bau = bau
        self.excluded: dict[int, str] = {}
        self.excluded_parts: dict[int, tuple[_Part, ...]] = {}
        self.xvars: list[tuple[int, int]] = []
        for i, ev in enumerate(self.projects):
            self._add_project(i, ev)
        self.reqs: list[_Requirement] = []
        for t in targets:
            self._add_target(t, actuals, series)
        for g in goals:
            self._add_goal(g)
        used = sorted({k for r in self.reqs for k in r.options})
        self.cvars = [(k, y) for k in used for y in self.years]
        self.n = len(self.xvars) + len(self.cvars)
        self.cost = self._costs()

    # -- building ------------------------------------------------------------------------------
    def _add_project(self, i: int, ev: EvaluatedProject) -> None:
        p = ev.project
        starts = p.start_window(self.s.start_year, self.end)
        if not starts:
            before = p.start_year is not None and p.start_year < self.s.start_year
            why = (
                "started before the plan: its effect is already in the actual emissions"
                if before
                else "cannot start within the plan horizon"
            )
            self.excluded[i] = why
            self.excluded_parts[i] = (_part("started_before" if before else "no_start"),)
            return
        cpt = self.cost_per_t(i, starts[0])
        if self.s.max_cost_per_t is not None and cpt is not None and cpt > self.s.max_cost_per_t:
            self.excluded[i] = (
                f"not economically feasible: {cpt:,.0f} {self.s.currency}/t is above the "
                f"ceiling of {self.s.max_cost_per_t:,.0f} {self.s.currency}/t"
            )
            self.excluded_parts[i] = (
                _part(
                    "above_ceiling",
                    cost=cpt,
                    ceiling=self.s.max_cost_per_t,
                    currency=self.s.currency,
                ),
            )
            return
        self.xvars.extend((i, s) for s in starts)

    def cost_per_t(self, i: int, start: int) -> float | None:
        """EAC / abatement in the start year [currency / t]; None without abatement."""
        ev = self.projects[i]
        a = ev.total_abatement(start, start)
        if a <= 0:
            return None
        return annual_cost(ev.project, self.s.discount_rate_pct) / a

    def _limit(
        self, t: Target, y: int, base: float, series: Series | None, pathway: bool
    ) -> float | None:
        frac = pathway_fraction(t, y) if pathway else 1 - t.reduction_pct / 100.0
        if t.kind is TargetKind.ABSOLUTE:
            return base * frac
        d = None if series is None else series.forecast(y)
        return None if d is None else base * frac * d

    def _note(self, text: str, key: str, **params: Any) -> None:
        """A note in English and as the catalogue message ``key``."""
        self.notes.append(text)
        self.note_keys.append({"key": key, "params": params})

    def _add_target(
        self, t: Target, actuals: Mapping[int, YearEmissions], series: Mapping[str, Series]
    ) -> None:
        if t.coverage.scope2_basis != "market" and 2 in t.coverage.scopes:
            raise PlanError(f"target {t.id!r}: the planner works on market-based Scope 2")
        if t.target_year < self.s.start_year:
            self._note(f"target {t.id}: target year before the plan, not planned",
                       "plan.note.target_before", target=t.id)  # fmt: skip
            return
        base_e = actuals.get(t.base_year)
        covered = None if base_e is None else t.coverage.covered(base_e)
        ser = series.get(t.denominator) if t.denominator else None
        if covered is None:
            self._note(f"target {t.id}: no base-year emissions for its coverage, not planned",
                       "plan.note.no_base_emissions", target=t.id)  # fmt: skip
            return
        base = covered
        if t.kind is TargetKind.INTENSITY:
            d0 = None if ser is None else ser.get(t.base_year)
            if d0 is None:
                self._note(f"target {t.id}: no base-year denominator, not planned",
                           "plan.note.no_base_denominator", target=t.id)  # fmt: skip
                return
            base = covered / d0
        for y in self.years:
            if y < t.target_year and not self.s.follow_pathway:
                continue
            kind = "target" if y >= t.target_year else "pathway"
            lim = self._limit(t, y, base, ser, kind == "pathway")
            if lim is None:
                self._note(f"target {t.id}: no denominator forecast for {y}, not planned",
                           "plan.note.no_denominator_forecast", target=t.id, year=y)  # fmt: skip
                return
            bau_t = self._bau_covered(t.coverage, y, t.id)
            self.reqs.append(_Requirement(kind, t.id, y, bau_t, lim, t.coverage))
        if t.horizon is Horizon.LONG_TERM and t.neutralise_residual:
            removal = tuple(k for k, o in enumerate(self.options) if o.kind is CreditKind.REMOVAL)
            for y in self.years:
                if y >= t.target_year:
                    bau_t = self._bau_covered(t.coverage, y, t.id)
                    self.reqs.append(
                        _Requirement("neutralisation", t.id, y, bau_t, 0.0, t.coverage, removal)
                    )

    def _add_goal(self, g: NeutralityGoal) -> None:
        opts = tuple(
            k
            for k, o in enumerate(self.options)
            if not g.removals_only or o.kind is CreditKind.REMOVAL
        )
        for y in self.years:
            if y >= g.from_year:
                bau_t = self._bau_covered(g.coverage, y, g.id)
                self.reqs.append(
                    _Requirement("neutralisation", g.id, y, bau_t, 0.0, g.coverage, opts)
                )

    def _bau_covered(self, cov: Coverage, y: int, ref: str) -> float:
        v = cov.covered(self.bau.year(y))
        if v is None:
            raise PlanError(f"{ref}: the BAU forecast has no Scope 3 split for this coverage")
        return v

    def _costs(self) -> np.ndarray:
        c = np.zeros(self.n)
        for j, (i, s) in enumerate(self.xvars):
            p = self.projects[i].project
            eac = annual_cost(p, self.s.discount_rate_pct)
            last = min(s + p.life_years - 1, self.end)
            c[j] = sum(eac * self.s.discount(y) for y in range(s, last + 1))
        off = len(self.xvars)
        for j, (k, y) in enumerate(self.cvars):
            c[off + j] = self.options[k].price(y, self.s.start_year) * self.s.discount(y)
        return c

    def abated(self, j: int, cov: Coverage | None, y: int, bucket: str | None = None) -> float:
        """Abatement of x-variable j in year y within ``cov`` (or in one bucket)."""
        i, s = self.xvars[j]
        a = self.projects[i].abatement(s, y)
        if bucket is not None:
            return a.get(bucket, 0.0)
        assert cov is not None
        return sum(v for b, v in a.items() if in_coverage(cov, b))

    def _matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows: list[np.ndarray] = []
        lo: list[float] = []
        hi: list[float] = []
        nx = len(self.xvars)
        for r in self.reqs:
            row = np.zeros(self.n)
            for j in range(nx):
                row[j] = self.abated(j, r.coverage, r.year)
            need = r.bau_t - r.limit_t
            if r.kind == "neutralisation":
                for j, (k, y) in enumerate(self.cvars):
                    if y == r.year and k in r.options:
                        row[nx + j] = 1.0
            elif need <= _TOL:
                continue
            rows.append(row)
            lo.append(need)
            hi.append(np.inf)
        buckets = sorted(
            {b for ev in self.projects for imp in ev.impacts.values() for b in imp.by_bucket}
        )
        for b in buckets:
            for y in self.years:
                row = np.zeros(self.n)
                for j in range(nx):
                    row[j] = self.abated(j, None, y, b)
                if np.any(row):
                    rows.append(row)
                    lo.append(-np.inf)
                    hi.append(self.bau.bucket(b, y))
        self._budget_rows(rows, lo, hi)
        self._choice_rows(rows, lo, hi)
        if not rows:
            return np.zeros((0, self.n)), np.zeros(0), np.zeros(0)
        return np.vstack(rows), np.array(lo), np.array(hi)

    def _budget_rows(self, rows: list[np.ndarray], lo: list[float], hi: list[float]) -> None:
        for y, b in sorted(self.s.budget_per_year.items()):
            row = np.zeros(self.n)
            for j, (i, s) in enumerate(self.xvars):
                if s == y:
                    row[j] = self.projects[i].project.capex
            rows.append(row)
            lo.append(-np.inf)
            hi.append(b)
        if self.s.budget_total is not None:
            row = np.zeros(self.n)
            for j, (i, _) in enumerate(self.xvars):
                row[j] = self.projects[i].project.capex
            rows.append(row)
            lo.append(-np.inf)
            hi.append(self.s.budget_total)

    def _choice_rows(self, rows: list[np.ndarray], lo: list[float], hi: list[float]) -> None:
        groups: dict[str, set[int]] = {}
        for i, ev in enumerate(self.projects):
            if i in self.excluded:
                continue
            row = np.zeros(self.n)
            for j, (pi, _) in enumerate(self.xvars):
                if pi == i:
                    row[j] = 1.0
            rows.append(row)
            lo.append(1.0 if ev.project.committed else 0.0)
            hi.append(1.0)
            if ev.project.exclusive_group:
                groups.setdefault(ev.project.exclusive_group, set()).add(i)
        for members in groups.values():
            if len(members) > 1:
                row = np.zeros(self.n)
                for j, (pi, _) in enumerate(self.xvars):
                    if pi in members:
                        row[j] = 1.0
                rows.append(row)
                lo.append(0.0)
                hi.append(1.0)

    # -- solving -------------------------------------------------------------------------------
    def solve(self, fix: Mapping[int, int] | None = None) -> _Solution | None:
        """Lexicographic solve; ``fix`` maps a project index to 0 (forbidden) or 1 (forced)."""
        a, lo, hi = self._matrix()
        nx = len(self.xvars)
        lb = np.zeros(self.n)
        ub = np.ones(self.n)
        for j, (k, _) in enumerate(self.cvars):
            cap = self.options[k].max_t_per_year
            ub[nx + j] = np.inf if cap is None else cap
        extra_rows: list[np.ndarray] = []
        extra_lo: list[float] = []
        extra_hi: list[float] = []
        for i, v in (fix or {}).items():
            cols = [j for j, (pi, _) in enumerate(self.xvars) if pi == i]
            if v == 0:
                ub[cols] = 0.0
            elif cols:
                row = np.zeros(self.n)
                row[cols] = 1.0
                extra_rows.append(row)
                extra_lo.append(1.0)
                extra_hi.append(1.0)
            else:
                return None
        if extra_rows:
            a = np.vstack([a, *extra_rows])
            lo = np.concatenate([lo, extra_lo])
            hi = np.concatenate([hi, extra_hi])
        # scipy.optimize is imported here, not at module level: it costs ~0.2 s and every
        # `lingtan` command imports this package through the CLI
        from scipy.optimize import Bounds, LinearConstraint, milp

        integrality = np.concatenate([np.ones(nx), np.zeros(self.n - nx)])
        cons = [LinearConstraint(a, lo, hi)] if len(a) else []
        credits_t = 0.0
        if self.cvars:
            c1 = np.concatenate([np.zeros(nx), np.ones(self.n - nx)])
            r1 = milp(c1, integrality=integrality, bounds=Bounds(lb, ub), constraints=cons,
                      options={"mip_rel_gap": 0.0})  # fmt: skip
            if r1.status != 0 or r1.x is None:
                return None
            credits_t = float(r1.fun)
            cap = credits_t * (1 + 1e-9 + self.s.credit_tolerance_pct / 100) + _TOL
            cons = [*cons, LinearConstraint(c1.reshape(1, -1), -np.inf, cap)]
        r2 = milp(self.cost, integrality=integrality, bounds=Bounds(lb, ub), constraints=cons,
                  options={"mip_rel_gap": 0.0})  # fmt: skip
        if r2.status != 0 or r2.x is None:
            return None
        x = np.asarray(r2.x)
        x[:nx] = np.round(x[:nx])
        return _Solution(x, float(self.cost @ x), float(x[nx:].sum()))

    def diagnose(self) -> str:
        """Why no plan exists: requirements even every project at its best start cannot meet."""
        return "; ".join(text for text, _ in self.diagnosis())

    def diagnosis(self) -> list[tuple[str, Mapping[str, Any]]]:
        """:meth:`diagnose` in parts: (English words, catalogue message ``plan.diag.*``)."""
        lines: list[tuple[str, Mapping[str, Any]]] = []
        nx = len(self.xvars)
        for r in self.reqs:
            need = r.bau_t - r.limit_t
            if r.kind == "neutralisation" or need <= _TOL:
                continue
            best: dict[int, float] = {}
            for j in range(nx):
                i, _ = self.xvars[j]
                best[i] = max(best.get(i, 0.0), self.abated(j, r.coverage, r.year))
            most = sum(best.values())
            if most < need - _TOL:
                year = label(self.cal, r.year)
                lines.append((
                    f"{r.ref} in {year}: needs {need:,.1f} t of reductions "
                    f"below BAU {r.bau_t:,.1f} t, every candidate project together gives at "
                    f"most {most:,.1f} t",
                    {"key": "plan.diag.short", "params": {
                        "ref": r.ref, "year": year, "need": need, "bau": r.bau_t, "most": most}},
                ))  # fmt: skip
        if any(r.kind == "neutralisation" for r in self.reqs):
            capped = [o.id for o in self.options if o.max_t_per_year is not None]
            if capped or not self.options:
                lines.append((
                    "credit supply may be too small for the neutralisation requirements",
                    {"key": "plan.diag.credit_supply", "params": {}},
                ))  # fmt: skip
        if not lines:
            lines.append((
                "budgets, exclusive groups or committed projects make the targets unreachable",
                {"key": "plan.diag.constraints", "params": {}},
            ))  # fmt: skip
        return lines


def optimise_plan(
    targets: Sequence[Target],
    projects: Sequence[EvaluatedProject],
    bau: BauForecast,
    actuals: Mapping[int, YearEmissions],
    settings: PlanSettings,
    calendar: FiscalCalendar,
    *,
    series: Mapping[str, Series] | None = None,
    credit_options: Sequence[CreditOption] = (),
    goals: Sequence[NeutralityGoal] = (),
    explain: bool = True,
) -> PlanResult:
    """The least-cost plan meeting every target (module docstring), with its explanation.

    Args:
        targets: targets to meet (their base values come from ``actuals``).
        projects: candidate projects, evaluated over the plan years.
        bau: BAU forecast covering the plan years.
        actuals: actual emissions by year (base years).
        settings: horizon, discounting, budgets, feasibility ceiling.
        calendar: for labels.
        series: denominator series (intensity targets; forecast with ``growth_pct``).
        credit_options: credits available for neutralisation.
        goals: carbon-neutrality goals.
        explain: re-solve once per project to explain each choice (costs one solve each).
    """
    prob = _Problem(targets, projects, bau, actuals, series or {}, credit_options, goals,
                    settings, calendar)  # fmt: skip
    sol = prob.solve()
    years = tuple(label(calendar, y) for y in prob.years)
    if sol is None:
        diagnosis = prob.diagnosis()
        return PlanResult(
            status="infeasible", message="; ".join(text for text, _ in diagnosis),
            currency=settings.currency,
            discount_rate_pct=settings.discount_rate_pct, years=years, objective=None,
            credits_t=0.0, decisions=tuple(_unsolved_decisions(prob)), credits={}, checks=(),
            series={}, waterfall=(), hierarchy=HIERARCHY, notes=tuple(prob.notes),
            note_keys=tuple(prob.note_keys), message_parts=tuple(k for _, k in diagnosis),
        )  # fmt: skip
    return _result(prob, sol, explain)


def _unsolved_decisions(prob: _Problem) -> list[ProjectDecision]:
    out = []
    for i, ev in enumerate(prob.projects):
        p = ev.project
        out.append(ProjectDecision(
            p.id, p.name, p.type.value, p.type.hierarchy_rank, False, None, p.capex, None, None,
            0.0, prob.excluded.get(i, "no feasible plan exists"),
            reason_parts=prob.excluded_parts.get(i, (_part("no_plan"),)),
        ))  # fmt: skip
    return out


def _chosen(prob: _Problem, sol: _Solution) -> dict[int, int]:
    return {prob.xvars[j][0]: prob.xvars[j][1] for j in range(len(prob.xvars)) if sol.x[j] > 0.5}


def _result(prob: _Problem, sol: _Solution, explain: bool) -> PlanResult:
    cal, s = prob.cal, prob.s
    chosen = _chosen(prob, sol)
    nx = len(prob.xvars)
    credits: dict[str, dict[str, float]] = {}
    by_year_credits: dict[int, float] = {}
    for j, (k, y) in enumerate(prob.cvars):
        v = float(sol.x[nx + j])
        if v > _TOL:
            credits.setdefault(prob.options[k].id, {})[label(cal, y)] = v
            by_year_credits[y] = by_year_credits.get(y, 0.0) + v
    series = _series(prob, chosen, sol)
    checks = _checks(prob, chosen, sol)
    decisions = _decisions(prob, chosen, sol, explain)
    return PlanResult(
        status="optimal", message="all targets met", currency=s.currency,
        discount_rate_pct=s.discount_rate_pct, years=tuple(label(cal, y) for y in prob.years),
        objective=sol.cost, credits_t=sol.credits_t, decisions=tuple(decisions), credits=credits,
        checks=tuple(checks), series=series, waterfall=tuple(_waterfall(prob, chosen, sol)),
        hierarchy=HIERARCHY, notes=tuple(prob.notes), note_keys=tuple(prob.note_keys),
        message_parts=({"key": "plan.diag.all_met", "params": {}},),
    )  # fmt: skip


def _credit_year(
    prob: _Problem, sol: _Solution, y: int, opts: tuple[int, ...] | None = None
) -> float:
    nx = len(prob.xvars)
    return float(
        sum(
            sol.x[nx + j]
            for j, (k, yy) in enumerate(prob.cvars)
            if yy == y and (opts is None or k in opts)
        )
    )


def _series(
    prob: _Problem, chosen: Mapping[int, int], sol: _Solution
) -> dict[str, tuple[float, ...]]:
    out: dict[str, list[float]] = {"bau": [], "residual": [], "net": []}
    for i in sorted(chosen):
        out[f"abatement:{prob.projects[i].project.id}"] = []
    for k in sorted({k for k, _ in prob.cvars}):
        out[f"credits:{prob.options[k].id}"] = []
    for y in prob.years:
        bau = sum(v.get(y, 0.0) for v in prob.bau.by_bucket.values())
        ab = 0.0
        for i, st in sorted(chosen.items()):
            a = prob.projects[i].total_abatement(st, y)
            out[f"abatement:{prob.projects[i].project.id}"].append(a)
            ab += a
        cr = 0.0
        for k in sorted({k for k, _ in prob.cvars}):
            v = _credit_year(prob, sol, y, (k,))
            out[f"credits:{prob.options[k].id}"].append(v)
            cr += v
        out["bau"].append(bau)
        out["residual"].append(bau - ab)
        out["net"].append(bau - ab - cr)
    return {k: tuple(v) for k, v in out.items()}


def _abated_in(prob: _Problem, chosen: Mapping[int, int], cov: Coverage, y: int) -> float:
    total = 0.0
    for i, st in chosen.items():
        total += sum(v for b, v in prob.projects[i].abatement(st, y).items() if in_coverage(cov, b))
    return total


def _checks(prob: _Problem, chosen: Mapping[int, int], sol: _Solution) -> list[TargetCheck]:
    out = []
    for r in prob.reqs:
        assert r.coverage is not None
        ab = _abated_in(prob, chosen, r.coverage, r.year)
        planned = r.bau_t - ab
        cr = _credit_year(prob, sol, r.year, r.options) if r.kind == "neutralisation" else 0.0
        met = planned - cr <= r.limit_t + 1e-6 * max(1.0, r.bau_t)
        out.append(TargetCheck(
            r.ref, label(prob.cal, r.year), r.kind, r.bau_t, ab, planned, r.limit_t, cr, met,
        ))  # fmt: skip
    return out


def _waterfall(prob: _Problem, chosen: Mapping[int, int], sol: _Solution) -> list[WaterfallStep]:
    cal = prob.cal
    y0, yn = prob.bau.start_year, prob.end
    start = prob.bau.start_total
    end_bau = sum(v.get(yn, 0.0) for v in prob.bau.by_bucket.values())
    steps = [
        WaterfallStep(f"actual {label(cal, y0)}", start, "start", label(cal, y0)),
        WaterfallStep(f"BAU change to {label(cal, yn)}", end_bau - start, "growth", label(cal, yn)),
    ]
    cuts = sorted(
        (
            (prob.projects[i].total_abatement(st, yn), prob.projects[i].project)
            for i, st in chosen.items()
        ),
        key=lambda t: (-t[0], t[1].id),
    )
    residual = end_bau
    for a, p in cuts:
        if abs(a) > _TOL:
            steps.append(WaterfallStep(p.name, -a, "reduction"))
            residual -= a
    steps.append(WaterfallStep(f"residual {label(cal, yn)}", residual, "residual", label(cal, yn)))
    cr = _credit_year(prob, sol, yn)
    if cr > _TOL:
        steps.append(WaterfallStep("credits retired", -cr, "credits"))
    steps.append(WaterfallStep(f"net {label(cal, yn)}", residual - cr, "net", label(cal, yn)))
    return steps


def _decisions(
    prob: _Problem, chosen: Mapping[int, int], sol: _Solution, explain: bool
) -> list[ProjectDecision]:
    cur = prob.s.currency
    costs = {i: prob.cost_per_t(i, st) for i, st in chosen.items()}
    positive = [c for c in costs.values() if c is not None]
    marginal = max(positive) if positive else None
    out = []
    for i, ev in enumerate(prob.projects):
        p = ev.project
        st = chosen.get(i)
        end_ab = 0.0 if st is None else ev.total_abatement(st, prob.end)
        if st is not None:
            j = prob.xvars.index((i, st))
            cpt = costs[i]
            reason, delta, parts = _why_chosen(prob, i, sol, explain, cpt, cur)
            out.append(ProjectDecision(
                p.id, p.name, p.type.value, p.type.hierarchy_rank, True, label(prob.cal, st),
                p.capex, cpt, float(prob.cost[j]), end_ab, reason, delta, parts,
            ))  # fmt: skip
            continue
        if i in prob.excluded:
            out.append(ProjectDecision(
                p.id, p.name, p.type.value, p.type.hierarchy_rank, False, None, p.capex, None,
                None, 0.0, prob.excluded[i], reason_parts=prob.excluded_parts.get(i, ()),
            ))  # fmt: skip
            continue
        first = next(s for pi, s in prob.xvars if pi == i)
        cpt = prob.cost_per_t(i, first)
        reason, delta, parts = _why_not(prob, i, sol, explain, cpt, marginal, cur)
        out.append(ProjectDecision(
            p.id, p.name, p.type.value, p.type.hierarchy_rank, False, None, p.capex, cpt, None,
            0.0, reason, delta, parts,
        ))  # fmt: skip
    return out


#: a reason as a catalogue message ``{"key", "params"}``; the adapters join a reason's parts
_Part = dict[str, Any]


def _part(name: str, **params: Any) -> _Part:
    """The catalogue message ``plan.why.<name>`` with its parameters."""
    return {"key": f"plan.why.{name}", "params": params}


def _fmt_cost(cpt: float | None, cur: str) -> str:
    return "no abatement in its first year" if cpt is None else f"{cpt:,.0f} {cur}/t"


def _cost_part(kind: str, cpt: float | None, cur: str) -> _Part:
    """``plan.why.<kind>_cost`` with the cost per tonne, or ``<kind>_no_first`` without one."""
    if cpt is None:
        return _part(f"{kind}_no_first")
    return _part(f"{kind}_cost", cost=cpt, currency=cur)


def _why_chosen(
    prob: _Problem, i: int, sol: _Solution, explain: bool, cpt: float | None, cur: str
) -> tuple[str, float | None, tuple[_Part, ...]]:
    head = f"chosen at {_fmt_cost(cpt, cur)}"
    first = _cost_part("chosen", cpt, cur)
    if cpt is not None and cpt < 0:
        head += " (negative cost: it pays for itself)"
        first = _part("chosen_pays", cost=cpt, currency=cur)
    if prob.projects[i].project.committed:
        return head + "; committed", None, (first, _part("committed"))
    if not explain:
        return head, None, (first,)
    alt = prob.solve({i: 0})
    if alt is None:
        return (
            head + "; required: without it no plan meets every target",
            None,
            (first, _part("required")),
        )
    if alt.credits_t > sol.credits_t + _TOL:
        more = alt.credits_t - sol.credits_t
        return (
            head + f"; without it {more:,.1f} t more credits would be needed, and the abatement "
            "hierarchy puts reductions before credits",
            alt.cost - sol.cost,
            (first, _part("more_credits", more=more)),
        )
    delta = alt.cost - sol.cost
    return (
        head + f"; without it the plan costs {delta:,.0f} {cur} more (present value)",
        delta,
        (first, _part("costs_more", delta=delta, currency=cur)),
    )


def _why_not(
    prob: _Problem,
    i: int,
    sol: _Solution,
    explain: bool,
    cpt: float | None,
    marginal: float | None,
    cur: str,
) -> tuple[str, float | None, tuple[_Part, ...]]:
    p = prob.projects[i].project
    if not explain:
        return f"not chosen ({_fmt_cost(cpt, cur)})", None, (_cost_part("not_chosen", cpt, cur),)
    alt = prob.solve({i: 1})
    if alt is None:
        group = p.exclusive_group
        if group and any(
            prob.projects[c].project.exclusive_group == group for c in _chosen(prob, sol)
        ):
            return (
                f"not chosen: an alternative in exclusive group {group!r} is chosen",
                None,
                (_part("exclusive", group=group),),
            )
        return (
            f"not chosen: its capex {p.capex:,.0f} {cur} does not fit the budget left "
            "(or it makes the other requirements unreachable)",
            None,
            (_part("budget", capex=p.capex, currency=cur),),
        )
    delta = alt.cost - sol.cost
    tail = f"; adding it would raise the discounted cost by {delta:,.0f} {cur}"
    raise_part = _part("raise_cost", delta=delta, currency=cur)
    if marginal is not None and cpt is not None and cpt > marginal:
        return (
            f"not chosen: {_fmt_cost(cpt, cur)} is above the marginal project chosen "
            f"({marginal:,.0f} {cur}/t)" + tail,
            delta,
            (_part("above_marginal", cost=cpt, marginal=marginal, currency=cur), raise_part),
        )
    return (
        f"not needed: the targets are met more cheaply without it ({_fmt_cost(cpt, cur)})" + tail,
        delta,
        (_cost_part("not_needed", cpt, cur), raise_part),
    )
