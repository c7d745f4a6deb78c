"""Targets: linear pathway, status, gap and rates, hand-checked (GHG Protocol Corporate
Standard ch. 11; SBTi progress tracking against the linear path)."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets import (
    Coverage,
    Horizon,
    Series,
    Status,
    Target,
    TargetError,
    TargetKind,
    YearEmissions,
    track_target,
)
from lingtan.modules.targets.report import report_targets

CAL = FiscalCalendar(4)


def _e(year: int, s1: float, s2: float, s3: dict[int, float] | None = None) -> YearEmissions:
    return YearEmissions(year, s1, s2, scope3_by_category=s3 or {})


def _report_emissions() -> dict[int, YearEmissions]:
    """The report's disclosed figures (t CO2e): base year in 10⁴ t, Scope 3 without split."""
    return {
        2018: YearEmissions(2018, 6_000, 26_000, scope3_total=20_432_500),
        2022: _e(2022, 6_303, 19_540, {1: 8_662_378, 2: 833_800, 3: 12_924, 4: 538_156,
                                       5: 1_808, 6: 38_846, 7: 45_568, 11: 8_451_000,
                                       12: 157_000}),
        2023: _e(2023, 4_969, 17_997, {1: 6_507_693, 2: 863_700, 3: 12_700, 4: 360_152,
                                       5: 2_135, 6: 41_630, 7: 56_585, 11: 7_131_203,
                                       12: 124_265}),
    }  # fmt: skip


def test_report_scope12_target_is_on_track_with_hand_checked_pathway() -> None:
    t = next(t for t in report_targets() if t.id == "NT-S12")
    p = track_target(t, _report_emissions(), {}, CAL)
    # base FY2018/19: 6,000 + 26,000 = 32,000 t; target −50 % → 16,000 t in FY2029/30
    assert p.base_value == 32_000
    assert p.target_value == 16_000
    pt = {x.label: x for x in p.points}
    # FY2023/24 is 5 of 11 years: pathway = 32,000 · (1 − 0.5 · 5/11) = 24,727.27 t
    fy23 = pt["FY2023/24"]
    assert_allclose(fy23.pathway, 32_000 * (1 - 0.5 * 5 / 11), rtol=1e-12)
    assert_allclose(fy23.pathway, 24_727.2727, atol=1e-3)
    assert fy23.actual == 4_969 + 17_997 == 22_966
    assert_allclose(fy23.gap_t, 22_966 - 24_727.2727, atol=1e-3)  # −1,761.27 t: ahead
    assert_allclose(fy23.reduction_to_date_pct, (1 - 22_966 / 32_000) * 100)  # 28.23 %
    assert fy23.status is Status.ON_TRACK
    # FY2022/23: 25,843 t vs 32,000 · (1 − 0.5 · 4/11) = 26,181.82 t → on track
    assert_allclose(pt["FY2022/23"].pathway, 26_181.8182, atol=1e-3)
    assert pt["FY2022/23"].status is Status.ON_TRACK
    assert p.status is Status.ON_TRACK
    assert p.latest_year == "FY2023/24"
    assert pt["FY2029/30"].pathway == 16_000


def test_report_long_term_target_is_on_track() -> None:
    t = next(t for t in report_targets() if t.id == "LT-ALL")
    p = track_target(t, _report_emissions(), {}, CAL)
    # base 6,000 + 26,000 + 20,432,500 = 20,464,500 t; 31 years to FY2049/50
    assert p.base_value == 20_464_500
    fy23 = next(x for x in p.points if x.label == "FY2023/24")
    # 20,464,500 · (1 − 0.9 · 5/31) = 17,493,846.77 t; actual 15,123,029 t
    assert_allclose(fy23.pathway, 17_493_846.774, atol=1e-2)
    assert fy23.actual == 15_123_029
    assert p.status is Status.ON_TRACK


