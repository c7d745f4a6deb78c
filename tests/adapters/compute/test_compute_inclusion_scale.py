"""The carbon-inclusion queries at scale (decision 0093) on the hand-checked archive of
:mod:`inclusion_scale_kit`: the Ibis leaderboard equals the hand-computed boards and the pure
rule of :mod:`lingtan.modules.inclusion.leaderboard` (H5's), the rollup path equals the events
path, the report aggregates are the hand sums; one case on PySpark."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import ibis
import pytest

from inclusion_scale_kit import EVENTS, write_archive
from lingtan.adapters.compute import inclusion_queries as q
from lingtan.adapters.services.inclusion_scale import rebuild_rollup
from lingtan.modules.inclusion import leaderboard as lb

MARCH_APRIL = (datetime(2024, 3, 1), datetime(2024, 5, 1))
MID = (datetime(2024, 3, 15), datetime(2024, 4, 6))
FEB_APRIL = (datetime(2024, 2, 15), datetime(2024, 5, 1))

#: window → (scope, rule) → [(key, score)] by hand (the kit's docstring)
HAND = {
    MARCH_APRIL: {
        ("individual", "mean"): [("a2", 15.0), ("a1", 15.0), ("a3", 15.0), ("a5", 8.0)],
        ("team", "mean"): [("T1", 15.0), ("T2", 15.0)],
        ("team", "sum"): [("T1", 30.0), ("T2", 15.0)],
    },
    MID: {
        ("individual", "mean"): [("a2", 15.0), ("a3", 15.0), ("a5", 8.0), ("a1", 5.0)],
        ("team", "mean"): [("T2", 15.0), ("T1", 10.0)],
        ("team", "sum"): [("T1", 20.0), ("T2", 15.0)],
    },
    FEB_APRIL: {
        ("individual", "mean"): [("a4", 40.0), ("a2", 15.0), ("a1", 15.0), ("a3", 15.0),
                                 ("a5", 8.0)],
        ("team", "mean"): [("T2", 27.5), ("T1", 15.0)],
        ("team", "sum"): [("T2", 55.0), ("T1", 30.0)],
    },
}  # fmt: skip
CASES = [(w, sr) for w, boards in HAND.items() for sr in boards]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    ws = tmp_path_factory.mktemp("ws")
    folder = write_archive(ws)
    rebuild_rollup(ws, "P1", ["2024-02", "2024-03", "2024-04", "2024-05"])
    return folder, ws / "inclusion" / "rollup" / "programme=P1"


def _pairs(rows: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(r["key"], r["score"]) for r in rows]


@pytest.mark.parametrize(("window", "scope_rule"), CASES)
def test_leaderboard_equals_the_hand_computed_board(
    archive: tuple[Path, Path], window: tuple[datetime, datetime], scope_rule: tuple[str, str]
) -> None:
    con = ibis.duckdb.connect()
    events, rollup = q.read_archive(con, str(archive[0])), q.read_archive(con, str(archive[1]))
    scope, rule = scope_rule
    want = HAND[window][scope_rule]
    got = q.board_rows(q.leaderboard_expr(events, *window, scope, rule))  # type: ignore[arg-type]
    assert _pairs(got) == want
    assert [r["rank"] for r in got] == list(range(1, len(want) + 1))
    via_rollup = q.leaderboard_from_rollup(rollup, events, *window, scope, rule)  # type: ignore[arg-type]
    assert q.board_rows(via_rollup) == got


@pytest.mark.parametrize(("window", "scope_rule"), CASES)
def test_leaderboard_equals_the_campaign_rule(
    archive: tuple[Path, Path], window: tuple[datetime, datetime], scope_rule: tuple[str, str]
) -> None:
    """The same board as the pure rule the store-backed campaign service uses (H5)."""
    start, end = window
    contributions = [
        lb.Contribution(e["account_ref"], e["group_code"], e["points"], e["occurred_at"])
        for e in EVENTS
        if e["status"] == "accepted" and start <= e["occurred_at"] < end
    ]
    scope, rule = scope_rule
    want = lb.individual(contributions) if scope == "individual" else lb.team(contributions, rule)  # type: ignore[arg-type]
    con = ibis.duckdb.connect()
    got = q.board_rows(q.leaderboard_expr(q.read_archive(con, str(archive[0])), start, end,
                                          scope, rule))  # type: ignore[arg-type]  # fmt: skip
    assert [(r["key"], r["score"], r["points"], r["members"], r["attained_at"]) for r in got] == [
        (w.subject, w.score, w.points, w.active, w.attained_at) for w in want
    ]


def test_limit_and_action_filter(archive: tuple[Path, Path]) -> None:
    events = q.read_archive(ibis.duckdb.connect(), str(archive[0]))
    top2 = q.board_rows(q.leaderboard_expr(events, *MARCH_APRIL, "individual", limit=2))
    assert _pairs(top2) == [("a2", 15.0), ("a1", 15.0)]
    recycling = q.leaderboard_expr(events, *MARCH_APRIL, actions=["recycle.electronics"])
    assert _pairs(q.board_rows(recycling)) == [("a3", 15.0)]
    with pytest.raises(ValueError, match="scope"):
        q.leaderboard_expr(events, *MARCH_APRIL, "class")  # type: ignore[arg-type]


def test_report_aggregates_are_the_hand_sums(archive: tuple[Path, Path]) -> None:
    events = q.read_archive(ibis.duckdb.connect(), str(archive[0]))
    rep = {k: q.table_rows(v) for k, v in q.report_expr(events).items()}
    # accepted: 10 + 5 + 15 + 15 + 0 + 8 + 40 + 30 points; reductions 1 + .5 + 1.5 + .8 + 4 + 3 kg
    assert rep["totals"] == [{"events": 8, "points": 123, "kg_co2e": pytest.approx(10.8),
                              "active": 5}]  # fmt: skip
    by_pack = {(r["pack_id"], r["counts_as"]): (r["events"], r["kg_co2e"]) for r in rep["by_pack"]}
    assert by_pack == {
        ("lingtan.recycling", "avoided"): (1, 2.0),
        ("lingtan.travel", "reduction"): (6, pytest.approx(10.8)),
        (None, "engagement"): (1, 0.0),
    }
    metro = {r["status"]: (r["events"], r["points"]) for r in rep["by_action"]
             if r["action"] == "commute.metro"}  # fmt: skip
    assert metro == {"accepted": (6, 108), "rejected": (1, 50), "reversed": (1, 100)}
    march = q.report_expr(events, datetime(2024, 3, 1), datetime(2024, 4, 1))["totals"]
    assert q.table_rows(march) == [{"events": 4, "points": 38, "kg_co2e": pytest.approx(3.8),
                                    "active": 3}]  # fmt: skip


def test_split_window() -> None:
    s = q.split_window(datetime(2024, 2, 15), datetime(2024, 5, 1))
    assert s.whole == ("2024-03", "2024-04")
    assert s.edges == ((datetime(2024, 2, 15), datetime(2024, 3, 1)),)
    s = q.split_window(datetime(2024, 12, 30), datetime(2025, 1, 2))
    assert s.whole == ()
    assert len(s.edges) == 2


# PySpark 4.0's Arrow → pandas conversion passes copy= to pandas 3 (deprecated, harmless); Py4J
# drops pooled gateway sockets to the JVM without closing them (as in test_spark_parity.py)
@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_the_same_boards_on_pyspark(archive: tuple[Path, Path], spark: ibis.BaseBackend) -> None:
    """One small case on Spark (slow): individual and team mean, from the events and through
    the rollup, equal the hand-computed boards."""
    events = q.read_archive(spark, str(archive[0]))
    rollup = q.read_archive(spark, str(archive[1]))
    ind = q.board_rows(q.leaderboard_expr(events, *MID, "individual"))
    assert _pairs(ind) == HAND[MID][("individual", "mean")]
    team = q.board_rows(q.leaderboard_from_rollup(rollup, events, *FEB_APRIL, "team", "mean"))
    assert _pairs(team) == HAND[FEB_APRIL][("team", "mean")]
