"""Product LCA benchmark (issues 6 and 14): ``python -m benchmarks.lca`` (``make bench-lca``).

A synthetic database of ecoinvent-like shape (20,000 processes: 4,000 markets fed by 16,000
producers; about 270,000 technosphere non-zeros; 2,000 elementary flows of which 12 are
greenhouse gases; lognormal uncertainty on every input and emission; one giant strongly
connected component, as ecoinvent has, so SuperLU on ``Aᵀ`` takes about as long as on
ecoinvent) and 10,000 product configurations (laptop-like BOMs of ~60 demand lines over five
life-cycle stages). lingtan and bw2calc get the same arrays (bw2calc through an in-memory
``bw_processing`` datapackage, built before its clock starts, as lingtan's arrays are).

Every run is a fresh process (``benchmarks/_harness.py``), variants interleaved round-robin
with a rotated order; ratios are paired (yardstick ÷ lingtan in the same round), printed as
median (min–max); the 1-minute load average is recorded with every run. Nothing outside the
measured work is inside a clock: each child imports its libraries and builds its inputs
(arrays, datapackage, demand dictionaries) first.

``…-pardiso1``: bw2calc with ``MKL_NUM_THREADS=1`` (lingtan picks its PARDISO thread count
from the idle cores, decision 0059; this gives bw2calc the same advantage on a busy machine).

Sparse solver: ``…-pardiso`` variants use Intel MKL PARDISO (``pypardiso``, the ``fast``
extra) on both sides; ``…-superlu`` variants run without it (lingtan:
``LINGTAN_SPARSE_SOLVER=superlu``; bw2calc: ``pypardiso`` hidden from its import, so it falls
back to SciPy's SuperLU, as on a machine without MKL).

* ``cold``     one footprint from the arrays: build, factorise, solve, characterise (bw2calc:
               ``LCA(…)``, ``lci()``, ``lcia()``, including its matrix building from the
               datapackage).
* ``configs``  10,000 configuration footprints. lingtan: factorise once, one adjoint solve,
               then ``D λ`` with the breakdown by stage. Yardsticks: bw2calc's adjoint path
               ``FastScoresOnlyMultiLCA(direction="adjoint")`` on the 10,000 demands (totals
               only, no stage breakdown: favours bw2calc); and, kept and labelled, the earlier
               yardstick ``lci(factorize=True)`` then ``redo_lcia`` per demand with SuperLU
               (timed on ``--bw-fus`` demands, extrapolated to 10,000).
* ``mc``       seconds per Monte Carlo iteration: lingtan's BiCGSTAB with the adjoint error
               check vs ``bw2calc.IterativeLCA(use_distributions=True)``; lingtan's samples are
               checked against direct solves in the first round (``--verify``).

Results are printed as markdown tables; copy them to ``docs/benchmarks.md`` ("Product LCA").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).parent / "out"
SEED = 20240601
N_PROCESSES = 20_000
N_MARKETS = 4_000
TARGET_NNZ = 281_000
N_FLOWS = 2_000
N_CONFIGS = 10_000
LINES_PER_CONFIG = 60
#: GHG elementary flows of the synthetic biosphere: (gas, share of processes emitting it)
GHG_FLOWS = (
    ("CO2", 0.9),
    ("CO2", 0.3),
    ("CO2", 0.2),
    ("CH4_fossil", 0.4),
    ("CH4_nonfossil", 0.1),
    ("N2O", 0.3),
    ("N2O", 0.05),
    ("SF6", 0.01),
    ("HFC134a", 0.02),
    ("CF4", 0.01),
    ("C2F6", 0.01),
    ("NF3", 0.005),
)


# --------------------------------------------------------------------------------------------
# the synthetic database
# --------------------------------------------------------------------------------------------


def generate(seed: int = SEED) -> dict[str, np.ndarray]:
    """Arrays of the synthetic database and configurations (see module docstring).

    Technosphere inputs are built from value shares: process j spends a share s_ij < 0.8 of
    its output value on input i, amount a_ij = s_ij · p_j / p_i with prices p spread over
    orders of magnitude (lognormal σ = 2), so A = I − T has the magnitudes of real data and a
    spectral radius of T below 1, as a productive economy has.
    """
    rng = np.random.default_rng(seed)
    n, m_ = N_PROCESSES, N_MARKETS
    p_ = n - m_
    prod_market = np.sort(rng.integers(0, m_, p_))
    univ = rng.choice(m_, 60, replace=False)  # electricity, heat, transport, infrastructure …
    wu = 1.0 / np.arange(1, 61) ** 1.2
    wu /= wu.sum()
    popularity = 1.0 / (1 + rng.permutation(m_)) ** 0.8
    rows = [m_ + np.arange(p_)]
    cols = [prod_market]
    budget = TARGET_NNZ - n - p_
    deg = rng.lognormal(np.log(10), 0.7, p_)
    deg = np.maximum(1, np.round(deg * budget / deg.sum())).astype(np.int64)
    c = np.repeat(m_ + np.arange(p_), deg)
    mk = np.repeat(prod_market, deg)
    is_univ = rng.random(len(c)) < 0.15
    r = np.empty(len(c), np.int64)
    r[is_univ] = univ[rng.choice(60, int(is_univ.sum()), p=wu)]
    o = ~is_univ
    cand = (rng.random((int(o.sum()), 4)) * np.maximum(mk[o], 1)[:, None]).astype(np.int64)
    pick = np.argmax(popularity[cand] * rng.random(cand.shape), axis=1)
    r[o] = cand[np.arange(len(cand)), pick]
    rows.append(r)
    cols.append(c)
    rr, cc = np.concatenate(rows), np.concatenate(cols)
    lin = np.unique(rr * n + cc)  # one entry per coordinate
    rr, cc = lin // n, lin % n
    price = rng.lognormal(0.0, 2.0, n)
    share = rng.random(len(rr))
    target = rng.uniform(0.3, 0.8, n)
    target[:m_] = 1.0  # a market's producers supply all of it
    col_total = np.bincount(cc, weights=share, minlength=n)
    share *= (target / np.where(col_total > 0, col_total, 1.0))[cc]
    amount = share * price[cc] / price[rr]
    sigma = rng.uniform(0.05, 0.3, len(rr))

    # biosphere: 12 GHG flows + 1,988 others; ~20 entries per producer
    b_rows, b_cols = [], []
    for f, (_, frac) in enumerate(GHG_FLOWS):
        who = m_ + np.flatnonzero(rng.random(p_) < frac)
        b_rows.append(np.full(len(who), f))
        b_cols.append(who)
    k = 18 * p_
    b_rows.append(rng.integers(len(GHG_FLOWS), N_FLOWS, k))
    b_cols.append(rng.integers(m_, n, k))
    br, bc = np.concatenate(b_rows), np.concatenate(b_cols)
    blin = np.unique(br * n + bc)
    br, bc = blin // n, blin % n
    b_amount = rng.lognormal(-3.0, 2.0, len(br)) / price[bc] * 1e-4  # ~10² kg per config
    b_sigma = rng.uniform(0.05, 0.5, len(br))

    # configurations: a laptop family of 10,000 configurations, ~60 lines each over 2,000
    # component processes, stage = line position (materials, manufacturing, distribution,
    # use, end of life)
    pool = m_ + rng.choice(p_, 2_000, replace=False)
    cfg = np.repeat(np.arange(N_CONFIGS), LINES_PER_CONFIG)
    proc = pool[rng.integers(0, len(pool), len(cfg))]
    qty = rng.lognormal(0.0, 1.0, len(cfg)) / price[proc]
    stage = np.tile(np.repeat(np.arange(5), LINES_PER_CONFIG // 5), N_CONFIGS)
    return {
        "tech_rows": rr,
        "tech_cols": cc,
        "tech_amount": amount,
        "tech_sigma": sigma,
        "bio_rows": br,
        "bio_cols": bc,
        "bio_amount": b_amount,
        "bio_sigma": b_sigma,
        "cfg": cfg,
        "proc": proc,
        "qty": qty,
        "stage": stage,
    }


def load() -> dict[str, np.ndarray]:
    """The cached arrays (generated on first use into ``benchmarks/out/``)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"lca-synthetic-v2-{SEED}.npz"
    if not path.exists():
        np.savez(path, **generate())
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def cf_vector() -> np.ndarray:
    """AR6 GWP100 of the 12 GHG flows, 0 for the other flows [kg CO2e / kg]."""
    from lingtan.adapters.io.factor_files import read_gwp_sets

    ar6 = read_gwp_sets()["AR6"]
    cf = np.zeros(N_FLOWS)
    for i, (gas, _) in enumerate(GHG_FLOWS):
        cf[i] = ar6.gwp(gas)
    return cf


