"""Keyed messages of row issues and file errors (decision 0053).

Core says *what* went wrong as a key and parameters (:class:`Message`), never a sentence in one
language: ``Message("row.site_unknown.close", {"value": "TJ9", "close": ("'TJ01'",)})``. The
texts live in the message catalogues of the adapters (``i18n/rows.<locale>.json``), in Chinese
and English alike. :data:`ENGLISH` holds the English texts of the keys core uses, so that
``str(issue)`` stays readable in logs and in core's own tests without a catalogue; a test checks
that it equals the English catalogue key for key (one text, two copies, never drifting).

Parameters are plain values (text, numbers), nested messages (a part of a sentence that needs
its own translation, e.g. what kind of quantity a unit measures) or tuples of those (a list —
close matches, sites — joined with the catalogue's list separator).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Union

#: a message parameter: text, a number, a nested message, or a list of those
Param = Union[str, int, float, "Message", tuple["Param", ...]]


@dataclass(frozen=True)
class Message:
    """A catalogue key and its parameters (hashable by key; parameters compared by value)."""

    key: str
    params: Mapping[str, Param] = field(default_factory=dict, hash=False)

    def english(self) -> str:
        """The English text from :data:`ENGLISH` (the key itself when core does not know it)."""
        return render(self, ENGLISH.get, ", ")


def msg(key: str, /, **params: Param) -> Message:
    """``msg("row.not_finite")``, ``msg("row.period_backwards", date="2024-01-01")``."""
    return Message(key, params)


def render(message: Message, lookup: Callable[[str], str | None], sep: str) -> str:
    """The text of ``message``: ``lookup(key)`` (a catalogue's ``get``) with its parameters
    filled in, nested messages rendered the same way, lists joined with ``sep``. An unknown key
    renders as the key; a text naming a parameter it was not given renders unfilled."""

    def one(value: Param) -> str:
        if isinstance(value, Message):
            return render(value, lookup, sep)
        if isinstance(value, tuple):
            return sep.join(one(v) for v in value)
        return str(value)

    text = lookup(message.key)
    if text is None:
        return message.key
    if not message.params:
        return text
    try:
        return text.format(**{k: one(v) for k, v in message.params.items()})
    except (KeyError, IndexError, ValueError):
        return text


def or_list(items: tuple[Param, ...]) -> Message | Param:
    """One, two or three alternatives as a message: ``a``, ``a or b``, ``a, b or c``."""
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return msg("list.or2", a=items[0], b=items[1])
    return msg("list.or3", a=items[0], b=items[1], c=items[2])


#: English text of every key core uses (equal to ``i18n/rows.en.json`` and, for ``reader.*``,
#: ``i18n/readers.en.json``; a test checks it)
ENGLISH: dict[str, str] = {
    "list.or2": "{a} or {b}",
    "list.or3": "{a}, {b} or {c}",
    "list.and2": "{a} and {b}",
    # --- files -----------------------------------------------------------------------------
    "file.no_source_row": "the typed table has no 'source_row' column",
    "file.columns_not_in_template": "column(s) {columns} are not part of template '{template}'",
    # --- cells and rows --------------------------------------------------------------------
    "row.required_empty": "required value is empty",
    "row.required_for_method": "required for method '{method}'",
    "row.required_for_supplier_rate": (
        "required for type 'supplier_rate' (the supplier's emission rate, kg CO2e/kWh)"
    ),
    "row.choice_invalid": "must be one of: {choices}",
    "row.not_finite": "must be a finite number",
    "row.negative": "must be ≥ 0",
    "row.percentage_range": "is a percentage and must be between 0 and 100",
    "row.integer_range": "must be a whole number from {lo} to {hi}",
    "row.integer_min": "must be ≥ {lo}",
    "row.unit_unknown": "unknown unit '{unit}' (see docs/methods.md §Units)",
    "row.unit_unknown.close": (
        "unknown unit '{unit}'; did you mean {close}? (see docs/methods.md §Units)"
    ),
    "row.unit_wrong_dimension.column": (
        "unit '{unit}' is {kind}; column '{column}' of template '{template}' needs {need}"
    ),
    "row.unit_wrong_dimension.all": (
        "unit '{unit}' is {kind}; the quantities of template '{template}' need {need}"
    ),
    "row.unit_not_convertible": "unit '{unit}' cannot be converted to '{target}'",
    "row.region_invalid": "not a region code (ISO 3166-1/2, e.g. CN, CN-TJ, GB)",
    "row.site_unknown.close": "unknown site '{value}'; did you mean {close}?",
    "row.site_unknown.listed": "unknown site '{value}'; sites of the boundary: {sites}",
    "row.site_unknown.listed_more": "unknown site '{value}'; sites of the boundary: {sites}, …",
    "row.site_unknown.none": (
        "unknown site '{value}'; the boundary has no sites (use * for the organisation as a whole)"
    ),
    "row.activity_type_unknown.close": (
        "activity type '{type}' has no emission factor in the factor library; close matches: "
        "{close}"
    ),
    "row.activity_type_unknown.none": (
        "activity type '{type}' has no emission factor in the factor library; no close match "
        "in the factor library"
    ),
    "row.period_backwards": "ends before the date {date}",
    "row.fiscal_year_crossing": (
        "the period {start} … {end} crosses the fiscal-year boundary ({years}); split the row "
        "at {cuts} into: {pieces}"
    ),
    "row.category_of_template": "template '{template}' takes category {categories}",
    "row.category_range": "must be a category {first}–{last} of Scope {scope}",
    "row.category_of_scope": "Scope {scope} has categories 1–{last}",
    "row.quantity_not_finite": (
        "the computed quantity is not a finite number (a value is too large)"
    ),
    "row.reserved_unattributed": (
        "'{reserved}' is reserved for rows without a {column}: leave the cell empty or use "
        "another id"
    ),
    "row.method_only": "is used by method '{method}' only; leave it empty for method '{other}'",
    "row.mass_balance_negative": (
        "mass balance is negative: (inventory_start − inventory_end) + (purchased − disposed) + "
        "(capacity_retired − capacity_new) = ({inventory_start} − {inventory_end}) + "
        "({purchased} − {disposed}) + ({capacity_retired} − {capacity_new}) = {total} {unit}; "
        "check the inventories, purchases and equipment capacities"
    ),
    "row.steam_mass_only": (
        "unit '{unit}' is a mass, accepted for steam only; column 'quantity' of template "
        "'energy' needs an energy unit for {type}"
    ),
    "row.instrument_duplicate": (
        "instrument_id '{id}' appears more than once (rows {rows}); each instrument must be "
        "listed once"
    ),
    "row.emission_rate_high": (
        "implausibly high for kg CO2e/kWh (no grid exceeds ~1.5); is it in g/kWh?"
    ),
    "row.vintage_backwards": "ends before vintage_start {date}",
    "row.spend_code_format": (
        "write the code as scheme:code (e.g. naics:334111) or as an activity type"
    ),
    "row.country_invalid": "not an ISO 3166-1 alpha-2 country code (CN, GB, US …)",
    "row.basis_scope2_only": (
        "location or market applies to Scope 2 only; leave it empty (both) for this scope"
    ),
    # --- what a unit measures (describe_unit) and what a column needs (DIMENSIONS) ---------
    "unit.kind.currency": "a currency ({code})",
    "unit.kind.mass": "a mass",
    "unit.kind.energy": "an energy",
    "unit.kind.length": "a length",
    "unit.kind.volume": "a volume",
    "unit.kind.area": "an area",
    "unit.kind.time": "a time",
    "unit.kind.power": "a power",
    "unit.kind.freight": "a freight distance (mass × length)",
    "unit.kind.passenger": "a passenger distance",
    "unit.kind.items": "a count of items",
    "unit.kind.room_nights": "a count of room-nights",
    "unit.kind.energy_ncv": "an energy on net calorific value",
    "unit.kind.energy_gcv": "an energy on gross calorific value",
    "unit.kind.pure_number": "a pure number",
    "unit.kind.other": "of dimension {dimension}",
    "unit.need.energy": "an energy unit",
    "unit.need.mass": "a mass unit",
    "unit.need.length": "a length unit",
    "unit.need.currency": "a currency (ISO 4217 code such as CNY or USD, or 元 / 万元)",
    "unit.need.energy_or_mass": "an energy unit (or a mass unit such as t, for steam only)",
    "unit.need.co2e_mass": "a mass unit of CO2e (t or kg)",
    "unit.need.fuel_amount": (
        "an amount of fuel: a volume, mass or energy unit (L, m3, kg, t, GJ, kWh …)"
    ),
    "unit.need.any": "a known unit",
    # --- factor files and published figures (i18n/readers.<locale>.json, 0053 addendum) -----
    "reader.at": "{where}: {reason}",
    "reader.where.row": "{file}, row {row}",
    "reader.where.item": "{file}, factor {n}",
    "reader.where.column": "{where}, column '{column}'",
    "reader.factor.column_empty": "column '{column}' is empty or missing",
    "reader.factor.unit_unknown": "column 'unit': unknown unit {unit}",
    "reader.factor.unit_number": "column 'unit': {unit} is a number, not a unit",
    "reader.factor.value_not_number": "column 'value': not a number: {value}",
    "reader.factor.value_negative": "column 'value': must be finite and >= 0, got {value}",
    "reader.factor.gwp_set_missing": "column 'gwp_set': a CO2e value must state its GWP set",
    "reader.factor.date_invalid": "column '{column}': not a date (YYYY-MM-DD): {value}",
    "reader.factor.valid_to_before": "valid_to {valid_to} is not after valid_from {valid_from}",
    "reader.factor.whole_numbers": "version and price_year must be whole numbers",
    "reader.factor.id_twice": "factor id {id} appears twice in set {set}",
    "reader.factor.gas_twice": "factor group ({group}) has gas {gas} twice",
    "reader.factor.mixes_co2e": (
        "factor group ({group}) mixes a CO2e value with per-gas values; that counts twice"
    ),
    "reader.selector.empty_sum": "empty sum",
    "reader.selector.not_sum": "{text} is not a sum like 'scope1+scope2_market'",
    "reader.selector.unknown_quantity": (
        "unknown quantity {name}; known: scope1, scope2_market, scope2_location, scope3, total, "
        "total_market, total_location, s3.c1 … s3.c15"
    ),
    "reader.selector.share_two": "share(A, B) takes two sums separated by one comma",
    "reader.selector.not_id": "{fn}(ID): {args} is not a figure id",
    "reader.number.not_number": "{text} is not a number",
    "reader.number.not_finite": "{text} is not a finite number",
    "reader.number.too_large": "{text} is larger than 10^{max}",
    "reader.figures.id_twice": "id {id} also on row {row}",
    "reader.figures.no_part": "no figure with id {id}",
    "reader.figures.part_other": "{id} is of another year or unit",
    "reader.figures.not_energy": "{id} is not the id of an energy figure",
    "reader.figures.grid_region": "a grid_tco2e figure needs the grid's region",
    # --- energy (issue 16; i18n/energy_core.en.json) ---------------------------------------
    "energy.err.basis": (
        "unknown energy basis '{basis}'; use 'equivalent' (当量值) or 'input_equivalent' (等价值)"
    ),
    "energy.err.choice": "{field}: '{value}' is not one of {choices}",
    "energy.err.export_above_generation": (
        "export {export} kWh is larger than generation {generation} kWh; check the PV and export "
        "meters"
    ),
    "energy.err.flow_unknown": (
        "no place in the energy balance for carrier '{carrier}', measures '{measures}', source "
        "'{source}'"
    ),
    "energy.err.input_equivalent_rate": (
        "the input-equivalent basis (等价值) needs the year's thermal-power coal consumption "
        "rate in kgce/kWh; GB/T 2589-2020 gives no fixed value"
    ),
    "energy.err.length_mismatch": "{a} and {b} must have the same length ({n} and {m})",
    "energy.err.negative": "{field} must be ≥ 0, got {value}",
    "energy.err.not_finite": "{field} must be a finite number, got {value}",
    "energy.err.not_positive": "{field} must be > 0, got {value}",
    "energy.err.percent": "{field} must be a percentage from 0 to below 100, got {value}",
    "energy.err.pue_below_one": (
        "facility energy {facility} kWh is below IT energy {it} kWh (PUE < 1); the facility meter "
        "must include the IT load"
    ),
    "energy.err.share_range": "a share must be above 0 and at most 1, got {value}",
    "energy.err.tce_no_coefficient": (
        "no standard-coal coefficient for carrier '{carrier}' (GB/T 2589-2020 Annex A); give one"
    ),
    "energy.err.tce_range": (
        "GB/T 2589 gives a range, not one value, for '{carrier}' (row {row}); choose a named row "
        "or a measured calorific value"
    ),
    "energy.err.tce_steam_grade": (
        "{carrier} in '{unit}' (a mass) needs a pressure grade for its standard-coal coefficient; "
        "give the quantity in GJ or name the grade"
    ),
    "energy.err.ts_not_increasing": (
        "meter {meter}: timestamps must increase; {ts} follows {previous}"
    ),
    "energy.err.unit": "{field}: unit '{unit}' cannot be converted to '{target}'",
    "energy.issue.baseload_drift": (
        "site {site}: the baseload in {period} was {value} kW, {rise} % above the reference "
        "{reference} kW"
    ),
    "energy.issue.duplicate_conflict": (
        "meter {meter}: two different values for {ts} ({other} and {value}); the later one, "
        "{value}, is kept"
    ),
    "energy.issue.gap": "meter {meter}: {n} interval(s) missing from {start} to {end}",
    "energy.issue.negative": "meter {meter}: negative value {value} at {ts}",
    "energy.issue.night_use": (
        "site {site}: in {period} the load outside operating hours was {ratio} % of the load in "
        "them (threshold {threshold} %)"
    ),
    "energy.issue.out_of_service": "meter {meter} is not in service at {ts}",
    "energy.issue.reset": (
        "meter {meter}: register fell from {before} to {after} at {ts} (reset); that interval has "
        "no value"
    ),
    "energy.issue.rollover": (
        "meter {meter}: register rolled over at {rollover} ({before} → {after}) at {ts}; interval "
        "value {value}"
    ),
    "energy.issue.spike": (
        "meter {meter}: value {value} at {ts} is more than {factor} × the median {median}"
    ),
    "energy.issue.unaligned": "meter {meter}: {ts} is not on the {minutes}-minute grid",
    "energy.issue.unknown_meter": "unknown meter {meter}",
}
