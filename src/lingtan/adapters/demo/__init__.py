"""Demo data: two ready-to-run workspaces and a scalable synthetic activity generator.

- :func:`write_disclosed_workspace` — workspace (a), the source report's disclosed inventory
  (FY2018/19 base year, FY2022/23, FY2023/24), with :data:`EXPECTED` printed totals and shares
  and the report's published figures for ``lingtan reconcile`` (:func:`published_rows`);
- :func:`write_synthetic_workspace` — workspace (b), the fictional "Demo Electronics Group"
  (activity data for every template, illustrative company factors and reference tables);
- :func:`generate_activities` — N synthetic normalised activities as Parquet, for benchmarks;
- :mod:`lingtan.adapters.demo.synthetic_targets` — workspace (b)'s targets, ILLUSTRATIVE
  reduction projects and plan settings (``targets.yaml``, written by ``lingtan serve --demo``).

Everything in workspace (b) and in generated activities is synthetic and illustrative.
"""

from lingtan.adapters.demo.disclosed import (
    EXPECTED,
    DisclosedLine,
    PublishedYear,
    disclosed_lines,
    write_disclosed_workspace,
)
from lingtan.adapters.demo.published import published_rows, write_published_figures
from lingtan.adapters.demo.scale import generate_activities
from lingtan.adapters.demo.synthetic import write_synthetic_workspace

__all__ = [
    "EXPECTED",
    "DisclosedLine",
    "PublishedYear",
    "disclosed_lines",
    "generate_activities",
    "published_rows",
    "write_disclosed_workspace",
    "write_published_figures",
    "write_synthetic_workspace",
]
