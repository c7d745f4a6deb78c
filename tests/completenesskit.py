"""An incomplete workspace, shared by the completeness tests of the CLI, the API and the web.

The workspace's own factor set ``xo`` has a factor for ``material.widget`` (CN) and one for
``material.gadget`` in region XO only, so a gadget row of site HQ (CN) resolves to no factor
whatever the bundled library holds (robust to library updates):

- widget: 5 t × 1,000 kg CO2/t = 5,000 kg = 5 t CO2e (Scope 3 category 1), calculated;
- gadget: 12 t, Scope 3 category 2, **not calculated** (no factor in CN or GLO).

So FY2023/24 is ``incomplete``: 1 activity row not calculated, basis 12 t of material.gadget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from appkit import OWNER as OWNER  # re-exported for the tests
from appkit import PASSWORD as PASSWORD
from appkit import single_org_app

FACTORS = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "xo/widget,material.widget,CN,t,CO2,1000,2020-01-01,Test Co,own factors,2024\n"
    "xo/gadget,material.gadget,XO,t,CO2,1000,2020-01-01,Test Co,own factors,2024\n"
)
ACTIVITY = (
    "date,scope,category,activity_type,quantity,unit,site\n"
    "2023-06-01,3,1,material.widget,5,t,HQ\n"
    "2023-07-01,3,2,material.gadget,12,t,HQ\n"
)
ONLY_GADGET = (
    "date,scope,category,activity_type,quantity,unit,site\n2023-07-01,3,2,material.gadget,12,t,HQ\n"
)
YEAR = "FY2023/24"
WIDGET_T = 5.0  # 5 t × 1000 kg/t / 1000


def write_incomplete_workspace(
    folder: Path, activity: str = ACTIVITY, exclusions: str = ""
) -> Path:
    """``lingtan init`` a workspace at ``folder`` with the ``xo`` set first, ``exclusions``
    (YAML text, appended to lingtan.yaml) and ``activity.csv`` written (not imported)."""
    from lingtan.adapters.store.workspace import init_workspace

    ws = init_workspace(folder, organisation="Incomplete Co")
    ws.engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = cfg.read_text(encoding="utf-8").replace("factor_sets: [", "factor_sets: [xo, ")
    cfg.write_text(text + exclusions, encoding="utf-8")
    (folder / "factors" / "xo.csv").write_text(FACTORS, encoding="utf-8")
    (folder / "activity.csv").write_text(activity, encoding="utf-8")
    return folder


def build_incomplete_workspace(folder: Path, exclusions: str = "") -> Path:
    """:func:`write_incomplete_workspace`, imported and FY2023/24 calculated."""
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import open_workspace

    write_incomplete_workspace(folder, exclusions=exclusions)
    ws = open_workspace(folder)
    rep = import_file(ws, folder / "activity.csv", template="activity")
    assert rep.rows_rejected == 0, rep.issues
    calculate_year(ws, YEAR)
    ws.engine.dispose()
    return folder


ORG = "incomplete"


def incomplete_server_app(root: Path, exclusions: str = "") -> Any:
    """A server (``create_app``, SQLite under ``root``, no worker threads) whose organisation
    ``incomplete`` adopts :func:`build_incomplete_workspace`; user :data:`OWNER` owns it."""
    return single_org_app(
        root, build_incomplete_workspace(root / "orgs" / ORG, exclusions=exclusions), ORG
    )
