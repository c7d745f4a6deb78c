"""A workspace and files for the physical-risk tests (decision 0083), shared by the io, service,
API, web and CLI tests.

Sites: HQ (the starter site), WH and SZ. Exposure (CNY): WH asset value 1 000 000 000, revenue
2 000 000 a day, 100 days down at total damage; SZ 500 000 000, 1 000 000 a day, 50 days.

Hazards under SSP5-8.5 in 2050, lingtan's default curves (modules/risk/physical.py):

- WH riverine flood 0.5 m at RP 10, 1.0 m at RP 100, 2.0 m at RP 1000 → damage 0.25, 0.4, 0.6
  at p = 0.1, 0.01, 0.001: (0.25 + 0.4)/2 × 0.09 = 0.02925; (0.4 + 0.6)/2 × 0.009 = 0.0045;
  tail 0.6 × 0.001 = 0.0006 → fraction 0.03435/yr; EAD = 1e9 × 0.03435 = 34 350 000;
  downtime 100 × 0.03435 = 3.435 days; BI = 3.435 × 2e6 = 6 870 000.
- SZ typhoon wind 35 m/s at RP 10, 55 m/s at RP 100 → damage 0.02, 0.2: (0.02 + 0.2)/2 × 0.09
  = 0.0099; tail 0.2 × 0.01 = 0.002 → 0.0119/yr; EAD = 5e8 × 0.0119 = 5 950 000; downtime
  50 × 0.0119 = 0.595 days; BI = 0.595 × 1e6 = 595 000.
- heat: WH 20, SZ 40 days/yr (chronic).

Group: EAD 40 300 000, BI 7 465 000, total 47 765 000 CNY/yr. ¶29(c) at the defaults: riverine
flood ≥ 0.5 m at RP 100: WH → assets 1e9 / 1.5e9 = 2/3, revenue 2e6 / 3e6 = 2/3; heat ≥ 30
days: SZ → 1/3 and 1/3; typhoon ≥ 50 m/s at RP 100: SZ → 1/3.
"""

from __future__ import annotations

from pathlib import Path

PATHWAY, YEAR = "SSP5-8.5", 2050
EAD = {"WH": 34_350_000.0, "SZ": 5_950_000.0}
BI = {"WH": 6_870_000.0, "SZ": 595_000.0}
GROUP_EAD, GROUP_BI = 40_300_000.0, 7_465_000.0

EXPOSURE_CSV = (
    "site,latitude,longitude,asset_value,revenue_per_day,currency,bi_days\n"
    "WH,30.593,114.305,1000000000,2000000,CNY,100\n"
    "SZ,22.543,114.058,500000000,1000000,CNY,50\n"
)
HAZARDS_CSV = (
    "site,hazard,pathway,year,return_period,value,unit,source\n"
    "WH,riverine_flood,SSP5-8.5,2050,10,0.5,m,test\n"
    "WH,riverine_flood,SSP5-8.5,2050,100,1.0,m,test\n"
    "WH,riverine_flood,SSP5-8.5,2050,1000,2.0,m,test\n"
    "SZ,typhoon_wind,SSP5-8.5,2050,10,35,m/s,test\n"
    "SZ,typhoon_wind,SSP5-8.5,2050,100,55,m/s,test\n"
    "WH,heat,SSP5-8.5,2050,,20,days/yr,test\n"
    "SZ,heat,SSP5-8.5,2050,,40,days/yr,test\n"
)
#: an OS-Climate physrisk hazard-data request and response (written by hand in physrisk's
#: layout): WH's riverine flood under ssp585 in 2050 at RP 10/100/1000, SZ's heat days
PHYSRISK_JSON = """{
  "request": {"items": [
    {"request_item_id": "flood", "hazard_type": "RiverineInundation",
     "indicator_id": "flood_depth", "latitudes": [30.593, 22.543],
     "longitudes": [114.305, 114.058], "scenario": "ssp585", "year": 2050},
    {"request_item_id": "heat", "hazard_type": "ChronicHeat", "indicator_id": "days_tas_above_35c",
     "latitudes": [22.543], "longitudes": [114.058], "scenario": "ssp585", "year": 2050}
  ]},
  "response": {"items": [
    {"request_item_id": "flood", "hazard_type": "RiverineInundation",
     "indicator_id": "flood_depth", "scenario": "ssp585", "year": 2050,
     "intensity_curve_set": [
       {"intensities": [0.5, 1.0, 2.0], "index_values": [10, 100, 1000],
        "index_name": "return period"},
       {"intensities": [], "index_values": [], "index_name": "return period"}]},
    {"request_item_id": "heat", "hazard_type": "ChronicHeat",
     "indicator_id": "days_tas_above_35c", "scenario": "ssp585", "year": 2050,
     "intensity_curve_set": [{"intensities": [40], "index_values": [], "index_name": ""}]}
  ]}
}
"""
SITES_YAML = """\
  - id: WH
    name: Wuhan factory
    entity: MAIN
    region: CN
    kind: factory
  - id: SZ
    name: Shenzhen factory
    entity: MAIN
    region: CN
    kind: factory
"""


def prepare(folder: Path) -> Path:
    """A workspace at ``folder`` with the sites HQ, WH and SZ."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Hazard Co", region="CN").engine.dispose()
    cfg = folder / "lingtan.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + SITES_YAML, encoding="utf-8")
    return folder
