"""The source report's targets programme (2023/24联想集团碳中和行动报告): its targets, KPIs and
project examples (:mod:`lingtan.modules.targets.report`) with disclosed emissions — what
``lingtan targets example`` writes, ``lingtan demo`` prints and ``lingtan serve --demo`` gives
the demo organisation ``disclosed`` as its targets file (docs/targets.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lingtan.core.inventory import Inventory
from lingtan.core.periods import FiscalCalendar
from lingtan.modules.targets.emissions import YearEmissions, year_emissions_from_inventory
from lingtan.modules.targets.programme import Programme

EXAMPLE_HEADER = (
    "# The source report's targets, KPIs and project examples (2023/24联想集团碳中和行动报告),\n"
    "# entered as published. The report gives no denominator values, KPI values or project\n"
    "# costs: add yours. Format: docs/targets.md."
)


def report_programme(invs: Sequence[Inventory] | None) -> Programme:
    """The source report's programme; emissions [t CO2e] from the demo's disclosed inventories
    when given (FY2018/19 without a Scope 3 split, as disclosed), else from the report's lines."""
    from lingtan.adapters.demo.disclosed import disclosed_lines
    from lingtan.modules.targets import report

    cal = FiscalCalendar(4)
    emissions: dict[int, YearEmissions] = {}
    if invs:
        for inv in invs:
            split = cal.parse(inv.fiscal_year).start.year != report.BASE
            e = year_emissions_from_inventory(inv, cal, scope3_split=split)
            emissions[e.year] = e
    else:
        by_year: dict[int, dict[str, Any]] = {}
        for ln in disclosed_lines():
            y = cal.parse(ln.fiscal_year).start.year
            d = by_year.setdefault(y, {"s1": 0.0, "s2": 0.0, "s3": {}})
            if ln.scope == 1:
                d["s1"] += ln.co2e_t
            elif ln.scope == 2:
                d["s2"] += ln.co2e_t
            else:
                d["s3"][ln.category] = d["s3"].get(ln.category, 0.0) + ln.co2e_t
        for y, d in by_year.items():
            s3 = d["s3"]
            flat = y == report.BASE
            emissions[y] = YearEmissions(
                y, d["s1"], d["s2"], None, {} if flat else s3,
                float(sum(s3.values())) if flat else None,
                source=f"{report.REPORT}, disclosed inventory",
            )  # fmt: skip
    return Programme(
        calendar=cal, organisation="Source report group (disclosed)",
        targets=tuple(report.report_targets()), kpis=tuple(report.report_kpis()),
        projects=tuple(report.report_projects()), emissions=emissions,
        series=report.report_series(),
    )  # fmt: skip
