"""A workspace for the factor-search tests (decision 0055): its own set ``test-diesel``
(``fuel.diesel`` in CN, per litre: CO2 2.6 kg, CH4 0.0001 kg, N2O 0.00002 kg; illustrative test
values, not published ones) and one ``fuel`` import naming the fuel in Chinese (``柴油``) and in
full-width English (``ＤＩＥＳＥＬ``), 1,000 L each at site HQ in May 2023.

Hand calculation, AR5 (CH4 28, N2O 265; IPCC AR5 WGI Table 8.A.1):

- CO2e per litre = 2.6 + 0.0001 × 28 + 0.00002 × 265 = 2.6 + 0.0028 + 0.0053 = 2.6081 kg
- Scope 1 = 2 × 1,000 L × 2.6081 kg = 5,216.2 kg = 5.2162 t CO2e (both rows are diesel)

AR6 (CH4 27.9 of unknown origin, N2O 273; AR6 WGI Table 7.15):
2.6 + 0.0001 × 27.9 + 0.00002 × 273 = 2.6 + 0.00279 + 0.00546 = 2.60825 kg CO2e per litre.
"""

from __future__ import annotations

from pathlib import Path

from appkit import OWNER as OWNER  # re-exported for the tests
from appkit import PASSWORD as PASSWORD

ORG = "fsearch"
OWN_SET = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "td/diesel/CO2,fuel.diesel,CN,L,CO2,2.6,2020-01-01,Test Co,own fuel factors,2024\n"
    "td/diesel/CH4,fuel.diesel,CN,L,CH4,0.0001,2020-01-01,Test Co,own fuel factors,2024\n"
    "td/diesel/N2O,fuel.diesel,CN,L,N2O,0.00002,2020-01-01,Test Co,own fuel factors,2024\n"
)
FUEL = (
    "site,date,fuel,quantity,unit\nHQ,2023-05-01,柴油,1000,L\nHQ,2023-06-01,ＤＩＥＳＥＬ,1000,L\n"
)
YEAR = "FY2023/24"
CO2E_PER_L_AR5 = 2.6081
CO2E_PER_L_AR6 = 2.60825
SCOPE1_T = 5.2162


def build_factor_workspace(folder: Path) -> Path:
    """``lingtan init`` at ``folder``, the ``test-diesel`` set, ``fuel.csv`` imported (no row
    rejected) and FY2023/24 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import init_workspace, open_workspace

    ws = init_workspace(folder, organisation="Factor Co")
    (ws.factors_dir / "test-diesel.csv").write_text(OWN_SET, encoding="utf-8")
    ws.engine.dispose()
    ws = open_workspace(folder)
    (folder / "in").mkdir()
    (folder / "in" / "fuel.csv").write_text(FUEL, encoding="utf-8")
    rep = import_file(ws, folder / "in" / "fuel.csv")
    assert rep.rows_rejected == 0, [str(i) for i in rep.issues]
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder
