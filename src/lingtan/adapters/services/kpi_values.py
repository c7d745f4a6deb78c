"""KPIs computed from data, never typed (issue 16 item 6, decision 0076).

- ``renewable_share`` [%] — per fiscal year, 100 × Σ renewable electricity / Σ consumption of
  the group (RE100 technical criteria: on-site self-use, PPAs, green-power trades, certificates,
  each instrument counted once), from
  :func:`lingtan.adapters.services.energy_indicators.re_share_by_year`;
- ``efficiency_gain`` [% vs base year] — product energy efficiency, sales-weighted over the
  comparable products (those with a typical-energy record in ``products/family.yaml``): for each
  product line l of the KPI, the sales-weighted energy use ``E_l(y) = Σ u_p·TEC_p / Σ u_p``
  (units sold u per product and fiscal year from the use-phase rows where the inventory has
  them, else from the family's ``sales`` records — never both for one product-year,
  :func:`lingtan.modules.products.efficiency.units_sold`; TEC [kWh/yr] from the family),
  the line's gain
  ``G_l(y) = E_l(b_l) / E_l(y) − 1`` against its base year b_l
  (:func:`lingtan.modules.products.efficiency.improvement_pct`), and the KPI's value
  ``Σ_l u_l(y)·G_l(y) / Σ_l u_l(y)`` × 100. Base years: the report's — FY2018/19 for
  notebooks, desktops and servers, FY2020/21 for Motorola — else the family's
  ``energy.base_year`` for a line the report does not name.
  A KPI's lines are the family's lines its English name names (``desktop and server``).

A KPI whose values the targets file gives keeps them and is marked ``typed``; values filled
here, or by another hook (the supplier ledger's ``supply_chain_reduction``, decision 0067), are
marked ``computed`` with their derivation (:func:`mark_origins`). When the data cannot be read
the KPI stays as it was (no data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from lingtan.adapters.services.context import Context
from lingtan.adapters.services.errors import ServiceError
from lingtan.core.errors import LingtanError
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.products.efficiency import (
    FROM_FAMILY,
    FROM_ROWS,
    improvement_pct,
    units_sold,
)
from lingtan.modules.targets.kpis import Kpi, KpiKind, KpiOrigin

#: the base years (fiscal start years) the source report uses for its efficiency KPIs
REPORT_BASE_YEARS: dict[str, int] = {
    "notebook": 2018,
    "desktop": 2018,
    "server": 2018,
    "motorola": 2020,
}
RE_DERIVATION = (
    "renewable share = (on-site self-use + PPA + green-power trades + certificates) / "
    "electricity consumption, RE100 technical criteria, from the workspace's meters and "
    "instruments"
)


def _fail_soft(fn: Any, *args: Any) -> Any:
    """``fn(*args)``, or None when the data cannot be read (the KPI then stays as it was)."""
    try:
        return fn(*args)
    except (ServiceError, LingtanError, ImportError, OSError, ValueError, KeyError):
        return None


# -- renewable share ------------------------------------------------------------------------------


def re_share_values(ctx: Context) -> tuple[dict[int, float], str]:
    """Renewable share [%] per fiscal start year, and the derivation (latest year's figures).

    Raises:
        ServiceError, LingtanError: the energy data cannot be read.
    """
    from lingtan.adapters.services.energy_indicators import re_share_by_year

    shares = re_share_by_year(ctx)
    values: dict[int, float] = {}
    latest = ""
    cal = ctx.workspace().config.calendar
    for y, r in sorted(shares.items()):
        c = float(r.consumption_kwh)
        if c > 0:
            values[y] = 100.0 * float(r.numerator_kwh) / c
            latest = (
                f"; {cal.year(y).label}: {float(r.numerator_kwh) / 1000:,.1f} MWh / "
                f"{c / 1000:,.1f} MWh = {values[y]:.2f} %"
            )
    return values, RE_DERIVATION + latest


# -- product efficiency ---------------------------------------------------------------------------


def kpi_lines(kpi: Kpi, lines: Sequence[str]) -> list[str]:
    """The product lines ``kpi`` covers: those its English name (or id) names, singular or
    plural, case-insensitive."""
    text = f"{kpi.names.get('en', '')} {kpi.name} {kpi.id}".lower()
    out = []
    for line in lines:
        word = line.lower().rstrip("s")
        if word and word in text:
            out.append(line)
    return out


def sales_weighted_gain(
    sales: Mapping[tuple[str, int], tuple[float, float]],
    base_years: Mapping[str, int],
    lines: Sequence[str],
    year: int,
) -> tuple[float, dict[str, float]] | None:
    """The KPI value [%] of ``year`` and each line's gain [%] (module docstring).

    ``sales``: (line, year) → (Σ units, Σ units × TEC [kWh/yr]). None when no line of ``lines``
    has sales both in ``year`` and in its base year (or ``year`` is before every base year).
    """
    gains: dict[str, float] = {}
    weight: dict[str, float] = {}
    for line in lines:
        b = base_years.get(line)
        now, base = sales.get((line, year)), sales.get((line, b)) if b is not None else None
        if b is None or year < b or not now or not base or now[0] <= 0 or base[0] <= 0:
            continue
        e_now, e_base = now[1] / now[0], base[1] / base[0]
        gains[line] = improvement_pct(e_base, e_now)
        weight[line] = now[0]
    total = sum(weight.values())
    if not gains or total <= 0:
        return None
    return sum(weight[k] * g for k, g in gains.items()) / total, gains


def efficiency_values(
    ctx: Context, kpi: Kpi, calendar: FiscalCalendar
) -> tuple[dict[int, float], str]:
    """The efficiency gain [%] per fiscal start year of ``kpi`` and its derivation.

    Raises:
        LingtanError: the product family or a batch's file cannot be read.
    """
    from lingtan.adapters.io.lca.folder import FAMILY_FILE, products_folder
    from lingtan.adapters.io.lca.native import read_family_yaml
    from lingtan.adapters.services.intensity_denominators import use_phase_sales

    path = products_folder(ctx.workspace().path) / FAMILY_FILE
    if not path.is_file():
        return {}, ""
    family = read_family_yaml(path)
    tec = {r.product_id: (r.line, r.kwh_per_year) for r in family.energy}
    all_lines = sorted({line for line, _ in tec.values()})
    lines = kpi_lines(kpi, all_lines)
    if not lines:
        return {}, ""
    base_years = {
        line: REPORT_BASE_YEARS.get(line.lower().rstrip("s"), family.base_year.get(line, 0))
        for line in lines
    }
    rows: dict[tuple[str, int], float] = defaultdict(float)
    for s in use_phase_sales(ctx):
        if s.product in tec:  # else not a comparable product: no energy record
            rows[(s.product, calendar.start_year_of(s.day))] += s.units
    sold = units_sold(rows, (r for r in family.sales if r.product_id in tec))
    sums: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    n_from: dict[str, int] = defaultdict(int)  # product-years per source of units sold
    for (product, year), (units, origin) in sold.items():
        line, kwh = tec[product]
        if line not in lines:
            continue
        n_from[origin] += 1
        acc = sums[(line, year)]
        acc[0] += units
        acc[1] += units * kwh
    sales = {k: (v[0], v[1]) for k, v in sums.items()}
    values: dict[int, float] = {}
    used: dict[str, float] = {}
    for y in sorted({y for _, y in sales}):
        got = sales_weighted_gain(sales, base_years, lines, y)
        if got is not None:
            values[y], used = got[0], got[1]
    bases = ", ".join(f"{k} {calendar.year(b).label}" for k, b in base_years.items() if b)
    how = (
        "efficiency gain = Σ_l u_l·(E_l(base)/E_l(y) − 1) / Σ_l u_l, E_l = sales-weighted "
        f"typical energy use of the comparable products of line l; base years: {bases}; "
        f"units sold: use-phase rows for {n_from[FROM_ROWS]} product-years, family sales "
        f"records for {n_from[FROM_FAMILY]} (use-phase rows win)"
    )
    if values:
        y = max(values)
        parts = ", ".join(f"{k} {v:+.1f} %" for k, v in sorted(used.items()))
        how += f"; {calendar.year(y).label}: {parts}"
    return values, how


# -- the hook -------------------------------------------------------------------------------------


def fill_computed_kpis(ctx: Context, kpis: Sequence[Kpi]) -> tuple[Kpi, ...]:
    """The targets hook: each ``renewable_share`` and ``efficiency_gain`` KPI without values
    takes the computed ones (module docstring), marked ``computed`` with their derivation;
    a KPI with typed values is returned unchanged."""
    out = []
    re_cache: tuple[dict[int, float], str] | None = None
    cal = None
    for k in kpis:
        if k.values or k.kind not in (KpiKind.RENEWABLE_SHARE, KpiKind.EFFICIENCY_GAIN):
            out.append(k)
            continue
        if k.kind is KpiKind.RENEWABLE_SHARE:
            if re_cache is None:
                re_cache = _fail_soft(re_share_values, ctx) or ({}, "")
            values, how = re_cache
        else:
            if cal is None:
                cal = _fail_soft(lambda: ctx.workspace().config.calendar)
            got = None if cal is None else _fail_soft(efficiency_values, ctx, k, cal)
            values, how = got or ({}, "")
        if values:
            k = replace(k, values=values, origin=KpiOrigin.COMPUTED, derivation=how)
        out.append(k)
    return tuple(out)


def mark_origins(typed: Sequence[Kpi], filled: Sequence[Kpi]) -> tuple[Kpi, ...]:
    """``filled`` with each KPI marked by where its values come from: ``typed`` when the targets
    file gave them (``typed``: the KPIs as read from the file), ``computed`` when a hook filled
    them (its ``source`` as derivation when the hook gave none)."""
    given = {k.id for k in typed if k.values}
    out = []
    for k in filled:
        if k.id in given:
            k = replace(k, origin=KpiOrigin.TYPED, derivation="")
        elif k.values and k.origin is not KpiOrigin.COMPUTED:
            k = replace(k, origin=KpiOrigin.COMPUTED, derivation=k.derivation or k.source)
        out.append(k)
    return tuple(out)
