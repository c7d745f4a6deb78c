"""Engine benchmark (issue 3, item 7): ``python -m benchmarks.run`` (``make bench``).

For 1 M and 10 M synthetic activity rows (:func:`lingtan.adapters.demo.generate_activities`, one
fiscal year, cached under ``benchmarks/out/``) against 50 000 factors (the bundled library padded
with synthetic factor groups for activity types that never occur), each variant runs in a fresh
process, ``--runs`` times; the table shows medians and the peak RSS of the variant's process:

* ``duckdb-sql``: the reference, hand-written DuckDB SQL: join activities to a pre-resolved
  50 000-row factor table on an integer key, multiply, group by scope/category/site/month.
* ``lingtan``: :func:`lingtan.adapters.services.calculation.calculate_year` on a workspace holding
  the rows as an import batch with its intake sidecars (key dictionary, month sums: decision 0012):
  factor resolution, unit conversion, GWP, market-based allocation, aggregation, data quality, Monte
  Carlo uncertainty and the snapshot (its small files and its store record; lineage is recomputed on
  demand from the immutable batch and frozen inputs). Before the clock, as the SQL variant imports
  duckdb and connects before its clock, the process imports its libraries (Ibis's DuckDB backend;
  pyarrow's lazy pandas import, which the first ``pa.array`` of a process triggers) and loads the
  factor library (its load time is printed separately). The on-disk cache (``~/.cache/lingtan``:
  parsed factor sets, factor tables, the engine's SQL compiled per stage shape) is warm, as after
  any first calculation.
* ``month-sums``: the one-off intake step ``lingtan`` profits from: the batch's month sums
  computed from its columns in memory. ``lingtan+intake`` adds it to ``lingtan``.
* ``lingtan-scan``: the same calculation on a batch without month sums (imported before they
  existed, or a period cut inside a month or a factor changing mid-month): every row is read.
* ``lingtan-cold``: ``lingtan`` with an empty cache folder (the first calculation after an
  install or upgrade: factor tables built, every stage's SQL compiled); the library load is
  still before the clock.
* ``pandas``: a plain pandas implementation (read Parquet, merge with factors already resolved
  per activity type and unit, multiply, group by): less work than lingtan's calculation.

``--huge`` adds one 50 M-row run of ``duckdb-sql``, ``lingtan``, ``month-sums`` and
``lingtan-scan`` (the batch file is Parquet, ~0.9 GB) to show that peak memory stays under
1 GiB; ``--sizes`` with no value runs only those.
The load averages before and after are printed: other work on the machine skews the timings, so
compare ratios within one run.
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
    from lingtan.adapters.demo.scale import generate_activities

    path = OUT / f"activities-{rows}.parquet"
    if not path.exists():
        generate_activities(rows, seed=SEED, path=path, years=(YEAR,))
    return path


def workspace(rows: int, *, sums: bool = True) -> Path:
    """A demo-(b) workspace whose only batch is the cached file, plus padding factors; with
    ``sums`` the batch has its month sums, as intake writes them (decision 0012), else the
    calculation scans the batch rows (as for batches imported before month sums existed)."""
    import pyarrow.parquet as pq

    from lingtan.adapters.demo._files import csv_text
    from lingtan.adapters.demo.synthetic import write_synthetic_workspace
    from lingtan.adapters.io.library import load_library
    from lingtan.adapters.store.models import ImportBatch
    from lingtan.adapters.store.workspace import month_sums, open_workspace
    from lingtan.core.activities import keys_path, month_sums_path
    from lingtan.core.factors import FACTOR_COLUMNS

    root = OUT / (f"ws3-{rows}" if sums else f"ws3-{rows}-scan")
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
    if sums:
        columns = pq.read_table(src, columns=["key_id", "date", "quantity"])
        pq.write_table(month_sums(columns), month_sums_path(root / "batches" / name))
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


def run_lingtan(rows: int, *, sums: bool = True) -> float:
    import pyarrow as pa

    from lingtan.adapters.io.library import load_library
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.models import Snapshot
    from lingtan.adapters.store.workspace import open_workspace

    ws = open_workspace(workspace(rows, sums=sums))
    with ws.session() as s:
        s.query(Snapshot).delete()
    shutil.rmtree(ws.snapshots_dir, ignore_errors=True)
    ws.snapshots_dir.mkdir()
    import ibis

    ibis.duckdb  # noqa: B018  (load Ibis's DuckDB backend: the SQL variant's `import duckdb`)
    pa.array([0])  # pyarrow imports pandas lazily on its first array (~0.15 s): a library load
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


def run_lingtan_scan(rows: int) -> float:
    return run_lingtan(rows, sums=False)


def run_month_sums(rows: int) -> float:
    """The one-off intake step behind ``lingtan``: the batch's month sums, from its columns in
    memory (the importer holds the accepted rows as an Arrow table)."""
    import pyarrow.parquet as pq

    from lingtan.adapters.store.workspace import month_sums

    columns = pq.read_table(data_file(rows), columns=["key_id", "date", "quantity"])
    t = time.perf_counter()
    month_sums(columns)
    return time.perf_counter() - t


def run_lingtan_cold(rows: int) -> float:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lingtan-cache-") as cache:
        os.environ["LINGTAN_CACHE_DIR"] = cache
        return run_lingtan(rows)


VARIANTS = {
    "duckdb-sql": run_sql,
    "lingtan": run_lingtan,
    "month-sums": run_month_sums,
    "lingtan-scan": run_lingtan_scan,
    "lingtan-cold": run_lingtan_cold,
    "pandas": run_pandas,
}


def peak_mib() -> float:
    """Peak resident memory of this process [MiB]: ``VmHWM`` (Linux; reset by exec, unlike
    ``ru_maxrss``, which keeps the parent's size at fork), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(variant: str, rows: int) -> None:
    seconds = VARIANTS[variant](rows)
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib()}))


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


