"""Shared benchmark harness (issue 14, item 1): fresh processes, interleaving, paired ratios.

Rules every benchmark built on this module follows:

* **Nothing outside the measured work inside a clock.** A Python child imports its libraries,
  resolves its paths and builds its inputs, then starts its clock around the measured work only
  and reports with :func:`report` (one JSON line on stdout: ``seconds``, ``peak_mib`` and any
  extra figures). A command a user runs (``lingtan import …``) is timed as a whole process by
  :func:`run_process`: the user waits for its start-up too.
* **Every run is a fresh process**, and variants are **interleaved round-robin**
  (:func:`interleave`): round *r* runs every variant once, the order rotated by *r*, so a burst
  of other work on a shared machine hits all variants alike rather than one of them.
* **Ratios are paired** (:func:`paired_ratios`): variant ÷ reference *in the same round*, then
  their median and spread (min–max), instead of a ratio of two medians taken minutes apart.
* **The 1-minute load average is recorded with every run** (:func:`load1`) and printed.
* **Peak memory** of a child is its ``ru_maxrss`` from ``wait4`` (Linux: the high-water mark
  of the process after ``exec``; the exec inherits the parent's high-water mark through
  ``vfork``, so the orchestrating process stays small: its own peak, :func:`self_peak_mib`, is
  the floor and is printed). A Python child reports its own ``VmHWM`` as well.

Pure helpers (:func:`median`, :func:`paired_ratios`, :func:`summarise`, :func:`format_table`)
have unit tests in ``tests/benchmarks/test_harness.py``; nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One timed run of one variant in one round. Units: seconds, MiB."""

    variant: str
    round: int
    seconds: float
    peak_mib: float
    load1: float  # 1-minute load average when the run started
    extra: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    """The runs of one variant: median and spread (min, max) of the seconds, max peak, loads."""

    variant: str
    runs: int
    median_s: float
    min_s: float
    max_s: float
    peak_mib: float
    load_median: float
    load_max: float


@dataclass(frozen=True)
class Ratio:
    """Paired ratios variant ÷ reference over the rounds both ran: median and spread."""

    variant: str
    reference: str
    pairs: int
    median: float
    low: float
    high: float


# ---- measuring ------------------------------------------------------------------------------


def load1() -> float:
    """The 1-minute load average (other work on the machine skews every timing)."""
    return os.getloadavg()[0]


def loads() -> str:
    """The 1, 5 and 15 minute load averages, for a header line."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def self_peak_mib() -> float:
    """Peak resident memory of this process [MiB]: ``VmHWM`` (Linux; reset by exec), else
    ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(seconds: float, **extra: float) -> None:
    """Print a Python child's result: its measured ``seconds``, its own peak memory and extras."""
    print(json.dumps({"seconds": seconds, "peak_mib": self_peak_mib(), **extra}), flush=True)


@dataclass(frozen=True)
class ProcessResult:
    """A finished child process: wall seconds (spawn to exit), ``ru_maxrss`` peak, output and
    CPU seconds (user + system, of the child and the children it waited for)."""

    seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str
    cpu_s: float = 0.0


