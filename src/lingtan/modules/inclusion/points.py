"""The points arithmetic of a carbon-inclusion programme (issue 18 item 4; spec "Points"):

    points = ⌊kg × points_per_kg⌋ + engagement points        (the base)
    points = ⌊base × campaign multiplier⌋                    (the multiplied points)
    points = min(points, per_day cap − earned today, per_month cap − earned this month, ≥ 0)

kg is kg CO2e (a reduction against a baseline or avoided emissions; 0 for engagement-only
actions); points are whole numbers. The floor is taken on exact decimals of the given floats
(``Decimal(repr(x))``): 0.29 kg × 100 pts/kg is 29 points, not the binary 28.999… .

Expiry: points earned on day *d* expire ``expiry_months`` calendar months later (the same day
of the month, or the month's last day when it has fewer days: 31 Jan + 1 month = 28/29 Feb).
What expires is found by consuming earn lots first-in-first-out: a redemption, an expiry, a
negative adjustment uses the oldest points first; a reversal uses the points of its own event
first (they are the ones withdrawn), then the oldest. These are lingtan's stated choices
(decision 0089); the spec gives the formula only.

Pure: no store, no clock.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from lingtan.core.messages import msg
from lingtan.modules.inclusion.errors import RulesError
from lingtan.modules.inclusion.rules import Cap


@dataclass(frozen=True)
class PointsStep:
    """One step of the points arithmetic: catalogue ``key`` of its label (``incl_ev.step.*``),
    the ``formula`` with its numbers, and the resulting ``value`` [points]."""

    key: str
    formula: str
    value: float

    def to_json(self) -> dict[str, object]:
        """The step as plain JSON data (stored with the event's trace)."""
        return {"key": self.key, "formula": self.formula, "value": self.value, "unit": "points"}


@dataclass(frozen=True)
class PointsResult:
    """The points of one event: ``points`` credited, ``base`` (before the multiplier),
    ``from_kg`` and ``engagement`` parts, ``multiplier``, ``capped`` (``per_day``,
    ``per_month`` or None) and the ``steps`` of the arithmetic."""

    points: int
    base: int
    from_kg: int
    engagement: int
    multiplier: float
    capped: str | None
    steps: tuple[PointsStep, ...]


def _dec(x: float) -> Decimal:
    if not math.isfinite(x):
        raise RulesError(msg("incl_ev.err.number", value=str(x)), "quantity")
    return Decimal(repr(float(x)))


def floor_product(a: float, b: float) -> int:
    """⌊a × b⌋ on the exact decimals of ``a`` and ``b`` (module docstring)."""
    return int((_dec(a) * _dec(b)).to_integral_value(rounding=ROUND_FLOOR))


def points_from_kg(kg: float, points_per_kg: float) -> int:
    """⌊kg × points_per_kg⌋ [points] for ``kg`` kg CO2e (negative kg earn nothing).

    Raises:
        RulesError: a negative rate or a non-finite number.
    """
    if points_per_kg < 0:
        raise RulesError(msg("incl_ev.err.rate", value=str(points_per_kg)), "points_per_kg")
    if kg <= 0:
        return 0
    return floor_product(kg, points_per_kg)


def apply_cap(
    points: int, cap: Cap | None, earned_day: int, earned_month: int
) -> tuple[int, str | None]:
    """``points`` limited by ``cap`` given what the account already earned from the action that
    day (``earned_day``) and month (``earned_month``) [points]: the points kept and which cap
    cut them (``per_day``, ``per_month`` or None)."""
    if cap is None or points <= 0:
        return max(points, 0), None
    kept, by = points, None
    if cap.per_day is not None and kept > cap.per_day - earned_day:
        kept, by = max(cap.per_day - earned_day, 0), "per_day"
    if cap.per_month is not None and kept > cap.per_month - earned_month:
        kept, by = max(cap.per_month - earned_month, 0), "per_month"
    return kept, by


def compute_points(
    *,
    kg: float,
    points_per_kg: float,
    engagement: int,
    multiplier: float = 1.0,
    cap: Cap | None = None,
    earned_day: int = 0,
    earned_month: int = 0,
) -> PointsResult:
    """The points of one event (module docstring), with the steps of the arithmetic.

    Raises:
        RulesError: a negative rate, engagement or multiplier.
    """
    if engagement < 0:
        raise RulesError(msg("incl_ev.err.engagement", value=str(engagement)), "engagement")
    if multiplier < 0 or not math.isfinite(multiplier):
        raise RulesError(msg("incl_ev.err.multiplier", value=str(multiplier)), "multiplier")
    from_kg = points_from_kg(kg, points_per_kg)
    base = from_kg + engagement
    multiplied = floor_product(base, multiplier) if multiplier != 1.0 else base
    points, capped = apply_cap(multiplied, cap, earned_day, earned_month)
    steps = [
        PointsStep("incl_ev.step.from_kg", f"⌊{kg:g} kg × {points_per_kg:g} pts/kg⌋", from_kg),
        PointsStep("incl_ev.step.engagement", f"{engagement}", engagement),
        PointsStep("incl_ev.step.base", f"{from_kg} + {engagement}", base),
    ]
    if multiplier != 1.0:
        steps.append(
            PointsStep("incl_ev.step.multiplier", f"⌊{base} × {multiplier:g}⌋", multiplied)
        )
    if capped is not None and cap is not None:
        limit = cap.per_day if capped == "per_day" else cap.per_month
        earned = earned_day if capped == "per_day" else earned_month
        steps.append(
            PointsStep(
                f"incl_ev.step.cap_{capped}", f"min({multiplied}, {limit} − {earned})", points
            )
        )
    return PointsResult(points, base, from_kg, engagement, multiplier, capped, tuple(steps))


# ---- expiry -------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def expiry_date(earned: date, expiry_months: int | None) -> date | None:
    """The day points earned on ``earned`` expire (``None``: they never do)."""
    return None if expiry_months is None else add_months(earned, expiry_months)


@dataclass(frozen=True)
class Movement:
    """One ledger entry as the lot arithmetic needs it: ``delta`` [points], ``reason``
    (earn|redeem|expire|adjust|reversal), ``ref`` and, for earn entries, ``expires_at``."""

    delta: int
    reason: str
    ref: str
    expires_at: date | None = None


@dataclass
class Lot:
    """Points earned by one entry and still unused: ``ref``, ``remaining``, ``expires_at``."""

    ref: str
    remaining: int
    expires_at: date | None


def lots(movements: Iterable[Movement]) -> list[Lot]:
    """The earn lots after consuming them first-in-first-out (module docstring), oldest first.

    A positive entry (earn, positive adjust) opens a lot; a negative one consumes lots (a
    reversal its own event's lot first). Points consumed beyond every lot are ignored (the
    ledger refuses a balance below zero)."""
    out: list[Lot] = []
    for m in movements:
        if m.delta > 0:
            out.append(Lot(m.ref, m.delta, m.expires_at))
            continue
        need = -m.delta
        order: Sequence[Lot] = out
        if m.reason == "reversal":
            order = [lot for lot in out if lot.ref == m.ref] + [
                lot for lot in out if lot.ref != m.ref
            ]
        for lot in order:
            if need <= 0:
                break
            take = min(lot.remaining, need)
            lot.remaining -= take
            need -= take
        out = [lot for lot in out if lot.remaining > 0]
    return out


def expiring(movements: Iterable[Movement], as_of: date) -> list[Lot]:
    """The lots with points left whose expiry day is on or before ``as_of``."""
    return [
        lot
        for lot in lots(movements)
        if lot.expires_at is not None and lot.expires_at <= as_of and lot.remaining > 0
    ]
