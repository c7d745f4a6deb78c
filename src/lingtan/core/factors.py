"""Emission factors: dated, sourced, unit-checked values per gas, and their resolution.

A factor says how much of one gas (or of CO2e, with a stated GWP set) is emitted per unit of an
activity type, in a region, over a validity period, according to a publisher's dataset. Factors
with the same ``(set, activity_type, region, unit, valid_from)`` form one *factor group*: either
per-gas rows (CO2, CH4, N2O …, GWP applied by the engine) or a single CO2e row, never both (that
would count twice) — except that either may carry a biogenic CO2 row, which is reported outside
the scopes (GHG Protocol ch. 9) and so never counts twice; :func:`validate_groups` enforces it.

Resolution "as of" the activity date (OpenFisca-style parameters keyed by start date), with an
explicit, recorded fallback (:class:`Match`):

1. a factor valid on the date, for the activity's region, then each parent region
   (``CN-TJ`` → ``CN`` → ``GLO``);
2. else the nearest earlier factor (latest ``valid_from`` before the date), same region order;
3. else the nearest later factor (earliest ``valid_from`` after the date): a past year for
   which no edition of the factor existed yet uses the oldest edition available. This is flagged
   on every row it touches (``later_year``) and lowers the temporal data-quality score.

Within a level, factor sets earlier in the priority list win, then the latest ``valid_from``,
then the highest version. Above all of this, a *proxy* set (:data:`PROXY_SETS`: a fallback of
another method basis, e.g. generation-based grid intensities) is used only when no other set has
a factor for the activity type in the region chain at any date (decision 0028). The pure
:func:`resolve` is the reference; the columnar engine (:mod:`lingtan.adapters.compute.resolution`)
implements the same rule and is tested against it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from lingtan.core.boundary import region_chain
from lingtan.core.errors import FactorError, UnitError
from lingtan.core.gwp import CO2_BIOGENIC, CO2E, GWPSet, normalise_gas
from lingtan.core.messages import Message, msg
from lingtan.core.units import are_compatible, dimension_name, parse_unit

#: Columns of the factor CSV format (bundled sets and user-defined sets alike).
#: name → (required, description). See docs/factor-format.md.
FACTOR_COLUMNS: dict[str, tuple[bool, str]] = {
    "factor_id": (True, "stable id, unique within the set, e.g. desnz-2025/1_100_1000_15/CO2"),
    "activity_type": (True, "what the factor applies to, e.g. fuel.diesel, electricity.grid"),
    "region": (True, "ISO 3166-1/2 code (CN, CN-TJ, GB, US) or GLO for global"),
    "unit": (True, "activity unit the value is per (pint-parsable: L, kWh, t, tkm, USD …)"),
    "gas": (True, "CO2, CH4, CH4_fossil, N2O, HFC134a … or CO2e"),
    "value": (True, "kg of gas (or kg CO2e) per activity unit"),
    "valid_from": (True, "first day the value applies, YYYY-MM-DD"),
    "valid_to": (False, "first day it no longer applies (exclusive), YYYY-MM-DD; empty = open"),
    "gwp_set": (False, "GWP set of a CO2e value (AR4/AR5/AR6); required when gas = CO2e"),
    "publisher": (True, "organisation that published the value"),
    "dataset": (True, "publication the value comes from"),
    "edition": (True, "edition or year of the publication"),
    "table": (False, "table, sheet or row reference within the publication"),
    "version": (False, "integer revision of this factor within the set; default 1"),
    "price_year": (False, "for currency units: the price year of the denominator"),
    "description": (False, "free text shown to users"),
}


#: Bundled fallback sets ranked below every other set whatever their dates (decision 0028):
#: ``ember-grid-proxy`` holds generation-based, life-cycle grid intensities (Ember via Our World
#: in Data) standing in for a country's official consumption-based grid factor. Their manifests
#: say ``tier: proxy``; a test keeps this list and the manifests in step.
PROXY_SETS: frozenset[str] = frozenset({"ember-grid-proxy"})


def set_tier(set_name: str) -> int:
    """Resolution tier of a factor set: 0 for official and user sets, 1 for a proxy set."""
    return 1 if set_name in PROXY_SETS else 0


class MatchKind(StrEnum):
    """How a factor was matched to an activity."""

    EXACT = "exact"  # valid on the date, in the activity's own region
    REGION_FALLBACK = "region_fallback"  # valid on the date, in a parent region
    EARLIER_YEAR = "earlier_year"  # nearest earlier factor (own or parent region)
    LATER_YEAR = "later_year"  # nearest later factor: no edition existed yet on the date


@dataclass(frozen=True)
class FactorSource:
    """Citation of a factor value."""

    publisher: str
    dataset: str
    edition: str
    table: str = ""

    def __str__(self) -> str:
        tail = f", {self.table}" if self.table else ""
        return f"{self.publisher}, {self.dataset} ({self.edition}){tail}"


@dataclass(frozen=True)
class EmissionFactor:
    """One per-gas (or CO2e) emission-factor value. Units: ``value`` [kg gas / ``unit``]."""

    factor_id: str
    set_name: str
    activity_type: str
    region: str
    unit: str
    gas: str
    value: float
    valid_from: date
    source: FactorSource
    valid_to: date | None = None
    gwp_set: str | None = None
    version: int = 1
    price_year: int | None = None
    description: str = ""

    @property
    def group_key(self) -> tuple[str, str, str, str, date]:
        """Key of the factor group this value belongs to."""
        return (self.set_name, self.activity_type, self.region, self.unit, self.valid_from)

    def valid_on(self, d: date) -> bool:
        """True when ``valid_from <= d < valid_to``."""
        return self.valid_from <= d and (self.valid_to is None or d < self.valid_to)


def make_factor(set_name: str, fields: dict[str, str], where: str | Message = "") -> EmissionFactor:
    """Build and check one factor from text fields (a CSV row), failing loudly.

    Args:
        set_name: the factor set the row belongs to.
        fields: column → text, columns as in :data:`FACTOR_COLUMNS`.
        where: location for error messages, e.g. ``"desnz-2025.csv, row 12"`` (or the same as
            a keyed message, ``reader.where.row``).

    Raises:
        FactorError: a required field is empty, the unit or gas is unknown, the value is not a
            finite non-negative number, a date is malformed, or a CO2e value has no GWP set
            (keyed: ``reader.at`` with ``where`` and a ``reader.factor.*`` reason).
    """

    def bad(reason: Message) -> FactorError:
        return FactorError.of(msg("reader.at", where=where, reason=reason) if where else reason)

    for col, (required, _) in FACTOR_COLUMNS.items():
        if required and not str(fields.get(col, "") or "").strip():
            raise bad(msg("reader.factor.column_empty", column=col))
    unit = fields["unit"].strip()
    try:
        parse_unit(unit)
    except UnitError as exc:
        number = str(exc).endswith("is a number, not a unit")  # parse_unit's two refusals
        key = "reader.factor.unit_number" if number else "reader.factor.unit_unknown"
        raise bad(msg(key, unit=repr(unit))) from exc
    try:
        value = float(fields["value"])
    except ValueError as exc:
        raise bad(msg("reader.factor.value_not_number", value=repr(fields["value"]))) from exc
    if not math.isfinite(value) or value < 0:
        raise bad(msg("reader.factor.value_negative", value=str(value)))
    gas = normalise_gas(fields["gas"])
    gwp_set = (fields.get("gwp_set") or "").strip() or None
    if gas == CO2E and gwp_set is None:
        raise bad(msg("reader.factor.gwp_set_missing"))
    valid_from = _parse_date(fields["valid_from"], "valid_from", bad)
    valid_to_raw = (fields.get("valid_to") or "").strip()
    valid_to = _parse_date(valid_to_raw, "valid_to", bad) if valid_to_raw else None
    if valid_to is not None and valid_to <= valid_from:
        raise bad(
            msg(
                "reader.factor.valid_to_before",
                valid_to=valid_to.isoformat(),
                valid_from=valid_from.isoformat(),
            )
        )
    version_raw = (fields.get("version") or "").strip()
    price_raw = (fields.get("price_year") or "").strip()
    try:
        version = int(version_raw) if version_raw else 1
        price_year = int(price_raw) if price_raw else None
    except ValueError as exc:
        raise bad(msg("reader.factor.whole_numbers")) from exc
    return EmissionFactor(
        factor_id=fields["factor_id"].strip(),
        set_name=set_name,
        activity_type=fields["activity_type"].strip(),
        region=fields["region"].strip().upper(),
        unit=unit,
        gas=gas,
        value=value,
        valid_from=valid_from,
        valid_to=valid_to,
        gwp_set=gwp_set,
        version=version,
        price_year=price_year,
        source=FactorSource(
            publisher=fields["publisher"].strip(),
            dataset=fields["dataset"].strip(),
            edition=fields["edition"].strip(),
            table=(fields.get("table") or "").strip(),
        ),
        description=(fields.get("description") or "").strip(),
    )


def _parse_date(text: str, column: str, bad: Callable[[Message], FactorError]) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise bad(msg("reader.factor.date_invalid", column=column, value=repr(text))) from exc


def validate_groups(factors: Iterable[EmissionFactor]) -> None:
    """Check that no factor group mixes CO2e with per-gas values, repeats a gas, or repeats an id.

    One exception: a CO2e row beside a ``CO2_biogenic`` row (and nothing else). Biogenic CO2 is
    reported outside the scopes (GHG Protocol Corporate Standard ch. 9; ISO 14064-1:2018
    §9.3.1) and never enters the CO2e total, so it cannot count twice; DESNZ publishes bioenergy
    as a Scope 1 CO2e total plus an "Outside of scopes" kg CO2 per unit.

    Raises:
        FactorError: naming the first offending group or id.
    """
    seen_ids: set[tuple[str, str]] = set()
    groups: dict[tuple[str, str, str, str, date], set[str]] = {}
    for f in factors:
        key_id = (f.set_name, f.factor_id)
        if key_id in seen_ids:
            raise FactorError.of(
                msg("reader.factor.id_twice", id=repr(f.factor_id), set=repr(f.set_name))
            )
        seen_ids.add(key_id)
        gases = groups.setdefault(f.group_key, set())
        if f.gas in gases:
            raise FactorError.of(
                msg("reader.factor.gas_twice", group=_group_text(f.group_key), gas=f.gas)
            )
        gases.add(f.gas)
    for key, gases in groups.items():
        if CO2E in gases and not gases <= {CO2E, CO2_BIOGENIC}:
            raise FactorError.of(msg("reader.factor.mixes_co2e", group=_group_text(key)))


def _group_text(key: tuple[str, str, str, str, date]) -> str:
    """``desnz-2025, fuel.diesel, GB, L, 2024-01-01``: a factor group as messages name it."""
    return ", ".join(v.isoformat() if isinstance(v, date) else v for v in key)


def search_groups(
    factors: Iterable[EmissionFactor],
    query: str,
    *,
    region: str | None = None,
    set_name: str | None = None,
) -> list[list[EmissionFactor]]:
    """Factor groups whose type, description, source, set or region contain every word of
    ``query`` (case-insensitive), optionally of one ``region`` and one set; those matching in
    the activity type first, then shorter types, by type, region and newest first."""
    words = [w.lower() for w in query.split()]
    groups: dict[tuple[str, str, str, str, date], list[EmissionFactor]] = {}
    for f in factors:
        if region and f.region != region.upper():
            continue
        if set_name and f.set_name != set_name:
            continue
        text = f"{f.activity_type} {f.description} {f.source} {f.set_name} {f.region}".lower()
        if all(w in text for w in words):
            groups.setdefault(f.group_key, []).append(f)

    def rank(members: list[EmissionFactor]) -> tuple[int, int, str, str, int]:
        h = members[0]
        in_type = all(w in h.activity_type.lower() for w in words)
        at = h.activity_type
        return (0 if in_type else 1, len(at), at, h.region, -h.valid_from.toordinal())

    return sorted(groups.values(), key=rank)


@dataclass(frozen=True)
class Match:
    """A resolved factor group and how it was reached (recorded in lineage)."""

    factors: tuple[EmissionFactor, ...]
    kind: MatchKind
    region: str
    requested_region: str
    requested_date: date

    @property
    def note(self) -> str:
        """Human-readable fallback note, empty for an exact match."""
        parts = []
        if self.region != self.requested_region.upper():
            parts.append(f"region {self.requested_region}→{self.region}")
        if self.kind in (MatchKind.EARLIER_YEAR, MatchKind.LATER_YEAR):
            parts.append(
                f"date {self.requested_date}→factor valid from {self.factors[0].valid_from}"
            )
        return "; ".join(parts)


def resolve(
    factors: Sequence[EmissionFactor],
    activity_type: str,
    region: str,
    on: date,
    unit: str,
    set_priority: Sequence[str] = (),
) -> Match | None:
    """Resolve the factor group for one activity (reference implementation; see module doc).

    Args:
        factors: candidate factors (any activity types; filtered here).
        activity_type: e.g. ``electricity.grid``.
        region: the activity's region, e.g. ``CN-TJ``.
        on: the activity date.
        unit: the activity's unit; only factors whose unit has the same dimension qualify
            (currencies: any currency qualifies, conversion is the spend method's job).
        set_priority: factor-set names, most preferred first; unnamed sets come after, by name.

    Returns:
        The match, or None when nothing qualifies even after every fallback.
    """
    rank = {name: i for i, name in enumerate(set_priority)}
    want_dim = dimension_name(unit)
    chain = region_chain(region)
    depth = {r: i for i, r in enumerate(chain)}
    groups: dict[tuple[str, str, str, str, date], list[EmissionFactor]] = {}
    for f in factors:
        if f.activity_type != activity_type or f.region not in depth:
            continue
        if not _unit_fits(f.unit, want_dim):
            continue
        groups.setdefault(f.group_key, []).append(f)
    if not groups:
        return None

    def sort_key(members: list[EmissionFactor]) -> tuple[int, int, int, int, str, int, int]:
        f = members[0]
        level = 0 if f.valid_on(on) else (1 if f.valid_from <= on else 2)
        days = f.valid_from.toordinal()
        return (
            set_tier(f.set_name),
            level,
            depth[f.region],
            rank.get(f.set_name, len(rank)),
            f.set_name,
            days if level == 2 else -days,
            -max(m.version for m in members),
        )

    best = min(groups.values(), key=sort_key)
    head = best[0]
    if head.valid_from > on:
        kind = MatchKind.LATER_YEAR
    elif not head.valid_on(on):
        kind = MatchKind.EARLIER_YEAR
    elif depth[head.region] == 0:
        kind = MatchKind.EXACT
    else:
        kind = MatchKind.REGION_FALLBACK
    return Match(
        factors=tuple(sorted(best, key=lambda m: m.gas)),
        kind=kind,
        region=head.region,
        requested_region=region,
        requested_date=on,
    )


def _unit_fits(factor_unit: str, activity_dim: str) -> bool:
    if dimension_name(factor_unit) == activity_dim:
        return True
    return activity_dim.startswith("[currency_") and dimension_name(factor_unit).startswith(
        "[currency_"
    )


def co2e_per_unit(members: Iterable[EmissionFactor], gwp: GWPSet) -> float:
    """The CO2e of one factor group [kg CO2e per unit of its factors]: a CO2e row as given,
    each gas × its GWP in ``gwp``; biogenic CO2 left out (outside the scopes, GHG Protocol
    Corporate Standard ch. 9; ISO 14064-1:2018 §9.3.1)."""
    return math.fsum(
        f.value if f.gas == CO2E else f.value * gwp.gwp(f.gas)
        for f in members
        if f.gas != CO2_BIOGENIC
    )


def check_unit_compatible(activity_unit: str, factor: EmissionFactor) -> None:
    """Raise :class:`UnitError` when the activity unit cannot be converted to the factor's."""
    if not are_compatible(activity_unit, factor.unit):
        raise UnitError(
            f"activity unit {activity_unit!r} does not match factor {factor.factor_id} "
            f"unit {factor.unit!r}"
        )
