"""Carbon-inclusion events at scale (issue 18, decision 0093):
``python -m benchmarks.bench_inclusion_scale`` (``make bench-inclusion-scale``).

Generates ``--events`` synthetic events (default 100 M) of ``--accounts`` accounts (default 1 M,
in teams of 50) over calendar year 2024 straight into the archive layout of
:mod:`lingtan.adapters.io.inclusion_archive` (``inclusion/events/programme=BENCH/month=…``)
with one DuckDB ``COPY … PARTITION_BY`` from ``range()`` (cached under
``benchmarks/out/inclusion``; ``--clean`` deletes it at the end), builds the account rollup
with lingtan's own code (:func:`lingtan.adapters.services.inclusion_scale.rebuild_rollup`,
timed once), then times in fresh processes, interleaved round-robin
(``benchmarks/_harness.py``):

* ``lingtan …``: the Ibis expressions of :mod:`lingtan.adapters.compute.inclusion_queries`
  executed on DuckDB — the individual top-100 and the team mean board of the whole year (from
  the rollup: the service's path), the individual board from the raw events, the board of an
  environment week (7 days, partial month: from the events), the report aggregates;
* ``sql …``: the reference, what a DuckDB expert writes by hand on the same files for the
  same answer (``GROUP BY`` + ``ORDER BY … LIMIT``);
* ``spark …`` (``--spark``): the same lingtan expressions on a local PySpark session
  (``local[2]``), one round (each Spark query costs seconds of planning).

Each child runs its query once *cold* (first query of a fresh process: DuckDB has read no file
metadata yet; the OS file cache is as earlier runs left it) and then ``--warm`` times *warm*;
``seconds`` is the median warm time, ``cold_s`` the first. Ratios are lingtan ÷ reference of the
warm times in the same round. The results are compared row for row with the reference once
before timing (``--check``, on by default).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import _harness as h

OUT = Path(__file__).parent / "out" / "inclusion"
PROGRAMME = "BENCH"
TEAM_SIZE = 50
YEAR = (datetime(2024, 1, 1), datetime(2025, 1, 1))
WEEK = (datetime(2024, 6, 5), datetime(2024, 6, 12))  # environment week: inside one month
ACTIONS = (
    ("commute.metro", "reduction", "lingtan.travel"),
    ("commute.bus", "reduction", "lingtan.travel"),
    ("commute.bike", "reduction", "lingtan.travel"),
    ("meeting.online", "reduction", "lingtan.meetings"),
    ("esign.document", "reduction", "lingtan.esign"),
    ("secondhand.book", "reduction", "lingtan.secondhand"),
    ("recycle.electronics", "avoided", "lingtan.recycling"),
    ("purchase.neutral_pc", "engagement", None),
)


def data_dir(events: int, accounts: int) -> Path:
    return OUT / f"e{events}-a{accounts}"


def folders(ws: Path) -> tuple[str, str]:
    """The programme's events and rollup folders."""
    from lingtan.adapters.io.inclusion_archive import events_root, programme_folder, rollup_root

    return (
        str(programme_folder(events_root(ws), PROGRAMME)),
        str(programme_folder(rollup_root(ws), PROGRAMME)),
    )


def generate(ws: Path, events: int, accounts: int) -> float:
    """Write the synthetic archive with DuckDB; its seconds."""
    import duckdb

    ev, _ = folders(ws)
    acts = ", ".join(
        f"{{'a': '{a}', 'c': '{c}', 'p': {'NULL' if p is None else repr(p)}}}"
        for a, c, p in ACTIONS
    )
    n = len(ACTIONS)
    Path(ev).parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads = 2; SET memory_limit = '12GB'; SET preserve_insertion_order = false")
    con.execute(f"""
        COPY (
          WITH r AS (
            SELECT range AS i, CAST(hash(range) % {accounts} AS BIGINT) AS a,
                   CAST(hash(range * 7 + 3) >> 1 AS BIGINT) AS h,
                   [{acts}][CAST(1 + hash(range * 13 + 5) % {n} AS BIGINT)] AS x
            FROM range(1, {events} + 1)
          ), e AS (
            SELECT i, a, h, x,
                   make_timestamp(1704067200000000 + (h % 31622400) * 1000000) AS ts,
                   CASE WHEN h % 100 < 96 THEN 'accepted' WHEN h % 100 < 98 THEN 'rejected'
                        ELSE 'reversed' END AS status,
                   CASE WHEN x.c = 'engagement' THEN 5 ELSE 1 + (h >> 20) % 20 END AS pts
            FROM r
          )
          SELECT i AS event_id, 'm-' || lpad(CAST(a AS VARCHAR), 10, '0') AS account_ref,
                 'T' || lpad(CAST(a // {TEAM_SIZE} AS VARCHAR), 6, '0') AS group_code,
                 x.a AS action, ts AS occurred_at,
                 CASE WHEN x.c = 'engagement' THEN 0.0 ELSE pts * 0.1 END AS kg_co2e,
                 x.c AS counts_as, CAST(pts AS BIGINT) AS points, status, x.p AS pack_id,
                 strftime(ts, '%Y-%m') AS month
          FROM e
        ) TO '{ev}' (FORMAT parquet, PARTITION_BY (month), FILENAME_PATTERN 'part-{{i}}',
                     COMPRESSION zstd, OVERWRITE_OR_IGNORE)
    """)
    con.close()
    return time.perf_counter() - t


