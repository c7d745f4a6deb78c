"""A search index over a factor library: factor groups with their searchable text (activity
type, Chinese and English names of :mod:`lingtan.core.factor_names`, description, source, set,
region), built once per library, and the CO2e per activity unit of a group.

Search semantics (decision 0055): a group matches when every word of the query (folded:
case, width and blanks ignored) occurs in its text; groups whose type or own name *is* the
query come first, then groups whose type or names contain every word, then the others; within
each, shorter types first, then by type, region and newest first — as
:func:`lingtan.core.factors.search_groups` ranks, with names. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lingtan.core.factor_names import fold, own_names, search_names, zh_name
from lingtan.core.factors import EmissionFactor
from lingtan.core.gwp import CO2_BIOGENIC, CO2E, GWPSet, normalise_gas


def co2e_per_unit(members: Iterable[EmissionFactor], gwp: GWPSet) -> float | None:
    """kg CO2e per activity unit of one factor group under ``gwp``.

    Per-gas rows: sum of value × GWP100 (IPCC AR4/AR5/AR6 as ``gwp`` cites them; methane by
    origin, decision 0003). A CO2e row counts as published (its own GWP set). Biogenic CO2 is
    outside the scopes (GHG Protocol Corporate Standard ch. 9) and not counted. None when a gas
    has no GWP in the set.
    """
    total = 0.0
    for f in members:
        gas = normalise_gas(f.gas)
        if gas == CO2_BIOGENIC:
            continue
        if gas == CO2E:
            total += float(f.value)
            continue
        if not gwp.has(gas):
            return None
        total += float(f.value) * gwp.gwp(gas)
    return total if math.isfinite(total) else None


@dataclass(frozen=True)
class IndexedGroup:
    """One factor group of the index: its factors (sorted by gas) and searchable text."""

    factors: tuple[EmissionFactor, ...]
    names: str  # folded type and names
    text: str  # folded names, description, source, set and region
    exact: frozenset[str]  # folded type, its last part, and its own names and aliases

    @property
    def head(self) -> EmissionFactor:
        """The group's first factor (type, region, unit, set and date are shared)."""
        return self.factors[0]

    @property
    def zh(self) -> str | None:
        """The Chinese name of the group's activity type (or of its family)."""
        return zh_name(self.head.activity_type)


class FactorIndex:
    """Factor groups of a library with their search text, built once (then searched often)."""

    def __init__(self, factors: Iterable[EmissionFactor]) -> None:
        grouped: dict[tuple[str, str, str, str, date], list[EmissionFactor]] = {}
        for f in factors:
            grouped.setdefault(f.group_key, []).append(f)
        groups = []
        for members in grouped.values():
            members.sort(key=lambda m: m.gas)
            h = members[0]
            names = f"{fold(h.activity_type)} {search_names(h.activity_type)}"
            extra = " ".join(dict.fromkeys(fold(f"{m.description} {m.source}") for m in members))
            text = f"{names} {extra} {fold(h.set_name)} {fold(h.region)}"
            exact = frozenset(
                {fold(h.activity_type), fold(h.activity_type.rsplit(".", 1)[-1])}
                | set(own_names(h.activity_type))
            )
            groups.append(IndexedGroup(tuple(members), names, text, exact))
        groups.sort(key=_rank_key)
        self.groups: tuple[IndexedGroup, ...] = tuple(groups)

    def search(
        self, query: str, *, region: str | None = None, set_name: str | None = None
    ) -> list[IndexedGroup]:
        """Groups matching every word of ``query`` (and ``region``, ``set_name`` exactly): first
        those whose type or own name is the query (``天然气`` → ``fuel.natural_gas``), then
        those whose type or names hold every word, then the others (see module doc)."""
        words = [fold(w) for w in query.split()]
        words = [w for w in words if w]
        whole = fold(query)
        exact: list[IndexedGroup] = []
        want_region = region.strip().upper() if region and region.strip() else None
        first: list[IndexedGroup] = []
        rest: list[IndexedGroup] = []
        for g in self.groups:
            h = g.head
            if want_region is not None and h.region != want_region:
                continue
            if set_name and h.set_name != set_name:
                continue
            if not all(w in g.text for w in words):
                continue
            if whole and whole in g.exact:
                exact.append(g)
            elif all(w in g.names for w in words):
                first.append(g)
            else:
                rest.append(g)
        return exact + first + rest


def _rank_key(g: IndexedGroup) -> tuple[int, str, str, int, str]:
    h = g.head
    at = h.activity_type
    return (len(at), at, h.region, -h.valid_from.toordinal(), f"{h.set_name}/{h.unit}")
