"""Readings as immutable, partitioned Parquet (issue 16, decision 0071): the layout, the
newest batch winning a meter × interval, monthly sums in local months (from the month sums
written at intake and, the same figures, from the readings themselves), interval series, and
gaps found in SQL.

Hand-checked figures: meter E1 (Asia/Shanghai, UTC+8, 15 min) has 1 kWh per interval from
2024-01-31 15:00 UTC to 16:45 UTC — local 23:00–00:45, so four intervals (15:00–15:45 UTC =
local 23:00–23:45) fall in January and four (16:00–16:45 UTC = local 00:00–00:45) in February.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from lingtan.adapters.io import readings_store as rs
from lingtan.modules.energy.meters import READINGS_SCHEMA, Carrier, Meter

E1 = Meter("E1", "HF", Carrier.ELECTRICITY, "kWh")
E2 = Meter("E2", "SZ", Carrier.ELECTRICITY, "kWh")
BERLIN = Meter("B1", "DE", Carrier.ELECTRICITY, "kWh", tz="Europe/Berlin")
T0 = datetime(2024, 1, 31, 15, 0, tzinfo=UTC)


def batch(
    meter: str, start: datetime, values: list[float], batch_id: str, received: datetime
) -> pa.Table:
    n = len(values)
    ts = [start + timedelta(minutes=15 * i) for i in range(n)]
    return pa.table(
        {
            "meter": [meter] * n,
            "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "minutes": pa.array([15] * n, pa.int16()),
            "value": pa.array(values, pa.float64()),
            "register": pa.nulls(n, pa.float64()),
            "quality": ["measured"] * n,
            "batch_id": [batch_id] * n,
            "received": pa.array([received] * n, pa.timestamp("us", tz="UTC")),
        },
        schema=READINGS_SCHEMA,
    )


SITES = {"E1": "HF", "E2": "SZ", "B1": "DE"}
TZ = {"E1": "Asia/Shanghai", "E2": "Asia/Shanghai", "B1": "Europe/Berlin"}
A, B = "a" * 64, "b" * 64
R1 = datetime(2024, 3, 1, tzinfo=UTC)
R2 = datetime(2024, 3, 2, tzinfo=UTC)


def store(ws: Path, t: pa.Table, batch_id: str, replaced: pa.Table | None = None) -> None:
    rs.write_readings(ws, t, batch_id, SITES)
    rs.write_month_sums(ws, batch_id, t, TZ, replaced)


def test_partitions_by_site_and_utc_month_and_never_rewrites(tmp_path: Path) -> None:
    t = pa.concat_tables([batch("E1", T0, [1.0] * 8, A, R1), batch("E2", T0, [2.0], A, R1)])
    assert rs.write_readings(tmp_path, t, A, SITES) == 9
    files = [p.relative_to(tmp_path).as_posix() for p in rs.reading_files(tmp_path)]
    # E1 15:00–16:45 UTC on 31 January: all in the UTC month 2024-01
    assert files == [
        f"readings/site=HF/month=2024-01/{A}.parquet",
        f"readings/site=SZ/month=2024-01/{A}.parquet",
    ]
    first = rs.reading_files(tmp_path)[0]
    before = first.stat().st_mtime_ns
    rs.write_readings(tmp_path, t, A, SITES)  # the same batch again: left as it is
    assert first.stat().st_mtime_ns == before
    assert not (tmp_path / "readings" / ".staging" / A).exists()
    with pytest.raises(ValueError, match="has no site"):
        rs.write_readings(tmp_path, batch("X9", T0, [1.0], B, R2), B, SITES)


def test_monthly_sums_in_local_months_from_month_sums_and_from_readings(tmp_path: Path) -> None:
    store(tmp_path, batch("E1", T0, [1.0] * 8, A, R1), A)
    # batch B corrects the interval at 16:00 UTC (local 1 Feb 00:00) from 1 to 5 kWh
    b = batch("E1", T0 + timedelta(hours=1), [5.0], B, R2)
    replaced = pa.table({"meter": ["E1"], "ts": b.column("ts"), "value": [1.0]})
    store(tmp_path, b, B, replaced)
    fast = rs.monthly_meter_sums(tmp_path, [E1], date(2024, 1, 1), date(2024, 2, 29))
    exact = rs.monthly_meter_sums(tmp_path, [E1], date(2024, 1, 1), date(2024, 2, 29), exact=True)
    for got in (fast, exact):
        rows = {r["month"]: r for r in got.to_pylist()}
        # January: 4 × 1 kWh; February: 3 × 1 + 5 = 8 kWh (the newer batch wins)
        assert rows[date(2024, 1, 1)]["value"] == pytest.approx(4.0)
        assert rows[date(2024, 2, 1)]["value"] == pytest.approx(8.0)
        assert [rows[m]["intervals"] for m in sorted(rows)] == [4, 4]
        # 31 days × 96 = 2 976; 29 days × 96 = 2 784
        assert [rows[m]["expected_intervals"] for m in sorted(rows)] == [2976, 2784]
        assert rows[date(2024, 1, 1)]["batches"] == [A]
        assert rows[date(2024, 2, 1)]["batches"] == [A, B]
        assert rows[date(2024, 2, 1)]["first_ts"] == T0 + timedelta(hours=1)
        assert rows[date(2024, 1, 1)]["site"] == "HF"
    assert fast.schema == rs.MONTHLY_SCHEMA
    # only February asked for
    feb = rs.monthly_meter_sums(tmp_path, [E1], date(2024, 2, 1), date(2024, 2, 29))
    assert [r["month"] for r in feb.to_pylist()] == [date(2024, 2, 1)]


def test_a_batch_without_month_sums_is_summed_from_its_readings(tmp_path: Path) -> None:
    rs.write_readings(tmp_path, batch("E1", T0, [1.0] * 8, A, R1), A, SITES)  # no month sums
    got = rs.monthly_meter_sums(tmp_path, [E1], date(2024, 1, 1), date(2024, 2, 29))
    assert [(r["month"], r["value"]) for r in got.to_pylist()] == [
        (date(2024, 1, 1), 4.0),
        (date(2024, 2, 1), 4.0),
    ]


def test_the_newest_batch_wins_when_read(tmp_path: Path) -> None:
    store(tmp_path, batch("E1", T0, [1.0, 1.0], A, R1), A)
    rs.write_readings(tmp_path, batch("E1", T0, [3.0], B, R2), B, SITES)
    with rs.connect() as con:
        rows = con.execute(
            f"SELECT ts, value, batch_id FROM ({rs.readings_sql(tmp_path)}) ORDER BY ts"
        ).fetchall()
    assert [(v, b) for _, v, b in rows] == [(3.0, B), (1.0, A)]
    keys = pa.table({"meter": ["E1"], "ts": pa.array([T0], pa.timestamp("us", tz="UTC"))})
    assert rs.stored_values(tmp_path, keys, SITES).column("value").to_pylist() == [3.0]


def test_expected_intervals_follow_daylight_saving_and_service_dates() -> None:
    b = rs.month_bounds([BERLIN], date(2024, 3, 1), date(2024, 3, 31)).to_pylist()
    # March 2024 in Berlin: 31 days less the hour skipped on the 31st = 743 h × 4 = 2 972
    assert {r["expected_intervals"] for r in b} == {2972}
    # local month start 1 March 00:00 CET = 29 Feb 23:00 UTC
    assert min(r["lo"] for r in b) == datetime(2024, 2, 29, 23, 0, tzinfo=UTC)
    late = Meter("L", "HF", Carrier.ELECTRICITY, "kWh", valid_from=date(2024, 1, 21))
    jan = rs.month_bounds([late], date(2024, 1, 1), date(2024, 1, 31)).to_pylist()
    assert {r["expected_intervals"] for r in jan} == {11 * 96}  # 21–31 January


def test_interval_series_by_resolution(tmp_path: Path) -> None:
    store(tmp_path, batch("E1", T0, [1.0] * 8, A, R1), A)
    hour = rs.interval_series(tmp_path, [E1], date(2024, 1, 31), date(2024, 2, 1), "hour")
    assert [(r["ts"].hour, r["value"], r["intervals"]) for r in hour.to_pylist()] == [
        (15, 4.0, 4),
        (16, 4.0, 4),
    ]
    day = rs.interval_series(tmp_path, [E1], date(2024, 1, 31), date(2024, 2, 1), "day")
    # local days start at 16:00 UTC the day before
    assert [(r["ts"], r["value"]) for r in day.to_pylist()] == [
        (datetime(2024, 1, 30, 16, tzinfo=UTC), 4.0),
        (datetime(2024, 1, 31, 16, tzinfo=UTC), 4.0),
    ]
    q = rs.interval_series(tmp_path, [E1], date(2024, 2, 1), date(2024, 2, 1), "15min")
    assert q.num_rows == 4
    with pytest.raises(ValueError, match="resolution"):
        rs.interval_series(tmp_path, [E1], date(2024, 2, 1), date(2024, 2, 1), "week")  # type: ignore[arg-type]


def test_gaps_are_runs_of_missing_intervals(tmp_path: Path) -> None:
    values = [1.0] * 8
    t = batch("E1", T0 + timedelta(hours=1), values, A, R1)  # local 1 Feb 00:00–01:45
    keep = np.ones(8, dtype=bool)
    keep[[2, 3, 4]] = False  # 00:30, 00:45, 01:00 local missing
    store(tmp_path, t.filter(pa.array(keep)), A)
    gaps = rs.find_gaps(tmp_path, [E1, E2], date(2024, 2, 1), date(2024, 2, 1))
    e1 = [g for g in gaps if g.meter == "E1"]
    assert [(g.start, g.end, g.missing_intervals) for g in e1] == [
        (datetime(2024, 1, 31, 16, 30, tzinfo=UTC), datetime(2024, 1, 31, 17, 15, tzinfo=UTC), 3),
        # after local 01:45 to the end of the day: 96 − 8 = 88 intervals
        (datetime(2024, 1, 31, 18, 0, tzinfo=UTC), datetime(2024, 2, 1, 16, 0, tzinfo=UTC), 88),
    ]
    # a meter without readings is one gap of the whole day
    assert [(g.meter, g.missing_intervals) for g in gaps if g.meter == "E2"] == [("E2", 96)]
    assert e1[0].message.key == "energy.issue.gap"


def test_nothing_stored_reads_as_empty(tmp_path: Path) -> None:
    assert rs.monthly_meter_sums(tmp_path, [E1], date(2024, 1, 1), date(2024, 1, 31)).num_rows == 0
    assert rs.interval_series(tmp_path, [E1], date(2024, 1, 1), date(2024, 1, 1)).num_rows == 0
    assert [
        g.missing_intervals
        for g in rs.find_gaps(tmp_path, [E1], date(2024, 1, 1), date(2024, 1, 1))
    ] == [96]


def test_local_months_by_binary_search_match_the_zone_rules() -> None:
    """``local_months`` (month starts per zone, no conversion per row) gives DuckDB's
    ``date_trunc('month', timezone(tz, ts))`` for times around month starts: Shanghai (UTC+8:
    2024-01-31 16:00 UTC = local 2024-02-01 00:00), Kolkata (UTC+5:30: 2024-02-29 18:29 UTC =
    local 23:59 in February, 18:30 = local 00:00 on 1 March), Berlin across DST (2024-03-31
    22:00 UTC = local 00:00 on 1 April, CEST UTC+2); a meter without a zone: null."""
    ts = [
        datetime(2024, 1, 31, 15, 45, tzinfo=UTC),
        datetime(2024, 1, 31, 16, 0, tzinfo=UTC),
        datetime(2024, 2, 29, 18, 29, tzinfo=UTC),
        datetime(2024, 2, 29, 18, 30, tzinfo=UTC),
        datetime(2024, 3, 31, 21, 59, tzinfo=UTC),
        datetime(2024, 3, 31, 22, 0, tzinfo=UTC),
        datetime(2024, 3, 31, 22, 0, tzinfo=UTC),
    ]
    meters = ["SH", "SH", "IN", "IN", "DE", "DE", "XX"]
    t = pa.table({"meter": meters, "ts": pa.array(ts, pa.timestamp("us", tz="UTC"))})
    tz_of = {"SH": "Asia/Shanghai", "IN": "Asia/Kolkata", "DE": "Europe/Berlin"}
    got = rs.local_months(t, tz_of).to_pylist()
    assert got == [
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
        date(2024, 3, 1),
        date(2024, 4, 1),
        None,
    ]
    with rs.connect() as con:
        con.register("t", t.slice(0, 6))
        con.register("z", pa.table({"meter": list(tz_of), "tz": list(tz_of.values())}))
        want = con.execute(
            "SELECT CAST(date_trunc('month', timezone(z.tz, t.ts)) AS DATE) "
            "FROM t JOIN z USING (meter) ORDER BY t.ts, t.meter"
        ).fetchall()
    assert sorted(got[:6]) == sorted(w[0] for w in want)
