"""Readings intake (issue 16, decision 0071) on both workspace stores: files all or nothing
and idempotent, registers of cumulative meters turned into intervals with resets reported,
multipliers applied, duplicates counted and corrections winning, MQTT/HTTP tables and NDJSON,
gaps and monthly sums.

Meters (Asia/Shanghai, 15 min): ``E`` electricity, multiplier 2 (a CT ratio); ``G`` gas,
cumulative register [m3]; ``P`` PV generation (negatives allowed); ``OLD`` in service until
2023-12-31. Local 2024-01-01 00:00 = 2023-12-31 16:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from lingtan.adapters.io import readings_store as rs
from lingtan.adapters.services import readings as svc
from lingtan.adapters.services.context import LocalContext
from lingtan.adapters.services.meters import MetersError, create_meter
from lingtan.adapters.store.energy import EnergyMeterState, EnergyReadingBatch
from lingtan.adapters.store.scoping import tenant_session
from lingtan.adapters.store.workspace import init_workspace

pytestmark = pytest.mark.stores("sqlite", "postgresql")

METERS: list[dict[str, Any]] = [
    {"code": "E", "site": "HF", "carrier": "electricity", "unit": "kWh", "multiplier": 2},
    {"code": "G", "site": "HF", "carrier": "natural_gas", "unit": "m3", "value_kind": "cumulative"},
    {
        "code": "P",
        "site": "HF",
        "carrier": "electricity",
        "unit": "kWh",
        "measures": "generation",
        "source": "onsite_pv",
    },
    {
        "code": "OLD",
        "site": "SZ",
        "carrier": "electricity",
        "unit": "kWh",
        "valid_to": "2023-12-31",
    },
]
L0 = datetime(2023, 12, 31, 16, 0, tzinfo=UTC)  # local 2024-01-01 00:00


@pytest.fixture
def ctx(tmp_path: Path, workspace_store: str) -> LocalContext:
    folder = tmp_path / f"ws-{workspace_store}"
    init_workspace(folder, organisation="Reading Co")
    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id) as db:
        for m in METERS:
            create_meter(db, ctx, m)
    return ctx


def _batches(ctx: LocalContext) -> list[EnergyReadingBatch]:
    with ctx.workspace().session() as db:
        return list(db.query(EnergyReadingBatch).order_by(EnergyReadingBatch.received))


def _csv(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_file_is_stored_once_with_its_multiplier(ctx: LocalContext, tmp_path: Path) -> None:
    p = _csv(
        tmp_path,
        "e.csv",
        "meter,ts,value\nE,2024-01-01 00:00,1\nE,2024-01-01 00:15,2\nE,2024-01-01 01:00,3\n",
    )
    r = svc.ingest_readings_file(ctx, p)
    assert r.ok
    assert (r.accepted, r.duplicates, r.meters) == (3, 0, ["E"])
    assert (r.first_ts, r.last_ts) == (L0, datetime(2023, 12, 31, 17, 0, tzinfo=UTC))
    # 00:30 and 00:45 missing between the first and the last reading
    assert [(g.meter, g.missing_intervals) for g in r.gaps] == [("E", 2)]
    again = svc.ingest_readings_file(ctx, p)
    assert again.already
    assert again.accepted == 0
    assert len(_batches(ctx)) == 1
    monthly = svc.meter_monthly(ctx, date(2024, 1, 1), date(2024, 1, 31)).to_pylist()
    # (1 + 2 + 3) kWh × multiplier 2 = 12 kWh over 3 intervals
    assert [(m["meter"], m["value"], m["intervals"]) for m in monthly] == [("E", 12.0, 3)]


def test_a_wrong_file_stores_nothing_and_names_every_cell(
    ctx: LocalContext, tmp_path: Path
) -> None:
    p = _csv(
        tmp_path,
        "bad.csv",
        "meter,ts,value\n"
        "E,2024-01-01 00:00,1\n"
        "X,2024-01-01 00:00,1\n"  # row 3: unknown meter
        "E,2024-01-01 00:07,1\n"  # row 4: not on the 15-minute grid
        "OLD,2024-01-02 00:00,1\n"  # row 5: out of service
        "G,2024-01-01 00:00,5\n"  # row 6: a cumulative meter needs its register
        "E,2024-01-01 00:30,abc\n",
    )  # row 7: not a number
    r = svc.ingest_readings_file(ctx, p)
    assert not r.ok
    assert r.accepted == 0
    assert [(i.source, i.row, i.field, i.key) for i in r.rejected] == [
        ("bad.csv", 3, "meter", "readings.err.unknown_meter"),
        ("bad.csv", 4, "ts", "readings.err.unaligned"),
        ("bad.csv", 5, "ts", "readings.err.out_of_service"),
        ("bad.csv", 6, "register", "readings.err.register_required"),
        ("bad.csv", 7, "value", "readings.err.number"),
    ]
    assert r.rejected_count == 5
    assert _batches(ctx) == []
    assert rs.reading_files(ctx.workspace().path) == []


def test_registers_become_intervals_and_resets_are_reported(
    ctx: LocalContext, tmp_path: Path
) -> None:
    p = _csv(
        tmp_path,
        "g.csv",
        "meter,ts,register\nG,2024-01-01 00:00,100\nG,2024-01-01 00:15,110\n"
        "G,2024-01-01 00:30,105\nG,2024-01-01 00:45,125\n",
    )
    r = svc.ingest_readings_file(ctx, p)
    # 100 only sets the baseline; 110 − 100 = 10 for 00:00–00:15; 105 < 110 is a reset (no
    # value); 125 − 105 = 20 for 00:30–00:45
    assert r.accepted == 2
    assert [(i.kind, i.message.key) for i in r.issues] == [("reset", "energy.issue.reset")]
    ws = ctx.workspace()
    with ws.session() as db:
        state = db.query(EnergyMeterState).one()
        assert (state.last_register, state.last_ts) == (125.0, datetime(2023, 12, 31, 16, 45))
    # the next batch continues from the stored register: 131 − 125 = 6 for 00:45–01:00
    t = pa.table(
        {
            "meter": ["G"],
            "ts": pa.array([datetime(2023, 12, 31, 17, 0)], pa.timestamp("us")),
            "register": [131.0],
        }
    )
    assert svc.ingest_readings_table(ctx, t, source="mqtt", origin="gw/1").accepted == 1
    series = svc.meter_series(ctx, "G", date(2024, 1, 1), date(2024, 1, 1), "15min").to_pylist()
    assert [(s["ts"].minute, s["value"]) for s in series] == [(0, 10.0), (30, 20.0), (45, 6.0)]


def test_duplicates_are_counted_and_corrections_win(ctx: LocalContext) -> None:
    def table(values: list[float], minutes: list[int]) -> pa.Table:
        ts = [datetime(2023, 12, 31, 16, m, tzinfo=UTC) for m in minutes]
        return pa.table(
            {
                "meter": ["E"] * len(ts),
                "ts": pa.array(ts, pa.timestamp("us", tz="UTC")),
                "value": values,
            }
        )

    first = svc.ingest_readings_table(ctx, table([1.0, 2.0], [0, 15]), source="mqtt", origin="t")
    assert (first.accepted, first.duplicates) == (2, 0)
    # QoS 1 redelivery of 00:00 (same value), a correction of 00:15, out of order 00:45, 00:30
    second = svc.ingest_readings_table(
        ctx, table([1.0, 4.0, 5.0, 3.0], [0, 15, 45, 30]), source="mqtt", origin="t"
    )
    assert (second.accepted, second.duplicates, second.corrected) == (3, 1, 1)
    monthly = svc.meter_monthly(ctx, date(2024, 1, 1), date(2024, 1, 31)).to_pylist()[0]
    # (1 + 4 + 3 + 5) × 2 = 26 kWh over 4 intervals, both batches contributing
    assert (monthly["value"], monthly["intervals"], len(monthly["batches"])) == (26.0, 4, 2)
    exact = rs.monthly_meter_sums(
        ctx.workspace().path, svc._meters(ctx, "E"), date(2024, 1, 1), date(2024, 1, 31), exact=True
    ).to_pylist()[0]
    assert (exact["value"], exact["intervals"]) == (26.0, 4)
    with rs.connect() as con:
        q = con.execute(
            f"SELECT quality FROM ({rs.readings_sql(ctx.workspace().path)}) "
            "WHERE ts = TIMESTAMPTZ '2023-12-31 16:15:00+00'"
        ).fetchall()
    assert q == [("corrected",)]
    # the same table again: one batch, already stored
    assert svc.ingest_readings_table(
        ctx, table([1.0, 4.0, 5.0, 3.0], [0, 15, 45, 30]), source="mqtt", origin="t"
    ).already


def test_a_partial_table_keeps_its_good_rows(ctx: LocalContext) -> None:
    t = pa.table(
        {
            "meter": ["E", "NOPE"],
            "ts": pa.array([L0, L0], pa.timestamp("us", tz="UTC")),
            "value": [1.0, 1.0],
        }
    )
    strict = svc.ingest_readings_table(ctx, t, source="mqtt", origin="t")
    assert (strict.accepted, strict.rejected_count) == (0, 1)
    partial = svc.ingest_readings_table(ctx, t, source="mqtt", origin="t", partial=True)
    assert (partial.accepted, partial.rejected[0].key) == (1, "readings.err.unknown_meter")


def test_negatives_and_spikes_are_reported_not_removed(ctx: LocalContext) -> None:
    values = [1.0] * 9 + [50.0, -1.0]
    ts = [
        datetime(2023, 12, 31, 16, 0, tzinfo=UTC).replace(hour=16 + i // 4, minute=15 * (i % 4))
        for i in range(11)
    ]
    t = pa.table(
        {
            "meter": ["E"] * 11 + ["P"],
            "ts": pa.array([*ts, L0], pa.timestamp("us", tz="UTC")),
            "value": [*values, -0.2],
        }
    )
    r = svc.ingest_readings_table(ctx, t, source="http", origin="gw")
    # E: median of the positive values (1 × 9, 50 × 2 after the multiplier: 2 and 100) is 2 kWh;
    # 100 > 10 × 2 is a spike; −2 a negative; P (generation) may be negative
    assert sorted((i.kind, i.meter, i.value) for i in r.issues) == [
        ("negative", "E", -2.0),
        ("spike", "E", 100.0),
    ]
    assert r.accepted == 12


def test_ndjson_from_a_gateway(ctx: LocalContext) -> None:
    body = (
        b'{"meter": "E", "ts": "2024-01-01T00:00:00+08:00", "value": 2.5}\n'
        b'{"meter": "E", "ts": "2023-12-31T16:15:00Z", "value": 1.5, "quality": "estimated"}\n'
    )
    r = svc.ingest_readings_ndjson(ctx, body)
    assert (r.accepted, r.source, r.first_ts) == (2, "http", L0)
    with pytest.raises(MetersError) as exc:
        svc.ingest_readings_ndjson(ctx, b"not json\n")
    assert exc.value.key == "readings.err.ndjson"


def test_gaps_of_a_day(ctx: LocalContext, tmp_path: Path) -> None:
    rows = "".join(
        f"E,2024-01-01 {h:02d}:{m:02d},1\n"
        for h in range(24)
        for m in (0, 15, 30, 45)
        if not (h == 3 and m in (15, 30))
    )
    svc.ingest_readings_file(ctx, _csv(tmp_path, "day.csv", "meter,ts,value\n" + rows))
    gaps = svc.reading_gaps(ctx, start=date(2024, 1, 1), end=date(2024, 1, 1), meter="E")
    # local 03:15 and 03:30 = 19:15 and 19:30 UTC the day before
    assert [(g.start, g.missing_intervals) for g in gaps] == [
        (datetime(2023, 12, 31, 19, 15, tzinfo=UTC), 2)
    ]
    with pytest.raises(MetersError):
        svc.reading_gaps(ctx, start=date(2024, 1, 1), end=date(2024, 1, 1), meter="NOPE")
