"""The registry of calculation methods: method id → dated, versioned entries.

Every ``method`` value an activity or an emission row can carry is registered here once, with
its version, the dates it is in force, the standard and clause it follows, the import
template(s) whose rows it computes, the normaliser that turns those rows into activities, and the
extra emission streams (:data:`lingtan.core.activities.STREAMS`) it stands for.

A change of method is a **new entry** with the same id, a higher version and a later
``valid_from``; the entry it replaces gets that date as its ``valid_to`` (OpenFisca's formulas by
date). :func:`method` picks the entry in force on a date, or a given version — a snapshot records
the version it was computed with and is recomputed with that version (``lingtan explain``),
whatever is current. Dates are those of lingtan's method changes (the calculation date), not of
the reporting period; ``valid_to`` is exclusive; None means open. Version 1 of every method is
dated 2025-01-01, the date :mod:`lingtan.core.methods.scope2_market` records for its version 1
(decision 0043).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from lingtan.core.activities import STREAMS, Stream
from lingtan.core.errors import MethodError
from lingtan.core.methods import scope2_market
from lingtan.core.methods.common import _Out
from lingtan.core.methods.generic import _n_activity, _n_disclosed
from lingtan.core.methods.scope1 import (
    _n_direct_gas,
    _n_fuel,
    _n_refrigerant,
    _n_vehicle_distance,
)
from lingtan.core.methods.scope2 import _instruments, _n_electricity, _n_energy
from lingtan.core.methods.scope3 import (
    _n_business_travel,
    _n_commuting,
    _n_end_of_life,
    _n_hotel,
    _n_investment,
    _n_spend,
    _n_transport,
    _n_use_phase,
    _n_waste,
)
from lingtan.core.templates.validation import _Rows

#: A template normaliser: typed rows under validation → what the rows compute (one per row).
Normaliser = Callable[[_Rows], _Out]
#: The ``instrument`` template's normaliser: typed rows → a table of
#: :data:`lingtan.core.templates.INSTRUMENT_SCHEMA`.
InstrumentNormaliser = Callable[[_Rows], Any]

#: Start of version 1 of every method (:data:`scope2_market.METHOD_DATES` [1]).
V1_FROM = date.fromisoformat(scope2_market.METHOD_DATES[1])

CORPORATE_CH4 = "GHG Protocol Corporate Standard (2004) ch. 4"
SCOPE2_CH6 = "GHG Protocol Scope 2 Guidance (2015) ch. 6"
SCOPE3_CH5 = "GHG Protocol Scope 3 Standard (2011) ch. 5"
SCOPE3_TG = "Technical Guidance for Calculating Scope 3 Emissions (2013)"


@dataclass(frozen=True)
class Method:
    """One version of a calculation method, in force from ``valid_from`` to ``valid_to``.

    Attributes:
        id: method id, as written in the ``method`` column of activities and emission rows.
        version: 1, 2, … (a new version is a new entry).
        valid_from: first day this version is in force (calculation date).
        valid_to: first day it no longer is (exclusive); None = still in force.
        standard: the standard and clause it follows.
        formula: the formula in one line, with units.
        templates: import templates whose rows it computes (empty for streams).
        normaliser: the normaliser of those templates' rows (None: computed in the engine).
        streams: the emission streams it stands for (:data:`lingtan.core.activities.STREAMS`).
        calculator: the method's own calculation where it is more than quantity × factor
            (the Scope 2 market-based allocation of this version), else None.
    """

    id: str
    version: int
    valid_from: date
    valid_to: date | None
    standard: str
    formula: str
    templates: tuple[str, ...] = ()
    normaliser: Normaliser | InstrumentNormaliser | None = None
    streams: tuple[Stream, ...] = ()
    calculator: Callable[..., Any] | None = None

    def valid_on(self, on: date) -> bool:
        """True when this version is in force on ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    @property
    def current(self) -> bool:
        """True for the version in force today and onwards (no ``valid_to``)."""
        return self.valid_to is None


def _v1(
    method_id: str,
    standard: str,
    formula: str,
    templates: tuple[str, ...] = (),
    normaliser: Normaliser | InstrumentNormaliser | None = None,
) -> Method:
    streams = tuple(s for s in STREAMS if s.method == method_id)
    return Method(method_id, 1, V1_FROM, None, standard, formula, templates, normaliser, streams)


