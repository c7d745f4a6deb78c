"""Scorecard rules, weighted total, grade and next-period allocation (decision 0064), checked by
hand. The shipped default set: 30 KPIs over the five pillars of the report (lines 2186–2187)."""

from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

from lingtan.modules.suppliers.review_errors import ReviewError
from lingtan.modules.suppliers.scorecard import (
    PILLARS,
    GradeBand,
    KpiDefinition,
    KpiSet,
    Rule,
    compute_scorecard,
    kpi_set_document,
    parse_kpi_set,
    quarter_label,
    reallocate,
    score_value,
)

BANDS = (GradeBand("A", 80, 1.1), GradeBand("B", 65, 1.0), GradeBand("C", 45, 0.9),
         GradeBand("D", 0, 0.75))  # fmt: skip


def default_set() -> KpiSet:
    text = (files("lingtan") / "data" / "suppliers" / "scorecard_default.toml").read_text("utf-8")
    return parse_kpi_set(tomllib.loads(text))


def test_the_default_set_has_30_kpis_over_the_five_pillars() -> None:
    s = default_set()
    assert len(s.kpis) == 30
    assert {k.pillar for k in s.kpis} == set(PILLARS)
    assert all(k.name_en and k.name_zh and k.explain_en and k.explain_zh for k in s.kpis)
    assert [b.grade for b in s.bands] == ["A", "B", "C", "D"]
    # the stored document reads back to the same set
    assert parse_kpi_set(kpi_set_document(s)) == s


def test_linear_rule_clamps_and_may_run_downwards() -> None:
    up = Rule("linear", zero_at=80, full_at=100)
    assert score_value(up, 90) == pytest.approx(50.0)  # (90 − 80) / 20 = 0.5
    assert score_value(up, 70) == 0.0
    assert score_value(up, 120) == 100.0
    down = Rule("linear", zero_at=5, full_at=-10)  # lower is better
    assert score_value(down, -4) == pytest.approx(60.0)  # (−4 − 5) / (−15) = 0.6


def test_threshold_rule_both_directions() -> None:
    rating = Rule("threshold", ((45, 60), (55, 80), (65, 100)))
    assert [score_value(rating, v) for v in (44.9, 45, 54.9, 55, 70)] == [0, 60, 60, 80, 100]
    findings = Rule("threshold", ((0, 100), (2, 50), (4, 20)), higher_is_better=False)
    assert [score_value(findings, v) for v in (0, 1, 2, 3, 4, 5)] == [100, 50, 50, 20, 20, 0]


def test_weighted_total_grade_and_missing_values() -> None:
    """Three KPIs, weights 5, 3, 2:
    a = 1 (threshold ≥ 1 → 100), b = 90 (linear 80→100 → 50), c missing (0).
    total = (5·100 + 3·50 + 2·0) / 10 = 650 / 10 = 65.0 → grade B (≥ 65), m = 1.0."""
    kpis = (
        KpiDefinition("a", "climate", 5, Rule("threshold", ((1, 100),)), "questionnaire", "-"),
        KpiDefinition("b", "labour_rba", 3, Rule("linear", zero_at=80, full_at=100), "audit", "%"),
        KpiDefinition("c", "reporting", 2, Rule("linear", zero_at=0, full_at=100), "computed", "%"),
    )
    card = compute_scorecard(KpiSet("t", kpis, BANDS), {"a": 1, "b": 90}, "2024Q1")
    assert card.total == pytest.approx(65.0)
    assert (card.grade, card.multiplier) == ("B", 1.0)
    assert card.missing == ("c",)
    low = compute_scorecard(KpiSet("t", kpis, BANDS), {"a": 0, "b": 90, "c": 40}, "2024Q1")
    # (0 + 150 + 80) / 10 = 23 → D, m = 0.75
    assert low.total == pytest.approx(23.0)
    assert (low.grade, low.multiplier) == ("D", 0.75)


def test_unknown_kpi_is_refused() -> None:
    kpis = (KpiDefinition("a", "climate", 1, Rule("threshold", ((1, 100),)), "questionnaire", "-"),)
    with pytest.raises(ReviewError) as e:
        compute_scorecard(KpiSet("t", kpis, BANDS), {"zz": 1}, "2024Q1")
    assert e.value.key == "supplier_reviews.err.kpi_unknown"


def test_reallocation_renormalises_within_each_category() -> None:
    """Category 'pcb': X 0.6 (grade A, m 1.1), Y 0.4 (grade D, m 0.75):
    weighted 0.66 and 0.30, sum 0.96 → X 0.66/0.96 = 0.6875, Y 0.30/0.96 = 0.3125.
    Category 'case': Z alone stays 1.0 whatever its multiplier."""
    got = reallocate({"pcb": {"X": 0.6, "Y": 0.4}, "case": {"Z": 1.0}},
                     {"X": 1.1, "Y": 0.75, "Z": 0.75})  # fmt: skip
    assert got["pcb"] == pytest.approx({"X": 0.6875, "Y": 0.3125})
    assert got["case"] == pytest.approx({"Z": 1.0})


def test_default_set_scores_a_supplier_by_hand() -> None:
    """Every KPI at its best value gives 100 → A; nothing given gives 0 → D."""
    s = default_set()
    best = {}
    for k in s.kpis:
        if k.rule.kind == "linear":
            best[k.code] = k.rule.full_at
        elif k.rule.higher_is_better:
            best[k.code] = max(b for b, _ in k.rule.steps)
        else:
            best[k.code] = min(b for b, _ in k.rule.steps)
    assert compute_scorecard(s, best, "2024Q2").total == pytest.approx(100.0)
    none = compute_scorecard(s, {}, "2024Q2")
    assert (none.total, none.grade, len(none.missing)) == (0.0, "D", 30)


def test_quarter_label() -> None:
    assert quarter_label("2024-q3") == "2024Q3"
    with pytest.raises(ReviewError):
        quarter_label("2024Q5")
