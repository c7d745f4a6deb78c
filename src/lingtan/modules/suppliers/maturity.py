"""GHG-management maturity of a supplier (levels 1–5) and when to review it next.

The report assesses the GHG-management maturity of its main strategic suppliers in every
procurement category and tracks their progress every quarter (lines 2204–2205). The levels
(../shared/specs/suppliers.md, ``MaturityAssessment``) are a ladder: a level needs every
criterion below it.

=====  ==========================  ============================================================
level  name                        criterion added
=====  ==========================  ============================================================
1      no inventory                —
2      inventory                   Scope 1 and Scope 2 reported (GHG Protocol Corporate Std.)
3      verified                    third-party verified (ISO 14064-3, ISAE 3410 …)
4      targets                     a public GHG target, or SBTi targets set / validated
5      SBTi-validated and reducing SBTi validated, and Scope 1+2 below the previous answer's
=====  ==========================  ============================================================

Next review: a quarter (three calendar months) after the assessment for a strategic supplier,
a year for the others (:func:`next_review`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from lingtan.modules.suppliers.requests import SupplierAnswer

Criterion = Literal["inventory", "verified", "targets", "sbti_validated", "reducing"]
CRITERIA: tuple[str, ...] = get_args(Criterion)
LEVELS: dict[int, str] = {
    1: "no_inventory",
    2: "inventory",
    3: "verified",
    4: "targets",
    5: "sbti_validated_reducing",
}
#: months between reviews: strategic suppliers quarterly (report line 2205), others yearly
REVIEW_MONTHS = {True: 3, False: 12}


@dataclass(frozen=True)
class Maturity:
    """A supplier's maturity: ``level`` (1–5), its name (:data:`LEVELS`) and the criteria the
    answer meets (whether or not the ladder reaches them)."""

    level: int
    criteria_met: tuple[str, ...]

    @property
    def name(self) -> str:
        """The level's name (a message key suffix: ``sr.maturity.<name>``)."""
        return LEVELS[self.level]


def criteria_met(
    answer: SupplierAnswer | None, previous: SupplierAnswer | None = None
) -> tuple[str, ...]:
    """The criteria (:data:`CRITERIA`) an answer meets; ``reducing`` compares its Scope 1+2
    (market-based, else location-based) [t CO2e] with the ``previous`` answer's."""
    if answer is None:
        return ()
    met: list[str] = []
    if answer.has_inventory:
        met.append("inventory")
    if answer.verified:
        met.append("verified")
    if answer.public_target is not None or answer.sbti_status in ("targets_set", "validated"):
        met.append("targets")
    if answer.sbti_status == "validated":
        met.append("sbti_validated")
    now = answer.scope12_market_t()
    before = previous.scope12_market_t() if previous is not None else None
    if now is not None and before is not None and now < before:
        met.append("reducing")
    return tuple(met)


def assess(answer: SupplierAnswer | None, previous: SupplierAnswer | None = None) -> Maturity:
    """The maturity level of a supplier from its latest accepted answer (and the one before,
    for ``reducing``): the highest level whose criteria, and all below, are met."""
    met = set(criteria_met(answer, previous))
    level = 1
    for lvl, needs in (
        (2, {"inventory"}),
        (3, {"verified"}),
        (4, {"targets"}),
        (5, {"sbti_validated", "reducing"}),
    ):
        if not needs <= met:
            break
        level = lvl
    return Maturity(level, tuple(c for c in CRITERIA if c in met))


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's last
    (2024-11-30 + 3 → 2025-02-28)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(assessed_on: date, strategic: bool) -> date:
    """When to review again: a quarter later for a strategic supplier, a year otherwise."""
    return add_months(assessed_on, REVIEW_MONTHS[bool(strategic)])
