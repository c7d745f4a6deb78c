"""A carbon-inclusion programme's points rules (issue 18 item 1; spec "Points"):

- ``points_per_kg``: points credited per kg CO2e reduced (floor of the product);
- ``engagement_points``: points per accepted action, by action code (0 kg actions earn only these);
- ``caps``: per action, the most points an account may earn from it a day and a month;
- ``expiry_months``: points expire this many months after they were earned (``None``: never).

points = ⌊kg × points_per_kg⌋ + engagement points, × the campaign multiplier, then capped
(the arithmetic lives in :mod:`lingtan.modules.inclusion.points`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cap:
    """The most points one account may earn from one action a day and a month (``None``: no
    cap)."""

    per_day: int | None = None
    per_month: int | None = None


@dataclass(frozen=True)
class ProgrammeRules:
    """A programme's points rules (module docstring)."""

    points_per_kg: float = 10.0
    engagement_points: dict[str, int] = field(default_factory=dict)
    caps: dict[str, Cap] = field(default_factory=dict)
    expiry_months: int | None = 24