def lingtan_data(a: dict[str, np.ndarray]) -> Any:
    """:class:`MatrixData` of the synthetic database (production on the diagonal)."""
    from lingtan.modules.products.engine import MatrixData, UncertaintyArrays
    from lingtan.modules.products.lci import Distribution

    n = N_PROCESSES
    t_rows = np.concatenate([np.arange(n), a["tech_rows"]])
    t_cols = np.concatenate([np.arange(n), a["tech_cols"]])
    t_amount = np.concatenate([np.ones(n), a["tech_amount"]])
    t_sign = np.concatenate([np.ones(n), -np.ones(len(a["tech_rows"]))])
    t_dist = np.concatenate(
        [np.full(n, Distribution.NONE), np.full(len(a["tech_rows"]), Distribution.LOGNORMAL)]
    ).astype(np.uint8)
    t_sigma = np.concatenate([np.full(n, np.nan), a["tech_sigma"]])
    nan_t = np.full(len(t_rows), np.nan)
    tech = UncertaintyArrays(
        t_dist, np.log(t_amount), t_sigma, nan_t, nan_t, np.zeros(len(t_rows), bool), t_amount
    )
    nb = len(a["bio_rows"])
    nan_b = np.full(nb, np.nan)
    bio = UncertaintyArrays(
        np.full(nb, Distribution.LOGNORMAL, np.uint8),
        np.log(a["bio_amount"]),
        a["bio_sigma"],
        nan_b,
        nan_b,
        np.zeros(nb, bool),
        a["bio_amount"],
    )
    return MatrixData(
        process_keys=tuple(str(i) for i in range(n)),
        flow_keys=tuple(str(i) for i in range(N_FLOWS)),
        tech_rows=t_rows,
        tech_cols=t_cols,
        tech_sign=t_sign,
        tech_unc=tech,
        bio_rows=a["bio_rows"],
        bio_cols=a["bio_cols"],
        bio_unc=bio,
        cf=cf_vector(),
        method="IPCC AR6 GWP100",
        database="synthetic",
    )


