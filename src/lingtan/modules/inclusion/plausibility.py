"""Plausibility of a carbon-inclusion action (issue 18 workflow step 4, "Validate (caps,
plausibility)"; decision 0087): the eligibility rules a methodology pack carries.

- ``speed_kmh``: per travel mode, the plausible average speed range [km/h] of a trip, checked
  from its distance [km] and duration [min] when the duration is given (a 10 km "walk" in 20
  minutes, 30 km/h, is refused);
- ``max_quantity``: per action code (``"*"``: any action of the pack), the most one event may
  claim (km of one trip, participants of one meeting, pages, items, kWh of one day).

A refusal is a :class:`~.errors.PlausibilityError` naming the field (``quantity``,
``duration_min``, ``distance_km``). Pure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lingtan.core.messages import msg
from lingtan.modules.inclusion.errors import MethodologyError, PlausibilityError
from lingtan.modules.inclusion.formulas import ActionInput

#: lingtan's default plausible average speeds [km/h] by mode (door to door, stops included)
DEFAULT_SPEEDS: dict[str, tuple[float, float]] = {
    "walk": (1.0, 8.0),
    "bike": (4.0, 30.0),
    "bus": (4.0, 60.0),
    "metro": (10.0, 90.0),
    "carpool": (5.0, 120.0),
    "rail_for_air": (30.0, 350.0),
}


@dataclass(frozen=True)
class Eligibility:
    """A pack's eligibility rules (module docstring)."""

    speed_kmh: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    max_quantity: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """As plain data (pages, API)."""
        return {"speed_kmh": {k: list(v) for k, v in self.speed_kmh.items()},
                "max_quantity": dict(self.max_quantity)}  # fmt: skip


def _positive(value: Any, where: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if isinstance(value, bool) or not math.isfinite(x) or x < 0:
        raise MethodologyError(msg("incl_meth.err.number", field=where, value=str(value)[:40]),
                               where)  # fmt: skip
    return x


def parse_eligibility(doc: Any) -> Eligibility:
    """A pack's ``eligibility`` mapping (absent: the default speeds, no quantity cap).

    Raises:
        MethodologyError: a range that is not two numbers ``[min, max]`` with min ≤ max, a cap
            that is not a positive number (field ``eligibility.…``).
    """
    if doc is None:
        return Eligibility(dict(DEFAULT_SPEEDS))
    if not isinstance(doc, Mapping):
        raise MethodologyError(msg("incl_meth.err.mapping", field="eligibility"), "eligibility")
    speeds = dict(DEFAULT_SPEEDS)
    for mode, rng in (doc.get("speed_kmh") or {}).items():
        where = f"eligibility.speed_kmh.{mode}"
        if not isinstance(rng, list | tuple) or len(rng) != 2:
            raise MethodologyError(msg("incl_meth.err.range", field=where), where)
        lo, hi = _positive(rng[0], where), _positive(rng[1], where)
        if lo > hi:
            raise MethodologyError(msg("incl_meth.err.range", field=where), where)
        speeds[str(mode)] = (lo, hi)
    caps = {}
    for code, cap in (doc.get("max_quantity") or {}).items():
        where = f"eligibility.max_quantity.{code}"
        caps[str(code)] = _positive(cap, where)
    unknown = sorted(set(map(str, doc)) - {"speed_kmh", "max_quantity"})
    if unknown:
        where = f"eligibility.{unknown[0]}"
        raise MethodologyError(msg("incl_meth.err.unknown_field", field=where), where)
    return Eligibility(speeds, caps)


def _refuse(key: str, field_: str, **params: Any) -> PlausibilityError:
    return PlausibilityError(msg(f"incl_meth.err.{key}", field=field_, **params), field_)


def _finite(value: float | None, name: str, *, positive: bool) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise _refuse("implausible_number", name, value=str(value))


def check(rules: Eligibility, inp: ActionInput) -> None:
    """Refuse ``inp`` when it breaks ``rules`` (module docstring).

    Raises:
        PlausibilityError: the field concerned named (``quantity``, ``distance_km``,
            ``duration_min``).
    """
    _finite(inp.quantity, "quantity", positive=True)
    _finite(inp.distance_km, "distance_km", positive=True)
    _finite(inp.duration_min, "duration_min", positive=True)
    cap = rules.max_quantity.get(inp.action, rules.max_quantity.get("*"))
    if cap is not None and inp.quantity > cap:
        raise _refuse("cap", "quantity", value=f"{inp.quantity:g}", cap=f"{cap:g}")
    rng = rules.speed_kmh.get(inp.travel_mode)
    if rng is not None and inp.duration_min is not None:
        speed = inp.distance / (inp.duration_min / 60.0)
        if not rng[0] <= speed <= rng[1]:
            raise _refuse("speed", "duration_min", speed=f"{speed:.1f}", mode=inp.travel_mode,
                          lo=f"{rng[0]:g}", hi=f"{rng[1]:g}")  # fmt: skip
