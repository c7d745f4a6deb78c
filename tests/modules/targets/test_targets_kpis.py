"""KPI statuses, hand-checked (linear pathway from the start value to the goal)."""

from __future__ import annotations

import pytest

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets import Kpi, KpiKind, Status, TargetError, track_kpi
from lingtan.modules.targets.report import report_kpis

CAL = FiscalCalendar(4)


def _re(values: dict[int, float], goal_year: int | None = 2025) -> Kpi:
    return Kpi("RE", "renewable share", KpiKind.RENEWABLE_SHARE, "%", 90.0, goal_year,
               start_year=2020, start_value=30.0, values=values)  # fmt: skip


def test_on_track_off_track_achieved() -> None:
    # pathway 30 → 90 over 5 years: FY2023/24 = 30 + 60 · 3/5 = 66 %
    s = track_kpi(_re({2023: 70.0}), CAL)
    assert s.status is Status.ON_TRACK
    assert s.pathway_value == pytest.approx(66.0)
    assert s.gap == pytest.approx(4.0)
    assert track_kpi(_re({2023: 60.0}), CAL).status is Status.OFF_TRACK
    assert track_kpi(_re({2023: 91.0}), CAL).status is Status.ACHIEVED
    # goal year passed without reaching the goal
    assert track_kpi(_re({2025: 85.0}), CAL).status is Status.OFF_TRACK


def test_decreasing_kpi() -> None:
    k = Kpi("E", "kWh per unit", KpiKind.OTHER, "kWh", 80.0, 2024, increasing=False,
            start_year=2020, start_value=100.0, values={2022: 88.0})  # fmt: skip
    # pathway 100 → 80 over 4 years: FY2022/23 = 90; 88 ≤ 90 → on track
    s = track_kpi(k, CAL)
    assert s.status is Status.ON_TRACK
    assert s.gap == pytest.approx(2.0)


def test_report_kpis_have_no_data_and_keep_the_printed_status() -> None:
    got = {k.id: track_kpi(k, CAL) for k in report_kpis()}
    for kid in ("KPI-RE", "KPI-SC", "KPI-EFF-DS", "KPI-EFF-NB"):
        assert got[kid].status is Status.NO_DATA
        assert got[kid].latest_value is None
    assert got["KPI-SC"].kpi.reported_status.startswith("not on track")
    assert got["KPI-RE"].kpi.reported_status.startswith("on track")
    # supplier SBTi share 42 % with a goal of 95 % but no goal year
    assert got["KPI-SUP-SBT"].status is Status.NOT_ASSESSABLE
    assert got["KPI-SUP-SBT"].latest_value == 42.0
    # efficiency pathway drawn 0 → 50 % over FY2018/19 … FY2029/30 (11 years)
    path = dict(got["KPI-EFF-DS"].pathway)
    assert path["FY2023/24"] == pytest.approx(50 * 5 / 11)


def test_start_point_must_be_complete() -> None:
    with pytest.raises(TargetError, match="both start_year and start_value"):
        Kpi("X", "x", KpiKind.OTHER, "%", 1.0, 2025, start_year=2020)
