"""Significant environmental aspects, the pure rules (ISO 14001:2015 §6.1.2; decision 0081):
the rating env = mean(5 environmental factors), bus = mean(3 business factors), overall =
env × bus, significant when overall ≥ θ (lingtan's defaults: θ = 9, mean), the ``max``
aggregate, the any-factor rule, the checks of scores, conditions and the configuration, and the
semi-annual monitoring due dates — every expectation worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.risk import aspects as am
from lingtan.modules.risk.errors import AspectError, RiskError


def _scores(*values: int) -> dict[str, int]:
    return dict(zip(am.FACTORS, values, strict=True))


def test_default_rating_by_hand() -> None:
    # e = (4, 3, 5, 4, 3): env = 19 / 5 = 3.8; b = (4, 5, 3): bus = 12 / 3 = 4.0
    # overall = 3.8 × 4.0 = 15.2 ≥ 9 → significant by the threshold
    r = am.rate(_scores(4, 3, 5, 4, 3, 4, 5, 3))
    assert r.env == pytest.approx(3.8)
    assert r.bus == pytest.approx(4.0)
    assert r.overall == pytest.approx(15.2)
    assert (r.significant, r.reason) == (True, "threshold")


def test_threshold_is_inclusive_and_below_is_not_significant() -> None:
    # all 3: env = 3, bus = 3, overall = 9 = θ → significant (≥)
    assert am.rate(_scores(3, 3, 3, 3, 3, 3, 3, 3)).significant is True
    # e = (3, 3, 3, 3, 2): env = 14 / 5 = 2.8; bus = 3 → overall = 8.4 < 9
    r = am.rate(_scores(3, 3, 3, 3, 2, 3, 3, 3))
    assert r.overall == pytest.approx(8.4)
    assert (r.significant, r.reason) == (False, None)


def test_any_factor_rule_and_max_aggregate() -> None:
    # e = (5, 1, 1, 1, 1): env = 9 / 5 = 1.8; b = (1, 1, 1): bus = 1 → overall 1.8 < 9
    low_but_severe = _scores(5, 1, 1, 1, 1, 1, 1, 1)
    assert am.rate(low_but_severe).significant is False
    rule = am.Significance(any_factor_at=5)
    r = am.rate(low_but_severe, rule)
    assert r.overall == pytest.approx(1.8)
    assert (r.significant, r.reason) == (True, "any_factor")
    # max: env = max(e) = 5, bus = max(b) = 1 → overall 5 < 9 (θ) but ≥ 5 with θ = 5
    r = am.rate(low_but_severe, am.Significance(threshold=5.0, aggregate="max"))
    assert (r.env, r.bus, r.overall) == (5.0, 1.0, 5.0)
    assert r.reason == "threshold"


@pytest.mark.parametrize(
    ("scores", "key", "field"),
    [
        ({**_scores(3, 3, 3, 3, 3, 3, 3, 3), "severity": 6}, "aspects.err.score", "severity"),
        ({**_scores(3, 3, 3, 3, 3, 3, 3, 3), "scope": 2.5}, "aspects.err.score", "scope"),
        ({**_scores(3, 3, 3, 3, 3, 3, 3, 3), "control": "x"}, "aspects.err.score", "control"),
        ({**_scores(3, 3, 3, 3, 3, 3, 3, 3), "control": True}, "aspects.err.score", "control"),
        ({k: 3 for k in am.FACTORS if k != "compliance"}, "aspects.err.incomplete",
         "compliance"),
        ({**_scores(3, 3, 3, 3, 3, 3, 3, 3), "noise": 3}, "aspects.err.factor", "noise"),
    ],
)  # fmt: skip
def test_scores_refused_with_key_and_field(scores: dict[str, object], key: str, field: str) -> None:
    with pytest.raises(AspectError) as info:
        am.rate(scores)
    assert info.value.message.key == key
    assert info.value.field == field
    assert isinstance(info.value, RiskError)


def test_scores_accept_whole_numbers_as_text_or_float() -> None:
    assert am.check_factor("quantity", "4") == 4
    assert am.check_factor("quantity", 4.0) == 4


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (am.Significance(threshold=0.5), "threshold"),
        (am.Significance(threshold=26), "threshold"),
        (am.Significance(threshold=float("nan")), "threshold"),
        (am.Significance(aggregate="median"), "aggregate"),
        (am.Significance(any_factor_at=6), "any_factor_at"),
    ],
)
def test_configuration_checked(config: am.Significance, field: str) -> None:
    with pytest.raises(AspectError) as info:
        config.check()
    assert info.value.field == field


def test_conditions() -> None:
    assert am.check_condition(" Emergency ") == "emergency"
    with pytest.raises(AspectError) as info:
        am.check_condition("startup")
    assert info.value.message.key == "aspects.err.condition"


def test_add_months_clamps_the_day() -> None:
    assert am.add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert am.add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)  # leap year
    assert am.add_months(date(2024, 3, 15), 6) == date(2024, 9, 15)
    assert am.add_months(date(2024, 9, 30), 6) == date(2025, 3, 30)


def test_monitoring_due_semi_annual() -> None:
    on = date(2025, 3, 31)
    records = [
        ("A", date(2024, 9, 30)),  # + 6 months = 2025-03-30 ≤ 2025-03-31 → due, 1 day over
        ("B", date(2024, 10, 1)),  # + 6 months = 2025-04-01 > on → not due
        ("C", None),  # never monitored → due, first
        ("D", date(2024, 3, 31)),  # + 6 = 2024-09-30 → 182 days over (Oct 31+Nov 30+Dec 31
        #                           + Jan 31 + Feb 28 + Mar 31 = 182)
    ]
    due = am.monitoring_due(records, on)
    assert [d.key for d in due] == ["C", "D", "A"]
    assert due[0].to_dict() == {"key": "C", "last": None, "next_due": None, "days_overdue": 0}
    assert (due[1].next_due, due[1].days_overdue) == (date(2024, 9, 30), 182)
    assert (due[2].next_due, due[2].days_overdue) == (date(2025, 3, 30), 1)