def size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet")) / 2**20


# ---- the measured queries ---------------------------------------------------------------------


def _sql_board(source: str, where: str, scope: str) -> str:
    """The hand-written reference board (top 100) over ``source`` rows of (account_ref,
    group_code, points, attained_at)."""
    per = f"""SELECT account_ref, group_code, sum(points) AS points, max(attained_at) AS attained_at
              FROM ({source}) {where} GROUP BY ALL HAVING sum(points) >= 1"""
    if scope == "individual":
        return f"""SELECT account_ref AS key, points::DOUBLE AS score FROM ({per})
                   ORDER BY score DESC, attained_at, key LIMIT 100"""
    return f"""SELECT group_code AS key, sum(points)::DOUBLE / count(*) AS score
               FROM ({per}) WHERE group_code IS NOT NULL GROUP BY group_code
               ORDER BY score DESC, max(attained_at), key LIMIT 100"""


def _events_src(ev: str) -> str:
    return f"""SELECT account_ref, group_code, points, occurred_at,
               CASE WHEN points > 0 THEN occurred_at END AS attained_at, month
               FROM read_parquet('{ev}/*/*.parquet', hive_partitioning = true)
               WHERE status = 'accepted'"""


def queries(ws: Path, engine: str) -> dict[str, Callable[[], Any]]:
    """Name → a callable running one query to completion (its result rows)."""
    from lingtan.adapters.compute import inclusion_queries as q

    ev, ro = folders(ws)
    if engine == "sql":
        import duckdb

        con = duckdb.connect()
        year = f"WHERE occurred_at >= '{YEAR[0]}' AND occurred_at < '{YEAR[1]}'"
        week = (
            f"WHERE month = '2024-06' AND occurred_at >= '{WEEK[0]}' AND occurred_at < '{WEEK[1]}'"
        )
        rollup = f"SELECT * FROM read_parquet('{ro}/*/*.parquet', hive_partitioning = true)"
        report = f"""
            SELECT action, status, count(*), sum(kg_co2e), sum(points)
            FROM read_parquet('{ev}/*/*.parquet', hive_partitioning = true) GROUP BY ALL
            ORDER BY ALL"""

        def sql(text: str) -> Callable[[], Any]:
            return lambda: con.execute(text).fetchall()

        return {
            "individual": sql(_sql_board(rollup, "", "individual")),
            "team-mean": sql(_sql_board(rollup, "", "team")),
            "individual-events": sql(_sql_board(_events_src(ev), year, "individual")),
            "week": sql(_sql_board(_events_src(ev), week, "individual")),
            "report": sql(report),
        }
    import ibis

    if engine == "spark":
        con = _spark()
    else:
        con = ibis.duckdb.connect()
        con.raw_sql("SET threads = 2")
    events = q.read_archive(con, ev)
    rollup_t = q.read_archive(con, ro)

    def run(expr: Any) -> Callable[[], Any]:
        return lambda: expr.to_pyarrow()

    return {
        "individual": run(q.leaderboard_from_rollup(rollup_t, events, *YEAR, "individual")),
        "team-mean": run(q.leaderboard_from_rollup(rollup_t, events, *YEAR, "team", "mean")),
        "individual-events": run(q.leaderboard_expr(events, *YEAR, "individual")),
        "week": run(q.leaderboard_from_rollup(rollup_t, events, *WEEK, "individual")),
        "report": run(q.report_expr(events)["by_action"]),
    }


def _spark() -> Any:
    import os

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    from lingtan.adapters.compute.spark import connect_spark

    session = (
        SparkSession.builder.master("local[2]")
        .appName("bench-inclusion-scale")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "8g")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return connect_spark(session)


def child(ws: Path, engine: str, query: str, warm: int) -> None:
    """One fresh process: build the query (not timed), run it cold, then ``warm`` times."""
    run = queries(ws, engine)[query]
    t = time.perf_counter()
    run()
    cold = time.perf_counter() - t
    times, cpus = [], []
    for _ in range(warm):
        t, c = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)  # every thread of this process (Spark: the driver)
    h.report(statistics.median(times), cold_s=cold, cpu_s=statistics.median(cpus))


