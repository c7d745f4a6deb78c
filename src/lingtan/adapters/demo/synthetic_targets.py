"""Targets and reduction projects of demo workspace (b), the fictional "Demo Electronics Group":
what ``lingtan serve --demo`` gives the organisation ``synthetic`` as its ``targets.yaml``, so
that its targets, MACC and plan pages have something to show (issue 13, item 7; decision 0058).

**Everything here is ILLUSTRATIVE.** The source report publishes no project costs: every capex,
opex, energy-bill saving and abatement below is a plausible magnitude chosen for the demo and is
labelled so in the file (its header, every project's name and ``source``), and so wherever a
page shows a project next to its cost.

The programme follows the SBTi Corporate Near-Term Criteria (v5.x) and Net-Zero Standard (v1.2):

- base year FY2022/23 (the synthetic workspace's first year), submitted in 2024;
- ``S12``: Scope 1+2 (market-based) absolute −42 % by FY2030/31, 42/8 = 5.25 %/yr linear
  (≥ 4.2 %/yr, 1.5 °C);
- ``S3``: Scope 3 categories 1 and 11 (≈ 89 % of the base year's Scope 3, ≥ 67 %) absolute −25 %
  by FY2030/31, 25/8 = 3.125 %/yr (≥ 2.5 %/yr, well-below 2 °C);
- ``NZ``: all scopes −90 % by FY2049/50, residual neutralised with removals (long-term).

Actual emissions are not in the file: the server takes them from the organisation's calculated
inventories (FY2022/23 and FY2023/24). Money is CNY.

Determinism: the document is a fixed literal, dumped with ``sort_keys=False``: byte-identical
on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from lingtan.adapters.demo._files import write_text

__all__ = ["HEADER", "TARGETS_FILE", "targets_document", "targets_text", "write_targets"]

TARGETS_FILE: Final = "targets.yaml"

HEADER: Final = (
    "# Demo Electronics Group (FICTIONAL) - targets, reduction projects and plan settings of the\n"
    "# lingtan demo (lingtan.adapters.demo.synthetic_targets). ILLUSTRATIVE: every project cost,\n"
    "# saving and abatement here is a plausible magnitude chosen for the demo, not a measured or\n"
    "# published value (the source report gives no project costs). Do not use for real plans.\n"
    "# Actual emissions come from the workspace's calculated inventories (docs/targets.md).\n"
)

#: the ``source`` of every illustrative project
_SOURCE: Final = "ILLUSTRATIVE cost and abatement (lingtan demo); the source report gives no costs"
_ILL: Final = " (illustrative cost)"


def _project(pid: str, name: str, **fields: Any) -> dict[str, Any]:
    """One project, its name and source marked illustrative."""
    return {"id": pid, "name": name + _ILL, **fields, "source": _SOURCE}


#: the reduction projects [CNY; MWh/yr, m³/yr, t CO2e/yr]; energy-bill savings at illustrative
#: tariffs (electricity 0.62-0.65 CNY/kWh, natural gas 3.5 CNY/m³). Names are short (never four
#: plain English words in a row): the pages show them as data in both languages.
PROJECTS: Final[tuple[dict[str, Any], ...]] = (
    _project("HF-PV4", "Hefei rooftop PV 5 MW", type="renewable_onsite",
             region="CN-AH", site="HF-FACTORY",
             savings=[{"carrier": "electricity", "quantity": 5000, "unit": "MWh"}],
             capex=17_500_000, opex_per_year=175_000, cost_savings_per_year=3_100_000,
             life_years=25, earliest_start="FY2024/25", degradation_pct_per_year=0.5),
    _project("WH-AIR", "Wuhan chillers + compressed air", type="efficiency",
             region="CN-HB", site="WH-FACTORY",
             savings=[{"carrier": "electricity", "quantity": 3200, "unit": "MWh"}],
             capex=4_800_000, opex_per_year=60_000, cost_savings_per_year=2_080_000,
             life_years=10, earliest_start="FY2024/25"),
    _project("TJ-LED", "Tianjin LED lighting and controls", type="efficiency",
             region="CN-TJ", site="TJ-FACTORY",
             savings=[{"carrier": "electricity", "quantity": 1400, "unit": "MWh"}],
             capex=2_600_000, cost_savings_per_year=910_000, life_years=12,
             earliest_start="FY2024/25"),
    _project("WH-HP", "Wuhan heat pumps (no gas boilers)", type="fuel_switch",
             region="CN-HB", site="WH-FACTORY",
             savings=[{"carrier": "natural_gas", "quantity": 420_000, "unit": "m3"},
                      {"carrier": "electricity", "quantity": -1100, "unit": "MWh"}],
             capex=7_200_000, opex_per_year=80_000, cost_savings_per_year=755_000,
             life_years=15, earliest_start="FY2025/26"),
    _project("SZ-PPA", "Shenzhen wind + solar PPA 12 GWh", type="ppa",
             region="CN-GD", site="SZ-FACTORY",
             savings=[{"carrier": "electricity", "quantity": 12_000, "unit": "MWh"}],
             opex_per_year=420_000, life_years=10, earliest_start="FY2025/26"),
    _project("GEC", "Green electricity certificates 20 GWh", type="certificate",
             region="CN", savings=[{"carrier": "electricity", "quantity": 20_000, "unit": "MWh"}],
             opex_per_year=160_000, life_years=7, earliest_start="FY2024/25"),
    _project("SUP-RE", "Supplier renewable electricity", type="value_chain",
             reduction_t_per_year=120_000, scope=3, category=1, opex_per_year=9_000_000,
             life_years=7, earliest_start="FY2024/25"),
    _project("SUP-EFF", "Supplier energy efficiency", type="value_chain",
             reduction_t_per_year=70_000, scope=3, category=1, opex_per_year=4_200_000,
             life_years=7, earliest_start="FY2024/25"),
    _project("MAT", "Recycled aluminium + plastics", type="value_chain",
             reduction_t_per_year=40_000, scope=3, category=1, opex_per_year=6_000_000,
             life_years=7, earliest_start="FY2025/26"),
    _project("ECO", "Low-power notebooks", type="value_chain",
             reduction_t_per_year=110_000, scope=3, category=11, capex=60_000_000,
             life_years=7, earliest_start="FY2025/26"),
    _project("LOG", "Air-to-sea modal shift", type="value_chain",
             reduction_t_per_year=15_000, scope=3, category=4, opex_per_year=500_000,
             cost_savings_per_year=2_000_000, life_years=7, earliest_start="FY2024/25"),
    # issue 16: the measured project of the energy demo (mv.yaml, IPMVP Option C); its ex-ante
    # saving is replaced by the measured one (adapters/demo/synthetic_energy.py)
    _project("SZ-CA-AI", "Shenzhen compressed air AI control", type="efficiency",
             region="CN-GD", site="SZ-FACTORY",
             savings=[{"carrier": "electricity", "quantity": 200, "unit": "MWh"}],
             capex=600_000, cost_savings_per_year=130_000, life_years=10,
             start_year="FY2023/24"),
)  # fmt: skip

#: The report's four KPIs (issue 16 item 6, decision 0079): goals as the report states them,
#: NO typed values — ``lingtan serve --demo`` and ``lingtan demo`` compute them from the
#: workspace's data (renewable share from the energy indicators, the supply-chain reduction
#: from the supplier project ledger, the efficiency gains from the product module).
KPIS: Final[tuple[dict[str, Any], ...]] = (
    {"id": "KPI-RE", "name": "90 % of electricity from renewables by FY2025/26",
     "kind": "renewable_share", "unit": "%", "goal": 90, "goal_year": "FY2025/26"},
    {"id": "KPI-SC", "name": "1 Mt supply-chain GHG reduction by FY2025/26",
     "kind": "supply_chain_reduction", "unit": "t CO2e", "goal": 1_000_000,
     "goal_year": "FY2025/26"},
    {"id": "KPI-EFF-DS", "name": "Desktop and server energy efficiency +50 % by FY2029/30",
     "kind": "efficiency_gain", "unit": "% vs FY2018/19", "goal": 50,
     "goal_year": "FY2029/30", "start": {"year": "FY2018/19", "value": 0}},
    {"id": "KPI-EFF-NB", "name": "Notebook energy efficiency +30 % by FY2029/30",
     "kind": "efficiency_gain", "unit": "% vs base year", "goal": 30,
     "goal_year": "FY2029/30", "start": {"year": "FY2018/19", "value": 0}},
)  # fmt: skip


def targets_document() -> dict[str, Any]:
    """The targets file as a YAML-ready mapping (docs/targets.md format)."""
    return {
        "organisation": "Demo Electronics Group (fictional)",
        "fiscal_year_start_month": 4,
        "sbti": {"submitted": 2024},
        "targets": [
            {
                "id": "S12",
                "name": "Scope 1+2 absolute -42 % by FY2030/31",
                "horizon": "near_term",
                "kind": "absolute",
                "scopes": [1, 2],
                "scope2_basis": "market",
                "base_year": "FY2022/23",
                "target_year": "FY2030/31",
                "reduction_pct": 42,
            },
            {
                "id": "S3",
                "name": "Scope 3 categories 1 and 11 absolute -25 % by FY2030/31",
                "horizon": "near_term",
                "kind": "absolute",
                "scope3_categories": [1, 11],
                "base_year": "FY2022/23",
                "target_year": "FY2030/31",
                "reduction_pct": 25,
            },
            {
                "id": "NZ",
                "name": "Net zero -90 % by FY2049/50, all scopes",
                "horizon": "long_term",
                "kind": "absolute",
                "scopes": [1, 2, 3],
                "base_year": "FY2022/23",
                "target_year": "FY2049/50",
                "reduction_pct": 90,
                "neutralise_residual": True,
            },
        ],
        "kpis": [dict(k) for k in KPIS],
        "projects": [dict(p) for p in PROJECTS],
        "plan": {
            "start_year": "FY2024/25",
            "end_year": "FY2030/31",
            "discount_rate_pct": 8,
            "currency": "CNY",
            "follow_pathway": True,
            "max_cost_per_t": 3000,
        },
    }


def targets_text() -> str:
    """``targets.yaml`` text: :data:`HEADER` and :func:`targets_document` (byte-stable)."""
    body = yaml.safe_dump(targets_document(), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def write_targets(folder: Path) -> Path | None:
    """Write ``<folder>/targets.yaml``; kept when it exists (a user may have edited it).
    Returns the file written, else None."""
    path = folder / TARGETS_FILE
    if path.exists():
        return None
    return write_text(path, targets_text())
