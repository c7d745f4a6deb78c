"""Meter readings benchmark (issue 16, decision 0071): ``python -m benchmarks.readings``
(``make bench-readings``).

Two measurements, each variant a fresh Python child process whose clock runs around the measured
work only (imports, inputs and a fresh copy of the workspace are made before it), variants
interleaved round-robin with paired ratios and the load average per run
(``benchmarks/_harness.py``):

1. **File ingestion** of a CSV of ``--file-meters`` × ``--file-intervals`` readings (default
   500 × 10,000 = 5 M; columns meter, local time, value):

   * ``lingtan readings``: :func:`lingtan.adapters.services.readings.ingest_readings_file` into
     a fresh copy of a workspace holding the meters — read, typed, checked against the
     register, deduplicated against the store, written as partitioned Parquet with its month
     sums and recorded (target ≥ 1 M readings/s, within 2× of the yardstick);
   * ``duckdb-csv``: DuckDB reading the same CSV (all text), typing meter, time and value, and
     writing one Parquet file — the yardstick.

2. **Monthly site × carrier sums** of ``--meters`` meters × one year of 15-minute readings
   (default 1,000 × 35,136 = 35.1 M readings, 2024; generated with numpy, stored through
   :func:`lingtan.adapters.io.readings_store.write_readings` as 12 monthly batches with their
   month sums), warm (the query run once in the child before the clock):

   * ``month sums``: :func:`~lingtan.adapters.io.readings_store.monthly_meter_sums` (the batches'
     month sums) grouped by site, carrier and month (target < 1 s warm, < 1 GiB);
   * ``from readings``: the same with ``exact=True``: every reading deduplicated (latest batch
     per meter × interval) and placed in its local month (the path the PySpark backend runs);
   * ``duckdb-scan``: DuckDB summing every stored reading per meter and UTC month, no
     deduplication, no time zones — what one plain pass over the rows costs.

Data are made once under ``benchmarks/out/readings-*``. Copy the tables into
docs/benchmarks.md ("Meter readings").
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks import _harness as h

OUT = Path(__file__).parent / "out"
SITES = 10
START = datetime(2024, 1, 1, tzinfo=UTC)
RATIOS = (
    ("lingtan readings", "duckdb-csv"),
    ("from readings", "duckdb-scan"),
    ("month sums", "duckdb-scan"),
)


# -- data (made before any clock) -----------------------------------------------------------------


def _meter_codes(n: int) -> list[str]:
    return [f"S{i % SITES:02d}-M{i:05d}" for i in range(n)]


def _carrier(i: int) -> tuple[str, str]:
    """Every tenth meter gas [m3], every tenth + 1 water [m3], the rest electricity [kWh]."""
    if i % 10 == 0:
        return "natural_gas", "m3"
    if i % 10 == 1:
        return "water", "m3"
    return "electricity", "kWh"


def file_dir(meters: int, intervals: int) -> Path:
    return OUT / f"readings-file-{meters}x{intervals}"


def prepare_file(meters: int, intervals: int) -> None:
    """The CSV and a workspace holding its meters (``base``)."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.meters import import_meters
    from lingtan.adapters.store.scoping import tenant_session
    from lingtan.adapters.store.workspace import init_workspace

    d = file_dir(meters, intervals)
    if (d / "done").exists():
        return
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    codes = _meter_codes(meters)
    base = d / "base"
    init_workspace(base, organisation="Bench Co")
    register = d / "meters.csv"
    register.write_text(
        "code,site,carrier,unit\n"
        + "".join(f"{c},S{i % SITES:02d},{','.join(_carrier(i))}\n" for i, c in enumerate(codes)),
        encoding="utf-8",
    )
    ctx = LocalContext(base)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id) as db:
        import_meters(db, ctx, register)
    ws.engine.dispose()
    rng = np.random.default_rng(16)
    t0 = np.datetime64("2024-01-01T00:00", "m")
    ts = (t0 + np.arange(intervals) * np.timedelta64(15, "m")).astype("datetime64[us]")
    table = pa.table(
        {
            "meter": pa.array(np.repeat(np.asarray(codes, dtype=object), intervals), pa.string()),
            "ts": pa.array(np.tile(ts, meters), pa.timestamp("us")),
            "value": pa.array(np.round(rng.random(meters * intervals) * 10, 3)),
        }
    )
    con = duckdb.connect()
    con.register("t", table)
    con.execute(
        "COPY (SELECT meter, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts, value FROM t) "
        f"TO '{d / 'readings.csv'}' (HEADER, DELIMITER ',')"
    )
    (d / "done").write_text("ok")


