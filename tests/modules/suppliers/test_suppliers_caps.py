"""Corrective action plans: status from dates, KPIs on time and mean score change."""

from __future__ import annotations

from datetime import date

import pytest

from lingtan.modules.suppliers.caps import Cap, CapItem, closed_on, item_status, kpis, status

OPEN = date(2024, 1, 15)
DUE = date(2024, 4, 14)  # rating date + 90 days


def item(closed: date | None = None, due: date = DUE) -> CapItem:
    return CapItem("working hours over 60", "hire a second shift", "HR lead", due, closed)


def test_status_open_overdue_closed() -> None:
    cap = Cap("S", "rating", OPEN, DUE, (item(),))
    assert status(cap, date(2024, 4, 14)) == "open"  # on the due date it is not yet late
    assert status(cap, date(2024, 4, 15)) == "overdue"
    done = Cap("S", "rating", OPEN, DUE, (item(date(2024, 3, 1)), item(date(2024, 4, 20))))
    assert closed_on(done.items) == date(2024, 4, 20)  # the latest item's closing date
    assert status(done, date(2024, 5, 1)) == "closed"
    assert status(Cap("S", "rating", OPEN, DUE), date(2024, 1, 16)) == "open"  # no item yet
    assert item_status(item(), date(2024, 5, 1)) == "overdue"


def test_kpis_on_time_and_mean_change() -> None:
    """Four plans on 2024-05-01:
    p1 closed 2024-04-01 ≤ due → on time; p2 closed 2024-04-20 > due → late;
    p3 open, past due → overdue (decided, not on time); p4 open, due 2024-07-01 → left out.
    On time = 1 / 3 = 33.3 %. Score changes: p1 41 → 47 (+6), p2 40 → 43.4 (+3.4):
    mean (6 + 3.4) / 2 = 4.7 (the report's +4.7, line 2196)."""
    p1 = Cap("A", "rating", OPEN, DUE, (item(date(2024, 4, 1)),), 41, 47)
    p2 = Cap("B", "rating", OPEN, DUE, (item(date(2024, 4, 20)),), 40, 43.4)
    p3 = Cap("C", "rating", OPEN, DUE, (item(),), 30)
    p4 = Cap("D", "rating", date(2024, 4, 2), date(2024, 7, 1), (item(due=date(2024, 7, 1)),))
    k = kpis([p1, p2, p3, p4], date(2024, 5, 1))
    assert (k.plans, k.decided, k.closed_on_time) == (4, 3, 1)
    assert k.closed_on_time_pct == pytest.approx(100 / 3)
    assert k.rerated == 2
    assert k.mean_score_change == pytest.approx(4.7)
    empty = kpis([], date(2024, 5, 1))
    assert empty.closed_on_time_pct is None
    assert empty.mean_score_change is None
