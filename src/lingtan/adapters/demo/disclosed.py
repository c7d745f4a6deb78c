"""Demo workspace (a): the source report's disclosed GHG inventory, line by line.

Source: *2023/24 Carbon Neutrality Action Report* (联想集团 2023/24 碳中和行动报告), appendix
table "联想集团2022/23和2023/24财年温室气体盘查情况" (FY2022/23 and FY2023/24 inventory, t CO2e)
and the summary table "2022/23和2023/24财年温室气体排放情况" (base year FY2018/19, 10⁴ t CO2e),
chapter 4.0 "测量并报告年度排放". Scope 2 is disclosed market-based only.

Every figure below is entered **as published**; lingtan must compute every total and share from
the lines itself. :data:`EXPECTED` holds the report's printed totals and shares, so a test can
compare lingtan's computed numbers with them. Where the printed numbers disagree with their own
lines is not written down here: ``lingtan reconcile`` finds it from the report's published
figures, which the workspace carries as data (``published/figures.csv``,
:mod:`lingtan.adapters.demo.published`; docs/reconcile.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypedDict

from lingtan.adapters.demo._files import csv_text, write_text

SOURCE_TABLE: Final = "联想集团2022/23和2023/24财年温室气体盘查情况"
SOURCE_SUMMARY: Final = "2022/23和2023/24财年温室气体排放情况"
SOURCE_REPORT: Final = "2023/24联想集团碳中和行动报告"
ORGANISATION: Final = "Source report group (disclosed inventory)"
SITE_ID: Final = "GROUP"
ENTITY_ID: Final = "GROUP-ENTITY"
#: Fiscal year → first day (fiscal years start on 1 April).
FY_START: Final[dict[str, str]] = {
    "FY2018/19": "2018-04-01",
    "FY2022/23": "2022-04-01",
    "FY2023/24": "2023-04-01",
}

BASE_YEAR_NOTE: Final = (
    "base-year Scope 3 total disclosed without category split (10⁴ t precision); booked under "
    "category 1 for storage only — do not read base-year category shares"
)


@dataclass(frozen=True)
class DisclosedLine:
    """One reported inventory line. Units: ``co2e_t`` [t CO2e]."""

    fiscal_year: str
    scope: int
    category: int
    co2e_t: int
    basis: str
    source_note: str


def _line_note(fy: str, what: str) -> str:
    return f"{SOURCE_REPORT}, 附录 {SOURCE_TABLE}, {fy}: {what}"


_S1_NOTE = (
    "Scope 1 total (stationary combustion, mobile combustion, fugitive); no split disclosed, "
    "booked under Scope 1 category 1"
)
_S2_NOTE = (
    "Scope 2 market-based total (purchased electricity, steam, cooling); no split and no "
    "location-based figure disclosed, booked under Scope 2 category 1"
)

#: Per-line figures of the appendix table [t CO2e] (Scope 3 category → value).
_REPORTED: Final[dict[str, tuple[int, int, dict[int, int]]]] = {
    "FY2022/23": (
        6_303,
        19_540,
        {1: 8_662_378, 2: 833_800, 3: 12_924, 4: 538_156, 5: 1_808, 6: 38_846,
         7: 45_568, 11: 8_451_000, 12: 157_000},
    ),
    "FY2023/24": (
        4_969,
        17_997,
        {1: 6_507_693, 2: 863_700, 3: 12_700, 4: 360_152, 5: 2_135, 6: 41_630,
         7: 56_585, 11: 7_131_203, 12: 124_265},
    ),
}  # fmt: skip


def disclosed_lines() -> list[DisclosedLine]:
    """Every line entered in ``disclosed_inventory.csv``, base year first.

    Base year FY2018/19 comes from the summary in 10⁴ t (S1 0.60, S2 2.60, S3 2043.25), converted
    to t; its Scope 3 has no category split and is booked under category 1 (see
    :data:`BASE_YEAR_NOTE`).
    """
    base = "FY2018/19"
    summary = f"{SOURCE_REPORT}, 4.0 {SOURCE_SUMMARY}, {base} (基准年), 10⁴ t precision"
    lines = [
        DisclosedLine(base, 1, 1, 6_000, "both", f"{summary}: Scope 1 0.60 × 10⁴ t; {_S1_NOTE}"),
        DisclosedLine(
            base, 2, 1, 26_000, "market", f"{summary}: Scope 2 (market) 2.60 × 10⁴ t; {_S2_NOTE}"
        ),
        DisclosedLine(
            base, 3, 1, 20_432_500, "both", f"{summary}: Scope 3 2043.25 × 10⁴ t; {BASE_YEAR_NOTE}"
        ),
    ]
    for fy, (s1, s2, s3) in _REPORTED.items():
        lines.append(DisclosedLine(fy, 1, 1, s1, "both", _line_note(fy, f"范围 1; {_S1_NOTE}")))
        lines.append(
            DisclosedLine(fy, 2, 1, s2, "market", _line_note(fy, f"范围 2(按市场计); {_S2_NOTE}"))
        )
        for cat, value in s3.items():
            lines.append(
                DisclosedLine(fy, 3, cat, value, "both", _line_note(fy, f"范围 3 类别 {cat}"))
            )
    return lines


class PublishedYear(TypedDict):
    """Totals and shares of one fiscal year **as printed** in the report.

    Units: ``*_t`` [t CO2e]; ``*_pct`` [%] of the year's total; ``summary_1e4_t`` [10⁴ t CO2e]
    from the chapter-4 summary table.
    """

    scope1_t: int | None
    scope2_market_t: int | None
    scope3_t: int | None
    total_t: int | None
    scope_share_pct: dict[str, float]
    category_share_pct: dict[int, float]
    summary_1e4_t: dict[str, float]


#: The report's published totals and shares, as printed (including its errors, which
#: ``lingtan reconcile`` lists). Keys of ``scope_share_pct`` and ``summary_1e4_t``: ``scope1``,
#: ``scope2_market``, ``scope3``, ``total``.
EXPECTED: Final[dict[str, PublishedYear]] = {
    "FY2018/19": {
        "scope1_t": None,
        "scope2_market_t": None,
        "scope3_t": None,
        "total_t": None,
        "scope_share_pct": {"scope1": 0.03, "scope2_market": 0.13, "scope3": 99.84, "total": 100.0},
        "category_share_pct": {},
        "summary_1e4_t": {"scope1": 0.60, "scope2_market": 2.60, "scope3": 2043.25,
                          "total": 2046.46},
    },
    "FY2022/23": {
        "scope1_t": 6_303,
        "scope2_market_t": 19_540,
        "scope3_t": 18_741_480,
        "total_t": 18_767_323,
        "scope_share_pct": {"scope1": 0.03, "scope2_market": 0.11, "scope3": 99.86, "total": 100.0},
        "category_share_pct": {1: 46.16, 2: 4.44, 3: 0.07, 4: 2.87, 5: 0.01, 6: 0.21, 7: 0.24,
                               11: 45.03, 12: 0.84},
        "summary_1e4_t": {"scope1": 0.63, "scope2_market": 1.95, "scope3": 1874.15,
                          "total": 1876.73},
    },
    "FY2023/24": {
        "scope1_t": 4_969,
        "scope2_market_t": 17_997,
        "scope3_t": 15_100_063,
        "total_t": 15_123_029,
        "scope_share_pct": {"scope1": 0.03, "scope2_market": 0.12, "scope3": 99.85, "total": 100.0},
        "category_share_pct": {1: 46.16, 2: 5.71, 3: 0.08, 4: 2.38, 5: 0.01, 6: 0.28, 7: 0.37,
                               11: 47.15, 12: 0.82},
        "summary_1e4_t": {"scope1": 0.50, "scope2_market": 1.80, "scope3": 1510.01,
                          "total": 1512.30},
    },
}  # fmt: skip


_YAML = f"""\
# Demo workspace (a): the source report's disclosed GHG inventory (ISO 14064-1 / GHG Protocol).
# Source: {SOURCE_REPORT}, appendix table "{SOURCE_TABLE}"
# and the chapter-4 summary "{SOURCE_SUMMARY}" (base year, 10^4 t).
# The figures are published totals, entered with the `disclosed` template: nothing is computed
# from activity data here. Scope 2 is disclosed market-based only; location-based is not disclosed.
organisation: {ORGANISATION}
region: CN
fiscal_year_start_month: 4          # FY2023/24 = 2023-04-01 ... 2024-03-31
consolidation: operational_control
# The report does not name its GWP set. AR5 is assumed here; disclosed CO2e totals are entered
# as published and do not depend on it.
gwp_set: AR5
base_year: FY2018/19
factor_sets: []                     # disclosed rows use the built-in identity factor
entities:
  - id: {ENTITY_ID}
    name: Source report group (whole group, as disclosed)
    ownership_pct: 100
    operational_control: true
    financial_control: true
    parent: null
    country: CN
