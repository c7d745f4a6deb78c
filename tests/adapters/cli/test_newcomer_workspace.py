"""Issue 10, "Done when": a newcomer's workspace calculates completely out of the box.

A factory in Suzhou (CN-JS) and an office in Munich (DE-BY); natural gas in mmBtu and in kWh (as
EU gas bills are written); purchases in CNY and EUR; no reference file written by hand. Every row
must calculate (status ``complete``), and the Suzhou electricity must use the Jiangsu provincial
average factor of its year (MEE/NBS 2023: 0.5827 kg CO2/kWh), not the national one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app

runner = CliRunner()

CONFIG = """\
organisation: Newcomer Group
region: CN
fiscal_year_start_month: 1
consolidation: operational_control
gwp_set: AR5
base_year: null
factor_sets: [cn-grid, desnz-2025, epa-hub-2025, useeio-1.3]
entities:
  - id: CN1
    name: Newcomer Suzhou Co., Ltd.
    ownership_pct: 100
    operational_control: true
    financial_control: true
    parent: null
    country: CN
  - id: DE1
    name: Newcomer GmbH
    ownership_pct: 100
    operational_control: true
    financial_control: true
    parent: CN1
    country: DE
sites:
  - id: SZ01
    name: Suzhou factory
    entity: CN1
    region: CN-JS
    kind: factory
  - id: MUC
    name: Munich office
    entity: DE1
    region: DE-BY
    kind: office
"""

FUEL = """\
site,date,period_end,fuel,quantity,unit,use
SZ01,2023-03-01,2023-03-31,natural_gas,100,mmBtu,stationary
MUC,2023-02-01,2023-02-28,natural_gas,50000,kWh,stationary
"""

ELECTRICITY = """\
site,date,period_end,quantity,unit,source,supplier
SZ01,2023-03-01,2023-03-31,1000,MWh,grid,State Grid Jiangsu
MUC,2023-05-01,2023-05-31,80,MWh,grid,Stadtwerke Muenchen
"""

SPEND = """\
date,period_end,code,amount,currency,category,site,supplier,region
2023-06-01,2023-06-30,naics:334111,100000,CNY,1,SZ01,Suzhou Parts Co.,CN
2023-06-01,2023-06-30,naics:541511,20000,EUR,1,MUC,Muenchen IT GmbH,DE
"""


def lingtan(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


@pytest.fixture
def newcomer(tmp_path: Path) -> Path:
    ws = tmp_path / "newcomer"
    code, out = lingtan("init", str(ws), "--organisation", "Newcomer Group")
    assert code == 0, out
    (ws / "lingtan.yaml").write_text(CONFIG, encoding="utf-8")
    files = []
    for name, text in (("fuel", FUEL), ("electricity", ELECTRICITY), ("spend", SPEND)):
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    code, out = lingtan("import", *files, "-w", str(ws))
    assert code == 0, out
    assert not (ws / "reference" / "fx_rates.csv").exists()
    return ws


def test_newcomer_workspace_calculates_completely(newcomer: Path) -> None:
    code, out = lingtan("calc", "--year", "FY2023", "-w", str(newcomer))
    assert code == 0, out
    code, out = lingtan("inventory", "--year", "FY2023", "-w", str(newcomer), "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    completeness = doc["completeness"]
    assert completeness["status"] == "complete", completeness
    assert completeness["unresolved"] == []
    sites = doc["by_site_tco2e"]
    totals = doc["totals_tco2e"]
    # Suzhou: 1,000 MWh x 0.5827 kg CO2/kWh (MEE/NBS 2023, Jiangsu provincial average)
    #       = 1,000,000 kWh x 0.5827 / 1000 = 582.7 t CO2 (location-based; no instruments).
    # Munich: 80 MWh x 380.95 g/kWh (Ember/OWID 2023, Germany, generation-based proxy)
    #       = 80,000 x 0.38095 / 1000 = 30.476 t.
    assert totals["scope2_location"] == pytest.approx(582.7 + 30.476, rel=1e-6)
    # Scope 1: both gas rows calculate (not zero): 100 mmBtu of natural gas is about 5.3 t CO2e
    # (EPA 53.06 kg CO2/mmBtu) and 50,000 kWh (gross CV, DESNZ ~0.183 kg/kWh) about 9.1 t.
    assert 13.0 < totals["scope1"] < 16.0
    assert sites["SZ01"] > 582.7
    assert sites["MUC"] > 30.476
    # Scope 3 category 1: both purchases convert (CNY and EUR) with the shipped reference series.
    assert doc["scope3_by_category_tco2e"]["1"] > 0
