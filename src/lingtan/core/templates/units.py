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

from lingtan.core.messages import Message, msg
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


#: (catalogue key ``unit.kind.<kind>``, reference unit of that kind)
_UNIT_KINDS: tuple[tuple[str, str], ...] = (
    ("mass", "kg"),
    ("energy", "kWh"),
    ("length", "km"),
    ("volume", "m3"),
    ("area", "meter**2"),
    ("time", "hour"),
    ("power", "kW"),
    ("freight", "tkm"),
    ("passenger", "pkm"),
    ("items", "item"),
    ("room_nights", "room_night"),
    ("energy_ncv", "kWh_ncv"),
    ("energy_gcv", "kWh_gcv"),
)


def unit_kind(unit: str) -> Message:
    """What kind of quantity ``unit`` measures, keyed (``unit.kind.mass``,
    ``unit.kind.currency`` with ``code``, ``unit.kind.other`` with ``dimension``).

    Raises:
        UnitError: the unit is unknown.
    """
    code = currency_code(unit)
    if code is not None:
        return msg("unit.kind.currency", code=code)
    dims = parse_unit(unit).dimensionality
    for kind, ref in _UNIT_KINDS:
        if dims == _dimensionality(ref):
            return msg(f"unit.kind.{kind}")
    if not dict(dims):
        return msg("unit.kind.pure_number")
    return msg("unit.kind.other", dimension=dimension_name(unit))


def describe_unit(unit: str) -> str:
    """What kind of quantity ``unit`` measures, as an English phrase: ``'kg'`` → ``'a mass'``,
    ``'万元'`` → ``'a currency (CNY)'`` (:func:`unit_kind` in English).

    Raises:
        UnitError: the unit is unknown.
    """
    return unit_kind(unit).english()


def need_message(dimension: str | None) -> Message:
    """What a unit column of ``dimension`` (a key of
    :data:`~lingtan.core.templates.spec.DIMENSIONS`, None = any) needs, keyed ``unit.need.*``."""
    return msg(f"unit.need.{dimension}" if dimension else "unit.need.any")


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


def _unknown_unit_reason(unit: str) -> Message:
    close = difflib.get_close_matches(unit.lower(), list(ALIASES), n=3, cutoff=0.7)
    if close:
        return msg("row.unit_unknown.close", unit=unit, close=tuple(map(repr, close)))
    return msg("row.unit_unknown", unit=unit)