sites:
  - id: {SITE_ID}
    name: Whole group (figures disclosed at group level)
    entity: {ENTITY_ID}
    region: CN
    kind: group
"""

DISCLOSED_HEADER: Final = ("site", "date", "scope", "category", "co2e", "unit", "basis",
                           "source_note")  # fmt: skip


def write_disclosed_workspace(directory: Path) -> list[Path]:
    """Write workspace (a), the source report's disclosed inventory, into ``directory``.

    Files: ``lingtan.yaml``, ``disclosed_inventory.csv`` (``disclosed`` template, one row per
    reported line, ``co2e`` in t CO2e, ``date`` = first day of the fiscal year) and
    ``published/figures.csv`` (the report's printed figures, for ``lingtan reconcile``).

    Returns:
        The configuration and import files written, in writing order (not the published
        figures, which are not an activity file).
    """
    from lingtan.adapters.demo.published import write_published_figures

    directory.mkdir(parents=True, exist_ok=True)
    rows = [
        (SITE_ID, FY_START[ln.fiscal_year], ln.scope, ln.category, ln.co2e_t, "t",
         ln.basis if ln.scope == 2 else None, ln.source_note)
        for ln in disclosed_lines()
    ]  # fmt: skip
    written = [
        write_text(directory / "lingtan.yaml", _YAML),
        write_text(directory / "disclosed_inventory.csv", csv_text(DISCLOSED_HEADER, rows)),
    ]
    write_published_figures(directory)
    return written
