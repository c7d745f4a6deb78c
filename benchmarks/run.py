"""Engine benchmark (issues 3 and 14): ``python -m benchmarks.run`` (``make bench-engine``).

For N synthetic activity rows (:func:`lingtan.adapters.demo.generate_activities`, one fiscal
year, cached under ``benchmarks/out/``) against 50 000 factors (the bundled library padded with
synthetic factor groups for activity types that never occur), every variant runs in a fresh
process, interleaved round-robin with the others (``benchmarks/_harness.py``): round *r* runs
each variant once, the order rotated by *r*. Ratios are paired (variant ÷ reference in the same
round), printed as median (min–max); the 1-minute load average is recorded with every run.

Nothing outside the measured work is inside a clock: each child resolves its file paths
(prepared beforehand by the parent, in a separate process), imports its libraries (duckdb,
polars, pandas, pyarrow, lingtan, Ibis's DuckDB backend, pint through lingtan) and builds its
pre-resolved factor table before its clock starts.

References (what a DuckDB, Polars or pandas expert would write; factors pre-resolved to one
``kg_per_unit`` per integer ``key_id``, the batch's classification key):

* ``duckdb-sql``: the original reference, timed cleanly: join every row to the factor table on
  ``key_id``, multiply, group by scope, category, site and month.
* ``duckdb-narrow``: the narrow aggregate: sum quantity per (``key_id``, month number) over all
  rows first (two integer columns), then join the few sums to the key dictionary and factors.
* ``duckdb-sums``: the same SQL on the same month sums lingtan reads (decision 0012): the
  reference for ``lingtan``.
* ``polars``: the narrow aggregate in Polars (lazy scan, group by, joins).
* ``pandas``: the narrow aggregate in pandas with integer keys (Arrow-backed columns, group by
  ``key_id`` and month, then merge on ``key_id``).
* ``pandas-naive``: the earlier pandas variant, kept and labelled: merges every row with the
  factors on two string columns (activity type, unit).

lingtan:

* ``lingtan``: :func:`lingtan.adapters.services.calculation.calculate_year` on a workspace
  holding the rows as an import batch with its intake sidecars (key dictionary, month sums):
  factor resolution, unit conversion, GWP, market-based allocation, aggregation, data quality,
  Monte Carlo uncertainty and the snapshot. The factor library is loaded before the clock (its
  time is reported as ``library_s``); the on-disk cache is warm, as after any first calculation.
* ``month-sums``: the one-off intake step ``lingtan`` profits from (the month sums from the
  batch's columns in memory).
* ``lingtan-scan``: the same calculation reading every row instead of the month sums (the
  engine's path for a period cut inside a month or a factor changing mid-month; forced here by
  making the engine's whole-month test answer no, before the clock).
* ``lingtan-cold``: ``lingtan`` with an empty cache folder (first calculation after an install).

``--huge`` adds 10 M rows to the sizes. Defaults: 1 M rows, 5 rounds (about 6 minutes at load 9).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import _harness as h

OUT = Path(__file__).parent / "out"
YEAR = "FY2023/24"
N_FACTORS = 50_000
SEED = 7


def data_path(rows: int) -> Path:
    """Where the synthetic activities of ``rows`` rows are cached (see :func:`prepare`)."""
    return OUT / f"activities-{rows}.parquet"


def data_file(rows: int) -> Path:
    """The cached synthetic activities of ``rows`` rows (generated when missing)."""
    from lingtan.adapters.demo.scale import generate_activities

    path = data_path(rows)
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
    src = data_path(rows)
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


def _sums_file(rows: int) -> Path:
    from lingtan.core.activities import month_sums_path

    return month_sums_path(workspace_path(rows) / "batches" / f"bench{rows}.activities.parquet")


def workspace_path(rows: int, *, sums: bool = True) -> Path:
    """The prepared workspace's folder (see :func:`workspace`)."""
    return OUT / (f"ws3-{rows}" if sums else f"ws3-{rows}-scan")


def _duckdb() -> object:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(
        f"CREATE TABLE f AS SELECT i::INT AS key_id, 0.5 + i / {N_FACTORS} AS kg_per_unit "
        f"FROM range(1, {N_FACTORS + 1}) r(i)"
    )
    return con


def run_sql(rows: int) -> float:
    con = _duckdb()
    path = data_path(rows)
    t = time.perf_counter()
    con.execute(  # type: ignore[attr-defined]
        f"""SELECT a.scope, a.category, a.site, date_trunc('month', a.date) AS month,
                   sum(a.quantity * f.kg_per_unit) AS co2e_kg
            FROM '{path}' a JOIN f USING (key_id)
            GROUP BY ALL"""
    ).fetchall()
    return time.perf_counter() - t


