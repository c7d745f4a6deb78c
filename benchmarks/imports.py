"""Import benchmark (issue 14, item 2): ``python -m benchmarks.imports`` (``make bench-import``).

``lingtan import`` of a CSV of N activity rows (the ``activity`` template; the rows of the
end-to-end benchmark, :mod:`benchmarks.e2e`) into a fresh copy of an empty workspace, timed as a
whole process (spawn to exit) with its peak memory (``ru_maxrss``), against yardsticks in the
same rounds (interleaved round-robin, paired ratios, load per run; ``benchmarks/_harness.py``):

* ``duckdb-csv``: DuckDB reading the same CSV (all text) with the same checks in SQL, accepted
  rows typed into Parquet, rejected rows into a CSV (``benchmarks.e2e.yard_duckdb``);
* ``polars-csv``: the same in Polars;
* ``lingtan import 1,000``: the first 1,000 rows of the same file, in the same rounds — the
  fixed cost of the command (start-up, factor library, store), which a small file does not
  amortise;
* for XLSX (``--xlsx-rows``, default 20 000): ``lingtan import`` of the same rows as a workbook
  against ``calamine-xlsx`` (python-calamine reading every cell, nothing else).

Sizes: 100 k and 1 M rows by default; ``--huge`` adds 10 M (one run at a time on a shared
machine; the row limit is raised for it with ``LINGTAN_MAX_ROWS``). Rounds: 3.
"""

from __future__ import annotations

import argparse
import shutil
import sys

from benchmarks import _harness as h
from benchmarks import e2e

#: (variant, yardstick) pairs whose paired ratios are printed
RATIOS = (
    ("lingtan import", "duckdb-csv"), ("lingtan import", "polars-csv"),
    ("lingtan import xlsx", "calamine-xlsx"),
)  # fmt: skip
#: the 10 M-row file is over the default row limit (5 M, LINGTAN_MAX_ROWS)
ENV = {"LINGTAN_LANG": "en", "LINGTAN_MAX_ROWS": "50000000"}


def lingtan_import(rows: int, r: int) -> list[h.Run]:
    """``lingtan import`` of the CSV into a fresh copy of the empty workspace."""
    ws = e2e._fresh_workspace("import")
    args = ["import", "-w", str(ws), "--template", "activity", "--show", "0",
            str(e2e.csv_path(rows))]  # fmt: skip
    run = e2e._cli("lingtan import", args, r, ENV)
    shutil.rmtree(ws, ignore_errors=True)
    return [run]


#: rows of the file whose import shows the command's fixed cost (start-up, library, store)
SMALL = 1_000


def small_csv(rows: int) -> str:
    """The first :data:`SMALL` rows of the ``rows``-row CSV (made before any clock)."""
    path = e2e.csv_path(rows).with_name(f"activity-{SMALL}-of-{rows}.csv")
    if not path.exists():
        with e2e.csv_path(rows).open(encoding="utf-8") as src:
            head = [next(src) for _ in range(SMALL + 1)]
        path.write_text("".join(head), encoding="utf-8")
    return str(path)


def lingtan_small(rows: int, r: int) -> list[h.Run]:
    """``lingtan import`` of :data:`SMALL` rows: the fixed cost every import pays."""
    ws = e2e._fresh_workspace("import-small")
    args = ["import", "-w", str(ws), "--template", "activity", "--show", "0", small_csv(rows)]
    run = e2e._cli("lingtan import", args, r, ENV)
    shutil.rmtree(ws, ignore_errors=True)
    return [h.Run(f"lingtan import {SMALL:,}", r, run.seconds, run.peak_mib, run.load1)]


def main() -> None:
    doc = __doc__ or ""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--huge", action="store_true", help="also 10 M rows")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--xlsx-rows", type=int, default=20_000, help="0: no XLSX variant")
    args = ap.parse_args()
    sizes = sorted({*args.sizes, *([10_000_000] if args.huge else [])})
    for i, n in enumerate(sizes):  # in separate processes: the parent stays small
        xr = args.xlsx_rows if i == 0 else 0
        res = h.run_process(
            [sys.executable, "-m", "benchmarks.e2e", "--prepare", "--rows", str(n),
             "--xlsx-rows", str(xr)]
        )  # fmt: skip
        if res.returncode:
            raise SystemExit(res.stderr)
    print(f"python {sys.version.split()[0]}; load before: {h.loads()}")
    print("every run a fresh process, timed spawn to exit; ratios paired per round")
    for n in sizes:
        order = ["lingtan import", "duckdb-csv", "polars-csv", "small"]
        runs: list[h.Run] = []
        rows_of: dict[str, int] = {}
        for r in range(args.rounds):
            for u in h.round_order(order, r):
                if u == "small":
                    got = lingtan_small(n, r)
                elif u == "lingtan import":
                    got = lingtan_import(n, r)
                else:
                    got = e2e.yardstick(u, n, r)
                for run in got:
                    rows_of[run.variant] = SMALL if u == "small" else n
                    print(
                        f"  {n:,} round {r + 1}/{args.rounds} {run.variant}: {run.seconds:.2f} s,"
                        f" {run.peak_mib:.0f} MiB, load {run.load1:.2f}",
                        file=sys.stderr, flush=True,
                    )  # fmt: skip
                runs += got
            if n == sizes[0] and args.xlsx_rows:
                for u in h.round_order(["xlsx", "calamine-xlsx"], r):
                    if u == "xlsx":
                        got = e2e.lingtan_xlsx(args.xlsx_rows, r)
                    else:
                        got = e2e.yardstick(u, args.xlsx_rows, r)
                    for run in got:
                        rows_of[run.variant] = args.xlsx_rows
                    runs += got
        print(f"\n{n:,} rows, {args.rounds} rounds; load after: {h.loads()}")
        print(h.rows_table(rows_of, runs, RATIOS))
    print(f"\norchestrator peak {h.self_peak_mib():.0f} MiB (the floor of every peak above)")


if __name__ == "__main__":
    main()
