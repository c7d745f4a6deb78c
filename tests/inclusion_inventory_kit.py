"""A workspace for the category-7 feed tests (decision 0094), checked by hand.

The workspace's own factor set ``xo`` (first in priority) holds commuting factors [kg CO2 /
pkm]: ``travel.metro`` 0.03, ``travel.bus.average`` 0.10, ``travel.car.average`` 0.17.

:data:`TRIPS` (programme ``EMP``, site ``HQ``, FY2024/25 = 2024-04-01 … 2025-03-31):

====  ======  =======  ==========  =====
id    member  mode     day         km
====  ======  =======  ==========  =====
1     m-a     metro    2024-05-02  12.0
2     m-a     metro    2024-05-03  12.0
3     m-b     metro    2024-05-20   8.5
4     m-b     bus      2024-05-21  10.0
5     m-a     carpool  2024-06-03  20.0
6     m-c     bike     2024-06-04   4.0   human-powered: reported, not imported
7     m-c     walk     2024-06-05   1.5   human-powered
8     m-a     metro    2024-03-28  12.0   FY2023/24: outside the year
====  ======  =======  ==========  =====

Rows: HQ × metro × 2024-05 = 12 + 12 + 8.5 = 32.5 pkm (3 trips, 2 members) → 0.975 kg;
HQ × bus × 2024-05 = 10 pkm → 1.0 kg; HQ × carpool × 2024-06 = 20 pkm → 3.4 kg.
Σ 62.5 pkm; category 7 = 0.975 + 1.0 + 3.4 = 5.375 kg = 0.005375 t CO2e.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lingtan.adapters.services.inclusion_inventory import CommuteTrip

YEAR = "FY2024/25"
PROGRAMME = "EMP"
FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "xo/metro,travel.metro,GLO,pkm,CO2,0.03,2020-01-01,Test Co,own factors,2024\n"
    "xo/bus,travel.bus.average,GLO,pkm,CO2,0.10,2020-01-01,Test Co,own factors,2024\n"
    "xo/car,travel.car.average,GLO,pkm,CO2,0.17,2020-01-01,Test Co,own factors,2024\n"
)
TRIPS = (
    CommuteTrip(1, "m-a", "HQ", "metro", date(2024, 5, 2), 12.0),
    CommuteTrip(2, "m-a", "HQ", "metro", date(2024, 5, 3), 12.0),
    CommuteTrip(3, "m-b", "HQ", "metro", date(2024, 5, 20), 8.5),
    CommuteTrip(4, "m-b", "HQ", "bus", date(2024, 5, 21), 10.0),
    CommuteTrip(5, "m-a", "HQ", "carpool", date(2024, 6, 3), 20.0),
    CommuteTrip(6, "m-c", "HQ", "bike", date(2024, 6, 4), 4.0),
    CommuteTrip(7, "m-c", "HQ", "walk", date(2024, 6, 5), 1.5),
    CommuteTrip(8, "m-a", "HQ", "metro", date(2024, 3, 28), 12.0),
)
#: (site, mode, month) → (pkm, trips, members, kg CO2e)
EXPECTED = {
    ("HQ", "metro", "2024-05"): (32.5, 3, 2, 0.975),
    ("HQ", "bus", "2024-05"): (10.0, 1, 1, 1.0),
    ("HQ", "carpool", "2024-06"): (20.0, 1, 1, 3.4),
}
CAT7_T = 0.005375
SURVEY = (
    "date,mode,employees,days,one_way_distance,distance_unit,site\n2024-06-01,metro,10,20,5,km,HQ\n"
)


def build_feed_workspace(folder: Path) -> Path:
    """A new workspace at ``folder`` (site HQ, April fiscal year) with the ``xo`` set first."""
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Feed Co").engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8").replace("factor_sets: [", "factor_sets: [xo, ")
    cfg.write_text(text, encoding="utf-8")
    (folder / "factors" / "xo.csv").write_text(FACTORS, encoding="utf-8")
    return folder
