"""Normalisers of rows that carry their own classification: ``activity`` (any activity,
``generic.activity`` or the method the row names) and ``disclosed`` (CO2e already computed by
others, identity factor 1 kg CO2e per kg; GHG Protocol Scope 3 Standard §7.3 tier disclosed)."""

from __future__ import annotations

import numpy as np

from lingtan.core.activities import Basis
from lingtan.core.messages import msg
from lingtan.core.methods.common import _currency_quantity, _Out, _price_years
from lingtan.core.templates.validation import _check_categories, _int_or_zero, _Rows
from lingtan.core.units import currency_code


def _n_activity(r: _Rows) -> _Out:
    """Any activity as given (its scope, category, type, quantity and unit)."""
    units = r.units("unit", "quantity")
    scope, cat = r.numbers("scope"), r.numbers("category")
    _check_categories(r, cat, scope)
    codes = {u: currency_code(u) for u in set(units.text) if u is not None}  # once per unit
    is_currency = np.array([u is not None and codes[u] is not None for u in units.text], dtype=bool)
    quantity, unit = _currency_quantity(r, units, r.numbers("quantity"))
    return _Out(
        activity_type=r.aliased("activity_type").to_pylist(),  # 电力 → electricity.grid
        quantity=quantity,
        unit=unit,
        category=_int_or_zero(cat),
        scope=_int_or_zero(scope),
        method=r.texts("method"),
        type_field="activity_type",
        price_year=_price_years(r, None, is_currency),
    )


def _n_disclosed(r: _Rows) -> _Out:
    """Disclosed or verified CO2e, identity factor (1 kg CO2e per kg)."""
    units = r.units("unit", "co2e")
    scope, cat = r.numbers("scope"), r.numbers("category")
    _check_categories(r, cat, scope)
    basis = r.texts("basis")
    r.flag(
        np.array(
            [
                b is not None and b != Basis.BOTH.value and s != 2
                for b, s in zip(basis, scope, strict=True)
            ],
            dtype=bool,
        ),
        "basis",
        msg("row.basis_scope2_only"),
    )
    return _Out(
        activity_type=["co2e.disclosed"] * r.n,
        quantity=r.numbers("co2e"),
        unit=units.text,
        category=_int_or_zero(cat),
        scope=_int_or_zero(scope),
        method="disclosed",
        type_field="",
        basis=basis,
    )
