"""The rating threshold rule (report lines 2192–2196): under 45 → a plan due 90 days later."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.suppliers.ratings import (
    Rating,
    below_threshold,
    cap_due,
    check_rating,
    latest,
)
from lingtan.modules.suppliers.review_errors import ReviewError


def test_a_rating_under_45_needs_a_plan_due_90_days_later() -> None:
    r = Rating("S-A", "EcoVadis", 44.9, date(2024, 1, 15))
    assert below_threshold(r)
    # 15 Jan + 90 days: 16 days left in January, 29 in February (2024 is a leap year),
    # 31 in March = 76; 90 − 76 = 14 → 14 April 2024
    assert cap_due(r.rated_on) == date(2024, 4, 14)


def test_exactly_45_passes() -> None:
    assert not below_threshold(Rating("S-A", "EcoVadis", 45.0, date(2024, 1, 15)))


def test_latest_rating_by_date_then_recording_order() -> None:
    a = Rating("S", "EcoVadis", 40, date(2024, 1, 1), seq=1)
    b = Rating("S", "EcoVadis", 50, date(2024, 6, 1), seq=2)
    c = Rating("S", "Other", 42, date(2024, 6, 1), seq=3)
    assert latest([b, a]) == b
    assert latest([a, b, c]) == c
    assert latest([]) is None


@pytest.mark.parametrize("score", [-1, 100.5, float("nan")])
def test_scores_outside_0_100_are_refused(score: float) -> None:
    with pytest.raises(ReviewError) as e:
        check_rating(Rating("S", "EcoVadis", score, date(2024, 1, 1)))
    assert e.value.key == "supplier_reviews.err.score"
