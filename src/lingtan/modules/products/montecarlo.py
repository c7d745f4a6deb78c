"""Monte Carlo over exchange uncertainties (ISO 14044:2006 §4.4.5 uncertainty analysis;
ISO 14067:2018 §6.6 and Annex: the CFP study shall assess uncertainty; GHG Protocol Product
Standard ch. 10).

Each sample draws every uncertain technosphere amount and every uncertain biosphere amount of a
greenhouse gas (flows with a non-zero characterisation factor: the others cannot change the
footprint), rebuilds the matrices in place (their sparsity pattern never changes) and solves
``A_s x = f``. Sample ``i`` depends only on ``(seed, i)``: its generator is
``numpy.random.default_rng([seed, i])``, so results do not depend on the batch size.

Drawing: a lognormal entry (almost all of ecoinvent's) is its signed median ``±exp(μ)``
[float64] times ``exp(σ z)`` computed in float32 (z a float32 standard normal): a different but
equally valid sample; the solve, and the comparison with a direct solve of the same sampled
matrix, are in float64.

Solving (decision 0022): BiCGSTAB with a Jacobi preconditioner (division by the production
amounts on the diagonal), every solve **starting from the demand vector**. Small systems are
solved **in batches, vectorised**: the K sampled matrices form one block-diagonal matrix and K
independent BiCGSTAB iterations run in lockstep (per-sample step lengths), each matrix-vector
product one sparse call. Large systems (> 200,000 non-zeros) are solved one sample at a time
(:meth:`MonteCarlo.solve_one`): a block of several samples no longer fits in the cache.

Acceptance: a sample's solution is kept when its relative residual is below ``rtol`` (1e-7)
and the adjoint (dual-weighted residual) estimate of its score error,
``|λ₀ · (f − A_s x)| / |h|`` with λ₀ the static score vector, is below ``max_error`` (1e-7, an
order of magnitude inside the 1e-6 the issue requires of each sample). The score error is
exactly ``λ_s · r``; λ_s differs from λ₀ by the sampling spread (tens of percent), so the
estimate tracks the true error within that spread (measured within ±30 % on the benchmark
database; the benchmark and the tests compare samples with direct solves). Anything else —
breakdown, no convergence within ``maxiter``, a non-finite value, an estimate above the bound —
falls back to a direct solve of that sample's matrix (PARDISO when installed, else SuperLU of
``A_sᵀ``; decision 0059), counted in ``solver_stats``.

Fixed technosphere: when no technosphere amount is uncertain, every sample has the static
matrix, so the static supply ``x₀`` (one solve with the system's factors, reused) gives every
sample's score ``B_sᵀc · x₀`` with no solve at all (``solver_stats["reused"]``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from lingtan.modules.products.engine import (
    FloatArray,
    LcaSystem,
    UncertaintyArrays,
)
from lingtan.modules.products.lci import Distribution
from lingtan.modules.products.solvers import factorise, superlu_transpose

npt_int = np.ndarray[Any, np.dtype[np.int64]]
npt_bool = np.ndarray[Any, np.dtype[np.bool_]]

#: Default relative residual tolerance ``‖f − A_s x‖ / ‖f‖`` of the iterative solves (a gate:
#: the score-error estimate below decides).
RTOL = 1e-7
#: Default bound on the estimated relative score error of an accepted iterative solution.
MAX_ERROR = 1e-7


@dataclass(frozen=True)
class Sampler:
    """Draws the uncertain entries among a subset of entries, grouped by distribution.

    ``index`` lists the drawn entries (lognormal first, then normal, uniform, triangular);
    :meth:`draw` returns their values in that order, each multiplied by ``factor`` (the
    matrix sign, or a characterisation factor).
    """

    unc: UncertaintyArrays
    index: npt_int
    n_lognormal: int
    n_normal: int
    n_uniform: int
    ln_median: FloatArray
    ln_scale: npt.NDArray[np.float32]
    factor: FloatArray

    @staticmethod
    def of(
        unc: UncertaintyArrays, keep: npt_bool | None = None, factor: FloatArray | None = None
    ) -> Sampler:
        """Sampler of the uncertain entries of ``unc`` where ``keep`` is True; ``factor``
        (one per entry of ``unc``) multiplies each drawn value."""
        mask = np.ones(len(unc.dist), np.bool_) if keep is None else keep

        def ids(d: Distribution) -> npt_int:
            return np.flatnonzero(mask & (unc.dist == d))

        ln, nm, un, tr = (
            ids(d)
            for d in (
                Distribution.LOGNORMAL,
                Distribution.NORMAL,
                Distribution.UNIFORM,
                Distribution.TRIANGULAR,
            )
        )
        index = np.concatenate([ln, nm, un, tr])
        fac = np.ones(len(unc.dist)) if factor is None else factor
        return Sampler(
            unc,
            index,
            len(ln),
            len(nm),
            len(un),
            np.where(unc.negative[ln], -1.0, 1.0) * np.exp(unc.loc[ln]) * fac[ln],
            unc.scale[ln].astype(np.float32),
            fac[index],
        )

    @property
    def size(self) -> int:
        """Number of entries drawn per sample."""
        return len(self.index)

    def draw(self, rng: np.random.Generator) -> FloatArray:
        """One sample of the drawn entries (times ``factor``), in ``index`` order."""
        u, out = self.unc, np.empty(self.size)
        a, b, c = (
            self.n_lognormal,
            self.n_lognormal + self.n_normal,
            self.n_lognormal + self.n_normal + self.n_uniform,
        )
        if a:
            z = rng.standard_normal(a, dtype=np.float32)
            np.multiply(z, self.ln_scale, out=z)
            np.exp(z, out=z)
            np.multiply(self.ln_median, z, out=out[:a])
        if b > a:
            i = self.index[a:b]
            out[a:b] = (u.loc[i] + u.scale[i] * rng.standard_normal(b - a)) * self.factor[a:b]
        if c > b:
            i = self.index[b:c]
            out[b:c] = rng.uniform(u.minimum[i], u.maximum[i]) * self.factor[b:c]
        if self.size > c:
            i = self.index[c:]
            lo, mode, hi = u.minimum[i], u.loc[i], u.maximum[i]
            out[c:] = rng.triangular(lo, np.clip(mode, lo, hi), hi) * self.factor[c:]
        return out


@dataclass(frozen=True)
class MonteCarloResult:
    """Scores of every sample and their summary. Units: kg CO2e per functional unit.

    Attributes:
        scores: one score per sample, in sample order.
        static_score: the deterministic footprint (no sampling).
        seed: the seed; sample i used ``default_rng([seed, i])``.
        solver_stats: how many samples each stage solved (``iterative``, ``direct``).
        seconds: wall time of the sampling and solving [s].
    """

    scores: FloatArray
    static_score: float
    seed: int
    solver_stats: dict[str, int]
    seconds: float
    max_error: float = MAX_ERROR

    @property
    def iterations(self) -> int:
        """Number of samples."""
        return len(self.scores)

    def percentile(self, q: float) -> float:
        """The q-th percentile of the scores [kg CO2e]."""
        return float(np.percentile(self.scores, q))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary."""
        s = self.scores
        return {
            "iterations": self.iterations,
            "seed": self.seed,
            "static_kg_co2e": self.static_score,
            "mean_kg_co2e": float(np.mean(s)),
            "median_kg_co2e": float(np.median(s)),
            "sd_kg_co2e": float(np.std(s, ddof=1)) if len(s) > 1 else 0.0,
            "ci95_kg_co2e": [self.percentile(2.5), self.percentile(97.5)],
            "solver_stats": dict(self.solver_stats),
            "seconds": self.seconds,
        }


