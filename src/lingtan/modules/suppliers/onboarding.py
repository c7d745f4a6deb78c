"""The onboarding checklist (issue 15; report lines 2163–2177): which items a supplier must
pass before it is approved, how complete its checklist is, and which evidence expires soon.

Items (:data:`ITEMS`): acknowledgement of the buyer's supplier code of conduct and of the RBA
Code of Conduct (each with the version acknowledged), ISO 14001 (environmental management),
ISO 45001 (occupational health and safety), ISO 50001 (energy management) certificates, a
verified greenhouse-gas inventory (ISO 14064-3 or ISAE 3410), a sustainability policy, forced
labour controls, public sustainability reporting, financial stability, product security and
information security (e.g. ISO/IEC 27001). Each has a result: ``pass``, ``fail`` or ``n/a``.

A checklist is **complete** when every item has a result of ``pass`` or ``n/a`` whose evidence
has not expired on the day asked; a ``fail`` makes the supplier at best ``conditional`` (with a
corrective action plan); missing or expired items leave it in ``onboarding``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.suppliers.errors import OnboardingError

#: checklist items, in the report's order
ITEMS: tuple[str, ...] = (
    "supplier_code_ack",
    "rba_code_ack",
    "iso14001",
    "iso45001",
    "iso50001",
    "ghg_verified",
    "sustainability_policy",
    "forced_labour_controls",
    "public_reporting",
    "financial_stability",
    "product_security",
    "info_security",
)
#: items that record the version acknowledged (of a code of conduct)
VERSIONED: frozenset[str] = frozenset({"supplier_code_ack", "rba_code_ack"})
RESULTS: tuple[str, ...] = ("pass", "fail", "n/a")
#: the state of one item on a day: ``missing`` (no check), ``pass``, ``fail``, ``n/a``,
#: ``expired`` (its evidence expired before the day), ``expiring`` (a pass or n/a whose
#: evidence expires within the reminder window)
STATES: tuple[str, ...] = ("missing", "pass", "fail", "n/a", "expired", "expiring")
#: default reminder window [days]
REMINDER_DAYS = 60


@dataclass(frozen=True)
class Check:
    """One checklist entry: ``item``, ``result``, the day it was checked and the day its
    evidence expires (None = does not expire)."""

    item: str
    result: str
    checked_on: date
    expires_on: date | None = None
    version: str | None = None


@dataclass(frozen=True)
class ItemState:
    """An item's state on a day (:data:`STATES`) and its expiry date."""

    item: str
    state: str
    expires_on: date | None = None


@dataclass(frozen=True)
class Checklist:
    """A supplier's checklist on ``on``: each item's state, the items still missing or
    expired, those failed, and whether it is complete (every item pass or n/a, none expired).
    ``recommended`` is the status the checklist supports: ``approved`` (complete),
    ``conditional`` (complete but for failed items: approve with a corrective action plan) or
    ``onboarding`` (items missing or expired)."""

    on: date
    items: tuple[ItemState, ...]
    outstanding: tuple[str, ...] = field(default=())
    failed: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        """True when no item is missing, expired or failed."""
        return not self.outstanding and not self.failed

    @property
    def done(self) -> int:
        """Items with a current pass or n/a (expiring ones count)."""
        return sum(1 for s in self.items if s.state in ("pass", "n/a", "expiring"))

    @property
    def recommended(self) -> str:
        """``approved``, ``conditional`` or ``onboarding`` (see the class)."""
        if self.outstanding:
            return "onboarding"
        return "conditional" if self.failed else "approved"

    def to_dict(self) -> dict[str, Any]:
        """The checklist as plain data (API answers)."""
        return {
            "on": self.on.isoformat(),
            "complete": self.complete,
            "done": self.done,
            "total": len(self.items),
            "recommended": self.recommended,
            "outstanding": list(self.outstanding),
            "failed": list(self.failed),
            "items": [
                {
                    "item": s.item,
                    "state": s.state,
                    "expires_on": s.expires_on.isoformat() if s.expires_on else None,
                }
                for s in self.items
            ],
        }


@dataclass(frozen=True)
class Reminder:
    """Evidence of ``item`` of supplier ``supplier`` that expires on ``expires_on``:
    ``days_left`` days after the day asked (negative = already expired)."""

    supplier: str
    item: str
    expires_on: date
    days_left: int

    @property
    def expired(self) -> bool:
        """True when the evidence expired before the day asked."""
        return self.days_left < 0


def check_item(item: str, result: str, checked_on: date, expires_on: date | None) -> None:
    """Refuse an unknown item or result, or an expiry before the check.

    Raises:
        OnboardingError: naming the field.
    """
    if item not in ITEMS:
        raise OnboardingError(msg("suppliers.err.item", value=item), "item")
    if result not in RESULTS:
        raise OnboardingError(msg("suppliers.err.result", value=result), "result")
    if expires_on is not None and expires_on < checked_on:
        raise OnboardingError(
            msg("suppliers.err.expiry", expires_on=expires_on.isoformat(),
                checked_on=checked_on.isoformat()),
            "expires_on",
        )  # fmt: skip


def item_state(check: Check | None, on: date, within_days: int = REMINDER_DAYS) -> str:
    """The state of one item on ``on`` (:data:`STATES`): evidence expires at the end of its
    ``expires_on`` day, so it is ``expired`` from the next day, and ``expiring`` when
    0 ≤ expires_on − on ≤ ``within_days`` [days]."""
    if check is None:
        return "missing"
    if check.result == "fail":
        return "fail"
    if check.expires_on is not None:
        left = (check.expires_on - on).days
        if left < 0:
            return "expired"
        if left <= within_days:
            return "expiring"
    return check.result


def checklist(checks: Iterable[Check], on: date, within_days: int = REMINDER_DAYS) -> Checklist:
    """The checklist of one supplier on ``on`` (the latest check of each item counts)."""
    latest: dict[str, Check] = {}
    for c in sorted(checks, key=lambda c: c.checked_on):
        latest[c.item] = c
    states = tuple(
        ItemState(i, item_state(latest.get(i), on, within_days),
                  latest[i].expires_on if i in latest else None)
        for i in ITEMS
    )  # fmt: skip
    return Checklist(
        on=on,
        items=states,
        outstanding=tuple(s.item for s in states if s.state in ("missing", "expired")),
        failed=tuple(s.item for s in states if s.state == "fail"),
    )


def reminders(
    checks: Sequence[tuple[str, Check]], on: date, within_days: int = REMINDER_DAYS
) -> list[Reminder]:
    """Evidence expiring within ``within_days`` days of ``on`` or already expired, from
    ``(supplier code, check)`` pairs, soonest first (failed checks left out: they are not
    evidence of anything to renew).

    Raises:
        OnboardingError: ``within_days`` below 0.
    """
    if within_days < 0:
        raise OnboardingError(msg("suppliers.err.days", value=within_days), "days")
    out = [
        Reminder(code, c.item, c.expires_on, (c.expires_on - on).days)
        for code, c in checks
        if c.expires_on is not None
        and c.result != "fail"
        and (c.expires_on - on).days <= within_days
    ]
    return sorted(out, key=lambda r: (r.expires_on, r.supplier, r.item))
