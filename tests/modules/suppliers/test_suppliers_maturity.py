"""Supplier GHG-management maturity levels and review dates (issue 15 item 4; report lines
2204–2205: strategic suppliers assessed and tracked every quarter)."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.suppliers.maturity import add_months, assess, next_review
from lingtan.modules.suppliers.requests import parse_answer

INVENTORY = {"scope1_t": 100, "scope2_market_t": 50}  # Scope 1+2 = 150 t CO2e


@pytest.mark.parametrize(
    ("answer", "level", "criteria"),
    [
        (None, 1, ()),
        ({}, 1, ()),
        (INVENTORY, 2, ("inventory",)),
        ({**INVENTORY, "verified": True}, 3, ("inventory", "verified")),
        # verified but no inventory: the ladder stops at 1
        ({"verified": True}, 1, ("verified",)),
        (
            {**INVENTORY, "verified": True, "sbti_status": "targets_set"},
            4,
            ("inventory", "verified", "targets"),
        ),
        # validated without a previous answer: not known to reduce, level 4
        (
            {**INVENTORY, "verified": True, "sbti_status": "validated"},
            4,
            ("inventory", "verified", "targets", "sbti_validated"),
        ),
    ],
)
def test_levels(answer: dict[str, object] | None, level: int, criteria: tuple[str, ...]) -> None:
    m = assess(None if answer is None else parse_answer(answer))
    assert (m.level, m.criteria_met) == (level, criteria)


def test_level_5_needs_reduction() -> None:
    now = parse_answer({**INVENTORY, "verified": True, "sbti_status": "validated"})
    before = parse_answer({"scope1_t": 120, "scope2_market_t": 50})  # 170 t > 150 t: reducing
    assert assess(now, before).level == 5
    assert assess(now, before).name == "sbti_validated_reducing"
    same = parse_answer({"scope1_t": 100, "scope2_market_t": 50})  # 150 t: not reducing
    assert assess(now, same).level == 4


def test_next_review() -> None:
    assert next_review(date(2024, 1, 15), strategic=True) == date(2024, 4, 15)
    assert next_review(date(2024, 1, 15), strategic=False) == date(2025, 1, 15)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)  # clamped to February's end
    assert add_months(date(2023, 12, 31), 2) == date(2024, 2, 29)  # leap year
