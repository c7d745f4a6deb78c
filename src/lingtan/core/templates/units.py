"""Unit checks of import templates: does a unit column hold a unit of the dimension it needs.

Units and dimensions come from :mod:`lingtan.core.units` (pint); a unit column's required
dimension is a key of :data:`lingtan.core.templates.spec.DIMENSIONS`. Reference units: kWh
[energy], kg [mass], km [length], m3 [volume].
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any

from lingtan.core.units import ALIASES, currency_code, dimension_name, parse_unit

_DIM_REFERENCE: dict[str, str] = {
    "energy": "kWh",
    "mass": "kg",
    "length": "km",
    "volume": "m3",
    "energy_ncv": "kWh_ncv",
    "energy_gcv": "kWh_gcv",
}
_CO2E_SUFFIX = re.compile(r"\s*[-_ ]?\s*co2[-_ ]?(e|eq|equivalent)\.?\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _dimensionality(unit: str) -> Any:
    return parse_unit(unit).dimensionality


_UNIT_KINDS: tuple[tuple[str, str], ...] = (
    ("a mass", "kg"),
    ("an energy", "kWh"),
    ("a length", "km"),
    ("a volume", "m3"),
    ("an area", "meter**2"),
    ("a time", "hour"),
    ("a power", "kW"),
    ("a freight distance (mass × length)", "tkm"),
    ("a passenger distance", "pkm"),
    ("a count of items", "item"),
    ("a count of room-nights", "room_night"),
    ("an energy on net calorific value", "kWh_ncv"),
    ("an energy on gross calorific value", "kWh_gcv"),
)


def describe_unit(unit: str) -> str:
    """What kind of quantity ``unit`` measures, as a phrase: ``'kg'`` → ``'a mass'``,
    ``'万元'`` → ``'a currency (CNY)'``.

    Raises:
        UnitError: the unit is unknown.
    """
    code = currency_code(unit)
    if code is not None:
        return f"a currency ({code})"
    dims = parse_unit(unit).dimensionality
    for phrase, ref in _UNIT_KINDS:
        if dims == _dimensionality(ref):
            return phrase
    if not dict(dims):
        return "a pure number"
    return f"of dimension {dimension_name(unit)}"


def _strip_co2e(unit: str) -> str:
    """``'tCO2e'``, ``'kg CO2-eq'`` → ``'t'``, ``'kg'`` (mass units of CO2e)."""
    return _CO2E_SUFFIX.sub("", unit).strip() or unit


def _has_dimension(unit: str, dimension: str) -> bool:
    if dimension == "currency":
        return currency_code(unit) is not None
    if dimension == "energy_or_mass":
        return _has_dimension(unit, "energy") or _has_dimension(unit, "mass")
    if dimension == "co2e_mass":
        return _has_dimension(unit, "mass")
    if dimension == "fuel_amount":
        return any(
            _has_dimension(unit, d)
            for d in ("volume", "mass", "energy", "energy_ncv", "energy_gcv")
        )
    return bool(parse_unit(unit).dimensionality == _dimensionality(_DIM_REFERENCE[dimension]))


def _unknown_unit_reason(unit: str) -> str:
    close = difflib.get_close_matches(unit.lower(), list(ALIASES), n=3, cutoff=0.7)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown unit {unit!r}{hint} (see docs/methods.md §Units)"