def _market_versions() -> tuple[Method, ...]:
    """Every version of ``s2.market.hierarchy`` (:mod:`lingtan.core.methods.scope2_market`)."""
    dates = {v: date.fromisoformat(d) for v, d in scope2_market.METHOD_DATES.items()}
    ordered = sorted(dates)
    out = []
    for i, v in enumerate(ordered):
        until = dates[ordered[i + 1]] if i + 1 < len(ordered) else None
        formula = (
            "greedy in instrument-id order, types ignored; E = q·(1 − f)·EF_residual + q·f·r̄"
            if v == 1
            else "hierarchy by instrument type (certificates, supplier rates, residual mix, "
            "grid average), pro rata; E = q·(1 − f)·EF_residual + q·f·r̄ [kg CO2e]"
        )
        out.append(
            Method(
                scope2_market.METHOD_ID,
                v,
                dates[v],
                until,
                f"{SCOPE2_CH6} (market-based), Table 6.3 and §7.1 Quality Criteria; decision 0027",
                formula,
                ("instrument",),
                _instruments,
                (),
                scope2_market.ALLOCATORS[v],
            )
        )
    return tuple(out)


_HFC = "GHG Protocol HFC tool v1.0; IPCC 2006 Guidelines Vol. 3 ch. 7"

#: Every registered method version. Each (id, version) once; versions of one id do not overlap.
METHODS: tuple[Method, ...] = (
    # ---- Scope 1 (Corporate Standard ch. 4; ISO 14064-1 category 1) ----
    _v1(
        "s1.combustion.fuel",
        f"{CORPORATE_CH4} (stationary and mobile combustion); IPCC 2006 Vol. 2 ch. 2–3",
        "fuel quantity [L, m3, kg, t, GJ, kWh …] × per-gas factor × GWP",
        ("fuel",),
        _n_fuel,
    ),
    _v1(
        "s1.mobile.distance",
        f"{CORPORATE_CH4} (Scope 1 category 2, mobile combustion from distance)",
        "distance [km] × factor per km",
        ("vehicle_distance",),
        _n_vehicle_distance,
    ),
    _v1(
        "s1.fugitive.mass_balance",
        f"{_HFC} (mass balance)",
        "E = (start − end) + (purchased − disposed) + (capacity retired − new) [kg gas] × GWP",
        ("refrigerant",),
        _n_refrigerant,
    ),
    _v1(
        "s1.fugitive.screening",
        f"{_HFC} (screening)",
        "E = charge × leak_rate_pct / 100 [kg gas] × GWP",
        ("refrigerant",),
        _n_refrigerant,
    ),
    _v1(
        "s1.fugitive.direct",
        f"{_HFC} (measured emission)",
        "E = emitted [kg gas] × GWP",
        ("refrigerant",),
        _n_refrigerant,
    ),
    _v1(
        "s1.direct_gas",
        f"{CORPORATE_CH4} (fugitive or process); ISO 14064-1 §5.2.4 a",
        "mass of gas released [kg] × GWP",
        ("direct_gas",),
        _n_direct_gas,
    ),
    # ---- Scope 2 (Scope 2 Guidance; ISO 14064-1 category 2) ----
    _v1(
        "s2.electricity",
        f"{SCOPE2_CH6} (location- and market-based totals from one row)",
        "electricity [kWh] × grid-average factor of the region (location); market: "
        "s2.market.hierarchy",
        ("electricity",),
        _n_electricity,
    ),
    _v1(
        "s2.energy",
        f"{SCOPE2_CH6} (purchased steam, heat and cooling)",
        "energy [GJ, MWh; t of steam] × supplier or regional factor",
        ("energy",),
        _n_energy,
    ),
    *_market_versions(),
    _v1(
        "s2.market.no_instrument",
        f"{SCOPE2_CH6} (market-based, no instruments for heat and cooling)",
        "market = location: energy × supplier or regional factor",
    ),
    # ---- Scope 3 (Scope 3 Standard ch. 5 and Technical Guidance; ISO 14064-1 cat. 3–6) ----
    _v1(
        "s3.spend_eeio",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, categories 1 and 2 (spend-based method, EEIO factors)",
        "amount × fx × price index [USD of the factor's year] × kg CO2e/USD",
        ("spend",),
        _n_spend,
    ),
    _v1(
        "s3.c3.wtt_fuel",
        f"{SCOPE3_CH5} category 3 activity 3a; {SCOPE3_TG}, category 3",
        "own fuel quantity × well-to-tank factor",
    ),
    _v1(
        "s3.c3.wtt_electricity",
        f"{SCOPE3_CH5} category 3 activity 3b; {SCOPE3_TG}, category 3",
        "own grid electricity [kWh] × well-to-tank factor",
    ),
    _v1(
        "s3.c3.td_loss",
        f"{SCOPE3_CH5} category 3 activity 3c; {SCOPE3_TG}, category 3",
        "own grid electricity [kWh] × transmission and distribution loss factor",
    ),
    _v1(
        "s3.c3.wtt_heat",
        f"{SCOPE3_CH5} category 3 activity 3b; {SCOPE3_TG}, category 3",
        "own purchased heat [kWh] × well-to-tank factor",
    ),
    _v1(
        "s3.transport.distance",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, categories 4 and 9 (distance-based method)",
        "mass [t] × distance [km] = tkm × kg CO2e/tkm",
        ("transport",),
        _n_transport,
    ),
    _v1(
        "s3.c5.waste_type",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, category 5 (waste-type-specific method)",
        "mass of waste [t] by type and treatment × factor",
        ("waste",),
        _n_waste,
    ),
    _v1(
        "s3.c6.distance",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, category 6 (distance-based method)",
        "distance [km] × travellers = pkm × factor by mode",
        ("business_travel",),
        _n_business_travel,
    ),
    _v1(
        "s3.c6.hotel",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, category 6 (hotel accommodation)",
        "room-nights × factor by country",
        ("hotel",),
        _n_hotel,
    ),
    _v1(
        "s3.c7.distance",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, category 7 (distance-based method)",
        "employees × days × 2 × one-way distance [km] = pkm × factor by mode",
        ("commuting",),
        _n_commuting,
    ),
    _v1(
        "s3.c11.use_phase_energy",
        f"{SCOPE3_CH5} category 11 (direct use-phase emissions); {SCOPE3_TG}, ch. 11",
        "units sold × kWh per year × lifetime years [kWh] × grid factor of the market",
        ("use_phase",),
        _n_use_phase,
    ),
    _v1(
        "s3.c12.waste_type",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, category 12 (waste-type-specific method)",
        "units sold × mass per unit [t] × share_pct / 100 × factor by treatment",
        ("end_of_life",),
        _n_end_of_life,
    ),
    _v1(
        "s3.c15.equity_share",
        f"{SCOPE3_CH5}; {SCOPE3_TG}, category 15 (investment-specific method, equity)",
        "investee Scope 1+2 [t CO2e] × ownership_pct / 100",
        ("investment",),
        _n_investment,
    ),
    # ---- any scope ----
    _v1(
        "generic.activity",
        "GHG Protocol Corporate Standard ch. 4 / Scope 3 Standard ch. 5 (average-data and "
        "supplier-specific methods); ISO 14064-1 §5.2",
        "quantity [unit] × factor of the activity type [kg gas / unit] × GWP",
        ("activity",),
        _n_activity,
    ),
    _v1(
        "disclosed",
        "GHG Protocol Scope 3 Standard §7.3 (supplier-provided or verified data); ISO 14064-1 §5.2",
        "CO2e [t, kg] × 1 (identity factor)",
        ("disclosed",),
        _n_disclosed,
    ),
)


