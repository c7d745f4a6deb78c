"""Scope 2 market-based method: allocate contractual instruments to electricity consumption.

Standard: GHG Protocol Scope 2 Guidance (2015), ch. 6 (market-based method), §7.1 Scope 2 Quality
Criteria, Table 6.3 (emission-factor hierarchy). Units: energy [kWh], rates [kg CO2e/kWh].

Method ``s2.market.hierarchy``, version 2 (2026-12-03, decision 0027). The Guidance's hierarchy is
applied by instrument **type**, never by the order or the spelling of instrument ids:

=====  ===================================  ===============================================
level  what                                 where it comes from
=====  ===================================  ===============================================
1      energy attribute certificates and    ``instrument`` rows of type ``gec``, ``rec``,
       direct contracts                     ``i-rec``, ``go``, ``ppa``, ``green_tariff``
2      supplier-specific emission rates     ``instrument`` rows of type ``supplier_rate``
3      residual mix                         factor ``electricity.residual_mix`` (engine)
4      grid average, where no residual mix  factor ``electricity.grid`` (engine; the row's
       exists — disclosed as such           match is ``type_fallback``)
=====  ===================================  ===============================================

Levels 1 and 2 are allocated here; levels 3 and 4 take the consumption left uncovered, row by row
in the engine, which reports per site which of them it used (:attr:`MarketResult.uncovered`).

Rules (each instrument is counted **once**):

1. An instrument belongs to the fiscal year containing its vintage start; a vintage that crosses
   into another fiscal year is not used and is reported (Quality Criterion 5: vintage close to the
   reporting period).
2. Level by level (1, then 2): site-specific instruments cover their site's consumption in their
   fiscal year first; then pooled instruments (no site) cover the remaining consumption of the
   sites whose region lies in their market (Quality Criterion 6: same market), the most specific
   market first (``CN-TJ`` before ``CN``; markets equally specific never share a site).
3. Within one level and one claim — a site-year for site-specific instruments, a market and
   fiscal year for pooled ones — the instruments together cover ``min(Σ volume, Σ need)``, shared
   **pro rata**: each instrument gives in proportion to its volume, each site receives in
   proportion to its remaining consumption. Nothing depends on ids or list order (sums are
   :func:`math.fsum`, exact whatever the order).
4. An instrument never covers more than its volume, a site never more than its consumption
   inside the boundary (consumption × consolidation share: a site outside operational control
   takes nothing); any volume left over is reported as unallocated and counts nowhere (no
   banking, no double count).
5. An ``instrument_id`` seen twice is an error: the same certificate cannot be claimed twice.

The result is, per (site, fiscal year), the covered energy, its volume-weighted emission rate and
the covered kWh of each level; the engine applies ``covered_fraction × rate`` and the residual
(else grid-average) factor to the rest, row by row.

Version 1 (:func:`allocate_v1`: greedy in id order, types ignored) is kept unchanged so that
snapshots calculated with it are recomputed exactly by ``lingtan explain``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Protocol

from lingtan.core.boundary import region_chain
from lingtan.core.errors import MethodError

METHOD_ID = "s2.market.hierarchy"
#: Current version; see :data:`ALLOCATORS` for every version still computable.
METHOD_VERSION = 2
METHOD_DATES = {1: "2025-01-01", 2: "2026-12-03"}

#: Hierarchy levels (Scope 2 Guidance Table 6.3), in order of precedence.
LEVEL_CERTIFICATE = "certificate"  # energy attribute certificates and direct contracts
LEVEL_SUPPLIER = "supplier_rate"
LEVEL_RESIDUAL = "residual_mix"
LEVEL_GRID = "grid_average"
LEVEL_NO_FACTOR = "no_factor"  # uncovered consumption with no factor at all (unresolved)
LEVELS = (LEVEL_CERTIFICATE, LEVEL_SUPPLIER, LEVEL_RESIDUAL, LEVEL_GRID, LEVEL_NO_FACTOR)

#: Instrument type (``instrument`` template) → hierarchy level.
TYPE_LEVEL: dict[str, str] = {
    "gec": LEVEL_CERTIFICATE,
    "rec": LEVEL_CERTIFICATE,
    "i-rec": LEVEL_CERTIFICATE,
    "go": LEVEL_CERTIFICATE,
    "ppa": LEVEL_CERTIFICATE,
    "green_tariff": LEVEL_CERTIFICATE,
    "supplier_rate": LEVEL_SUPPLIER,
}


@dataclass(frozen=True)
class Instrument:
    """A contractual instrument. Units: ``quantity_kwh`` [kWh], ``rate`` [kg CO2e/kWh]."""

    instrument_id: str
    type: str
    quantity_kwh: float
    rate: float
    region: str
    site: str | None
    vintage_start: date
    vintage_end: date


@dataclass(frozen=True)
class Allocation:
    """``kwh`` of ``instrument_id`` applied to ``site`` in fiscal year ``fiscal_year``."""

    instrument_id: str
    site: str
    fiscal_year: str
    kwh: float
    rate: float
    level: str = LEVEL_CERTIFICATE


@dataclass(frozen=True)
class Coverage:
    """Market-based coverage of one site-year. Units: kWh and kg CO2e/kWh.

    ``by_level``: covered kWh per instrument level (:data:`LEVEL_CERTIFICATE`,
    :data:`LEVEL_SUPPLIER`), levels with nothing left out."""

    site: str
    fiscal_year: str
    consumption_kwh: float
    covered_kwh: float
    weighted_rate: float
    by_level: tuple[tuple[str, float], ...] = ()

    @property
    def covered_fraction(self) -> float:
        """Share of consumption covered by instruments, 0…1."""
        return 0.0 if self.consumption_kwh <= 0 else self.covered_kwh / self.consumption_kwh


@dataclass(frozen=True)
class Uncovered:
    """Grid electricity of ``site`` not covered by instruments, by the level the engine applied
    to it (:data:`LEVEL_RESIDUAL`, :data:`LEVEL_GRID` or :data:`LEVEL_NO_FACTOR`) [kWh]."""

    site: str
    level: str
    kwh: float


@dataclass(frozen=True)
class MarketResult:
    """Allocations, coverage per site-year and instruments not (fully) used."""

    allocations: tuple[Allocation, ...]
    coverage: tuple[Coverage, ...]
    unallocated: tuple[tuple[str, float, str], ...] = field(default=())  # id, kWh, reason
    method_version: int = METHOD_VERSION
    #: the uncovered consumption by level, filled by the engine after factor resolution (a
    #: report on the allocation, not part of it: not compared)
    uncovered: tuple[Uncovered, ...] = field(default=(), compare=False)


class Allocator(Protocol):
    """The signature every version of the allocation keeps."""

    def __call__(
        self,
        instruments: Sequence[Instrument],
        consumption: Mapping[tuple[str, str], float],
        site_regions: Mapping[str, str],
        fiscal_year_label: Callable[[date], str],
        *,
        site_shares: Mapping[str, float] | None = None,
    ) -> MarketResult: ...


def allocate(
    instruments: Sequence[Instrument],
    consumption: Mapping[tuple[str, str], float],
    site_regions: Mapping[str, str],
    fiscal_year_label: Callable[[date], str],
    *,
    site_shares: Mapping[str, float] | None = None,
) -> MarketResult:
    """Allocate instruments to consumption by the current version (:data:`METHOD_VERSION`)."""
    return ALLOCATORS[METHOD_VERSION](
        instruments, consumption, site_regions, fiscal_year_label, site_shares=site_shares
    )


def allocator(version: int) -> Allocator:
    """The allocation of method version ``version``.

    Raises:
        MethodError: no such version.
    """
    try:
        return ALLOCATORS[version]
    except KeyError:
        known = ", ".join(str(v) for v in sorted(ALLOCATORS))
        raise MethodError(f"{METHOD_ID}: unknown version {version} (known: {known})") from None


def _check(instruments: Sequence[Instrument], *, types: bool) -> None:
    seen: set[str] = set()
    for ins in instruments:
        if ins.instrument_id in seen:
            raise MethodError(
                f"instrument {ins.instrument_id!r} appears twice: a certificate or contract "
                "can be claimed only once (GHG Protocol Scope 2 Guidance, Quality Criterion 2)"
            )
        seen.add(ins.instrument_id)
        if ins.quantity_kwh < 0 or ins.rate < 0:
            raise MethodError(f"instrument {ins.instrument_id!r}: negative quantity or rate")
        if types and ins.type.lower() not in TYPE_LEVEL:
            raise MethodError(
                f"instrument {ins.instrument_id!r}: unknown type {ins.type!r} "
                f"(known: {', '.join(TYPE_LEVEL)})"
            )


def _by_vintage(
    instruments: Sequence[Instrument], label: Callable[[date], str]
) -> tuple[list[tuple[Instrument, str]], list[tuple[str, float, str]]]:
    usable: list[tuple[Instrument, str]] = []
    unallocated: list[tuple[str, float, str]] = []
    for ins in sorted(instruments, key=lambda i: i.instrument_id):
        fy = str(label(ins.vintage_start))
        if str(label(ins.vintage_end)) != fy:
            unallocated.append(
                (ins.instrument_id, ins.quantity_kwh, "vintage crosses a fiscal-year boundary")
            )
            continue
        usable.append((ins, fy))
    return usable, unallocated


def _coverage(
    consumption: Mapping[tuple[str, str], float], allocations: Sequence[Allocation]
) -> tuple[Coverage, ...]:
    mine: dict[tuple[str, str], list[Allocation]] = {}
    for a in allocations:
        mine.setdefault((a.site, a.fiscal_year), []).append(a)
    out: list[Coverage] = []
    for (site, fy), total in sorted(consumption.items()):
        got = mine.get((site, fy), [])
        covered = math.fsum(a.kwh for a in got)
        rate = math.fsum(a.kwh * a.rate for a in got) / covered if covered > 0 else 0.0
        levels = tuple(
            (lv, math.fsum(a.kwh for a in got if a.level == lv))
            for lv in (LEVEL_CERTIFICATE, LEVEL_SUPPLIER)
            if any(a.level == lv for a in got)
        )
        out.append(Coverage(site, fy, total, covered, rate, levels))
    return tuple(out)


def allocate_v2(
    instruments: Sequence[Instrument],
    consumption: Mapping[tuple[str, str], float],
    site_regions: Mapping[str, str],
    fiscal_year_label: Callable[[date], str],
    *,
    site_shares: Mapping[str, float] | None = None,
) -> MarketResult:
    """Version 2: by hierarchy level, pro rata within a level (module docstring, rules 1–5).

    Instruments cover consumption **inside the inventory boundary** only: a site's consumption
    counts × its consolidation share (GHG Protocol Corporate Standard ch. 3), so a site outside
    operational control (share 0) takes no pooled certificate, and a 30 % equity-share site at
    most 30 % of its consumption. An instrument held for one site is consolidated like the site:
    its volume counts × the site's share, so the site's covered fraction is the same before and
    after consolidation (a 30 % site with certificates for 30 % of its power reports 30 % of its
    consumption, 30 % of that covered). ``Coverage.consumption_kwh`` is the consolidated
    consumption; allocations and leftovers of site instruments are in consolidated kWh.

    Args:
        instruments: the instruments of the workspace.
        consumption: (site, fiscal-year label) → grid electricity consumed [kWh].
        site_regions: site → region (``CN-TJ``).
        fiscal_year_label: date → fiscal-year label (e.g. ``lambda d: cal.of(d).label``).
        site_shares: site → consolidation share 0–1 (missing: 1).

    Raises:
        MethodError: an instrument id appears twice, a quantity or rate is negative, or a type
            is unknown.
    """
    _check(instruments, types=True)
    usable, unallocated = _by_vintage(instruments, fiscal_year_label)
    shares = site_shares or {}
    consumption = {(s, fy): q * shares.get(s, 1.0) for (s, fy), q in consumption.items()}
    remaining = dict(consumption)
    allocations: list[Allocation] = []

    def share(group: list[Instrument], keys: list[tuple[str, str]], level: str, why: str) -> None:
        """Pro-rata allocation of ``group`` (one level, one claim) over the site-years ``keys``."""
        supply = math.fsum(i.quantity_kwh for i in group)
        needs = {k: remaining.get(k, 0.0) for k in keys if remaining.get(k, 0.0) > 0}
        demand = math.fsum(needs.values())
        if supply <= 0:
            return
        scale = 1.0 if supply <= demand else demand / supply  # share of each volume used
        got: dict[tuple[str, str], list[float]] = {k: [] for k in needs}
        for ins in group:
            give = ins.quantity_kwh * scale
            for k, need in needs.items():
                kwh = give * (need / demand)
                if kwh > 0:
                    got[k].append(kwh)
                    allocations.append(
                        Allocation(ins.instrument_id, k[0], k[1], kwh, ins.rate, level)
                    )
            left = ins.quantity_kwh - give if demand > 0 else ins.quantity_kwh
            if left > 1e-9 * max(ins.quantity_kwh, 1.0):
                unallocated.append((ins.instrument_id, left, why))
        for k, need in needs.items():
            remaining[k] = 0.0 if supply >= demand else max(need - math.fsum(got[k]), 0.0)

    for level in (LEVEL_CERTIFICATE, LEVEL_SUPPLIER):
        mine = [(i, fy) for i, fy in usable if TYPE_LEVEL[i.type.lower()] == level]
        by_site: dict[tuple[str, str], list[Instrument]] = {}
        pooled: dict[tuple[str, str], list[Instrument]] = {}
        for ins, fy in mine:
            if ins.site:
                by_site.setdefault((ins.site, fy), []).append(ins)
            else:
                pooled.setdefault((ins.region.upper(), fy), []).append(ins)
        for (site, fy), group in sorted(by_site.items()):
            if site not in site_regions:
                unallocated.extend(
                    (i.instrument_id, i.quantity_kwh, f"unknown site {site}") for i in group
                )
                continue
            if shares.get(site, 1.0) != 1.0:  # the site's own instruments count × its share too
                part = shares.get(site, 1.0)
                group = [replace(i, quantity_kwh=i.quantity_kwh * part) for i in group]
            share(group, [(site, fy)], level, "exceeds the site's consumption")
        # most specific market first; markets equally specific cover disjoint sets of sites
        for (market, fy), group in sorted(
            pooled.items(), key=lambda kv: (-len(region_chain(kv[0][0])), kv[0])
        ):
            sites = sorted(s for s, r in site_regions.items() if market in region_chain(r))
            share(group, [(s, fy) for s in sites], level, f"exceeds consumption in {market}")

    allocations.sort(key=lambda a: (LEVELS.index(a.level), a.site, a.fiscal_year, a.instrument_id))
    return MarketResult(
        tuple(allocations),
        _coverage(consumption, allocations),
        tuple(sorted(unallocated)),
        method_version=2,
    )


def allocate_v1(
    instruments: Sequence[Instrument],
    consumption: Mapping[tuple[str, str], float],
    site_regions: Mapping[str, str],
    fiscal_year_label: Callable[[date], str],
    *,
    site_shares: Mapping[str, float] | None = None,
) -> MarketResult:
    """Version 1 (superseded 2026-12-03): greedy in instrument-id order, types ignored.

    Kept only to recompute snapshots calculated with it (``lingtan explain``): site-specific
    instruments first (sites and instruments in id order), then pooled instruments over the
    sites of their market in id order, on the whole consumption of each site (``site_shares``
    is ignored: version 1 gave pooled certificates to sites outside the boundary too). It let an
    instrument whose id sorts first take the consumption ahead of certificates (decision 0027).
    """
    del site_shares  # not part of version 1
    label = fiscal_year_label
    _check(instruments, types=False)
    remaining = dict(consumption)
    allocations: list[Allocation] = []
    usable, unallocated = _by_vintage(instruments, label)

    def take(ins: Instrument, fy: str, sites: list[str]) -> float:
        left = ins.quantity_kwh
        for site in sites:
            need = remaining.get((site, fy), 0.0)
            if left <= 0 or need <= 0:
                continue
            used = min(left, need)
            remaining[(site, fy)] = need - used
            left -= used
            level = TYPE_LEVEL.get(ins.type.lower(), LEVEL_CERTIFICATE)
            allocations.append(Allocation(ins.instrument_id, site, fy, used, ins.rate, level))
        return left

    for ins, fy in [(i, f) for i, f in usable if i.site]:
        assert ins.site is not None
        if ins.site not in site_regions:
            unallocated.append((ins.instrument_id, ins.quantity_kwh, f"unknown site {ins.site}"))
            continue
        left = take(ins, fy, [ins.site])
        if left > 0:
            unallocated.append((ins.instrument_id, left, "exceeds the site's consumption"))
    for ins, fy in [(i, f) for i, f in usable if not i.site]:
        market = ins.region.upper()
        sites = sorted(s for s, r in site_regions.items() if market in region_chain(r))
        left = take(ins, fy, sites)
        if left > 0:
            unallocated.append((ins.instrument_id, left, f"exceeds consumption in {market}"))

    coverage: list[Coverage] = []
    for (site, fy), total in sorted(consumption.items()):
        mine = [a for a in allocations if a.site == site and a.fiscal_year == fy]
        covered = sum(a.kwh for a in mine)
        rate = sum(a.kwh * a.rate for a in mine) / covered if covered > 0 else 0.0
        coverage.append(Coverage(site, fy, total, covered, rate))
    return MarketResult(tuple(allocations), tuple(coverage), tuple(unallocated), method_version=1)


#: Every version of the method still computable, by number.
ALLOCATORS: dict[int, Allocator] = {1: allocate_v1, 2: allocate_v2}
