"""The least-cost plan (MILP, HiGHS) against brute force on small random cases, the abatement
hierarchy (credits only for what feasible reductions cannot remove), budgets, exclusivity and
the explanations."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pytest

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets import (
    BauModel,
    Coverage,
    CreditKind,
    CreditOption,
    EvaluatedProject,
    NeutralityGoal,
    PlanSettings,
    Project,
    ProjectType,
    Target,
    TargetKind,
    YearEmissions,
    evaluate_project,
    forecast_bau,
    optimise_plan,
)

CAL = FiscalCalendar(4)
AR5 = read_gwp_sets()["AR5"]
YEARS = [2025, 2026, 2027, 2028]
BASE = YearEmissions(2020, 1000.0, 2000.0, scope3_by_category={1: 5000.0})
START = YearEmissions(2024, 900.0, 1800.0, scope3_by_category={1: 5000.0})


def _evaluate(projects: Sequence[Project]) -> list[EvaluatedProject]:
    return [evaluate_project(p, YEARS, [], AR5, CAL) for p in projects]


def _bau():
    return forecast_bau(BauModel(START), YEARS)


def _cost_of(p: Project, start: int, rate: float) -> float:
    """Independent recomputation: Σ_{y=s}^{min(s+L−1, 2028)} EAC · 1.0r^−(y−2025)."""
    r = rate / 100
    g = (1 + r) ** p.life_years
    eac = p.capex * (r * g / (g - 1)) + p.opex_per_year - p.cost_savings_per_year
    return sum(eac * (1 + r) ** -(y - 2025) for y in range(start, min(start + p.life_years, 2029)))


def _brute(
    evs: Sequence[EvaluatedProject], targets: Sequence[Target], s: PlanSettings,
    price: float, goal: NeutralityGoal | None,
) -> tuple[float, float] | None:  # fmt: skip
    """(credits t, cost) of the lexicographic optimum by enumerating every subset and timing."""
    bau = _bau()
    options = [[None, *p.project.start_window(2025, 2028)] for p in evs]
    best: tuple[float, float] | None = None
    for combo in itertools.product(*options):
        capex_by_year: dict[int, float] = {}
        groups: dict[str, int] = {}
        for ev, st in zip(evs, combo, strict=True):
            if st is not None:
                capex_by_year[st] = capex_by_year.get(st, 0.0) + ev.project.capex
                g = ev.project.exclusive_group
                if g:
                    groups[g] = groups.get(g, 0) + 1
        if any(v > s.budget_per_year.get(y, np.inf) + 1e-6 for y, v in capex_by_year.items()):
            continue
        if any(n > 1 for n in groups.values()):
            continue
        ok = True
        for y in YEARS:
            ab: dict[str, float] = {}
            for ev, st in zip(evs, combo, strict=True):
                if st is not None:
                    for b, v in ev.abatement(st, y).items():
                        ab[b] = ab.get(b, 0.0) + v
            if any(v > bau.bucket(b, y) + 1e-6 for b, v in ab.items()):
                ok = False
            for t in targets:
                if y >= t.target_year:
                    cov = t.coverage
                    base = cov.covered(BASE)
                    assert base is not None
                    residual = (cov.covered(bau.year(y)) or 0.0) - sum(
                        v for b, v in ab.items() if _in(cov, b)
                    )
                    if residual > base * (1 - t.reduction_pct / 100) + 1e-6:
                        ok = False
        if not ok:
            continue
        credits = cost = 0.0
        for ev, st in zip(evs, combo, strict=True):
            if st is not None:
                cost += _cost_of(ev.project, st, s.discount_rate_pct)
        if goal is not None:
            for y in YEARS:
                if y >= goal.from_year:
                    ab_c = sum(
                        v
                        for ev, st in zip(evs, combo, strict=True)
                        if st is not None
                        for b, v in ev.abatement(st, y).items()
                        if _in(goal.coverage, b)
                    )
                    need = max(0.0, (goal.coverage.covered(bau.year(y)) or 0.0) - ab_c)
                    credits += need
                    cost += need * price * (1 + s.discount_rate_pct / 100) ** -(y - 2025)
        cand = (round(credits, 6), cost)
        if (
            best is None
            or cand[0] < best[0] - 1e-6
            or (abs(cand[0] - best[0]) <= 1e-6 and cand[1] < best[1])
        ):
            best = cand
    return best


def _in(cov: Coverage, bucket: str) -> bool:
    from lingtan.modules.targets.optimise import in_coverage

    return in_coverage(cov, bucket)


def _random_case(rng: np.random.Generator) -> tuple[list[Project], list[Target], PlanSettings]:
    places = [(1, None), (2, None), (3, 1)]
    projects = []
    for i in range(int(rng.integers(2, 5))):
        scope, cat = places[int(rng.integers(0, 3))]
        lo = int(rng.integers(2025, 2028))
        projects.append(Project(
            f"P{i}", f"project {i}", ProjectType.EFFICIENCY,
            reduction_t_per_year=float(rng.integers(50, 700)), scope=scope, category=cat,
            capex=float(rng.integers(0, 5)) * 10_000,
            opex_per_year=float(rng.integers(0, 4)) * 1_000,
            cost_savings_per_year=float(rng.integers(0, 3)) * 1_500,
            life_years=int(rng.integers(2, 6)), earliest_start=lo,
            latest_start=int(rng.integers(lo, 2029)),
            degradation_pct_per_year=float(rng.choice([0.0, 5.0])),
            exclusive_group="g" if i < 2 and rng.random() < 0.3 else None,
        ))  # fmt: skip
    targets = [Target("S12", "S1+2", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2028,
                      float(rng.integers(5, 30)))]  # fmt: skip
    if rng.random() < 0.5:
        targets.append(Target("S3", "cat 1", Coverage.of(categories=[1]), TargetKind.ABSOLUTE,
                              2020, 2027, float(rng.integers(1, 12))))  # fmt: skip
    budget = {y: float(rng.integers(3, 10)) * 10_000 for y in YEARS if rng.random() < 0.5}
    return projects, targets, PlanSettings(2025, 2028, 6.0, budget_per_year=budget)


@pytest.mark.parametrize("seed", range(40))
def test_optimiser_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    projects, targets, s = _random_case(rng)
    goal = None
    options: list[CreditOption] = []
    if rng.random() < 0.5:
        goal = NeutralityGoal("N", "S1 neutral", Coverage.of([1]), 2027)
        options = [CreditOption("C", "credits", CreditKind.AVOIDANCE, 120.0)]
    evs = _evaluate(projects)
    goals = [goal] if goal else []
    res = optimise_plan(targets, evs, _bau(), {2020: BASE}, s, CAL,
                        credit_options=options, goals=goals, explain=False)  # fmt: skip
    best = _brute(evs, targets, s, 120.0, goal)
    if best is None:
        assert res.status == "infeasible", res.to_dict()
        return
    assert res.status == "optimal", res.message
    assert res.credits_t == pytest.approx(best[0], abs=1e-4)
    assert res.objective is not None
    assert res.objective <= best[1] + 1e-4 * max(1.0, abs(best[1]))
    # and it is a real plan: the independently recomputed cost equals its objective
    recomputed = sum(
        _cost_of(next(p for p in projects if p.id == d.project_id),
                 CAL.parse(d.start_year).start.year, s.discount_rate_pct)
        for d in res.chosen
    ) + sum(v * 120.0 * 1.06 ** -(CAL.parse(y).start.year - 2025)
            for c in res.credits.values() for y, v in c.items())  # fmt: skip
    assert recomputed == pytest.approx(res.objective, rel=1e-6, abs=1e-6)
    assert all(c.met for c in res.checks)


def _neutral_case(max_cost: float | None) -> tuple[list[Project], PlanSettings]:
    # one project removes all Scope 1 (900 t/yr) at 1,000 CNY/t: dearer than credits at 120/t
    p = Project("ELEC", "electrify boilers", ProjectType.FUEL_SWITCH, reduction_t_per_year=900.0,
                scope=1, opex_per_year=900_000.0, life_years=10, earliest_start=2025)  # fmt: skip
    return [p], PlanSettings(2025, 2028, 6.0, max_cost_per_t=max_cost)


def test_hierarchy_reductions_before_credits_even_when_dearer() -> None:
    projects, s = _neutral_case(None)
    goal = NeutralityGoal("N", "S1 neutral", Coverage.of([1]), 2025)
    opt = [CreditOption("C", "cheap credits", CreditKind.AVOIDANCE, 120.0)]
    res = optimise_plan([], _evaluate(projects), _bau(), {2020: BASE}, s, CAL,
                        credit_options=opt, goals=[goal])  # fmt: skip
    assert res.status == "optimal"
    assert res.credits_t == pytest.approx(0.0, abs=1e-6)  # a feasible reduction exists
    d = res.chosen[0]
    assert d.project_id == "ELEC"
    assert d.start_year == "FY2025/26"
    assert "credits would be needed" in d.reason
    assert "hierarchy" in d.reason
    # 900,000 / 900 t = 1,000 CNY/t
    assert d.cost_per_t == pytest.approx(1000.0)


def test_credits_cover_what_is_not_economically_feasible() -> None:
    projects, s = _neutral_case(500.0)  # ceiling 500/t: the 1,000/t project is not feasible
    goal = NeutralityGoal("N", "S1 neutral", Coverage.of([1]), 2027)
    opt = [CreditOption("C", "credits", CreditKind.AVOIDANCE, 120.0)]
    res = optimise_plan([], _evaluate(projects), _bau(), {2020: BASE}, s, CAL,
                        credit_options=opt, goals=[goal])  # fmt: skip
    # 900 t in FY2027/28 and FY2028/29 → 1,800 t; cost 900 · 120 · (1.06^−2 + 1.06^−3)
    assert res.credits_t == pytest.approx(1800.0)
    assert res.objective == pytest.approx(900 * 120 * (1.06**-2 + 1.06**-3))
    assert "not economically feasible" in res.decisions[0].reason
    assert res.credits == {"C": {"FY2027/28": pytest.approx(900.0),
                                 "FY2028/29": pytest.approx(900.0)}}  # fmt: skip
    assert [w.kind for w in res.waterfall] == ["start", "growth", "residual", "credits", "net"]
    assert res.waterfall[-1].value_t == pytest.approx(5000.0 + 1800.0)  # S1 neutral, S2+S3 left


def test_net_zero_neutralises_with_removals_only() -> None:
    t = Target("NZ", "net zero S1", Coverage.of([1]), TargetKind.ABSOLUTE, 2020, 2028, 10.0,
               neutralise_residual=True)  # fmt: skip
    from dataclasses import replace

    t = replace(t, horizon=t.horizon.LONG_TERM)
    opts = [CreditOption("AV", "avoidance", CreditKind.AVOIDANCE, 10.0),
            CreditOption("RM", "removals", CreditKind.REMOVAL, 300.0)]  # fmt: skip
    res = optimise_plan([t], [], _bau(), {2020: BASE}, PlanSettings(2025, 2028), CAL,
                        credit_options=opts)  # fmt: skip
    # BAU S1 900 t ≤ 1,000 · 0.9 = 900 t: target met; residual 900 t neutralised by removals
    assert res.status == "optimal"
    assert res.credits == {"RM": {"FY2028/29": pytest.approx(900.0)}}


def test_budget_and_exclusivity_explained() -> None:
    a = Project("A", "cheap big", ProjectType.EFFICIENCY, reduction_t_per_year=600.0, scope=2,
                capex=80_000, life_years=5, earliest_start=2025, latest_start=2025)  # fmt: skip
    b = Project("B", "small", ProjectType.EFFICIENCY, reduction_t_per_year=400.0, scope=2,
                capex=30_000, life_years=5, earliest_start=2025, latest_start=2025,
                exclusive_group="roof")  # fmt: skip
    c = Project("C", "alt roof", ProjectType.RENEWABLE_ONSITE, reduction_t_per_year=300.0,
                scope=2, capex=40_000, life_years=5, earliest_start=2025, latest_start=2025,
                exclusive_group="roof")  # fmt: skip
    d = Project("D", "vfd", ProjectType.EFFICIENCY, reduction_t_per_year=250.0, scope=1,
                capex=20_000, life_years=5, earliest_start=2025, latest_start=2025)  # fmt: skip
    # S1+2 target −30 % of 3,000 t = 2,100 t in FY2028/29; BAU 2,700 t → 600 t needed.
    # Budget 75,000 in FY2025/26: A (80,000) cannot fit; B + D = 650 t for 50,000 works;
    # C + D = 550 t is short and B, C share a roof.
    t = Target("S12", "S1+2", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2028, 30.0)
    s = PlanSettings(2025, 2028, 6.0, budget_per_year={2025: 75_000})
    res = optimise_plan([t], _evaluate([a, b, c, d]), _bau(), {2020: BASE}, s, CAL)
    assert res.status == "optimal"
    got = {x.project_id: x for x in res.decisions}
    assert {x.project_id for x in res.chosen} == {"B", "D"}
    assert "budget" in got["A"].reason
    assert "exclusive group 'roof'" in got["C"].reason
    assert "required" in got["B"].reason
    assert "required" in got["D"].reason
    check = next(c for c in res.checks if c.target_id == "S12" and c.year == "FY2028/29")
    assert check.planned_t == pytest.approx(2700 - 650)
    assert check.limit_t == pytest.approx(2100)


def test_infeasible_plan_is_diagnosed() -> None:
    p = Project("P", "small", ProjectType.EFFICIENCY, reduction_t_per_year=100.0, scope=2,
                earliest_start=2025)  # fmt: skip
    t = Target("S12", "S1+2", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2028, 50.0)
    res = optimise_plan([t], _evaluate([p]), _bau(), {2020: BASE}, PlanSettings(2025, 2028), CAL)
    # needs 2,700 − 1,500 = 1,200 t; the only project gives 100 t
    assert res.status == "infeasible"
    assert "needs 1,200.0 t" in res.message
    assert "at most 100.0 t" in res.message


def test_intensity_target_limit_uses_the_denominator_forecast() -> None:
    from lingtan.modules.targets import Series

    # cat 1 per unit: base 5,000 t / 100 units = 50 t/unit, −40 % → 30 t/unit in FY2028/29;
    # units grow 10 %/yr from 110 in FY2024/25 → 110 · 1.1⁴ = 161.051 in FY2028/29;
    # limit 30 · 161.051 = 4,831.53 t; BAU cat 1 flat 5,000 t → 168.47 t of reductions needed
    units = Series("units", "item", {2020: 100.0, 2024: 110.0}, growth_pct=10.0)
    t = Target("I", "per unit", Coverage.of(categories=[1]), TargetKind.INTENSITY, 2020, 2028,
               40.0, denominator="units")  # fmt: skip
    small = Project("S", "supplier", ProjectType.VALUE_CHAIN, reduction_t_per_year=150.0,
                    scope=3, category=1, opex_per_year=1_000.0, earliest_start=2028)  # fmt: skip
    big = Project("B", "supplier+", ProjectType.VALUE_CHAIN, reduction_t_per_year=200.0,
                  scope=3, category=1, opex_per_year=5_000.0, earliest_start=2028)  # fmt: skip
    res = optimise_plan([t], _evaluate([small, big]), _bau(), {2020: BASE},
                        PlanSettings(2025, 2028), CAL, series={"units": units})  # fmt: skip
    check = res.checks[0]
    assert check.limit_t == pytest.approx(30 * 110 * 1.1**4)
    assert {d.project_id for d in res.chosen} == {"B"}  # 150 t is not enough
