"""What every template normaliser shares: its output (:class:`_Out`), activity-type helpers,
currency amounts and price years (spend-based method, Scope 3 Technical Guidance cat. 1), and
the ``description`` assembled from informational columns.

Units: quantities as the normaliser computed them (the unit in :attr:`_Out.unit`); currency
amounts in their ISO 4217 code (万元 × 10 000 → CNY).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow.compute as pc

from lingtan.core.activities import Basis
from lingtan.core.templates.spec import BoolArray, FloatArray
from lingtan.core.templates.validation import _Rows, _Units
from lingtan.core.units import conversion_factor, currency_code


@dataclass
class _Out:
    """What a template normaliser computed, per row (before bad rows are dropped)."""

    activity_type: Any  # arrow string array or list
    quantity: FloatArray
    unit: Any  # list / array / str
    category: Any  # int / int array
    method: Any  # str / list
    type_field: str  # column an unknown activity type is reported in
    scope: Any = None  # None → the template's scope
    region: list[str | None] | None = None  # None → from site / region column
    basis: Any = Basis.BOTH.value
    price_year: Any = None


def _prefixed(prefix: str, arr: Any, suffix: Any = "") -> Any:
    return pc.binary_join_element_wise(prefix, arr, suffix, "")


def _currency_quantity(r: _Rows, units: _Units, amount: FloatArray) -> tuple[FloatArray, list[Any]]:
    """Express currency amounts in their ISO 4217 unit (万元 × 10 000 → CNY)."""
    codes: list[str | None] = []
    factors = np.ones(r.n, dtype=np.float64)
    for i, u in enumerate(units.text):
        code = currency_code(u) if u is not None and math.isfinite(units.factor[i]) else None
        codes.append(code if code is not None else u)
        if code is not None and u is not None:
            factors[i] = conversion_factor(u, code)
    with np.errstate(all="ignore"):
        return amount * factors, codes


def _price_years(r: _Rows, given: FloatArray | None, applies: BoolArray) -> list[int | None]:
    years = np.asarray(pc.fill_null(pc.year(r.array("date")), 0).to_numpy(), dtype=np.int64)
    out: list[int | None] = []
    for i in range(r.n):
        if not applies[i]:
            out.append(None)
        elif given is not None and math.isfinite(given[i]):
            out.append(int(given[i]))
        else:
            out.append(int(years[i]))
    return out
