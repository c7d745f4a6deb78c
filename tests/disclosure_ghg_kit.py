"""A small calculated workspace for the ISO 14064-1 GHG report tests (issue 19, decision 0098):
the CLI test of the sections, ``lingtan explain`` and the verification record, and the API and
web tests of the verification record.

Own factor set ``tk`` (illustrative test values, not published ones), site HQ in CN, GWP AR5
(CH4 28), fiscal years from April, base year FY2022/23, exclusions register: Scope 3 category 8
(``size``) and 13 (``other``: no leased assets). Hand calculation of FY2023/24:

- Scope 1: 1,000 L of B30 × 2.0 kg CO2/L = 2,000 kg; × 0.0001 kg CH4/L = 0.1 kg × 28 = 2.8 kg
  CO2e → 2,002.8 kg = 2.0028 t CO2e; biogenic CO2 1,000 L × 0.5 kg = 500 kg = 0.5 t CO2, outside
  the scopes;
- Scope 2 location-based: 10,000 kWh × 0.5 kg CO2/kWh = 5,000 kg = 5.0 t CO2e (market-based:
  the bundled residual mix of CN, not hand-checked here);
- Scope 3 category 1: 5 t of widget × 1,000 kg CO2/t = 5,000 kg = 5.0 t CO2e;
- Scope 3 category 2: 12 t of gadget, whose only factor is for region XO: not calculated (1
  activity row), so the inventory is incomplete.

FY2022/23 (the base year and the previous year): 500 L of B30 → 1,001.4 kg = 1.0014 t CO2e.
"""

from __future__ import annotations

from pathlib import Path

YEAR = "FY2023/24"
BASE = "FY2022/23"
SCOPE1_T = 2.0028  # 1,000 × 2.0 + 1,000 × 0.0001 × 28 = 2,002.8 kg
SCOPE2_LOCATION_T = 5.0  # 10,000 kWh × 0.5 kg/kWh
SCOPE3_CAT1_T = 5.0  # 5 t × 1,000 kg/t
BIOGENIC_T = 0.5  # 1,000 L × 0.5 kg/L
BASE_SCOPE1_T = 1.0014  # 500 × 2.0 + 500 × 0.0001 × 28 = 1,001.4 kg

FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "tk/b30/CO2,fuel.b30_biodiesel,CN,L,CO2,2.0,2020-01-01,Test Co,own factors,2024\n"
    "tk/b30/CH4,fuel.b30_biodiesel,CN,L,CH4,0.0001,2020-01-01,Test Co,own factors,2024\n"
    "tk/b30/CO2_biogenic,fuel.b30_biodiesel,CN,L,CO2_biogenic,0.5,2020-01-01,Test Co,"
    "own factors,2024\n"
    "tk/grid,electricity.grid,CN,kWh,CO2,0.5,2020-01-01,Test Co,own factors,2024\n"
    "tk/widget,material.widget,CN,t,CO2,1000,2020-01-01,Test Co,own factors,2024\n"
    "tk/gadget,material.gadget,XO,t,CO2,1000,2020-01-01,Test Co,own factors,2024\n"
)
FUEL = (
    "site,date,fuel,quantity,unit\n"
    "HQ,2023-05-01,b30_biodiesel,1000,L\n"
    "HQ,2022-05-01,b30_biodiesel,500,L\n"
)
ELECTRICITY = "site,date,quantity,unit\nHQ,2023-06-01,10000,kWh\n"
ACTIVITY = (
    "date,scope,category,activity_type,quantity,unit,site\n"
    "2023-06-01,3,1,material.widget,5,t,HQ\n"
    "2023-07-01,3,2,material.gadget,12,t,HQ\n"
)
EXCLUSIONS = (
    "exclusions:\n  - category: 8\n    reason: size\n"
    "  - category: 13\n    reason: other\n    note: no leased assets\n"
)


def build_ghg_workspace(folder: Path) -> Path:
    """``lingtan init`` at ``folder`` with the ``tk`` set only, base year FY2022/23, the
    exclusions register; the three files imported; FY2022/23 and FY2023/24 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import init_workspace, open_workspace

    ws = init_workspace(folder, organisation="GHG Report Co")
    ws.engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8")
    start = text.index("factor_sets: [")
    text = text[:start] + "factor_sets: [tk]" + text[text.index("]", start) + 1 :]
    text = text.replace("base_year: null", f"base_year: {BASE}")
    cfg.write_text(text + EXCLUSIONS, encoding="utf-8")
    (folder / "factors" / "tk.csv").write_text(FACTORS, encoding="utf-8")
    inp = folder / "in"
    inp.mkdir()
    for name, body in (("fuel.csv", FUEL), ("electricity.csv", ELECTRICITY),
                       ("activity.csv", ACTIVITY)):  # fmt: skip
        (inp / name).write_text(body, encoding="utf-8")
    ws = open_workspace(folder)
    for name in ("fuel.csv", "electricity.csv"):
        rep = import_file(ws, inp / name)
        assert rep.rows_rejected == 0, rep.issues
    rep = import_file(ws, inp / "activity.csv", template="activity")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, BASE)
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder
