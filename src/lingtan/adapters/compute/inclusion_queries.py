"""Carbon-inclusion events at scale (issue 18, decision 0093): the leaderboard and the programme
report's aggregates as Ibis expressions over the event archive
(:mod:`lingtan.adapters.io.inclusion_archive`), run on DuckDB in-process (the default) or on
Apache Spark through Ibis's PySpark backend (:mod:`lingtan.adapters.compute.spark`,
docs/scale-out.md) — one implementation, as for the inventory engine (decision 0047).

Leaderboard rule (the campaigns' rule, :mod:`lingtan.modules.inclusion.leaderboard`):

* window ``[start, end)`` on ``occurred_at`` (UTC); only ``accepted`` events count (a reversed
  or rejected event earns nothing);
* an account's score is the sum of its points in the window; an account is *active* when it has
  at least 1 point there;
* team scope: per ``group_code`` over its active members, ``sum`` of their points or their
  ``mean`` (points ÷ active members, the issue's default); accounts without a group are not on
  the team board;
* order: score descending, then the earliest *attainment* (the instant the final score was
  reached: the last scoring event of the account; for a team, of its members), then the code.

The account rollup (:func:`rollup_expr`): per account and calendar month of ``occurred_at``,
the accepted events' points, kg and count and the last scoring instant. A window made of whole
months is answered from the rollup (about 12 rows per account a year instead of every event);
the partial months at its edges from the events (:func:`leaderboard_from_rollup`). Both give the
same board: sums and maxima are associative.

Units: ``points`` integer points, ``kg_co2e`` kg CO2e, times UTC without zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import ibis
import ibis.expr.types as ir

Scope = Literal["individual", "team"]
TeamRule = Literal["mean", "sum"]
SCOPES: tuple[Scope, ...] = ("individual", "team")
TEAM_RULES: tuple[TeamRule, ...] = ("mean", "sum")

#: the archive's columns the queries read (``month`` is the ``YYYY-MM`` partition value)
EVENT_COLUMNS = (
    "event_id", "account_ref", "group_code", "action", "occurred_at", "kg_co2e", "counts_as",
    "points", "status", "pack_id", "month",
)  # fmt: skip
#: the columns of a leaderboard result, in order
BOARD_COLUMNS = ("key", "score", "points", "members", "attained_at")


def month_of(d: date | datetime) -> str:
    """The ``YYYY-MM`` partition value of a day or instant."""
    return f"{d.year:04d}-{d.month:02d}"


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


@dataclass(frozen=True)
class WindowSplit:
    """A window ``[start, end)`` cut at month boundaries: the ``whole`` months inside it (their
    ``YYYY-MM`` values) and the ``edges`` (``[a, b)`` pieces of the partial months)."""

    whole: tuple[str, ...]
    edges: tuple[tuple[datetime, datetime], ...]


def split_window(start: datetime, end: datetime) -> WindowSplit:
    """Cut ``[start, end)`` into whole calendar months and partial-month edges."""
    whole: list[str] = []
    edges: list[tuple[datetime, datetime]] = []
    cur = start
    while cur < end:
        first = datetime(cur.year, cur.month, 1)
        nxt = datetime.combine(_next_month(first.date()), datetime.min.time())
        stop = min(nxt, end)
        if cur == first and stop == nxt:
            whole.append(month_of(first))
        else:
            edges.append((cur, stop))
        cur = stop
    return WindowSplit(tuple(whole), tuple(edges))


def _months_between(start: datetime, end: datetime) -> list[str]:
    """The ``YYYY-MM`` values of every month ``[start, end)`` touches (partition pruning)."""
    out, cur = [], date(start.year, start.month, 1)
    last = end - timedelta(microseconds=1)
    while cur <= last.date():
        out.append(month_of(cur))
        cur = _next_month(cur)
    return out


def in_window(
    events: ir.Table, start: datetime, end: datetime, actions: Sequence[str] | None = None
) -> ir.Table:
    """``events`` with ``occurred_at`` in ``[start, end)`` (and ``action`` in ``actions`` when
    given: a campaign's eligible actions); the ``month`` partition is filtered too, so both
    backends read only the months the window touches."""
    months = _months_between(start, end)
    if not months:
        return events.filter(ibis.literal(False))
    t = events.filter(
        events.month.isin(months), events.occurred_at >= start, events.occurred_at < end
    )
    return t.filter(t.action.isin(list(actions))) if actions else t


def _per_account_from_events(events: ir.Table) -> ir.Table:
    """Per account (and its group): accepted points and the last scoring instant."""
    acc = events.filter(events.status == "accepted")
    return acc.group_by(["account_ref", "group_code"]).aggregate(
        points=acc.points.sum(),
        attained_at=(acc.points > 0)
        .ifelse(acc.occurred_at, ibis.null(acc.occurred_at.type()))
        .max(),
    )


def rollup_expr(events: ir.Table) -> ir.Table:
    """The account rollup: per account, group and ``month``, the accepted events' ``points``,
    ``kg_co2e`` [kg CO2e] and ``events`` and the last scoring instant ``attained_at``."""
    acc = events.filter(events.status == "accepted")
    return acc.group_by(["account_ref", "group_code", "month"]).aggregate(
        points=acc.points.sum(),
        kg_co2e=acc.kg_co2e.sum(),
        events=acc.count(),
        attained_at=(acc.points > 0)
        .ifelse(acc.occurred_at, ibis.null(acc.occurred_at.type()))
        .max(),
    )


def _board(per_account: ir.Table, scope: Scope, team_rule: TeamRule, limit: int) -> ir.Table:
    """Rank per-account totals (columns ``account_ref``, ``group_code``, ``points``,
    ``attained_at``): the top ``limit`` rows of :data:`BOARD_COLUMNS`, best first."""
    active = per_account.filter(per_account.points >= 1)
    if scope == "individual":
        board = active.select(
            key=active.account_ref,
            score=active.points.cast("float64"),
            points=active.points,
            members=ibis.literal(1, "int64"),
            attained_at=active.attained_at,
        )
    else:
        grouped = active.filter(active.group_code.notnull())
        teams = grouped.group_by(key=grouped.group_code).aggregate(
            points=grouped.points.sum(),
            members=grouped.count(),
            attained_at=grouped.attained_at.max(),
        )
        score = teams.points.cast("float64")
        if team_rule == "mean":
            score = score / teams.members.cast("float64")
        board = teams.select(
            key=teams.key,
            score=score,
            points=teams.points,
            members=teams.members,
            attained_at=teams.attained_at,
        )
    ordered = board.order_by([ibis.desc("score"), ibis.asc("attained_at"), ibis.asc("key")])
    return ordered.limit(limit)


def leaderboard_expr(
    events: ir.Table,
    start: datetime,
    end: datetime,
    scope: Scope = "individual",
    team_rule: TeamRule = "mean",
    *,
    limit: int = 100,
    actions: Sequence[str] | None = None,
) -> ir.Table:
    """The leaderboard of ``[start, end)`` from the events (of ``actions`` only, when given):
    the top ``limit`` rows (:data:`BOARD_COLUMNS`; ``score`` points, or mean points per active
    member), best first."""
    _check(scope, team_rule, limit)
    t = in_window(events, start, end, actions)
    return _board(_per_account_from_events(t), scope, team_rule, limit)


def leaderboard_from_rollup(
    rollup: ir.Table,
    events: ir.Table,
    start: datetime,
    end: datetime,
    scope: Scope = "individual",
    team_rule: TeamRule = "mean",
    *,
    limit: int = 100,
) -> ir.Table:
    """:func:`leaderboard_expr` answered from the account rollup for the window's whole months
    and from the events for its partial months (same rows, far fewer read)."""
    _check(scope, team_rule, limit)
    split = split_window(start, end)
    parts: list[ir.Table] = []
    ts, pts = events.occurred_at.type(), events.points.type()

    def cols(t: ir.Table) -> ir.Table:
        return t.select(
            "account_ref",
            "group_code",
            points=t.points.cast(pts),
            attained_at=t.attained_at.cast(ts),
        )

    if split.whole:
        parts.append(cols(rollup.filter(rollup.month.isin(list(split.whole)))))
    for a, b in split.edges:
        parts.append(cols(_per_account_from_events(in_window(events, a, b))))
    if not parts:
        return leaderboard_expr(events, start, end, scope, team_rule, limit=limit)
    union = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
    per_account = union.group_by(["account_ref", "group_code"]).aggregate(
        points=union.points.sum(), attained_at=union.attained_at.max()
    )
    return _board(per_account, scope, team_rule, limit)


def _check(scope: str, team_rule: str, limit: int) -> None:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    if team_rule not in TEAM_RULES:
        raise ValueError(f"team_rule must be one of {TEAM_RULES}, not {team_rule!r}")
    if limit < 1:
        raise ValueError("limit must be at least 1")


def report_expr(
    events: ir.Table, start: datetime | None = None, end: datetime | None = None
) -> dict[str, ir.Table]:
    """The programme report's aggregates over ``[start, end)`` (all events when open):

    * ``by_action``: per action and status, ``events``, ``kg_co2e`` [kg CO2e], ``points``;
    * ``by_pack``: accepted events per methodology pack and what they count as, ``events``
      and ``kg_co2e`` (reduction, avoided and engagement kept apart: avoided emissions are
      never a reduction, GHG Protocol Scope 3 Standard §9.5);
    * ``totals``: accepted ``events``, ``points`` issued by events, ``kg_co2e`` of reductions,
      ``active`` accounts (≥ 1 accepted event) — one row.
    """
    t = events
    if start is not None and end is not None:
        t = in_window(events, start, end)
    elif start is not None:
        t = t.filter(t.occurred_at >= start)
    elif end is not None:
        t = t.filter(t.occurred_at < end)
    by_action = t.group_by(["action", "status"]).aggregate(
        events=t.count(), kg_co2e=t.kg_co2e.sum(), points=t.points.sum()
    )
    acc = t.filter(t.status == "accepted")
    by_pack = acc.group_by(["pack_id", "counts_as"]).aggregate(
        events=acc.count(), kg_co2e=acc.kg_co2e.sum()
    )
    totals = acc.aggregate(
        events=acc.count(),
        points=acc.points.sum(),
        kg_co2e=(acc.counts_as == "reduction").ifelse(acc.kg_co2e, 0.0).sum(),
        active=acc.account_ref.nunique(),
    )
    return {
        "by_action": by_action.order_by(["action", "status"]),
        "by_pack": by_pack.order_by([ibis.asc("pack_id"), ibis.asc("counts_as")]),
        "totals": totals,
    }


# ---- reading the archive on a backend ---------------------------------------------------------


def read_archive(con: ibis.BaseBackend, folder: str, *, month_column: bool = True) -> ir.Table:
    """The Parquet files under ``folder`` (a ``…/programme=<code>`` folder of ``month=YYYY-MM``
    sub-folders, local or a Spark-readable URI) as one Ibis table with the ``month`` partition
    as a string column, read in one scan on DuckDB or Spark."""
    if con.name == "pyspark":
        session = con._session
        # "2024-01" must stay a string partition value, never be guessed as a number or date
        session.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        df = session.read.option("basePath", folder).parquet(folder)
        name = ibis.util.gen_name("lingtan_inclusion")
        df.createOrReplaceTempView(name)
        return con.table(name)
    glob = f"{folder.rstrip('/')}/*/*.parquet"
    if month_column:
        return con.read_parquet(glob, hive_partitioning=True, hive_types_autocast=False)
    return con.read_parquet(glob)


def board_rows(expr: ir.Table) -> list[dict[str, object]]:
    """Execute a leaderboard expression: its rows as dicts, with ``rank`` 1, 2, …"""
    df = expr.to_pyarrow().to_pylist()
    return [{"rank": i + 1, **row} for i, row in enumerate(df)]


def table_rows(expr: ir.Table) -> list[dict[str, object]]:
    """Execute any expression: its rows as dicts."""
    return list(expr.to_pyarrow().to_pylist())


__all__: Sequence[str] = (
    "BOARD_COLUMNS", "EVENT_COLUMNS", "SCOPES", "TEAM_RULES", "Scope", "TeamRule", "WindowSplit",
    "board_rows", "in_window", "leaderboard_expr", "leaderboard_from_rollup", "month_of",
    "read_archive", "report_expr", "rollup_expr", "split_window", "table_rows",
)  # fmt: skip
