"""Anomalies: baseload drift and night use (issue 16 item 3; decision 0070).

Synthetic site, hourly loads [kW] in local time, January–May 2024: weekdays 08:00–20:00 run at
100 kW; all other hours at the baseload, 10 kW from January to April and 60 kW in May (a
compressor left running).

- baseload (10th percentile of the month's hours): operating hours are 5 × 12 / 168 = 35.7 % of
  the week, so the 10th percentile is the baseload: 10, 10, 10, 10, 60 kW.
- reference = median of January–March = 10 kW; threshold +20 % → 12 kW. April 10 ≤ 12: fine;
  May 60 > 12: drift, rise 60 / 10 − 1 = 500 %.
- night ratio = mean off-hours load / mean operating load: January 10 / 100 = 10 %; May
  60 / 100 = 60 % > 50 %: night use.
"""

from __future__ import annotations

import numpy as np
import pytest

from lingtan.modules.energy.anomalies import (
    Anomaly,
    anomalies,
    baseload_drift,
    monthly_baseload,
    night_ratio,
    night_use,
)
from lingtan.modules.energy.errors import EnergyError


def site_load() -> tuple[np.ndarray, np.ndarray]:
    ts = np.arange(np.datetime64("2024-01-01T00", "h"), np.datetime64("2024-06-01T00", "h"))
    hour = (ts - ts.astype("datetime64[D]")).astype(int)
    weekday = (ts.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday
    operating = (hour >= 8) & (hour < 20) & (weekday < 5)
    base = np.where(ts >= np.datetime64("2024-05-01T00", "h"), 60.0, 10.0)
    return np.where(operating, 100.0, base), ts


def test_monthly_baseload_and_night_ratio() -> None:
    load, ts = site_load()
    assert monthly_baseload(load, ts) == pytest.approx(
        {"2024-01": 10.0, "2024-02": 10.0, "2024-03": 10.0, "2024-04": 10.0, "2024-05": 60.0}
    )
    r = night_ratio(load, ts)
    assert r["2024-01"] == pytest.approx(0.1)
    assert r["2024-05"] == pytest.approx(0.6)


def test_drift_and_night_use_in_may_only() -> None:
    load, ts = site_load()
    found = anomalies("HF", load, ts, meter="HF-M-001")
    assert [(a.kind, a.period) for a in found] == [
        ("baseload_drift", "2024-05"),
        ("night_use", "2024-05"),
    ]
    drift = found[0]
    assert isinstance(drift, Anomaly)
    assert drift.value == pytest.approx(60.0)
    assert drift.reference == pytest.approx(10.0)
    assert drift.message.key == "energy.issue.baseload_drift"
    assert drift.message.params["rise"] == "500"
    assert found[1].message.params["ratio"] == "60"
    assert found[1].to_dict()["site"] == "HF"


def test_reference_given_and_round_the_clock_sites() -> None:
    load, ts = site_load()
    # with last year's baseload of 9 kW every month is judged: 10 ≤ 10.8, 60 > 10.8
    assert [a.period for a in baseload_drift("HF", load, ts, reference=9.0)] == ["2024-05"]
    # too few months for a reference: nothing judged
    jan = ts < np.datetime64("2024-02-01T00", "h")
    assert baseload_drift("HF", load[jan], ts[jan]) == []
    # a 24/7 site: no off-hours, never night use
    assert night_use("HF", load, ts, operating=(0, 24), weekdays=tuple(range(7))) == []
    # missing hours (NaN) are skipped
    gappy = load.copy()
    gappy[:100] = np.nan
    assert monthly_baseload(gappy, ts)["2024-01"] == pytest.approx(10.0)


def test_lengths_must_match() -> None:
    with pytest.raises(EnergyError) as e:
        night_ratio([1.0, 2.0], np.array(["2024-01-01T00"], dtype="datetime64[h]"))
    assert e.value.message.key == "energy.err.length_mismatch"