_FROM_SUMS = """SELECT k.scope, k.category, k.site,
           make_date(s.month // 12, s.month % 12 + 1, 1) AS month,
           sum(s.quantity * f.kg_per_unit) AS co2e_kg
    FROM {sums} s JOIN '{keys}' k USING (key_id) JOIN f USING (key_id)
    GROUP BY ALL"""


def run_sql_narrow(rows: int) -> float:
    from lingtan.core.activities import keys_path

    con = _duckdb()
    path = data_path(rows)
    keys = keys_path(path)
    sums = (
        f"(SELECT key_id, year(date) * 12 + month(date) - 1 AS month, sum(quantity) AS quantity "
        f"FROM '{path}' GROUP BY 1, 2)"
    )
    t = time.perf_counter()
    con.execute(_FROM_SUMS.format(sums=sums, keys=keys)).fetchall()  # type: ignore[attr-defined]
    return time.perf_counter() - t


def run_sql_sums(rows: int) -> float:
    from lingtan.core.activities import keys_path

    con = _duckdb()
    sums, keys = _sums_file(rows), keys_path(data_path(rows))
    t = time.perf_counter()
    con.execute(_FROM_SUMS.format(sums=f"'{sums}'", keys=keys)).fetchall()  # type: ignore[attr-defined]
    return time.perf_counter() - t


def run_polars(rows: int) -> float:
    import polars as pl

    from lingtan.core.activities import keys_path

    path, keys = data_path(rows), keys_path(data_path(rows))
    f = pl.DataFrame(
        {"key_id": pl.int_range(1, N_FACTORS + 1, eager=True).cast(pl.Int32)}
    ).with_columns(kg_per_unit=0.5 + pl.col("key_id") / N_FACTORS)
    t = time.perf_counter()
    (
        pl.scan_parquet(path)
        .group_by(
            "key_id",
            month=pl.col("date").dt.year().cast(pl.Int32) * 12 + pl.col("date").dt.month() - 1,
        )
        .agg(pl.col("quantity").sum())
        .join(pl.scan_parquet(keys).select("key_id", "scope", "category", "site"), on="key_id")
        .join(f.lazy(), on="key_id")
        .group_by("scope", "category", "site", "month")
        .agg(co2e_kg=(pl.col("quantity") * pl.col("kg_per_unit")).sum())
        .collect()
    )
    return time.perf_counter() - t


def run_pandas(rows: int) -> float:
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped]

    from lingtan.core.activities import keys_path

    path, keys = data_path(rows), keys_path(data_path(rows))
    kg = pd.Series(0.5 + np.arange(1, N_FACTORS + 1) / N_FACTORS, index=np.arange(1, N_FACTORS + 1))
    t = time.perf_counter()
    a = pd.read_parquet(path, columns=["key_id", "date", "quantity"], dtype_backend="pyarrow")
    d = a["date"].astype("timestamp[s][pyarrow]")
    a["month"] = d.dt.year * 12 + d.dt.month - 1
    s = a.groupby(["key_id", "month"], observed=True, sort=False)["quantity"].sum().reset_index()
    k = pd.read_parquet(keys, columns=["key_id", "scope", "category", "site"])
    s = s.merge(k, on="key_id")
    s["co2e_kg"] = s["quantity"].to_numpy() * kg.reindex(s["key_id"].to_numpy()).to_numpy()
    s.groupby(["scope", "category", "site", "month"], observed=True)["co2e_kg"].sum()
    return time.perf_counter() - t


def run_pandas_naive(rows: int) -> float:
    import pandas as pd

    from lingtan.core.activities import keys_path

    path = data_path(rows)
    keys = pd.read_parquet(keys_path(path))
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
        path, columns=["site", "date", "scope", "category", "activity_type", "unit", "quantity"]
    )
    a = a.merge(f, on=["activity_type", "unit"], how="inner")
    a["co2e_kg"] = a["quantity"] * a["kg_per_unit"]
    a["month"] = pd.to_datetime(a["date"]).dt.to_period("M")
    a.groupby(["scope", "category", "site", "month"], observed=True)["co2e_kg"].sum()
    return time.perf_counter() - t


_extra: dict[str, float] = {}


def run_lingtan(rows: int, *, sums: bool = True) -> float:
    import ibis
    import pyarrow as pa

    from lingtan.adapters.io.library import load_library
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.models import Snapshot
    from lingtan.adapters.store.workspace import open_workspace

    ws = open_workspace(workspace_path(rows))
    if not sums:  # every row read: as for a period cut inside a month or a mid-month factor
        from lingtan.adapters.compute import engine

        engine._whole_months = lambda p: False  # noqa: ARG005
    with ws.session() as s:
        s.query(Snapshot).delete()
    shutil.rmtree(ws.snapshots_dir, ignore_errors=True)
    ws.snapshots_dir.mkdir()
    ibis.duckdb  # noqa: B018  (load Ibis's DuckDB backend: the SQL variants' `import duckdb`)
    pa.array([0])  # pyarrow imports pandas lazily on its first array (~0.15 s): a library load
    t0 = time.perf_counter()
    load_library(ws)  # parse the factor files (cached in the process and on disk)
    _extra["library_s"] = time.perf_counter() - t0
    t = time.perf_counter()
    calculate_year(ws, YEAR)
    return time.perf_counter() - t


