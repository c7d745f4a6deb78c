"""A workspace and a scenario for the scenario-run tests (issue 17 item 4, decision 0082),
shared by the service, API, web and CLI tests.

The workspace is :mod:`certkit`'s (site HQ, region CN, fiscal years from April; grid factor
0.5 kg CO2/kWh; 200 MWh from the grid in May 2024) with one fuel row added: 500 L of
``fuel.xofuel`` at 2.0 kg CO2/L in June 2024 → Scope 1 = 1 000 kg = **1 t CO2e**. Scope 2
(location) = 200 000 kWh × 0.5 = **100 t**, so the implied grid factor EF0 = 100 t / 200 000 kWh
× 1000 = 0.5 kg/kWh. No Scope 3. The targets file holds one absolute Scope 1+2 target, −50 %
from FY2020/21 to FY2030/31: the linear pathway allows 1 − 0.5 × (y − 2020)/10 of the base, i.e.
0.8 in 2024 (the inventory year) and 0.5 from 2030 on → 0.5 / 0.8 = 0.625 of the inventory
year's emissions in 2030 and 2040.

The scenario ``kit-1`` (CNY): carbon price CN 100 (2030) → 300 (2050); free allocation CN 0.5
→ 0; pass-through (power) 0.5; grid-factor multiplier CN 0.8 → 0.4; no electricity price, no
uplift. Hand calculation, central, no growth:

====  ==============================  ====================================================
year  direct C_dir                    indirect C_ind
====  ==============================  ====================================================
2030  1 t × 100 × (1 − 0.5) = 50      200 000 kWh × 0.5 × 0.8 / 1000 = 80 t × 100 × 0.5 = 4 000
2040  1 t × 200 × (1 − 0.25) = 150    200 000 × 0.5 × 0.6 / 1000 = 60 t × 200 × 0.5 = 6 000
====  ==============================  ====================================================

Plan effect = −(C_dir + C_ind) × (1 − 0.625): 2030 −4 050 × 0.375 = −1 518.75; 2040 −6 150 ×
0.375 = −2 306.25. Revenue of low-carbon products 1 000 000 with no uplift series → 0.
"""

from __future__ import annotations

from pathlib import Path

from certkit import FACTORS, SITE, YEAR
from certkit import prepare as cert_prepare

__all__ = ["SITE", "YEAR"]

DIRECT = {2030: 50.0, 2040: 150.0}
INDIRECT = {2030: 4000.0, 2040: 6000.0}
PLAN = {2030: -1518.75, 2040: -2306.25}
FUEL = "site,date,fuel,quantity,unit,use\nHQ,2024-06-01,xofuel,500,L,stationary\n"
TARGETS = """\
organisation: Cert Co
fiscal_year_start_month: 4
targets:
  - id: S12
    name: Operations -50 %
    scopes: [1, 2]
    base_year: FY2020/21
    target_year: FY2030/31
    reduction_pct: 50
"""
MANIFEST = """\
id: kit-1
label: Kit 1.5 °C
labels: {en: Kit 1.5 °C, zh-CN: 测试 1.5 °C}
warming: 1.5
pathway: SSP1-1.9
source: lingtan tests (invented)
licence: test data
edition: "1"
currency: CNY
series: kit-1.csv
"""
SERIES = """\
variable,region,year,value,low,high,unit
carbon_price,CN,2030,100,80,120,CNY/t CO2e
carbon_price,CN,2050,300,,,CNY/t CO2e
free_allocation,CN,2030,0.5,,,fraction
free_allocation,CN,2050,0,,,fraction
pass_through_power,World,2030,0.5,,,fraction
pass_through_power,World,2050,0.5,,,fraction
grid_factor_multiplier,CN,2030,0.8,,,ratio
grid_factor_multiplier,CN,2050,0.4,,,ratio
"""
#: a second, hotter scenario (flat price 100) for the conclusion
MANIFEST_HOT = (
    MANIFEST.replace("kit-1", "kit-4").replace("1.5", "4").replace("SSP1-1.9", "SSP5-8.5")
)
SERIES_HOT = """\
variable,region,year,value,low,high,unit
carbon_price,CN,2030,100,,,CNY/t CO2e
carbon_price,CN,2050,100,,,CNY/t CO2e
"""


def build_scenario_workspace(folder: Path) -> Path:
    """certkit's workspace with the fuel row and the targets file above, FY2024/25
    calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    cert_prepare(folder)
    (folder / "factors" / "zc.csv").write_text(
        FACTORS + "zc/fuel,fuel.xofuel,GLO,L,CO2,2.0,2020-01-01,Test Co,own factors,2024\n",
        encoding="utf-8",
    )
    (folder / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    (folder / "fuel.csv").write_text(FUEL, encoding="utf-8")
    ws = open_workspace(folder)
    for name, template in (("electricity.csv", "electricity"), ("fuel.csv", "fuel")):
        rep = import_file(ws, folder / name, template=template)
        assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder
