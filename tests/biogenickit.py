"""A workspace burning a biofuel blend whose factor has a biogenic CO2 row, shared by the
compute, CLI, API and web tests of the table by gas (GHG Protocol Corporate Standard ch. 9;
ISO 14064-1:2018 §9.3.1: biogenic CO2 reported separately, outside the scopes).

The workspace's own set ``bio`` (docs/workspace.md, user factor sets) gives ``fuel.b30_biodiesel``
per litre: CO2 (the fossil part) 2.0 kg, CH4 0.0001 kg, N2O 0.00002 kg and CO2_biogenic 0.5 kg
(illustrative test values, not published ones). One import: 1,000 L at site HQ in May 2023.
Hand calculation, AR5 (CH4 28, N2O 265):

- CO2   1,000 L × 2.0 kg      = 2,000 kg    → 2.0 t CO2e, 2.0 t of gas
- CH4   1,000 L × 0.0001 kg   = 0.1 kg × 28  = 2.8 kg CO2e → 0.0028 t CO2e, 0.0001 t of gas
- N2O   1,000 L × 0.00002 kg  = 0.02 kg × 265 = 5.3 kg CO2e → 0.0053 t CO2e, 0.00002 t of gas
- Scope 1 = 2,000 + 2.8 + 5.3 = 2,008.1 kg = 2.0081 t CO2e (the biogenic row adds nothing)
- biogenic CO2 1,000 L × 0.5 kg = 500 kg = 0.5 t CO2, outside the scopes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from appkit import OWNER as OWNER  # re-exported for the tests
from appkit import PASSWORD as PASSWORD
from appkit import single_org_app

FOSSIL = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "bio/b30/CO2,fuel.b30_biodiesel,CN,L,CO2,2.0,2020-01-01,Test Co,own fuel factors,2024\n"
    "bio/b30/CH4,fuel.b30_biodiesel,CN,L,CH4,0.0001,2020-01-01,Test Co,own fuel factors,2024\n"
    "bio/b30/N2O,fuel.b30_biodiesel,CN,L,N2O,0.00002,2020-01-01,Test Co,own fuel factors,2024\n"
)
BIOGENIC_ROW = (
    "bio/b30/CO2_biogenic,fuel.b30_biodiesel,CN,L,CO2_biogenic,0.5,2020-01-01,Test Co,"
    "own fuel factors,2024\n"
)
FUEL = "site,date,fuel,quantity,unit\nHQ,2023-05-01,b30_biodiesel,1000,L\n"
YEAR = "FY2023/24"
SCOPE1_T = 2.0081  # hand calculation above
BIOGENIC_T = 0.5
ORG = "bio"


def build_bio_workspace(folder: Path, *, biogenic: bool = True) -> Path:
    """``lingtan init`` at ``folder``, the ``bio`` set (with or without its biogenic row),
    ``fuel.csv`` imported and FY2023/24 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import init_workspace, open_workspace

    ws = init_workspace(folder, organisation="Bio Co")
    (ws.factors_dir / "bio.csv").write_text(
        FOSSIL + (BIOGENIC_ROW if biogenic else ""), encoding="utf-8"
    )
    ws.engine.dispose()
    ws = open_workspace(folder)
    (folder / "in").mkdir()
    (folder / "in" / "fuel.csv").write_text(FUEL, encoding="utf-8")
    rep = import_file(ws, folder / "in" / "fuel.csv")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder


def bio_server_app(root: Path) -> Any:
    """A server (SQLite under ``root``, no worker threads) whose organisation ``bio`` adopts
    :func:`build_bio_workspace`; user :data:`OWNER` owns it."""
    return single_org_app(root, build_bio_workspace(root / "orgs" / ORG), ORG)