def _matvec(a: sp.csr_matrix, v: FloatArray, out: FloatArray) -> FloatArray:
    """``out = a @ v`` for a CSR matrix, without scipy's per-call dispatch (about 0.1 ms, as
    much as the product itself on a 270k-entry matrix); falls back to ``a @ v``."""
    if _csr_matvec is None:
        out[:] = a @ v
        return out
    out.fill(0.0)
    _csr_matvec(a.shape[0], a.shape[1], a.indptr, a.indices, a.data, v, out)
    return out


try:  # scipy's compiled kernel behind ``csr_matrix @ vector``
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - other scipy layouts
    _csr_matvec = None


@dataclass
class MonteCarlo:
    """Monte Carlo engine for one :class:`LcaSystem` (built once; run for many demands).

    Attributes:
        system: the static system (its factorisation gives λ₀ and the static score).
        batch: samples solved together (block-diagonal BiCGSTAB); 0 chooses by size (one
            sample per batch for large systems, whose matrix-vector products are then
            cache-resident; up to 32 for small ones, where Python overhead dominates).
        rtol: relative residual tolerance ``‖f − A_s x‖ / ‖f‖`` of the iterative solves.
        maxiter: iteration limit of the iterative solves.
        max_error: bound on the estimated relative score error of an accepted solution.
    """

    system: LcaSystem
    batch: int = 0
    rtol: float = RTOL
    maxiter: int = 500
    max_error: float = MAX_ERROR
    _tech: Sampler = field(init=False)
    _bio: Sampler = field(init=False)
    _diag: npt_int = field(init=False)
    _tech_pos: npt_int = field(init=False)
    _tech_static: FloatArray = field(init=False)
    _unique: bool = field(init=False)
    _ghg_cols: npt_int = field(init=False)
    _ghg_static: FloatArray = field(init=False)
    _bio_pos: npt_int = field(init=False)
    _blocks: dict[int, sp.csr_matrix] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        d = self.system.data
        pat = self.system.tech_pattern
        self._tech = Sampler.of(d.tech_unc, factor=d.tech_sign)
        # drawn technosphere values land at their CSR positions; entries sharing a coordinate
        # are summed (np.add.at) when the pattern has duplicates
        self._tech_pos = pat.position[self._tech.index]
        self._tech_static = pat.data(d.tech_values)
        self._tech_static[self._tech_pos] = 0.0
        self._unique = pat.nnz == len(pat.position)
        if not self._unique:  # static part of coordinates whose entries are all drawn: 0
            drawn = np.zeros(len(pat.position), np.bool_)
            drawn[self._tech.index] = True
            self._tech_static = pat.data(np.where(drawn, 0.0, d.tech_values))
        # only greenhouse-gas emissions can change the footprint: draw those
        ghg = np.flatnonzero(d.cf[d.bio_rows] != 0.0)
        w = d.bio_values * d.cf[d.bio_rows]
        self._ghg_cols = d.bio_cols[ghg]
        self._ghg_static = w[ghg]
        keep = np.zeros(len(d.bio_rows), np.bool_)
        keep[ghg] = True
        self._bio = Sampler.of(d.bio_unc, keep=keep, factor=d.cf[d.bio_rows])
        where = np.full(len(d.bio_rows), -1, np.int64)
        where[ghg] = np.arange(len(ghg))
        self._bio_pos = where[self._bio.index]
        self._diag = pat.diagonal_positions()
        if self.batch <= 0:
            self.batch = int(np.clip(200_000 // max(pat.nnz, 1), 1, 32))

    # ---- sampling ------------------------------------------------------------------------

    def sample(self, seed: int, i: int) -> tuple[FloatArray, FloatArray]:
        """Sample ``i``: (technosphere CSR data, direct scores ``B_sᵀ c`` per process)."""
        rng = np.random.default_rng([seed, i])
        data = self._tech_static.copy()
        values = self._tech.draw(rng)
        if self._unique:
            data[self._tech_pos] = values
        else:
            np.add.at(data, self._tech_pos, values)
        w = self._ghg_static.copy()
        w[self._bio_pos] = self._bio.draw(rng)
        direct = np.bincount(self._ghg_cols, weights=w, minlength=self.system.n)
        return data, direct.astype(np.float64, copy=False)

    # ---- solving -------------------------------------------------------------------------

    def _block(self, k: int) -> sp.csr_matrix:
        """The block-diagonal CSR structure for k samples (built once per k)."""
        if k not in self._blocks:
            pat = self.system.tech_pattern
            n, nnz = pat.shape[0], pat.nnz
            idx = np.int32 if k * max(nnz, n) < 2**31 - 1 else np.int64
            offs = np.arange(k, dtype=np.int64)
            indptr = np.concatenate(
                [(pat.indptr[:-1][None, :] + (offs * nnz)[:, None]).ravel(), [k * nnz]]
            ).astype(idx)
            indices = (pat.indices[None, :] + (offs * n)[:, None]).ravel().astype(idx)
            m = sp.csr_matrix((np.ones(k * nnz), indices, indptr), shape=(k * n, k * n))
            self._blocks[k] = m
        return self._blocks[k]

    def run(
        self,
        demand: FloatArray,
        iterations: int,
        seed: int = 0,
        progress: Callable[[int], None] | None = None,
    ) -> MonteCarloResult:
        """Sample ``iterations`` footprints of ``demand`` [kg CO2e]."""
        t0 = time.perf_counter()
        f = np.asarray(demand, np.float64)
        lam0 = self.system.score_vector
        static = float(np.einsum("i,i->", lam0, f))
        scores = np.empty(iterations)
        stats = {"iterative": 0, "direct": 0, "reused": 0}
        if self._tech.size == 0:  # fixed technosphere: one supply vector for every sample
            x0 = self.system.supply(f)
            for i in range(iterations):
                scores[i] = float(np.einsum("i,i->", self.sample(seed, i)[1], x0))
            stats["reused"] = iterations
            if progress is not None:
                progress(iterations)
            return MonteCarloResult(
                scores, static, seed, stats, time.perf_counter() - t0, self.max_error
            )
        for start in range(0, iterations, self.batch):
            k = min(self.batch, iterations - start)
            samples = [self.sample(seed, start + j) for j in range(k)]
            data = np.stack([s[0] for s in samples])
            direct = np.stack([s[1] for s in samples])
            if k == 1:
                x1, ok1 = self.solve_one(data[0], direct[0], f, lam0)
                x, ok = x1[None, :], np.array([ok1])
            else:
                x, ok = self.solve(data, direct, f, lam0)
            for j in range(k):
                xj = x[j]
                if ok[j]:
                    stats["iterative"] += 1
                else:
                    xj = self.direct_solve(data[j], f)
                    stats["direct"] += 1
                scores[start + j] = float(np.einsum("i,i->", direct[j], xj))
            if progress is not None:
                progress(k)
        return MonteCarloResult(
            scores, static, seed, stats, time.perf_counter() - t0, self.max_error
        )

    def direct_solve(self, data: FloatArray, f: FloatArray) -> FloatArray:
        """x with ``A_s x = f`` by a direct solve of this sample's matrix (the fallback, and
        the reference the tests and the benchmark compare samples with): the system's solver
        (PARDISO when installed), checked by its residual, else SuperLU with partial
        pivoting."""
        pat = self.system.tech_pattern
        a = sp.csr_matrix((data, pat.indices, pat.indptr), shape=pat.shape)
        fac = factorise(a, self.system.max_fill, self.system.solver)
        x = fac.solve(f)
        r = float(np.linalg.norm(a @ x - f))
        if fac.solver == "superlu" and fac.diag_pivot_thresh == 1.0:
            return x
        if np.isfinite(x).all() and r <= self.system.check_rtol * float(np.linalg.norm(f)):
            return x
        return superlu_transpose(a, self.system.max_fill, 1.0).solve(f)

    def solve_one(
        self, data: FloatArray, direct: FloatArray, f: FloatArray, lam0: FloatArray
    ) -> tuple[FloatArray, bool]:
        """One sample: the same BiCGSTAB as :meth:`solve` with 1-D vectors and Python
        scalars (less overhead per iteration; the score-error estimate is only computed once
        the residual is small)."""
        a = self._block(1)
        a.data = data
        n = len(f)
        piv = data[self._diag] if (self._diag >= 0).all() else np.ones(n)
        with np.errstate(divide="ignore", invalid="ignore"):
            dinv = np.where((piv != 0) & np.isfinite(piv), 1.0 / piv, 1.0)
        unit = bool((dinv == 1.0).all())

        def dot(u: FloatArray, w: FloatArray) -> float:
            return float(np.einsum("i,i->", u, w))

        bnorm2 = dot(f, f)
        tol2 = (self.rtol**2) * bnorm2
        x = f.copy()  # start from the demand vector
        r = np.empty(n)
        _matvec(a, x, r)
        np.subtract(f, r, out=r)
        rhat = r.copy()
        p, v, s, t, tmp = (np.zeros(n) for _ in range(5))
        phat = p if unit else np.empty(n)
        shat = s if unit else np.empty(n)
        rho_old = alpha = omega = 1.0
        converged = False
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for _ in range(self.maxiter):
                rho = dot(rhat, r)
                if rho == 0.0 or omega == 0.0 or not np.isfinite(rho):
                    break
                beta = (rho / rho_old) * (alpha / omega)
                np.multiply(v, omega, out=tmp)  # p = r + β (p − ω v)
                np.subtract(p, tmp, out=p)
                np.multiply(p, beta, out=p)
                np.add(p, r, out=p)
                if not unit:
                    np.multiply(dinv, p, out=phat)
                _matvec(a, phat, v)
                alpha = rho / dot(rhat, v)
                np.multiply(v, alpha, out=s)  # s = r − α v
                np.subtract(r, s, out=s)
                if not unit:
                    np.multiply(dinv, s, out=shat)
                _matvec(a, shat, t)
                tt = dot(t, t)
                omega = dot(t, s) / tt if tt else 0.0
                np.multiply(phat, alpha, out=tmp)  # x += α p̂ + ω ŝ
                np.add(x, tmp, out=x)
                np.multiply(shat, omega, out=tmp)
                np.add(x, tmp, out=x)
                np.multiply(t, omega, out=t)  # r = s − ω t
                np.subtract(s, t, out=r)
                rho_old = rho
                if not (np.isfinite(alpha) and np.isfinite(omega)):
                    break
                if dot(r, r) <= tol2:
                    h = abs(dot(direct, x))
                    if abs(dot(r, lam0)) <= self.max_error * h:
                        converged = True
                        break
        if not converged or not np.isfinite(x).all():
            return x, False
        _matvec(a, x, tmp)  # acceptance on the true residual (the recursive one drifts)
        np.subtract(f, tmp, out=tmp)
        h = abs(dot(direct, x))
        ok = dot(tmp, tmp) <= 100 * tol2 and abs(dot(tmp, lam0)) <= self.max_error * h
        return x, bool(ok and np.isfinite(h))

    def solve(
        self, data: FloatArray, direct: FloatArray, f: FloatArray, lam0: FloatArray
    ) -> tuple[FloatArray, npt_bool]:
        """K Jacobi-preconditioned BiCGSTAB solves in lockstep on the block-diagonal matrix,
        each from the demand vector. Returns the solutions (K × n) and which are accepted.

        A sample stops when ``‖r‖ ≤ rtol ‖f‖`` and its dual-weighted residual estimate of the
        score error ``|λ₀ · r| / |h|`` is at most ``max_error`` (h = ``B_sᵀc · x``).
        Vectors live in preallocated buffers; products use einsum, not BLAS (BLAS threads
        spinning between the many small products of an iterative solve cost more than the
        products; bw2calc limits OpenBLAS to one thread for the same reason).
        """
        k, n = data.shape[0], len(f)
        a = self._block(k)
        a.data = data.reshape(-1)
        piv = data[:, self._diag] if (self._diag >= 0).all() else np.ones((k, n))
        with np.errstate(divide="ignore", invalid="ignore"):
            dinv = np.where((piv != 0) & np.isfinite(piv), 1.0 / piv, 1.0)
        unit_pivots = bool((dinv == 1.0).all())  # production amounts all 1: M = I

        def av(v: FloatArray, out: FloatArray) -> FloatArray:
            _matvec(a, v.reshape(-1), out.reshape(-1))
            return out

        def precondition(u: FloatArray, out: FloatArray) -> None:  # out = M⁻¹ u
            if unit_pivots:
                out[...] = u
            else:
                np.multiply(dinv, u, out=out)

        def dot(u: FloatArray, w: FloatArray) -> FloatArray:
            return cast(FloatArray, np.einsum("ij,ij->i", u, w))

        def dot1(u: FloatArray, w: FloatArray) -> FloatArray:
            return cast(FloatArray, np.einsum("ij,j->i", u, w))

        b = np.broadcast_to(f, (k, n))
        bnorm = float(np.sqrt(np.einsum("i,i->", f, f)))
        x = np.array(b)  # start from the demand vector
        r = np.empty((k, n))
        av(x, r)
        np.subtract(b, r, out=r)
        rhat = r.copy()
        p, v, s, t = (np.zeros((k, n)) for _ in range(4))
        phat, shat, tmp = (np.empty((k, n)) for _ in range(3))
        rho_old = alpha = omega = np.ones(k)
        active = np.ones(k, np.bool_)
        failed = np.zeros(k, np.bool_)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for _ in range(self.maxiter):
                rho = dot(rhat, r)
                beta = (rho / rho_old) * (alpha / omega)
                np.multiply(v, omega[:, None], out=tmp)  # p = r + β (p − ω v)
                np.subtract(p, tmp, out=p)
                np.multiply(p, beta[:, None], out=p)
                np.add(p, r, out=p)
                precondition(p, phat)
                av(phat, v)
                alpha = rho / dot(rhat, v)
                np.multiply(v, alpha[:, None], out=s)  # s = r − α v
                np.subtract(r, s, out=s)
                precondition(s, shat)
                av(shat, t)
                omega = dot(t, s) / dot(t, t)
                on = active.astype(np.float64)
                np.multiply(phat, (alpha * on)[:, None], out=phat)  # x += α p̂ + ω ŝ
                np.add(x, phat, out=x)
                np.multiply(shat, (omega * on)[:, None], out=shat)
                np.add(x, shat, out=x)
                np.multiply(t, omega[:, None], out=t)  # r = s − ω t (active samples)
                np.subtract(s, t, out=s)
                if active.all():
                    r, s = s, r
                else:
                    r = np.where(active[:, None], s, r)
                rho_old = rho
                failed |= active & (~np.isfinite(alpha) | ~np.isfinite(omega) | (omega == 0))
                done = np.sqrt(dot(r, r)) <= self.rtol * bnorm
                done &= np.abs(dot1(r, lam0)) <= self.max_error * np.abs(dot(direct, x))
                active &= ~failed & ~done
                if not active.any():
                    break
        # acceptance on the true residual (the recursive one drifts)
        resid = av(x, np.empty((k, n)))
        np.subtract(b, resid, out=resid)
        h = np.abs(dot(direct, x))
        ok = ~failed & ~active & np.isfinite(x).all(axis=1) & np.isfinite(h)
        ok &= np.sqrt(dot(resid, resid)) <= 10 * self.rtol * bnorm
        ok &= np.abs(dot1(resid, lam0)) <= self.max_error * np.maximum(h, np.finfo(float).tiny)
        return x, ok
