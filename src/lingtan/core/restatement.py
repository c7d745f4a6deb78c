"""Base-year recalculation and restatement (GHG Protocol Corporate Standard, ch. 5 "Tracking
emissions over time"; ISO 14064-1:2018 §6.4.2).

A base year is recalculated when, cumulatively since its last version, these change it
significantly:

- **structural changes** — acquisitions, divestments, outsourcing and insourcing of emitting
  activities (§5.2). When the acquired or divested operations' base-year activity data are in
  the workspace, the recalculation with the new boundary captures them; otherwise the event
  states its base-year effect [t CO2e], which is added (acquisitions, insourcing: positive;
  divestments, outsourcing: negative);
- **changes in method or emission factors** that reflect better data (§5.3);
- **discovered errors**, individually or cumulatively significant (§5.3).

Significance: |new − current base year| / current base year ≥ threshold (default 5 %, a common
policy under the Standard's guidance that companies set and disclose their own threshold), on the
market-based total. Both the current and the recalculated versions are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from lingtan.core.errors import MethodError

DEFAULT_THRESHOLD_PCT = 5.0


class ChangeKind(StrEnum):
    """Why a base year may need recalculation (GHG Protocol Corporate Standard ch. 5)."""

    ACQUISITION = "acquisition"
    DIVESTMENT = "divestment"
    OUTSOURCING = "outsourcing"
    INSOURCING = "insourcing"
    METHOD_CHANGE = "method_change"
    FACTOR_CHANGE = "factor_change"
    ERROR = "error"

    @property
    def structural(self) -> bool:
        """True for changes in the organisational boundary."""
        return self in (ChangeKind.ACQUISITION, ChangeKind.DIVESTMENT, ChangeKind.OUTSOURCING,
                        ChangeKind.INSOURCING)  # fmt: skip

    @property
    def sign(self) -> int:
        """+1 when the change adds base-year emissions, −1 when it removes them, 0 when the
        direction is whatever the recalculation finds."""
        if self in (ChangeKind.ACQUISITION, ChangeKind.INSOURCING):
            return 1
        if self in (ChangeKind.DIVESTMENT, ChangeKind.OUTSOURCING):
            return -1
        return 0


@dataclass(frozen=True)
class ChangeEvent:
    """A recorded change. ``base_year_effect_t`` [t CO2e, ≥ 0]: the base-year emissions of the
    operations concerned, for structural changes whose data are not in the workspace."""

    id: int
    kind: ChangeKind
    description: str
    effective: date
    base_year_effect_t: float | None = None

    def __post_init__(self) -> None:
        if self.base_year_effect_t is not None and self.base_year_effect_t < 0:
            raise MethodError(
                f"change {self.id}: base-year effect must be ≥ 0 t (its sign follows the kind)"
            )

    @property
    def signed_effect_t(self) -> float:
        """Effect on the base year [t CO2e], signed by kind (0 when not stated)."""
        if self.base_year_effect_t is None or not self.kind.sign:
            return 0.0
        return self.kind.sign * self.base_year_effect_t


@dataclass(frozen=True)
class Assessment:
    """Whether the base year must be recalculated, and to what. Masses in t CO2e."""

    current_t: float  # the base year as currently adopted (market-based total)
    recalculated_t: float  # the base year recomputed with today's data, factors, method, boundary
    causes_t: Mapping[str, float]  # recalculation delta by cause (boundary, data, factors, method)
    events: tuple[ChangeEvent, ...]
    threshold_pct: float
    adjustments_t: float = field(init=False)
    new_t: float = field(init=False)

    def __post_init__(self) -> None:
        adj = sum(e.signed_effect_t for e in self.events)
        object.__setattr__(self, "adjustments_t", adj)
        object.__setattr__(self, "new_t", self.recalculated_t + adj)

    @property
    def change_pct(self) -> float:
        """|new − current| / current × 100."""
        if self.current_t == 0:
            return 0.0 if self.new_t == 0 else float("inf")
        return 100.0 * abs(self.new_t - self.current_t) / abs(self.current_t)

    @property
    def significant(self) -> bool:
        """True when the cumulative change reaches the threshold."""
        return self.change_pct >= self.threshold_pct


def assess(
    current_t: float,
    recalculated_t: float,
    causes_t: Mapping[str, float],
    events: Sequence[ChangeEvent],
    threshold_pct: float = DEFAULT_THRESHOLD_PCT,
) -> Assessment:
    """Assess a base-year recalculation (see module docstring).

    Raises:
        MethodError: the threshold is not a positive percentage.
    """
    if not 0 < threshold_pct < 100:
        raise MethodError(f"significance threshold must be in (0, 100) %, got {threshold_pct}")
    return Assessment(current_t, recalculated_t, dict(causes_t), tuple(events), threshold_pct)
