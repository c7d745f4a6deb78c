"""Corrective action plans (CAP) of suppliers and their KPIs (issue 15 item 2, decision 0064).

A plan is opened by a trigger (a rating under the threshold, an audit finding, a poor grade),
holds items (finding, action, owner, due, closed_on, evidence) and is due on one date (for a
rating: the rating date + 90 days, report line 2194). Its status is computed from dates, never
stored:

- ``closed`` — it has at least one item and every item is closed; its closing date is the
  latest item's ``closed_on`` (:func:`closed_on`);
- ``overdue`` — not closed and ``today > due``;
- ``open`` — otherwise (a plan without items is open: it has not been acted on).

KPIs (report lines 2194–2196):

- *closed on time* [%] = plans closed on or before their due date / plans that are closed or
  past due (plans still open and not yet due are left out: they may still close on time);
- *mean score change* [points] = mean of ``score_after − score_before`` over the plans with
  both (the report gives +4.7 for FY2023/24).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from lingtan.modules.suppliers.review_errors import ReviewError

#: what opened a plan
TRIGGERS = ("rating", "audit_finding", "grade")
Status = Literal["open", "overdue", "closed"]


@dataclass(frozen=True)
class CapItem:
    """One item of a plan: the ``finding``, the ``action`` taken, its ``owner``, ``due``,
    ``closed_on`` (None = open) and ``evidence`` (reference or file sha256)."""

    finding: str
    action: str
    owner: str
    due: date
    closed_on: date | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Cap:
    """A corrective action plan: ``opened``, ``due``, items, the rating score that opened it
    (``score_before``) and the score of the next rating (``score_after``), [0–100]."""

    supplier: str
    trigger: str
    opened: date
    due: date
    items: tuple[CapItem, ...] = ()
    score_before: float | None = None
    score_after: float | None = None


def check_item(item: CapItem, cap: Cap) -> None:
    """Refuse an item without finding, action or owner, or closed before the plan opened.

    Raises:
        ReviewError: the invalid field.
    """
    for name in ("finding", "action", "owner"):
        if not str(getattr(item, name)).strip():
            raise ReviewError("supplier_reviews.err.required", field=name)
    if item.closed_on is not None and item.closed_on < cap.opened:
        raise ReviewError("supplier_reviews.err.closed_before_opened")


def closed_on(items: Sequence[CapItem]) -> date | None:
    """The plan's closing date: the latest item ``closed_on`` when there is at least one item
    and all are closed; None otherwise."""
    if not items or any(i.closed_on is None for i in items):
        return None
    return max(i.closed_on for i in items if i.closed_on is not None)


def status(cap: Cap, today: date) -> Status:
    """``closed`` | ``overdue`` | ``open`` (module docstring)."""
    if closed_on(cap.items) is not None:
        return "closed"
    return "overdue" if today > cap.due else "open"


def item_status(item: CapItem, today: date) -> Status:
    """An item's status by the same rule."""
    if item.closed_on is not None:
        return "closed"
    return "overdue" if today > item.due else "open"


@dataclass(frozen=True)
class CapKpis:
    """``closed_on_time_pct`` [%] over ``decided`` plans; ``mean_score_change`` [points] over
    ``rerated`` plans (None when there are none)."""

    plans: int
    decided: int
    closed_on_time: int
    closed_on_time_pct: float | None
    rerated: int
    mean_score_change: float | None


def kpis(caps: Sequence[Cap], today: date) -> CapKpis:
    """The two CAP KPIs of the module docstring."""
    decided = [c for c in caps if status(c, today) != "open"]
    on_time = [c for c in decided if (d := closed_on(c.items)) is not None and d <= c.due]
    deltas = [
        c.score_after - c.score_before
        for c in caps
        if c.score_after is not None and c.score_before is not None
    ]
    return CapKpis(
        plans=len(caps),
        decided=len(decided),
        closed_on_time=len(on_time),
        closed_on_time_pct=100.0 * len(on_time) / len(decided) if decided else None,
        rerated=len(deltas),
        mean_score_change=math.fsum(deltas) / len(deltas) if deltas else None,
    )