def check(ws: Path) -> None:
    """lingtan's boards equal the reference's (keys and scores, in order) before any timing."""
    lt, ref = queries(ws, "lingtan"), queries(ws, "sql")
    for name in ("individual", "team-mean", "individual-events", "week"):
        got = lt[name]().to_pylist()
        want = ref[name]()
        pairs = [(r["key"], round(r["score"], 9)) for r in got]
        if pairs != [(k, round(s, 9)) for k, s in want]:
            raise SystemExit(f"{name}: lingtan and the reference differ:\n{pairs[:5]}\n{want[:5]}")
    print("check: lingtan's boards equal the hand-written SQL's", file=sys.stderr)


# ---- orchestration ------------------------------------------------------------------------------

QUERIES = ("individual", "team-mean", "individual-events", "week", "report")
LABELS = {
    "individual": "individual top-100, year (rollup)",
    "team-mean": "team mean top-100, year (rollup)",
    "individual-events": "individual top-100, year (events)",
    "week": "individual top-100, week (events)",
    "report": "report: events by action × status",
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=100_000_000)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warm", type=int, default=5, help="warm repeats per child")
    ap.add_argument("--spark", action="store_true", help="also time the PySpark backend")
    ap.add_argument("--spark-queries", default="individual,team-mean,report")
    ap.add_argument("--no-check", action="store_true")
    ap.add_argument("--clean", action="store_true", help="delete the generated data at the end")
    ap.add_argument("--child", nargs=3, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--ws", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        engine, query, warm = a.child
        child(Path(a.ws), engine, query, int(warm))
        return

    ws = data_dir(a.events, a.accounts)
    ev, _ = folders(ws)
    print(f"# inclusion scale: {a.events:,} events, {a.accounts:,} accounts; load {h.loads()}")
    if not Path(ev).exists():
        secs = generate(ws, a.events, a.accounts)
        print(f"generated in {secs:.1f} s: {size_mib(Path(ev)):.0f} MiB of Parquet")
    else:
        print(f"data cached in {ws}: {size_mib(Path(ev)):.0f} MiB of Parquet")
    from lingtan.adapters.services.inclusion_scale import rebuild_rollup, rollup_current

    _, ro = folders(ws)
    if rollup_current(ws, PROGRAMME):
        print(f"rollup cached: {size_mib(Path(ro)):.0f} MiB")
    else:
        months = sorted(p.name.removeprefix("month=") for p in Path(ev).glob("month=*"))
        t = time.perf_counter()
        rebuild_rollup(ws, PROGRAMME, months)
        rollup_s = time.perf_counter() - t
        print(f"rollup rebuilt (lingtan, DuckDB) in {rollup_s:.1f} s: {size_mib(Path(ro)):.0f} MiB")
    if not a.no_check:
        check(ws)

    def measure(variant: str, r: int) -> h.Run:
        engine, query = variant.split(":")
        load = h.load1()
        args = ["--ws", str(ws), "--child", engine, query, str(a.warm)]
        secs, peak, extra = h.run_python("benchmarks.bench_inclusion_scale", args)
        return h.Run(variant, r, secs, peak, load, extra)

    variants = [f"{e}:{qn}" for qn in QUERIES for e in ("lingtan", "sql")]
    runs = list(h.interleave(variants, a.rounds, measure))
    if a.spark:
        sq = [f"spark:{x}" for x in a.spark_queries.split(",") if x]
        runs += list(h.interleave(sq, 1, measure))
    print(table(runs))
    if a.clean:
        shutil.rmtree(ws)


def table(runs: list[h.Run]) -> str:
    summ = h.summarise(runs)
    rows = []
    for qn in QUERIES:
        ref = summ.get(f"sql:{qn}")
        for engine in ("lingtan", "sql", "spark"):
            s = summ.get(f"{engine}:{qn}")
            if s is None:
                continue
            colds = [r.extra.get("cold_s", 0.0) for r in runs if r.variant == f"{engine}:{qn}"]
            cpus = [r.extra.get("cpu_s", 0.0) for r in runs if r.variant == f"{engine}:{qn}"]
            ratio = (
                h.paired_ratios(runs, f"{engine}:{qn}", f"sql:{qn}") if engine != "sql" else None
            )
            if engine == "spark" and ref is not None:
                ratio_s = f"{s.median_s / ref.median_s:.1f} (1 round)"
            else:
                ratio_s = h.fmt_ratio(ratio)
            rows.append(
                [LABELS[qn], engine, s.runs, h.fmt_spread(s), f"{h.median(cpus):.3f}",
                 f"{h.median(colds):.3f}",
                 ratio_s, f"{s.peak_mib:.0f}", f"{s.load_median:.2f}"]
            )  # fmt: skip
    head = ["query", "engine", "runs", "warm s median (min–max)", "warm CPU s", "cold s",
            "÷ sql (warm)",
            "peak MiB", "load"]  # fmt: skip
    return h.format_table(head, rows)


if __name__ == "__main__":
    main()
