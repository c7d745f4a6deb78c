"""Reading checks: registers → intervals, resets and roll-overs, plausibility, alignment,
duplicates and gaps (issue 16 item 1; decision 0070).

Hand calculation (registers of a cumulative meter, 15-minute intervals from 00:00 UTC):

=======  ========  ==========================================
time     register  interval value
=======  ========  ==========================================
00:15    100.0     100.0 − 90.0 (previous register) = 10.0
00:30    112.5     112.5 − 100.0 = 12.5
00:45      3.0     fell: reset → NaN (no value, reported)
01:00      8.0     8.0 − 3.0 = 5.0
=======  ========  ==========================================

With ``rollover = 1000`` (a 3-digit counter), registers 990 → 4: 4 + 1000 − 990 = 14.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from lingtan.core.messages import ENGLISH
from lingtan.modules.energy.errors import ReadingError
from lingtan.modules.energy.meters import Measures
from lingtan.modules.energy.readings import (
    ISSUE_KINDS,
    Gap,
    duplicate_conflicts,
    expected_intervals,
    gaps,
    issue,
    issue_counts,
    out_of_service,
    plausibility,
    registers_to_intervals,
    to_utc,
    unaligned,
)


def ts(*hhmm: str) -> np.ndarray:
    return np.array([f"2024-03-01T{t}" for t in hhmm], dtype="datetime64[us]")


def test_registers_to_intervals_with_previous_and_a_reset() -> None:
    t = ts("00:15", "00:30", "00:45", "01:00")
    prev = (datetime(2024, 3, 1, 0, 0, tzinfo=UTC), 90.0)
    values, issues = registers_to_intervals(t, [100.0, 112.5, 3.0, 8.0], prev, meter="M1")
    np.testing.assert_allclose(values[[0, 1, 3]], [10.0, 12.5, 5.0])
    assert np.isnan(values[2])  # never interpolated
    assert [(i.kind, i.message.key, i.ts) for i in issues] == [
        ("reset", "energy.issue.reset", datetime(2024, 3, 1, 0, 45, tzinfo=UTC))
    ]
    assert issues[0].value is None
    assert issues[0].message.params["before"] == "112.5"
    assert issues[0].message.params["after"] == "3"


def test_first_register_without_previous_only_sets_the_baseline() -> None:
    values, issues = registers_to_intervals(ts("00:15", "00:30"), [100.0, 104.0])
    assert np.isnan(values[0])
    assert values[1] == pytest.approx(4.0)  # 104 − 100
    assert issues == []


def test_rollover_is_computed_exactly_and_reported() -> None:
    values, issues = registers_to_intervals(
        ts("00:15", "00:30", "00:45"), [980.0, 990.0, 4.0], rollover=1000.0, meter="M2"
    )
    # 990 − 980 = 10; 4 + 1000 − 990 = 14
    np.testing.assert_allclose(values[1:], [10.0, 14.0])
    assert len(issues) == 1
    assert issues[0].kind == "reset"
    assert issues[0].message.key == "energy.issue.rollover"
    assert issues[0].value == pytest.approx(14.0)


def test_registers_refuse_bad_input() -> None:
    with pytest.raises(ReadingError) as e:
        registers_to_intervals(ts("00:30", "00:15"), [1.0, 2.0], meter="M3")
    assert e.value.message.key == "energy.err.ts_not_increasing"
    assert e.value.field == "ts"
    with pytest.raises(ReadingError) as e:
        registers_to_intervals(ts("00:15"), [1.0, 2.0])
    assert e.value.message.key == "energy.err.length_mismatch"
    with pytest.raises(ReadingError):
        registers_to_intervals(ts("00:15", "00:30"), [1.0, float("nan")])
    with pytest.raises(ReadingError):
        registers_to_intervals(ts("00:15"), [1.0], rollover=0.0)
    with pytest.raises(ReadingError):  # previous not before the first register
        registers_to_intervals(ts("00:15"), [1.0], (datetime(2024, 3, 1, 0, 15, tzinfo=UTC), 0))
    empty, none = registers_to_intervals(ts(), [])
    assert empty.size == 0
    assert none == []


def test_plausibility_negative_and_spike() -> None:
    # ten values of 2.0, one of 25.0 (> 10 × median 2.0 = 20), one of −1.0
    v = [2.0] * 10 + [25.0, -1.0]
    t = np.datetime64("2024-03-01T00:00", "us") + np.arange(12) * np.timedelta64(15, "m")
    found = plausibility(v, meter="M1", ts=t)
    assert issue_counts(found) == {"negative": 1, "spike": 1}
    spike = next(i for i in found if i.kind == "spike")
    assert spike.value == 25.0
    assert spike.ts == datetime(2024, 3, 1, 2, 30, tzinfo=UTC)  # index 10 × 15 min
    assert spike.message.params["median"] == "2"
    # 20.0 is not above 10 × 2.0: no spike
    assert plausibility([2.0] * 10 + [20.0]) == []
    # a generation meter may read slightly negative at night
    assert plausibility([-0.1, 1.0], measures=Measures.GENERATION) == []
    # too few points: no spike judged
    assert plausibility([1.0, 100.0]) == []


def test_unaligned_and_duplicates() -> None:
    t = ts("00:00", "00:15", "00:20")
    found = unaligned(t, 15, meter="M1")
    assert [(i.kind, i.ts) for i in found] == [
        ("unaligned", datetime(2024, 3, 1, 0, 20, tzinfo=UTC))
    ]
    keep, issues = duplicate_conflicts(
        ts("00:00", "00:15", "00:00", "00:15"), [1.0, 2.0, 1.0, 3.0], meter="M1"
    )
    # 00:00 twice with the same value (harmless), 00:15 with 2.0 then 3.0 (conflict, last wins)
    assert keep.tolist() == [False, False, True, True]
    assert [(i.kind, i.value, i.message.params["other"]) for i in issues] == [
        ("duplicate_conflict", 3.0, "2")
    ]


def test_gaps_are_runs_of_missing_intervals() -> None:
    # one hour of 15-min data, 00:15 and 00:30 missing, and the last interval 00:45 missing
    have = ts("00:00")
    found = gaps(have, 15, "2024-03-01T00:00", "2024-03-01T01:00", meter="M1")
    assert found == [
        Gap(
            "M1",
            datetime(2024, 3, 1, 0, 15, tzinfo=UTC),
            datetime(2024, 3, 1, 1, 0, tzinfo=UTC),
            3,
        )
    ]
    assert found[0].message.params["n"] == 3
    two = gaps(ts("00:15", "00:45"), 15, "2024-03-01T00:00", "2024-03-01T01:00")
    assert [(g.start.minute, g.missing_intervals) for g in two] == [(0, 1), (30, 1)]
    assert gaps(ts("00:00", "00:15", "00:30", "00:45"), 15, "2024-03-01T00:00",
                "2024-03-01T01:00") == []  # fmt: skip
    # a day of 15-minute intervals: 24 × 4 = 96
    assert expected_intervals("2024-03-01", "2024-03-02", 15) == 96


def test_issue_helper_messages_exist_in_both_catalogues() -> None:
    import json
    from pathlib import Path

    import lingtan.adapters.i18n as i18n

    folder = Path(i18n.__file__).parent
    en = json.loads((folder / "energy_core.en.json").read_text(encoding="utf-8"))
    zh = json.loads((folder / "energy_core.zh-CN.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    for kind in ISSUE_KINDS:
        assert f"energy.issue.{kind}" in en
    i = issue("unknown_meter", "X9", "2024-03-01T00:00")
    assert i.to_dict()["ts"] == "2024-03-01T00:00:00+00:00"
    assert str(i) == "unknown meter X9"
    # core's English copy of these texts equals the catalogue (readable errors without one)
    assert {k: ENGLISH.get(k) for k in en} == en
    assert to_utc(np.datetime64("2024-03-01T00:00:00.000001")).microsecond == 1
    with pytest.raises(ValueError, match="unknown reading issue kind"):
        issue("nonsense", "X9")


def test_out_of_service_uses_local_dates() -> None:
    # in service 2024-03-01 … 2024-03-31 in Shanghai (UTC+8): from 2024-02-29T16:00Z to
    # 2024-03-31T16:00Z (exclusive)
    t = np.array(
        ["2024-02-29T15:45", "2024-02-29T16:00", "2024-03-31T15:45", "2024-03-31T16:00"],
        dtype="datetime64[us]",
    )
    ok, issues = out_of_service(t, date(2024, 3, 1), date(2024, 3, 31), meter="M1")
    assert ok.tolist() == [False, True, True, False]
    assert [(i.kind, i.ts) for i in issues] == [
        ("out_of_service", datetime(2024, 2, 29, 15, 45, tzinfo=UTC)),
        ("out_of_service", datetime(2024, 3, 31, 16, 0, tzinfo=UTC)),
    ]
    open_ended, none = out_of_service(t, None, None)
    assert open_ended.all()
    assert none == []


def test_check_batch_of_many_meters() -> None:
    from lingtan.modules.energy.readings import check_batch

    # M1: ten 2.0 values at 00:00 … 02:15 plus 30.0 at 02:30 (> 10 × median 2.0: spike);
    # M1 00:00 twice (2.0 then 2.5: conflict, the later row kept);
    # PV: −0.1 (a generation meter: allowed); G1 (grid, 30-min): −1.0 at 00:15 (negative and
    # not on its 30-minute grid)
    base = np.datetime64("2024-03-01T00:00", "us")
    q = np.timedelta64(15, "m")
    m1_ts = [base + k * q for k in range(11)]
    meters = ["M1"] * 11 + ["M1", "PV", "G1"]
    ts = np.array([*m1_ts, base, base, base + q], dtype="datetime64[us]")
    values = [2.0] * 10 + [30.0, 2.5, -0.1, -1.0]
    r = check_batch(meters, ts, values, interval_minutes={"G1": 30}, generation={"PV"})
    assert r.keep.tolist() == [False] + [True] * 13
    assert sorted((i.kind, i.meter, i.ts.minute if i.ts else None) for i in r.issues) == [
        ("duplicate_conflict", "M1", 0),
        ("negative", "G1", 15),
        ("spike", "M1", 30),
        ("unaligned", "G1", 15),
    ]
    conflict = next(i for i in r.issues if i.kind == "duplicate_conflict")
    assert conflict.value == 2.5
    assert conflict.message.params["other"] == "2"
    assert check_batch([], np.array([], dtype="datetime64[us]"), []).issues == []
    with pytest.raises(ReadingError):
        check_batch(["M1"], ts[:2], [1.0, 2.0])


def test_check_batch_takes_arrow_columns() -> None:
    import pyarrow as pa

    from lingtan.modules.energy.readings import check_batch

    t = pa.array(
        [datetime(2024, 3, 1, 0, 0, tzinfo=UTC), datetime(2024, 3, 1, 0, 0, tzinfo=UTC)],
        pa.timestamp("ms", tz="UTC"),
    )
    r = check_batch(pa.chunked_array([pa.array(["M1", "M1"])]), t, pa.array([1.0, -1.0]))
    assert r.keep.tolist() == [False, True]
    assert sorted(i.kind for i in r.issues) == ["duplicate_conflict", "negative"]
    assert r.issues[0].ts == datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
