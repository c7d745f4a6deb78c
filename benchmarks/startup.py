"""Start-up: what every command and the server pay before doing anything (issue 14 item 6).

Measured against yardsticks in the same run, every run a fresh process, the variants
interleaved round-robin (:mod:`benchmarks._harness`), with the CPU seconds of the child
(``ru_utime + ru_stime`` from ``wait4``: user and system time of the process and the children
it waited for) beside the wall time and the 1-minute load average:

* ``lingtan --help`` against a bare Typer app with as many commands (each with a docstring and
  an option), both run as ``python -c …`` — goal: within 2× (CPU);
* ``lingtan inventory --format json`` on a stored snapshot (a demo workspace, built once before
  the clock, or ``--workspace``) — goal: under 0.5 CPU-s; ``python -c pass`` is the floor;
* ``lingtan serve`` (SQLite store in a scratch data folder) from process start to its first
  answer (``/api/v1/auth/me``, any status), on a store an earlier start made and migrated, and on
  a new store (migrated at start), against a bare one-route FastAPI app under uvicorn — goal:
  within 2 s (wall). Its CPU is counted until the server is stopped right after that answer.

Every child runs with bytecode written and reused (``PYTHONDONTWRITEBYTECODE`` removed from its
environment), as an installed package runs; one unrecorded warm-up run of each variant first.

Nothing here asserts a time; the table is printed (and written with ``--out``)::

    .venv/bin/python -m benchmarks.startup --rounds 5
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks._harness import (
    Run,
    fmt_ratio,
    format_table,
    interleave,
    load1,
    loads,
    median,
    paired_ratios,
)

PY = sys.executable
#: the children's environment: bytecode written and reused (in a scratch folder, as an installed
#: wheel has it), whatever this shell says — a checkout run with PYTHONDONTWRITEBYTECODE=1 would
#: otherwise compile lingtan's modules from source at every start (about 1 CPU-s for the server)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
LINGTAN = [PY, "-c", "from lingtan.adapters.server.main import app; app()"]
#: the number of commands ``lingtan --help`` lists (lingtan.adapters.cli.main.COMMANDS + serve)
N_COMMANDS = 31
BARE_TYPER = f"""
import typer
app = typer.Typer(no_args_is_help=True)
for i in range({N_COMMANDS}):
    def command(name: str = typer.Option("x", help="A name.")) -> None:
        '''A command of the bare app, with a one-line description.'''
    app.command(f"command-{{i}}")(command)
app()
"""
BARE_FASTAPI = """
import sys
import uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/")
def root() -> dict[str, str]:
    return {"ok": "yes"}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


TIMEOUT_S = 180.0  # a server that has not answered by then is broken


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_of(usage: object) -> tuple[float, float]:
    """User + system CPU seconds and peak resident memory [MiB] of a ``wait4`` rusage."""
    return (
        float(usage.ru_utime + usage.ru_stime),  # type: ignore[attr-defined]
        usage.ru_maxrss / 1024,  # type: ignore[attr-defined]
    )