def year_dir(meters: int) -> Path:
    return OUT / f"readings-year-{meters}"


def bench_meters(meters: int) -> list[object]:
    """The year's meters as :class:`lingtan.modules.energy.meters.Meter` values."""
    from lingtan.modules.energy.meters import Carrier, Meter

    out: list[object] = []
    for i, code in enumerate(_meter_codes(meters)):
        carrier, unit = _carrier(i)
        out.append(Meter(code, f"S{i % SITES:02d}", Carrier(carrier), unit))
    return out


def prepare_year(meters: int) -> None:
    """One year (2024) of 15-minute readings of ``meters`` meters, 12 monthly batches."""
    import numpy as np
    import pyarrow as pa

    from lingtan.adapters.io import readings_store as rs
    from lingtan.modules.energy.meters import READINGS_SCHEMA

    d = year_dir(meters)
    if (d / "done").exists():
        return
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    codes = _meter_codes(meters)
    site_of = {c: f"S{i % SITES:02d}" for i, c in enumerate(codes)}
    tz_of = dict.fromkeys(codes, "Asia/Shanghai")
    rng = np.random.default_rng(2024)
    for m in range(12):
        lo = np.datetime64(f"2024-{m + 1:02d}-01T00:00", "m")
        hi = np.datetime64(f"2024-{m + 2:02d}-01T00:00" if m < 11 else "2025-01-01T00:00", "m")
        n = int((hi - lo) // np.timedelta64(15, "m"))
        ts = (lo + np.arange(n) * np.timedelta64(15, "m")).astype("datetime64[us]")
        rows = meters * n
        received = datetime(2025, 1, 1, m, tzinfo=UTC)
        batch_id = f"{m + 1:064x}"
        t = pa.table(
            {
                "meter": pa.array(np.repeat(np.asarray(codes, dtype=object), n), pa.string()),
                "ts": pa.array(np.tile(ts, meters), pa.timestamp("us", tz="UTC")),
                "minutes": pa.array(np.full(rows, 15, dtype=np.int16)),
                "value": pa.array(rng.random(rows) * 10),
                "register": pa.nulls(rows, pa.float64()),
                "quality": pa.array(np.full(rows, "measured", dtype=object), pa.string()),
                "batch_id": pa.array(np.full(rows, batch_id, dtype=object), pa.string()),
                "received": pa.array(np.full(rows, received), pa.timestamp("us", tz="UTC")),
            },
            schema=READINGS_SCHEMA,
        )
        rs.write_readings(d, t, batch_id, site_of)
        rs.write_month_sums(d, batch_id, t, tz_of)
        del t
        print(f"  prepared month {m + 1}", file=sys.stderr, flush=True)
    (d / "done").write_text("ok")


# -- children (one measured run each) -------------------------------------------------------------


def child_ingest(meters: int, intervals: int) -> None:
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.readings import ingest_readings_file

    d = file_dir(meters, intervals)
    ws = d / "run"
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(d / "base", ws)
    ctx = LocalContext(ws)
    ctx.workspace()  # opened (and migrated) before the clock
    import pyarrow as pa

    pa.array(["x"])  # pyarrow's lazy import of pandas (0.5 s, once per process) before the clock
    t = time.perf_counter()
    rep = ingest_readings_file(ctx, d / "readings.csv")
    seconds = time.perf_counter() - t
    if not rep.ok or rep.accepted != meters * intervals:
        raise SystemExit(f"ingestion failed: {rep.rejected_count} rejected, {rep.accepted} stored")
    h.report(seconds, readings=rep.accepted)
    shutil.rmtree(ws, ignore_errors=True)


def child_duckdb_csv(meters: int, intervals: int) -> None:
    import duckdb

    d = file_dir(meters, intervals)
    out = d / "duckdb.parquet"
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(
        "COPY (SELECT meter, CAST(ts AS TIMESTAMP) AS ts, CAST(value AS DOUBLE) AS value "
        f"FROM read_csv('{d / 'readings.csv'}', header = true, all_varchar = true)) "
        f"TO '{out}' (FORMAT parquet, COMPRESSION zstd)"
    )
    seconds = time.perf_counter() - t
    h.report(seconds)
    out.unlink(missing_ok=True)


def _site_carrier(table: object) -> object:
    import pyarrow as pa

    assert isinstance(table, pa.Table)
    return table.group_by(["site", "carrier", "month"]).aggregate([("value", "sum")])


def child_monthly(meters: int, exact: bool) -> None:
    from lingtan.adapters.io import readings_store as rs

    d = year_dir(meters)
    ms = bench_meters(meters)
    start, end = date(2024, 1, 1), date(2024, 12, 31)

    def run() -> int:
        sums = rs.monthly_meter_sums(d, ms, start, end, exact=exact)  # type: ignore[arg-type]
        return int(_site_carrier(sums).num_rows)  # type: ignore[attr-defined]

    run()  # warm: files in the page cache, libraries loaded
    t = time.perf_counter()
    groups = run()
    seconds = time.perf_counter() - t
    h.report(seconds, groups=groups)


def child_duckdb_scan(meters: int) -> None:
    from lingtan.adapters.io import readings_store as rs

    d = year_dir(meters)
    files = ", ".join(f"'{p}'" for p in rs.reading_files(d))
    sql = (
        f"SELECT meter, date_trunc('month', ts) AS month, sum(value), count(*) "
        f"FROM read_parquet([{files}]) GROUP BY ALL"
    )
    with rs.connect() as con:
        con.execute(sql).fetchall()  # warm
        t = time.perf_counter()
        n = len(con.execute(sql).fetchall())
        seconds = time.perf_counter() - t
    h.report(seconds, groups=n)


# -- the rounds -----------------------------------------------------------------------------------


def _measure(variant: str, r: int, args: argparse.Namespace) -> h.Run:
    load = h.load1()
    argv = {
        "lingtan readings": ["--child", "ingest"],
        "duckdb-csv": ["--child", "duckdb-csv"],
        "month sums": ["--child", "monthly"],
        "from readings": ["--child", "exact"],
        "duckdb-scan": ["--child", "scan"],
    }[variant]
    sizes = [
        "--file-meters", str(args.file_meters), "--file-intervals", str(args.file_intervals),
        "--meters", str(args.meters),
    ]  # fmt: skip
    seconds, peak, extra = h.run_python("benchmarks.readings", [*argv, *sizes])
    return h.Run(variant, r, seconds, peak, load, extra)


def main() -> None:
    doc = __doc__ or ""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--file-meters", type=int, default=500)
    ap.add_argument("--file-intervals", type=int, default=10_000)
    ap.add_argument("--meters", type=int, default=1_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-exact", action="store_true", help="skip the 'from readings' variant")
    ap.add_argument("--only", choices=("file", "year"), default=None)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        {
            "ingest": lambda: child_ingest(args.file_meters, args.file_intervals),
            "duckdb-csv": lambda: child_duckdb_csv(args.file_meters, args.file_intervals),
            "monthly": lambda: child_monthly(args.meters, exact=False),
            "exact": lambda: child_monthly(args.meters, exact=True),
            "scan": lambda: child_duckdb_scan(args.meters),
        }[args.child]()
        return
    print(f"python {sys.version.split()[0]}; load before: {h.loads()}")
    print("every run a fresh process, clock around the measured work; ratios paired per round")
    if args.only in (None, "file"):
        prepare_file(args.file_meters, args.file_intervals)
        n = args.file_meters * args.file_intervals
        runs = list(h.interleave(
            ["lingtan readings", "duckdb-csv"], args.rounds, lambda v, r: _measure(v, r, args)
        ))  # fmt: skip
        print(f"\nfile ingestion, {n:,} readings, {args.rounds} rounds; load after: {h.loads()}")
        print(h.rows_table({"lingtan readings": n, "duckdb-csv": n}, runs, RATIOS))
    if args.only in (None, "year"):
        prepare_year(args.meters)
        n = args.meters * 366 * 96
        variants = ["month sums", "duckdb-scan", *([] if args.no_exact else ["from readings"])]
        runs = list(h.interleave(variants, args.rounds, lambda v, r: _measure(v, r, args)))
        print(
            f"\nmonthly site × carrier sums, {args.meters:,} meters × 2024 (15 min) = {n:,} "
            f"readings, warm, {args.rounds} rounds; load after: {h.loads()}"
        )
        print(h.rows_table(dict.fromkeys(variants, n), runs, RATIOS))
    print(f"\norchestrator peak {h.self_peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
