"""Monthly meter sums on both backends (issue 16, decision 0071; docs/scale-out.md): the same
Ibis expression deduplicates the readings and sums them in local months on DuckDB and on
PySpark, with the figures of the month sums written at intake.

Hand-checked: meter E1 (Asia/Shanghai) 1 kWh per 15 minutes from 2024-01-31 15:00 UTC for
two hours — four intervals in local January, four in local February; a later batch corrects
16:00 UTC (local 1 February 00:00) to 5 kWh: January 4 kWh, February 3 + 5 = 8 kWh. Meter B1
(Europe/Berlin) 2 kWh at 2024-03-31 22:00 UTC = 1 April 00:00 CEST: April."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from lingtan.adapters.io import readings_store as rs
from lingtan.modules.energy.meters import READINGS_SCHEMA, Carrier, Meter

pytestmark = [
    # PySpark 4.0's Arrow → pandas conversion passes copy= to pandas 3 (deprecated, harmless)
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    # Py4J drops pooled gateway sockets to the JVM without closing them
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]

E1 = Meter("E1", "HF", Carrier.ELECTRICITY, "kWh")
B1 = Meter("B1", "DE", Carrier.ELECTRICITY, "kWh", tz="Europe/Berlin")
SITES = {"E1": "HF", "B1": "DE"}
TZ = {"E1": "Asia/Shanghai", "B1": "Europe/Berlin"}


def _batch(
    meter: str, start: datetime, values: list[float], bid: str, received: datetime
) -> pa.Table:
    n = len(values)
    return pa.table(
        {
            "meter": [meter] * n,
            "ts": pa.array(
                [start + timedelta(minutes=15 * i) for i in range(n)], pa.timestamp("us", tz="UTC")
            ),
            "minutes": pa.array([15] * n, pa.int16()),
            "value": values,
            "register": pa.nulls(n, pa.float64()),
            "quality": ["measured"] * n,
            "batch_id": [bid] * n,
            "received": pa.array([received] * n, pa.timestamp("us", tz="UTC")),
        },
        schema=READINGS_SCHEMA,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("readings")
    t0 = datetime(2024, 1, 31, 15, tzinfo=UTC)
    a, b = "a" * 64, "b" * 64
    first = pa.concat_tables(
        [
            _batch("E1", t0, [1.0] * 8, a, datetime(2024, 4, 1, tzinfo=UTC)),
            _batch(
                "B1",
                datetime(2024, 3, 31, 22, tzinfo=UTC),
                [2.0],
                a,
                datetime(2024, 4, 1, tzinfo=UTC),
            ),
        ]
    )
    rs.write_readings(ws, first, a, SITES)
    rs.write_month_sums(ws, a, first, TZ)
    fix = _batch("E1", t0 + timedelta(hours=1), [5.0], b, datetime(2024, 4, 2, tzinfo=UTC))
    rs.write_readings(ws, fix, b, SITES)
    replaced = pa.table({"meter": ["E1"], "ts": fix.column("ts"), "value": [1.0]})
    rs.write_month_sums(ws, b, fix, TZ, replaced)
    return ws


def _figures(t: pa.Table) -> list[tuple[str, date, float, int, list[str]]]:
    return sorted(
        (r["meter"], r["month"], r["value"], r["intervals"], r["batches"]) for r in t.to_pylist()
    )


def test_monthly_sums_are_the_same_on_every_backend(
    folder: Path, backend: ibis.BaseBackend
) -> None:
    got = rs.monthly_meter_sums(folder, [E1, B1], date(2024, 1, 1), date(2024, 4, 30), con=backend)
    a, b = "a" * 64, "b" * 64
    expected = [
        ("B1", date(2024, 4, 1), 2.0, 1, [a]),
        ("E1", date(2024, 1, 1), 4.0, 4, [a]),
        ("E1", date(2024, 2, 1), 8.0, 4, [a, b]),
    ]
    assert _figures(got) == expected
    assert got.schema == rs.MONTHLY_SCHEMA
    # the month sums written at intake give the same figures
    assert (
        _figures(rs.monthly_meter_sums(folder, [E1, B1], date(2024, 1, 1), date(2024, 4, 30)))
        == expected
    )
