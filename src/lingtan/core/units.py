"""Units of measure: one pint registry for every quantity lingtan handles.

Dimensions beyond SI that carbon accounting needs:

- passenger-distance ``pkm`` = passenger × km and freight ``tkm`` = tonne × km
  (GHG Protocol Scope 3 Standard, categories 4, 6, 7, 9);
- standard coal equivalent ``kgce`` = 29.307 6 MJ and ``tce`` (GB/T 2589-2020 §3.6);
- countable things: ``item`` (products sold, pallets …) and ``room_night`` (hotel stays);
- fuel energy on a stated calorific-value basis, ``kWh_gcv`` / ``kWh_ncv`` (gross / net CV), each
  its own dimension; a fuel quantity in a plain energy unit (``kWh``, ``GJ``, ``mmBtu``, ``therm``)
  takes the basis of the factor it meets (:func:`conversion_factor_on_basis`, decision 0029);
- currencies, **each its own dimension** (``[currency_USD]``, ``[currency_CNY]`` …). Exchange rates
  change by year, so pint never converts one currency into another: that is done explicitly, with a
  dated exchange-rate table, by the spend-based method.

Units are converted at the boundary (habit 4): :func:`conversion_factor` gives the plain float
multiplier that the columnar engine applies to whole columns.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from lingtan.core.errors import UnitError

#: ISO 4217 codes lingtan knows as currencies. Extend by user configuration if needed.
CURRENCIES: tuple[str, ...] = (
    "USD",
    "CNY",
    "EUR",
    "GBP",
    "JPY",
    "HKD",
    "TWD",
    "INR",
    "BRL",
    "MXN",
    "KRW",
    "SGD",
    "AUD",
    "CAD",
    "CHF",
    "SEK",
    "PLN",
    "HUF",
    "CZK",
    "MYR",
    "THB",
    "VND",
    "IDR",
    "PHP",
)

_DEFINITIONS = [
    "passenger = [passenger] = pax",
    "pkm = passenger * kilometer = passenger_km = p_km",
    "tkm = tonne * kilometer = tonne_km = t_km",
    "item = [item] = pcs = piece = unit_sold",
    "room_night = [room_night] = room_nights",
    "kgce = 29.3076 * megajoule = kg_coal_equivalent",
    "tce = 1000 * kgce = tonne_coal_equivalent",
    "mmBtu = 1e6 * Btu_it = MMBtu = million_Btu",  # EPA Hub uses the IT Btu (1055.06 J)
    "scf = foot ** 3 = standard_cubic_foot",
    "short_ton_mile = short_ton * mile",
    "passenger_mile = passenger * mile",
    # fuel energy on a stated calorific-value basis: never mixed with each other or with
    # electrical kWh, because the basis changes the number by 5-10 % (DESNZ 2025, "Fuels")
    "kWh_ncv = [energy_net_cv] = kWh_net_cv",
    "MJ_ncv = kWh_ncv / 3.6",
    "GJ_ncv = 1000 * MJ_ncv",
    "TJ_ncv = 1000 * GJ_ncv",
    "kWh_gcv = [energy_gross_cv] = kWh_gross_cv",
    "MJ_gcv = kWh_gcv / 3.6",
    "GJ_gcv = 1000 * MJ_gcv",
]

#: Aliases accepted in input files (English and Chinese spellings) → pint expression.
ALIASES: dict[str, str] = {
    "l": "liter",
    "litre": "liter",
    "litres": "liter",
    "liters": "liter",
    "升": "liter",
    "m3": "meter**3",
    "m³": "meter**3",
    "cubic metres": "meter**3",
    "cubic meters": "meter**3",
    "立方米": "meter**3",
    "nm3": "meter**3",
    "kwh": "kilowatt_hour",
    "度": "kilowatt_hour",
    "千瓦时": "kilowatt_hour",
    "mwh": "megawatt_hour",
    "gwh": "gigawatt_hour",
    "gj": "gigajoule",
    "tj": "terajoule",
    "t": "tonne",
    "tonnes": "tonne",
    "tonne": "tonne",
    "metric ton": "tonne",
    "吨": "tonne",
    "kg": "kilogram",
    "千克": "kilogram",
    "公斤": "kilogram",
    "km": "kilometer",
    "公里": "kilometer",
    "千米": "kilometer",
    "mile": "mile",
    "miles": "mile",
    "t·km": "tkm",
    "t.km": "tkm",
    "tonne.km": "tkm",
    "tonne km": "tkm",
    "吨公里": "tkm",
    "p·km": "pkm",
    "p.km": "pkm",
    "passenger.km": "pkm",
    "passenger km": "pkm",
    "人公里": "pkm",
    "rmb": "CNY",
    "元": "CNY",
    "人民币": "CNY",
    "万元": "1e4 * CNY",
    "us$": "USD",
    "$": "USD",
    "gallon": "gallon",
    "gallons": "gallon",
    "us gal": "gallon",
    # US therm = 100 000 IT Btu = 0.1 mmBtu (EIA; EPA Hub); pint's own therm uses the ISO Btu
    "therm": "0.1 * mmBtu",
    "therms": "0.1 * mmBtu",
    "thm": "0.1 * mmBtu",
    "mmbtu": "mmBtu",
    "mm btu": "mmBtu",
    "million btu": "mmBtu",
    "mj": "megajoule",
    "short ton": "short_ton",
    "short tons": "short_ton",
    "ton-mile": "short_ton_mile",
    "short ton-mile": "short_ton_mile",
    "passenger-mile": "passenger_mile",
    "kwh (net cv)": "kWh_ncv",
    "kwh (gross cv)": "kWh_gcv",
    "room per night": "room_night",
    "kgce": "kgce",
    "tce": "tce",
    "吨标准煤": "tce",
    "千克标准煤": "kgce",
    "room night": "room_night",
    "room nights": "room_night",
    "night": "room_night",
    "items": "item",
    "unit": "item",
    "units": "item",
    "pcs": "item",
    "台": "item",
    "个": "item",
}


@cache
def registry() -> Any:
    """The registry, built on first use (pint's import and the definitions cost about half a
    CPU-second, which a command that converts no unit — ``lingtan --help``, a stored inventory —
    should not pay; issue 14 item 6). Pint's generic types are not useful to mypy here, hence
    Any."""
    import pint

    reg: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=None)
    for code in CURRENCIES:
        reg.define(f"{code} = [currency_{code}]")
    for line in _DEFINITIONS:
        reg.define(line)
    return reg


def __getattr__(name: str) -> Any:
    """``units.ureg``: the registry, still reachable by its old module attribute (built on first
    access, like :func:`registry`)."""
    if name == "ureg":
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=4096)
def parse_unit(text: str) -> Any:
    """Parse a unit as written in an input file into a pint quantity of magnitude 1 (or the
    alias's multiplier, e.g. ``万元`` = 10 000 CNY).

    Raises:
        UnitError: the text is empty or not a unit lingtan knows.
    """
    raw = text.strip()
    if not raw:
        raise UnitError("empty unit")
    expr = ALIASES.get(raw.lower(), ALIASES.get(raw, raw))
    ureg = registry()
    try:
        q = ureg.Quantity(1.0, "dimensionless") * ureg.parse_expression(expr)
    except Exception as exc:  # pint raises several unrelated types
        raise UnitError(f"unknown unit {text!r}") from exc
    if q.dimensionless:
        raise UnitError(f"{text!r} is a number, not a unit")
    return q


def is_known_unit(text: str) -> bool:
    """True when :func:`parse_unit` accepts ``text``."""
    try:
        parse_unit(text)
    except UnitError:
        return False
    return True


@lru_cache(maxsize=16384)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiplier m such that ``x [from_unit] = m·x [to_unit]``.

    Raises:
        UnitError: either unit is unknown or their dimensions differ (e.g. litre → tonne, or
            CNY → USD, which needs an exchange rate, not a unit conversion).
    """
    src, dst = parse_unit(from_unit), parse_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise UnitError(
            f"cannot convert {from_unit!r} ({dimension_name(from_unit)}) "
            f"to {to_unit!r} ({dimension_name(to_unit)})"
        )
    return float((src / dst).to("dimensionless").magnitude)


def dimension_name(unit: str) -> str:
    """A stable text key of the unit's dimensionality, e.g. ``'[length] ** 3'`` or
    ``'[currency_USD]'``; used to pick a factor whose denominator matches an activity."""
    return str(parse_unit(unit).dimensionality)


def are_compatible(a: str, b: str) -> bool:
    """True when both units parse and share a dimension."""
    try:
        return bool(parse_unit(a).dimensionality == parse_unit(b).dimensionality)
    except UnitError:
        return False


def may_be_currency(unit: str) -> bool:
    """False when ``unit`` cannot be a currency: neither its text nor the expression of its
    alias names an ISO code of :data:`CURRENCIES` (in any case, under any prefix) — no unit
    lingtan or pint defines stands for money otherwise. Answered from the text alone, without
    the registry, so that reading a stored inventory need not build it (issue 14 item 6); True
    says only that :func:`currency_code` must be asked."""
    raw = unit.strip()
    text = f"{raw} {ALIASES.get(raw.lower(), ALIASES.get(raw, raw))}".upper()
    return any(code in text for code in CURRENCIES)


def currency_code(unit: str) -> str | None:
    """ISO 4217 code when ``unit`` is a pure currency (``USD``, ``万元`` → ``CNY``), else None."""
    dims = dict(parse_unit(unit).dimensionality)
    if len(dims) == 1:
        ((name, power),) = dims.items()
        if power == 1 and name.startswith("[currency_"):
            return str(name)[len("[currency_") : -1]
    return None


#: Calorific-value bases of fuel energy: name → the base unit of that basis.
CV_BASES: dict[str, str] = {"gross": "kWh_gcv", "net": "kWh_ncv"}


def cv_basis(unit: str) -> str | None:
    """``'gross'`` or ``'net'`` when ``unit`` is fuel energy on a stated calorific-value basis
    (``kWh_gcv``, ``GJ_ncv`` …), else None (also for units that do not parse)."""
    for name, base in CV_BASES.items():
        if are_compatible(unit, base):
            return name
    return None


def is_plain_energy(unit: str) -> bool:
    """True for an energy unit with no calorific-value basis (``kWh``, ``MWh``, ``MJ``, ``GJ``,
    ``mmBtu``, ``therm``, ``kgce`` …)."""
    return are_compatible(unit, "kWh")


def conversion_factor_on_basis(from_unit: str, to_unit: str) -> float:
    """Multiplier m such that ``x [from_unit] = m·x [to_unit]``, where a plain energy quantity
    (``kWh``, ``mmBtu``, ``therm``, ``GJ`` …) meeting a factor per energy on a stated
    calorific-value basis (``kWh_gcv``, ``GJ_ncv``) is read on that factor's basis:
    1 kWh → 1 kWh_gcv.

    This is how fuel quantities are written: UK and EU gas bills state kWh on the gross calorific
    value (DESNZ 2025 conversion factors, "kWh (Gross CV)"), US quantities in mmBtu or therms are
    on the higher heating value (= gross CV; US EPA GHG Emission Factors Hub, Table 1). Which basis
    a plain energy unit meets is decided by the factor chosen (decision 0029); the lineage row
    shows both units (:func:`basis_note`).

    Raises:
        UnitError: the units are unknown or of different dimensions otherwise.
    """
    basis = cv_basis(to_unit)
    if basis is not None and is_plain_energy(from_unit):
        return conversion_factor(from_unit, "kWh") * conversion_factor(CV_BASES[basis], to_unit)
    return conversion_factor(from_unit, to_unit)


def basis_note(unit: str, factor_unit: str) -> str | None:
    """The lineage note of a plain energy quantity read on a factor's calorific-value basis, e.g.
    ``'kWh read on the gross calorific value basis of the factor (kWh_gcv)'``; None otherwise."""
    basis = cv_basis(factor_unit)
    if basis is None or not is_plain_energy(unit):
        return None
    return f"{unit} read on the {basis} calorific value basis of the factor ({factor_unit})"