def load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews the timings)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 10_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=list(VARIANTS))
    ap.add_argument("--huge", action="store_true", help="also 50 M rows (lingtan and SQL, 1 run)")
    ap.add_argument("--child", choices=sorted(VARIANTS))
    ap.add_argument("--rows", type=int)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    plan = [(n, v) for n in args.sizes for v in VARIANTS if v in args.variants]
    if args.huge:
        plan += [(50_000_000, v) for v in ("duckdb-sql", "lingtan", "month-sums", "lingtan-scan")]
    for n in sorted({n for n, _ in plan}):
        data_file(n)
        workspace(n)
        workspace(n, sums=False)
    print(f"load average before: {load()}", flush=True)
    res: dict[tuple[int, str], dict[str, float]] = {}
    for n, v in plan:
        res[(n, v)] = measure(v, n, 1 if n >= 50_000_000 else args.runs)
        print(f"  {v} {n:,}: {res[(n, v)]['seconds']:.3f} s", file=sys.stderr, flush=True)
    print(f"load average after: {load()}")
    for n in sorted({n for n, _ in plan}):  # calculation + its one-off intake step
        lt, ms = res.get((n, "lingtan")), res.get((n, "month-sums"))
        if lt and ms:
            res[(n, "lingtan+intake")] = {
                "seconds": lt["seconds"] + ms["seconds"],
                "peak_mib": max(lt["peak_mib"], ms["peak_mib"]),
            }
    order = [*VARIANTS, "lingtan+intake"]
    print(f"{'variant':<15} {'rows':>11} {'median s':>9} {'rows/s':>12} {'peak MiB':>9} "
          f"{'x SQL':>6} {'pandas/this':>12}")  # fmt: skip
    for (n, v), r in sorted(res.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]))):
        sql, pandas = res.get((n, "duckdb-sql")), res.get((n, "pandas"))
        if v == "month-sums":  # an intake step, not a calculation: no ratios
            sql = pandas = None
        ratio = f"{r['seconds'] / sql['seconds']:6.2f}" if sql else f"{'':6}"
        vs = f"{pandas['seconds'] / r['seconds']:12.1f}" if pandas and v != "pandas" else ""
        print(f"{v:<15} {n:>11,} {r['seconds']:9.3f} {n / r['seconds']:12,.0f} "
              f"{r['peak_mib']:9.0f} {ratio} {vs}")  # fmt: skip


if __name__ == "__main__":
    main()
