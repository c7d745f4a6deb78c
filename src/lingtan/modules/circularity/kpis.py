"""The eight circularity KPIs, computed from the ledgers (issue 19 item 5). Pure.

Each KPI (:data:`KPIS`) is one headline :class:`Figure` and, where it helps, figures beside it
(same ``kpi``); each states its unit and formula (docs/circularity.md):

1. ``recycled_mass`` [t] — gross mass of the parts containing recycled plastic (PCC, CL-PCC,
   PIC) put into products in the year, Σ gross_kg / 1000; beside it the net recycled mass of
   every recycled group, the bio-based net mass, the recycled content of plastics
   Σ net / Σ gross × 100 [%] over the plastic rows whose gross is known (ISO 14021:2016 §7.8,
   recycled content by mass), and the emissions AVOIDED by the recycled inputs
   Σ net_kg × (EF_virgin − EF_recycled) / 1000 [t CO2e] over the rows with both factors (with
   the factors' sources; GHG Protocol Corporate Standard ch. 9: reported apart, never deducted
   from an inventory);
2. ``recycled_cumulative`` [t] — the same gross mass from the start year through the year
   (default: the first year of the ledger), and beside it the cumulative net mass per material;
3. ``packaging_avoided`` [t] — Σ (kg_per_unit_before − kg_per_unit_after) × units / 1000;
4. ``packaging_plastic_share`` [%] — avoided plastic packaging (plastic, foam, OBP plastic) /
   all avoided packaging × 100;
5. ``returnables_returned`` [count] — Σ returned over the movements whose period ends in the
   year; beside it the return rate Σ returned / Σ issued × 100 [%] and the loss rate
   Σ lost / Σ issued × 1000 [‰] over the movements whose losses were counted;
6. ``takeback_devices`` [devices] — Σ count of the devices taken back in the year; beside it
   the cumulative count since the first take-back and the mass Σ kg / 1000 [t] of the weighed
   rows;
7. ``data_destruction_share`` [%] — devices with a data-sanitisation certificate / devices
   taken back in the year × 100 (NIST SP 800-88 or the national secrecy bureau's destruction
   standard, by the certificate's reference);
8. ``recycler_coverage`` [%] — devices routed to a recycler (remanufacture, recycle, dispose)
   whose recycler was approved on the day (:meth:`.ledgers.ApprovedRecycler.approved_on`) /
   all devices routed to a recycler × 100.

A figure without the rows it needs has ``value`` None and a ``reason`` key (``circ.na.*``):
"not available", never zero by default.

Which rows belong to a reporting period (:class:`Period`): a row of a fiscal-year label belongs
to that fiscal year; a row of a calendar year to the period that holds the year's 1 July (a
calendar-year ledger, as the source report's 2023 material figures, is reported in the fiscal
year that covers most of it); a dated row (take-back) by its day; a returnable-asset movement
by the last day of its period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from lingtan.modules.circularity.ledgers import (
    PLASTIC_GROUPS,
    RECYCLER_ROUTES,
    ApprovedRecycler,
    MaterialInput,
    PackagingChange,
    ReturnableAssetMovement,
    TakeBack,
)

#: the eight KPIs, in the order they are shown
KPIS = (
    "recycled_mass",
    "recycled_cumulative",
    "packaging_avoided",
    "packaging_plastic_share",
    "returnables_returned",
    "takeback_devices",
    "data_destruction_share",
    "recycler_coverage",
)


@dataclass(frozen=True)
class Period:
    """A reporting period: its label (``FY2023/24`` or ``2023``) and first and last day."""

    label: str
    start: date
    end: date

    def holds_year(self, year: str) -> bool:
        """Whether a ledger row of ``year`` (a fiscal-year label or a calendar year) belongs
        to the period (module docstring)."""
        if year == self.label:
            return True
        if year.isdigit():
            return self.start <= date(int(year), 7, 1) <= self.end
        return False

    def holds_day(self, day: date) -> bool:
        """Whether ``day`` is in the period."""
        return self.start <= day <= self.end


def year_start(year: str, period: Period) -> date:
    """The day a ledger year is placed at for cumulative sums: 1 July of a calendar year, the
    first day of a fiscal year (the period's start month and day in the label's first year)."""
    if year.isdigit():
        return date(int(year), 7, 1)
    first = int(year[2:6])
    try:
        return date(first, period.start.month, period.start.day)
    except ValueError:  # 29 February
        return date(first, period.start.month, 28)


def first_year(year: str) -> int:
    """The calendar year a ledger year starts in (``FY2023/24`` → 2023)."""
    return int(year) if year.isdigit() else int(year[2:6])


@dataclass(frozen=True)
class Figure:
    """One computed figure: its ``key``, the ``kpi`` it belongs to (:data:`KPIS`), its value
    (None: not available, ``reason`` a ``circ.na.*`` key), unit and shown digits, the parts it
    was computed from (``parts``) and whether it is an AVOIDED quantity (never deducted from
    an inventory)."""

    key: str
    kpi: str
    value: float | None
    unit: str
    digits: int
    parts: dict[str, float] = field(default_factory=dict)
    reason: str | None = None
    avoided: bool = False
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ledgers:
    """The rows of the five ledgers of one organisation."""

    materials: Sequence[MaterialInput] = ()
    packaging: Sequence[PackagingChange] = ()
    returnables: Sequence[ReturnableAssetMovement] = ()
    takeback: Sequence[TakeBack] = ()
    recyclers: Sequence[ApprovedRecycler] = ()


def _na(key: str, kpi: str, unit: str, digits: int, reason: str, **kw: object) -> Figure:
    return Figure(key, kpi, None, unit, digits, reason=reason, **kw)  # type: ignore[arg-type]


def material_figures(rows: Sequence[MaterialInput], period: Period,
                     since: int | None = None) -> list[Figure]:  # fmt: skip
    """KPIs 1 and 2 (module docstring) from the material rows."""
    year_rows = [r for r in rows if period.holds_year(r.year)]
    plastic = [r for r in year_rows if r.group == "recycled_plastic" and r.gross_kg is not None]
    out: list[Figure] = []
    if plastic:
        gross = sum(r.gross_kg or 0.0 for r in plastic)
        out.append(Figure("recycled_mass", "recycled_mass", gross / 1000, "t", 0,
                          {"gross_kg": gross, "rows": len(plastic)}))  # fmt: skip
    else:
        out.append(_na("recycled_mass", "recycled_mass", "t", 0, "circ.na.no_gross"))
    recycled = [r for r in year_rows if r.group != "bio_based"]
    if recycled:
        net = sum(r.net_kg for r in recycled)
        out.append(Figure("recycled_net", "recycled_mass", net / 1000, "t", 1, {"net_kg": net}))
    else:
        out.append(_na("recycled_net", "recycled_mass", "t", 1, "circ.na.no_rows"))
    bio = [r for r in year_rows if r.group == "bio_based"]
    if bio:
        net = sum(r.net_kg for r in bio)
        out.append(Figure("bio_based_net", "recycled_mass", net / 1000, "t", 1, {"net_kg": net}))
    else:
        out.append(_na("bio_based_net", "recycled_mass", "t", 1, "circ.na.no_rows"))
    known = [r for r in year_rows if r.group in PLASTIC_GROUPS and r.gross_kg]
    if known:
        n = sum(r.net_kg for r in known)
        g = sum(r.gross_kg or 0.0 for r in known)
        out.append(Figure("recycled_content_share", "recycled_mass", 100 * n / g, "%", 1,
                          {"net_kg": n, "gross_kg": g}))  # fmt: skip
    else:
        out.append(_na("recycled_content_share", "recycled_mass", "%", 1, "circ.na.no_gross"))
    factored = [r for r in year_rows if r.avoided_kg_co2e is not None]
    if factored:
        kg = sum(r.avoided_kg_co2e or 0.0 for r in factored)
        sources = tuple(sorted({r.ef_source or "" for r in factored}))
        out.append(Figure("avoided_emissions", "recycled_mass", kg / 1000, "t CO2e", 1,
                          {"kg_co2e": kg, "rows": len(factored),
                           "rows_without_factors": len(year_rows) - len(factored)},
                          avoided=True, sources=sources))  # fmt: skip
    else:
        out.append(_na("avoided_emissions", "recycled_mass", "t CO2e", 1, "circ.na.no_factors",
                       avoided=True))  # fmt: skip
    out += cumulative_figures(rows, period, since)
    return out


def cumulative_figures(rows: Sequence[MaterialInput], period: Period,
                       since: int | None = None) -> list[Figure]:  # fmt: skip
    """KPI 2: the gross mass of recycled-plastic parts from ``since`` (default: the first year
    of the rows) through the period [t], and the cumulative net mass per material [t]."""
    if since is None and rows:
        since = min(first_year(r.year) for r in rows)
    upto = [
        r for r in rows
        if since is not None and first_year(r.year) >= since
        and (period.holds_year(r.year) or year_start(r.year, period) <= period.start)
    ]  # fmt: skip
    plastic = [r for r in upto if r.group == "recycled_plastic" and r.gross_kg is not None]
    if not plastic or since is None:
        return [_na("recycled_cumulative", "recycled_cumulative", "t", 0, "circ.na.no_gross")]
    gross = sum(r.gross_kg or 0.0 for r in plastic)
    out = [Figure("recycled_cumulative", "recycled_cumulative", gross / 1000, "t", 0,
                  {"gross_kg": gross, "since": since})]  # fmt: skip
    for material in sorted({r.material for r in upto}):
        net = sum(r.net_kg for r in upto if r.material == material)
        out.append(Figure(f"cumulative_net.{material}", "recycled_cumulative", net / 1000, "t",
                          1, {"net_kg": net, "since": since}))  # fmt: skip
    return out


def packaging_figures(rows: Sequence[PackagingChange], period: Period) -> list[Figure]:
    """KPIs 3 and 4 (module docstring) from the packaging rows."""
    year_rows = [r for r in rows if period.holds_year(r.year)]
    if not year_rows:
        return [_na("packaging_avoided", "packaging_avoided", "t", 0, "circ.na.no_rows"),
                _na("packaging_plastic_avoided", "packaging_avoided", "t", 0, "circ.na.no_rows"),
                _na("packaging_plastic_share", "packaging_plastic_share", "%", 1,
                    "circ.na.no_rows")]  # fmt: skip
    total = sum(r.avoided_kg for r in year_rows)
    plastic = sum(r.avoided_kg for r in year_rows if r.plastic)
    out = [Figure("packaging_avoided", "packaging_avoided", total / 1000, "t", 0,
                  {"avoided_kg": total}),
           Figure("packaging_plastic_avoided", "packaging_avoided", plastic / 1000, "t", 0,
                  {"avoided_kg": plastic})]  # fmt: skip
    if total > 0:
        out.append(Figure("packaging_plastic_share", "packaging_plastic_share",
                          100 * plastic / total, "%", 1,
                          {"plastic_kg": plastic, "avoided_kg": total}))  # fmt: skip
    else:
        out.append(_na("packaging_plastic_share", "packaging_plastic_share", "%", 1,
                       "circ.na.nothing_avoided"))  # fmt: skip
    return out


def returnable_figures(rows: Sequence[ReturnableAssetMovement], period: Period) -> list[Figure]:
    """KPI 5 (module docstring) from the returnable-asset movements."""
    year_rows = [r for r in rows if period.holds_day(r.period_end)]
    if not year_rows:
        return [_na("returnables_returned", "returnables_returned", "count", 0, "circ.na.no_rows"),
                _na("returnables_return_rate", "returnables_returned", "%", 1, "circ.na.no_rows"),
                _na("returnables_loss_rate", "returnables_returned", "‰", 1,
                    "circ.na.no_rows")]  # fmt: skip
    returned = sum(r.returned for r in year_rows)
    issued = sum(r.issued for r in year_rows)
    out = [Figure("returnables_returned", "returnables_returned", returned, "count", 0,
                  {"returned": returned})]  # fmt: skip
    if issued:
        out.append(Figure("returnables_return_rate", "returnables_returned",
                          100 * returned / issued, "%", 1,
                          {"returned": returned, "issued": issued}))  # fmt: skip
    else:
        out.append(_na("returnables_return_rate", "returnables_returned", "%", 1,
                       "circ.na.none_issued"))  # fmt: skip
    counted = [r for r in year_rows if r.lost is not None]
    c_issued = sum(r.issued for r in counted)
    if counted and c_issued:
        lost = sum(r.lost or 0 for r in counted)
        out.append(Figure("returnables_loss_rate", "returnables_returned",
                          1000 * lost / c_issued, "‰", 1,
                          {"lost": lost, "issued": c_issued}))  # fmt: skip
    else:
        out.append(_na("returnables_loss_rate", "returnables_returned", "‰", 1,
                       "circ.na.no_losses"))  # fmt: skip
    return out


def takeback_figures(rows: Sequence[TakeBack], recyclers: Sequence[ApprovedRecycler],
                     period: Period) -> list[Figure]:  # fmt: skip
    """KPIs 6, 7 and 8 (module docstring) from the take-back rows and the approved list."""
    year_rows = [r for r in rows if period.holds_day(r.day)]
    upto = [r for r in rows if r.day <= period.end]
    out: list[Figure] = []
    if year_rows:
        n = sum(r.count for r in year_rows)
        out.append(Figure("takeback_devices", "takeback_devices", n, "devices", 0, {"count": n}))
    else:
        out.append(_na("takeback_devices", "takeback_devices", "devices", 0, "circ.na.no_rows"))
    if upto:
        n = sum(r.count for r in upto)
        first = min(r.day for r in upto)
        out.append(Figure("takeback_cumulative", "takeback_devices", n, "devices", 0,
                          {"count": n, "since": first.year}))  # fmt: skip
    else:
        out.append(_na("takeback_cumulative", "takeback_devices", "devices", 0,
                       "circ.na.no_rows"))  # fmt: skip
    weighed = [r for r in year_rows if r.kg is not None]
    if weighed:
        kg = sum(r.kg or 0.0 for r in weighed)
        out.append(Figure("takeback_mass", "takeback_devices", kg / 1000, "t", 1,
                          {"kg": kg,
                           "devices_weighed": sum(r.count for r in weighed)}))  # fmt: skip
    else:
        out.append(_na("takeback_mass", "takeback_devices", "t", 1, "circ.na.not_weighed"))
    if year_rows:
        n = sum(r.count for r in year_rows)
        certified = sum(r.count for r in year_rows if (r.sanitisation_cert or "").strip())
        out.append(Figure("data_destruction_share", "data_destruction_share",
                          100 * certified / n, "%", 1,
                          {"certified": certified, "count": n}))  # fmt: skip
    else:
        out.append(_na("data_destruction_share", "data_destruction_share", "%", 1,
                       "circ.na.no_rows"))  # fmt: skip
    by_code = {r.code: r for r in recyclers}
    routed = [r for r in year_rows if r.route in RECYCLER_ROUTES]
    if routed:
        n = sum(r.count for r in routed)
        ok = sum(
            r.count for r in routed
            if r.recycler in by_code and by_code[r.recycler].approved_on(r.day)
        )  # fmt: skip
        out.append(Figure("recycler_coverage", "recycler_coverage", 100 * ok / n, "%", 1,
                          {"approved": ok, "routed": n}))  # fmt: skip
    else:
        out.append(_na("recycler_coverage", "recycler_coverage", "%", 1, "circ.na.none_routed"))
    return out


def compute(ledgers: Ledgers, period: Period, *, since: int | None = None) -> list[Figure]:
    """Every figure of the eight KPIs for ``period`` (``since``: the start year of the
    cumulative recycled mass; default the ledger's first year), in :data:`KPIS` order."""
    figures = (
        material_figures(ledgers.materials, period, since)
        + packaging_figures(ledgers.packaging, period)
        + returnable_figures(ledgers.returnables, period)
        + takeback_figures(ledgers.takeback, ledgers.recyclers, period)
    )
    order = {k: i for i, k in enumerate(KPIS)}
    return sorted(figures, key=lambda f: order[f.kpi])


def headline(figures: Sequence[Figure]) -> dict[str, Figure]:
    """The headline figure of each KPI (the figure whose key is the KPI's)."""
    return {f.key: f for f in figures if f.key in KPIS}
