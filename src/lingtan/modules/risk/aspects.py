"""Significant environmental aspects (ISO 14001:2015 §6.1.2; issue 17 item 3, decision 0081).

An *aspect* is an element of an activity, product or service that interacts with the
environment (ISO 14001:2015 §3.2.2), at a site (or the whole organisation) and under a
*condition*: ``normal``, ``abnormal`` or ``emergency`` (§6.1.2 asks for all three).

The source report (lines 1272–1275) rates each aspect on five **environmental** factors —
quantity, scope, frequency, severity, control — and three **business** factors —
reputation / stakeholder relations, compliance, management focus — and "considers them
together" into an overall rating. It publishes neither the arithmetic nor the threshold, so the
defaults below are **lingtan's** (decision 0081):

- each factor is an integer 1 (least) … 5 (most);
- ``env = mean(e_i)`` over the five environmental factors, ``bus = mean(b_j)`` over the three
  business factors (``aggregate="max"`` takes the largest factor of each group instead);
- ``overall = env × bus`` ∈ [1, 25];
- significant when ``overall ≥ θ``, θ = 9 by default (3 × 3: "moderate" on both axes);
- optionally (``any_factor_at``, off by default) an aspect is also significant when any one
  factor reaches that score, e.g. 5 — a common ISO 14001 practice (a legal requirement or a
  severe effect alone makes an aspect significant), labelled as such.

Monitoring: the report's EMS measures objectives and targets every half year (line 1269); an
aspect is *due* when its last monitoring record is older than six calendar months
(:func:`monitoring_due`).

Pure: no I/O. A refusal is an :class:`~lingtan.modules.risk.errors.AspectError` with its
``aspects.err.*`` message and field.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.risk.errors import AspectError

#: the operating conditions ISO 14001:2015 §6.1.2 asks an organisation to consider
CONDITIONS: tuple[str, ...] = ("normal", "abnormal", "emergency")
#: the five environmental factors of the report (line 1273), in its order
ENV_FACTORS: tuple[str, ...] = ("quantity", "scope", "frequency", "severity", "control")
#: the three business factors of the report (lines 1273–1274), in its order
BUS_FACTORS: tuple[str, ...] = ("reputation", "compliance", "management")
#: every factor, environmental first
FACTORS: tuple[str, ...] = ENV_FACTORS + BUS_FACTORS
#: where in the value chain an aspect arises (the report: direct operations, up- and downstream)
VALUE_CHAIN: tuple[str, ...] = ("own_operations", "upstream", "downstream")
#: how the factors of one group are combined
AGGREGATES: tuple[str, ...] = ("mean", "max")
#: the status of a monitoring record
MONITORING_STATUSES: tuple[str, ...] = ("on_track", "attention", "off_track")
#: the score range of a factor
LOWEST, HIGHEST = 1, 5
#: the monitoring interval [calendar months] (semi-annual, report line 1269)
MONITORING_MONTHS = 6


@dataclass(frozen=True)
class Significance:
    """How significance is decided (module docstring; every default is lingtan's).

    Attributes:
        threshold: θ; significant when ``overall ≥ threshold`` (1 ≤ θ ≤ 25).
        aggregate: ``mean`` (default) or ``max`` over each factor group.
        any_factor_at: when set (1–5), an aspect with any factor at or above it is significant
            whatever its overall rating; None (default) turns the rule off.
    """

    threshold: float = 9.0
    aggregate: str = "mean"
    any_factor_at: int | None = None

    def check(self) -> Significance:
        """This configuration, checked.

        Raises:
            AspectError: θ not a number within [1, 25]; unknown aggregate; ``any_factor_at``
                outside 1–5.
        """
        if not (isinstance(self.threshold, int | float) and math.isfinite(self.threshold)
                and 1.0 <= self.threshold <= 25.0):  # fmt: skip
            raise AspectError(msg("aspects.err.threshold", value=str(self.threshold)), "threshold")
        if self.aggregate not in AGGREGATES:
            raise AspectError(msg("aspects.err.aggregate", value=str(self.aggregate)), "aggregate")
        if self.any_factor_at is not None and not (
            isinstance(self.any_factor_at, int) and LOWEST <= self.any_factor_at <= HIGHEST
        ):
            raise AspectError(
                msg("aspects.err.any_factor_at", value=str(self.any_factor_at)), "any_factor_at"
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"threshold": self.threshold, "aggregate": self.aggregate,
                "any_factor_at": self.any_factor_at}  # fmt: skip


#: lingtan's default configuration (the report publishes none)
DEFAULT_SIGNIFICANCE = Significance()
#: the label every default carries where it is shown
DEFAULT_LABEL = (
    "lingtan's default: env = mean of 5 factors, bus = mean of 3 factors, overall = env × bus, "
    "significant when overall ≥ 9 (the report gives the factors, not the arithmetic)"
)


@dataclass(frozen=True)
class Rating:
    """An aspect's rating: ``env`` and ``bus`` (1–5), ``overall`` (1–25), ``significant`` and
    why (``threshold``: overall ≥ θ; ``any_factor``: a factor at ``any_factor_at``; None: not
    significant)."""

    env: float
    bus: float
    overall: float
    significant: bool
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"env": self.env, "bus": self.bus, "overall": self.overall,
                "significant": self.significant, "reason": self.reason}  # fmt: skip


def check_factor(name: str, value: Any) -> int:
    """A factor's score, checked: an integer 1–5 (a whole-number float or text is accepted).

    Raises:
        AspectError: unknown factor; not an integer 1–5.
    """
    if name not in FACTORS:
        raise AspectError(msg("aspects.err.factor", value=name), name)
    if isinstance(value, bool):
        raise AspectError(msg("aspects.err.score", name=name, value=str(value)), name)
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise AspectError(msg("aspects.err.score", name=name, value=str(value)[:40]),
                          name) from None  # fmt: skip
    if not math.isfinite(number) or number != int(number) or not LOWEST <= number <= HIGHEST:
        raise AspectError(msg("aspects.err.score", name=name, value=str(value)[:40]), name)
    return int(number)


def check_scores(scores: Mapping[str, Any]) -> dict[str, int]:
    """All eight factors, checked (every one given, each 1–5).

    Raises:
        AspectError: a factor missing or unknown, or a score outside 1–5.
    """
    unknown = sorted(set(scores) - set(FACTORS))
    if unknown:
        raise AspectError(msg("aspects.err.factor", value=unknown[0]), unknown[0])
    missing = [f for f in FACTORS if scores.get(f) is None]
    if missing:
        raise AspectError(msg("aspects.err.incomplete", factors=", ".join(missing)), missing[0])
    return {f: check_factor(f, scores[f]) for f in FACTORS}


def _combine(values: list[int], aggregate: str) -> float:
    return float(max(values)) if aggregate == "max" else sum(values) / len(values)


def rate(scores: Mapping[str, Any], config: Significance = DEFAULT_SIGNIFICANCE) -> Rating:
    """Rate an aspect from its eight factor scores under ``config`` (module docstring).

    Example (default): e = (4, 3, 5, 4, 3) → env = 19 / 5 = 3.8; b = (4, 5, 3) → bus = 12 / 3
    = 4.0; overall = 3.8 × 4.0 = 15.2 ≥ 9 → significant (``threshold``).

    Raises:
        AspectError: a score or the configuration is invalid.
    """
    config.check()
    s = check_scores(scores)
    env = _combine([s[f] for f in ENV_FACTORS], config.aggregate)
    bus = _combine([s[f] for f in BUS_FACTORS], config.aggregate)
    overall = env * bus
    reason: str | None = None
    if overall >= config.threshold - 1e-9:
        reason = "threshold"
    elif config.any_factor_at is not None and max(s.values()) >= config.any_factor_at:
        reason = "any_factor"
    return Rating(env, bus, overall, reason is not None, reason)


def check_condition(value: str) -> str:
    """An operating condition, checked (:data:`CONDITIONS`).

    Raises:
        AspectError: not normal, abnormal or emergency.
    """
    v = str(value or "").strip().lower()
    if v not in CONDITIONS:
        raise AspectError(msg("aspects.err.condition", value=str(value)[:40]), "condition")
    return v


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, the day clamped to the month's last
    (2024-08-31 + 6 → 2025-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Due:
    """An aspect whose monitoring is due on a day: its ``key``, the ``last`` record's date
    (None: never monitored) and when the next was due (``next_due``: ``last`` + 6 months;
    None when never monitored); ``days_overdue`` counts from ``next_due`` (0 when never)."""

    key: str
    last: date | None
    next_due: date | None
    days_overdue: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"key": self.key, "last": self.last.isoformat() if self.last else None,
                "next_due": self.next_due.isoformat() if self.next_due else None,
                "days_overdue": self.days_overdue}  # fmt: skip


def monitoring_due(
    last_records: Iterable[tuple[str, date | None]],
    on: date,
    months: int = MONITORING_MONTHS,
) -> list[Due]:
    """The aspects whose monitoring is due on ``on``: those never monitored and those whose last
    record (``(key, last date)`` each) is ``months`` calendar months old or more, i.e.
    ``last + months ≤ on``. Never-monitored first, then the longest overdue, then by key."""
    out: list[Due] = []
    for key, last in last_records:
        if last is None:
            out.append(Due(key, None, None, 0))
            continue
        nxt = add_months(last, months)
        if nxt <= on:
            out.append(Due(key, last, nxt, (on - nxt).days))
    return sorted(out, key=lambda d: (d.last is not None, -d.days_overdue, d.key))
