"""Sparse solver choice (decision 0059): PARDISO when installed, SuperLU otherwise, the same
results either way; forcing the fallback by parameter or environment; factorise once, solve
many right-hand sides in both directions; a fixed technosphere reuses one supply vector in
Monte Carlo. No timings."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.modules.products.engine import LcaSystem
from lingtan.modules.products.errors import FactorisationError
from lingtan.modules.products.lci import (
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciDatabase,
    Process,
    Uncertainty,
    characterise,
)
from lingtan.modules.products.montecarlo import MonteCarlo
from lingtan.modules.products.solvers import (
    SOLVER_ENV,
    THREADS_ENV,
    choose_solver,
    factorise,
    pardiso_available,
    solver_threads,
)

T, B = ExchangeKind.TECHNOSPHERE, ExchangeKind.BIOSPHERE
AR6 = read_gwp_sets()["AR6"]
CO2 = ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", ("air",), "CO2")
needs_pardiso = pytest.mark.skipif(not pardiso_available(), reason="pypardiso not installed")


def loop_db(n: int = 60, seed: int = 5, unc_tech: bool = True) -> LciDatabase:
    """n processes, each buying 1–5 others (0.01–0.15 per unit, loops included), each
    emitting CO2; production amounts 1–3 (not 1, so the diagonal matters)."""
    rng = np.random.default_rng(seed)
    procs = tuple(
        Process(f"p{i}", f"p{i}", "kg", production=float(rng.uniform(1, 3))) for i in range(n)
    )
    exs = []
    for j in range(n):
        for i in rng.choice(n, int(rng.integers(1, 6)), replace=False):
            if i != j:
                a = float(rng.uniform(0.01, 0.15))
                u = Uncertainty.lognormal(a, 1.3) if unc_tech else Uncertainty()
                exs.append(Exchange(f"p{j}", f"p{i}", a, T, u))
        e = float(rng.uniform(0.1, 3))
        exs.append(Exchange(f"p{j}", "co2", e, B, Uncertainty.lognormal(e, 1.2)))
    return LciDatabase("loops", procs, (CO2,), tuple(exs))


def build(db: LciDatabase, solver: str | None) -> LcaSystem:
    return LcaSystem.from_database(db, characterise(db.flows, AR6), solver=solver)


def test_two_process_system_by_hand_with_the_fallback() -> None:
    # A = [[1, -0.1], [-0.5, 1]], f = [1, 0]: x_a = 1 / 0.95, x_b = 0.5 / 0.95;
    # h = 2 kg CO2 · x_a (b emits nothing)
    db = LciDatabase(
        "two",
        (Process("a", "a", "kg"), Process("b", "b", "kWh")),
        (CO2,),
        (Exchange("a", "b", 0.5, T), Exchange("b", "a", 0.1, T), Exchange("a", "co2", 2.0, B)),
    )
    s = build(db, "superlu")
    f = s.demand_vector({"a": 1.0})
    np.testing.assert_allclose(s.supply(f), [1 / 0.95, 0.5 / 0.95], rtol=1e-14)
    assert s.score(f) == pytest.approx(2 / 0.95, rel=1e-14)
    assert s.factors.solver == "superlu"


@needs_pardiso
def test_pardiso_and_superlu_agree_to_1e_9() -> None:
    db = loop_db()
    fast, slow = build(db, "pardiso"), build(db, "superlu")
    assert fast.factors.solver == "pardiso"
    assert slow.factors.solver == "superlu"
    f = fast.demand_vector({"p0": 1.0, "p9": 2.5})
    np.testing.assert_allclose(fast.supply(f), slow.supply(f), rtol=1e-9)
    np.testing.assert_allclose(fast.score_vector, slow.score_vector, rtol=1e-9)
    assert fast.score(f) == pytest.approx(slow.score(f), rel=1e-9)
    # the adjoint score equals the forward one (h = λ·f = (Bᵀc)·x) on both backends
    assert fast.score(f) == pytest.approx(float(fast.direct_scores @ fast.supply(f)), rel=1e-12)


@needs_pardiso
def test_one_factorisation_solves_blocks_in_both_directions() -> None:
    s = build(loop_db(), "pardiso")
    fac = s.factors
    rhs = np.random.default_rng(1).random((s.n, 7))
    x = fac.solve(rhs)
    lam = fac.solve_adjoint(rhs)
    a = s.technosphere
    np.testing.assert_allclose(a @ x, rhs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.T @ lam, rhs, rtol=1e-10, atol=1e-12)
    assert s.factors is fac  # solving did not refactorise


def test_environment_forces_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOLVER_ENV, "superlu")
    assert choose_solver() == "superlu"
    assert build(loop_db(), None).factors.solver == "superlu"
    monkeypatch.setenv(SOLVER_ENV, "auto")
    assert choose_solver() == ("pardiso" if pardiso_available() else "superlu")
    monkeypatch.setenv(SOLVER_ENV, "umfpack-please")
    with pytest.raises(FactorisationError, match="unknown sparse solver"):
        choose_solver()


def test_parameter_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOLVER_ENV, "pardiso" if pardiso_available() else "auto")
    assert choose_solver("superlu") == "superlu"


@pytest.mark.skipif(pardiso_available(), reason="pypardiso is installed")
def test_asking_for_missing_pardiso_is_an_error() -> None:
    with pytest.raises(FactorisationError, match="pypardiso"):
        choose_solver("pardiso")


@needs_pardiso
def test_singular_matrix_falls_back_and_fails_loudly() -> None:
    # A = [[1, -1], [-1, 1]]: PARDISO perturbs the zero pivot; the residual check rejects its
    # solution and SuperLU with partial pivoting names the singular matrix
    db = LciDatabase(
        "loop",
        (Process("a", "a", "kg"), Process("b", "b", "kg")),
        (CO2,),
        (Exchange("a", "b", 1.0, T), Exchange("b", "a", 1.0, T)),
    )
    with pytest.raises(FactorisationError, match="singular"):
        build(db, "pardiso").supply(np.array([1.0, 0.0]))


@needs_pardiso
def test_pardiso_fill_above_the_guard_leaves_it_to_superlu() -> None:
    s = build(loop_db(), "pardiso")
    with pytest.raises(FactorisationError, match="fill-in"):
        factorise(s.technosphere, max_fill=0.5, solver="pardiso")


@pytest.mark.parametrize("solver", ["pardiso", "superlu"])
def test_monte_carlo_same_scores_with_either_solver(solver: str) -> None:
    if solver == "pardiso" and not pardiso_available():
        pytest.skip("pypardiso not installed")
    db = loop_db(40, seed=9)
    ref = build(db, "superlu")
    s = build(db, solver)
    f = s.demand_vector({"p0": 1.0})
    res = MonteCarlo(s, batch=4).run(f, 12, seed=3)
    mc_ref = MonteCarlo(ref, batch=4)
    for i in range(12):
        data, direct = mc_ref.sample(3, i)
        exact = float(direct @ mc_ref.direct_solve(data, f))
        assert res.scores[i] == pytest.approx(exact, rel=1e-6)
    # the direct fallback of either backend gives the same sample solution
    data, _ = mc_ref.sample(3, 0)
    np.testing.assert_allclose(
        MonteCarlo(s).direct_solve(data, f), mc_ref.direct_solve(data, f), rtol=1e-9
    )


def test_fixed_technosphere_reuses_one_supply_vector() -> None:
    # no technosphere uncertainty: every sample's score is B_sᵀc · x₀, no solve per sample
    db = loop_db(30, seed=2, unc_tech=False)
    s = build(db, None)
    f = s.demand_vector({"p3": 1.0})
    mc = MonteCarlo(s)
    res = mc.run(f, 20, seed=4)
    assert res.solver_stats == {"iterative": 0, "direct": 0, "reused": 20}
    x0 = build(db, "superlu").supply(f)
    for i in range(20):
        _, direct = mc.sample(4, i)
        assert res.scores[i] == pytest.approx(float(direct @ x0), rel=1e-9)
    assert len(set(res.scores.tolist())) == 20  # the emissions were drawn


def test_sparse_demand_block_scores_equal_single_solves() -> None:
    s = build(loop_db(), None)
    d = sp.random(9, s.n, density=0.1, random_state=2, format="csr")
    single = [float(s.direct_scores @ s.supply(d[k].toarray().ravel())) for k in range(9)]
    np.testing.assert_allclose(s.scores(d), single, rtol=1e-9)


def test_thread_count_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv(THREADS_ENV, "3")
    assert solver_threads() == 3
    monkeypatch.setenv(THREADS_ENV, "0")
    assert solver_threads() == 1  # at least one
    monkeypatch.setenv(THREADS_ENV, "many")
    with pytest.raises(FactorisationError, match="whole number"):
        solver_threads()
    monkeypatch.delenv(THREADS_ENV)
    assert solver_threads() == 1  # one thread unless told
    monkeypatch.setenv("MKL_NUM_THREADS", "2")
    assert solver_threads() == 0  # MKL's own setting is left alone


@needs_pardiso
def test_one_thread_and_default_threads_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    db = loop_db()
    monkeypatch.setenv(THREADS_ENV, "1")
    one = build(db, "pardiso")
    lam1 = one.score_vector
    assert one.factors.threads == 1  # type: ignore[attr-defined]
    monkeypatch.setenv(THREADS_ENV, "2")
    np.testing.assert_allclose(build(db, "pardiso").score_vector, lam1, rtol=1e-12)


def test_without_pardiso_auto_is_superlu_and_pardiso_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # as on a machine without MKL (ARM, or no `fast` extra): the same answers from SuperLU
    from lingtan.modules.products import solvers

    monkeypatch.delenv(SOLVER_ENV, raising=False)
    monkeypatch.setattr(solvers, "pardiso_available", lambda: False)
    assert choose_solver() == "superlu"
    with pytest.raises(FactorisationError, match="pypardiso"):
        choose_solver("pardiso")
    db = loop_db()
    s = build(db, None)
    assert s.factors.solver == "superlu"
    f = s.demand_vector({"p4": 1.0})
    x = s.supply(f)
    np.testing.assert_allclose(s.technosphere @ x, f, rtol=1e-12, atol=1e-14)
