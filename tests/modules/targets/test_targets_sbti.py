"""SBTi validation: the report's target set passes; each non-compliant target is flagged with
the clause it breaks (SBTi Corporate Net-Zero Standard v1.2; Near-Term Criteria v5.x)."""

from __future__ import annotations

from dataclasses import replace

from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets import (
    Coverage,
    Horizon,
    IntensityType,
    Series,
    Target,
    TargetKind,
    Verdict,
    YearEmissions,
    validate_sbti,
)
from lingtan.modules.targets.report import report_targets
from lingtan.modules.targets.sbti import CriterionResult, SbtiReport

CAL = FiscalCalendar(4)

# base FY2018/19: S1 6,000, S2 26,000, S3 20,432,500 (no split); FY2023/24 with a split
EM = {
    2018: YearEmissions(2018, 6_000, 26_000, scope3_total=20_432_500),
    2023: YearEmissions(2023, 4_969, 17_997, scope3_by_category={
        1: 6_507_693, 2: 863_700, 3: 12_700, 4: 360_152, 5: 2_135, 6: 41_630, 7: 56_585,
        11: 7_131_203, 12: 124_265}),
}  # fmt: skip


def _by(rep: SbtiReport, key: str, target: str | None) -> CriterionResult:
    return next(r for r in rep.results if r.criterion == key and r.target_id == target)


def test_report_target_set_is_compliant_when_submitted_in_2022() -> None:
    rep = validate_sbti(report_targets(), EM, CAL, submitted=2022)
    assert rep.compliant, [r.to_dict() for r in rep.failures]
    # S1+2: 50 % over 11 years = 4.545 %/yr ≥ 4.2 %/yr
    assert "4.545 %/yr linear" in _by(rep, "NT-AMBITION-S12", "NT-S12").found
    # Scope 3 near-term coverage measured on FY2023/24 (the base year has no split):
    # (6,507,693 + 360,152 + 7,131,203) / 15,100,063 = 92.7 %
    cov = _by(rep, "NT-COVERAGE-S3", None)
    assert "92.7 %" in cov.found
    assert any("measured on FY2023/24" in n for n in rep.notes)
    # physical-intensity ambition cannot be checked without denominators
    assert _by(rep, "NT-AMBITION-S3", "NT-S3-LOG").verdict is Verdict.NOT_ASSESSED


def test_weak_scope12_target_fails_c15_with_the_minimum() -> None:
    weak = Target("W", "S1+2 −30 %", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2020, 2030, 30.0)
    rep = validate_sbti([weak], {2020: EM[2018]}, CAL, submitted=2022)
    r = _by(rep, "NT-AMBITION-S12", "W")
    # 30 % / 10 years = 3 %/yr < 4.2 %/yr; the minimum over 10 years is 42 %
    assert r.verdict is Verdict.FAIL
    assert "C15" in r.clause
    assert "at least 42.0 %" in r.explanation
    assert not rep.compliant


def test_timeframe_and_base_year_failures_cite_c13() -> None:
    t = Target("T", "x", Coverage.of([1, 2]), TargetKind.ABSOLUTE, 2012, 2029, 90.0)
    rep = validate_sbti([t], {2012: EM[2018]}, CAL, submitted=2015)
    tf = _by(rep, "NT-TIMEFRAME", "T")
    by = _by(rep, "BASE-YEAR", "T")
    # FY2029/30 ends 2030: 2030 − 2015 = 15 years > 10; base FY2012/13 ends 2013 < 2015
    assert tf.verdict is Verdict.FAIL
    assert "15 years" in tf.found
    assert "between 2020 and 2025" in tf.explanation
    assert by.verdict is Verdict.FAIL
    assert "C13" in by.clause


def test_scope3_coverage_below_two_thirds_fails() -> None:
    s12 = next(t for t in report_targets() if t.id == "NT-S12")
    logistics = Target("L", "cat 4", Coverage.of(categories=[4]), TargetKind.ABSOLUTE, 2018,
                       2029, 30.0)  # fmt: skip
    rep = validate_sbti([s12, logistics], EM, CAL, submitted=2022)
    r = _by(rep, "NT-COVERAGE-S3", None)
    # Scope 3 = 99.84 % of the base-year total (≥ 40 %); cat 4 = 360,152 / 15,100,063 = 2.4 %
    assert r.verdict is Verdict.FAIL
    assert "2.4 %" in r.found
    # and the net-zero set lacks a long-term target
    assert _by(rep, "NZ-NEAR-AND-LONG", None).verdict is Verdict.FAIL


def test_long_term_failures() -> None:
    lt = next(t for t in report_targets() if t.id == "LT-ALL")
    bad = replace(lt, reduction_pct=80.0, target_year=2050, neutralise_residual=False)
    rep = validate_sbti([*report_targets()[:4], bad], EM, CAL, submitted=2022)
    assert _by(rep, "LT-AMBITION", "LT-ALL").verdict is Verdict.FAIL
    tf = _by(rep, "LT-TIMEFRAME", "LT-ALL")  # FY2050/51 ends 2051 > 2050
    assert tf.verdict is Verdict.FAIL
    assert "2051" in tf.found
    assert _by(rep, "LT-NEUTRALISATION", "LT-ALL").verdict is Verdict.FAIL


def test_economic_intensity_needs_seven_percent_compound() -> None:
    t = Target("E", "per gross profit", Coverage.of(categories=[1]), TargetKind.INTENSITY, 2020,
               2030, 50.0, denominator="gp", intensity_type=IntensityType.ECONOMIC)  # fmt: skip
    rep = validate_sbti([t], {2020: EM[2023]}, CAL, submitted=2022)
    r = _by(rep, "NT-AMBITION-S3-ECONOMIC", "E")
    # 1 − 0.5^(1/10) = 6.697 %/yr < 7 %/yr
    assert r.verdict is Verdict.FAIL
    assert "6.697" in r.found


def test_intensity_scope12_assessed_on_implied_absolute_reduction() -> None:
    t = Target("I", "S1+2 per unit", Coverage.of([1, 2]), TargetKind.INTENSITY, 2020, 2030, 60.0,
               denominator="units", intensity_type=IntensityType.PHYSICAL,
               horizon=Horizon.NEAR_TERM)  # fmt: skip
    # units grow 3 %/yr from 100: D(2030)/D(2020) = 1.03^10 = 1.343916
    units = Series("units", "item", {2020: 100.0}, growth_pct=3.0)
    rep = validate_sbti([t], {2020: EM[2018]}, CAL, submitted=2022, series={"units": units})
    r = _by(rep, "NT-AMBITION-S12", "I")
    # absolute = 1 − 0.4 · 1.343916 = 46.243 % over 10 years = 4.624 %/yr ≥ 4.2 → pass
    assert r.verdict is Verdict.PASS
    assert "4.624" in r.found
