"""Scope 3 normalisers (GHG Protocol Scope 3 Standard (2011) ch. 5 and the Technical Guidance
for Calculating Scope 3 Emissions (2013), category by category; ISO 14064-1 categories 3–6).

Spend-based (cat. 1–15, ``s3.spend_eeio``), freight distance (cat. 4/9,
``s3.transport.distance``, tkm), business travel and hotels (cat. 6, pkm and room_night),
commuting (cat. 7, pkm), waste (cat. 5, waste type), use of sold products (cat. 11, kWh), end of
life of sold products (cat. 12, t) and investments (cat. 15, equity share).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pyarrow.compute as pc

from lingtan.core.messages import msg
from lingtan.core.methods.common import (
    _currency_quantity,
    _Out,
    _prefixed,
    _price_years,
)
from lingtan.core.templates.validation import (
    _COUNTRY_RE,
    _WS_RE,
    _check_categories,
    _int_or_zero,
    _Rows,
)


def _spend_type(code: str) -> str | None:
    """``naics:334111`` → ``spend.naics.334111``; a code without ``:`` is kept as given."""
    if ":" not in code:
        return code
    scheme, _, rest = code.partition(":")
    scheme, rest = scheme.strip().lower(), rest.strip()
    if not scheme or not rest:
        return None
    return f"spend.{re.sub(_WS_RE, '_', scheme)}.{rest}"


def _n_spend(r: _Rows) -> _Out:
    """Spend-based method (Scope 3 Technical Guidance, cat. 1 spend-based): ``spend.<…>``."""
    units = r.units("currency", "amount")
    quantity, codes = _currency_quantity(r, units, r.numbers("amount"))
    raw = r.texts("code")
    types = [None if c is None else _spend_type(c) for c in raw]
    r.flag(
        np.array([c is not None and t is None for c, t in zip(raw, types, strict=True)]),
        "code",
        msg("row.spend_code_format"),
    )
    cat = r.numbers("category")
    _check_categories(r, cat)
    return _Out(
        activity_type=types,
        quantity=quantity,
        unit=codes,
        category=_int_or_zero(cat),
        method="s3.spend_eeio",
        type_field="code",
        price_year=_price_years(r, r.numbers("price_year"), np.ones(r.n, dtype=bool)),
    )


def _n_transport(r: _Rows) -> _Out:
    """Freight, distance-based (Scope 3 Technical Guidance cat. 4/9): tkm = t × km."""
    mass = r.units("mass_unit", "mass", target="t")
    dist = r.units("distance_unit", "distance", target="km")
    cat = r.numbers("category")
    _check_categories(r, cat)
    with np.errstate(all="ignore"):
        tkm = r.numbers("mass") * mass.factor * (r.numbers("distance") * dist.factor)
    return _Out(
        activity_type=_prefixed("freight.", r.slug("mode")),
        quantity=tkm,
        unit="tkm",
        category=_int_or_zero(cat),
        method="s3.transport.distance",
        type_field="mode",
    )


def _n_business_travel(r: _Rows) -> _Out:
    """Business travel, distance-based (Scope 3 Technical Guidance cat. 6): pkm."""
    dist = r.units("unit", "distance", target="km")
    with np.errstate(all="ignore"):
        pkm = r.numbers("distance") * dist.factor * r.numbers("travellers")
    return _Out(
        activity_type=_prefixed("travel.", r.slug("mode")),
        quantity=pkm,
        unit="pkm",
        category=6,
        method="s3.c6.distance",
        type_field="mode",
    )


def _n_hotel(r: _Rows) -> _Out:
    """Hotel nights (Scope 3 Technical Guidance cat. 6): ``hotel.<CC>`` in room_night."""
    country = [None if c is None else c.upper() for c in r.texts("country")]
    r.flag(
        np.array([c is not None and not _COUNTRY_RE.match(c) for c in country], dtype=bool),
        "country",
        msg("row.country_invalid"),
    )
    return _Out(
        activity_type=[None if c is None else f"hotel.{c}" for c in country],
        quantity=r.numbers("nights"),
        unit="room_night",
        category=6,
        method="s3.c6.hotel",
        type_field="country",
        region=country,
    )


def _n_commuting(r: _Rows) -> _Out:
    """Employee commuting, distance-based (Scope 3 Technical Guidance cat. 7).

    quantity [pkm] = employees × days × 2 (round trip) × one_way_distance [km].
    """
    dist = r.units("distance_unit", "one_way_distance", target="km")
    with np.errstate(all="ignore"):
        pkm = (
            r.numbers("employees")
            * r.numbers("days")
            * 2.0
            * (r.numbers("one_way_distance") * dist.factor)
        )
    return _Out(
        activity_type=_prefixed("travel.", r.slug("mode")),
        quantity=pkm,
        unit="pkm",
        category=7,
        method="s3.c7.distance",
        type_field="mode",
    )


def _waste_types(r: _Rows) -> Any:
    return _prefixed(
        "waste.", r.slug("waste_type"), pc.binary_join_element_wise(".", r.array("treatment"), "")
    )


def _n_waste(r: _Rows) -> _Out:
    """Waste-type-specific method (Scope 3 Technical Guidance cat. 5)."""
    units = r.units("unit", "quantity")
    return _Out(
        activity_type=_waste_types(r),
        quantity=r.numbers("quantity"),
        unit=units.text,
        category=5,
        method="s3.c5.waste_type",
        type_field="waste_type",
    )


def _n_use_phase(r: _Rows) -> _Out:
    """Direct use-phase electricity of sold products [kWh].

    GHG Protocol Scope 3 Standard ch. 5 (category 11, direct use-phase emissions) and Technical
    Guidance ch. 11: quantity = units_sold × kwh_per_year × lifetime_years, all in the year of
    sale, at the grid of the region where the products are used.
    """
    market = r.region_column("market")
    with np.errstate(all="ignore"):
        kwh = r.numbers("units_sold") * r.numbers("kwh_per_year") * r.numbers("lifetime_years")
    return _Out(
        activity_type=["electricity.grid"] * r.n,
        quantity=kwh,
        unit="kWh",
        category=11,
        method="s3.c11.use_phase_energy",
        type_field="",
        region=market,
    )


def _n_end_of_life(r: _Rows) -> _Out:
    """End-of-life of sold products (Scope 3 Technical Guidance cat. 12) [t of waste].

    quantity [t] = units_sold × mass_per_unit [t] × share_pct / 100.
    """
    mass = r.units("mass_unit", "mass_per_unit", target="t")
    market = r.region_column("market")
    with np.errstate(all="ignore"):
        tonnes = (
            r.numbers("units_sold")
            * (r.numbers("mass_per_unit") * mass.factor)
            * r.numbers("share_pct")
            / 100.0
        )
    return _Out(
        activity_type=_waste_types(r),
        quantity=tonnes,
        unit="t",
        category=12,
        method="s3.c12.waste_type",
        type_field="waste_type",
        region=[m if m is not None else r.ctx.default_region.upper() for m in market],
    )


def _n_investment(r: _Rows) -> _Out:
    """Equity share of investees' emissions (Scope 3 Technical Guidance cat. 15)."""
    units = r.units("unit", "investee_emissions")
    with np.errstate(all="ignore"):
        q = r.numbers("investee_emissions") * r.numbers("ownership_pct") / 100.0
    return _Out(
        activity_type=["co2e.disclosed"] * r.n,
        quantity=q,
        unit=units.text,
        category=15,
        method="s3.c15.equity_share",
        type_field="",
    )