def run_lingtan_scan(rows: int) -> float:
    return run_lingtan(rows, sums=False)


def run_month_sums(rows: int) -> float:
    """The one-off intake step behind ``lingtan``: the batch's month sums, from its columns in
    memory (the importer holds the accepted rows as an Arrow table)."""
    import pyarrow.parquet as pq

    from lingtan.adapters.store.workspace import month_sums

    columns = pq.read_table(data_path(rows), columns=["key_id", "date", "quantity"])
    import duckdb  # noqa: F401  (month_sums imports it: a library load, before the clock)

    t = time.perf_counter()
    month_sums(columns)
    return time.perf_counter() - t


def run_lingtan_cold(rows: int) -> float:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lingtan-cache-") as cache:
        os.environ["LINGTAN_CACHE_DIR"] = cache
        return run_lingtan(rows)


VARIANTS = {
    "duckdb-sums": run_sql_sums,
    "duckdb-narrow": run_sql_narrow,
    "duckdb-sql": run_sql,
    "polars": run_polars,
    "pandas": run_pandas,
    "pandas-naive": run_pandas_naive,
    "lingtan": run_lingtan,
    "lingtan-scan": run_lingtan_scan,
    "lingtan-cold": run_lingtan_cold,
    "month-sums": run_month_sums,
}
#: the references each variant's paired ratio is printed against
REFERENCES = ("duckdb-sums", "duckdb-narrow", "duckdb-sql", "polars", "pandas")


def child(variant: str, rows: int) -> None:
    seconds = VARIANTS[variant](rows)
    h.report(seconds, **_extra)


def prepare(rows: int) -> None:
    """Generate the data and both workspaces (run in its own process by the parent)."""
    data_file(rows)
    workspace(rows)


def measure(rows: int) -> Callable[[str, int], h.Run]:
    def one(variant: str, r: int) -> h.Run:
        load = h.load1()
        seconds, peak, extra = h.run_python(
            "benchmarks.run", ["--child", variant, "--rows", str(rows)]
        )
        return h.Run(variant, r, seconds, peak, load, extra)

    return one


def table(rows: int, runs: list[h.Run]) -> str:
    summ = h.summarise(runs)
    lines = []
    for v, s in summ.items():
        lines.append(
            [v, f"{rows:,}", h.fmt_spread(s), f"{rows / s.median_s:,.0f}", f"{s.peak_mib:.0f}",
             f"{s.load_median:.2f} ({s.load_max:.2f})"]
        )  # fmt: skip
    t1 = h.format_table(
        ["variant", "rows", "median s (min–max)", "rows/s", "peak MiB", "load1 median (max)"],
        lines,
    )
    lines = []
    for v in summ:
        if v == "month-sums":  # an intake step, not a calculation: no ratios
            continue
        lines.append([v, *(h.fmt_ratio(h.paired_ratios(runs, v, ref)) for ref in REFERENCES)])
    t2 = h.format_table(["paired ratio", *(f"÷ {r}" for r in REFERENCES)], lines)
    return f"{t1}\n\npaired ratios per round, median (min–max):\n{t2}"


def main() -> None:
    doc = __doc__ or ""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--rounds", "--runs", type=int, default=5, dest="rounds")
    ap.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    ap.add_argument("--huge", action="store_true", help="also 10 M rows")
    ap.add_argument("--child", choices=list(VARIANTS))
    ap.add_argument("--prepare", action="store_true")
    ap.add_argument("--rows", type=int)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    if args.prepare:
        prepare(args.rows)
        return
    sizes = sorted({*args.sizes, *([10_000_000] if args.huge else [])})
    for n in sizes:  # in a separate process: the parent stays small (see _harness)
        res = h.run_process([sys.executable, "-m", "benchmarks.run", "--prepare", "--rows", str(n)])
        if res.returncode:
            raise SystemExit(res.stderr)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; load average before: {h.loads()}"
    )
    for n in sizes:
        runs = list(h.interleave(args.variants, args.rounds, measure(n)))
        print(f"\n{n:,} rows, {args.rounds} rounds interleaved; load average after: {h.loads()}")
        print(table(n, runs))
        lib = [r.extra["library_s"] for r in runs if "library_s" in r.extra]
        if lib:
            print(f"factor library load before lingtan's clock: median {h.median(lib):.3f} s")
    print(f"\norchestrator peak {h.self_peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