def run_process(
    argv: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None,
    keep_stdout: bool = True,
) -> ProcessResult:  # fmt: skip
    """Run ``argv`` as a fresh process: its wall time from spawn to exit and its peak memory
    (``ru_maxrss`` of this child only, from ``wait4``). Output goes to temporary files (no
    pipe to drain while the clock runs); ``keep_stdout=False`` drops a large output unread."""
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(list(argv), env=full_env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read() if keep_stdout else ""
        cpu = usage.ru_utime + usage.ru_stime
        return ProcessResult(
            seconds, usage.ru_maxrss / 1024, proc.returncode, text, err.read(), cpu
        )


def run_python(
    module: str, args: Sequence[str], *, env: Mapping[str, str] | None = None
) -> tuple[float, float, dict[str, float]]:
    """Run ``python -m module args`` (a child that ends with :func:`report`); returns its
    measured seconds, its own peak memory [MiB] (``VmHWM``, which exec resets) and its other
    reported figures."""
    res = run_process([sys.executable, "-m", module, *args], env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{res.stderr[-3000:]}")
    d = json.loads(res.stdout.strip().splitlines()[-1])
    seconds = float(d.pop("seconds"))
    peak = float(d.pop("peak_mib"))
    return seconds, peak, {k: float(v) for k, v in d.items()}


# ---- interleaving ---------------------------------------------------------------------------


def round_order(variants: Sequence[str], r: int) -> list[str]:
    """Round ``r``'s order: ``variants`` rotated left by ``r`` (each variant leads once)."""
    if not variants:
        return []
    k = r % len(variants)
    return [*variants[k:], *variants[:k]]


def interleave(
    variants: Sequence[str], rounds: int, measure: Callable[[str, int], Run],
    *, echo: bool = True,
) -> Iterator[Run]:  # fmt: skip
    """Run every variant once per round, round-robin with a rotated order, yielding each run.
    ``measure(variant, round)`` runs one fresh process; progress goes to stderr."""
    for r in range(rounds):
        for v in round_order(variants, r):
            run = measure(v, r)
            if echo:
                print(
                    f"  round {r + 1}/{rounds} {v}: {run.seconds:.3f} s, "
                    f"{run.peak_mib:.0f} MiB, load {run.load1:.2f}",
                    file=sys.stderr, flush=True,
                )  # fmt: skip
            yield run


# ---- arithmetic -----------------------------------------------------------------------------


def median(xs: Sequence[float]) -> float:
    """The median of ``xs`` (mean of the middle two for an even count)."""
    if not xs:
        raise ValueError("median of no values")
    return float(statistics.median(xs))


def summarise(runs: Sequence[Run]) -> dict[str, Summary]:
    """Per variant (in first-seen order): median and spread of seconds, max peak, loads."""
    by: dict[str, list[Run]] = {}
    for run in runs:
        by.setdefault(run.variant, []).append(run)
    out = {}
    for v, rs in by.items():
        secs = [r.seconds for r in rs]
        lds = [r.load1 for r in rs]
        out[v] = Summary(
            v, len(rs), median(secs), min(secs), max(secs), max(r.peak_mib for r in rs),
            median(lds), max(lds),
        )  # fmt: skip
    return out


def paired_ratios(runs: Sequence[Run], variant: str, reference: str) -> Ratio | None:
    """``variant`` ÷ ``reference`` per round where both ran, then median and spread; ``None``
    when no round has both."""
    ref = {r.round: r.seconds for r in runs if r.variant == reference}
    xs = [r.seconds / ref[r.round] for r in runs if r.variant == variant and r.round in ref]
    if not xs:
        return None
    return Ratio(variant, reference, len(xs), median(xs), min(xs), max(xs))


# ---- printing -------------------------------------------------------------------------------


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned; floats
    are printed as given (format them before), ``None`` as empty."""
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))

    def line(row: Sequence[str]) -> str:
        parts = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(list(headers)), *(line(r) for r in cells)])


def fmt_ratio(r: Ratio | None) -> str:
    """``1.36 (1.21–1.52)``: the median paired ratio and its spread; empty when missing."""
    if r is None:
        return ""
    return f"{r.median:.2f} ({r.low:.2f}–{r.high:.2f})"


def fmt_spread(s: Summary) -> str:
    """``0.412 (0.398–0.455)``: median seconds and min–max."""
    return f"{s.median_s:.3f} ({s.min_s:.3f}–{s.max_s:.3f})"


def rows_table(
    rows_of: dict[str, int],
    runs: Sequence[Run],
    pairs: Sequence[tuple[str, str]],
    first: str = "variant",
) -> str:
    """The table of a benchmark over N rows: per variant its N, seconds (median, min–max),
    rows/s, peak MiB, its first two paired ratios (``pairs``: (variant, yardstick) in order)
    and the load average; ``first`` heads the variant column."""
    lines = []
    for v, s in summarise(runs).items():
        n = rows_of[v]
        ratios = [paired_ratios(runs, v, y) for x, y in pairs if x == v]
        r1, r2 = [*ratios, None, None][:2]
        lines.append(
            [v, f"{n:,}", fmt_spread(s), f"{n / s.median_s:,.0f}", f"{s.peak_mib:.0f}",
             (f"{fmt_ratio(r1)} ÷ {r1.reference}" if r1 else ""),
             (f"{fmt_ratio(r2)} ÷ {r2.reference}" if r2 else ""),
             f"{s.load_median:.2f} ({s.load_max:.2f})"]
        )  # fmt: skip
    return format_table(
        [first, "N", "seconds (min–max)", "rows/s", "peak MiB", "ratio to yardstick",
         "ratio to 2nd yardstick", "load1 (max)"],
        lines,
    )  # fmt: skip
