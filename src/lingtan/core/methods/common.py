"""What every template normaliser shares: its output (:class:`_Out`), activity-type helpers,
currency amounts and price years (spend-based method, Scope 3 Technical Guidance cat. 1), and
the ``description`` assembled from informational columns.

Units: quantities as the normaliser computed them (the unit in :attr:`_Out.unit`); currency
amounts in their ISO 4217 code (万元 × 10 000 → CNY).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.core.activities import Basis
from lingtan.core.templates.spec import BoolArray, FloatArray
from lingtan.core.templates.validation import _index_of, _Rows, _Units
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
    # once per distinct unit, taken back to the rows (a file repeats a few units)
    texts = units.text
    if not r.n:
        return amount, list(texts)
    uniq = sorted({u for u in texts if u is not None})
    code_of = {u: currency_code(u) for u in uniq}
    idx = _index_of(texts, uniq)  # len(uniq) where the row has no unit
    usable = np.isfinite(units.factor) & (idx < len(uniq))
    factor_of = [conversion_factor(u, c) if (c := code_of[u]) is not None else 1.0 for u in uniq]
    factors = np.where(usable, np.array([*factor_of, 1.0], dtype=np.float64)[idx], 1.0)
    coded = pa.array([code_of[u] or u for u in uniq] + [None], pa.string()).take(pa.array(idx))
    codes: list[Any] = pc.if_else(pa.array(usable), coded, pa.array(texts, pa.string())).to_pylist()
    with np.errstate(all="ignore"):
        return amount * factors, codes


def _price_years(r: _Rows, given: FloatArray | None, applies: BoolArray) -> list[int | None]:
    years = np.asarray(pc.fill_null(pc.year(r.array("date")), 0).to_numpy(), dtype=np.int64)
    if given is not None:  # a year given in the row, as a whole number (int() truncates)
        fin = np.isfinite(given)
        if fin.any():
            g = np.asarray(given, dtype=np.float64)
            if not (np.abs(g[fin]) < 2**62).all():  # pragma: no cover - no such year
                return [
                    None if not applies[i] else int(given[i]) if fin[i] else int(years[i])
                    for i in range(r.n)
                ]
            years = np.where(fin, np.trunc(np.where(fin, g, 0.0)).astype(np.int64), years)
    out: list[int | None] = pa.array(years, pa.int64(), mask=~np.asarray(applies)).to_pylist()
    return out