@pytest.mark.parametrize("tid", ["NT-S3-USE", "NT-S3-PGS", "NT-S3-LOG"])
def test_report_intensity_targets_say_no_data(tid: str) -> None:
    t = next(t for t in report_targets() if t.id == tid)
    p = track_target(t, _report_emissions(), {}, CAL)
    assert p.status is Status.NO_DATA
    assert p.base_value is None
    assert any("no Scope 3 category split" in n for n in p.notes)
    assert any(f"denominator series {t.denominator!r} is not given" in n for n in p.notes)


def _intensity_target(reduction: float = 50.0) -> Target:
    return Target("I", "per unit", Coverage.of([1, 2]), TargetKind.INTENSITY, 2020, 2030,
                  reduction, denominator="units")  # fmt: skip


def test_intensity_pathway_status_and_gap_in_tonnes() -> None:
    em = {2020: _e(2020, 400, 600), 2024: _e(2024, 300, 600), 2025: _e(2025, 500, 700)}
    units = Series("units", "item", {2020: 100, 2024: 120, 2025: 120})
    p = track_target(_intensity_target(), em, {"units": units}, CAL)
    # base 1,000 t / 100 = 10 t/unit; target 5 t/unit in FY2030/31
    assert p.base_value == 10
    assert p.target_value == 5
    pt = {x.year: x for x in p.points}
    # FY2024/25: 900 t / 120 = 7.5; pathway 10 · (1 − 0.5 · 4/10) = 8.0 → on track;
    # gap (7.5 − 8.0) · 120 = −60 t
    assert pt[2024].actual == 7.5
    assert_allclose(pt[2024].pathway, 8.0)
    assert_allclose(pt[2024].gap_t, -60.0)
    assert pt[2024].status is Status.ON_TRACK
    # FY2025/26: 1,200 / 120 = 10.0 vs 10 · (1 − 0.25) = 7.5 → off track, gap 2.5 · 120 = 300 t
    assert pt[2025].status is Status.OFF_TRACK
    assert_allclose(pt[2025].gap_t, 300.0)
    assert p.status is Status.OFF_TRACK


def test_achieved_only_at_or_after_the_target_year() -> None:
    t = Target("A", "abs", Coverage.of([1]), TargetKind.ABSOLUTE, 2020, 2022, 50.0)
    em = {2020: _e(2020, 100, 0), 2021: _e(2021, 40, 0), 2022: _e(2022, 50, 0)}
    p = track_target(t, em, {}, CAL)
    pt = {x.year: x for x in p.points}
    assert pt[2021].status is Status.ON_TRACK  # 40 ≤ 75 but before the target year
    assert pt[2022].status is Status.ACHIEVED  # 50 ≤ 50 in the target year
    assert p.status is Status.ACHIEVED


def test_rates_hand_checked() -> None:
    t = next(t for t in report_targets() if t.id == "NT-S3-PGS")
    # 66.5 % over 11 years: linear 6.045 %/yr; compound 1 − 0.335^(1/11):
    # ln 0.335 = −1.093624, /11 = −0.0994204, exp = 0.905362 → 9.4638 %/yr
    assert_allclose(t.linear_rate_pct, 66.5 / 11)
    assert_allclose(t.compound_rate_pct, 9.4638, atol=1e-4)


def test_coverage_and_target_validation_errors() -> None:
    with pytest.raises(TargetError, match=r"categories must be 1\.\.15"):
        Coverage.of(categories=[16])
    with pytest.raises(TargetError, match="target year must come after"):
        Target("X", "x", Coverage.of([1]), TargetKind.ABSOLUTE, 2020, 2020, 10)
    with pytest.raises(TargetError, match="needs a denominator"):
        Target("X", "x", Coverage.of([1]), TargetKind.INTENSITY, 2020, 2025, 10)
    with pytest.raises(TargetError, match="differs from the sum"):
        YearEmissions(2020, 1, 1, scope3_by_category={1: 5}, scope3_total=6)
    assert Coverage.of([1, 2]).label == "Scope 1+2"
    assert Coverage.of(categories=[1, 4]).label == "Scope 3 cat. 1, 4"
    assert Coverage.of([1, 2, 3]).label == "Scopes 1+2+3"
    assert Horizon("long_term") is Horizon.LONG_TERM
