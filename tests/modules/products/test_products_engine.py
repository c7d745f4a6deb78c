"""Matrix LCA engine (Heijungs & Suh 2002; ISO 14044 §4.3.3; ISO 14067 §6.5): hand-solved
systems, the adjoint score vector, the fill-in guard, pivoting fallback, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lingtan.adapters.io.factor_files import read_gwp_sets
from lingtan.modules.products.engine import LcaSystem, factorise_transpose
from lingtan.modules.products.errors import FactorisationError, InventoryDataError
from lingtan.modules.products.lci import (
    Distribution,
    ElementaryFlow,
    Exchange,
    ExchangeKind,
    LciDatabase,
    Process,
    Uncertainty,
    characterise,
    gas_of_flow_name,
)
from lingtan.modules.products.montecarlo import MonteCarlo

T, B = ExchangeKind.TECHNOSPHERE, ExchangeKind.BIOSPHERE
AR6 = read_gwp_sets()["AR6"]
FLOWS = (
    ElementaryFlow("co2", "Carbon dioxide, fossil", "kg", ("air",), "CO2"),
    ElementaryFlow("ch4", "Methane, fossil", "kg", ("air",), "CH4_fossil"),
    ElementaryFlow("co2bio", "Carbon dioxide, non-fossil", "kg", ("air",), "CO2_biogenic"),
)


def two_process(unc: bool = False) -> LciDatabase:
    """a (1 kg) needs 0.5 kWh of b and emits 2 kg CO2; b (1 kWh) needs 0.1 kg of a and emits
    0.01 kg fossil CH4 and 5 kg biogenic CO2."""
    u = (lambda a: Uncertainty.lognormal(a, 1.2)) if unc else (lambda a: Uncertainty())
    return LciDatabase(
        "two",
        (Process("a", "steel", "kg"), Process("b", "electricity", "kWh")),
        FLOWS,
        (
            Exchange("a", "b", 0.5, T, u(0.5)),
            Exchange("a", "co2", 2.0, B, u(2.0)),
            Exchange("b", "a", 0.1, T, u(0.1)),
            Exchange("b", "ch4", 0.01, B, u(0.01)),
            Exchange("b", "co2bio", 5.0, B),
        ),
    )


def system(db: LciDatabase) -> LcaSystem:
    return LcaSystem.from_database(db, characterise(db.flows, AR6))


def test_two_process_system_solved_by_hand() -> None:
    # A = [[1, -0.1], [-0.5, 1]], f = [1, 0]:
    #   x_a - 0.1 x_b = 1, x_b = 0.5 x_a  →  x_a = 1 / 0.95 = 1.0526316, x_b = 0.5263158
    # h = 2 · x_a + 0.01 · 29.8 (AR6 CH4 fossil) · x_b + 0 · biogenic
    #   = 2.1052632 + 0.1568421 = 2.2621053 kg CO2e
    s = system(two_process())
    f = s.demand_vector({"a": 1.0})
    np.testing.assert_allclose(s.supply(f), [1 / 0.95, 0.5 / 0.95], rtol=1e-12)
    assert s.score(f) == pytest.approx(2 / 0.95 + 0.298 * 0.5 / 0.95, rel=1e-12)
    assert s.score(f) == pytest.approx(2.2621053, rel=1e-7)
    # adjoint: λ_a - 0.5 λ_b = 2, -0.1 λ_a + λ_b = 0.298 → λ_a = 2.149 / 0.95, λ_b = 0.298 + 0.1 λ_a
    lam = s.score_vector
    assert lam[0] == pytest.approx(2.149 / 0.95, rel=1e-12)
    assert lam[1] == pytest.approx(0.298 + 0.1 * 2.149 / 0.95, rel=1e-12)
    # inventory B x: CO2 2 x_a, CH4 0.01 x_b, biogenic 5 x_b (reported, not characterised)
    np.testing.assert_allclose(s.inventory(f), [2 / 0.95, 0.005 / 0.95, 2.5 / 0.95], rtol=1e-12)


def test_production_amount_and_waste_treatment_by_hand() -> None:
    # p makes 2 kg per exchange set, needs 1 MJ of q and sends 0.5 kg waste to w (technosphere
    # amount -0.5, Brightway's waste convention); w treats 1 kg with production -1 and emits
    # 1 kg CO2; q emits 0.1 kg CO2 per MJ.
    # For 1 kg of p: x_p = 0.5; x_q = 0.5 · 1 = 0.5; w row: -x_w + 0.5 · x_p = 0 ... with
    # A[w, p] = +0.5 and A[w, w] = -1: -x_w + 0.5 x_p = 0 → x_w = 0.25 (kg treated).
    # h = 0.1 · 0.5 + 1 · 0.25 = 0.30 kg CO2e
    db = LciDatabase(
        "waste",
        (
            Process("p", "part", "kg", production=2.0),
            Process("q", "heat", "MJ"),
            Process("w", "treatment", "kg", production=-1.0),
        ),
        FLOWS[:1],
        (
            Exchange("p", "q", 1.0, T),
            Exchange("p", "w", -0.5, T),
            Exchange("q", "co2", 0.1, B),
            Exchange("w", "co2", 1.0, B),
        ),
    )
    s = system(db)
    f = s.demand_vector({"p": 1.0})
    np.testing.assert_allclose(s.supply(f), [0.5, 0.5, 0.25], rtol=1e-12)
    assert s.score(f) == pytest.approx(0.30, rel=1e-12)


def test_adjoint_scores_equal_direct_solves_for_many_demands() -> None:
    rng = np.random.default_rng(3)
    n = 40
    procs = tuple(Process(f"p{i}", f"p{i}", "kg") for i in range(n))
    exs = []
    for j in range(n):
        for i in rng.choice(n, 4, replace=False):
            if i != j:
                exs.append(Exchange(f"p{j}", f"p{i}", float(rng.uniform(0, 0.2)), T))
        exs.append(Exchange(f"p{j}", "co2", float(rng.uniform(0, 3)), B))
    s = system(LciDatabase("rand", procs, FLOWS[:1], tuple(exs)))
    d = sp.random(25, n, density=0.2, random_state=4, format="csr")
    direct = np.array([s.direct_scores @ s.supply(d[k].toarray().ravel()) for k in range(25)])
    np.testing.assert_allclose(s.scores(d), direct, rtol=1e-10)


def test_fill_in_guard_fails_loudly() -> None:
    s = system(two_process())
    with pytest.raises(FactorisationError, match="fill-in"):
        factorise_transpose(s.technosphere, max_fill=0.5)


def test_singular_technosphere_is_an_error() -> None:
    # b makes exactly what a consumes of it and vice versa: A = [[1, -1], [-1, 1]] is singular
    db = LciDatabase(
        "loop",
        (Process("a", "a", "kg"), Process("b", "b", "kg")),
        FLOWS[:1],
        (Exchange("a", "b", 1.0, T), Exchange("b", "a", 1.0, T)),
    )
    with pytest.raises(FactorisationError, match="singular"):
        system(db).supply(np.array([1.0, 0.0]))


def test_inaccurate_solve_is_refactorised_with_partial_pivoting() -> None:
    # Every solve is checked (‖A x − f‖ ≤ 1e-10 ‖f‖). A factorisation that does not solve A
    # (here: the factors of 2A, standing in for an unstable diagonal pivot) fails the check,
    # and the system refactorises with partial pivoting: x is exact again.
    s = system(two_process())
    s._factors = factorise_transpose(2 * s.technosphere)
    f = s.demand_vector({"a": 1.0})
    np.testing.assert_allclose(s.supply(f), [1 / 0.95, 0.5 / 0.95], rtol=1e-12)
    assert s.factors.diag_pivot_thresh == 1.0


def test_gases_of_ecoinvent_flow_names() -> None:
    assert gas_of_flow_name("Carbon dioxide, fossil") == "CO2"
    assert gas_of_flow_name("Carbon dioxide, non-fossil") == "CO2_biogenic"
    assert gas_of_flow_name("Methane, non-fossil") == "CH4_nonfossil"
    assert gas_of_flow_name("Dinitrogen monoxide") == "N2O"
    assert gas_of_flow_name("Water") == ""


def test_database_validation_names_the_exchange() -> None:
    with pytest.raises(InventoryDataError, match=r"process 'a'.*unknown supplying process"):
        LciDatabase("bad", (Process("a", "a", "kg"),), (), (Exchange("a", "zz", 1.0, T),))
    with pytest.raises(InventoryDataError, match="appears twice"):
        LciDatabase("dup", (Process("a", "a", "kg"), Process("a", "a", "kg")), (), ())


# ---- Monte Carlo ------------------------------------------------------------------------------


def test_monte_carlo_is_seeded_and_independent_of_batch_size() -> None:
    s = system(two_process(unc=True))
    f = s.demand_vector({"a": 1.0})
    a = MonteCarlo(s, batch=1).run(f, 40, seed=11)
    b = MonteCarlo(s, batch=7).run(f, 40, seed=11)
    c = MonteCarlo(s, batch=1).run(f, 40, seed=12)
    np.testing.assert_allclose(a.scores, b.scores, rtol=1e-12)
    assert not np.allclose(a.scores, c.scores)
    assert a.static_score == pytest.approx(2.2621053, rel=1e-7)


def test_every_sample_within_1e6_of_a_direct_solve() -> None:
    rng = np.random.default_rng(5)
    n = 60
    procs = tuple(Process(f"p{i}", f"p{i}", "kg") for i in range(n))
    exs = []
    for j in range(n):
        for i in rng.choice(n, 5, replace=False):
            if i != j:
                a = float(rng.uniform(0.01, 0.15))
                exs.append(Exchange(f"p{j}", f"p{i}", a, T, Uncertainty.lognormal(a, 1.3)))
        e = float(rng.uniform(0.1, 3))
        exs.append(Exchange(f"p{j}", "co2", e, B, Uncertainty.lognormal(e, 1.2)))
    s = system(LciDatabase("mc", procs, FLOWS[:1], tuple(exs)))
    f = s.demand_vector({"p0": 1.0, "p7": 2.0})
    mc = MonteCarlo(s, batch=4)
    res = mc.run(f, 30, seed=2)
    assert res.solver_stats["iterative"] == 30
    for i in range(30):
        data, direct = mc.sample(2, i)
        exact = float(direct @ mc.direct_solve(data, f))
        assert res.scores[i] == pytest.approx(exact, rel=1e-6)
    assert res.to_dict()["ci95_kg_co2e"][0] < res.static_score < res.to_dict()["ci95_kg_co2e"][1]


def test_failed_iterative_solves_fall_back_to_direct() -> None:
    s = system(two_process(unc=True))
    f = s.demand_vector({"a": 1.0})
    mc = MonteCarlo(s, batch=2, maxiter=1, max_error=1e-15, rtol=1e-15)
    res = mc.run(f, 6, seed=1)
    assert res.solver_stats["direct"] == 6
    ref = MonteCarlo(s, batch=2).run(f, 6, seed=1)
    np.testing.assert_allclose(res.scores, ref.scores, rtol=1e-8)


def test_other_distributions_stay_in_their_bounds() -> None:
    db = LciDatabase(
        "dist",
        (Process("a", "a", "kg"),),
        FLOWS[:1],
        (
            Exchange(
                "a", "co2", 2.0, B, Uncertainty(Distribution.UNIFORM, minimum=1.0, maximum=3.0)
            ),
        ),
    )
    s = system(db)
    res = MonteCarlo(s).run(np.array([1.0]), 400, seed=0)
    assert res.scores.min() >= 1.0
    assert res.scores.max() <= 3.0
    assert res.scores.mean() == pytest.approx(2.0, abs=0.1)  # uniform(1, 3): mean 2
