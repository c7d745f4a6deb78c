"""Engine benchmark (issue 3, item 7): ``python -m benchmarks.run`` (``make bench``).

For 1 M and 10 M synthetic activity rows (:func:`lingtan.modules.demo.generate_activities`, one
fiscal year, cached under ``benchmarks/out/``) against 50 000 factors (the bundled library padded
with synthetic factor groups for activity types that never occur), each variant runs in a fresh
process, ``--runs`` times; the table shows medians and the peak RSS of the variant's process:

* ``duckdb-sql``: the reference, hand-written DuckDB SQL: join activities to a pre-resolved
  50 000-row factor table on an integer key, multiply, group by scope/category/site/month.
* ``lingtan``: :func:`lingtan.adapters.compute.runner.calculate_year` on a workspace holding the
  rows as an import batch: factor resolution, unit conversion, GWP, market-based allocation,
  aggregation, data quality and the snapshot's small files (the factor library is loaded and
  Ibis's DuckDB backend imported before the clock starts, as the SQL variant imports duckdb and
  connects before its clock; the library's load time is printed separately).
* ``pandas``: a plain pandas implementation (read Parquet, merge with factors already resolved
  per activity type and unit, multiply, group by): less work than lingtan's calculation.

``--huge`` adds a 50 M-row lingtan run (from Parquet) to show peak memory stays under 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).parent / "out"
YEAR = "FY2023/24"
N_FACTORS = 50_000
SEED = 7


def data_file(rows: int) -> Path:
    """The cached synthetic activities of ``rows`` rows (generated when missing)."""
    from lingtan.modules.demo.scale import generate_activities

    path = OUT / f"activities-{rows}.parquet"
    if not path.exists():
        generate_activities(rows, seed=SEED, path=path, years=(YEAR,))
    return path


def workspace(rows: int) -> Path:
    """A demo-(b) workspace whose only batch is the cached file, plus padding factors."""
    from lingtan.adapters.compute.runner import load_library
    from lingtan.adapters.store.models import ImportBatch
    from lingtan.adapters.store.workspace import open_workspace
    from lingtan.core.activities import keys_path
    from lingtan.core.factors import FACTOR_COLUMNS
    from lingtan.modules.demo._files import csv_text
    from lingtan.modules.demo.synthetic import write_synthetic_workspace

    root = OUT / f"ws-{rows}"
    if (root / "ready").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    write_synthetic_workspace(root, years=(YEAR,))
    ws = open_workspace(root)
    have = len({f.group_key for f in load_library(ws).factors})
    pad = []
    for i in range(N_FACTORS - have):
        row = dict.fromkeys(FACTOR_COLUMNS, "")
        row.update(
            factor_id=f"bench-pad/{i}", activity_type=f"bench.pad.{i:05d}", region="GLO",
            unit="kg", gas="CO2e", value=f"{0.5 + i / N_FACTORS:.6f}", valid_from="2000-01-01",
            gwp_set="AR5", publisher="lingtan benchmark", dataset="padding", edition="1",
            version="1", description="synthetic padding factor (benchmark)",
        )  # fmt: skip
        pad.append([row[c] for c in FACTOR_COLUMNS])
    (root / "factors" / "bench-pad.csv").write_text(csv_text(list(FACTOR_COLUMNS), pad))
    (root / "factors" / "bench-pad.yaml").write_text(
        "name: bench-pad\ntitle: benchmark padding\npublisher: lingtan benchmark\n"
        'dataset: padding\nedition: "1"\nlicence: CC0-1.0\n'
    )
    src = data_file(rows)
    (root / "batches").mkdir(exist_ok=True)
    name = f"bench{rows}.activities.parquet"
    os.link(src, root / "batches" / name)
    os.link(keys_path(src), keys_path(root / "batches" / name))
    with ws.session() as s:
        s.add(
            ImportBatch(
                id=f"bench-{rows}", seq=1, file_name=src.name, template="normalised",
                rows_read=rows, rows_accepted=rows, rows_rejected=0, activities_file=name,
                imported_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )  # fmt: skip
    (root / "ready").touch()
    return root


# ---- the variants (each run in its own process) ----------------------------------------------


def run_sql(rows: int) -> float:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(
        f"CREATE TABLE f AS SELECT i::INT AS key_id, 0.5 + i / {N_FACTORS} AS kg_per_unit "
        f"FROM range(1, {N_FACTORS + 1}) r(i)"
    )
    t = time.perf_counter()
    con.execute(
        f"""SELECT a.scope, a.category, a.site, date_trunc('month', a.date) AS month,
                   sum(a.quantity * f.kg_per_unit) AS co2e_kg
            FROM '{data_file(rows)}' a JOIN f USING (key_id)
            GROUP BY ALL"""
    ).fetchall()
    return time.perf_counter() - t


def run_lingtan(rows: int) -> float:
    from lingtan.adapters.compute.runner import calculate_year, load_library
    from lingtan.adapters.store.models import Snapshot
    from lingtan.adapters.store.workspace import open_workspace

    ws = open_workspace(workspace(rows))
    with ws.session() as s:
        s.query(Snapshot).delete()
    shutil.rmtree(ws.snapshots_dir, ignore_errors=True)
    ws.snapshots_dir.mkdir()
    import ibis

    ibis.duckdb  # noqa: B018  (load Ibis's DuckDB backend: the SQL variant's `import duckdb`)
    t0 = time.perf_counter()
    load_library(ws)  # parse the factor files (cached in the process and on disk)
    print(json.dumps({"library_s": time.perf_counter() - t0}), file=sys.stderr)
    t = time.perf_counter()
    calculate_year(ws, YEAR)
    return time.perf_counter() - t


def run_pandas(rows: int) -> float:
    import pandas as pd

    from lingtan.core.activities import keys_path

    keys = pd.read_parquet(keys_path(data_file(rows)))
    pairs = keys[["activity_type", "unit"]].drop_duplicates()
    pad = pd.DataFrame(
        {
            "activity_type": [f"bench.pad.{i:05d}" for i in range(N_FACTORS - len(pairs))],
            "unit": "kg",
        }
    )
    f = pd.concat([pairs, pad], ignore_index=True)
    f["kg_per_unit"] = 0.5 + f.index / N_FACTORS
    t = time.perf_counter()
    a = pd.read_parquet(
        data_file(rows),
        columns=["site", "date", "scope", "category", "activity_type", "unit", "quantity"],
    )
    a = a.merge(f, on=["activity_type", "unit"], how="inner")
    a["co2e_kg"] = a["quantity"] * a["kg_per_unit"]
    a["month"] = pd.to_datetime(a["date"]).dt.to_period("M")
    a.groupby(["scope", "category", "site", "month"], observed=True)["co2e_kg"].sum()
    return time.perf_counter() - t


VARIANTS = {"duckdb-sql": run_sql, "lingtan": run_lingtan, "pandas": run_pandas}


def child(variant: str, rows: int) -> None:
    seconds = VARIANTS[variant](rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


def measure(variant: str, rows: int, runs: int) -> dict[str, float]:
    times, peaks = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--child", variant, "--rows", str(rows)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        d = json.loads(out.stdout.strip().splitlines()[-1])
        times.append(d["seconds"])
        peaks.append(d["peak_mib"])
    return {"seconds": statistics.median(times), "peak_mib": max(peaks)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--huge", action="store_true", help="also 50 M rows (lingtan only)")
    ap.add_argument("--child", choices=sorted(VARIANTS))
    ap.add_argument("--rows", type=int)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    plan = [(n, v) for n in args.sizes for v in VARIANTS]
    if args.huge:
        plan.append((50_000_000, "lingtan"))
    for n in sorted({n for n, _ in plan}):
        data_file(n)
        workspace(n)
    print(f"{'variant':<11} {'rows':>11} {'median s':>9} {'rows/s':>12} {'peak MiB':>9} "
          f"{'x SQL':>6} {'pandas/lingtan':>15}")  # fmt: skip
    res: dict[tuple[int, str], dict[str, float]] = {}
    for n, v in plan:
        res[(n, v)] = r = measure(v, n, 1 if n >= 50_000_000 else args.runs)
        sql = res.get((n, "duckdb-sql"))
        ratio = f"{r['seconds'] / sql['seconds']:6.2f}" if sql else f"{'':6}"
        lt = res.get((n, "lingtan"))
        pl = f"{r['seconds'] / lt['seconds']:15.1f}" if v == "pandas" and lt else ""
        print(f"{v:<11} {n:>11,} {r['seconds']:9.3f} {n / r['seconds']:12,.0f} "
              f"{r['peak_mib']:9.0f} {ratio} {pl}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
