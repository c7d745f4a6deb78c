"""A small workspace whose lineage can be checked by hand (decision 0057), shared by the service,
export and web tests.

The workspace's own factor set ``xo`` (first in priority) has one fuel factor with three gases,
``fuel.xofuel`` per litre: CO2 2.0 kg, CH4 0.001 kg, N2O 0.0001 kg. GWP set AR5 (IPCC AR5,
100-year): CH4 28, N2O 265. So one litre is

    2.0 × 1 + 0.001 × 28 + 0.0001 × 265 = 2.0 + 0.028 + 0.0265 = 2.0545 kg CO2e / L.

``fuel.csv`` (header on spreadsheet row 1; site HQ "Headquarters", 100 % operational control):

===  ==========  ======  ==================
row  date        litres  kg CO2e (× 2.0545)
===  ==========  ======  ==================
2    2023-06-01  100     205.45
3    2023-07-01  200     410.90
4    2023-08-01   50     102.725
===  ==========  ======  ==================

Scope 1, category 1 = total = 719.075 kg = 0.719075 t CO2e (FY2023/24); by gas [kg]: CO2 700,
CH4 0.35 × 28 = 9.8, N2O 0.035 × 265 = 9.275.
"""

from __future__ import annotations

from pathlib import Path

YEAR = "FY2023/24"
FILE = "fuel.csv"
PER_UNIT = 2.0545  # kg CO2e / L
ROWS = {2: 100.0, 3: 200.0, 4: 50.0}  # spreadsheet row → litres
CO2E_KG = {row: litres * PER_UNIT for row, litres in ROWS.items()}
TOTAL_T = 0.719075
GAS_KG = {"CO2": 700.0, "CH4": 9.8, "N2O": 9.275}
FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "xo/fuel-co2,fuel.xofuel,GLO,L,CO2,2.0,2020-01-01,Test Co,own factors,2024\n"
    "xo/fuel-ch4,fuel.xofuel,GLO,L,CH4,0.001,2020-01-01,Test Co,own factors,2024\n"
    "xo/fuel-n2o,fuel.xofuel,GLO,L,N2O,0.0001,2020-01-01,Test Co,own factors,2024\n"
)
ACTIVITIES = (
    "site,date,fuel,quantity,unit,use\n"
    "HQ,2023-06-01,xofuel,100,L,stationary\n"
    "HQ,2023-07-01,xofuel,200,L,stationary\n"
    "HQ,2023-08-01,xofuel,50,L,stationary\n"
)


def build_lineage_workspace(folder: Path) -> Path:
    """A new workspace at ``folder`` with the ``xo`` set first in priority, ``fuel.csv``
    imported and FY2023/24 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import init_workspace, open_workspace

    init_workspace(folder, organisation="Lineage Co").engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8").replace("factor_sets: [", "factor_sets: [xo, ")
    cfg.write_text(text, encoding="utf-8")
    (folder / "factors" / "xo.csv").write_text(FACTORS, encoding="utf-8")
    (folder / FILE).write_text(ACTIVITIES, encoding="utf-8")
    ws = open_workspace(folder)
    rep = import_file(ws, folder / FILE, template="fuel")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder
