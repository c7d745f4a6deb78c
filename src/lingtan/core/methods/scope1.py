"""Scope 1 normalisers (GHG Protocol Corporate Standard ch. 4; ISO 14064-1 category 1).

Templates ``fuel`` (stationary and mobile combustion, ``s1.combustion.fuel``),
``vehicle_distance`` (``s1.mobile.distance``), ``refrigerant`` (GHG Protocol HFC tool; IPCC 2006
Vol. 3 ch. 7: ``s1.fugitive.mass_balance`` / ``screening`` / ``direct``, in kg of gas) and
``direct_gas`` (``s1.direct_gas``, kg of gas). Each turns typed rows into one activity per row.
"""

from __future__ import annotations

import numpy as np

from lingtan.core.gwp import normalise_gas
from lingtan.core.messages import Message, msg
from lingtan.core.methods.common import _Out, _prefixed
from lingtan.core.templates.validation import _fmt, _Rows


def _n_fuel(r: _Rows) -> _Out:
    """Scope 1 combustion (GHG Protocol Corporate Standard ch. 4): ``fuel.<fuel>``."""
    units = r.units("unit", "quantity")
    return _Out(
        activity_type=_prefixed("fuel.", r.slug("fuel", "fuel.")),
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=np.where(r.equals("use", "mobile"), 2, 1),
        method="s1.combustion.fuel",
        type_field="fuel",
    )


def _n_vehicle_distance(r: _Rows) -> _Out:
    """Scope 1 mobile combustion from distance (Corporate Standard ch. 4): ``vehicle.<v>``."""
    units = r.units("unit", "distance")
    return _Out(
        activity_type=_prefixed("vehicle.", r.slug("vehicle")),
        quantity=r.numbers("distance"),
        unit=units.text,
        category=2,
        method="s1.mobile.distance",
        type_field="vehicle",
    )


_MB_COLUMNS = (
    "inventory_start", "inventory_end", "purchased", "disposed", "capacity_new",
    "capacity_retired",
)  # fmt: skip
_METHOD_COLUMNS: dict[str, tuple[str, ...]] = {
    "mass_balance": _MB_COLUMNS,
    "screening": ("charge", "leak_rate_pct"),
    "direct": ("emitted",),
}


def _gas_types(r: _Rows) -> list[str | None]:
    cache: dict[str, str] = {}
    out: list[str | None] = []
    for g in r.texts("gas"):
        if g is None:
            out.append(None)
            continue
        if g not in cache:
            cache[g] = "gas." + normalise_gas(g)
        out.append(cache[g])
    return out


def _n_refrigerant(r: _Rows) -> _Out:
    """Refrigerant emissions [kg of gas] (GHG Protocol HFC tool; IPCC 2006 Vol. 3 ch. 7.5).

    Mass balance: E = (inventory_start − inventory_end) + (purchased − disposed)
    + (capacity_retired − capacity_new); E < 0 is a row issue (the data are inconsistent).
    Screening: E = charge × leak_rate_pct / 100. Direct: E = emitted.
    """
    method = r.texts("method")
    is_m = {m: r.equals("method", m) for m in _METHOD_COLUMNS}
    for m, cols in _METHOD_COLUMNS.items():
        others = [c for c in _METHOD_COLUMNS if c != m]
        for c in cols:
            if m != "mass_balance":
                r.require_if(is_m[m], c, msg("row.required_for_method", method=m))
            for o in others:
                given = r.numbers(c, use_default=False)
                r.flag(
                    is_m[o] & ~r.is_null(c) & (given != 0),
                    c,
                    msg("row.method_only", method=m, other=o),
                )
    units = r.units("unit", None, target="kg")
    v = {c: r.numbers(c) for c in (*_MB_COLUMNS, "charge", "leak_rate_pct", "emitted")}
    with np.errstate(all="ignore"):
        e_mb = (
            (v["inventory_start"] - v["inventory_end"])
            + (v["purchased"] - v["disposed"])
            + (v["capacity_retired"] - v["capacity_new"])
        )
        e_sc = v["charge"] * v["leak_rate_pct"] / 100.0
        e = np.select(
            [is_m["mass_balance"], is_m["screening"], is_m["direct"]],
            [e_mb, e_sc, v["emitted"]],
            np.nan,
        )
        quantity = e * units.factor

    def negative(i: int) -> Message:
        a = {c: _fmt(float(v[c][i])) for c in _MB_COLUMNS}
        return msg(
            "row.mass_balance_negative",
            **a,
            total=_fmt(float(e_mb[i])),
            unit=units.text[i] or "kg",
        )

    r.flag(is_m["mass_balance"] & np.isfinite(e_mb) & (e_mb < 0), "", negative)
    return _Out(
        activity_type=_gas_types(r),
        quantity=quantity,
        unit="kg",
        category=3,
        method=[None if m is None else f"s1.fugitive.{m}" for m in method],
        type_field="gas",
    )


def _n_direct_gas(r: _Rows) -> _Out:
    """A mass of gas released (Corporate Standard ch. 4, Scope 1 fugitive/process) [kg]."""
    units = r.units("unit", "quantity", target="kg")
    with np.errstate(all="ignore"):
        quantity = r.numbers("quantity") * units.factor
    return _Out(
        activity_type=_gas_types(r),
        quantity=quantity,
        unit="kg",
        category=np.where(r.equals("kind", "fugitive"), 3, 4),
        method="s1.direct_gas",
        type_field="gas",
    )
