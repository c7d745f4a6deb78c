"""Scope 2 market-based method: allocate contractual instruments to electricity consumption.

Standard: GHG Protocol Scope 2 Guidance (2015), ch. 6 (market-based method), §7.1 Scope 2 Quality
Criteria, Table 6.3 (emission-factor hierarchy): energy attribute certificates (GEC/REC/I-REC/GO),
PPAs and green tariffs, then supplier-specific rates, then the residual mix, and where no residual
mix exists the grid average — disclosed as such (Table 6.3).

Rules applied here (each instrument is counted **once**):

1. An instrument belongs to the fiscal year containing its vintage start; a vintage that crosses
   into another fiscal year is not used and is reported (Quality Criterion 5: vintage close to the
   reporting period).
2. Site-specific instruments cover that site's consumption in that year first (sites and
   instruments in id order), then pooled instruments (no site) cover the remaining consumption of
   sites whose region lies in the instrument's market region (Quality Criterion 6: same market).
3. An instrument never covers more than its volume, a site never more than its consumption; any
   volume left over is reported as unallocated and counts nowhere (no banking, no double count).
4. An ``instrument_id`` seen twice is an error: the same certificate cannot be claimed twice.

The result is, per (site, fiscal year), the covered energy and its volume-weighted emission rate;
the engine applies ``covered_fraction × rate`` and the residual factor to the rest, row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lingtan.core.boundary import region_chain
from lingtan.core.errors import MethodError

METHOD_ID = "s2.market.hierarchy"
METHOD_VERSION = 1


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


@dataclass(frozen=True)
class Coverage:
    """Market-based coverage of one site-year. Units: kWh and kg CO2e/kWh."""

    site: str
    fiscal_year: str
    consumption_kwh: float
    covered_kwh: float
    weighted_rate: float

    @property
    def covered_fraction(self) -> float:
        """Share of consumption covered by instruments, 0…1."""
        return 0.0 if self.consumption_kwh <= 0 else self.covered_kwh / self.consumption_kwh


@dataclass(frozen=True)
class MarketResult:
    """Allocations, coverage per site-year and instruments not (fully) used."""

    allocations: tuple[Allocation, ...]
    coverage: tuple[Coverage, ...]
    unallocated: tuple[tuple[str, float, str], ...] = field(default=())  # id, kWh, reason


def allocate(
    instruments: Sequence[Instrument],
    consumption: Mapping[tuple[str, str], float],
    site_regions: Mapping[str, str],
    fiscal_year_label: Callable[[date], str],
) -> MarketResult:
    """Allocate instruments to consumption, each kWh of an instrument at most once.

    Args:
        instruments: the instruments of the workspace.
        consumption: (site, fiscal-year label) → grid electricity consumed [kWh].
        site_regions: site → region (``CN-TJ``).
        fiscal_year_label: date → fiscal-year label (e.g. ``lambda d: cal.of(d).label``).

    Raises:
        MethodError: an instrument id appears twice, or a quantity or rate is negative.
    """
    label = fiscal_year_label
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

    remaining = dict(consumption)
    allocations: list[Allocation] = []
    unallocated: list[tuple[str, float, str]] = []
    usable: list[tuple[Instrument, str]] = []
    for ins in sorted(instruments, key=lambda i: i.instrument_id):
        fy = str(label(ins.vintage_start))
        if str(label(ins.vintage_end)) != fy:
            unallocated.append(
                (ins.instrument_id, ins.quantity_kwh, "vintage crosses a fiscal-year boundary")
            )
            continue
        usable.append((ins, fy))

    def take(ins: Instrument, fy: str, sites: list[str]) -> float:
        left = ins.quantity_kwh
        for site in sites:
            need = remaining.get((site, fy), 0.0)
            if left <= 0 or need <= 0:
                continue
            used = min(left, need)
            remaining[(site, fy)] = need - used
            left -= used
            allocations.append(Allocation(ins.instrument_id, site, fy, used, ins.rate))
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
    return MarketResult(tuple(allocations), tuple(coverage), tuple(unallocated))
