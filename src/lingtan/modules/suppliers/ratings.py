"""External ESG ratings of suppliers and the threshold rule (issue 15 item 2, decision 0064).

A rating is a score on 0–100 from any provider (EcoVadis, or a comparable audit result). The
source report (lines 2192–2196) requires key strategic suppliers to reach at least 45/100; a
supplier under 45 must draw up and carry out a corrective action plan (CAP) within 90 days.
lingtan applies it to the **latest** rating of a supplier (latest ``rated_on``; on the same
day, the one recorded last):

- ``score < 45`` → a CAP is due ``rated_on + 90 days`` (calendar days);
- ``score ≥ 45`` → no plan (exactly 45 passes: "至少45分").

Standards: EcoVadis rating methodology (0–100 overall score) [K]; RBA Validated Assessment
Program as the comparable audit result [K].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from lingtan.modules.suppliers.review_errors import ReviewError

#: minimum acceptable rating [0–100] (report line 2192, "至少45分")
THRESHOLD = 45.0
#: days a corrective action plan has, counted from the rating date (report line 2194)
CAP_DAYS = 90


@dataclass(frozen=True)
class Rating:
    """One external rating: ``provider``, ``score`` [0–100], ``rated_on``, ``valid_until``
    (None = no expiry stated), ``evidence`` (a reference or file sha256); ``seq`` orders
    ratings of the same day (the order they were recorded)."""

    supplier: str
    provider: str
    score: float
    rated_on: date
    valid_until: date | None = None
    evidence: str | None = None
    seq: int = 0


def check_rating(r: Rating) -> None:
    """Refuse a score outside 0–100, a blank provider or an expiry before the rating date.

    Raises:
        ReviewError: the invalid field.
    """
    if not math.isfinite(r.score) or not 0 <= r.score <= 100:
        raise ReviewError("supplier_reviews.err.score", value=str(r.score))
    if not r.provider.strip():
        raise ReviewError("supplier_reviews.err.provider")
    if r.valid_until is not None and r.valid_until < r.rated_on:
        raise ReviewError("supplier_reviews.err.valid_until")


def latest(ratings: Sequence[Rating]) -> Rating | None:
    """The latest rating (greatest ``(rated_on, seq)``), or None."""
    return max(ratings, key=lambda r: (r.rated_on, r.seq), default=None)


def below_threshold(r: Rating, threshold: float = THRESHOLD) -> bool:
    """True when ``r.score < threshold`` (45 by default): a CAP is required."""
    return r.score < threshold


def cap_due(rated_on: date, days: int = CAP_DAYS) -> date:
    """The due date of the CAP a rating opens: ``rated_on + 90 days``."""
    return rated_on + timedelta(days=days)