#: bw2calc ids: processes 1..n, flows n+1..n+m (any integers will do).
def _pid(i: np.ndarray) -> np.ndarray:
    return i + 1


def _fid(i: np.ndarray) -> np.ndarray:
    return i + 1 + N_PROCESSES


def bw_datapackage(a: dict[str, np.ndarray]) -> Any:
    """The same database as an in-memory ``bw_processing`` datapackage."""
    import bw_processing as bwp

    n = N_PROCESSES
    dp = bwp.create_datapackage()

    def indices(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        out = np.empty(len(r), dtype=bwp.INDICES_DTYPE)
        out["row"], out["col"] = r, c
        return out

    def dists(kind: np.ndarray, loc: np.ndarray, scale: np.ndarray) -> np.ndarray:
        d = np.zeros(len(kind), dtype=bwp.UNCERTAINTY_DTYPE)
        d["uncertainty_type"], d["loc"], d["scale"] = kind, loc, scale
        d["minimum"] = d["maximum"] = d["shape"] = np.nan
        return d

    t_rows = np.concatenate([np.arange(n), a["tech_rows"]])
    t_cols = np.concatenate([np.arange(n), a["tech_cols"]])
    t_amount = np.concatenate([np.ones(n), a["tech_amount"]])
    kinds = np.concatenate([np.zeros(n), np.full(len(a["tech_rows"]), 2)]).astype(np.uint8)
    dp.add_persistent_vector(
        matrix="technosphere_matrix",
        indices_array=indices(_pid(t_rows), _pid(t_cols)),
        data_array=t_amount,
        flip_array=np.concatenate([np.zeros(n, bool), np.ones(len(a["tech_rows"]), bool)]),
        # stats_arrays: "no uncertainty" entries draw their loc, lognormal ones exp(loc + σz)
        distributions_array=dists(
            kinds,
            np.where(kinds == 2, np.log(t_amount), t_amount),
            np.concatenate([np.zeros(n), a["tech_sigma"]]),
        ),
    )
    dp.add_persistent_vector(
        matrix="biosphere_matrix",
        indices_array=indices(_fid(a["bio_rows"]), _pid(a["bio_cols"])),
        data_array=a["bio_amount"],
        distributions_array=dists(
            np.full(len(a["bio_rows"]), 2, np.uint8), np.log(a["bio_amount"]), a["bio_sigma"]
        ),
    )
    cf = cf_vector()
    flows = np.arange(N_FLOWS)
    dp.add_persistent_vector(
        matrix="characterization_matrix",
        indices_array=indices(_fid(flows), _fid(flows)),
        data_array=cf,
        identifier=["lingtan", "gwp"],  # the impact category MultiLCA classes select by
    )
    return dp


def _bw(solver: str = "pardiso") -> Any:
    """bw2calc, with PARDISO (when pypardiso is installed) or, for ``superlu``, with pypardiso
    hidden from its import so that it falls back to SciPy, as on a machine without MKL."""
    if solver == "superlu":
        sys.modules["pypardiso"] = None  # type: ignore[assignment]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bw2calc

    if (solver == "pardiso") != bool(bw2calc.PYPARDISO):
        raise SystemExit(f"bw2calc: asked for {solver}, PYPARDISO is {bw2calc.PYPARDISO}")
    return bw2calc


# --------------------------------------------------------------------------------------------
# variants (each in its own process)
# --------------------------------------------------------------------------------------------


def _demand_index(a: dict[str, np.ndarray], c: int) -> dict[int, float]:
    sel = a["cfg"] == c
    out: dict[int, float] = {}
    for p, q in zip(a["proc"][sel], a["qty"][sel], strict=True):
        out[int(p)] = out.get(int(p), 0.0) + float(q)
    return out


def _demands(a: dict[str, np.ndarray], k: int) -> list[dict[int, float]]:
    """Demand dictionaries (bw2calc ids) of the first ``k`` configurations (one sort, no scan
    per configuration)."""
    sel = a["cfg"] < k
    cfg, proc, qty = a["cfg"][sel], a["proc"][sel], a["qty"][sel]
    order = np.argsort(cfg, kind="stable")
    out: list[dict[int, float]] = [{} for _ in range(k)]
    rows = zip(cfg[order].tolist(), _pid(proc[order]).tolist(), qty[order].tolist(), strict=True)
    for c, p, q in rows:
        d = out[c]
        d[p] = d.get(p, 0.0) + q
    return out


def _demand_vector(a: dict[str, np.ndarray], n: int) -> np.ndarray:
    f = np.zeros(n)
    for i, q in _demand_index(a, 0).items():
        f[i] += q
    return f


def run_variant(name: str, opts: dict[str, Any]) -> dict[str, float]:
    """Run one variant in this process; returns ``seconds`` (the measured work) and extras."""
    a = load()
    kind, tool, solver = name.split("-", 2)
    res: dict[str, float] = {}
    if tool == "lingtan":
        from lingtan.modules.products.solvers import SOLVER_ENV, choose_solver

        os.environ[SOLVER_ENV] = solver
        choose_solver()  # imports pypardiso and loads MKL before any clock, as bw2calc does
    elif solver == "pardiso1":  # bw2calc with PARDISO on one MKL thread (set before MKL loads)
        os.environ["MKL_NUM_THREADS"] = "1"
        solver = "pardiso"
    if kind == "cold" and tool == "lingtan":
        from lingtan.modules.products.engine import LcaSystem

        md = lingtan_data(a)
        f_idx = _demand_index(a, 0)
        t0 = time.perf_counter()
        sys_ = LcaSystem(md)
        f = np.zeros(sys_.n)
        for i, q in f_idx.items():
            f[i] += q
        x = sys_.supply(f)
        score = float(sys_.direct_scores @ x)
        res.update(seconds=time.perf_counter() - t0, score=score, fill=sys_.factors.fill)
        res["factorise_s"] = sys_.factors.seconds
    elif kind == "cold":
        bc = _bw(solver)
        dp = bw_datapackage(a)
        (demand,) = _demands(a, 1)
        t0 = time.perf_counter()
        lca = bc.LCA(demand, data_objs=[dp])
        lca.lci()
        lca.lcia()
        res.update(seconds=time.perf_counter() - t0, score=float(lca.score))
    elif kind == "configs" and tool == "lingtan":
        import scipy.sparse as sp

        from lingtan.modules.products.engine import LcaSystem
        from lingtan.modules.products.footprint import configuration_scores

        md = lingtan_data(a)
        t0 = time.perf_counter()
        sys_ = LcaSystem(md)
        _ = sys_.score_vector  # one factorisation, one adjoint solve
        t1 = time.perf_counter()
        totals, _by_stage = configuration_scores(
            sys_, a["cfg"], a["proc"], a["qty"], a["stage"], N_CONFIGS
        )
        t2 = time.perf_counter()
        d = sp.csr_matrix((a["qty"], (a["cfg"], a["proc"])), shape=(N_CONFIGS, sys_.n))
        check = sys_.scores(d)
        res.update(
            seconds=t2 - t0,
            setup_s=t1 - t0,
            scores_s=t2 - t1,
            score0=float(totals[0]),
            max_rel_vs_matrix=float(np.max(np.abs(check - totals) / np.abs(totals))),
        )
    elif kind == "configs" and tool == "bw2calc":  # FastScoresOnlyMultiLCA, adjoint
        bc = _bw(solver)
        dp = bw_datapackage(a)
        demands = {str(c): d for c, d in enumerate(_demands(a, N_CONFIGS))}
        config = {"impact_categories": [("lingtan", "gwp")]}
        t0 = time.perf_counter()
        lca = bc.FastScoresOnlyMultiLCA(demands, config, [dp], direction="adjoint")
        next(lca)
        t1 = time.perf_counter()
        scores = np.asarray(lca.scores)  # [impact category, demand]
        res.update(seconds=t1 - t0, score0=float(scores[0, 0]), demands=scores.shape[1])
    elif kind == "configs":  # configs-bw2redo-…: the earlier yardstick
        bc = _bw(solver)
        dp = bw_datapackage(a)
        k = int(opts["bw_fus"])
        demands = _demands(a, k)
        t0 = time.perf_counter()
        lca = bc.LCA(demands[0], data_objs=[dp])
        lca.lci(factorize=True)
        lca.lcia()
        t1 = time.perf_counter()
        scores = [float(lca.score)]
        for dmd in demands[1:]:
            lca.redo_lcia(dmd)
            scores.append(float(lca.score))
        t2 = time.perf_counter()
        rate = (k - 1) / (t2 - t1)
        res.update(
            setup_s=t1 - t0,
            per_second=rate,
            seconds=(t1 - t0) + N_CONFIGS / rate,
            measured_fus=k,
            score0=scores[0],
        )
    elif kind == "mc" and tool == "lingtan":
        from lingtan.modules.products.engine import LcaSystem
        from lingtan.modules.products.montecarlo import MonteCarlo

        md = lingtan_data(a)
        sys_ = LcaSystem(md)
        f = _demand_vector(a, sys_.n)
        mc = MonteCarlo(sys_, batch=int(opts["batch"]))
        mc.run(f, 2, seed=1)  # warm-up: static factorisation and λ₀ before the clock
        k = int(opts["mc"])
        t0 = time.perf_counter()
        r = mc.run(f, k, seed=SEED)
        dt = time.perf_counter() - t0
        res.update(
            seconds=dt / k,
            iterations=k,
            iterative=r.solver_stats["iterative"],
            direct=r.solver_stats["direct"],
        )
        nv = int(opts.get("verify", 0))
        if nv:
            worst = 0.0
            for i in range(nv):
                data, direct = mc.sample(SEED, i)
                x = mc.direct_solve(data, f)
                exact = float(direct @ x)
                worst = max(worst, abs(r.scores[i] - exact) / abs(exact))
            res.update(verified=nv, max_rel_vs_direct=worst)
    elif kind == "mc":
        bc = _bw(solver)
        dp = bw_datapackage(a)
        (demand,) = _demands(a, 1)
        lca = bc.IterativeLCA(
            demand,
            data_objs=[dp],
            use_distributions=True,
            seed_override=SEED,
            jacobi_pairing="diagonal",
        )
        lca.lci()
        lca.lcia()
        next(lca)  # first sample: the direct reference factorisation, before the clock
        k = int(opts["bw_mc"])
        t0 = time.perf_counter()
        for _ in range(k):
            next(lca)
        dt = time.perf_counter() - t0
        res.update(seconds=dt / k, iterations=k)
        res.update({f"stage_{key}": float(v) for key, v in dict(lca.solver_stats).items()})
    else:
        raise SystemExit(f"unknown variant {name}")
    return res


#: variant name: kind-tool-solver (tool ``bw2redo``: bw2calc's earlier redo_lcia loop)
VARIANTS = (
    "cold-lingtan-pardiso",
    "cold-bw2calc-pardiso",
    "cold-bw2calc-pardiso1",
    "cold-lingtan-superlu",
    "cold-bw2calc-superlu",
    "configs-lingtan-pardiso",
    "configs-bw2calc-pardiso",
    "configs-bw2calc-pardiso1",
    "configs-lingtan-superlu",
    "configs-bw2redo-superlu",
    "mc-lingtan-pardiso",
    "mc-bw2calc-pardiso",
    "mc-bw2calc-pardiso1",
    "mc-lingtan-superlu",
    "mc-bw2calc-superlu",
)

#: (lingtan variant, yardstick, label, goal: yardstick ÷ lingtan, or None)
COMPARISONS: tuple[tuple[str, str, str, float | None], ...] = (
    ("cold-lingtan-pardiso", "cold-bw2calc-pardiso", "cold footprint, both PARDISO", 1.0),
    (
        "cold-lingtan-pardiso",
        "cold-bw2calc-pardiso1",
        "cold footprint, bw2calc PARDISO on 1 MKL thread",
        1.0,
    ),
    ("cold-lingtan-superlu", "cold-bw2calc-superlu", "cold footprint, both SuperLU", None),
    (
        "cold-lingtan-pardiso",
        "cold-bw2calc-superlu",
        "cold: lingtan PARDISO vs bw2calc SuperLU",
        None,
    ),
    ("cold-lingtan-pardiso", "cold-lingtan-superlu", "cold: lingtan PARDISO vs SuperLU", None),
    ("cold-lingtan-superlu", "cold-bw2calc-pardiso", "cold: SuperLU vs bw2calc PARDISO", None),
    (
        "configs-lingtan-superlu",
        "configs-bw2calc-pardiso",
        "10,000 configurations: lingtan SuperLU, bw2calc adjoint PARDISO",
        None,
    ),
    (
        "configs-lingtan-pardiso",
        "configs-bw2calc-pardiso",
        "10,000 configurations vs FastScoresOnlyMultiLCA adjoint, both PARDISO",
        2.0,
    ),
    (
        "configs-lingtan-pardiso",
        "configs-bw2calc-pardiso1",
        "10,000 configurations vs the adjoint path, bw2calc on 1 MKL thread",
        2.0,
    ),
    (
        "configs-lingtan-superlu",
        "configs-bw2redo-superlu",
        "10,000 configurations vs the redo_lcia loop (earlier yardstick), both SuperLU",
        None,
    ),
    ("mc-lingtan-pardiso", "mc-bw2calc-pardiso", "Monte Carlo per iteration, both PARDISO", 5.0),
    (
        "mc-lingtan-pardiso",
        "mc-bw2calc-pardiso1",
        "Monte Carlo per iteration, bw2calc PARDISO on 1 MKL thread",
        5.0,
    ),
    ("mc-lingtan-superlu", "mc-bw2calc-superlu", "Monte Carlo per iteration, both SuperLU", 5.0),
)


def main(argv: list[str] | None = None) -> int:
    """Run every variant in fresh processes, interleaved, and print the tables."""
    from benchmarks import _harness as h

    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("--variant", help=argparse.SUPPRESS)
    ap.add_argument("--opts", default="{}", help=argparse.SUPPRESS)
    ap.add_argument("--mc", type=int, default=100, help="lingtan Monte Carlo iterations")
    ap.add_argument("--bw-mc", type=int, default=10, help="bw2calc IterativeLCA iterations")
    ap.add_argument("--bw-fus", type=int, default=100, help="redo_lcia demands timed")
    ap.add_argument("--batch", type=int, default=0, help="lingtan MC batch size (0: auto)")
    ap.add_argument("--verify", type=int, default=8, help="MC samples checked by direct solve")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    ap.add_argument("--only", default="", help="comma-separated kinds (cold,configs,mc)")
    ap.add_argument("--skip", default="", help="comma-separated variants to leave out")
    args = ap.parse_args(argv)
    if args.variant:
        res = run_variant(args.variant, json.loads(args.opts))
        h.report(res.pop("seconds"), **res)
        return 0
    opts = {
        "mc": args.mc,
        "bw_mc": args.bw_mc,
        "bw_fus": args.bw_fus,
        "batch": args.batch,
        "verify": args.verify,
    }
    load()  # generate the data once, before any clock
    kinds = set(args.only.split(",")) if args.only else None
    skip = set(args.skip.split(","))
    chosen = [v for v in VARIANTS if (kinds is None or v.split("-")[0] in kinds) and v not in skip]
    env = {"BRIGHTWAY2_DIR": os.environ.get("BRIGHTWAY2_DIR") or tempfile.mkdtemp(prefix="bw-")}
    extras: dict[str, list[dict[str, float]]] = {v: [] for v in chosen}

    def measure(v: str, r: int) -> h.Run:
        o = dict(opts, verify=opts["verify"] if r == 0 else 0)
        load1 = h.load1()
        secs, peak, extra = h.run_python(
            "benchmarks.lca", ["--variant", v, "--opts", json.dumps(o)], env=env
        )
        extras[v].append(extra)
        return h.Run(v, r, secs, peak, load1, extra)

    print(f"load before: {h.loads()}", file=sys.stderr)
    runs = list(h.interleave(chosen, args.rounds, measure))
    print(f"python -m benchmarks.lca {' '.join(argv if argv is not None else sys.argv[1:])}")
    print(f"load after: {h.loads()}\n")
    print(table(runs, extras, args.rounds))
    return 0


def _g(x: float) -> str:
    return f"{x:.3g}"


def table(runs: list[Any], extras: dict[str, list[dict[str, float]]], rounds: int) -> str:
    """The markdown tables: every variant (median and spread, peak, load), then the paired
    comparisons with their goals, then the numerical checks."""
    from benchmarks import _harness as h

    summ = h.summarise(runs)
    lines = [
        f"{rounds} interleaved rounds, a fresh process per run; seconds per run (Monte Carlo: "
        "per iteration)",
        "",
        "| variant | median s (min–max) | peak MiB | load 1-min, median (max) |",
        "|---|---|---|---|",
    ]
    for v, s in summ.items():
        lines.append(
            f"| {v} | {_g(s.median_s)} ({_g(s.min_s)}–{_g(s.max_s)}) | {s.peak_mib:.0f} | "
            f"{s.load_median:.1f} ({s.load_max:.1f}) |"
        )
    lines += [
        "",
        "| comparison | yardstick ÷ lingtan, paired median (min–max) | goal | met |",
        "|---|---|---|---|",
    ]
    for v, ref, label, goal in COMPARISONS:
        r = h.paired_ratios(runs, ref, v)
        if r is None:
            continue
        g = "" if goal is None else f"≥ {goal:g}×"
        if goal is None:
            met = ""
        elif r.median >= goal:
            met = "yes"
        else:
            met = f"**no**: {goal / r.median:.2f}× to go"
        lines.append(f"| {label} | {r.median:.2f}× ({r.low:.2f}–{r.high:.2f}) | {g} | {met} |")

    def first(v: str, key: str) -> float | None:
        for e in extras.get(v, []):
            if key in e:
                return e[key]
        return None

    notes = []
    for v in ("cold-lingtan-pardiso", "cold-lingtan-superlu"):
        fill, fs = first(v, "fill"), first(v, "factorise_s")
        if fill is not None and fs is not None:
            notes.append(f"{v}: factors {fill:.1f}× the non-zeros of A, factorised in {fs:.2f} s")
    for tool in ("pardiso", "superlu"):
        sl, sb = first(f"cold-lingtan-{tool}", "score"), first(f"cold-bw2calc-{tool}", "score")
        if sl is not None and sb is not None:
            notes.append(
                f"cold scores ({tool}): lingtan {sl:.10g}, bw2calc {sb:.10g} "
                f"(rel. diff {abs(sl - sb) / abs(sb):.1e})"
            )
    gl, gb = first("configs-lingtan-pardiso", "score0"), first("configs-bw2calc-pardiso", "score0")
    if gl is not None and gb is not None:
        notes.append(
            f"configuration 0: lingtan {gl:.10g}, bw2calc adjoint {gb:.10g} "
            f"(rel. diff {abs(gl - gb) / abs(gb):.1e})"
        )
    for v in ("mc-lingtan-pardiso", "mc-lingtan-superlu"):
        w = first(v, "max_rel_vs_direct")
        if w is not None:
            notes.append(
                f"{v}: {first(v, 'verified'):.0f} samples vs direct solves, max rel. diff "
                f"{w:.1e} (bound 1e-6); solved iteratively {first(v, 'iterative'):.0f}, "
                f"directly {first(v, 'direct'):.0f} of {first(v, 'iterations'):.0f}"
            )
    for v in ("mc-bw2calc-pardiso", "mc-bw2calc-pardiso1", "mc-bw2calc-superlu"):
        if extras.get(v):
            stages = {k: x for k, x in extras[v][0].items() if k.startswith("stage_")}
            notes.append(f"{v}: solver stages (round 1) {stages}")
    return "\n".join([*lines, "", *(f"- {n}" for n in notes)])


if __name__ == "__main__":
    raise SystemExit(main())
