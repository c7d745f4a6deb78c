"""Carbon-inclusion events at scale (issue 18, decision 0093): the store stays the operational
truth (idempotency, ledger, reversal); settled events are exported incrementally to the
workspace's partitioned Parquet archive (:mod:`lingtan.adapters.io.inclusion_archive`), with an
account rollup per month, and the leaderboard and report aggregates run over it as Ibis
expressions (:mod:`lingtan.adapters.compute.inclusion_queries`) on DuckDB or PySpark.

- :func:`archive`: events with an id above the manifest's watermark (or ``since_event_id``),
  settled (not ``pending``) and below the first still-pending id — so an event settled late is
  never skipped —, exported in batches of :data:`BATCH` rows; then the rollup of the months
  touched is rebuilt.
- :func:`leaderboard` (window of whole days ``start``…``end`` inclusive, UTC) and
  :func:`report` over the archive; the rollup answers the whole months when it is current.

Reading needs ``read``; archiving ``edit_data``. A refusal is an :class:`InclusionScaleError`
with its catalogue key (``incl_scale.err.*``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingtan.adapters.compute import inclusion_queries as q
from lingtan.adapters.io import inclusion_archive as arc
from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import KeyedError, Kind, keyed_refusal
from lingtan.core.messages import Message, msg

#: rows fetched from the store and written per part
BATCH = 100_000
BACKENDS = ("duckdb", "pyspark")
ROLLUP_STATE = "_rollup.json"


class InclusionScaleError(KeyedError):
    """A refusal of the scale service (``incl_scale.err.*``)."""


def refused(kind: Kind, message: Message, field: str | None = None) -> InclusionScaleError:
    """An :class:`InclusionScaleError` of ``kind`` for a keyed ``message``."""
    return keyed_refusal(InclusionScaleError, kind, message, field)


@dataclass(frozen=True)
class ArchiveResult:
    """One :func:`archive` run: events ``written``, the new ``watermark`` (last archived event
    id), ``total`` events archived so far, the ``months`` touched, events still ``pending``."""

    programme: str
    written: int
    watermark: int
    total: int
    months: tuple[str, ...]
    pending: int


# ---- export from the store -----------------------------------------------------------------


def archive(
    db: Session, ctx: Context, programme_code: str, since_event_id: int | None = None
) -> ArchiveResult:
    """Export the programme's settled events above the watermark to the archive, then rebuild
    the rollup of the months touched."""
    from lingtan.adapters.services.inclusion_programmes import get_programme
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow as Ev

    ctx.require("edit_data")
    programme = get_programme(db, ctx, programme_code)
    ws = ctx.workspace().path
    root = arc.events_root(ws)
    manifest = arc.read_manifest(root, programme_code)
    mark = int(manifest["watermark"]) if since_event_id is None else since_event_id
    if mark < 0:
        raise refused("invalid", msg("incl_scale.err.since", value=mark), "since_event_id")
    first_pending = db.scalar(
        select(func.min(Ev.id)).where(
            Ev.programme_id == programme.id, Ev.id > mark, Ev.status == "pending"
        )
    )
    pending = int(
        db.scalar(
            select(func.count(Ev.id)).where(Ev.programme_id == programme.id, Ev.status == "pending")
        )
        or 0
    )
    written, touched = 0, set[str]()
    for batch in _settled_batches(db, programme.id, mark, first_pending):
        res = arc.archive_events(ws, programme_code, batch)
        written += int(res["written"])
        touched |= set(res["touched"])
    if touched:
        rebuild_rollup(ws, programme_code, sorted(touched))
    after = arc.read_manifest(root, programme_code)
    return ArchiveResult(
        programme_code, written, int(after["watermark"]), int(after["events"]),
        tuple(sorted(touched)), pending,
    )  # fmt: skip


def _settled_batches(
    db: Session, programme_id: int, mark: int, first_pending: int | None
) -> Iterator[pa.Table]:
    """The settled events above ``mark`` (and below ``first_pending``), with their account's
    ref and group, in id order, :data:`BATCH` at a time."""
    from lingtan.adapters.store.inclusion_ledger import InclusionEventRow as Ev
    from lingtan.adapters.store.inclusion_programmes import InclusionAccountRow as Acc

    cond = [Ev.programme_id == programme_id, Ev.id > mark, Ev.status != "pending"]
    if first_pending is not None:
        cond.append(Ev.id < first_pending)
    stmt = (
        select(
            Ev.id,
            Acc.ref,
            Acc.group_code,
            Ev.action,
            Ev.occurred_at,
            Ev.kg_co2e,
            Ev.counts_as,
            Ev.points,
            Ev.status,
            Ev.pack_id,
        )
        .join(Acc, Acc.id == Ev.account_id)
        .where(*cond)
        .order_by(Ev.id)
        .execution_options(yield_per=BATCH)
    )
    names = arc.EVENT_SCHEMA.names
    for part in db.execute(stmt).partitions(BATCH):
        yield arc.events_table(dict(zip(names, row, strict=True)) for row in part)


# ---- the rollup -----------------------------------------------------------------------------


def rebuild_rollup(workspace: Path, programme_code: str, months: Sequence[str]) -> None:
    """Recompute the account rollup (:func:`.inclusion_queries.rollup_expr`) of ``months``
    from the archive on DuckDB, one atomic file per month, then record the archive watermark
    it reflects."""
    folder = arc.programme_folder(arc.events_root(workspace), programme_code)
    out = arc.programme_folder(arc.rollup_root(workspace), programme_code)
    con = ibis.duckdb.connect()
    events = q.read_archive(con, str(folder))
    for month in months:
        rows = q.rollup_expr(events.filter(events.month == month)).drop("month").to_pyarrow()
        arc.write_atomic_parquet(rows, out / f"month={month}" / "part-0.parquet")
    mark = arc.read_manifest(arc.events_root(workspace), programme_code)["watermark"]
    arc.write_atomic_text(json.dumps({"watermark": mark}), out / ROLLUP_STATE)


def rollup_current(workspace: Path, programme_code: str) -> bool:
    """True when the rollup reflects every archived event (same watermark as the archive)."""
    state = arc.programme_folder(arc.rollup_root(workspace), programme_code) / ROLLUP_STATE
    if not state.exists():
        return False
    mark = arc.read_manifest(arc.events_root(workspace), programme_code)["watermark"]
    return bool(json.loads(state.read_text(encoding="utf-8"))["watermark"] == mark)


# ---- queries --------------------------------------------------------------------------------


def connect(backend: str = "duckdb") -> ibis.BaseBackend:
    """An Ibis connection: in-process DuckDB, or a local Spark session (``local[2]``) with
    lingtan's settings (:func:`lingtan.adapters.compute.spark.connect_spark`)."""
    if backend not in BACKENDS:
        raise refused("invalid", msg("incl_scale.err.backend", value=backend), "backend")
    if backend == "duckdb":
        return ibis.duckdb.connect()
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise refused("invalid", msg("incl_scale.err.no_spark"), "backend") from exc
    from lingtan.adapters.compute.spark import connect_spark

    session = (
        SparkSession.builder.master("local[2]")
        .appName("lingtan inclusion")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return connect_spark(session)


def window(start: date, end: date) -> tuple[datetime, datetime]:
    """Whole days ``start``…``end`` (inclusive, UTC) as the half-open ``[start, end + 1 day)``."""
    if end < start:
        raise refused("invalid", msg("incl_scale.err.window", start=str(start), end=str(end)), "to")
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def _tables(
    ctx: Context, programme_code: str, con: ibis.BaseBackend
) -> tuple[ir.Table, ir.Table | None]:
    ws = ctx.workspace().path
    folder = arc.programme_folder(arc.events_root(ws), programme_code)
    if not any(folder.glob("month=*/*.parquet")):
        raise refused(
            "not_found", msg("incl_scale.err.no_archive", programme=programme_code), "programme"
        )
    events = q.read_archive(con, str(folder))
    rollup = None
    if rollup_current(ws, programme_code):
        rollup = q.read_archive(con, str(arc.programme_folder(arc.rollup_root(ws), programme_code)))
    return events, rollup


def leaderboard(
    ctx: Context,
    programme_code: str,
    start: date,
    end: date,
    scope: str = "individual",
    team_rule: str = "mean",
    *,
    limit: int = 50,
    actions: Sequence[str] | None = None,
    backend: str = "duckdb",
    con: ibis.BaseBackend | None = None,
) -> list[dict[str, Any]]:
    """The leaderboard of the archive over the days ``start``…``end`` (inclusive; of
    ``actions`` only when given): rows ``rank``, ``key`` (account ref or group code),
    ``score``, ``points``, ``members``, ``attained_at``, best first (the rule of
    :mod:`lingtan.modules.inclusion.leaderboard`). The rollup answers the window's whole
    months when it is current and no action filter is given."""
    ctx.require("read")
    if scope not in q.SCOPES:
        raise refused("invalid", msg("incl_scale.err.scope", value=scope), "scope")
    if team_rule not in q.TEAM_RULES:
        raise refused("invalid", msg("incl_scale.err.team_rule", value=team_rule), "team_rule")
    if limit < 1:
        raise refused("invalid", msg("incl_scale.err.limit", value=limit), "limit")
    a, b = window(start, end)
    con = con or connect(backend)
    events, rollup = _tables(ctx, programme_code, con)
    if rollup is not None and not actions:
        expr = q.leaderboard_from_rollup(rollup, events, a, b, scope, team_rule, limit=limit)
    else:
        expr = q.leaderboard_expr(events, a, b, scope, team_rule, limit=limit, actions=actions)
    return q.board_rows(expr)


def report(
    ctx: Context,
    programme_code: str,
    start: date | None = None,
    end: date | None = None,
    *,
    backend: str = "duckdb",
    con: ibis.BaseBackend | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The report aggregates of the archive (``by_action``, ``by_pack``, ``totals``; see
    :func:`~lingtan.adapters.compute.inclusion_queries.report_expr`) over the days
    ``start``…``end`` (inclusive; open when not given)."""
    ctx.require("read")
    a = datetime.combine(start, time.min) if start else None
    b = datetime.combine(end + timedelta(days=1), time.min) if end else None
    if a and b and b <= a:
        raise refused("invalid", msg("incl_scale.err.window", start=str(start), end=str(end)), "to")
    con = con or connect(backend)
    events, _ = _tables(ctx, programme_code, con)
    return {name: q.table_rows(expr) for name, expr in q.report_expr(events, a, b).items()}


__all__ = [
    "ArchiveResult", "InclusionScaleError", "archive", "connect", "leaderboard",
    "rebuild_rollup", "report", "rollup_current", "window",
]  # fmt: skip