def method_ids() -> tuple[str, ...]:
    """Every registered method id, once, in registry order."""
    return tuple(dict.fromkeys(m.id for m in METHODS))


def versions(method_id: str) -> tuple[Method, ...]:
    """Every version of ``method_id``, oldest first.

    Raises:
        MethodError: the id is not registered.
    """
    found = tuple(sorted((m for m in METHODS if m.id == method_id), key=lambda m: m.version))
    if not found:
        raise MethodError(f"unknown method {method_id!r} (registered: {', '.join(method_ids())})")
    return found


def method(method_id: str, on: date | None = None, *, version: int | None = None) -> Method:
    """The entry of ``method_id`` in force on ``on``, or of ``version`` (default: current).

    Raises:
        MethodError: the id is not registered, no version is in force on ``on``, or no such
            version exists.
    """
    every = versions(method_id)
    if version is not None:
        for m in every:
            if m.version == version:
                return m
        known = ", ".join(str(m.version) for m in every)
        raise MethodError(f"{method_id}: unknown version {version} (known: {known})")
    if on is None:
        return every[-1]
    for m in every:
        if m.valid_on(on):
            return m
    raise MethodError(
        f"{method_id}: no version in force on {on.isoformat()} (first from "
        f"{every[0].valid_from.isoformat()})"
    )


def template_methods(template: str, on: date | None = None) -> tuple[Method, ...]:
    """The methods computing rows of ``template`` in force on ``on`` (default: current)."""
    return tuple(
        m
        for m in METHODS
        if template in m.templates and (m.valid_on(on) if on is not None else m.current)
    )


def normaliser(template: str, on: date | None = None) -> Normaliser:
    """The normaliser of an activity template's rows in force on ``on`` (default: current).

    Raises:
        MethodError: no method computes the template, or its methods disagree on the normaliser.
    """
    found = {m.normaliser for m in template_methods(template, on) if m.normaliser is not None}
    if len(found) != 1:
        raise MethodError(f"template {template!r} has {len(found)} normalisers, expected one")
    return cast(Normaliser, found.pop())


def instrument_normaliser(on: date | None = None) -> InstrumentNormaliser:
    """The normaliser of the ``instrument`` template (contractual instruments, Scope 2)."""
    return method(scope2_market.METHOD_ID, on).normaliser or _instruments