def run_command(
    argv: Sequence[str], cwd: str, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Wall and CPU seconds and peak MiB of one command, run to its end (output discarded)."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**ENV, "COLUMNS": "100", **(env or {})},
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{err[-2000:]}")
    return wall, *cpu_of(usage)


def first_answer(
    argv: Sequence[str], url: str, log: Path, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Seconds from spawning a server to its first answer at ``url`` (any HTTP status), and
    the server's CPU seconds and peak MiB up to its stop right after that answer."""
    with log.open("wb") as out:
        t = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, env={**ENV, **(env or {})}
        )
        try:
            while True:
                try:
                    urllib.request.urlopen(url, timeout=5).close()
                    break
                except urllib.error.HTTPError:  # an answer, e.g. 401
                    break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - t > TIMEOUT_S:
                        raise RuntimeError(f"{argv[-1]}: no answer:\n{log.read_text()}") from None
                    time.sleep(0.02)
            wall = time.perf_counter() - t
        finally:
            proc.terminate()
        try:
            _, _status, usage = os.wait4(proc.pid, 0)
        except ChildProcessError:  # pragma: no cover - reaped by poll() above
            raise RuntimeError(f"server exited early:\n{log.read_text()}") from None
    return wall, *cpu_of(usage)


def demo_workspace(folder: Path) -> tuple[Path, str]:
    """A calculated demo workspace (``lingtan demo``, before any clock) and a year it stores."""
    subprocess.run([*LINGTAN, "demo", str(folder)], check=True, capture_output=True, env=ENV)
    return folder / "synthetic", "2024"


Measure = Callable[[], tuple[float, float, float]]


def variants(
    workspace: Path, year: str, scratch: Path, before: Path | None = None
) -> dict[str, Measure]:
    """Each variant: a function that runs it once in a fresh process (wall, CPU, peak MiB).
    ``before``: a source tree of lingtan (``git archive <commit> src``) whose ``--help``,
    ``inventory`` and ``serve`` are measured too, in the same rounds (``PYTHONPATH``)."""
    cwd = str(scratch)

    def serve(data: Path | None = None, env: dict[str, str] | None = None) -> tuple[
        float, float, float
    ]:  # fmt: skip
        port = free_port()
        data = data or Path(tempfile.mkdtemp(prefix="serve-", dir=scratch))
        argv = [*LINGTAN, "serve", "--host", "127.0.0.1", "--port", str(port),
                "--data-dir", str(data)]  # fmt: skip
        return first_answer(argv, f"http://127.0.0.1:{port}/api/v1/auth/me", data / "log", env)

    served = scratch / "served"  # a store made and migrated by a first start, before any clock
    served.mkdir()
    serve(served)

    def bare_fastapi() -> tuple[float, float, float]:
        port = free_port()
        log = scratch / f"bare-{port}.log"
        return first_answer([PY, "-c", BARE_FASTAPI, str(port)], f"http://127.0.0.1:{port}/", log)

    inventory = [*LINGTAN, "inventory", "--format", "json", "-w", str(workspace), "-y", year]
    return {
        "python -c pass": lambda: run_command([PY, "-c", "pass"], cwd),
        "bare Typer --help": lambda: run_command([PY, "-c", BARE_TYPER, "--help"], cwd),
        "lingtan --help": lambda: run_command([*LINGTAN, "--help"], cwd),
        "lingtan inventory --format json": lambda: run_command(inventory, cwd),
        "bare FastAPI first answer": bare_fastapi,
        "lingtan serve first answer": lambda: serve(served),
        "lingtan serve first answer, new store": serve,
        **(_before(before, inventory, cwd, serve, scratch) if before else {}),
    }


def _before(
    src: Path, inventory: list[str], cwd: str, serve: Callable[..., tuple[float, float, float]],
    scratch: Path,
) -> dict[str, Measure]:  # fmt: skip
    """The same commands run from the source tree ``src`` (an earlier commit)."""
    env = {"PYTHONPATH": str(src.resolve())}
    served = scratch / "served-before"
    served.mkdir()
    serve(served, env)
    return {
        "before: lingtan --help": lambda: run_command([*LINGTAN, "--help"], cwd, env),
        "before: lingtan inventory --format json": lambda: run_command(inventory, cwd, env),
        "before: lingtan serve first answer": lambda: serve(served, env),
    }


#: variant → (its yardstick, the goal of issue 14 item 6)
GOALS: dict[str, tuple[str, str]] = {
    "lingtan --help": ("bare Typer --help", "CPU ≤ 2× bare Typer"),
    "lingtan inventory --format json": ("", "CPU < 0.5 s"),
    "lingtan serve first answer": ("bare FastAPI first answer", "wall ≤ bare + 2 s"),
    "lingtan serve first answer, new store": ("bare FastAPI first answer", "wall ≤ bare + 2 s"),
}

GOALS.update({f"before: {k}": v for k, v in GOALS.items() if "new store" not in k})


def goal_met(variant: str, cpu: float, cpu_ratio: float | None, wall_diff: float) -> bool:
    """Whether the medians meet ``variant``'s goal (:data:`GOALS`)."""
    variant = variant.removeprefix("before: ")
    if variant == "lingtan --help":
        return cpu_ratio is not None and cpu_ratio <= 2
    if variant == "lingtan inventory --format json":
        return cpu < 0.5
    return wall_diff <= 2


def table(runs: Sequence[Run]) -> str:
    """Per variant: runs, wall and CPU medians (min–max), paired ratios to its yardstick,
    median load, the goal and whether the medians meet it."""
    cpu_runs = [Run(r.variant, r.round, r.extra["cpu"], 0.0, r.load1) for r in runs]
    rows = []
    for v in dict.fromkeys(r.variant for r in runs):
        mine = [r for r in runs if r.variant == v]
        walls, cpus = [r.seconds for r in mine], [r.extra["cpu"] for r in mine]
        w, c = median(walls), median(cpus)
        ref, goal = GOALS.get(v, ("", ""))
        ratio_w = paired_ratios(runs, v, ref) if ref else None
        ratio_c = paired_ratios(cpu_runs, v, ref) if ref else None
        diffs = {r.round: r.seconds for r in runs if r.variant == ref}
        d = median([r.seconds - diffs[r.round] for r in mine if r.round in diffs] or [0.0])
        cpu_ref = {r.round: r.extra["cpu"] for r in runs if r.variant == ref}
        cpu_d = [r.extra["cpu"] - cpu_ref[r.round] for r in mine if r.round in cpu_ref]
        met = goal_met(v, c, ratio_c.median if ratio_c else None, d)
        verdict = "met" if met else "NOT met"
        rows.append([
            v, len(mine), f"{w:.3f} ({min(walls):.3f}–{max(walls):.3f})",
            f"{c:.3f} ({min(cpus):.3f}–{max(cpus):.3f})",
            fmt_ratio(ratio_w), fmt_ratio(ratio_c),
            f"{d:+.3f} / {median(cpu_d):+.3f}" if cpu_d else "",
            f"{median([r.load1 for r in mine]):.2f}",
            f"{goal}: {verdict}" if goal else "",
        ])  # fmt: skip
    headers = ["variant", "runs", "wall s (min–max)", "CPU s (min–max)", "wall ÷ yardstick",
               "CPU ÷ yardstick", "wall / CPU − yardstick s", "load", "goal"]  # fmt: skip
    return format_table(headers, rows)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--workspace", type=Path, help="a calculated workspace (default: a demo)")
    p.add_argument("--year", default="2024", help="a fiscal year stored in --workspace")
    p.add_argument("--only", default="", help="comma-separated variant names (default: all)")
    p.add_argument("--before", type=Path, help="lingtan source tree to compare (git archive)")
    p.add_argument("--out", type=Path, help="also write the table here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lingtan-startup-") as d:
        scratch = Path(d)
        ENV.setdefault("PYTHONPYCACHEPREFIX", str(scratch / "pycache"))  # not in the checkout
        workspace, year = (
            (args.workspace.resolve(), args.year)
            if args.workspace
            else demo_workspace(scratch / "demo")
        )
        runners = variants(workspace, year, scratch, args.before)
        if args.only:
            runners = {k: v for k, v in runners.items() if k in args.only.split(",")}

        def measure(variant: str, r: int) -> Run:
            load = load1()
            wall, cpu, peak = runners[variant]()
            return Run(variant, r, wall, peak, load, {"cpu": cpu})

        print(f"start-up, {args.rounds} rounds, load before {loads()}", file=sys.stderr)
        for run in runners.values():  # warm-up, not recorded: bytecode written, caches filled
            run()
        runs = list(interleave(list(runners), args.rounds, measure, echo=True))
    text = (
        f"{table(runs)}\n\nload after (1/5/15 min): {loads()}; {os.cpu_count()} cores; "
        f"python {sys.version.split()[0]}"
    )
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
