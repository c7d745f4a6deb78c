"""Sparse direct solvers for the technosphere matrix: Intel MKL PARDISO when installed, SciPy's
SuperLU otherwise (decision 0059).

One interface, :class:`Factorisation`: factorise ``A`` once, then solve ``A x = f`` and the
adjoint ``Aᵀ λ = s`` for any number of right-hand sides (a vector, or an n × k block) with the
same factors. Both backends factor once and solve both directions:

- **PARDISO** (``pypardiso`` from PyPI, which brings Intel's ``mkl`` wheel; x86-64 only) with
  MKL's defaults for real unsymmetric matrices (nested dissection on the pattern of
  ``A + Aᵀ``, scaling and weighted matching, supernodal factorisation), the transposed solve by
  ``iparm(12)`` with the factors of ``A``. Small pivots are perturbed (1e-13) rather than
  failing; the caller checks every solve's residual and refactorises with SuperLU and partial
  pivoting when the check fails (:class:`~.engine.LcaSystem`).
- **SuperLU** (SciPy, always present) of ``Aᵀ`` with COLAMD, as before (decision 0020).

Threads: PARDISO runs on MKL's OpenMP threads, by default one per core. lingtan runs its
PARDISO calls on ``$LINGTAN_SOLVER_THREADS`` threads (``MKL_Set_Num_Threads_Local``, this
thread only); unset, on MKL's setting when ``MKL_NUM_THREADS`` or ``OMP_NUM_THREADS`` is set,
else on **one** thread: on a machine whose cores are busy, OpenMP barriers wait for descheduled
threads (measured 2.2× slower with 2 threads than with 1 on 2 shared cores). Results do not
depend on the thread count beyond rounding.

Choice: the ``solver`` argument, else the environment variable ``LINGTAN_SPARSE_SOLVER``
(``auto``, ``pardiso`` or ``superlu``), else ``auto``: PARDISO when ``pypardiso`` imports and
finds MKL, SuperLU otherwise. Results agree to rounding (the tests compare both on the same
systems at 1e-9 relative).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.linalg import SuperLU, splu

from lingtan.modules.products.errors import FactorisationError

FloatArray = npt.NDArray[np.float64]

#: Environment variable naming the sparse solver: ``auto`` (default), ``pardiso``, ``superlu``.
SOLVER_ENV = "LINGTAN_SPARSE_SOLVER"
PARDISO = "pardiso"
SUPERLU = "superlu"
AUTO = "auto"
SOLVERS = (AUTO, PARDISO, SUPERLU)

#: Environment variable: threads for lingtan's PARDISO calls (unset: see the module docstring).
THREADS_ENV = "LINGTAN_SOLVER_THREADS"

#: Default limit on LU fill: factor non-zeros / technosphere non-zeros (decision 0020).
MAX_FILL = 50.0


class Factorisation(Protocol):
    """LU factors of a square technosphere matrix ``A`` and what they cost.

    Attributes:
        solver: ``pardiso`` or ``superlu``.
        fill: non-zeros of the factors / non-zeros of ``A``.
        seconds: wall time of the factorisation [s].
        diag_pivot_thresh: SuperLU's diagonal pivot threshold (1.0: partial pivoting; PARDISO
            reports 0.0, diagonal pivots with perturbation).
    """

    @property
    def solver(self) -> str: ...

    @property
    def fill(self) -> float: ...

    @property
    def seconds(self) -> float: ...

    @property
    def diag_pivot_thresh(self) -> float: ...

    def solve(self, demand: FloatArray) -> FloatArray:
        """x with ``A x = demand`` (``demand`` may be n × k for k right-hand sides)."""
        ...

    def solve_adjoint(self, rhs: FloatArray) -> FloatArray:
        """λ with ``Aᵀ λ = rhs`` (``rhs`` may be n × k)."""
        ...


# ---- choosing ---------------------------------------------------------------------------------


@cache
def pardiso_available() -> bool:
    """True when ``pypardiso`` is installed and its MKL runtime loads."""
    if importlib.util.find_spec("pypardiso") is None:
        return False
    try:
        from pypardiso import PyPardisoSolver

        PyPardisoSolver()
    except (ImportError, OSError):
        return False
    return True


def choose_solver(solver: str | None = None) -> str:
    """The backend to use: ``solver`` if given, else ``$LINGTAN_SPARSE_SOLVER``, else
    ``auto``; ``auto`` is PARDISO when available, SuperLU otherwise.

    Raises:
        FactorisationError: an unknown name, or ``pardiso`` asked for but not installed.
    """
    name = (solver or os.environ.get(SOLVER_ENV) or AUTO).strip().lower()
    if name not in SOLVERS:
        raise FactorisationError(
            f"unknown sparse solver {name!r} (choose one of {', '.join(SOLVERS)})"
        )
    if name == AUTO:
        return PARDISO if pardiso_available() else SUPERLU
    if name == PARDISO and not pardiso_available():
        raise FactorisationError(
            "sparse solver 'pardiso' asked for but pypardiso (Intel MKL) is not installed: "
            "pip install pypardiso, or use 'superlu'"
        )
    return name


def factorise(
    a: sp.spmatrix,
    max_fill: float = MAX_FILL,
    solver: str | None = None,
    diag_pivot_thresh: float = 0.0,
) -> Factorisation:
    """Factorise the technosphere matrix ``a`` with the chosen backend (:func:`choose_solver`).

    ``diag_pivot_thresh`` > 0 asks for SuperLU with that pivot threshold whatever the choice
    (partial pivoting, ``1.0``, is the accurate fallback). PARDISO factors whose fill exceeds
    ``max_fill`` are dropped for SuperLU's (COLAMD on ``Aᵀ`` often fills less), which applies
    the guard itself.

    Raises:
        FactorisationError: singular matrix, or fill above ``max_fill`` (decision 0020).
    """
    name = choose_solver(solver)
    if name == PARDISO and diag_pivot_thresh == 0.0:
        try:
            fac = PardisoFactorisation.of(a)
        except FactorisationError:
            return superlu_transpose(a, max_fill, 1.0)
        if fac.fill <= max_fill:
            return fac
        fac.free()
    return superlu_transpose(a, max_fill, diag_pivot_thresh)


def solver_threads() -> int:
    """Threads for lingtan's PARDISO calls: ``$LINGTAN_SOLVER_THREADS`` (at least 1); else 0
    (MKL's own setting) when ``MKL_NUM_THREADS`` or ``OMP_NUM_THREADS`` is set; else 1.

    One thread by default: on the benchmark machine (2 cores shared with other work) MKL's
    default of one thread per core made the factorisation 2.2× slower than one thread
    (docs/benchmarks.md, "Product LCA"); on an idle many-core server raise it.

    Raises:
        FactorisationError: the variable is not a whole number.
    """
    env = os.environ.get(THREADS_ENV, "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise FactorisationError(f"{THREADS_ENV}={env!r} is not a whole number") from None
    if os.environ.get("MKL_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"):
        return 0
    return 1


@contextlib.contextmanager
def _mkl_threads(handle: Any, threads: int) -> Iterator[None]:
    """Run the block with ``threads`` MKL threads on this thread (0: leave MKL's setting)."""
    setter = getattr(getattr(handle, "libmkl", None), "MKL_Set_Num_Threads_Local", None)
    if not threads or setter is None:
        yield
        return
    setter.argtypes = [ctypes.c_int]
    setter.restype = ctypes.c_int
    previous = setter(threads)
    try:
        yield
    finally:
        setter(previous)


# ---- SuperLU ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuperLuFactorisation:
    """LU factors of ``Aᵀ`` (SuperLU): ``A x = f`` is ``lu.solve(f, trans="T")`` and
    ``Aᵀ λ = s`` is ``lu.solve(s)``."""

    lu: SuperLU
    fill: float
    seconds: float
    diag_pivot_thresh: float = 0.0
    solver: str = SUPERLU

    def solve(self, demand: FloatArray) -> FloatArray:
        """x with ``A x = demand`` (``demand`` may be n × k for k right-hand sides)."""
        return np.asarray(self.lu.solve(np.asarray(demand, np.float64), trans="T"))

    def solve_adjoint(self, rhs: FloatArray) -> FloatArray:
        """λ with ``Aᵀ λ = rhs``."""
        return np.asarray(self.lu.solve(np.asarray(rhs, np.float64)))


def superlu_transpose(
    a: sp.spmatrix, max_fill: float = MAX_FILL, diag_pivot_thresh: float = 0.0
) -> SuperLuFactorisation:
    """Factorise ``Aᵀ`` with SuperLU (COLAMD) and check the fill-in (decision 0020).

    The CSR arrays of ``A`` are the CSC arrays of ``Aᵀ``: no copy. By default the diagonal (the
    production amount) is the pivot whenever it is non-zero (``diag_pivot_thresh=0``);
    ``1.0`` is partial pivoting.

    Raises:
        FactorisationError: singular matrix, or the factors exceed ``max_fill``.
    """
    a = sp.csr_matrix(a)
    a.sum_duplicates()
    a.sort_indices()
    at = sp.csc_matrix((a.data, a.indices, a.indptr), shape=a.shape[::-1])
    t0 = time.perf_counter()
    try:
        lu = splu(at, permc_spec="COLAMD", diag_pivot_thresh=diag_pivot_thresh)
    except RuntimeError as exc:  # "Factor is exactly singular"
        raise FactorisationError(f"technosphere matrix cannot be factorised: {exc}") from exc
    seconds = time.perf_counter() - t0
    fill = lu.nnz / max(a.nnz, 1)
    _guard(fill, a.nnz, lu.nnz, max_fill)
    return SuperLuFactorisation(lu, fill, seconds, diag_pivot_thresh)


def _guard(fill: float, nnz: int, factor_nnz: int, max_fill: float) -> None:
    if fill > max_fill:
        raise FactorisationError(
            f"LU fill-in {fill:.1f}× the technosphere's {nnz:,} non-zeros exceeds the limit "
            f"{max_fill:g}× ({factor_nnz:,} factor non-zeros); check production amounts and "
            "loops, or raise max_fill knowingly"
        )


# ---- PARDISO ----------------------------------------------------------------------------------

#: PARDISO parameters (1-based ``iparm`` numbers of the MKL reference) set explicitly; with
#: ``iparm(1)=0`` MKL fills in its defaults for real unsymmetric matrices (nested dissection,
#: scaling and weighted matching, pivots perturbed at 1e-13, automatic refinement), as bw2calc
#: runs it. Turning scaling and matching off was measured no faster (decision 0059).
PARDISO_IPARM: dict[int, int] = {}


@dataclass
class PardisoFactorisation:
    """LU factors of ``A`` by MKL PARDISO (one ``PyPardisoSolver`` handle of its own, freed
    with this object). ``Aᵀ λ = s`` is solved with the same factors (``iparm(12)``)."""

    handle: Any
    a: sp.csr_matrix
    fill: float
    seconds: float
    diag_pivot_thresh: float = 0.0
    solver: str = PARDISO
    threads: int = 0
    _finalizer: Any = field(default=None, repr=False)

    @staticmethod
    def of(a: sp.spmatrix) -> PardisoFactorisation:
        """Analyse and factorise ``a`` (square, float64).

        Raises:
            FactorisationError: PARDISO reports an error (structurally singular, out of
                memory …) or the matrix has an empty row or column.
        """
        from pypardiso import PyPardisoSolver
        from pypardiso.pardiso_wrapper import PyPardisoError

        m = sp.csr_matrix(a, dtype=np.float64)
        m.sum_duplicates()
        m.sort_indices()
        if m.shape[0] != m.shape[1]:
            raise FactorisationError(f"technosphere matrix is not square: {m.shape}")
        n = m.shape[0]
        if n and (not np.diff(m.indptr).all() or not np.bincount(m.indices, minlength=n).all()):
            raise FactorisationError(
                "technosphere matrix cannot be factorised: singular (an empty row or column)"
            )
        handle = PyPardisoSolver()
        for k, v in PARDISO_IPARM.items():
            handle.set_iparm(k, v)
        threads = solver_threads()
        t0 = time.perf_counter()
        try:
            with _mkl_threads(handle, threads):
                handle.factorize(m)  # phase 12: analysis and numeric factorisation
        except PyPardisoError as exc:
            _free(handle)
            raise FactorisationError(f"technosphere matrix cannot be factorised: {exc}") from exc
        seconds = time.perf_counter() - t0
        fill = float(handle.get_iparm(18)) / max(m.nnz, 1)
        fac = PardisoFactorisation(handle, m, fill, seconds, threads=threads)
        fac._finalizer = weakref.finalize(fac, _free, handle)
        return fac

    def _solve(self, rhs: FloatArray, transposed: bool) -> FloatArray:
        b = np.asarray(rhs, np.float64)
        if b.shape[0] != self.a.shape[0]:
            raise ValueError(f"right-hand side has {b.shape[0]} rows, A has {self.a.shape[0]}")
        if b.ndim == 2 and b.shape[1] == 0:
            return np.zeros_like(b)
        # the CSC view A.T has A's arrays: pypardiso recognises the factorised matrix (phase
        # 33, solve only) and solves the transposed system (iparm(12)) with the same factors
        m = self.a.T if transposed else self.a
        with _mkl_threads(self.handle, self.threads):
            x = self.handle.solve(m, b)
        return np.asarray(x, np.float64).reshape(b.shape)

    def solve(self, demand: FloatArray) -> FloatArray:
        """x with ``A x = demand`` (``demand`` may be n × k for k right-hand sides)."""
        return self._solve(demand, transposed=False)

    def solve_adjoint(self, rhs: FloatArray) -> FloatArray:
        """λ with ``Aᵀ λ = rhs`` (``rhs`` may be n × k)."""
        return self._solve(rhs, transposed=True)

    def free(self) -> None:
        """Release MKL's memory for these factors now (else when garbage-collected)."""
        if self._finalizer is not None:
            self._finalizer()


def _free(handle: Any) -> None:
    from pypardiso.pardiso_wrapper import PyPardisoError

    with contextlib.suppress(PyPardisoError):  # nothing to release
        handle.free_memory(everything=True)
