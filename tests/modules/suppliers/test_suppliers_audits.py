"""The audit-coverage set A (report lines 2180–2184), valid audits, audits due and the
suspension rule, checked by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from lingtan.modules.suppliers.audits import (
    Audit,
    Finding,
    Waiver,
    add_months,
    audited_share,
    audits_due,
    coverage_set,
    suspension_triggers,
    valid_on,
)
from lingtan.modules.suppliers.review_errors import ReviewError

FY_END = date(2024, 3, 31)


def test_the_coverage_set_is_the_shortest_prefix_reaching_95_percent() -> None:
    """Spend 50, 30, 15, 3, 2 (total 100): cumulative 50, 80, 95 → 95 ≥ 95 % · 100 at the
    third supplier ("reaches" includes equality): A = {A, B, C}."""
    cov = coverage_set({"E": 2, "A": 50, "C": 15, "B": 30, "D": 3})
    assert cov.members == ("A", "B", "C")
    assert cov.spend_in_set == 95
    assert cov.total_spend == 100
    assert cov.share == pytest.approx(0.95)


def test_boundary_is_exact_not_floating_point() -> None:
    """0.65 + 0.2 + 0.1 = 0.95 of 1.0 exactly (in binary floating point 0.65 + 0.2 + 0.1 is
    0.9500000000000001 while 0.95 · 1.0 is 0.95): the set stops at the third supplier."""
    cov = coverage_set({"a": 0.65, "b": 0.2, "c": 0.1, "d": 0.05})
    assert cov.members == ("a", "b", "c")
    assert cov.target == Fraction(95, 100)


def test_ties_at_the_boundary_are_all_in() -> None:
    """Spend 60, 35, 5, 5 (total 105; 95 % of it = 99.75): 60 + 35 = 95, not yet; the next two
    tie at 5: 60 + 35 + 5 = 100 ≥ 99.75 → reached with the first of the tied pair, and its
    twin (same spend) is in A too: A = {A, B, C, D} (C before D by code)."""
    cov = coverage_set({"D": 5, "C": 5, "B": 35, "A": 60})
    assert cov.members == ("A", "B", "C", "D")


def test_zero_spend_is_never_in_a_and_negative_is_refused() -> None:
    assert coverage_set({"A": 100, "Z": 0}).members == ("A",)
    assert coverage_set({}).members == ()
    with pytest.raises(ReviewError):
        coverage_set({"A": -1})


def test_valid_audits_and_audited_share() -> None:
    """FY end 2024-03-31: window from 2022-03-31. A audited 2022-03-31 (valid, on the boundary),
    B 2022-03-30 (too old), C 2023-05-01 with scheme 'other' (does not count).
    Audited share = 50 / 100 = 0.5."""
    audits = [
        Audit("A", "rba_vap", date(2022, 3, 31)),
        Audit("B", "rba_equivalent", date(2022, 3, 30)),
        Audit("C", "other", date(2023, 5, 1)),
    ]
    assert [valid_on(a, FY_END) for a in audits] == [True, False, False]
    assert audited_share({"A": 50, "B": 30, "C": 15, "D": 5}, audits, FY_END) == pytest.approx(0.5)
    assert add_months(date(2024, 2, 29), -24) == date(2022, 2, 28)


def test_audits_due_in_the_next_six_months() -> None:
    """Today 2024-04-01, horizon 2024-10-01. A: last 2022-09-15 → due 2024-09-15 (within);
    B: last 2023-01-10 → due 2025-01-10 (beyond); C: never audited → due at once (overdue);
    D: last 2022-02-01 → due 2024-02-01 (overdue)."""
    audits = [
        Audit("A", "rba_vap", date(2022, 9, 15)),
        Audit("B", "rba_vap", date(2023, 1, 10)),
        Audit("D", "rba_vap", date(2022, 2, 1)),
    ]
    due = audits_due(["A", "B", "C", "D"], audits, date(2024, 4, 1))
    assert [(d.supplier, d.due, d.overdue) for d in due] == [
        ("C", None, True),
        ("D", date(2024, 2, 1), True),
        ("A", date(2024, 9, 15), False),
    ]


def test_an_open_priority_finding_past_due_suspends_unless_waived() -> None:
    late = Finding("f1", "priority", "A1 freely chosen employment", due=date(2024, 3, 1))
    major = Finding("f2", "major", "B2", due=date(2024, 3, 1))
    closed = Finding("f3", "priority", "A2", due=date(2024, 3, 1), closed_on=date(2024, 2, 20))
    audits = [Audit("S", "rba_vap", date(2024, 1, 10), findings=(late, major, closed))]
    assert suspension_triggers(audits, [], date(2024, 3, 1)) == {}  # on the due date: not late
    assert suspension_triggers(audits, [], date(2024, 3, 2)) == {"S": [late]}
    w = Waiver(
        "f1", "cpo@example.com", "remediation under way", date(2024, 3, 2), date(2024, 4, 30)
    )
    assert suspension_triggers(audits, [w], date(2024, 3, 2)) == {}
    assert suspension_triggers(audits, [w], date(2024, 5, 1)) == {"S": [late]}  # waiver expired
