"""A workspace whose spend file names suppliers (decision 0044), shared by the CLI and API tests.

Hand calculation. The workspace's own factor set ``xo`` (first in priority) has one spend factor:
``spend.xo.steel``, GLO, 0.5 kg CO2 per USD of 2023 (price year 2023). The rows are USD of 2023,
so the conversion is 1 (same currency, same price year). Scope 3 category 1, FY2023/24:

======  ==========  ========  =========  ==============
row     date        supplier  USD 2023   kg CO2 (× 0.5)
======  ==========  ========  =========  ==============
2       2023-06-01  S-A       10 000     5 000
3       2023-07-01  S-A        4 000     2 000
4       2023-08-01  S-B        6 000     3 000
5       2023-09-01  —          2 000     1 000
======  ==========  ========  =========  ==============

By supplier [t CO2e]: S-A 7, S-B 3, unattributed 1; Scope 3 = total = 11 t.
"""

from __future__ import annotations

from pathlib import Path

YEAR = "FY2023/24"
FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition,"
    "price_year\n"
    "xo/steel,spend.xo.steel,GLO,USD,CO2,0.5,2020-01-01,Test Co,own factors,2024,2023\n"
)
WITH_SUPPLIER = (
    "date,code,amount,currency,price_year,category,site,supplier\n"
    "2023-06-01,spend.xo.steel,10000,USD,2023,1,HQ,S-A\n"
    "2023-07-01,spend.xo.steel,4000,USD,2023,1,HQ,S-A\n"
    "2023-08-01,spend.xo.steel,6000,USD,2023,1,HQ,S-B\n"
    "2023-09-01,spend.xo.steel,2000,USD,2023,1,HQ,\n"
)
#: the same rows without the supplier column
WITHOUT_SUPPLIER = (
    "\n".join(line.rsplit(",", 1)[0] for line in WITH_SUPPLIER.strip().splitlines()) + "\n"
)
BY_SUPPLIER_T = {"S-A": 7.0, "S-B": 3.0, "unattributed": 1.0}
TOTAL_T = 11.0


def prepare_workspace(folder: Path, activities: str = WITH_SUPPLIER) -> Path:
    """``init_workspace`` at ``folder`` with the ``xo`` set first in priority and ``spend.csv``
    written (not imported)."""
    from lingtan.adapters.store.workspace import init_workspace

    ws = init_workspace(folder, organisation="Supplier Co")
    ws.engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8").replace("factor_sets: [", "factor_sets: [xo, ")
    cfg.write_text(text, encoding="utf-8")
    (folder / "factors" / "xo.csv").write_text(FACTORS, encoding="utf-8")
    (folder / "spend.csv").write_text(activities, encoding="utf-8")
    return folder


def build_supplier_workspace(folder: Path, activities: str = WITH_SUPPLIER) -> Path:
    """:func:`prepare_workspace`, ``spend.csv`` imported and FY2023/24 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    prepare_workspace(folder, activities)
    ws = open_workspace(folder)
    rep = import_file(ws, folder / "spend.csv", template="spend")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder
